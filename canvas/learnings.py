"""What a postmortem produces beyond notes: contributing-factor categories, 5 Whys
chains, learnings tied to evidence, and the decisions taken on them.

A learning is a statement that starts "We learned that…" and points at its
evidence: a timeline event, a note or a cluster of the same board. A learning
can become one decision (a fix, a guardrail, instrumentation, a runbook,
training, a scope change, an experiment, or an explicit "no change") with its
trade-off; a decision is carried out by actions, linked to it.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from enum import Enum

from pydantic import BaseModel, Field, field_validator

from canvas.text import OptionalLine, OptionalText, RequiredLine, RequiredText

LEARNING_MAX_CHARS = 500
DECISION_MAX_CHARS = 300
TRADE_OFF_MAX_CHARS = 1000
WHY_MAX_CHARS = 300
WHYS_MAX_LEVELS = 5
# The practice asks for a handful of learnings: fewer says too little was
# learned, more buries the ones that matter.
LEARNINGS_MIN = 3
LEARNINGS_MAX = 7
LEARNING_PREFIX = "We learned that "
FACTOR_STEP_KEY = "contributing-factors"


class FactorCategory(str, Enum):
    """Where a contributing factor lives: people, process, product, tech, comms, environment."""

    people = "people"
    process = "process"
    product = "product"
    tech = "tech"
    comms = "comms"
    environment = "environment"

    @property
    def label(self) -> str:
        return {"tech": "Technology", "comms": "Communication"}.get(
            self.value, self.value.capitalize())


class EvidenceKind(str, Enum):
    event = "event"
    note = "note"
    cluster = "cluster"

    @property
    def label(self) -> str:
        return {"event": "timeline event"}.get(self.value, self.value)


class DecisionKind(str, Enum):
    fix = "fix"
    guardrail = "guardrail"
    instrumentation = "instrumentation"
    runbook = "runbook"
    training = "training"
    scope_change = "scope_change"
    # A bet tried on a small scale, with a signal that says whether it worked:
    # what an OKR or project review often decides instead of a fix.
    experiment = "experiment"
    no_change = "no_change"

    @property
    def label(self) -> str:
        return {"scope_change": "Scope change", "no_change": "No change"}.get(
            self.value, self.value.capitalize())

    @property
    def action_type(self) -> str:
        """The type (canvas.actions.ActionType's value) of an action made to
        carry the decision out: instrumentation is how detection gets better,
        an experiment changes how we work until its signal says whether to
        keep it, the rest prevents. A plain value, because canvas.actions
        imports canvas.models, which imports this module."""
        return {"instrumentation": "detect", "experiment": "process"}.get(self.value, "prevent")


_PREFIX = re.compile(r"^\s*we\s+learned\s+that\b[\s,:]*", re.IGNORECASE)


def as_learning(text: str) -> str:
    """The statement as it is kept: "We learned that …", prefixed when the
    person typed only what was learned."""
    rest = _PREFIX.sub("", text, count=1)
    return LEARNING_PREFIX + rest if rest else text


LearningText = RequiredText("A learning", LEARNING_MAX_CHARS)
DecisionText = RequiredLine("A decision", DECISION_MAX_CHARS)
TradeOff = OptionalText(TRADE_OFF_MAX_CHARS)
WhyText = RequiredLine("A why", WHY_MAX_CHARS)
BecauseText = OptionalLine(WHY_MAX_CHARS)


class LearningDraft(BaseModel):
    """What the Learnings page asks for: the statement and what it rests on."""

    text: LearningText
    evidence_kind: EvidenceKind | None = None
    evidence_id: str | None = None

    @field_validator("text")
    @classmethod
    def _starts_with_we_learned(cls, text: str) -> str:
        return as_learning(text)


class Learning(LearningDraft):
    id: str
    board_id: str
    position: int = 0
    created_at: datetime
    updated_at: datetime
    version: int = 1
    # A lesson for infrastructure code (see FollowUp.iac).
    iac: bool = False

    @property
    def has_evidence(self) -> bool:
        return self.evidence_kind is not None and self.evidence_id is not None


class DecisionDraft(BaseModel):
    """What was decided on a learning, and what it costs."""

    kind: DecisionKind
    text: DecisionText
    trade_off: TradeOff = ""


class Decision(DecisionDraft):
    id: str
    board_id: str
    learning_id: str
    created_at: datetime
    updated_at: datetime
    version: int = 1
    # The actions that carry the decision out, in the order they were linked.
    action_ids: list[str] = []


class WhyStep(BaseModel):
    """One level of a 5 Whys chain: why did this happen → because …"""

    why: WhyText
    because: BecauseText = ""


class WhyChain(BaseModel):
    """The 5 Whys run on one contributing factor (a note or a cluster)."""

    item_id: str
    steps: list[WhyStep] = Field(default_factory=list, max_length=WHYS_MAX_LEVELS)


def learning_problems(learning: Learning, decision: Decision | None,
                      evidence_ids: set[str]) -> list[str]:
    """What keeps a learning from counting in the quality gate, as sentences:
    no evidence, evidence that is gone from the board, or no decision (an
    explicit "no change" is a decision). `evidence_ids` are the ids of the
    board's live events, notes and clusters."""
    problems = []
    if not learning.has_evidence:
        problems.append("no evidence linked")
    elif learning.evidence_id not in evidence_ids:
        problems.append(f"its {learning.evidence_kind.label} is no longer on the board")
    if decision is None:
        problems.append("no decision (or an explicit “no change”)")
    return problems


class BoardLearnings(BaseModel):
    """One board's learnings and decisions, for the review across boards."""

    board_id: str
    title: str
    # The board's incident date, or the day it was made when it has none.
    day: date
    learnings: list[Learning] = []
    decisions: list[Decision] = []


def in_period(boards: list[BoardLearnings], start: date, end: date) -> list[BoardLearnings]:
    """The boards whose day falls within start..end (both included)."""
    return [board for board in boards if start <= board.day <= end]


def decision_of(learning_id: str, decisions: list[Decision]) -> Decision | None:
    """The decision taken on a learning, if any."""
    return next((decision for decision in decisions if decision.learning_id == learning_id), None)
