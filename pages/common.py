"""What every page shares: the selected board, who this tab is, sticky notes.

Only this module and the page files import streamlit. Nothing a person typed
is ever passed to `unsafe_allow_html`: user text is shown with `st.text` or
escaped for Markdown with `canvas.text.escape_markdown`.
"""

from __future__ import annotations

import logging
import os
import time
from contextlib import contextmanager
from functools import cached_property
from pathlib import Path
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from urllib.parse import urlencode

import streamlit as st

from canvas.ids import hash_secret
from canvas.errors import (
    BoardNotFound,
    CanvasError,
    ParticipantNotFound,
    StorageProblem,
    describe_validation_error,
)
from canvas.session.phases import Action, Actor, Credentials, Phase, allowed
from canvas.models import GROUND_RULES, NOTE_HEX, Board, DisplayName, Note, Participant
from canvas.settings import Settings
from canvas.snapshot import BoardSnapshot
from canvas.session.visibility import Viewer, hidden_note_counts, visible_snapshot
from canvas.templates import Step, StepKind, Template
from canvas.text import escape_markdown
from pydantic import TypeAdapter, ValidationError
from storage import boards, facilitation, participants
from storage.db import Database, connect, db_path, hold_open
from storage.errors import named_error
from storage.migrations import migrate
from storage.snapshot import load_snapshot

BOARD_PARAM = "board"
FACILITATOR_PARAM = "facilitator"
# Absolute paths, so the navigation works whatever the main script's folder
# (AppTest runs a copy of app.py from a temporary folder).
PAGES_DIR = Path(__file__).resolve().parent
_log = logging.getLogger("postmortem_canvas")


# --- database ---------------------------------------------------------------


@st.cache_resource
def _migrated(path: str):
    # Once per server process and database file, not once per rerun; the
    # connection held open keeps pages readable when the disk is full.
    migrate(path)
    return hold_open(path)


def database() -> Database:
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


# --- navigation ---------------------------------------------------------------


def build_navigation(selection: Selection) -> dict[str, list]:
    """The sidebar: home only, the not-found page, or the board's steps.

    With a board selected, the live board is the default page, so the share
    link (`/?board=...`) lands a newcomer on the whiteboard, behind the join form.
    """
    if selection.not_found:
        return {"": [st.Page(PAGES_DIR / "not_found.py", title="Board not found", default=True)]}
    if selection.board is None:
        return {"": [_home_page(default=True), _all_actions_page(), _learnings_review_page()]}
    board = st.Page(PAGES_DIR / "board.py", title="Board", icon=":material/dashboard:",
                    default=True)
    overview = st.Page(PAGES_DIR / "overview.py", title="Board overview",
                       icon=":material/view_column:", url_path="overview")
    steps = {step.key: _step_page(step) for step in selection.board.template_model.steps}
    learned = st.Page(PAGES_DIR / "learnings.py", title="Learnings", icon=":material/lightbulb:",
                      url_path="learned")
    session = {
        "vote": st.Page(PAGES_DIR / "vote.py", title="Vote", icon=":material/how_to_vote:",
                        url_path="vote"),
        "discuss": st.Page(PAGES_DIR / "discuss.py", title="Discuss", icon=":material/forum:",
                           url_path="discuss"),
        "check": st.Page(PAGES_DIR / "check.py", title="Is it done?",
                         icon=":material/fact_check:", url_path="check"),
        "export": st.Page(PAGES_DIR / "export.py", title="Export", icon=":material/download:",
                          url_path="export"),
        "facilitate": st.Page(PAGES_DIR / "facilitate.py", title="Facilitate",
                              icon=":material/tune:", url_path="facilitate"),
    }
    st.session_state["nav_pages"] = {"board": board, "overview": overview, **steps,
                                     "learned": learned, **session}
    return {"": [_home_page(default=False), _all_actions_page(), _learnings_review_page()],
            "This board": [board, overview, *steps.values(), learned],
            "Session": list(session.values())}


def _all_actions_page():
    return st.Page(PAGES_DIR / "all_actions.py", title="All actions", icon=":material/checklist:",
                   url_path="all-actions")


def _learnings_review_page():
    return st.Page(PAGES_DIR / "learnings_review.py", title="Learnings review",
                   icon=":material/menu_book:", url_path="learnings-review")


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
    """A board page by step key or "overview" (for st.page_link / switch_page)."""
    return st.session_state.get("nav_pages", {}).get(name)


# --- who this tab is ------------------------------------------------------------

_IDENTITY_JS = """
export default function(component) {
  const { data, setStateValue } = component;
  const tokenKey = "postmortem-canvas:" + data.board;
  const facilitatorKey = "postmortem-canvas:facilitator:" + data.board;
  // localStorage, not the URL: the share link must not carry anyone's
  // identity, and a reload (or a second tab) of the same browser keeps it.
  if (data.token) { window.localStorage.setItem(tokenKey, data.token); }
  if (data.facilitator_key) { window.localStorage.setItem(facilitatorKey, data.facilitator_key); }
  setStateValue("identity", {
    token: window.localStorage.getItem(tokenKey) || "",
    facilitator_key: window.localStorage.getItem(facilitatorKey) || "",
  });
}
"""
_identity_component = st.components.v2.component("postmortem_identity", js=_IDENTITY_JS)


def _remembered_identity(board_id: str) -> tuple[str | None, str | None]:
    """The participant token and facilitator key this browser holds for the board."""
    known = st.session_state.setdefault("identities", {}).setdefault(board_id, {})
    result = _identity_component(
        # Board ids may contain "__", which component keys must not.
        key=f"identity_{hash_secret(board_id)[:16]}",
        data={"board": board_id, "token": known.get("token", ""),
              "facilitator_key": known.get("facilitator_key", "")},
        default={"identity": None},
        on_identity_change=lambda: None,
    )
    stored = getattr(result, "identity", None) or {}
    return (known.get("token") or stored.get("token") or None,
            known.get("facilitator_key") or stored.get("facilitator_key") or None)


def remember_identity(board_id: str, *, token: str | None = None,
                      facilitator_key: str | None = None) -> None:
    """Keep this tab's secrets for the board (and, through the component, the browser's)."""
    known = st.session_state.setdefault("identities", {}).setdefault(board_id, {})
    if token:
        known["token"] = token
    if facilitator_key:
        known["facilitator_key"] = facilitator_key


_KNOWN_BOARDS_JS = """
export default function(component) {
  const { setStateValue } = component;
  // The boards this browser holds a participant token or a facilitator key
  // for: the keys the identity component writes.
  const boards = new Set();
  for (let index = 0; index < window.localStorage.length; index++) {
    const name = window.localStorage.key(index) || "";
    const match = name.match(/^postmortem-canvas:(?:facilitator:)?([^:]+)$/);
    if (match) { boards.add(match[1]); }
  }
  setStateValue("boards", Array.from(boards).sort());
}
"""
_known_boards_component = st.components.v2.component("postmortem_known_boards",
                                                     js=_KNOWN_BOARDS_JS)


def known_board_ids() -> list[str]:
    """The boards this browser joined or created: the ones this tab holds an
    identity for, and the ones the browser's storage remembers. Boards are
    private by default, so lists show only these."""
    result = _known_boards_component(key="identity_known_boards", default={"boards": None},
                                     on_boards_change=lambda: None)
    remembered = getattr(result, "boards", None) or []
    this_tab = st.session_state.get("identities", {})
    return sorted({*this_tab, *(board for board in remembered if isinstance(board, str))})


def take_facilitator_key_from_url(board_id: str) -> None:
    """Move a facilitator key from the address bar into this browser's storage,
    so a copied address bar never hands facilitation to someone else."""
    key = st.query_params.get(FACILITATOR_PARAM)
    if key is not None:
        remember_identity(board_id, facilitator_key=key)
        del st.query_params[FACILITATOR_PARAM]


@dataclass
class BoardPage:
    db: Database
    board: Board
    template: Template
    me: Participant
    credentials: Credentials
    is_facilitator: bool

    @property
    def actor(self) -> Actor:
        """Who this tab was at the start of the run: for deciding which
        controls to offer. Writes send `credentials`, which storage checks
        again when the click arrives."""
        return Actor(participant_id=self.me.id, is_facilitator=self.is_facilitator)

    @property
    def viewer(self) -> Viewer:
        return Viewer(participant_id=self.me.id, is_facilitator=self.is_facilitator)

    @property
    def phase(self) -> Phase:
        return self.board.phase

    def may(self, action: Action, owner_id: str | None = None) -> bool:
        """Whether to offer `action` (canvas.session.phases decides; storage asks again)."""
        return allowed(action, self.phase, self.actor, owner_id)

    @cached_property
    def _snapshot(self) -> BoardSnapshot:
        return load_snapshot(self.db, self.board.id)

    @cached_property
    def view(self) -> BoardSnapshot:
        """The board as this person may receive it (`canvas.session.visibility`): every
        page draws notes, votes and exports from this and nothing else."""
        return visible_snapshot(self._snapshot, self.viewer)

    @cached_property
    def hidden_counts(self) -> dict[str, int]:
        """Step key -> how many notes others wrote that this person cannot see yet."""
        return hidden_note_counts(self._snapshot, self.viewer)


def open_board_page(*, top_bar: bool = True) -> BoardPage:
    """Start a board page: the board, who is looking (asks to join if unknown)
    and the live top bar (the board screen draws its own)."""
    db = database()
    board = current_board(db)
    token, key = _remembered_identity(board.id)
    try:
        me = participants.participant_by_token(db, board.id, token)
    except ParticipantNotFound:
        show_sidebar(board, None)
        _join_form(board)
        st.stop()
    credentials = Credentials(participant_id=me.id, facilitator_key=key)
    page = BoardPage(db, board, board.template_model, me, credentials,
                     facilitation.is_facilitator(db, board.id, key))
    keep_presence(db, me)
    show_sidebar(board, page)
    if top_bar:
        live_top_bar(page)
    show_action_error()
    return page


def current_board(db: Database) -> Board:
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


def _join_form(board: Board) -> None:
    literal_title(board.title)
    st.write("You have been invited to this postmortem. Pick the name others will see.")
    with st.form("join"):
        st.text_input("Your display name", key="join_name", max_chars=40,
                      placeholder="e.g. Sam (SRE)")
        submitted = st.form_submit_button("Join the board", type="primary")
    if submitted:
        def join(write_db: Database) -> None:
            name = TypeAdapter(DisplayName).validate_python(st.session_state["join_name"])
            _, token = participants.join_board(write_db, board.id, name)
            remember_identity(board.id, token=token)

        if run_action(join, error_key="join_error"):
            st.rerun()
        st.error(st.session_state.pop("join_error"))


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
/* The live top bar sits at the top of every board page, above the fold. */
[data-testid="stMainBlockContainer"] { padding-top: 3.9rem; }
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


def sticky(note: Note, *, key_suffix: str = "", author: str | None = None):
    """A note as a sticky: a coloured container whose text is shown literally.

    Returns the container so a page can add its own controls inside.
    """
    box = st.container(key=f"note-{note.colour.value}-{note.id}{key_suffix}")
    box.text(note.text)
    box.caption(f"#{note.number}" + (f" · {author}" if author else ""))
    return box


def show_sidebar(board: Board, page: "BoardPage | None") -> None:
    with st.sidebar:
        with st.container(key="share_link"):
            st.caption("Share link: everyone joins with their own name")
            st.code(share_url(board.id), language=None, wrap_lines=True)
        st.caption("Ground rules")
        st.markdown("\n".join(f"- {rule}" for rule in GROUND_RULES))
        if st.button("Show full screen", key="ground_rules_full", icon=":material/fullscreen:"):
            _ground_rules_dialog()


@st.dialog("Before we start", width="large")
def _ground_rules_dialog() -> None:
    """The meeting's purpose and ground rules, large, to open the session."""
    with st.container(key="ground_rules_dialog"):
        st.markdown("## We are here to learn how our systems failed, not who to blame.")
        for rule in GROUND_RULES:
            st.markdown(f"### {rule}")


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
    named = named_error(error, db_path())
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


@contextmanager
def timed_page_run():
    """Remember when the last full page run ended and how long it took."""
    started = time.monotonic()
    yield
    st.session_state["last_page_run"] = (started, time.monotonic())


# Writing "last seen" on every page run would make every open tab a writer; once a
# quarter-minute is enough for a "here in the last minute" list.
SEEN_EVERY = timedelta(seconds=15)


def keep_presence(db: Database, me: Participant) -> None:
    """Mark this person as here, at most every SEEN_EVERY. Best effort: on a
    full disk, a read-only or a busy database the page still renders, and the
    mark is tried again at the next interval."""
    marks = st.session_state.setdefault("seen_marks", {})
    moment = datetime.now(UTC)
    if moment - marks.get(me.id, datetime.min.replace(tzinfo=UTC)) >= SEEN_EVERY:
        marks[me.id] = moment
        try:
            participants.mark_seen(db, me.id)
        except StorageProblem as problem:
            _log.warning("presence not recorded: %s", problem.shell)


def live_top_bar(page: "BoardPage") -> None:
    """The phase stepper, the facilitator's controls, the timer and who is
    here, kept live by the board's event stream; a change someone makes
    reruns this page (no polling)."""
    from pages.live import component

    component.show(component.live_data(page.db, page.board.id, page.me.id, page.is_facilitator,
                                       mode="bar"))


def show_action_error() -> None:
    if error := st.session_state.pop("action_error", None):
        st.error(error)


def show_nudges(flags, key: str) -> None:
    """Blame or hindsight language the writer may want to reword. A nudge,
    never a block: the text is already saved as written."""
    if not flags:
        return
    with st.container(key=key):
        for flag in flags:
            st.caption(
                f":orange[**Nudge** · “{escape_markdown(flag.phrase)}”] — "
                f"{escape_markdown(flag.explanation)} "
                f"*Try:* {escape_markdown(flag.suggestion)}"
            )


def step_prompt(step: Step) -> None:
    """The step's question, and on demand the facilitator's follow-up questions."""
    st.info(step.prompt, icon=":material/help:")
    if step.follow_ups:
        with st.expander("Questions to go deeper"):
            st.markdown("\n".join(f"- {escape_markdown(q)}" for q in step.follow_ups))


def first_message(error: ValidationError) -> str:
    """The first validation problem, phrased for a person (the field is the
    one beside the message)."""
    return describe_validation_error(error, limit=1, places=False)
