"""Board templates, kept as data: one TOML file per template.

Shipped templates live in `templates/` beside this module. A team keeps its
own in a folder of its own (`team_folder`), edited on the Templates page and
proposed like code: each is a TOML file in the same format, listed after the
shipped ones. A bad file there is reported (`team_problems`), never fatal.

Adding a template means adding a file; no page code changes, because pages are
built from a template's steps and each step's kind. A board keeps a copy of
the steps it was made with, so changing or removing a file later leaves
existing boards as they were.
"""

from __future__ import annotations

import logging
import os
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from enum import Enum
from functools import cache, lru_cache
from importlib import resources
from pathlib import Path
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, Field, ValidationError, model_validator

from canvas.errors import TemplateInvalid, UnknownTemplate, describe_validation_error
from canvas.text import OptionalText, RequiredLine, RequiredText
from canvas.validation import entry_rule

DEFAULT_TEMPLATE = "blameless"
RESERVED_STEP_KEYS = frozenset({"home", "facilitate", "check", "export", "all-actions", "learned",
                                "learnings-review", "templates", "patterns-across-boards"})
# Where a team keeps its own templates; by default `templates/` beside the
# SQLite database (the app's data folder), or ./data/templates when the
# database is PostgreSQL.
TEMPLATES_DIR_ENV = "POSTMORTEM_CANVAS_TEMPLATES_DIR"
_DB_ENV = "POSTMORTEM_CANVAS_DB"
_DEFAULT_DATA_DIR = Path("data")

TEMPLATE_NAME_MAX_CHARS = 60
DESCRIPTION_MAX_CHARS = 300
STEP_TITLE_MAX_CHARS = 40
PROMPT_MAX_CHARS = 500
FOLLOW_UP_MAX_CHARS = 200
FOLLOW_UPS_MAX = 10
STEPS_MAX = 20
# A step's key is its page's URL path; a template's slug names its file.
_KEY = re.compile(r"[a-z][a-z0-9-]{1,30}\Z")
_SLUG = re.compile(r"[a-z][a-z0-9-]{0,40}\Z")
# Template text is shown as Markdown in the sidebar, on step pages and in
# every export: an HTML tag or a link there would be a way to put active
# content in front of everyone who opens a board made from it.
_MARKUP = re.compile(r"<[a-zA-Z/!?]|\]\(|javascript:", re.IGNORECASE)

_log = logging.getLogger("postmortem_canvas")


def _plain(label: str):
    def check(value: str) -> str:
        if _MARKUP.search(value):
            raise ValueError(f"{label} may not hold markup (HTML tags or links); write plain text.")
        return value
    return entry_rule(check)


def _key_rule(value: str) -> str:
    if not _KEY.match(value):
        raise ValueError(f"The step key {value!r} must be 2 to 31 lowercase letters, digits or "
                         "hyphens, starting with a letter.")
    return value


def _slug_rule(value: str) -> str:
    if not _SLUG.match(value):
        raise ValueError(f"The template key {value!r} must be 1 to 41 lowercase letters, digits "
                         "or hyphens, starting with a letter.")
    return value


StepKey = Annotated[str, AfterValidator(_key_rule)]
TemplateKey = Annotated[str, AfterValidator(_slug_rule)]
StepTitle = Annotated[RequiredLine("A step title", STEP_TITLE_MAX_CHARS), _plain("A step title")]
Prompt = Annotated[RequiredText("A prompt", PROMPT_MAX_CHARS), _plain("A prompt")]
FollowUp = Annotated[RequiredLine("A follow-up question", FOLLOW_UP_MAX_CHARS),
                     _plain("A follow-up question")]
TemplateName = Annotated[RequiredLine("A template name", TEMPLATE_NAME_MAX_CHARS),
                         _plain("A template name")]
Description = Annotated[OptionalText(DESCRIPTION_MAX_CHARS), _plain("A description")]


# A role preset's label ("SAL", "Technical Account Manager"), and how many a template offers.
ROLE_LABEL_MAX = 40
ROLE_PRESETS_MAX = 12


class StepKind(str, Enum):
    """What a step holds, and so which page shows it."""

    summary = "summary"  # free-text summary, impact, dates, roles
    notes = "notes"  # a column of sticky notes
    timeline = "timeline"  # timed events of the incident
    actions = "actions"  # owned, dated follow-ups
    jira_cards = "jira_cards"  # Jira issues as cards: backlog refinement or sprint planning


# "Other areas of risk" on the blameless postmortem; a pre-mortem's stories
# of how the work failed are its risks.
RISK_STEP_KEYS = frozenset({"other-risks", "how-it-failed"})


ActionType = Literal["detect", "react", "prevent", "process", "other"]
ACTION_TYPES: tuple[str, ...] = ("detect", "react", "prevent", "process", "other")


class Step(BaseModel):
    key: StepKey
    title: StepTitle
    kind: StepKind
    prompt: Prompt
    # What an imported incident file drops into this step
    # ("contributing_factors", "actions").
    receives: list[str] = []
    # The type an action made from this step's items gets (detect, react,
    # prevent, process, other); see canvas/actions.py.
    action_type: ActionType = "other"
    # Questions a facilitator can ask to deepen the step, shown on demand.
    follow_ups: list[FollowUp] = Field([], max_length=FOLLOW_UPS_MAX)

    @property
    def names_as_subjects(self) -> bool:
        """In the steps about what we do next, a colleague's name as the subject
        of a sentence is a pointed finger ("Sam didn't check")."""
        return self.action_type in ("detect", "react", "prevent")

    @property
    def is_risk_step(self) -> bool:
        """The "other areas of risk" step ("mice, not a mouse"): where the same
        weakness lives elsewhere. By key, or by a title that says risk, so a
        custom template's own risk column counts too."""
        return self.key in RISK_STEP_KEYS or "risk" in self.title.lower()

    @property
    def is_factor_step(self) -> bool:
        """The contributing-factors step: its notes and clusters carry a
        category and may get a 5 Whys chain."""
        return self.key == "contributing-factors"

    @property
    def holds_notes(self) -> bool:
        """Steps whose page is a column of sticky notes (actions are proposed as notes)."""
        return self.kind in (StepKind.notes, StepKind.actions)


class RolePreset(BaseModel):
    """A role a template offers where the board's roles are entered, beside
    the ones every board has (the GitLab agenda's engagement roles: SAL, TAM,
    IE, manager). Data in the template's TOML, so a team's own template can
    offer its own."""

    label: str = Field(min_length=1, max_length=ROLE_LABEL_MAX)
    help: str = ""


class Template(BaseModel):
    slug: TemplateKey
    name: TemplateName
    description: Description = ""
    order: int = 100
    steps: list[Step] = Field(min_length=1, max_length=STEPS_MAX)
    # A board of Jira cards: which meeting it runs (canvas/jira_board.py).
    jira: Literal["refinement", "planning"] | None = None
    roles: list[RolePreset] = Field(default_factory=list, max_length=ROLE_PRESETS_MAX)

    @model_validator(mode="after")
    def _step_keys_are_unique(self) -> "Template":
        keys = [step.key for step in self.steps]
        if repeated := sorted({key for key in keys if keys.count(key) > 1}):
            raise ValueError(f"template {self.slug!r} repeats a step key: two steps use the key "
                             f"{repeated[0]!r}; each step needs its own key.")
        # A step's key is its page's URL path, beside the board's other pages.
        if taken := RESERVED_STEP_KEYS.intersection(keys):
            raise ValueError(f"template {self.slug!r} uses reserved step keys {sorted(taken)}: "
                             "those names belong to the board's own pages.")
        if not any(step.holds_notes for step in self.steps):
            raise ValueError("A template needs at least one step of sticky notes or actions.")
        holds_cards = any(step.kind == StepKind.jira_cards for step in self.steps)
        if holds_cards != (self.jira is not None):
            raise ValueError(f"template {self.slug!r}: a jira_cards step and `jira` go together")
        labels = [role.label.casefold() for role in self.roles]
        if len(labels) != len(set(labels)):
            raise ValueError(f"template {self.slug!r} offers a role twice")
        return self

    @property
    def note_steps(self) -> list[Step]:
        """The steps that show as sticky-note columns, in board order."""
        return [step for step in self.steps if step.holds_notes]

    def step(self, key: str) -> Step | None:
        """The step with this key, or None."""
        return next((step for step in self.steps if step.key == key), None)

    def holds_notes(self, key: str) -> bool:
        """Whether the step with this key exists and is a column of sticky
        notes: where a note may be written, dropped or moved to."""
        step = self.step(key)
        return step is not None and step.holds_notes

    def step_receiving(self, what: str) -> Step | None:
        """The first step that receives this kind of imported content."""
        return next((step for step in self.steps if what in step.receives), None)


@cache
def shipped_templates() -> dict[str, Template]:
    """Every template that ships with the app, by slug, in display order."""
    folder = resources.files("canvas") / "templates"
    found = []
    for entry in folder.iterdir():
        if entry.name.endswith(".toml"):
            found.append(Template.model_validate(tomllib.loads(entry.read_text("utf-8"))))
    found.sort(key=lambda template: (template.order, template.name))
    return {template.slug: template for template in found}


def team_folder(environ: Mapping[str, str] | None = None) -> Path:
    """The folder of the team's own templates: $POSTMORTEM_CANVAS_TEMPLATES_DIR,
    else `templates/` beside the SQLite database, else ./data/templates."""
    environ = os.environ if environ is None else environ
    if chosen := environ.get(TEMPLATES_DIR_ENV, "").strip():
        return Path(chosen)
    database = environ.get(_DB_ENV, "").strip()
    if database and "://" not in database:
        return Path(database).parent / "templates"
    return _DEFAULT_DATA_DIR / "templates"


@dataclass(frozen=True)
class TeamTemplates:
    """What the team folder holds: the templates that passed the rules, by
    slug, and one sentence for each file that did not."""

    templates: dict[str, Template]
    problems: tuple[str, ...]


def read_template(text: str) -> Template:
    """A template from the text of a TOML file; raises TemplateInvalid with
    one sentence naming the first problem."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise TemplateInvalid(f"It is not valid TOML ({error}).") from None
    except UnicodeError:
        raise TemplateInvalid("It is not readable text.") from None
    try:
        return Template.model_validate(data)
    except ValidationError as error:
        raise TemplateInvalid(describe_template_error(error)) from None


def describe_template_error(error: ValidationError) -> str:
    """The first problem of a template, as one sentence that names the step
    it is in ("Step 3: A prompt cannot be empty.")."""
    reason = describe_validation_error(error, limit=1, places=False)
    location = error.errors()[0]["loc"]
    if len(location) >= 2 and location[0] == "steps" and isinstance(location[1], int):
        return f"Step {location[1] + 1}: {reason}"
    return reason


def team_templates(folder: Path | None = None) -> TeamTemplates:
    """The team folder's templates and problems, read again only when a file
    in it was added, removed or changed."""
    folder = team_folder() if folder is None else folder
    return _read_team(folder, _signature(folder))


def _signature(folder: Path) -> tuple:
    try:
        with os.scandir(folder) as entries:
            return tuple(sorted((entry.name, entry.stat().st_mtime_ns, entry.stat().st_size)
                                for entry in entries
                                if entry.name.endswith(".toml") and entry.is_file()))
    except (FileNotFoundError, NotADirectoryError):
        return ()
    except OSError as error:
        return (("", str(error), 0),)


@lru_cache(maxsize=8)
def _read_team(folder: Path, signature: tuple) -> TeamTemplates:
    shipped = shipped_templates()
    found: list[Template] = []
    problems: list[str] = []
    for name, *_ in signature:
        if not name:
            problems.append(f"The team templates folder cannot be read ({signature[0][1]}).")
            continue
        try:
            template = read_template((folder / name).read_text("utf-8"))
        except TemplateInvalid as error:
            problems.append(f"{name}: {error}")
            continue
        except (OSError, UnicodeError) as error:
            problems.append(f"{name}: it cannot be read ({error.__class__.__name__}).")
            continue
        if template.slug in shipped:
            problems.append(f"{name}: the key {template.slug!r} is a shipped template's; "
                            "give the team's copy a key of its own.")
        elif any(template.slug == other.slug for other in found):
            problems.append(f"{name}: another file already uses the key {template.slug!r}.")
        else:
            found.append(template)
    for problem in problems:
        _log.warning("team template skipped: %s", problem)
    found.sort(key=lambda template: (template.order, template.name))
    return TeamTemplates({template.slug: template for template in found}, tuple(problems))


def all_templates() -> dict[str, Template]:
    """Every template by slug: the shipped ones in display order, then the
    team's own."""
    return {**shipped_templates(), **team_templates().templates}


def team_problems() -> tuple[str, ...]:
    """One sentence for each file of the team folder that was left out."""
    return team_templates().problems


def is_shipped(slug: str) -> bool:
    """Whether this template ships with the app (rather than being the team's)."""
    return slug in shipped_templates()


def get_template(slug: str) -> Template:
    """The template with this slug; raises UnknownTemplate."""
    try:
        return all_templates()[slug]
    except KeyError:
        raise UnknownTemplate(slug) from None


def save_team_template(template: Template, folder: Path | None = None) -> Path:
    """Write the template into the team folder as `<slug>.toml` and return its
    path; raises TemplateInvalid for a shipped template's slug. Written to a
    temporary file and renamed, so a reader never sees half a file."""
    if is_shipped(template.slug):
        raise TemplateInvalid(f"The key {template.slug!r} is a shipped template's; give the "
                              "team's copy a key of its own.")
    folder = team_folder() if folder is None else folder
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{template.slug}.toml"
    partial = folder / f".{template.slug}.toml.partial"
    partial.write_text(template_toml(template), encoding="utf-8")
    os.replace(partial, path)
    return path


# --- writing TOML ------------------------------------------------------------------

# TOML basic strings: a backslash, a quote and every control character must
# be escaped (toml.io/en/v1.0.0#string); everything else is written as is.
_SHORT_ESCAPES = {"\\": "\\\\", '"': '\\"', "\b": "\\b", "\t": "\\t", "\n": "\\n",
                  "\f": "\\f", "\r": "\\r"}


def _toml_string(value: str) -> str:
    out = []
    for char in value:
        if char in _SHORT_ESCAPES:
            out.append(_SHORT_ESCAPES[char])
        elif ord(char) < 0x20 or ord(char) == 0x7F:
            out.append(f"\\u{ord(char):04X}")
        else:
            out.append(char)
    return '"' + "".join(out) + '"'


def _toml_list(values: list[str]) -> str:
    return "[" + ", ".join(_toml_string(value) for value in values) + "]"


def template_toml(template: Template) -> str:
    """The template as a TOML file in the shipped templates' format, which
    `read_template` reads back as an equal template."""
    lines = [f"slug = {_toml_string(template.slug)}",
             f"name = {_toml_string(template.name)}",
             f"description = {_toml_string(template.description)}",
             f"order = {template.order}"]
    if template.jira is not None:
        lines.append(f"jira = {_toml_string(template.jira)}")
    for role in template.roles:
        lines += ["", "[[roles]]", f"label = {_toml_string(role.label)}"]
        if role.help:
            lines.append(f"help = {_toml_string(role.help)}")
    for step in template.steps:
        lines += ["", "[[steps]]",
                  f"key = {_toml_string(step.key)}",
                  f"title = {_toml_string(step.title)}",
                  f"kind = {_toml_string(step.kind.value)}",
                  f"prompt = {_toml_string(step.prompt)}",
                  f"action_type = {_toml_string(step.action_type)}"]
        if step.follow_ups:
            lines.append(f"follow_ups = {_toml_list(step.follow_ups)}")
        if step.receives:
            lines.append(f"receives = {_toml_list(step.receives)}")
    return "\n".join(lines) + "\n"
