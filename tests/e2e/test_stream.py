"""The live board's event stream over the real server, read raw as a browser's
EventSource would: what each viewer receives, and who may open it."""

import http.client
import json
import subprocess
import sys
import time
from urllib.parse import urlparse

import pytest

from canvas.models import BoardDraft, NoteDraft
from canvas.session.live_view import apply_patch
from canvas.session.phases import Credentials
from canvas.session.tickets import TicketScope, issue_ticket
from storage import boards, facilitation, notes, participants
from storage.db import connect
from storage.migrations import migrate
from storage.secrets import ticket_signing_key

pytestmark = pytest.mark.e2e

# A bound for a test that fails, never a speed requirement (benchmarks/ measure speed).
PATIENCE = 20.0


@pytest.fixture
def session(server):
    """A board in Write with Ana (two private notes) and Ben (one note)."""
    migrate(server.db)
    db = connect(server.db)
    started = facilitation.start_board(db, BoardDraft(title="Stream privacy", facilitator_name="Fran"))
    board_id = started.board.id
    ana, ana_token = participants.join_board(db, board_id, "Ana")
    ben, ben_token = participants.join_board(db, board_id, "Ben")
    as_ana = Credentials(participant_id=ana.id)
    notes.add_note(db, board_id, "detect", NoteDraft(text="ana-private-checkout-alert"), as_ana)
    notes.add_note(db, board_id, "prevent", NoteDraft(text="ana-private-canary-idea"), as_ana)
    notes.add_note(db, board_id, "detect", NoteDraft(text="ben-own-pager-note"),
                   Credentials(participant_id=ben.id))
    yield {"db": db, "board_id": board_id, "as_ana": as_ana, "ben_token": ben_token}
    db.close()


def request(server, method, path, body=None, headers=None):
    url = urlparse(server.url)
    conn = http.client.HTTPConnection(url.hostname, url.port, timeout=PATIENCE)
    conn.request(method, path, body=None if body is None else json.dumps(body),
                 headers={"Content-Type": "application/json", **(headers or {})})
    return conn, conn.getresponse()


def tickets(server, board_id, token) -> dict:
    """What the canvas gets for a participant token: a stream and an action ticket."""
    conn, response = request(server, "POST", f"/api/boards/{board_id}/tickets", {"token": token})
    assert response.status == 200
    answer = json.loads(response.read())
    conn.close()
    return answer


def ticket(server, board_id, token):
    """A ticket for the actions route (it travels only in request bodies)."""
    return tickets(server, board_id, token)["action_ticket"]


def stream_ticket(server, board_id, token):
    """A ticket for the stream's URL."""
    return tickets(server, board_id, token)["stream_ticket"]


class RawStream:
    """The bytes of one event stream, read line by line."""

    def __init__(self, server, board_id, ticket_value, last_event_id=None):
        headers = {"Accept": "text/event-stream"}
        if last_event_id is not None:
            headers["Last-Event-ID"] = str(last_event_id)
        self.conn, self.response = request(server, "GET", f"/api/boards/{board_id}/stream?ticket={ticket_value}",
                                           headers=headers)
        self.raw = ""
        self.view = None

    def next_view(self) -> dict:
        """Read until the next complete `view` event; returns its data."""
        deadline = time.monotonic() + PATIENCE
        event, data = None, None
        while time.monotonic() < deadline:
            line = self.response.fp.readline().decode()
            assert line, "the stream ended"
            self.raw += line
            if line.startswith("event: "):
                event = line[7:].strip()
            elif line.startswith("data: "):
                data = line[6:]
            elif line == "\n" and event == "view":
                self.view = json.loads(data)
                return self.view
            elif line == "\n" and event == "patch":
                self.view = apply_patch(self.view, json.loads(data))
                return self.view
        raise AssertionError("no view event arrived")

    def close(self):
        self.conn.close()


def test_bens_raw_stream_in_write_holds_his_notes_and_none_of_anas(server, session):
    board_id = session["board_id"]
    stream = RawStream(server, board_id, stream_ticket(server, board_id, session["ben_token"]))
    try:
        assert stream.response.status == 200
        assert stream.response.getheader("Content-Type").startswith("text/event-stream")
        first = stream.next_view()
        # Ana writes again while Ben's stream is open: the push must not carry it either.
        notes.add_note(session["db"], session["board_id"], "react",
                       NoteDraft(text="ana-private-rollback-thought"), session["as_ana"])
        second = stream.next_view()
    finally:
        stream.close()
    assert second["revision"] > first["revision"]
    assert "ben-own-pager-note" in stream.raw
    for secret in ("ana-private-checkout-alert", "ana-private-canary-idea", "ana-private-rollback-thought"):
        assert secret not in stream.raw
    hidden = {column["key"]: column["hidden_count"] for column in second["columns"]}
    assert (hidden["detect"], hidden["prevent"], hidden["react"]) == (1, 1, 1)


def test_a_write_from_another_process_reaches_an_open_stream(server, session):
    board_id = session["board_id"]
    stream = RawStream(server, board_id, stream_ticket(server, board_id, session["ben_token"]))
    writer = ("import sqlite3, sys; c = sqlite3.connect(sys.argv[1]); "
              "c.execute(\"UPDATE boards SET title = 'Renamed elsewhere', revision = revision + 1 "
              "WHERE id = ?\", (sys.argv[2],)); c.commit()")
    try:
        first = stream.next_view()
        subprocess.run([sys.executable, "-c", writer, str(server.db), board_id], check=True)
        second = stream.next_view()
    finally:
        stream.close()
    assert first["board"]["title"] == "Stream privacy"
    assert (second["board"]["title"], second["revision"]) == ("Renamed elsewhere", first["revision"] + 1)


def test_a_reconnect_that_is_up_to_date_gets_no_view_until_the_next_change(server, session):
    board_id = session["board_id"]
    value = stream_ticket(server, board_id, session["ben_token"])
    stream = RawStream(server, board_id, value)
    first = stream.next_view()
    stream.close()
    again = RawStream(server, board_id, value, last_event_id=first["revision"])
    try:
        notes.add_note(session["db"], board_id, "react", NoteDraft(text="after reconnect"), session["as_ana"])
        view = again.next_view()
    finally:
        again.close()
    assert view["revision"] == first["revision"] + 1
    assert again.raw.count("event: view") == 1


def forged_tickets(server, session, scope: TicketScope):
    board_id = session["board_id"]
    genuine = tickets(server, board_id, session["ben_token"])
    mine, other = (("stream_ticket", "action_ticket") if scope is TicketScope.stream
                   else ("action_ticket", "stream_ticket"))
    payload, signature = genuine[mine].split(".")
    key = ticket_signing_key(session["db"])
    ben_id = participants.participant_by_token(session["db"], board_id, session["ben_token"]).id
    return {
        "tampered signature": f"{payload}.{signature[::-1]}",
        "signed with another key": issue_ticket("not-the-key", board_id, ben_id, is_facilitator=True,
                                                scope=scope, now=time.time()),
        "expired": issue_ticket(key, board_id, ben_id, is_facilitator=False, scope=scope,
                                now=time.time() - 3600),
        "for another board": issue_ticket(key, "X" * 24, ben_id, is_facilitator=False, scope=scope,
                                          now=time.time()),
        "for the other job": genuine[other],
        "garbage": "not-a-ticket",
    }


def test_forged_and_expired_tickets_get_403_and_nothing_of_the_board(server, session):
    board_id = session["board_id"]
    for reason, bad in forged_tickets(server, session, TicketScope.stream).items():
        conn, response = request(server, "GET", f"/api/boards/{board_id}/stream?ticket={bad}")
        body = response.read().decode()
        conn.close()
        assert response.status == 403, reason
        assert "ben-own-pager-note" not in body and "Stream privacy" not in body, reason
    for reason, bad in forged_tickets(server, session, TicketScope.act).items():
        conn, response = request(server, "POST", f"/api/boards/{board_id}/actions",
                                 {"ticket": bad, "type": "add_note", "step_key": "detect", "text": "sneaky"})
        answer = json.loads(response.read())
        conn.close()
        assert (response.status, answer["ok"]) == (403, False), reason
    assert "sneaky" not in {n.text for n in notes.list_notes(session["db"], board_id)}


def test_an_unknown_token_gets_no_ticket(server, session):
    conn, response = request(server, "POST", f"/api/boards/{session['board_id']}/tickets", {"token": "guess"})
    answer = json.loads(response.read())
    conn.close()
    assert (response.status, answer["ok"]) == (403, False)


def test_an_action_replies_with_the_viewers_view_and_refusals_with_a_sentence(server, session):
    board_id = session["board_id"]
    value = ticket(server, board_id, session["ben_token"])
    conn, response = request(server, "POST", f"/api/boards/{board_id}/actions",
                             {"ticket": value, "type": "add_note", "step_key": "react", "text": "ben again"})
    answer = json.loads(response.read())
    conn.close()
    assert response.status == 200 and answer["ok"]
    assert "ben again" in json.dumps(answer["view"])
    assert "ana-private-checkout-alert" not in json.dumps(answer["view"])
    conn, response = request(server, "POST", f"/api/boards/{board_id}/actions",
                             {"ticket": value, "type": "set_phase", "phase": "group"})
    refused = json.loads(response.read())
    conn.close()
    assert (response.status, refused) == (409, {"ok": False, "message": "Only the facilitator can do that."})
    conn, response = request(server, "POST", f"/api/boards/{board_id}/actions",
                             {"ticket": value, "type": "edit_note", "note_id": 7})
    malformed = json.loads(response.read())
    conn.close()
    assert response.status == 422 and "Traceback" not in malformed["message"]


def act(server, board_id, value, key="", **fields):
    conn, response = request(server, "POST", f"/api/boards/{board_id}/actions",
                             {"ticket": value, "facilitator_key": key, **fields})
    answer = json.loads(response.read())
    conn.close()
    return response.status, answer


def test_grouping_and_voting_through_the_actions_route(server, session):
    db, board_id = session["db"], session["board_id"]
    fran_key = facilitation.create_facilitator_key(db, board_id, "test")
    value = ticket(server, board_id, session["ben_token"])
    assert act(server, board_id, value, fran_key, type="set_phase", phase="group")[0] == 200
    status, answer = act(server, board_id, value, type="add_note", step_key="detect", text="ben grouping")
    view = answer["view"]
    detect = next(c for c in view["columns"] if c["key"] == "detect")
    dragged = next(n for n in detect["notes"] if n["text"] == "ben grouping")
    target = next(n for n in detect["notes"] if n["text"] == "ana-private-checkout-alert")
    status, answer = act(server, board_id, value, type="move_note", note_id=dragged["id"], step_key="detect",
                         cluster_id=None, onto_note_id=target["id"], revision=view["revision"])
    assert status == 200
    (cluster,) = next(c for c in answer["view"]["columns"] if c["key"] == "detect")["clusters"]
    assert {n["id"] for n in cluster["notes"]} == {dragged["id"], target["id"]}
    # The same drag replayed from the view before it was refused, with a sentence.
    status, stale = act(server, board_id, value, type="move_note", note_id=dragged["id"], step_key="react",
                        cluster_id=None, onto_note_id=None, revision=view["revision"])
    assert status == 409 and "moved that note" in stale["message"]
    assert act(server, board_id, value, fran_key, type="set_phase", phase="vote")[0] == 200
    status, answer = act(server, board_id, value, type="vote", item_id=cluster["id"], seen=0)
    assert (status, answer["done"]) == (200, True)
    voted = next(c for c in answer["view"]["columns"] if c["key"] == "detect")["clusters"][0]
    assert (voted["my_votes"], voted["votes"], answer["view"]["me"]["votes_left"]) == (1, None, 4)


def test_an_open_stream_marks_its_viewer_present_without_a_new_revision(server, session):
    db, board_id = session["db"], session["board_id"]
    # Everyone last seen long ago: nobody is here now.
    db.execute("UPDATE participants SET last_seen_at = '2020-01-01T00:00:00+00:00' WHERE board_id = ?",
               [board_id])
    before = boards.board_revision(db, board_id)
    stream = RawStream(server, board_id, stream_ticket(server, board_id, session["ben_token"]))
    try:
        view = stream.next_view()
    finally:
        stream.close()
    assert view["present"] == ["Ben"]
    assert view["revision"] == before == boards.board_revision(db, board_id)


def test_refused_text_keeps_its_own_sentence(server, session):
    board_id = session["board_id"]
    value = ticket(server, board_id, session["ben_token"])
    status, answer = act(server, board_id, value, type="add_note", step_key="detect", text="bad \x07 bell")
    assert status == 422 and answer["ok"] is False
    assert "control character" in answer["message"]
    status, answer = act(server, board_id, value, type="add_note", step_key="timeline", text="fine")
    assert (status, answer["message"]) == (409, "That step holds no sticky notes; notes go in the sticky-note columns.")
