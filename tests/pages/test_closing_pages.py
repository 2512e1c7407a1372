"""Closing with drafts on the Facilitate page, and follow-through on the
actions page after Closed (AppTest)."""

from datetime import date

import pytest

from canvas.actions import ActionDraft, Status
from canvas.errors import NotFacilitator
from canvas.session.phases import Phase
from storage import actions, boards, facilitation
from storage.db import connect
from tests.pages.conftest import create_board, facilitator_key, page

CLOSE_ANYWAY = "FormSubmitter:facil_close-Close anyway"


def test_closing_with_drafts_lists_them_refuses_then_closes_with_a_reason(app, db_file):
    board_id = create_board(app)
    db = connect(db_file)
    canary = actions.add_action(db, board_id, ActionDraft(title="Add a canary stage"))
    actions.add_action(db, board_id, ActionDraft(title="Alert on queue depth"))
    app.switch_page(page("facilitate.py")).run()
    assert [t.value for t in app.text if t.value in ("Add a canary stage", "Alert on queue depth")] == [
        "Add a canary stage", "Alert on queue depth"]

    app.button(key="facil_phase_closed").click().run()
    assert any("cannot close yet: 2 draft actions" in e.value for e in app.error)
    assert boards.get_board(db, board_id).phase == Phase.write

    # One draft gets a name and a date right there.
    app.text_input(key=f"facil_draft_{canary.id}_owner").input("Dee")
    app.date_input(key=f"facil_draft_{canary.id}_due").set_value(date(2031, 2, 1))
    app.button(key=f"facil_draft_{canary.id}_save").click().run()
    assert not app.exception
    stored = actions.get_action(db, board_id, canary.id)
    assert (stored.owner, stored.due_date) == ("Dee", date(2031, 2, 1))
    assert "Add a canary stage" not in [t.value for t in app.text]

    app.button(key=CLOSE_ANYWAY).click().run()
    assert any("cannot close yet: 1 draft action" in e.value for e in app.error)
    assert boards.get_board(db, board_id).phase == Phase.write

    app.text_area(key="facil_close_reason").input("The queue owner is picked at Monday's planning")
    app.button(key=CLOSE_ANYWAY).click().run()
    board = boards.get_board(db, board_id)
    assert (board.phase, board.close_reason) == (
        Phase.closed, "The queue owner is picked at Monday's planning")
    assert "The queue owner is picked at Monday's planning" in [t.value for t in app.text]


def test_an_action_stays_editable_after_closed_but_its_title_does_not(app, db_file):
    board_id = create_board(app)
    db = connect(db_file)
    action = actions.add_action(db, board_id, ActionDraft(title="Add a canary stage", owner="Dee",
                                                          due_date=date(2031, 2, 1)))
    facilitation.set_phase(db, board_id, facilitator_key(app), Phase.closed)
    app.switch_page(page("actions.py")).run()
    prefix = f"action_edit_{action.id}"
    assert app.text_input(key=f"{prefix}_title").disabled
    assert not app.text_input(key=f"{prefix}_owner").disabled
    app.text_input(key=f"{prefix}_owner").input("Ann")
    app.date_input(key=f"{prefix}_review").set_value(date(2031, 3, 1))
    app.selectbox(key=f"{prefix}_status").select(Status.done)
    app.button(key=f"{prefix}_save").click().run()
    assert not app.exception
    stored = actions.get_action(db, board_id, action.id)
    assert (stored.owner, stored.review_date, stored.status, stored.title) == (
        "Ann", date(2031, 3, 1), Status.done, "Add a canary stage")
    assert any("Review: 2031-03-01" in c.value for c in app.caption)
    # No new actions and no deletions on a closed board.
    keys = [w.key for w in app.text_input] + [b.key for b in app.button]
    assert "action_new_title" not in keys and f"{prefix}_delete" not in keys


def test_the_all_actions_page_shows_the_follow_up_review_date(app, db_file):
    board_id = create_board(app)
    actions.add_action(connect(db_file), board_id, ActionDraft(
        title="Add a canary stage", owner="Dee", due_date=date(2031, 2, 1),
        review_date=date(2031, 3, 1)))
    app.switch_page(page("all_actions.py")).run()
    table = app.dataframe[0].value
    assert [str(day)[:10] for day in table["Review"]] == ["2031-03-01"]


def test_importing_an_incident_into_a_template_without_a_timeline_offers_one_that_has_it(app, db_file):
    from tests.cli.test_command_line import INCIDENT_FILES

    app.run()
    # The template picker sits in the new-board form; its value as if chosen.
    app.session_state["home_template"] = "mad-sad-glad"
    app.file_uploader(key="home_import_file").set_value(
        ("incident.json", INCIDENT_FILES[0].read_bytes(), "application/json"))
    app.button(key="home_import").click().run()
    assert any("has no timeline" in e.value for e in app.error)
    assert boards.list_boards(connect(db_file)) == []
    app.button(key="home_import_into_blameless").click().run()
    assert not app.exception
    [board] = boards.list_boards(connect(db_file))
    assert board.template == "blameless"


def test_parked_ideas_are_listed_apart_and_not_counted_as_drafts(app, db_file):
    board_id = create_board(app)
    db = connect(db_file)
    actions.add_action(db, board_id, ActionDraft(title="Add a canary stage"))
    actions.add_action(db, board_id, ActionDraft(title="Rewrite the router", status=Status.parked))
    app.switch_page(page("actions.py")).run()
    assert any("1 action · 1 draft without an owner and a due date · 0 overdue · 1 parked idea"
               == c.value for c in app.caption)
    assert [h.value for h in app.subheader][:1] == ["Parked ideas"]
    titles = [t.value for t in app.text]
    assert titles.index("Add a canary stage") < titles.index("Rewrite the router")


def test_at_close_the_facilitator_records_what_would_make_the_next_postmortem_better(app, db_file):
    board_id = create_board(app)
    db = connect(db_file)
    app.switch_page(page("facilitate.py")).run()
    assert not [area for area in app.text_area if area.key == "facil_process_review"]
    facilitation.set_phase(db, board_id, facilitator_key(app), Phase.closed)
    app.run()
    area = app.text_area(key="facil_process_review")
    assert area.label == "What would make our next postmortem better?"
    area.input("Send the draft timeline a day before")
    app.button(key="FormSubmitter:facil_process-Save the answer").click().run()
    assert not app.exception
    assert boards.get_board(db, board_id).process_review == "Send the draft timeline a day before"

    app.switch_page(page("learnings_review.py")).run()
    assert "Send the draft timeline a day before" in [t.value for t in app.text]


def test_only_the_facilitator_may_record_the_process_review(app, db_file):
    board_id = create_board(app)
    db = connect(db_file)
    with pytest.raises(NotFacilitator):
        facilitation.record_process_review(db, board_id, "not-a-key", "Shorter meetings")
    assert boards.get_board(db, board_id).process_review == ""
