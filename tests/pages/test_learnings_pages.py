"""The Learnings page, the contributing-factors step and the Learnings review,
run as AppTests against a real temporary database."""

from datetime import UTC, date, datetime, timedelta

from canvas.actions import ActionDraft, Status
from canvas.incident.timeline import EventKind, TimelineEvent
from canvas.learnings import DecisionKind, EvidenceKind, FactorCategory
from storage import actions, events, learnings, notes
from storage.db import connect
from tests.pages.conftest import ADD_NOTE, add_note, create_board, join, page


def learnings_page(tab):
    tab.switch_page(page("learnings.py")).run()
    assert not tab.exception, tab.exception
    return tab


def test_a_learning_goes_from_its_evidence_to_a_decision_to_an_action(app, db_file):
    board_id = create_board(app)
    add_note(app, "Customers reported errors before any alert fired")
    db = connect(db_file)
    [note] = notes.list_notes(db, board_id)

    learnings_page(app)
    app.text_area(key="learned_new_text").input("customers tell us before our alerts do")
    app.selectbox(key="learned_new_evidence").set_value(note.id)
    app.button(key="FormSubmitter:learned_new-Add the learning").click().run()
    assert not app.exception, app.exception
    [learning] = learnings.list_learnings(db, board_id)
    assert learning.text == "We learned that customers tell us before our alerts do"
    assert (learning.evidence_kind, learning.evidence_id) == (EvidenceKind.note, note.id)
    assert any("Evidence: Detect · #1 · Customers reported" in c.value for c in app.caption)
    assert any("No decision" in c.value for c in app.caption)

    prefix = f"learned_decision_{learning.id}"
    app.selectbox(key=f"{prefix}_kind").set_value(DecisionKind.instrumentation)
    app.text_input(key=f"{prefix}_text").input("Alert on the checkout error rate")
    app.text_area(key=f"{prefix}_trade_off").input("More pages at night")
    app.button(key=f"{prefix}_save").click().run()
    assert not app.exception, app.exception
    [decision] = learnings.list_decisions(db, board_id)
    assert (decision.kind.value, decision.trade_off) == ("instrumentation", "More pages at night")

    prefix = f"learned_action_{learning.id}"
    app.text_input(key=f"{prefix}_title").input("Add an alert on checkout 5xx above 2%")
    app.text_input(key=f"{prefix}_owner").input("Ann")
    app.date_input(key=f"{prefix}_due").set_value(date(2030, 1, 31))
    app.button(key=f"{prefix}_create").click().run()
    assert not app.exception, app.exception
    [action] = actions.list_actions(db, board_id)
    assert (action.title, action.owner, action.type.value) == (
        "Add an alert on checkout 5xx above 2%", "Ann", "detect")
    assert learnings.list_decisions(db, board_id)[0].action_ids == [action.id]
    shown = [t.value for t in app.text]
    assert "→ Add an alert on checkout 5xx above 2% · Ann · 2030-01-31 · Open" in shown


def test_a_learning_typed_as_markup_is_shown_as_text(app, db_file):
    board_id = create_board(app)
    learnings_page(app)
    app.text_area(key="learned_new_text").input("**bold** <b>x</b>")
    app.button(key="FormSubmitter:learned_new-Add the learning").click().run()
    assert "1. We learned that **bold** <b>x</b>" in [t.value for t in app.text]
    assert not any("<b>x</b>" in m.value for m in app.markdown)
    assert any("No evidence linked" in c.value for c in app.caption)


def test_a_factor_gets_its_category_and_the_facilitator_runs_the_five_whys(app, db_file):
    board_id = create_board(app)
    app.switch_page(page("factors.py")).run()
    assert not app.exception, app.exception
    assert [t.value for t in app.title] == ["Contributing factors"]
    app.text_area(key="step_text").input("Rule changes skip the staged rollout")
    app.button(key=ADD_NOTE).click().run()
    db = connect(db_file)
    [note] = notes.list_notes(db, board_id, "contributing-factors")

    app.selectbox(key=f"step_category_{note.id}").set_value(FactorCategory.process).run()
    assert notes.get_note(db, board_id, note.id).category == FactorCategory.process

    app.text_input(key=f"step_why_{note.id}_0").input("Why did it skip staging?")
    app.text_input(key=f"step_because_{note.id}_0").input("The default path is global")
    app.text_input(key=f"step_why_{note.id}_1").input("Why is the default global?")
    app.button(key=f"FormSubmitter:step_whys_{note.id}-Save the 5 Whys").click().run()
    assert not app.exception, app.exception
    [chain] = learnings.list_whys(db, board_id)
    assert [step.why for step in chain.steps] == ["Why did it skip staging?",
                                                  "Why is the default global?"]


def test_a_participant_sees_the_five_whys_but_cannot_run_them(app, db_file):
    board_id = create_board(app)
    ann = join(board_id, "Ann")
    ann.switch_page(page("factors.py")).run()
    ann.text_area(key="step_text").input("Rule changes skip the staged rollout")
    ann.button(key=ADD_NOTE).click().run()
    assert not ann.exception, ann.exception
    assert not [w for w in ann.text_input if w.key.startswith("step_why_")]
    assert any("facilitator runs the 5 Whys" in c.value for c in ann.caption)


def test_the_learnings_review_lists_known_boards_and_exports_markdown(app, db_file):
    board_id = create_board(app, title="Checkout errors")
    learnings_page(app)
    app.text_area(key="learned_new_text").input("retries hide outages")
    app.button(key="FormSubmitter:learned_new-Add the learning").click().run()

    app.switch_page(page("learnings_review.py")).run()
    assert not app.exception, app.exception
    assert "We learned that retries hide outages" in [t.value for t in app.text]
    [download] = app.get("download_button")
    assert download.proto.label == "Review agenda (.md)"

    # Another browser knows no board, and sees none of these learnings.
    other = join(board_id, "Ann")
    other.session_state["identities"] = {}
    other.switch_page(page("learnings_review.py")).run()
    assert "We learned that retries hide outages" not in [t.value for t in other.text]


def test_evidence_another_person_is_still_writing_is_hidden_not_gone(app, db_file):
    board_id = create_board(app)
    ann = join(board_id, "Ann")
    add_note(ann, "Customers reported errors first")
    [note] = notes.list_notes(connect(db_file), board_id)
    learnings_page(ann)
    ann.text_area(key="learned_new_text").input("customers see errors before we do")
    ann.selectbox(key="learned_new_evidence").set_value(note.id)
    ann.button(key="FormSubmitter:learned_new-Add the learning").click().run()

    learnings_page(app)
    captions = [c.value for c in app.caption]
    assert any("a note others wrote" in c for c in captions)
    assert not any("no longer on the board" in c for c in captions)
    [learning] = learnings.list_learnings(connect(db_file), board_id)
    # Saving an edit keeps the link this person cannot see.
    app.text_area(key=f"learned_edit_{learning.id}_text").input("customers see errors first")
    app.button(key=f"learned_edit_{learning.id}_save").click().run()
    [learning] = learnings.list_learnings(connect(db_file), board_id)
    assert (learning.text, learning.evidence_id) == ("We learned that customers see errors first",
                                                     note.id)


def test_the_review_shows_the_periods_impact_of_known_boards_only(app, db_file):
    board_id = create_board(app, title="Checkout errors")
    now = datetime.now(UTC).replace(microsecond=0) - timedelta(days=1)
    with connect(db_file) as db:
        for kind, minutes in ((EventKind.impact_start, 0), (EventKind.detected, 4),
                              (EventKind.impact_end, 45), (EventKind.resolved, 50)):
            events.add_event(db, board_id, TimelineEvent(
                at=now + timedelta(minutes=minutes), kind=kind, text=kind.label))
        actions.add_action(db, board_id, ActionDraft(
            title="Alert on 5xx", owner="Kim", due_date=now.date(), status=Status.done))

    app.switch_page(page("learnings_review.py")).run()
    assert not app.exception, app.exception
    shown = {metric.label: metric.value for metric in app.metric}
    assert shown == {"Incidents": "1", "Minutes of customer impact": "45",
                     "Mean time to detect": "4 min", "Mean time to resolve": "50 min",
                     "Actions done / due": "1 / 1"}

    other = join(board_id, "Ann")
    other.session_state["identities"] = {}
    other.switch_page(page("learnings_review.py")).run()
    assert {metric.label: metric.value for metric in other.metric}["Incidents"] == "0"
