"""The Rough timeline page with AppTest: zones, validation, imports, durations,
a closed board; and the board's default zone, set on the Summary page."""

import json
from datetime import datetime, timezone
from pathlib import Path


from canvas.models import BoardDetails
from canvas.session.phases import Phase
from canvas.incident.timeline import EventKind, TimelineEvent
from storage import boards, events, facilitation
from storage.db import connect
from tests.pages.conftest import page

ADD = "FormSubmitter:timeline_add-Add event"
INCIDENTS = Path(__file__).resolve().parents[3] / "shared" / "incidents"


def texts(at) -> list[str]:
    return [element.value for element in at.text]


def bad_lines(at) -> list:
    """The preview's table of lines that could not be used."""
    return [frame.value for frame in at.dataframe
            if frame.editing_mode == "read_only" and "Line" in frame.value.columns]


def stored(db_file, board_id) -> list[TimelineEvent]:
    return events.list_events(connect(db_file), board_id)


def fill_event(at, *, day="2019-07-02", time="15:42", kind=EventKind.detected, text="Paged on 5xx"):
    at.date_input(key="timeline_new_date").set_value(datetime.fromisoformat(day).date())
    at.text_input(key="timeline_new_time").input(time)
    at.selectbox(key="timeline_new_kind").set_value(kind)
    at.text_area(key="timeline_new_text").input(text)


def test_an_event_typed_in_berlin_time_is_stored_in_utc_and_shown_with_date_and_zone(app, db_file, timeline):
    app.selectbox(key="timeline_zone").set_value("Europe/Berlin").run()
    fill_event(app, time="15:42", text="Paged on checkout 5xx")
    app.button(key=ADD).click().run()
    assert not app.exception and not app.error, [e.value for e in app.error]

    [event] = stored(db_file, timeline)
    assert event.at == datetime(2019, 7, 2, 13, 42, tzinfo=timezone.utc)
    assert (event.kind, event.text) == (EventKind.detected, "Paged on checkout 5xx")
    assert "2019-07-02 15:42 CEST" in texts(app), "shown in the viewer's zone, with date and zone"
    assert "Paged on checkout 5xx" in texts(app)
    assert app.text_area(key="timeline_new_text").value == "", "a saved event clears the text"

    app.selectbox(key="timeline_zone").set_value("UTC").run()
    assert "2019-07-02 13:42 UTC" in texts(app)


def test_a_bad_time_is_refused_with_a_message_and_the_typed_text_is_kept(app, db_file, timeline):
    fill_event(app, time="25:61", text="Rolled back deploy 4812")
    app.button(key=ADD).click().run()
    [error] = [e.value for e in app.error]
    assert error.startswith("Time: ") and "not a time" in error
    assert app.text_area(key="timeline_new_text").value == "Rolled back deploy 4812"
    assert app.text_input(key="timeline_new_time").value == "25:61"
    assert stored(db_file, timeline) == []

    app.text_input(key="timeline_new_time").input("14:05")
    app.text_area(key="timeline_new_text").input("   ")
    app.button(key=ADD).click().run()
    assert [e.value for e in app.error] == ["What happened: text is empty; say what happened"]


def test_an_evidence_link_must_be_a_web_address(app, db_file, timeline):
    fill_event(app)
    app.text_input(key="timeline_new_url").input("javascript:alert(1)")
    app.button(key=ADD).click().run()
    assert "Evidence link: evidence link must be a web address" in app.error[0].value
    assert stored(db_file, timeline) == []


CHAT = """13:42 alice: paged for checkout 5xx
this line has no time
13:45 bob: ack, looking
25:10 nonsense hour
14:05 rolled back deploy 4812"""


def test_a_chat_log_import_is_previewed_and_written_only_on_confirm(app, db_file, timeline):
    boards_db = connect(db_file)
    before = boards.board_revision(boards_db, timeline)
    app.text_area(key="timeline_import_chat_text").input(CHAT)
    app.button(key="timeline_preview_chat").click().run()
    assert not app.exception

    [problems] = bad_lines(app)
    assert list(problems["Line"]) == [2, 4]
    assert "no time at the start" in problems["Problem"][0]
    assert "25:10 is not a time of day" in problems["Problem"][1]
    [editor] = app.data_editor
    assert list(editor.value["Kind"]) == ["Detected", "Acknowledged", "Mitigated"]
    assert stored(db_file, timeline) == [], "a preview writes nothing"
    assert boards.board_revision(boards_db, timeline) == before

    # Correct a guessed kind in the preview table, as a person would.
    app.session_state[editor.key] = {"edited_rows": {1: {"Kind": "Escalated"}},
                                     "added_rows": [], "deleted_rows": []}
    app.run()
    app.button(key="timeline_import_confirm").click().run()
    assert not app.exception
    imported = stored(db_file, timeline)
    assert [(e.kind, e.text) for e in imported] == [
        (EventKind.detected, "alice: paged for checkout 5xx"),
        (EventKind.escalated, "bob: ack, looking"),
        (EventKind.mitigated, "rolled back deploy 4812"),
    ]
    assert boards.board_revision(boards_db, timeline) == before + 1, "one transaction"
    assert app.session_state["timeline_import_chat_text"] == ""
    assert not app.data_editor, "the preview is gone after confirming"
    assert any("Added 3 events" in s.value for s in app.success)


def test_importing_the_same_lines_again_starts_with_the_duplicates_unticked(app, db_file, timeline):
    for _ in range(2):
        app.text_area(key="timeline_import_chat_text").input("13:42 paged\n13:50 rolled back")
        app.button(key="timeline_preview_chat").click().run()
        if app.button(key="timeline_import_confirm").disabled:
            break
        app.button(key="timeline_import_confirm").click().run()
    [editor] = app.data_editor
    assert list(editor.value["Add"]) == [False, False]
    assert app.button(key="timeline_import_confirm").disabled
    assert len(stored(db_file, timeline)) == 2


def test_a_malformed_incident_file_is_refused_with_its_place_and_nothing_changes(app, db_file, timeline):
    events.add_events(connect(db_file), timeline, [TimelineEvent(at="2019-07-02T13:42:00Z", text="kept")])
    app.run()
    uploader = app.get("file_uploader")[-1]
    uploader.set_value(("broken.json", b'{"title": "x", "events": [{"at": "noon", "text": "y"}]}',
                        "application/json"))
    app.button(key="timeline_preview_file").click().run()
    [error] = [e.value for e in app.error]
    assert "broken.json" in error and "events[0].at" in error and "Nothing was imported" in error
    assert [e.text for e in stored(db_file, timeline)] == ["kept"]
    assert not app.data_editor


def test_an_incident_file_is_previewed_then_imported(app, db_file, timeline):
    content = (INCIDENTS / "cloudflare-2019-07-02.json").read_bytes()
    app.get("file_uploader")[-1].set_value(("cloudflare.json", content, "application/json"))
    app.button(key="timeline_preview_file").click().run()
    [editor] = app.data_editor
    assert len(editor.value) == 11
    assert stored(db_file, timeline) == []
    app.button(key="timeline_import_confirm").click().run()
    assert len(stored(db_file, timeline)) == 11
    assert not app.exception
    durations = [md.value for md in app.markdown]
    assert ["**3 min**", "**1 h 10 min**"] == [v for v in durations if v in ("**3 min**", "**1 h 10 min**")]
    assert durations.count("**27 min**") == 2, "time to mitigate and impact duration"


def test_pasted_csv_is_read_in_the_chosen_zone(app, db_file, timeline):
    app.selectbox(key="timeline_zone").set_value("America/New_York").run()
    app.text_area(key="timeline_import_csv_text").input(
        "time,kind,text\n2019-07-02 09:42,impact_start,Errors rise\nbad,detected,x\n")
    app.button(key="timeline_preview_csv").click().run()
    [problems] = bad_lines(app)
    assert list(problems["Line"]) == [3]
    app.button(key="timeline_import_confirm").click().run()
    [event] = stored(db_file, timeline)
    assert event.at == datetime(2019, 7, 2, 13, 42, tzinfo=timezone.utc)


def test_durations_say_which_anchor_is_missing(app, db_file, timeline):
    assert any("no ‘detected’ or ‘impact start’ event yet" in md.value for md in app.markdown)
    events.add_events(connect(db_file), timeline, [
        TimelineEvent(at="2019-07-02T13:42:00Z", kind="impact_start", text="Errors rise"),
        TimelineEvent(at="2019-07-02T14:09:00Z", kind="impact_end", text="Errors back to normal"),
    ])
    app.run()
    values = [md.value for md in app.markdown]
    assert "**27 min**" in values, "impact duration"
    assert "**no ‘detected’ event yet**" in values, "time to detect names its missing anchor"
    assert "Impact start: 2019-07-02 13:42 UTC\nErrors rise" in texts(app)
    assert "Detected: missing, no ‘detected’ event on the timeline" in texts(app)


def test_a_detection_before_impact_is_shown_as_what_it_means(app, db_file, timeline):
    events.add_events(connect(db_file), timeline, [
        TimelineEvent(at="2019-07-02T13:28:00Z", kind="detected", text="Leading alert"),
        TimelineEvent(at="2019-07-02T13:42:00Z", kind="impact_start", text="Errors rise"),
    ])
    app.run()
    assert "**detected 14 min before impact started**" in [md.value for md in app.markdown]


def test_delete_then_undo_and_restore_from_the_bin(app, db_file, timeline):
    db = connect(db_file)
    events.add_events(db, timeline, [TimelineEvent(at="2019-07-02T13:42:00Z", text="keep me")])
    app.run()
    [event] = stored(db_file, timeline)
    app.button(key=f"timeline_delete_{event.id}").click().run()
    assert stored(db_file, timeline) == []
    assert app.button(key=f"timeline_restore_{event.id}"), "the deleted event waits in the bin"
    app.button(key="timeline_undo_button").click().run()
    assert [e.text for e in stored(db_file, timeline)] == ["keep me"]

    app.button(key=f"timeline_delete_{event.id}").click().run()
    app.button(key=f"timeline_restore_{event.id}").click().run()
    assert [e.text for e in stored(db_file, timeline)] == ["keep me"]


def test_an_edit_over_someone_elses_change_is_refused_and_shows_theirs(app, db_file, timeline):
    db = connect(db_file)
    events.add_events(db, timeline, [TimelineEvent(at="2019-07-02T13:42:00Z", kind="detected",
                                                   text="Paged")])
    app.run()
    [event] = stored(db_file, timeline)
    app.session_state[f"timeline_menu_{event.id}"] = True  # open the editor
    app.run()
    assert app.text_area(key=f"timeline_edit_text_{event.id}").value == "Paged"
    assert app.text_input(key=f"timeline_edit_time_{event.id}").value == "13:42"

    # Someone else saves first.
    events.edit_event(db, timeline, event.id, event.model_copy(update={"text": "Paged (theirs)"}),
                      expected=event)
    app.text_area(key=f"timeline_edit_text_{event.id}").input("Paged (mine)")
    app.button(key=f"FormSubmitter:timeline_edit_form_{event.id}-Save").click().run()
    assert any("Someone else changed this" in e.value for e in app.error)
    assert "2019-07-02 13:42 UTC · Detected · Paged (theirs)" in texts(app)
    assert app.text_area(key=f"timeline_edit_text_{event.id}").value == "Paged (mine)"
    assert [e.text for e in stored(db_file, timeline)] == ["Paged (theirs)"]

    app.button(key=f"timeline_edit_force_{event.id}").click().run()
    assert [e.text for e in stored(db_file, timeline)] == ["Paged (mine)"]


def test_an_edit_keeps_the_exact_time_when_the_time_is_not_touched(app, db_file, timeline):
    db = connect(db_file)
    events.add_events(db, timeline, [TimelineEvent(at="2019-07-02T13:42:07.5Z", text="Paged")])
    app.run()
    [event] = stored(db_file, timeline)
    app.session_state[f"timeline_menu_{event.id}"] = True
    app.run()
    app.selectbox(key=f"timeline_edit_kind_{event.id}").set_value(EventKind.detected)
    app.button(key=f"FormSubmitter:timeline_edit_form_{event.id}-Save").click().run()
    [saved] = stored(db_file, timeline)
    assert (saved.kind, saved.at) == (EventKind.detected, event.at)


def test_markup_in_an_event_is_shown_as_typed(app, db_file, timeline):
    hostile = "<img src=x onerror=alert(1)> **not bold** [a](javascript:alert(1))"
    fill_event(app, text=hostile)
    app.button(key=ADD).click().run()
    assert hostile in texts(app)
    assert not any(hostile in md.value for md in app.markdown)


def test_the_zone_follows_the_board_until_the_viewer_picks_one_and_then_stays(app, db_file, timeline):
    db = connect(db_file)
    events.add_events(db, timeline, [TimelineEvent(at="2019-07-02T13:42:00Z", text="Paged")])
    board = boards.get_board(db, timeline)
    details = BoardDetails.model_validate(board.model_dump() | {"timezone": "Asia/Tokyo"})
    boards.update_details(db, timeline, details, board.details_version)
    app.run()
    assert "2019-07-02 22:42 JST" in texts(app), "a viewer who never picked follows the board"

    app.selectbox(key="timeline_zone").set_value("Europe/Berlin").run()
    app.switch_page(page("step.py")).run()
    app.switch_page(page("timeline.py")).run()
    assert app.session_state["timeline_zone"] == "Europe/Berlin"
    assert "2019-07-02 15:42 CEST" in texts(app), "the viewer's pick survives moving between steps"


def test_the_chart_is_drawn_in_the_viewers_zone_with_a_png_download(app, db_file, timeline):
    assert not app.get("plotly_chart"), "no chart for an empty timeline"
    events.add_events(connect(db_file), timeline, [
        TimelineEvent(at="2019-07-02T13:42:00Z", kind="impact_start", text="Errors rise")])
    app.selectbox(key="timeline_zone").set_value("Asia/Tokyo").run()
    [chart] = app.get("plotly_chart")
    assert json.loads(chart.proto.config) == {
        "toImageButtonOptions": {"format": "png", "filename": "timeline", "scale": 2},
        "displaylogo": False,
    }
    figure = json.loads(chart.proto.spec)
    assert figure["layout"]["xaxis"]["title"]["text"].startswith("Time in Asia/Tokyo (JST)")
    assert figure["data"][0]["x"] == ["2019-07-02T22:42:00"]


# --- a closed board ------------------------------------------------------------------


def close_board(app, db_file, board_id) -> None:
    key = app.session_state["identities"][board_id]["facilitator_key"]
    facilitation.set_phase(connect(db_file), board_id, key, Phase.closed)


def button_keys(at) -> list[str]:
    return [button.key for button in at.button if button.key]


def popovers(block) -> int:
    """How many popovers (the events' editors) are drawn under `block`."""
    return sum((getattr(child, "type", None) == "popover") + popovers(child)
               for child in getattr(block, "children", {}).values())


def test_a_closed_board_shows_the_timeline_without_its_controls_and_says_why(app, db_file, timeline):
    db = connect(db_file)
    kept = events.add_event(db, timeline, TimelineEvent(at="2019-07-02T13:42:00Z", text="kept"))
    binned = events.add_event(db, timeline, TimelineEvent(at="2019-07-02T13:50:00Z", text="binned"))
    events.delete_event(db, timeline, binned.id)
    app.run()
    assert popovers(app.main) == 1, "the open board has an editor for its one live event"
    close_board(app, db_file, timeline)
    app.run()
    assert not app.exception, app.exception

    [why] = [w.value for w in app.warning]
    assert why.startswith("The board is closed: it is read-only until the facilitator reopens it.")
    assert "kept" in texts(app), "the timeline itself is still there to read"
    assert "2019-07-02 13:50 UTC · Other · binned" in texts(app), "and its bin"
    assert app.get("plotly_chart")
    shown = button_keys(app)
    for hidden in (ADD, f"timeline_delete_{kept.id}", f"timeline_restore_{binned.id}",
                   "timeline_preview_chat", "timeline_preview_csv", "timeline_preview_file"):
        assert hidden not in shown, hidden
    assert popovers(app.main) == 0, "no editor"
    assert app.selectbox(key="timeline_zone"), "a viewer can still pick the zone to read in"


def test_an_add_on_a_board_closed_meanwhile_is_refused_with_the_reason(app, db_file, timeline):
    fill_event(app, text="Rolled back deploy 4812")
    close_board(app, db_file, timeline)
    revision = boards.board_revision(connect(db_file), timeline)
    app.button(key=ADD).click().run()
    assert [e.value for e in app.error] == [
        "The board is closed: it is read-only until the facilitator reopens it."]
    assert stored(db_file, timeline) == []
    assert boards.board_revision(connect(db_file), timeline) == revision


# --- the board's zone, set on the Summary page --------------------------------------------

SAVE_SUMMARY = "FormSubmitter:summary_form-Save summary"


def set_board_zone(db_file, board_id, zone: str) -> None:
    db = connect(db_file)
    board = boards.get_board(db, board_id)
    details = BoardDetails.model_validate(board.model_dump() | {"timezone": zone})
    boards.update_details(db, board_id, details, board.details_version)


def test_saving_the_summary_keeps_the_boards_zone(app, db_file, timeline):
    set_board_zone(db_file, timeline, "Europe/Berlin")
    app.switch_page(page("summary.py")).run()
    assert app.selectbox(key="summary_timezone").value == "Europe/Berlin"
    app.text_input(key="summary_title").input("Checkout errors after deploy 4812")
    app.button(key=SAVE_SUMMARY).click().run()
    assert not app.error, [e.value for e in app.error]
    saved = boards.get_board(connect(db_file), timeline)
    assert (saved.title, saved.timezone) == ("Checkout errors after deploy 4812", "Europe/Berlin")


def test_the_zone_picked_on_the_summary_is_saved_and_the_timeline_follows_it(app, db_file, timeline):
    events.add_events(connect(db_file), timeline, [TimelineEvent(at="2019-07-02T13:42:00Z", text="Paged")])
    app.switch_page(page("summary.py")).run()
    assert app.selectbox(key="summary_timezone").options[0] == "UTC"
    app.selectbox(key="summary_timezone").set_value("Asia/Tokyo")
    app.button(key=SAVE_SUMMARY).click().run()
    assert any("Summary saved" in s.value for s in app.success)
    assert boards.get_board(connect(db_file), timeline).timezone == "Asia/Tokyo"
    # A second save, untouched, keeps it.
    app.button(key=SAVE_SUMMARY).click().run()
    assert boards.get_board(connect(db_file), timeline).timezone == "Asia/Tokyo"

    app.switch_page(page("timeline.py")).run()
    assert "2019-07-02 22:42 JST" in texts(app)


def test_a_zone_outside_the_common_list_is_offered_while_it_is_the_boards(app, db_file, timeline):
    set_board_zone(db_file, timeline, "Asia/Kathmandu")
    app.switch_page(page("summary.py")).run()
    picker = app.selectbox(key="summary_timezone")
    assert (picker.value, picker.options[0]) == ("Asia/Kathmandu", "Asia/Kathmandu")
    app.button(key=SAVE_SUMMARY).click().run()
    assert boards.get_board(connect(db_file), timeline).timezone == "Asia/Kathmandu"


def test_a_closed_board_refuses_a_summary_save_with_a_clear_message(app, db_file, timeline):
    app.switch_page(page("summary.py")).run()
    before = boards.get_board(connect(db_file), timeline)
    app.text_input(key="summary_title").input("Renamed after closing")
    close_board(app, db_file, timeline)  # by the facilitator, in another tab
    app.button(key=SAVE_SUMMARY).click().run()
    assert not app.exception, app.exception
    [error] = [e.value for e in app.error]
    assert error == "The board is closed: it is read-only until the facilitator reopens it."
    after = boards.get_board(connect(db_file), timeline)
    assert (after.title, after.details_version) == (before.title, before.details_version)
    assert after.revision == before.revision + 1, "only the facilitator's closing changed the board"
    assert not [b for b in app.button if b.key == "summary_reload"], "nothing of theirs to load"

    # From now on the page says so up front, and the form cannot be sent.
    app.run()
    assert any("The board is closed" in w.value for w in app.warning)
    assert app.button(key=SAVE_SUMMARY).disabled
    assert app.text_input(key="summary_title").disabled
