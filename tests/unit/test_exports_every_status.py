"""Every export of a board holding an action in every status, parked
included: each format is made, and each says what it should about each
status. The table of formats is checked against the command line's, so a
new format cannot go untested."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, date, datetime, timedelta

import pytest
from PIL import Image, ImageColor

from canvas.actions import FollowUp, Status
from canvas.exports.actions_export import actions_calendar, actions_csv
from canvas.exports.brief import brief
from canvas.exports.calendar import ics_text
from canvas.exports.calendar_feed import calendar_feed
from canvas.exports.canvas_png import ACTION_STATUS_COLOURS, canvas_png, plan
from canvas.exports.digest import digest, digest_json, digest_markdown
from canvas.exports.export import export_document
from canvas.exports.external_summary import _STATUS_WORDS, external_summary
from canvas.exports.invite import impact_review_invite, review_invite
from canvas.exports.learnings_review import due_actions
from canvas.exports.markdown_pack import markdown_pack
from canvas.exports.pack import retrospective_pack
from canvas.exports.status_tables import StatusMissing, every_status
from canvas.exports.tracker_issue import Tracker, is_pushable, issue_payload
from postmortem_canvas import FORMATS
from tests.calendars import read_back
from tests.unit.golden.fixture_board import BOARD_ID, TODAY, cloudflare_snapshot

STAMP = datetime(2019, 7, 6, 9, 0, tzinfo=UTC)


def title_of(status: Status) -> str:
    return f"Action in status {status.value}"


def every_status_snapshot():
    """The golden board with one committed action (owner and due date) per
    status, parked included, each due the day after TODAY with a review."""
    snapshot = cloudflare_snapshot()
    extra = [FollowUp(id=f"s-{status.value}", board_id=BOARD_ID, created_at=STAMP,
                      updated_at=STAMP, title=title_of(status), owner="Kim",
                      due_date=TODAY + timedelta(days=1), review_date=TODAY + timedelta(days=2),
                      status=status, status_reason="Not worth it now" if status == Status.wont_do
                      else "")
             for status in Status]
    return snapshot.model_copy(update={"actions": [*snapshot.actions, *extra]})


@pytest.fixture(scope="module")
def board():
    return every_status_snapshot()


def test_the_board_holds_every_status():
    assert {action.status for action in every_status_snapshot().actions} == set(Status)


# --- every format the command line and the Export page offer -------------------------

def _json(snapshot):
    return json.dumps(export_document(snapshot, {}), ensure_ascii=False)


def _png_text(snapshot):
    # The PNG's words, as laid out: the picture itself is checked below.
    shapes = plan(snapshot, 1600, TODAY)
    assert canvas_png(snapshot, today=TODAY).startswith(b"\x89PNG\r\n\x1a\n")
    return "\n".join(" ".join(shape.lines) + " " + shape.meta for shape in shapes.actions)


def _rows(snapshot):
    return [(snapshot.board.title, action) for action in snapshot.actions]


MADE = {
    "md": lambda s: markdown_pack(s, TODAY),
    "png": _png_text,
    "json": _json,
    "csv": lambda s: actions_csv(_rows(s)),
    "ics": lambda s: ics_text(actions_calendar(_rows(s)), {}, STAMP),
    "external": lambda s: external_summary(s, TODAY),
    "brief": lambda s: brief(s, TODAY),
    "invite": lambda s: ics_text(review_invite(s, "https://canvas.example"), {}, STAMP),
    "review-invite": lambda s: ics_text(impact_review_invite(s, "https://canvas.example"), {},
                                        STAMP),
    "pack": lambda s: retrospective_pack(s, TODAY),
}
# Which statuses each format names by their action's title.
SHOWN = {
    "md": set(Status),
    "png": set(Status),
    "json": set(Status),
    "csv": set(Status),
    # Won't do is kept, CANCELLED; a parked idea is dated too.
    "ics": set(Status),
    # Customers hear about commitments only.
    "external": {Status.open, Status.in_progress, Status.done},
    # The top actions are the active ones (five at most: ours are due soonest).
    "brief": {Status.open, Status.in_progress},
    # The invite lists no actions at all.
    "invite": set(),
    "review-invite": set(),
    # The action tracker holds every commitment, and parked ideas apart.
    "pack": set(Status),
}


def test_every_format_of_the_command_line_is_tested_here():
    assert set(MADE) == set(FORMATS) == set(SHOWN)


@pytest.mark.parametrize("name", sorted(FORMATS))
def test_each_format_is_made_and_names_the_actions_it_should(board, name):
    text = MADE[name](board)
    named = {status for status in Status if title_of(status) in text}
    assert named == SHOWN[name]


def test_markdown_keeps_parked_ideas_apart_from_the_actions(board):
    pack = markdown_pack(board, TODAY)
    actions, parked = pack.split("## Parked ideas")
    assert title_of(Status.parked) not in actions.split("## Actions")[1]
    assert f"- {title_of(Status.parked)}" in parked
    assert "Won't do: Not worth it now" in actions


def test_csv_gives_each_action_its_status(board):
    records = {row["title"]: row for row in csv.DictReader(io.StringIO(actions_csv(_rows(board))))}
    for status in Status:
        assert records[title_of(status)]["status"] == status.value


def test_the_calendar_file_cancels_only_what_will_not_be_done(board):
    events = {event.summary: event
              for event in read_back(MADE["ics"](board)).events}
    for status in Status:
        expected = "CANCELLED" if status == Status.wont_do else "CONFIRMED"
        assert events[f"Due: {title_of(status)}"].status == expected, status


def test_the_external_summary_has_words_for_every_status(board):
    assert set(_STATUS_WORDS) == set(Status)
    summary = external_summary(board, TODAY)
    assert f"{title_of(Status.in_progress)} — In progress" in summary


def test_the_picture_paints_each_action_card_in_its_status_colour(board):
    image = Image.open(io.BytesIO(canvas_png(board, today=TODAY))).convert("RGB")
    cards = {shape.action.status: shape.box for shape in plan(board, 1600, TODAY).actions
             if shape.action.id.startswith("s-")}
    assert set(cards) == set(Status)
    for status, (left, top, _, bottom) in cards.items():
        stripe = image.getpixel((left + 2, (top + bottom) // 2))
        assert stripe == ImageColor.getrgb(ACTION_STATUS_COLOURS[status]), status
    assert len({ACTION_STATUS_COLOURS[status] for status in Status}) == len(Status)


def test_a_backup_keeps_every_status(board):
    document = export_document(board, {})
    statuses = {row["title"]: row["status"] for row in document["actions"]}
    assert {statuses[title_of(status)] for status in Status} == {s.value for s in Status}


# --- the other exports that read actions ----------------------------------------------

def test_the_live_calendar_leaves_out_dropped_and_parked_actions(board):
    feed = ics_text(calendar_feed(_rows(board), "Kim"), {}, STAMP)
    assert read_back(feed).name == "Kim"
    named = {status for status in Status if title_of(status) in feed}
    assert named == {Status.open, Status.in_progress, Status.done}


def test_the_digest_reminds_only_of_what_is_still_to_do_or_review(board):
    rows = [(BOARD_ID, board.board.title, "UTC", action) for action in board.actions]
    now = datetime.combine(TODAY, datetime.min.time(), tzinfo=UTC)
    groups = digest(rows, now, 7, owner="Kim")
    named = {status for status in Status
             if any(item.title == title_of(status) for item in groups.get("Kim", []))}
    assert named == {Status.open, Status.in_progress, Status.done}
    assert title_of(Status.parked) not in digest_markdown(groups, now, 7)
    assert json.loads(digest_json(groups, now, 7))["owners"]


def test_the_learnings_review_lists_only_active_actions_as_due(board):
    rows = [(BOARD_ID, board.board.title, action) for action in board.actions]
    due = {action.title for _, _, action in due_actions(rows, TODAY + timedelta(days=3))}
    assert {status for status in Status if title_of(status) in due} == {
        Status.open, Status.in_progress}


@pytest.mark.parametrize("tracker", list(Tracker))
def test_a_tracker_issue_is_made_for_every_status_it_may_push(board, tracker):
    for action in board.actions:
        if is_pushable(action, include_drafts=True):
            payload = issue_payload(board, action, tracker, "https://canvas.example/")
            assert payload.done == (action.status == Status.done)
    pushable = {action.status for action in board.actions if action.id.startswith("s-")
                and is_pushable(action, include_drafts=True)}
    assert pushable == set(Status) - {Status.wont_do}


def test_a_status_table_that_forgets_a_status_is_refused():
    with pytest.raises(StatusMissing, match="parked"):
        every_status({status: status.label for status in Status if status != Status.parked})
    assert every_status({status: 1 for status in Status}) == {status: 1 for status in Status}


def test_the_review_invite_is_made_for_a_board_with_every_status(board):
    [event] = read_back(MADE["invite"](board)).events
    assert event.start == date(2019, 7, 9)
