import threading

import pytest

from canvas.errors import BoardNotFound, EditConflict, NoteNotFound, ParticipantNotFound
from canvas.models import BoardDetails, BoardDraft, NoteColour, NoteDraft
from storage import boards, notes, participants
from canvas.session.phases import Credentials
from storage.db import connect


def as_(person) -> Credentials:
    return Credentials(participant_id=person.id)


@pytest.fixture
def board(db):
    return boards.create_board(db, BoardDraft(title="Checkout errors", facilitator_name="Fran"))


@pytest.fixture
def someone(db, board):
    """A participant of `board`."""
    return as_(participants.join_board(db, board.id, "Sam")[0])


def revision(db, board_id):
    return boards.board_revision(db, board_id)


def test_a_board_and_its_notes_survive_a_new_connection(db_file, board):
    first = connect(db_file)
    author, _ = participants.join_board(first, board.id, "Ann")
    notes.add_note(first, board.id, "detect", NoteDraft(text="alert on 5xx", colour="blue"), as_(author))
    first.close()

    reopened = connect(db_file)
    [note] = notes.list_notes(reopened, board.id, "detect")
    assert (note.text, note.colour, note.author_id) == ("alert on 5xx", NoteColour.blue, author.id)
    assert boards.get_board(reopened, board.id).title == "Checkout errors"


def test_every_change_bumps_the_board_revision_once(db, board):
    start = revision(db, board.id)
    author, _ = participants.join_board(db, board.id, "Ann")
    assert revision(db, board.id) == start + 1
    note = notes.add_note(db, board.id, "detect", NoteDraft(text="a"), as_(author))
    assert revision(db, board.id) == start + 2
    notes.edit_note(db, board.id, note.id, NoteDraft(text="b"), note.version, as_(author))
    notes.delete_note(db, board.id, note.id, as_(author))
    notes.restore_note(db, board.id, note.id, as_(author))
    assert revision(db, board.id) == start + 5


def test_presence_does_not_bump_the_revision(db, board):
    me, _ = participants.join_board(db, board.id, "Ann")
    before = revision(db, board.id)
    participants.mark_seen(db, me.id)
    assert revision(db, board.id) == before


def test_a_failed_write_leaves_nothing_behind(db, board):
    before = revision(db, board.id)
    with pytest.raises(RuntimeError):
        with boards.changing_board(db, board.id):
            db["notes"].insert({"id": "n1", "board_id": board.id, "step_key": "detect",
                                "text": "half", "colour": "yellow", "version": 1})
            raise RuntimeError("crash between two statements")
    assert notes.list_notes(db, board.id) == []
    assert revision(db, board.id) == before


def test_deleted_note_is_kept_and_can_be_restored(db, board, someone):
    note = notes.add_note(db, board.id, "react", NoteDraft(text="page the owner"), someone)
    notes.delete_note(db, board.id, note.id, someone)
    assert notes.list_notes(db, board.id, "react") == []
    assert [n.id for n in notes.list_notes(db, board.id, "react", deleted=True)] == [note.id]
    notes.restore_note(db, board.id, note.id, someone)
    assert [n.text for n in notes.list_notes(db, board.id, "react")] == ["page the owner"]


def test_two_people_editing_the_same_note_second_save_is_refused(db, board, someone):
    note = notes.add_note(db, board.id, "react", NoteDraft(text="original"), someone)
    notes.edit_note(db, board.id, note.id, NoteDraft(text="first edit"), note.version, someone)
    with pytest.raises(EditConflict) as conflict:
        notes.edit_note(db, board.id, note.id, NoteDraft(text="second edit"), note.version, someone)
    assert conflict.value.current_text == "first edit"
    assert notes.get_note(db, board.id, note.id).text == "first edit"


def test_editing_a_deleted_note_is_refused(db, board, someone):
    note = notes.add_note(db, board.id, "react", NoteDraft(text="x"), someone)
    deleted = notes.delete_note(db, board.id, note.id, someone)
    with pytest.raises(NoteNotFound):
        notes.edit_note(db, board.id, note.id, NoteDraft(text="y"), deleted.version, someone)


def test_a_note_of_another_board_is_not_reachable_through_this_one(db, board, someone):
    other = boards.create_board(db, BoardDraft(title="Other", facilitator_name="Bo"))
    stranger = as_(participants.join_board(db, other.id, "Bo")[0])
    note = notes.add_note(db, other.id, "detect", NoteDraft(text="theirs"), stranger)
    with pytest.raises(NoteNotFound):
        notes.delete_note(db, board.id, note.id, someone)
    assert notes.list_notes(db, other.id)[0].deleted_at is None


@pytest.mark.parametrize("board_id", ["", None, "nope", "A" * 24, "'; DROP TABLE boards; --"])
def test_unknown_or_malformed_board_ids_are_not_found(db, board, board_id):
    with pytest.raises(BoardNotFound):
        boards.get_board(db, board_id)


def test_a_deleted_board_is_not_found_and_refuses_writes(db, board, someone):
    boards.delete_board(db, board.id)
    with pytest.raises(BoardNotFound):
        boards.get_board(db, board.id)
    with pytest.raises(BoardNotFound):
        notes.add_note(db, board.id, "detect", NoteDraft(text="late"), someone)
    assert board.id not in [b.id for b in boards.list_boards(db)]


def test_summary_details_save_and_conflict(db, board):
    details = BoardDetails(title="Checkout errors", summary="Checkout failed for 27 min.",
                           impact="8% of orders", roles={"scribe": "Sam"})
    saved = boards.update_details(db, board.id, details, board.details_version)
    assert (saved.summary, saved.roles.scribe) == ("Checkout failed for 27 min.", "Sam")
    with pytest.raises(EditConflict):
        boards.update_details(db, board.id, details, board.details_version)


def test_the_chosen_editors_hold_in_the_transaction_that_saves_the_summary(db):
    from canvas.errors import NotASummaryEditor, NotFacilitator
    from storage import facilitation
    started = facilitation.start_board(db, BoardDraft(title="Checkout errors", facilitator_name="Fran"))
    board_id, key = started.board.id, started.facilitator_key
    ann = participants.join_board(db, board_id, "Ann")[0]
    bob = participants.join_board(db, board_id, "Bob")[0]
    details = BoardDetails(title="Checkout errors", summary="Checkout failed for 27 min.")
    with pytest.raises(NotFacilitator):
        facilitation.choose_summary_editors(db, board_id, None, [bob.id])
    with pytest.raises(ParticipantNotFound):
        facilitation.choose_summary_editors(db, board_id, key, ["someone-else"])
    facilitation.choose_summary_editors(db, board_id, key, [ann.id, ann.id])
    assert boards.get_board(db, board_id).summary_editors == frozenset({ann.id})
    version = boards.get_board(db, board_id).details_version
    with pytest.raises(NotASummaryEditor):
        boards.update_details(db, board_id, details, version, as_(bob))
    assert boards.get_board(db, board_id).summary == ""
    assert boards.update_details(db, board_id, details, version, as_(ann)).summary == details.summary
    # The facilitator always may; the operator (a restore, the command line) too.
    fran = Credentials(facilitator_key=key)
    version = boards.get_board(db, board_id).details_version
    boards.update_details(db, board_id, details.model_copy(update={"impact": "8%"}), version, fran)
    boards.update_details(db, board_id, details, version + 1)
    facilitation.choose_summary_editors(db, board_id, key, None)
    assert boards.get_board(db, board_id).summary_editors is None
    boards.update_details(db, board_id, details, version + 2, as_(bob))


def test_a_participant_is_found_by_token_on_its_board_only(db, board):
    me, token = participants.join_board(db, board.id, "Ann")
    assert participants.participant_by_token(db, board.id, token).id == me.id
    other = boards.create_board(db, BoardDraft(title="Other", facilitator_name="Bo"))
    for board_id, tok in [(other.id, token), (board.id, "forged"), (board.id, "")]:
        with pytest.raises(ParticipantNotFound):
            participants.participant_by_token(db, board_id, tok)
    stored = db.execute("SELECT token_hash FROM participants WHERE id = ?", [me.id]).fetchone()[0]
    assert token not in stored


def test_concurrent_note_adds_from_many_threads_lose_nothing(db_file, board, someone):
    errors: list[Exception] = []

    def writer(worker: int) -> None:
        own = connect(db_file)
        try:
            for index in range(20):
                notes.add_note(own, board.id, "detect", NoteDraft(text=f"{worker}-{index}"), someone)
        except Exception as error:  # noqa: BLE001 - collected and asserted below
            errors.append(error)
        finally:
            own.close()

    start = revision(connect(db_file), board.id)
    threads = [threading.Thread(target=writer, args=(worker,)) for worker in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    check = connect(db_file)
    assert errors == []
    assert len(notes.list_notes(check, board.id)) == 160
    assert revision(check, board.id) == start + 160
