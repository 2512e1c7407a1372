"""A stream sends the whole view once, then patches of the pieces that
changed: a patch laid over the view before it is exactly the new view, and
a change to one note sends that note's column, not the board."""

import json

from canvas.session.live_view import ViewBuilder, apply_patch, assemble_view, remember_pieces, view_patch
from canvas.session.visibility import Viewer
from tests.unit.test_live_view import ANA, BEN, note, snapshot

BEN_VIEWS = Viewer(participant_id=BEN)


def pieces(snap, viewer=BEN_VIEWS):
    return ViewBuilder(snap).view_pieces(viewer, my_votes={}, present=["Ana"])


def test_the_whole_view_from_pieces_is_the_view():
    snap = snapshot("group")
    builder = ViewBuilder(snap)
    assert json.loads(assemble_view(snap.board.revision, pieces(snap))) == builder.view(
        BEN_VIEWS, my_votes={}, present=["Ana"])


def test_a_note_edited_sends_its_column_only_and_the_patch_makes_the_new_view():
    before, after = snapshot("group"), snapshot("group")
    after.notes[0] = after.notes[0].model_copy(update={"text": "Ana's alert idea, reworded"})
    after.board.revision += 1
    sent = remember_pieces(pieces(before))
    patch = json.loads(view_patch(after.board.revision, pieces(after), sent))
    # The note's column, and the pieces that quote a note's text (the
    # ranking's labels, the learnings' evidence choices); no other column.
    assert {key for key in patch["set"] if key.startswith("column:")} == {"column:detect"}
    assert set(patch["set"]) <= {"column:detect", "ranking", "part:learnings"}
    full_before = json.loads(assemble_view(before.board.revision, pieces(before)))
    full_after = json.loads(assemble_view(after.board.revision, pieces(after)))
    assert apply_patch(full_before, patch) == full_after
    # Nothing changed since: the next patch sets nothing.
    again = json.loads(view_patch(after.board.revision, pieces(after), sent))
    assert again["set"] == {} and again["columns"] == patch["columns"]


def test_a_patch_in_write_carries_no_one_elses_text():
    before, after = snapshot("write"), snapshot("write")
    after.notes.append(note(9, "Ana's second secret", ANA))
    after.board.revision += 1
    sent = remember_pieces(pieces(before))
    patch = view_patch(after.board.revision, pieces(after), sent)
    assert "secret" not in patch
    # Ben sees the count move, and only that column.
    assert set(json.loads(patch)["set"]) == {"column:detect"}
