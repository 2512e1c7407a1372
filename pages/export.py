"""Take the result along: the retrospective pack, Markdown, PNG, JSON backup,
actions as CSV and calendar; and keep the dissemination plan that says who
hears of it."""

import json
from datetime import UTC, date, datetime

import pandas as pd
import streamlit as st
from pydantic import ValidationError

from canvas.exports.actions_export import actions_calendar, actions_csv
from canvas.exports.brief import brief
from canvas.exports.calendar import CalendarFile, ics_text
from canvas.exports.canvas_png import canvas_png
from canvas.exports.export import export_document
from canvas.exports.external_summary import external_summary
from canvas.exports.invite import impact_review_invite, review_invite
from canvas.errors import (
    CanvasError, ImpactReviewNotProposed, InviteNeedsReviewDate, describe_validation_error,
)
from canvas.exports.markdown_pack import markdown_pack
from canvas.exports.pack import retrospective_pack
from canvas.models import Cadence, DisseminationPlan
from canvas.session.visibility import backup_votes, hidden_note_counts, visible_snapshot
from canvas.dates import today_in
from canvas.dates import clamp_day
from canvas.session.phases import Action
from pages.shared import board_page, navigation, widgets
from storage import calendar_events, dissemination
from storage.restore import load_snapshot_and_votes


page = board_page.open_board_page()
today = today_in(page.board.timezone)
whole, whole_votes = load_snapshot_and_votes(page.db, page.board.id)
# Every file is made from what this person may see, never from the whole board:
# while people write, that is their own notes and the ones written before the meeting.
snapshot = visible_snapshot(whole, page.viewer)
# Only a facilitator's backup holds each person's votes (without names); a
# participant's holds the totals the board shows them.
votes = backup_votes(whole_votes, whole, page.viewer)
stem = f"postmortem-{snapshot.board.incident_date or today}"


def calendar_text(calendar: CalendarFile) -> str:
    # Each event carries the SEQUENCE the database keeps for its UID, so a
    # calendar takes a moved date from this file as an update.
    moment = datetime.now(UTC)
    return ics_text(calendar, calendar_events.revisions(page.db, calendar.events, moment), moment)


st.title("Export", anchor=False)
st.caption("Everything here is made from the board as it is now. Authors of notes are never included.")
if hidden := sum(hidden_note_counts(whole, page.viewer).values()):
    st.info(f"These files hold the board as you see it: {hidden} note"
            f"{'s' if hidden != 1 else ''} by others {'are' if hidden != 1 else 'is'} left out "
            "until the facilitator starts grouping. Export again after that for the whole board.",
            icon=":material/lock:")

st.download_button("Retrospective pack (.md)", retrospective_pack(snapshot, today),
                   file_name=f"{stem}-pack.md", mime="text/markdown", key="export_pack",
                   icon=":material/menu_book:", type="primary",
                   help="Everything in one document: brief and agenda, facts and timeline, "
                        "factors, learnings and decisions, actions, kill criteria, the "
                        "dissemination plan, risks and next steps, and the rubric's score.")
pack = markdown_pack(snapshot, today)
left, right = st.columns(2)
left.download_button("Markdown summary (.md)", pack, file_name=f"{stem}.md", mime="text/markdown",
                     key="export_md", icon=":material/description:", width="stretch")
right.download_button("External summary (.md)", external_summary(snapshot, today),
                      file_name=f"{stem}-external.md", mime="text/markdown", key="export_external",
                      icon=":material/public:", width="stretch",
                      help="For customers or the wider company: no names, no notes.")


@st.cache_data(max_entries=16, show_spinner="Drawing the canvas…")
def png_of(board_id: str, revision: int, day: date, viewer_id: str, _snapshot) -> bytes:
    # Keyed on the revision (and the day, for overdue marks): the image is
    # redrawn only when the board changed. And on the viewer: while people
    # write, each person's picture holds different notes.
    return canvas_png(_snapshot, today=day)


left, right = st.columns(2)
left.download_button("Picture of the canvas (.png)",
                     png_of(snapshot.board.id, snapshot.board.revision, today, page.me.id, snapshot),
                     file_name=f"{stem}.png", mime="image/png", key="export_png",
                     icon=":material/image:", width="stretch")
right.download_button("Backup of the whole board (.json)",
                      json.dumps(export_document(snapshot, votes), indent=2, ensure_ascii=False),
                      file_name=f"{stem}.json", mime="application/json", key="export_json",
                      icon=":material/save:", width="stretch",
                      help="Import it with `postmortem-canvas import FILE` or on the home page. "
                           "Votes are in it as totals"
                           + (" and as ballots without names, so the restored board keeps "
                              "each budget." if votes is not None else "."))
rows = [(snapshot.board.title, action) for action in snapshot.actions]
left, right = st.columns(2)
left.download_button("Actions (.csv)", actions_csv(rows), file_name=f"{stem}-actions.csv",
                     mime="text/csv", key="export_csv", icon=":material/table:", width="stretch")
right.download_button("Due dates (.ics calendar)", calendar_text(actions_calendar(rows)),
                      file_name=f"{stem}-actions.ics", mime="text/calendar", key="export_ics",
                      icon=":material/event:", width="stretch")
left, right = st.columns(2)
left.download_button("One-page brief (.md)", brief(snapshot, today), file_name=f"{stem}-brief.md",
                     mime="text/markdown", key="export_brief", icon=":material/article:",
                     width="stretch",
                     help="For the wider team: TL;DR, impact, learnings, decisions, top actions.")

try:
    # The share link's own address, so the invite opens this server.
    base_url = navigation.share_url(snapshot.board.id).rsplit("/?", 1)[0]
    invite = calendar_text(review_invite(snapshot, base_url))
except InviteNeedsReviewDate as missing:
    st.caption(f"Review meeting invite: {missing}")
else:
    st.download_button("Review meeting invite (.ics)", invite, file_name=f"{stem}-review.ics",
                       mime="text/calendar", key="export_invite", icon=":material/groups:",
                       help="The board link, the agenda, the ground rules and the invitees "
                            "named on the Summary, for the review meeting.")

try:
    recurring = calendar_text(impact_review_invite(snapshot, base_url))
except ImpactReviewNotProposed:
    st.caption("Recurring review invite: propose a weekly or fortnightly Impact & Learnings "
               "review in the dissemination plan below.")
else:
    st.download_button("Recurring Impact & Learnings review (.ics)", recurring,
                       file_name=f"{stem}-impact-review.ics", mime="text/calendar",
                       key="export_review_invite", icon=":material/event_repeat:",
                       help="A meeting that repeats from its first day, for everyone invited.")


PLAN_COLUMNS = ["Audience", "Channel", "Date", "Owner"]


def plan_rows() -> pd.DataFrame:
    # A frame, not a list: an empty plan must still have its columns, or the
    # editor has nowhere to put a row someone adds.
    return pd.DataFrame([[entry.audience, entry.channel, entry.day, entry.owner]
                         for entry in snapshot.dissemination], columns=PLAN_COLUMNS, dtype=object)


def plan_from(edited: pd.DataFrame, follow_up, cadence: str, start) -> DisseminationPlan:
    # Empty cells come back as NaN or NaT: read them as nothing typed.
    rows = edited.astype(object).where(edited.notna(), None).to_dict("records")
    entries = [{"audience": row.get("Audience") or "", "channel": row.get("Channel") or "",
                "day": row.get("Date") or None, "owner": row.get("Owner") or ""}
               for row in rows if any(row.get(column) for column in ("Audience", "Channel",
                                                                      "Date", "Owner"))]
    return DisseminationPlan.model_validate({
        "follow_up_date": follow_up, "entries": entries,
        "impact_review": None if cadence == NO_REVIEW else CADENCES[cadence].value,
        "impact_review_start": start if cadence != NO_REVIEW else None})


NO_REVIEW = "None"
CADENCES = {cadence.label: cadence for cadence in Cadence}
board = snapshot.board
st.subheader("Dissemination plan", anchor=False)
st.caption("Who hears of this review, through which channel, when and through whom; when the "
           "team checks that the actions worked; and a recurring Impact & Learnings review.")
editable = page.may(Action.update_action_status)
rows = st.data_editor(plan_rows(), num_rows="dynamic" if editable else "fixed",
                      disabled=not editable, key="export_plan_rows", width="stretch",
                      hide_index=True,
                      column_config={
                          "Audience": st.column_config.TextColumn("Audience", required=True),
                          "Channel": st.column_config.TextColumn("Channel", required=True),
                          "Date": st.column_config.DateColumn("Date", format="YYYY-MM-DD"),
                          "Owner": st.column_config.TextColumn("Owner")})
left, middle, right = st.columns(3, vertical_alignment="bottom")
follow_up = widgets.date_picker(left, "Follow-up review date", key="export_follow_up",
                                value=clamp_day(board.follow_up_date), disabled=not editable,
                                help="When the team checks that the actions worked; the review "
                                     "meeting's own date is on the Summary.")
cadence = middle.selectbox("Recurring review", [NO_REVIEW, *CADENCES],
                           index=([NO_REVIEW, *CADENCES].index(board.impact_review.label)
                                  if board.impact_review else 0),
                           key="export_impact_review", disabled=not editable)
start = widgets.date_picker(right, "First review", key="export_impact_review_start",
                            value=clamp_day(board.impact_review_start), disabled=not editable)
if editable and st.button("Save the plan", key="export_plan_save", icon=":material/save:"):
    try:
        dissemination.save_dissemination_plan(page.db, board.id,
                                              plan_from(rows, follow_up, cadence, start),
                                              page.credentials)
    except ValidationError as error:
        st.error(describe_validation_error(error), icon=":material/error:")
    except CanvasError as error:
        st.error(str(error), icon=":material/error:")
    else:
        st.rerun()

with st.expander("Preview the Markdown summary"):
    st.code(pack, language="markdown", wrap_lines=True)
