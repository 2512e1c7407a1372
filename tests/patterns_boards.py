"""Boards made from the published incidents of shared/incidents/, with
labels and severities, for the tests of the Patterns figures."""

import os
from pathlib import Path

from canvas.exports.importing import plan_incident_import
from canvas.incident.timeline import parse_incident_file
from canvas.models import BoardDetails, Severity
from canvas.templates import DEFAULT_TEMPLATE, get_template
from storage import boards
from storage.db import Database
from storage.restore import import_board

INCIDENTS = Path(os.environ.get("POSTMORTEM_INCIDENTS_DIR",
                                Path(__file__).resolve().parents[2] / "shared" / "incidents"))

# slug -> (severity, labels). "cdn" and "database" recur; "storage" does not.
PLANTED = {
    "cloudflare-2019-07-02": (Severity.sev1, ["cdn", "waf"]),
    "github-2018-10-21": (Severity.sev2, ["database"]),
    "gitlab-2017-01-31": (Severity.sev2, ["Database"]),
    "aws-s3-2017-02-28": (Severity.sev2, ["storage"]),
    "cloudflare-2025-03-21": (Severity.sev2, ["cdn"]),
}
# Six contributing factors in each file but one, which has five.
FACTORS = {"cloudflare-2025-03-21": 5}


def import_incident(db: Database, slug: str) -> str:
    """The incident file as a new board (its timeline, factors and draft
    actions), with the severity and labels planted above; returns its id."""
    severity, labels = PLANTED[slug]
    incident = parse_incident_file((INCIDENTS / f"{slug}.json").read_text("utf-8"))
    board, _ = import_board(db, plan_incident_import(incident, get_template(DEFAULT_TEMPLATE), severity))
    details = BoardDetails.model_validate({**board.model_dump(), "labels": labels})
    boards.update_details(db, board.id, details, board.details_version)
    return board.id


def import_all(db: Database) -> dict[str, str]:
    """Every planted incident as a board: slug -> board id."""
    return {slug: import_incident(db, slug) for slug in PLANTED}
