"""Patterns: what recurs across postmortems and how fast the team responds,
over the boards of a period, as charts."""

from datetime import timedelta

import streamlit as st
from pydantic import ValidationError

from canvas.dates import today_in
from canvas.incident.timeline import format_duration
from canvas.models import ReviewType, Severity
from canvas.patterns import DURATION_LABELS, DURATIONS, NO_BOARDS, PatternFilter, compute_patterns
from canvas.patterns_charts import (
    actions_figure, categories_figure, decisions_figure, duration_figure, has_data, labels_figure,
    reviews_figure,
)
from canvas.similarity import suggest_groups
from canvas.text import plural
from pages.shared import database, feedback, identity, navigation, widgets
from storage.patterns import pattern_boards

CHART_CONFIG = {"displaylogo": False,
                "toImageButtonOptions": {"format": "png", "filename": "patterns", "scale": 2}}
FIELDS = {"since": "patterns_since", "until": "patterns_until", "type": "patterns_type",
          "severity": "patterns_severity", "label": "patterns_label"}


@st.cache_data(max_entries=32, show_spinner=False)
def _alike_texts(texts: tuple[str, ...]) -> list:
    # The comparison grows with the square of the factors; the same period
    # asked again (every rerun of this page) reuses it.
    return suggest_groups(list(texts))


def _alike_factors(texts: list[str]) -> list:
    return _alike_texts(tuple(texts))


st.title("Patterns", anchor=False)
db = database.database()
# Boards may sit in different zones; across them, days are judged in UTC.
today = today_in("UTC")
# The same rule as All actions: boards are private unless the instance lists all.
board_ids = None if database.settings().list_all_boards else identity.known_board_ids()

# A link (from the Learnings review's agenda) carries its filter: it seeds
# the widgets on this tab's first visit, and the widgets win from then on.
linked = PatternFilter()
if "patterns_seeded" not in st.session_state:
    st.session_state["patterns_seeded"] = True
    try:
        linked = PatternFilter.from_query(
            {name: st.query_params.get_all(name) for name in FIELDS})
    except ValidationError as error:
        st.warning("The link's filter was left out: " + feedback.first_message(error),
                   icon=":material/link_off:")
for key, value in ((FIELDS["since"], linked.since or today - timedelta(days=365)),
                   (FIELDS["until"], linked.until or today), (FIELDS["type"], linked.review_types),
                   (FIELDS["severity"], linked.severities), (FIELDS["label"], linked.labels)):
    # Streamlit forgets a widget's value once a run leaves it out (another page).
    st.session_state.setdefault(key, value)

since, until, kinds, severities, labels = st.columns([2, 2, 3, 3, 3], vertical_alignment="bottom")
widgets.date_picker(since, "From", key=FIELDS["since"])
widgets.date_picker(until, "To", key=FIELDS["until"])
kinds.multiselect("Review type", list(ReviewType), key=FIELDS["type"],
                  format_func=lambda kind: kind.label, placeholder="All types")
severities.multiselect("Severity", list(Severity), key=FIELDS["severity"],
                       format_func=lambda severity: severity.value, placeholder="All severities")
try:
    wanted = PatternFilter(since=st.session_state[FIELDS["since"]],
                           until=st.session_state[FIELDS["until"]],
                           review_types=st.session_state[FIELDS["type"]],
                           severities=st.session_state[FIELDS["severity"]],
                           labels=st.session_state.get(FIELDS["label"], []))
except ValidationError as error:
    st.error(feedback.first_message(error).capitalize(), icon=":material/event_busy:")
    st.stop()

# Labels are offered from the boards the other filters keep.
boards, unreadable = pattern_boards(db, wanted.model_copy(update={"labels": []}), board_ids)
offered = sorted({label for board in boards for label in board.labels} | set(wanted.labels),
                 key=str.casefold)
labels.multiselect("Label", offered, key=FIELDS["label"], placeholder="All labels")
patterns = compute_patterns(boards, wanted, today, group=_alike_factors, unreadable=unreadable)
for name in FIELDS:
    values = [value for key, value in wanted.query() if key == name]
    if values:
        st.query_params[name] = values
    elif name in st.query_params:
        del st.query_params[name]

notes = [] if board_ids is None else ["the boards this browser joined or created"]
if patterns.unreadable:
    notes.append(f"{plural(patterns.unreadable, 'row')} could not be read and "
                 f"{'is' if patterns.unreadable == 1 else 'are'} left out")
if notes:
    st.caption("Figures of " + "; ".join(notes) + ".")


def _duration(seconds: int | None) -> str:
    return "—" if seconds is None else format_duration(seconds)


def _median_with_p90(name: str) -> tuple[str, str, str | None]:
    overall = patterns.duration(name).overall
    caption = (f"median · p90 {_duration(overall.p90)} · {plural(overall.count, 'board')}"
               if overall.count else "median · no board measures it")
    return DURATION_LABELS[name], _duration(overall.p50), caption


total = patterns.actions_total
share = total.share_done_by_due_date
headline = [
    ("Boards", str(patterns.boards), plural(patterns.incidents, "incident")),
    _median_with_p90("time_to_detect"),
    _median_with_p90("time_to_mitigate"),
    _median_with_p90("time_to_resolve"),
    ("Done by due date", "—" if share is None else f"{round(100 * share)} %",
     f"of {total.past_due} past due" if total.past_due else "none past due yet"),
    ("Overdue actions", str(total.overdue), f"of {total.due} due"),
]
# Six figures side by side: their values a size smaller than a lone
# metric's, and smaller still below 1200 px (a laptop with the sidebar
# open), so "17 h 32 min" fits a sixth of the page.
st.html("<style>.st-key-patterns_headline [data-testid='stMetricValue'] { font-size: 1.5rem; }"
        "@media (max-width: 1200px) { .st-key-patterns_headline "
        "[data-testid='stMetricValue'] { font-size: 1.05rem; } }</style>")
with st.container(key="patterns_headline"):
    for column, (label, value, caption) in zip(st.columns(len(headline)), headline):
        column.metric(label, value)
        column.caption(caption)

if not patterns.boards:
    st.info(NO_BOARDS + " Widen the period or the filters.", icon=":material/search_off:")
    st.stop()


def chart(where, title: str, name: str, draw, empty: str) -> None:
    with where:
        st.markdown(f"**{title}**")
        if has_data(patterns, name):
            # theme=None: the figure keeps its own colours, the same as its PNG download.
            st.plotly_chart(draw(patterns), key=f"patterns_{name}_chart", config=CHART_CONFIG,
                            theme=None)
        else:
            st.caption(empty)


left, right = st.columns(2)
chart(left, "Postmortems per month", "reviews", reviews_figure, NO_BOARDS)
with right:
    picked = st.selectbox("Response time", DURATIONS, key="patterns_duration",
                          index=DURATIONS.index("time_to_resolve"),
                          format_func=DURATION_LABELS.get, label_visibility="collapsed")
chart(right, f"{DURATION_LABELS[picked]} per month (median and p90)", "durations",
      lambda figures: duration_figure(figures, picked),
      "No timeline in this period has the anchors to measure it.")
left, right = st.columns(2)
chart(left, "Contributing factors by category", "categories", categories_figure,
      "No contributing factors in this period.")
chart(right, "Labels that recur", "labels", labels_figure, "No board in this period has labels.")
left, right = st.columns(2)
chart(left, "Actions due per month", "actions", actions_figure,
      "No action of these boards has a due date.")
chart(right, "Learnings and decisions by kind", "decisions", decisions_figure,
      "No learnings in this period.")
if patterns.actions_undated:
    st.caption(f"{plural(patterns.actions_undated, 'action')} without a due date "
               "left out of the actions chart.")

st.markdown("**Factors that recur across boards**")
if patterns.factors_compared < patterns.factors_total:
    st.caption(f"Compared: the {patterns.factors_compared} newest of "
               f"{patterns.factors_total} factors in this period.")
if not patterns.recurring_factors:
    st.caption("No similar contributing factors on two boards or more in this period.")
else:
    st.dataframe([{"Factor": found.name, "Boards": len(found.boards),
                   "On": " · ".join(found.boards), "As written": " · ".join(found.factors)}
                  for found in patterns.recurring_factors],
                 hide_index=True, width="stretch", key="patterns_recurring")

st.caption(f"Link to these figures: {navigation.patterns_url(wanted.query())}")
