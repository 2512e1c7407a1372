"""Shown for an unknown, malformed or deleted board link."""

import streamlit as st

from pages.shared import navigation

st.title("Board not found", anchor=False)
st.write(
    "This link does not lead to a board. It may have been mistyped or cut short "
    "when it was copied, or the board was deleted."
)
st.write("Ask the facilitator for the link again, or start a new board.")
if st.button("Go to the home page", key="not_found_home", type="primary"):
    navigation.leave_board()
    st.rerun()
