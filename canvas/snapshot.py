"""Everything on one board at one moment: what exports and the PNG are made from."""

from __future__ import annotations

from pydantic import BaseModel

from canvas.actions import FollowUp, Trigger
from canvas.learnings import Decision, Learning, WhyChain
from canvas.models import Board, Cluster, DisseminationEntry, Note, Participant
from canvas.session.suggestions import GroupingSuggestion
from canvas.templates import Template
from canvas.incident.timeline import TimelineEvent
from canvas.jira_board import JiraBoardState


class BoardSnapshot(BaseModel):
    board: Board
    participants: list[Participant] = []
    notes: list[Note] = []  # live notes only
    clusters: list[Cluster] = []
    tallies: dict[str, int] = {}  # item id -> dots (votes on live items)
    events: list[TimelineEvent] = []
    actions: list[FollowUp] = []
    triggers: list[Trigger] = []
    learnings: list[Learning] = []
    decisions: list[Decision] = []
    whys: list[WhyChain] = []
    dissemination: list[DisseminationEntry] = []
    # Open grouping suggestions (note ids only: the notes' text is in `notes`).
    suggestions: list[GroupingSuggestion] = []
    jira: JiraBoardState | None = None  # a board of Jira cards: its cards, sprints and round

    @property
    def template(self) -> Template:
        return self.board.template_model

    def notes_of(self, step_key: str) -> list[Note]:
        return [note for note in self.notes if note.step_key == step_key]

    def clusters_of(self, step_key: str) -> list[Cluster]:
        return [cluster for cluster in self.clusters if cluster.step_key == step_key]

    def evidence_of(self, learning: Learning) -> str | None:
        """What a learning rests on, in words ("note #13: …", "cluster "…"",
        "timeline event: …"); None when it has none or it is gone. The text
        is what people typed: escape it where it is rendered."""
        found_id = learning.evidence_id
        if found_id is None:
            return None
        for note in self.notes:
            if note.id == found_id:
                return f"note #{note.number}: {note.text}"
        for cluster in self.clusters:
            if cluster.id == found_id:
                return f"cluster “{cluster.name}”"
        for event in self.events:
            if event.id == found_id:
                return f"timeline event: {event.text}"
        return None

    def whys_of(self, item_id: str) -> WhyChain | None:
        """The 5 Whys chain run on a contributing factor, if any."""
        return next((chain for chain in self.whys if chain.item_id == item_id), None)
