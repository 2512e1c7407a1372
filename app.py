"""Postmortem Canvas: page config, database, navigation. Wiring only."""

import streamlit as st

from pages import common

st.set_page_config(page_title="Postmortem Canvas", page_icon="🗒️", layout="wide")
common.inject_css()

with common.shown_errors(), common.database() as db:
    selection = common.select_board(db)
page = st.navigation(common.build_navigation(selection), expanded=True)
common.keep_board_in_url(selection.board)
common.remember_current_page(page)
with common.timed_page_run(), common.shown_errors():
    page.run()
