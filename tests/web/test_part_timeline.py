"""The timeline lane's intents through the actions route: adding, editing,
deleting and marking moments, linking notes to them, and a pasted chat log
(a real incident's) previewed and then added."""

import os
from datetime import UTC, datetime
from pathlib import Path

import pytest

from canvas.incident.timeline import TimelineEvent, compute_metrics, describe_metric, parse_incident_file
from canvas.models import NoteDraft
from canvas.session.intents import INTENTS
from canvas.session.phases import Phase
from storage import boards, events, facilitation, notes
from tests.web.conftest import act, canvas_tickets, stream_views
from web.parts.timeline import HANDLERS

INCIDENTS_DIR = Path(
    os.environ.get("POSTMORTEM_INCIDENTS_DIR")
    or Path(__file__).resolve().parents[3] / "shared" / "incidents"
)


def refusal(response, status: int) -> str:
    assert response.status_code == status, response.text
    assert response.json()["ok"] is False
    return response.json()["message"]


def accepted(response) -> dict:
    assert response.status_code == 200, response.text
    assert response.json()["ok"] is True
    return response.json()["view"]["parts"]["timeline"]


def add(client, board, person="Ana", **fields):
    body = {"day": "2019-07-02", "time": "13:42", "zone": "UTC", "kind": "impact_start",
            "text": "502s worldwide", **fields}
    return act(client, board, person, "add_event", **body)


def stored(board) -> list[TimelineEvent]:
    return events.list_events(board.db, board.id)


def put(board, at="2019-07-02T13:45:00Z", kind="detected", text="Paged") -> TimelineEvent:
    return events.add_event(board.db, board.id, TimelineEvent(at=at, kind=kind, text=text))


def editing(event: TimelineEvent, **fields) -> dict:
    """An edit as the lane sends it: what changed, and what the editor started from."""
    return {"event_id": event.id, "zone": "UTC", "base_at": event.at.isoformat(),
            "base_kind": event.kind.value, "base_text": event.text, **fields}


# --- adding -----------------------------------------------------------------------------


def test_an_added_event_is_read_in_the_zone_it_was_typed_in_and_drawn_on_the_lane(client, board):
    part = accepted(add(client, board, time="15:42", zone="Europe/Berlin"))
    [event] = stored(board)
    assert event.at == datetime(2019, 7, 2, 13, 42, tzinfo=UTC)
    assert (event.kind.value, event.text) == ("impact_start", "502s worldwide")
    assert [(e["at"], e["kind_label"], e["text"]) for e in part["events"]] == [
        ("2019-07-02T13:42:00Z", "Impact start", "502s worldwide")]


@pytest.mark.parametrize("fields, sentence", [
    ({"day": "0001-01-01"}, "Date: 0001-01-01 is outside the supported dates (1970-01-01 to 2200-12-31)."),
    ({"day": "9999-12-31"}, "Date: 9999-12-31 is outside the supported dates (1970-01-01 to 2200-12-31)."),
    ({"time": "9999-12-31 23:00"}, "Time: 9999-12-31 is outside the supported dates (1970-01-01 to 2200-12-31)."),
    ({"day": "1970-01-01", "time": "00:30", "zone": "Europe/Berlin"},
     "Time: 1969-12-31 23:30 UTC is outside the supported dates (1970-01-01 to 2200-12-31)."),
    ({"time": "half past one"}, "Time: 'half past one' is not a time"),
    ({"text": "   "}, "What happened: text is empty; say what happened."),
    ({"text": "x" * 501}, "What happened: text is 501 characters long; the limit is 500."),
    ({"text": "x" * 20_000}, "The action's “text” is not right: String should have at most 10000 characters."),
    ({"zone": "Mars/Olympus"}, "Zone: unknown time zone 'Mars/Olympus'"),
])
def test_bad_input_is_422_with_a_sentence_and_adds_nothing(client, board, fields, sentence):
    before = boards.board_revision(board.db, board.id)
    assert refusal(add(client, board, **fields), 422).startswith(sentence)
    assert stored(board) == [] and boards.board_revision(board.db, board.id) == before


def test_a_closed_board_refuses_every_change_to_its_timeline_with_409(client, board):
    event = put(board)
    note = notes.add_note(board.db, board.id, "detect", NoteDraft(text="Pager"), board.credentials("Ana"))
    facilitation.set_phase(board.db, board.id, board.fran_key, Phase.closed)
    before = boards.board_revision(board.db, board.id)
    for kind, fields in [
        ("add_event", {"day": "2019-07-02", "time": "13:42", "text": "late"}),
        ("edit_event", editing(event, text="Paged late")),
        ("delete_event", {"event_id": event.id}),
        ("mark_event_assumption", {"event_id": event.id, "assumption": True}),
        ("link_note", {"note_id": note.id, "event_id": event.id}),
        ("import_timeline", {"text": "13:00 paged", "day": "2019-07-02", "confirm": True,
                             "choices": [{"index": 0, "add": True, "kind": "detected"}]}),
    ]:
        assert "closed" in refusal(act(client, board, "Ana", kind, **fields), 409).lower(), kind
    assert stored(board) == [event] and boards.board_revision(board.db, board.id) == before


# --- editing ------------------------------------------------------------------------------


def test_an_edit_changes_the_time_and_the_durations_follow(client, board):
    put(board, "2019-07-02T13:42:00Z", "impact_start", "502s")
    detected = put(board)
    part = accepted(act(client, board, "Ben", "edit_event", **editing(detected, day="2019-07-02", time="13:54")))
    assert events.get_event(board.db, board.id, detected.id).at == datetime(2019, 7, 2, 13, 54, tzinfo=UTC)
    metric = next(m for m in part["metrics"] if m["name"] == "time_to_detect")
    assert (metric["value"], metric["end"]["at"]) == ("12 min", "2019-07-02T13:54:00Z")


def test_the_later_of_two_edits_of_the_same_text_hears_a_conflict_and_nothing_is_lost(client, board):
    event = put(board)
    accepted(act(client, board, "Ana", "edit_event", **editing(event, text="Paged by the synthetic check")))
    message = refusal(act(client, board, "Ben", "edit_event", **editing(event, text="Paged at 13:45")), 409)
    assert message.startswith("Someone else changed this while you were editing.")
    assert events.get_event(board.db, board.id, event.id).text == "Paged by the synthetic check"
    # Ben saves his over hers, knowingly: his edit now starts from her version.
    theirs = events.get_event(board.db, board.id, event.id)
    accepted(act(client, board, "Ben", "edit_event", **editing(theirs, text="Paged at 13:45")))
    assert events.get_event(board.db, board.id, event.id).text == "Paged at 13:45"


def test_two_people_correcting_different_fields_of_one_moment_both_keep_theirs(client, board):
    event = put(board)
    accepted(act(client, board, "Ana", "edit_event", **editing(event, text="Paged by the synthetic check")))
    accepted(act(client, board, "Ben", "edit_event", **editing(event, day="2019-07-02", time="13:47",
                                                               kind="acknowledged")))
    now = events.get_event(board.db, board.id, event.id)
    assert (now.text, now.at.minute, now.kind.value) == ("Paged by the synthetic check", 47, "acknowledged")


def test_marking_an_assumption_never_makes_an_edit_conflict(client, board):
    event = put(board)
    part = accepted(act(client, board, "Ana", "mark_event_assumption", event_id=event.id, assumption=True))
    assert part["events"][0]["assumption"] is True
    accepted(act(client, board, "Ben", "edit_event", **editing(event, text="Paged, we think")))
    now = events.get_event(board.db, board.id, event.id)
    assert (now.is_assumption, now.text) == (True, "Paged, we think")
    accepted(act(client, board, "Ben", "mark_event_assumption", event_id=event.id, assumption=False))
    assert events.get_event(board.db, board.id, event.id).is_assumption is False


def test_an_edit_that_changes_nothing_is_done_false_and_moves_nothing(client, board):
    event = put(board)
    before = boards.board_revision(board.db, board.id)
    reply = act(client, board, "Ana", "edit_event", **editing(event, text=event.text, kind="detected"))
    assert reply.status_code == 200 and reply.json()["done"] is False
    assert boards.board_revision(board.db, board.id) == before


def test_an_edit_to_an_empty_text_or_out_of_range_time_is_422_and_keeps_the_event(client, board):
    event = put(board)
    assert refusal(act(client, board, "Ana", "edit_event", **editing(event, text="")), 422) == (
        "What happened: text is empty; say what happened.")
    assert refusal(act(client, board, "Ana", "edit_event", **editing(event, day="9999-12-31", time="10:00")),
                   422).startswith("Date: 9999-12-31 is outside the supported dates")
    assert stored(board) == [event]


# --- deleting, ids of another board ---------------------------------------------------------


def test_delete_and_undo(client, board):
    event = put(board)
    assert accepted(act(client, board, "Ana", "delete_event", event_id=event.id))["events"] == []
    assert [e["id"] for e in accepted(act(client, board, "Ben", "restore_event", event_id=event.id))["events"]] == [
        event.id]


def test_an_event_of_another_board_or_none_at_all_is_409_and_untouched(client, board):
    from canvas.models import BoardDraft
    other = facilitation.start_board(board.db, BoardDraft(title="Other", facilitator_name="Bo")).board
    foreign = events.add_event(board.db, other.id, TimelineEvent(at="2019-07-02T13:00:00Z", text="theirs"))
    for kind, fields in [("edit_event", editing(foreign, text="mine now")),
                         ("delete_event", {"event_id": foreign.id}),
                         ("mark_event_assumption", {"event_id": foreign.id, "assumption": True}),
                         ("delete_event", {"event_id": "no-such-event"})]:
        assert refusal(act(client, board, "Ana", kind, **fields), 409) == (
            "That event no longer exists on this timeline."), kind
    assert events.list_events(board.db, other.id) == [foreign]


# --- notes tied to moments -------------------------------------------------------------------


def test_a_note_dropped_on_a_moment_is_listed_on_it_and_can_be_unlinked(client, board):
    event = put(board)
    note = notes.add_note(board.db, board.id, "detect", NoteDraft(text="Pager was muted"), board.credentials("Ana"))
    part = accepted(act(client, board, "Ana", "link_note", note_id=note.id, event_id=event.id))
    assert part["events"][0]["notes"] == [{"id": note.id, "number": note.number, "text": "Pager was muted",
                                          "colour_hex": "#fff1a8"}]
    part = accepted(act(client, board, "Ana", "link_note", note_id=note.id, event_id=None))
    assert part["events"][0]["notes"] == []
    assert notes.get_note(board.db, board.id, note.id).event_id is None
    refusal(act(client, board, "Ana", "link_note", note_id="no-such-note", event_id=event.id), 409)


def test_in_write_another_persons_linked_note_never_reaches_a_participant(client, board):
    event = put(board)
    note = notes.add_note(board.db, board.id, "detect", NoteDraft(text="ana-private-pager-was-muted"),
                          board.credentials("Ana"))
    accepted(act(client, board, "Ana", "link_note", note_id=note.id, event_id=event.id))
    reply = add(client, board, person="Ben", text="Ben adds a moment")
    assert "ana-private" not in reply.text
    assert accepted(reply)["events"][1]["notes"] == []


def test_others_receive_the_new_moment_on_their_stream(client, board):
    stream = stream_views(client, board, canvas_tickets(client, board, "Ben")["stream_ticket"])
    first = next(stream)
    assert first["parts"]["timeline"]["events"] == []
    accepted(add(client, board, person="Ana"))
    second = next(stream)
    stream.close()
    assert [e["text"] for e in second["parts"]["timeline"]["events"]] == ["502s worldwide"]


# --- a pasted chat log ------------------------------------------------------------------------

LOG = "13:42 deploy started\n13:45 alice: paged for checkout 5xx\nno time here\n14:05 rolled back deploy"


def test_a_preview_stores_nothing_and_shows_what_the_log_holds(board):
    intent = INTENTS.validate_python({"type": "import_timeline", "text": LOG, "day": "2019-07-02", "zone": "UTC"})
    before = boards.board_revision(board.db, board.id)
    answer = HANDLERS[type(intent)](board.db, board.id, board.credentials("Ana"), intent)
    preview = answer["preview"]
    assert [(row["at"], row["kind"], row["add"]) for row in preview["events"]] == [
        ("2019-07-02T13:42:00Z", "trigger", True), ("2019-07-02T13:45:00Z", "detected", True),
        ("2019-07-02T14:05:00Z", "mitigated", True)]
    assert preview["errors"][0]["line"] == 3 and preview["errors"][0]["reason"].startswith("no time at the start")
    assert stored(board) == [] and boards.board_revision(board.db, board.id) == before


def test_a_preview_through_the_route_changes_nothing(client, board):
    before = boards.board_revision(board.db, board.id)
    reply = act(client, board, "Ana", "import_timeline", text=LOG, day="2019-07-02", zone="UTC", confirm=False)
    assert reply.status_code == 200 and reply.json()["ok"] is True
    assert stored(board) == [] and boards.board_revision(board.db, board.id) == before


def test_an_empty_paste_or_one_that_changed_since_its_preview_is_422(client, board):
    assert refusal(act(client, board, "Ana", "import_timeline", text=" ", day="2019-07-02"), 422) == (
        "Paste some chat lines first.")
    assert refusal(act(client, board, "Ana", "import_timeline", text=LOG, day="2019-07-02", confirm=True,
                       choices=[{"index": 0, "add": True, "kind": "trigger"}]), 422).startswith(
        "The pasted log changed since its preview")
    assert stored(board) == []


def incident_as_chat_log(name: str):
    path = INCIDENTS_DIR / name
    if not path.exists():
        pytest.skip(f"no incident file at {path}")
    incident = parse_incident_file(path.read_text(encoding="utf-8"))
    lines = [f"{event.at:%Y-%m-%d %H:%M} UTC {' '.join(event.text.split())}" for event in incident.events]
    return incident, "\n".join(lines)


def test_a_real_incident_pasted_as_a_chat_log_gives_its_published_durations(client, board):
    incident, log = incident_as_chat_log("cloudflare-2019-07-02.json")
    intent = INTENTS.validate_python({"type": "import_timeline", "text": log, "day": "2019-07-02", "zone": "UTC"})
    preview = HANDLERS[type(intent)](board.db, board.id, board.credentials("Ana"), intent)["preview"]
    assert preview["errors"] == [] and len(preview["events"]) == len(incident.events)
    # The guessed kinds are corrected to the file's in the preview, as a person would.
    choices = [{"index": row["index"], "add": True, "kind": event.kind.value}
               for row, event in zip(preview["events"], incident.events)]
    part = accepted(act(client, board, "Ana", "import_timeline", text=log, day="2019-07-02", zone="UTC",
                        confirm=True, choices=choices))
    assert len(stored(board)) == len(incident.events)
    shown = {m["name"]: m["value"] for m in part["metrics"]}
    assert shown == {m.name: describe_metric(m) for m in compute_metrics(incident.events)}
    assert shown["impact_duration"] == "27 min"  # the 27 minutes Cloudflare published
    assert part["impact"]["open"] is False
    # Pasting the same log again previews every line as already on the timeline.
    again = HANDLERS[type(intent)](board.db, board.id, board.credentials("Ana"), intent)["preview"]
    assert all(row["duplicate"] and not row["add"] for row in again["events"])
