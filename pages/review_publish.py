"""The review's own issue and the write-up in a repository: the part of the
actions page beside the tracker push. The facilitator opens the review issue
and publishes; anyone on the board marks which learnings and actions are
lessons for infrastructure code."""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from canvas.errors import InvalidInput
from canvas.exports.publication import default_path
from canvas.exports.review_issue import REVIEW_LABEL, checked_label
from canvas.exports.tracker_issue import Tracker
from canvas.text import escape_markdown
from integrations import publish, review_issue, trackers
from pages.shared import feedback, navigation
from pages.shared.board_page import BoardPage
from storage import iac, review_issues

REPORT, ERROR, SAID_AT = "publish_report", "publish_error", "publish_said_at"
HOSTS = [Tracker.gitlab.value, Tracker.github.value]
_STATES = {"created": "opened", "updated": "updated", "unchanged": "already up to date"}


def _project(key: str) -> str:
    project = " ".join(st.session_state.get(key, "").split())
    if not project:
        raise InvalidInput("Name the project first (GROUP/NAME, OWNER/NAME or KEY).")
    return project


def _request_line(what: str, host: str, outcome: publish.PublishOutcome) -> tuple[str, str]:
    kind = "merge request" if host == Tracker.gitlab.value else "pull request"
    if outcome.request_state == publish.MERGED:
        return "info", f"{what}: already on the default branch as it is now; no {kind} needed."
    return "success", f"{what}: {kind} {_STATES[outcome.request_state]}: {outcome.request_url}"


def show(page: BoardPage, settings: Callable[[], dict[str, str]]) -> None:
    """The expander; `settings` reads the tracker credentials (environment and secrets)."""
    board_id = page.board.id
    state = st.session_state
    link = review_issues.review_issue_of(page.db, board_id)

    def open_issue() -> None:
        state.pop(REPORT, None)
        state[SAID_AT] = "review"

        def write(db) -> None:
            label = checked_label(state.get("publish_review_label") or REVIEW_LABEL)
            client = trackers.client_for(state.get("publish_review_tracker", Tracker.gitlab.value),
                                         _project("publish_review_project"), settings())
            outcome = review_issue.open_review_issue(
                db, board_id, client, board_url=navigation.share_url(board_id), label=label,
                credentials=page.credentials)
            lines = [("success", f"Review issue {_STATES[outcome.state]}: {outcome.url}")]
            if outcome.replaced_link:
                lines.append(("info", f"The board's tracker link was {outcome.replaced_link}; "
                                      "it is now the review issue."))
            state[REPORT] = lines

        feedback.run_action(write, error_key=ERROR)

    def publish_write_up() -> None:
        state.pop(REPORT, None)
        state[SAID_AT] = "publish"

        def write(db) -> None:
            host = state.get("publish_host", Tracker.gitlab.value)
            client = trackers.client_for(host, _project("publish_project"), settings())
            iac_project = " ".join(state.get("publish_iac_project", "").split())
            report = publish.publish_board(
                db, board_id, client, path=state.get("publish_path", "").strip(),
                board_url=navigation.share_url(board_id),
                iac_client=trackers.client_for(host, iac_project, settings()) if iac_project else None,
                iac_as="issue" if state.get("publish_iac_as") == "issue" else "merge-request",
                label=checked_label(state.get("publish_review_label") or REVIEW_LABEL),
                credentials=page.credentials)
            lines = [_request_line("Write-up", host, report.write_up)]
            if isinstance(report.iac, publish.PublishOutcome):
                lines.append(_request_line("Infrastructure lessons", host, report.iac))
            elif report.iac is not None:
                lines.append(("success", f"Infrastructure lessons: issue "
                                         f"{_STATES[report.iac.state]}: {report.iac.url}"))
            if report.iac_left_out:
                lines.append(("warning", f"{report.iac_left_out} infrastructure-as-code lessons "
                                         "not published: name their project."))
            state[REPORT] = lines

        feedback.run_action(write, error_key=ERROR)

    view = page.view
    marked = {**{learning.id: learning.iac for learning in view.learnings},
              **{action.id: action.iac for action in view.actions}}
    names = {**{learning.id: f"Learning: {learning.text}" for learning in view.learnings},
             **{action.id: f"Action: {action.title}" for action in view.actions}}

    def save_marks() -> None:
        state[SAID_AT] = "marks"
        chosen = set(state.get("publish_iac_items") or [])

        def write(db) -> None:
            for item_id, was in marked.items():
                if (item_id in chosen) != was:
                    iac.mark_iac(db, board_id, item_id, item_id in chosen, page.credentials)

        feedback.run_action(write, error_key=ERROR)

    with st.expander("Review issue and write-up", expanded=link is not None,
                     icon=":material/merge:"):
        if link is not None:
            st.link_button(f"Review issue in {Tracker(link.tracker).label}", link.url,
                           icon=":material/open_in_new:")
        st.multiselect("Lessons for infrastructure code (they get their own merge request or issue)",
                       list(names), default=[item for item, on in marked.items() if on],
                       format_func=lambda item: names[item][:100], key="publish_iac_items",
                       on_change=save_marks)
        _said("marks")
        if page.is_facilitator:
            st.caption("The review's own issue: the brief and agenda (purpose, roles, attendees, "
                       "pre-reads, the board link) with the review label and the board's labels. "
                       "Opening it again updates the same issue.")
            left, middle, right = st.columns([1, 2, 1])
            left.selectbox("Tracker for the review issue", [t.value for t in Tracker],
                           key="publish_review_tracker",
                           format_func=lambda value: Tracker(value).label)
            middle.text_input("Project for the review issue (GROUP/NAME, OWNER/NAME or KEY)",
                              key="publish_review_project", max_chars=200)
            right.text_input("Review label", value=REVIEW_LABEL, key="publish_review_label",
                             max_chars=40)
            st.button("Open the review issue" if link is None else "Update the review issue",
                      key="publish_review_issue", on_click=open_issue, icon=":material/flag:")
            _said("review")
            st.divider()
            st.caption("The write-up as a file on its own branch, with a merge request (GitLab) or "
                       "pull request (GitHub) that links the review issue. Publishing again "
                       "updates the same branch and request.")
            left, middle, right = st.columns([1, 2, 2])
            left.selectbox("Repository host", HOSTS, key="publish_host",
                           format_func=lambda value: Tracker(value).label)
            middle.text_input("Project or repository", key="publish_project", max_chars=200)
            right.text_input("File", placeholder=default_path(page.board), key="publish_path",
                             max_chars=200)
            left, right = st.columns([3, 1])
            left.text_input("Project for the infrastructure lessons (same host)",
                            key="publish_iac_project", max_chars=200)
            right.selectbox("As", ["merge-request", "issue"], key="publish_iac_as",
                            format_func=lambda value: value.replace("-", " "))
            st.button("Publish the write-up", key="publish_write_up", on_click=publish_write_up,
                      type="primary", icon=":material/publish:")
            _said("publish")


def _said(place: str) -> None:
    """What the last click said, under the control that was clicked."""
    state = st.session_state
    if state.get(SAID_AT, "publish") != place:
        return
    if message := state.pop(ERROR, None):
        st.error(message)
    for kind, line in state.pop(REPORT, []):
        getattr(st, kind)(escape_markdown(line))
