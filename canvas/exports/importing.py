"""Turning an incident file or a backup into the content of a new board (pure planning)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from pydantic import BaseModel, ValidationError

from canvas.actions import ACTION_TITLE_MAX, ActionDraft
from canvas.exports.backup import parse_backup
from canvas.errors import describe_validation_error
from canvas.json_text import load_json
from canvas.models import (
    BoardDetails, BoardDraft, IncidentSource, Intake, NoteDraft, PublishedFigure, Severity,
)
from canvas.templates import Template
from canvas.incident.timeline import IncidentFile, IncidentFileInvalid, TimelineEvent, parse_incident_file

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
    source: IncidentSource = IncidentSource()


def incident_source(incident: IncidentFile) -> IncidentSource:
    """The incident's published source and figures, as a board keeps them.

    A figure's value is kept as published (a number or a phrase), with its
    qualifier ("about", "up to") apart, so a reader never takes an estimate
    for an exact count.
    """
    figures = [
        PublishedFigure(name=name, value=_figure_value(figure.get("value")),
                        qualifier=str(figure.get("qualifier") or ""),
                        measures=str(figure.get("measures") or ""))
        for name, figure in incident.published_figures.items() if isinstance(figure, dict)
    ]
    return IncidentSource(organisation=incident.organisation, url=incident.source_url,
                          figures=figures)


def _figure_value(value) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return "" if value is None else str(value)


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
    with _place("title"):
        draft = BoardDraft(
            title=incident.title[:120],
            incident_date=first_day.date() if first_day else None,
            severity=severity,
            template=template.slug,
            facilitator_name=IMPORTED_BY,
        )
    with _place("summary"):
        details = BoardDetails(
            title=draft.title,
            summary=incident.summary,
            incident_date=draft.incident_date,
            severity=draft.severity,
            # What the team has to go on from the start: the published account.
            intake=Intake(evidence=f"Published postmortem: {incident.source_url}"
                          if incident.source_url else ""),
        )
    planned: list[PlannedNote] = []
    step = template.step_receiving("contributing_factors")
    if step is not None:
        for index, text in enumerate(incident.contributing_factors):
            with _place(f"contributing_factors[{index}]"):
                planned.append(PlannedNote(step_key=step.key, draft=NoteDraft(text=text)))
    actions = []
    for index, text in enumerate(incident.actions_published):
        with _place(f"actions_published[{index}]"):
            actions.append(ActionDraft(title=_one_line(text)))
    with _place("source_url"):
        source = incident_source(incident)
    return BoardImport(draft=draft, details=details, notes=planned, events=incident.events,
                       actions=actions, source=source)


@contextmanager
def _place(place: str) -> Iterator[None]:
    """A field of the file that a board's own rules refuse, named as in the file."""
    try:
        yield
    except ValidationError as error:
        raise IncidentFileInvalid(
            f"{place}: {describe_validation_error(error, limit=1, places=False)}") from error


def _one_line(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= ACTION_TITLE_MAX else text[: ACTION_TITLE_MAX - 1] + "…"


def read_board_file(text: str, template: Template, severity: Severity = Severity.sev2):
    """A file that makes a new board: a backup (it names its format) or an
    incident file. Returns a BackupPlan or a BoardImport; raises
    BackupInvalid or IncidentFileInvalid naming the problem."""
    data = load_json(text, IncidentFileInvalid)
    # A backup names its format; an incident file has no "format" key.
    if isinstance(data, dict) and "format" in data:
        return parse_backup(text)
    return plan_incident_import(parse_incident_file(text), template, severity)
