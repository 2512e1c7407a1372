"""The Jira Agile client against an emulated Jira Software site, Cloud and
Data Center: the backlog, sprints, moving issues, rank, fields, estimates,
transitions, JQL search, splitting, sprint goals, velocity, and every way the
site can refuse or fail."""

import base64

import pytest

from canvas.errors import (
    CanvasError, JiraBoardNotFound, JiraFieldMissing, JiraIssueNotFound, JiraSprintNotFound,
    TrackerAuthRefused, TrackerRateLimited, TrackerRefused, TrackerUnavailable,
)
from integrations.jira_agile import JiraAgile, worth_retrying
from tests.jira_agile_emulator import BOARD, JIRA_USER, JiraAgileEmulator


@pytest.fixture(params=[True, False], ids=["cloud", "datacenter"])
def jira(request):
    # Small pages, so that every listing is read across several of them.
    with JiraAgileEmulator(cloud=request.param, page_size=7, search_page_size=25) as emulator:
        yield emulator


def client(jira, waits=None, **settings) -> JiraAgile:
    sleep = (lambda seconds: waits.append(seconds)) if waits is not None else (lambda seconds: None)
    return JiraAgile({**jira.env(), **settings}, sleep=sleep)


def test_the_backlog_is_read_in_rank_order_across_pages_without_sprint_or_done_issues(jira):
    keys = jira.seed(20)
    sprint = jira.add_sprint("Sprint 1", "active")
    jira.change(keys[0], sprint=sprint)
    jira.change(keys[1], status="Done")
    jira.order.insert(0, jira.order.pop(jira.order.index(keys[19])))  # ranked top in Jira
    cards = client(jira).backlog(BOARD)
    assert [c.key for c in cards] == [keys[19], *keys[2:19]]
    starts = [int(q["startAt"]) for path, q in jira.queries if path.endswith("/backlog")]
    assert starts == [0, 7, 14]


def test_a_card_carries_what_the_board_shows_in_either_flavour(jira):
    key = jira.add_issue("Alert on queue depth", description="Pages within 3 minutes",
                         issue_type="Bug", priority="High", story_points=5, assignee="anne",
                         labels=["postmortem", "alerting"])
    card = client(jira).backlog(BOARD)[0]
    assert (card.key, card.summary, card.issue_type, card.status, card.priority) == (
        key, "Alert on queue depth", "Bug", "To Do", "High")
    assert card.url == f"{jira.url}/browse/{key}"
    assert card.description == "Pages within 3 minutes"
    assert card.story_points == 5.0 and card.assignee == "Anne Li"
    assert card.labels == ("postmortem", "alerting") and card.sprint_id is None
    assert card.updated == jira.issues[key]["updated"] and card.rank and not card.done


def test_sprints_are_listed_by_state_across_pages(jira):
    ids = [jira.add_sprint(f"Sprint {n}", state) for n, state in
           enumerate(["closed"] * 9 + ["active", "future", "future"], 1)]
    agile = client(jira)
    planned = agile.sprints(BOARD, ("active", "future"))
    assert [(s.id, s.state) for s in planned] == [(ids[9], "active"), (ids[10], "future"),
                                                  (ids[11], "future")]
    assert planned[0].start_date and planned[1].start_date is None
    assert len(agile.sprints(BOARD)) == 12  # 9 closed, over two pages
    asked = [q["state"] for path, q in jira.queries if path.endswith("/sprint")]
    assert asked[0] == "active,future" and set(asked[1:]) == {"active,future,closed"}
    with pytest.raises(ValueError, match="not 'open'"):
        agile.sprints(BOARD, ("open",))


def test_issues_move_into_a_sprint_and_back_to_the_backlog(jira):
    keys = jira.seed(60)
    sprint = jira.add_sprint("Sprint 1", "future", goal="Quiet pager")
    agile = client(jira)
    agile.move_to_sprint(sprint, keys[:55])  # more than the 50 a request may move
    moves = [body for method, path, body in jira.bodies if path.endswith(f"/sprint/{sprint}/issue")
             and method == "POST"]
    assert [len(body["issues"]) for body in moves] == [50, 5]
    assert [c.key for c in agile.sprint_issues(sprint)] == keys[:55]
    assert {jira.issues[k]["sprint"] for k in keys[:55]} == {sprint}
    assert [c.sprint_id for c in agile.search("project = OPS ORDER BY rank ASC")][:2] == [sprint] * 2
    agile.move_to_backlog(keys[:3])
    assert [jira.issues[k]["sprint"] for k in keys[:4]] == [None, None, None, sprint]
    assert jira.backlog_keys()[:3] == keys[:3]


def test_a_closed_or_missing_sprint_refuses_the_move_with_a_clear_message(jira):
    keys = jira.seed(2)
    closed = jira.add_sprint("Old", "closed")
    agile = client(jira)
    with pytest.raises(TrackerRefused, match="closed sprint"):
        agile.move_to_sprint(closed, keys)
    with pytest.raises(JiraSprintNotFound, match="no sprint 99"):
        agile.move_to_sprint(99, keys)


def test_rank_puts_issues_before_or_after_another_in_the_order_given(jira):
    keys = jira.seed(6)
    agile = client(jira)
    agile.rank([keys[4], keys[5]], before=keys[1])
    assert jira.ranked() == [keys[0], keys[4], keys[5], keys[1], keys[2], keys[3]]
    agile.rank([keys[0]], after=keys[3])
    assert jira.ranked() == [keys[4], keys[5], keys[1], keys[2], keys[3], keys[0]]
    ranks = [c.rank for c in agile.backlog(BOARD)]
    assert ranks == sorted(ranks)  # the rank field sorts as the backlog does
    body = next(b for m, p, b in jira.bodies if p.endswith("/issue/rank"))
    assert body == {"issues": [keys[4], keys[5]], "rankBeforeIssue": keys[1]}
    with pytest.raises(ValueError):
        agile.rank([keys[0]], before=keys[1], after=keys[2])


def test_ranking_more_than_fifty_keeps_their_order_across_requests(jira):
    keys = jira.seed(120)
    agile = client(jira)
    moved = keys[10:70][::-1]
    agile.rank(moved, after=keys[100])
    order = jira.ranked()
    assert order[order.index(keys[100]) + 1:][:60] == moved
    agile.rank(moved[:55], before=keys[0])
    assert jira.ranked()[:56] == [*moved[:55], keys[0]]
    sizes = [len(b["issues"]) for m, p, b in jira.bodies if p.endswith("/issue/rank")]
    assert sizes == [50, 10, 50, 5]


def test_an_issue_jira_could_not_rank_is_named(jira):
    keys = jira.seed(3)
    with pytest.raises(TrackerRefused) as refused:
        client(jira).rank([keys[0], "OPS-404"], before=keys[2])
    assert "OPS-404" in str(refused.value) and "not ranked" in str(refused.value)
    assert jira.ranked()[:2] == [keys[1], keys[0]]  # the one that could be ranked was


def test_the_story_points_field_is_found_by_name_once(jira):
    agile = client(jira)
    expected = "customfield_10016" if jira.cloud else "customfield_10106"
    assert agile.story_points_field() == expected == jira.points_field
    jira.seed(3)
    agile.backlog(BOARD)
    assert sum(path.endswith("/field") for _, path in jira.requests) == 1


def test_a_site_without_a_story_points_field_says_so(jira):
    jira.fields = {"sprint": jira.fields["sprint"], "rank": jira.fields["rank"]}
    agile = client(jira)
    key = jira.add_issue("No estimate here")
    assert agile.get(key).story_points is None
    with pytest.raises(JiraFieldMissing, match="Story Points"):
        agile.update(key, story_points=3)


def test_an_update_writes_each_field_as_the_flavour_keeps_it_and_answers_fresh(jira):
    key = jira.add_issue("Old summary", labels=["keep-me-not"])
    before = jira.issues[key]["updated"]
    text = "Make the pager quieter\n\n## Acceptance criteria\n\n- alerts **deduplicated**\n- runbook linked"
    card = client(jira).update(key, summary="Quieter pager", description=text,
                               labels=["postmortem", "ready"], story_points=8)
    sent = next(b for m, p, b in jira.bodies if m == "PUT")["fields"]
    if jira.cloud:
        assert sent["description"]["type"] == "doc"
        assert sent["description"]["content"][1] == {
            "type": "heading", "attrs": {"level": 2},
            "content": [{"type": "text", "text": "Acceptance criteria"}]}
    else:
        assert sent["description"] == text
    assert sent[jira.points_field] == 8 and sent["labels"] == ["postmortem", "ready"]
    assert (card.summary, card.description, card.labels, card.story_points) == (
        "Quieter pager", text, ("postmortem", "ready"), 8.0)
    assert jira.issues[key]["labels"] == ["postmortem", "ready"]
    assert card.updated == jira.issues[key]["updated"] != before


def test_a_change_made_in_jira_shows_on_the_next_read_with_a_new_timestamp(jira):
    key = jira.add_issue("Written on the board", story_points=3)
    agile = client(jira)
    seen = agile.get(key)
    jira.change(key, summary="Edited in Jira", story_points=5, assignee="bo")
    now = agile.get(key)
    assert (now.summary, now.story_points, now.assignee) == ("Edited in Jira", 5.0, "Bo Chen")
    assert now.updated > seen.updated


def test_transitions_are_listed_and_taken_by_name(jira):
    key = jira.add_issue("Flaky test")
    agile = client(jira)
    assert agile.transitions(key) == [("11", "Start progress"), ("31", "Done"), ("51", "Drop")]
    agile.transition(key, "drop")
    assert jira.issues[key]["status"] == "Won't Do"
    assert agile.get(key).done
    with pytest.raises(TrackerRefused) as refused:
        agile.transition(key, "Drop")
    assert str(refused.value) == ("Jira refused it: the workflow offers " + key
                                  + " no transition 'Drop' (it offers: Reopen)")


def test_a_jql_search_reads_every_page_the_way_each_flavour_pages(jira):
    keys = jira.seed(120)
    cards = client(jira).search("project = OPS ORDER BY rank ASC")
    assert [c.key for c in cards] == keys
    searched = [(path, q) for path, q in jira.queries if "/search" in path]
    assert len(searched) == 5  # 25 a page
    if jira.cloud:
        assert {path for path, _ in searched} == {"/rest/api/3/search/jql"}
        assert "nextPageToken" not in searched[0][1] and all("startAt" not in q for _, q in searched)
        assert [q["nextPageToken"] for _, q in searched[1:]] == ["p25", "p50", "p75", "p100"]
    else:
        assert {path for path, _ in searched} == {"/rest/api/2/search"}
        assert [int(q["startAt"]) for _, q in searched] == [0, 25, 50, 75, 100]
    assert all(jira.points_field in q["fields"].split(",") for _, q in searched)


def test_a_jql_error_is_jiras_own_sentence(jira):
    with pytest.raises(TrackerRefused) as refused:
        client(jira).search("project = NOPE")
    assert str(refused.value) == ("Jira refused it: The value 'NOPE' does not exist for the "
                                  "field 'project'.")


def test_a_split_creates_an_issue_with_its_estimate_labels_and_description(jira):
    client_ = client(jira)
    card = client_.create("OPS", summary="Second half", issue_type="Story",
                          description="Only the *read* path", labels=["split"], story_points=3)
    fields = next(b for m, p, b in jira.bodies if m == "POST" and p.endswith("/issue"))["fields"]
    assert isinstance(fields["description"], dict) == jira.cloud
    assert jira.text(card.key) == "Only the read path"
    assert (card.summary, card.issue_type, card.labels, card.story_points) == (
        "Second half", "Story", ("split",), 3.0)
    with pytest.raises(TrackerRefused, match="issuetype: Specify a valid issue type"):
        client_.create("OPS", summary="x", issue_type="Saga")


def test_the_sprint_goal_changes_and_nothing_else(jira):
    sprint = jira.add_sprint("Sprint 7", "active", goal="Old goal")
    changed = client(jira).set_sprint_goal(sprint, "No pages after 22:00")
    assert changed.goal == jira.sprints[sprint]["goal"] == "No pages after 22:00"
    assert (changed.name, changed.state, changed.start_date) == (
        "Sprint 7", "active", jira.sprints[sprint]["startDate"])
    body = next(b for m, p, b in jira.bodies if m == "POST" and p.endswith(f"/sprint/{sprint}"))
    assert body == {"goal": "No pages after 22:00"}
    with pytest.raises(JiraSprintNotFound):
        client(jira).set_sprint_goal(404, "x")


def test_velocity_is_the_done_points_of_the_latest_closed_sprints(jira):
    keys = jira.seed(8)
    first = jira.add_sprint("S1", "closed", complete="2026-10-01T10:00:00.000Z")
    third = jira.add_sprint("S3", "closed", complete="2026-11-01T10:00:00.000Z")
    second = jira.add_sprint("S2", "closed", complete="2026-10-15T10:00:00.000Z")
    jira.close_sprint(first, {keys[0]: 13})
    jira.close_sprint(second, {keys[1]: 5, keys[2]: 3}, undone={keys[3]: 8})
    jira.close_sprint(third, {keys[4]: 8, keys[5]: 2})
    agile = client(jira)
    assert agile.closed_sprint_velocity(BOARD) == [13.0, 8.0, 10.0]
    assert agile.closed_sprint_velocity(BOARD, last=2) == [8.0, 10.0]


def test_a_rate_limit_waits_as_long_as_retry_after_asks(jira):
    jira.seed(3)
    waits = []
    agile = client(jira, waits)
    jira.fail(429, headers={"Retry-After": "7"}, path="/backlog")
    assert len(agile.backlog(BOARD)) == 3
    assert waits == [7.0]


def test_a_rate_limit_longer_than_a_wait_is_reported_with_its_length(jira):
    jira.fail(429, times=3, headers={"Retry-After": "600"})
    with pytest.raises(TrackerRateLimited) as limited:
        client(jira).sprints(BOARD)
    assert "rate limited for 600 seconds" in str(limited.value)


def test_jira_down_is_a_clear_sentence_and_back_up_it_answers_again(jira):
    key = jira.add_issue("Survives an outage")
    agile = client(jira)
    agile.get(key)
    jira.go_down()
    with pytest.raises(TrackerUnavailable) as down:
        agile.update(key, summary="Written while down")
    assert str(down.value) == ("Jira is not answering (no connection after 3 attempts); "
                               "try again later.")
    jira.come_up()
    assert agile.update(key, summary="Written when back").summary == "Written when back"


def test_server_errors_are_tried_again_then_reported(jira):
    jira.seed(1)
    waits = []
    jira.fail(503, times=2)
    assert len(client(jira, waits).backlog(BOARD)) == 1 and len(waits) == 2
    jira.fail(502, times=3)
    with pytest.raises(TrackerUnavailable, match="HTTP 502 after 3 attempts"):
        client(jira).backlog(BOARD)


@pytest.mark.parametrize("status", [401, 403])
def test_refused_credentials_name_the_settings_and_never_the_secret(jira, status):
    settings = "JIRA_USER and JIRA_TOKEN" if jira.cloud else "JIRA_PAT"
    if status == 401:
        wrong = {"JIRA_TOKEN": "wrong-secret"} if jira.cloud else {"JIRA_PAT": "wrong-secret"}
        agile = client(jira, **wrong)
    else:
        jira.fail(403, times=5, body={"errorMessages": [f"no rights for {jira.token}"]})
        agile = client(jira)
    with pytest.raises(TrackerAuthRefused) as refused:
        agile.backlog(BOARD)
    message = str(refused.value)
    assert message == f"Jira refused the credentials: check {settings} (and JIRA_URL)."
    assert jira.token not in message and "wrong-secret" not in message


def test_a_refusal_echoing_a_credential_is_scrubbed(jira):
    key = jira.add_issue("x")
    pair = base64.b64encode(f"{JIRA_USER}:{jira.token}".encode()).decode()
    echoed = f"bad header {pair if jira.cloud else jira.token} token {jira.token}"
    jira.fail(400, body={"errorMessages": [echoed], "errors": {}})
    with pytest.raises(TrackerRefused) as refused:
        client(jira).update(key, summary="y")
    message = str(refused.value)
    assert jira.token not in message and pair not in message
    assert message == "Jira refused it: bad header *** token ***"


def test_what_jira_does_not_have_is_named(jira):
    agile = client(jira)
    with pytest.raises(JiraBoardNotFound) as board:
        agile.backlog(42)
    assert str(board.value).startswith("Jira has no board 42 (or the credentials cannot see it)")
    with pytest.raises(JiraIssueNotFound, match="Jira has no issue OPS-999"):
        agile.get("OPS-999")
    with pytest.raises(JiraSprintNotFound):
        agile.sprint_issues(31)
    with pytest.raises(CanvasError, match="Set JIRA_URL"):
        JiraAgile({})


def test_each_flavour_is_spoken_to_with_its_own_credentials_and_api(jira):
    key = jira.add_issue("Which API")
    client(jira).get(key)
    expected = (f"Basic {base64.b64encode(f'{JIRA_USER}:{jira.token}'.encode()).decode()}"
                if jira.cloud else f"Bearer {jira.token}")
    assert {h["Authorization"] for h in jira.headers_seen} == {expected}
    platform = {p.split("/")[3] for _, p in jira.requests if p.startswith("/rest/api/")
                and not p.endswith("serverInfo")}
    assert platform == ({"3"} if jira.cloud else {"2"})


def test_data_center_sprint_strings_and_cloud_sprint_objects_both_give_the_open_sprint(jira):
    keys = jira.seed(2)
    old = jira.add_sprint("Old", "closed")
    now = jira.add_sprint("Now", "active")
    jira.close_sprint(old, {}, undone={keys[0]: 3})
    jira.change(keys[0], sprint=now)
    raw = jira._sprint_field(jira.issues[keys[0]])
    assert all(isinstance(s, dict) for s in raw) == jira.cloud
    cards = {c.key: c for c in client(jira).search("project = OPS")}
    assert (cards[keys[0]].sprint_id, cards[keys[1]].sprint_id) == (now, None)


def test_a_description_reads_the_same_from_the_backlog_a_sprint_and_the_issue(jira):
    keys = jira.seed(120)
    sprint = jira.add_sprint("Sprint 1", "active")
    jira.change(keys[0], sprint=sprint)
    agile = client(jira)
    text = "## Acceptance criteria\n\n- **deduplicated** alerts\n- [the runbook](https://rb.example)"
    for key in (keys[0], keys[119]):
        agile.update(key, description=text)
    from_backlog = {c.key: c for c in agile.backlog(BOARD)}
    assert len(from_backlog) == 119
    assert from_backlog[keys[119]].description == text == agile.get(keys[119]).description
    assert agile.sprint_issues(sprint)[0].description == text
    assert from_backlog[keys[5]].description == "Acceptance for item 6"
    by_key = [q for path, q in jira.queries if "/search" in path]
    if jira.cloud:  # read through v3, 100 keys a query (on pages of 25 here)
        assert {q["fields"] for q in by_key} == {"description"}
        queries = list(dict.fromkeys(q["jql"] for q in by_key))
        assert [q.count('"OPS-') for q in queries] == [100, 19, 1]
        assert queries[0].startswith('key in ("OPS-2", "OPS-3"')
    else:
        assert by_key == []


def test_a_reorder_made_in_jira_and_an_unknown_key_in_jql_are_seen_as_jira_gives_them(jira):
    keys = jira.seed(4)
    agile = client(jira)
    jira.rank_in_jira(keys[3], before=keys[0])
    assert [c.key for c in agile.backlog(BOARD)] == [keys[3], *keys[:3]]
    with pytest.raises(TrackerRefused, match="An issue with key 'OPS-99' does not exist"):
        agile.search('key in ("OPS-1", "OPS-99")')


def test_the_boards_own_estimation_field_wins_over_the_name(jira):
    jira.other_fields.append({"id": "customfield_10028", "name": "Story Points", "custom": True,
                              "schema": {"type": "number", "custom": "com.atlassian.jira.plugin."
                                         "system.customfieldtypes:float", "customId": 10028}})
    key = jira.add_issue("Estimated on the board", story_points=5)
    agile = client(jira)
    if jira.cloud:  # by name, the legacy field comes first
        assert agile.story_points_field() == "customfield_10028"
    assert agile.backlog(BOARD)[0].story_points == 5.0
    assert agile.story_points_field() == jira.points_field
    agile.update(key, story_points=8)
    assert jira.issues[key]["story_points"] == 8.0
    asked = [p for _, p in jira.requests if p.endswith("/configuration")]
    agile.sprints(BOARD)
    assert len(asked) == 1 == sum(p.endswith("/configuration") for _, p in jira.requests)


def test_a_board_estimating_by_issue_count_keeps_the_field_found_by_name(jira):
    jira.estimation = {"type": "issueCount"}
    agile = client(jira)
    assert agile.use_board_estimation(BOARD) is None
    assert agile.story_points_field() == jira.points_field
    with pytest.raises(JiraBoardNotFound):
        agile.use_board_estimation(7)


def test_velocity_reads_only_status_and_points(jira):
    keys = jira.seed(3)
    closed = jira.add_sprint("S1", "closed")
    jira.close_sprint(closed, {keys[0]: 5, keys[1]: 3})
    assert client(jira).closed_sprint_velocity(BOARD, last=5) == [8.0]
    listed = [q["fields"] for path, q in jira.queries if path.endswith(f"/sprint/{closed}/issue")]
    assert listed == [f"status,{jira.points_field}"]
    assert not any("/search" in path for _, path in jira.requests)
    assert client(jira).closed_sprint_velocity(BOARD, last=0) == []


def test_an_outage_is_worth_retrying_and_a_refusal_is_not(jira):
    key = jira.add_issue("Queued while down")
    agile = client(jira)
    agile.get(key)
    jira.go_down()
    with pytest.raises(CanvasError) as down:
        agile.update(key, summary="later")
    jira.come_up()
    jira.fail(429, headers={"Retry-After": "900"})  # too long to wait: reported at once
    with pytest.raises(CanvasError) as limited:
        agile.get(key)
    with pytest.raises(CanvasError) as refused:
        agile.update(key, labels=["has space"])
    with pytest.raises(CanvasError) as missing:
        agile.get("OPS-404")
    assert [worth_retrying(e.value) for e in (down, limited, refused, missing)] == [
        True, True, False, False]
    assert "label must not contain spaces" in str(refused.value)


def test_an_issue_ranked_against_itself_is_left_where_it_is(jira):
    keys = jira.seed(3)
    client(jira).rank([keys[2], keys[1]], before=keys[1])
    assert jira.ranked() == [keys[0], keys[2], keys[1]]
    assert next(b for m, p, b in jira.bodies if p.endswith("/issue/rank"))["issues"] == [keys[2]]


def test_missing_credentials_name_the_settings_and_a_set_deployment_skips_the_question(jira):
    with pytest.raises(CanvasError) as missing:
        JiraAgile({"JIRA_URL": jira.url})
    assert str(missing.value) == ("Set JIRA_PAT (Data Center) or JIRA_USER and JIRA_TOKEN (Cloud) "
                                  "in the environment or in Streamlit secrets to use this tracker.")
    deployment = "cloud" if jira.cloud else "datacenter"
    agile = client(jira, JIRA_DEPLOYMENT=deployment)
    jira.seed(1)
    assert len(agile.backlog(BOARD)) == 1
    assert ("GET", "/rest/api/2/serverInfo") not in jira.requests


def test_a_text_field_sharing_the_story_points_name_is_not_taken(jira):
    name = jira.fields["points"][1]
    jira.other_fields.append({"id": "customfield_10777", "name": name, "custom": True,
                              "schema": {"type": "string", "custom": "com.atlassian.jira.plugin."
                                         "system.customfieldtypes:textfield", "customId": 10777}})
    assert client(jira).story_points_field() == jira.points_field
