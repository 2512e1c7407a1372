"""The actions page and the all-actions page (AppTest)."""

from datetime import timedelta

from streamlit.testing.v1 import AppTest

from canvas.actions import ActionDraft
from canvas.dates import today_in
from storage import actions
from storage.db import connect
from tests.pages.conftest import ROOT, create_board, page

ADD = "FormSubmitter:action_new-Add action"


def test_an_action_without_owner_and_date_shows_as_a_draft_and_vague_titles_get_advice(app, db_file):
    board_id = create_board(app)
    app.switch_page(page("actions.py")).run()
    app.text_input(key="action_new_title").input("Look into monitoring")
    app.button(key=ADD).click().run()
    assert not app.exception
    [stored] = actions.list_actions(connect(db_file), board_id)
    assert stored.title == "Look into monitoring" and stored.is_draft
    assert any("Draft" in w.value for w in app.warning)
    assert any("“Look into” has no end" in c.value for c in app.caption)
    assert any(c.value.startswith("1 action · 1 draft without an owner") for c in app.caption)


def test_wont_do_without_a_reason_is_refused_and_the_typed_title_kept(app, db_file):
    board_id = create_board(app)
    app.switch_page(page("actions.py")).run()
    app.text_input(key="action_new_title").input("Add a canary stage")
    app.selectbox(key="action_new_status").select_index(3)
    app.button(key=ADD).click().run()
    assert "Say why" in app.error[0].value
    assert app.text_input(key="action_new_title").value == "Add a canary stage"
    assert actions.list_actions(connect(db_file), board_id) == []


def test_an_overdue_action_stands_out_and_the_all_actions_page_filters_it(app, db_file):
    create_board(app, title="Old outage")
    app.switch_page(page("actions.py")).run()
    app.text_input(key="action_new_title").input("Add an alert on queue depth")
    app.text_input(key="action_new_owner").input("Ann")
    app.date_input(key="action_new_due").set_value(today_in("UTC") - timedelta(days=3))
    app.button(key=ADD).click().run()
    assert any("Overdue since" in e.value for e in app.error)
    app.switch_page(page("all_actions.py")).run()
    table = app.dataframe[0].value
    assert list(table["Action"]) == ["Add an alert on queue depth"]
    assert list(table["Overdue"]) == ["⚠ overdue"]
    app.toggle(key="all_overdue").set_value(True).run()
    assert len(app.dataframe[0].value) == 1
    app.multiselect(key="all_owner").select("Ann").run()
    assert len(app.dataframe[0].value) == 1


def test_giving_a_draft_an_owner_and_a_date_makes_it_a_commitment(app, db_file):
    board_id = create_board(app)
    app.switch_page(page("actions.py")).run()
    app.text_input(key="action_new_title").input("Add an alert on queue depth")
    app.button(key=ADD).click().run()
    [draft] = actions.list_actions(connect(db_file), board_id)
    prefix = f"action_edit_{draft.id}"
    app.text_input(key=f"{prefix}_owner").input("Ann")
    app.date_input(key=f"{prefix}_due").set_value(today_in("UTC") + timedelta(days=14))
    app.text_input(key=f"{prefix}_signal").input("Queue depth alert fires in the next game day")
    app.button(key=f"{prefix}_save").click().run()
    [saved] = actions.list_actions(connect(db_file), board_id)
    assert (saved.owner, saved.is_draft, saved.version) == ("Ann", False, 2)
    assert not any("Draft" in w.value for w in app.warning)


def test_an_action_is_marked_customer_facing_when_added_and_unmarked_when_edited(app, db_file):
    board_id = create_board(app)
    app.switch_page(page("actions.py")).run()
    app.text_input(key="action_new_title").input("Send affected customers a credit")
    app.checkbox(key="action_new_customer").check()
    app.button(key=ADD).click().run()
    assert not app.exception
    [stored] = actions.list_actions(connect(db_file), board_id)
    assert stored.customer_facing
    assert any("Customer-facing" in c.value.split(" · ") for c in app.caption)
    prefix = f"action_edit_{stored.id}"
    assert app.checkbox(key=f"{prefix}_customer").value
    app.checkbox(key=f"{prefix}_customer").uncheck()
    app.button(key=f"{prefix}_save").click().run()
    assert not actions.get_action(connect(db_file), board_id, stored.id).customer_facing


def test_a_second_save_of_the_same_action_is_refused(app, db_file):
    from canvas.actions import ActionDraft

    board_id = create_board(app)
    app.switch_page(page("actions.py")).run()
    app.text_input(key="action_new_title").input("Add an alert on queue depth")
    app.button(key=ADD).click().run()
    [draft] = actions.list_actions(connect(db_file), board_id)
    # Someone else saves first.
    actions.edit_action(connect(db_file), board_id, draft.id,
                        ActionDraft(title="Add an alert on queue depth", owner="Bo"), draft.version)
    prefix = f"action_edit_{draft.id}"
    app.text_input(key=f"{prefix}_owner").input("Ann")
    app.button(key=f"{prefix}_save").click().run()
    assert any("Someone else changed this" in e.value for e in app.error)
    assert actions.list_actions(connect(db_file), board_id)[0].owner == "Bo"


def test_all_actions_shows_only_the_boards_this_browser_knows_unless_listing_all(
        app, db_file, monkeypatch):
    board_id = create_board(app, title="Old outage")
    actions.add_action(connect(db_file), board_id,
                       ActionDraft(title="Add an alert on queue depth", owner="Ann"))
    newcomer = AppTest.from_string((ROOT / "app.py").read_text(), default_timeout=30)
    newcomer.run()
    newcomer.switch_page(page("all_actions.py")).run()
    assert not newcomer.exception
    assert len(newcomer.dataframe[0].value) == 0
    app.switch_page(page("all_actions.py")).run()
    assert list(app.dataframe[0].value["Action"]) == ["Add an alert on queue depth"]
    monkeypatch.setenv("POSTMORTEM_CANVAS_LIST_ALL_BOARDS", "1")
    newcomer.run()
    assert list(newcomer.dataframe[0].value["Action"]) == ["Add an alert on queue depth"]
