"""A sticky-note step page (Detect, React, ...): its question and follow-ups, writing,
editing, the link to a timeline moment, the deleted-notes bin, and the notes as
the board groups them. Both step.py and factors.py draw it with `show`.
Grouping and voting happen on the live board (pages/board.py)."""

from __future__ import annotations

import streamlit as st

from canvas.errors import EditConflict
from canvas.incident.timeline import describe_event, format_clock
from canvas.models import NOTE_MAX_CHARS, Note, NoteColour, NoteDraft
from canvas.review.language import check_text
from canvas.session.phases import Action
from canvas.session.visibility import author_names, visible_bin
from canvas.session.voting import cluster_votes
from canvas.templates import Step
from canvas.text import escape_markdown
from pages.shared import board_page, feedback, navigation, widgets
from storage import notes


def show() -> tuple[board_page.BoardPage, Step]:
    """Draw the step this page was opened for; returns the page and the step,
    for a page that adds its own section below."""
    page = board_page.open_board_page()
    step = navigation.current_step(page.template)
    widgets.literal_title(step.title)
    widgets.step_prompt(step)
    if page.may(Action.write_note):
        _add_form(page, step)
    if (undo_id := st.session_state.get("step_undo")) is not None:
        left, right = st.columns([5, 1], vertical_alignment="center")
        left.caption("Note deleted.")
        right.button("Undo", key="step_undo_button", on_click=_restore, args=(page, undo_id))
    _notes(page, step)
    if page.may(Action.change_note, page.me.id):
        _deleted_bin(page, step)
    return page, step


# --- writing -------------------------------------------------------------------------


def _add_form(page: board_page.BoardPage, step: Step) -> None:
    with st.form("step_add", border=True, enter_to_submit=False):
        st.text_area(
            "New note", key="step_text", height=90,
            placeholder="One idea per note. Describe the situation and the system, not the person.",
            help=f"Up to {NOTE_MAX_CHARS:,} characters.",
        )
        colour_col, button_col = st.columns([4, 1], vertical_alignment="bottom")
        colour_col.segmented_control(
            "Colour", list(NoteColour), key="step_colour", default=NoteColour.yellow,
            format_func=lambda colour: colour.value, required=True,
        )
        button_col.form_submit_button("Add note", type="primary", on_click=_add_note,
                                      args=(page, step), width="stretch")
    if error := st.session_state.pop("step_error", None):
        st.error(error)


def _add_note(page: board_page.BoardPage, step: Step) -> None:
    state = st.session_state

    def write(db) -> None:
        draft = NoteDraft.model_validate({"text": state["step_text"], "colour": state["step_colour"]})
        notes.add_note(db, page.board.id, step.key, draft, page.credentials)

    # The typed text stays in the box: only a successful add clears it.
    if feedback.run_action(write, error_key="step_error"):
        state["step_text"] = ""


def _delete(page: board_page.BoardPage, note_id: str) -> None:
    if feedback.run_action(notes.delete_note, page.board.id, note_id, page.credentials):
        st.session_state["step_undo"] = note_id


def _restore(page: board_page.BoardPage, note_id: str) -> None:
    feedback.run_action(notes.restore_note, page.board.id, note_id, page.credentials)
    st.session_state.pop("step_undo", None)


def _save_edit(page: board_page.BoardPage, note_id: str, version: int) -> None:
    state = st.session_state

    def write(db) -> None:
        draft = NoteDraft.model_validate(
            {"text": state[f"edit_text_{note_id}"], "colour": state[f"edit_colour_{note_id}"]}
        )
        try:
            notes.edit_note(db, page.board.id, note_id, draft, version, page.credentials)
        except EditConflict as conflict:
            state[f"edit_theirs_{note_id}"] = conflict.current_text
            raise

    feedback.run_action(write, error_key=f"edit_error_{note_id}")


def _link_note(page: board_page.BoardPage, note_id: str) -> None:
    # On a refusal the picker shows the stored link again on this run; the
    # reason goes under the note.
    feedback.run_action(notes.link_note_to_event, page.board.id, note_id,
                        st.session_state[f"step_link_{note_id}"], page.credentials,
                        error_key=f"edit_error_{note_id}")


def _mark_assumption(page: board_page.BoardPage, note_id: str) -> None:
    feedback.run_action(notes.mark_assumption, page.board.id, note_id,
                        st.session_state[f"step_assumption_{note_id}"], page.credentials,
                        error_key=f"edit_error_{note_id}")


# --- the notes -------------------------------------------------------------------------


def _notes(page: board_page.BoardPage, step: Step) -> None:
    # Only what this person may receive (in Write: their own notes and the ones
    # written before the meeting).
    shown = page.view.notes_of(step.key)
    names = author_names(page.board.show_authors, page.view.participants)
    if page.may(Action.group):
        if (board := navigation.page_for("board")) is not None:
            st.page_link(board, label="Group on the board: drag a note onto another note or a cluster",
                         icon=":material/dashboard:")
        with st.expander(f"Edit notes ({len(shown)})"):
            _note_grid(page, step, shown, names)
    elif page.may(Action.write_note):
        hidden = page.hidden_counts.get(step.key, 0)
        st.caption(
            f"Shown: {len(shown)} (yours and any written before the meeting) · "
            f"others have written {hidden} here, hidden until the facilitator starts grouping."
        )
        _note_grid(page, step, shown, names)
    else:
        _clustered(page, step, shown, names)


def _moments(page: board_page.BoardPage) -> dict:
    # The moments a note can point at; a note tied to a deleted event keeps its
    # link in the database, but shows it only once the event is restored.
    return {event.id: event for event in page.view.events}


def _note_grid(page: board_page.BoardPage, step: Step, shown: list[Note], names: dict[str, str]) -> None:
    moments = _moments(page)
    zone = page.board.timezone
    display_names = [person.display_name for person in page.view.participants]
    may_link = page.may(Action.link_note)
    may_mark = page.may(Action.mark_assumption)
    columns = st.columns(3)
    for index, note in enumerate(shown):
        with columns[index % 3]:
            box = widgets.sticky(note, author=names.get(note.author_id))
            if (moment := moments.get(note.event_id)) is not None:
                # A Material icon, not the ⏱ emoji: machines without an emoji
                # font (headless Linux) draw the emoji as an empty box.
                box.caption(f":material/timer: {format_clock(moment.at, zone)} · "
                            f"{moment.kind.label.lower()}")
            if note.is_assumption:
                box.caption(":material/help: Assumption to verify")
            if note.author_id == page.me.id:
                # Only the writer sees the nudge on their own note: a nudge, not a pillory.
                widgets.show_nudges(
                    check_text(note.text, names=display_names,
                               names_as_subjects=step.names_as_subjects),
                    key=f"nudge_{note.id}",
                )
            may_change = page.may(Action.change_note, note.author_id)
            if may_change or may_link or may_mark:
                with box.popover("Edit", icon=":material/edit:", key=f"step_menu_{note.id}"):
                    if may_change:
                        _edit_fields(page, note)
                    if may_link:
                        _link_picker(page, note, moments)
                    if may_mark:
                        _assumption_toggle(page, note)
            if message := st.session_state.pop(f"edit_error_{note.id}", None):
                st.error(message)
            if theirs := st.session_state.pop(f"edit_theirs_{note.id}", None):
                st.caption("Their version:")
                st.text(theirs)


def _edit_fields(page: board_page.BoardPage, note: Note) -> None:
    st.text_area("Text", value=note.text, key=f"edit_text_{note.id}", height=120)
    st.segmented_control(
        "Colour", list(NoteColour), default=note.colour, required=True,
        key=f"edit_colour_{note.id}", format_func=lambda colour: colour.value,
    )
    save, remove = st.columns(2)
    save.button("Save", key=f"edit_save_{note.id}", type="primary",
                on_click=_save_edit, args=(page, note.id, note.version))
    remove.button("Delete", key=f"edit_delete_{note.id}", on_click=_delete, args=(page, note.id))


def _assumption_toggle(page: board_page.BoardPage, note: Note) -> None:
    """Mark the note as an assumption to verify; saved as soon as it is ticked."""
    key = f"step_assumption_{note.id}"
    # From storage on every run, like the link picker: it follows someone else's change.
    st.session_state[key] = note.is_assumption
    st.checkbox("Assumption to verify", key=key, on_change=_mark_assumption, args=(page, note.id),
                help="Something the team believes but has not checked yet; the exports label "
                     "it. Anyone on the board can set it.")


def _link_picker(page: board_page.BoardPage, note: Note, moments: dict) -> None:
    """Tie the note to a moment of the timeline; saved as soon as it is picked."""
    key = f"step_link_{note.id}"
    zone = page.board.timezone
    # Set from storage on every run, before the widget is drawn, so the
    # picker follows a link someone else changed (or a refused change).
    st.session_state[key] = note.event_id if note.event_id in moments else None
    st.selectbox(
        "Linked moment", [None, *moments], key=key,
        format_func=lambda event_id: "None" if event_id is None
        else describe_event(moments[event_id], zone, limit=24),
        on_change=_link_note, args=(page, note.id), disabled=not moments,
        help="The moment of the timeline this note is about (times in the board's zone, "
             f"{zone}). Anyone on the board can set it." if moments else
             "The timeline has no events yet.",
    )


def _clustered(page: board_page.BoardPage, step: Step, step_notes: list[Note],
               names: dict[str, str]) -> None:
    """Read-only: each cluster with its notes, then the ungrouped notes; totals once revealed."""
    # The view holds totals only once they are revealed.
    totals = page.view.tallies if page.view.board.votes_revealed else None
    for cluster in page.view.clusters_of(step.key):
        members = [n for n in step_notes if n.cluster_id == cluster.id]
        with st.container(border=True, key=f"cluster_{cluster.id}"):
            dots = ""
            if totals is not None:
                count = cluster_votes(cluster.id, (n.id for n in members), totals)
                dots = f" · {count} vote{'s' if count != 1 else ''}"
            st.markdown(f"**▣ {escape_markdown(cluster.name)}**{dots}")
            columns = st.columns(3)
            for index, note in enumerate(members):
                with columns[index % 3]:
                    widgets.sticky(note, author=names.get(note.author_id))
    loose = [n for n in step_notes if n.cluster_id is None]
    if loose:
        st.caption("Not grouped")
        columns = st.columns(3)
        for index, note in enumerate(loose):
            with columns[index % 3]:
                box = widgets.sticky(note, author=names.get(note.author_id))
                if totals is not None:
                    count = totals.get(note.id, 0)
                    box.caption(f"{count} vote{'s' if count != 1 else ''}")


def _deleted_bin(page: board_page.BoardPage, step: Step) -> None:
    deleted = visible_bin(notes.list_notes(page.db, page.board.id, step.key, deleted=True),
                          page.view.board.phase, page.viewer)
    if deleted:
        with st.expander(f"Deleted notes ({len(deleted)})"):
            for note in deleted:
                text, button = st.columns([5, 1], vertical_alignment="center")
                text.text(note.text)
                button.button("Restore", key=f"step_restore_{note.id}", on_click=_restore,
                              args=(page, note.id))
