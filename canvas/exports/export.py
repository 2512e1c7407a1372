"""The board as a JSON document: what `postmortem-canvas export --format json` prints.

It is the backup document (canvas/backup.py), so an export can be imported
again as a new board, plus the timeline's derived durations in seconds.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from canvas.exports.backup import backup_document
from canvas.snapshot import BoardSnapshot
from canvas.incident.timeline import metrics_as_seconds


def export_document(
    snapshot: BoardSnapshot, votes: Mapping[str, Mapping[str, int]] | None = None
) -> dict[str, Any]:
    """Everything on the board that a backup holds, and `metrics`: each
    duration in whole seconds (None when an anchor is missing).

    Authors are left out: notes are anonymous unless the facilitator says
    otherwise, and an export travels further than the meeting.
    """
    return {**backup_document(snapshot, votes), "metrics": metrics_as_seconds(snapshot.events)}
