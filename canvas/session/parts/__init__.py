"""The meeting's parts on the live board, beside the note columns: the
summary card, the timeline lane, the contributing factors, the learnings and
decisions, the actions and the kill criteria.

Each part is one module with the same two things:

- `build(seen)`: the part's JSON for the board, made from the snapshot as
  `visible_snapshot` cut it for the audience, so a part never carries what
  that audience may not see (another person's note while writing);
- `INTENTS`: the intents that change it, typed as every intent is
  (canvas.session.intent_fields), carried out by web.parts.

`layout` puts the parts in the template's order around the columns.
"""

from __future__ import annotations

from canvas.session.parts import (
    actions, factors, jira, kill_criteria, learnings, similar, suggestions, summary, timeline,
)
from canvas.snapshot import BoardSnapshot
from canvas.templates import StepKind, Template

PARTS = {
    "summary": summary, "timeline": timeline, "factors": factors,
    "learnings": learnings, "actions": actions, "kill_criteria": kill_criteria, "jira": jira,
    "suggestions": suggestions, "similar": similar,
}
COLUMNS = "columns"
KILL_CRITERIA_STEP = "kill-criteria"
# What a person reads in the board's navigation and a follow request names.
TITLES = {
    "summary": "Summary", "timeline": "Timeline", COLUMNS: "Notes", "factors": "Factors",
    "learnings": "Learnings", "actions": "Actions", "kill_criteria": "Kill criteria", "jira": "Jira",
    "suggestions": "Suggested groups", "similar": "Alike notes",
}
# Parts that belong to the columns (drawn right above them, and only while
# notes are grouped): no place of their own to go to.
WITH_COLUMNS = ("suggestions", "similar")
PART_INTENT_TYPES: tuple[type, ...] = tuple(kind for part in PARTS.values() for kind in part.INTENTS)


def layout(template: Template) -> list[str]:
    """The board's parts from top to bottom, in the template's order: its
    summary and timeline steps where they stand, the note columns at the
    first note step (the factors right after them when a column holds the
    contributing factors; the grouping suggestions and the alike notes right
    before them), then learnings and actions, and kill criteria
    where the template asks for them: on an incident (a template with a
    timeline), or with a kill-criteria step (an OKR or project review, a
    pre-mortem), whose column collects ideas while the part holds the
    criteria committed to. A board of Jira cards (a refinement or planning
    meeting) shows its cards, its questions and its actions."""
    if template.jira is not None:
        return ["jira", COLUMNS, "actions"]
    order: list[str] = []
    for step in template.steps:
        if step.kind == StepKind.summary and "summary" not in order:
            order.append("summary")
        elif step.kind == StepKind.timeline and "timeline" not in order:
            order.append("timeline")
        elif step.holds_notes and COLUMNS not in order:
            order.append(COLUMNS)
    if COLUMNS in order:
        at = order.index(COLUMNS)
        order[at:at] = list(WITH_COLUMNS)
    if any(step.is_factor_step for step in template.steps):
        order.insert(order.index(COLUMNS) + 1 if COLUMNS in order else len(order), "factors")
    order += ["learnings", "actions"]
    if "timeline" in order or template.step(KILL_CRITERIA_STEP) is not None:
        order.append("kill_criteria")
    return order


def places(template: Template) -> list[dict]:
    """Where a person can go on the board, top to bottom, and where the
    facilitator can bring everyone: each part, and each note column in place
    of the columns. A key is what the canvas marks the place with
    (`part:timeline`, `column:detect`)."""
    found: list[dict] = []
    for key in layout(template):
        if key in WITH_COLUMNS:
            continue
        if key == COLUMNS:
            found += [{"key": f"column:{step.key}", "title": step.title} for step in template.note_steps]
        else:
            found.append({"key": f"part:{key}", "title": TITLES[key]})
    return found


def parts_view(seen: BoardSnapshot, order: list[str]) -> dict[str, dict]:
    """Each part of `order` (but the columns) as the board draws it."""
    return {key: PARTS[key].build(seen) for key in order if key in PARTS}
