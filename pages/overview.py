"""Board overview: every sticky-note step side by side, like the whiteboard on the wall."""

import streamlit as st

from canvas.templates import StepKind
from canvas.session.visibility import author_names
from canvas.text import escape_markdown
from pages.shared import board_page, navigation, widgets

page = board_page.open_board_page()

if st.session_state.pop("board_created", False):
    st.toast("Board created. Send the team the link from **Copy share link** in the top bar.",
             icon=":material/celebration:")
widgets.literal_title(page.board.title)
st.caption(f"{page.template.name} · {page.board.severity.value}")

steps = page.template.note_steps
view = page.view
names = author_names(view.board.show_authors, view.participants)
cluster_names = {c.id: c.name for c in view.clusters}


def actions_column(step) -> None:
    """The actions step shows its actions, the way the PNG does."""
    board_actions = view.actions
    with st.container(key=f"overview_column_{step.key}"):
        st.markdown(f"**{step.title}**")
        st.caption(step.prompt)
        if (target := navigation.page_for(step.key)) is not None:
            st.page_link(target, label=f"{len(board_actions)} actions · open",
                         icon=":material/task_alt:")
        for action in board_actions:
            with st.container(border=True, key=f"overview_action_{action.id}"):
                st.text(action.title)
                st.caption("parked idea" if action.is_parked
                           else "draft: needs an owner and a date" if action.is_draft
                           else f"{action.owner} · due {action.due_date} · {action.status.label}")


def column(step) -> None:
    if step.kind == StepKind.actions:
        actions_column(step)
        return
    mine = view.notes_of(step.key)
    hidden = page.hidden_counts.get(step.key, 0)
    with st.container(key=f"overview_column_{step.key}"):
        st.markdown(f"**{step.title}**")
        st.caption(step.prompt)
        label = f"{len(mine)} notes · open"
        if hidden:
            label = f"{len(mine)} shown · {hidden} hidden"
        if (target := navigation.page_for(step.key)) is not None:
            st.page_link(target, label=label, icon=":material/edit_note:")
        current_cluster = object()
        for note in sorted(mine, key=lambda n: (n.cluster_id is None, n.cluster_id or "", n.position)):
            if note.cluster_id != current_cluster and note.cluster_id in cluster_names:
                st.markdown(f"**▣ {escape_markdown(cluster_names[note.cluster_id])}**")
            current_cluster = note.cluster_id
            widgets.sticky(note, key_suffix="-overview", author=names.get(note.author_id))


# Beyond five columns the notes get too narrow to read; wrap into rows.
PER_ROW = 5
for start in range(0, len(steps), PER_ROW):
    for step, place in zip(steps[start : start + PER_ROW], st.columns(PER_ROW, gap="small")):
        with place:
            column(step)
