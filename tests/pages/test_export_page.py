"""The Export page (AppTest): every download on a board holding an action in
every status, parked included."""

from datetime import date

from canvas.actions import ActionDraft, Status
from canvas.models import BoardDetails
from storage import actions, boards
from storage.db import connect
from tests.pages.conftest import create_board, page

DOWNLOADS = ["export_md", "export_external", "export_png", "export_json", "export_csv",
             "export_ics", "export_brief", "export_invite"]


def test_the_export_page_offers_all_eight_downloads_with_a_parked_action(app, db_file):
    board_id = create_board(app)
    with connect(db_file) as db:
        board = boards.get_board(db, board_id)
        details = BoardDetails.model_validate({**board.model_dump(), "review_date": "2030-01-10"})
        boards.update_details(db, board_id, details, board.details_version)
        for status in Status:
            actions.add_action(db, board_id, ActionDraft(
                title=f"Action in status {status.value}", owner="Kim", due_date=date(2030, 1, 31),
                status=status, status_reason="Not worth it now" if status == Status.wont_do else ""))

    app.switch_page(page("export.py")).run()

    assert not app.exception, app.exception
    assert not app.error, [error.value for error in app.error]
    assert [button.key for button in app.get("download_button")] == DOWNLOADS
