"""The rough timeline step. Events imported with the board are listed here;
editing them, the chart and the derived durations are not in this version."""

import streamlit as st

from pages import common
from storage import events

page = common.open_board_page()
step = common.current_step(page.template)

st.title(step.title, anchor=False)
st.info(step.prompt, icon=":material/help:")
st.warning(
    "Editing the timeline, the chart and the derived durations (time to detect, "
    "mitigate, resolve) are not in this version yet. Events imported with "
    "`postmortem-canvas import` are listed below.",
    icon=":material/construction:",
)
rows = events.list_events(page.db, page.board.id)
if not rows:
    st.caption("No events yet.")
else:
    st.dataframe(
        [
            {"Time (UTC)": event.at.strftime("%Y-%m-%d %H:%M UTC"),
             "Kind": event.kind.label, "What happened": event.text}
            for event in rows
        ],
        hide_index=True,
        use_container_width=True,
    )
