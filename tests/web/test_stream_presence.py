"""Presence never holds the stream: when who-is-here cannot be written (a
full disk, a database that refuses the write), the stream still sends its
first view and every later one, and the log says so once."""

import json
import logging

from canvas.models import BoardDraft, NoteDraft
from storage import facilitation, notes, participants
from storage.db import connect
from storage.migrations import migrate
from tests.disk import fill, small_disk  # noqa: F401 - fixture
from tests.web.conftest import Board, canvas_tickets, running, stream_views


def paused(caplog) -> list[logging.LogRecord]:
    return [record for record in caplog.records if "presence paused" in record.getMessage()]


def test_the_stream_sends_views_while_the_database_refuses_presence(client, board, caplog):
    board.db.execute("CREATE TRIGGER presence_refused BEFORE UPDATE OF last_seen_at ON participants "
                     "BEGIN SELECT RAISE(ABORT, 'presence is not written here'); END")
    stream = stream_views(client, board, canvas_tickets(client, board, "Ana")["stream_ticket"])
    first = next(stream)
    notes.add_note(board.db, board.id, "detect", NoteDraft(text="written while presence fails"),
                   board.credentials("Ana"))
    second = next(stream)
    stream.close()
    assert second["revision"] == first["revision"] + 1
    assert "written while presence fails" in json.dumps(second)
    assert len(paused(caplog)) == 1


def test_the_stream_sends_its_first_view_on_a_full_disk(small_disk, monkeypatch, caplog):  # noqa: F811
    path = small_disk / "board.db"
    migrate(path)
    db = connect(path)
    started = facilitation.start_board(db, BoardDraft(title="Disk full", facilitator_name="Fran"))
    ana, token = participants.join_board(db, started.board.id, "Ana")
    board = Board(db, started.board.id, started.facilitator_key, {"Ana": token}, {"Ana": ana.id})
    with running(path, monkeypatch) as client:
        stream = stream_views(client, board, canvas_tickets(client, board, "Ana")["stream_ticket"])
        # An empty write-ahead log: recording presence must grow a file on the full disk.
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        fill(small_disk)
        try:
            first = next(stream)
        finally:
            stream.close()
            (small_disk / "filler").unlink()
    db.close()
    assert first["board"]["title"] == "Disk full"
    (record,) = paused(caplog)
    assert "disk is full" in record.getMessage() and record.exc_info is None
