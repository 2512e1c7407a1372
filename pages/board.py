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
        "max-width: none; }</style>")
page = board_page.open_board_page(top_bar=False)

if st.session_state.pop("board_created", False):
    st.toast("Board created. Send the team the link from **Copy share link** in the top bar.",
             icon=":material/celebration:")
component.show(component.live_data(page.db, page.board.id, page.me.id, page.is_facilitator,
                                   mode="board"))
