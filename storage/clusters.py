"""Clusters of notes: create, rename, merge, dissolve, and moving notes between them
(and between steps)."""

from __future__ import annotations


from canvas.errors import ClusterNotFound, NoteNotFound, NotANoteStep, StaleMove
from canvas.ids import new_row_id
from canvas.models import Cluster, checked_name
from canvas.session.phases import Action, Credentials, authorize
from storage.boards import board_phase, changing_board, get_board
from storage.db import Database, iso, now
from storage.identity import resolve_actor
from storage.votes import settle_votes


def _may_group(db, board_id: str, credentials: Credentials) -> None:
    authorize(Action.group, board_phase(db, board_id), resolve_actor(db, board_id, credentials))


def list_clusters(db: Database, board_id: str, step_key: str | None = None) -> list[Cluster]:
    """Live clusters of a board (or of one step), in column order."""
    sql = "SELECT * FROM clusters WHERE board_id = ? AND deleted_at IS NULL"
    params: list = [board_id]
    if step_key is not None:
        sql += " AND step_key = ?"
        params.append(step_key)
    return [Cluster.model_validate(r) for r in db.query(sql + " ORDER BY position, created_at", params)]


def create_cluster(db: Database, board_id: str, step_key: str, name: str,
                   credentials: Credentials) -> Cluster:
    """A new, empty cluster at the end of the step (TextRefused for a bad name)."""
    name = checked_name("cluster name", name)
    cluster_id = new_row_id()
    with changing_board(db, board_id):
        _may_group(db, board_id, credentials)
        position = db["clusters"].next_position(board_id=board_id, step_key=step_key)
        db["clusters"].insert({"id": cluster_id, "board_id": board_id, "step_key": step_key,
                               "name": name, "position": position, "created_at": iso(now()),
                               "deleted_at": None})
    return _get(db, board_id, cluster_id)


def rename_cluster(db: Database, board_id: str, cluster_id: str, name: str,
                   credentials: Credentials) -> None:
    """Give a live cluster a new name."""
    name = checked_name("cluster name", name)
    with changing_board(db, board_id):
        _may_group(db, board_id, credentials)
        _get(db, board_id, cluster_id)
        db["clusters"].update(cluster_id, {"name": name})


def merge_clusters(db: Database, board_id: str, source_id: str, target_id: str,
                   credentials: Credentials) -> None:
    """Move every note (and any dots) of `source` into `target`, then remove
    `source`. Each person keeps their oldest dots on the merged cluster up to
    the per-item limit; the rest go back to them."""
    with changing_board(db, board_id):
        _may_group(db, board_id, credentials)
        source, target = _get(db, board_id, source_id), _get(db, board_id, target_id)
        if source.id == target.id or source.step_key != target.step_key:
            raise ClusterNotFound()
        db.execute("UPDATE notes SET cluster_id = ? WHERE cluster_id = ?", [target.id, source.id])
        db.execute("UPDATE votes SET item_id = ? WHERE item_id = ?", [target.id, source.id])
        db["clusters"].update(source.id, {"deleted_at": iso(now())})
        settle_votes(db, board_id)


def dissolve_cluster(db: Database, board_id: str, cluster_id: str,
                     credentials: Credentials) -> None:
    """Put the cluster's notes back as ungrouped notes and remove the cluster.
    Dots on the cluster go back to their voters; dots on the notes stay."""
    with changing_board(db, board_id):
        _may_group(db, board_id, credentials)
        cluster = _get(db, board_id, cluster_id)
        db.execute("UPDATE notes SET cluster_id = NULL WHERE cluster_id = ?", [cluster.id])
        db["clusters"].update(cluster.id, {"deleted_at": iso(now())})
        settle_votes(db, board_id)


def move_notes(db: Database, board_id: str, step_key: str,
               moves: dict[str, str | None], credentials: Credentials) -> int:
    """Apply a drop: note id -> cluster id (None = ungrouped). Returns notes moved.

    Notes or clusters that vanished since the mover's page was drawn are
    skipped rather than failing the whole drop. A note's dots go with it; a
    cluster it joins keeps each person's oldest dots up to the per-item limit.
    """
    moved = 0
    with changing_board(db, board_id):
        _may_group(db, board_id, credentials)
        live = {c.id for c in list_clusters(db, board_id, step_key)}
        for note_id, cluster_id in moves.items():
            if cluster_id is not None and cluster_id not in live:
                continue
            cursor = db.execute(
                "UPDATE notes SET cluster_id = ?, placed_revision = ? WHERE id = ? AND board_id = ? "
                "AND step_key = ? AND deleted_at IS NULL",
                [cluster_id, _next_revision(db, board_id), note_id, board_id, step_key],
            )
            moved += cursor.rowcount
        settle_votes(db, board_id)
    return moved


def move_note(db: Database, board_id: str, note_id: str, *, step_key: str,
              cluster_id: str | None = None, onto_note_id: str | None = None,
              seen_revision: int, credentials: Credentials) -> str | None:
    """One drop on the canvas; returns the note's cluster afterwards (None = ungrouped).

    - Onto a cluster: the note joins it (in the cluster's step).
    - Onto another note: the two become a new cluster, named after the note
      dropped on. If that note is already in a cluster, the dragged note joins
      that cluster instead: a note is in one cluster at most, and the person
      meant "with that one".
    - Onto neither: the note is ungrouped in `step_key` (leaving its cluster).

    `seen_revision` is the board revision the mover's view showed. If someone
    moved this note, or the note it is dropped on, after that, the drop is
    refused (StaleMove) rather than silently undoing their move; drops of
    different notes at the same time all land.
    """
    with changing_board(db, board_id):
        _may_group(db, board_id, credentials)
        placed = _next_revision(db, board_id)
        note = _live_note(db, board_id, note_id)
        if note["placed_revision"] > seen_revision:
            raise StaleMove(note["number"])
        if onto_note_id is not None and onto_note_id != note_id:
            target = _live_note(db, board_id, onto_note_id)
            if target["placed_revision"] > seen_revision:
                raise StaleMove(note["number"], onto=target["number"])
            step_key = target["step_key"]
            cluster_id = target["cluster_id"]
            if cluster_id is None:
                cluster_id = new_row_id()
                position = db["clusters"].next_position(board_id=board_id, step_key=step_key)
                db["clusters"].insert({"id": cluster_id, "board_id": board_id, "step_key": step_key,
                                       "name": checked_name("cluster name", _name_after(target["text"])),
                                       "position": position,
                                       "created_at": iso(now()), "deleted_at": None})
                db.execute("UPDATE notes SET cluster_id = ?, placed_revision = ? WHERE id = ?",
                           [cluster_id, placed, target["id"]])
        elif cluster_id is not None:
            step_key = _get(db, board_id, cluster_id).step_key
        if not get_board(db, board_id).template_model.holds_notes(step_key):
            raise NotANoteStep()
        changes: dict = {"cluster_id": cluster_id, "step_key": step_key, "placed_revision": placed}
        if step_key != note["step_key"]:
            changes["position"] = db["notes"].next_position(board_id=board_id, step_key=step_key)
        db["notes"].update(note_id, changes)
        # Joining a cluster can put one person's dots beyond the per-item limit.
        settle_votes(db, board_id)
    return cluster_id


CLUSTER_NAME_FROM_NOTE_CHARS = 40


def _name_after(text: str) -> str:
    name = " ".join(text.split())
    if len(name) > CLUSTER_NAME_FROM_NOTE_CHARS:
        name = name[: CLUSTER_NAME_FROM_NOTE_CHARS - 1] + "…"
    return name


def _live_note(db, board_id: str, note_id: str) -> dict:
    row = next(db.query("SELECT * FROM notes WHERE id = ? AND board_id = ? AND deleted_at IS NULL",
                        [note_id, board_id]), None)
    if row is None:
        raise NoteNotFound(note_id)
    return row


def _next_revision(db, board_id: str) -> int:
    # changing_board bumps the revision by one when the transaction ends.
    return db.execute("SELECT revision FROM boards WHERE id = ?", [board_id]).fetchone()[0] + 1


def _get(db, board_id: str, cluster_id: str) -> Cluster:
    row = next(db.query("SELECT * FROM clusters WHERE id = ? AND board_id = ? AND deleted_at IS NULL",
                        [cluster_id, board_id]), None)
    if row is None:
        raise ClusterNotFound()
    return Cluster.model_validate(row)
