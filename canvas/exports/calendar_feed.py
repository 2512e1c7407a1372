"""The live calendar: an iCalendar feed of due dates and follow-up review
dates that calendar apps subscribe to and refresh."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta

from canvas.actions import FollowUp, Status
from canvas.exports.actions_export import due_event, review_event
from canvas.exports.calendar import CalendarFile

PRODID = "-//Postmortem Canvas//Follow-through//EN"
FEED_PATH = "/api/calendar/{token}.ics"  # served by the app's own server
REFRESH = timedelta(hours=1)  # how often a subscribed calendar should fetch the feed again

FeedRow = tuple[str, FollowUp]  # (board title, action)


def calendar_feed(rows: Iterable[FeedRow], name: str) -> CalendarFile:
    """A feed named `name`: the due dates still to meet and the follow-up
    reviews. Each event is the one the actions export makes (same UID, same
    content), so a calendar that holds both shows it once. Actions dropped
    (won't do) or parked are left out; a done one keeps its review only.
    Write it with calendar.ics_text."""
    events = []
    for board_title, action in rows:
        if action.status in (Status.wont_do, Status.parked):
            continue
        due = due_event(board_title, action) if action.status != Status.done else None
        events += [event for event in (due, review_event(board_title, action)) if event is not None]
    return CalendarFile(prodid=PRODID, method="PUBLISH", events=tuple(events), name=name,
                        refresh=REFRESH)
