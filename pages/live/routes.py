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
board, 409 refused by a rule, 413 a body over 64 KiB, 422 invalid input, 503
a database this server cannot use now: unreachable, full, or made by a newer
version); never a traceback. An action's body is one of the typed intents of
canvas.session.intents; a bug is a 500 with one sentence, logged once.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import re
import signal
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import asynccontextmanager, contextmanager
from typing import Any

import anyio
from pydantic import ValidationError
from starlette.requests import ClientDisconnect, Request
from starlette.responses import JSONResponse, Response, StreamingResponse
from starlette.routing import Route

from canvas.actions import ActionDraft, draft_for_item
from canvas.errors import (
    BoardNotFound, CanvasError, InvalidInput, MalformedAction, NotANoteStep, NotVotable, ParticipantNotFound,
    RequestTooLarge, SchemaTooNew, StorageProblem, TextRefused, UnreadableRequest, describe_validation_error,
)
from canvas.json_text import load_json
from canvas.session.intents import (
    INTENTS, AddNote, DeleteNote, DissolveCluster, EditNote, Focus, Intent, MakeAction, MergeClusters,
    MoveNote, RenameCluster, RestoreNote, RevealVotes, SetActionStatus, SetCategory, SetPhase,
    SetVoteRules, ShowAuthors, StartTimer, StopTimer, Unvote, Vote, describe_intent_error,
)
from canvas.session.grouping import VotableItem
from canvas.session.live_view import ViewBuilder
from canvas.models import NoteDraft
from canvas.session.phases import Credentials
from canvas.session.tickets import BadTicket, TicketClaims, TicketScope, check_ticket, issue_ticket
from canvas.session.visibility import Viewer
from canvas.settings import Settings
from canvas.session.voting import VoteRules
from storage import actions, boards, clusters, facilitation, learnings, notes, participants, votes
from storage.changes import ChangeFeed, open_change_feed
from storage.db import Database, connect, database_target, is_postgres
from storage.errors import named_error
from storage.live import LiveBoard, load_live_board, mark_all_seen, present_names
from storage.migrations import check_schema, is_current, migrate
from storage.secrets import ticket_signing_key

log = logging.getLogger(__name__)


PING_SECONDS = 15.0
PRESENCE_TTL_SECONDS = 5.0
RECONNECT_MS = 2000
# An intent or a ticket request is a few hundred bytes (a note of 1,000
# characters, escaped, stays under 7 KiB): far below the 5 MB of an upload.
BODY_LIMIT_BYTES = 64 * 1024
BODY_MAX_DEPTH = 32
# Revisions are counted from 1; no board reaches 19 digits.
_EVENT_ID = re.compile(r"[0-9]{1,18}")

# --- per process state ------------------------------------------------------

_feed: ChangeFeed | None = None
_closing = False
_local = threading.local()


@contextmanager
def _db() -> Iterator[Database]:
    """A connection for this worker thread's call, to a database this code
    knows (see `_ready`).

    On SQLite each of anyio's worker threads (they are reused) keeps its own
    open file; on PostgreSQL the call borrows one from the process's pool and
    gives it back, so idle threads hold no server connections."""
    target = database_target()
    if is_postgres(target):
        with connect(target) as db:
            _ready(db)
            yield db
        return
    cached = getattr(_local, "db", None)
    if cached is None or getattr(_local, "target", None) != target:
        _local.db, _local.target = connect(target), target
    _ready(_local.db)
    yield _local.db


def _ready(db: Database) -> None:
    """What a page checks when it starts, asked before each use: the database
    holds exactly the migrations this code knows. A newer version may have
    migrated it underneath this running server (a rolling upgrade), so the
    answer is never kept; asking costs one small read (about 20 µs on SQLite,
    0.1-0.2 ms on PostgreSQL). A database made by a newer version raises
    SchemaTooNew before anything reads or writes it; one that is behind (the
    migration at start-up failed on a full disk, or an unreachable server)
    is migrated, as the first page would."""
    if is_current(db):
        return
    check_schema(db)  # a read: refuse a newer database without taking the write lock
    migrate(db.target)


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
    ping without bumping any revision; names read back at most every few seconds.

    Presence is a courtesy, never a condition: when it cannot be written or
    read (a full disk, a long write holding the lock, a read-only file) it
    pauses, and every stream goes on sending views with the names last read.
    The log says once that it paused and once that it works again."""

    def __init__(self) -> None:
        self.open: Counter[tuple[str, str]] = Counter()
        self._names: dict[str, tuple[float, list[str]]] = {}
        self._reading: dict[str, asyncio.Future] = {}
        # "record" and "read", while each fails: a full disk stops the one, not the other.
        self.failing: set[str] = set()

    async def names(self, board_id: str) -> list[str]:
        """Who is here, as last read; a failed read keeps the last answer until
        the next try, PRESENCE_TTL_SECONDS later."""
        cached = self._names.get(board_id)
        if cached is not None and time.monotonic() - cached[0] < PRESENCE_TTL_SECONDS:
            return cached[1]
        if board_id in self._reading:
            return await asyncio.shield(self._reading[board_id])
        reading = self._reading[board_id] = asyncio.get_running_loop().create_future()
        names = cached[1] if cached is not None else []
        try:
            names = await anyio.to_thread.run_sync(_present_names, board_id)
            self._working("read")
        except Exception as error:  # noqa: BLE001 - presence pauses, the stream goes on
            self._failed("read", error)
        finally:
            # Also when this reader is cancelled: the others waiting get an answer.
            self._reading.pop(board_id, None)
            self._names[board_id] = (time.monotonic(), names)
            reading.set_result(names)
        return names

    async def record(self, participant_ids: list[str]) -> None:
        """Mark these people present now; a failure pauses presence and is not raised."""
        try:
            await anyio.to_thread.run_sync(_mark_all_seen, participant_ids)
        except Exception as error:  # noqa: BLE001 - presence pauses, the stream goes on
            self._failed("record", error)
        else:
            self._working("record")

    def _failed(self, job: str, error: Exception) -> None:
        if job in self.failing:
            return
        self.failing.add(job)
        problem = error if isinstance(error, CanvasError) else named_error(error, database_target())
        if problem is None:
            log.warning("presence paused: could not %s who is here", job, exc_info=error)
        else:
            log.warning("presence paused: could not %s who is here: %s", job,
                        getattr(problem, "shell", problem))

    def _working(self, job: str) -> None:
        if job in self.failing:
            self.failing.discard(job)
            log.info("presence resumed: %s who is here works again", job)


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
        await _presence.record(sorted({pid for (_, pid), count in _presence.open.items() if count > 0}))


@asynccontextmanager
async def lifespan(app):
    """Start this process's change watcher and presence keeper; stop them at exit."""
    global _feed, _closing, _presence
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
    _presence = _Presence()  # a server's start begins with no one here and nothing paused
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
    if isinstance(error, RequestTooLarge):
        return 413
    if isinstance(error, (MalformedAction, TextRefused, InvalidInput)):
        return 422
    if isinstance(error, (StorageProblem, SchemaTooNew)):
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
        except ClientDisconnect:
            # Nobody is left to answer, and a hang-up is nothing to investigate.
            log.debug("%s %s: the client hung up before its request arrived",
                      request.method, request.url.path)
            return Response(status_code=400)
        except CanvasError as error:
            return _refusal(_status_of(error), str(error))
        except ValidationError as error:
            return _refusal(422, _first_message(error))
        except Exception as error:
            named = named_error(error, database_target())
            if named is not None:
                return _refusal(503, str(named))
            log.exception("live board route failed")
            return _refusal(500, "Something went wrong on the server, so this may not have been saved; "
                                 "reload the page to check.")

    return route


async def _json_body(request: Request) -> dict:
    """The request's JSON object, read only up to BODY_LIMIT_BYTES and nested
    at most BODY_MAX_DEPTH deep; RequestTooLarge or a MalformedAction otherwise."""
    raw = await _limited_body(request, BODY_LIMIT_BYTES)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise UnreadableRequest("it is not UTF-8 text") from None
    body = load_json(text, UnreadableRequest, max_depth=BODY_MAX_DEPTH)
    if not isinstance(body, dict):
        raise MalformedAction("Send a JSON object.")
    return body


async def _limited_body(request: Request, limit: int) -> bytes:
    # Refused before reading when the request says it is too large, and
    # otherwise read in chunks only up to the limit: a body sent without a
    # length (chunked) cannot grow the server either.
    declared = request.headers.get("content-length", "")
    if declared.isascii() and declared.isdigit() and (len(declared) > 12 or int(declared) > limit):
        raise RequestTooLarge(limit)
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise RequestTooLarge(limit)
        chunks.append(chunk)
    return b"".join(chunks)


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
    # Refused now, with a status, or never: once the response has started
    # only the stream's end can say that something went wrong.
    await anyio.to_thread.run_sync(_check_database)
    return StreamingResponse(
        _events(board_id, viewer, _last_event_id(request)),
        media_type="text/event-stream",
        headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
    )


def _check_database() -> None:
    with _db():
        pass


def _last_event_id(request: Request) -> int | None:
    """The revision a reconnecting browser drew last; any other header
    (not digits, or longer than any revision) counts as none: a full view."""
    value = request.headers.get("last-event-id", "")
    return int(value) if _EVENT_ID.fullmatch(value) else None


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
        # catches up by revision, or hears the refusal) and keep the details
        # in the server's log.
        problem = error if isinstance(error, CanvasError) else named_error(error, database_target())
        if problem is None:
            log.exception("live board stream failed")
        else:
            log.warning("live board stream ended: %s", problem)
    finally:
        _presence.open[seat] -= 1
        if _presence.open[seat] <= 0:
            del _presence.open[seat]


async def post_action(request: Request):
    board_id = request.path_params["board_id"]
    body = await _json_body(request)
    claims = await _claims(board_id, body.get("ticket"), TicketScope.act)
    intent = _intent(body)
    handler = HANDLERS[type(intent)]
    facilitator_key = _facilitator_key(body)

    def run() -> tuple[int | None, bool]:
        with _db() as db:
            credentials = Credentials(participant_id=claims.participant_id, facilitator_key=facilitator_key)
            done = handler(db, board_id, credentials, intent)
            return boards.board_revision(db, board_id), done is not False

    revision, done = await anyio.to_thread.run_sync(run)
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


def _intent(body: dict) -> Intent:
    # The ticket and the facilitator key travel beside the intent's fields,
    # which the models ignore.
    try:
        return INTENTS.validate_python(body)
    except ValidationError as error:
        raise MalformedAction(describe_intent_error(error)) from None


# A key is 43 characters (canvas.ids.new_secret).
FACILITATOR_KEY_MAX_CHARS = 256


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
    step = boards.get_board(db, board_id).template_model.step(intent.step_key)
    if step is None or not step.holds_notes:
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


def _show_authors(db, board_id, credentials, intent: ShowAuthors):
    facilitation.set_show_authors(db, board_id, credentials.facilitator_key, intent.show)


def _set_vote_rules(db, board_id, credentials, intent: SetVoteRules):
    rules = VoteRules(budget=intent.budget, max_per_item=intent.max_per_item)
    facilitation.set_vote_rules(db, board_id, credentials.facilitator_key, rules)


def _make_action(db, board_id, credentials, intent: MakeAction):
    board = boards.get_board(db, board_id)
    cluster = next((c for c in clusters.list_clusters(db, board_id) if c.id == intent.item_id), None)
    if cluster is not None:
        item = VotableItem(id=cluster.id, kind="cluster", step_key=cluster.step_key, title=cluster.name,
                           note_texts=[])
    else:
        note = notes.get_note(db, board_id, intent.item_id)
        if note.is_deleted:
            raise NotVotable()
        item = VotableItem(id=note.id, kind="note", step_key=note.step_key, title=note.text,
                           note_texts=[note.text])
    draft = draft_for_item(item, board.template_model)
    draft = ActionDraft.model_validate({
        **draft.model_dump(), "title": intent.title, "owner": intent.owner or "",
        "due_date": intent.due or None, "success_signal": intent.success_signal,
    })
    actions.add_action_from_item(db, board_id, draft, credentials)


def _set_category(db, board_id, credentials, intent: SetCategory):
    learnings.set_category(db, board_id, intent.item_id, intent.category, credentials)


def _set_action_status(db, board_id, credentials, intent: SetActionStatus):
    actions.set_action_status(db, board_id, intent.action_id, intent.status, intent.reason)


# Intent -> what carries it out. A handler returns False when it changed
# nothing on purpose (a vote replayed from a stale page), else None.
HANDLERS: dict[type, Callable[[Database, str, Credentials, Any], bool | None]] = {
    AddNote: _add_note, EditNote: _edit_note, DeleteNote: _delete_note,
    RestoreNote: _restore_note, MoveNote: _move_note,
    RenameCluster: _rename_cluster, DissolveCluster: _dissolve_cluster,
    MergeClusters: _merge_clusters, Vote: _vote, Unvote: _unvote,
    SetPhase: _set_phase, RevealVotes: _reveal_votes, StartTimer: _start_timer,
    StopTimer: _stop_timer, Focus: _focus, ShowAuthors: _show_authors,
    SetVoteRules: _set_vote_rules, MakeAction: _make_action,
    SetActionStatus: _set_action_status, SetCategory: _set_category,
}


ROUTES = [
    Route("/api/boards/{board_id}/tickets", _guarded(tickets), methods=["POST"]),
    Route("/api/boards/{board_id}/stream", _guarded(stream), methods=["GET"]),
    Route("/api/boards/{board_id}/actions", _guarded(post_action), methods=["POST"]),
]
