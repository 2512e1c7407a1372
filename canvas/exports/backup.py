"""A board as a backup document, and reading one back (pure planning).

`backup_document` holds everything on the board: its settings (phase and vote
rules included), participants' display names, notes with their clusters,
timeline links, numbers and colours, clusters, votes, timeline events,
actions (with their marks) and triggers, factors, learnings and decisions,
the dissemination plan with the follow-up review date and the recurring
review, and the facilitator's answer on the review process. Items refer to
each other by a `ref` that is their place in the document ("note-3",
"cluster-1", "event-7"), not by database id, so the backup of a restored
board equals the original apart from the board's own id and creation time.

Never in a backup: the facilitator key, participants' tokens (only hashes are
stored anyway), who wrote which note, and who voted for what. A backup
travels like an export, and the board itself only ever shows totals:

- `tallies` holds the dots on each item, as the person making the backup may
  know them (none before the votes are revealed).
- `votes` holds each voter's dots, for the facilitator's backup and the
  command line's only, so that a restored board keeps everyone's budget as
  it was. Voters are numbered in an order that follows their ballots, not
  the list of participants: nothing ties a ballot to a name.

A participant's backup holds totals only. Restoring it spreads each item's
dots over the restored participants within the budget and the per-item
limit (`planned_dots`); restored participants hold no token, so nobody can
act as them, and the spread claims nothing about who voted for what.
Backups of the older format (`FORMAT_1`) numbered each person's votes by
their place in `participants`; they are still read, never written.
"""

from __future__ import annotations

import heapq
from collections import Counter
from collections.abc import Mapping
from datetime import date
from typing import Any, NamedTuple

from pydantic import (
    BaseModel, ConfigDict, Field, ValidationError, ValidationInfo, field_validator, model_validator,
)

from canvas.actions import ActionDraft, CloseReason, ProcessReview, TriggerDraft
from canvas.errors import BackupInvalid, describe_validation_error
from canvas.learnings import DecisionDraft, FactorCategory, LearningText, WhyStep, WHYS_MAX_LEVELS
from canvas.json_text import load_json
from canvas.models import (
    BoardDetails, Cadence, ClusterName, DisseminationDraft, DisplayName, IncidentSource,
    NoteColour, NoteText, check_template_choice,
)
from canvas.session.phases import Phase
from canvas.snapshot import BoardSnapshot
from canvas.templates import Template, get_template
from canvas.incident.timeline import TimelineEvent
from canvas.dates import OptionalDate, SupportedInstant
from canvas.session.voting import BUDGET_RANGE, counted_item

FORMAT = "postmortem-canvas/backup-2"
# Each person's votes by their place in `participants`: read, never written.
FORMAT_1 = "postmortem-canvas/backup-1"
# Note numbers and places in a column are small counts on a real board; a
# billion leaves room for the next one (max + 1) inside PostgreSQL's INTEGER
# columns and SQLite's 64-bit integers alike.
ORDINAL_MAX = 1_000_000_000


# --- writing ---------------------------------------------------------------------


def backup_document(
    snapshot: BoardSnapshot, votes: Mapping[str, Mapping[str, int]] | None = None
) -> dict[str, Any]:
    """Everything on the board as a JSON-ready dict in the backup format.

    Without `votes` (a participant's backup) it holds the snapshot's tallies
    only. With `votes`, participant id -> item id -> dots
    (storage.restore.read_votes, cut by visibility.visible_votes), it also
    holds each person's dots as an anonymous ballot, and the tallies are
    their sums: for the facilitator's backup and the command line's.
    """
    board = snapshot.board
    refs: dict[str, str] = {}
    for prefix, items in (("event", snapshot.events), ("cluster", snapshot.clusters),
                          ("note", snapshot.notes), ("action", snapshot.actions),
                          ("learning", snapshot.learnings)):
        for index, item in enumerate(items, start=1):
            if item.id is not None:
                refs[item.id] = f"{prefix}-{index}"
    order = {ref: index for index, ref in enumerate(refs.values())}
    ballots = _ballots(votes or {}, snapshot, refs, order)
    if votes is None:
        totals = Counter({refs[item]: count for item, count in snapshot.tallies.items()
                          if count > 0 and item in refs})
    else:
        totals = Counter()
        for ballot in ballots:
            for _, ref, count in ballot:
                totals[ref] += count
    return {
        "format": FORMAT,
        "board": {
            # Informational: a restored board gets a new id and creation time.
            "id": board.id,
            "created_at": board.created_at.isoformat(),
            "title": board.title,
            "template": board.template,
            # The steps the board was made with, so a restored board has them
            # even where the template's file changed or does not exist.
            **({"template_copy": board.template_copy.model_dump(mode="json")}
               if board.template_copy is not None else {}),
            "severity": board.severity.value,
            "incident_date": _iso(board.incident_date),
            "review_date": _iso(board.review_date),
            "summary": board.summary,
            "impact": board.impact,
            # The template's roles only when someone holds one, as the other later additions.
            "roles": board.roles.model_dump(exclude=set() if board.roles.engagement
                                            else {"engagement"}),
            "other_participants": board.other_participants,
            "timezone": board.timezone,
            "review_type": board.review_type.value,
            "intake": board.intake.model_dump(mode="json"),
            "invitees": board.invitees,
            "tracker_url": board.tracker_url,
            "labels": board.labels,
            "source": board.source.model_dump(mode="json"),
            "phase": board.phase.value,
            "vote_budget": board.vote_budget,
            "vote_max_per_item": board.vote_max_per_item,
            "votes_revealed": board.votes_revealed,
            "show_authors": board.show_authors,
            "focus_item": refs.get(board.focus_item) if board.focus_item else None,
            "close_reason": board.close_reason,
            **_follow_through(board),
        },
        "participants": [person.display_name for person in snapshot.participants],
        "events": [
            {"ref": refs[event.id] if event.id else f"event-{index}",
             "at": event.at.isoformat().replace("+00:00", "Z"), "kind": event.kind.value,
             "text": event.text, "evidence_url": event.evidence_url, "approximate": event.approximate,
             "is_assumption": event.is_assumption}
            for index, event in enumerate(snapshot.events, start=1)
        ],
        "clusters": [
            {"ref": refs[cluster.id], "step": cluster.step_key, "name": cluster.name,
             "position": cluster.position, "created_at": cluster.created_at.isoformat(),
             "category": cluster.category.value if cluster.category else None}
            for cluster in snapshot.clusters
        ],
        "notes": [
            {"ref": refs[note.id], "number": note.number, "step": note.step_key, "text": note.text,
             "colour": note.colour.value, "position": note.position,
             "cluster": refs.get(note.cluster_id) if note.cluster_id else None,
             "event": refs.get(note.event_id) if note.event_id else None,
             "category": note.category.value if note.category else None,
             "is_assumption": note.is_assumption,
             "created_at": note.created_at.isoformat(), "updated_at": note.updated_at.isoformat()}
            for note in snapshot.notes
        ],
        "tallies": [{"item": ref, "count": totals[ref]}
                    for ref in sorted(totals, key=order.__getitem__)],
        "votes": [{"voter": voter, "item": ref, "count": count}
                  for voter, ballot in enumerate(ballots, start=1) for _, ref, count in ballot],
        "actions": [
            {"ref": refs[action.id], "title": action.title, "owner": action.owner,
             "due_date": _iso(action.due_date), "type": action.type.value,
             "priority": action.priority.value, "status": action.status.value,
             "status_reason": action.status_reason, "success_signal": action.success_signal,
             "review_date": _iso(action.review_date),
             "source_kind": action.source_kind.value if action.source_kind else None,
             "source": refs.get(action.source_id) if action.source_id else None,
             "created_at": action.created_at.isoformat(), "updated_at": action.updated_at.isoformat(),
             # Written only when set: a backup without it reads as unmarked.
             **({"iac": True} if action.iac else {}),
             **({"customer_facing": True} if action.customer_facing else {}),
             **({"done_at": action.done_at.isoformat()} if action.done_at else {})}
            for action in snapshot.actions
        ],
        "triggers": [
            {"signal": trigger.signal, "kind": trigger.kind.value, "response": trigger.response,
             "created_at": trigger.created_at.isoformat(),
             # Written only when someone is named: an older backup reads as nobody yet.
             **({"owner": trigger.owner} if trigger.owner else {})}
            for trigger in snapshot.triggers
        ],
        "whys": [
            {"item": refs[chain.item_id], "steps": [step.model_dump() for step in chain.steps]}
            for chain in snapshot.whys if chain.item_id in refs
        ],
        "learnings": [
            {"ref": refs[learning.id], "text": learning.text,
             "evidence": refs.get(learning.evidence_id) if learning.evidence_id else None,
             **({"iac": True} if learning.iac else {})}
            for learning in snapshot.learnings
        ],
        "decisions": [
            {"learning": refs[decision.learning_id], "kind": decision.kind.value,
             "text": decision.text, "trade_off": decision.trade_off,
             "actions": [refs[action_id] for action_id in decision.action_ids if action_id in refs]}
            for decision in snapshot.decisions if decision.learning_id in refs
        ],
        # Written only when there is a plan, as the other later additions.
        **({"dissemination": [
            {"audience": entry.audience, "channel": entry.channel, "day": _iso(entry.day),
             "owner": entry.owner}
            for entry in snapshot.dissemination]} if snapshot.dissemination else {}),
    }


def _follow_through(board) -> dict[str, Any]:
    """The board's follow-up review date, its recurring review and the
    answer on the review process, each written only when it says something a
    backup without it would not: a backup made before they existed reads as
    a board that has none, with the follow-up review on the review meeting's
    day (as the upgrade that brought the follow-up date set it)."""
    found: dict[str, Any] = {}
    if board.follow_up_date != board.review_date:
        found["follow_up_date"] = _iso(board.follow_up_date)
    if board.impact_review is not None:
        found["impact_review"] = board.impact_review.value
        found["impact_review_start"] = _iso(board.impact_review_start)
    if board.process_review:
        found["process_review"] = board.process_review
    return found


def _iso(value: date | None) -> str | None:
    return None if value is None else value.isoformat()


def _ballots(votes: Mapping[str, Mapping[str, int]], snapshot: BoardSnapshot,
             refs: Mapping[str, str], order: Mapping[str, int]) -> list[list[tuple[int, str, int]]]:
    """Each participant's dots as (place of the item, item ref, dots), the
    ballots sorted by what they hold: their order says nothing about who
    joined when, so a voter's number cannot be matched to a name."""
    people = {person.id for person in snapshot.participants}
    ballots = []
    for person, counts in votes.items():
        ballot = sorted((order[refs[item]], refs[item], count) for item, count in counts.items()
                        if person in people and count > 0 and item in refs)
        if ballot:
            ballots.append(ballot)
    return sorted(ballots)


# --- reading -----------------------------------------------------------------------


class BackupBoard(BoardDetails):
    """The board's settings as a backup holds them."""

    model_config = ConfigDict(extra="ignore")

    # Before `template`, whose check reads it.
    template_copy: Template | None = None
    template: str
    source: IncidentSource = IncidentSource()
    phase: Phase = Phase.write
    vote_budget: int = Field(5, ge=BUDGET_RANGE[0], le=BUDGET_RANGE[1])
    vote_max_per_item: int = Field(3, ge=1, le=BUDGET_RANGE[1])
    votes_revealed: bool = False
    show_authors: bool = False
    focus_item: str | None = None
    close_reason: CloseReason = ""
    # Absent: the review meeting's day (see _follow_through).
    follow_up_date: OptionalDate = None
    impact_review: Cadence | None = None
    impact_review_start: OptionalDate = None
    process_review: ProcessReview = ""

    @field_validator("template")
    @classmethod
    def _template_known(cls, slug: str, info: ValidationInfo) -> str:
        check_template_choice(slug, info.data.get("template_copy"))
        return slug

    @property
    def steps(self) -> Template:
        """The steps the board was made with, or (in an older backup) its template's."""
        return self.template_copy or get_template(self.template)

    @model_validator(mode="after")
    def _per_item_within_budget(self) -> "BackupBoard":
        if self.vote_max_per_item > self.vote_budget:
            raise ValueError("vote_max_per_item cannot exceed vote_budget")
        if self.impact_review is not None and self.impact_review_start is None:
            raise ValueError("a recurring review needs the day of its first meeting "
                             "(impact_review_start)")
        return self

    @property
    def follow_up_day(self) -> date | None:
        """The follow-up review date, or the review meeting's day for a
        backup that does not say."""
        if "follow_up_date" in self.model_fields_set:
            return self.follow_up_date
        return self.review_date


class BackupEvent(TimelineEvent):
    ref: str


class BackupCluster(BaseModel):
    ref: str
    step: str
    name: ClusterName
    position: int = Field(0, ge=0, le=ORDINAL_MAX)
    created_at: SupportedInstant
    category: FactorCategory | None = None


class BackupNote(BaseModel):
    ref: str
    number: int = Field(ge=1, le=ORDINAL_MAX)
    step: str
    text: NoteText
    colour: NoteColour = NoteColour.yellow
    position: int = Field(0, ge=0, le=ORDINAL_MAX)
    cluster: str | None = None
    event: str | None = None
    category: FactorCategory | None = None
    is_assumption: bool = False
    created_at: SupportedInstant
    updated_at: SupportedInstant | None = None


class BackupTally(BaseModel):
    item: str
    count: int = Field(ge=1)


class BackupVote(BaseModel):
    item: str
    # A voter's number (1, 2, ...); in the older format, a place in `participants`.
    voter: int | None = Field(None, ge=1)
    participant: int | None = Field(None, ge=0)
    count: int = Field(ge=1)


class BackupAction(ActionDraft):
    ref: str
    source: str | None = None
    created_at: SupportedInstant
    updated_at: SupportedInstant | None = None
    iac: bool = False  # a lesson for infrastructure code
    # When it was done; an older backup's done action goes by its last change.
    done_at: SupportedInstant | None = None


class BackupTrigger(TriggerDraft):
    created_at: SupportedInstant


class BackupWhys(BaseModel):
    item: str
    steps: list[WhyStep] = Field(default_factory=list, max_length=WHYS_MAX_LEVELS)


class BackupLearning(BaseModel):
    ref: str
    text: LearningText
    evidence: str | None = None
    iac: bool = False  # a lesson for infrastructure code


class BackupDecision(DecisionDraft):
    learning: str
    actions: list[str] = []


class BackupPlan(BaseModel):
    """A validated backup: everything `storage.restore.restore_board` writes."""

    model_config = ConfigDict(extra="ignore")

    format: str
    board: BackupBoard
    participants: list[DisplayName] = []
    events: list[BackupEvent] = []
    clusters: list[BackupCluster] = []
    notes: list[BackupNote] = []
    tallies: list[BackupTally] = []
    votes: list[BackupVote] = []
    actions: list[BackupAction] = []
    triggers: list[BackupTrigger] = []
    whys: list[BackupWhys] = []
    learnings: list[BackupLearning] = []
    decisions: list[BackupDecision] = []
    dissemination: list[DisseminationDraft] = []


def parse_backup(text: str) -> BackupPlan:
    """Read a backup; raises BackupInvalid naming the problem and its place,
    e.g. "notes[2].cluster: no cluster 'cluster-9' in step 'detect'" (list
    positions count from 0, as in the JSON)."""
    data = load_json(text, BackupInvalid)
    if not isinstance(data, dict):
        raise BackupInvalid("top level: expected a JSON object")
    if data.get("format") not in (FORMAT, FORMAT_1):
        raise BackupInvalid(f"format: expected {FORMAT!r} or {FORMAT_1!r}, "
                            f"found {data.get('format')!r}")
    try:
        plan = BackupPlan.model_validate(data)
    except ValidationError as error:
        raise BackupInvalid(describe_validation_error(error)) from error
    _check_references(plan)
    planned_dots(plan)
    return plan


def _check_references(plan: BackupPlan) -> None:
    template = plan.board.steps
    note_steps = {step.key for step in template.note_steps}
    kinds: dict[str, str] = {}
    for kind, items in (("event", plan.events), ("cluster", plan.clusters), ("note", plan.notes),
                        ("action", plan.actions), ("learning", plan.learnings)):
        for index, item in enumerate(items):
            if item.ref in kinds:
                raise BackupInvalid(f"{kind}s[{index}].ref: {item.ref!r} is used twice")
            kinds[item.ref] = kind
    cluster_step = {cluster.ref: cluster.step for cluster in plan.clusters}
    numbers: set[int] = set()

    def require(place: str, ref: str | None, *wanted: str) -> None:
        if ref is not None and kinds.get(ref) not in wanted:
            raise BackupInvalid(f"{place}: no {' or '.join(wanted)} {ref!r} in this backup")

    for index, cluster in enumerate(plan.clusters):
        if cluster.step not in note_steps:
            raise BackupInvalid(f"clusters[{index}].step: template {template.slug!r} has no "
                                f"sticky-note step {cluster.step!r}")
    for index, note in enumerate(plan.notes):
        place = f"notes[{index}]"
        if note.step not in note_steps:
            raise BackupInvalid(f"{place}.step: template {template.slug!r} has no sticky-note "
                                f"step {note.step!r}")
        if note.number in numbers:
            raise BackupInvalid(f"{place}.number: note number {note.number} is used twice")
        numbers.add(note.number)
        require(f"{place}.cluster", note.cluster, "cluster")
        if note.cluster is not None and cluster_step[note.cluster] != note.step:
            raise BackupInvalid(f"{place}.cluster: cluster {note.cluster!r} is in step "
                                f"{cluster_step[note.cluster]!r}, the note in {note.step!r}")
        require(f"{place}.event", note.event, "event")
    require("board.focus_item", plan.board.focus_item, "cluster", "note")
    for index, action in enumerate(plan.actions):
        if action.source is not None:
            if action.source_kind is None:
                raise BackupInvalid(
                    f"actions[{index}].source_kind: needed when the action has a source")
            require(f"actions[{index}].source", action.source, action.source_kind.value)
    factor_steps = {step.key for step in template.note_steps if step.is_factor_step}
    step_of = {**{note.ref: note.step for note in plan.notes}, **cluster_step}
    for kind, items in (("clusters", plan.clusters), ("notes", plan.notes)):
        for index, item in enumerate(items):
            if item.category is not None and item.step not in factor_steps:
                raise BackupInvalid(f"{kind}[{index}].category: only contributing factors carry "
                                    "a category")
    whys_on: set[str] = set()
    for index, chain in enumerate(plan.whys):
        require(f"whys[{index}].item", chain.item, "note", "cluster")
        if step_of.get(chain.item) not in factor_steps:
            raise BackupInvalid(f"whys[{index}].item: {chain.item!r} is not a contributing factor")
        if chain.item in whys_on:
            raise BackupInvalid(f"whys[{index}].item: {chain.item!r} has two chains")
        whys_on.add(chain.item)
    for index, learning in enumerate(plan.learnings):
        require(f"learnings[{index}].evidence", learning.evidence, "event", "note", "cluster")
    decided: set[str] = set()
    for index, decision in enumerate(plan.decisions):
        require(f"decisions[{index}].learning", decision.learning, "learning")
        if decision.learning in decided:
            raise BackupInvalid(f"decisions[{index}].learning: {decision.learning!r} has two "
                                "decisions")
        decided.add(decision.learning)
        for position, action in enumerate(decision.actions):
            require(f"decisions[{index}].actions[{position}]", action, "action")


# --- votes -------------------------------------------------------------------------


class PlannedDots(NamedTuple):
    """Dots a restored board gets: `participant` is a place in the backup's
    `participants`, `item` a note or cluster ref."""

    participant: int
    item: str
    count: int


def planned_dots(plan: BackupPlan) -> list[PlannedDots]:
    """The dots of a restored board, each held by a participant, within the
    board's budget and per-item limit. Raises BackupInvalid naming the place
    of a vote or a tally that no board could hold.

    Ballots (`votes`) are kept as they are, voter n held by the n-th
    participant (in the older format, by the participant whose place it
    names); `tallies`, when present, must be their sums. Tallies alone (a
    participant's backup) are spread over the participants (`_spread`).
    """
    cluster_of = {note.ref: note.cluster for note in plan.notes}
    kinds = {**{note.ref: "note" for note in plan.notes},
             **{cluster.ref: "cluster" for cluster in plan.clusters}}
    tallies: Counter = Counter()
    for index, tally in enumerate(plan.tallies):
        if kinds.get(tally.item) is None:
            raise BackupInvalid(f"tallies[{index}].item: no cluster or note {tally.item!r} in this "
                                "backup")
        if tally.item in tallies:
            raise BackupInvalid(f"tallies[{index}].item: {tally.item!r} is listed twice")
        tallies[tally.item] = tally.count
    if not plan.votes:
        return _spread(plan, tallies, cluster_of)
    dots = [_ballot_dots(plan, index, vote, kinds) for index, vote in enumerate(plan.votes)]
    _check_ballots(plan, dots, cluster_of)
    summed: Counter = Counter()
    for dot in dots:
        summed[dot.item] += dot.count
    if plan.tallies and summed != tallies:
        item = next(ref for ref in (*tallies, *summed) if tallies[ref] != summed[ref])
        raise BackupInvalid(f"tallies: {tallies[item]} dots on {item!r}, but the votes hold "
                            f"{summed[item]}")
    return dots


def _ballot_dots(plan: BackupPlan, index: int, vote: BackupVote,
                 kinds: Mapping[str, str]) -> PlannedDots:
    place = f"votes[{index}]"
    if kinds.get(vote.item) is None:
        raise BackupInvalid(f"{place}.item: no cluster or note {vote.item!r} in this backup")
    people = len(plan.participants)
    if plan.format == FORMAT_1:
        if vote.participant is None:
            raise BackupInvalid(f"{place}.participant: needed in a {FORMAT_1!r} backup")
        if vote.participant >= people:
            raise BackupInvalid(f"{place}.participant: {vote.participant} is not a place in "
                                f"participants (there are {people})")
        return PlannedDots(vote.participant, vote.item, vote.count)
    if vote.participant is not None:
        raise BackupInvalid(f"{place}.participant: votes are not tied to participants in this "
                            "format; number the voters instead (voter)")
    if vote.voter is None:
        raise BackupInvalid(f"{place}.voter: needed")
    if vote.voter > people:
        raise BackupInvalid(f"{place}.voter: voter {vote.voter}, but only {people} participants "
                            "to hold their dots")
    return PlannedDots(vote.voter - 1, vote.item, vote.count)


def _check_ballots(plan: BackupPlan, dots: list[PlannedDots],
                   cluster_of: Mapping[str, str | None]) -> None:
    budget, limit = plan.board.vote_budget, plan.board.vote_max_per_item
    who = "participant" if plan.format == FORMAT_1 else "voter"

    def name(seat: int) -> str:
        return f"{who} {seat if plan.format == FORMAT_1 else seat + 1}"

    spent: Counter = Counter()
    on_item: Counter = Counter()
    for index, dot in enumerate(dots):
        # The same rule as on a live board: dots on a grouped note count toward its cluster.
        item = counted_item(dot.item, cluster_of)
        on_item[dot.participant, item] += dot.count
        if on_item[dot.participant, item] > limit:
            counted = "" if item == dot.item else f" (through note {dot.item!r})"
            raise BackupInvalid(f"votes[{index}].count: {name(dot.participant)} has "
                                f"{on_item[dot.participant, item]} dots on {item!r}{counted}; "
                                f"the board allows {limit}")
        spent[dot.participant] += dot.count
    for seat, total in spent.items():
        if total > budget:
            raise BackupInvalid(f"votes: {name(seat)} has {total} dots; the board's budget is "
                                f"{budget}")


def _spread(plan: BackupPlan, tallies: Mapping[str, int],
            cluster_of: Mapping[str, str | None]) -> list[PlannedDots]:
    """Totals held by the participants within the rules: the biggest totals
    first, each dot to whoever has the most budget left and room on the item
    (Ryser's construction), which fits every set of totals that real ballots
    could have made."""
    people = len(plan.participants)
    budget, limit = plan.board.vote_budget, plan.board.vote_max_per_item
    counted: dict[str, list[str]] = {}
    for item in tallies:
        counted.setdefault(counted_item(item, cluster_of), []).append(item)
    total = {key: sum(tallies[item] for item in items) for key, items in counted.items()}
    named = f"{people} participant{'s' * (people != 1)}"
    # Checked first, so that no count makes the loop below long.
    if sum(total.values()) > people * budget:
        raise BackupInvalid(f"tallies: {sum(total.values())} dots, more than {named} can hold "
                            f"with a budget of {budget}")
    for key, dots in total.items():
        if dots > people * limit:
            raise BackupInvalid(f"tallies: {dots} dots on {key!r}, more than {named} can hold "
                                f"with {limit} per item")
    left = [budget] * people
    held: Counter = Counter()
    for key in sorted(total, key=lambda key: (-total[key], key)):
        # The most budget left first; among equals, the first participant.
        queue = [(-left[seat], seat) for seat in range(people) if left[seat]]
        heapq.heapify(queue)
        on_item = Counter()
        for item in counted[key]:
            for _ in range(tallies[item]):
                if not queue:
                    raise BackupInvalid(f"tallies: the dots on {key!r} do not fit {named} "
                                        f"within a budget of {budget} and {limit} per item")
                _, seat = heapq.heappop(queue)
                left[seat] -= 1
                on_item[seat] += 1
                held[seat, item] += 1
                if left[seat] and on_item[seat] < limit:
                    heapq.heappush(queue, (-left[seat], seat))
    return [PlannedDots(seat, item, count) for (seat, item), count in sorted(held.items())]
