"""The facilitator-led phases of a session, and what each phase allows.

Every rule about who may do what, when, lives here, in `RULES`: pages ask
`allowed` before they offer a control, and storage/ asks `authorize` inside
the transaction that carries the action out, so a hidden button is never the
only thing standing in the way.
"""

from __future__ import annotations

from enum import Enum

from pydantic import BaseModel

from canvas.errors import CanvasError, NotASummaryEditor, NotFacilitator, NotYourNote, TimerOutOfRange


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


# While votes are revealed, voting says so instead of promising blindness.
REVEALED_VOTE_EXPLANATION = ("Dot-vote on the clusters and notes that matter most. "
                             "Votes are revealed: everyone sees the totals.")


def board_explanation(phase: "Phase", votes_revealed: bool) -> str:
    """What the board's bar says about the phase, as the board stands."""
    if phase == Phase.vote and votes_revealed:
        return REVEALED_VOTE_EXPLANATION
    return phase.explanation


PHASE_EXPLANATIONS = {
    Phase.write: "Write on your own: only you see your notes; others see how many each step has.",
    Phase.group: "All notes are revealed. Drag notes into clusters of the same idea.",
    Phase.vote: "Dot-vote on the clusters and notes that matter most. Votes are blind until revealed.",
    Phase.discuss: "Talk through the items in vote order; the facilitator focuses one at a time.",
    Phase.closed: ("The board is closed and read-only, except how its actions are going "
                   "(status, owner, dates). The facilitator can reopen it."),
}


class Action(str, Enum):
    """Everything a person can do to a board, for `allowed` and `authorize`."""

    write_note = "write_note"  # add a note
    change_note = "change_note"  # edit, delete, restore a note: its author's, or the facilitator's
    edit_summary = "edit_summary"  # the facilitator, and everyone or whoever they chose
    choose_summary_editors = "choose_summary_editors"
    edit_timeline = "edit_timeline"
    edit_actions = "edit_actions"  # actions and triggers
    # Follow-through happens after the meeting: an action's status, owner and
    # dates (canvas.actions.FOLLOW_THROUGH_FIELDS) can change even on a closed
    # board; what the action is, and the notes, stay as the meeting left them.
    update_action_status = "update_action_status"
    # Tie a note to a moment of the timeline (or untie it): curation, not
    # authorship, so anyone on the board may do it to any note.
    link_note = "link_note"
    # Put a contributing factor (note or cluster) in a category: curation,
    # like linking a note to a moment.
    set_category = "set_category"
    # The 5 Whys on the top factors: the facilitator leads it.
    edit_whys = "edit_whys"
    # Learnings, the decisions taken on them, and the actions tied to those.
    edit_learnings = "edit_learnings"
    # Mark a note as an assumption to verify: curation too, open to anyone.
    mark_assumption = "mark_assumption"
    # Mark a learning or an action as a lesson for infrastructure code: where
    # its change is published, decided after the meeting as much as in it.
    mark_iac = "mark_iac"
    group = "group"  # move notes between clusters; create, rename, merge, dissolve clusters
    # (and accept or dismiss a suggested cluster, which is grouping too)
    suggest_groups = "suggest_groups"  # ask the server for groups of alike notes
    vote = "vote"
    # Turn a ranked item into a draft action: part of talking it through.
    action_from_item = "action_from_item"
    # Jira cards (backlog refinement, sprint planning): reorder and move
    # cards, say a card anew, split or drop it, plan sprints, pick a side of
    # a conflict. Curation, like the timeline: anyone on an open board.
    edit_cards = "edit_cards"
    estimate = "estimate"  # an estimate in the open blind round
    # Pull what changed in Jira and retry what is queued: never changes what
    # the meeting decided, so it works on a closed board too.
    sync_jira = "sync_jira"
    # Facilitator powers:
    # Start a blind estimation round on a card, reveal it, settle its value.
    run_estimation = "run_estimation"
    change_phase = "change_phase"
    set_vote_rules = "set_vote_rules"
    reveal_votes = "reveal_votes"
    run_timer = "run_timer"
    focus = "focus"
    lead = "lead"  # bring everyone to one part of the board
    show_authors = "show_authors"
    issue_facilitator_link = "issue_facilitator_link"


class Rule(BaseModel):
    """When an action is allowed: the phases, whether it needs the facilitator
    key, and whether it is limited to the owner of the thing it changes."""

    phases: frozenset[Phase]
    facilitator_only: bool = False
    owner_or_facilitator: bool = False
    # Limited to the people the facilitator chose, when they chose any.
    chosen_or_facilitator: bool = False


_EVERY_PHASE = frozenset(Phase)
_OPEN = frozenset({Phase.write, Phase.group, Phase.vote, Phase.discuss})

# The one table of who may do what, when. Steering powers work in every
# phase, so a facilitator can always steer (and reopen a closed board); the
# rest of a closed board is read-only for everyone, but for the follow-through
# on its actions.
RULES: dict[Action, Rule] = {
    Action.write_note: Rule(phases=frozenset({Phase.write, Phase.group})),
    Action.change_note: Rule(phases=frozenset({Phase.write, Phase.group}),
                             owner_or_facilitator=True),
    Action.edit_summary: Rule(phases=_OPEN, chosen_or_facilitator=True),
    Action.choose_summary_editors: Rule(phases=_OPEN, facilitator_only=True),
    Action.edit_timeline: Rule(phases=_OPEN),
    Action.edit_actions: Rule(phases=_OPEN),
    Action.update_action_status: Rule(phases=_EVERY_PHASE),
    Action.link_note: Rule(phases=_OPEN),
    Action.set_category: Rule(phases=_OPEN),
    Action.edit_whys: Rule(phases=_OPEN, facilitator_only=True),
    Action.edit_learnings: Rule(phases=_OPEN),
    Action.mark_assumption: Rule(phases=_OPEN),
    Action.mark_iac: Rule(phases=_EVERY_PHASE),
    Action.group: Rule(phases=frozenset({Phase.group})),
    Action.suggest_groups: Rule(phases=frozenset({Phase.group}), facilitator_only=True),
    Action.vote: Rule(phases=frozenset({Phase.vote})),
    Action.action_from_item: Rule(phases=frozenset({Phase.discuss})),
    Action.edit_cards: Rule(phases=_OPEN),
    Action.estimate: Rule(phases=_OPEN),
    Action.sync_jira: Rule(phases=_EVERY_PHASE),
    Action.run_estimation: Rule(phases=_OPEN, facilitator_only=True),
    Action.change_phase: Rule(phases=_EVERY_PHASE, facilitator_only=True),
    Action.set_vote_rules: Rule(phases=_EVERY_PHASE, facilitator_only=True),
    Action.reveal_votes: Rule(phases=_EVERY_PHASE, facilitator_only=True),
    Action.run_timer: Rule(phases=_EVERY_PHASE, facilitator_only=True),
    # Everyone follows the focus while talking items through; outside Discuss
    # there is no ranking to point into.
    Action.focus: Rule(phases=frozenset({Phase.discuss}), facilitator_only=True),
    # Bringing everyone to a part of the board is steering, in every phase.
    Action.lead: Rule(phases=_EVERY_PHASE, facilitator_only=True),
    Action.show_authors: Rule(phases=_EVERY_PHASE, facilitator_only=True),
    Action.issue_facilitator_link: Rule(phases=_EVERY_PHASE, facilitator_only=True),
}


class Credentials(BaseModel):
    """What a tab presents with an action: who it is, and the facilitator key
    if it holds one. Storage checks both against the board inside the
    transaction that carries the action out."""

    participant_id: str | None = None
    facilitator_key: str | None = None


class Actor(BaseModel):
    """Credentials after storage checked them against the board."""

    participant_id: str | None
    is_facilitator: bool


# For actions no role or ownership decides (the summary, the timeline, actions
# and triggers): any person on the board, or someone who cannot be told apart.
ANYONE = Actor(participant_id=None, is_facilitator=False)


class PhaseForbids(CanvasError):
    """The board's current phase does not allow this action."""

    def __init__(self, action: Action, phase: Phase):
        if phase is Phase.closed:
            message = "The board is closed: it is read-only until the facilitator reopens it."
        else:
            message = f"That is not possible in the {phase.label} phase. {phase.explanation}"
        super().__init__(message)
        self.action = action
        self.phase = phase


def authorize(action: Action, phase: Phase, actor: Actor, owner_id: str | None = None,
              chosen: frozenset[str] | None = None) -> None:
    """Raise unless `actor` may do `action` now; returns None when allowed.

    `owner_id` is the author of the thing changed, for actions limited to its
    owner (None: nobody owns it, such as a note written before the meeting,
    so only a facilitator may change it). `chosen` are the participants the
    facilitator allowed, for actions limited to them (None: everyone).
    """
    rule = RULES[action]
    if rule.facilitator_only and not actor.is_facilitator:
        raise NotFacilitator()
    if phase not in rule.phases:
        raise PhaseForbids(action, phase)
    if rule.owner_or_facilitator and not actor.is_facilitator and (
            owner_id is None or owner_id != actor.participant_id):
        raise NotYourNote()
    if rule.chosen_or_facilitator and chosen is not None and not actor.is_facilitator and (
            actor.participant_id not in chosen):
        raise NotASummaryEditor()


def allowed(action: Action, phase: Phase, actor: Actor, owner_id: str | None = None,
            chosen: frozenset[str] | None = None) -> bool:
    """Whether `authorize` would let `actor` do `action` now: what a page asks
    before it offers a control."""
    try:
        authorize(action, phase, actor, owner_id, chosen)
    except CanvasError:
        return False
    return True


def refusal(action: Action, phase: Phase, actor: Actor, owner_id: str | None = None,
            chosen: frozenset[str] | None = None) -> str | None:
    """Why `actor` may not do `action` now, as the rule's own sentence (None when allowed)."""
    try:
        authorize(action, phase, actor, owner_id, chosen)
    except CanvasError as refused:
        return str(refused)
    return None


TIMER_MAX_SECONDS = 4 * 60 * 60


def check_timer(seconds: int) -> None:
    """Raise unless `seconds` is a sensible countdown length."""
    if not 1 <= seconds <= TIMER_MAX_SECONDS:
        raise TimerOutOfRange()
