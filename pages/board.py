"""The board screen: where a board link lands and the whole session happens.

Write, Group, Vote and Discuss all happen on one live canvas (pages/live):
the page only works out who is looking and hands the component its first
view; the canvas then follows the board through its event stream.
"""

import streamlit as st

from pages.shared import board_page
from pages.live import component

# The canvas needs the width: a thin margin, so two columns fit beside the
# sidebar at 1024 px.
st.html("<style>[data-testid=stMainBlockContainer] { padding-left: 1rem; padding-right: 1rem; "
        "max-width: none; } "
        # The bar sticks just below Streamlit's header: notes scrolling up pass
        # behind an opaque header, not through a see-through gap.
        "[data-testid=stHeader] { background: #fbf8f1; }</style>")
page = board_page.open_board_page(top_bar=False)

# Above the board, not over it: a toast would cover the bar's timer and its
# Copy share link. Shown once; Dismiss (or any later run) takes it away.
if st.session_state.pop("board_created", False):
    with st.container(key="board_created"):
        said, dismiss = st.columns([6, 1], vertical_alignment="center")
        said.success("Board created. Send the team the link from **Copy share link** in the top bar.",
                     icon=":material/celebration:")
        dismiss.button("Dismiss", key="board_created_dismiss")
component.show(component.live_data(page.db, page.board.id, page.me.id, page.is_facilitator,
                                   mode="board"))
