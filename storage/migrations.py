"""The schema, as numbered migrations. An applied migration is never edited:
a change to the schema is a new function after the last one, named with the
next number ("0006_..."): that number is the schema version.

A migration spells out its own rules as they were when it was written (it
calls nothing in canvas/), so what it does to an old file never changes.
"""

from __future__ import annotations

from collections import Counter

import sqlite_utils
from sqlite_utils.migrations import Migrations

from canvas.errors import SchemaTooNew
from storage.db import connect

migrations = Migrations("postmortem_canvas")


@migrations(name="0001_boards_notes_participants_events")
def m0001(db: sqlite_utils.Database) -> None:
    db["boards"].create(
        {
            "id": str,
            "title": str,
            "template": str,
            "severity": str,
            "incident_date": str,
            "review_date": str,
            "summary": str,
            "impact": str,
            "facilitator": str,
            "scribe": str,
            "decision_owner": str,
            "other_participants": str,
            "created_at": str,
            "updated_at": str,
            "deleted_at": str,
            "revision": int,
            "details_version": int,
        },
        pk="id",
        not_null={"title", "template", "created_at", "revision", "details_version"},
        defaults={"revision": 1, "details_version": 1, "summary": "", "impact": ""},
    )
    db["participants"].create(
        {
            "id": str,
            "board_id": str,
            "display_name": str,
            "token_hash": str,
            "joined_at": str,
            "last_seen_at": str,
        },
        pk="id",
        foreign_keys=[("board_id", "boards", "id")],
        not_null={"board_id", "display_name", "token_hash"},
    )
    db["participants"].create_index(["token_hash"], unique=True)
    db["notes"].create(
        {
            "id": str,
            "board_id": str,
            "step_key": str,
            "text": str,
            "colour": str,
            "author_id": str,
            "position": int,
            "created_at": str,
            "updated_at": str,
            "deleted_at": str,
            "version": int,
        },
        pk="id",
        foreign_keys=[("board_id", "boards", "id"), ("author_id", "participants", "id")],
        not_null={"board_id", "step_key", "text", "colour", "version"},
    )
    db["notes"].create_index(["board_id", "step_key"])
    db["events"].create(
        {
            "id": str,
            "board_id": str,
            "at": str,
            "kind": str,
            "text": str,
            "evidence_url": str,
            "approximate": int,
            "created_at": str,
            "deleted_at": str,
        },
        pk="id",
        foreign_keys=[("board_id", "boards", "id")],
        not_null={"board_id", "at", "kind", "text"},
    )
    db["events"].create_index(["board_id", "at"])


@migrations(name="0002_phases_facilitators_clusters_votes")
def m0002(db: sqlite_utils.Database) -> None:
    boards = db["boards"]
    boards.add_column("timezone", str, not_null_default="UTC")
    boards.add_column("phase", str, not_null_default="write")
    boards.add_column("vote_budget", int, not_null_default=5)
    boards.add_column("vote_max_per_item", int, not_null_default=3)
    boards.add_column("votes_revealed", int, not_null_default=0)
    boards.add_column("show_authors", int, not_null_default=0)
    boards.add_column("timer_started_at", str)
    boards.add_column("timer_ends_at", str)
    boards.add_column("focus_item", str)
    db["facilitator_keys"].create(
        {"id": str, "board_id": str, "key_hash": str, "label": str,
         "created_at": str, "revoked_at": str},
        pk="id",
        foreign_keys=[("board_id", "boards", "id")],
        not_null={"board_id", "key_hash"},
    )
    db["facilitator_keys"].create_index(["key_hash"], unique=True)
    db["clusters"].create(
        {"id": str, "board_id": str, "step_key": str, "name": str, "position": int,
         "created_at": str, "deleted_at": str},
        pk="id",
        foreign_keys=[("board_id", "boards", "id")],
        not_null={"board_id", "step_key", "name"},
    )
    db["clusters"].create_index(["board_id", "step_key"])
    notes = db["notes"]
    notes.add_column("cluster_id", str)
    # A short number per board: what people say aloud ("note 12") and what
    # keeps two notes with the same text apart in the drag-and-drop list.
    notes.add_column("number", int)
    db.execute(
        """
        UPDATE notes SET number = (
          SELECT count(*) FROM notes AS earlier
          WHERE earlier.board_id = notes.board_id
            AND (earlier.created_at < notes.created_at
                 OR (earlier.created_at = notes.created_at AND earlier.rowid <= notes.rowid))
        )
        """
    )
    db["votes"].create(
        {"id": int, "board_id": str, "participant_id": str, "item_id": str, "created_at": str},
        pk="id",
        foreign_keys=[("board_id", "boards", "id"), ("participant_id", "participants", "id")],
        not_null={"board_id", "participant_id", "item_id"},
    )
    db["votes"].create_index(["board_id", "participant_id"])
    db["votes"].create_index(["board_id", "item_id"])


@migrations(name="0003_actions_triggers_note_events")
def m0003(db: sqlite_utils.Database) -> None:
    db["actions"].create(
        {"id": str, "board_id": str, "title": str, "owner": str, "due_date": str, "type": str,
         "priority": str, "status": str, "status_reason": str, "success_signal": str,
         "review_date": str, "source_kind": str, "source_id": str, "created_at": str,
         "updated_at": str, "deleted_at": str, "version": int},
        pk="id",
        foreign_keys=[("board_id", "boards", "id")],
        not_null={"board_id", "title", "type", "priority", "status", "version"},
    )
    db["actions"].create_index(["board_id"])
    db["actions"].create_index(["owner"])
    db["triggers"].create(
        {"id": str, "board_id": str, "signal": str, "kind": str, "response": str,
         "created_at": str, "deleted_at": str},
        pk="id",
        foreign_keys=[("board_id", "boards", "id")],
        not_null={"board_id", "signal", "kind", "response"},
    )
    # A note can point at the moment of the incident it is about.
    db["notes"].add_column("event_id", str)


@migrations(name="0004_dots_within_the_vote_rules")
def m0004(db: sqlite_utils.Database) -> None:
    # Older versions left dots on deleted notes (a restore brought them back
    # on top of dots spent meanwhile) and let merges pile up one person's dots
    # on one cluster. Give back what the rules do not allow, as every change
    # now does: dots on removed items, then each person's newest dots beyond
    # the per-item limit (a grouped note's dots counting toward its cluster)
    # and beyond the budget.
    db.execute(
        """
        DELETE FROM votes WHERE
          NOT EXISTS (SELECT 1 FROM notes n WHERE n.id = votes.item_id
                      AND n.board_id = votes.board_id AND n.deleted_at IS NULL)
          AND NOT EXISTS (SELECT 1 FROM clusters c WHERE c.id = votes.item_id
                          AND c.board_id = votes.board_id AND c.deleted_at IS NULL)
        """
    )
    rows = db.execute(
        """
        SELECT v.id, v.board_id, v.participant_id, coalesce(c.id, v.item_id),
               b.vote_budget, b.vote_max_per_item
        FROM votes v JOIN boards b ON b.id = v.board_id
        LEFT JOIN notes n ON n.id = v.item_id
        LEFT JOIN clusters c ON c.id = n.cluster_id AND c.deleted_at IS NULL
        ORDER BY v.id
        """
    ).fetchall()
    on_item: Counter = Counter()
    in_all: Counter = Counter()
    for vote_id, board_id, person, item, budget, per_item in rows:
        if on_item[board_id, person, item] >= per_item or in_all[board_id, person] >= budget:
            db.execute("DELETE FROM votes WHERE id = ?", [vote_id])
            continue
        on_item[board_id, person, item] += 1
        in_all[board_id, person] += 1


@migrations(name="0005_note_numbers_unique_per_board")
def m0005(db: sqlite_utils.Database) -> None:
    # A note's number is what people say aloud and what tells two notes with
    # the same text apart, so no board may hold it twice. Files written
    # before the index may (hand-edited, or merged by other tools): the
    # oldest note keeps the number, later ones get the board's next free
    # numbers in the order they were written, deleted notes included.
    rows = db.execute(
        "SELECT rowid, board_id, number FROM notes "
        "ORDER BY board_id, created_at IS NULL, created_at, rowid"
    ).fetchall()
    highest: dict[str, int] = {}
    for _, board_id, number in rows:
        if number is not None:
            highest[board_id] = max(highest.get(board_id, 0), number)
    taken: set[tuple[str, int]] = set()
    for rowid, board_id, number in rows:
        if number is not None and (board_id, number) not in taken:
            taken.add((board_id, number))
            continue
        highest[board_id] = highest.get(board_id, 0) + 1
        taken.add((board_id, highest[board_id]))
        db.execute("UPDATE notes SET number = ? WHERE rowid = ?", [highest[board_id], rowid])
    db["notes"].create_index(["board_id", "number"], unique=True)


@migrations(name="0006_instance_secrets_note_placement")
def m0006(db: sqlite_utils.Database) -> None:
    # Secrets of this installation shared by every server process on the file,
    # such as the key that signs live-board tickets.
    db["instance_secrets"].create({"name": str, "value": str, "created_at": str}, pk="name",
                                  not_null={"value"})
    # The revision at which a note was last dragged somewhere: a drop made from
    # an older view of the board than that is refused instead of undoing it.
    db["notes"].add_column("placed_revision", int, not_null_default=0)


@migrations(name="0007_review_type_intake_sources_assumptions")
def m0007(db: sqlite_utils.Database) -> None:
    boards = db["boards"]
    # Every board made before review types existed reviewed an incident.
    boards.add_column("review_type", str, not_null_default="incident")
    # The intake answers, the incident's published source and the labels are
    # read and written whole, so each is one JSON document.
    boards.add_column("intake", str, not_null_default="{}")
    boards.add_column("source", str, not_null_default="{}")
    boards.add_column("labels", str, not_null_default="[]")
    boards.add_column("tracker_url", str, not_null_default="")
    boards.add_column("invitees", str, not_null_default="")
    boards.add_column("customer_facing", str, not_null_default="")
    boards.add_column("support", str, not_null_default="")
    db["notes"].add_column("is_assumption", int, not_null_default=0)
    db["events"].add_column("is_assumption", int, not_null_default=0)


@migrations(name="0008_tracker_links_feed_tokens")
def m0008(db: sqlite_utils.Database) -> None:
    # An action pushed to a tracker: which issue it became, and what both
    # sides said at the last push or sync (so a later sync can tell which side
    # changed). Credentials are never stored: they come from the environment.
    db["tracker_links"].create(
        {
            "action_id": str,
            "board_id": str,
            "tracker": str,
            "project": str,
            "issue_id": str,
            "url": str,
            "issue_closed": int,
            "synced_status": str,
            "pushed_at": str,
            "synced_at": str,
        },
        pk="action_id",
        foreign_keys=[("action_id", "actions", "id"), ("board_id", "boards", "id")],
        not_null={"board_id", "tracker", "project", "issue_id", "url", "synced_status"},
        defaults={"issue_closed": 0},
    )
    db["tracker_links"].create_index(["board_id"])
    # Calendar feed links: only a hash of the token is kept, so a copy of the
    # file cannot subscribe to anyone's calendar.
    db["feed_tokens"].create(
        {
            "id": str,
            "token_hash": str,
            "scope": str,
            "value": str,
            "created_at": str,
            "revoked_at": str,
        },
        pk="id",
        not_null={"token_hash", "scope", "value", "created_at"},
    )
    db["feed_tokens"].create_index(["token_hash"], unique=True)


@migrations(name="0009_board_close_reason")
def m0009(db: sqlite_utils.Database) -> None:
    # Why the facilitator closed the board with draft actions left: kept with
    # the board and exported. Empty when it closed with names and dates.
    db["boards"].add_column("close_reason", str, not_null_default="")


@migrations(name="0010_factor_categories_whys_learnings_decisions")
def m0010(db: sqlite_utils.Database) -> None:
    # Where a contributing factor lives (people, process, product, tech,
    # comms, environment); empty until someone picks one.
    db["notes"].add_column("category", str)
    db["clusters"].add_column("category", str)
    # A 5 Whys chain on a factor (note or cluster): one row per level.
    db["whys"].create(
        {"id": str, "board_id": str, "item_id": str, "level": int, "why": str, "because": str,
         "created_at": str},
        pk="id",
        foreign_keys=[("board_id", "boards", "id")],
        not_null={"board_id", "item_id", "level", "why"},
    )
    db["whys"].create_index(["board_id", "item_id", "level"], unique=True)
    db["learnings"].create(
        {"id": str, "board_id": str, "text": str, "evidence_kind": str, "evidence_id": str,
         "position": int, "created_at": str, "updated_at": str, "deleted_at": str,
         "version": int},
        pk="id",
        foreign_keys=[("board_id", "boards", "id")],
        not_null={"board_id", "text", "version"},
    )
    db["learnings"].create_index(["board_id"])
    # At most one decision per learning; "no_change" is a decision too.
    db["decisions"].create(
        {"id": str, "board_id": str, "learning_id": str, "kind": str, "text": str,
         "trade_off": str, "created_at": str, "updated_at": str, "version": int},
        pk="id",
        foreign_keys=[("board_id", "boards", "id"), ("learning_id", "learnings", "id")],
        not_null={"board_id", "learning_id", "kind", "text", "version"},
    )
    db["decisions"].create_index(["learning_id"], unique=True)
    # The actions that carry a decision out.
    db["decision_actions"].create(
        {"decision_id": str, "action_id": str, "board_id": str, "position": int},
        pk=("decision_id", "action_id"),
        foreign_keys=[("decision_id", "decisions", "id"), ("action_id", "actions", "id"),
                      ("board_id", "boards", "id")],
        not_null={"board_id"},
    )


def schema_version(name: str) -> int:
    """The schema version a migration brings a file to: its leading number."""
    prefix = name.split("_", 1)[0]
    return int(prefix) if prefix.isdigit() else 0


def known_version() -> int:
    """The newest schema version this code can bring a file to."""
    return max(schema_version(m.name) for m in migrations._migrations)


def check_schema(db: sqlite_utils.Database) -> None:
    """Refuse a file that a newer version of the app has migrated (it holds
    migrations this code does not know), before anything reads or writes it."""
    known = {m.name for m in migrations._migrations}
    unknown = [m.name for m in migrations.applied(db) if m.name not in known]
    if unknown:
        found = max(schema_version(name) for name in unknown)
        raise SchemaTooNew(found, known_version())


def migrate(path=None) -> list[str]:
    """Bring the database at `path` up to date; returns the names applied now.
    Raises SchemaTooNew for a file made by a newer version of the app.

    Also switches the file to WAL, which lets readers (every open tab) read
    while one writer writes; the mode is stored in the file, so once is enough.
    """
    db = connect(path)
    try:
        check_schema(db)
        db.conn.execute("PRAGMA journal_mode = WAL")
        before = {m.name for m in migrations.applied(db)}
        migrations.apply(db)
        return [m.name for m in migrations.applied(db) if m.name not in before]
    finally:
        db.close()
