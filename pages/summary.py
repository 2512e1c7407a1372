"""The summary step: what happened, the impact, dates, the board's time zone,
severity and roles. A closed board shows them read-only."""

import streamlit as st

from canvas.language import check_text
from canvas.errors import EditConflict
from canvas.models import BoardDetails, Severity
from canvas.phases import Action, refusal
from canvas.timerange import EARLIEST_DAY, LATEST_DAY, SUPPORTED, clamp_day, day_in_range
from canvas.timeline import zone_options
from pages import common
from storage import boards, participants

page = common.open_board_page()
board = page.board
step = common.current_step(page.template)

common.literal_title(step.title)
common.step_prompt(step)
why_not = refusal(Action.edit_summary, page.phase, page.actor)
read_only = why_not is not None
if read_only:
    st.warning(f"{why_not} The summary cannot be changed.", icon=":material/lock:")


def save() -> None:
    state = st.session_state

    def write(db) -> None:
        details = BoardDetails.model_validate(
            {
                "title": state["summary_title"],
                "summary": state["summary_summary"],
                "impact": state["summary_impact"],
                "incident_date": state["summary_incident_date"],
                "review_date": state["summary_review_date"],
                "severity": state["summary_severity"],
                "roles": {
                    "facilitator": state["summary_facilitator"],
                    "scribe": state["summary_scribe"],
                    "decision_owner": state["summary_decision_owner"],
                },
                "other_participants": state["summary_others"],
                # Without it the model's default (UTC) would replace the
                # board's zone on every save.
                "timezone": state["summary_timezone"],
            }
        )
        try:
            boards.update_details(db, board.id, details, state["summary_version"])
        except EditConflict as conflict:
            state["summary_conflict"] = True
            state["summary_theirs"] = conflict.current_text
            raise

    if common.run_action(write, error_key="summary_error"):
        state["summary_saved"] = True


# The version this form was opened at: saving over a newer version is refused.
# Widget state is dropped when the person leaves this page, so a missing title
# widget means the form is opened afresh, at the board's current version.
if "summary_title" not in st.session_state:
    st.session_state["summary_version"] = board.details_version
with st.form("summary_form"):
    st.text_input("Title", value=board.title, key="summary_title", max_chars=120,
                  disabled=read_only)
    st.text_area("Summary", value=board.summary, key="summary_summary", height=100,
                 placeholder="One or two sentences: what happened.", disabled=read_only)
    st.text_area("Customer impact", value=board.impact, key="summary_impact", height=80,
                 placeholder="Who was affected, how, for how long.", disabled=read_only)
    dates = st.columns([1, 1, 1.2, 1.8])
    # A date stored outside the supported range (older data) opens empty,
    # with a warning below, to be picked again.
    dates[0].date_input("Incident date", value=clamp_day(board.incident_date),
                        key="summary_incident_date", format="YYYY-MM-DD", disabled=read_only,
                        min_value=EARLIEST_DAY, max_value=LATEST_DAY)
    dates[1].date_input("Review date", value=clamp_day(board.review_date),
                        key="summary_review_date", format="YYYY-MM-DD", disabled=read_only,
                        min_value=EARLIEST_DAY, max_value=LATEST_DAY)
    # The zone this form holds stays offered even if the board's default
    # changed meanwhile (it is then the one a save would write).
    zones = zone_options(board.timezone, st.session_state.get("summary_timezone", board.timezone))
    dates[2].selectbox("Time zone", zones, index=0, key="summary_timezone",
                       disabled=read_only,
                       help="The board's default: the timeline is shown and typed in this zone "
                            "unless a viewer picks another for themselves.")
    dates[3].selectbox("Severity", list(Severity), index=list(Severity).index(board.severity),
                       key="summary_severity", format_func=lambda sev: sev.label,
                       disabled=read_only)
    roles = st.columns(3)
    roles[0].text_input("Facilitator", value=board.roles.facilitator, key="summary_facilitator",
                        disabled=read_only)
    roles[1].text_input("Scribe", value=board.roles.scribe, key="summary_scribe",
                        disabled=read_only)
    roles[2].text_input("Decision owner", value=board.roles.decision_owner,
                        key="summary_decision_owner", disabled=read_only)
    st.text_area("Other participants (not on the board)", value=board.other_participants,
                 key="summary_others", height=68, disabled=read_only)
    st.form_submit_button("Save summary", type="primary", on_click=save, disabled=read_only)


def load_theirs() -> None:
    # Dropping the form's state opens it afresh from the stored board. In a
    # callback, because the button is drawn only on the run after a refusal.
    for key in [k for k in st.session_state if k.startswith("summary_") and k != "summary_reload"]:
        del st.session_state[key]


if error := st.session_state.pop("summary_error", None):
    st.error(error)
    if st.session_state.pop("summary_conflict", False):
        st.caption("Their summary:")
        st.text(st.session_state.pop("summary_theirs", ""))
        st.button("Load their version (your edits are discarded)", key="summary_reload",
                  on_click=load_theirs)
if st.session_state.pop("summary_saved", False):
    st.session_state["summary_version"] = boards.get_board(page.db, board.id).details_version
    st.success("Summary saved.")
for label, day in (("incident date", board.incident_date), ("review date", board.review_date)):
    if day is not None and not day_in_range(day):
        st.warning(f"The stored {label}, {day.isoformat()}, is outside the supported dates "
                   f"({SUPPORTED}). Pick a new one above and save.", icon=":material/event_busy:")
common.show_nudges(check_text(board.summary) + check_text(board.impact), key="nudge_summary")

st.subheader("On the board", anchor=False)
joined = participants.list_participants(page.db, board.id)
st.caption(f"{len(joined)} joined")
for person in joined:
    st.text(f"• {person.display_name}")
