"""Boards tied to people where people sign in: the owner, co-facilitators,
the access list, and seats that follow a person's identity.

The rules are canvas.board_access's; every write here reads the board's
access inside the transaction that makes the change (the board's row locked
by `changing_board`), so a facilitator removed a moment ago can no longer
change anything. `by=None` is the operator (the command line), whom no rule
of the board limits.

Emails of the owner, co-facilitators and access list are kept as typed
(lowercased): facilitators read them back. A seat keeps only a salted digest
of its person's identity (canvas.board_access.seat_key). None of them goes
into a backup, an export or the Markdown, which are built from models that
do not carry them.
"""

from __future__ import annotations

from canvas.board_access import (
    AccessDecision, AccessList, AccessMode, BoardAccess, SignedInPerson, board_name,
    check_may_manage, check_may_open, check_removal, checked_email, seat_key,
)
from canvas.board_access import is_facilitator as _facilitates
from canvas.board_access import may_open as _may_open
from canvas.errors import BoardNotFound, NotFacilitator, ParticipantNotFound
from canvas.ids import hash_secret, is_well_formed_board_id, new_row_id, new_secret
from canvas.models import Participant
from storage.boards import changing_board
from storage.db import Database, iso, now, read_transaction

PERSON, DOMAIN = "person", "domain"


def board_access(db: Database, board_id: str) -> BoardAccess:
    """The live board's owner, co-facilitators and access list; raises BoardNotFound."""
    with read_transaction(db):
        return _read(db, board_id)


def _read(db: Database, board_id: str) -> BoardAccess:
    row = None
    if is_well_formed_board_id(board_id):
        row = db.execute(
            "SELECT owner_email, owner_name, facilitator, access_mode FROM boards "
            "WHERE id = ? AND deleted_at IS NULL", [board_id]).fetchone()
    if row is None:
        raise BoardNotFound(board_id)
    owner_email, owner_name, facilitator, mode = row
    co = {email for (email,) in db.execute(
        "SELECT email FROM board_facilitators WHERE board_id = ?", [board_id])}
    listed = db.execute("SELECT kind, value FROM board_access_list WHERE board_id = ?",
                        [board_id]).fetchall()
    return BoardAccess(
        owner_email=owner_email, owner_name=owner_name or "", facilitator_name=facilitator or "",
        co_facilitators=frozenset(co),
        access=AccessList(mode=AccessMode(mode),
                          people=frozenset(value for kind, value in listed if kind == PERSON),
                          domains=frozenset(value for kind, value in listed if kind == DOMAIN)))


def set_owner(db: Database, board_id: str, person: SignedInPerson) -> None:
    """Make `person` the board's creator: its facilitator by identity.
    Called by `storage.facilitation.start_board` in the transaction that starts it."""
    with changing_board(db, board_id):
        db["boards"].update(board_id, {"owner_email": person.email,
                                       "owner_name": board_name(person)})


def is_facilitator(db: Database, board_id: str, email: str | None) -> bool:
    """Whether the signed-in person with this email facilitates the live
    board (its creator or a co-facilitator); False for an unknown board."""
    try:
        return _facilitates(board_access(db, board_id), email)
    except BoardNotFound:
        return False


def may_open(db: Database, board_id: str, person: SignedInPerson) -> AccessDecision:
    """Whether `person` may open the board, with the sentence to show when not.
    Raises BoardNotFound for an unknown or deleted board."""
    return _may_open(board_access(db, board_id), person)


def list_facilitators(db: Database, board_id: str) -> list[tuple[str, bool]]:
    """(email, is_creator) for everyone who facilitates the board by
    identity: the creator first, then co-facilitators by email."""
    with read_transaction(db):
        access = _read(db, board_id)
        rows = db.execute("SELECT email FROM board_facilitators WHERE board_id = ? "
                          "ORDER BY added_at, email", [board_id]).fetchall()
    creator = [(access.owner_email, True)] if access.owner_email else []
    return creator + [(email, False) for (email,) in rows]


def add_co_facilitator(db: Database, board_id: str, email: str, *,
                       by: SignedInPerson | None = None) -> bool:
    """Make the person with `email` a co-facilitator; False when they
    facilitate the board already. `by` must facilitate it (None: the
    operator). Raises InvalidEmail, BoardNotFound or NotAFacilitatorOf."""
    email = checked_email(email)
    with changing_board(db, board_id):
        access = _read(db, board_id)
        check_may_manage(access, by)
        if _facilitates(access, email):
            return False
        db["board_facilitators"].insert({"id": new_row_id(), "board_id": board_id,
                                         "email": email, "added_at": iso(now())})
    return True


def remove_co_facilitator(db: Database, board_id: str, email: str, *,
                          by: SignedInPerson | None = None) -> None:
    """Take co-facilitation away from `email`, and revoke the facilitator
    keys handed to them when they signed in. Raises InvalidEmail,
    BoardNotFound, NotAFacilitatorOf, CreatorStaysFacilitator or NotACoFacilitator."""
    email = checked_email(email)
    with changing_board(db, board_id):
        access = _read(db, board_id)
        check_may_manage(access, by)
        check_removal(access, email)
        db.execute("DELETE FROM board_facilitators WHERE board_id = ? AND email = ?",
                   [board_id, email])
        db.execute("UPDATE facilitator_keys SET revoked_at = ? WHERE board_id = ? AND email = ? "
                   "AND revoked_at IS NULL", [iso(now()), board_id, email])


def set_access(db: Database, board_id: str, access: AccessList, *,
               by: SignedInPerson | None = None) -> None:
    """Open the board to everyone signed in, or only to the people and
    domains listed (the list replaces the one before). `by` must facilitate
    the board (None: the operator). Raises BoardNotFound or NotAFacilitatorOf."""
    with changing_board(db, board_id):
        check_may_manage(_read(db, board_id), by)
        db["boards"].update(board_id, {"access_mode": access.mode.value})
        db.execute("DELETE FROM board_access_list WHERE board_id = ?", [board_id])
        stamp = iso(now())
        db["board_access_list"].insert_all(
            [{"id": new_row_id(), "board_id": board_id, "kind": kind, "value": value,
              "added_at": stamp}
             for kind, values in ((PERSON, access.people), (DOMAIN, access.domains))
             for value in sorted(values)])


def facilitator_key_for(db: Database, board_id: str, person: SignedInPerson) -> str:
    """A facilitator key for a signed-in facilitator's browser (shown once,
    stored as a hash), so every facilitator power works as with a key link,
    from any browser. Revoked when the person stops co-facilitating.
    Raises BoardNotFound, or NotFacilitator for anyone else."""
    key = new_secret()
    with changing_board(db, board_id):
        if not _facilitates(_read(db, board_id), person.email):
            raise NotFacilitator()
        db["facilitator_keys"].insert(
            {"id": new_row_id(), "board_id": board_id, "key_hash": hash_secret(key),
             "label": "signed in", "created_at": iso(now()), "revoked_at": None,
             "email": person.email})
    return key


def take_seat(db: Database, board_id: str, person: SignedInPerson,
              name: str | None = None) -> tuple[Participant, str]:
    """The person's seat on the board, made the first time, and a new token
    for this browser (shown once, stored as a hash). The same person on
    another device gets the same seat (and their notes and dots) back;
    their other browsers' tokens keep working. `name` shortens the name the
    board shows (canvas.board_access.board_name); None keeps the seat's name.

    Raises BoardNotFound, BoardClosedToPerson (with whom to ask),
    NameNotFromProvider or TextRefused."""
    token = new_secret()
    identity = seat_key(board_id, person.email)
    stamp = iso(now())
    with changing_board(db, board_id):
        check_may_open(_read(db, board_id), person)
        row = db.execute("SELECT id, display_name FROM participants "
                         "WHERE board_id = ? AND identity_hash = ?",
                         [board_id, identity]).fetchone()
        if row is None:
            participant_id = new_row_id()
            db["participants"].insert({
                "id": participant_id, "board_id": board_id,
                "display_name": board_name(person, name),
                # The seat's own token is never handed out: browsers hold seat tokens.
                "token_hash": hash_secret(new_secret()), "identity_hash": identity,
                "joined_at": stamp, "last_seen_at": stamp})
        else:
            participant_id = row[0]
            if name is not None:
                db["participants"].update(participant_id,
                                          {"display_name": board_name(person, name)})
        db["seat_tokens"].insert({"id": new_row_id(), "board_id": board_id,
                                  "participant_id": participant_id,
                                  "token_hash": hash_secret(token), "created_at": stamp})
        seat = next(db.query("SELECT * FROM participants WHERE id = ?", [participant_id]))
    return Participant.model_validate(seat), token


def rename_seat(db: Database, board_id: str, person: SignedInPerson, name: str) -> str:
    """Shorten the name `person`'s seat shows on this board (their provider's
    name, cut as canvas.board_access.board_name allows); returns it."""
    shown = board_name(person, name)
    with changing_board(db, board_id):
        done = db.execute("UPDATE participants SET display_name = ? WHERE board_id = ? AND identity_hash = ?",
                          [shown, board_id, seat_key(board_id, person.email)])
        if done.rowcount == 0:
            raise ParticipantNotFound()
    return shown


def is_seat_of(db: Database, board_id: str, participant_id: str, person: SignedInPerson) -> bool:
    """Whether the participant is `person`'s seat on the board (a browser's
    token may belong to someone who used it before)."""
    row = db.execute("SELECT 1 FROM participants WHERE id = ? AND board_id = ? AND identity_hash = ?",
                     [participant_id, board_id, seat_key(board_id, person.email)]).fetchone()
    return row is not None


def tie_seat(db: Database, participant_id: str, board_id: str, person: SignedInPerson) -> None:
    """Tie an existing participant (the creator's first seat) to `person`'s
    identity, inside the caller's change of the board."""
    with changing_board(db, board_id):
        db.execute("UPDATE participants SET identity_hash = ? WHERE id = ? AND board_id = ?",
                   [seat_key(board_id, person.email), participant_id, board_id])
