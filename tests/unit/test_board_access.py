"""The rules of boards tied to people, with literals: who facilitates, who may
open a board, and the name a signed-in person goes by on it."""

import pytest
from pydantic import ValidationError

from canvas.board_access import (
    AccessList, AccessMode, BoardAccess, BoardClosedToPerson, CreatorStaysFacilitator,
    InvalidDomain, InvalidEmail, NameNotFromProvider, NotACoFacilitator, NotAFacilitatorOf,
    SignedInPerson, board_name, check_may_manage, check_may_open, check_removal, checked_domain,
    checked_email, default_board_name, is_facilitator, may_open, seat_key,
)

ANN = SignedInPerson(email="Ann@Example.com", name="Ann Archer", groups=("sre",))
BOB = SignedInPerson(email="bob@example.com", name="Bob Baker")
EVE = SignedInPerson(email="eve@elsewhere.org", name="Eve")
OPEN = BoardAccess(owner_email="ann@example.com", owner_name="Ann Archer",
                   co_facilitators=frozenset({"cy@example.com"}))
LISTED = OPEN.model_copy(update={"access": AccessList(
    mode=AccessMode.listed, people=frozenset({"bob@example.com"}),
    domains=frozenset({"partner.io"}))})


def test_a_signed_in_persons_email_is_their_lowercased_identity():
    assert ANN.email == "ann@example.com"
    assert ANN.domain == "example.com"
    assert ANN.groups == ("sre",)


@pytest.mark.parametrize("bad", ["", "ann", "ann@", "@example.com", "ann@localhost",
                                 "ann smith@example.com", "ann@exa mple.com", "a" * 250 + "@x.io"])
def test_an_address_that_is_not_an_email_is_refused_with_a_sentence(bad):
    with pytest.raises(InvalidEmail, match="is not an email address"):
        checked_email(bad)
    with pytest.raises(ValidationError):
        SignedInPerson(email=bad, name="x")


def test_a_domain_may_be_written_with_or_without_its_at_sign():
    assert checked_domain("@Partner.IO ") == "partner.io"
    with pytest.raises(InvalidDomain, match="is not an email domain"):
        checked_domain("partner")


def test_the_creator_and_co_facilitators_facilitate_and_nobody_else():
    assert is_facilitator(OPEN, "ANN@example.com")
    assert is_facilitator(OPEN, "cy@example.com")
    assert not is_facilitator(OPEN, "bob@example.com")
    assert not is_facilitator(OPEN, None)
    assert not is_facilitator(BoardAccess(), "ann@example.com")


def test_by_default_everyone_signed_in_with_the_link_may_open_the_board():
    assert may_open(OPEN, EVE).allowed


def test_a_restricted_board_opens_to_listed_people_domains_and_facilitators():
    partner = SignedInPerson(email="pat@partner.io", name="Pat")
    cy = SignedInPerson(email="cy@example.com", name="Cy")
    assert [may_open(LISTED, person).allowed for person in (BOB, partner, ANN, cy)] == [True] * 4


def test_a_refusal_names_the_creator_to_ask_and_never_an_email():
    decision = may_open(LISTED, EVE)
    assert not decision.allowed
    assert decision.refusal == ("This board is open only to the people its facilitator chose; "
                                "ask Ann Archer to add you.")
    assert "@" not in decision.refusal
    with pytest.raises(BoardClosedToPerson, match="ask Ann Archer"):
        check_may_open(LISTED, EVE)


def test_without_an_owner_the_refusal_names_the_facilitator_on_the_board_or_the_role():
    named = LISTED.model_copy(update={"owner_email": None, "owner_name": "",
                                      "facilitator_name": "Fran"})
    assert "ask Fran to" in may_open(named, EVE).refusal
    nameless = named.model_copy(update={"facilitator_name": ""})
    assert "ask the board's facilitator to" in may_open(nameless, EVE).refusal


def test_only_facilitators_or_the_operator_change_who_facilitates():
    check_may_manage(OPEN, None)
    check_may_manage(OPEN, ANN)
    with pytest.raises(NotAFacilitatorOf, match="ask Ann Archer"):
        check_may_manage(OPEN, BOB)


def test_the_creator_cannot_be_removed_and_a_stranger_is_not_a_co_facilitator():
    check_removal(OPEN, "cy@example.com")
    with pytest.raises(CreatorStaysFacilitator):
        check_removal(OPEN, "ann@example.com")
    with pytest.raises(NotACoFacilitator, match="bob@example.com is not a co-facilitator"):
        check_removal(OPEN, "bob@example.com")


def test_an_access_list_holds_emails_and_domains_only():
    with pytest.raises(ValidationError):
        AccessList(mode=AccessMode.listed, people=frozenset({"not an email"}))
    assert AccessList(domains=frozenset({"@Corp.example"})).domains == {"corp.example"}


def test_a_seat_key_is_the_same_for_one_person_on_one_board_only():
    assert seat_key("B" * 24, "Ann@example.com") == seat_key("B" * 24, "ann@example.com")
    assert seat_key("B" * 24, "ann@example.com") != seat_key("C" * 24, "ann@example.com")
    assert "ann" not in seat_key("B" * 24, "ann@example.com")


def test_the_board_shows_the_providers_name_unless_shortened():
    assert board_name(ANN) == "Ann Archer"
    assert board_name(ANN, "Ann A.") == "Ann A."
    assert board_name(ANN, "  ann   archer ") == "ann archer"
    assert board_name(ANN, "Archer") == "Archer"


@pytest.mark.parametrize("other", ["Bob", "Archer Ann", "Ann Archer Jr", "Annie", ". ."])
def test_a_board_name_that_is_not_the_persons_own_shortened_is_refused(other):
    with pytest.raises(NameNotFromProvider, match="shortened"):
        board_name(ANN, other)


def test_a_long_provider_name_is_cut_to_the_limit_with_initials():
    long = SignedInPerson(email="m@example.com",
                          name="Maria Josefina Guadalupe Hernández de la Fuente")
    assert default_board_name(long) == "Maria J. G. H. d. l. F."
    assert len(board_name(long)) <= 40
    with pytest.raises(NameNotFromProvider, match="at most 40"):
        board_name(long, long.name)


def test_without_a_name_from_the_provider_the_email_local_part_is_shown():
    assert board_name(SignedInPerson(email="ops.lead@example.com", name=" ")) == "ops.lead"
