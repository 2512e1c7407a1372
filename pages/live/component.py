"""The live board as a Streamlit component (components v2, no iframe).

The JavaScript and CSS are plain files beside this module, the JavaScript
one file per concern (`BOARD_FILES`), joined in that order into the one
module components v2 takes: no build step. Python draws the
first view and hands over two tickets, one for the stream and one for the
actions, which the canvas renews before they run out. From then on the canvas
keeps itself up to date through the board's event stream and sends changes to
the actions route, so a change on the board costs no script run in anyone's
tab.
"""

from __future__ import annotations

import json
from pathlib import Path

import streamlit as st

from canvas.ids import hash_secret
from storage.db import Database

HERE = Path(__file__).resolve().parent
# State and the entry point, the network (stream, tickets, actions), drawing
# (building the DOM and bringing the page to it by key), the top bar, the
# columns, the discussion, the Move menu and its keyboard, drag and drop.
# Then the meeting's parts around the columns (parts.js lays them out), one
# file each, JavaScript and CSS.
PARTS = ("summary", "timeline", "factors", "learnings", "actions", "kill_criteria", "suggestions", "jira")
BOARD_FILES = ("state.js", "network.js", "draw.js", "bar.js", "columns.js", "discussion.js",
               "menu.js", "drag.js", "parts.js", *(f"part_{part}.js" for part in PARTS),
               # The timeline's editing and pasting, apart from drawing the lane;
               # the Jira cards' estimation round, editing and dragging, apart
               # from drawing the columns.
               "part_timeline_edit.js", "part_jira_round.js", "part_jira_edit.js",
               "part_jira_drag.js")
BOARD_CSS = ("board.css", *(f"part_{part}.css" for part in PARTS))


def board_js() -> str:
    """The canvas's JavaScript: its files in order, as one module."""
    return "\n".join(f"// ---- {name}\n" + (HERE / name).read_text(encoding="utf-8") for name in BOARD_FILES)


def board_css() -> str:
    """The canvas's CSS: the board's, then each part's."""
    return "\n".join((HERE / name).read_text(encoding="utf-8") for name in BOARD_CSS)


_canvas = st.components.v2.component(
    "postmortem_live_board",
    html="",
    css=board_css(),
    js=board_js(),
)


def live_data(db: Database, board_id: str, participant_id: str, is_facilitator: bool,
              *, mode: str) -> dict:
    """What the component starts from: this person's view of the board now,
    tickets for the stream and the actions (`stream_ticket`, `action_ticket`,
    `ticket_seconds`), and where those live."""
    from pages.shared import sign_in
    from web import board_cache, tickets

    base = f"/api/boards/{board_id}"
    return {
        "mode": mode,
        "board_id": board_id,
        **tickets.tickets_for(db, board_id, participant_id, is_facilitator,
                              identity=sign_in.current_identity()),
        "view": board_cache.view_for(db, board_id, participant_id, is_facilitator),
        "stream_url": f"{base}/stream",
        "actions_url": f"{base}/actions",
        "tickets_url": f"{base}/tickets",
    }


def show(data: dict) -> None:
    """Draw the board (mode "board") or only its top bar (mode "bar").

    The bar asks for a rerun when the stream brings a newer revision, so a
    page drawn by Python shows the change; the board draws changes itself.
    """
    # Board ids may contain "__", which component keys must not.
    key = f"live_{data['mode']}_{hash_secret(data['board_id'])[:16]}"
    # The view travels as JSON text. Left a dict, Streamlit checks it for a
    # dataframe, and that check imports pandas, NumPy and PyArrow with the
    # first board page a process draws: seconds of CPU on a busy machine, with
    # every other page run of the process waiting on the import.
    wire = {**data, "view": json.dumps(data["view"], separators=(",", ":"), ensure_ascii=False)}
    _canvas(key=key, data=wire, default={"revision": None, "gone": None},
            on_revision_change=lambda: None, on_gone_change=lambda: None)
