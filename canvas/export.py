"""The board as a JSON document: what `postmortem-canvas export --format json` prints."""

from __future__ import annotations

from typing import Any

from canvas.models import Board, Note, Participant
from canvas.timeline import TimelineEvent, metrics_as_seconds

FORMAT = "postmortem-canvas/1"


def board_document(
    board: Board,
    participants: list[Participant],
    notes: list[Note],
    events: list[TimelineEvent],
) -> dict[str, Any]:
    """Everything on the board that its team may see, in template order.

    Authors are left out: notes are anonymous unless the facilitator says
    otherwise, and an export travels further than the meeting.
    """
    template = board.template_model
    by_step: dict[str, list[Note]] = {}
    for note in notes:
        by_step.setdefault(note.step_key, []).append(note)
    return {
        "format": FORMAT,
        "board": {
            "id": board.id,
            "title": board.title,
            "template": board.template,
            "severity": board.severity.value,
            "incident_date": _iso(board.incident_date),
            "review_date": _iso(board.review_date),
            "created_at": board.created_at.isoformat(),
            "summary": board.summary,
            "impact": board.impact,
            "roles": board.roles.model_dump(),
            "other_participants": board.other_participants,
            "revision": board.revision,
        },
        "participants": [person.display_name for person in participants],
        "steps": [
            {
                "key": step.key,
                "title": step.title,
                "kind": step.kind.value,
                "prompt": step.prompt,
                "notes": [
                    {"id": note.id, "text": note.text, "colour": note.colour.value,
                     "created_at": note.created_at.isoformat()}
                    for note in by_step.get(step.key, [])
                ],
            }
            for step in template.steps
        ],
        "events": [
            {"at": event.at.isoformat().replace("+00:00", "Z"), "kind": event.kind.value,
             "text": event.text, "evidence_url": event.evidence_url,
             "approximate": event.approximate}
            for event in events
        ],
        "metrics": metrics_as_seconds(events),
    }


def _iso(value) -> str | None:
    return None if value is None else value.isoformat()
