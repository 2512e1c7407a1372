"""Boards tied to people, on both databases: the creator facilitates from any
browser, co-facilitators come and go by email, the access list decides who
opens the board, seats follow their person, and no email leaves in a backup,
an export or the Markdown."""

import json
from datetime import date

import pytest

from canvas.board_access import (
    AccessList, AccessMode, BoardClosedToPerson, CreatorStaysFacilitator, InvalidEmail,
    NameNotFromProvider, NotACoFacilitator, NotAFacilitatorOf, SignedInPerson,
)
from canvas.errors import BoardNotFound, NotFacilitator, ParticipantNotFound
from canvas.exports.backup import backup_document
from canvas.exports.export import export_document
from canvas.exports.markdown_pack import markdown_pack
from canvas.models import BoardDraft, NoteDraft
from canvas.session.phases import Credentials, Phase
from storage import board_access, boards, facilitation, notes, participants, restore, votes
from storage.snapshot import load_snapshot

ANN = SignedInPerson(email="ann.archer@example.com", name="Ann Archer")
BOB = SignedInPerson(email="bob.baker@example.com", name="Bob Baker")
CY = SignedInPerson(email="cy.cole@example.com", name="Cy Cole")
EVE = SignedInPerson(email="eve.east@elsewhere.org", name="Eve East")


def started(db, owner=ANN):
    return facilitation.start_board(db, BoardDraft(title="Checkout errors", facilitator_name="Ann"),
                                    owner)


def test_a_board_started_without_sign_in_has_no_owner_and_opens_to_everyone(db):
    board = started(db, owner=None).board
    access = board_access.board_access(db, board.id)
    assert access.owner_email is None and access.co_facilitators == frozenset()
    assert board_access.may_open(db, board.id, EVE).allowed
    assert not board_access.is_facilitator(db, board.id, ANN.email)


def test_the_creator_facilitates_by_identity_from_a_fresh_browser(db):
    board = started(db).board
    assert board_access.is_facilitator(db, board.id, "Ann.Archer@example.com")
    # A new browser has no key: one is issued to the identity, and it works.
    key = board_access.facilitator_key_for(db, board.id, ANN)
    facilitation.set_phase(db, board.id, key, Phase.group)
    assert boards.get_board(db, board.id).phase == Phase.group
    with pytest.raises(NotFacilitator):
        board_access.facilitator_key_for(db, board.id, BOB)


def test_a_facilitator_adds_a_co_facilitator_who_then_facilitates(db):
    board = started(db).board
    revision = boards.board_revision(db, board.id)
    assert board_access.add_co_facilitator(db, board.id, " Bob.Baker@Example.com", by=ANN)
    assert board_access.is_facilitator(db, board.id, BOB.email)
    assert boards.board_revision(db, board.id) == revision + 1
    assert not board_access.add_co_facilitator(db, board.id, BOB.email, by=BOB)
    assert board_access.list_facilitators(db, board.id) == [(ANN.email, True), (BOB.email, False)]


def test_someone_who_does_not_facilitate_changes_nothing(db):
    board = started(db).board
    revision = boards.board_revision(db, board.id)
    with pytest.raises(NotAFacilitatorOf, match="ask Ann Archer"):
        board_access.add_co_facilitator(db, board.id, EVE.email, by=EVE)
    with pytest.raises(NotAFacilitatorOf):
        board_access.set_access(db, board.id, AccessList(mode=AccessMode.listed), by=EVE)
    assert board_access.list_facilitators(db, board.id) == [(ANN.email, True)]
    assert board_access.board_access(db, board.id).access.mode == AccessMode.everyone_signed_in
    assert boards.board_revision(db, board.id) == revision


def test_removing_a_co_facilitator_revokes_their_keys_at_once(db):
    board = started(db).board
    board_access.add_co_facilitator(db, board.id, BOB.email, by=ANN)
    key = board_access.facilitator_key_for(db, board.id, BOB)
    board_access.remove_co_facilitator(db, board.id, BOB.email, by=ANN)
    assert not board_access.is_facilitator(db, board.id, BOB.email)
    with pytest.raises(NotFacilitator):
        facilitation.set_phase(db, board.id, key, Phase.group)
    # A removed co-facilitator cannot change the list any more either.
    with pytest.raises(NotAFacilitatorOf):
        board_access.add_co_facilitator(db, board.id, BOB.email, by=BOB)


def test_the_creator_stays_and_a_stranger_cannot_be_removed(db):
    board = started(db).board
    with pytest.raises(CreatorStaysFacilitator):
        board_access.remove_co_facilitator(db, board.id, ANN.email)
    with pytest.raises(NotACoFacilitator):
        board_access.remove_co_facilitator(db, board.id, EVE.email)
    with pytest.raises(InvalidEmail):
        board_access.add_co_facilitator(db, board.id, "not-an-email")
    with pytest.raises(BoardNotFound):
        board_access.add_co_facilitator(db, "X" * 24, BOB.email)


def test_a_restricted_board_opens_to_the_listed_and_refuses_others_by_name(db):
    board = started(db).board
    board_access.add_co_facilitator(db, board.id, CY.email, by=ANN)
    board_access.set_access(db, board.id, AccessList(
        mode=AccessMode.listed, people=frozenset({BOB.email}),
        domains=frozenset({"partner.io"})), by=CY)
    pat = SignedInPerson(email="pat@partner.io", name="Pat")
    assert [board_access.may_open(db, board.id, p).allowed for p in (ANN, BOB, CY, pat)] == [True] * 4
    refused = board_access.may_open(db, board.id, EVE)
    assert not refused.allowed and "ask Ann Archer" in refused.refusal and "@" not in refused.refusal
    with pytest.raises(BoardClosedToPerson):
        board_access.take_seat(db, board.id, EVE)
    # The list is replaced, not added to; opening it again admits everyone.
    board_access.set_access(db, board.id, AccessList(mode=AccessMode.everyone_signed_in), by=ANN)
    access = board_access.board_access(db, board.id).access
    assert (access.people, access.domains) == (frozenset(), frozenset())
    assert board_access.may_open(db, board.id, EVE).allowed


def test_a_seat_follows_its_person_to_a_new_device_with_their_notes(db):
    board = started(db).board
    seat, laptop = board_access.take_seat(db, board.id, BOB)
    assert seat.display_name == "Bob Baker"
    note = notes.add_note(db, board.id, "detect", NoteDraft(text="Alert sooner"),
                          Credentials(participant_id=seat.id))
    again, phone = board_access.take_seat(db, board.id, BOB)
    assert again.id == seat.id and phone != laptop
    # Both devices' tokens name the same seat.
    assert participants.participant_by_token(db, board.id, laptop).id == seat.id
    assert participants.participant_by_token(db, board.id, phone).id == seat.id
    assert [n.id for n in notes.list_notes(db, board.id) if n.author_id == again.id] == [note.id]
    assert len(participants.list_participants(db, board.id)) == 2  # Ann and Bob


def test_a_seat_name_can_be_shortened_but_not_changed_to_someone_else(db):
    board = started(db).board
    seat, _ = board_access.take_seat(db, board.id, BOB, "Bob B.")
    assert seat.display_name == "Bob B."
    with pytest.raises(NameNotFromProvider):
        board_access.take_seat(db, board.id, BOB, "Ann")
    assert participants.list_participants(db, board.id)[-1].display_name == "Bob B."


def test_the_creators_first_seat_is_theirs_on_every_device(db):
    start = started(db)
    seat, _ = board_access.take_seat(db, start.board.id, ANN)
    assert seat.id == start.facilitator.id


def test_a_seat_on_one_board_is_not_a_seat_on_another(db):
    first, second = started(db).board, started(db).board
    on_first, token = board_access.take_seat(db, first.id, BOB)
    on_second, _ = board_access.take_seat(db, second.id, BOB)
    assert on_first.id != on_second.id
    with pytest.raises(ParticipantNotFound):
        participants.participant_by_token(db, second.id, token)


def test_emails_are_in_no_backup_export_or_markdown(db):
    board = started(db).board
    board_access.add_co_facilitator(db, board.id, CY.email, by=ANN)
    board_access.set_access(db, board.id, AccessList(
        mode=AccessMode.listed, people=frozenset({BOB.email}),
        domains=frozenset({"partner.io"})), by=ANN)
    seat, _ = board_access.take_seat(db, board.id, BOB)
    notes.add_note(db, board.id, "detect", NoteDraft(text="Alert sooner"),
                   Credentials(participant_id=seat.id))
    key = board_access.facilitator_key_for(db, board.id, CY)
    facilitation.set_phase(db, board.id, key, Phase.vote)
    note = notes.list_notes(db, board.id)[0]
    votes.cast_vote(db, board.id, Credentials(participant_id=seat.id), note.id, 0)

    snapshot, by_person = restore.load_snapshot_and_votes(db, board.id)
    texts = [json.dumps(backup_document(snapshot, by_person)),
             json.dumps(export_document(snapshot, by_person), default=str),
             markdown_pack(load_snapshot(db, board.id), date(2026, 12, 7))]
    for text in texts:
        assert "@" not in text, text[:200]
        for part in ("ann.archer", "bob.baker", "cy.cole", "partner.io", "example.com"):
            assert part not in text
    # The database does hold them, so the check above could fail.
    assert board_access.list_facilitators(db, board.id)[1] == (CY.email, False)


def test_a_seat_keeps_its_provider_name_shortened_never_replaced(db):
    access = board_access
    ann = SignedInPerson(email="alexandra.f@example.org", name="Alexandra Fernández")
    board_id = facilitation.start_board(db, BoardDraft(title="Names", facilitator_name="Fran")).board.id
    seat, _ = access.take_seat(db, board_id, ann)
    assert access.rename_seat(db, board_id, ann, "Alexandra F.") == "Alexandra F."
    with pytest.raises(NameNotFromProvider):
        access.rename_seat(db, board_id, ann, "The CEO")
    names = {p.id: p.display_name for p in participants.list_participants(db, board_id)}
    assert names[seat.id] == "Alexandra F."
    stranger = SignedInPerson(email="bo@example.org", name="Bo")
    with pytest.raises(ParticipantNotFound):
        access.rename_seat(db, board_id, stranger, "Bo")
