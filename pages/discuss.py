"""Discuss: items ranked by votes; the facilitator focuses one at a time."""

import streamlit as st

from canvas.actions import draft_for_item
from canvas.session.grouping import votable_items
from canvas.session.phases import Action
from canvas.session.voting import RankedItem, rank
from canvas.text import escape_markdown
from pages.shared import board_page, feedback
from storage import actions, facilitation

page = board_page.open_board_page()
board = page.board
# Only what this person may receive: revealed totals, and in Write (votes may
# be revealed early) nobody else's notes.
view = page.view

st.title("Discuss", anchor=False)
if not view.board.votes_revealed:
    st.caption("The ranking appears once the facilitator reveals the votes or starts Discuss.")
    st.stop()

items = votable_items(page.template, view.notes, view.clusters, view.tallies)
by_id = {item.id: item for item in items}
ranking = rank(RankedItem(item_id=i.id, votes=i.votes, step_index=i.step_index, position=i.position)
               for i in items)
st.caption("Most votes first; ties go to the earlier step, then to the item created first.")
titles = {step.key: step.title for step in page.template.steps}

focus = by_id.get(board.focus_item or "")
if focus is not None:
    with st.container(border=True, key="discuss_focus"):
        st.caption(f"Now discussing · {titles.get(focus.step_key, '')} · {focus.votes} votes")
        st.markdown(f"### {escape_markdown(focus.title)}")
        for text in focus.note_texts if focus.kind == "cluster" else []:
            st.text(f"• {text}")

made_into_actions = {a.source_id for a in view.actions if a.source_id}


def make_action(item) -> None:
    if feedback.run_action(actions.add_action_from_item, board.id,
                         draft_for_item(item, page.template), page.credentials):
        st.session_state["discuss_made"] = item.id


if st.session_state.pop("discuss_made", None):
    st.toast("Action drafted. Give it an owner and a due date under Next steps.",
             icon=":material/task_alt:")

for place, ranked in enumerate(ranking, start=1):
    item = by_id[ranked.item_id]
    focused = focus is not None and focus.id == item.id
    with st.container(border=True, key=f"discuss_item_{item.id}"):
        text, meta, action = st.columns([6, 2, 2], vertical_alignment="center")
        label = f"{place}. " + ("▣ " if item.kind == "cluster" else "") + item.title
        text.text(label)
        if item.kind == "cluster":
            text.caption(" · ".join(item.note_texts)[:300])
        meta.markdown(f"**{item.votes}** vote{'s' if item.votes != 1 else ''}")
        meta.caption(titles.get(item.step_key, ""))
        if page.may(Action.focus):
            action.button("Focused" if focused else "Focus", key=f"discuss_focus_{item.id}",
                          disabled=focused, on_click=feedback.run_action,
                          args=(facilitation.set_focus, board.id,
                                page.credentials.facilitator_key, item.id))
        if item.id in made_into_actions:
            action.caption("✓ has an action")
        elif page.may(Action.action_from_item):
            action.button("Make it an action", key=f"discuss_action_{item.id}",
                          on_click=make_action, args=(item,))
