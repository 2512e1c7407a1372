"""POST /api/boards/<id>/actions (an action ticket in the body): every change
a person makes on the canvas. The body is one of the typed intents of
canvas.session.intents, carried out by the storage function the pages call
(storage re-checks phase, role and ownership), listed in one table."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import anyio
from pydantic import ValidationError
from starlette.requests import Request
from starlette.responses import Response

from canvas.errors import BoardNotFound, MalformedAction, NotANoteStep
from canvas.models import NoteDraft
from canvas.session.intents import (
    INTENTS, AddNote, DeleteNote, DissolveCluster, EditNote, Focus, Intent, Lead, MakeAction, MergeClusters,
    MoveNote, RenameCluster, RestoreNote, RevealVotes, SetActionStatus, SetCategory, SetPhase,
    SetVoteRules, ShowAuthors, StartTimer, StopTimer, Unvote, Vote, describe_intent_error,
)
from canvas.session.phases import Credentials
from canvas.session.tickets import TicketScope
from canvas.session.visibility import Viewer
from canvas.session.voting import VoteRules
from storage import actions, boards, clusters, facilitation, learnings, notes, votes
from storage.db import Database
from web import board_cache, process
from web.parts import HANDLERS as PART_HANDLERS
from web.edge import claims, json_body

# A key is 43 characters (canvas.ids.new_secret).
FACILITATOR_KEY_MAX_CHARS = 256


async def post_action(request: Request):
    board_id = request.path_params["board_id"]
    body = await json_body(request)
    said = await claims(request, board_id, body.get("ticket"), TicketScope.act)
    intent = _intent(body)
    handler = HANDLERS[type(intent)]
    facilitator_key = _facilitator_key(body)

    def run() -> tuple[int | None, Any]:
        with process.database() as db:
            credentials = Credentials(participant_id=said.participant_id, facilitator_key=facilitator_key)
            result = handler(db, board_id, credentials, intent)
            return boards.board_revision(db, board_id), result

    revision, result = await anyio.to_thread.run_sync(run)
    # A handler that only reads (a preview, a dragged note's alike notes)
    # answers with what it read alone: it changed nothing, so there is no new
    # view to draw and no stream to wake. On a 300-note board the view is
    # about 250 KB, and the alike notes are asked at every drag's start.
    if isinstance(result, dict) and result.get("preview") is not None:
        if revision is None:
            raise BoardNotFound(board_id)
        return Response(f'{{"ok":true,"done":false,"preview":'
                        f'{json.dumps(result["preview"], ensure_ascii=False)}}}',
                        media_type="application/json")
    done = result is not False
    try:
        if revision is None:
            raise BoardNotFound(board_id)
        live = await board_cache.boards.get(board_id, revision)
        if live is None:
            raise BoardNotFound(board_id)
        viewer = Viewer(participant_id=said.participant_id, is_facilitator=said.is_facilitator)
        view = live.view_json(viewer, await board_cache.presence.names(board_id))
    finally:
        # The author's answer first, then everyone else's streams: they find
        # the board already read, and the author does not wait behind them.
        process.nudge_feed()
    return Response(f'{{"ok":true,"done":{json.dumps(done)},"view":{view}}}',
                    media_type="application/json")


def _intent(body: dict) -> Intent:
    # The ticket and the facilitator key travel beside the intent's fields,
    # which the models ignore.
    try:
        return INTENTS.validate_python(body)
    except ValidationError as error:
        raise MalformedAction(describe_intent_error(error)) from None


def _facilitator_key(body: dict) -> str | None:
    key = body.get("facilitator_key")
    if key is None:
        return None
    if not isinstance(key, str) or len(key) > FACILITATOR_KEY_MAX_CHARS:
        raise MalformedAction("The facilitator key sent with the action is not a key.")
    return key or None


# --- intents: each calls the storage function the pages call ---------------------
# Storage checks again, inside the write's transaction, the phase, the role,
# the owner, and that every id names something of this board.


def _note_draft(intent: AddNote | EditNote) -> NoteDraft:
    return NoteDraft(text=intent.text, colour=intent.colour)


def _add_note(db, board_id, credentials, intent: AddNote):
    # Checked before storage's phase check, so a note aimed at a step without
    # notes hears why, whatever the phase.
    if not boards.get_board(db, board_id).template_model.holds_notes(intent.step_key):
        raise NotANoteStep()
    notes.add_note(db, board_id, intent.step_key, _note_draft(intent), credentials)


def _edit_note(db, board_id, credentials, intent: EditNote):
    notes.edit_note(db, board_id, intent.note_id, _note_draft(intent), intent.version, credentials)


def _delete_note(db, board_id, credentials, intent: DeleteNote):
    notes.delete_note(db, board_id, intent.note_id, credentials)


def _restore_note(db, board_id, credentials, intent: RestoreNote):
    notes.restore_note(db, board_id, intent.note_id, credentials)


def _move_note(db, board_id, credentials, intent: MoveNote):
    clusters.move_note(db, board_id, intent.note_id, step_key=intent.step_key,
                       cluster_id=intent.cluster_id, onto_note_id=intent.onto_note_id,
                       seen_revision=intent.revision, credentials=credentials)


def _rename_cluster(db, board_id, credentials, intent: RenameCluster):
    clusters.rename_cluster(db, board_id, intent.cluster_id, intent.name, credentials)


def _dissolve_cluster(db, board_id, credentials, intent: DissolveCluster):
    clusters.dissolve_cluster(db, board_id, intent.cluster_id, credentials)


def _merge_clusters(db, board_id, credentials, intent: MergeClusters):
    clusters.merge_clusters(db, board_id, intent.cluster_id, intent.into_id, credentials)


def _vote(db, board_id, credentials, intent: Vote):
    return votes.cast_vote(db, board_id, credentials, intent.item_id, intent.seen)


def _unvote(db, board_id, credentials, intent: Unvote):
    return votes.retract_vote(db, board_id, credentials, intent.item_id, intent.seen)


def _set_phase(db, board_id, credentials, intent: SetPhase):
    facilitation.set_phase(db, board_id, credentials.facilitator_key, intent.phase, intent.close_reason)


def _reveal_votes(db, board_id, credentials, intent: RevealVotes):
    facilitation.reveal_votes(db, board_id, credentials.facilitator_key, intent.revealed)


def _start_timer(db, board_id, credentials, intent: StartTimer):
    facilitation.start_timer(db, board_id, credentials.facilitator_key, intent.seconds)


def _stop_timer(db, board_id, credentials, intent: StopTimer):
    facilitation.stop_timer(db, board_id, credentials.facilitator_key)


def _focus(db, board_id, credentials, intent: Focus):
    facilitation.set_focus(db, board_id, credentials.facilitator_key, intent.item_id)


def _lead(db, board_id, credentials, intent: Lead):
    facilitation.lead_to(db, board_id, credentials.facilitator_key, intent.target)


def _show_authors(db, board_id, credentials, intent: ShowAuthors):
    facilitation.set_show_authors(db, board_id, credentials.facilitator_key, intent.show)


def _set_vote_rules(db, board_id, credentials, intent: SetVoteRules):
    rules = VoteRules(budget=intent.budget, max_per_item=intent.max_per_item)
    facilitation.set_vote_rules(db, board_id, credentials.facilitator_key, rules)


def _make_action(db, board_id, credentials, intent: MakeAction):
    actions.add_action_for_item(db, board_id, intent.item_id, {
        "title": intent.title, "owner": intent.owner or "", "due_date": intent.due or None,
        "success_signal": intent.success_signal,
    }, credentials)


def _set_category(db, board_id, credentials, intent: SetCategory):
    learnings.set_category(db, board_id, intent.item_id, intent.category, credentials)


def _set_action_status(db, board_id, credentials, intent: SetActionStatus):
    actions.set_action_status(db, board_id, intent.action_id, intent.status, intent.reason)


# Intent -> what carries it out. A handler returns False when it changed
# nothing on purpose (a vote replayed from a stale page), {"preview": ...}
# when it only read (a pasted timeline before it is confirmed), else None.
HANDLERS: dict[type, Callable[[Database, str, Credentials, Any], bool | dict | None]] = {
    AddNote: _add_note, EditNote: _edit_note, DeleteNote: _delete_note,
    RestoreNote: _restore_note, MoveNote: _move_note,
    RenameCluster: _rename_cluster, DissolveCluster: _dissolve_cluster,
    MergeClusters: _merge_clusters, Vote: _vote, Unvote: _unvote,
    SetPhase: _set_phase, RevealVotes: _reveal_votes, StartTimer: _start_timer,
    StopTimer: _stop_timer, Focus: _focus, Lead: _lead, ShowAuthors: _show_authors,
    SetVoteRules: _set_vote_rules, MakeAction: _make_action,
    SetActionStatus: _set_action_status, SetCategory: _set_category,
    **PART_HANDLERS,
}
