"""Turning an incident file into the content of a new board (pure planning)."""

from __future__ import annotations

from pydantic import BaseModel

from canvas.models import BoardDetails, BoardDraft, NoteDraft, Severity
from canvas.templates import Template
from canvas.timeline import IncidentFile, TimelineEvent

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


def plan_incident_import(
    incident: IncidentFile, template: Template, severity: Severity = Severity.sev2
) -> BoardImport:
    """Map an incident file onto a template's steps.

    Contributing factors and published actions become notes in the steps that
    declare they receive them (`receives` in the template file); the summary
    and the events fill the summary and the timeline.
    """
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
    for what, texts in (("contributing_factors", incident.contributing_factors),
                        ("actions", incident.actions_published)):
        step = template.step_receiving(what)
        if step is None:
            continue
        planned += [PlannedNote(step_key=step.key, draft=NoteDraft(text=text)) for text in texts]
    return BoardImport(draft=draft, details=details, notes=planned, events=incident.events)
