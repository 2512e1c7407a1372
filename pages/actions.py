"""Next steps: owned, dated actions with a success signal, and kill criteria."""

import os

import streamlit as st

from canvas.actions import (
    ActionDraft, ActionType, FollowUp, Priority, Status, TriggerDraft, TriggerKind,
    trigger_warnings, vague_title_warnings,
)
from canvas.errors import EditConflict, InvalidInput
from canvas.exports.calendar_feed import FEED_PATH
from canvas.exports.tracker_issue import Tracker
from canvas.text import escape_markdown, plural
from canvas.review.language import check_text
from canvas.session.phases import Action
from canvas.dates import SUPPORTED, clamp_day, day_in_range, today_in
from integrations import tracker_sync, trackers
from pages import review_publish
from pages.shared import board_page, feedback, navigation, widgets
from storage import actions, calendar_feeds, tracker_links

page = board_page.open_board_page()
step = navigation.current_step(page.template)
board_id = page.board.id
today = today_in(page.board.timezone)
editable = page.may(Action.edit_actions)
# On a closed board the follow-through (status, owner, dates) still changes.
following_through = page.may(Action.update_action_status)

widgets.literal_title(step.title)
widgets.step_prompt(step)


def fields(prefix: str, current: FollowUp | None = None, locked: bool = False) -> None:
    """The inputs of an action; `prefix` keeps the add form and each edit form apart.
    `locked` leaves only the follow-through fields open (a closed board)."""
    st.text_input("What will be done (start with a verb)", key=f"{prefix}_title", max_chars=200,
                  disabled=locked,
                  value=current.title if current else "",
                  placeholder="e.g. Add an alert when checkout 5xx exceeds 2% for 3 minutes")
    left, middle, right = st.columns(3)
    left.text_input("Owner", key=f"{prefix}_owner", max_chars=80,
                    value=current.owner if current else "")
    # A date stored outside the supported range (older data) opens empty.
    widgets.date_picker(middle, "Due date", key=f"{prefix}_due",
                        value=clamp_day(current.due_date) if current else None)
    widgets.date_picker(right, "Follow-up review", key=f"{prefix}_review",
                        value=clamp_day(current.review_date) if current else None)
    left, middle, right = st.columns(3)
    left.selectbox("Type", list(ActionType), key=f"{prefix}_type", format_func=lambda t: t.label,
                   index=list(ActionType).index(current.type) if current else 2, disabled=locked)
    middle.selectbox("Priority", list(Priority), key=f"{prefix}_priority", disabled=locked,
                     format_func=lambda p: p.value.capitalize(),
                     index=list(Priority).index(current.priority) if current else 1)
    right.selectbox("Status", list(Status), key=f"{prefix}_status", format_func=lambda s: s.label,
                    index=list(Status).index(current.status) if current else 0)
    st.text_input("Success signal: how will we know it worked?", key=f"{prefix}_signal",
                  max_chars=1000, value=current.success_signal if current else "", disabled=locked)
    st.text_input("Reason (needed for won't do)", key=f"{prefix}_reason", max_chars=1000,
                  value=current.status_reason if current else "")
    st.checkbox("Customer-facing: customers will notice it or are told about it",
                key=f"{prefix}_customer", disabled=locked,
                value=current.customer_facing if current else False)


def read_draft(prefix: str, current: FollowUp | None = None) -> ActionDraft:
    state = st.session_state
    return ActionDraft.model_validate({
        "title": state[f"{prefix}_title"], "owner": state[f"{prefix}_owner"],
        "due_date": state[f"{prefix}_due"], "review_date": state[f"{prefix}_review"],
        "type": state[f"{prefix}_type"], "priority": state[f"{prefix}_priority"],
        "status": state[f"{prefix}_status"], "success_signal": state[f"{prefix}_signal"],
        "status_reason": state[f"{prefix}_reason"],
        "customer_facing": state[f"{prefix}_customer"],
        "source_kind": current.source_kind if current else None,
        "source_id": current.source_id if current else None,
    })


def add() -> None:
    def write(db) -> None:
        actions.add_action(db, board_id, read_draft("action_new"))

    # What was typed stays in the form unless the action was saved.
    if not feedback.run_action(write, error_key="action_new_error"):
        return
    for key in ("title", "owner", "signal", "reason"):
        st.session_state[f"action_new_{key}"] = ""
    for key in ("due", "review"):
        st.session_state[f"action_new_{key}"] = None


def save(action: FollowUp) -> None:
    prefix = f"action_edit_{action.id}"
    state = st.session_state

    def write(db) -> None:
        try:
            actions.edit_action(db, board_id, action.id, read_draft(prefix, action),
                                action.version)
        except EditConflict:
            state[f"{prefix}_conflict"] = True
            raise

    if not feedback.run_action(write, error_key=f"{prefix}_error") and state.pop(
            f"{prefix}_conflict", False):
        state[f"{prefix}_error"] += " Close this form and open it again to see their version."


def delete(action_id: str) -> None:
    if feedback.run_action(actions.delete_action, board_id, action_id):
        st.session_state["action_undo"] = action_id


def undo() -> None:
    feedback.run_action(actions.restore_action, board_id, st.session_state.pop("action_undo"))


def tracker_settings() -> dict[str, str]:
    """Tracker credentials from Streamlit secrets and the environment, never the database."""
    try:
        secrets = st.secrets.to_dict()
    except Exception:  # noqa: BLE001 - no secrets file is the usual case
        secrets = {}
    return trackers.tracker_env(os.environ, secrets)


def push(action_ids: list[str] | None = None) -> None:
    """Push one action (its button) or every committed one (the facilitator's)."""
    state = st.session_state
    state.pop("actions_tracker_report", None)

    def write(db) -> None:
        link = tracker_links.links_for_board(db, board_id).get(action_ids[0]) if action_ids else None
        kind = link.tracker if link else state.get("actions_tracker", Tracker.gitlab.value)
        project = link.project if link else " ".join(state.get("actions_project", "").split())
        if not project:
            raise InvalidInput("Name the tracker's project first (GROUP/NAME, OWNER/NAME or KEY).")
        client = trackers.client_for(kind, project, tracker_settings())
        report = tracker_sync.push_actions(
            db, board_id, client, board_url=navigation.share_url(board_id),
            include_drafts=state.get("actions_include_drafts", False), action_ids=action_ids,
            credentials=page.credentials)
        lines = [("success", f"{verb}: {action.title}") for verb, done in
                 (("Created", report.created), ("Updated", report.updated)) for action, _ in done]
        lines += [("error", f"Not pushed: {action.title}: {why}") for action, why in report.failed]
        if report.skipped and action_ids is None:
            lines.append(("info", f"{len(report.skipped)} drafts, parked or dropped actions left out."))
        state["actions_tracker_report"] = lines or [("info", "No committed actions to push.")]

    feedback.run_action(write, error_key="actions_tracker_error")


def sync() -> None:
    state = st.session_state
    state.pop("actions_tracker_report", None)

    def write(db) -> None:
        settings = tracker_settings()
        report = tracker_sync.sync_board(
            db, board_id, lambda kind, project: trackers.client_for(kind, project, settings))
        lines = [("success", f"{action.title}: now {status.label.lower()}")
                 for action, status in report.changed]
        lines += [("success", f"{action.title}: issue {verb}") for action, verb in report.issues]
        lines += [("warning", f"Conflict on {action.title}: {why}") for action, why in report.conflicts]
        lines += [("error", f"Not synced: {action.title}: {why}") for action, why in report.failed]
        lines.append(("info", f"{report.checked} issues read."))
        state["actions_tracker_report"] = lines

    feedback.run_action(write, error_key="actions_tracker_error")


def new_feed() -> None:
    def write(db) -> None:
        _, token = calendar_feeds.create_feed_token(db, "board", board_id,
                                                   page.credentials.facilitator_key or "")
        st.session_state["actions_feed_url"] = navigation.share_url(board_id).split("/?", 1)[0] + \
            FEED_PATH.format(token=token)

    feedback.run_action(write, error_key="actions_tracker_error")


board_actions = actions.list_actions(page.db, board_id)
issue_links = tracker_links.links_for_board(page.db, board_id)
drafts = [a for a in board_actions if a.is_open_draft]
overdue = [a for a in board_actions if a.is_overdue(today)]
parked = [a for a in board_actions if a.is_parked]
commitments = [a for a in board_actions if not a.is_parked]
st.caption(
    f"{plural(len(commitments), 'action')} · {plural(len(drafts), 'draft')} without an owner "
    f"and a due date · {len(overdue)} overdue · {plural(len(parked), 'parked idea')}"
)
if st.session_state.get("action_undo"):
    left, right = st.columns([5, 1], vertical_alignment="center")
    left.caption("Action deleted.")
    right.button("Undo", key="action_undo_button", on_click=undo)


def card(action: FollowUp) -> None:
    with st.container(border=True, key=f"action_{action.id}"):
        text, badges = st.columns([5, 2])
        text.text(action.title)
        meta = [f"Owner: {action.owner or '—'}", f"Due: {action.due_date or '—'}"]
        if action.review_date:
            meta.append(f"Review: {action.review_date}")
        meta += [action.type.label, f"{action.priority.value} priority", action.status.label]
        if action.customer_facing:
            meta.append("Customer-facing")
        text.caption(" · ".join(meta))
        if action.success_signal:
            text.caption("Success signal:")
            text.text(action.success_signal)
        if action.is_open_draft:
            badges.warning("Draft: needs an owner and a due date", icon=":material/edit_note:")
        if action.is_overdue(today):
            badges.error(f"Overdue since {action.due_date}", icon=":material/schedule:")
        if any(day is not None and not day_in_range(day)
               for day in (action.due_date, action.review_date)):
            badges.warning(f"A date is outside the supported dates ({SUPPORTED}); edit it.",
                           icon=":material/event_busy:")
        if link := issue_links.get(action.id):
            badges.link_button(f"{Tracker(link.tracker).label} issue {link.issue_id}", link.url,
                               icon=":material/open_in_new:")
            badges.caption(f"Last synced {link.synced_at:%Y-%m-%d %H:%M} UTC"
                           if link.synced_at else "Not synced yet")
        if link or st.session_state.get("actions_project"):
            badges.button("Push to tracker", key=f"actions_push_{action.id}", on_click=push,
                          args=([action.id],), icon=":material/upload:")
        for advice in vague_title_warnings(action.title):
            text.caption(f"Tip: {advice}")
        with text:
            widgets.show_nudges(check_text(action.title), key=f"nudge_action_{action.id}")
        if editable or following_through:
            prefix = f"action_edit_{action.id}"
            with st.popover("Edit", icon=":material/edit:", key=f"{prefix}_menu"):
                fields(prefix, action, locked=not editable)
                save_col, delete_col = st.columns(2)
                save_col.button("Save", key=f"{prefix}_save", type="primary",
                                on_click=save, args=(action,))
                if editable:
                    delete_col.button("Delete", key=f"{prefix}_delete", on_click=delete,
                                      args=(action.id,))
            if message := st.session_state.pop(f"{prefix}_error", None):
                st.error(message)


for action in commitments:
    card(action)
if parked:
    st.subheader("Parked ideas", anchor=False)
    st.caption("Later ideas, kept apart from the commitments: nobody owes them yet.")
    for action in parked:
        card(action)

if editable:
    with st.expander("Add an action", expanded=not board_actions):
        with st.form("action_new", border=False):
            fields("action_new")
            st.form_submit_button("Add action", type="primary", on_click=add)
        if message := st.session_state.pop("action_new_error", None):
            st.error(message)
else:
    st.caption("The board is closed: an action's status, owner and dates can still change; "
               "the rest is read-only until the facilitator reopens it.")

with st.expander("Issue tracker and calendar", expanded=bool(issue_links),
                 icon=":material/sync:"):
    st.caption("Credentials come from the server's environment or Streamlit secrets "
               "(GITLAB_TOKEN, GITHUB_TOKEN, JIRA_URL with JIRA_USER/JIRA_TOKEN or JIRA_PAT), "
               "never from the board.")
    left, right = st.columns([1, 2])
    left.selectbox("Tracker", [t.value for t in Tracker], key="actions_tracker",
                   format_func=lambda value: Tracker(value).label)
    right.text_input("Project (GitLab GROUP/NAME, GitHub OWNER/NAME, Jira KEY)",
                     key="actions_project", max_chars=200)
    st.checkbox("Also push drafts and parked ideas", key="actions_include_drafts")
    left, middle, right = st.columns(3)
    if page.is_facilitator:
        left.button("Push all committed actions", key="actions_push_all", on_click=push,
                    type="primary", icon=":material/upload:")
    middle.button("Sync from tracker", key="actions_sync", on_click=sync, disabled=not issue_links,
                  icon=":material/sync:")
    if page.is_facilitator:
        right.button("New calendar feed link", key="actions_feed_new", on_click=new_feed,
                     icon=":material/calendar_month:")
    if message := st.session_state.pop("actions_tracker_error", None):
        st.error(message)
    for kind, line in st.session_state.pop("actions_tracker_report", []):
        getattr(st, kind)(escape_markdown(line))
    if url := st.session_state.pop("actions_feed_url", None):
        st.caption("Subscribe to this address in a calendar app; it is shown only now.")
        st.code(url, language=None)
    if page.is_facilitator:
        for feed in calendar_feeds.feed_tokens(page.db, "board", board_id):
            text, button = st.columns([4, 1], vertical_alignment="center")
            text.caption(f"Calendar feed link made {feed.created_at:%Y-%m-%d %H:%M} UTC")
            button.button("Revoke", key=f"actions_feed_revoke_{feed.id}",
                          on_click=feedback.run_action,
                          args=(calendar_feeds.revoke_feed_token, feed.id,
                                page.credentials.facilitator_key or ""))

# Beside the push: the review's own issue and the write-up as a merge request.
review_publish.show(page, tracker_settings)

st.subheader("Kill criteria", anchor=False)
st.caption("Pre-committed triggers: if we see this signal, we commit to this response.")


def add_trigger() -> None:
    state = st.session_state

    def write(db) -> None:
        draft = TriggerDraft.model_validate({"signal": state["trigger_signal"],
                                             "kind": state["trigger_kind"],
                                             "response": state["trigger_response"],
                                             "owner": state.get("trigger_owner", "")})
        actions.add_trigger(db, board_id, draft)

    if feedback.run_action(write, error_key="trigger_error"):
        state["trigger_signal"] = state["trigger_response"] = state["trigger_owner"] = ""


for trigger in actions.list_triggers(page.db, board_id):
    with st.container(border=True, key=f"trigger_{trigger.id}"):
        text, button = st.columns([6, 1], vertical_alignment="center")
        text.caption(f"If we see · then we {trigger.kind.label.lower()}")
        text.text(f"{trigger.signal}  →  {trigger.response}")
        if trigger.owner:
            text.caption(f"{trigger.owner} makes the call")
        for advice in trigger_warnings(trigger.signal, trigger.response):
            text.caption(f"Tip: {advice}")
        if editable:
            button.button("Remove", key=f"trigger_delete_{trigger.id}", on_click=feedback.run_action,
                          args=(actions.delete_trigger, board_id, trigger.id))
if editable:
    with st.form("trigger_new", border=False):
        left, middle, right = st.columns([3, 1, 3])
        left.text_input("Signal", key="trigger_signal", placeholder="e.g. checkout error rate > 2% for 10 min")
        middle.selectbox("We will", list(TriggerKind), key="trigger_kind",
                         format_func=lambda k: k.label)
        right.text_input("Response", key="trigger_response", placeholder="e.g. roll back the WAF rule set")
        st.text_input("Who makes the call", key="trigger_owner", max_chars=80,
                      placeholder="e.g. the incident commander")
        st.form_submit_button("Add trigger", on_click=add_trigger)
    if message := st.session_state.pop("trigger_error", None):
        st.error(message)
