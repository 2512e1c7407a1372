"""Drops on the live canvas: note onto note, onto a cluster, across columns, and stale drops."""

import pytest

from canvas.errors import NoteNotFound
from canvas.models import BoardDraft, NoteDraft
from canvas.session.phases import Credentials, Phase, PhaseForbids
from storage import boards, clusters, facilitation, notes, participants
from storage.clusters import ClusterNotFound, NotANoteStep, StaleMove


@pytest.fixture
def board(db):
    started = facilitation.start_board(db, BoardDraft(title="Session", facilitator_name="Fran"))
    return started


def person(db, board_id, name):
    someone, _ = participants.join_board(db, board_id, name)
    return Credentials(participant_id=someone.id)


def grouping(db, board, *texts, step="detect"):
    ana = person(db, board.board.id, "Ana")
    written = [notes.add_note(db, board.board.id, step, NoteDraft(text=t), ana) for t in texts]
    facilitation.set_phase(db, board.board.id, board.facilitator_key, Phase.group)
    return ana, written


def revision(db, board_id):
    return boards.board_revision(db, board_id)


def placement(db, board_id, note_id):
    note = notes.get_note(db, board_id, note_id)
    return note.step_key, note.cluster_id


def test_a_note_dropped_onto_another_note_makes_a_cluster_of_the_two(db, board):
    ana, (first, second) = grouping(db, board, "Alert fired late", "Pager was silent")
    board_id = board.board.id
    cluster_id = clusters.move_note(db, board_id, second.id, step_key="detect", onto_note_id=first.id,
                                    seen_revision=revision(db, board_id), credentials=ana)
    (made,) = clusters.list_clusters(db, board_id)
    assert made.id == cluster_id and made.name == "Alert fired late"
    assert placement(db, board_id, first.id) == ("detect", cluster_id)
    assert placement(db, board_id, second.id) == ("detect", cluster_id)


def test_a_note_dropped_onto_a_clustered_note_joins_that_cluster(db, board):
    ana, (first, second, third) = grouping(db, board, "one", "two", "three")
    board_id = board.board.id
    made = clusters.move_note(db, board_id, second.id, step_key="detect", onto_note_id=first.id,
                              seen_revision=revision(db, board_id), credentials=ana)
    joined = clusters.move_note(db, board_id, third.id, step_key="detect", onto_note_id=first.id,
                                seen_revision=revision(db, board_id), credentials=ana)
    assert joined == made
    assert len(clusters.list_clusters(db, board_id)) == 1


def test_a_note_dropped_onto_a_note_in_another_column_moves_there(db, board):
    ana, (detect_note,) = grouping(db, board, "in detect")
    prevent_note = notes.add_note(db, board.board.id, "prevent", NoteDraft(text="in prevent"), ana)
    board_id = board.board.id
    cluster_id = clusters.move_note(db, board_id, detect_note.id, step_key="detect",
                                    onto_note_id=prevent_note.id,
                                    seen_revision=revision(db, board_id), credentials=ana)
    assert placement(db, board_id, detect_note.id) == ("prevent", cluster_id)


def test_a_note_moved_to_another_column_leaves_its_cluster(db, board):
    ana, (first, second) = grouping(db, board, "one", "two")
    board_id = board.board.id
    clusters.move_note(db, board_id, second.id, step_key="detect", onto_note_id=first.id,
                       seen_revision=revision(db, board_id), credentials=ana)
    result = clusters.move_note(db, board_id, second.id, step_key="react",
                                seen_revision=revision(db, board_id), credentials=ana)
    assert result is None
    assert placement(db, board_id, second.id) == ("react", None)
    assert notes.get_note(db, board_id, second.id).position == 1


def test_a_note_dropped_onto_a_cluster_joins_it_and_its_step(db, board):
    ana, (first, second) = grouping(db, board, "one", "two")
    board_id = board.board.id
    cluster = clusters.create_cluster(db, board_id, "react", "Paging", ana)
    clusters.move_note(db, board_id, first.id, step_key="detect", cluster_id=cluster.id,
                       seen_revision=revision(db, board_id), credentials=ana)
    assert placement(db, board_id, first.id) == ("react", cluster.id)


def test_a_drop_from_before_someone_else_moved_the_note_is_refused(db, board):
    ana, (first, second) = grouping(db, board, "one", "two")
    ben = person(db, board.board.id, "Ben")
    board_id = board.board.id
    both_saw = revision(db, board_id)
    clusters.move_note(db, board_id, first.id, step_key="react", seen_revision=both_saw, credentials=ben)
    with pytest.raises(StaleMove) as refused:
        clusters.move_note(db, board_id, first.id, step_key="prevent", seen_revision=both_saw, credentials=ana)
    assert str(refused.value).startswith(f"Someone else moved that note (#{first.number})")
    assert placement(db, board_id, first.id) == ("react", None)


def test_drops_of_different_notes_from_the_same_view_both_land(db, board):
    ana, (first, second) = grouping(db, board, "one", "two")
    ben = person(db, board.board.id, "Ben")
    board_id = board.board.id
    both_saw = revision(db, board_id)
    clusters.move_note(db, board_id, first.id, step_key="react", seen_revision=both_saw, credentials=ben)
    clusters.move_note(db, board_id, second.id, step_key="prevent", seen_revision=both_saw, credentials=ana)
    assert placement(db, board_id, first.id) == ("react", None)
    assert placement(db, board_id, second.id) == ("prevent", None)


def test_a_drop_onto_a_note_someone_just_moved_is_refused(db, board):
    ana, (first, second) = grouping(db, board, "one", "two")
    board_id = board.board.id
    saw = revision(db, board_id)
    clusters.move_note(db, board_id, first.id, step_key="react", seen_revision=saw, credentials=ana)
    with pytest.raises(StaleMove) as refused:
        clusters.move_note(db, board_id, second.id, step_key="detect", onto_note_id=first.id,
                           seen_revision=saw, credentials=ana)
    # The sentence names the note that moved, the one dropped on, not the dragged one.
    said = str(refused.value)
    assert said.startswith(f"Someone else moved #{first.number}, the note you dropped #{second.number} on")
    assert "moved that note" not in said
    assert clusters.list_clusters(db, board_id) == []


def test_moves_outside_group_to_unknown_steps_or_gone_targets_are_refused(db, board):
    ana, (first, second) = grouping(db, board, "one", "two")
    board_id = board.board.id
    with pytest.raises(NotANoteStep):
        clusters.move_note(db, board_id, first.id, step_key="timeline",
                           seen_revision=revision(db, board_id), credentials=ana)
    with pytest.raises(ClusterNotFound):
        clusters.move_note(db, board_id, first.id, step_key="detect", cluster_id="gone",
                           seen_revision=revision(db, board_id), credentials=ana)
    notes.delete_note(db, board_id, second.id, ana)
    with pytest.raises(NoteNotFound):
        clusters.move_note(db, board_id, first.id, step_key="detect", onto_note_id=second.id,
                           seen_revision=revision(db, board_id), credentials=ana)
    facilitation.set_phase(db, board_id, board.facilitator_key, Phase.vote)
    before = revision(db, board_id)
    with pytest.raises(PhaseForbids):
        clusters.move_note(db, board_id, first.id, step_key="react", seen_revision=before, credentials=ana)
    assert revision(db, board_id) == before
    assert placement(db, board_id, first.id) == ("detect", None)


def test_new_notes_and_clusters_go_to_the_end_of_their_own_column(db, board):
    ana, (first, second) = grouping(db, board, "one", "two")
    board_id = board.board.id
    elsewhere = clusters.create_cluster(db, board_id, "react", "Paging", ana)
    here = clusters.create_cluster(db, board_id, "detect", "Alerts", ana)
    later = clusters.create_cluster(db, board_id, "detect", "Dashboards", ana)
    assert (elsewhere.position, here.position, later.position) == (1, 1, 2)
    assert [first.position, second.position] == [1, 2]
    clusters.move_note(db, board_id, first.id, step_key="react",
                       seen_revision=revision(db, board_id), credentials=ana)
    clusters.move_note(db, board_id, second.id, step_key="react",
                       seen_revision=revision(db, board_id), credentials=ana)
    assert [notes.get_note(db, board_id, n.id).position for n in (first, second)] == [1, 2]
