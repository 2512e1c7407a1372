"""Take the result along: Markdown, PNG, JSON backup, actions as CSV and calendar."""

import json
from datetime import UTC, date, datetime

import streamlit as st

from canvas.exports.actions_export import actions_calendar, actions_csv
from canvas.exports.brief import brief
from canvas.exports.calendar import CalendarFile, ics_text
from canvas.exports.canvas_png import canvas_png
from canvas.exports.export import export_document
from canvas.exports.external_summary import external_summary
from canvas.exports.invite import review_invite
from canvas.errors import InviteNeedsReviewDate
from canvas.exports.markdown_pack import markdown_pack
from canvas.session.visibility import backup_votes, hidden_note_counts, visible_snapshot
from canvas.dates import today_in
from pages.shared import board_page, navigation
from storage import calendar_events
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

with st.expander("Preview the Markdown summary"):
    st.code(pack, language="markdown", wrap_lines=True)
