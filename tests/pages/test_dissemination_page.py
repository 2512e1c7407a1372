"""The Export page keeps the dissemination plan (AppTest): lines typed in its
table, the follow-up review date and a recurring review are saved together,
the pack and the recurring invite then carry them, and a bad line is refused
with a sentence."""

from datetime import date

from canvas.models import Cadence
from storage import boards
from storage.db import connect
from storage.snapshot import load_snapshot
from tests.pages.conftest import create_board, page


def open_export(app):
    app.switch_page(page("export.py")).run()
    assert not app.exception, app.exception


def test_a_plan_typed_on_the_export_page_is_saved_and_offers_the_recurring_invite(app, db_file):
    board_id = create_board(app)
    open_export(app)
    keys = [button.key for button in app.get("download_button")]
    assert "export_pack" in keys and "export_review_invite" not in keys
    before = boards.board_revision(connect(db_file), board_id)

    app.session_state["export_plan_rows"] = {"edited_rows": {}, "deleted_rows": [], "added_rows": [
        {"Audience": "Support", "Channel": "#support", "Date": "2030-01-12", "Owner": "Sue"},
        {"Audience": "Leadership", "Channel": "Weekly memo"}]}
    app.date_input(key="export_follow_up").set_value(date(2030, 2, 1))
    app.selectbox(key="export_impact_review").set_value(Cadence.fortnightly.label)
    app.date_input(key="export_impact_review_start").set_value(date(2030, 1, 14))
    app.button(key="export_plan_save").click().run()

    assert not app.exception, app.exception
    assert not app.error, [error.value for error in app.error]
    with connect(db_file) as db:
        snapshot = load_snapshot(db, board_id)
        assert boards.board_revision(db, board_id) == before + 1
    assert [(e.audience, e.channel, e.day, e.owner) for e in snapshot.dissemination] == [
        ("Support", "#support", date(2030, 1, 12), "Sue"), ("Leadership", "Weekly memo", None, "")]
    board = snapshot.board
    assert (board.follow_up_date, board.impact_review, board.impact_review_start) == (
        date(2030, 2, 1), Cadence.fortnightly, date(2030, 1, 14))
    assert "export_review_invite" in [button.key for button in app.get("download_button")]
    assert [row["Audience"] for row in app.data_editor(key="export_plan_rows").value.to_dict(
        "records")] == ["Support", "Leadership"]


def test_a_line_without_a_channel_is_refused_with_a_sentence_and_nothing_is_saved(app, db_file):
    board_id = create_board(app)
    open_export(app)
    app.session_state["export_plan_rows"] = {"edited_rows": {}, "deleted_rows": [], "added_rows": [
        {"Audience": "Support"}]}
    app.button(key="export_plan_save").click().run()

    assert not app.exception, app.exception
    [error] = app.error
    assert "channel" in error.value.lower()
    with connect(db_file) as db:
        assert load_snapshot(db, board_id).dissemination == []
