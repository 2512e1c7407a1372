"""Impact & Learnings review: the impact of a period's boards, what their
postmortems learned and decided, and their actions due or overdue, for a
weekly or fortnightly review meeting."""

from datetime import timedelta

import streamlit as st

from canvas.exports.learnings_review import (
    due_actions, format_duration_or_none, learnings_review_markdown, period_impact,
)
from canvas.actions import PROCESS_REVIEW_QUESTION
from canvas.dates import today_in
from canvas.learnings import decision_of, in_period
from canvas.patterns import PatternFilter
from canvas.text import escape_markdown
from pages.shared import database, identity, navigation, widgets
from storage import actions, impact, learnings

st.title("Impact & Learnings review", anchor=False)
db = database.database()
# Boards may sit in different zones; across them, days are judged in UTC.
today = today_in("UTC")
# The same rule as All actions: boards are private unless the instance lists all.
if database.settings().list_all_boards:
    board_ids = None
else:
    st.caption("Learnings of the boards this browser joined or created.")
    board_ids = identity.known_board_ids()

left, middle, right = st.columns([2, 2, 3], vertical_alignment="bottom")
length = right.segmented_control("Period", ["1 week", "2 weeks", "4 weeks", "13 weeks"],
                                  default="2 weeks", key="review_length", required=True)
start = widgets.date_picker(left, "From", key=f"review_start_{length}",
                            value=today - timedelta(weeks=int(length.split()[0])))
end = widgets.date_picker(middle, "To", key="review_end", value=today)

boards = in_period(learnings.all_learnings(db, board_ids), start, end)
due = due_actions(actions.all_actions(db, board_ids), max(end, today))
period = period_impact(impact.all_impact(db, board_ids), start, end)

patterns_url = navigation.patterns_url(PatternFilter(since=start, until=end).query()) \
    if start <= end else navigation.patterns_url([])
with st.container(horizontal=True):
    st.download_button("Review agenda (.md)",
                       learnings_review_markdown(boards, due, start, end, today, period,
                                                 patterns_url),
                       file_name=f"learnings-review-{start}-{end}.md", mime="text/markdown",
                       key="review_download", icon=":material/download:")
    st.link_button("Patterns of this period", patterns_url, icon=":material/insights:")

st.subheader("Impact", anchor=False)
columns = st.columns(5)
for column, (label, value) in zip(columns, (
        ("Incidents", str(period.incidents)),
        ("Minutes of customer impact", str(period.impact_minutes)),
        ("Mean time to detect", format_duration_or_none(period.mean("detect_seconds"))),
        ("Mean time to resolve", format_duration_or_none(period.mean("resolve_seconds"))),
        ("Actions done / due", f"{period.actions_done} / {period.actions_due}"))):
    column.metric(label, value)
if period.rows:
    st.dataframe(
        [{"Day": row.day, "Board": row.title,
          "Customer impact": format_duration_or_none(row.impact_seconds),
          "Time to detect": format_duration_or_none(row.detect_seconds),
          "Time to resolve": format_duration_or_none(row.resolve_seconds),
          "Done / due": f"{row.actions_done} / {row.actions_due}"} for row in period.rows],
        hide_index=True, width="stretch", key="review_impact",
        column_config={"Day": st.column_config.DateColumn("Day", format="YYYY-MM-DD")})

st.subheader("Learnings", anchor=False)
if not boards:
    st.info("No board in this period recorded learnings.", icon=":material/lightbulb:")
for board in boards:
    with st.container(border=True, key=f"review_board_{board.board_id}"):
        title, link = st.columns([5, 1], vertical_alignment="center")
        title.subheader(escape_markdown(board.title) + f" · {board.day.isoformat()}",
                        anchor=False)
        link.link_button("Open", navigation.share_url(board.board_id))
        for learning in board.learnings:
            st.text(learning.text)
            if (decision := decision_of(learning.id, board.decisions)) is not None:
                st.caption(f"Decision · {decision.kind.label}")
                st.text(f"   {decision.text}"
                        + (f"\n   Trade-off: {decision.trade_off}" if decision.trade_off else ""))

st.subheader("Reviewing the process", anchor=False)
st.caption(PROCESS_REVIEW_QUESTION + " What each board's facilitator answered at close.")
if not period.process_reviews:
    st.info("No board in this period recorded an answer.", icon=":material/rate_review:")
for row in period.process_reviews:
    with st.container(border=True, key=f"review_process_{row.board_id}"):
        st.markdown(f"**{escape_markdown(row.title)}** · {row.day.isoformat()}")
        st.text(row.process_review)

st.subheader("Actions due or overdue", anchor=False)
st.dataframe(
    [{"Due": action.due_date, "Overdue": "⚠ overdue" if action.is_overdue(today) else "",
      "Action": action.title, "Owner": action.owner or "— draft —",
      "Status": action.status.label, "Board": title, "Link": navigation.share_url(board_id)}
     for board_id, title, action in due],
    hide_index=True, width="stretch", key="review_actions",
    column_config={"Link": st.column_config.LinkColumn("Open", display_text="open board"),
                   "Due": st.column_config.DateColumn("Due", format="YYYY-MM-DD")},
)
