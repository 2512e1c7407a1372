"""The summary part of the live board: its view and the intents that change it.

The card shows what the Summary page's form holds (the summary, the customer
impact, the dates, severity, roles and the intake answers), each field edited
on its own, against the board's `details_version`: two people editing at once,
the later save is refused and the editor keeps its text.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from datetime import date
from typing import Annotated, Literal

from pydantic import AfterValidator, Field as Field_, Strict

from canvas.models import Board, ROLE_LABELS, Severity
from canvas.review.intake import intake_answers
from canvas.review.language import check_text
from canvas.session.intent_fields import Flag, Id, IntentModel, Text, WholeNumber
from canvas.snapshot import BoardSnapshot
from canvas.templates import ROLE_LABEL_MAX


@dataclass(frozen=True)
class Field:
    """One field of the card: where it lives in BoardDetails and how it is typed."""

    key: str
    label: str
    kind: Literal["text", "line", "date", "select"]
    group: Literal["what", "when", "roles", "intake"]
    placeholder: str = ""

    @property
    def path(self) -> tuple[str, ...]:
        """Where the value sits in BoardDetails' dump: ("intake", "reviewed"),
        or ("roles", "engagement", "SAL") for a role the template offers
        (whose label may hold a dot)."""
        return tuple(self.key.split(".", 2))


FIELDS: tuple[Field, ...] = (
    Field("summary", "Summary", "text", "what", "One or two sentences: what happened."),
    Field("impact", "Customer impact", "text", "what", "Who was affected, how, for how long."),
    Field("incident_date", "Incident date", "date", "when"),
    Field("intake.period_start", "Period start", "date", "when"),
    Field("intake.period_end", "Period end", "date", "when"),
    Field("review_date", "Review meeting date", "date", "when"),
    Field("severity", "Severity", "select", "when"),
    *(Field(f"roles.{role}", label[:1].upper() + label[1:], "line", "roles")
      for role, label in ROLE_LABELS.items()),
    Field("intake.reviewed", "What is reviewed", "text", "intake",
          "The incident, project, OKR period or stretch of team work."),
    Field("intake.key_dates", "Key dates", "text", "intake", "Milestones, deploys, deadlines worth naming."),
    Field("intake.desired_outcome", "Desired outcome", "text", "intake",
          "What the review should produce, and for whom."),
    Field("intake.evidence", "Available evidence", "text", "intake",
          "Dashboards, logs, tickets, chat threads, documents."),
    Field("intake.privacy", "Privacy constraints", "text", "intake", "What must not leave the room."),
    Field("intake.audience", "Audience", "text", "intake", "Who reads what this review produces."),
)
BY_KEY = {field.key: field for field in FIELDS}
FieldKey = Literal[
    "summary", "impact", "incident_date", "intake.period_start", "intake.period_end", "review_date",
    "severity", "roles.facilitator", "roles.scribe", "roles.decision_owner", "roles.customer_facing",
    "roles.support", "intake.reviewed", "intake.key_dates", "intake.desired_outcome",
    "intake.evidence", "intake.privacy", "intake.audience",
]
GROUPS = {"what": "", "when": "Dates and severity", "roles": "Roles", "intake": "Intake"}
# A role the board's template offers beside the board's own (canvas.templates.
# RolePreset), keyed by its label: "roles.engagement.SAL".
ENGAGEMENT_PREFIX = "roles.engagement."


def _a_card_field(key: str) -> str:
    # One of FIELDS, or a role a template may offer; which roles this board's
    # template offers is checked where the board is read (web/parts/summary.py).
    offered = key.startswith(ENGAGEMENT_PREFIX) and 0 < len(key) - len(ENGAGEMENT_PREFIX) <= ROLE_LABEL_MAX
    if key not in BY_KEY and not offered:
        raise ValueError("The action's “field” is not right: the card has no such field.")
    return key


SummaryFieldKey = Annotated[str, Strict(), AfterValidator(_a_card_field)]


def preset_fields(board: Board) -> list[Field]:
    """The card's fields for the roles the board's template offers."""
    return [Field(ENGAGEMENT_PREFIX + preset.label, preset.label, "line", "roles", preset.help)
            for preset in board.template_model.roles]


def field_for(board: Board, key: str) -> Field | None:
    """The card's field with this key on this board (None when it has none)."""
    return BY_KEY.get(key) or next((field for field in preset_fields(board) if field.key == key), None)


def card_fields(board: Board) -> list[Field]:
    """Every field of the board's card in order: the template's roles after the board's own."""
    return ([field for field in FIELDS if field.group != "intake"] + preset_fields(board)
            + [field for field in FIELDS if field.group == "intake"])


class EditSummaryField(IntentModel):
    """One field of the summary, as the card's inline editor saves it; `version`
    is the board's details version the editor opened at."""

    type: Literal["edit_summary_field"]
    field: SummaryFieldKey
    value: Text
    version: WholeNumber


class ChooseSummaryEditors(IntentModel):
    """The facilitator lets everyone edit the summary, or only the people
    listed (participant ids of the board)."""

    type: Literal["choose_summary_editors"]
    everyone: Flag
    participant_ids: list[Id] = Field_(default_factory=list, max_length=500)


INTENTS: tuple[type[IntentModel], ...] = (EditSummaryField, ChooseSummaryEditors)


def value_of(board: Board, field: Field):
    """The stored value of `field` on the board (a date, a Severity, text)."""
    value = board
    for name in field.path:
        value = value.get(name, "") if isinstance(value, dict) else getattr(value, name)
    return value


def _shown(value) -> str:
    if value is None:
        return ""
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Severity):
        return value.value
    return value


def shows(board: Board, field: Field) -> bool:
    """Whether the card shows the field: a review over a period has no
    incident date, an incident review no period, and customer impact is an
    incident's question (another review shows it once someone wrote one)."""
    if field.key == "impact":
        return board.asks_customer_impact
    if field.key == "incident_date":
        return not board.review_type.has_period
    if field.key.startswith("intake.period_"):
        return board.review_type.has_period
    return True


def build(seen: BoardSnapshot) -> dict:
    """The part as the board draws it: each field with its value ("" where
    nothing is answered, which the card shows as *Unknown*)."""
    board = seen.board
    answers = intake_answers(board)
    return {
        "version": board.details_version,
        "review_type": board.review_type.label,
        # Blame, hindsight, or a request the practice refuses, in the card's
        # own words (the title too): shown on the card, as the Summary page does.
        "title_nudge": _nudge(board.title),
        "groups": [{"key": key, "title": title} for key, title in GROUPS.items()],
        "fields": [
            {"key": field.key, "label": field.label, "kind": field.kind, "group": field.group,
             "placeholder": field.placeholder, "value": value,
             "nudge": _nudge(value) if field.kind == "text" else []}
            for field in card_fields(board) if shows(board, field)
            for value in [_shown(value_of(board, field))]
        ],
        "severities": [{"key": severity.value, "label": severity.label} for severity in Severity],
        "unanswered": [item.question for item in answers if item.answer is None],
        # Who besides the facilitator edits the card: everyone, or the people chosen.
        "editors": {
            "everyone": board.summary_editors is None,
            "people": [{"id": person.id, "name": person.display_name,
                        "chosen": board.summary_editors is None or person.id in board.summary_editors}
                       for person in seen.participants],
        },
        "intake_questions": len(answers),
    }


def _nudge(text: str) -> list[dict]:
    return list(_flags_of(text)) if text else []


@lru_cache(maxsize=512)
def _flags_of(text: str) -> tuple[dict, ...]:
    # About half a millisecond a text: while people write, the card is built
    # for each of them on every change, and its texts rarely change.
    return tuple(flag.as_nudge() for flag in check_text(text))
