"""Postmortem Canvas: page config, database, navigation, and the live routes. Wiring only.

`streamlit run app.py` finds `app` below and serves it; the server then runs
this same file as the page script (as `__main__`), which draws the page.
"""

import streamlit as st

if __name__ == "__main__":
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
else:
    from pages.live import calendar_feed, routes

    app = st.App(__file__, routes=routes.ROUTES + calendar_feed.ROUTES, lifespan=routes.lifespan)
