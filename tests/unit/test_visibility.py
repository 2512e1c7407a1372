"""What a viewer may receive of a board: `canvas.visibility`, with literals."""

from datetime import UTC, date, datetime

import pytest

from canvas.backup import backup_document
from canvas.completeness import check_completeness
from canvas.external_summary import external_summary
from canvas.markdown_pack import markdown_pack
from canvas.models import Board, Cluster, Note, NoteColour, Participant
from canvas.phases import Phase
from canvas.snapshot import BoardSnapshot
from canvas.visibility import (
    HIDDEN_AUTHOR, Viewer, hidden_note_counts, visible_bin, visible_snapshot, visible_votes,
)

T0 = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
ANN = Viewer(participant_id="ann")
BOB = Viewer(participant_id="bob")
FACILITATOR = Viewer(participant_id="fran", is_facilitator=True)
# Each text is distinctive, so finding it anywhere in a dump means it leaked.
BOB_TEXT = "Bob-private: who approved the WAF rule?"
ANN_TEXT = "Ann-own: alert on CPU per rule"
PREFILLED = "Imported-before-the-meeting: the regex backtracked"


def note(number: int, text: str, author: str | None, step: str = "detect",
         cluster: str | None = None) -> Note:
    return Note(id=f"n{number}", board_id="B", step_key=step, text=text, colour=NoteColour.yellow,
                author_id=author, created_at=T0, updated_at=T0, number=number, position=number,
                cluster_id=cluster)


def board_in(phase: Phase, *, revealed: bool = False, show_authors: bool = False) -> BoardSnapshot:
    board = Board(id="B", template="blameless", created_at=T0, revision=7, details_version=1,
                  title="Checkout errors", incident_date=date(2026, 11, 30), phase=phase,
                  votes_revealed=revealed, show_authors=show_authors)
    return BoardSnapshot(
        board=board,
        participants=[Participant(id=person, board_id="B", display_name=person.title(),
                                  joined_at=T0, last_seen_at=T0)
                      for person in ("fran", "ann", "bob")],
        notes=[note(1, ANN_TEXT, "ann"), note(2, BOB_TEXT, "bob"),
               note(3, PREFILLED, None, step="risks"),
               note(4, "Bob-second: page the owner", "bob", step="react", cluster="c1")],
        clusters=[Cluster(id="c1", board_id="B", step_key="react", name="Paging", position=1,
                          created_at=T0)],
        tallies={"n1": 2, "n2": 3, "c1": 1},
    )


def texts(snapshot: BoardSnapshot) -> list[str]:
    return [n.text for n in snapshot.notes]


def test_in_write_a_participant_receives_only_their_own_notes_and_prefilled_ones():
    seen = visible_snapshot(board_in(Phase.write), ANN)
    assert texts(seen) == [ANN_TEXT, PREFILLED]
    dump = seen.model_dump_json()
    assert "Bob-" not in dump and "n2" not in dump and "n4" not in dump


def test_in_write_the_facilitator_is_no_exception():
    assert texts(visible_snapshot(board_in(Phase.write), FACILITATOR)) == [PREFILLED]


def test_someone_who_has_not_joined_sees_only_what_was_prefilled_in_write():
    assert texts(visible_snapshot(board_in(Phase.write), Viewer())) == [PREFILLED]


@pytest.mark.parametrize("phase", [Phase.group, Phase.vote, Phase.discuss, Phase.closed])
def test_from_group_on_everyone_receives_every_note(phase):
    for viewer in (ANN, BOB, FACILITATOR, Viewer()):
        assert len(visible_snapshot(board_in(phase), viewer).notes) == 4


def test_hidden_authors_are_replaced_except_the_viewers_own():
    seen = visible_snapshot(board_in(Phase.group), ANN)
    authors = {n.id: n.author_id for n in seen.notes}
    assert authors == {"n1": "ann", "n2": HIDDEN_AUTHOR, "n3": None, "n4": HIDDEN_AUTHOR}
    assert "bob" not in {n.author_id for n in visible_snapshot(board_in(Phase.vote), FACILITATOR).notes}


def test_shown_authors_keep_their_ids():
    seen = visible_snapshot(board_in(Phase.group, show_authors=True), ANN)
    assert {n.id: n.author_id for n in seen.notes}["n2"] == "bob"


def test_votes_are_blind_until_revealed():
    assert visible_snapshot(board_in(Phase.vote), ANN).tallies == {}
    assert visible_snapshot(board_in(Phase.vote, revealed=True), ANN).tallies == {
        "n1": 2, "n2": 3, "c1": 1}


def test_tallies_revealed_during_write_cover_only_what_the_viewer_sees():
    seen = visible_snapshot(board_in(Phase.write, revealed=True), ANN)
    assert seen.tallies == {"n1": 2, "c1": 1}


def test_the_snapshot_given_is_left_as_it_was():
    whole = board_in(Phase.write)
    before = whole.model_dump()
    visible_snapshot(whole, ANN)
    assert whole.model_dump() == before


def test_hidden_counts_say_how_many_notes_others_wrote_per_step():
    assert hidden_note_counts(board_in(Phase.write), ANN) == {"detect": 1, "react": 1}
    assert hidden_note_counts(board_in(Phase.write), BOB) == {"detect": 1}
    assert hidden_note_counts(board_in(Phase.group), ANN) == {}


def test_a_backups_votes_keep_only_the_viewers_own_until_revealed():
    votes = {"ann": {"n1": 2}, "bob": {"n2": 3, "c1": 1}}
    assert visible_votes(votes, board_in(Phase.vote), ANN) == {"ann": {"n1": 2}}
    assert visible_votes(votes, board_in(Phase.vote, revealed=True), ANN) == votes
    # Revealed early, in Write: nothing on notes the viewer cannot see.
    assert visible_votes(votes, board_in(Phase.write, revealed=True), ANN) == {
        "ann": {"n1": 2}, "bob": {"c1": 1}}


def test_the_bin_shows_a_participant_their_own_deleted_notes_only():
    deleted = [note(1, ANN_TEXT, "ann"), note(2, BOB_TEXT, "bob"), note(3, PREFILLED, None)]
    assert [n.id for n in visible_bin(deleted, Phase.group, ANN)] == ["n1"]
    # A facilitator may restore anyone's note, but not see another's while people write.
    assert [n.id for n in visible_bin(deleted, Phase.group, FACILITATOR)] == ["n1", "n2", "n3"]
    assert [n.id for n in visible_bin(deleted, Phase.write, FACILITATOR)] == ["n3"]


@pytest.mark.parametrize("viewer", [ANN, FACILITATOR])
def test_no_export_made_from_the_view_holds_another_persons_note_in_write(viewer):
    whole = board_in(Phase.write, revealed=True)
    seen = visible_snapshot(whole, viewer)
    votes = visible_votes({"ann": {"n1": 2}, "bob": {"n2": 3}}, whole, viewer)
    today = date(2026, 12, 2)
    documents = [
        markdown_pack(seen, today),
        external_summary(seen, today),
        str(backup_document(seen, votes)),
        check_completeness(seen, today).model_dump_json(),
    ]
    for document in documents:
        assert "Bob-" not in document
    # The same exports of the whole board do carry it: the check can fail.
    assert BOB_TEXT.split(":")[0] in markdown_pack(whole, today)
