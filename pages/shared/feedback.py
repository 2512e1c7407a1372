"""Turning what went wrong into a sentence for a person: the one edge where refusals, invalid
input and database problems become messages, and bugs go to the server's log."""

from __future__ import annotations

import logging
from contextlib import contextmanager

import streamlit as st
from pydantic import ValidationError

from canvas.errors import (
    CanvasError,
    describe_validation_error,
)
from pages.shared.database import database
from storage.db import database_target
from storage.errors import named_error

_log = logging.getLogger("postmortem_canvas")


def run_action(action, *args, error_key: str = "action_error", **kwargs) -> bool:
    """Carry out `action(db, *args, **kwargs)` from a widget callback; returns
    whether it was done. A refusal, invalid input or a database that cannot
    take the write becomes a message in session state under `error_key` (by
    default shown at the top of the next run; a form passes its own key to
    show it beside its fields), never a traceback. What was typed stays in its
    widgets: callers clear them only when this returns True."""
    try:
        with database() as db:
            action(db, *args, **kwargs)
    except Exception as error:  # noqa: BLE001 - every failure becomes a sentence
        st.session_state[error_key] = error_sentence(error)
        return False
    return True


UNEXPECTED_ACTION = ("Something went wrong on the server, so this may not have been saved. "
                     "Reload the page to check; if it happens again, tell whoever runs this "
                     "server.")


UNEXPECTED_PAGE = ("Something went wrong on the server while showing this page; nothing was "
                   "changed. Reload the page; if it happens again, tell whoever runs this server.")


def error_sentence(error: Exception, unexpected: str = UNEXPECTED_ACTION) -> str:
    """What a person is told about a failure: a refusal's own message, the
    first invalid field, a named database problem, or (for a bug) the
    `unexpected` sentence while the traceback goes to the server's log, never
    to the browser."""
    if isinstance(error, ValidationError):
        return first_message(error)
    named = named_error(error, database_target())
    if isinstance(error, CanvasError) or named is not None:
        return str(named or error)
    _log.error("unexpected error in a page", exc_info=error)
    return unexpected


@contextmanager
def shown_errors():
    """Around a page run: an error nobody caught becomes `error_sentence` in
    the page (and its traceback goes to the log), and the run stops there.
    Streamlit's own st.rerun/st.stop pass through (they are not Exceptions)."""
    try:
        yield
    except Exception as error:  # noqa: BLE001 - the edge: nothing passes as a traceback
        st.error(error_sentence(error, UNEXPECTED_PAGE), icon=":material/error:")
        st.stop()


def show_action_error() -> None:
    if error := st.session_state.pop("action_error", None):
        st.error(error)


def first_message(error: ValidationError) -> str:
    """The first validation problem, phrased for a person (the field is the
    one beside the message)."""
    return describe_validation_error(error, limit=1, places=False)
