"""Secrets of this installation, kept in the database so every server process
on the same file shares them."""

from __future__ import annotations


from canvas.session.tickets import new_signing_key
from storage.db import Database, iso, now, write_transaction

TICKET_KEY = "ticket_signing_key"


def ticket_signing_key(db: Database) -> str:
    """The key that signs live-board tickets, made on first use."""
    row = db.execute("SELECT value FROM instance_secrets WHERE name = ?", [TICKET_KEY]).fetchone()
    if row is not None:
        return row[0]
    with write_transaction(db):
        # Two processes starting at once: the first insert wins, both read it.
        db.execute("INSERT INTO instance_secrets (name, value, created_at) VALUES (?, ?, ?) "
                   "ON CONFLICT DO NOTHING",
                   [TICKET_KEY, new_signing_key(), iso(now())])
    return db.execute("SELECT value FROM instance_secrets WHERE name = ?", [TICKET_KEY]).fetchone()[0]
