"""Timeline events, derived durations, order checks and incident files."""

from __future__ import annotations

import json
import os
from datetime import datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from pydantic import ValidationError

from canvas.timeline import (
    METRICS,
    EventKind,
    IncidentFileInvalid,
    TimelineEvent,
    compute_metrics,
    describe_metric,
    format_duration,
    in_time_order,
    metrics_as_seconds,
    out_of_order,
    parse_incident_file,
)

INCIDENTS_DIR = Path(
    os.environ.get("POSTMORTEM_INCIDENTS_DIR")
    or Path(__file__).resolve().parents[3] / "shared" / "incidents"
)


def event(at: str, kind: str = "other", text: str = "something happened", **fields) -> TimelineEvent:
    return TimelineEvent(at=at, kind=kind, text=text, **fields)


def metric(events: list[TimelineEvent], name: str):
    return next(m for m in compute_metrics(events) if m.name == name)


# --- the published incidents -----------------------------------------------

# The README table of shared/incidents, in seconds, written out by hand.
README_SECONDS = {
    # 3 min | null | 27 min | 1 h 10 min | 27 min
    "cloudflare-2019-07-02": (180, None, 1620, 4200, 1620),
    # 2 min | 17 min | 17 h 32 min | 24 h 11 min | 24 h 11 min
    "github-2018-10-21": (120, 1020, 63120, 87060, 87060),
    # 0 | null | 17 h 33 min | 18 h 47 min | 18 h 47 min
    "gitlab-2017-01-31": (0, None, 63180, 67620, 67620),
    # null | null | 2 h 49 min | 4 h 17 min | 4 h 17 min
    "aws-s3-2017-02-28": (None, None, 10140, 15420, 15420),
    # 7 min | null | 1 h 07 min | 1 h 16 min | 1 h 07 min
    "cloudflare-2025-03-21": (420, None, 4020, 4560, 4020),
}
METRIC_NAMES = (
    "time_to_detect", "time_to_acknowledge", "time_to_mitigate", "time_to_resolve", "impact_duration",
)

# The same table as the README prints it ("0" is shown as "0 min").
README_WORDS = {
    "cloudflare-2019-07-02": ("3 min", "no ‘acknowledged’ event yet", "27 min", "1 h 10 min", "27 min"),
    "github-2018-10-21": ("2 min", "17 min", "17 h 32 min", "24 h 11 min", "24 h 11 min"),
    "gitlab-2017-01-31": ("0 min", "no ‘acknowledged’ event yet", "17 h 33 min", "18 h 47 min", "18 h 47 min"),
    "aws-s3-2017-02-28": ("no ‘detected’ event yet", "no ‘acknowledged’ or ‘detected’ event yet",
                          "2 h 49 min", "4 h 17 min", "4 h 17 min"),
    "cloudflare-2025-03-21": ("7 min", "no ‘acknowledged’ event yet", "1 h 07 min", "1 h 16 min", "1 h 07 min"),
}


def load_incident(slug: str):
    if not INCIDENTS_DIR.is_dir():
        pytest.skip(f"no incident files at {INCIDENTS_DIR} (set POSTMORTEM_INCIDENTS_DIR)")
    return parse_incident_file((INCIDENTS_DIR / f"{slug}.json").read_text(encoding="utf-8"))


def test_every_incident_file_has_expected_durations_in_this_test():
    if not INCIDENTS_DIR.is_dir():
        pytest.skip(f"no incident files at {INCIDENTS_DIR} (set POSTMORTEM_INCIDENTS_DIR)")
    assert {path.stem for path in INCIDENTS_DIR.glob("*.json")} == set(README_SECONDS)


@pytest.mark.parametrize("slug", sorted(README_SECONDS))
def test_incident_file_durations_match_the_readme_table(slug):
    incident = load_incident(slug)
    assert metrics_as_seconds(incident.events) == dict(zip(METRIC_NAMES, README_SECONDS[slug]))


@pytest.mark.parametrize("slug", sorted(README_WORDS))
def test_incident_file_durations_read_like_the_readme_table(slug):
    incident = load_incident(slug)
    assert [describe_metric(m) for m in compute_metrics(incident.events)] == list(README_WORDS[slug])


@pytest.mark.parametrize(
    ("slug", "figure", "field", "metric_name"),
    [
        ("cloudflare-2019-07-02", "outage_minutes", "value", "impact_duration"),
        ("github-2018-10-21", "degraded_service_duration", "minutes", "impact_duration"),
        ("cloudflare-2025-03-21", "elevated_error_duration", "minutes", "impact_duration"),
    ],
)
def test_published_figure_agrees_with_the_derived_duration(slug, figure, field, metric_name):
    incident = load_incident(slug)
    assert incident.published_figures[figure][field] * 60 == metrics_as_seconds(incident.events)[metric_name]


@pytest.mark.parametrize("slug", sorted(README_SECONDS))
def test_incident_files_are_in_a_possible_order(slug):
    assert out_of_order(load_incident(slug).events) == []


def test_incident_file_keeps_its_descriptive_fields():
    incident = load_incident("cloudflare-2019-07-02")
    assert incident.slug == "cloudflare-2019-07-02"
    assert incident.organisation == "Cloudflare"
    assert incident.events[0].at == datetime(2019, 7, 2, 13, 31, tzinfo=timezone.utc)
    assert incident.events[2].kind is EventKind.trigger
    assert incident.published_figures["outage_minutes"]["value"] == 27
    assert len(incident.actions_published) == 7


# --- event kinds and events ------------------------------------------------------


def test_event_kinds_are_the_eleven_of_the_incident_format():
    assert [kind.value for kind in EventKind] == [
        "trigger", "impact_start", "detected", "acknowledged", "escalated", "communication",
        "action", "mitigated", "resolved", "impact_end", "other",
    ]


def test_event_kind_has_a_human_label():
    assert EventKind.impact_start.label == "Impact start"
    assert EventKind.detected.label == "Detected"
    assert f"{EventKind.impact_end}" == "impact_end"


def test_event_time_is_stored_in_utc():
    berlin = datetime(2019, 7, 2, 15, 42, tzinfo=ZoneInfo("Europe/Berlin"))
    stored = TimelineEvent(at=berlin, text="deploy").at
    assert stored == datetime(2019, 7, 2, 13, 42, tzinfo=timezone.utc)
    assert stored.utcoffset() == timedelta(0)


def test_event_time_from_iso_text_with_offset_is_converted_to_utc():
    assert event("2019-07-02T15:42:00+02:00").at == datetime(2019, 7, 2, 13, 42, tzinfo=timezone.utc)


def test_naive_event_time_is_refused_with_a_clear_message():
    with pytest.raises(ValidationError, match="has no zone"):
        TimelineEvent(at=datetime(2019, 7, 2, 13, 42), text="deploy")


def test_event_text_is_stripped():
    assert event("2019-07-02T13:42:00Z", text="  deploy  ").text == "deploy"


@pytest.mark.parametrize(
    ("text", "message"),
    [("   ", "text is empty"), ("x" * 501, "text is 501 characters long; the limit is 500")],
)
def test_event_text_must_be_1_to_500_characters(text, message):
    with pytest.raises(ValidationError, match=message):
        event("2019-07-02T13:42:00Z", text=text)


def test_event_text_of_500_characters_is_accepted():
    assert len(event("2019-07-02T13:42:00Z", text="x" * 500).text) == 500


@pytest.mark.parametrize("url", ["javascript:alert(1)", "ftp://example.com/log", "example.com", "https://"])
def test_evidence_link_must_be_http_or_https(url):
    with pytest.raises(ValidationError, match="http:// or https://"):
        event("2019-07-02T13:42:00Z", evidence_url=url)


def test_evidence_link_over_https_is_kept_and_blank_means_none():
    assert event("2019-07-02T13:42:00Z", evidence_url="https://grafana.example/d/1").evidence_url == (
        "https://grafana.example/d/1"
    )
    assert event("2019-07-02T13:42:00Z", evidence_url="  ").evidence_url is None


def test_event_kind_accepts_the_human_label():
    assert event("2019-07-02T13:42:00Z", kind="Impact start").kind is EventKind.impact_start


def test_unknown_event_kind_lists_the_valid_kinds():
    with pytest.raises(ValidationError, match="unknown kind 'outage'; use one of: trigger, impact_start"):
        event("2019-07-02T13:42:00Z", kind="outage")


def test_time_order_sorts_by_time_and_keeps_entry_order_for_ties():
    events = [
        event("2019-07-02T13:45:00Z", text="paged"),
        event("2019-07-02T13:42:00Z", text="deploy"),
        event("2019-07-02T13:42:00Z", text="502s"),
    ]
    assert [e.text for e in in_time_order(events)] == ["deploy", "502s", "paged"]


# --- durations --------------------------------------------------------------------


def test_metric_definitions_follow_the_readme_formulas():
    assert [(m.name, m.end, m.start, m.formula) for m in METRICS] == [
        ("time_to_detect", EventKind.detected, EventKind.impact_start, "detected − impact start"),
        ("time_to_acknowledge", EventKind.acknowledged, EventKind.detected, "acknowledged − detected"),
        ("time_to_mitigate", EventKind.mitigated, EventKind.impact_start, "mitigated − impact start"),
        ("time_to_resolve", EventKind.resolved, EventKind.impact_start, "resolved − impact start"),
        ("impact_duration", EventKind.impact_end, EventKind.impact_start, "impact end − impact start"),
    ]


def test_metric_carries_its_anchor_events():
    start = event("2019-07-02T13:42:00Z", "impact_start", "502s")
    detected = event("2019-07-02T13:45:00Z", "detected", "paged")
    found = metric([start, detected], "time_to_detect")
    assert (found.label, found.formula, found.seconds) == ("Time to detect", "detected − impact start", 180)
    assert found.start is start and found.end is detected and found.missing == []


def test_missing_anchor_gives_none_and_names_the_anchor():
    found = metric([event("2019-07-02T13:42:00Z", "impact_start")], "time_to_detect")
    assert found.seconds is None
    assert found.missing == [EventKind.detected]
    assert found.end is None
    assert describe_metric(found) == "no ‘detected’ event yet"


def test_empty_timeline_names_both_missing_anchors():
    found = metric([], "impact_duration")
    assert found.missing == [EventKind.impact_end, EventKind.impact_start]
    assert describe_metric(found) == "no ‘impact end’ or ‘impact start’ event yet"


def test_open_incident_does_not_tick_towards_now():
    # An impact with no end stays unknown; it is never "time since start".
    started = [event("2019-07-02T13:42:00Z", "impact_start")]
    assert metrics_as_seconds(started)["impact_duration"] is None


def test_anchor_is_the_earliest_event_of_its_kind_whatever_the_entry_order():
    events = [
        event("2019-07-02T13:50:00Z", "detected", "second alert"),
        event("2019-07-02T13:42:00Z", "impact_start"),
        event("2019-07-02T13:45:00Z", "detected", "first alert"),
    ]
    found = metric(events, "time_to_detect")
    assert found.end.text == "first alert"
    assert found.seconds == 180


def test_anchor_tie_goes_to_the_event_entered_first():
    events = [
        event("2019-07-02T13:42:00Z", "impact_start"),
        event("2019-07-02T13:45:00Z", "detected", "synthetic check"),
        event("2019-07-02T13:45:00Z", "detected", "customer report"),
    ]
    assert metric(events, "time_to_detect").end.text == "synthetic check"


def test_equal_timestamps_give_zero_duration():
    events = [event("2017-01-31T23:27:00Z", "impact_start"), event("2017-01-31T23:27:00Z", "detected")]
    found = metric(events, "time_to_detect")
    assert found.seconds == 0
    assert describe_metric(found) == "0 min"


def test_negative_duration_is_kept_and_described():
    events = [
        event("2019-07-02T13:28:00Z", "detected", "capacity alert"),
        event("2019-07-02T13:42:00Z", "impact_start"),
    ]
    found = metric(events, "time_to_detect")
    assert found.seconds == -840
    assert describe_metric(found) == "detected 14 min before impact started"


def test_negative_impact_duration_reads_as_impact_ended_before_it_started():
    events = [event("2019-07-02T15:00:00Z", "impact_start"), event("2019-07-02T13:50:00Z", "impact_end")]
    words = describe_metric(metric(events, "impact_duration"))
    assert words == "impact ended 1 h 10 min before impact started"


def test_duration_past_midnight():
    events = [event("2019-07-02T23:50:00Z", "impact_start"), event("2019-07-03T00:20:00Z", "resolved")]
    assert metrics_as_seconds(events)["time_to_resolve"] == 1800


def test_multi_day_incident_is_described_in_days_and_hours():
    events = [event("2019-07-01T10:00:00Z", "impact_start"), event("2019-07-04T12:30:00Z", "impact_end")]
    found = metric(events, "impact_duration")
    assert found.seconds == 3 * 86400 + 2 * 3600 + 1800
    assert describe_metric(found) == "3 d 2 h"


def test_durations_across_the_fall_back_change_are_real_elapsed_seconds():
    new_york = ZoneInfo("America/New_York")
    # 00:30 EDT (04:30Z) to 03:00 EST (08:00Z) on 2023-11-05: 3 h 30 min
    # elapsed, though the wall clock moved only 2 h 30 min.
    events = [
        TimelineEvent(at=datetime(2023, 11, 5, 0, 30, tzinfo=new_york), kind="impact_start", text="errors"),
        TimelineEvent(at=datetime(2023, 11, 5, 3, 0, tzinfo=new_york), kind="impact_end", text="ok"),
    ]
    assert metrics_as_seconds(events)["impact_duration"] == 12600


def test_approximate_anchor_makes_the_description_approximate():
    events = [
        event("2017-01-31T23:30:00Z", "impact_start", approximate=True),
        event("2017-01-31T23:57:00Z", "impact_end"),
    ]
    found = metric(events, "impact_duration")
    assert found.approximate
    assert describe_metric(found) == "about 27 min"


@pytest.mark.parametrize(
    ("seconds", "words"),
    [
        (0, "0 min"),
        (1, "1 s"),
        (45, "45 s"),
        (60, "1 min"),
        (119, "1 min"),
        (1620, "27 min"),
        (3599, "59 min"),
        (3600, "1 h"),
        (4020, "1 h 07 min"),
        (4200, "1 h 10 min"),
        (63180, "17 h 33 min"),
        (87060, "24 h 11 min"),
        (172799, "47 h 59 min"),
        (172800, "2 d"),
        (183600, "2 d 3 h"),
        (-840, "−14 min"),
    ],
)
def test_format_duration(seconds, words):
    assert format_duration(seconds) == words


# --- order checks -------------------------------------------------------------------


def test_event_listed_after_a_later_one_is_flagged_with_positions_and_ids():
    events = [
        event("2019-07-02T13:45:00Z", "detected", "paged", id="e1"),
        event("2019-07-02T13:42:00Z", "impact_start", "502s", id="e2"),
    ]
    [warning] = out_of_order(events)
    assert warning.positions == [0, 1]
    assert warning.event_ids == ["e1", "e2"]
    assert warning.message == (
        "‘502s’ at 2019-07-02 13:42 UTC is listed after ‘paged’ at 2019-07-02 13:45 UTC, which happened later"
    )


def test_events_with_equal_times_in_any_order_are_not_flagged():
    events = [event("2019-07-02T13:42:00Z", "impact_start"), event("2019-07-02T13:42:00Z", "trigger")]
    assert out_of_order(events) == []


def test_detection_before_impact_is_not_flagged():
    events = [event("2019-07-02T13:28:00Z", "detected"), event("2019-07-02T13:42:00Z", "impact_start")]
    assert out_of_order(events) == []


@pytest.mark.parametrize("kind", ["mitigated", "resolved", "impact_end"])
def test_anchor_before_impact_start_is_flagged(kind):
    # Entered in time order, so only the anchor rule can speak.
    events = [
        event("2019-07-02T13:30:00Z", kind, id="x"),
        event("2019-07-02T13:42:00Z", "impact_start", id="start"),
    ]
    [warning] = out_of_order(events)
    assert warning.event_ids == ["start", "x"]
    assert warning.positions == [1, 0]
    assert warning.message == (
        f"{EventKind(kind).label} (2019-07-02 13:30 UTC) is earlier than impact start (2019-07-02 13:42 UTC)"
    )


def test_resolved_before_mitigated_is_flagged():
    events = [
        event("2019-07-02T13:42:00Z", "impact_start"),
        event("2019-07-02T14:00:00Z", "resolved", id="r"),
        event("2019-07-02T14:30:00Z", "mitigated", id="m"),
    ]
    [warning] = out_of_order(events)
    assert warning.event_ids == ["m", "r"]
    assert warning.positions == [2, 1]
    assert "Resolved (2019-07-02 14:00 UTC) is earlier than mitigated" in warning.message


# --- incident files -------------------------------------------------------------------


def incident_json(**overrides) -> str:
    data = {
        "title": "WAF outage",
        "events": [
            {"at": "2019-07-02T13:42:00Z", "kind": "impact_start", "text": "502s"},
            {"at": "2019-07-02T14:09:00Z", "kind": "impact_end", "text": "ok"},
        ],
    }
    data.update(overrides)
    return json.dumps(data)


def test_minimal_incident_file_needs_only_title_and_events():
    incident = parse_incident_file(incident_json())
    assert incident.title == "WAF outage"
    assert (incident.slug, incident.notes, incident.published_figures) == ("", "", {})
    assert incident.contributing_factors == []
    assert metrics_as_seconds(incident.events)["impact_duration"] == 1620


def test_unknown_top_level_fields_are_ignored():
    assert parse_incident_file(incident_json(reviewed_by="ops")).title == "WAF outage"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('{"title": "x", "events": [}', r"^line 1, column 27: not valid JSON"),
        ("[]", r"^top level: expected a JSON object"),
        (json.dumps({"title": "x"}), r"^events: missing$"),
        (json.dumps({"events": []}), r"^title: missing$"),
        (incident_json(title="  "), r"^title: title is empty$"),
        (incident_json(events="none"), r"^events: Input should be a valid list"),
        (incident_json(summary=5), r"^summary: Input should be a valid string"),
    ],
)
def test_malformed_incident_file_names_the_problem_and_place(text, message):
    with pytest.raises(IncidentFileInvalid, match=message):
        parse_incident_file(text)


def bad_events(**bad) -> str:
    events = [{"at": f"2019-07-02T13:4{i}:00Z", "kind": "other", "text": "fine"} for i in range(5)]
    events[3].update(bad)
    return incident_json(events=events)


@pytest.mark.parametrize(
    ("bad", "message"),
    [
        ({"at": "2019-07-02T13:42:00"}, r"^events\[3\]\.at: time has no zone \(naive\): not an ISO-8601 time with a zone"),
        ({"at": "13:42 yesterday"}, r"^events\[3\]\.at: not an ISO-8601 time with a zone"),
        ({"at": 1562074920}, r"^events\[3\]\.at: not an ISO-8601 time with a zone"),
        ({"kind": "outage"}, r"^events\[3\]\.kind: unknown kind 'outage'; use one of: trigger, impact_start"),
        ({"text": ""}, r"^events\[3\]\.text: text is empty"),
    ],
)
def test_bad_event_in_incident_file_is_named_by_its_position(bad, message):
    with pytest.raises(IncidentFileInvalid, match=message):
        parse_incident_file(bad_events(**bad))


def test_missing_event_time_is_named():
    events = [{"kind": "other", "text": "no time"}]
    with pytest.raises(IncidentFileInvalid, match=r"^events\[0\]\.at: missing$"):
        parse_incident_file(incident_json(events=events))


def test_many_problems_are_summarised():
    events = [{"at": "bad", "text": "x"} for _ in range(5)]
    with pytest.raises(IncidentFileInvalid, match=r"events\[2\]\.at: .*; and 2 more$"):
        parse_incident_file(incident_json(events=events))


def test_incident_file_error_is_a_value_error():
    assert issubclass(IncidentFileInvalid, ValueError)
