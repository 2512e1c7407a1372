"""Turning an incident file or a backup into the content of a new board (pure planning)."""

from __future__ import annotations

import json

from pydantic import BaseModel, ValidationError

from canvas.actions import ACTION_TITLE_MAX, ActionDraft
from canvas.backup import parse_backup
from canvas.models import BoardDetails, BoardDraft, NoteDraft, Severity
from canvas.templates import Template
from canvas.timeline import (
    IncidentFile, IncidentFileInvalid, TimelineEvent, describe_validation_error, parse_incident_file,
)

IMPORTED_BY = "Imported"


class PlannedNote(BaseModel):
    step_key: str
    draft: NoteDraft


class BoardImport(BaseModel):
    """Everything a new board gets from an import, written in one transaction."""

    draft: BoardDraft
    details: BoardDetails
    notes: list[PlannedNote]
    events: list[TimelineEvent]
    actions: list[ActionDraft] = []


def plan_incident_import(
    incident: IncidentFile, template: Template, severity: Severity = Severity.sev2
) -> BoardImport:
    """Map an incident file onto a template's steps.

    Contributing factors become notes in the step that declares it receives
    them (`receives` in the template file); published actions become draft
    actions (no owner or date: the team still has to commit to them); the
    summary and the events fill the summary and the timeline.
    """
    try:
        return _planned(incident, template, severity)
    except ValidationError as error:
        # The file's fields passed, the board's own limits did not.
        raise IncidentFileInvalid(describe_validation_error(error)) from error


def _planned(incident: IncidentFile, template: Template, severity: Severity) -> BoardImport:
    first_day = min((event.at for event in incident.events), default=None)
    draft = BoardDraft(
        title=incident.title[:120],
        incident_date=first_day.date() if first_day else None,
        severity=severity,
        template=template.slug,
        facilitator_name=IMPORTED_BY,
    )
    details = BoardDetails(
        title=draft.title,
        summary=incident.summary,
        incident_date=draft.incident_date,
        severity=draft.severity,
    )
    planned: list[PlannedNote] = []
    step = template.step_receiving("contributing_factors")
    if step is not None:
        planned = [PlannedNote(step_key=step.key, draft=NoteDraft(text=text))
                   for text in incident.contributing_factors]
    actions = [ActionDraft(title=_one_line(text)) for text in incident.actions_published]
    return BoardImport(draft=draft, details=details, notes=planned, events=incident.events,
                       actions=actions)


def _one_line(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= ACTION_TITLE_MAX else text[: ACTION_TITLE_MAX - 1] + "…"


def read_board_file(text: str, template: Template, severity: Severity = Severity.sev2):
    """A file that makes a new board: a backup (it names its format) or an
    incident file. Returns a BackupPlan or a BoardImport; raises
    BackupInvalid or IncidentFileInvalid naming the problem."""
    if _claims_a_format(text):
        return parse_backup(text)
    return plan_incident_import(parse_incident_file(text), template, severity)


def _claims_a_format(text: str) -> bool:
    """A backup names its format; an incident file has no "format" key."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError:
        return False
    return isinstance(data, dict) and "format" in data
