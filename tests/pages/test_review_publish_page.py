"""The actions page's review issue and write-up (AppTest) against emulated
GitLab and GitHub: the buttons work, a second click writes nothing, and each
failure is a sentence on the page."""

from datetime import date, timedelta

import pytest

from canvas.actions import ActionDraft
from canvas.models import NoteDraft
from canvas.session.phases import Credentials
from storage import actions, boards, notes, review_issues
from storage.db import connect
from tests.pages.conftest import create_board, join, page
from tests.repo_emulator import RepoEmulator


def shown(elements) -> list[str]:
    """Messages as a reader sees them (the page escapes Markdown)."""
    return [element.value.replace("\\", "") for element in elements]


@pytest.fixture(params=["gitlab", "github"])
def host(request, monkeypatch):
    with RepoEmulator(request.param) as emulator:
        for name, value in emulator.env().items():
            monkeypatch.setenv(name, value)
        yield emulator


def _actions_page(app):
    board_id = create_board(app)
    app.switch_page(page("actions.py")).run()
    assert not app.exception, app.exception
    return board_id


def _open_issue(app, host):
    app.selectbox(key="publish_review_tracker").set_value(host.kind)
    app.text_input(key="publish_review_project").input(host.project)
    app.button(key="publish_review_issue").click().run()
    assert not app.exception and not app.error, shown(app.error)


def _publish(app, host, iac_project: str = ""):
    app.selectbox(key="publish_host").set_value(host.kind)
    app.text_input(key="publish_project").input(host.project)
    app.text_input(key="publish_iac_project").input(iac_project)
    app.button(key="publish_write_up").click().run()
    assert not app.exception and not app.error, shown(app.error)


def test_the_review_issue_from_the_board_then_again_changes_nothing(app, db_file, host):
    board_id = _actions_page(app)
    _open_issue(app, host)
    [issue] = host.issues[host.project]
    url = review_issues.review_issue_of(connect(db_file), board_id).url
    assert shown(app.success) == [f"Review issue opened: {url}"]
    assert "Post Mortem" in issue["labels"]
    assert boards.get_board(connect(db_file), board_id).tracker_url == url
    assert [b.proto.url for b in app.get("link_button")
            if "Review issue in" in b.proto.label] == [url]
    writes = len(host.writes)

    app.button(key="publish_review_issue").click().run()

    assert shown(app.success) == [f"Review issue already up to date: {url}"]
    assert len(host.writes) == writes and len(host.issues[host.project]) == 1


def test_publishing_from_the_board_then_again_changes_nothing(app, db_file, host):
    _actions_page(app)
    _open_issue(app, host)
    _publish(app, host)
    [request] = host.open_requests(host.project)
    kind = "merge request" if host.kind == "gitlab" else "pull request"
    [line] = shown(app.success)
    assert line.startswith(f"Write-up: {kind} opened: ") and line.endswith(str(request["number"]))
    assert "Review issue: <" in request["description"]
    writes = len(host.writes)

    app.button(key="publish_write_up").click().run()

    assert shown(app.success) == [line.replace("opened", "already up to date")]
    assert len(host.writes) == writes


def test_lessons_marked_on_the_page_get_their_own_request(app, db_file, host):
    board_id = _actions_page(app)
    action = actions.add_action(connect(db_file), board_id, ActionDraft(
        title="Stage WAF rule rollouts through a canary PoP", owner="Kim",
        due_date=date.today() + timedelta(days=30)))
    app.run()
    app.multiselect(key="publish_iac_items").set_value([action.id]).run()
    assert actions.get_action(connect(db_file), board_id, action.id).iac is True

    _publish(app, host, iac_project=host.iac_project)

    assert len(host.open_requests(host.iac_project)) == 1
    assert any(text.startswith("Infrastructure lessons: ") for text in shown(app.success))
    app.multiselect(key="publish_iac_items").set_value([]).run()
    assert actions.get_action(connect(db_file), board_id, action.id).iac is False


def test_an_unknown_project_is_a_sentence_on_the_page(app, host):
    _actions_page(app)
    app.selectbox(key="publish_host").set_value(host.kind)
    app.text_input(key="publish_project").input("acme/nowhere")
    app.button(key="publish_write_up").click().run()
    assert not app.exception
    assert [text for text in shown(app.error) if "'acme/nowhere' not found" in text]
    assert host.writes == []


def test_a_missing_token_names_the_setting(app, host, monkeypatch):
    _actions_page(app)
    variable = "GITLAB_TOKEN" if host.kind == "gitlab" else "GITHUB_TOKEN"
    monkeypatch.delenv(variable)
    app.selectbox(key="publish_review_tracker").set_value(host.kind)
    app.text_input(key="publish_review_project").input(host.project)
    app.button(key="publish_review_issue").click().run()
    assert not app.exception
    assert shown(app.error) == [f"Set {variable} in the environment or in Streamlit secrets to "
                                "use this tracker."]


def test_a_refused_branch_is_a_sentence_on_the_page(app, host):
    _actions_page(app)
    host.protect(host.project, "postmortem/")
    app.selectbox(key="publish_host").set_value(host.kind)
    app.text_input(key="publish_project").input(host.project)
    app.button(key="publish_write_up").click().run()
    assert not app.exception
    [message] = [text for text in shown(app.error) if "refused the branch" in text]
    assert message.endswith("name another branch, or let the token push to this one.")


def test_notes_still_private_hold_the_write_up_back(app, db_file, host):
    board_id = _actions_page(app)
    join(board_id, "Ann")
    db = connect(db_file)
    [ann] = [p for p in db.query("SELECT id FROM participants WHERE board_id = ? AND "
                                 "display_name = 'Ann'", [board_id])]
    notes.add_note(db, board_id, "detect", NoteDraft(text="Alerts fired late"),
                   Credentials(participant_id=ann["id"]))
    app.selectbox(key="publish_host").set_value(host.kind)
    app.text_input(key="publish_project").input(host.project)
    app.button(key="publish_write_up").click().run()
    assert not app.exception
    assert shown(app.error) == ["1 note by others is still private while people write: publish "
                                "once the facilitator has started grouping."]
    assert host.writes == []


def test_a_participant_marks_lessons_but_neither_opens_nor_publishes(app, db_file, host):
    board_id = _actions_page(app)
    ann = join(board_id, "Ann")
    ann.switch_page(page("actions.py")).run()
    keys = {element.key for element in [*ann.button, *ann.multiselect]}
    assert "publish_iac_items" in keys
    assert not {"publish_review_issue", "publish_write_up"} & keys
