"""Jira Cloud (REST v3) and Jira Data Center (REST v2): authentication, people,
descriptions, settings and workflow, against emulated sites that answer as
Atlassian documents them."""

import base64
from datetime import date

import pytest

from canvas.actions import ActionDraft, Status
from canvas.errors import TrackerNotConfigured, TrackerSettingInvalid
from canvas.models import BoardDraft
from integrations.tracker_sync import push_actions, sync_board
from integrations.trackers import client_for
from storage import actions, facilitation
from tests.tracker_emulator import JIRA_USER, Emulator


def client(emulator: Emulator, **settings):
    return client_for("jira", emulator.project, {**emulator.env(), **settings},
                      sleep=lambda seconds: None)


@pytest.fixture
def board(db):
    board_id = facilitation.start_board(db, BoardDraft(title="Checkout *errors* {code}",
                                                       facilitator_name="Fran")).board.id
    owned = actions.add_action(db, board_id, ActionDraft(
        title="Add an alert on the 5xx rate", owner="Ann", due_date=date(2026, 12, 20),
        success_signal="Paged in 3 min -- not 20 [see runbook]"))
    other = actions.add_action(db, board_id, ActionDraft(
        title="Write the rollback runbook", owner="Bo Chen", due_date=date(2026, 12, 22)))
    return board_id, owned, other


def test_jira_cloud_gets_an_api_token_accountids_and_a_document(db, board):
    board_id, owned, other = board
    with Emulator("jira") as jira:
        report = push_actions(db, board_id, client(jira))
        assert not report.failed and len(jira.issues) == 2
        pair = base64.b64encode(f"{JIRA_USER}:{jira.token}".encode()).decode()
        assert {h["Authorization"] for h in jira.headers_seen} == {f"Basic {pair}"}
        # The flavour was read from serverInfo, once; everything else is v3.
        paths = [path for _, path in jira.requests]
        assert paths.count("/rest/api/2/serverInfo") == 1
        assert all(p.startswith("/rest/api/3/") for p in paths if p != "/rest/api/2/serverInfo")
        searches = [query for path, query in jira.queries if path.endswith("/assignable/search")]
        assert searches and all(set(q) >= {"query", "project"} and "username" not in q
                                for q in searches)
        assert [i["assignees"] for i in jira.issues] == [["acc-ann"], ["acc-bo"]]
        doc = jira.issues[0]["body"]
        assert doc["type"] == "doc" and doc["version"] == 1
        assert "Paged in 3 min -- not 20 [see runbook]" in jira.text(jira.issues[0]["ref"])


def test_jira_data_center_gets_a_personal_access_token_usernames_and_escaped_wiki_markup(db, board):
    board_id, owned, other = board
    with Emulator("jira", jira_cloud=False) as jira:
        report = push_actions(db, board_id, client(jira))
        assert not report.failed and len(jira.issues) == 2
        assert {h["Authorization"] for h in jira.headers_seen} == {f"Bearer {jira.token}"}
        paths = [path for _, path in jira.requests]
        assert all(p.startswith("/rest/api/2/") for p in paths)
        searches = [query for path, query in jira.queries if path.endswith("/assignable/search")]
        assert searches and all(set(q) >= {"username", "project"} and "query" not in q
                                for q in searches)
        # Assigned by user name, which only Data Center knows people by.
        assert [i["assignees"] for i in jira.issues] == [["ann"], ["bo"]]
        body = jira.issues[0]["body"]
        assert isinstance(body, str)
        assert "*Checkout \\*errors\\* \\{code\\}*" in body
        assert "Paged in 3 min \\-\\- not 20 \\[see runbook\\]" in body
        assert "Paged in 3 min -- not 20 [see runbook]" in jira.text(jira.issues[0]["ref"])


def test_jira_data_center_refuses_basic_auth_and_the_message_names_the_settings(db, board):
    board_id, *_ = board
    with Emulator("jira", jira_cloud=False) as jira:
        env = {"JIRA_URL": jira.url, "JIRA_USER": "bot", "JIRA_TOKEN": "password",
               "JIRA_DEPLOYMENT": "datacenter"}
        report = push_actions(db, board_id, client_for("jira", jira.project, env))
        assert "check JIRA_USER and JIRA_TOKEN" in report.failed[0][1] and not jira.issues


def test_jira_deployment_set_skips_the_question_and_a_wrong_one_is_named(db, board):
    board_id, *_ = board
    with Emulator("jira", jira_cloud=False) as jira:
        push_actions(db, board_id, client(jira, JIRA_DEPLOYMENT="datacenter"))
        assert ("GET", "/rest/api/2/serverInfo") not in jira.requests and len(jira.issues) == 2
    with Emulator("jira") as jira:
        report = push_actions(db, board_id, client_for("jira", jira.project, {
            **jira.env(), "JIRA_URL": jira.url + "/secure/Dashboard.jspa"}))
        assert {why for _, why in report.failed} == {
            f"{jira.url}/secure/Dashboard.jspa does not answer as a Jira site: set JIRA_URL to "
            "the address people open Jira at (without /rest/...)."}
    with pytest.raises(TrackerSettingInvalid) as refused:
        client_for("jira", "OPS", {"JIRA_URL": "https://jira.example", "JIRA_PAT": "x",
                                   "JIRA_DEPLOYMENT": "onprem"})
    assert str(refused.value) == "JIRA_DEPLOYMENT is 'onprem': set it to cloud or datacenter."
    with pytest.raises(TrackerNotConfigured, match="JIRA_USER and JIRA_TOKEN"):
        client_for("jira", "OPS", {"JIRA_URL": "https://x.atlassian.net", "JIRA_PAT": "x",
                                   "JIRA_DEPLOYMENT": "cloud"})


@pytest.mark.parametrize("cloud", [True, False], ids=["cloud", "datacenter"])
def test_the_issue_type_and_the_due_date_field_are_settings(db, board, cloud):
    board_id, owned, other = board
    with Emulator("jira", jira_cloud=cloud) as jira:
        jira.screen_fields = {"customfield_10015"}
        push_actions(db, board_id, client(jira, JIRA_ISSUE_TYPE="Bug",
                                          JIRA_DUE_FIELD="customfield_10015"))
        created = [body["fields"] for method, path, body in jira.bodies
                   if method == "POST" and path.endswith("/issue")]
        assert [f["issuetype"] for f in created] == [{"name": "Bug"}] * 2
        assert [f.get("customfield_10015") for f in created] == ["2026-12-20", "2026-12-22"]
        assert all("duedate" not in f for f in created)


@pytest.mark.parametrize("cloud", [True, False], ids=["cloud", "datacenter"])
def test_an_issue_type_by_id_and_no_due_date_field_put_the_date_in_the_description(db, board, cloud):
    board_id, owned, other = board
    with Emulator("jira", jira_cloud=cloud) as jira:
        jira.screen_fields = set()
        report = push_actions(db, board_id, client(jira, JIRA_ISSUE_TYPE="10002",
                                                   JIRA_DUE_FIELD="none"))
        assert not report.failed
        created = [body["fields"] for method, path, body in jira.bodies
                   if method == "POST" and path.endswith("/issue")]
        assert created[0]["issuetype"] == {"id": "10002"}
        assert "Due: 2026-12-20" in jira.text(jira.issues[0]["ref"])


def test_labels_are_added_with_an_update_operation(db, board):
    board_id, *_ = board
    with Emulator("jira") as jira:
        push_actions(db, board_id, client(jira))
        push_actions(db, board_id, client(jira))
        edits = [body for method, _, body in jira.bodies if method == "PUT"]
        assert len(edits) == 2
        assert all("labels" not in body.get("fields", {}) for body in edits)
        assert all({"add": "postmortem"} in body["update"]["labels"] for body in edits)


def test_a_workflow_without_a_way_to_done_is_named_and_the_other_issues_go_on(db, board):
    board_id, owned, other = board
    with Emulator("jira") as jira:
        push_actions(db, board_id, client(jira))
        jira.workflow = {"To Do": [("11", "Start progress", "In Progress")],
                         "In Progress": [("21", "Stop progress", "To Do")], "Done": []}
        for action in (owned, other):
            actions.set_action_status(db, board_id, action.id, Status.done)
        report = push_actions(db, board_id, client(jira))
        assert [a.id for a, _ in report.failed] == [owned.id, other.id]
        assert all("offers" in why and "no transition to a done status" in why
                   and "add one to the project's workflow" in why for _, why in report.failed)
        # Once the workflow has the transition, a sync closes both.
        jira.workflow["To Do"].append(("31", "Done", "Done"))
        synced = sync_board(db, board_id, lambda kind, project: client(jira))
        assert [verb for _, verb in synced.issues] == ["closed", "closed"]
        assert all(issue["closed"] for issue in jira.issues)
