"""Backlog refinement and sprint planning with Jira: the cards, their columns,
blind estimation rounds, sprint capacity, and what each change on the board
asks of Jira. Pure: no SQL, no HTTP. Storage keeps these values and
integrations.jira_board_sync carries the asks out.

Jira stays the source of truth. A card remembers what Jira said at its last
pull (`pulled`); a change made on the board is queued as a `JiraChange` that
carries that value as its `base`, so that when Jira has changed the same field
since, the change is a conflict that shows both values instead of one side
winning silently (`conflicting`).
"""

from __future__ import annotations

import re
from enum import Enum
from typing import Literal

from pydantic import BaseModel, Field, field_validator, model_validator

from canvas.errors import (  # noqa: F401 - the board's errors, named where they are raised
    CardNotFound, EstimatesNotRevealed, InvalidInput, NoConflict, NoEstimationRound, NotAColumn,
    NotAJiraBoard, NotAnEstimate, SprintNotFound,
)

REFINEMENT, PLANNING = "refinement", "planning"
BoardKind = Literal["refinement", "planning"]

# Refinement's columns, left to right.
TO_REFINE, NEEDS_DETAIL, READY, SPLIT, DROP = "to-refine", "needs-detail", "ready", "split", "drop"
REFINEMENT_COLUMNS = (
    (TO_REFINE, "To refine"), (NEEDS_DETAIL, "Needs detail"), (READY, "Ready"),
    (SPLIT, "Split"), (DROP, "Drop"),
)
BACKLOG = "backlog"
NEEDS_DETAIL_LABEL = "needs-detail"
# Fields a board may change, in the words the conflict message uses.
FIELDS = {"summary": "summary", "acceptance": "acceptance criteria", "labels": "labels",
          "story_points": "story points", "sprint_id": "sprint", "status": "status"}

FIBONACCI = ("0", "1", "2", "3", "5", "8", "13", "21", "?")
T_SHIRT = ("XS", "S", "M", "L", "XL", "?")
# What a settled T-shirt size writes into Jira's story points field.
T_SHIRT_POINTS = {"XS": 1.0, "S": 2.0, "M": 3.0, "L": 5.0, "XL": 8.0}
SCALES = {"fibonacci": FIBONACCI, "t-shirt": T_SHIRT}
ACCEPTANCE_HEADING = "Acceptance criteria"
CAPACITY_MAX = 10_000


class ScaleKind(str, Enum):
    fibonacci = "fibonacci"
    t_shirt = "t-shirt"


class JiraBoardSettings(BaseModel):
    """What a Jira board is made from: its kind, where the issues come from
    (a Jira board's backlog and sprints, or a JQL query), and how it speaks to
    Jira (the estimation scale, how a card is dropped and made ready)."""

    kind: BoardKind
    source_board: int | None = Field(default=None, ge=1)
    jql: str = Field(default="", max_length=2000)
    project: str = Field(default="", max_length=40)
    scale: ScaleKind = ScaleKind.fibonacci
    drop_as: Literal["transition", "label"] = "transition"
    drop_value: str = Field(default="Won't Do", min_length=1, max_length=80)
    ready_transition: str = Field(default="", max_length=80)
    capacity_from: Literal["people", "velocity"] = "people"

    @field_validator("jql", "project", "drop_value", "ready_transition")
    @classmethod
    def _trimmed(cls, value: str) -> str:
        return value.strip()

    @model_validator(mode="after")
    def _has_a_source(self) -> "JiraBoardSettings":
        if self.source_board is None and not self.jql:
            raise ValueError("Give a Jira board id or a JQL query to import the issues from.")
        if self.kind == PLANNING and self.source_board is None:
            raise ValueError("Sprint planning needs the Jira board id whose sprints it plans.")
        return self


class Card(BaseModel):
    """One Jira issue on the board, as last pulled and then edited here."""

    id: str
    key: str
    url: str
    summary: str
    description: str = ""
    issue_type: str = ""
    status: str = ""
    priority: str | None = None
    story_points: float | None = None
    assignee: str | None = None
    labels: tuple[str, ...] = ()
    sprint_id: int | None = None
    column: str
    position: int
    updated: str = ""
    pulled: dict = {}  # field -> Jira's value at the last pull
    conflicts: dict = {}  # field -> {"board": value, "jira": value}
    sync: str = "saved"  # saved | queued | failed | conflict
    sync_message: str = ""
    action_board: str | None = None  # the board a postmortem action was pushed from

    @property
    def acceptance(self) -> str:
        return acceptance_criteria(self.description)


class Sprint(BaseModel):
    id: int
    name: str
    state: str
    goal: str = ""
    capacity: dict[str, float] = {}  # person -> points, typed
    position: int = 0

    @property
    def column(self) -> str:
        return sprint_column(self.id)


class Round(BaseModel):
    """The open estimation round: its card, who estimated what, revealed or not."""

    card_id: str
    revealed: bool = False
    estimates: dict[str, str] = {}  # participant id -> value


class JiraBoardState(BaseModel):
    """Everything the board shows of Jira."""

    settings: JiraBoardSettings
    cards: list[Card] = []
    sprints: list[Sprint] = []
    round: Round | None = None
    velocity: list[float] = []
    reachable: bool = True
    problem: str = ""
    pulled_at: str | None = None
    queued: int = 0


def sprint_column(sprint_id: int) -> str:
    return f"sprint-{sprint_id}"


def columns(state: JiraBoardState) -> list[tuple[str, str]]:
    """The board's columns, left to right: refinement's five, or planning's
    active and future sprints and then the backlog."""
    if state.settings.kind == REFINEMENT:
        return list(REFINEMENT_COLUMNS)
    shown = [sprint for sprint in state.sprints if sprint.state in ("active", "future")]
    shown.sort(key=lambda sprint: (sprint.state != "active", sprint.position, sprint.id))
    return [(sprint.column, sprint.name) for sprint in shown] + [(BACKLOG, "Backlog")]


def column_of_sprint(sprint_id: int | None, sprints: list[Sprint]) -> str:
    """Where planning shows an issue of this sprint: its sprint's column when
    that sprint is active or future, else the backlog."""
    for sprint in sprints:
        if sprint.id == sprint_id and sprint.state in ("active", "future"):
            return sprint.column
    return BACKLOG


def sprint_of_column(column: str) -> int | None:
    """The sprint id of a planning column (None for the backlog)."""
    found = re.fullmatch(r"sprint-(\d+)", column)
    return int(found[1]) if found else None


# --- estimation -------------------------------------------------------------------


def check_estimate(scale: ScaleKind, value: str) -> str:
    """The value, if the board's scale has it; raises NotAnEstimate."""
    if value not in SCALES[scale.value]:
        raise NotAnEstimate(scale.value, SCALES[scale.value])
    return value


def points_of(scale: ScaleKind, value: str) -> float | None:
    """What a settled value writes as story points (None for "?")."""
    check_estimate(scale, value)
    if value == "?":
        return None
    return T_SHIRT_POINTS[value] if scale == ScaleKind.t_shirt else float(value)


def round_view(found: Round | None, names: dict[str, str]) -> dict | None:
    """The open round as everyone sees it: who has estimated, and the values
    only once revealed. Blind means blind for everyone, the facilitator too,
    so the first number said does not anchor the rest."""
    if found is None:
        return None
    who = sorted(names.get(person, "Someone") for person in found.estimates)
    view = {"card_id": found.card_id, "revealed": found.revealed, "estimated": who,
            "count": len(found.estimates)}
    if found.revealed:
        view["estimates"] = sorted(
            ({"name": names.get(person, "Someone"), "value": value} for person, value in found.estimates.items()),
            key=lambda entry: entry["name"])
    return view


# --- capacity -----------------------------------------------------------------------


def check_capacity(points: float) -> float:
    if not 0 <= points <= CAPACITY_MAX:
        raise InvalidInput(f"Capacity is a number of points from 0 to {CAPACITY_MAX}.")
    return float(points)


def capacity_of(sprint: Sprint, settings: JiraBoardSettings, velocity: list[float]) -> float | None:
    """A sprint's capacity: the people's typed points added up, or the mean
    of the last closed sprints' completed points; None when nothing says."""
    if settings.capacity_from == "velocity":
        return round(sum(velocity) / len(velocity), 1) if velocity else None
    return round(sum(sprint.capacity.values()), 1) if sprint.capacity else None


def committed(cards: list[Card], column: str) -> float:
    """The story points of the cards in a column."""
    return sum(card.story_points or 0 for card in cards if card.column == column)


def over_capacity(committed_points: float, capacity: float | None) -> bool:
    return capacity is not None and committed_points > capacity


# --- the description's acceptance criteria ------------------------------------------

_HEADING = re.compile(r"^(?:#+\s*|h\d\.\s*)?acceptance criteria:?\s*$", re.IGNORECASE | re.MULTILINE)
_NEXT_HEADING = re.compile(r"^(?:#+\s+|h\d\.\s+)\S", re.MULTILINE)


def acceptance_criteria(description: str) -> str:
    """The text under the description's "Acceptance criteria" heading, up to
    the next heading ("" when it has none)."""
    found = _HEADING.search(description)
    if not found:
        return ""
    rest = description[found.end():]
    following = _NEXT_HEADING.search(rest)
    return (rest[:following.start()] if following else rest).strip()


def with_acceptance_criteria(description: str, criteria: str) -> str:
    """The description with its acceptance criteria section said anew (added
    at the end when it had none), the rest left as it was."""
    criteria = criteria.strip()
    found = _HEADING.search(description)
    if not found:
        if not criteria:
            return description
        head = description.rstrip()
        return (head + "\n\n" if head else "") + f"## {ACCEPTANCE_HEADING}\n{criteria}"
    rest = description[found.end():]
    following = _NEXT_HEADING.search(rest)
    tail = rest[following.start():] if following else ""
    section = f"{description[:found.end()]}\n{criteria}\n" if criteria else description[:found.start()]
    return (section + ("\n" + tail if tail else "")).rstrip()


def check_labels(labels: list[str]) -> tuple[str, ...]:
    """Labels as Jira takes them: no spaces, no repeats, in the order given."""
    kept: list[str] = []
    for label in labels:
        label = label.strip()
        if not label:
            continue
        if re.search(r"\s", label) or len(label) > 255:
            raise InvalidInput(f"A Jira label has no spaces: “{label[:40]}” cannot be one.")
        if label not in kept:
            kept.append(label)
    return tuple(kept)


def check_summary(summary: str) -> str:
    summary = summary.strip()
    if not summary or len(summary) > 255 or "\n" in summary:
        raise InvalidInput("A summary is one line of 1 to 255 characters.")
    return summary


# --- what a change asks of Jira --------------------------------------------------------


class JiraChange(BaseModel):
    """One change on its way to Jira, in the order the board made it.

    `kind` is rank, story_points, sprint, backlog, summary, description,
    labels, transition, create or goal; `value` what to write; `base` what
    Jira said when the board last pulled the field (for the conflict check);
    `state` queued, saved, failed or conflict."""

    id: str
    seq: int
    card_id: str | None = None
    sprint_id: int | None = None
    kind: str
    value: dict = {}
    base: dict | None = None
    state: str = "queued"
    message: str = ""


def field_value(card: Card, field: str):
    """The card's value of a field that can conflict, comparable with Jira's."""
    if field == "labels":
        return sorted(card.labels)
    if field == "acceptance":
        return card.acceptance
    return getattr(card, field)


def conflicting(base, board_value, jira_value) -> bool:
    """Whether writing `board_value` would overwrite a change made in Jira:
    Jira's value moved away from what the board last pulled, and not to what
    the board writes."""
    return jira_value != base and jira_value != board_value


def moves_for_column(settings: JiraBoardSettings, column: str) -> list[tuple[str, dict]]:
    """What moving a refinement card into `column` asks of Jira, besides its rank."""
    if column == READY and settings.ready_transition:
        return [("transition", {"name": settings.ready_transition})]
    if column == DROP:
        if settings.drop_as == "label":
            return [("add_label", {"label": settings.drop_value})]
        return [("transition", {"name": settings.drop_value})]
    if column == NEEDS_DETAIL:
        return [("add_label", {"label": NEEDS_DETAIL_LABEL})]
    return []


def neighbours(order: list[str], key: str) -> dict:
    """Where Jira should rank `key` to match the board's order: before the
    card that follows it, or after the one before it when it is last."""
    index = order.index(key)
    if index + 1 < len(order):
        return {"before": order[index + 1]}
    if index > 0:
        return {"after": order[index - 1]}
    return {}
