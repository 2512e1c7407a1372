"""Unguessable identifiers and secrets.

A board id is the only thing standing between a stranger and a board, so it
carries 144 bits from the OS's CSPRNG (above the 128 a guess must beat).
Secrets that prove who someone is (a participant's tab token) are stored only
as SHA-256 hashes, so a copied database does not hand out identities.
"""

from __future__ import annotations

import hashlib
import re
import secrets

BOARD_ID_BYTES = 18  # 144 bits -> 24 URL-safe characters
SECRET_BYTES = 32
_BOARD_ID_SHAPE = re.compile(r"^[A-Za-z0-9_-]{24}$")


def new_board_id() -> str:
    """A fresh board id for the share URL.

    Never starting with "-": the command line would take such an id for an
    option (`postmortem-canvas export -Xa…`). Redrawing the 1 in 32 ids that
    start with "-" or "_" keeps 143.9 of the 144 bits.
    """
    while True:
        board_id = secrets.token_urlsafe(BOARD_ID_BYTES)
        if board_id[0].isalnum():
            return board_id


def new_row_id() -> str:
    """An id for rows inside a board (notes, participants, events)."""
    return secrets.token_urlsafe(12)


def new_secret() -> str:
    """A bearer secret: shown once to its holder, stored only as a hash."""
    return secrets.token_urlsafe(SECRET_BYTES)


def hash_secret(secret: str) -> str:
    """The stored form of a secret."""
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def is_well_formed_board_id(value: str | None) -> bool:
    """Whether a value from a URL can be a board id at all (before any lookup)."""
    return bool(value) and bool(_BOARD_ID_SHAPE.match(value))
