"""Follow-up actions and pre-committed triggers (kill criteria), with the rules
that make an action a commitment rather than a wish."""

from __future__ import annotations

import hashlib
import re
from datetime import date, datetime
from enum import Enum

from pydantic import BaseModel, TypeAdapter, ValidationError, model_validator

from canvas.errors import ClosingWithDrafts, InvalidInput, describe_validation_error

from canvas.session.grouping import VotableItem
from canvas.templates import Template
from canvas.text import OptionalLine, OptionalText, RequiredLine, RequiredText
from canvas.dates import OptionalDate

ACTION_TITLE_MAX = 200
ACTION_TEXT_MAX = 1000


class ActionType(str, Enum):
    detect = "detect"
    react = "react"  # react / mitigate
    prevent = "prevent"
    process = "process"
    other = "other"

    @property
    def label(self) -> str:
        return {"react": "React / mitigate"}.get(self.value, self.value.capitalize())


class Priority(str, Enum):
    high = "high"
    medium = "medium"
    low = "low"


class Status(str, Enum):
    open = "open"
    in_progress = "in_progress"
    done = "done"
    wont_do = "wont_do"
    # A later idea, kept apart from the commitments: never active, never a draft.
    parked = "parked"

    @property
    def label(self) -> str:
        return {"in_progress": "In progress", "wont_do": "Won't do"}.get(
            self.value, self.value.capitalize())

    @property
    def is_active(self) -> bool:
        return self in (Status.open, Status.in_progress)

    @property
    def needs_reason(self) -> bool:
        """Dropping an action needs a reason: the next postmortem will ask."""
        return self == Status.wont_do


class SourceKind(str, Enum):
    cluster = "cluster"
    note = "note"
    event = "event"


Title = RequiredLine("An action title", ACTION_TITLE_MAX)
Owner = OptionalLine(80)
ActionText = OptionalText(ACTION_TEXT_MAX)
Signal = RequiredText("A signal", 300)
Response = RequiredText("What we commit to", 300)


class ActionDraft(BaseModel):
    """An action as typed on the actions page."""

    title: Title
    owner: Owner = ""
    due_date: OptionalDate = None
    type: ActionType = ActionType.prevent
    priority: Priority = Priority.medium
    status: Status = Status.open
    status_reason: ActionText = ""
    success_signal: ActionText = ""
    review_date: OptionalDate = None
    source_kind: SourceKind | None = None
    source_id: str | None = None
    # Something customers will notice or are told about (the GitLab agenda's
    # customer-facing actions): the pack and the external summary list these
    # apart, and a tracker issue gets the label `customer-facing`.
    customer_facing: bool = False

    @model_validator(mode="after")
    def _wont_do_needs_a_reason(self) -> "ActionDraft":
        if self.status.needs_reason and not self.status_reason:
            raise ValueError("Say why this action won't be done (the next postmortem will ask).")
        if self.review_date and self.due_date and self.review_date < self.due_date:
            raise ValueError("The follow-up review should come on or after the due date.")
        return self

    @property
    def is_draft(self) -> bool:
        """Without an owner and a due date an action is a wish, not a commitment."""
        return not (self.owner and self.due_date)

    @property
    def is_open_draft(self) -> bool:
        """A draft still in play (not done, not dropped): what a meeting must
        not end with."""
        return self.is_draft and self.status.is_active

    @property
    def is_committed(self) -> bool:
        """Owned, dated, and neither dropped nor parked: a promise the team made."""
        return not self.is_draft and self.status not in (Status.wont_do, Status.parked)

    @property
    def is_parked(self) -> bool:
        """A later idea the team kept without committing to it."""
        return self.status == Status.parked


class FollowUp(ActionDraft):
    """A stored action."""

    id: str
    board_id: str
    created_at: datetime
    updated_at: datetime
    version: int = 1
    # Carried out as a change to infrastructure code: publishing the write-up
    # opens its own merge request (or issue) for it. Kept apart from the draft,
    # so no edit of the action's fields can clear it.
    iac: bool = False
    # When its status last became done (None while it is not done).
    done_at: datetime | None = None

    @model_validator(mode="after")
    def _wont_do_needs_a_reason(self) -> "FollowUp":
        # Replaces the draft's rule: what is stored is shown as it is (older
        # data may break a newer rule) and corrected through a new draft.
        # Pydantic runs model validators again whenever a snapshot holds it.
        return self

    def is_overdue(self, today: date) -> bool:
        """Due before today and still open or in progress."""
        return self.status.is_active and self.due_date is not None and self.due_date < today


# What may still change on an action once the board is closed: how the
# follow-through is going (status, owner, dates). What the action is (title,
# type, success signal, where it came from) was decided in the meeting.
FOLLOW_THROUGH_FIELDS = frozenset({"owner", "due_date", "review_date", "status", "status_reason"})


def changes_only_follow_through(current: ActionDraft, draft: ActionDraft) -> bool:
    """Whether `draft` differs from `current` only in the follow-through
    fields, which a closed board still accepts."""
    changed = {name for name in ActionDraft.model_fields
               if getattr(current, name) != getattr(draft, name)}
    return changed <= FOLLOW_THROUGH_FIELDS


CloseReason = OptionalText(ACTION_TEXT_MAX)
_CLOSE_REASON = TypeAdapter(CloseReason)
# The answer to "What would make our next postmortem better?", kept with the board.
ProcessReview = OptionalText(2000)
PROCESS_REVIEW_QUESTION = "What would make our next postmortem better?"


def drafts_blocking_close(actions: list[ActionDraft]) -> list[ActionDraft]:
    """The actions a meeting must not end with unless someone says why: drafts
    (no owner or due date) still open or in progress."""
    return [action for action in actions if action.is_open_draft]


def close_reason_for(actions: list[ActionDraft], reason: str) -> str:
    """The reason kept with a closed board, after the rule that a meeting ends
    with names and dates: with open drafts left, closing needs a stated reason
    (raises ClosingWithDrafts without one); without drafts none is kept."""
    drafts = drafts_blocking_close(actions)
    if not drafts:
        return ""
    try:
        kept = _CLOSE_REASON.validate_python(reason or "")
    except ValidationError as error:
        raise InvalidInput(f"Reason for closing: {describe_validation_error(error, places=False)}") from None
    if not kept:
        raise ClosingWithDrafts([action.title for action in drafts])
    return kept


class TriggerKind(str, Enum):
    # Stored as text (no check constraint), so a new response needs no migration.
    pause = "pause"
    pivot = "pivot"
    kill = "kill"
    escalate = "escalate"
    add_investment = "add_investment"
    roll_back = "roll_back"
    drop = "drop"
    other = "other"

    @property
    def label(self) -> str:
        return self.value.replace("_", " ").capitalize()


class TriggerDraft(BaseModel):
    """A kill criterion: "if we see <signal>, we commit to <response>", and
    who makes the call when the signal shows."""

    signal: Signal
    kind: TriggerKind = TriggerKind.pause
    response: Response
    # Decided beforehand, so nobody waits for someone to take the call.
    owner: Owner = ""


class Trigger(TriggerDraft):
    id: str
    board_id: str
    created_at: datetime


def trigger_fingerprint(trigger: TriggerDraft) -> str:
    """A short token of what a kill criterion says, for telling whether it
    changed since someone opened it (it carries no version of its own)."""
    said = "\x1f".join((trigger.signal, trigger.kind.value, trigger.response, trigger.owner))
    return hashlib.sha256(said.encode("utf-8")).hexdigest()[:16]


# Gentle checks on action titles: each is (pattern, advice). They nudge and
# never block, because the team in the room knows what it meant.
_VAGUE = [
    (re.compile(r"\blook(?:ing)? into\b", re.I),
     "“Look into” has no end. What will be true when this is done?"),
    (re.compile(r"\binvestigate\b", re.I),
     "An investigation needs a question and a deliverable (a decision, a doc, a fix)."),
    (re.compile(r"^\s*(?:improve|better)\b", re.I),
     "“Improve” by how much, measured how? Name the change."),
    (re.compile(r"\bbe (?:more )?(?:careful|vigilant|aware)\b", re.I),
     "Asking people to be careful fixes nothing; change the system so care is not needed."),
    (re.compile(r"\b(?:try to|consider|think about)\b", re.I),
     "Commit to something that can be done, or drop it."),
]
# A title that opens with one of these is a topic, not a deed ("Monitoring
# for checkout", "Better alerts", "The deploy pipeline").
_NOT_A_DEED_WORDS = {"the", "a", "an", "more", "better", "some", "new", "our", "all", "any",
                     "no", "less", "fewer", "proper", "general", "various", "misc"}
_NOUN_ENDINGS = ("ing", "ion", "ions", "ment", "ments", "ness", "ity", "ance", "ence", "ings")
# Verbs that happen to end like nouns.
_VERBS_WITH_NOUN_ENDINGS = {"document", "implement", "comment", "augment", "supplement",
                            "mention", "partition", "provision", "version", "question",
                            "position", "bring", "ping", "string", "fence", "sequence"}


def vague_title_warnings(title: str) -> list[str]:
    """Advice for a title that is vague or does not read as something someone does."""
    warnings = [advice for pattern, advice in _VAGUE if pattern.search(title)]
    words = [re.sub(r"[^a-z]", "", word.lower()) for word in title.split()]
    words = [word for word in words if word]
    # "Manually inspect ...": skip leading adverbs to reach the verb.
    while len(words) > 1 and words[0].endswith("ly"):
        words.pop(0)
    first = words[0] if words else ""
    if first in _NOT_A_DEED_WORDS or (
        first.endswith(_NOUN_ENDINGS) and first not in _VERBS_WITH_NOUN_ENDINGS
    ):
        warnings.append("Start with a verb, so it reads as something someone does "
                        "(“Add an alert on …”, “Document …”).")
    return warnings


# Kill criteria are decided in advance so nobody has to argue in the moment:
# that only works if anyone can see the signal happen, and the response is a
# deed rather than another meeting.
_THRESHOLD = re.compile(r"\d|[<>≤≥%]")
_MEASURE_OR_EVENT = re.compile(r"""(?x)\b(?:
    rates? | ratios? | latency | p\d\d | errors? | \dxx | cpu | memory | disk | queue | lag
  | throughput | traffic | requests? | timeouts? | counts? | conversion | churn | sign-?ups? | revenue
  | budget | slos? | slas? | alerts? | pages? | paged | pager | tickets? | complaints? | reports?
  | reported | incidents? | rollbacks? | deploys? | deployments? | fires | fired | crash(?:es|ed)?
  | fails? | failed | failing | exceeds? | exceeded | above | below | drops? | dropped | rises? | rose
  | returns? | refunds? | outages? | dashboard | metric | metrics | uptime | availability | saturation
  | retention | nps | csat | tests?
)\b""", re.I)
# A date or a deadline is as observable as a threshold: on that day, anyone can
# see whether the thing happened ("CI pool-size check not merged by its due date").
_DATED_OR_EVENT = re.compile(r"""(?x)\b(?:
    (?:by|before|after|on|until)\s+(?:its\s+|the\s+|our\s+|their\s+)?(?:due\s+date|deadline|end\s+of\s+(?:q[1-4]|the\s+\w+)|launch|release
      |monday|tuesday|wednesday|thursday|friday|saturday|sunday|january|february|march|april|may|june|july|august
      |september|october|november|december|q[1-4]|\d)
  | due\s+date | deadline | milestone
  | (?:not\s+|never\s+|is\s+|was\s+|gets?\s+)?(?:merged|shipped|released|launched|signed|approved|completed|delivered|deployed
      |announced|cancell?ed|staffed|funded|renewed|churned|resigns?|leaves|left)
)\b""", re.I)
_VAGUE_SIGNAL = re.compile(r"""(?x)\b(?:
    things? | stuff | problems? | issues? | bad(?:ly)? | worse | wrong | unhappy | concerns? | concerned
  | seems? | feels? | struggl\w* | off[\s-]track | a\s+lot | too\s+(?:many|much|slow) | significant(?:ly)?
  | noticeabl[ey] | not\s+working | unstable | flaky | weird | odd | somehow | if\s+needed
)\b""", re.I)
_TALK = re.compile(r"""(?x)\b(?:
    discuss(?:ion|ed)? | talk(?:\s+(?:about|it\s+over))? | revisit | reconsider | re-?evaluate | evaluate
  | look\s+into | think\s+about | consider | meet(?:ing)? | sync | align | review\s+(?:it|this|the\s+situation|options)
)\b""", re.I)
_DEED = re.compile(r"""(?x)\b(?:
    roll(?:ing)?\s*back | rollback | revert | pause | stop | halt | disable | turn\s+off | switch\s+off
  | freeze | page | escalate | drop | cancel | kill | block | shut | fail\s*over | flip | remove | restore
  | scale | throttle | shed | drain | cut\s+over | call\s+off | end | sunset
)\b""", re.I)


def trigger_is_observable(signal: str) -> bool:
    """Whether a trigger's signal is something anyone could see happen: a
    number or threshold, or a named measure or event without vague words."""
    if _THRESHOLD.search(signal):
        return True
    named = _MEASURE_OR_EVENT.search(signal) or _DATED_OR_EVENT.search(signal)
    return bool(named) and not _VAGUE_SIGNAL.search(signal)


def response_is_only_talk(response: str) -> bool:
    """Whether a trigger's committed response is a conversation, not a deed."""
    return bool(_TALK.search(response)) and not _DEED.search(response)


def trigger_warnings(signal: str, response: str) -> list[str]:
    """Advice for a kill criterion whose signal nobody could observe or whose
    response is only to talk. Like vague_title_warnings, it never blocks."""
    warnings = []
    if not trigger_is_observable(signal):
        warnings.append("Name a signal anyone can see happen: a measure with a threshold "
                        "(“checkout errors above 2% for 10 minutes”) or an event "
                        "(“a second customer reports a double charge”).")
    if response_is_only_talk(response):
        warnings.append("“Discuss” is not a response decided in advance: commit to the deed "
                        "(pause the rollout, roll back, page the owner) and talk afterwards.")
    return warnings


def draft_for_item(item: VotableItem, template: Template) -> ActionDraft:
    """The action a discussed item becomes in one click: a draft (no owner or
    date yet) typed by its step, linked back to the cluster or note."""
    step = template.step(item.step_key)
    title = item.title
    if item.kind == "note":
        title = item.note_texts[0]
    title = " ".join(title.split())
    if len(title) > ACTION_TITLE_MAX:
        title = title[: ACTION_TITLE_MAX - 1] + "…"
    return ActionDraft(
        title=title,
        type=ActionType(step.action_type if step else "other"),
        source_kind=SourceKind(item.kind),
        source_id=item.id,
    )
