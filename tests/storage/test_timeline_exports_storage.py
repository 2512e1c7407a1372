"""Events confirmed from a chat or pager export's preview, on both databases:
they land in one transaction with their evidence links and microsecond times,
and a second import of the same export starts with all of them unticked."""

from pathlib import Path

import pytest

from canvas.models import BoardDraft
from canvas.incident.exports import read_export
from canvas.incident.timeline_import import chosen_events, export_preview
from storage import boards, events

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "imports"
SLACK = FIXTURES / "slack" / "export"


@pytest.fixture
def board(db):
    return boards.create_board(db, BoardDraft(title="Checkout errors", facilitator_name="Fran"))


def slack_export():
    files = {path.relative_to(SLACK).as_posix(): path.read_bytes() for path in SLACK.rglob("*.json")}
    return read_export(files, hide_names=True, slack_channel="incident-checkout", slack_workspace="acme")


def test_confirmed_slack_messages_land_with_their_permalinks_and_exact_times(db, board):
    export = slack_export()
    result, rows = export_preview(export, events.list_events(db, board.id), "UTC")
    chosen = chosen_events(result, rows, None)
    before = boards.board_revision(db, board.id)

    assert events.add_events(db, board.id, chosen) == 7

    stored = events.list_events(db, board.id)
    assert [(event.at, event.text, event.evidence_url) for event in stored] == [
        (event.at, event.text, event.evidence_url) for event in chosen]
    assert stored[1].evidence_url == "https://acme.slack.com/archives/C0INC4812/p1562075050000300"
    assert stored[1].at.microsecond == 300
    assert boards.board_revision(db, board.id) == before + 1

    _, again = export_preview(slack_export(), stored, "UTC")
    assert not any(row["Add"] for row in again)
    assert sum(row["Note"].startswith("already on the timeline") for row in again) == 7
