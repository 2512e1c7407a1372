"""Board overview: every sticky-note step side by side, like the whiteboard on the wall."""

import streamlit as st

from pages import common
from storage import notes

page = common.open_board_page()

if st.session_state.pop("board_created", False):
    st.toast("Board created. Send the share link in the sidebar to the team.", icon="🎉")
common.literal_title(page.board.title)
st.caption(f"{page.template.name} · {page.board.severity.value}")

steps = page.template.note_steps
by_step: dict[str, list] = {step.key: [] for step in steps}
for note in notes.list_notes(page.db, page.board.id):
    by_step.setdefault(note.step_key, []).append(note)

# Beyond five columns the notes get too narrow to read; wrap into rows.
PER_ROW = 5
for start in range(0, len(steps), PER_ROW):
    row = steps[start : start + PER_ROW]
    for step, column in zip(row, st.columns(PER_ROW, gap="small")):
        with column:
            with st.container(key=f"overview_column_{step.key}"):
                st.markdown(f"**{step.title}**")
                st.caption(step.prompt)
                if (target := common.page_for(step.key)) is not None:
                    st.page_link(target, label=f"{len(by_step[step.key])} notes · open",
                                 icon=":material/edit_note:")
                for note in by_step[step.key]:
                    common.sticky(note, key_suffix="-overview")
