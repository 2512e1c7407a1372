"""The learnings part of the live board: its view and the intents that change it.

A learning says "We learned that…", rests on evidence (a timeline event, a
note or a cluster of the board), and turns into a decision with its
trade-off, carried out by actions. Everything here is made from the snapshot
as the audience may see it: the evidence a person can pick, and the words a
learning's evidence is shown with, never name a note hidden from them.
"""

from __future__ import annotations

from typing import Literal

from canvas.actions import ACTION_TITLE_MAX, FollowUp
from canvas.incident.timeline import describe_event
from canvas.learnings import (
    LEARNING_PREFIX, LEARNINGS_MAX, LEARNINGS_MIN, DecisionKind, EvidenceKind, Learning, decision_of,
)
from canvas.session.grouping import note_label
from canvas.session.intent_fields import Id, IntentModel, OptionalId, Text, WholeNumber
from canvas.session.phases import Phase
from canvas.snapshot import BoardSnapshot

# A choice's label, cut so a long note does not stretch the select.
CHOICE_MAX_CHARS = 120
HIDDEN_EVIDENCE = "a note not shown to you until grouping starts (or since deleted)"
GONE_EVIDENCE = "no longer on the board"


class AddLearning(IntentModel):
    type: Literal["add_learning"]
    text: Text
    evidence_id: OptionalId = None


class EditLearning(IntentModel):
    """The statement's text; its evidence stays as it is."""

    type: Literal["edit_learning"]
    learning_id: Id
    text: Text
    version: WholeNumber


class LinkEvidence(IntentModel):
    """What the learning rests on: a note, a cluster or an event dropped or
    picked onto it; None takes the evidence off."""

    type: Literal["link_evidence"]
    learning_id: Id
    evidence_id: OptionalId = None


class DeleteLearning(IntentModel):
    type: Literal["delete_learning"]
    learning_id: Id


class SetDecision(IntentModel):
    """`version` is the decision's version the editor opened (None: there was none)."""

    type: Literal["set_decision"]
    learning_id: Id
    kind: DecisionKind
    text: Text
    trade_off: Text = ""
    version: WholeNumber | None = None


class AddActionForDecision(IntentModel):
    """A new action carrying the decision out, linked to it in one step."""

    type: Literal["add_action_for_decision"]
    decision_id: Id
    title: Text
    owner: Text = ""
    due: Text | None = None


class LinkAction(IntentModel):
    type: Literal["link_action"]
    decision_id: Id
    action_id: Id


class UnlinkAction(IntentModel):
    type: Literal["unlink_action"]
    decision_id: Id
    action_id: Id


INTENTS: tuple[type[IntentModel], ...] = (
    AddLearning, EditLearning, LinkEvidence, DeleteLearning, SetDecision, AddActionForDecision,
    LinkAction, UnlinkAction,
)


def _cut(text: str) -> str:
    return text if len(text) <= CHOICE_MAX_CHARS else text[:CHOICE_MAX_CHARS - 1] + "…"


def evidence_choices(seen: BoardSnapshot) -> list[dict]:
    """What a learning can rest on, as this audience sees the board: the
    timeline's events, then each note step's clusters and notes. Labelled as
    the Learnings page labels them."""
    board = seen.board
    groups = []
    if seen.events:
        groups.append({"title": "Timeline", "options": [
            {"id": event.id, "kind": EvidenceKind.event.value,
             "label": _cut("Timeline · " + describe_event(event, board.timezone, limit=60))}
            for event in seen.events if event.id]})
    for step in board.template_model.note_steps:
        options = [{"id": cluster.id, "kind": EvidenceKind.cluster.value,
                    "label": _cut(f"{step.title} · cluster “{cluster.name}”")}
                   for cluster in seen.clusters_of(step.key)]
        options += [{"id": note.id, "kind": EvidenceKind.note.value,
                     "label": _cut(f"{step.title} · {note_label(note)}")}
                    for note in sorted(seen.notes_of(step.key), key=lambda n: n.number)]
        if options:
            groups.append({"title": step.title, "options": options})
    return groups


def _evidence(seen: BoardSnapshot, learning: Learning, labels: dict[str, str]) -> dict | None:
    """How the card names a learning's evidence: the choice's label when this
    audience sees it; otherwise hidden (a note while people write alone) or gone."""
    if learning.evidence_id is None:
        return None
    found = labels.get(learning.evidence_id)
    if found is not None:
        return {"id": learning.evidence_id, "state": "linked", "label": found}
    hidden = seen.board.phase == Phase.write and learning.evidence_kind == EvidenceKind.note
    # The id of a hidden note stays out too: it is nothing this person may point at.
    return {"id": None, "state": "hidden" if hidden else "gone",
            "label": HIDDEN_EVIDENCE if hidden else GONE_EVIDENCE}


def _action(action: FollowUp) -> dict:
    return {"id": action.id, "title": action.title, "owner": action.owner,
            "due": action.due_date.isoformat() if action.due_date else None,
            "status": action.status.label}


def _problems(evidence: dict | None, has_decision: bool) -> list[str]:
    # The quality gate's reasons (canvas.learnings.learning_problems), judged
    # on what this audience sees: a hidden note is still evidence.
    problems = []
    if evidence is None:
        problems.append("No evidence linked")
    elif evidence["state"] == "gone":
        problems.append("Its evidence is no longer on the board")
    if not has_decision:
        problems.append("No decision yet (or an explicit “no change”)")
    return problems


def _choices_on_the_board(seen: BoardSnapshot) -> list[dict]:
    """The choices as the board sends them: the events and clusters, and per
    note step its group, which the canvas fills with that column's notes
    (the same notes, as this audience sees them, labelled "Step · #n · text"
    and cut at `choice_label_max`). A note edited or moved so changes its
    column, not this part: on a 300-note board the part would be 40 KB."""
    groups = []
    if seen.events:
        groups.append({"title": "Timeline", "step": None, "options": [
            {"id": event.id, "kind": EvidenceKind.event.value,
             "label": _cut("Timeline · " + describe_event(event, seen.board.timezone, limit=60))}
            for event in seen.events if event.id]})
    for step in seen.board.template_model.note_steps:
        groups.append({"title": step.title, "step": step.key, "options": [
            {"id": cluster.id, "kind": EvidenceKind.cluster.value,
             "label": _cut(f"{step.title} · cluster “{cluster.name}”")}
            for cluster in seen.clusters_of(step.key)]})
    return groups


def build(seen: BoardSnapshot) -> dict:
    """The part as the board draws it."""
    choices = evidence_choices(seen)
    labels = {option["id"]: option["label"] for group in choices for option in group["options"]}
    actions = {action.id: action for action in seen.actions}
    learnings = []
    for number, learning in enumerate(seen.learnings, start=1):
        decision = decision_of(learning.id, seen.decisions)
        evidence = _evidence(seen, learning, labels)
        learnings.append({
            "id": learning.id, "number": number, "text": learning.text, "version": learning.version,
            "evidence": evidence,
            "problems": _problems(evidence, decision is not None),
            "decision": None if decision is None else {
                "id": decision.id, "kind": decision.kind.value, "kind_label": decision.kind.label,
                "text": decision.text, "trade_off": decision.trade_off, "version": decision.version,
                "makes_actions": decision.kind != DecisionKind.no_change,
                "actions": [_action(actions[a]) for a in decision.action_ids if a in actions],
            },
        })
    return {
        "prefix": LEARNING_PREFIX,
        # How many the practice asks for; a pre-mortem asks for none yet.
        "range": ({"min": LEARNINGS_MIN, "max": LEARNINGS_MAX}
                  if seen.board.review_type.looks_back else None),
        "learnings": learnings,
        "evidence_choices": _choices_on_the_board(seen),
        "choice_label_max": CHOICE_MAX_CHARS,
        "decision_kinds": [{"key": kind.value, "label": kind.label} for kind in DecisionKind],
        "actions": [{"id": action.id, "title": action.title} for action in seen.actions],
        "action_title_max": ACTION_TITLE_MAX,
    }
