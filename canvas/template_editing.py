"""Editing a copy of a template on the Templates page, as plain values: the
team's copy of a template, steps added, removed and moved, and the edited
fields checked into a Template (or one sentence saying what is wrong)."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from typing import Any, TypeVar

from pydantic import ValidationError

from canvas.errors import TemplateInvalid
from canvas.templates import (
    TEMPLATE_NAME_MAX_CHARS, Step, StepKind, Template, describe_template_error, is_shipped,
)

T = TypeVar("T")
TEAM_SUFFIX = "-team"


def team_copy(template: Template, taken: set[str]) -> Template:
    """A copy of `template` for the team to edit. A shipped template's copy
    gets a key and a name of its own (`blameless-team`, "… (team)"), since
    the team's file may not replace a shipped one; a team template is edited
    under its own key, so saving replaces its file."""
    if not is_shipped(template.slug):
        return template.model_copy(deep=True)
    base = template.slug[:41 - len(TEAM_SUFFIX) - 2] + TEAM_SUFFIX
    slug, number = base, 2
    while slug in taken:
        slug, number = f"{base}-{number}", number + 1
    suffix = " (team)"
    name = template.name[:TEMPLATE_NAME_MAX_CHARS - len(suffix)] + suffix
    return template.model_copy(update={"slug": slug, "name": name}, deep=True)


def new_step(taken_keys: Sequence[str]) -> Step:
    """A column of sticky notes to fill in, with a key no other step has."""
    number = len(taken_keys) + 1
    while f"step-{number}" in taken_keys:
        number += 1
    return Step(key=f"step-{number}", title="New step", kind=StepKind.notes,
                prompt="What do we want to hear from everyone here?")


def moved(items: Sequence[T], index: int, offset: int) -> list[T]:
    """`items` with the one at `index` moved by `offset` places (kept within
    the list): the up and down buttons."""
    result = list(items)
    target = min(max(index + offset, 0), len(result) - 1)
    result.insert(target, result.pop(index))
    return result


def step_labels(steps: Sequence[Mapping[str, Any]]) -> list[str]:
    """One label per step for the drag-and-drop list. The list knows items by
    their text, so each carries the step's key, which no other step has."""
    return [f"{step['title'] or 'Untitled'} · {step['key']}" for step in steps]


def sort_key(labels: Sequence[str]) -> str:
    """The drag-and-drop list's widget key. The list keeps the items it was
    first given while its key stays the same, so the key follows the labels
    and their order: a drop, a move or a rename shows a fresh list."""
    digest = hashlib.sha1("\n".join(labels).encode("utf-8")).hexdigest()[:10]
    return f"templates_sort_{digest}"


def reordered(items: Sequence[T], labels: Sequence[str], dropped: Sequence[str] | None) -> list[T]:
    """`items` (one per label) in the order of a drop; unchanged when the drop
    does not hold exactly the same labels (a list from before an edit)."""
    if dropped is None or sorted(dropped) != sorted(labels) or len(set(labels)) != len(labels):
        return list(items)
    place = {label: index for index, label in enumerate(labels)}
    return [items[place[label]] for label in dropped]


def follow_ups_from_text(text: str) -> list[str]:
    """Follow-up questions typed one per line; blank lines are dropped."""
    return [line.strip() for line in text.replace("\r\n", "\n").split("\n") if line.strip()]


def team_template(fields: Mapping[str, Any], steps: Sequence[Mapping[str, Any]]) -> Template:
    """The edited template, checked by the template rules; raises
    TemplateInvalid with one sentence ("Step 2: A prompt cannot be empty.")."""
    try:
        template = Template.model_validate({**fields, "steps": [
            {name: value for name, value in step.items() if name in Step.model_fields}
            for step in steps]})
    except ValidationError as error:
        raise TemplateInvalid(describe_template_error(error)) from None
    if is_shipped(template.slug):
        raise TemplateInvalid(f"The key {template.slug!r} is a shipped template's; give the "
                              "team's copy a key of its own.")
    return template
