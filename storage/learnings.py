"""Contributing-factor categories, 5 Whys chains, learnings, decisions, and the
actions that carry decisions out.

Every write resolves who acts and asks canvas.session.phases inside the
transaction that carries it out (changing_board), like every other write.
"""

from __future__ import annotations


from canvas.actions import ActionDraft, FollowUp
from canvas.errors import (
    EditConflict, EvidenceNotFound, InvalidInput, LearningNotFound, NotAFactorStep, NoteNotFound,
    WhysChanged,
)
from canvas.ids import new_row_id
from canvas.learnings import (
    WHYS_MAX_LEVELS, BoardLearnings, Decision, DecisionDraft, EvidenceKind, FactorCategory, Learning,
    LearningDraft, WhyChain, WhyStep,
)
from canvas.session.phases import Action, Credentials, authorize
from canvas.validation import STORED
from storage import actions as actions_store
from storage.boards import board_phase, changing_board, get_board
from storage.db import Database, iso, now
from storage.identity import resolve_actor


def _authorize(db, board_id: str, action: Action, credentials: Credentials) -> None:
    authorize(action, board_phase(db, board_id), resolve_actor(db, board_id, credentials))


# --- contributing factors ----------------------------------------------------------


def _factor_table(db, board_id: str, item_id: str) -> str:
    """The table ("notes" or "clusters") of a live item in the board's
    contributing-factors step; raises NotAFactorStep or NoteNotFound."""
    template = get_board(db, board_id).template_model
    for table in ("notes", "clusters"):
        row = db.execute(f"SELECT step_key FROM {table} WHERE id = ? AND board_id = ? "
                         "AND deleted_at IS NULL", [item_id, board_id]).fetchone()
        if row is not None:
            step = template.step(row[0])
            if step is None or not step.is_factor_step:
                raise NotAFactorStep()
            return table
    raise NoteNotFound(item_id)


def set_category(db: Database, board_id: str, item_id: str,
                 category: FactorCategory | None, credentials: Credentials) -> None:
    """Put a contributing factor (a note or a cluster of the contributing-factors
    step) in a category, or take it out (None). Anyone on the board may, in
    every phase but Closed. The note's version does not move: a category is
    curation, and must not refuse someone editing the text meanwhile."""
    with changing_board(db, board_id):
        _authorize(db, board_id, Action.set_category, credentials)
        table = _factor_table(db, board_id, item_id)
        db[table].update(item_id, {"category": category.value if category else None})


def save_whys(db: Database, board_id: str, item_id: str, steps: list[WhyStep],
              credentials: Credentials) -> WhyChain:
    """Replace the 5 Whys chain on a contributing factor (at most five levels;
    an empty list removes it). Only the facilitator runs it."""
    chain = WhyChain(item_id=item_id, steps=steps)
    stamp = iso(now())
    with changing_board(db, board_id):
        _authorize(db, board_id, Action.edit_whys, credentials)
        _factor_table(db, board_id, item_id)
        db.execute("DELETE FROM whys WHERE board_id = ? AND item_id = ?", [board_id, item_id])
        db["whys"].insert_all(
            {"id": new_row_id(), "board_id": board_id, "item_id": item_id, "level": level,
             "why": step.why, "because": step.because, "created_at": stamp}
            for level, step in enumerate(chain.steps, start=1))
    return chain


# One step at a time, as the live board runs the 5 Whys: each change names how
# many steps its author saw, so two tabs of the facilitator never overwrite
# each other's steps unseen.


def _chain_rows(db, board_id: str, item_id: str) -> list[dict]:
    return list(db.query("SELECT id, level, why, because FROM whys WHERE board_id = ? AND item_id = ? "
                         "ORDER BY level", [board_id, item_id]))


def _changing_chain(db, board_id: str, item_id: str, expected_steps: int,
                    credentials: Credentials) -> list[dict]:
    """Inside the board's transaction: the chain's rows, once the facilitator,
    the factor and the count the editor saw are checked."""
    _authorize(db, board_id, Action.edit_whys, credentials)
    _factor_table(db, board_id, item_id)
    rows = _chain_rows(db, board_id, item_id)
    if len(rows) != expected_steps:
        raise WhysChanged(len(rows))
    return rows


def add_why(db: Database, board_id: str, item_id: str, step: WhyStep, expected_steps: int,
            credentials: Credentials) -> None:
    """Add one "why → because" at the end of a factor's 5 Whys chain, unless
    it no longer has `expected_steps` steps (WhysChanged) or is full."""
    with changing_board(db, board_id):
        rows = _changing_chain(db, board_id, item_id, expected_steps, credentials)
        if len(rows) >= WHYS_MAX_LEVELS:
            raise InvalidInput(f"A 5 Whys chain stops at {WHYS_MAX_LEVELS} steps: edit one instead.")
        db["whys"].insert({"id": new_row_id(), "board_id": board_id, "item_id": item_id,
                           "level": rows[-1]["level"] + 1 if rows else 1, "why": step.why,
                           "because": step.because,
                           "created_at": iso(now())})


def edit_why(db: Database, board_id: str, item_id: str, index: int, step: WhyStep,
             expected_steps: int, credentials: Credentials, *,
             expected: tuple[str, str] | None = None) -> None:
    """Change the step at `index` (from 0) of a factor's 5 Whys chain. Refused
    (WhysChanged) when the chain no longer has `expected_steps` steps, or
    when that step no longer reads `expected` (why, because), when given."""
    with changing_board(db, board_id):
        rows = _changing_chain(db, board_id, item_id, expected_steps, credentials)
        if not 0 <= index < len(rows):
            raise InvalidInput(f"This chain has no step {index + 1}.")
        row = rows[index]
        if expected is not None and (row["why"], row["because"] or "") != expected:
            raise WhysChanged(len(rows))
        db["whys"].update(row["id"], {"why": step.why, "because": step.because})


def remove_last_why(db: Database, board_id: str, item_id: str, expected_steps: int,
                    credentials: Credentials) -> None:
    """Take the last step off a factor's 5 Whys chain, unless the chain no
    longer has `expected_steps` steps (WhysChanged)."""
    with changing_board(db, board_id):
        rows = _changing_chain(db, board_id, item_id, expected_steps, credentials)
        if not rows:
            raise InvalidInput("This factor has no 5 Whys step to remove.")
        db.execute("DELETE FROM whys WHERE id = ?", [rows[-1]["id"]])


def list_whys(db: Database, board_id: str) -> list[WhyChain]:
    """The board's 5 Whys chains on live factors, each in level order."""
    rows = db.query(
        "SELECT w.item_id, w.why, w.because FROM whys w WHERE w.board_id = ? AND ("
        " EXISTS (SELECT 1 FROM notes n WHERE n.id = w.item_id AND n.deleted_at IS NULL) OR"
        " EXISTS (SELECT 1 FROM clusters c WHERE c.id = w.item_id AND c.deleted_at IS NULL))"
        " ORDER BY w.item_id, w.level", [board_id])
    chains: dict[str, list[WhyStep]] = {}
    for row in rows:
        chains.setdefault(row["item_id"], []).append(
            WhyStep.model_validate({"why": row["why"], "because": row["because"] or ""},
                                   context=STORED))
    return [WhyChain(item_id=item_id, steps=steps) for item_id, steps in chains.items()]


# --- learnings ------------------------------------------------------------------------


def _check_evidence(db, board_id: str, draft: LearningDraft) -> None:
    if (draft.evidence_kind is None) != (draft.evidence_id is None):
        raise EvidenceNotFound("evidence")
    if draft.evidence_kind is None:
        return
    table = {EvidenceKind.event: "events", EvidenceKind.note: "notes",
             EvidenceKind.cluster: "clusters"}[draft.evidence_kind]
    row = db.execute(f"SELECT 1 FROM {table} WHERE id = ? AND board_id = ? AND deleted_at IS NULL",
                     [draft.evidence_id, board_id]).fetchone()
    if row is None:
        raise EvidenceNotFound(draft.evidence_kind.label)


def evidence_kind(db: Database, board_id: str, item_id: str) -> EvidenceKind:
    """What a live item of this board is, as evidence (an event, a note or a
    cluster); raises EvidenceNotFound. A learning's write checks it again."""
    for kind, table in ((EvidenceKind.note, "notes"), (EvidenceKind.cluster, "clusters"),
                        (EvidenceKind.event, "events")):
        row = db.execute(f"SELECT 1 FROM {table} WHERE id = ? AND board_id = ? AND deleted_at IS NULL",
                         [item_id, board_id]).fetchone()
        if row is not None:
            return kind
    raise EvidenceNotFound("evidence")


def _evidence_columns(draft: LearningDraft) -> dict:
    return {"text": draft.text,
            "evidence_kind": draft.evidence_kind.value if draft.evidence_kind else None,
            "evidence_id": draft.evidence_id}


def add_learning(db: Database, board_id: str, draft: LearningDraft,
                 credentials: Credentials) -> Learning:
    """A new "We learned that…" statement at the end of the board's list,
    with its evidence (an event, note or cluster of this board, checked live)."""
    learning_id = new_row_id()
    stamp = iso(now())
    with changing_board(db, board_id):
        _authorize(db, board_id, Action.edit_learnings, credentials)
        _check_evidence(db, board_id, draft)
        position = db["learnings"].next_position(board_id=board_id)
        db["learnings"].insert({"id": learning_id, "board_id": board_id, **_evidence_columns(draft),
                                "position": position, "created_at": stamp, "updated_at": stamp,
                                "deleted_at": None, "version": 1})
    return get_learning(db, board_id, learning_id)


def get_learning(db: Database, board_id: str, learning_id: str) -> Learning:
    """A live learning of this board; raises LearningNotFound."""
    row = next(db.query("SELECT * FROM learnings WHERE id = ? AND board_id = ? "
                        "AND deleted_at IS NULL", [learning_id, board_id]), None)
    if row is None:
        raise LearningNotFound()
    return _learning(row)


def list_learnings(db: Database, board_id: str) -> list[Learning]:
    """The board's live learnings, in the order they were written."""
    rows = db.query("SELECT * FROM learnings WHERE board_id = ? AND deleted_at IS NULL "
                    "ORDER BY position, created_at", [board_id])
    return [_learning(row) for row in rows]


def edit_learning(db: Database, board_id: str, learning_id: str,
                  draft: LearningDraft, expected_version: int,
                  credentials: Credentials) -> Learning:
    """Change a learning's text or evidence, unless someone saved it since
    `expected_version` (EditConflict)."""
    with changing_board(db, board_id):
        _authorize(db, board_id, Action.edit_learnings, credentials)
        current = get_learning(db, board_id, learning_id)
        if current.version != expected_version:
            raise EditConflict(current.text)
        _check_evidence(db, board_id, draft)
        db["learnings"].update(learning_id, {**_evidence_columns(draft), "updated_at": iso(now()),
                                             "version": current.version + 1})
    return get_learning(db, board_id, learning_id)


def delete_learning(db: Database, board_id: str, learning_id: str,
                    credentials: Credentials) -> None:
    """Take a learning off the board (its decision goes with it; the actions stay)."""
    with changing_board(db, board_id):
        _authorize(db, board_id, Action.edit_learnings, credentials)
        get_learning(db, board_id, learning_id)
        db["learnings"].update(learning_id, {"deleted_at": iso(now())})


def _learning(row: dict) -> Learning:
    return Learning.model_validate({key: value for key, value in row.items()
                                    if key != "deleted_at"}, context=STORED)


# --- decisions ------------------------------------------------------------------------


def set_decision(db: Database, board_id: str, learning_id: str,
                 draft: DecisionDraft, credentials: Credentials,
                 expected_version: int | None = None) -> Decision:
    """Record (or change) the decision taken on a learning: its kind (an explicit
    "no change" included), what is decided and the trade-off. `expected_version`
    None means "there was no decision yet"; a mismatch raises EditConflict."""
    stamp = iso(now())
    with changing_board(db, board_id):
        _authorize(db, board_id, Action.edit_learnings, credentials)
        get_learning(db, board_id, learning_id)
        row = db.execute("SELECT id, version, text FROM decisions WHERE learning_id = ? "
                         "AND board_id = ?", [learning_id, board_id]).fetchone()
        columns = {"kind": draft.kind.value, "text": draft.text, "trade_off": draft.trade_off,
                   "updated_at": stamp}
        if row is None:
            if expected_version is not None:
                raise EditConflict("")
            decision_id = new_row_id()
            db["decisions"].insert({"id": decision_id, "board_id": board_id,
                                    "learning_id": learning_id, "created_at": stamp,
                                    "version": 1, **columns})
        else:
            decision_id, version, text = row
            if expected_version != version:
                raise EditConflict(text)
            db["decisions"].update(decision_id, {**columns, "version": version + 1})
    return get_decision(db, board_id, decision_id)


def get_decision(db: Database, board_id: str, decision_id: str) -> Decision:
    """A decision on a live learning of this board; raises LearningNotFound."""
    found = [decision for decision in list_decisions(db, board_id) if decision.id == decision_id]
    if not found:
        raise LearningNotFound()
    return found[0]


def list_decisions(db: Database, board_id: str) -> list[Decision]:
    """Decisions on the board's live learnings, in learning order, each with
    the live actions linked to it."""
    rows = list(db.query(
        "SELECT d.* FROM decisions d JOIN learnings l ON l.id = d.learning_id "
        "WHERE d.board_id = ? AND l.deleted_at IS NULL ORDER BY l.position, l.created_at",
        [board_id]))
    links: dict[str, list[str]] = {}
    for decision_id, action_id in db.execute(
            "SELECT da.decision_id, da.action_id FROM decision_actions da "
            "JOIN actions a ON a.id = da.action_id WHERE da.board_id = ? AND a.deleted_at IS NULL "
            "ORDER BY da.position, a.created_at", [board_id]).fetchall():
        links.setdefault(decision_id, []).append(action_id)
    return [Decision.model_validate({**row, "trade_off": row["trade_off"] or "",
                                     "action_ids": links.get(row["id"], [])}, context=STORED)
            for row in rows]


def delete_decision(db: Database, board_id: str, decision_id: str,
                    credentials: Credentials) -> None:
    """Withdraw a decision; its linked actions stay on the board, unlinked."""
    with changing_board(db, board_id):
        _authorize(db, board_id, Action.edit_learnings, credentials)
        get_decision(db, board_id, decision_id)
        db.execute("DELETE FROM decision_actions WHERE decision_id = ?", [decision_id])
        db.execute("DELETE FROM decisions WHERE id = ?", [decision_id])


def link_action(db: Database, board_id: str, decision_id: str, action_id: str,
                credentials: Credentials) -> Decision:
    """Tie an existing action of the board to the decision it carries out
    (linking twice changes nothing)."""
    with changing_board(db, board_id):
        _authorize(db, board_id, Action.edit_learnings, credentials)
        get_decision(db, board_id, decision_id)
        actions_store.get_action(db, board_id, action_id)
        position = db["decision_actions"].next_position(decision_id=decision_id)
        db.execute("INSERT INTO decision_actions (decision_id, action_id, board_id, position) "
                   "VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING",
                   [decision_id, action_id, board_id, position])
    return get_decision(db, board_id, decision_id)


def unlink_action(db: Database, board_id: str, decision_id: str, action_id: str,
                  credentials: Credentials) -> Decision:
    """Untie an action from a decision; the action itself stays."""
    with changing_board(db, board_id):
        _authorize(db, board_id, Action.edit_learnings, credentials)
        get_decision(db, board_id, decision_id)
        db.execute("DELETE FROM decision_actions WHERE decision_id = ? AND action_id = ?",
                   [decision_id, action_id])
    return get_decision(db, board_id, decision_id)


def add_action_for_decision(db: Database, board_id: str, decision_id: str,
                            draft: ActionDraft, credentials: Credentials) -> FollowUp:
    """A new action that carries the decision out, linked to it, in one transaction."""
    with changing_board(db, board_id):
        _authorize(db, board_id, Action.edit_learnings, credentials)
        get_decision(db, board_id, decision_id)
        action = actions_store.add_action(db, board_id, draft)
        link_action(db, board_id, decision_id, action.id, credentials)
    return action


def all_learnings(db: Database, board_ids: list[str] | None = None
                  ) -> list[BoardLearnings]:
    """The learnings and decisions of every live board that has learnings,
    newest board first, for the Learnings review; only the boards in
    `board_ids` when given (the boards one browser knows)."""
    sql = ("SELECT b.id, b.title, b.incident_date, b.created_at FROM boards b "
           "WHERE b.deleted_at IS NULL AND EXISTS (SELECT 1 FROM learnings l "
           "WHERE l.board_id = b.id AND l.deleted_at IS NULL)")
    params: list = []
    if board_ids is not None:
        if not board_ids:
            return []
        sql += f" AND b.id IN ({','.join('?' * len(board_ids))})"
        params += board_ids
    found = []
    for row in db.query(sql + " ORDER BY b.created_at DESC", params):
        found.append(BoardLearnings.model_validate({
            "board_id": row["id"], "title": row["title"],
            # A board is reviewed as of its incident date, or when it was made.
            "day": row["incident_date"] or row["created_at"][:10],
            "learnings": list_learnings(db, row["id"]),
            "decisions": list_decisions(db, row["id"])}, context=STORED))
    return found
