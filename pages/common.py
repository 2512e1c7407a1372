"""What every page shares: the selected board, who this tab is, sticky notes.

Only this module and the page files import streamlit. Nothing a person typed
is ever passed to `unsafe_allow_html`: user text is shown with `st.text` or
escaped for Markdown with `canvas.text.escape_markdown`.
"""

from __future__ import annotations

import os
from pathlib import Path
from dataclasses import dataclass
from urllib.parse import urlencode

import sqlite_utils
import streamlit as st

from canvas.ids import hash_secret
from canvas.errors import BoardNotFound, CanvasError, ParticipantNotFound
from canvas.models import GROUND_RULES, NOTE_HEX, Board, DisplayName, Note, Participant
from canvas.settings import Settings
from canvas.templates import Step, StepKind, Template
from canvas.text import escape_markdown
from pydantic import TypeAdapter, ValidationError
from storage import boards, participants
from storage.db import connect, db_path
from storage.migrations import migrate

BOARD_PARAM = "board"
# Absolute paths, so the navigation works whatever the main script's folder
# (AppTest runs a copy of app.py from a temporary folder).
PAGES_DIR = Path(__file__).resolve().parent


# --- database ---------------------------------------------------------------


@st.cache_resource
def _migrated(path: str) -> bool:
    # Once per server process and database file, not once per rerun.
    migrate(path)
    return True


def database() -> sqlite_utils.Database:
    """A connection for this script run (never shared across Streamlit's threads)."""
    path = str(db_path())
    _migrated(path)
    return connect(path)


def settings() -> Settings:
    return Settings.from_env(os.environ)


# --- which board this tab is on ---------------------------------------------


@dataclass
class Selection:
    board: Board | None
    not_found: bool


def select_board(db: sqlite_utils.Database) -> Selection:
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
    if board is not None and st.query_params.get(BOARD_PARAM) != board.id:
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


# --- navigation ---------------------------------------------------------------


def build_navigation(selection: Selection) -> dict[str, list]:
    """The sidebar: home only, the not-found page, or the board's steps.

    With a board selected, its overview is the default page, so the share link
    (`/?board=...`) lands a newcomer on the whiteboard, behind the join form.
    """
    if selection.not_found:
        return {"": [st.Page(PAGES_DIR / "not_found.py", title="Board not found", default=True)]}
    if selection.board is None:
        return {"": [_home_page(default=True)]}
    overview = st.Page(PAGES_DIR / "overview.py", title="Board overview",
                       icon=":material/dashboard:", default=True)
    steps = {step.key: _step_page(step) for step in selection.board.template_model.steps}
    st.session_state["nav_pages"] = {"overview": overview, **steps}
    return {"": [_home_page(default=False)], "This board": [overview, *steps.values()]}


def _home_page(default: bool):
    return st.Page(PAGES_DIR / "home.py", title="Home", icon=":material/home:",
                   default=default, url_path=None if default else "home")


_STEP_FILES = {
    StepKind.summary: ("summary.py", ":material/summarize:"),
    StepKind.notes: ("step.py", ":material/sticky_note_2:"),
    StepKind.timeline: ("timeline.py", ":material/timeline:"),
    StepKind.actions: ("step.py", ":material/task_alt:"),
}


def _step_page(step: Step):
    # One file serves every step of a kind; Streamlit tells pages apart by
    # url_path, and the page reads its step back from `current_step`.
    filename, icon = _STEP_FILES[step.kind]
    return st.Page(PAGES_DIR / filename, title=step.title, icon=icon, url_path=step.key)


def remember_current_page(page) -> None:
    st.session_state["nav_url_path"] = page.url_path


def page_for(name: str):
    """A board page by step key or "overview" (for st.page_link / switch_page)."""
    return st.session_state.get("nav_pages", {}).get(name)


# --- who this tab is ------------------------------------------------------------

_IDENTITY_JS = """
export default function(component) {
  const { data, setStateValue } = component;
  const key = "postmortem-canvas:" + data.board;
  // localStorage, not the URL: the share link must not carry anyone's
  // identity, and a reload (or a second tab) of the same browser keeps it.
  if (data.store) { window.localStorage.setItem(key, data.store); }
  setStateValue("token", window.localStorage.getItem(key) || "");
}
"""
_identity_component = st.components.v2.component("postmortem_identity", js=_IDENTITY_JS)


def _remembered_token(board_id: str) -> str | None:
    known = st.session_state.get("tokens", {}).get(board_id)
    result = _identity_component(
        # Board ids may contain "__", which component keys must not.
        key=f"identity_{hash_secret(board_id)[:16]}",
        data={"board": board_id, "store": known or ""},
        default={"token": None},
        on_token_change=lambda: None,
    )
    return known or getattr(result, "token", None) or None


def remember_token(board_id: str, token: str) -> None:
    st.session_state.setdefault("tokens", {})[board_id] = token


@dataclass
class BoardPage:
    db: sqlite_utils.Database
    board: Board
    template: Template
    me: Participant


def open_board_page() -> BoardPage:
    """Start a board page: the board, and who is looking (asks to join if unknown)."""
    db = database()
    board = current_board(db)
    show_sidebar(board)
    token = _remembered_token(board.id)
    try:
        me = participants.participant_by_token(db, board.id, token)
    except ParticipantNotFound:
        _join_form(db, board)
        st.stop()
    participants.mark_seen(db, me)
    return BoardPage(db, board, board.template_model, me)


def current_board(db: sqlite_utils.Database) -> Board:
    try:
        return boards.get_board(db, st.session_state.get("board_id"))
    except BoardNotFound:
        # Deleted while this tab was open: the next run shows the not-found page.
        st.rerun()


def current_step(template: Template) -> Step:
    step = template.step(st.session_state.get("nav_url_path", ""))
    if step is None:
        st.switch_page(page_for("overview"))
    return step


def _join_form(db: sqlite_utils.Database, board: Board) -> None:
    literal_title(board.title)
    st.write("You have been invited to this postmortem. Pick the name others will see.")
    with st.form("join"):
        st.text_input("Your display name", key="join_name", max_chars=40,
                      placeholder="e.g. Sam (SRE)")
        submitted = st.form_submit_button("Join the board", type="primary")
    if submitted:
        try:
            name = TypeAdapter(DisplayName).validate_python(st.session_state["join_name"])
        except ValidationError as error:
            st.error(first_message(error))
            return
        _, token = participants.join_board(db, board.id, name)
        remember_token(board.id, token)
        st.rerun()


# --- showing things -----------------------------------------------------------

_CSS = """
<style>
[class*="st-key-note-"] {
  border-radius: 4px; padding: 0.7rem 0.8rem 0.4rem 0.8rem; gap: 0.2rem;
  box-shadow: 0 1px 2px rgba(60, 50, 20, 0.18), 0 3px 8px rgba(60, 50, 20, 0.08);
}
[class*="st-key-note-"] .stText, [class*="st-key-note-"] .stText * {
  font-family: inherit; white-space: pre-wrap; overflow-wrap: anywhere;
  word-break: break-word; font-size: 0.95rem; line-height: 1.35;
}
%(colours)s
.st-key-identity_hidden, [class*="st-key-identity_"] { display: none; }
</style>
"""


def inject_css() -> None:
    colours = "\n".join(
        f'[class*="st-key-note-{colour.value}-"] {{ background: {hex_} }}'
        for colour, hex_ in NOTE_HEX.items()
    )
    st.html(_CSS % {"colours": colours})


def literal_title(text: str) -> None:
    st.title(escape_markdown(text), anchor=False)


def literal_heading(text: str, level: int = 3) -> None:
    st.markdown(f"{'#' * level} {escape_markdown(text)}")


def sticky(note: Note, *, key_suffix: str = ""):
    """A note as a sticky: a coloured container whose text is shown literally.

    Returns the container so a page can add its own controls inside.
    """
    box = st.container(key=f"note-{note.colour.value}-{note.id}{key_suffix}")
    box.text(note.text)
    return box


def show_sidebar(board: Board) -> None:
    with st.sidebar:
        with st.container(key="share_link"):
            st.caption("Share link: everyone joins with their own name")
            st.code(share_url(board.id), language=None, wrap_lines=True)
        st.caption("Ground rules")
        st.markdown("\n".join(f"- {rule}" for rule in GROUND_RULES))


def first_message(error: ValidationError) -> str:
    """The first validation problem, phrased for a person."""
    detail = error.errors()[0]
    message = detail["msg"].removeprefix("Value error, ")
    return message


def show_canvas_error(error: CanvasError) -> None:
    st.error(str(error))
