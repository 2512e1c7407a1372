"""The review's own issue in a tracker: which one it is, so that opening it
again updates it. Its address is the board's tracker link. Credentials are
never stored here."""

from __future__ import annotations

from dataclasses import dataclass

from storage.boards import bump_revision, lock_live_board
from storage.db import Database, write_transaction


@dataclass(frozen=True)
class ReviewIssueLink:
    """The issue a board's review was opened as."""

    tracker: str
    project: str
    issue_id: str
    url: str


def review_issue_of(db: Database, board_id: str) -> ReviewIssueLink | None:
    """The board's review issue, or None when none was opened from it."""
    row = db.execute("SELECT review_issue_tracker, review_issue_project, review_issue_id, "
                     "tracker_url FROM boards WHERE id = ? AND deleted_at IS NULL",
                     [board_id]).fetchone()
    if row is None or not row[2]:
        return None
    return ReviewIssueLink(tracker=row[0], project=row[1], issue_id=row[2], url=row[3] or "")


def record_review_issue(db: Database, board_id: str, tracker: str, project: str,
                        issue_id: str, url: str) -> str:
    """Remember the review's issue and make its address the board's tracker
    link, in one transaction; returns the link it replaced ("" when the board
    had none, or had this one). A board that already says all this is left
    alone: its revision does not move, so nobody's page redraws."""
    with write_transaction(db):
        lock_live_board(db, board_id)
        current = db.execute("SELECT review_issue_tracker, review_issue_project, review_issue_id, "
                             "tracker_url FROM boards WHERE id = ?", [board_id]).fetchone()
        if tuple(current) == (tracker, project, issue_id, url):
            return ""
        replaced = current[3] or ""
        values = {"review_issue_tracker": tracker, "review_issue_project": project,
                  "review_issue_id": issue_id, "tracker_url": url}
        sets = ", ".join(f'"{column}" = ?' for column in values)
        # The Summary form carries the tracker link: one opened before this
        # change is refused on save (EditConflict) rather than writing it back.
        bump_details = ', "details_version" = "details_version" + 1' if replaced != url else ""
        db.execute(f'UPDATE "boards" SET {sets}{bump_details} WHERE "id" = ?',
                   [*values.values(), board_id])
        bump_revision(db, board_id)
    return replaced if replaced != url else ""
