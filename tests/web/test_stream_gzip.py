"""The stream is gzipped when the browser accepts it: one gzip member,
flushed after each event, so every event can be read the moment it is sent;
a browser that refuses gzip (or names no encoding) reads plain text."""

import json
import zlib

import pytest

from canvas.models import NoteDraft
from storage import notes
from tests.web.conftest import canvas_tickets


def events_of(text: str) -> list[tuple[str, dict]]:
    found, event = [], None
    for line in text.splitlines():
        if line.startswith("event: "):
            event = line[7:]
        elif line.startswith("data: ") and event in ("view", "patch"):
            found.append((event, json.loads(line[6:])))
    return found


def read_until(chunks, inflate, wanted: int, text: str = "") -> tuple[str, int]:
    """Raw chunks until `wanted` view or patch events are in `text`; the text,
    and the compressed size of the chunk that completed the last one."""
    for chunk in chunks:
        text += inflate(chunk).decode()
        if len(events_of(text)) >= wanted:
            return text, len(chunk)
    raise AssertionError("the stream ended early")


def test_a_stream_that_accepts_gzip_gets_each_event_at_once_and_small(client, board):
    ticket = canvas_tickets(client, board, "Ana")["stream_ticket"]
    for i in range(40):
        notes.add_note(board.db, board.id, "detect", NoteDraft(text=f"Seed {i}: the canary stayed red"),
                       board.credentials("Ana"))
    with client.stream("GET", f"/api/boards/{board.id}/stream", params={"ticket": ticket},
                       headers={"Accept-Encoding": "br;q=1, gzip;q=0.8"}) as response:
        assert response.headers["content-encoding"] == "gzip"
        assert "Accept-Encoding" in response.headers["vary"]
        unpack = zlib.decompressobj(wbits=31)
        chunks = response.iter_raw()
        text, view_size = read_until(chunks, unpack.decompress, 1)
        notes.add_note(board.db, board.id, "detect", NoteDraft(text="Written after the first view"),
                       board.credentials("Ana"))
        text, patch_size = read_until(chunks, unpack.decompress, 2, text)
    (first_kind, first), (kind, patch) = events_of(text)
    assert first_kind == "view" and kind == "patch"
    assert any("Written after the first view" in json.dumps(value) for value in patch["set"].values())
    # Each event arrives whole in its own flushed chunk, smaller than as text.
    view_text = text[:text.index("id: ", text.index("event: view") + 1)]
    assert view_size < len(view_text) / 3
    assert patch_size < len(text) - len(view_text)


@pytest.mark.parametrize("accept", ["identity", "gzip;q=0", "", "deflate"])
def test_a_stream_that_does_not_accept_gzip_reads_plain_text(client, board, accept):
    ticket = canvas_tickets(client, board, "Ana")["stream_ticket"]
    with client.stream("GET", f"/api/boards/{board.id}/stream", params={"ticket": ticket},
                       headers={"Accept-Encoding": accept}) as response:
        assert "content-encoding" not in response.headers
        text = ""
        for chunk in response.iter_raw():
            text += chunk.decode()
            if events_of(text):
                break
    assert events_of(text)[0][0] == "view"
