"""Notes tied to moments of the timeline, on a real temp SQLite file."""

import pytest

from canvas.errors import EventNotFound, NoteNotFound
from canvas.models import BoardDraft, NoteDraft
from canvas.phases import Credentials, Phase, PhaseForbids
from canvas.timeline import TimelineEvent
from storage import boards, events, facilitation, notes, participants


@pytest.fixture
def board(db):
    return boards.create_board(db, BoardDraft(title="Checkout errors", facilitator_name="Fran"))


@pytest.fixture
def people(db, board):
    """Two participants: `author` wrote the note, `other` did not."""
    author, _ = participants.join_board(db, board.id, "Ann")
    other, _ = participants.join_board(db, board.id, "Ben")
    return (Credentials(participant_id=author.id), Credentials(participant_id=other.id))


@pytest.fixture
def note(db, board, people):
    return notes.add_note(db, board.id, "detect", NoteDraft(text="Alert on 5xx"), people[0])


def add_event(db, board_id, text="Paged on 5xx", at="2019-07-02T13:42:00Z", kind="detected"):
    return events.add_event(db, board_id, TimelineEvent(at=at, kind=kind, text=text))


def set_phase(db, board_id, phase: Phase) -> None:
    key = facilitation.create_facilitator_key(db, board_id, "test")
    facilitation.set_phase(db, board_id, key, phase)


def test_a_note_is_linked_to_an_event_and_unlinked_again(db, board, people, note):
    moment = add_event(db, board.id)
    before = boards.board_revision(db, board.id)

    linked = notes.link_note_to_event(db, board.id, note.id, moment.id, people[0])
    assert linked.event_id == moment.id
    assert notes.get_note(db, board.id, note.id).event_id == moment.id
    assert notes.list_linked_notes(db, board.id) == {moment.id: [linked]}
    assert boards.board_revision(db, board.id) == before + 1, "others' pages redraw"

    unlinked = notes.link_note_to_event(db, board.id, note.id, None, people[0])
    assert unlinked.event_id is None
    assert notes.list_linked_notes(db, board.id) == {}


def test_linking_leaves_the_text_version_alone_so_an_open_edit_still_saves(db, board, people, note):
    moment = add_event(db, board.id)
    linked = notes.link_note_to_event(db, board.id, note.id, moment.id, people[1])
    assert (linked.version, linked.updated_at, linked.text) == (note.version, note.updated_at, note.text)
    edited = notes.edit_note(db, board.id, note.id, NoteDraft(text="Alert on 5xx rate"),
                             note.version, people[0])
    assert (edited.text, edited.event_id) == ("Alert on 5xx rate", moment.id)


@pytest.mark.parametrize("phase", [Phase.write, Phase.group, Phase.vote, Phase.discuss])
def test_anyone_on_the_board_may_link_any_note_in_every_phase_but_closed(db, board, people, note, phase):
    moment = add_event(db, board.id)
    set_phase(db, board.id, phase)
    # Not the author, and no facilitator: linking is curation, not authorship.
    assert notes.link_note_to_event(db, board.id, note.id, moment.id, people[1]).event_id == moment.id


def test_a_closed_board_refuses_linking_and_unlinking_and_keeps_its_revision(db, board, people, note):
    moment = add_event(db, board.id)
    notes.link_note_to_event(db, board.id, note.id, moment.id, people[0])
    other = add_event(db, board.id, text="Acked", kind="acknowledged")
    facilitator = Credentials(facilitator_key=facilitation.create_facilitator_key(db, board.id, "test"))
    set_phase(db, board.id, Phase.closed)
    before = boards.board_revision(db, board.id)
    for event_id, actor in ((other.id, people[0]), (None, people[0]), (None, facilitator)):
        with pytest.raises(PhaseForbids):
            notes.link_note_to_event(db, board.id, note.id, event_id, actor)
    assert notes.get_note(db, board.id, note.id).event_id == moment.id
    assert boards.board_revision(db, board.id) == before


def test_an_event_of_another_board_is_refused(db, board, people, note):
    elsewhere = boards.create_board(db, BoardDraft(title="Other", facilitator_name="Kim"))
    foreign = add_event(db, elsewhere.id)
    before = boards.board_revision(db, board.id)
    with pytest.raises(EventNotFound):
        notes.link_note_to_event(db, board.id, note.id, foreign.id, people[0])
    with pytest.raises(EventNotFound):
        notes.link_note_to_event(db, board.id, note.id, "no-such-event", people[0])
    assert notes.get_note(db, board.id, note.id).event_id is None
    assert boards.board_revision(db, board.id) == before


def test_a_deleted_event_is_refused(db, board, people, note):
    gone = add_event(db, board.id)
    events.delete_event(db, board.id, gone.id)
    with pytest.raises(EventNotFound):
        notes.link_note_to_event(db, board.id, note.id, gone.id, people[0])
    assert notes.get_note(db, board.id, note.id).event_id is None


def test_a_deleted_note_or_one_of_another_board_cannot_be_linked(db, board, people, note):
    moment = add_event(db, board.id)
    elsewhere = boards.create_board(db, BoardDraft(title="Other", facilitator_name="Kim"))
    kim = Credentials(facilitator_key=facilitation.create_facilitator_key(db, elsewhere.id, "test"))
    stranger = notes.add_note(db, elsewhere.id, "detect", NoteDraft(text="theirs"), kim)
    with pytest.raises(NoteNotFound):
        notes.link_note_to_event(db, board.id, stranger.id, moment.id, people[0])
    notes.delete_note(db, board.id, note.id, people[0])
    with pytest.raises(NoteNotFound):
        notes.link_note_to_event(db, board.id, note.id, moment.id, people[0])


def test_a_link_to_a_deleted_event_is_kept_but_hidden_until_the_event_is_restored(db, board, people, note):
    moment = add_event(db, board.id)
    notes.link_note_to_event(db, board.id, note.id, moment.id, people[0])
    events.delete_event(db, board.id, moment.id)
    assert notes.get_note(db, board.id, note.id).event_id == moment.id, "kept in the database"
    assert notes.list_linked_notes(db, board.id) == {}, "not shown while the event is deleted"
    events.restore_event(db, board.id, moment.id)
    assert [n.id for n in notes.list_linked_notes(db, board.id)[moment.id]] == [note.id]


def test_linked_notes_are_grouped_by_event_without_deleted_notes(db, board, people, note):
    first, second = add_event(db, board.id), add_event(db, board.id, text="Rolled back", kind="mitigated")
    more = notes.add_note(db, board.id, "react", NoteDraft(text="Page sooner"), people[1])
    binned = notes.add_note(db, board.id, "react", NoteDraft(text="binned"), people[1])
    for each, moment in ((note, first), (more, first), (binned, second)):
        notes.link_note_to_event(db, board.id, each.id, moment.id, people[0])
    notes.delete_note(db, board.id, binned.id, people[1])
    linked = notes.list_linked_notes(db, board.id)
    assert {event_id: [n.text for n in group] for event_id, group in linked.items()} == {
        first.id: ["Alert on 5xx", "Page sooner"]}
