"""The summary step: what happened, the impact, the review type with its
dates, the board's time zone, severity, roles and invitees, the intake
questions, the tracker issue and labels, and an imported incident's published
source. A closed board shows them read-only."""

import streamlit as st

from canvas.review.language import check_text
from canvas.errors import EditConflict
from canvas.models import BoardDetails, ReviewType, Severity
from canvas.review.intake import STABILISATION_NOTE, awaits_stabilisation
from canvas.session.phases import Action, refusal
from canvas.dates import SUPPORTED, clamp_day, day_in_range
from canvas.incident.timeline import zone_options
from pages.shared import board_page, feedback, navigation, widgets
from storage import boards, participants

page = board_page.open_board_page()
board = page.board
step = navigation.current_step(page.template)

widgets.literal_title(step.title)
widgets.step_prompt(step)
why_not = refusal(Action.edit_summary, page.phase, page.actor, chosen=board.summary_editors)
read_only = why_not is not None
if read_only:
    st.warning(f"{why_not} The summary cannot be changed.", icon=":material/lock:")
if awaits_stabilisation(board, page.view.events):
    st.info(STABILISATION_NOTE, icon=":material/healing:")

# Outside the form, so that picking a type redraws the form with its dates
# (an incident date, or a period); the form's save reads it from here.
if "summary_review_type" not in st.session_state:
    st.session_state["summary_review_type"] = board.review_type
st.selectbox("Review type", list(ReviewType), key="summary_review_type",
             format_func=lambda kind: kind.label, disabled=read_only,
             help="What this board reviews. Project, OKR and team reviews cover a "
                  "period instead of an incident date.")
review_type = ReviewType(st.session_state["summary_review_type"])


def _preset_key(preset) -> str:
    return "summary_role_" + "".join(c if c.isalnum() else "_" for c in preset.label.lower())


def save() -> None:
    state = st.session_state

    def write(db) -> None:
        details = BoardDetails.model_validate(
            {
                "title": state["summary_title"],
                "summary": state["summary_summary"],
                "impact": state["summary_impact"],
                "incident_date": state.get("summary_incident_date", board.incident_date),
                "review_date": state["summary_review_date"],
                "severity": state["summary_severity"],
                "roles": {
                    "facilitator": state["summary_facilitator"],
                    "scribe": state["summary_scribe"],
                    "decision_owner": state["summary_decision_owner"],
                    "customer_facing": state["summary_customer_facing"],
                    "support": state["summary_support"],
                    "engagement": {preset.label: state[_preset_key(preset)]
                                   for preset in board.template_model.roles},
                },
                "review_type": state["summary_review_type"],
                "intake": {
                    "reviewed": state["summary_reviewed"],
                    "period_start": state.get("summary_period_start", board.intake.period_start),
                    "period_end": state.get("summary_period_end", board.intake.period_end),
                    "key_dates": state["summary_key_dates"],
                    "desired_outcome": state["summary_outcome"],
                    "evidence": state["summary_evidence"],
                    "privacy": state["summary_privacy"],
                    "audience": state["summary_audience"],
                },
                "invitees": state["summary_invitees"],
                "tracker_url": state["summary_tracker_url"],
                "labels": state["summary_labels"],
                "other_participants": state["summary_others"],
                # Without it the model's default (UTC) would replace the
                # board's zone on every save.
                "timezone": state["summary_timezone"],
            }
        )
        try:
            boards.update_details(db, board.id, details, state["summary_version"], page.credentials)
        except EditConflict as conflict:
            state["summary_conflict"] = True
            state["summary_theirs"] = conflict.current_text
            raise

    if feedback.run_action(write, error_key="summary_error"):
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
    st.text_area("What is reviewed", value=board.intake.reviewed, key="summary_reviewed",
                 height=68, disabled=read_only,
                 placeholder="The incident, project, OKR period or stretch of team work.")
    if review_type.has_period:
        period = st.columns(2)
        widgets.date_picker(period[0], "Period start", key="summary_period_start",
                            value=clamp_day(board.intake.period_start), disabled=read_only)
        widgets.date_picker(period[1], "Period end", key="summary_period_end",
                            value=clamp_day(board.intake.period_end), disabled=read_only)
    dates = st.columns([1, 1, 1.2, 1.8])
    # A date stored outside the supported range (older data) opens empty,
    # with a warning below, to be picked again.
    if review_type.has_period:
        dates[0].caption("No incident date: this review covers the period above.")
    else:
        widgets.date_picker(dates[0], "Incident date", key="summary_incident_date",
                            value=clamp_day(board.incident_date), disabled=read_only)
    widgets.date_picker(dates[1], "Review meeting date", key="summary_review_date",
                        value=clamp_day(board.review_date), disabled=read_only)
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
    st.text_area("Key dates", value=board.intake.key_dates, key="summary_key_dates", height=68,
                 disabled=read_only, placeholder="Milestones, deploys, deadlines worth naming.")
    st.text_area("Desired outcome", value=board.intake.desired_outcome, key="summary_outcome",
                 height=68, disabled=read_only,
                 placeholder="What the review should produce, and for whom.")
    roles = st.columns(5)
    roles[0].text_input("Facilitator", value=board.roles.facilitator, key="summary_facilitator",
                        disabled=read_only)
    roles[1].text_input("Scribe", value=board.roles.scribe, key="summary_scribe",
                        disabled=read_only)
    roles[2].text_input("Decision owner", value=board.roles.decision_owner,
                        key="summary_decision_owner", disabled=read_only)
    roles[3].text_input("Customer-facing", value=board.roles.customer_facing,
                        key="summary_customer_facing", disabled=read_only,
                        help="Who speaks for customers: account, success or communications.")
    roles[4].text_input("Support", value=board.roles.support, key="summary_support",
                        disabled=read_only, help="Who answers customers' tickets.")
    # The roles this board's template offers beside those (lessons-learned:
    # the GitLab agenda's SAL, TAM, IE and manager).
    if presets := board.template_model.roles:
        for column, preset in zip(st.columns(max(len(presets), 4)), presets):
            column.text_input(preset.label, value=board.roles.engagement.get(preset.label, ""),
                              key=_preset_key(preset), disabled=read_only, max_chars=40,
                              help=preset.help or None)
    st.text_area("Invitees", value=board.invitees, key="summary_invitees", height=90,
                 disabled=read_only,
                 help="Everyone asked to the review meeting, one per line: a name, or a name "
                      "with an address (Kim <kim@example.com>). People named in a role above "
                      "are invited anyway; add their address here to send them the invite.")
    st.text_area("Other participants (not on the board)", value=board.other_participants,
                 key="summary_others", height=68, disabled=read_only)
    st.text_area("Available evidence", value=board.intake.evidence, key="summary_evidence",
                 height=68, disabled=read_only,
                 placeholder="Dashboards, logs, tickets, chat threads, documents.")
    constraints = st.columns(2)
    constraints[0].text_area("Privacy constraints", value=board.intake.privacy,
                             key="summary_privacy", height=68, disabled=read_only,
                             placeholder="What must not leave the room.")
    constraints[1].text_area("Audience", value=board.intake.audience, key="summary_audience",
                             height=68, disabled=read_only,
                             placeholder="Who reads what this review produces.")
    tracker = st.columns([2, 1])
    tracker[0].text_input("Tracker issue link", value=board.tracker_url,
                          key="summary_tracker_url", disabled=read_only,
                          placeholder="https://…")
    tracker[1].text_input("Labels", value=", ".join(board.labels), key="summary_labels",
                          disabled=read_only, placeholder="comma-separated")
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
for label, day in (("incident date", board.incident_date), ("review date", board.review_date),
                   ("period start", board.intake.period_start),
                   ("period end", board.intake.period_end)):
    if day is not None and not day_in_range(day):
        st.warning(f"The stored {label}, {day.isoformat()}, is outside the supported dates "
                   f"({SUPPORTED}). Pick a new one above and save.", icon=":material/event_busy:")
widgets.show_nudges(check_text(board.title) + check_text(board.summary) + check_text(board.impact),
                    key="nudge_summary")

if not board.source.is_empty:
    st.subheader("Published source", anchor=False)
    source = board.source
    st.text(f"Postmortem published{' by ' + source.organisation if source.organisation else ''}")
    if source.url:
        st.link_button("Open the published postmortem", source.url, icon=":material/open_in_new:")
    if source.figures:
        st.caption("Published figures, as the organisation gave them")
        st.dataframe(
            [{"Figure": figure.name.replace("_", " "),
              "Value": " ".join(part for part in (figure.qualifier, figure.value) if part),
              "Measures": figure.measures} for figure in source.figures],
            hide_index=True, key="summary_figures")

st.subheader("On the board", anchor=False)
joined = participants.list_participants(page.db, board.id)
st.caption(f"{len(joined)} joined")
for person in joined:
    st.text(f"• {person.display_name}")
