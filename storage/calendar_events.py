"""The SEQUENCE of every calendar event the app writes, whichever file it is
in (the actions export, the live feed, the review invite) and whichever
process writes it.

A calendar that already holds an event takes a new version of it only when
its SEQUENCE rose (RFC 5546 §2.1.4), so a moved due date must raise it. Each
UID's row keeps a digest of the content last written and its SEQUENCE; the
comparison and the rise are one conditional upsert, so two processes making
the same file at once raise it once, and a SEQUENCE never goes down.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from canvas.exports.calendar import CalendarEvent, Revision
from storage.db import Database, iso, now, write_transaction

# Rows read or written per statement: well under both databases' limits on
# bound values, for an owner's feed that spans many boards.
CHUNK = 500

_RAISE_ON_CHANGE = (
    'INSERT INTO "calendar_events" ("id", "fingerprint", "sequence", "changed_at") '
    "VALUES (?, ?, 0, ?) "
    'ON CONFLICT ("id") DO UPDATE SET "fingerprint" = excluded."fingerprint", '
    '"sequence" = "calendar_events"."sequence" + 1, "changed_at" = excluded."changed_at" '
    'WHERE "calendar_events"."fingerprint" <> excluded."fingerprint"')


def revisions(db: Database, events: Iterable[CalendarEvent],
              at: datetime | None = None) -> dict[str, Revision]:
    """Each event's SEQUENCE and when its content last changed (`at`, now by
    default, for what changes in this call), by UID.

    An event never written before starts at SEQUENCE 0; one whose content
    differs from what was last written under its UID rises by one; one that
    is the same keeps its SEQUENCE. When nothing changed this only reads, so
    a calendar fetching an unchanged feed writes nothing.
    """
    wanted = {event.uid: event.fingerprint for event in events}
    stored = _stored(db, wanted)
    if any(stored.get(uid, ("",))[0] != fingerprint for uid, fingerprint in wanted.items()):
        moment = iso(at or now())
        with write_transaction(db):
            # Every process upserts in the same order, so two of them on
            # PostgreSQL wait for each other's row locks instead of deadlocking.
            rows = [(uid, wanted[uid], moment) for uid in sorted(wanted)]
            for start in range(0, len(rows), CHUNK):
                db.execute_many(_RAISE_ON_CHANGE, rows[start:start + CHUNK])
            stored = _stored(db, wanted)
    return {uid: Revision(sequence=sequence, changed_at=datetime.fromisoformat(changed_at))
            for uid, (_, sequence, changed_at) in stored.items()}


def _stored(db: Database, uids: Iterable[str]) -> dict[str, tuple[str, int, str]]:
    uids = list(uids)
    found = {}
    for start in range(0, len(uids), CHUNK):
        part = uids[start:start + CHUNK]
        rows = db.execute('SELECT "id", "fingerprint", "sequence", "changed_at" FROM "calendar_events" '
                          f'WHERE "id" IN ({", ".join("?" * len(part))})', part)
        found.update({uid: (fingerprint, sequence, changed_at)
                      for uid, fingerprint, sequence, changed_at in rows})
    return found
