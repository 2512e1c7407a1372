"""Which board this tab is on, the sidebar's pages, and links to a board."""

from __future__ import annotations

import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

import streamlit as st

from canvas.errors import (
    BoardNotFound,
)
from canvas.models import Board
from canvas.templates import Step, StepKind, Template
from pages.shared.identity import FACILITATOR_PARAM, take_facilitator_key_from_url
from storage import boards
from storage.db import Database

BOARD_PARAM = "board"
# Not "patterns": a path that names a file in pages/ opens that file on its own,
# without the app's navigation, when it is the first address a browser asks for.
PATTERNS_PATH = "patterns-across-boards"


# Absolute paths, so the navigation works whatever the main script's folder
# (AppTest runs a copy of app.py from a temporary folder).
PAGES_DIR = Path(__file__).resolve().parent.parent


@dataclass
class Selection:
    board: Board | None
    not_found: bool


def select_board(db: Database) -> Selection:
    """The board named by the URL, or the one this tab had open before.

    Sidebar navigation drops query parameters, so the board id is also kept in
    session state and put back into the URL by `keep_board_in_url`.
    """
    from_url = st.query_params.get(BOARD_PARAM)
    if from_url is not None:
        st.session_state["board_id"] = from_url
    board_id = st.session_state.get("board_id")
    if not board_id:
        return Selection(None, False)
    try:
        return Selection(boards.get_board(db, board_id), False)
    except BoardNotFound:
        return Selection(None, True)


def keep_board_in_url(board: Board | None) -> None:
    if board is None:
        return
    take_facilitator_key_from_url(board.id)
    if st.query_params.get(BOARD_PARAM) != board.id:
        st.query_params[BOARD_PARAM] = board.id


def open_board(board_id: str) -> None:
    """Select a board in this tab (used by buttons; the URL follows on rerun)."""
    st.session_state["board_id"] = board_id
    st.query_params[BOARD_PARAM] = board_id


def leave_board() -> None:
    st.session_state.pop("board_id", None)
    st.query_params.clear()


def share_url(board_id: str) -> str:
    """The link a facilitator sends: the board, and nobody's identity."""
    return f"{_base_url()}/?{urlencode({BOARD_PARAM: board_id})}"


def patterns_url(query: list[tuple[str, str]]) -> str:
    """The Patterns page showing a filter (canvas.patterns.PatternFilter.query)."""
    return f"{_base_url()}/{PATTERNS_PATH}" + (f"?{urlencode(query)}" if query else "")


def facilitator_url(board_id: str, key: str) -> str:
    """A link that makes whoever opens it a facilitator of the board."""
    return f"{_base_url()}/?{urlencode({BOARD_PARAM: board_id, FACILITATOR_PARAM: key})}"


def _base_url() -> str:
    url = st.context.url or ""
    # st.context.url is the page's address; keep scheme, host and base path.
    for marker in ("?", "#"):
        url = url.split(marker, 1)[0]
    base = url.rstrip("/")
    current = st.session_state.get("nav_url_path", "")
    if current and base.endswith("/" + current):
        base = base[: -len(current) - 1]
    return base or "http://localhost:8501"


def build_navigation(selection: Selection) -> dict[str, list]:
    """The sidebar: home only, the not-found page, or the board's steps.

    With a board selected, the live board is the default page, so the share
    link (`/?board=...`) lands a newcomer on the whiteboard, behind the join form.
    """
    if selection.not_found:
        return {"": [st.Page(PAGES_DIR / "not_found.py", title="Board not found", default=True)]}
    if selection.board is None:
        return {"": [_home_page(default=True), _all_actions_page(), _learnings_review_page(),
                     _patterns_page(), _templates_page()]}
    board = st.Page(PAGES_DIR / "board.py", title="Board", icon=":material/dashboard:",
                    default=True)
    # Jira cards live on the board itself; they have no page of their own.
    steps = {step.key: _step_page(step) for step in selection.board.template_model.steps
             if step.kind in _STEP_FILES}
    learned = st.Page(PAGES_DIR / "learnings.py", title="Learnings", icon=":material/lightbulb:",
                      url_path="learned")
    session = {
        "check": st.Page(PAGES_DIR / "check.py", title="Is it done?",
                         icon=":material/fact_check:", url_path="check"),
        "export": st.Page(PAGES_DIR / "export.py", title="Export", icon=":material/download:",
                          url_path="export"),
        "facilitate": st.Page(PAGES_DIR / "facilitate.py", title="Facilitate",
                              icon=":material/tune:", url_path="facilitate"),
    }
    st.session_state["nav_pages"] = {"board": board, **steps,
                                     "learned": learned, **session}
    return {"": [_home_page(default=False), _all_actions_page(), _learnings_review_page(),
                     _patterns_page(), _templates_page()],
            "This board": [board, *steps.values(), learned],
            "Session": list(session.values())}


def _all_actions_page():
    return st.Page(PAGES_DIR / "all_actions.py", title="All actions", icon=":material/checklist:",
                   url_path="all-actions")


def _learnings_review_page():
    return st.Page(PAGES_DIR / "learnings_review.py", title="Learnings review",
                   icon=":material/menu_book:", url_path="learnings-review")


def _patterns_page():
    return st.Page(PAGES_DIR / "patterns.py", title="Patterns", icon=":material/insights:",
                   url_path=PATTERNS_PATH)


def _templates_page():
    return st.Page(PAGES_DIR / "templates.py", title="Templates", icon=":material/edit_note:",
                   url_path="templates")


def _home_page(default: bool):
    return st.Page(PAGES_DIR / "home.py", title="Home", icon=":material/home:",
                   default=default, url_path=None if default else "home")


_STEP_FILES = {
    StepKind.summary: ("summary.py", ":material/summarize:"),
    StepKind.notes: ("step.py", ":material/sticky_note_2:"),
    StepKind.timeline: ("timeline.py", ":material/timeline:"),
    StepKind.actions: ("actions.py", ":material/task_alt:"),
}


def _step_page(step: Step):
    # One file serves every step of a kind; Streamlit tells pages apart by
    # url_path, and the page reads its step back from `current_step`.
    filename, icon = _STEP_FILES[step.kind]
    if step.is_factor_step:
        filename, icon = "factors.py", ":material/account_tree:"
    return st.Page(PAGES_DIR / filename, title=step.title, icon=icon, url_path=step.key)


def remember_current_page(page) -> None:
    st.session_state["nav_url_path"] = page.url_path


def page_for(name: str):
    """A board page by step key or "board" (for st.page_link / switch_page)."""
    return st.session_state.get("nav_pages", {}).get(name)


def current_board(db: Database) -> Board:
    try:
        return boards.get_board(db, st.session_state.get("board_id"))
    except BoardNotFound:
        # Deleted while this tab was open: the next run shows the not-found page.
        st.rerun()


def current_step(template: Template) -> Step:
    step = template.step(st.session_state.get("nav_url_path", ""))
    if step is None:
        st.switch_page(page_for("board"))
    return step


@contextmanager
def timed_page_run():
    """Remember when the last full page run ended and how long it took."""
    started = time.monotonic()
    yield
    st.session_state["last_page_run"] = (started, time.monotonic())
