"""Jira cards of a backlog refinement or sprint planning board: the cards,
sprints and their capacity, the blind estimation round, and the outbox of
changes on their way to Jira, kept in the order they were made.

Every change checks its rule (canvas/session/phases.py) inside the
transaction that writes it, bumps the board's revision, and queues what Jira
must be told in that same transaction, so a change is never on the board
without being on its way to Jira. integrations/jira_board_sync.py empties the
outbox and pulls what changed in Jira."""

from __future__ import annotations

import json
from datetime import datetime
from collections.abc import Iterable, Sequence

from canvas.errors import InvalidInput
from canvas.ids import new_row_id
from canvas.jira_board import (
    PLANNING, SPLIT, TO_REFINE, Card, CardNotFound, EstimatesNotRevealed, JiraBoardSettings,
    JiraBoardState, JiraChange, NoConflict, NoEstimationRound, NotAColumn, NotAJiraBoard, Round, Sprint,
    SprintNotFound, acceptance_criteria, check_capacity, check_estimate, check_labels, check_summary,
    column_of_sprint, columns, moves_for_column, neighbours, points_of, sprint_of_column,
    with_acceptance_criteria,
)
from canvas.session.phases import Action, Credentials, authorize
from storage.boards import board_phase, changing_board
from storage.db import Database, iso, now, read_transaction
from storage.identity import resolve_actor

# A pending change of one of these kinds holds the card's field against a pull.
FIELD_OF_KIND = {"summary": "summary", "description": "acceptance", "labels": "labels",
                 "story_points": "story_points", "sprint": "sprint_id", "backlog": "sprint_id",
                 "transition": "status"}
# Jira's side of a card, as a pull reads it (a JiraCard of integrations/jira_agile.py).
PULLED_FIELDS = ("summary", "acceptance", "labels", "story_points", "sprint_id", "status")


def _dump(value) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


# --- reading ----------------------------------------------------------------------


def settings_of(db: Database, board_id: str) -> JiraBoardSettings:
    """The board's Jira settings; raises NotAJiraBoard."""
    row = db.execute("SELECT settings FROM jira_boards WHERE id = ?", [board_id]).fetchone()
    if row is None:
        raise NotAJiraBoard()
    return JiraBoardSettings.model_validate_json(row[0])


def pulled_within(db: Database, board_id: str, seconds: float) -> bool:
    """Whether Jira answered a pull of this board in the last `seconds` and
    nothing is queued for it: then the minute's pull has been done already."""
    row = db.execute("SELECT pulled_at, reachable FROM jira_boards WHERE id = ?", [board_id]).fetchone()
    if row is None or row[0] is None or not row[1]:
        return False
    if db.execute("SELECT 1 FROM jira_outbox WHERE board_id = ? AND state = 'queued'",
                  [board_id]).fetchone() is not None:
        return False
    return (now() - datetime.fromisoformat(row[0])).total_seconds() < seconds


def is_jira_board(db: Database, board_id: str) -> bool:
    return db.execute("SELECT 1 FROM jira_boards WHERE id = ?", [board_id]).fetchone() is not None


def read_state(db: Database, board_id: str) -> JiraBoardState | None:
    """The board's Jira side inside the caller's transaction (None for a board without it)."""
    row = next(db.query("SELECT * FROM jira_boards WHERE id = ?", [board_id]), None)
    if row is None:
        return None
    sync = _card_sync(db, board_id)
    origins = _action_boards(db)
    cards = [_card(card, sync.get(card["id"]), origins) for card in db.query(
        "SELECT * FROM jira_cards WHERE board_id = ? ORDER BY column_key, position", [board_id])]
    sprints = [Sprint(id=s["sprint_id"], name=s["name"], state=s["state"], goal=s["goal"],
                      capacity=json.loads(s["capacity"]), position=s["position"])
               for s in db.query("SELECT * FROM jira_sprints WHERE board_id = ? ORDER BY position",
                                 [board_id])]
    found_round = None
    if row["round_card_id"]:
        estimates = {e["participant_id"]: e["value"] for e in db.query(
            "SELECT participant_id, value FROM jira_estimates WHERE card_id = ?", [row["round_card_id"]])}
        found_round = Round(card_id=row["round_card_id"], revealed=bool(row["round_revealed"]),
                            estimates=estimates)
    queued = db.execute("SELECT count(*) FROM jira_outbox WHERE board_id = ? AND state = 'queued'",
                        [board_id]).fetchone()[0]
    return JiraBoardState(
        settings=JiraBoardSettings.model_validate_json(row["settings"]), cards=cards, sprints=sprints,
        round=found_round, velocity=json.loads(row["velocity"]), reachable=bool(row["reachable"]),
        problem=row["problem"], pulled_at=row["pulled_at"], queued=queued)


def load_state(db: Database, board_id: str) -> JiraBoardState | None:
    with read_transaction(db):
        return read_state(db, board_id)


def _card_sync(db: Database, board_id: str) -> dict[str, tuple[str, str]]:
    """Each card's sync state from its changes not yet saved: a conflict or a
    failure shows before a queued change."""
    found: dict[str, tuple[str, str]] = {}
    weight = {"conflict": 3, "failed": 2, "queued": 1}
    for row in db.query("SELECT card_id, state, message FROM jira_outbox WHERE board_id = ? AND "
                        "state IN ('queued', 'failed', 'conflict') ORDER BY seq", [board_id]):
        if row["card_id"] is None:
            continue
        known = found.get(row["card_id"])
        if known is None or weight[row["state"]] > weight[known[0]]:
            found[row["card_id"]] = (row["state"], row["message"])
    return found


def _action_boards(db: Database) -> dict[str, str]:
    """Issue keys a postmortem action was pushed to (Jira), with the action's board."""
    rows = db.query("SELECT l.issue_id, l.board_id FROM tracker_links l JOIN actions a ON a.id = "
                    "l.action_id WHERE l.tracker = 'jira' AND a.deleted_at IS NULL")
    return {row["issue_id"]: row["board_id"] for row in rows}


def _card(row: dict, sync: tuple[str, str] | None, origins: dict[str, str]) -> Card:
    state, message = sync or ("saved", "")
    return Card(id=row["id"], key=row["issue_key"], url=row["url"], summary=row["summary"],
                description=row["description"], issue_type=row["issue_type"], status=row["status"],
                priority=row["priority"], story_points=row["story_points"], assignee=row["assignee"],
                labels=tuple(json.loads(row["labels"])), sprint_id=row["sprint_id"],
                column=row["column_key"], position=row["position"], updated=row["updated"],
                pulled=json.loads(row["pulled"]), conflicts=json.loads(row["conflicts"]),
                sync=state, sync_message=message, action_board=origins.get(row["issue_key"]))


def _get_card(db: Database, board_id: str, card_id: str) -> dict:
    row = next(db.query("SELECT * FROM jira_cards WHERE id = ? AND board_id = ?", [card_id, board_id]), None)
    if row is None:
        raise CardNotFound()
    return row


def get_card(db: Database, board_id: str, card_id: str) -> Card:
    """One card as the board shows it; raises CardNotFound."""
    with read_transaction(db):
        return _card(_get_card(db, board_id, card_id), _card_sync(db, board_id).get(card_id),
                     _action_boards(db))


# --- making a board, and what a pull brings ------------------------------------------


def make_jira_board(db: Database, board_id: str, settings: JiraBoardSettings) -> None:
    """Make the board a board of Jira cards (inside the write that creates it, or after)."""
    with changing_board(db, board_id):
        db["jira_boards"].insert({"id": board_id, "settings": settings.model_dump_json(),
                                  "round_card_id": None, "round_revealed": 0, "velocity": "[]",
                                  "reachable": 1, "problem": "", "pulled_at": None})


def pulled_values(card) -> dict:
    """What Jira says of the fields a board can change, from a pulled JiraCard."""
    return {"summary": card.summary, "acceptance": acceptance_criteria(card.description),
            "labels": sorted(card.labels), "story_points": card.story_points,
            "sprint_id": card.sprint_id, "status": card.status}


def record_pull(db: Database, board_id: str, issues: Sequence, sprints: Sequence = (),
                velocity: Sequence[float] | None = None) -> None:
    """Bring what Jira holds onto the board: new issues become cards at the end
    of their column (in the order Jira gave them), and each field of a known
    card takes Jira's value, but a field the board changed and has not yet
    written: that one is settled when the change is written (a conflict if
    Jira changed it too)."""
    with changing_board(db, board_id):
        settings = settings_of(db, board_id)
        for position, sprint in enumerate(sprints):
            known = db.execute("SELECT id FROM jira_sprints WHERE board_id = ? AND sprint_id = ?",
                               [board_id, sprint.id]).fetchone()
            values = {"name": sprint.name, "state": sprint.state, "position": position}
            if not _pending(db, board_id, None, "goal", sprint_id=sprint.id):
                values["goal"] = sprint.goal or ""
            if known:
                db["jira_sprints"].update(known[0], values)
            else:
                db["jira_sprints"].insert({"id": new_row_id(), "board_id": board_id,
                                           "sprint_id": sprint.id, "capacity": "{}",
                                           "goal": sprint.goal or "", **values})
        shown = [Sprint(id=s["sprint_id"], name=s["name"], state=s["state"]) for s in db.query(
            "SELECT sprint_id, name, state FROM jira_sprints WHERE board_id = ?", [board_id])]
        for issue in issues:
            _merge_issue(db, board_id, settings, issue, shown)
        _follow_jiras_rank(db, board_id, [issue.key for issue in issues])
        values = {"reachable": 1, "problem": "", "pulled_at": iso(now())}
        if velocity is not None:
            values["velocity"] = _dump(list(velocity))
        db["jira_boards"].update(board_id, values)


def _follow_jiras_rank(db: Database, board_id: str, ranked: list[str]) -> None:
    """Each column in Jira's rank order (`ranked`, as a pull lists the issues),
    so a reorder made in Jira shows on the board; while a reorder made on the
    board is still on its way, the board's order stands until Jira has it."""
    if db.execute("SELECT 1 FROM jira_outbox WHERE board_id = ? AND kind IN ('rank', 'create') AND "
                  "state = 'queued'", [board_id]).fetchone():
        return
    place = {key: index for index, key in enumerate(ranked)}
    rows = list(db.query("SELECT id, issue_key, column_key, position FROM jira_cards WHERE board_id = ? "
                         "ORDER BY column_key, position", [board_id]))
    by_column: dict[str, list[dict]] = {}
    for row in rows:
        by_column.setdefault(row["column_key"], []).append(row)
    for cards in by_column.values():
        # Only the issues this pull listed move, among the places they hold: a
        # card Jira did not list now (planned into a sprint, say) keeps its place.
        slots = [index for index, row in enumerate(cards) if row["issue_key"] in place]
        listed = sorted((cards[index] for index in slots), key=lambda row: place[row["issue_key"]])
        for index, row in zip(slots, listed):
            cards[index] = row
        for position, row in enumerate(cards, start=1):
            if row["position"] != position:
                db["jira_cards"].update(row["id"], {"position": position})


def _pending(db: Database, board_id: str, card_id: str | None, kind: str, *, sprint_id=None) -> bool:
    if card_id is None:
        return db.execute("SELECT 1 FROM jira_outbox WHERE board_id = ? AND sprint_id = ? AND kind = ? "
                          "AND state IN ('queued', 'conflict')", [board_id, sprint_id, kind]).fetchone() is not None
    kinds = [k for k, field in FIELD_OF_KIND.items() if field == FIELD_OF_KIND.get(kind, kind)]
    marks = ", ".join("?" * len(kinds))
    return db.execute(f"SELECT 1 FROM jira_outbox WHERE card_id = ? AND kind IN ({marks}) AND "
                      "state IN ('queued', 'conflict')", [card_id, *kinds]).fetchone() is not None


def _merge_issue(db: Database, board_id: str, settings: JiraBoardSettings, issue, shown: list[Sprint]) -> None:
    row = next(db.query("SELECT * FROM jira_cards WHERE board_id = ? AND issue_key = ?",
                        [board_id, issue.key]), None)
    jira = pulled_values(issue)
    plain = {"url": issue.url, "issue_type": issue.issue_type, "priority": issue.priority,
             "assignee": issue.assignee, "updated": issue.updated}
    if row is None:
        column = column_of_sprint(issue.sprint_id, shown) if settings.kind == PLANNING else TO_REFINE
        db["jira_cards"].insert({
            "id": new_row_id(), "board_id": board_id, "issue_key": issue.key, **plain,
            "summary": issue.summary, "description": issue.description, "status": issue.status,
            "story_points": issue.story_points, "labels": _dump(list(issue.labels)),
            "sprint_id": issue.sprint_id, "column_key": column,
            "position": db["jira_cards"].next_position(board_id=board_id, column_key=column),
            "pulled": _dump(jira), "conflicts": "{}"})
        return
    pulled = json.loads(row["pulled"])
    values = dict(plain)
    for field in PULLED_FIELDS:
        if _pending(db, board_id, row["id"], field):
            continue  # the board's change is on its way; writing it checks for a conflict
        pulled[field] = jira[field]
        if field == "acceptance":
            values["description"] = issue.description
        elif field == "labels":
            values["labels"] = _dump(list(issue.labels))
        else:
            values[field] = getattr(issue, field)
        if field == "sprint_id" and settings.kind == PLANNING:
            column = column_of_sprint(issue.sprint_id, shown)
            if column != row["column_key"]:
                values["column_key"] = column
                values["position"] = db["jira_cards"].next_position(board_id=board_id, column_key=column)
    values["pulled"] = _dump(pulled)
    db["jira_cards"].update(row["id"], values)


def record_unreachable(db: Database, board_id: str, problem: str) -> None:
    """Jira did not answer (or refused the credentials): the board says so."""
    with changing_board(db, board_id):
        db["jira_boards"].update(board_id, {"reachable": 0, "problem": problem})


# --- the outbox ---------------------------------------------------------------------


def _queue(db: Database, board_id: str, kind: str, value: dict, *, card_id: str | None = None,
           sprint_id: int | None = None, base=None, with_base: bool = False) -> None:
    seq = db.execute("SELECT coalesce(max(seq), 0) + 1 FROM jira_outbox WHERE board_id = ?",
                     [board_id]).fetchone()[0]
    db["jira_outbox"].insert({"id": new_row_id(), "board_id": board_id, "seq": seq, "card_id": card_id,
                              "sprint_id": sprint_id, "kind": kind, "value": _dump(value),
                              "base": _dump(base) if with_base else None, "state": "queued",
                              "message": "", "created_at": iso(now()), "done_at": None})


def queued_changes(db: Database, board_id: str) -> list[JiraChange]:
    """The changes still to write, in the order the board made them."""
    return [_change(row) for row in db.query(
        "SELECT * FROM jira_outbox WHERE board_id = ? AND state = 'queued' ORDER BY seq", [board_id])]


def all_changes(db: Database, board_id: str) -> list[JiraChange]:
    return [_change(row) for row in db.query(
        "SELECT * FROM jira_outbox WHERE board_id = ? ORDER BY seq", [board_id])]


def _change(row: dict) -> JiraChange:
    return JiraChange(id=row["id"], seq=row["seq"], card_id=row["card_id"], sprint_id=row["sprint_id"],
                      kind=row["kind"], value=json.loads(row["value"]),
                      base={"value": json.loads(row["base"])} if row["base"] is not None else None,
                      state=row["state"], message=row["message"])


def record_saved(db: Database, board_id: str, change: JiraChange, issue=None) -> None:
    """Jira took the change: the card (if Jira answered with it) now agrees with
    Jira on that field; a split's new issue becomes a card after the one split."""
    with changing_board(db, board_id):
        db["jira_outbox"].update(change.id, {"state": "saved", "message": "", "done_at": iso(now())})
        if change.kind == "create" and issue is not None:
            db["jira_outbox"].update(change.id, {"value": _dump({**change.value, "made": issue.key})})
            _insert_split(db, board_id, change, issue)
        elif issue is not None and change.card_id:
            row = _get_card(db, board_id, change.card_id)
            pulled = json.loads(row["pulled"])
            field = FIELD_OF_KIND.get(change.kind)
            values = {"updated": issue.updated}
            if field:
                pulled[field] = pulled_values(issue)[field]
            if field == "status":
                values["status"] = issue.status  # where the transition led
            db["jira_cards"].update(change.card_id, {"pulled": _dump(pulled), **values})


def _insert_split(db: Database, board_id: str, change: JiraChange, issue) -> None:
    # At the end of To refine until the pull that follows puts it in Jira's rank.
    db["jira_cards"].insert({
        "id": new_row_id(), "board_id": board_id, "issue_key": issue.key, "url": issue.url,
        "summary": issue.summary, "description": issue.description, "issue_type": issue.issue_type,
        "status": issue.status, "priority": issue.priority, "story_points": issue.story_points,
        "assignee": issue.assignee, "labels": _dump(list(issue.labels)), "sprint_id": issue.sprint_id,
        "column_key": TO_REFINE, "position": db["jira_cards"].next_position(board_id=board_id, column_key=TO_REFINE),
        "updated": issue.updated, "pulled": _dump(pulled_values(issue)), "conflicts": "{}"})


def record_failed(db: Database, board_id: str, change: JiraChange, message: str) -> None:
    """Jira refused this one change: the card says why; later changes go on."""
    with changing_board(db, board_id):
        db["jira_outbox"].update(change.id, {"state": "failed", "message": message, "done_at": iso(now())})


def record_conflict(db: Database, board_id: str, change: JiraChange, field: str, board_value, jira_value) -> None:
    """Jira changed the field since the card's last pull: both values stay on
    the card, and neither is written, until someone picks."""
    with changing_board(db, board_id):
        db["jira_outbox"].update(change.id, {"state": "conflict", "message": "Changed in Jira too",
                                             "done_at": iso(now())})
        row = _get_card(db, board_id, change.card_id)
        found = json.loads(row["conflicts"])
        found[field] = {"board": board_value, "jira": jira_value}
        db["jira_cards"].update(change.card_id, {"conflicts": _dump(found)})


# --- changes people make --------------------------------------------------------------


def _actor_may(db: Database, board_id: str, credentials: Credentials, action: Action) -> None:
    authorize(action, board_phase(db, board_id), resolve_actor(db, board_id, credentials))


def _order(db: Database, board_id: str, column: str) -> list[dict]:
    return list(db.query("SELECT id, issue_key FROM jira_cards WHERE board_id = ? AND column_key = ? "
                         "ORDER BY position", [board_id, column]))


def move_card(db: Database, board_id: str, credentials: Credentials, card_id: str, column: str,
              index: int) -> None:
    """Put a card at `index` of `column` (the order the board shows), and queue
    what Jira must do to match: its rank among its new neighbours, a move
    between sprints or to the backlog, and, in refinement, the transition or
    label of the column (ready, needs detail, drop)."""
    with changing_board(db, board_id):
        _actor_may(db, board_id, credentials, Action.edit_cards)
        state = read_state(db, board_id)
        if state is None:
            raise NotAJiraBoard()
        if column not in {key for key, _ in columns(state)}:
            raise NotAColumn()
        row = _get_card(db, board_id, card_id)
        others = [r for r in _order(db, board_id, column) if r["id"] != card_id]
        index = max(0, min(index, len(others)))
        others.insert(index, {"id": card_id, "issue_key": row["issue_key"]})
        for position, other in enumerate(others, start=1):
            db["jira_cards"].update(other["id"], {"position": position})
        if row["column_key"] != column:
            db["jira_cards"].update(card_id, {"column_key": column})
            _queue_column_moves(db, board_id, state, row, column)
        place = neighbours([r["issue_key"] for r in others], row["issue_key"])
        if place:
            _queue(db, board_id, "rank", {"key": row["issue_key"], **place}, card_id=card_id)


def _queue_column_moves(db: Database, board_id: str, state: JiraBoardState, row: dict, column: str) -> None:
    pulled = json.loads(row["pulled"])
    if state.settings.kind == PLANNING:
        sprint = sprint_of_column(column)
        db["jira_cards"].update(row["id"], {"sprint_id": sprint})
        if sprint is None:
            _queue(db, board_id, "backlog", {"key": row["issue_key"]}, card_id=row["id"],
                   base=pulled.get("sprint_id"), with_base=True)
        else:
            _queue(db, board_id, "sprint", {"key": row["issue_key"], "sprint_id": sprint},
                   card_id=row["id"], base=pulled.get("sprint_id"), with_base=True)
        return
    for kind, value in moves_for_column(state.settings, column):
        if kind == "add_label":
            labels = list(json.loads(row["labels"]))
            if value["label"] not in labels:
                labels.append(value["label"])
            _set_labels(db, board_id, row, labels)
        else:
            _queue(db, board_id, "transition", {"key": row["issue_key"], **value}, card_id=row["id"])


def _set_labels(db: Database, board_id: str, row: dict, labels: list[str]) -> None:
    labels = list(check_labels(labels))
    db["jira_cards"].update(row["id"], {"labels": _dump(labels)})
    _queue(db, board_id, "labels", {"key": row["issue_key"], "labels": labels}, card_id=row["id"],
           base=json.loads(row["pulled"]).get("labels"), with_base=True)


def edit_card(db: Database, board_id: str, credentials: Credentials, card_id: str, *,
              summary: str | None = None, acceptance: str | None = None,
              labels: Iterable[str] | None = None) -> bool:
    """Say a card anew: its summary, its acceptance criteria (a section of the
    description, the rest kept) and its labels; each field that changed is
    queued for Jira. Returns whether anything changed."""
    with changing_board(db, board_id):
        _actor_may(db, board_id, credentials, Action.edit_cards)
        row = _get_card(db, board_id, card_id)
        pulled = json.loads(row["pulled"])
        changed = False
        if summary is not None and check_summary(summary) != row["summary"]:
            summary = check_summary(summary)
            db["jira_cards"].update(card_id, {"summary": summary})
            _queue(db, board_id, "summary", {"key": row["issue_key"], "summary": summary},
                   card_id=card_id, base=pulled.get("summary"), with_base=True)
            changed = True
        if acceptance is not None:
            if len(acceptance) > 5000:
                raise InvalidInput("Acceptance criteria take at most 5,000 characters.")
            description = with_acceptance_criteria(row["description"], acceptance)
            if description != row["description"]:
                db["jira_cards"].update(card_id, {"description": description})
                _queue(db, board_id, "description",
                       {"key": row["issue_key"], "description": description,
                        "acceptance": acceptance.strip()},
                       card_id=card_id, base=pulled.get("acceptance"), with_base=True)
                changed = True
        if labels is not None and sorted(check_labels(list(labels))) != sorted(json.loads(row["labels"])):
            _set_labels(db, board_id, row, list(labels))
            changed = True
        return changed


def split_card(db: Database, board_id: str, credentials: Credentials, card_id: str,
               summaries: list[str]) -> None:
    """Split a card into new issues (one per summary), made in Jira in the
    card's project with its type; the card itself goes to the Split column."""
    summaries = [check_summary(text) for text in summaries if text.strip()]
    if not summaries or len(summaries) > 10:
        raise InvalidInput("Split a card into 1 to 10 new issues, one summary each.")
    with changing_board(db, board_id):
        _actor_may(db, board_id, credentials, Action.edit_cards)
        settings = settings_of(db, board_id)
        row = _get_card(db, board_id, card_id)
        project = settings.project or row["issue_key"].rsplit("-", 1)[0]
        for index, text in enumerate(summaries):
            # Ranked in Jira where the card split stood, in the order given.
            _queue(db, board_id, "create", {"project": project, "summary": text,
                                            "issue_type": row["issue_type"] or "Story",
                                            "from_card": card_id, "index": index,
                                            "after": row["issue_key"]}, card_id=card_id)
        if row["column_key"] != SPLIT:
            db.execute("UPDATE jira_cards SET column_key = ?, position = ? WHERE id = ?",
                       [SPLIT, db["jira_cards"].next_position(board_id=board_id, column_key=SPLIT), card_id])


def pick_side(db: Database, board_id: str, credentials: Credentials, card_id: str, field: str,
              side: str) -> None:
    """Settle a conflict: keep the board's value (written to Jira now, over
    Jira's) or Jira's (the board takes it)."""
    if side not in ("board", "jira"):
        raise InvalidInput("Pick the board's value or Jira's.")
    with changing_board(db, board_id):
        _actor_may(db, board_id, credentials, Action.edit_cards)
        row = _get_card(db, board_id, card_id)
        found = json.loads(row["conflicts"])
        if field not in found:
            raise NoConflict()
        values = found.pop(field)
        kinds = [k for k, f in FIELD_OF_KIND.items() if f == field]
        marks = ", ".join("?" * len(kinds))
        db.execute(f"UPDATE jira_outbox SET state = 'saved', message = 'settled', done_at = ? "
                   f"WHERE card_id = ? AND state = 'conflict' AND kind IN ({marks})",
                   [iso(now()), card_id, *kinds])
        pulled = json.loads(row["pulled"])
        pulled[field] = values["jira"]
        db["jira_cards"].update(card_id, {"conflicts": _dump(found), "pulled": _dump(pulled)})
        chosen = values[side]
        row = _get_card(db, board_id, card_id)
        if side == "jira":
            _take_value(db, row, field, chosen)
            return
        # The board's value, written over Jira's now that someone chose it.
        _take_value(db, row, field, chosen)
        kind, value = _write_of(row, field, chosen)
        _queue(db, board_id, kind, value, card_id=card_id, base=values["jira"], with_base=True)


def _take_value(db: Database, row: dict, field: str, value) -> None:
    if field == "acceptance":
        db["jira_cards"].update(row["id"], {"description": with_acceptance_criteria(row["description"], value)})
    elif field == "labels":
        db["jira_cards"].update(row["id"], {"labels": _dump(list(value))})
    else:
        db["jira_cards"].update(row["id"], {field: value})


def _write_of(row: dict, field: str, value) -> tuple[str, dict]:
    key = row["issue_key"]
    if field == "acceptance":
        return "description", {"key": key, "description": with_acceptance_criteria(row["description"], value),
                               "acceptance": value}
    if field == "labels":
        return "labels", {"key": key, "labels": list(value)}
    if field == "story_points":
        return "story_points", {"key": key, "points": value}
    if field == "sprint_id":
        return ("backlog", {"key": key}) if value is None else ("sprint", {"key": key, "sprint_id": value})
    return field, {"key": key, field: value}


# --- estimation -------------------------------------------------------------------------


def start_round(db: Database, board_id: str, credentials: Credentials, card_id: str) -> None:
    """Open a blind estimation round on a card (the facilitator's); an open
    round on another card ends unsettled, and its estimates go."""
    with changing_board(db, board_id):
        _actor_may(db, board_id, credentials, Action.run_estimation)
        _get_card(db, board_id, card_id)
        db.execute("DELETE FROM jira_estimates WHERE board_id = ?", [board_id])
        db["jira_boards"].update(board_id, {"round_card_id": card_id, "round_revealed": 0})


def _round(db: Database, board_id: str, card_id: str) -> dict:
    row = next(db.query("SELECT round_card_id, round_revealed FROM jira_boards WHERE id = ?", [board_id]), None)
    if row is None:
        raise NotAJiraBoard()
    if row["round_card_id"] != card_id:
        raise NoEstimationRound()
    return row


def estimate(db: Database, board_id: str, credentials: Credentials, card_id: str, value: str) -> None:
    """A participant's estimate in the open round (said again, it replaces the
    first); refused once the round is revealed, so nobody adjusts to others."""
    with changing_board(db, board_id):
        _actor_may(db, board_id, credentials, Action.estimate)
        if credentials.participant_id is None:
            raise InvalidInput("Join the board with a name to estimate.")
        found = _round(db, board_id, card_id)
        if found["round_revealed"]:
            raise NoEstimationRound()
        value = check_estimate(settings_of(db, board_id).scale, value)
        db.execute("DELETE FROM jira_estimates WHERE card_id = ? AND participant_id = ?",
                   [card_id, credentials.participant_id])
        db["jira_estimates"].insert({"id": new_row_id(), "board_id": board_id, "card_id": card_id,
                                     "participant_id": credentials.participant_id, "value": value,
                                     "created_at": iso(now())})


def reveal_round(db: Database, board_id: str, credentials: Credentials, card_id: str) -> None:
    """Show everyone the round's estimates (the facilitator's)."""
    with changing_board(db, board_id):
        _actor_may(db, board_id, credentials, Action.run_estimation)
        _round(db, board_id, card_id)
        db["jira_boards"].update(board_id, {"round_revealed": 1})


def settle_round(db: Database, board_id: str, credentials: Credentials, card_id: str, value: str) -> None:
    """The facilitator settles the card's value after the reveal: it becomes
    the issue's story points, and the round ends."""
    with changing_board(db, board_id):
        _actor_may(db, board_id, credentials, Action.run_estimation)
        found = _round(db, board_id, card_id)
        if not found["round_revealed"]:
            raise EstimatesNotRevealed()
        points = points_of(settings_of(db, board_id).scale, value)
        row = _get_card(db, board_id, card_id)
        db["jira_cards"].update(card_id, {"story_points": points})
        _queue(db, board_id, "story_points", {"key": row["issue_key"], "points": points}, card_id=card_id,
               base=json.loads(row["pulled"]).get("story_points"), with_base=True)
        db.execute("DELETE FROM jira_estimates WHERE board_id = ?", [board_id])
        db["jira_boards"].update(board_id, {"round_card_id": None, "round_revealed": 0})


# --- sprints ---------------------------------------------------------------------------


def _sprint(db: Database, board_id: str, sprint_id: int) -> dict:
    row = next(db.query("SELECT * FROM jira_sprints WHERE board_id = ? AND sprint_id = ?",
                        [board_id, sprint_id]), None)
    if row is None:
        raise SprintNotFound()
    return row


def set_capacity(db: Database, board_id: str, credentials: Credentials, sprint_id: int, person: str,
                 points: float | None) -> None:
    """A person's capacity for a sprint, in points (None takes them out)."""
    person = person.strip()
    if not person or len(person) > 80:
        raise InvalidInput("Name the person whose capacity this is (up to 80 characters).")
    with changing_board(db, board_id):
        _actor_may(db, board_id, credentials, Action.edit_cards)
        row = _sprint(db, board_id, sprint_id)
        capacity = json.loads(row["capacity"])
        if points is None:
            capacity.pop(person, None)
        else:
            capacity[person] = check_capacity(points)
        db["jira_sprints"].update(row["id"], {"capacity": _dump(capacity)})


def set_goal(db: Database, board_id: str, credentials: Credentials, sprint_id: int, goal: str) -> None:
    """A sprint's goal, said on the board and queued for Jira."""
    goal = goal.strip()
    if len(goal) > 500:
        raise InvalidInput("A sprint goal takes at most 500 characters.")
    with changing_board(db, board_id):
        _actor_may(db, board_id, credentials, Action.edit_cards)
        row = _sprint(db, board_id, sprint_id)
        if row["goal"] == goal:
            return
        db["jira_sprints"].update(row["id"], {"goal": goal})
        _queue(db, board_id, "goal", {"goal": goal}, sprint_id=sprint_id)


def may_sync(db: Database, board_id: str, credentials: Credentials) -> None:
    """Raise unless this person may pull from Jira and retry the queue now."""
    with read_transaction(db):
        _actor_may(db, board_id, credentials, Action.sync_jira)
        settings_of(db, board_id)

