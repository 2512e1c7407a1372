"""Notes tied to moments of the timeline, through the pages (AppTest): the
picker in a note's edit popover, the caption on the note, and the notes
listed under each event of the timeline."""

import pytest

from canvas.session.phases import Phase
from canvas.incident.timeline import TimelineEvent
from storage import events, facilitation, notes
from storage.db import connect
from tests.pages.conftest import create_board, join, page

ADD = "FormSubmitter:step_add-Add note"


def facilitator_key(app) -> str:
    return app.session_state["identities"][app.session_state["board_id"]]["facilitator_key"]


def add_note(app, text: str):
    app.switch_page(page("step.py")).run()
    app.text_area(key="step_text").input(text)
    app.button(key=ADD).click().run()
    assert not app.exception, app.exception


def add_event(db_file, board_id, text="Paged on 5xx", at="2019-07-02T13:42:00Z", kind="detected"):
    return events.add_event(connect(db_file), board_id, TimelineEvent(at=at, kind=kind, text=text))


def captions(at) -> list[str]:
    return [caption.value for caption in at.caption]


def texts(at) -> list[str]:
    return [text.value for text in at.text]


@pytest.fixture
def board_with_note(app, db_file):
    """A board (this tab facilitates it) with one note in Detect and one event."""
    board_id = create_board(app)
    add_note(app, "Alert on checkout 5xx rate")
    [note] = notes.list_notes(connect(db_file), board_id)
    moment = add_event(db_file, board_id)
    app.run()
    return board_id, note, moment


def test_a_note_is_linked_to_a_moment_from_its_popover_and_shows_a_caption(app, db_file, board_with_note):
    board_id, note, moment = board_with_note
    picker = app.selectbox(key=f"step_link_{note.id}")
    assert picker.options == ["None", "2019-07-02 13:42 UTC · Detected · Paged on 5xx"]
    assert picker.value is None

    picker.set_value(moment.id).run()
    assert not app.exception and not app.error
    assert notes.get_note(connect(db_file), board_id, note.id).event_id == moment.id
    assert ":material/timer: 13:42 UTC · detected" in captions(app)
    assert app.selectbox(key=f"step_link_{note.id}").value == moment.id

    app.selectbox(key=f"step_link_{note.id}").set_value(None).run()
    assert notes.get_note(connect(db_file), board_id, note.id).event_id is None
    assert not any(caption.startswith(":material/timer:") for caption in captions(app))


def test_the_caption_is_in_the_boards_zone(app, db_file, board_with_note):
    board_id, note, moment = board_with_note
    app.selectbox(key=f"step_link_{note.id}").set_value(moment.id).run()
    app.switch_page(page("summary.py")).run()
    app.selectbox(key="summary_timezone").set_value("Europe/Berlin")
    app.button(key="FormSubmitter:summary_form-Save summary").click().run()
    app.switch_page(page("step.py")).run()
    assert ":material/timer: 15:42 CEST · detected" in captions(app)
    assert app.selectbox(key=f"step_link_{note.id}").options[1].startswith("2019-07-02 15:42 CEST")


def test_a_link_to_a_deleted_event_is_kept_but_not_shown(app, db_file, board_with_note):
    board_id, note, moment = board_with_note
    app.selectbox(key=f"step_link_{note.id}").set_value(moment.id).run()
    events.delete_event(connect(db_file), board_id, moment.id)
    app.run()
    assert not any(caption.startswith(":material/timer:") for caption in captions(app))
    assert app.selectbox(key=f"step_link_{note.id}").value is None
    assert app.selectbox(key=f"step_link_{note.id}").options == ["None"]
    assert notes.get_note(connect(db_file), board_id, note.id).event_id == moment.id

    events.restore_event(connect(db_file), board_id, moment.id)
    app.run()
    assert ":material/timer: 13:42 UTC · detected" in captions(app)


def test_an_event_deleted_while_the_picker_was_open_is_refused_with_a_message(app, db_file, board_with_note):
    board_id, note, moment = board_with_note
    events.delete_event(connect(db_file), board_id, moment.id)
    app.selectbox(key=f"step_link_{note.id}").set_value(moment.id).run()
    assert [e.value for e in app.error] == ["That event no longer exists on this timeline."]
    assert notes.get_note(connect(db_file), board_id, note.id).event_id is None


def test_someone_who_did_not_write_the_note_can_link_it_but_not_edit_it(app, db_file, board_with_note):
    board_id, note, moment = board_with_note
    facilitation.set_phase(connect(db_file), board_id, facilitator_key(app), Phase.group)
    ann = join(board_id, "Ann")
    ann.switch_page(page("step.py")).run()
    assert not ann.exception, ann.exception
    assert f"edit_text_{note.id}" not in [area.key for area in ann.text_area], "not hers to edit"
    ann.selectbox(key=f"step_link_{note.id}").set_value(moment.id).run()
    assert not ann.error, [e.value for e in ann.error]
    assert notes.get_note(connect(db_file), board_id, note.id).event_id == moment.id


def test_the_timeline_lists_the_notes_linked_to_each_event_literally(app, db_file, board_with_note):
    board_id, note, moment = board_with_note
    hostile = "<b>bold?</b> **no** [x](javascript:alert(1))"
    add_note(app, hostile)
    # An event without notes gets no expander (the one below is the only one).
    add_event(db_file, board_id, text="Rolled back", at="2019-07-02T14:05:00Z", kind="mitigated")
    app.run()
    [_, second] = notes.list_notes(connect(db_file), board_id)
    app.selectbox(key=f"step_link_{note.id}").set_value(moment.id).run()
    app.selectbox(key=f"step_link_{second.id}").set_value(moment.id).run()

    app.switch_page(page("timeline.py")).run()
    assert not app.exception, app.exception
    [expander] = [e for e in app.expander if e.label.endswith("linked notes")]
    assert expander.label == "2 linked notes"
    inside = texts(expander)
    assert inside == ["Alert on checkout 5xx rate", hostile]
    assert not any(hostile in md.value for md in app.markdown), "never rendered as Markdown"
    assert [c.value for c in expander.caption] == ["Detect · \\#1", "Detect · \\#2"]

    # A deleted event takes its notes out of sight; restoring it brings them back.
    app.button(key=f"timeline_delete_{moment.id}").click().run()
    assert not [e for e in app.expander if e.label.endswith("linked notes")]
    app.button(key="timeline_undo_button").click().run()
    assert [e.label for e in app.expander if "linked note" in e.label] == ["2 linked notes"]


def test_while_people_write_the_timeline_shows_only_the_viewers_own_linked_notes(app, db_file, board_with_note):
    board_id, note, moment = board_with_note
    app.selectbox(key=f"step_link_{note.id}").set_value(moment.id).run()
    ann = join(board_id, "Ann")
    ann.switch_page(page("timeline.py")).run()
    [expander] = [e for e in ann.expander if "linked note" in e.label]
    assert expander.label == "1 linked note"
    assert "Alert on checkout 5xx rate" not in texts(ann), "notes are private in Write"
    assert any("1 more by others" in c.value for c in expander.caption)
