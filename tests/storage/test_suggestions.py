"""Grouping suggestions: asked for by the facilitator in Group, accepted as a
cluster or dismissed, going stale as notes are grouped by hand."""

import pytest

from canvas.errors import NoteNotFound, NotFacilitator, SuggestionGone
from canvas.models import BoardDraft, NoteDraft
from canvas.session.phases import Credentials, Phase, PhaseForbids
from storage import boards, clusters, facilitation, notes, participants, suggestions
from storage.snapshot import load_snapshot

ALERTING = ["Alert fired forty minutes late", "The alert fired late, after customers called"]
RUNBOOK = ["Runbook for failover was outdated", "Failover runbook outdated and unowned"]
OTHER = ["Release notes never reached support"]


@pytest.fixture
def board(db):
    return facilitation.start_board(db, BoardDraft(title="Session", facilitator_name="Fran"))


def written(db, board, texts, step="detect", phase=Phase.group):
    ana, _ = participants.join_board(db, board.board.id, "Ana")
    ana = Credentials(participant_id=ana.id)
    made = [notes.add_note(db, board.board.id, step, NoteDraft(text=t), ana) for t in texts]
    facilitation.set_phase(db, board.board.id, board.facilitator_key, phase)
    return ana, made


def facilitator(board):
    return Credentials(facilitator_key=board.facilitator_key)


def suggested(db, board_id):
    return [(s.name, s.note_ids) for s in suggestions.list_suggestions(db, board_id)]


def test_the_facilitator_asks_and_alike_notes_are_suggested_as_groups(db, board):
    _, made = written(db, board, ALERTING + RUNBOOK + OTHER)
    board_id = board.board.id
    before = boards.board_revision(db, board_id)
    assert suggestions.suggest_groups(db, board_id, facilitator(board)) == 2
    assert boards.board_revision(db, board_id) == before + 1
    ids = [note.id for note in made]
    assert [note_ids for _, note_ids in suggested(db, board_id)] == [ids[0:2], ids[2:4]]
    assert [name for name, _ in suggested(db, board_id)] == ["Alert · fired · late", "Failover · runbook · outdated"]
    assert [s.note_ids for s in load_snapshot(db, board_id).suggestions] == [ids[0:2], ids[2:4]]


def test_asking_again_replaces_the_open_suggestions(db, board):
    written(db, board, ALERTING + RUNBOOK)
    board_id = board.board.id
    suggestions.suggest_groups(db, board_id, facilitator(board))
    first = {s.id for s in suggestions.list_suggestions(db, board_id)}
    suggestions.suggest_groups(db, board_id, facilitator(board))
    again = suggestions.list_suggestions(db, board_id)
    assert len(again) == 2 and not first & {s.id for s in again}


def test_only_the_facilitator_asks_and_only_in_group(db, board):
    ana, _ = written(db, board, ALERTING, phase=Phase.write)
    with pytest.raises(PhaseForbids):
        suggestions.suggest_groups(db, board.board.id, facilitator(board))
    facilitation.set_phase(db, board.board.id, board.facilitator_key, Phase.group)
    with pytest.raises(NotFacilitator):
        suggestions.suggest_groups(db, board.board.id, ana)
    assert suggested(db, board.board.id) == []


def test_accepting_makes_the_cluster_with_the_suggested_name_for_whoever_may_group(db, board):
    ana, made = written(db, board, ALERTING + RUNBOOK)
    board_id = board.board.id
    suggestions.suggest_groups(db, board_id, facilitator(board))
    first, second = suggestions.list_suggestions(db, board_id)
    before = boards.board_revision(db, board_id)
    cluster_id = suggestions.accept_suggestion(db, board_id, first.id, ana)
    assert boards.board_revision(db, board_id) == before + 1
    (cluster,) = clusters.list_clusters(db, board_id)
    assert (cluster.id, cluster.name, cluster.step_key) == (cluster_id, "Alert · fired · late", "detect")
    assert [n.cluster_id for n in notes.list_notes(db, board_id)] == [cluster_id, cluster_id, None, None]
    assert [s.id for s in suggestions.list_suggestions(db, board_id)] == [second.id]
    with pytest.raises(SuggestionGone):
        suggestions.accept_suggestion(db, board_id, first.id, ana)


def test_dismissed_suggestions_go_for_everyone_and_are_not_offered_again(db, board):
    ana, _ = written(db, board, ALERTING + RUNBOOK)
    board_id = board.board.id
    suggestions.suggest_groups(db, board_id, facilitator(board))
    first, second = suggestions.list_suggestions(db, board_id)
    suggestions.dismiss_suggestion(db, board_id, first.id, ana)
    assert [s.id for s in suggestions.list_suggestions(db, board_id)] == [second.id]
    assert suggestions.suggest_groups(db, board_id, facilitator(board)) == 1
    assert [ids for _, ids in suggested(db, board_id)] == [second.note_ids]
    with pytest.raises(SuggestionGone):
        suggestions.dismiss_suggestion(db, board_id, first.id, ana)
    assert clusters.list_clusters(db, board_id) == []


def test_a_suggestion_whose_notes_were_grouped_by_hand_is_refused(db, board):
    ana, made = written(db, board, ALERTING + ["Late alert again: fired late"])
    board_id = board.board.id
    suggestions.suggest_groups(db, board_id, facilitator(board))
    (suggestion,) = suggestions.list_suggestions(db, board_id)
    assert len(suggestion.note_ids) == 3
    # Two of its three notes grouped by hand: one is left, so nothing holds.
    clusters.move_note(db, board_id, made[1].id, step_key="detect", onto_note_id=made[0].id,
                       seen_revision=boards.board_revision(db, board_id), credentials=ana)
    with pytest.raises(SuggestionGone):
        suggestions.accept_suggestion(db, board_id, suggestion.id, ana)
    assert len(clusters.list_clusters(db, board_id)) == 1


def test_a_suggestion_keeps_the_notes_still_ungrouped(db, board):
    ana, made = written(db, board, ALERTING + ["Late alert again: fired late"])
    board_id = board.board.id
    suggestions.suggest_groups(db, board_id, facilitator(board))
    (suggestion,) = suggestions.list_suggestions(db, board_id)
    notes.delete_note(db, board_id, made[2].id, ana)
    cluster_id = suggestions.accept_suggestion(db, board_id, suggestion.id, ana)
    assert [n.cluster_id for n in notes.list_notes(db, board_id)] == [cluster_id, cluster_id]


def test_never_across_columns_unless_asked(db, board):
    ana, made = written(db, board, ALERTING[:1], step="detect")
    other = notes.add_note(db, board.board.id, "react", NoteDraft(text=ALERTING[1]), ana)
    board_id = board.board.id
    assert suggestions.suggest_groups(db, board_id, facilitator(board)) == 0
    assert suggestions.suggest_groups(db, board_id, facilitator(board), across_columns=True) == 1
    (suggestion,) = suggestions.list_suggestions(db, board_id)
    cluster_id = suggestions.accept_suggestion(db, board_id, suggestion.id, ana)
    # The cluster lives in the first note's column; the other note moves there.
    assert notes.get_note(db, board_id, other.id).step_key == "detect"
    assert notes.get_note(db, board_id, other.id).cluster_id == cluster_id


def test_accepting_and_dismissing_follow_the_grouping_rule(db, board):
    ana, _ = written(db, board, ALERTING)
    board_id = board.board.id
    suggestions.suggest_groups(db, board_id, facilitator(board))
    (suggestion,) = suggestions.list_suggestions(db, board_id)
    facilitation.set_phase(db, board_id, board.facilitator_key, Phase.vote)
    with pytest.raises(PhaseForbids):
        suggestions.accept_suggestion(db, board_id, suggestion.id, ana)
    with pytest.raises(PhaseForbids):
        suggestions.dismiss_suggestion(db, board_id, suggestion.id, ana)
    assert clusters.list_clusters(db, board_id) == []


def test_another_boards_suggestion_is_gone_here(db, board):
    ana, _ = written(db, board, ALERTING)
    suggestions.suggest_groups(db, board.board.id, facilitator(board))
    (suggestion,) = suggestions.list_suggestions(db, board.board.id)
    elsewhere = facilitation.start_board(db, BoardDraft(title="Other", facilitator_name="Bo"))
    facilitation.set_phase(db, elsewhere.board.id, elsewhere.facilitator_key, Phase.group)
    with pytest.raises(SuggestionGone):
        suggestions.accept_suggestion(db, elsewhere.board.id, suggestion.id, facilitator(elsewhere))


def test_a_dragged_notes_alike_notes_are_read_for_whoever_may_group_and_change_nothing(db, board):
    ana, made = written(db, board, ALERTING + OTHER + RUNBOOK)
    board_id = board.board.id
    ids = [note.id for note in made]
    bens = notes.add_note(db, board_id, "react", NoteDraft(text="The alert fired late again"),
                          facilitator(board))
    before = boards.board_revision(db, board_id)
    assert suggestions.find_alike(db, board_id, ids[0], ana) == [ids[1]]
    assert suggestions.find_alike(db, board_id, ids[3], facilitator(board)) == [ids[4]]
    # Only its column: the alike note in React is not among them.
    assert bens.id not in suggestions.find_alike(db, board_id, ids[1], ana)
    assert suggestions.find_alike(db, board_id, ids[2], ana) == []
    assert boards.board_revision(db, board_id) == before


def test_alike_notes_follow_the_grouping_rule_and_refuse_a_gone_note(db, board):
    ana, made = written(db, board, ALERTING, phase=Phase.write)
    board_id = board.board.id
    with pytest.raises(PhaseForbids):
        suggestions.find_alike(db, board_id, made[0].id, ana)
    facilitation.set_phase(db, board_id, board.facilitator_key, Phase.group)
    notes.delete_note(db, board_id, made[1].id, ana)
    with pytest.raises(NoteNotFound):
        suggestions.find_alike(db, board_id, made[1].id, ana)
    assert suggestions.find_alike(db, board_id, made[0].id, ana) == []
    elsewhere = facilitation.start_board(db, BoardDraft(title="Other", facilitator_name="Bo"))
    facilitation.set_phase(db, elsewhere.board.id, elsewhere.facilitator_key, Phase.group)
    with pytest.raises(NoteNotFound):
        suggestions.find_alike(db, elsewhere.board.id, made[0].id, facilitator(elsewhere))
