"""A stream sends the whole view once, then patches of the pieces that
changed: a patch laid over the view before it is exactly the new view, and
a change to one note sends that note, not its column or the board."""

import json

from canvas.session.live_view import ViewBuilder, apply_patch, assemble_view, remember_pieces, view_patch
from canvas.session.visibility import Viewer
from tests.unit.test_live_view import ANA, BEN, note, snapshot

BEN_VIEWS = Viewer(participant_id=BEN)


def pieces(snap, viewer=BEN_VIEWS, whole=False):
    return ViewBuilder(snap).view_pieces(viewer, my_votes={}, present=["Ana"], whole=whole)


def whole(snap):
    return json.loads(assemble_view(snap.board.revision, pieces(snap, whole=True)))


def test_the_whole_view_from_pieces_is_the_view():
    snap = snapshot("group")
    builder = ViewBuilder(snap)
    assert whole(snap) == builder.view(BEN_VIEWS, my_votes={}, present=["Ana"])


def test_a_note_edited_sends_that_note_only_and_the_patch_makes_the_new_view():
    before, after = snapshot("group"), snapshot("group")
    after.notes[0] = after.notes[0].model_copy(update={"text": "Ana's alert idea, reworded"})
    after.board.revision += 1
    sent = remember_pieces(pieces(before))
    patch = json.loads(view_patch(after.board.revision, pieces(after), sent))
    # The note, and the pieces that quote a note's text (the ranking's
    # labels, a learning's evidence); no column and no other note.
    assert {key for key in patch["set"] if key.startswith(("column:", "note:"))} == {
        f"note:{after.notes[0].id}"}
    assert set(patch["set"]) <= {f"note:{after.notes[0].id}", "ranking", "part:learnings"}
    full_before, full_after = whole(before), whole(after)
    made = apply_patch(full_before, patch)
    assert made == full_after
    # Columns the change did not touch keep their objects (the canvas redraws only the rest).
    kept = [old is new for old, new in zip(full_before["columns"], made["columns"])]
    assert kept.count(False) == 1 and len(kept) > 1
    # Nothing changed since: the next patch sets nothing.
    again = json.loads(view_patch(after.board.revision, pieces(after), sent))
    assert again["set"] == {} and again["columns"] == patch["columns"]


def test_a_note_moved_sends_both_columns_shapes_and_that_note_only():
    before, after = snapshot("group"), snapshot("group")
    moved = after.notes[0]
    target = next(step.key for step in after.board.template_model.note_steps if step.key != moved.step_key)
    after.notes[0] = moved.model_copy(update={"step_key": target})
    after.board.revision += 1
    sent = remember_pieces(pieces(before))
    patch = json.loads(view_patch(after.board.revision, pieces(after), sent))
    assert {key for key in patch["set"] if key.startswith(("column:", "note:"))} == {
        f"column:{moved.step_key}", f"column:{target}", f"note:{moved.id}"}
    assert apply_patch(whole(before), patch) == whole(after)


def test_a_deleted_note_leaves_the_patch_and_the_view():
    before, after = snapshot("group"), snapshot("group")
    gone = after.notes.pop(0)
    after.board.revision += 1
    sent = remember_pieces(pieces(before))
    patch = json.loads(view_patch(after.board.revision, pieces(after), sent))
    assert f"note:{gone.id}" not in sent and gone.id not in json.dumps(apply_patch(whole(before), patch))
    assert apply_patch(whole(before), patch) == whole(after)


def test_a_patch_in_write_carries_no_one_elses_text():
    before, after = snapshot("write"), snapshot("write")
    after.notes.append(note(9, "Ana's second secret", ANA))
    after.board.revision += 1
    sent = remember_pieces(pieces(before))
    patch = view_patch(after.board.revision, pieces(after), sent)
    assert "secret" not in patch
    # Ben sees the count move, and only that column's shape.
    assert set(json.loads(patch)["set"]) == {"column:detect"}
