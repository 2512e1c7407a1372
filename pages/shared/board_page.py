"""The start of every board page: the board, who is looking (asking to join if unknown),
what they may see and do, and the live top bar."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import streamlit as st
from pydantic import TypeAdapter

from canvas.errors import (
    ParticipantNotFound,
)
from canvas.models import Board, DisplayName, Participant
from canvas.session.phases import Action, Actor, Credentials, Phase, allowed
from canvas.session.visibility import Viewer, hidden_note_counts, visible_snapshot
from canvas.snapshot import BoardSnapshot
from canvas.templates import Template
from pages.shared.database import database
from pages.shared.feedback import run_action, show_action_error
from pages.shared.identity import _remembered_identity, keep_presence, remember_identity
from pages.shared.navigation import current_board
from pages.shared.sign_in import signed_in_person
from pages.shared.widgets import literal_title, show_sidebar
from storage import board_access, facilitation, participants
from storage.db import Database
from storage.snapshot import load_snapshot


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
    person = signed_in_person()
    if person is not None:
        token, key = _seat_of_signed_in(db, board, person, token, key)
    try:
        me = participants.participant_by_token(db, board.id, token)
    except ParticipantNotFound:
        show_sidebar(board)
        _join_form(board)
        st.stop()
    credentials = Credentials(participant_id=me.id, facilitator_key=key)
    page = BoardPage(db, board, board.template_model, me, credentials,
                     facilitation.is_facilitator(db, board.id, key))
    keep_presence(db, me)
    show_sidebar(board)
    if person is not None:
        _name_on_board(board, person, me)
    if top_bar:
        live_top_bar(page)
    show_action_error()
    return page


def _seat_of_signed_in(db: Database, board: Board, person, token: str | None,
                       key: str | None) -> tuple[str | None, str | None]:
    """With sign-in on: the board's access list decides who may open it; the
    person's own seat (made the first time, named as their identity provider
    names them) and, for a facilitator by identity, a facilitator key, both
    kept by this browser. A new browser, device or cleared storage so gets
    both back without a link."""
    decision = board_access.may_open(db, board.id, person)
    if not decision.allowed:
        show_sidebar(board)
        literal_title(board.title)
        st.error(decision.refusal)
        st.stop()
    try:
        mine = participants.participant_by_token(db, board.id, token)
        seated = board_access.is_seat_of(db, board.id, mine.id, person)
    except ParticipantNotFound:
        seated = False
    if not seated:
        def sit(write_db: Database) -> None:
            _, new_token = board_access.take_seat(write_db, board.id, person)
            remember_identity(board.id, token=new_token)

        if not run_action(sit, error_key="seat_error"):
            show_sidebar(board)
            st.error(st.session_state.pop("seat_error"))
            st.stop()
    if not facilitation.is_facilitator(db, board.id, key) and board_access.is_facilitator(
            db, board.id, person.email):
        def facilitate(write_db: Database) -> None:
            remember_identity(board.id, facilitator_key=board_access.facilitator_key_for(
                write_db, board.id, person))

        run_action(facilitate, error_key="seat_error")
    known = st.session_state.setdefault("identities", {}).setdefault(board.id, {})
    if (known.get("token") or token, known.get("facilitator_key") or key) != (token, key):
        # Once more, so this browser keeps the new seat and key (the identity
        # component writes them) before the board's canvas reads them.
        st.rerun()
    return token, key


def _name_on_board(board: Board, person, me: Participant) -> None:
    """The name this board shows for a signed-in person: their provider's,
    which they may shorten (never replace) here."""
    with st.sidebar, st.form("seat_name", border=False):
        st.text_input("Your name on this board", value=me.display_name, key="seat_name_value",
                      max_chars=40, help="Your name as you sign in, shortened as you like "
                      "(\"Alexandra F.\"); it stays recognisably yours.")
        if st.form_submit_button("Save name"):
            if run_action(lambda db: board_access.rename_seat(db, board.id, person,
                                                             st.session_state["seat_name_value"]),
                          error_key="seat_name_error"):
                st.rerun()
            st.error(st.session_state.pop("seat_name_error"))


def live_top_bar(page: BoardPage) -> None:
    """The phase stepper, the facilitator's controls, the timer and who is
    here, kept live by the board's event stream; a change someone makes
    reruns this page (no polling)."""
    # Imported only when a bar is drawn: importing the component reads the canvas files and
    # board.css and declares it to Streamlit.
    from pages.live import component

    component.show(component.live_data(page.db, page.board.id, page.me.id, page.is_facilitator,
                                       mode="bar"))


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
