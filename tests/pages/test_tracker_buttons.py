"""The actions page's tracker buttons (AppTest) against an emulated GitLab."""

from datetime import date

import pytest

from canvas.actions import ActionDraft, Status
from storage import actions, calendar_feeds, tracker_links
from storage.db import connect
from tests.pages.conftest import create_board, join, page
from tests.tracker_emulator import Emulator


def shown(elements) -> list[str]:
    """Messages as a reader sees them (the page escapes Markdown in what people typed)."""
    return [element.value.replace("\\", "") for element in elements]


@pytest.fixture
def gitlab(monkeypatch):
    with Emulator("gitlab") as emulator:
        for name, value in emulator.env().items():
            monkeypatch.setenv(name, value)
        yield emulator


def _board_with_action(app, db_file):
    board_id = create_board(app)
    db = connect(db_file)
    action = actions.add_action(db, board_id, ActionDraft(
        title="Add an alert on the checkout 5xx rate", owner="Ann", due_date=date(2026, 12, 20)))
    draft = actions.add_action(db, board_id, ActionDraft(title="Rethink the WAF rules"))
    db.close()
    app.switch_page(page("actions.py")).run()
    return board_id, action, draft


def test_push_all_then_push_one_then_sync_a_closed_issue(app, db_file, gitlab):
    board_id, action, draft = _board_with_action(app, db_file)
    app.selectbox(key="actions_tracker").set_value("gitlab")
    app.text_input(key="actions_project").input(gitlab.project)
    app.button(key="actions_push_all").click().run()
    assert not app.exception and not app.error, shown(app.error)
    assert shown(app.success) == ["Created: Add an alert on the checkout 5xx rate"]
    assert len(gitlab.issues) == 1
    links = [b for b in app.get("link_button") if "GitLab issue" in b.proto.label]
    assert [b.proto.url for b in links] == [f"{gitlab.url}/{gitlab.project}/-/issues/{gitlab.issues[0]['ref']}"]
    assert any(c.value.startswith("Last synced") for c in app.caption)

    app.button(key=f"actions_push_{action.id}").click().run()
    assert shown(app.success) == ["Updated: Add an alert on the checkout 5xx rate"]
    assert len(gitlab.issues) == 1

    gitlab.set_closed(gitlab.issues[0]["ref"], True)
    app.button(key="actions_sync").click().run()
    assert shown(app.success) == ["Add an alert on the checkout 5xx rate: now done"]
    assert actions.get_action(connect(db_file), board_id, action.id).status == Status.done


def test_a_sync_conflict_is_shown_and_the_board_kept(app, db_file, gitlab):
    board_id, action, _ = _board_with_action(app, db_file)
    app.text_input(key="actions_project").input(gitlab.project)
    app.button(key="actions_push_all").click().run()
    actions.set_action_status(connect(db_file), board_id, action.id, Status.in_progress)
    gitlab.set_closed(gitlab.issues[0]["ref"], True)
    app.button(key="actions_sync").click().run()
    assert any("Conflict on Add an alert" in text for text in shown(app.warning))
    assert actions.get_action(connect(db_file), board_id, action.id).status == Status.in_progress


def test_a_sync_closes_the_issue_of_an_action_done_on_the_board_and_says_so(app, db_file, gitlab):
    board_id, action, _ = _board_with_action(app, db_file)
    app.text_input(key="actions_project").input(gitlab.project)
    app.button(key="actions_push_all").click().run()
    actions.set_action_status(connect(db_file), board_id, action.id, Status.done)
    app.button(key="actions_sync").click().run()
    assert not app.exception and not app.error
    assert shown(app.success) == ["Add an alert on the checkout 5xx rate: issue closed"]
    assert gitlab.issues[0]["closed"]


def test_refused_credentials_are_a_sentence_naming_the_variable(app, db_file, gitlab, monkeypatch):
    board_id, action, _ = _board_with_action(app, db_file)
    monkeypatch.setenv("GITLAB_TOKEN", "wrong")
    app.text_input(key="actions_project").input(gitlab.project)
    app.button(key="actions_push_all").click().run()
    assert not app.exception
    assert any("Not pushed: Add an alert" in text and "check GITLAB_TOKEN" in text
               for text in shown(app.error))
    assert tracker_links.links_for_board(connect(db_file), board_id) == {}


def test_only_the_facilitator_pushes_everything(app, db_file, gitlab):
    board_id, action, _ = _board_with_action(app, db_file)
    ann = join(board_id, "Ann")
    ann.switch_page(page("actions.py")).run()
    keys = {b.key for b in ann.button}
    assert "actions_push_all" not in keys and "actions_sync" in keys


def test_a_facilitator_makes_and_revokes_a_calendar_feed_link(app, db_file, gitlab):
    board_id, *_ = _board_with_action(app, db_file)
    app.button(key="actions_feed_new").click().run()
    [code] = [c for c in app.code if "/api/calendar/" in c.value]
    assert code.value.endswith(".ics")
    token = code.value.rsplit("/", 1)[1].removesuffix(".ics")
    assert calendar_feeds.feed_for_token(connect(db_file), token).value == board_id
    [feed] = calendar_feeds.feed_tokens(connect(db_file), "board", board_id)
    app.button(key=f"actions_feed_revoke_{feed.id}").click().run()
    assert calendar_feeds.feed_for_token(connect(db_file), token) is None
