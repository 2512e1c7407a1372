"""Facilitator keys and the facilitator's powers over a board.

The facilitator link carries a secret key; only its SHA-256 hash is stored.
Every power here checks the key inside the same transaction that uses it, so
a participant who crafts the action without the key changes nothing.
"""

from __future__ import annotations

import json
from datetime import timedelta


from pydantic import BaseModel, TypeAdapter

from canvas.actions import ProcessReview, close_reason_for
from canvas.board_access import SignedInPerson
from canvas.errors import NotAPlace, NotFocusable, ParticipantNotFound
from canvas.ids import hash_secret, new_row_id, new_secret
from canvas.models import Board, BoardDraft, Participant
from canvas.session.parts import places
from canvas.session.phases import Action, Actor, Phase, authorize, check_timer
from canvas.session.voting import VoteRules, check_rules_change
from storage.actions import list_actions
from storage.board_access import set_owner, tie_seat
from storage.boards import board_phase, changing_board, create_board, get_board
from storage.db import Database, iso, now, write_transaction
from storage.identity import is_facilitator
from storage.participants import join_board
from storage.votes import most_spent

_PROCESS_REVIEW = TypeAdapter(ProcessReview)

class StartedBoard(BaseModel):
    """A new board with its first participant (the facilitator) signed in."""

    board: Board
    facilitator: Participant
    token: str
    facilitator_key: str


def start_board(db: Database, draft: BoardDraft,
                owner: SignedInPerson | None = None) -> StartedBoard:
    """Create a board, join its creator, and give them the facilitator key: one transaction.

    Where people sign in, `owner` is the person starting it: they facilitate
    it by identity from then on (storage.board_access), and their seat
    follows them to other devices. None (no sign-in) changes nothing."""
    with write_transaction(db):
        board = create_board(db, draft)
        person, token = join_board(db, board.id, draft.facilitator_name)
        key = create_facilitator_key(db, board.id, "creator")
        if owner is not None:
            set_owner(db, board.id, owner)
            tie_seat(db, person.id, board.id, owner)
    return StartedBoard(board=get_board(db, board.id), facilitator=person, token=token,
                        facilitator_key=key)


def create_facilitator_key(db: Database, board_id: str, label: str) -> str:
    """A new facilitator key for the board (shown once; stored as a hash)."""
    key = new_secret()
    with changing_board(db, board_id):
        db["facilitator_keys"].insert(
            {"id": new_row_id(), "board_id": board_id, "key_hash": hash_secret(key),
             "label": label, "created_at": iso(now()), "revoked_at": None}
        )
    return key


def _require(db, board_id: str, key: str | None, action: Action) -> None:
    facilitating = Actor(participant_id=None, is_facilitator=is_facilitator(db, board_id, key))
    authorize(action, board_phase(db, board_id), facilitating)


def issue_facilitator_key(
    db: Database, board_id: str, key: str | None, *, revoke_others: bool
) -> str:
    """A new facilitator link: for a co-facilitator, or (revoking every other
    key, the caller's included) to hand the session over."""
    with changing_board(db, board_id):
        _require(db, board_id, key, Action.issue_facilitator_link)
        if revoke_others:
            db.execute(
                "UPDATE facilitator_keys SET revoked_at = ? WHERE board_id = ? AND revoked_at IS NULL",
                [iso(now()), board_id],
            )
        return create_facilitator_key(db, board_id, "handed over" if revoke_others else "co-facilitator")


def set_phase(db: Database, board_id: str, key: str | None, phase: Phase,
              close_reason: str = "") -> None:
    """Move the session to `phase` (forward or back; nothing on the board is lost).

    Closing with draft actions left (no owner or due date) needs a
    `close_reason`, which is kept with the board; without one it raises
    ClosingWithDrafts and the board stays as it was."""
    with changing_board(db, board_id):
        _require(db, board_id, key, Action.change_phase)
        changes: dict = {"phase": phase.value}
        if phase == Phase.closed:
            changes["close_reason"] = close_reason_for(list_actions(db, board_id), close_reason)
        if phase == Phase.discuss:
            # Discuss ranks items by their votes, which reveals them anyway.
            changes["votes_revealed"] = 1
        db["boards"].update(board_id, changes)


def record_process_review(db: Database, board_id: str, key: str | None, answer: str) -> None:
    """Keep the facilitator's answer to "What would make our next postmortem
    better?" with the board (an empty answer clears it). Facilitator only, in
    any phase: it is written at close and may be amended afterwards."""
    kept = _PROCESS_REVIEW.validate_python(answer)
    with changing_board(db, board_id):
        _require(db, board_id, key, Action.change_phase)
        db["boards"].update(board_id, {"process_review": kept})


def set_vote_rules(db: Database, board_id: str, key: str | None, rules: VoteRules) -> None:
    """Change the budget and per-item limit, never below what someone already spent."""
    with changing_board(db, board_id):
        _require(db, board_id, key, Action.set_vote_rules)
        most_total, most_on_item = most_spent(db, board_id)
        check_rules_change(rules, most_total, most_on_item)
        db["boards"].update(
            board_id, {"vote_budget": rules.budget, "vote_max_per_item": rules.max_per_item}
        )




def reveal_votes(db: Database, board_id: str, key: str | None, revealed: bool = True) -> None:
    """Show everyone's dots (or hide them again while voting goes on)."""
    with changing_board(db, board_id):
        _require(db, board_id, key, Action.reveal_votes)
        db["boards"].update(board_id, {"votes_revealed": int(revealed)})


def start_timer(db: Database, board_id: str, key: str | None, seconds: int) -> None:
    """Start a countdown everyone sees; a new start replaces a running one."""
    check_timer(seconds)
    with changing_board(db, board_id):
        _require(db, board_id, key, Action.run_timer)
        started = now()
        db["boards"].update(
            board_id,
            {"timer_started_at": iso(started), "timer_ends_at": iso(started + timedelta(seconds=seconds))},
        )


def stop_timer(db: Database, board_id: str, key: str | None) -> None:
    with changing_board(db, board_id):
        _require(db, board_id, key, Action.run_timer)
        db["boards"].update(board_id, {"timer_started_at": None, "timer_ends_at": None})


def set_focus(db: Database, board_id: str, key: str | None, item_id: str | None) -> None:
    """Point everyone at one item in Discuss (None clears the focus): a live
    cluster or a loose live note of this board, as the ranking lists them;
    anything else raises NotFocusable and leaves the focus as it was."""
    with changing_board(db, board_id):
        _require(db, board_id, key, Action.focus)
        if item_id is not None and not _is_ranked_item(db, board_id, item_id):
            raise NotFocusable()
        db["boards"].update(board_id, {"focus_item": item_id})


def lead_to(db: Database, board_id: str, key: str | None, target: str | None) -> None:
    """Bring everyone to one place of the board (canvas.session.parts.places),
    or let everyone look around (None). Bringing them to the same place again
    counts too: it scrolls back whoever wandered off."""
    with changing_board(db, board_id):
        _require(db, board_id, key, Action.lead)
        board = get_board(db, board_id)
        if target is not None and target not in {place["key"] for place in places(board.template_model)}:
            raise NotAPlace()
        db["boards"].update(board_id, {"lead_target": target, "lead_count": board.lead_count + 1})


def choose_summary_editors(db: Database, board_id: str, key: str | None,
                           editor_ids: list[str] | None) -> None:
    """Let everyone on the board edit the summary (None), or only the
    facilitator and these participants of the board; an id that is not one
    of them raises ParticipantNotFound and changes nothing."""
    with changing_board(db, board_id):
        _require(db, board_id, key, Action.choose_summary_editors)
        chosen = None
        if editor_ids is not None:
            known = {row[0] for row in db.execute(
                "SELECT id FROM participants WHERE board_id = ?", [board_id]).fetchall()}
            if not set(editor_ids) <= known:
                raise ParticipantNotFound()
            chosen = json.dumps(sorted(set(editor_ids)))
        db["boards"].update(board_id, {"summary_editors": chosen})


def _is_ranked_item(db: Database, board_id: str, item_id: str) -> bool:
    # What Discuss ranks: clusters, and the notes in no cluster.
    return db.execute(
        "SELECT 1 FROM clusters WHERE id = ? AND board_id = ? AND deleted_at IS NULL "
        "UNION ALL SELECT 1 FROM notes WHERE id = ? AND board_id = ? AND deleted_at IS NULL "
        "AND cluster_id IS NULL",
        [item_id, board_id, item_id, board_id]).fetchone() is not None


def set_show_authors(db: Database, board_id: str, key: str | None, show: bool) -> None:
    with changing_board(db, board_id):
        _require(db, board_id, key, Action.show_authors)
        db["boards"].update(board_id, {"show_authors": int(show)})
