"""The timeline lane's view and the reading of what a person types into it."""

import json
from datetime import UTC, date, datetime

import pytest
from pydantic import ValidationError

from canvas.errors import InvalidInput
from canvas.incident.timeline import TimelineEvent
from canvas.models import Board, Note, Participant
from canvas.session.intents import INTENTS, describe_intent_error
from canvas.session.live_view import build_view
from canvas.session.parts import timeline
from canvas.session.parts.timeline import (
    AXIS_MARGIN, ImportChoice, ImportTimeline, build, chosen_events, edited_fields, import_preview,
    read_chat_log,
)
from canvas.session.visibility import Viewer
from canvas.snapshot import BoardSnapshot

T0 = datetime(2024, 1, 1, tzinfo=UTC)
ANA, BEN = "p-ana", "p-ben"


def event(eid, at, kind="other", text="something happened", **more):
    return TimelineEvent(id=eid, at=at, kind=kind, text=text, **more)


EVENTS = [
    event("e1", "2019-07-02T13:42:00Z", "trigger", "Rule deployed"),
    event("e2", "2019-07-02T13:42:00Z", "impact_start", "502s worldwide"),
    event("e3", "2019-07-02T13:45:00Z", "detected", "Paged"),
    event("e4", "2019-07-02T14:02:00Z", "mitigated", "WAF killed globally", approximate=True),
    event("e5", "2019-07-02T14:09:00Z", "impact_end", "Traffic back", is_assumption=True),
]


def note(number, text, author, event_id=None):
    return Note(id=f"n{number}", board_id="B" * 24, step_key="detect", text=text, colour="yellow",
                author_id=author, created_at=T0, updated_at=T0, number=number, event_id=event_id)


def snapshot(phase="write", events=EVENTS, zone="Europe/Berlin"):
    board = Board(id="B" * 24, title="WAF", template="blameless", created_at=T0, revision=3,
                  details_version=1, phase=phase, timezone=zone, incident_date=date(2019, 7, 2))
    people = [Participant(id=pid, board_id="B" * 24, display_name=name, joined_at=T0, last_seen_at=T0)
              for pid, name in ((ANA, "Ana"), (BEN, "Ben"))]
    return BoardSnapshot(board=board, participants=people, events=list(events), notes=[
        note(1, "ana-private-pager-was-muted", ANA, "e3"), note(2, "Ben saw the 502s", BEN, "e2")])


def lane(snap, viewer=BEN):
    return build_view(snap, Viewer(participant_id=viewer), my_votes={}, present=[])["parts"]["timeline"]


def test_events_are_placed_on_the_axis_by_time_with_anchors_marked():
    part = build(snapshot())
    offsets = [e["offset"] for e in part["events"]]
    assert offsets[0] == offsets[1] == AXIS_MARGIN and offsets[-1] == 1 - AXIS_MARGIN
    # 13:45 is 3 of the 27 minutes in: its place is proportional to its time.
    assert offsets[2] == pytest.approx(AXIS_MARGIN + (1 - 2 * AXIS_MARGIN) * 3 / 27, abs=1e-4)
    assert [e["number"] for e in part["events"]] == [1, 2, 3, 4, 5]
    assert [e["anchor"] for e in part["events"]] == [False, True, True, True, True]
    assert part["events"][3]["approximate"] and part["events"][4]["assumption"]
    assert part["impact"] == {"from": AXIS_MARGIN, "to": 1 - AXIS_MARGIN, "open": False,
                              "start_at": "2019-07-02T13:42:00Z", "end_at": "2019-07-02T14:09:00Z"}
    assert (part["zone"], part["zones"][0], part["incident_date"]) == ("Europe/Berlin", "Europe/Berlin", "2019-07-02")


def test_durations_carry_their_value_formula_and_anchors():
    metrics = {m["name"]: m for m in build(snapshot())["metrics"]}
    detect = metrics["time_to_detect"]
    assert (detect["value"], detect["seconds"], detect["formula"]) == ("3 min", 180, "detected − impact start")
    assert (detect["end"]["at"], detect["start"]["at"]) == ("2019-07-02T13:45:00Z", "2019-07-02T13:42:00Z")
    assert metrics["time_to_mitigate"]["value"] == "about 20 min"
    assert metrics["impact_duration"]["value"] == "27 min"
    missing = metrics["time_to_acknowledge"]
    assert (missing["seconds"], missing["start"] is not None, missing["end"]) == (None, True, None)
    assert missing["value"] == "no ‘acknowledged’ event yet"


def test_without_an_impact_end_the_window_stays_open_to_the_lane_end():
    part = build(snapshot(events=EVENTS[:4]))
    assert part["impact"]["open"] is True and part["impact"]["to"] == 1.0


def test_one_event_sits_in_the_middle_and_no_events_draw_no_axis():
    assert build(snapshot(events=EVENTS[:1]))["events"][0]["offset"] == 0.5
    empty = build(snapshot(events=[]))
    assert (empty["events"], empty["axis"], empty["impact"]) == ([], None, None)


def test_an_event_stored_outside_the_supported_dates_is_listed_never_placed():
    old = TimelineEvent.model_validate({"id": "old", "at": "9999-12-31T23:00:00Z", "text": "typo"},
                                       context={"stored": True})
    part = build(snapshot(events=[*EVENTS, old]))
    stored = part["events"][-1]
    assert (stored["in_range"], stored["offset"]) == (False, None)
    assert any("outside the supported dates" in warning for warning in part["warnings"])


def test_out_of_order_anchors_are_warned_about():
    wrong = [event("a", "2019-07-02T14:00:00Z", "impact_start"), event("b", "2019-07-02T13:00:00Z", "mitigated")]
    assert any("Mitigated" in warning for warning in build(snapshot(events=wrong))["warnings"])


def test_in_write_a_participant_sees_only_their_own_notes_linked_to_a_moment():
    part = lane(snapshot("write"), BEN)
    assert "ana-private" not in json.dumps(part)
    by_id = {e["id"]: e for e in part["events"]}
    assert by_id["e2"]["notes"] == [{"id": "n2", "number": 2, "text": "Ben saw the 502s",
                                       "colour_hex": "#fff1a8"}]
    assert by_id["e3"]["notes"] == []
    grouped = {e["id"]: e for e in lane(snapshot("group"), BEN)["events"]}
    assert [n["text"] for n in grouped["e3"]["notes"]] == ["ana-private-pager-was-muted"]


# --- what the lane sends ----------------------------------------------------------------


def refusal(body: dict) -> str:
    with pytest.raises(ValidationError) as raised:
        INTENTS.validate_python(body)
    return describe_intent_error(raised.value)


ADD = {"type": "add_event", "day": "2019-07-02", "time": "13:42", "zone": "UTC", "text": "Paged"}


@pytest.mark.parametrize("change, sentence", [
    ({"day": "0001-01-01"}, "Date: 0001-01-01 is outside the supported dates (1970-01-01 to 2200-12-31)."),
    ({"day": "9999-12-31"}, "Date: 9999-12-31 is outside the supported dates (1970-01-01 to 2200-12-31)."),
    ({"day": ""}, "Date: pick the day it happened."),
    ({"day": "02/07/2019"}, "Date: '02/07/2019' is not a date, e.g. 2019-07-02."),
    ({"zone": "Mars/Olympus"}, "Zone: unknown time zone 'Mars/Olympus'"),
    ({"kind": "boom"}, "Kind: unknown kind 'boom'; use one of: trigger"),
])
def test_a_bad_day_zone_or_kind_is_refused_with_a_sentence(change, sentence):
    assert refusal({**ADD, **change}).startswith(sentence)


def test_the_kind_may_be_written_as_people_write_it():
    assert INTENTS.validate_python({**ADD, "kind": "Impact start"}).kind == "impact_start"


def edit(**fields):
    return INTENTS.validate_python({"type": "edit_event", "event_id": "e3", "zone": "UTC",
                                    "base_at": "2019-07-02T13:45:00Z", "base_kind": "detected",
                                    "base_text": "Paged", **fields})


def test_an_edit_sends_only_what_changed_and_expects_what_it_started_from():
    changes, expected = edited_fields(edit(day="2019-07-02", time="13:50", text="Paged", kind="detected"))
    assert changes == {"at": datetime(2019, 7, 2, 13, 50, tzinfo=UTC)}
    assert expected == {"at": datetime(2019, 7, 2, 13, 45, tzinfo=UTC)}
    changes, expected = edited_fields(edit(text="Paged by the synthetic check"))
    assert (changes, expected) == ({"text": "Paged by the synthetic check"}, {"text": "Paged"})
    assert edited_fields(edit()) == ({}, {})


def test_an_edit_time_is_read_in_the_zone_it_was_typed_in():
    changes, _ = edited_fields(edit(day="2019-07-02", time="15:50", zone="Europe/Berlin"))
    assert changes["at"] == datetime(2019, 7, 2, 13, 50, tzinfo=UTC)


@pytest.mark.parametrize("fields, sentence", [
    ({"day": "2019-07-02", "time": "25:00"}, "Time: 25:00 is not a time of day."),
    ({"day": "2019-07-02", "time": ""}, "Time: type when it happened"),
    ({"day": "2019-07-02", "time": "9999-12-31 13:00"}, "Time: 9999-12-31 is outside the supported dates"),
    ({"day": "2019-07-02"}, "Time: give both the day and the time."),
])
def test_a_bad_time_is_refused_naming_the_field(fields, sentence):
    with pytest.raises(InvalidInput) as raised:
        edited_fields(edit(**fields))
    assert str(raised.value).startswith(sentence)


LOG = "13:42 deploy started\n13:45 alice: paged for checkout 5xx\nno time here\n14:05 rolled back deploy"


def paste(**fields) -> ImportTimeline:
    return ImportTimeline(type="import_timeline", text=LOG, day=date(2019, 7, 2), zone="UTC", **fields)


def test_a_pasted_log_previews_its_events_and_unusable_lines_and_knows_what_is_already_there():
    result = read_chat_log(paste())
    preview = import_preview(result, [event("x", "2019-07-02T13:45:00Z", "detected", "alice: paged for checkout 5xx")])
    assert [(row["kind"], row["text"], row["add"]) for row in preview["events"]] == [
        ("trigger", "deploy started", True), ("detected", "alice: paged for checkout 5xx", False),
        ("mitigated", "rolled back deploy", True)]
    assert [(error["line"], error["raw"]) for error in preview["errors"]] == [(3, "no time here")]


def test_confirming_adds_the_ticked_events_with_their_corrected_kinds():
    result = read_chat_log(paste())
    chosen = chosen_events(result, [ImportChoice(index=0, add=True, kind="action"),
                                    ImportChoice(index=1, add=False, kind="detected"),
                                    ImportChoice(index=2, add=True, kind="mitigated")])
    assert [(e.kind.value, e.text) for e in chosen] == [("action", "deploy started"), ("mitigated", "rolled back deploy")]


@pytest.mark.parametrize("choices, sentence", [
    ([], "The pasted log changed since its preview"),
    ([ImportChoice(index=i, add=False, kind="other") for i in range(3)], "Tick at least one event to add."),
])
def test_confirming_choices_that_do_not_fit_the_log_is_refused(choices, sentence):
    with pytest.raises(InvalidInput) as raised:
        chosen_events(read_chat_log(paste()), choices)
    assert str(raised.value).startswith(sentence)


def test_an_empty_paste_is_refused():
    with pytest.raises(InvalidInput, match="Paste some chat lines first."):
        read_chat_log(ImportTimeline(type="import_timeline", text=" \n", day=date(2019, 7, 2)))


def test_the_part_declares_its_intents():
    kinds = {model.model_fields["type"].annotation.__args__[0] for model in timeline.INTENTS}
    assert kinds == {"add_event", "edit_event", "delete_event", "restore_event", "mark_event_assumption",
                     "link_note", "import_timeline"}
