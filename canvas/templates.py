"""Board templates, kept as data: one TOML file per template in `templates/`.

Adding a template means adding a file; no page code changes, because pages are
built from a template's steps and each step's kind.
"""

from __future__ import annotations

import tomllib
from enum import Enum
from typing import Literal
from functools import cache
from importlib import resources

from pydantic import BaseModel, Field, model_validator

from canvas.errors import UnknownTemplate

DEFAULT_TEMPLATE = "blameless"
RESERVED_STEP_KEYS = frozenset({"home", "facilitate", "check", "export", "all-actions", "learned",
                                "learnings-review"})


# A role preset's label ("SAL", "Technical Account Manager"), and how many a template offers.
ROLE_LABEL_MAX = 40
ROLE_PRESETS_MAX = 12


class StepKind(str, Enum):
    """What a step holds, and so which page shows it."""

    summary = "summary"  # free-text summary, impact, dates, roles
    notes = "notes"  # a column of sticky notes
    timeline = "timeline"  # timed events of the incident
    actions = "actions"  # owned, dated follow-ups


RISK_STEP_KEYS = frozenset({"other-risks"})


class Step(BaseModel):
    key: str = Field(pattern=r"^[a-z][a-z0-9-]{1,30}$")
    title: str = Field(min_length=1, max_length=40)
    kind: StepKind
    prompt: str = Field(min_length=1)
    # What an imported incident file drops into this step
    # ("contributing_factors", "actions").
    receives: list[str] = []
    # The type an action made from this step's items gets (detect, react,
    # prevent, process, other); see canvas/actions.py.
    action_type: Literal["detect", "react", "prevent", "process", "other"] = "other"
    # Questions a facilitator can ask to deepen the step, shown on demand.
    follow_ups: list[str] = []

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
    slug: str
    name: str
    description: str
    order: int = 100
    steps: list[Step] = Field(min_length=1)
    roles: list[RolePreset] = Field(default_factory=list, max_length=ROLE_PRESETS_MAX)

    @model_validator(mode="after")
    def _step_keys_are_unique(self) -> "Template":
        keys = [step.key for step in self.steps]
        if len(keys) != len(set(keys)):
            raise ValueError(f"template {self.slug!r} repeats a step key")
        # A step's key is its page's URL path, beside the board's other pages.
        if taken := RESERVED_STEP_KEYS.intersection(keys):
            raise ValueError(f"template {self.slug!r} uses reserved step keys {sorted(taken)}")
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
def all_templates() -> dict[str, Template]:
    """Every shipped template by slug, in display order."""
    folder = resources.files("canvas") / "templates"
    found = []
    for entry in folder.iterdir():
        if entry.name.endswith(".toml"):
            found.append(Template.model_validate(tomllib.loads(entry.read_text("utf-8"))))
    found.sort(key=lambda template: (template.order, template.name))
    return {template.slug: template for template in found}


def get_template(slug: str) -> Template:
    """The template with this slug; raises UnknownTemplate."""
    try:
        return all_templates()[slug]
    except KeyError:
        raise UnknownTemplate(slug) from None
