"""The recurring Impact & Learnings review a board proposes: one event that
repeats weekly or fortnightly, read back by two iCalendar parsers."""

from datetime import UTC, date, datetime

import pytest
from ical.calendar_stream import IcsCalendarStream

from canvas.errors import ImpactReviewNotProposed
from canvas.exports.calendar import ics_text
from canvas.exports.invite import impact_review_invite, review_invite
from canvas.models import Cadence
from tests.calendars import raw_lines, read_back
from tests.unit.golden.fixture_board import cloudflare_snapshot

STAMP = datetime(2019, 7, 5, 9, 30, tzinfo=UTC)
BASE = "https://postmortems.example.com/canvas"


def proposing(cadence: Cadence | None, start: date | None = date(2019, 7, 15)):
    snapshot = cloudflare_snapshot()
    board = snapshot.board.model_copy(update={
        "impact_review": cadence, "impact_review_start": start,
        "invitees": "Dana <dana@example.com>\nKim"})
    return snapshot.model_copy(update={"board": board})


@pytest.mark.parametrize("cadence, interval", [(Cadence.weekly, 1), (Cadence.fortnightly, 2)])
def test_the_review_repeats_every_one_or_two_weeks_from_its_first_day(cadence, interval):
    text = ics_text(impact_review_invite(proposing(cadence), BASE), {}, STAMP)

    read = read_back(text)
    (event,) = read.events
    assert read.method == "REQUEST"
    assert (event.start, event.end) == (date(2019, 7, 15), date(2019, 7, 16))
    assert event.summary == "Impact & Learnings review"
    rule = event.component.decoded("RRULE")
    assert rule["FREQ"] == ["WEEKLY"] and rule["INTERVAL"] == [interval]
    assert "UNTIL" not in rule and "COUNT" not in rule
    assert f"RRULE:FREQ=WEEKLY;INTERVAL={interval}" in raw_lines(text)
    # The strict parser reads the same rule.
    (theirs,) = IcsCalendarStream.calendar_from_ics(text).events
    assert theirs.rrule.freq.value == "WEEKLY" and theirs.rrule.interval == interval
    assert "minutes of customer impact" in event.description
    assert "time to detect and time to resolve" in event.description
    assert "Dana (facilitator)" in event.description
    assert any(line.startswith("ATTENDEE") and "dana@example.com" in line
               for line in raw_lines(text))


def test_the_review_meeting_invite_does_not_repeat_and_has_its_own_uid():
    snapshot = proposing(Cadence.weekly)
    meeting = read_back(ics_text(review_invite(snapshot, BASE), {}, STAMP)).events[0]
    recurring = read_back(ics_text(impact_review_invite(snapshot, BASE), {}, STAMP)).events[0]
    assert "RRULE" not in meeting.component
    # The meeting is on the review meeting's date, not the follow-up review's.
    assert meeting.start == snapshot.board.review_date != snapshot.board.follow_up_date
    assert meeting.uid != recurring.uid


def test_a_board_that_proposes_no_review_is_refused_with_where_to_propose_one():
    with pytest.raises(ImpactReviewNotProposed, match="weekly or fortnightly"):
        impact_review_invite(proposing(None, None), BASE)
