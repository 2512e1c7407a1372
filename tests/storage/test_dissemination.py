"""The dissemination plan, the follow-up review date and the recurring review
are saved together, in one transaction that moves the board's revision."""

from datetime import date

import pytest
from pydantic import ValidationError

from canvas.errors import CanvasError
from canvas.models import BoardDraft, Cadence, DisseminationPlan
from canvas.session.phases import Credentials
from storage import boards, dissemination, facilitation, participants
from storage.snapshot import load_snapshot


@pytest.fixture
def started(db):
    return facilitation.start_board(db, BoardDraft(title="Checkout outage", facilitator_name="Fran"))


PLAN = DisseminationPlan.model_validate({
    "follow_up_date": "2026-02-02", "impact_review": "fortnightly",
    "impact_review_start": "2026-01-19",
    "entries": [
        {"audience": "Support", "channel": "#support", "day": "2026-01-12", "owner": "Sue"},
        {"audience": "Engineering all-hands", "channel": "Monday demo"},
    ]})


def test_a_saved_plan_comes_back_in_order_with_its_dates(db, started):
    board_id = started.board.id
    before = boards.board_revision(db, board_id)

    dissemination.save_dissemination_plan(db, board_id, PLAN)

    snapshot = load_snapshot(db, board_id)
    assert [(e.audience, e.channel, e.day, e.owner) for e in snapshot.dissemination] == [
        ("Support", "#support", date(2026, 1, 12), "Sue"),
        ("Engineering all-hands", "Monday demo", None, "")]
    board = snapshot.board
    assert (board.follow_up_date, board.impact_review, board.impact_review_start) == (
        date(2026, 2, 2), Cadence.fortnightly, date(2026, 1, 19))
    # The meeting's own date is another field, left alone.
    assert board.review_date is None
    assert boards.board_revision(db, board_id) == before + 1


def test_saving_again_replaces_the_plan(db, started):
    board_id = started.board.id
    dissemination.save_dissemination_plan(db, board_id, PLAN)
    dissemination.save_dissemination_plan(db, board_id, DisseminationPlan(
        entries=[{"audience": "Leadership", "channel": "Email"}]))
    snapshot = load_snapshot(db, board_id)
    assert [e.audience for e in snapshot.dissemination] == ["Leadership"]
    assert snapshot.board.follow_up_date is None and snapshot.board.impact_review is None


def test_someone_not_on_the_board_cannot_change_the_plan(db, started):
    board_id = started.board.id
    with pytest.raises(CanvasError):
        dissemination.save_dissemination_plan(db, board_id, PLAN, Credentials())
    assert load_snapshot(db, board_id).dissemination == []


def test_a_participant_may_keep_the_plan(db, started):
    board_id = started.board.id
    ann, _ = participants.join_board(db, board_id, "Ann")
    saved = dissemination.save_dissemination_plan(db, board_id, PLAN,
                                                  Credentials(participant_id=ann.id))
    assert len(saved) == 2


def test_a_recurring_review_without_a_first_day_is_refused():
    with pytest.raises(ValidationError, match="first meeting"):
        DisseminationPlan(impact_review="weekly")
