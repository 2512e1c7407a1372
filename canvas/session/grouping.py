"""Clusters in the Group phase, and the bridge to the drag-and-drop widget.

streamlit-sortables identifies an item by its text and a container by its
header, so every note gets a label that starts with its board number ("#12 · ")
and every cluster a header that starts with a mark no label starts with. Two
notes with the same text, or a note whose text equals a cluster's name, stay
apart.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping

from pydantic import BaseModel

from canvas.models import Cluster, Note
from canvas.templates import Template

UNGROUPED_HEADER = "Not grouped yet"
CLUSTER_MARK = "▣ "
LABEL_MAX_CHARS = 160


def note_label(note: Note) -> str:
    """The text shown on a draggable note; unique on the board thanks to the number."""
    text = " ".join(note.text.split())
    if len(text) > LABEL_MAX_CHARS:
        text = text[: LABEL_MAX_CHARS - 1] + "…"
    return f"#{note.number} · {text}"


class SortableLayout(BaseModel):
    """What the widget is given, and how to read its answer back."""

    containers: list[dict]
    note_by_label: dict[str, str]
    cluster_by_header: dict[str, str | None]


def sortable_layout(notes: Iterable[Note], clusters: Iterable[Cluster]) -> SortableLayout:
    """Columns for one step: the ungrouped notes first, then each cluster in order."""
    clusters = sorted(clusters, key=lambda c: (c.position, c.created_at, c.id))
    headers: dict[str, str | None] = {UNGROUPED_HEADER: None}
    header_of: dict[str | None, str] = {None: UNGROUPED_HEADER}
    seen_names: Counter = Counter()
    for cluster in clusters:
        seen_names[cluster.name] += 1
        suffix = f" ({seen_names[cluster.name]})" if seen_names[cluster.name] > 1 else ""
        header = f"{CLUSTER_MARK}{cluster.name}{suffix}"
        headers[header] = cluster.id
        header_of[cluster.id] = header
    items: dict[str, list[str]] = {header: [] for header in headers}
    note_by_label: dict[str, str] = {}
    for note in sorted(notes, key=lambda n: (n.position, n.number)):
        label = note_label(note)
        note_by_label[label] = note.id
        items[header_of.get(note.cluster_id, UNGROUPED_HEADER)].append(label)
    return SortableLayout(
        containers=[{"header": header, "items": labels} for header, labels in items.items()],
        note_by_label=note_by_label,
        cluster_by_header=headers,
    )


def moves_from_drop(layout: SortableLayout, dropped: list[dict]) -> dict[str, str | None]:
    """Notes whose cluster changed in the widget's answer: note id -> cluster id (None = ungrouped).

    Only what moved is returned, so two people dropping different notes at the
    same time do not undo each other's work. Unknown labels or headers (from a
    stale or tampered answer) are ignored.
    """
    before = {
        label: container["header"] for container in layout.containers for label in container["items"]
    }
    moves: dict[str, str | None] = {}
    for container in dropped or []:
        header = container.get("header")
        if header not in layout.cluster_by_header:
            continue
        for label in container.get("items", []):
            if label in layout.note_by_label and before.get(label) != header:
                moves[layout.note_by_label[label]] = layout.cluster_by_header[header]
    return moves


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
            votes=tallies.get(cluster.id, 0) + sum(tallies.get(n.id, 0) for n in members),
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
