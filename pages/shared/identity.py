"""Who this tab is on a board: the participant token and facilitator key its browser keeps
(in local storage, never in the URL), the boards it knows, and presence."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import streamlit as st

from canvas.errors import (
    StorageProblem,
)
from canvas.ids import hash_secret
from canvas.models import Participant
from pages.shared.feedback import _log
from storage import participants
from storage.db import Database

FACILITATOR_PARAM = "facilitator"


_IDENTITY_JS = """
export default function(component) {
  const { data, setStateValue } = component;
  const tokenKey = "postmortem-canvas:" + data.board;
  const facilitatorKey = "postmortem-canvas:facilitator:" + data.board;
  // localStorage, not the URL: the share link must not carry anyone's
  // identity, and a reload (or a second tab) of the same browser keeps it.
  if (data.token) { window.localStorage.setItem(tokenKey, data.token); }
  if (data.facilitator_key) { window.localStorage.setItem(facilitatorKey, data.facilitator_key); }
  const stored = {
    token: window.localStorage.getItem(tokenKey) || "",
    facilitator_key: window.localStorage.getItem(facilitatorKey) || "",
  };
  // Each report runs the whole page again: send one only when the browser
  // holds something the page was not drawn with (a reload, a new tab), not
  // after a join or a new board, whose secrets the page itself handed over.
  if (stored.token !== data.token || stored.facilitator_key !== data.facilitator_key) {
    setStateValue("identity", stored);
  }
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
