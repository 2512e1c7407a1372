"""A server process's start and stop for the live routes: the database
migrated (or the reason it cannot be, logged), the change feed watching, the
presence keeper recording, and the stop signal ending every open stream."""

from __future__ import annotations

import asyncio
import logging
from contextlib import asynccontextmanager

import anyio

from canvas.errors import CanvasError
from storage.db import database_target
from storage.errors import named_error
from storage.migrations import migrate
from web import board_cache, process

log = logging.getLogger(__name__)


@asynccontextmanager
async def lifespan(app):
    """Start this process's change watcher and presence keeper; stop them at exit."""
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
    board_cache.forget_presence()
    process.open_feed(target)
    presence_task = asyncio.create_task(board_cache.keep_presence())
    process.release_streams_on_exit(asyncio.get_running_loop())
    try:
        yield
    finally:
        presence_task.cancel()
        process.stop_feed()
