"""What the live canvas may ask the server to do: one model per intent, told
apart by its `type`.

The canvas posts `{"type": "vote", "item_id": "…", "seen": 1, …}` with its
ticket and facilitator key beside the fields; the edge takes those two off,
validates the rest against `Intent` (`INTENTS`, one TypeAdapter) and hands
the model to the handler listed for its class.

The models fix the shape, strictly, so a crafted body is refused with a 422
before anything reads it: a flag is a JSON boolean (never "false"), a count a
JSON integer (never true, 2.0 or "2"), text is a string, and every string has
a bound (an id at most ID_MAX_CHARS). What a value means stays with the rules
that already own it: a note's text with NoteDraft, a cluster's name and a
closing reason with their checks in storage and canvas.actions, the vote
limits with VoteRules, whether an id belongs to the board with storage,
inside the write's transaction. Fields the canvas does not send are ignored,
so an older server still reads a newer canvas's intents.
"""

from __future__ import annotations

from typing import Annotated, Literal, Union

from pydantic import BeforeValidator, Field, TypeAdapter, ValidationError

from canvas.actions import Status
from canvas.learnings import FactorCategory
from canvas.models import NoteColour
from canvas.session.intent_fields import (
    ID_MAX_CHARS, TEXT_MAX_CHARS, WHOLE_NUMBER_MAX, Flag, Id, IntentModel as _Intent, OptionalId, StepKey,
    Text, WholeNumber, empty_is_none,
)
from canvas.session.parts import PART_INTENT_TYPES
from canvas.session.phases import Phase

__all__ = ["ID_MAX_CHARS", "TEXT_MAX_CHARS", "WHOLE_NUMBER_MAX", "INTENTS", "INTENT_TYPES", "Intent"]

# --- notes ---------------------------------------------------------------------------


class AddNote(_Intent):
    type: Literal["add_note"]
    step_key: StepKey
    text: Text
    colour: NoteColour = NoteColour.yellow


class EditNote(_Intent):
    type: Literal["edit_note"]
    note_id: Id
    text: Text
    colour: NoteColour = NoteColour.yellow
    version: WholeNumber


class DeleteNote(_Intent):
    type: Literal["delete_note"]
    note_id: Id


class RestoreNote(_Intent):
    type: Literal["restore_note"]
    note_id: Id


# --- grouping ------------------------------------------------------------------------


class MoveNote(_Intent):
    """A drop: onto a note, onto a cluster, or onto a column (both None)."""

    type: Literal["move_note"]
    note_id: Id
    step_key: StepKey
    cluster_id: OptionalId = None
    onto_note_id: OptionalId = None
    revision: WholeNumber


class RenameCluster(_Intent):
    type: Literal["rename_cluster"]
    cluster_id: Id
    name: Text


class DissolveCluster(_Intent):
    type: Literal["dissolve_cluster"]
    cluster_id: Id


class MergeClusters(_Intent):
    type: Literal["merge_clusters"]
    cluster_id: Id
    into_id: Id


# --- voting --------------------------------------------------------------------------


class Vote(_Intent):
    """One more dot on an item, if the voter still has `seen` dots on it."""

    type: Literal["vote"]
    item_id: Id
    seen: WholeNumber


class Unvote(_Intent):
    type: Literal["unvote"]
    item_id: Id
    seen: WholeNumber


# --- the facilitator's ----------------------------------------------------------------


class SetPhase(_Intent):
    type: Literal["set_phase"]
    phase: Phase
    close_reason: Text = ""


class RevealVotes(_Intent):
    type: Literal["reveal_votes"]
    revealed: Flag = True


class StartTimer(_Intent):
    type: Literal["start_timer"]
    seconds: WholeNumber


class StopTimer(_Intent):
    type: Literal["stop_timer"]


class Focus(_Intent):
    """Point everyone at one ranked item; None clears the focus."""

    type: Literal["focus"]
    item_id: OptionalId = None


class Lead(_Intent):
    """Bring everyone to one place of the board (`part:timeline`,
    `column:detect`); None lets everyone look around."""

    type: Literal["lead"]
    target: OptionalId = None


class ShowAuthors(_Intent):
    type: Literal["show_authors"]
    show: Flag


class SetVoteRules(_Intent):
    type: Literal["set_vote_rules"]
    budget: WholeNumber
    max_per_item: WholeNumber


# --- discussing and following through -------------------------------------------------


class MakeAction(_Intent):
    """A draft action from a ranked item, as the board's inline form sends it."""

    type: Literal["make_action"]
    item_id: Id
    title: Text
    owner: Text | None = None
    due: Text | None = None
    success_signal: Text = ""


class SetActionStatus(_Intent):
    type: Literal["set_action_status"]
    action_id: Id
    status: Status
    reason: Text = ""


class SetCategory(_Intent):
    type: Literal["set_category"]
    item_id: Id
    category: Annotated[FactorCategory | None, BeforeValidator(empty_is_none)] = None


# The intents of the note columns and the facilitator, then those of the
# meeting's other parts (the summary, the timeline, the factors, learnings,
# actions and kill criteria), each declared beside its part's view.
INTENT_TYPES: tuple[type[_Intent], ...] = (
    AddNote, EditNote, DeleteNote, RestoreNote, MoveNote, RenameCluster, DissolveCluster,
    MergeClusters, Vote, Unvote, SetPhase, RevealVotes, StartTimer, StopTimer, Focus, Lead,
    ShowAuthors, SetVoteRules, MakeAction, SetActionStatus, SetCategory,
) + PART_INTENT_TYPES

Intent = Annotated[Union[INTENT_TYPES], Field(discriminator="type")]  # noqa: UP007 - built from a tuple
INTENTS: TypeAdapter[Intent] = TypeAdapter(Intent)

NOT_AN_INTENT = "That is not something the board can do."


def describe_intent_error(error: ValidationError) -> str:
    """The first thing wrong with an intent, as one sentence: an unknown or
    missing `type`, a missing field, a value of the wrong kind, or a
    rule's own sentence."""
    detail = error.errors()[0]
    if detail["type"] in ("union_tag_not_found", "union_tag_invalid"):
        return NOT_AN_INTENT
    # The first place is the intent's type (the union's tag), the rest the field.
    field = ".".join(str(part) for part in detail["loc"][1:]) or "type"
    if detail["type"] == "missing":
        return f"The action needs “{field}”."
    if detail["type"] == "value_error":
        return str(detail["ctx"]["error"])
    return f"The action's “{field}” is not right: {detail['msg']}."
