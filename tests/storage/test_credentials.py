"""Every write checks who is acting inside its own transaction (real temp SQLite)."""

import pytest

from canvas.actions import ActionDraft
from canvas.errors import NotFocusable, ParticipantNotFound, StepNotFound
from canvas.models import BoardDraft, NoteDraft
from canvas.session.phases import Credentials, NotYourNote, Phase, PhaseForbids
from storage import actions, boards, clusters, facilitation, notes, participants, votes


@pytest.fixture
def started(db):
    return facilitation.start_board(db, BoardDraft(title="Checkout errors", facilitator_name="Fran"))


def join(db, board_id: str, name: str, key: str | None = None) -> Credentials:
    person, _ = participants.join_board(db, board_id, name)
    return Credentials(participant_id=person.id, facilitator_key=key)


def test_a_co_facilitator_revoked_after_the_page_was_drawn_cannot_delete_anothers_note(db, started):
    board_id = started.board.id
    ann = join(db, board_id, "Ann")
    mine = notes.add_note(db, board_id, "detect", NoteDraft(text="Ann's note"), ann)
    co_key = facilitation.issue_facilitator_key(db, board_id, started.facilitator_key,
                                                revoke_others=False)
    cole = join(db, board_id, "Cole", key=co_key)
    # While the key is live, Cole may tidy anyone's note.
    tidied = notes.edit_note(db, board_id, mine.id, NoteDraft(text="Ann's note, tidied"),
                             mine.version, cole)
    # Cole's page is drawn with the controls; then the session is handed over.
    facilitation.issue_facilitator_key(db, board_id, started.facilitator_key, revoke_others=True)
    before = boards.board_revision(db, board_id)
    with pytest.raises(NotYourNote):
        notes.delete_note(db, board_id, mine.id, cole)
    with pytest.raises(NotYourNote):
        notes.edit_note(db, board_id, mine.id, NoteDraft(text="overwritten"), tidied.version, cole)
    assert notes.get_note(db, board_id, mine.id).text == "Ann's note, tidied"
    assert not notes.get_note(db, board_id, mine.id).is_deleted
    assert boards.board_revision(db, board_id) == before


def test_a_facilitator_key_of_another_board_gives_no_power_here(db, started):
    board_id = started.board.id
    ann = join(db, board_id, "Ann")
    note = notes.add_note(db, board_id, "detect", NoteDraft(text="Ann's note"), ann)
    elsewhere = facilitation.start_board(db, BoardDraft(title="Other", facilitator_name="Kim"))
    bob = join(db, board_id, "Bob", key=elsewhere.facilitator_key)
    with pytest.raises(NotYourNote):
        notes.delete_note(db, board_id, note.id, bob)
    with pytest.raises(Exception, match="Only the facilitator"):
        facilitation.set_phase(db, board_id, elsewhere.facilitator_key, Phase.group)


def test_a_participant_of_another_board_is_refused_on_every_write(db, started):
    board_id = started.board.id
    ann = join(db, board_id, "Ann")
    note = notes.add_note(db, board_id, "detect", NoteDraft(text="Ann's note"), ann)
    elsewhere = facilitation.start_board(db, BoardDraft(title="Other", facilitator_name="Kim"))
    kim = Credentials(participant_id=elsewhere.facilitator.id)
    key = started.facilitator_key
    attempts = {
        Phase.write: [
            lambda: notes.add_note(db, board_id, "detect", NoteDraft(text="forged"), kim),
            lambda: notes.delete_note(db, board_id, note.id, kim),
            lambda: notes.link_note_to_event(db, board_id, note.id, None, kim),
        ],
        Phase.group: [lambda: clusters.create_cluster(db, board_id, "detect", "forged", kim)],
        Phase.vote: [lambda: votes.cast_vote(db, board_id, kim, note.id, 0),
                     lambda: votes.retract_vote(db, board_id, kim, note.id, 1)],
        Phase.discuss: [lambda: actions.add_action_from_item(
            db, board_id, ActionDraft(title="Alert sooner"), kim)],
    }
    for phase, tries in attempts.items():
        facilitation.set_phase(db, board_id, key, phase)
        before = boards.board_revision(db, board_id)
        for attempt in tries:
            with pytest.raises(ParticipantNotFound):
                attempt()
        assert boards.board_revision(db, board_id) == before
    assert votes.tallies(db, board_id) == {}


def test_someone_with_neither_a_name_on_the_board_nor_a_key_is_refused(db, started):
    with pytest.raises(ParticipantNotFound):
        notes.add_note(db, started.board.id, "detect", NoteDraft(text="anonymous"), Credentials())
    with pytest.raises(ParticipantNotFound):
        notes.add_note(db, started.board.id, "detect", NoteDraft(text="guessed key"),
                       Credentials(facilitator_key="guess"))
    assert notes.list_notes(db, started.board.id) == []


def test_a_facilitator_key_alone_writes_notes_without_an_author_but_cannot_vote(db, started):
    board_id = started.board.id
    key_only = Credentials(facilitator_key=started.facilitator_key)
    note = notes.add_note(db, board_id, "detect", NoteDraft(text="prepared"), key_only)
    assert note.author_id is None
    facilitation.set_phase(db, board_id, started.facilitator_key, Phase.vote)
    with pytest.raises(ParticipantNotFound):
        votes.cast_vote(db, board_id, key_only, note.id, 0)


@pytest.mark.parametrize("step_key", ["nope", "summary", "timeline", "", "detect "])
def test_a_note_for_a_step_without_sticky_notes_is_refused(db, started, step_key):
    ann = join(db, started.board.id, "Ann")
    before = boards.board_revision(db, started.board.id)
    with pytest.raises(StepNotFound):
        notes.add_note(db, started.board.id, step_key, NoteDraft(text="lost"), ann)
    assert notes.list_notes(db, started.board.id) == []
    assert boards.board_revision(db, started.board.id) == before


def test_notes_go_into_every_sticky_note_step_of_the_template(db, started):
    ann = join(db, started.board.id, "Ann")
    for step in started.board.template_model.note_steps:
        notes.add_note(db, started.board.id, step.key, NoteDraft(text=f"in {step.key}"), ann)
    assert len(notes.list_notes(db, started.board.id)) == len(started.board.template_model.note_steps)


def test_an_item_becomes_an_action_only_in_discuss(db, started):
    board_id, key = started.board.id, started.facilitator_key
    ann = join(db, board_id, "Ann")
    draft = ActionDraft(title="Alert on the 5xx rate")
    for phase in (Phase.write, Phase.group, Phase.vote, Phase.closed):
        facilitation.set_phase(db, board_id, key, phase)
        with pytest.raises(PhaseForbids):
            actions.add_action_from_item(db, board_id, draft, ann)
    facilitation.set_phase(db, board_id, key, Phase.discuss)
    made = actions.add_action_from_item(db, board_id, draft, ann)
    assert [a.id for a in actions.list_actions(db, board_id)] == [made.id]


def test_the_focus_is_set_only_while_discussing(db, started):
    board_id, key = started.board.id, started.facilitator_key
    item = notes.add_note(db, board_id, "detect", NoteDraft(text="Pager was muted"), join(db, board_id, "Ann"))
    with pytest.raises(PhaseForbids):
        facilitation.set_focus(db, board_id, key, item.id)
    facilitation.set_phase(db, board_id, key, Phase.discuss)
    facilitation.set_focus(db, board_id, key, item.id)
    assert boards.get_board(db, board_id).focus_item == item.id
    facilitation.set_focus(db, board_id, key, None)
    assert boards.get_board(db, board_id).focus_item is None


def test_the_focus_goes_only_to_an_item_the_ranking_lists(db, started):
    board_id, key = started.board.id, started.facilitator_key
    ann = join(db, board_id, "Ann")
    loose = notes.add_note(db, board_id, "detect", NoteDraft(text="Pager was muted"), ann)
    grouped = notes.add_note(db, board_id, "detect", NoteDraft(text="Alert went to email"), ann)
    gone = notes.add_note(db, board_id, "react", NoteDraft(text="Rolled back late"), ann)
    facilitation.set_phase(db, board_id, key, Phase.group)
    cluster_id = clusters.move_note(db, board_id, grouped.id, step_key="detect", onto_note_id=loose.id,
                                    seen_revision=boards.board_revision(db, board_id), credentials=ann)
    notes.delete_note(db, board_id, gone.id, ann)
    other = facilitation.start_board(db, BoardDraft(title="Another incident", facilitator_name="Bo"))
    elsewhere = notes.add_note(db, other.board.id, "detect", NoteDraft(text="Not this board's"),
                               Credentials(participant_id=other.facilitator.id))
    facilitation.set_phase(db, board_id, key, Phase.discuss)
    facilitation.set_focus(db, board_id, key, cluster_id)
    before = boards.board_revision(db, board_id)
    for refused in (elsewhere.id, grouped.id, gone.id, "no-such-item", "x" * 100_000):
        with pytest.raises(NotFocusable):
            facilitation.set_focus(db, board_id, key, refused)
    assert boards.get_board(db, board_id).focus_item == cluster_id
    assert boards.board_revision(db, board_id) == before
