"""The migrations that give notes their numbers, on SQLite and on PostgreSQL,
on databases with real rows: several boards whose notes were inserted in an
order other than the one they were written in, with ties and gaps.

0002 numbers every existing note per board in the order it was written
(creation time, then insertion order for a tie). 0005 keeps each board's
numbers unique before its (board_id, number) index: the oldest note keeps a
number, later ones take the board's next free numbers in the order written.
Each expected number below is worked out by hand, so a migration that
numbered across boards, or in another order, fails here.
"""

import sqlite3

import psycopg
import pytest

from storage.db import connect
from storage.migrations import migrate
from tests.databases import fresh_database

KINDS = ("sqlite", "postgresql")
T = "2024-01-01T{}:00+00:00".format
BOARDS = ("boardA" + "a" * 18, "boardB" + "b" * 18, "boardC" + "c" * 18)
A, B, C = BOARDS


@pytest.fixture(params=KINDS)
def old_database(request, tmp_path):
    """A factory: the database of this kind with the migrations before
    `stop_before` applied, and three boards on it."""
    with fresh_database(request.param, tmp_path, migrated=False) as target:
        def at(stop_before: str):
            migrate(target, stop_before=stop_before)
            db = connect(target)
            for index, board_id in enumerate(BOARDS):
                db["boards"].insert({"id": board_id, "title": f"Board {index}",
                                     "template": "blameless", "created_at": T("08:00")})
            return target, db
        yield at


def add_notes(db, rows: list[tuple]) -> None:
    """(id, board, created_at, deleted_at[, number]) one at a time, so that
    SQLite's rowid and PostgreSQL's identity follow this list's order."""
    for row in rows:
        note_id, board_id, created_at, deleted_at, *number = row
        db["notes"].insert({
            "id": note_id, "board_id": board_id, "step_key": "detect", "text": note_id,
            "colour": "yellow", "created_at": created_at, "deleted_at": deleted_at, "version": 1,
            **({"number": number[0]} if number else {})})


def numbers(target) -> dict[str, int]:
    with connect(target) as db:
        return dict(db.execute("SELECT id, number FROM notes").fetchall())


def test_existing_notes_are_numbered_per_board_in_the_order_they_were_written(old_database):
    target, db = old_database("0002_phases_facilitators_clusters_votes")
    # Inserted newest first and boards interleaved: insertion order is not
    # the order written, except to break a tie of creation times.
    add_notes(db, [
        ("a-late", A, T("12:00"), None),
        ("b-second", B, T("10:00"), None),
        ("a-tie-first", A, T("10:00"), None),
        ("a-binned", A, T("11:00"), T("11:30")),   # deleted notes are numbered too
        ("c-only", C, T("13:00"), None),
        ("a-tie-second", A, T("10:00"), None),
        ("b-first", B, T("09:00"), None),
        ("a-first", A, T("09:30"), None),
        ("b-third", B, T("14:00"), None),
    ])
    db.close()

    migrate(target)

    assert numbers(target) == {
        "a-first": 1, "a-tie-first": 2, "a-tie-second": 3, "a-binned": 4, "a-late": 5,
        "b-first": 1, "b-second": 2, "b-third": 3,
        "c-only": 1,
    }


def test_duplicate_numbers_are_made_unique_per_board_in_the_order_written(old_database):
    target, db = old_database("0005_note_numbers_unique_per_board")
    add_notes(db, [
        # Board A: two notes say 2 (the older keeps it), a tie on 5 (the one
        # inserted first keeps it), one without a number, one without a time
        # (written last, as far as anyone can tell). Highest is 5.
        ("a-2-late", A, T("10:00"), None, 2),
        ("a-5-tie-first", A, T("11:00"), None, 5),
        ("a-no-time", A, None, None, 1),
        ("a-2-early", A, T("09:00"), None, 2),
        ("a-1", A, T("08:00"), None, 1),
        ("a-5-tie-second", A, T("11:00"), T("11:30"), 5),
        ("a-no-number", A, T("07:00"), None, None),
        # Board B holds the same numbers as board A: nothing to change there,
        # except its own duplicate of 3 (highest 3: the later one becomes 4).
        ("b-2", B, T("12:00"), None, 2),
        ("b-3-late", B, T("12:30"), None, 3),
        ("b-3-early", B, T("12:10"), None, 3),
        ("b-1", B, T("08:00"), None, 1),
        # Board C: one note, the number another board also uses.
        ("c-5", C, T("09:00"), None, 5),
    ])
    db.close()

    migrate(target)

    assert numbers(target) == {
        # Board A in the order written: no-number (07:00) -> 6, 1 keeps 1,
        # 2-early keeps 2, 2-late -> 7, 5-tie-first keeps 5, 5-tie-second -> 8,
        # no-time (last) repeats 1 -> 9.
        "a-no-number": 6, "a-1": 1, "a-2-early": 2, "a-2-late": 7, "a-5-tie-first": 5,
        "a-5-tie-second": 8, "a-no-time": 9,
        "b-1": 1, "b-2": 2, "b-3-early": 3, "b-3-late": 4,
        "c-5": 5,
    }
    with connect(target) as db:
        with pytest.raises((sqlite3.IntegrityError, psycopg.errors.UniqueViolation)):
            add_notes(db, [("a-again", A, T("15:00"), None, 9)])
        add_notes(db, [("c-again", C, T("15:00"), None, 9)])
