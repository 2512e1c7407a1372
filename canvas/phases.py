"""The facilitator-led phases of a session, and what each phase allows.

Every rule about who may do what, when, lives here; storage/ asks `authorize`
inside the transaction that carries the action out, so a hidden button is
never the only thing standing in the way.
"""

from __future__ import annotations

from enum import Enum

from pydantic import BaseModel

from canvas.errors import CanvasError


class Phase(str, Enum):
    write = "write"
    group = "group"
    vote = "vote"
    discuss = "discuss"
    closed = "closed"

    @property
    def label(self) -> str:
        return self.value.capitalize()

    @property
    def explanation(self) -> str:
        return PHASE_EXPLANATIONS[self]

    @property
    def next(self) -> "Phase | None":
        order = list(Phase)
        index = order.index(self)
        return order[index + 1] if index + 1 < len(order) else None

    @property
    def previous(self) -> "Phase | None":
        order = list(Phase)
        index = order.index(self)
        return order[index - 1] if index > 0 else None


PHASE_EXPLANATIONS = {
    Phase.write: "Write on your own: only you see your notes; others see how many each step has.",
    Phase.group: "All notes are revealed. Drag notes into clusters of the same idea.",
    Phase.vote: "Dot-vote on the clusters and notes that matter most. Votes are blind until revealed.",
    Phase.discuss: "Talk through the items in vote order; the facilitator focuses one at a time.",
    Phase.closed: "The board is closed and read-only. The facilitator can reopen it.",
}


class Action(str, Enum):
    """Everything a person can do to a board, for `authorize`."""

    write_note = "write_note"  # add, edit, delete, restore a note
    edit_summary = "edit_summary"
    edit_timeline = "edit_timeline"
    edit_actions = "edit_actions"  # actions and triggers
    # Follow-through happens after the meeting: how an action is going can be
    # recorded even on a closed board.
    update_action_status = "update_action_status"
    # Tie a note to a moment of the timeline (or untie it): curation, not
    # authorship, so anyone on the board may do it to any note.
    link_note = "link_note"
    group = "group"  # move notes between clusters; create, rename, merge, dissolve clusters
    vote = "vote"
    # Facilitator powers:
    change_phase = "change_phase"
    set_vote_rules = "set_vote_rules"
    reveal_votes = "reveal_votes"
    run_timer = "run_timer"
    focus = "focus"
    show_authors = "show_authors"
    issue_facilitator_link = "issue_facilitator_link"


FACILITATOR_ONLY = frozenset({
    Action.change_phase, Action.set_vote_rules, Action.reveal_votes, Action.run_timer,
    Action.focus, Action.show_authors, Action.issue_facilitator_link,
})

# Which phases allow each participant action. Facilitator powers work in any
# phase, so a facilitator can always steer (and reopen a closed board).
ALLOWED_IN = {
    Action.write_note: {Phase.write, Phase.group},
    Action.edit_summary: {Phase.write, Phase.group, Phase.vote, Phase.discuss},
    Action.edit_timeline: {Phase.write, Phase.group, Phase.vote, Phase.discuss},
    Action.edit_actions: {Phase.write, Phase.group, Phase.vote, Phase.discuss},
    Action.update_action_status: set(Phase),
    Action.link_note: {Phase.write, Phase.group, Phase.vote, Phase.discuss},
    Action.group: {Phase.group},
    Action.vote: {Phase.vote},
}


class NotFacilitator(CanvasError):
    """The action needs the facilitator link's key, and this person does not hold it."""

    def __init__(self):
        super().__init__("Only the facilitator can do that.")


class PhaseForbids(CanvasError):
    """The board's current phase does not allow this action."""

    def __init__(self, action: Action, phase: Phase):
        if phase == Phase.closed:
            message = "The board is closed: it is read-only until the facilitator reopens it."
        else:
            message = f"That is not possible in the {phase.label} phase. {phase.explanation}"
        super().__init__(message)
        self.action = action
        self.phase = phase


class Credentials(BaseModel):
    """What a tab presents with an action: who it is, and the facilitator key
    if it holds one. Storage checks the key against its stored hash."""

    participant_id: str | None = None
    facilitator_key: str | None = None


class Actor(BaseModel):
    """Credentials after storage checked them."""

    participant_id: str | None
    is_facilitator: bool


class NotYourNote(CanvasError):
    """Only a note's author (or the facilitator) may change it."""

    def __init__(self):
        super().__init__("Only the person who wrote this note, or the facilitator, can change it.")


def authorize_note_change(action: Action, phase: Phase, actor: Actor, author_id: str | None) -> None:
    """Notes are changed by their author, or by the facilitator tidying up."""
    authorize(action, phase, is_facilitator=actor.is_facilitator)
    if not actor.is_facilitator and author_id != actor.participant_id:
        raise NotYourNote()


def authorize(action: Action, phase: Phase, *, is_facilitator: bool) -> None:
    """Raise unless this person may do this now; returns None when allowed."""
    if action in FACILITATOR_ONLY:
        if not is_facilitator:
            raise NotFacilitator()
        return
    if phase not in ALLOWED_IN[action]:
        raise PhaseForbids(action, phase)


TIMER_MAX_SECONDS = 4 * 60 * 60


class TimerOutOfRange(CanvasError):
    """A countdown must run for a positive time of at most four hours."""

    def __init__(self):
        super().__init__("A timer runs for 1 second up to 4 hours.")


def check_timer(seconds: int) -> None:
    """Raise unless `seconds` is a sensible countdown length."""
    if not 1 <= seconds <= TIMER_MAX_SECONDS:
        raise TimerOutOfRange()
