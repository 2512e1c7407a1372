"""Clusters in the Group phase as the items people vote on and discuss; every
note is labelled with its board number ("#12 · ") so two notes with the same
text stay apart."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from pydantic import BaseModel

from canvas.models import Cluster, Note
from canvas.session.voting import cluster_votes
from canvas.templates import Template

LABEL_MAX_CHARS = 160


def note_label(note: Note) -> str:
    """The text shown on a draggable note; unique on the board thanks to the number."""
    text = " ".join(note.text.split())
    if len(text) > LABEL_MAX_CHARS:
        text = text[: LABEL_MAX_CHARS - 1] + "…"
    return f"#{note.number} · {text}"


class VotableItem(BaseModel):
    """A cluster or an ungrouped note, as voted on and discussed."""

    id: str
    kind: str  # "cluster" or "note"
    step_key: str
    title: str
    note_texts: list[str]
    votes: int = 0
    step_index: int = 0
    position: int = 0


def votable_items(
    template: Template, notes: Iterable[Note], clusters: Iterable[Cluster],
    tallies: Mapping[str, int] | None = None,
) -> list[VotableItem]:
    """Every cluster and ungrouped note in template order. A cluster's votes
    include dots placed on its notes before they were grouped (going back a
    phase loses nothing)."""
    tallies = tallies or {}
    step_index = {step.key: index for index, step in enumerate(template.steps)}
    notes = list(notes)
    items: list[VotableItem] = []
    for cluster in clusters:
        members = [n for n in notes if n.cluster_id == cluster.id]
        items.append(VotableItem(
            id=cluster.id, kind="cluster", step_key=cluster.step_key, title=cluster.name,
            note_texts=[n.text for n in members],
            votes=cluster_votes(cluster.id, (n.id for n in members), tallies),
            step_index=step_index.get(cluster.step_key, 99), position=cluster.position,
        ))
    for note in notes:
        if note.cluster_id is None:
            items.append(VotableItem(
                id=note.id, kind="note", step_key=note.step_key, title=note_label(note),
                note_texts=[note.text], votes=tallies.get(note.id, 0),
                step_index=step_index.get(note.step_key, 99), position=10_000 + note.number,
            ))
    return sorted(items, key=lambda item: (item.step_index, item.position))
