"""The actions part of the live board: every action as a card that people
edit in place, the drafts that stand in the way of closing, and the intents
that change them."""

from __future__ import annotations

from typing import Literal

from canvas.actions import (
    FOLLOW_THROUGH_FIELDS, FollowUp, Priority, Status, drafts_blocking_close, vague_title_warnings,
)
from canvas.dates import EARLIEST_DAY, LATEST_DAY
from canvas.session.intent_fields import Flag, Id, IntentModel, Text, WholeNumber
from canvas.session.phases import Phase
from canvas.snapshot import BoardSnapshot

DRAFT_LABEL = "Draft: needs an owner and a due date"
# What a card can change, by ActionDraft's names, in the order it shows them.
FIELDS = ("title", "owner", "due_date", "review_date", "status", "status_reason", "priority",
          "success_signal", "customer_facing")


class AddAction(IntentModel):
    """A new action from the part's "+ Action": a title, the rest filled in on its card."""

    type: Literal["add_action"]
    title: Text
    owner: Text = ""
    due_date: Text = ""
    success_signal: Text = ""


class EditAction(IntentModel):
    """The fields a person changed on an action's card (None: left as it is;
    an empty date clears it), over the version the card showed."""

    type: Literal["edit_action"]
    action_id: Id
    version: WholeNumber
    title: Text | None = None
    owner: Text | None = None
    due_date: Text | None = None
    review_date: Text | None = None
    status: Text | None = None
    status_reason: Text | None = None
    priority: Text | None = None
    success_signal: Text | None = None
    customer_facing: Flag | None = None

    def changes(self) -> dict:
        """The changed fields as ActionDraft takes them."""
        changed = {name: getattr(self, name) for name in FIELDS if getattr(self, name) is not None}
        for name in ("due_date", "review_date"):
            if changed.get(name) == "":
                changed[name] = None
        return changed


class DeleteAction(IntentModel):
    type: Literal["delete_action"]
    action_id: Id


class RestoreAction(IntentModel):
    """Undo of a delete from the card."""

    type: Literal["restore_action"]
    action_id: Id


INTENTS: tuple[type[IntentModel], ...] = (AddAction, EditAction, DeleteAction, RestoreAction)


def build(seen: BoardSnapshot) -> dict:
    """The part as the board draws it: the actions (commitments first, parked
    ideas after), the choices their fields offer, and, while closing is the
    board's next step, the drafts that would keep it from closing."""
    names = _sources(seen)
    ordered = [a for a in seen.actions if not a.is_parked] + [a for a in seen.actions if a.is_parked]
    board = seen.board
    closing_next = board.phase.next is Phase.closed
    return {
        "actions": [_card(action, names) for action in ordered],
        "statuses": [{"key": status.value, "label": status.label, "needs_reason": status.needs_reason}
                     for status in Status],
        "priorities": [{"key": p.value, "label": p.value.capitalize()} for p in Priority],
        # Which fields still change once the board is closed (`can.set_action_status`);
        # the rest need `can.edit_actions`.
        "follow_through": sorted(FOLLOW_THROUGH_FIELDS),
        "dates": {"min": EARLIEST_DAY.isoformat(), "max": LATEST_DAY.isoformat()},
        "draft_label": DRAFT_LABEL,
        "drafts_block_closing": [
            {"id": action.id, "title": action.title}
            for action in (drafts_blocking_close(seen.actions) if closing_next else [])
        ],
        "close_phase": Phase.closed.value,
    }


def _card(action: FollowUp, sources: dict[str, str]) -> dict:
    return {
        "id": action.id, "version": action.version, "title": action.title, "owner": action.owner,
        "due_date": _day(action.due_date), "review_date": _day(action.review_date),
        "status": action.status.value, "status_reason": action.status_reason,
        "priority": action.priority.value, "success_signal": action.success_signal,
        "type": action.type.label,
        "is_draft": action.is_open_draft, "is_parked": action.is_parked,
        "customer_facing": action.customer_facing,
        "source": sources.get(action.source_id or ""),
        "tips": vague_title_warnings(action.title),
    }


def _day(day) -> str:
    return day.isoformat() if day else ""


def _sources(seen: BoardSnapshot) -> dict[str, str]:
    """What an action was made from, in words, for the items this audience
    sees (a note hidden while writing names nothing)."""
    found = {cluster.id: f"From cluster “{cluster.name}”" for cluster in seen.clusters}
    found.update({note.id: f"From note #{note.number}" for note in seen.notes})
    return found
