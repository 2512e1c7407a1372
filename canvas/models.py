"""The board and what lives on it, as pydantic models.

Drafts (`BoardDraft`, `NoteDraft`, ...) are what a person typed, validated at
the edge with `model_validate`; the other models are what storage returns.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import Enum
from typing import Annotated

from pydantic import (
    AfterValidator, BaseModel, Field, StringConstraints, TypeAdapter, ValidationError,
    field_validator, model_validator,
)

from canvas.errors import TextRefused, UnknownTemplate
from canvas.learnings import FactorCategory
from canvas.session.phases import Phase
from canvas.text import (
    WEB_ADDRESS, OptionalLine, OptionalText, RequiredLine, RequiredText, check_visible,
)
from canvas.dates import OptionalDate, resolve_zone
from canvas.templates import DEFAULT_TEMPLATE, ROLE_LABEL_MAX, ROLE_PRESETS_MAX, Template, get_template

NOTE_MAX_CHARS = 1000
TITLE_MAX_CHARS = 120
NAME_MAX_CHARS = 40
SUMMARY_MAX_CHARS = 4000


class Severity(str, Enum):
    sev1 = "SEV1"
    sev2 = "SEV2"
    sev3 = "SEV3"
    sev4 = "SEV4"
    none = "n/a"

    @property
    def label(self) -> str:
        return {
            "SEV1": "SEV1 · critical, many customers affected",
            "SEV2": "SEV2 · major, some customers affected",
            "SEV3": "SEV3 · minor, little customer impact",
            "SEV4": "SEV4 · no customer impact",
            "n/a": "Not an incident (retrospective)",
        }[self.value]


class NoteColour(str, Enum):
    yellow = "yellow"
    pink = "pink"
    blue = "blue"
    green = "green"
    orange = "orange"
    purple = "purple"

    @property
    def hex(self) -> str:
        """Paper colour of the sticky note; shared by the page and the PNG."""
        return NOTE_HEX[self]


NOTE_HEX = {
    NoteColour.yellow: "#fff1a8",
    NoteColour.pink: "#ffd1dc",
    NoteColour.blue: "#cfe8ff",
    NoteColour.green: "#d3f4c8",
    NoteColour.orange: "#ffdcb5",
    NoteColour.purple: "#e5d7ff",
}


# Every text field's rules (control characters, invisible-only text, length)
# live in canvas.text; the types below name the fields that share them.
DisplayName = RequiredLine("A display name", NAME_MAX_CHARS)
OptionalName = OptionalLine(NAME_MAX_CHARS)
NoteText = RequiredText("A note", NOTE_MAX_CHARS)
Title = RequiredLine("A title", TITLE_MAX_CHARS)
LongText = OptionalText(SUMMARY_MAX_CHARS)


EngagementLabel = Annotated[str, StringConstraints(min_length=1, max_length=ROLE_LABEL_MAX)]


class Roles(BaseModel):
    """People worth recording on a postmortem; names, not accounts."""

    facilitator: OptionalName = ""
    scribe: OptionalName = ""
    decision_owner: OptionalName = ""
    # Who speaks for customers, and who answers them, in the review.
    customer_facing: OptionalName = ""
    support: OptionalName = ""
    # The roles the board's template offers beside these (canvas.templates.
    # RolePreset), by their label: {"SAL": "Ana", "TAM": "Bo"}. Keyed by the
    # label, so the names read the same wherever the template is not at hand.
    engagement: dict[EngagementLabel, OptionalName] = Field(default_factory=dict,
                                                           max_length=ROLE_PRESETS_MAX)

    @field_validator("engagement")
    @classmethod
    def _only_named(cls, engagement: dict[str, str]) -> dict[str, str]:
        return {label: name for label, name in engagement.items() if name}

    def named(self) -> list[tuple[str, str]]:
        """(role label, name) for every role someone holds, in a fixed order:
        the board's own roles, then the template's in its order."""
        found = [(ROLE_LABELS[field], name)
                 for field, name in self.model_dump(exclude={"engagement"}).items() if name]
        return found + list(self.engagement.items())


ROLE_LABELS = {
    "facilitator": "facilitator",
    "scribe": "scribe",
    "decision_owner": "decision owner",
    "customer_facing": "customer-facing",
    "support": "support",
}


class ReviewType(str, Enum):
    """What a board reviews; it decides whether it has an incident date or a
    period, and which template a new board starts from."""

    incident = "incident"
    project = "project"
    okr = "okr"
    team = "team"
    # Before the work starts: imagine it failed, and set the kill criteria.
    premortem = "premortem"

    @property
    def label(self) -> str:
        return {"incident": "Incident", "project": "Project", "okr": "OKR period",
                "team": "Team retrospective", "premortem": "Pre-mortem"}[self.value]

    @property
    def template(self) -> str:
        """The slug of the template that fits this review, picked by default
        when a board is made (a person may still pick another)."""
        return REVIEW_TEMPLATES[self.value]

    @property
    def has_period(self) -> bool:
        """Reviewed over a period (start and end dates) rather than an incident date."""
        return self is not ReviewType.incident

    @property
    def looks_back(self) -> bool:
        """Whether the review has something to learn from: every review but a
        pre-mortem, held before the work, which asks for no learnings yet."""
        return self is not ReviewType.premortem


# One place for which template fits which review: an incident gets the
# blameless postmortem; a project or OKR period its learnings, grade and
# kill criteria; a team a quick retrospective; a pre-mortem its own.
REVIEW_TEMPLATES = {
    "incident": DEFAULT_TEMPLATE,
    "project": "okr-retro",
    "okr": "okr-retro",
    "team": "mad-sad-glad",
    "premortem": "pre-mortem",
}


class Cadence(str, Enum):
    """How often the recurring Impact & Learnings review meets."""

    weekly = "weekly"
    fortnightly = "fortnightly"

    @property
    def weeks(self) -> int:
        return 1 if self is Cadence.weekly else 2

    @property
    def label(self) -> str:
        return {"weekly": "Weekly", "fortnightly": "Every two weeks"}[self.value]


LABEL_MAX_CHARS = 40
URL_MAX_CHARS = 500


def _web_address(value: str) -> str:
    value = value.strip()
    if not value:
        return ""
    if len(value) > URL_MAX_CHARS:
        raise ValueError(f"a link is at most {URL_MAX_CHARS} characters long.")
    check_visible(value)
    if not WEB_ADDRESS.match(value):
        raise ValueError("a link must be a web address starting with http:// or https://")
    return value


WebAddress = Annotated[str, AfterValidator(_web_address)]
Label = RequiredLine("A label", LABEL_MAX_CHARS)


class Intake(BaseModel):
    """The questions a review starts from. An empty answer is unanswered:
    exports show it as *unknown* (canvas.review.intake), never as blank."""

    reviewed: LongText = ""  # what is reviewed: the incident, project or period
    period_start: OptionalDate = None
    period_end: OptionalDate = None
    key_dates: LongText = ""
    desired_outcome: LongText = ""
    evidence: LongText = ""  # dashboards, logs, tickets, documents to look at
    privacy: LongText = ""  # what must not leave the room
    audience: LongText = ""  # who reads what the review produces

    @model_validator(mode="after")
    def _period_in_order(self) -> "Intake":
        if self.period_start and self.period_end and self.period_end < self.period_start:
            raise ValueError("the period ends before it starts.")
        return self


def _known_template(slug: str) -> str:
    try:
        get_template(slug)
    except UnknownTemplate as error:
        raise ValueError(str(error)) from None
    return slug


def check_template_choice(slug: str, copy: Template | None) -> None:
    """A board's template: a known one, or the copy it brings along (a board
    made elsewhere from a template this instance does not have)."""
    if copy is None or copy.slug != slug:
        _known_template(slug)
    if copy is not None and copy.slug != slug:
        raise ValueError(f"the board's copy of its steps is of template {copy.slug!r}, "
                         f"not {slug!r}.")


class BoardDraft(BaseModel):
    """What the home page's create form (or an import) asks for."""

    title: Title
    incident_date: OptionalDate = None
    severity: Severity = Severity.sev3
    template: str = DEFAULT_TEMPLATE
    facilitator_name: DisplayName
    review_type: ReviewType = ReviewType.incident
    # Asked instead of the incident date when the review type has a period.
    period_start: OptionalDate = None
    period_end: OptionalDate = None
    # The steps the board is made with, when they come with it (a backup's
    # copy); otherwise the template's steps as they are now are copied.
    template_copy: Template | None = None

    @model_validator(mode="after")
    def _template_known(self) -> "BoardDraft":
        check_template_choice(self.template, self.template_copy)
        return self

    @model_validator(mode="before")
    @classmethod
    def _template_fits_the_review(cls, data):
        # Left unsaid, the template is the one that fits the review type, and
        # a review over a period has no severity (it rates an incident).
        if not isinstance(data, dict):
            return data
        try:
            kind = ReviewType(data.get("review_type") or ReviewType.incident)
        except ValueError:
            return data  # the review type's own validation names the problem
        if not data.get("template"):
            data = {**data, "template": kind.template}
        if kind.has_period and not data.get("severity"):
            data = {**data, "severity": Severity.none}
        return data


class BoardDetails(BaseModel):
    """The summary step: what happened, the impact, dates, severity and roles."""

    title: Title
    summary: LongText = ""
    impact: LongText = ""
    incident_date: OptionalDate = None
    review_date: OptionalDate = None
    severity: Severity = Severity.sev3
    roles: Roles = Roles()
    other_participants: LongText = ""
    # The zone times are entered and shown in unless a viewer picks another.
    timezone: str = "UTC"
    review_type: ReviewType = ReviewType.incident
    intake: Intake = Intake()
    # Everyone invited to the review, one per line: "Name" or "Name <address>".
    invitees: LongText = ""
    tracker_url: WebAddress = ""
    labels: list[Label] = []

    @field_validator("labels", mode="before")
    @classmethod
    def _comma_separated(cls, value):
        # The Summary page takes labels as one line: "sev1, database, q3".
        if isinstance(value, str):
            return [part.strip() for part in value.split(",") if part.strip()]
        return value

    @field_validator("labels")
    @classmethod
    def _distinct_labels(cls, labels: list[str]) -> list[str]:
        return list(dict.fromkeys(labels))

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, name: str) -> str:
        resolve_zone(name)
        return name


class PublishedFigure(BaseModel):
    """A number the organisation itself published about the incident."""

    name: str
    value: str
    qualifier: str = ""
    measures: str = ""


class IncidentSource(BaseModel):
    """Where an imported incident was published, and the figures it gave."""

    organisation: str = ""
    url: WebAddress = ""
    figures: list[PublishedFigure] = []

    @property
    def is_empty(self) -> bool:
        """True for a board that was not imported from a published incident."""
        return not (self.organisation or self.url or self.figures)


class Board(BoardDetails):
    id: str
    template: str
    source: IncidentSource = IncidentSource()
    created_at: datetime
    revision: int
    details_version: int
    phase: Phase = Phase.write
    vote_budget: int = 5
    vote_max_per_item: int = 3
    votes_revealed: bool = False
    show_authors: bool = False
    timer_started_at: datetime | None = None
    timer_ends_at: datetime | None = None
    focus_item: str | None = None
    # Where the facilitator brought everyone (a place of the board's layout),
    # and how many times they have done so.
    lead_target: str | None = None
    lead_count: int = 0
    # Who besides the facilitator may edit the summary: participant ids, or
    # None for everyone on the board.
    summary_editors: frozenset[str] | None = None
    # Why it was closed with draft actions left (empty otherwise).
    close_reason: str = ""
    # Two dates that must not be confused: `review_date` (from BoardDetails)
    # is the review meeting's day, the one the invite books; `follow_up_date`
    # is when the team looks again at whether the actions worked, the one the
    # brief and the rubric ask for. Kept with the dissemination plan.
    follow_up_date: date | None = None
    # The recurring Impact & Learnings review the board proposes, if any.
    impact_review: Cadence | None = None
    impact_review_start: date | None = None
    # Recorded by the facilitator at close: "What would make our next
    # postmortem better?" The practice reviews its own process regularly;
    # the learnings review gathers these across boards.
    process_review: str = ""

    # The steps the board was made with. Boards made before boards kept a
    # copy have none, and follow the template's current file.
    template_copy: Template | None = None

    @property
    def template_model(self) -> Template:
        """The board's steps: its own copy, or else the template of its slug."""
        return self.template_copy or get_template(self.template)

    @property
    def asks_customer_impact(self) -> bool:
        """Customer impact is an incident's question; another review (an OKR
        period, a pre-mortem) shows it only once someone wrote one."""
        return self.review_type is ReviewType.incident or bool(self.impact.strip())


AUDIENCE_MAX_CHARS = 80
Audience = RequiredLine("An audience", AUDIENCE_MAX_CHARS)
Channel = RequiredLine("A channel", AUDIENCE_MAX_CHARS)


class DisseminationDraft(BaseModel):
    """One line of the dissemination plan: who hears of the review, where,
    when and through whom."""

    audience: Audience
    channel: Channel
    day: OptionalDate = None
    owner: OptionalName = ""


class DisseminationEntry(DisseminationDraft):
    id: str
    board_id: str
    position: int = 0


class DisseminationPlan(BaseModel):
    """What the dissemination form saves at once: the follow-up review date,
    the proposed recurring review and the plan's lines, in order."""

    follow_up_date: OptionalDate = None
    impact_review: Cadence | None = None
    impact_review_start: OptionalDate = None
    entries: list[DisseminationDraft] = []

    @model_validator(mode="after")
    def _recurring_review_has_a_start(self) -> "DisseminationPlan":
        if self.impact_review is not None and self.impact_review_start is None:
            raise ValueError("a recurring review needs the day of its first meeting.")
        return self


class Participant(BaseModel):
    id: str
    board_id: str
    display_name: str
    joined_at: datetime
    last_seen_at: datetime


class NoteDraft(BaseModel):
    text: NoteText
    colour: NoteColour = NoteColour.yellow


class Note(BaseModel):
    id: str
    board_id: str
    step_key: str
    text: str
    colour: NoteColour
    # Kept for the facilitator's eyes and for undo; never shown by default.
    author_id: str | None
    created_at: datetime
    updated_at: datetime
    deleted_at: datetime | None = None
    version: int = 1
    cluster_id: str | None = None
    event_id: str | None = None
    position: int = 0
    # Per-board running number: what people say aloud ("note 12").
    number: int = 0
    # Contributing factors only: where the factor lives (people, process, ...).
    category: FactorCategory | None = None
    # A belief still to be checked, told apart from established facts.
    is_assumption: bool = False

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None

    @property
    def is_open_question(self) -> bool:
        """A note that asks rather than tells: it ends in a question mark."""
        return self.text.rstrip().endswith("?")


CLUSTER_NAME_MAX_CHARS = 60
ClusterName = RequiredLine("A cluster name", CLUSTER_NAME_MAX_CHARS)


_NAME_CHECKS = {"display name": TypeAdapter(DisplayName), "cluster name": TypeAdapter(ClusterName)}


def checked_name(kind: str, value: str) -> str:
    """A display name or cluster name (`kind`) as it is stored; raises
    TextRefused with the rule's message. For writes that take a bare string."""
    try:
        return _NAME_CHECKS[kind].validate_python(value)
    except ValidationError as error:
        detail = error.errors()[0]
        raise TextRefused(str(detail.get("ctx", {}).get("error", detail["msg"]))) from None


class Cluster(BaseModel):
    """A named group of notes within one step, made by dragging in the Group phase."""

    id: str
    board_id: str
    step_key: str
    name: str
    position: int = 0
    created_at: datetime
    deleted_at: datetime | None = None
    # Contributing factors only: where the factor lives (people, process, ...).
    category: FactorCategory | None = None


class BoardSummary(BaseModel):
    """A row of the home page's board list."""

    id: str
    title: str
    incident_date: date | None
    severity: Severity
    template: str
    created_at: datetime
    note_count: int
    participant_count: int
    review_type: ReviewType = ReviewType.incident


GROUND_RULES = (
    "Address behaviour and systems, never label people.",
    "No “could have / should have”: propose what we do next time.",
    "Say thanks to the people who helped.",
    "Fix systems, not people.",
    "Be direct and kind.",
    "No ego: look for the right answer together.",
    "Bring a proposal, not only a problem.",
)
