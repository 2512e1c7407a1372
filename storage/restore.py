"""Backups: reading a board's votes per person, and restoring a backup as a new board."""

from __future__ import annotations

from collections import defaultdict


from canvas.exports.backup import BackupPlan, planned_dots
from canvas.errors import BoardChangingTooFast
from canvas.ids import hash_secret, new_row_id, new_secret
from canvas.models import Board, BoardDraft
from canvas.session.phases import Credentials
from canvas.snapshot import BoardSnapshot
from storage import actions, boards, events, facilitation, notes
from storage.db import Database, iso, now, write_transaction
from storage.snapshot import load_snapshot
from storage.votes import LIVE_VOTES

RESTORED_BY = "Restored"


def read_votes(db: Database, board_id: str) -> dict[str, dict[str, int]]:
    """Dots on live items: participant id -> item id -> count."""
    rows = db.execute(
        f"SELECT participant_id, item_id, count(*) FROM ({LIVE_VOTES}) live "
        "GROUP BY participant_id, item_id ORDER BY participant_id, item_id",
        [board_id],
    )
    votes: dict[str, dict[str, int]] = defaultdict(dict)
    for participant_id, item_id, count in rows.fetchall():
        votes[participant_id][item_id] = count
    return dict(votes)


def load_snapshot_and_votes(
    db: Database, board_id: str, attempts: int = 5
) -> tuple[BoardSnapshot, dict[str, dict[str, int]]]:
    """The board and everyone's votes as of one moment, for `backup_document`
    (only a facilitator's backup, or the command line's, may hold the votes
    per person).

    Every write bumps the board's revision, so votes read while the revision
    stayed put belong with the snapshot read after them; if someone wrote in
    between, read again.
    """
    for _ in range(attempts):
        before = boards.board_revision(db, board_id)
        votes = read_votes(db, board_id)
        snapshot = load_snapshot(db, board_id)
        if snapshot.board.revision == before:
            return snapshot, votes
    raise BoardChangingTooFast()


def restore_board(db: Database, plan: BackupPlan) -> tuple[Board, str]:
    """Create a board equal to the backup, with fresh ids, in one transaction;
    returns it with a new facilitator key (the backup holds none).

    Participants come back by name only: their tokens were never in the
    backup, so each rejoins from the link. Notes have no author, so only a
    facilitator can edit them. The dots come back held by the restored
    participants, within the board's rules (`planned_dots`): from a
    participant's backup, which holds totals only, spread over them.
    """
    spec = plan.board
    stamp = iso(now())
    dots = planned_dots(plan)
    with write_transaction(db):
        board = boards.create_board(db, BoardDraft(
            title=spec.title, incident_date=spec.incident_date, severity=spec.severity,
            template=spec.template, template_copy=spec.template_copy,
            facilitator_name=spec.roles.facilitator or RESTORED_BY,
            review_type=spec.review_type,
        ))
        # The summary's answers (intake, invitees, tracker, labels) as saved.
        boards.update_details(db, board.id, spec, board.details_version)
        if not spec.source.is_empty:
            boards.record_source(db, board.id, spec.source)
        with boards.changing_board(db, board.id):
            ids = {item.ref: new_row_id() for item in (*plan.events, *plan.clusters, *plan.notes,
                                                         *plan.actions, *plan.learnings)}
            # Participants are listed by (joined_at, id); they all join now, so
            # sorted ids keep the backup's order.
            people = sorted(new_row_id() for _ in plan.participants)
            db["boards"].update(board.id, {
                "phase": spec.phase.value, "vote_budget": spec.vote_budget,
                "vote_max_per_item": spec.vote_max_per_item,
                "votes_revealed": int(spec.votes_revealed), "show_authors": int(spec.show_authors),
                "focus_item": ids.get(spec.focus_item) if spec.focus_item else None,
                "close_reason": spec.close_reason,
                "follow_up_date": _day(spec.follow_up_day),
                "impact_review": spec.impact_review.value if spec.impact_review else None,
                "impact_review_start": _day(spec.impact_review_start),
                "process_review": spec.process_review,
            })
            db["dissemination"].insert_all(
                {"id": new_row_id(), "board_id": board.id, "position": position,
                 "audience": entry.audience, "channel": entry.channel, "day": _day(entry.day),
                 "owner": entry.owner}
                for position, entry in enumerate(plan.dissemination)
            )
            db["participants"].insert_all(
                {"id": person, "board_id": board.id, "display_name": name,
                 # A token nobody holds: the row exists for its name and votes.
                 "token_hash": hash_secret(new_secret()), "joined_at": stamp, "last_seen_at": stamp}
                for person, name in zip(people, plan.participants)
            )
            db["events"].insert_all(
                {"id": ids[event.ref], "board_id": board.id, "at": iso(event.at),
                 "kind": event.kind.value, "text": event.text, "evidence_url": event.evidence_url,
                 "approximate": int(event.approximate), "is_assumption": int(event.is_assumption),
                 "created_at": stamp, "deleted_at": None}
                for event in plan.events
            )
            db["clusters"].insert_all(
                {"id": ids[cluster.ref], "board_id": board.id, "step_key": cluster.step,
                 "name": cluster.name, "position": cluster.position,
                 "created_at": iso(cluster.created_at), "deleted_at": None,
                 "category": cluster.category.value if cluster.category else None}
                for cluster in plan.clusters
            )
            db["notes"].insert_all(
                {"id": ids[note.ref], "board_id": board.id, "step_key": note.step, "text": note.text,
                 "colour": note.colour.value, "author_id": None, "position": note.position,
                 "number": note.number, "created_at": iso(note.created_at),
                 "updated_at": iso(note.updated_at or note.created_at), "deleted_at": None,
                 "version": 1, "cluster_id": ids.get(note.cluster) if note.cluster else None,
                 "event_id": ids.get(note.event) if note.event else None,
                 "category": note.category.value if note.category else None,
                 "is_assumption": int(note.is_assumption)}
                for note in plan.notes
            )
            db["votes"].insert_all(
                {"board_id": board.id, "participant_id": people[dot.participant],
                 "item_id": ids[dot.item], "created_at": stamp}
                for dot in dots for _ in range(dot.count)
            )
            db["actions"].insert_all(
                {"id": ids[action.ref], "board_id": board.id, "title": action.title,
                 "owner": action.owner, "due_date": _day(action.due_date), "type": action.type.value,
                 "priority": action.priority.value, "status": action.status.value,
                 "status_reason": action.status_reason, "success_signal": action.success_signal,
                 "review_date": _day(action.review_date),
                 "source_kind": action.source_kind.value if action.source_kind else None,
                 "source_id": ids.get(action.source) if action.source else None,
                 "created_at": iso(action.created_at),
                 "updated_at": iso(action.updated_at or action.created_at),
                 "deleted_at": None, "version": 1, "iac": int(action.iac),
                 "customer_facing": int(action.customer_facing),
                 "done_at": _done_at(action)}
                for action in plan.actions
            )
            db["triggers"].insert_all(
                {"id": new_row_id(), "board_id": board.id, "signal": trigger.signal,
                 "kind": trigger.kind.value, "response": trigger.response,
                 "owner": trigger.owner, "created_at": iso(trigger.created_at),
                 "deleted_at": None}
                for trigger in plan.triggers
            )
            _restore_learnings(db, board.id, plan, ids, stamp)
        key = facilitation.create_facilitator_key(db, board.id, "restore")
    return boards.get_board(db, board.id), key


def _restore_learnings(db: Database, board_id: str, plan: BackupPlan,
                       ids: dict[str, str], stamp: str) -> None:
    kinds = {**{event.ref: "event" for event in plan.events},
             **{cluster.ref: "cluster" for cluster in plan.clusters},
             **{note.ref: "note" for note in plan.notes}}
    db["whys"].insert_all(
        {"id": new_row_id(), "board_id": board_id, "item_id": ids[chain.item], "level": level,
         "why": step.why, "because": step.because, "created_at": stamp}
        for chain in plan.whys for level, step in enumerate(chain.steps, start=1))
    db["learnings"].insert_all(
        {"id": ids[learning.ref], "board_id": board_id, "text": learning.text,
         "evidence_kind": kinds[learning.evidence] if learning.evidence else None,
         "evidence_id": ids[learning.evidence] if learning.evidence else None,
         "position": position, "created_at": stamp, "updated_at": stamp, "deleted_at": None,
         "version": 1, "iac": int(learning.iac)}
        for position, learning in enumerate(plan.learnings, start=1))
    for decision in plan.decisions:
        decision_id = new_row_id()
        db["decisions"].insert({"id": decision_id, "board_id": board_id,
                                "learning_id": ids[decision.learning], "kind": decision.kind.value,
                                "text": decision.text, "trade_off": decision.trade_off,
                                "created_at": stamp, "updated_at": stamp, "version": 1})
        db["decision_actions"].insert_all(
            {"decision_id": decision_id, "action_id": ids[action], "board_id": board_id,
             "position": position}
            for position, action in enumerate(dict.fromkeys(decision.actions), start=1))


def _day(value) -> str | None:
    return None if value is None else value.isoformat()


def _done_at(action) -> str | None:
    """When a restored action was done: as its backup says, or for a done
    action of an older backup, its last change (as the 0025 upgrade reads it)."""
    if action.status.value != "done":
        return None
    return iso(action.done_at or action.updated_at or action.created_at)


def create_board_from(db: Database, plan) -> tuple[Board, str]:
    """A new board from `canvas.exports.importing.read_board_file`'s plan, in one
    transaction; returns it with its facilitator key."""
    if isinstance(plan, BackupPlan):
        return restore_board(db, plan)
    return import_board(db, plan)


def import_board(db: Database, plan) -> tuple[Board, str]:
    """Create a board with its summary, notes and events in one transaction;
    returns it with a facilitator key (the importer runs the session)."""
    with write_transaction(db):
        board = boards.create_board(db, plan.draft)
        key = facilitation.create_facilitator_key(db, board.id, "import")
        # The importer holds the key and no name on the board: its notes have
        # no author, like any written before the meeting.
        importer = Credentials(facilitator_key=key)
        boards.update_details(db, board.id, plan.details, board.details_version)
        if not plan.source.is_empty:
            boards.record_source(db, board.id, plan.source)
        for planned in plan.notes:
            notes.add_note(db, board.id, planned.step_key, planned.draft, importer)
        events.add_events(db, board.id, plan.events)
        for action in plan.actions:
            actions.add_action(db, board.id, action)
    return boards.get_board(db, board.id), key
