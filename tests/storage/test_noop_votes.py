"""A vote or a take-back that changes nothing leaves the board's revision
alone, so no viewer redraws for it; one that changes something moves it once."""

import psycopg
import pytest

from canvas.models import BoardDraft, NoteDraft
from canvas.session.phases import Credentials, Phase
from canvas.session.voting import VoteBudgetExceeded, VoteRules
from storage import boards, facilitation, notes, participants, votes
from storage.changes import CHANNEL


@pytest.fixture
def voting(db):
    """A board in Vote with two notes, and Vic to vote on them."""
    started = facilitation.start_board(db, BoardDraft(title="Votes", facilitator_name="Fran"))
    board_id = started.board.id
    ann, _ = participants.join_board(db, board_id, "Ann")
    items = [notes.add_note(db, board_id, "detect", NoteDraft(text=f"idea {i}"),
                            Credentials(participant_id=ann.id)).id for i in range(2)]
    facilitation.set_vote_rules(db, board_id, started.facilitator_key, VoteRules(budget=1, max_per_item=1))
    facilitation.set_phase(db, board_id, started.facilitator_key, Phase.vote)
    vic, _ = participants.join_board(db, board_id, "Vic")
    return board_id, items, Credentials(participant_id=vic.id)


def stamp(db, board_id):
    return db.execute("SELECT revision, updated_at FROM boards WHERE id = ?", [board_id]).fetchone()


def test_a_repeated_vote_click_leaves_the_revision_alone(db, voting):
    board_id, items, vic = voting
    before = boards.board_revision(db, board_id)
    assert votes.cast_vote(db, board_id, vic, items[0], seen=0) is True
    assert boards.board_revision(db, board_id) == before + 1
    after_vote = stamp(db, board_id)
    assert votes.cast_vote(db, board_id, vic, items[0], seen=0) is False
    assert stamp(db, board_id) == after_vote


def test_taking_back_a_dot_that_is_not_there_leaves_the_revision_alone(db, voting):
    board_id, items, vic = voting
    before = stamp(db, board_id)
    for seen in (0, 1):
        assert votes.retract_vote(db, board_id, vic, items[1], seen) is False
    assert votes.retract_vote(db, board_id, vic, "no-such-item", 1) is False
    assert stamp(db, board_id) == before


def test_a_take_back_from_a_stale_page_leaves_the_revision_alone(db, voting):
    board_id, items, vic = voting
    votes.cast_vote(db, board_id, vic, items[0], seen=0)
    assert votes.retract_vote(db, board_id, vic, items[0], seen=1) is True
    after_take_back = stamp(db, board_id)
    assert votes.retract_vote(db, board_id, vic, items[0], seen=1) is False
    assert stamp(db, board_id) == after_take_back
    assert votes.my_votes(db, board_id, vic.participant_id) == {}


def test_a_vote_beyond_the_budget_leaves_the_revision_alone(db, voting):
    board_id, items, vic = voting
    votes.cast_vote(db, board_id, vic, items[0], seen=0)
    before = stamp(db, board_id)
    with pytest.raises(VoteBudgetExceeded):
        votes.cast_vote(db, board_id, vic, items[1], seen=0)
    assert stamp(db, board_id) == before


@pytest.mark.postgresql_only
def test_a_vote_that_changes_nothing_announces_nothing(db_file, db, voting):
    board_id, items, vic = voting
    with psycopg.connect(str(db_file), autocommit=True) as listener:
        listener.execute(f"LISTEN {CHANNEL}")
        votes.retract_vote(db, board_id, vic, items[0], seen=0)
        votes.cast_vote(db, board_id, vic, items[0], seen=1)
        assert votes.cast_vote(db, board_id, vic, items[0], seen=0) is True
        # Notifications arrive in commit order: one from a no-op would come
        # first. The channel is the whole server's, so other boards' are passed over.
        heard = next(note.payload for note in listener.notifies(timeout=10)
                     if note.payload.startswith(f"{board_id}:"))
    assert heard == f"{board_id}:{boards.board_revision(db, board_id)}"
