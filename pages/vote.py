"""Dot voting on every cluster and ungrouped note of the board."""

import streamlit as st

from canvas.session.grouping import votable_items
from canvas.session.phases import Action
from canvas.text import escape_markdown
from pages.shared import board_page, feedback
from storage import votes

page = board_page.open_board_page()
board = page.board

st.title("Vote", anchor=False)
mine = votes.my_votes(page.db, board.id, page.me.id)
spent = sum(mine.values())
left = board.vote_budget - spent
voting_open = page.may(Action.vote)

if not voting_open:
    st.caption("Voting is open while the board is in the Vote phase.")
st.markdown(
    f"**You have {left} of {board.vote_budget} votes left.** "
    f"At most {board.vote_max_per_item} on one item. "
    + ("Votes are revealed." if board.votes_revealed else "Votes are blind: you see only your own.")
)
if page.is_facilitator:
    people, dots = votes.voters(page.db, board.id)
    st.caption(f"{people} people have placed {dots} votes so far.")

# Only what this person may receive: in Write, nobody else's notes; totals
# only once revealed.
view = page.view
totals = view.tallies if view.board.votes_revealed else None
items = votable_items(page.template, view.notes, view.clusters, totals)
titles = {step.key: step.title for step in page.template.steps}
current_step = None
for item in items:
    if item.step_key != current_step:
        current_step = item.step_key
        st.subheader(titles.get(item.step_key, item.step_key), anchor=False)
    with st.container(border=True, key=f"vote_item_{item.id}"):
        text, dots, buttons = st.columns([6, 2, 2], vertical_alignment="center")
        if item.kind == "cluster":
            text.markdown(f"**▣ {escape_markdown(item.title)}**")
            for note_text in item.note_texts:
                text.text(f"• {note_text}")
        else:
            text.text(item.title)
        have = mine.get(item.id, 0)
        dots.markdown("●" * have + "○" * (board.vote_max_per_item - have))
        if totals is not None:
            dots.caption(f"{item.votes} in total")
        if voting_open:
            add, remove = buttons.columns(2)
            # `seen` makes a double click count once: the second click carries
            # the same count the first one already moved past.
            add.button("＋", key=f"vote_add_{item.id}", help="Add a vote",
                       disabled=left <= 0 or have >= board.vote_max_per_item,
                       on_click=feedback.run_action,
                       args=(votes.cast_vote, board.id, page.credentials, item.id, have))
            remove.button("－", key=f"vote_remove_{item.id}", help="Take a vote back",
                          disabled=have == 0,
                          on_click=feedback.run_action,
                          args=(votes.retract_vote, board.id, page.credentials, item.id,
                                have))
if not items:
    st.caption("Nothing to vote on yet.")
