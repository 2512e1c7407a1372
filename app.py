"""Postmortem Canvas: page config, database, navigation, and the web routes (web/). Wiring only.

`streamlit run app.py` finds `app` below and serves it; the server then runs
this same file as the page script (as `__main__`), which draws the page.
"""

import streamlit as st

if __name__ == "__main__":
    from pages.shared import database, feedback, navigation, sign_in, widgets

    st.set_page_config(page_title="Postmortem Canvas", page_icon="🗒️", layout="wide")
    widgets.inject_css()
    with feedback.shown_errors():
        sign_in.gate()

    with feedback.shown_errors(), database.database() as db:
        selection = navigation.select_board(db)
    page = st.navigation(navigation.build_navigation(selection), expanded=True)
    navigation.keep_board_in_url(selection.board)
    navigation.remember_current_page(page)
    with navigation.timed_page_run(), feedback.shown_errors():
        page.run()
else:
    from streamlit.runtime.pages_manager import PagesManager

    from web import routes

    # `pages/` holds the scripts st.navigation runs, not Streamlit's older
    # folder-based pages. Left to guess from the folder, Streamlit runs the
    # first session as such an app: a first visit straight to /all-actions then
    # shows "Page not found" over the right page (streamlit#8860, #9992).
    PagesManager.uses_pages_directory = False

    app = st.App(__file__, routes=routes.ROUTES, lifespan=routes.lifespan)
