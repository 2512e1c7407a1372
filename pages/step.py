"""One sticky-note step of the board (Detect, React, ...): write, group, read."""

import streamlit as st
from pydantic import ValidationError

from canvas.errors import CanvasError, EditConflict
from canvas.models import NOTE_MAX_CHARS, NoteColour, NoteDraft
from canvas.phases import Phase
from canvas.templates import StepKind
from canvas.visibility import author_names, visible_notes
from pages import board_views, common
from storage import notes, participants

page = common.open_board_page()
step = common.current_step(page.template)
board_id = page.board.id
phase = page.phase

common.literal_title(step.title)
st.info(step.prompt, icon=":material/help:")
if step.kind == StepKind.actions:
    st.caption(
        "Propose actions here as notes. Owners, due dates and follow-up tracking are "
        "not part of this version of the board yet."
    )


def add_note() -> None:
    state = st.session_state
    try:
        draft = NoteDraft.model_validate(
            {"text": state["step_text"], "colour": state["step_colour"]}
        )
        with common.database() as db:
            notes.add_note(db, board_id, step.key, draft, page.actor)
    except ValidationError as error:
        # The typed text stays in the box: only a successful add clears it.
        state["step_error"] = common.first_message(error)
        return
    except CanvasError as refusal:
        state["step_error"] = str(refusal)
        return
    state["step_text"] = ""


if phase in (Phase.write, Phase.group):
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
                                      use_container_width=True)
    if error := st.session_state.pop("step_error", None):
        st.error(error)


def delete(note_id: str) -> None:
    common.run_action(notes.delete_note, board_id, note_id, page.actor)
    if "action_error" not in st.session_state:
        st.session_state["step_undo"] = note_id


def restore(note_id: str) -> None:
    common.run_action(notes.restore_note, board_id, note_id, page.actor)
    st.session_state.pop("step_undo", None)


def save_edit(note_id: str, version: int) -> None:
    state = st.session_state
    try:
        draft = NoteDraft.model_validate(
            {"text": state[f"edit_text_{note_id}"], "colour": state[f"edit_colour_{note_id}"]}
        )
        with common.database() as db:
            notes.edit_note(db, board_id, note_id, draft, version, page.actor)
    except ValidationError as error:
        state[f"edit_error_{note_id}"] = common.first_message(error)
    except EditConflict as conflict:
        state[f"edit_error_{note_id}"] = str(conflict)
        state[f"edit_theirs_{note_id}"] = conflict.current_text
    except CanvasError as problem:
        state[f"edit_error_{note_id}"] = str(problem)


if (undo_id := st.session_state.get("step_undo")) is not None:
    left, right = st.columns([5, 1], vertical_alignment="center")
    left.caption("Note deleted.")
    right.button("Undo", key="step_undo_button", on_click=restore, args=(undo_id,))

every_note = notes.list_notes(page.db, board_id, step.key)
mine_only = visible_notes(every_note, phase, page.me.id)
names = author_names(page.board.show_authors, participants.list_participants(page.db, board_id))
may_edit = phase in (Phase.write, Phase.group)


def note_grid(shown) -> None:
    columns = st.columns(3)
    for index, note in enumerate(shown):
        with columns[index % 3]:
            box = common.sticky(note, author=names.get(note.author_id))
            mine = note.author_id == page.me.id or page.is_facilitator
            if may_edit and mine:
                with box.popover("Edit", icon=":material/edit:", key=f"step_menu_{note.id}"):
                    st.text_area("Text", value=note.text, key=f"edit_text_{note.id}", height=120)
                    st.segmented_control(
                        "Colour", list(NoteColour), default=note.colour, required=True,
                        key=f"edit_colour_{note.id}", format_func=lambda colour: colour.value,
                    )
                    save, remove = st.columns(2)
                    save.button("Save", key=f"edit_save_{note.id}", type="primary",
                                on_click=save_edit, args=(note.id, note.version))
                    remove.button("Delete", key=f"edit_delete_{note.id}",
                                  on_click=delete, args=(note.id,))
            if message := st.session_state.pop(f"edit_error_{note.id}", None):
                st.error(message)
            if theirs := st.session_state.pop(f"edit_theirs_{note.id}", None):
                st.caption("Their version:")
                st.text(theirs)


if phase == Phase.write:
    hidden = len(every_note) - len(mine_only)
    st.caption(
        f"Your notes: {len(mine_only)} · others have written {hidden} here, "
        "hidden until the facilitator starts grouping."
    )
    note_grid(mine_only)
elif phase == Phase.group:
    board_views.grouping_board(page, step, every_note)
    with st.expander(f"Edit notes ({len(every_note)})"):
        note_grid(every_note)
else:
    board_views.clustered_view(page, step, every_note, names)

if may_edit:
    deleted = [n for n in notes.list_notes(page.db, board_id, step.key, deleted=True)
               if n.author_id == page.me.id or page.is_facilitator]
    if deleted:
        with st.expander(f"Deleted notes ({len(deleted)})"):
            for note in deleted:
                text, button = st.columns([5, 1], vertical_alignment="center")
                text.text(note.text)
                button.button("Restore", key=f"step_restore_{note.id}", on_click=restore,
                              args=(note.id,))
