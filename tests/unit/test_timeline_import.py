"""The import preview: its rows, duplicates of what is on the timeline, and
the events a person chose after correcting the table."""

from __future__ import annotations

import json

import pytest

from canvas.incident.timeline import EventKind, LineError, ParseResult, TimelineEvent
from canvas.incident.timeline_import import (
    ALREADY_ON_TIMELINE,
    PREVIEW_COLUMNS,
    already_on_timeline,
    chosen_events,
    decode_upload,
    incident_file_events,
    preview_rows,
)


def event(at: str, text: str, kind: str = "other", **fields) -> TimelineEvent:
    return TimelineEvent(at=at, kind=kind, text=text, **fields)


PAGED = event("2019-07-02T13:42:00Z", "paged", "detected")
ROLLED_BACK = event("2019-07-02T13:50:00Z", "rolled back", "mitigated",
                    evidence_url="https://example.com/deploys/4812", approximate=True)
RESULT = ParseResult(events=[PAGED, ROLLED_BACK],
                     errors=[LineError(line=2, raw="nonsense", reason="no time")])


def test_each_event_found_is_one_row_shown_in_the_zone_and_ticked():
    rows = preview_rows(RESULT, [], "Europe/Berlin")
    assert [list(row) for row in rows] == [list(PREVIEW_COLUMNS)] * 2
    assert rows[0] == {"Add": True, "Time": "2019-07-02 15:42 CEST", "Kind": "Detected",
                       "What happened": "paged", "Approximate": False, "Evidence link": "",
                       "Note": ""}
    assert (rows[1]["Kind"], rows[1]["Approximate"], rows[1]["Evidence link"]) == (
        "Mitigated", True, "https://example.com/deploys/4812")


def test_an_event_already_on_the_timeline_starts_unticked_and_says_so():
    # Same instant and words; the stored kind may have been corrected since.
    stored = [PAGED.model_copy(update={"id": "e1", "kind": EventKind.acknowledged})]
    rows = preview_rows(RESULT, stored, "UTC")
    assert [(row["Add"], row["Note"]) for row in rows] == [(False, ALREADY_ON_TIMELINE), (True, "")]


def test_a_duplicate_needs_the_same_instant_and_the_same_text():
    live = [event("2019-07-02T15:42:00+02:00", "paged"),  # same instant, other zone
            event("2019-07-02T13:50:01Z", "rolled back")]  # a second later
    assert already_on_timeline([PAGED, ROLLED_BACK], live) == [True, False]
    assert already_on_timeline([PAGED], [event("2019-07-02T13:42:00Z", "Paged")]) == [False]


def test_without_corrections_the_ticked_events_are_chosen_as_parsed():
    rows = preview_rows(RESULT, [], "UTC")
    assert chosen_events(RESULT, rows, None) == [PAGED, ROLLED_BACK]
    assert chosen_events(RESULT, rows, {"edited_rows": {}}) == [PAGED, ROLLED_BACK]


def test_corrections_in_the_table_change_kind_and_approximate_and_untick():
    rows = preview_rows(RESULT, [], "UTC")
    edits = {"edited_rows": {"0": {"Kind": "Escalated", "Approximate": True},
                             1: {"Add": False}},
             "added_rows": [], "deleted_rows": []}
    [chosen] = chosen_events(RESULT, rows, edits)
    assert (chosen.kind, chosen.approximate, chosen.text, chosen.at) == (
        EventKind.escalated, True, "paged", PAGED.at)


def test_a_duplicate_ticked_again_by_hand_is_chosen():
    rows = preview_rows(RESULT, [PAGED], "UTC")
    assert chosen_events(RESULT, rows, None) == [ROLLED_BACK]
    assert chosen_events(RESULT, rows, {"edited_rows": {0: {"Add": True}}}) == [PAGED, ROLLED_BACK]


def test_an_unknown_kind_label_keeps_the_parsed_kind():
    rows = preview_rows(RESULT, [], "UTC")
    [first, _] = chosen_events(RESULT, rows, {"edited_rows": {0: {"Kind": "Nonsense"}}})
    assert first.kind == EventKind.detected


def test_an_upload_is_read_as_utf8_without_a_byte_order_mark():
    assert decode_upload("a.csv", "\ufefftime,kind".encode("utf-8")) == "time,kind"
    with pytest.raises(ValueError, match="b.csv is not a text file"):
        decode_upload("b.csv", b"\xff\xfe\x00bad")


def test_only_the_events_of_an_incident_file_are_previewed():
    text = json.dumps({"title": "Outage", "summary": "not for the timeline",
                       "events": [{"at": "2019-07-02T13:42:00Z", "kind": "detected", "text": "paged"}]})
    result = incident_file_events("outage.json", text)
    assert [(e.kind, e.text) for e in result.events] == [(EventKind.detected, "paged")]
    assert result.errors == []


def test_a_malformed_incident_file_is_refused_with_its_name_and_place():
    text = json.dumps({"title": "x", "events": [{"at": "noon", "text": "y"}]})
    with pytest.raises(ValueError) as refused:
        incident_file_events("broken.json", text)
    message = str(refused.value)
    assert message.startswith("broken.json is not a usable incident file: events[0].at")
    assert message.endswith("Nothing was imported.")
