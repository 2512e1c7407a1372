"""Failures a person can cause on a page give a sentence, never a traceback,
and lose nothing that was typed."""

import json
import socket
import sqlite3

import pytest


from storage import boards
from storage import db as storage_db
from storage.db import connect
from storage.migrations import migrate
from tests.disk import fill, small_disk  # noqa: F401 - a fixture
from tests.cli.test_bad_input import newer_schema
from tests.pages.conftest import ADD_NOTE, create_board, page

DEEP = "[" * 50_000 + "]" * 50_000


def incident(**fields) -> bytes:
    return json.dumps({"title": "Checkout errors", "events": [], **fields}).encode()


def event_at(moment: str) -> bytes:
    return incident(events=[{"at": moment, "kind": "detected", "text": "Paged on 5xx"}])


UPLOADS = {
    "oversized_summary": (incident(summary="s" * 100_000), "summary"),
    "oversized_note": (incident(contributing_factors=["c" * 5000]), "contributing_factors[0]"),
    "oversized_event_text": (incident(events=[{"at": "2020-01-01T00:00:00Z", "kind": "detected",
                                               "text": "t" * 100_000}]), "events[0].text"),
    "deep_nesting": (DEEP.encode(), "nested"),
    "lone_surrogate": (b'{"title": "\\udc00", "events": []}', "surrogate"),
    "huge_integer": (b'{"format": "postmortem-canvas/backup-1", "board": {"vote_budget": '
                     + b"9" * 5000 + b"}}", "digits"),
    "year_1": (event_at("0001-01-01T00:00:00Z"), ""),
    "year_9999": (event_at("9999-12-31T23:59:59Z"), ""),
    "not_json": (b"title: Checkout errors\n", "not valid JSON"),
    "not_utf8": (b'{"title": "caf\xe9"}', "not a text file (UTF-8)"),
}


def no_traceback(at) -> None:
    assert not at.exception, at.exception
    for element in at.error:
        assert "Traceback" not in element.value and 'File "' not in element.value


@pytest.mark.parametrize("content, words", UPLOADS.values(), ids=UPLOADS.keys())
def test_a_hostile_home_import_gives_a_message_or_a_board_never_a_traceback(app, db_file,
                                                                              content, words):
    app.run()
    app.file_uploader(key="home_import_file").set_value(("incident.json", content,
                                                         "application/json"))
    app.button(key="home_import").click().run()
    no_traceback(app)
    made = boards.list_boards(connect(db_file))
    if words:
        assert app.error, "a refused file says why"
        assert words.lower() in app.error[0].value.lower()
        assert made == []
    else:
        # Extreme dates: refused with a message, or imported and the board opens.
        assert app.error or len(made) == 1


CHAT_LOGS = {
    "year_1": "0001-01-01 00:00 UTC paged for checkout 5xx",
    "year_9999": "9999-12-31 23:59 UTC rolled back",
    "nonsense": "\x00\x1b[31m 99:99 ???",
    "huge": "13:42 paged " + "x" * 200_000,
}


@pytest.mark.parametrize("zone", ["America/Los_Angeles", "Asia/Tokyo"])
@pytest.mark.parametrize("text", CHAT_LOGS.values(), ids=CHAT_LOGS.keys())
def test_a_hostile_chat_log_preview_gives_a_message_never_a_traceback(app, db_file, text, zone):
    create_board(app)
    app.switch_page(page("timeline.py")).run()
    app.selectbox(key="timeline_zone").set_value(zone).run()
    app.text_area(key="timeline_import_chat_text").input(text)
    app.button(key="timeline_preview_chat").click().run()
    no_traceback(app)
    # The page still draws to its end, and the pasted lines are kept.
    assert app.text_area(key="timeline_import_chat_text").value == text
    # Either a preview to check, or a sentence saying why there is none.
    assert "timeline_preview" in app.session_state or len(app.error) == 1


def test_a_write_refused_because_the_database_is_busy_keeps_the_text(app, db_file, monkeypatch):
    create_board(app)
    app.switch_page(page("step.py")).run()
    monkeypatch.setattr(storage_db, "BUSY_TIMEOUT_MS", 50)
    # A long import holds the write lock.
    holder = sqlite3.connect(db_file, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        # Opening the page during the import records presence too: it gives up.
        app.session_state["seen_marks"] = {}
        app.text_area(key="step_text").input("Alert fired 20 minutes late")
        app.button(key=ADD_NOTE).click().run()
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    no_traceback(app)
    assert [error.value for error in app.error] == [
        "The board is busy with another change (a large import, perhaps): nothing was saved. "
        "Try again in a moment."]
    assert app.text_area(key="step_text").value == "Alert fired 20 minutes late"
    # Once the lock is gone, the same click works.
    app.button(key=ADD_NOTE).click().run()
    assert not app.error
    assert app.text_area(key="step_text").value == ""


def test_an_unreadable_database_file_is_a_sentence_on_every_page(app, tmp_path, monkeypatch):
    foreign = tmp_path / "foreign.db"
    foreign.write_text("not a database\n" * 500)
    monkeypatch.setenv("POSTMORTEM_CANVAS_DB", str(foreign))
    app.run()
    no_traceback(app)
    assert "cannot read its database" in app.error[0].value
    assert str(tmp_path) not in app.error[0].value


def test_a_postgresql_server_that_does_not_answer_is_a_sentence_without_its_password(
        app, monkeypatch):
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    monkeypatch.setenv("POSTMORTEM_CANVAS_DB", f"postgresql://canvas:hunter2@127.0.0.1:{port}/canvas")
    app.run()
    no_traceback(app)
    assert "cannot reach its database right now" in app.error[0].value
    everything = " ".join(str(element.value) for element in [*app.error, *app.markdown, *app.caption])
    assert "hunter2" not in everything and str(port) not in everything


def test_an_unexpected_error_in_a_page_is_a_short_sentence_and_a_logged_traceback(
        app, db_file, monkeypatch, caplog):
    create_board(app)

    def broken(*args, **kwargs):
        raise RuntimeError(f"secret detail at {db_file}")

    monkeypatch.setattr(boards, "list_boards", broken)
    monkeypatch.setattr("storage.notes.list_notes", broken)
    app.switch_page(page("board.py")).run()
    no_traceback(app)
    assert len(app.error) == 1
    assert "Something went wrong on the server while showing this page" in app.error[0].value
    assert "secret" not in app.error[0].value
    # Whoever runs the server finds the whole story in its log.
    logged = [record for record in caplog.records if record.exc_info]
    assert "secret detail" in str(logged[-1].exc_info[1])


def test_on_a_full_disk_pages_still_render_and_a_refused_note_keeps_its_text(
        app, small_disk, monkeypatch):
    path = small_disk / "board.db"
    migrate(path)
    monkeypatch.setenv("POSTMORTEM_CANVAS_DB", str(path))
    create_board(app)
    app.switch_page(page("step.py")).run()
    with connect(path) as db:
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    fill(small_disk)
    # Presence ("here now") is a write: it must not stop the page.
    app.session_state["seen_marks"] = {}
    for name in ("board.py", "step.py"):
        app.switch_page(page(name)).run()
        no_traceback(app)
        assert not app.error
    app.text_area(key="step_text").input("Alert fired 20 minutes late")
    app.button(key=ADD_NOTE).click().run()
    no_traceback(app)
    assert [error.value for error in app.error] == [
        "The server's disk is full: nothing was saved. Tell whoever runs this server."]
    assert app.text_area(key="step_text").value == "Alert fired 20 minutes late"


def test_a_database_from_a_newer_version_is_a_sentence(app, tmp_path, monkeypatch):
    path = newer_schema(tmp_path)
    monkeypatch.setenv("POSTMORTEM_CANVAS_DB", str(path))
    app.run()
    no_traceback(app)
    assert "newer" in app.error[0].value
