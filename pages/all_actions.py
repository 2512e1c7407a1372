"""All actions: every reachable board's follow-ups, so the next postmortem sees
what earlier ones left open."""

import streamlit as st

from canvas.actions import Status
from canvas.dates import today_in
from canvas.text import plural
from pages.shared import database, identity, navigation
from storage import actions

st.title("All actions", anchor=False)
db = database.database()
# Boards may sit in different zones; across them, overdue is judged in UTC.
today = today_in("UTC")
if database.settings().list_all_boards:
    rows = actions.all_actions(db)
else:
    # Boards are private: only the ones this browser joined or created.
    st.caption("Actions of the boards this browser joined or created.")
    rows = actions.all_actions(db, identity.known_board_ids())

owners = sorted({a.owner for _, _, a in rows if a.owner})
board_titles = sorted({title for _, title, _ in rows})
left, middle, right, last = st.columns([3, 3, 3, 2], vertical_alignment="bottom")
picked_owners = left.multiselect("Owner", owners, key="all_owner")
picked_status = middle.multiselect("Status", list(Status), key="all_status",
                                   default=[Status.open, Status.in_progress],
                                   format_func=lambda s: s.label)
picked_boards = right.multiselect("Board", board_titles, key="all_board")
only_overdue = last.toggle("Overdue only", key="all_overdue")

shown = [
    (board_id, title, action) for board_id, title, action in rows
    if (not picked_owners or action.owner in picked_owners)
    and (not picked_status or action.status in picked_status)
    and (not picked_boards or title in picked_boards)
    and (not only_overdue or action.is_overdue(today))
]
st.caption(f"{len(shown)} of {plural(len(rows), 'action')} · "
           f"{sum(a.is_overdue(today) for _, _, a in shown)} overdue · "
           f"{plural(sum(a.is_open_draft for _, _, a in shown), 'draft')}")
st.dataframe(
    [
        {
            "Due": action.due_date, "Overdue": "⚠ overdue" if action.is_overdue(today) else "",
            "Action": action.title, "Owner": action.owner or "— draft —",
            "Status": action.status.label, "Type": action.type.label,
            "Priority": action.priority.value, "Success signal": action.success_signal,
            "Review": action.review_date,
            "Board": title, "Link": navigation.share_url(board_id),
        }
        for board_id, title, action in shown
    ],
    hide_index=True, width="stretch", key="all_table",
    column_config={"Link": st.column_config.LinkColumn("Open", display_text="open board"),
                   "Due": st.column_config.DateColumn("Due", format="YYYY-MM-DD"),
                   "Review": st.column_config.DateColumn("Follow-up review", format="YYYY-MM-DD")},
)
