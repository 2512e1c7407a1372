"""Migrations on real files: a database at every older schema version comes
up to date with every table and column, the values each migration fills in,
and no row lost; a file from a newer version is refused by name."""

import json
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import psycopg
import pytest

from canvas.errors import SchemaTooNew
from canvas.templates import get_template
from storage.db import connect
from storage.migrations import MIGRATION_SET, MIGRATIONS, known_version, migrate, schema_version
from storage.snapshot import load_snapshot
from tests.databases import postgres_schema
from canvas.exports.backup import parse_backup
from storage import restore
from tests.storage.test_backup_restore import export, without_identity, without_votes

NAMES = [m.name for m in MIGRATIONS]
B1, B2 = "B" * 24, "C" * 24
T = "2024-01-01T{}:00+00:00".format

# One row of every table, as the latest schema holds it, in an order that
# satisfies the foreign keys. A database at an older version gets the columns
# it has; `LATER` says what a migration fills into a column it adds.
ROWS: dict[str, list[dict]] = {
    "boards": [
        {"id": B1, "title": "Old board", "template": "blameless", "severity": "SEV2",
         "incident_date": "2024-01-01", "review_date": "2024-01-08", "summary": "s", "impact": "i",
         "facilitator": "Fran", "scribe": "Sam", "decision_owner": "Dee",
         "other_participants": "Support", "created_at": T("08:00"), "updated_at": T("12:00"),
         "deleted_at": None, "revision": 7, "details_version": 2, "timezone": "Europe/Berlin",
         "phase": "vote", "vote_budget": 4, "vote_max_per_item": 2, "votes_revealed": 1,
         "show_authors": 1, "timer_started_at": None, "timer_ends_at": None, "focus_item": None,
         "review_type": "project",
         "intake": '{"reviewed": "Q1 launch", "period_start": "2024-01-01"}',
         "source": '{"url": "https://example.com/postmortem"}', "labels": '["postmortem"]',
         "tracker_url": "https://tracker.example.com/1", "invitees": "Ann <ann@example.com>",
         "customer_facing": "Cy", "support": "Sue",
         "close_reason": "Owners are picked at Monday's planning",
         "lead_target": "part:timeline", "lead_count": 3, "review_issue_tracker": "gitlab",
         "review_issue_project": "ops/handbook", "review_issue_id": "12", "summary_editors": '["p1"]',
         "owner_email": "fran@example.com", "owner_name": "Fran", "access_mode": "listed",
         "follow_up_date": "2024-01-08", "impact_review": "fortnightly",
         "impact_review_start": "2024-01-15",
         "template_copy": ('{"slug": "blameless", "name": "Ours", "steps": [{"key": "detect", '
                           '"title": "Detect", "kind": "notes", "prompt": "How?"}]}'),
         "process_review": "Send the timeline draft a day before",
         "engagement_roles": '{"SAL": "Sal", "TAM": "Tam"}'},
        {"id": B2, "title": "Second", "template": "blameless", "severity": "SEV3",
         "incident_date": None, "review_date": None, "summary": "", "impact": "",
         "facilitator": "Bo", "scribe": "", "decision_owner": "", "other_participants": "",
         "created_at": T("09:00"), "updated_at": T("09:00"), "deleted_at": None, "revision": 1,
         "details_version": 1, "timezone": "UTC", "phase": "write", "vote_budget": 5,
         "vote_max_per_item": 3, "votes_revealed": 0, "show_authors": 0,
         "timer_started_at": None, "timer_ends_at": None, "focus_item": None,
         "review_type": "incident", "intake": "{}", "source": "{}", "labels": "[]",
         "tracker_url": "", "invitees": "", "customer_facing": "", "support": "",
         "close_reason": "", "lead_target": None, "lead_count": 0, "review_issue_tracker": None,
         "review_issue_project": None, "review_issue_id": None, "summary_editors": None,
         "owner_email": None, "owner_name": None, "access_mode": "everyone_signed_in",
         "follow_up_date": None, "impact_review": None, "impact_review_start": None,
         "template_copy": None,
         "process_review": "", "engagement_roles": "{}"},
    ],
    "participants": [
        {"id": "p1", "board_id": B1, "display_name": "Ann", "token_hash": "h1",
         "joined_at": T("08:00"), "last_seen_at": T("12:00"), "identity_hash": "ih1"},
        {"id": "p2", "board_id": B1, "display_name": "Bob", "token_hash": "h2",
         "joined_at": T("08:01"), "last_seen_at": T("12:00"), "identity_hash": None},
    ],
    "facilitator_keys": [
        {"id": "k1", "board_id": B1, "key_hash": "kh1", "label": "creator",
         "created_at": T("08:00"), "revoked_at": None, "email": "fran@example.com"},
    ],
    "clusters": [
        {"id": "c1", "board_id": B1, "step_key": "detect", "name": "Alerting", "position": 1,
         "created_at": T("10:30"), "deleted_at": None, "category": None},
    ],
    "events": [
        {"id": "e1", "board_id": B1, "at": T("07:00"), "kind": "trigger", "text": "deploy",
         "evidence_url": None, "approximate": 0, "created_at": T("08:00"), "deleted_at": None,
         "is_assumption": 1},
    ],
    # Numbers as migration 0002 fills them: per board, in the order written
    # (n1 and n3 share a creation time; the row inserted first comes first).
    "notes": [
        {"id": "n1", "board_id": B1, "step_key": "detect", "text": "one", "colour": "yellow",
         "author_id": "p1", "position": 1, "created_at": T("10:00"), "updated_at": T("10:00"),
         "deleted_at": None, "version": 1, "cluster_id": "c1", "number": 2, "event_id": "e1", "placed_revision": 0, "is_assumption": 1, "category": None},
        {"id": "n2", "board_id": B1, "step_key": "detect", "text": "two", "colour": "blue",
         "author_id": "p2", "position": 2, "created_at": T("09:00"), "updated_at": T("09:30"),
         "deleted_at": None, "version": 2, "cluster_id": None, "number": 1, "event_id": None, "placed_revision": 0, "is_assumption": 0, "category": None},
        {"id": "n3", "board_id": B1, "step_key": "react", "text": "three", "colour": "green",
         "author_id": None, "position": 1, "created_at": T("10:00"), "updated_at": T("10:00"),
         "deleted_at": None, "version": 1, "cluster_id": None, "number": 3, "event_id": None, "placed_revision": 0, "is_assumption": 0, "category": None},
        {"id": "n4", "board_id": B2, "step_key": "detect", "text": "other board",
         "colour": "yellow", "author_id": None, "position": 1, "created_at": T("11:00"),
         "updated_at": T("11:00"), "deleted_at": None, "version": 1, "cluster_id": None,
         "number": 1, "event_id": None, "placed_revision": 0, "is_assumption": 0, "category": None},
        {"id": "n5", "board_id": B1, "step_key": "detect", "text": "binned", "colour": "yellow",
         "author_id": "p1", "position": 3, "created_at": T("11:00"), "updated_at": T("11:30"),
         "deleted_at": T("11:30"), "version": 2, "cluster_id": None, "number": 4,
         "event_id": None, "placed_revision": 0, "is_assumption": 0, "category": None},
        {"id": "n6", "board_id": B1, "step_key": "contributing-factors", "text": "one stage",
         "colour": "yellow", "author_id": None, "position": 1, "created_at": T("11:40"),
         "updated_at": T("11:40"), "deleted_at": None, "version": 1, "cluster_id": None,
         "number": 5, "event_id": None, "placed_revision": 0, "is_assumption": 0, "category": "process"},
    ],
    "votes": [
        {"id": 1, "board_id": B1, "participant_id": "p1", "item_id": "c1", "created_at": T("12:00")},
        {"id": 2, "board_id": B1, "participant_id": "p1", "item_id": "n2", "created_at": T("12:01")},
        {"id": 3, "board_id": B1, "participant_id": "p2", "item_id": "n1", "created_at": T("12:02")},
        {"id": 4, "board_id": B1, "participant_id": "p2", "item_id": "c1", "created_at": T("12:03")},
    ],
    "actions": [
        {"id": "a1", "board_id": B1, "title": "Alert on errors", "owner": "Ann",
         "due_date": "2024-02-01", "type": "detect", "priority": "high", "status": "open",
         "status_reason": None, "success_signal": "Fires in a game day",
         "review_date": "2024-03-01", "source_kind": "cluster", "source_id": "c1",
         "created_at": T("12:10"), "updated_at": T("12:10"), "deleted_at": None, "version": 1,
         "iac": 1, "customer_facing": 1, "done_at": None},
        {"id": "a2", "board_id": B1, "title": "Stage the rollout", "owner": "Bo",
         "due_date": "2024-02-10", "type": "prevent", "priority": "medium", "status": "done",
         "status_reason": None, "success_signal": "Two stages in the pipeline",
         "review_date": None, "source_kind": None, "source_id": None,
         "created_at": T("12:11"), "updated_at": T("12:30"), "deleted_at": None, "version": 2,
         "iac": 0, "customer_facing": 0, "done_at": T("12:30")},
    ],
    "triggers": [
        {"id": "t1", "board_id": B1, "signal": "errors above 2%", "kind": "roll_back",
         "response": "Roll back first", "created_at": T("12:20"), "deleted_at": None,
         "owner": "Pat"},
    ],
    "whys": [
        {"id": "w1", "board_id": B1, "item_id": "n6", "level": 1, "why": "Why one stage?",
         "because": "Speed", "created_at": T("12:40")},
    ],
    "learnings": [
        {"id": "l1", "board_id": B1, "text": "We learned that errors go unseen",
         "evidence_kind": "event", "evidence_id": "e1", "position": 1, "created_at": T("12:41"),
         "updated_at": T("12:41"), "deleted_at": None, "version": 1, "iac": 0},
    ],
    "decisions": [
        {"id": "d1", "board_id": B1, "learning_id": "l1", "kind": "instrumentation",
         "text": "Alert on errors", "trade_off": "More pages", "created_at": T("12:42"),
         "updated_at": T("12:42"), "version": 1},
    ],
    "decision_actions": [
        {"decision_id": "d1", "action_id": "a1", "board_id": B1, "position": 1},
    ],
    "dissemination": [
        {"id": "m1", "board_id": B1, "position": 0, "audience": "Support", "channel": "#support",
         "day": "2024-01-10", "owner": "Sue"},
    ],
    "instance_secrets": [
        {"name": "ticket_signing_key", "value": "secret", "created_at": T("12:30")},
    ],
    "board_facilitators": [
        {"id": "f1", "board_id": B1, "email": "cy@example.com", "added_at": T("08:05")},
    ],
    "board_access_list": [
        {"id": "al1", "board_id": B1, "kind": "domain", "value": "example.com",
         "added_at": T("08:06")},
    ],
    "seat_tokens": [
        {"id": "st1", "board_id": B1, "participant_id": "p1", "token_hash": "sth1",
         "created_at": T("08:07")},
    ],
    "grouping_suggestions": [
        {"id": "g1", "board_id": B1, "position": 1, "step_key": "detect", "name": "Alert · late",
         "note_ids": '["n1", "n2"]', "created_at": T("08:08"), "dismissed_at": None},
    ],
    "jira_boards": [
        {"id": B2, "settings": '{"kind": "planning", "source_board": 7}', "round_card_id": "jc1",
         "round_revealed": 0, "velocity": "[21.0]", "reachable": 0, "problem": "Jira is not answering",
         "pulled_at": T("09:10")},
    ],
    "jira_cards": [
        {"id": "jc1", "board_id": B2, "issue_key": "PLAT-1", "url": "https://jira.example/browse/PLAT-1",
         "summary": "Retry", "description": "## Acceptance criteria\n- once", "issue_type": "Story",
         "status": "To Do", "priority": "High", "story_points": 3.0, "assignee": "Ann",
         "labels": '["postmortem"]', "sprint_id": 2, "column_key": "sprint-2", "position": 1,
         "updated": "2026-12-07T10:00:00.000+0000", "pulled": '{"summary": "Retry"}',
         "conflicts": "{}"},
    ],
    "jira_sprints": [
        {"id": "js1", "board_id": B2, "sprint_id": 2, "name": "Sprint 2", "state": "future",
         "goal": "No double charge", "capacity": '{"Ann": 8.0}', "position": 0},
    ],
    "jira_estimates": [
        {"id": "je1", "board_id": B2, "card_id": "jc1", "participant_id": "p2", "value": "5",
         "created_at": T("09:11")},
    ],
    "jira_outbox": [
        {"id": "jo1", "board_id": B2, "seq": 1, "card_id": "jc1", "sprint_id": None, "kind": "summary",
         "value": '{"key": "PLAT-1", "summary": "Retry"}', "base": '"Retry once"', "state": "queued",
         "message": "", "created_at": T("09:12"), "done_at": None},
    ],
}
LATER = {
    ("boards", "timezone"): "UTC", ("boards", "phase"): "write", ("boards", "vote_budget"): 5,
    ("boards", "vote_max_per_item"): 3, ("boards", "votes_revealed"): 0,
    ("boards", "show_authors"): 0, ("notes", "placed_revision"): 0,
    ("boards", "review_type"): "incident", ("boards", "intake"): "{}", ("boards", "source"): "{}",
    ("boards", "labels"): "[]", ("boards", "tracker_url"): "", ("boards", "invitees"): "",
    ("boards", "customer_facing"): "", ("boards", "support"): "",
    ("notes", "is_assumption"): 0, ("events", "is_assumption"): 0, ("boards", "close_reason"): "",
    ("boards", "lead_target"): None, ("boards", "lead_count"): 0,
    ("boards", "review_issue_tracker"): None, ("boards", "review_issue_project"): None,
    ("boards", "review_issue_id"): None, ("actions", "iac"): 0, ("learnings", "iac"): 0,
    ("boards", "summary_editors"): None,
    ("boards", "owner_email"): None, ("boards", "owner_name"): None,
    ("boards", "access_mode"): "everyone_signed_in", ("participants", "identity_hash"): None,
    ("facilitator_keys", "email"): None,
    ("boards", "impact_review"): None, ("boards", "impact_review_start"): None,
    ("triggers", "owner"): "",
    # Older boards keep no copy of their steps: they follow the shipped template.
    ("boards", "template_copy"): None,
    ("actions", "customer_facing"): 0, ("boards", "process_review"): "",
    ("boards", "engagement_roles"): "{}",
}


def backfilled(table: str, column: str, value):
    """What a migration puts into a column it adds to existing rows."""
    if (table, column) == ("notes", "number"):
        return value  # ROWS holds the numbers 0002 computes
    if (table, column) == ("boards", "follow_up_date"):
        return value  # ROWS holds the review date 0017 copies into it
    if (table, column) == ("actions", "done_at"):
        return value  # ROWS holds the last change 0025 copies into a done action's
    return LATER.get((table, column))


def columns(db, table) -> list[str]:
    return [row[1] for row in db.execute(f"PRAGMA table_info([{table}])")]


def count(db, table) -> int:
    return db.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0]


def kept_columns(db, table, row: dict) -> dict:
    """`row` without the columns an older file does not have yet."""
    have = columns(db, table)
    return {col: value for col, value in row.items() if col in have}


def schema(db) -> dict:
    """Every table with its columns (type, not null, default, key) and indexes."""
    result = {}
    for (table,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'table' "
                               "AND name NOT LIKE 'sqlite_%' AND name != '_sqlite_migrations'"):
        indexes = sorted(
            (bool(unique), tuple(col[2] for col in db.execute(f"PRAGMA index_info([{name}])")))
            for _, name, unique, origin, _ in db.execute(f"PRAGMA index_list([{table}])")
            if origin == "c"
        )
        result[table] = (db.execute(f"PRAGMA table_info([{table}])").fetchall(), indexes)
    return result


def database_at(path, version_before: str | None):
    """A file with the migrations up to (not including) `version_before`."""
    migrate(path, stop_before=version_before)
    return connect(path)


def test_a_fresh_file_gets_every_migration_and_wal(tmp_path):
    path = tmp_path / "fresh.db"
    assert migrate(path) == NAMES
    assert migrate(path) == []
    mode = sqlite3.connect(path).execute("PRAGMA journal_mode").fetchone()[0]
    assert mode == "wal"


def test_migrations_are_numbered_in_order():
    assert [schema_version(name) for name in NAMES] == list(range(1, len(NAMES) + 1))
    assert known_version() == len(NAMES)


@pytest.mark.parametrize("stop_before", NAMES[1:])
def test_an_older_database_gets_every_table_and_column_and_keeps_every_row(tmp_path, stop_before):
    migrate(tmp_path / "fresh.db")
    fresh = connect(tmp_path / "fresh.db")
    old = database_at(tmp_path / "old.db", stop_before)
    had = {table: columns(old, table) for table in ROWS if columns(old, table)}
    for table, cols in had.items():
        old[table].insert_all({col: row[col] for col in cols} for row in ROWS[table])
    old.close()

    applied_now = migrate(tmp_path / "old.db")

    assert applied_now == NAMES[NAMES.index(stop_before):]
    new = connect(tmp_path / "old.db")
    assert schema(new) == schema(fresh)
    for table, rows in ROWS.items():
        if table not in had:
            assert count(new, table) == 0
            continue
        expected = [{col: value if col in had[table] else backfilled(table, col, value)
                     for col, value in row.items()} for row in rows]
        found = [dict(row) for row in new.query(f"SELECT * FROM [{table}] ORDER BY rowid")]
        assert found == expected, table
    # The app reads the upgraded board whole.
    snapshot = load_snapshot(new, B1)
    assert [note.number for note in snapshot.notes if note.step_key != "contributing-factors"] == [2, 1, 3]
    assert snapshot.board.vote_budget == (4 if "vote_budget" in had["boards"] else 5)


def test_boards_from_before_review_types_open_as_incident_reviews_with_nothing_lost(tmp_path):
    before = next(name for name in NAMES if name.startswith("0007_"))
    old = database_at(tmp_path / "old.db", before)
    had = {table: columns(old, table) for table in ROWS if columns(old, table)}
    for table, cols in had.items():
        old[table].insert_all({col: row[col] for col in cols if col in row} for row in ROWS[table])
    counts = {table: count(old, table) for table in had}
    old.close()

    migrate(tmp_path / "old.db")

    new = connect(tmp_path / "old.db")
    assert {table: count(new, table) for table in had} == counts
    snapshot = load_snapshot(new, B1)
    board = snapshot.board
    assert (board.title, board.summary, board.roles.scribe) == ("Old board", "s", "Sam")
    assert board.review_type.value == "incident"
    assert board.intake.reviewed == "" and board.labels == [] and board.tracker_url == ""
    assert board.source.is_empty
    assert not any(note.is_assumption for note in snapshot.notes)
    assert not any(event.is_assumption for event in snapshot.events)


def test_duplicate_note_numbers_are_renumbered_before_the_unique_index(tmp_path):
    before = NAMES[NAMES.index("0005_note_numbers_unique_per_board")]
    old = database_at(tmp_path / "old.db", before)
    old["boards"].insert_all(kept_columns(old, "boards", row) for row in ROWS["boards"])
    base = {"step_key": "detect", "colour": "yellow", "version": 1, "text": "t"}
    old["notes"].insert_all([
        {**base, "id": "late", "board_id": B1, "number": 2, "created_at": T("10:00")},
        {**base, "id": "first", "board_id": B1, "number": 2, "created_at": T("09:00")},
        {**base, "id": "keeps1", "board_id": B1, "number": 1, "created_at": T("08:00")},
        {**base, "id": "tie-a", "board_id": B1, "number": 5, "created_at": T("11:00")},
        {**base, "id": "tie-b", "board_id": B1, "number": 5, "created_at": T("11:00"),
         "deleted_at": T("11:30")},
        {**base, "id": "none", "board_id": B1, "number": None, "created_at": T("07:00")},
        {**base, "id": "other", "board_id": B2, "number": 2, "created_at": T("12:00")},
    ])
    old.close()

    migrate(tmp_path / "old.db")

    new = connect(tmp_path / "old.db")
    numbers = dict(new.execute("SELECT id, number FROM notes").fetchall())
    # Oldest keeps its number; the rest follow the board's highest (5), oldest first.
    assert numbers == {"none": 6, "keeps1": 1, "first": 2, "late": 7, "tie-a": 5, "tie-b": 8,
                       "other": 2}
    with pytest.raises(sqlite3.IntegrityError):
        new["notes"].insert({**base, "id": "dup", "board_id": B1, "number": 7,
                             "created_at": T("13:00")})
    new["notes"].insert({**base, "id": "elsewhere", "board_id": B2, "number": 7,
                         "created_at": T("13:00")})


def test_the_upgrade_gives_back_dots_beyond_the_vote_rules(tmp_path):
    old = database_at(tmp_path / "old.db", "0004_dots_within_the_vote_rules")
    old["boards"].insert(kept_columns(old, "boards", {**ROWS["boards"][0], "vote_budget": 3,
                                                      "vote_max_per_item": 2}))
    old["participants"].insert_all(kept_columns(old, "participants", row) for row in ROWS["participants"])
    old["clusters"].insert_all([{col: value for col, value in row.items() if col != "category"}
                                for row in ROWS["clusters"]] + [
        {"id": "gone", "board_id": B1, "step_key": "detect", "name": "merged away",
         "created_at": T("10:00"), "deleted_at": T("10:40")}])
    base = {"board_id": B1, "step_key": "detect", "colour": "yellow", "version": 1, "text": "t",
            "created_at": T("09:00")}
    old["notes"].insert_all([
        {**base, "id": "in-c1", "number": 1, "cluster_id": "c1"},
        {**base, "id": "binned", "number": 2, "deleted_at": T("10:00")},
        *({**base, "id": f"free{i}", "number": 3 + i} for i in range(4)),
    ])
    dots = [("p1", "binned"), ("p1", "binned"), ("p1", "in-c1"), ("p1", "c1"), ("p1", "c1"),
            ("p1", "gone"), ("p2", "free0"), ("p2", "free1"), ("p2", "free2"), ("p2", "free3")]
    old["votes"].insert_all({"id": index, "board_id": B1, "participant_id": person,
                             "item_id": item, "created_at": T("12:00")}
                            for index, (person, item) in enumerate(dots, start=1))
    old.close()

    migrate(tmp_path / "old.db")

    new = connect(tmp_path / "old.db")
    kept = [row[0] for row in new.execute("SELECT id FROM votes ORDER BY id")]
    # Dots on the deleted note and the merged-away cluster go; p1's third dot
    # on c1 (one through its note) goes; p2's fourth goes past the budget of 3.
    assert kept == [3, 4, 7, 8, 9]


def test_a_database_from_a_newer_version_is_refused_by_name(tmp_path):
    known = known_version()
    path = tmp_path / "future.db"
    migrate(path)
    db = connect(path)
    db["_sqlite_migrations"].insert({"migration_set": MIGRATION_SET,
                                     "name": f"{known + 3:04d}_from_the_future",
                                     "applied_at": "2030-01-01"})
    db.execute("CREATE TABLE future_things (id INTEGER)")
    db.close()

    with pytest.raises(SchemaTooNew) as refused:
        migrate(path)

    message = str(refused.value)
    assert f"schema {known + 3}" in message
    assert f"knows up to {known}" in message
    assert "POSTMORTEM_CANVAS_DB" in message
    assert (refused.value.found, refused.value.known) == (known + 3, known)


def test_connections_enforce_foreign_keys(db):
    with pytest.raises((sqlite3.IntegrityError, psycopg.errors.ForeignKeyViolation)):
        db["notes"].insert({"id": "n", "board_id": "missing", "step_key": "x", "text": "t",
                            "colour": "yellow", "version": 1})


def test_a_database_the_last_release_made_opens_with_nothing_lost(tmp_path):
    """tests/fixtures/release-0010.db was written by the release before
    PostgreSQL support (schema 10, made with sqlite-utils' runner): the
    schema this runner makes is the same, and every row and export is kept."""
    fixture = Path(__file__).resolve().parents[1] / "fixtures" / "release-0010.db"
    path = tmp_path / "release.db"
    shutil.copy(fixture, path)
    raw = sqlite3.connect(path)
    tables = [name for (name,) in raw.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
    had = {table: [row[1] for row in raw.execute(f'PRAGMA table_info("{table}")')] for table in tables}
    before = {table: raw.execute(f'SELECT * FROM "{table}" ORDER BY rowid').fetchall() for table in tables}
    raw.close()

    # Only the migrations written since that release run.
    assert migrate(path) == NAMES[NAMES.index("0010_factor_categories_whys_learnings_decisions") + 1:]

    migrate(tmp_path / "fresh.db")
    with connect(path) as db, connect(tmp_path / "fresh.db") as fresh:
        assert schema(db) == schema(fresh)
        after = {table: db.execute(f'SELECT {", ".join(f"[{c}]" for c in had[table])} FROM "{table}" '
                                   f'ORDER BY rowid').fetchall() for table in tables}
        # The migrations table gains a row for each migration run since.
        after["_sqlite_migrations"] = after["_sqlite_migrations"][:len(before["_sqlite_migrations"])]
        assert {t: [tuple(r) for r in rows] for t, rows in after.items()} == before
        assert sum(map(len, before.values())) > 100
        # The release's own exports: everything but the votes is written the
        # same; the votes moved apart from the names (backup-2), and the
        # release's file, read as a backup, restores a board that exports the same.
        exported = json.loads(fixture.with_suffix(".json").read_text("utf-8"))
        for board_id, document in exported.items():
            now = export(db, board_id)
            assert without_votes(now) == without_votes(document)
            restored, _ = restore.restore_board(db, parse_backup(json.dumps(document)))
            again = export(db, restored.id)
            # That release's boards kept no copy of their steps; restored, a
            # board is made now, so it keeps the template's steps of today.
            assert "template_copy" not in now["board"]
            assert again["board"].pop("template_copy") == get_template(
                document["board"]["template"]).model_dump(mode="json")
            assert without_identity(again) == without_identity(now)


def test_postgresql_gets_the_same_tables_columns_and_indexes_as_sqlite(tmp_path):
    migrate(tmp_path / "fresh.db")
    with connect(tmp_path / "fresh.db") as lite:
        expected = {
            table: ({(name, bool(notnull or pk), _default(default))
                     for _, name, _, notnull, default, pk in lite.execute(f'PRAGMA table_info("{table}")')},
                    {(name, bool(unique)) for _, name, unique, origin, _ in
                     lite.execute(f'PRAGMA index_list("{table}")') if origin == "c"})
            for (table,) in lite.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert len(expected) == 28 and all(columns for columns, _ in expected.values())
    with postgres_schema(migrated=False) as url:
        assert migrate(url) == NAMES
        assert migrate(url) == []
        with connect(url) as pg:
            found = {}
            for table in expected:
                cols = {(name, nullable == "NO", _default(default)) for name, nullable, default in pg.execute(
                    "SELECT column_name, is_nullable, column_default FROM information_schema.columns "
                    "WHERE table_schema = current_schema() AND table_name = ? AND column_name != 'rowid'",
                    [table])}
                indexes = {(name, unique) for name, unique in pg.execute(
                    "SELECT c.relname, i.indisunique FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid "
                    "JOIN pg_class t ON t.oid = i.indrelid WHERE t.relname = ? AND NOT i.indisprimary "
                    "AND t.relnamespace = current_schema()::regnamespace", [table])}
                found[table] = (cols, indexes)
    assert found == expected


def _default(value):
    """A column default as both databases spell it: 'UTC'::text and 'UTC' alike; identities as none."""
    if value is None or str(value).startswith("nextval("):
        return None
    return str(value).removesuffix("::text")


def test_app_servers_starting_together_apply_each_migration_once():
    with postgres_schema(migrated=False) as url:
        script = "import sys; from storage.migrations import migrate; print(len(migrate(sys.argv[1])))"
        starts = [subprocess.Popen([sys.executable, "-c", script, url], stdout=subprocess.PIPE, text=True)
                  for _ in range(3)]
        applied = sorted(int(process.communicate(timeout=60)[0]) for process in starts)
        assert [process.returncode for process in starts] == [0, 0, 0]
        assert applied == [0, 0, len(NAMES)]
        with connect(url) as db:
            assert db.execute("SELECT count(*) FROM _sqlite_migrations").fetchone()[0] == len(NAMES)


def test_the_release_boards_review_date_becomes_both_the_meeting_and_the_follow_up_date(tmp_path):
    """The one review date of tests/fixtures/release-0010.db meant the meeting
    to the invite and the follow-up review to the brief and the rubric: after
    the upgrade each reads the same day from its own field, so nothing moves."""
    fixture = Path(__file__).resolve().parents[1] / "fixtures" / "release-0010.db"
    path = tmp_path / "release.db"
    shutil.copy(fixture, path)
    raw = sqlite3.connect(path)
    before = dict(raw.execute("SELECT id, review_date FROM boards"))
    raw.close()
    assert before and all(before.values())

    migrate(path)

    with connect(path) as db:
        for board_id, day in before.items():
            snapshot = load_snapshot(db, board_id)
            assert snapshot.board.review_date.isoformat() == day
            assert snapshot.board.follow_up_date.isoformat() == day
            assert snapshot.board.impact_review is None and snapshot.dissemination == []
