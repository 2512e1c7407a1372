"""Pushing a board's actions to a tracker, and keeping both sides' status in step.

Each action is recorded the moment its issue exists, in its own transaction,
so a failure later in a push loses nothing already done; and before creating
an issue the tracker is searched for the action's marker, so a push that died
between creating and recording never makes a duplicate. A second push adds
labels and assignees and sends a title, description or due date only when
the board changed it, so nothing people did in the tracker is undone.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from canvas.actions import FollowUp, Status
from canvas.errors import CanvasError, NotFacilitator, TrackerRefused
from canvas.exports.tracker_issue import (
    IssuePayload, RemoteIssue, fields_to_send, is_pushable, issue_payload, pushed_fingerprint,
    sync_decision,
)
from canvas.session.phases import Credentials
from integrations.tracker_http import TrackerClient
from storage import tracker_links
from storage.identity import resolve_actor
from storage.snapshot import load_snapshot
from storage.db import Database


@dataclass
class PushReport:
    created: list[tuple[FollowUp, str]] = field(default_factory=list)  # (action, url)
    updated: list[tuple[FollowUp, str]] = field(default_factory=list)
    skipped: list[FollowUp] = field(default_factory=list)  # drafts, parked, won't do
    failed: list[tuple[FollowUp, str]] = field(default_factory=list)  # (action, why)


def push_actions(db: Database, board_id: str, client: TrackerClient, *,
                 board_url: str = "", include_drafts: bool = False,
                 action_ids: list[str] | None = None,
                 credentials: Credentials | None = None) -> PushReport:
    """Push the board's committed actions (or only `action_ids`) to the
    client's project: update the linked issue, or the one carrying the
    action's marker, or create one. A refusal of one issue moves on to the
    next; credentials refused, a missing project or a tracker that stays down
    stop the push, and every action not pushed is reported with the reason.

    From the app (`credentials` given) the person must be on the board, and
    pushing all of them is the facilitator's call; the shell is trusted like
    every command that holds the database file."""
    if credentials is not None:
        actor = resolve_actor(db, board_id, credentials)
        if action_ids is None and not actor.is_facilitator:
            raise NotFacilitator()
    snapshot = load_snapshot(db, board_id)
    links = tracker_links.links_for_board(db, board_id)
    report = PushReport()
    people: dict[str, str] = {}
    chosen = [a for a in snapshot.actions if action_ids is None or a.id in action_ids]
    stopped = ""
    for action in chosen:
        if not is_pushable(action, include_drafts or action_ids is not None):
            report.skipped.append(action)
            continue
        if stopped:
            report.failed.append((action, stopped))
            continue
        try:
            owner = " ".join(action.owner.split())
            if owner and owner not in people:
                people[owner] = client.user_for(owner)
            payload = issue_payload(snapshot, action, client.tracker, board_url,
                                    people.get(owner, ""), text_format=client.text_format,
                                    due_field=client.has_due_field)
            link = links.get(action.id)
            if link and (link.tracker, link.project) != (client.tracker.value, client.project):
                link = None  # pushed to another project before: this one gets its own issue
            created, url = _push_one(db, board_id, client, action, payload, link)
            (report.created if created else report.updated).append((action, url))
        except TrackerRefused as error:
            report.failed.append((action, str(error)))
        except CanvasError as error:
            stopped = str(error)
            report.failed.append((action, stopped))
    return report



def _push_one(db: Database, board_id: str, client: TrackerClient, action: FollowUp,
              payload: IssuePayload, link: tracker_links.IssueLink | None) -> tuple[bool, str]:
    """Create or update one action's issue, close or reopen it when the board
    moved, and record each step as soon as the tracker has it. Returns whether
    the issue is new, and its address."""
    def record(issue: RemoteIssue, **seen) -> None:
        tracker_links.record_push(db, board_id, action, client.tracker.value, client.project,
                                  issue.issue_id, issue.url, issue.closed,
                                  pushed=pushed_fingerprint(payload), **seen)

    target = link.issue_id if link else None
    if target is None and (found := client.find_marked(action.id)) is not None:
        target = found.issue_id
    if target is None:
        issue = client.create(payload)
    else:
        issue = client.update(target, payload, fields_to_send(payload, link.pushed if link else None))
    if link is None:
        # A new link (or one found by its marker after a push that died before
        # recording). A done action's issue is open yet: recorded as if both
        # last agreed on open, so closing it, should that fail now, is still
        # owed at the next push or sync.
        record(issue, agreed_status=(Status.open.value if payload.done and not issue.closed
                                     else action.status.value))
        wanted = True if payload.done else None
    else:
        record(issue)
        wanted = sync_decision(action.status, link.synced_status, link.issue_closed,
                               issue.closed).close_issue
    if wanted is not None and wanted != issue.closed:
        issue = client.set_closed(issue.issue_id, wanted)
        record(issue, agreed_status=action.status.value)
    return target is None, issue.url


@dataclass
class SyncReport:
    changed: list[tuple[FollowUp, Status]] = field(default_factory=list)  # (action, new status)
    issues: list[tuple[FollowUp, str]] = field(default_factory=list)  # (action, "closed"/"reopened")
    conflicts: list[tuple[FollowUp, str]] = field(default_factory=list)
    failed: list[tuple[FollowUp, str]] = field(default_factory=list)
    checked: int = 0


def sync_board(db: Database, board_id: str,
               client_for: Callable[[str, str], TrackerClient], report: SyncReport | None = None
               ) -> SyncReport:
    """Read every linked issue of the board: closed marks its action done,
    reopened marks it open. An action whose status changed on the board while
    its issue stayed as it was moves the issue: done closes it, reopened
    reopens it. Both changed: the board is kept and the conflict reported.
    `client_for(tracker, project)` gives the client (so one board may use
    several projects)."""
    report = report or SyncReport()
    board_actions = {a.id: a for a in load_snapshot(db, board_id).actions}
    clients: dict[tuple[str, str], TrackerClient | CanvasError] = {}
    for action_id, link in tracker_links.links_for_board(db, board_id).items():
        action = board_actions.get(action_id)
        if action is None:
            continue
        key = (link.tracker, link.project)
        try:
            if key not in clients:
                clients[key] = client_for(*key)
            client = clients[key]
            if isinstance(client, CanvasError):
                raise client
            issue = client.get(link.issue_id)
        except TrackerRefused as error:  # this issue only (deleted, say)
            report.failed.append((action, str(error)))
            continue
        except CanvasError as error:
            # Credentials, settings or a tracker down: the same for the
            # project's other issues, which are not asked again.
            clients[key] = error
            report.failed.append((action, str(error)))
            continue
        report.checked += 1
        decision = sync_decision(action.status, link.synced_status, link.issue_closed, issue.closed)
        closed = issue.closed
        if decision.close_issue is not None:
            try:
                closed = client.set_closed(link.issue_id, decision.close_issue).closed
            except TrackerRefused as error:  # this issue's workflow, say
                report.failed.append((action, str(error)))
                continue
            except CanvasError as error:
                clients[key] = error
                report.failed.append((action, str(error)))
                continue
            report.issues.append((action, "closed" if closed else "reopened"))
        updated = tracker_links.record_sync(db, board_id, action.id, closed,
                                            decision.new_status, conflict=bool(decision.conflict))
        if decision.conflict:
            report.conflicts.append((action, decision.conflict))
        elif decision.new_status is not None:
            report.changed.append((updated, decision.new_status))
    return report
