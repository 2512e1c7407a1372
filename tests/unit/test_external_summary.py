"""The summary for customers and the wider company: what it says, and what it never says."""

from __future__ import annotations

import re
from datetime import date

import pytest

from canvas.actions import ActionType, Status
from canvas.exports.external_summary import external_summary
from canvas.models import Participant, Roles
from canvas.incident.timeline import EventKind, TimelineEvent
from tests.unit.test_completeness import (
    BOARD_ID,
    INCIDENT_FILES,
    NEXT_MONTH,
    T0,
    action,
    board_from_incident,
    committed,
    incident_path,
    note,
    plus,
    replaced,
)

TODAY = date(2025, 6, 1)

# Impact duration (impact end − impact start) as shared/incidents/README.md gives it.
IMPACT_DURATIONS = {
    "cloudflare-2019-07-02": "27 min",
    "github-2018-10-21": "24 h 11 min",
    "gitlab-2017-01-31": "18 h 47 min",
    "aws-s3-2017-02-28": "4 h 17 min",
    "cloudflare-2025-03-21": "1 h 07 min",
}

PEOPLE = ("Priya Raman", "Oskar Lindqvist", "Amara Okafor", "Jonas Weber", "Mei Tanaka")


def summary_of(snapshot, today: date = TODAY) -> str:
    return external_summary(snapshot, today)


def staffed_board():
    """Cloudflare 2019 with roles, participants, authored notes and owned actions."""
    snapshot = board_from_incident(
        incident_path("cloudflare-2019-07-02"),
        roles=Roles(facilitator="Priya Raman", scribe="Oskar Lindqvist", decision_owner="Amara Okafor"),
        other_participants="Mei Tanaka (support)",
        impact="Visitors got 502 errors for 27 minutes.",
    )
    participants = [Participant(id=f"p{index}", board_id=BOARD_ID, display_name=name, joined_at=T0,
                                last_seen_at=T0)
                    for index, name in enumerate(PEOPLE[:4], start=2)]
    return plus(
        snapshot,
        participants=participants,
        notes=[note(90, "prevent", "Canary every rule change on one PoP first", author="p2"),
               note(91, "react", "Our break-glass login timed out during the kill", author="p3")],
        actions=[committed(1, "Roll out WAF rules in stages", owner="Jonas Weber",
                           status=Status.in_progress),
                 committed(2, "Re-introduce the regex CPU protection", owner="Mei Tanaka",
                           status=Status.done, type=ActionType.detect),
                 committed(3, "Move to the re2 engine", owner="Oskar Lindqvist",
                           status=Status.wont_do, status_reason="Rust regex engine instead")],
    )


@pytest.mark.parametrize("path", INCIDENT_FILES, ids=lambda path: path.stem)
def test_states_the_impact_duration_of_each_incident_file_in_words(path):
    text = summary_of(board_from_incident(path))
    assert f"The impact lasted {IMPACT_DURATIONS[path.stem]}, from " in text


def test_cloudflare_2019_impact_lasted_27_min_with_dated_zoned_times():
    text = summary_of(board_from_incident(incident_path("cloudflare-2019-07-02")))

    assert "27 min" in text
    assert "- **Impact started:** 2019-07-02 13:42 UTC" in text
    assert "- **We detected the problem:** 2019-07-02 13:45 UTC" in text
    assert "- **Impact mitigated:** 2019-07-02 14:09 UTC" in text
    assert "- **Resolved:** 2019-07-02 14:52 UTC" in text
    assert "from 2019-07-02 13:42 UTC to 2019-07-02 14:09 UTC." in text


def test_times_are_shown_in_the_boards_zone():
    text = summary_of(board_from_incident(incident_path("cloudflare-2019-07-02"),
                                          timezone="America/New_York"))
    assert "- **Impact started:** 2019-07-02 09:42 EDT" in text
    assert "UTC" not in text


def test_a_missing_anchor_is_left_out_rather_than_shown_as_a_gap():
    # AWS published no detection time.
    text = summary_of(board_from_incident(incident_path("aws-s3-2017-02-28")))
    assert "detected" not in text.lower()
    assert "- **Impact started:** 2017-02-28 17:37 UTC" in text


def test_without_an_impact_end_the_duration_is_not_guessed():
    snapshot = board_from_incident(incident_path("cloudflare-2019-07-02"))
    snapshot = replaced(snapshot, events=[event for event in snapshot.events
                                          if event.kind != EventKind.impact_end])
    text = summary_of(snapshot)
    assert "The impact lasted" not in text
    assert "The end of the impact is still being confirmed." in text


def test_an_approximate_anchor_says_about():
    snapshot = board_from_incident(incident_path("cloudflare-2019-07-02"))
    events = [event.model_copy(update={"approximate": True}) if event.kind == EventKind.impact_end
              else event for event in snapshot.events]
    text = summary_of(replaced(snapshot, events=events))
    assert "The impact lasted about 27 min" in text
    assert "- **Impact ended:** 2019-07-02 14:09 UTC (approximately)" in text


def test_a_board_without_events_says_the_timeline_is_coming():
    text = summary_of(replaced(board_from_incident(incident_path("cloudflare-2019-07-02")), events=[]))
    assert "*The timeline is still being put together.*" in text
    assert "The impact lasted" not in text


def test_has_title_date_summary_and_sections_in_order():
    text = summary_of(staffed_board())

    assert text.startswith("# Global Cloudflare outage from a CPU-exhausting WAF rule\n")
    assert "**Date:** 2019-07-02 · **Updated:** 2025-06-01" in text
    assert "visitors to Cloudflare-proxied sites received 502 errors" in text
    assert "**Impact:** Visitors got 502 errors for 27 minutes." in text
    positions = [text.index(heading) for heading in
                 ("## Summary", "## What happened", "## What we are doing")]
    assert positions == sorted(positions)


def test_contains_no_participant_owner_or_role_names_even_when_set():
    text = summary_of(staffed_board())

    for name in PEOPLE:
        assert name not in text
        assert name.split()[0] not in text
    for role in ("Facilitator", "Scribe", "Decision owner", "Also involved", "Imported"):
        assert role.lower() not in text.lower()


def test_contains_no_notes_and_no_event_texts():
    snapshot = staffed_board()
    text = summary_of(snapshot)

    for sticky in snapshot.notes:
        assert sticky.text not in text
        assert sticky.text[:30] not in text
    for event in snapshot.events:
        assert event.text[:30] not in text


def test_what_we_are_doing_lists_committed_actions_by_title_and_status():
    snapshot = plus(staffed_board(), actions=[action(4, "Automate status page updates",
                                                     owner="Jonas Weber")])
    text = summary_of(snapshot)

    assert "- Roll out WAF rules in stages — In progress\n" in text
    assert "- Re-introduce the regex CPU protection — Done\n" in text
    # Won't do, and drafts (the imported actions; one with an owner but no date).
    assert "re2 engine" not in text
    assert "Automate status page updates" not in text
    assert "Roll out WAF rules in stages, keeping" not in text


def test_open_committed_actions_read_as_planned():
    snapshot = replaced(staffed_board(), actions=[committed(1, "Stage WAF rollouts",
                                                            due_date=NEXT_MONTH)])
    assert "- Stage WAF rollouts — Planned" in summary_of(snapshot)


def test_without_commitments_it_says_actions_are_being_agreed():
    # An import brings only drafts.
    text = summary_of(board_from_incident(incident_path("gitlab-2017-01-31")))
    assert "*Follow-up actions are still being agreed.*" in text


def test_user_text_is_escaped():
    hostile = "<img src=x onerror=alert(1)> [click](javascript:alert(1)) # not a heading"
    snapshot = board_from_incident(incident_path("aws-s3-2017-02-28"), title="S3 <b>down</b> | #1",
                                   summary=hostile, impact="`rm -rf` *all*")
    snapshot = plus(snapshot, actions=[committed(1, "Fix <script>x</script> [a](javascript:b)")])
    text = summary_of(snapshot)

    assert text.startswith("# S3 \\<b\\>down\\</b\\> \\| #1\n")
    # Every tag, link bracket and code tick arrives with its backslash.
    assert not re.search(r"(?<!\\)[<\[`]", text)
    assert "\\`rm -rf\\` \\*all\\*" in text
    assert "\\[click\\](javascript:alert(1)) # not a heading" in text


def test_an_incident_date_falls_back_to_the_local_day_impact_started():
    snapshot = board_from_incident(incident_path("cloudflare-2019-07-02"), incident_date=None,
                                   timezone="Pacific/Kiritimati")  # UTC+14: already 3 July
    assert "**Date:** 2019-07-03" in summary_of(snapshot)


def test_a_flagged_timeline_event_text_never_reaches_the_summary():
    snapshot = plus(board_from_incident(incident_path("cloudflare-2019-07-02")), events=[
        TimelineEvent(id="e99", at="2019-07-02T13:50:00Z", kind=EventKind.escalated,
                      text="Jonas Weber escalates to the WAF team")])
    text = summary_of(snapshot)
    assert "Jonas" not in text
    assert "escalat" not in text.lower()


def test_customer_facing_actions_come_first_under_their_own_heading():
    snapshot = replaced(staffed_board(), actions=[
        committed(1, "Stage WAF rollouts", owner="Jonas Weber"),
        committed(2, "Send <b>affected</b> customers a credit", owner="Mei Tanaka",
                  customer_facing=True),
        committed(3, "Tell customers when the status page changes", owner="Mei Tanaka",
                  customer_facing=True, status=Status.wont_do, status_reason="Not needed")])
    text = summary_of(snapshot)
    noticed = text.split("## What changes for customers")[1].split("## What we are doing")[0]
    assert noticed.strip() == "- Send \\<b\\>affected\\</b\\> customers a credit — Planned"
    assert text.split("## What we are doing")[1].strip() == "- Stage WAF rollouts — Planned"
    unmarked = replaced(staffed_board(), actions=[committed(1, "Stage WAF rollouts", owner="Jonas")])
    assert "## What changes for customers" not in summary_of(unmarked)
