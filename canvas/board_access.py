"""Boards tied to people, for installs where people sign in: who facilitates a
board, who may open it, and the name a person goes by on it.

A signed-in person is known by the verified email their identity provider
gives (lowercased), with a display name and groups. Without sign-in none of
this applies: a board has no owner, and the facilitator's key link and the
participant's browser token work as they always did.

- The person who started a board facilitates it by identity (the owner), on
  any browser or device. Facilitators (the owner and co-facilitators) add
  and revoke co-facilitators by email.
- A board is open to everyone signed in who has its link, or only to the
  people and email domains its facilitators listed; facilitators may always
  open it. A refusal names whom to ask by name, never by email.
- A participant's seat on a board follows their identity, so a new device
  gets the same seat and notes back. The board shows the provider's name,
  or a shortening of it that the person chooses.
"""

from __future__ import annotations

import hashlib
import re
from enum import Enum
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict

from canvas.errors import (
    BoardClosedToPerson, CreatorStaysFacilitator, InvalidDomain, InvalidEmail, InvalidInput,
    NameNotFromProvider, NotACoFacilitator, NotAFacilitatorOf,
)
from canvas.models import NAME_MAX_CHARS, checked_name

# RFC 5321's limit on a forward path, which every address fits in.
EMAIL_MAX_CHARS = 254
DOMAIN_MAX_CHARS = 253
# The name a board shows: the same limit as any display name.
BOARD_NAME_MAX_CHARS = NAME_MAX_CHARS
# Enough for a team and its neighbours; beyond that a domain is what is meant.
ACCESS_LIST_MAX = 500

_LABEL = r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?"
_DOMAIN = re.compile(rf"{_LABEL}(?:\.{_LABEL})+\Z")
# What a provider's verified address looks like; deliverability is the provider's business.
_LOCAL_PART = re.compile(r"[a-z0-9!#$%&'*+/=?^_`{|}~.-]+\Z")


def checked_email(value: str) -> str:
    """An email address as stored: trimmed and lowercased. Raises InvalidEmail."""
    email = value.strip().lower() if isinstance(value, str) else ""
    local, at, domain = email.rpartition("@")
    if (not at or not local or len(email) > EMAIL_MAX_CHARS or not _LOCAL_PART.match(local)
            or not _DOMAIN.match(domain)):
        shown = value.strip()[:80] if isinstance(value, str) else ""
        raise InvalidEmail(f"{shown!r} is not an email address (name@example.com).")
    return email


def checked_domain(value: str) -> str:
    """An email domain as stored: "example.com" (a leading "@" is dropped),
    lowercased. Raises InvalidDomain."""
    domain = value.strip().lower().removeprefix("@") if isinstance(value, str) else ""
    if len(domain) > DOMAIN_MAX_CHARS or not _DOMAIN.match(domain):
        shown = value.strip()[:80] if isinstance(value, str) else ""
        raise InvalidDomain(f"{shown!r} is not an email domain (example.com).")
    return domain


Email = Annotated[str, AfterValidator(checked_email)]
Domain = Annotated[str, AfterValidator(checked_domain)]


class SignedInPerson(BaseModel):
    """Who the identity provider says is signed in: the verified email (the
    identity), the name to show, and the groups it claims."""

    model_config = ConfigDict(frozen=True)

    email: Email
    name: str = ""
    groups: tuple[str, ...] = ()

    @property
    def domain(self) -> str:
        return self.email.rpartition("@")[2]


class AccessMode(str, Enum):
    """Who may open a board when people sign in."""

    everyone_signed_in = "everyone_signed_in"
    listed = "listed"

    @property
    def label(self) -> str:
        return {"everyone_signed_in": "Everyone signed in who has the link",
                "listed": "Only the people and domains listed"}[self.value]


class AccessList(BaseModel):
    """What a facilitator sets: the mode, and the people and domains it lists."""

    model_config = ConfigDict(frozen=True)

    mode: AccessMode = AccessMode.everyone_signed_in
    people: frozenset[Email] = frozenset()
    domains: frozenset[Domain] = frozenset()

    def model_post_init(self, _context) -> None:
        if len(self.people) + len(self.domains) > ACCESS_LIST_MAX:
            raise InvalidInput(f"A board lists at most {ACCESS_LIST_MAX} people and domains; "
                               "list a domain instead of its people.")


class BoardAccess(BaseModel):
    """A board's facilitators and access list, as stored."""

    model_config = ConfigDict(frozen=True)

    # None for a board started without sign-in.
    owner_email: str | None = None
    owner_name: str = ""
    # The facilitator named on the board (its roles), for boards without an owner.
    facilitator_name: str = ""
    co_facilitators: frozenset[str] = frozenset()
    access: AccessList = AccessList()


class AccessDecision(BaseModel):
    """Whether a person may open a board, and the sentence shown when not."""

    model_config = ConfigDict(frozen=True)

    allowed: bool
    refusal: str = ""


def whom_to_ask(board: BoardAccess) -> str:
    """The name a refused person is told to ask: the creator's name, the
    facilitator named on the board, or the role; never an email address."""
    return board.owner_name or board.facilitator_name or "the board's facilitator"


def is_facilitator(board: BoardAccess, email: str | None) -> bool:
    """Whether the person with this (verified) email facilitates the board."""
    if not email:
        return False
    email = email.lower()
    return email == board.owner_email or email in board.co_facilitators


def may_open(board: BoardAccess, person: SignedInPerson) -> AccessDecision:
    """Whether this signed-in person may open the board: facilitators always,
    everyone else as the access list says."""
    if is_facilitator(board, person.email):
        return AccessDecision(allowed=True)
    access = board.access
    if access.mode == AccessMode.everyone_signed_in:
        return AccessDecision(allowed=True)
    if person.email in access.people or person.domain in access.domains:
        return AccessDecision(allowed=True)
    return AccessDecision(allowed=False, refusal=(
        f"This board is open only to the people its facilitator chose; ask "
        f"{whom_to_ask(board)} to add you."))


def check_may_open(board: BoardAccess, person: SignedInPerson) -> None:
    """Raises BoardClosedToPerson with the refusal when `may_open` says no."""
    decision = may_open(board, person)
    if not decision.allowed:
        raise BoardClosedToPerson(decision.refusal)


def check_may_manage(board: BoardAccess, by: SignedInPerson | None) -> None:
    """A change of facilitators or of the access list: allowed to the
    operator (None: the command line) and to the board's facilitators."""
    if by is not None and not is_facilitator(board, by.email):
        raise NotAFacilitatorOf(whom_to_ask(board))


def check_removal(board: BoardAccess, email: str) -> None:
    """Raises unless `email` is a co-facilitator who may be removed."""
    if email == board.owner_email:
        raise CreatorStaysFacilitator()
    if email not in board.co_facilitators:
        raise NotACoFacilitator(email)


def seat_key(board_id: str, email: str) -> str:
    """What a participant's seat stores of their identity: a digest of the
    email salted with the board's id.

    The seat only has to be found again, never read back, and a plain email
    beside `notes.author_id` would name the author of every note to anyone
    holding a copy of the database, whatever the board shows. The board's id
    as salt keeps one person's seats on different boards from matching."""
    return hashlib.sha256(f"{board_id}\n{email.lower()}".encode("utf-8")).hexdigest()


def default_board_name(person: SignedInPerson) -> str:
    """The name a person goes by on a board unless they shorten it: the
    provider's name, or, when it runs over the limit, the first name and the
    initials of the rest; the email's local part when the provider gives no name."""
    words = person.name.split()
    if not words:
        return person.email.partition("@")[0][:BOARD_NAME_MAX_CHARS]
    full = " ".join(words)
    if len(full) <= BOARD_NAME_MAX_CHARS:
        return full
    short = " ".join([words[0], *(f"{word[0]}." for word in words[1:])])
    return short if len(short) <= BOARD_NAME_MAX_CHARS else words[0][:BOARD_NAME_MAX_CHARS]


def board_name(person: SignedInPerson, chosen: str | None = None) -> str:
    """The name shown on the board: `default_board_name`, or the person's
    choice, which must be their own name shortened (words of it kept whole
    or cut to a first letter or more, in order; "Alexandra F.", "Alex
    Fernández") within BOARD_NAME_MAX_CHARS. Raises NameNotFromProvider or
    TextRefused otherwise, so a name on a board still says who it is."""
    default = default_board_name(person)
    if chosen is None or not chosen.strip():
        return checked_name("display name", default)
    short = " ".join(chosen.split())
    if len(short) > BOARD_NAME_MAX_CHARS:
        raise NameNotFromProvider(f"A board name is at most {BOARD_NAME_MAX_CHARS} characters.")
    source = person.name.split() or [default]
    if not _is_shortening(short.split(), source):
        raise NameNotFromProvider(
            f"A board name is your name as your sign-in gives it ({' '.join(source)}), "
            "shortened: keep words or their first letters, in order.")
    return checked_name("display name", short)


def _is_shortening(short: list[str], full: list[str]) -> bool:
    # Each word of the short name starts one word of the full name (a trailing
    # "." marks a cut), in order, every full word used at most once.
    position = 0
    for word in short:
        stem = word.removesuffix(".").casefold()
        if not stem:
            return False
        while position < len(full) and not full[position].casefold().startswith(stem):
            position += 1
        if position == len(full):
            return False
        position += 1
    return bool(short)
