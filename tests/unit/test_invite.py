"""The review meeting invite: a golden file, and the file read back by a real
iCalendar library (icalendar), as a calendar program would."""

from datetime import UTC, date, datetime

import icalendar
import pytest

from canvas.errors import InviteNeedsReviewDate
from canvas.exports.invite import invitees_of, review_invite
from canvas.models import GROUND_RULES, Roles
from canvas.snapshot import BoardSnapshot
from tests.unit.golden import assert_matches_golden
from tests.unit.golden.fixture_board import cloudflare_snapshot

STAMP = datetime(2019, 7, 5, 9, 30, tzinfo=UTC)
BASE = "https://postmortems.example.com/canvas"


def invited_snapshot() -> BoardSnapshot:
    snapshot = cloudflare_snapshot()
    board = snapshot.board.model_copy(update={
        "roles": Roles(facilitator="Dana", scribe="Lee", decision_owner="Sam",
                       customer_facing="Ari", support="Kim"),
        "invitees": "Dana <dana@example.com>\nkim <kim@example.com>\n"
                    "support-oncall@example.com\n- Legal, Privacy; \"review\"\n\n",
    })
    return snapshot.model_copy(update={"board": board})


def test_the_cloudflare_invite_matches_the_golden_file():
    assert_matches_golden("cloudflare-2019-07-02-invite.ics",
                          review_invite(invited_snapshot(), BASE, STAMP))


def test_a_calendar_library_reads_the_meeting_with_link_agenda_rules_and_invitees():
    snapshot = invited_snapshot()
    calendar = icalendar.Calendar.from_ical(review_invite(snapshot, BASE, STAMP))

    [event] = calendar.walk("VEVENT")
    assert event.decoded("DTSTART") == date(2019, 7, 9)
    assert event.decoded("DTEND") == date(2019, 7, 10)
    assert str(event["URL"]) == f"{BASE}/?board={snapshot.board.id}"
    assert str(event["SUMMARY"]) == f"Postmortem review: {snapshot.board.title}"
    description = str(event["DESCRIPTION"])
    assert f"Board: {BASE}/?board={snapshot.board.id}" in description
    agenda = description.split("Agenda:\n", 1)[1].split("\n\n", 1)[0].splitlines()
    assert agenda == [f"{index}. {step.title}"
                      for index, step in enumerate(snapshot.template.steps, start=1)]
    for rule in GROUND_RULES:
        assert f"- {rule}" in description
    invitees = description.split("Invitees:\n", 1)[1].split("\n\n", 1)[0].splitlines()
    assert invitees == ["- Dana (facilitator)", "- Lee (scribe)", "- Sam (decision owner)",
                        "- Ari (customer-facing)", "- Kim (support)",
                        "- support-oncall@example.com (participant)",
                        '- Legal, Privacy; "review" (participant)']
    attendees = event["ATTENDEE"]
    assert [str(a) for a in attendees] == ["mailto:dana@example.com", "mailto:kim@example.com",
                                           "mailto:support-oncall@example.com"]
    assert [a.params["ROLE"] for a in attendees] == ["CHAIR", "REQ-PARTICIPANT", "REQ-PARTICIPANT"]
    assert attendees[1].params["CN"] == "Kim"
    assert str(event["ORGANIZER"]) == "mailto:dana@example.com"
    assert [str(c) for c in event["CATEGORIES"].cats] == ["postmortem", "waf"]


def test_one_person_named_in_a_role_and_the_invitee_list_is_invited_once_with_both():
    people = invitees_of(invited_snapshot().board)
    kim = [person for person in people if person.name.casefold() == "kim"]
    assert len(kim) == 1
    assert (kim[0].roles, kim[0].address) == (["support"], "kim@example.com")


def test_an_address_that_could_break_the_calendar_line_is_not_used_as_an_address():
    snapshot = invited_snapshot()
    board = snapshot.board.model_copy(update={"invitees": "Eve <eve;x:y@example.com>"})
    eve = invitees_of(board)[-1]
    assert eve.address == "" and eve.name == "Eve <eve;x:y@example.com>"


def test_a_board_without_a_review_date_has_no_invite():
    snapshot = cloudflare_snapshot()
    undated = snapshot.model_copy(update={"board": snapshot.board.model_copy(
        update={"review_date": None})})
    with pytest.raises(InviteNeedsReviewDate, match="Summary"):
        review_invite(undated, BASE, STAMP)
