"""The dissemination plan: who hears of the review, where, when and through
whom; the follow-up review date; and the recurring Impact & Learnings review
the board proposes. Saved together, as the form that edits them shows them."""

from __future__ import annotations

from canvas.models import DisseminationEntry, DisseminationPlan
from canvas.ids import new_row_id
from canvas.session.phases import ANYONE, Action, Credentials, authorize
from storage.boards import board_phase, changing_board
from storage.db import Database
from storage.identity import resolve_actor


def list_dissemination(db: Database, board_id: str) -> list[DisseminationEntry]:
    """The plan's lines in the order they were saved."""
    rows = db.query('SELECT * FROM "dissemination" WHERE board_id = ? ORDER BY position, id',
                    [board_id])
    return [DisseminationEntry.model_validate({**row, "owner": row["owner"] or ""})
            for row in rows]


def save_dissemination_plan(db: Database, board_id: str, plan: DisseminationPlan,
                            credentials: Credentials | None = None) -> list[DisseminationEntry]:
    """Replace the board's plan, its follow-up review date and its recurring
    review in one transaction. Refused with PhaseForbids or NotTheFacilitator
    as editing actions is; `credentials` None is the operator (an import,
    the command line)."""
    with changing_board(db, board_id):
        actor = ANYONE if credentials is None else resolve_actor(db, board_id, credentials)
        # The plan is follow-through, like an action's dates: it is settled
        # after the meeting as much as in it.
        authorize(Action.update_action_status, board_phase(db, board_id), actor)
        db["boards"].update(board_id, {
            "follow_up_date": _day(plan.follow_up_date),
            "impact_review": plan.impact_review.value if plan.impact_review else None,
            "impact_review_start": _day(plan.impact_review_start),
        })
        db.execute('DELETE FROM "dissemination" WHERE board_id = ?', [board_id])
        for position, entry in enumerate(plan.entries):
            db["dissemination"].insert({
                "id": new_row_id(), "board_id": board_id, "position": position,
                "audience": entry.audience, "channel": entry.channel,
                "day": _day(entry.day), "owner": entry.owner,
            })
        return list_dissemination(db, board_id)


def _day(value) -> str | None:
    return None if value is None else value.isoformat()
