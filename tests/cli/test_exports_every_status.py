"""`postmortem-canvas export` in every format on a board holding an action in
every status, parked included: each one exits 0 and writes its file."""

from datetime import date

import pytest

from canvas.actions import ActionDraft, Status
from canvas.models import BoardDetails, DisseminationPlan
from postmortem_canvas import FORMATS, main
from storage import actions, boards, dissemination
from storage.db import connect
from tests.cli.test_exports import CLOUDFLARE


def title_of(status: Status) -> str:
    return f"Action in status {status.value}"


@pytest.fixture(scope="module")
def every_status_board(tmp_path_factory):
    """(database, board id): an imported incident with a review date and one
    owned, dated action per status."""
    db_path = tmp_path_factory.mktemp("every-status") / "cli.db"
    assert main(["import", str(CLOUDFLARE), "--db", str(db_path)]) == 0
    with connect(db_path) as db:
        [summary] = boards.list_boards(db)
        board = boards.get_board(db, summary.id)
        details = BoardDetails.model_validate({**board.model_dump(), "review_date": "2030-01-10"})
        boards.update_details(db, board.id, details, board.details_version)
        dissemination.save_dissemination_plan(db, board.id, DisseminationPlan(
            impact_review="weekly", impact_review_start=date(2030, 1, 14)))
        for status in Status:
            actions.add_action(db, board.id, ActionDraft(
                title=title_of(status), owner="Kim", due_date=date(2030, 1, 31),
                review_date=date(2030, 2, 28), status=status,
                status_reason="Not worth it now" if status == Status.wont_do else ""))
    return db_path, board.id


@pytest.mark.parametrize("name", sorted(FORMATS))
def test_every_format_exports_a_board_holding_every_status(every_status_board, tmp_path,
                                                           capsys, name):
    db_path, board_id = every_status_board
    target = tmp_path / f"board.{name}"

    status = main(["export", board_id, "--format", name, "--output", str(target),
                   "--db", str(db_path)])

    _, err = capsys.readouterr()
    assert status == 0, err
    assert "Traceback" not in err
    data = target.read_bytes()
    assert len(data) > 100
    if name == "png":
        assert data.startswith(b"\x89PNG\r\n\x1a\n")
    elif name in ("md", "pack", "json", "csv"):
        text = data.decode("utf-8")
        assert all(title_of(status) in text for status in Status), name
