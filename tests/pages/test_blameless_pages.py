"""Nudges, the completeness panel, follow-up questions and exports (AppTest)."""

from canvas.session.phases import Phase
from storage import facilitation
from storage.db import connect
from tests.pages.conftest import add_note, create_board, facilitator_key, join, page


def nudges(at) -> list[str]:
    return [c.value for c in at.caption if "Nudge" in c.value]


def test_a_blaming_note_gets_a_nudge_its_author_sees_and_the_note_is_kept(app):
    board_id = create_board(app)
    ann = join(board_id, "Ann")
    add_note(ann, "Ops should have noticed the disk filling up")
    assert "Ops should have noticed the disk filling up" in [t.value for t in ann.text]
    [nudge] = nudges(ann)
    assert "should have" in nudge and "Try:" in nudge


def test_the_nudge_is_shown_only_to_the_writer(app, db_file):
    board_id = create_board(app)
    ann, bob = join(board_id, "Ann"), join(board_id, "Bob")
    add_note(ann, "This was human error")
    facilitation.set_phase(connect(db_file), board_id, facilitator_key(app), Phase.group)
    bob.switch_page(page("step.py")).run()
    with_expander = [t.value for t in bob.text]
    assert "This was human error" in with_expander
    assert nudges(bob) == []


def test_a_participant_named_as_subject_in_detect_is_nudged(app):
    board_id = create_board(app, name="Fran")
    ann = join(board_id, "Ann")
    add_note(ann, "Fran deployed the config without a canary")
    assert any("Fran" in n for n in nudges(ann))


def test_a_rewritten_note_loses_its_nudge(app, db_file):
    from storage import notes

    board_id = create_board(app)
    ann = join(board_id, "Ann")
    add_note(ann, "We failed to check the backup job")
    assert nudges(ann)
    [note] = notes.list_notes(connect(db_file), board_id)
    ann.text_area(key=f"edit_text_{note.id}").input("The backup job had no check that it ran")
    ann.button(key=f"edit_save_{note.id}").click().run()
    assert nudges(ann) == []


def test_the_completeness_panel_lists_what_is_missing_with_a_way_to_fix_it(app):
    create_board(app)
    app.switch_page(page("check.py")).run()
    assert not app.exception
    rubric, checklist = app.get("progress")
    assert "points" in rubric.proto.text and "does not pass the quality gate yet" in rubric.proto.text
    assert "checks done" in checklist.proto.text
    missing = [c.value for c in app.caption]
    assert any("impact started" in m for m in missing)
    assert any("No notes yet" in m for m in missing)
    # The facilitator also sees flagged notes per step, without names.
    assert app.dataframe[0].value.columns.tolist() == ["Step", "Flagged notes"]


def test_each_step_offers_follow_up_questions(app):
    create_board(app)
    app.switch_page(page("step.py")).run()
    assert any("How did we find out" in m.value for m in app.markdown)


def test_the_export_page_offers_every_format(app):
    create_board(app)
    app.switch_page(page("export.py")).run()
    assert not app.exception
    labels = [b.proto.label for b in app.get("download_button")]
    assert labels == ["Retrospective pack (.md)", "Markdown summary (.md)", "External summary (.md)",
                      "Picture of the canvas (.png)", "Backup of the whole board (.json)",
                      "Actions (.csv)", "Due dates (.ics calendar)", "One-page brief (.md)"]


def test_is_it_done_names_a_top_voted_factor_that_no_action_comes_from(app, db_file):
    from canvas.actions import ActionDraft, SourceKind
    from canvas.models import NoteDraft
    from canvas.session.phases import Credentials
    from storage import actions, notes, participants, votes

    board_id = create_board(app)
    db = connect(db_file)
    key = facilitator_key(app)
    as_fran = Credentials(facilitator_key=key)
    rollout = notes.add_note(db, board_id, "contributing-factors",
                             NoteDraft(text="One stage for every rule change"), as_fran)
    alerts = notes.add_note(db, board_id, "contributing-factors",
                            NoteDraft(text="Alerts watched CPU, not errors"), as_fran)
    facilitation.set_phase(db, board_id, key, Phase.vote)
    ann, _ = participants.join_board(db, board_id, "Ann")
    votes.cast_vote(db, board_id, Credentials(participant_id=ann.id), rollout.id, 0)
    votes.cast_vote(db, board_id, Credentials(participant_id=ann.id), alerts.id, 0)
    actions.add_action(db, board_id, ActionDraft(title="Stage rule changes", source_kind=SourceKind.note,
                                                 source_id=rollout.id))
    facilitation.set_phase(db, board_id, key, Phase.discuss)
    app.switch_page(page("check.py")).run()
    assert not app.exception
    # The one factor an action comes from is not counted; the other is named.
    assert any(c.value.startswith("No action comes from 1 of the 2 top-voted factors")
               for c in app.caption)
    assert "• Alerts watched CPU, not errors" in [t.value for t in app.text]
