"""A ranked item becomes an action in one write: the item and the board's
template are read inside the transaction that stores the action (both databases)."""

import threading

import psycopg
import pytest
from pydantic import ValidationError

from canvas.actions import ActionType, SourceKind
from canvas.errors import NoteNotFound, NotVotable
from canvas.models import BoardDraft, NoteDraft
from canvas.session.phases import Credentials, Phase, PhaseForbids
from storage import actions, boards, clusters, facilitation, notes, participants
from storage.boards import changing_board
from storage.db import connect

# A bound for a test that fails, never a speed requirement.
PATIENCE = 20.0


@pytest.fixture
def meeting(db):
    """A board in Discuss holding a cluster in Detect and a loose note in Prevent, and Ann."""
    started = facilitation.start_board(db, BoardDraft(title="Checkout errors", facilitator_name="Fran"))
    board_id, key = started.board.id, started.facilitator_key
    person, _ = participants.join_board(db, board_id, "Ann")
    ann = Credentials(participant_id=person.id)
    first = notes.add_note(db, board_id, "detect", NoteDraft(text="Pager was muted"), ann)
    second = notes.add_note(db, board_id, "detect", NoteDraft(text="No alert on 5xx"), ann)
    loose = notes.add_note(db, board_id, "prevent", NoteDraft(text="Canary the config push"), ann)
    facilitation.set_phase(db, board_id, key, Phase.group)
    cluster = clusters.move_note(db, board_id, second.id, step_key="detect", onto_note_id=first.id,
                                 seen_revision=boards.board_revision(db, board_id), credentials=ann)
    facilitation.set_phase(db, board_id, key, Phase.discuss)
    return started, ann, cluster, loose


def test_a_cluster_and_a_note_become_actions_typed_by_their_step(db, meeting):
    started, ann, cluster, loose = meeting
    board_id = started.board.id
    from_cluster = actions.add_action_for_item(db, board_id, cluster, {"title": "Alert on 5xx"}, ann)
    from_note = actions.add_action_for_item(db, board_id, loose.id, {"title": "Canary", "owner": "Kim"}, ann)
    assert (from_cluster.type, from_cluster.source_kind, from_cluster.source_id) == (
        ActionType.detect, SourceKind.cluster, cluster)
    assert (from_note.type, from_note.source_kind, from_note.source_id, from_note.owner) == (
        ActionType.prevent, SourceKind.note, loose.id, "Kim")


def test_an_action_made_from_an_item_moves_the_board_by_one_revision(db, meeting):
    started, ann, cluster, loose = meeting
    before = boards.board_revision(db, started.board.id)
    actions.add_action_for_item(db, started.board.id, loose.id, {"title": "Canary"}, ann)
    assert boards.board_revision(db, started.board.id) == before + 1


@pytest.mark.parametrize("refusal", ["deleted note", "another board's note", "empty title", "not discussing"])
def test_a_refused_item_writes_nothing(db, meeting, refusal):
    started, ann, cluster, loose = meeting
    board_id, item, fields = started.board.id, loose.id, {"title": "Canary"}
    expected = {"deleted note": NotVotable, "another board's note": NoteNotFound,
                "empty title": ValidationError, "not discussing": PhaseForbids}[refusal]
    if refusal == "deleted note":
        _delete_in_group(db, started, loose.id, ann)
    elif refusal == "another board's note":
        other = facilitation.start_board(db, BoardDraft(title="Other", facilitator_name="Bo"))
        item = notes.add_note(db, other.board.id, "detect", NoteDraft(text="theirs"),
                              Credentials(participant_id=other.facilitator.id)).id
    elif refusal == "empty title":
        fields = {"title": "   "}
    else:
        facilitation.set_phase(db, board_id, started.facilitator_key, Phase.vote)
    before = boards.board_revision(db, board_id)
    with pytest.raises(expected):
        actions.add_action_for_item(db, board_id, item, fields, ann)
    assert actions.list_actions(db, board_id) == []
    assert boards.board_revision(db, board_id) == before


@pytest.mark.postgresql_only
def test_a_note_deleted_while_its_action_waits_for_the_board_is_not_made_an_action(db, db_file, meeting):
    """The note is read after the board is locked: a deletion that held the
    lock first is what the action's write sees."""
    started, ann, _, loose = meeting
    board_id = started.board.id
    deleter, outcome = connect(db_file), []

    def make_action():
        own = connect(db_file)
        try:
            actions.add_action_for_item(own, board_id, loose.id, {"title": "Canary"}, ann)
            outcome.append("made")
        except NotVotable:
            outcome.append("refused")
        finally:
            own.close()

    with changing_board(deleter, board_id):
        _delete_in_group(deleter, started, loose.id, ann)
        waiting = threading.Thread(target=make_action)
        waiting.start()
        _wait_until_a_session_waits_on_a_lock(db_file)
    waiting.join(PATIENCE)
    deleter.close()
    assert outcome == ["refused"]
    assert actions.list_actions(db, board_id) == []


def _delete_in_group(db, started, note_id: str, author: Credentials) -> None:
    # Notes are deleted while grouping; back to Discuss, where actions are made.
    board_id, key = started.board.id, started.facilitator_key
    with changing_board(db, board_id):
        facilitation.set_phase(db, board_id, key, Phase.group)
        notes.delete_note(db, board_id, note_id, author)
        facilitation.set_phase(db, board_id, key, Phase.discuss)


def _wait_until_a_session_waits_on_a_lock(url: str) -> None:
    with psycopg.connect(url, autocommit=True) as watcher:
        for _ in range(int(PATIENCE * 100)):
            waiting = watcher.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
                "AND datname = current_database() AND pid <> pg_backend_pid()").fetchone()[0]
            if waiting:
                return
            watcher.execute("SELECT pg_sleep(0.01)")
    raise AssertionError("the action's write never waited for the board")
