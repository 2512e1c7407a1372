"""What every stream of this process shares: the board read once per revision,
and who is present.

Both are read in one flight per board: a stream that asks while a read is
under way waits for that read rather than starting its own, so a hundred
streams woken by one change cost one read.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import Counter
from collections.abc import Awaitable, Callable, Hashable
from typing import Generic, TypeVar

import anyio

from canvas.errors import BoardNotFound, CanvasError
from canvas.session.live_view import ViewBuilder
from canvas.session.visibility import Viewer
from storage.db import Database, database_target
from storage.errors import named_error
from storage.live import LiveBoard, load_live_board, mark_all_seen, mark_gone, present_names
from web import process

log = logging.getLogger(__name__)

# "Here" must be true within seconds: an idle stream wakes this often to say
# it is alive and to send who is here when that changed; every process records
# who has a stream open every RECORD_SECONDS (storage.live.PRESENT_WITHIN
# allows a few missed records); the names read are shared for
# PRESENCE_TTL_SECONDS. A closed page is recorded as gone at once.
PING_SECONDS = 3.0
RECORD_SECONDS = 5.0
PRESENCE_TTL_SECONDS = 2.0

T = TypeVar("T")


class SingleFlight(Generic[T]):
    """At most one read per key at a time; whoever asks while it runs shares its outcome.

    The read runs as its own task: a caller that gives up (its stream
    closed) leaves the read to finish for the others waiting on it."""

    def __init__(self) -> None:
        self._running: dict[Hashable, asyncio.Task] = {}

    def running(self, key: Hashable) -> bool:
        return key in self._running

    async def run(self, key: Hashable, read: Callable[[], Awaitable[T]]) -> T:
        task = self._running.get(key)
        if task is None:
            task = self._running[key] = asyncio.ensure_future(self._flight(key, read))
            # Retrieved here, so a failure nobody waited for is not reported as lost.
            task.add_done_callback(lambda done: done.cancelled() or done.exception())
        return await asyncio.shield(task)

    async def _flight(self, key: Hashable, read: Callable[[], Awaitable[T]]) -> T:
        try:
            return await read()
        finally:
            # Before anyone hears the outcome: whoever then asks for a newer
            # one starts a new read instead of being handed this one again.
            self._running.pop(key, None)


class Loaded:
    """A board as read at one revision, and the views built from it."""

    def __init__(self, live: LiveBoard):
        self.live = live
        self.revision = live.snapshot.board.revision
        self.views = ViewBuilder(live.snapshot, live.votes_by_person)

    def view(self, viewer: Viewer, present: list[str]) -> dict:
        return self.views.view(viewer, my_votes=self._my_votes(viewer), present=present)

    def view_json(self, viewer: Viewer, present: list[str]) -> str:
        return self.views.view_json(viewer, my_votes=self._my_votes(viewer), present=present)

    def view_pieces(self, viewer: Viewer, present: list[str], *, whole: bool) -> list[tuple[str, str]]:
        return self.views.view_pieces(viewer, my_votes=self._my_votes(viewer), present=present, whole=whole)

    def _my_votes(self, viewer: Viewer) -> dict[str, int]:
        return self.live.votes_by_person.get(viewer.participant_id or "", {})


class Boards:
    """The board read once per (board, revision) in this process, shared by every stream."""

    def __init__(self) -> None:
        self._latest: dict[str, Loaded] = {}
        self._loads: SingleFlight[Loaded | None] = SingleFlight()

    async def get(self, board_id: str, revision: int) -> Loaded | None:
        """The board at `revision` or later; None when it is gone."""
        cached = self._latest.get(board_id)
        if cached is not None and cached.revision >= revision:
            return cached
        while True:
            # A read already under way may have started before `revision` was written.
            joined = self._loads.running(board_id)
            loaded = await self._loads.run(board_id, lambda: self._load(board_id))
            if not joined or loaded is None or loaded.revision >= revision:
                return loaded

    async def _load(self, board_id: str) -> Loaded | None:
        loaded = await anyio.to_thread.run_sync(_load, board_id)
        if loaded is None:
            self._latest.pop(board_id, None)
        else:
            self._latest[board_id] = loaded
        return loaded


def _load(board_id: str) -> Loaded | None:
    try:
        with process.database() as db:
            return Loaded(load_live_board(db, board_id))
    except BoardNotFound:
        return None


boards = Boards()


class Presence:
    """Who has a stream open in this process, recorded in the database every
    ping without bumping any revision; names read back at most every few seconds.

    Presence is a courtesy, never a condition: when it cannot be written or
    read (a full disk, a long write holding the lock, a read-only file) it
    pauses, and every stream goes on sending views with the names last read.
    The log says once that it paused and once that it works again."""

    def __init__(self) -> None:
        self.open: Counter[tuple[str, str]] = Counter()
        self._names: dict[str, tuple[float, list[str]]] = {}
        self._reads: SingleFlight[list[str]] = SingleFlight()
        # "record" and "read", while each fails: a full disk stops the one, not the other.
        self.failing: set[str] = set()
        # An arrival and a departure of the same person are written in the order they happened.
        self._writing = asyncio.Lock()
        self._leaving: set[asyncio.Task] = set()

    async def names(self, board_id: str) -> list[str]:
        """Who is here, as last read; a failed read keeps the last answer until
        the next try, PRESENCE_TTL_SECONDS later."""
        cached = self._names.get(board_id)
        if cached is not None and time.monotonic() - cached[0] < PRESENCE_TTL_SECONDS:
            return cached[1]
        return await self._reads.run(board_id, lambda: self._read(board_id))

    async def _read(self, board_id: str) -> list[str]:
        cached = self._names.get(board_id)
        names = cached[1] if cached is not None else []
        try:
            names = await anyio.to_thread.run_sync(_present_names, board_id)
            self._working("read")
        except Exception as error:  # noqa: BLE001 - presence pauses, the stream goes on
            self._failed("read", error)
        finally:
            self._names[board_id] = (time.monotonic(), names)
        return names

    async def record(self, participant_ids: list[str]) -> None:
        """Mark these people present now; a failure pauses presence and is not raised."""
        ids = [pid for pid in participant_ids if pid]
        if not ids:
            return
        async with self._writing:
            await self._write(_mark_all_seen, ids)

    async def arrive(self, board_id: str, participant_id: str | None) -> None:
        """A stream opened: this person is here, and this process's streams
        of the board read who is here afresh."""
        self.open[(board_id, participant_id or "")] += 1
        await self.record([participant_id] if participant_id else [])
        self._names.pop(board_id, None)

    def leave(self, board_id: str, participant_id: str | None) -> None:
        """A stream closed. Their last one here: record them gone, without
        waiting (the stream may be ending because it was cancelled)."""
        seat = (board_id, participant_id or "")
        self.open[seat] -= 1
        if self.open[seat] > 0:
            return
        del self.open[seat]
        if not participant_id:
            return
        task = asyncio.ensure_future(self._gone(seat))
        self._leaving.add(task)
        task.add_done_callback(self._leaving.discard)

    async def _gone(self, seat: tuple[str, str]) -> None:
        board_id, participant_id = seat
        async with self._writing:
            # Back already (a reload opens the new stream as the old one closes).
            if self.open[seat] > 0:
                return
            self.open.pop(seat, None)
            await self._write(_mark_gone, participant_id)
        self._names.pop(board_id, None)

    async def _write(self, write, *args) -> None:
        # Under self._writing. A failure pauses presence and is not raised.
        try:
            await anyio.to_thread.run_sync(write, *args)
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
    with process.database() as db:
        return present_names(db, board_id)


def _mark_all_seen(participant_ids: list[str]) -> None:
    with process.database() as db:
        mark_all_seen(db, participant_ids)


def _mark_gone(participant_id: str) -> None:
    with process.database() as db:
        mark_gone(db, participant_id)


presence = Presence()


def forget_presence() -> None:
    """A server's start begins with no one here and nothing paused."""
    global presence
    presence = Presence()


async def keep_presence() -> None:
    """Record everyone with a stream open every RECORD_SECONDS, until cancelled."""
    while True:
        await asyncio.sleep(RECORD_SECONDS)
        await presence.record(sorted({pid for (_, pid), count in presence.open.items() if count > 0}))


def view_for(db: Database, board_id: str, participant_id: str, is_facilitator: bool) -> dict:
    """The view JSON a viewer gets, for the board page's first draw."""
    loaded = Loaded(load_live_board(db, board_id))
    return loaded.view(Viewer(participant_id=participant_id, is_facilitator=is_facilitator),
                       present_names(db, board_id))
