"""One sticky-note step of the board (Detect, React, ...): write, group, read."""

import streamlit as st

from canvas.errors import EditConflict
from canvas.models import NOTE_MAX_CHARS, NoteColour, NoteDraft
from canvas.review.language import check_text
from canvas.session.phases import Action
from canvas.incident.timeline import describe_event, format_clock
from canvas.session.visibility import author_names, visible_bin
from pages import board_views, common
from storage import notes

page = common.open_board_page()
step = common.current_step(page.template)
board_id = page.board.id

common.literal_title(step.title)
common.step_prompt(step)


def add_note() -> None:
    state = st.session_state

    def write(db) -> None:
        draft = NoteDraft.model_validate({"text": state["step_text"], "colour": state["step_colour"]})
        notes.add_note(db, board_id, step.key, draft, page.credentials)

    # The typed text stays in the box: only a successful add clears it.
    if common.run_action(write, error_key="step_error"):
        state["step_text"] = ""


if page.may(Action.write_note):
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
        button_col.form_submit_button("Add note", type="primary", on_click=add_note,
                                      width="stretch")
    if error := st.session_state.pop("step_error", None):
        st.error(error)


def delete(note_id: str) -> None:
    if common.run_action(notes.delete_note, board_id, note_id, page.credentials):
        st.session_state["step_undo"] = note_id


def restore(note_id: str) -> None:
    common.run_action(notes.restore_note, board_id, note_id, page.credentials)
    st.session_state.pop("step_undo", None)


def save_edit(note_id: str, version: int) -> None:
    state = st.session_state

    def write(db) -> None:
        draft = NoteDraft.model_validate(
            {"text": state[f"edit_text_{note_id}"], "colour": state[f"edit_colour_{note_id}"]}
        )
        try:
            notes.edit_note(db, board_id, note_id, draft, version, page.credentials)
        except EditConflict as conflict:
            state[f"edit_theirs_{note_id}"] = conflict.current_text
            raise

    common.run_action(write, error_key=f"edit_error_{note_id}")


def link_note(note_id: str) -> None:
    # On a refusal the picker shows the stored link again on this run; the
    # reason goes under the note.
    common.run_action(notes.link_note_to_event, board_id, note_id,
                      st.session_state[f"step_link_{note_id}"], page.credentials,
                      error_key=f"edit_error_{note_id}")


def mark_assumption(note_id: str) -> None:
    common.run_action(notes.mark_assumption, board_id, note_id,
                      st.session_state[f"step_assumption_{note_id}"], page.credentials,
                      error_key=f"edit_error_{note_id}")


if (undo_id := st.session_state.get("step_undo")) is not None:
    left, right = st.columns([5, 1], vertical_alignment="center")
    left.caption("Note deleted.")
    right.button("Undo", key="step_undo_button", on_click=restore, args=(undo_id,))

# Only what this person may receive (in Write: their own notes and the ones
# written before the meeting).
shown_notes = page.view.notes_of(step.key)
people = page.view.participants
names = author_names(page.board.show_authors, people)
display_names = [person.display_name for person in people]
may_link = page.may(Action.link_note)
may_mark = page.may(Action.mark_assumption)
# The moments a note can point at; a note tied to a deleted event keeps its
# link in the database, but shows it only once the event is restored.
moments = {event.id: event for event in page.view.events}
zone = page.board.timezone


def describe_moment(event_id: str | None) -> str:
    return "None" if event_id is None else describe_event(moments[event_id], zone, limit=24)


def note_grid(shown) -> None:
    columns = st.columns(3)
    for index, note in enumerate(shown):
        with columns[index % 3]:
            box = common.sticky(note, author=names.get(note.author_id))
            if (moment := moments.get(note.event_id)) is not None:
                # A Material icon, not the ⏱ emoji: machines without an emoji
                # font (headless Linux) draw the emoji as an empty box.
                box.caption(f":material/timer: {format_clock(moment.at, zone)} · "
                            f"{moment.kind.label.lower()}")
            if note.is_assumption:
                box.caption(":material/help: Assumption to verify")
            if note.author_id == page.me.id:
                # Only the writer sees the nudge on their own note: a nudge, not a pillory.
                common.show_nudges(
                    check_text(note.text, names=display_names,
                               names_as_subjects=step.names_as_subjects),
                    key=f"nudge_{note.id}",
                )
            may_change = page.may(Action.change_note, note.author_id)
            if may_change or may_link or may_mark:
                with box.popover("Edit", icon=":material/edit:", key=f"step_menu_{note.id}"):
                    if may_change:
                        edit_fields(note)
                    if may_link:
                        link_picker(note)
                    if may_mark:
                        assumption_toggle(note)
            if message := st.session_state.pop(f"edit_error_{note.id}", None):
                st.error(message)
            if theirs := st.session_state.pop(f"edit_theirs_{note.id}", None):
                st.caption("Their version:")
                st.text(theirs)


def edit_fields(note) -> None:
    st.text_area("Text", value=note.text, key=f"edit_text_{note.id}", height=120)
    st.segmented_control(
        "Colour", list(NoteColour), default=note.colour, required=True,
        key=f"edit_colour_{note.id}", format_func=lambda colour: colour.value,
    )
    save, remove = st.columns(2)
    save.button("Save", key=f"edit_save_{note.id}", type="primary",
                on_click=save_edit, args=(note.id, note.version))
    remove.button("Delete", key=f"edit_delete_{note.id}", on_click=delete, args=(note.id,))


def assumption_toggle(note) -> None:
    """Mark the note as an assumption to verify; saved as soon as it is ticked."""
    key = f"step_assumption_{note.id}"
    # From storage on every run, like the link picker: it follows someone else's change.
    st.session_state[key] = note.is_assumption
    st.checkbox("Assumption to verify", key=key, on_change=mark_assumption, args=(note.id,),
                help="Something the team believes but has not checked yet; the exports label "
                     "it. Anyone on the board can set it.")


def link_picker(note) -> None:
    """Tie the note to a moment of the timeline; saved as soon as it is picked."""
    key = f"step_link_{note.id}"
    # Set from storage on every run, before the widget is drawn, so the
    # picker follows a link someone else changed (or a refused change).
    st.session_state[key] = note.event_id if note.event_id in moments else None
    st.selectbox(
        "Linked moment", [None, *moments], key=key, format_func=describe_moment,
        on_change=link_note, args=(note.id,), disabled=not moments,
        help="The moment of the timeline this note is about (times in the board's zone, "
             f"{zone}). Anyone on the board can set it." if moments else
             "The timeline has no events yet.",
    )


if page.may(Action.group):
    board_views.grouping_board(page, step, shown_notes)
    with st.expander(f"Edit notes ({len(shown_notes)})"):
        note_grid(shown_notes)
elif page.may(Action.write_note):
    hidden = page.hidden_counts.get(step.key, 0)
    st.caption(
        f"Shown: {len(shown_notes)} (yours and any written before the meeting) · "
        f"others have written {hidden} here, hidden until the facilitator starts grouping."
    )
    note_grid(shown_notes)
else:
    board_views.clustered_view(page, step, shown_notes, names)

if page.may(Action.change_note, page.me.id):
    deleted = visible_bin(notes.list_notes(page.db, board_id, step.key, deleted=True),
                          page.view.board.phase, page.viewer)
    if deleted:
        with st.expander(f"Deleted notes ({len(deleted)})"):
            for note in deleted:
                text, button = st.columns([5, 1], vertical_alignment="center")
                text.text(note.text)
                button.button("Restore", key=f"step_restore_{note.id}", on_click=restore,
                              args=(note.id,))
