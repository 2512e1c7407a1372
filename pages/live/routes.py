"""The live board's HTTP routes, served beside Streamlit by st.App.

Everything under /api/boards/<id>/:
- POST tickets: a participant's token (and facilitator key) -> two short-lived
  tickets, one that opens the stream and one that carries actions;
- GET stream?ticket=S (a stream ticket): server-sent events, the board as this
  viewer may see it, pushed whenever its revision moves (Last-Event-ID catches
  a reconnect up);
- POST actions (an action ticket in the body): every change a person makes on
  the canvas, through the same storage functions as the pages (storage
  re-checks phase, role and ownership).

Refusals are JSON `{"ok": false, "message"}` with a status (403 ticket, 404
board, 409 refused by a rule, 422 invalid input); never a traceback.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import signal
import threading
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import asynccontextmanager, contextmanager
from typing import Any

import anyio
from pydantic import BaseModel, TypeAdapter, ValidationError
from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse
from starlette.routing import Route

from canvas.actions import ActionDraft, Status, draft_for_item
from canvas.learnings import FactorCategory
from canvas.errors import (
    BoardNotFound, CanvasError, MalformedAction, ParticipantNotFound, StorageProblem, TextRefused,
    describe_validation_error,
)
from canvas.session.grouping import VotableItem
from canvas.session.live_view import ViewBuilder
from canvas.models import NoteColour, NoteDraft
from canvas.session.phases import Credentials, Phase
from canvas.session.tickets import BadTicket, TicketClaims, TicketScope, check_ticket, issue_ticket
from canvas.session.visibility import Viewer
from canvas.settings import Settings
from canvas.session.voting import VoteRules
from storage import actions, boards, clusters, facilitation, learnings, notes, participants, votes
from storage.changes import ChangeFeed, open_change_feed
from storage.db import Database, connect, database_target, is_postgres
from storage.errors import named_error
from storage.live import LiveBoard, load_live_board, mark_all_seen, present_names
from storage.migrations import migrate
from storage.secrets import ticket_signing_key

log = logging.getLogger(__name__)


PING_SECONDS = 15.0
PRESENCE_TTL_SECONDS = 5.0
RECONNECT_MS = 2000

# --- per process state ------------------------------------------------------

_feed: ChangeFeed | None = None
_closing = False
_local = threading.local()


@contextmanager
def _db() -> Iterator[Database]:
    """A connection for this worker thread's call.

    On SQLite each of anyio's worker threads (they are reused) keeps its own
    open file; on PostgreSQL the call borrows one from the process's pool and
    gives it back, so idle threads hold no server connections."""
    target = database_target()
    if is_postgres(target):
        with connect(target) as db:
            yield db
        return
    cached = getattr(_local, "db", None)
    if cached is None or getattr(_local, "target", None) != target:
        _local.db, _local.target = connect(target), target
    yield _local.db


def _key() -> str:
    # The key never changes once made; every process on the database reads the same one.
    target = database_target()
    if _signing.get(target) is None:
        with _db() as db:
            _signing[target] = ticket_signing_key(db)
    return _signing[target]


_signing: dict[str, str] = {}


class _Loaded:
    """A board as read at one revision, and the views built from it."""

    def __init__(self, live: LiveBoard):
        self.live = live
        self.revision = live.snapshot.board.revision
        self.views = ViewBuilder(live.snapshot)

    def view(self, viewer: Viewer, present: list[str]) -> dict:
        return self.views.view(viewer, my_votes=self._my_votes(viewer), present=present)

    def view_json(self, viewer: Viewer, present: list[str]) -> str:
        return self.views.view_json(viewer, my_votes=self._my_votes(viewer), present=present)

    def _my_votes(self, viewer: Viewer) -> dict[str, int]:
        return self.live.votes_by_person.get(viewer.participant_id or "", {})


class _Boards:
    """The board read once per (board, revision) in this process, shared by every stream."""

    def __init__(self) -> None:
        self._latest: dict[str, _Loaded] = {}
        self._loading: dict[str, asyncio.Future] = {}

    async def get(self, board_id: str, revision: int) -> _Loaded | None:
        """The board at `revision` or later; None when it is gone."""
        cached = self._latest.get(board_id)
        if cached is not None and cached.revision >= revision:
            return cached
        while board_id in self._loading:
            loaded = await asyncio.shield(self._loading[board_id])
            if loaded is None or loaded.revision >= revision:
                return loaded
        future = asyncio.get_running_loop().create_future()
        self._loading[board_id] = future
        try:
            loaded = await anyio.to_thread.run_sync(_load, board_id)
        except BaseException as error:
            future.set_exception(error)
            future.exception()  # retrieved: waiters re-raise it themselves
            raise
        finally:
            self._loading.pop(board_id, None)
        if loaded is None:
            self._latest.pop(board_id, None)
        else:
            self._latest[board_id] = loaded
        future.set_result(loaded)
        return loaded


def _load(board_id: str) -> _Loaded | None:
    try:
        with _db() as db:
            return _Loaded(load_live_board(db, board_id))
    except BoardNotFound:
        return None


_boards = _Boards()


class _Presence:
    """Who has a stream open in this process, recorded in the database every
    ping without bumping any revision; names read back at most every few seconds."""

    def __init__(self) -> None:
        self.open: Counter[tuple[str, str]] = Counter()
        self._names: dict[str, tuple[float, list[str]]] = {}
        self._reading: dict[str, asyncio.Future] = {}

    async def names(self, board_id: str) -> list[str]:
        cached = self._names.get(board_id)
        if cached is not None and time.monotonic() - cached[0] < PRESENCE_TTL_SECONDS:
            return cached[1]
        if board_id in self._reading:
            return await asyncio.shield(self._reading[board_id])
        reading = self._reading[board_id] = asyncio.get_running_loop().create_future()
        try:
            names = await anyio.to_thread.run_sync(_present_names, board_id)
        except BaseException as error:
            reading.set_exception(error)
            reading.exception()
            raise
        finally:
            self._reading.pop(board_id, None)
        self._names[board_id] = (time.monotonic(), names)
        reading.set_result(names)
        return names

    async def record(self, participant_ids: list[str]) -> None:
        await anyio.to_thread.run_sync(_mark_all_seen, participant_ids)


def _present_names(board_id: str) -> list[str]:
    with _db() as db:
        return present_names(db, board_id)


def _mark_all_seen(participant_ids: list[str]) -> None:
    with _db() as db:
        mark_all_seen(db, participant_ids)


_presence = _Presence()


async def _keep_presence() -> None:
    while True:
        await asyncio.sleep(PING_SECONDS)
        people = sorted({pid for (_, pid), count in _presence.open.items() if count > 0})
        try:
            await _presence.record(people)
        except Exception:  # a locked file for 10 s: try again next time
            log.warning("could not record presence", exc_info=True)


@asynccontextmanager
async def lifespan(app):
    """Start this process's change watcher and presence keeper; stop them at exit."""
    global _feed, _closing
    target = database_target()
    try:
        await anyio.to_thread.run_sync(migrate, target)
    except Exception as error:  # noqa: BLE001 - the pages say what is wrong, in a sentence
        # A database the server cannot use (unreadable, newer, on a full disk)
        # must not stop the server from starting: every page then tells the
        # person what happened, which a refused start never could.
        problem = error if isinstance(error, CanvasError) else named_error(error, target)
        if problem is None:
            raise
        log.error("database not ready at start-up: %s", getattr(problem, "shell", problem))
    _closing = False
    _feed = open_change_feed(target)
    _feed.start()
    presence_task = asyncio.create_task(_keep_presence())
    _release_streams_on_exit(asyncio.get_running_loop())
    try:
        yield
    finally:
        presence_task.cancel()
        _feed.stop()


def _release_streams_on_exit(loop: asyncio.AbstractEventLoop) -> None:
    # The server waits for open responses before it shuts down, and an event
    # stream never ends by itself: end them when the stop signal arrives.
    if threading.current_thread() is not threading.main_thread():
        return
    for sig in (signal.SIGINT, signal.SIGTERM):
        previous = signal.getsignal(sig)

        def handler(signum, frame, previous=previous):
            loop.call_soon_threadsafe(_close_streams)
            if callable(previous):
                previous(signum, frame)

        signal.signal(sig, handler)


def _close_streams() -> None:
    global _closing
    _closing = True
    if _feed is not None:
        _feed.stop()


# --- helpers for the board page ---------------------------------------------


def tickets_for(db: Database, board_id: str, participant_id: str, is_facilitator: bool) -> dict:
    """Fresh tickets for the canvas, from the board page or a renewal: one for
    the stream's URL, one for the actions' bodies, and how long they last."""
    key, now, seconds = ticket_signing_key(db), time.time(), _ticket_seconds()
    issued = {scope: issue_ticket(key, board_id, participant_id, is_facilitator=is_facilitator,
                                  scope=scope, now=now, ttl=seconds) for scope in TicketScope}
    return {"stream_ticket": issued[TicketScope.stream], "action_ticket": issued[TicketScope.act],
            "ticket_seconds": seconds, "is_facilitator": is_facilitator}


_refused_settings: set[str] = set()


def _ticket_seconds() -> int:
    settings = Settings.from_env(os.environ)
    for sentence in settings.refused:
        if sentence not in _refused_settings:  # said once per process, not per ticket
            _refused_settings.add(sentence)
            log.warning("%s", sentence)
    return settings.ticket_seconds


def view_for(db: Database, board_id: str, participant_id: str, is_facilitator: bool) -> dict:
    """The view JSON a viewer gets, for the board page's first draw."""
    loaded = _Loaded(load_live_board(db, board_id))
    return loaded.view(Viewer(participant_id=participant_id, is_facilitator=is_facilitator),
                       present_names(db, board_id))


# --- responses -----------------------------------------------------------------


def _refusal(status: int, message: str) -> JSONResponse:
    return JSONResponse({"ok": False, "message": message}, status_code=status)


def _status_of(error: CanvasError) -> int:
    if isinstance(error, (BadTicket, ParticipantNotFound)):
        return 403
    if isinstance(error, BoardNotFound):
        return 404
    if isinstance(error, (MalformedAction, TextRefused)):
        return 422
    if isinstance(error, StorageProblem):
        return 503
    return 409


def _first_message(error: ValidationError) -> str:
    return describe_validation_error(error, limit=1, places=False)


async def _claims(board_id: str, ticket: Any, scope: TicketScope) -> TicketClaims:
    key = await anyio.to_thread.run_sync(_key)
    return check_ticket(key, ticket if isinstance(ticket, str) else None, board_id, scope=scope,
                        now=time.time())


def _guarded(handler):
    async def route(request: Request):
        try:
            return await handler(request)
        except CanvasError as error:
            return _refusal(_status_of(error), str(error))
        except ValidationError as error:
            return _refusal(422, _first_message(error))
        except Exception as error:
            named = named_error(error, database_target())
            if named is not None:
                return _refusal(503, str(named))
            log.exception("live board route failed")
            return _refusal(500, "Something went wrong on the server, so this may not have been saved. "
                                 "Reload the page to check.")

    return route


async def _json_body(request: Request) -> dict:
    try:
        body = await request.json()
    except ValueError:
        body = None
    if not isinstance(body, dict):
        raise MalformedAction("Send a JSON object.")
    return body


# --- routes ----------------------------------------------------------------------


async def tickets(request: Request):
    board_id = request.path_params["board_id"]
    body = await _json_body(request)

    def issue() -> dict:
        # A renewal proves the role again from the browser's own secrets,
        # checked against the board as it is now: a revoked facilitator key
        # gets a participant's tickets, an unknown token none.
        with _db() as db:
            boards.get_board(db, board_id)
            token = body.get("token")
            me = participants.participant_by_token(db, board_id, token if isinstance(token, str) else None)
            key = body.get("facilitator_key")
            is_facilitator = facilitation.is_facilitator(db, board_id, key if isinstance(key, str) else None)
            return tickets_for(db, board_id, me.id, is_facilitator)

    return JSONResponse({"ok": True, **await anyio.to_thread.run_sync(issue)})


async def stream(request: Request):
    board_id = request.path_params["board_id"]
    claims = await _claims(board_id, request.query_params.get("ticket"), TicketScope.stream)
    viewer = Viewer(participant_id=claims.participant_id, is_facilitator=claims.is_facilitator)
    last_event_id = request.headers.get("last-event-id", "")
    sent = int(last_event_id) if last_event_id.isdigit() else None
    return StreamingResponse(
        _events(board_id, viewer, sent),
        media_type="text/event-stream",
        headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
    )


async def _events(board_id: str, viewer: Viewer, sent: int | None):
    seat = (board_id, viewer.participant_id or "")
    _presence.open[seat] += 1
    try:
        await _presence.record([viewer.participant_id])
        present = await _presence.names(board_id)
        yield f"retry: {RECONNECT_MS}\n\n"
        while not _closing:
            revision = await _feed.wait(board_id, sent, PING_SECONDS)
            if _closing:
                return
            live = None if revision is None else await _boards.get(board_id, revision)
            if live is None:
                yield "event: gone\ndata: {}\n\n"
                return
            if live.revision != sent:
                present = await _presence.names(board_id)
                data = live.view_json(viewer, present)
                sent = live.revision
                yield f"id: {sent}\nevent: view\ndata: {data}\n\n"
                # An idle stream should not hold on to the last view it sent.
                del data
                continue
            yield ": ping\n\n"
            now_present = await _presence.names(board_id)
            if now_present != present:
                present = now_present
                yield f"event: presence\ndata: {json.dumps({'present': present})}\n\n"
    except Exception as error:
        # The response has started: end the stream (the browser reconnects and
        # catches up by revision) and keep the details in the server's log.
        if named_error(error, database_target()) is None:
            log.exception("live board stream failed")
        else:
            log.warning("live board stream ended: %s", named_error(error, database_target()))
    finally:
        _presence.open[seat] -= 1
        if _presence.open[seat] <= 0:
            del _presence.open[seat]


async def post_action(request: Request):
    board_id = request.path_params["board_id"]
    body = await _json_body(request)
    claims = await _claims(board_id, body.get("ticket"), TicketScope.act)
    kind = body.get("type")
    if kind not in _ACTIONS:
        raise MalformedAction("That is not something the board can do.")

    def run() -> tuple[int, bool]:
        with _db() as db:
            credentials = Credentials(participant_id=claims.participant_id,
                                      facilitator_key=_text(body.get("facilitator_key")) or None)
            done = _ACTIONS[kind](db, board_id, credentials, body)
            return boards.board_revision(db, board_id), done is not False

    try:
        revision, done = await anyio.to_thread.run_sync(run)
    except (TypeError, ValueError) as error:
        if isinstance(error, (ValidationError, CanvasError)):
            raise
        raise MalformedAction("Some of the action's fields are missing or malformed.") from None
    if _feed is not None:
        _feed.nudge()
    if revision is None:
        raise BoardNotFound(board_id)
    live = await _boards.get(board_id, revision)
    if live is None:
        raise BoardNotFound(board_id)
    viewer = Viewer(participant_id=claims.participant_id, is_facilitator=claims.is_facilitator)
    view = live.view_json(viewer, await _presence.names(board_id))
    return Response(f'{{"ok":true,"done":{json.dumps(done)},"view":{view}}}', media_type="application/json")


# --- actions: each calls the storage function the pages call ---------------------


def _text(value: Any) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        raise MalformedAction("A text field holds something other than text.")
    return value


def _required(body: dict, name: str) -> str:
    value = body.get(name)
    if not isinstance(value, str) or not value:
        raise MalformedAction(f"The action needs “{name}”.")
    return value


def _number(body: dict, name: str) -> int:
    value = body.get(name)
    if isinstance(value, bool) or not isinstance(value, int):
        raise MalformedAction(f"The action needs “{name}” as a whole number.")
    return value


def _note_draft(body: dict) -> NoteDraft:
    return NoteDraft(text=_text(body.get("text")), colour=body.get("colour") or NoteColour.yellow)


def _add_note(db, board_id, credentials, body):
    step_key = _required(body, "step_key")
    step = boards.get_board(db, board_id).template_model.step(step_key)
    if step is None or not step.holds_notes:
        raise clusters.NotANoteStep()
    notes.add_note(db, board_id, step_key, _note_draft(body), credentials)


def _edit_note(db, board_id, credentials, body):
    notes.edit_note(db, board_id, _required(body, "note_id"), _note_draft(body),
                    _number(body, "version"), credentials)


def _delete_note(db, board_id, credentials, body):
    notes.delete_note(db, board_id, _required(body, "note_id"), credentials)


def _restore_note(db, board_id, credentials, body):
    notes.restore_note(db, board_id, _required(body, "note_id"), credentials)


def _move_note(db, board_id, credentials, body):
    clusters.move_note(db, board_id, _required(body, "note_id"),
                       step_key=_required(body, "step_key"),
                       cluster_id=_text(body.get("cluster_id")) or None,
                       onto_note_id=_text(body.get("onto_note_id")) or None,
                       seen_revision=_number(body, "revision"),
                       credentials=credentials)


def _rename_cluster(db, board_id, credentials, body):
    clusters.rename_cluster(db, board_id, _required(body, "cluster_id"), _text(body.get("name")), credentials)


def _dissolve_cluster(db, board_id, credentials, body):
    clusters.dissolve_cluster(db, board_id, _required(body, "cluster_id"), credentials)


def _merge_clusters(db, board_id, credentials, body):
    clusters.merge_clusters(db, board_id, _required(body, "cluster_id"), _required(body, "into_id"),
                            credentials)


def _vote(db, board_id, credentials, body):
    return votes.cast_vote(db, board_id, credentials, _required(body, "item_id"),
                           _number(body, "seen"))


def _unvote(db, board_id, credentials, body):
    return votes.retract_vote(db, board_id, credentials, _required(body, "item_id"),
                              _number(body, "seen"))


def _set_phase(db, board_id, credentials, body):
    facilitation.set_phase(db, board_id, credentials.facilitator_key, Phase(_required(body, "phase")),
                           _text(body.get("close_reason")))


def _reveal_votes(db, board_id, credentials, body):
    facilitation.reveal_votes(db, board_id, credentials.facilitator_key, bool(body.get("revealed", True)))


def _start_timer(db, board_id, credentials, body):
    facilitation.start_timer(db, board_id, credentials.facilitator_key, _number(body, "seconds"))


def _stop_timer(db, board_id, credentials, body):
    facilitation.stop_timer(db, board_id, credentials.facilitator_key)


def _focus(db, board_id, credentials, body):
    facilitation.set_focus(db, board_id, credentials.facilitator_key, _text(body.get("item_id")) or None)


def _show_authors(db, board_id, credentials, body):
    facilitation.set_show_authors(db, board_id, credentials.facilitator_key, bool(body.get("show")))


def _set_vote_rules(db, board_id, credentials, body):
    rules = VoteRules(budget=_number(body, "budget"), max_per_item=_number(body, "max_per_item"))
    facilitation.set_vote_rules(db, board_id, credentials.facilitator_key, rules)


class _MadeAction(BaseModel):
    title: str
    owner: str = ""
    due: str | None = None
    success_signal: str = ""


def _make_action(db, board_id, credentials, body):
    item_id = _required(body, "item_id")
    fields = _MadeAction.model_validate({k: body.get(k) for k in ("title", "owner", "due", "success_signal")
                                         if body.get(k) is not None})
    board = boards.get_board(db, board_id)
    cluster = next((c for c in clusters.list_clusters(db, board_id) if c.id == item_id), None)
    if cluster is not None:
        item = VotableItem(id=cluster.id, kind="cluster", step_key=cluster.step_key, title=cluster.name,
                           note_texts=[])
    else:
        note = notes.get_note(db, board_id, item_id)
        if note.is_deleted:
            raise votes.NotVotable()
        item = VotableItem(id=note.id, kind="note", step_key=note.step_key, title=note.text,
                           note_texts=[note.text])
    draft = draft_for_item(item, board.template_model)
    draft = ActionDraft.model_validate({
        **draft.model_dump(), "title": fields.title, "owner": fields.owner,
        "due_date": fields.due or None, "success_signal": fields.success_signal,
    })
    actions.add_action_from_item(db, board_id, draft, credentials)


_CATEGORY = TypeAdapter(FactorCategory | None)


def _set_category(db, board_id, credentials, body):
    learnings.set_category(db, board_id, _required(body, "item_id"),
                           _CATEGORY.validate_python(body.get("category") or None), credentials)


def _set_action_status(db, board_id, credentials, body):
    actions.set_action_status(db, board_id, _required(body, "action_id"), Status(_required(body, "status")),
                              _text(body.get("reason")))


_ACTIONS = {
    "add_note": _add_note, "edit_note": _edit_note, "delete_note": _delete_note,
    "restore_note": _restore_note, "move_note": _move_note,
    "rename_cluster": _rename_cluster, "dissolve_cluster": _dissolve_cluster,
    "merge_clusters": _merge_clusters, "vote": _vote, "unvote": _unvote,
    "set_phase": _set_phase, "reveal_votes": _reveal_votes, "start_timer": _start_timer,
    "stop_timer": _stop_timer, "focus": _focus, "show_authors": _show_authors,
    "set_vote_rules": _set_vote_rules, "make_action": _make_action,
    "set_action_status": _set_action_status, "set_category": _set_category,
}


ROUTES = [
    Route("/api/boards/{board_id}/tickets", _guarded(tickets), methods=["POST"]),
    Route("/api/boards/{board_id}/stream", _guarded(stream), methods=["GET"]),
    Route("/api/boards/{board_id}/actions", _guarded(post_action), methods=["POST"]),
]
