"""Pushing actions to GitLab, GitHub and Jira and syncing their status back,
against emulated trackers on 127.0.0.1 and a real database of each kind."""

from datetime import date

import pytest

from canvas.actions import ActionDraft, Priority, Status
from canvas.exports.tracker_issue import marker_label
from canvas.models import BoardDraft, NoteDraft
from canvas.session.phases import Credentials
from integrations.tracker_sync import push_actions, sync_board
from integrations.trackers import client_for
from storage import actions, facilitation, notes, tracker_links
from tests.tracker_emulator import KINDS, Emulator


@pytest.fixture(params=KINDS)
def tracker(request):
    with Emulator.named(request.param) as emulator:
        yield emulator


def client(emulator: Emulator, waits: list | None = None, **options):
    sleep = (waits.append if waits is not None else (lambda seconds: None))
    return client_for(emulator.kind, emulator.project, emulator.env(), sleep=sleep, **options)


@pytest.fixture
def board(db):
    started = facilitation.start_board(db, BoardDraft(title="Checkout errors", facilitator_name="Fran"))
    board_id = started.board.id
    note = notes.add_note(db, board_id, "detect", NoteDraft(text="Alerts fired 20 min late"),
                          Credentials(participant_id=started.facilitator.id))
    committed = actions.add_action(db, board_id, ActionDraft(
        title="Add an alert on the checkout 5xx rate", owner="Ann", due_date=date(2026, 12, 20),
        review_date=date(2027, 1, 10), priority=Priority.high,
        success_signal="Paged within 3 minutes in the next game day",
        source_kind="note", source_id=note.id))
    unknown_owner = actions.add_action(db, board_id, ActionDraft(
        title="Document the rollback", owner="Zed Nobody", due_date=date(2026, 12, 24)))
    draft = actions.add_action(db, board_id, ActionDraft(title="Rethink the WAF rules"))
    return board_id, committed, unknown_owner, draft


def test_a_second_push_updates_the_issues_without_duplicating(db, board, tracker):
    board_id, committed, unknown_owner, draft = board
    first = push_actions(db, board_id, client(tracker), board_url="https://canvas.example/?board=B")
    assert [a.id for a, _ in first.created] == [committed.id, unknown_owner.id]
    assert [a.id for a in first.skipped] == [draft.id] and not first.failed
    assert len(tracker.issues) == 2
    issue = tracker.issues[0]
    assert issue["title"] == committed.title
    assert {"postmortem", marker_label(committed.id)} <= set(issue["labels"])
    text = tracker.text(issue["ref"])
    assert "> Alerts fired 20 min late" in text
    assert "Paged within 3 minutes" in text and "2027-01-10" in text
    assert "https://canvas.example/?board=B" in text and "Priority: high" in text
    # The owner is the assignee where a tracker user matched (found on a later
    # page of the user search), otherwise named in the description.
    assert issue["assignees"] == [tracker.person("ann")] and "Owner:" not in text
    assert not tracker.issues[1]["assignees"] and "Owner: Zed Nobody" in tracker.text(
        tracker.issues[1]["ref"])
    if tracker.kind == "github":
        assert issue["due"] is None and "Due: 2026-12-20" in text
    else:
        assert issue["due"] == "2026-12-20"

    links = tracker_links.links_for_board(db, board_id)
    assert links[committed.id].url.endswith(issue["ref"]) and links[committed.id].issue_id == issue["ref"]

    actions.edit_action(db, board_id, committed.id, ActionDraft(
        **{**committed.model_dump(include=set(ActionDraft.model_fields)), "title": "Page on the 5xx rate"}),
        committed.version)
    second = push_actions(db, board_id, client(tracker))
    assert len(tracker.issues) == 2 and not second.created
    assert [a.id for a, _ in second.updated] == [committed.id, unknown_owner.id]
    assert tracker.issues[0]["title"] == "Page on the 5xx rate"


def test_drafts_are_pushed_only_when_asked(db, board, tracker):
    board_id, _, _, draft = board
    report = push_actions(db, board_id, client(tracker), include_drafts=True)
    assert draft.id in [a.id for a, _ in report.created] and len(tracker.issues) == 3


def test_a_push_that_died_before_recording_finds_its_issue_again(db, board, tracker, monkeypatch):
    board_id, committed, unknown_owner, _ = board
    if tracker.kind == "github":
        # GitHub lists pull requests among issues; one carries the same label.
        tracker.add_pull_request([marker_label(committed.id)])
    real_record = tracker_links.record_push

    def dies(*args, **kwargs):
        raise KeyboardInterrupt("the process was killed")

    monkeypatch.setattr(tracker_links, "record_push", dies)
    with pytest.raises(KeyboardInterrupt):
        push_actions(db, board_id, client(tracker))
    assert tracker_links.links_for_board(db, board_id) == {}
    monkeypatch.setattr(tracker_links, "record_push", real_record)
    report = push_actions(db, board_id, client(tracker))
    real_issues = [i for i in tracker.issues if not i["pull_request"]]
    assert len(real_issues) == 2
    assert [a.id for a, _ in report.updated] == [committed.id]
    assert [a.id for a, _ in report.created] == [unknown_owner.id]
    assert tracker_links.links_for_board(db, board_id)[committed.id].issue_id == real_issues[0]["ref"]


def test_closing_the_issue_marks_the_action_done_and_reopening_opens_it(db, board, tracker):
    board_id, committed, *_ = board
    push_actions(db, board_id, client(tracker))
    ref = tracker_links.links_for_board(db, board_id)[committed.id].issue_id
    tracker.set_closed(ref, True)
    report = sync_board(db, board_id, lambda kind, project: client(tracker))
    assert [(a.id, s) for a, s in report.changed] == [(committed.id, Status.done)]
    assert actions.get_action(db, board_id, committed.id).status == Status.done
    assert tracker_links.links_for_board(db, board_id)[committed.id].synced_at is not None
    assert not sync_board(db, board_id, lambda kind, project: client(tracker)).changed
    tracker.set_closed(ref, False)
    sync_board(db, board_id, lambda kind, project: client(tracker))
    assert actions.get_action(db, board_id, committed.id).status == Status.open


def test_a_status_changed_on_both_sides_is_shown_as_a_conflict_and_not_overwritten(db, board, tracker):
    board_id, committed, *_ = board
    push_actions(db, board_id, client(tracker))
    link = tracker_links.links_for_board(db, board_id)[committed.id]
    actions.set_action_status(db, board_id, committed.id, Status.in_progress)
    tracker.set_closed(link.issue_id, True)
    report = sync_board(db, board_id, lambda kind, project: client(tracker))
    assert not report.changed
    [(action, message)] = report.conflicts
    assert action.id == committed.id and "closed in the tracker" in message and "in progress" in message
    assert actions.get_action(db, board_id, committed.id).status == Status.in_progress
    # Still shown on the next sync, until someone settles it.
    assert sync_board(db, board_id, lambda kind, project: client(tracker)).conflicts


def test_jira_data_center_without_search_jql_is_searched_the_older_way(db, board, monkeypatch):
    board_id, committed, *_ = board
    with Emulator("jira", jira_cloud=False) as jira:
        # A push that died before recording: found again by the older search.
        monkeypatch.setattr(tracker_links, "record_push", lambda *a, **k: (_ for _ in ()).throw(
            KeyboardInterrupt()))
        with pytest.raises(KeyboardInterrupt):
            push_actions(db, board_id, client(jira))
        monkeypatch.undo()
        report = push_actions(db, board_id, client(jira))
        assert [a.id for a, _ in report.updated] == [committed.id] and len(jira.issues) == 2
        assert ("GET", "/rest/api/2/search") in jira.requests


def test_a_push_does_not_swallow_an_issue_closed_since_the_last_sync(db, board, tracker):
    board_id, committed, *_ = board
    push_actions(db, board_id, client(tracker))
    tracker.set_closed(tracker_links.links_for_board(db, board_id)[committed.id].issue_id, True)
    push_actions(db, board_id, client(tracker))  # pushed again before anyone synced
    report = sync_board(db, board_id, lambda kind, project: client(tracker))
    assert [(a.id, s) for a, s in report.changed] == [(committed.id, Status.done)]


@pytest.mark.parametrize("kind", ["gitlab", "github"])
def test_pushing_an_action_done_on_the_board_closes_its_issue(db, board, kind):
    board_id, committed, *_ = board
    with Emulator(kind) as tracker:
        push_actions(db, board_id, client(tracker))
        actions.set_action_status(db, board_id, committed.id, Status.done)
        push_actions(db, board_id, client(tracker))
        assert tracker.issues[0]["closed"] and not tracker.issues[1]["closed"]
        # The close came from the board: the next sync changes nothing and sees no conflict.
        report = sync_board(db, board_id, lambda k, project: client(tracker))
        assert not report.changed and not report.conflicts
        assert tracker_links.links_for_board(db, board_id)[committed.id].issue_closed


def _edit(db, board_id, action, **changes):
    fields = action.model_dump(include=set(ActionDraft.model_fields))
    return actions.edit_action(db, board_id, action.id, ActionDraft(**{**fields, **changes}),
                               actions.get_action(db, board_id, action.id).version)


def test_labels_and_assignees_set_in_the_tracker_survive_a_second_push(db, board, tracker):
    board_id, committed, unknown_owner, _ = board
    push_actions(db, board_id, client(tracker))
    owned, unowned = tracker.issues
    tracker.add_label(owned["ref"], "sev-2")
    tracker.add_label(unowned["ref"], "team-payments")
    # Nobody on the board matched "Zed Nobody": someone assigns Bo in the tracker.
    tracker.assign(unowned["ref"], "bo")
    before = len(tracker.bodies)
    second = push_actions(db, board_id, client(tracker))
    assert not second.failed and len(tracker.issues) == 2
    assert {"sev-2", "postmortem", marker_label(committed.id)} <= set(owned["labels"])
    assert {"team-payments", marker_label(unknown_owner.id)} <= set(unowned["labels"])
    assert unowned["assignees"] == [tracker.person("bo")]
    assert owned["assignees"] == [tracker.person("ann")]
    # Nothing the second push sent could have removed them.
    sent = [body for _, _, body in tracker.bodies[before:] if isinstance(body, dict)]
    assert sent and not any(body.get("assignee_ids") == [] or body.get("assignees") == []
                            for body in sent)
    if tracker.kind == "gitlab":  # `labels` would replace theirs, `add_labels` adds
        assert all("labels" not in body and "add_labels" in body for body in sent)


def test_a_second_assignee_set_in_the_tracker_stays_beside_the_owner(db, board, tracker):
    board_id, committed, *_ = board
    push_actions(db, board_id, client(tracker))
    owned = tracker.issues[0]
    tracker.assign(owned["ref"], "bo")  # Jira has one assignee: Bo takes Ann's place
    push_actions(db, board_id, client(tracker))
    kept = [tracker.person("bo")] if tracker.kind == "jira" else [tracker.person(u) for u in ("ann", "bo")]
    assert owned["assignees"] == kept


def test_a_new_owner_on_the_board_is_assigned_at_the_next_push(db, board, tracker):
    board_id, committed, *_ = board
    push_actions(db, board_id, client(tracker))
    _edit(db, board_id, committed, owner="Bo Chen" if tracker.kind != "github" else "bo")
    push_actions(db, board_id, client(tracker))
    owned = tracker.issues[0]
    # Nobody is unassigned by a push: the earlier owner stays where a tracker has several.
    expected = ["bo"] if tracker.kind == "jira" else ["ann", "bo"]
    assert owned["assignees"] == [tracker.person(u) for u in expected]


def test_the_title_and_description_edited_in_the_tracker_stay_until_the_board_changes_them(
        db, board, tracker):
    board_id, committed, *_ = board
    push_actions(db, board_id, client(tracker), board_url="https://canvas.example/?board=B")
    owned = tracker.issues[0]
    theirs = {"type": "doc", "version": 1, "content": []} if isinstance(owned["body"], dict) \
        else "Rewritten by the team"
    tracker.edit(owned["ref"], title="Alert on checkout 5xx (SRE-123)", body=theirs)
    push_actions(db, board_id, client(tracker), board_url="https://canvas.example/?board=B")
    assert owned["title"] == "Alert on checkout 5xx (SRE-123)" and owned["body"] == theirs
    # The board changes the title: the title goes, the description they wrote stays.
    _edit(db, board_id, committed, title="Page on the checkout 5xx rate")
    push_actions(db, board_id, client(tracker), board_url="https://canvas.example/?board=B")
    assert owned["title"] == "Page on the checkout 5xx rate" and owned["body"] == theirs
    # The board changes what the description says: it goes too.
    _edit(db, board_id, committed, success_signal="Paged within 2 minutes")
    push_actions(db, board_id, client(tracker), board_url="https://canvas.example/?board=B")
    assert "Paged within 2 minutes" in tracker.text(owned["ref"])


def test_a_done_action_closes_its_issue_and_reopening_it_on_the_board_reopens_it(db, board, tracker):
    board_id, committed, unknown_owner, _ = board
    push_actions(db, board_id, client(tracker))
    owned = tracker.issues[0]
    actions.set_action_status(db, board_id, committed.id, Status.done)
    push_actions(db, board_id, client(tracker))
    assert owned["closed"] and not tracker.issues[1]["closed"]
    assert not sync_board(db, board_id, lambda kind, project: client(tracker)).issues
    actions.set_action_status(db, board_id, committed.id, Status.in_progress)
    push_actions(db, board_id, client(tracker))
    assert not owned["closed"]
    report = sync_board(db, board_id, lambda kind, project: client(tracker))
    assert not report.changed and not report.conflicts and not report.issues
    if tracker.kind == "jira":
        assert owned["status"] == "To Do"  # reopened by the workflow's transition to a to-do status
        assert ("POST", f"/rest/api/{3 if tracker.jira_cloud else 2}/issue/{owned['ref']}/"
                "transitions") in tracker.requests


def test_a_sync_closes_the_issue_of_an_action_done_on_the_board_and_reopens_it(db, board, tracker):
    board_id, committed, *_ = board
    push_actions(db, board_id, client(tracker))
    owned = tracker.issues[0]
    actions.set_action_status(db, board_id, committed.id, Status.done)
    report = sync_board(db, board_id, lambda kind, project: client(tracker))
    assert [(a.id, verb) for a, verb in report.issues] == [(committed.id, "closed")]
    assert owned["closed"] and not report.changed and not report.conflicts
    assert not sync_board(db, board_id, lambda kind, project: client(tracker)).issues
    actions.set_action_status(db, board_id, committed.id, Status.open)
    report = sync_board(db, board_id, lambda kind, project: client(tracker))
    assert [(a.id, verb) for a, verb in report.issues] == [(committed.id, "reopened")]
    assert not owned["closed"]
    assert actions.get_action(db, board_id, committed.id).status == Status.open


def test_an_action_done_before_its_first_push_arrives_closed(db, board, tracker):
    board_id, committed, *_ = board
    actions.set_action_status(db, board_id, committed.id, Status.done)
    report = push_actions(db, board_id, client(tracker))
    assert [a.id for a, _ in report.created][0] == committed.id
    assert tracker.issues[0]["closed"] and not tracker.issues[1]["closed"]
    link = tracker_links.links_for_board(db, board_id)[committed.id]
    assert (link.issue_closed, link.synced_status) == (True, "done")


def test_a_stranger_with_the_owners_name_is_never_assigned(db, board, tracker):
    board_id, committed, *_ = board
    # "Cy Stranger" has an account on the instance, but is not in the project.
    stranger = "Cy Stranger" if tracker.kind != "github" else "cy"
    _edit(db, board_id, committed, owner=stranger)
    push_actions(db, board_id, client(tracker))
    owned = tracker.issues[0]
    assert owned["assignees"] == [] and f"Owner: {stranger}" in tracker.text(owned["ref"])
    if tracker.kind == "gitlab":
        assert [p for _, p in tracker.requests if "/members/all" in p]
        assert not [p for _, p in tracker.requests if p.endswith("/users")]


def test_a_customer_facing_action_reaches_the_tracker_with_its_label(db, board, tracker):
    board_id, committed, unknown_owner, _ = board
    actions.change_action(db, board_id, committed.id, {"customer_facing": True}, committed.version)
    push_actions(db, board_id, client(tracker), board_url="")
    marked, plain = tracker.issues
    assert "customer-facing" in marked["labels"] and "postmortem" in marked["labels"]
    assert "customer-facing" not in plain["labels"]
