"""The review meeting invite: a golden file, and the file read back by two
iCalendar parsers, as calendar programs would."""

from datetime import UTC, date, datetime

import icalendar
import pytest

from canvas.errors import InviteNeedsReviewDate
from canvas.exports.calendar import Revision, ics_text
from canvas.exports.invite import invitees_of, review_invite
from canvas.models import GROUND_RULES, Roles
from canvas.snapshot import BoardSnapshot
from tests.calendars import raw_lines, read_back
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


def invite(snapshot: BoardSnapshot, revisions=None, stamp=STAMP) -> str:
    return ics_text(review_invite(snapshot, BASE), revisions or {}, stamp)


def test_the_cloudflare_invite_matches_the_golden_file():
    uid = f"review-{invited_snapshot().board.id}@postmortem-canvas"
    assert_matches_golden("cloudflare-2019-07-02-invite.ics", invite(
        invited_snapshot(), {uid: Revision(2, datetime(2019, 7, 4, 16, 45, tzinfo=UTC))}))


def test_a_calendar_library_reads_the_meeting_with_link_agenda_rules_and_invitees():
    snapshot = invited_snapshot()
    text = invite(snapshot)
    [read] = read_back(text).events
    assert (read.start, read.end, read.stamp) == (date(2019, 7, 9), date(2019, 7, 10), STAMP)
    assert read_back(text).method == "REQUEST"
    event = read.component
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
        review_invite(undated, BASE)


def test_a_changed_invite_is_a_new_version_of_the_same_meeting():
    snapshot = invited_snapshot()
    [before] = review_invite(snapshot, BASE).events
    moved = snapshot.model_copy(update={"board": snapshot.board.model_copy(
        update={"review_date": date(2019, 7, 11)})})
    [after] = review_invite(moved, BASE).events
    assert before.uid == after.uid and before.fingerprint != after.fingerprint
    text = invite(moved, {after.uid: Revision(1, STAMP)})
    [read] = read_back(text).events
    assert (read.start, read.sequence) == (date(2019, 7, 11), 1)


def test_a_meeting_makes_people_busy_and_names_the_organizer_once():
    lines = raw_lines(invite(invited_snapshot()))
    assert "TRANSP:OPAQUE" in lines
    assert [line for line in lines if line.startswith("ORGANIZER")] == [
        'ORGANIZER;CN=Dana:mailto:dana@example.com']
