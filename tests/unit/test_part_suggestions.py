"""The grouping suggestions and alike notes as the board draws them: nothing
outside Group, stale suggestions dropped, and nothing another person wrote
while people write alone, in the part or anywhere in the view."""

from datetime import UTC, datetime

import pytest

from canvas.errors import NoteNotFound
from canvas.models import Board, Note, Participant
from canvas.session.live_view import ViewBuilder
from canvas.session.parts import layout, places, similar, suggestions
from canvas.session.phases import Phase
from canvas.session.suggestions import GroupingSuggestion, alike_notes, propose_groups, still_suggested
from canvas.session.visibility import Viewer, visible_notes, visible_snapshot
from canvas.snapshot import BoardSnapshot
from canvas.templates import get_template

T0 = datetime(2024, 1, 1, tzinfo=UTC)
BOARD = "B" * 24
ANA, BEN = "p-ana", "p-ben"
TEXTS = {1: "Alert fired forty minutes late", 2: "The alert fired late, after customers called",
         3: "Runbook for failover was outdated", 4: "Failover runbook outdated and unowned",
         5: "Ben's private alert fired late too"}
STEPS = [step.key for step in get_template("blameless").note_steps]


def note(number, author, *, cluster=None, step="detect"):
    return Note(id=f"n{number}", board_id=BOARD, step_key=step, text=TEXTS[number], colour="yellow",
                author_id=author, created_at=T0, updated_at=T0, number=number, position=number,
                cluster_id=cluster)


def stored(number, note_ids, name="Alert · fired · late"):
    return GroupingSuggestion(id=f"g{number}", board_id=BOARD, position=number, step_key="detect",
                              name=name, note_ids=note_ids, created_at=T0)


def snapshot(phase, notes=None, kept=None):
    board = Board(id=BOARD, title="Alerts", template="blameless", created_at=T0, revision=3,
                  details_version=1, phase=phase)
    people = [Participant(id=pid, board_id=BOARD, display_name=pid, joined_at=T0, last_seen_at=T0)
              for pid in (ANA, BEN)]
    return BoardSnapshot(
        board=board, participants=people,
        notes=notes if notes is not None else [note(1, ANA), note(2, ANA), note(3, BEN), note(4, BEN),
                                               note(5, BEN)],
        suggestions=kept if kept is not None else [stored(1, ["n1", "n2", "n5"]),
                                                   stored(2, ["n3", "n4"], "Failover · runbook")])


def test_in_group_everyone_sees_each_suggestion_with_its_notes_numbered_in_order():
    part = suggestions.build(visible_snapshot(snapshot(Phase.group), Viewer(participant_id=ANA)))
    assert [(c["id"], c["mark"], [n["id"] for n in c["notes"]]) for c in part["suggestions"]] == [
        ("g1", 1, ["n1", "n2", "n5"]), ("g2", 2, ["n3", "n4"])]
    assert part["suggestions"][0]["notes"][0] == {"id": "n1", "number": 1, "text": TEXTS[1]}
    assert part["suggestions"][0]["step_title"] == "Detect"


def test_a_suggestion_loses_grouped_and_deleted_notes_and_goes_below_two():
    notes = [note(1, ANA, cluster="c1"), note(2, ANA), note(3, BEN), note(4, BEN)]
    part = suggestions.build(snapshot(Phase.group, notes=notes))
    # g1 keeps only n2 (n1 grouped, n5 deleted): gone; g2 is now the first.
    assert [(c["id"], c["mark"]) for c in part["suggestions"]] == [("g2", 1)]
    assert still_suggested(stored(1, ["n1", "n2", "n5"]), notes) == []


def test_outside_group_the_parts_hold_nothing():
    for phase in (Phase.write, Phase.vote, Phase.discuss, Phase.closed):
        seen = visible_snapshot(snapshot(phase), Viewer(participant_id=ANA))
        assert suggestions.build(seen) == {} and similar.build(seen) == {}


def test_while_people_write_no_other_persons_note_reaches_the_view():
    board = snapshot(Phase.write)
    view = ViewBuilder(board).view_json(Viewer(participant_id=ANA), my_votes={}, present=[])
    for number in (3, 4, 5):
        assert f'"n{number}"' not in view and TEXTS[number] not in view
    assert TEXTS[1] in view


def test_the_alike_notes_part_says_only_that_they_may_be_asked_for_in_group():
    seen = visible_snapshot(snapshot(Phase.group), Viewer(participant_id=ANA))
    assert similar.build(seen) == {"may_ask": True}
    # Nothing in it depends on the notes' words: a text change costs nothing there.
    edited = [note.model_copy(update={"text": "Something else entirely"}) for note in seen.notes]
    assert similar.build(snapshot(Phase.group, notes=edited)) == {"may_ask": True}


def test_a_notes_alike_notes_are_ids_of_its_column_most_alike_first():
    notes = [note(1, ANA), note(2, ANA), note(3, BEN), note(4, BEN), note(5, BEN, step="react")]
    assert alike_notes(notes, "n1") == ["n2"]
    assert alike_notes(notes, "n4") == ["n3"]
    # n5 is alike to n1 and n2 in words, but in another column.
    assert alike_notes(notes, "n5") == []
    # Moving notes within the column (positions) does not change the answer.
    moved = [n.model_copy(update={"position": 10 - n.number}) for n in notes]
    assert alike_notes(moved, "n1") == ["n2"]


def test_a_note_the_asker_may_not_see_is_not_found_and_tells_nothing():
    notes = [note(1, ANA), note(2, ANA), note(5, BEN)]
    anas = visible_notes(notes, Phase.write, ANA)
    with pytest.raises(NoteNotFound):
        alike_notes(anas, "n5")
    # Ben's note is not among what Ana's note is compared with either.
    assert "n5" not in alike_notes(anas, "n1")
    assert sorted(alike_notes(notes, "n1")) == ["n2", "n5"]
    with pytest.raises(NoteNotFound):
        alike_notes(notes, "n-gone")


def test_proposed_groups_leave_out_grouped_notes_and_dismissed_sets():
    notes = [note(1, ANA), note(2, ANA), note(3, BEN), note(4, BEN), note(5, BEN, cluster="c1")]
    proposed = propose_groups(notes, STEPS)
    assert [p.note_ids for p in proposed] == [["n1", "n2"], ["n3", "n4"]]
    assert [p.note_ids for p in propose_groups(notes, STEPS, dismissed=[["n2", "n1"]])] == [["n3", "n4"]]


def test_the_suggestions_stand_right_above_the_columns_and_are_no_place_to_go():
    template = get_template("blameless")
    order = layout(template)
    assert order[order.index("columns") - 2: order.index("columns")] == ["suggestions", "similar"]
    assert not any(place["key"] in ("part:suggestions", "part:similar") for place in places(template))
