from streamlit.testing.v1 import AppTest

from storage import boards, notes, participants
from storage.db import connect
from tests.pages.conftest import ROOT, board_notes, create_board, live_data, page

ADD = "FormSubmitter:step_add-Add note"


def texts(at) -> list[str]:
    return [element.value for element in at.text]


def test_home_create_board_add_note_and_see_it_on_the_board(app, db_file):
    board_id = create_board(app, title="Checkout errors")
    assert app.query_params["board"] == board_id
    assert live_data(app)["view"]["board"]["title"] == "Checkout errors", "lands on the board"
    assert any(f"?board={board_id}" in code.value for code in app.sidebar.code), "share link"

    app.switch_page(page("step.py")).run()
    assert [t.value for t in app.title] == ["Detect"]
    app.text_area(key="step_text").input("Alert on checkout 5xx rate")
    app.button(key=ADD).click().run()
    assert not app.exception
    assert "Alert on checkout 5xx rate" in texts(app)
    assert app.text_area(key="step_text").value == "", "a saved note clears the box"

    assert [n["text"] for n in board_notes(app)] == ["Alert on checkout 5xx rate"]
    [detect] = [c for c in live_data(app)["view"]["columns"] if c["key"] == "detect"]
    assert [n["text"] for n in detect["notes"]] == ["Alert on checkout 5xx rate"], "in its column"
    [stored] = notes.list_notes(connect(db_file), board_id)
    assert stored.step_key == "detect"


def test_an_empty_note_is_refused_and_a_huge_one_keeps_its_text(app):
    create_board(app)
    app.switch_page(page("step.py")).run()
    app.text_area(key="step_text").input("   ")
    app.button(key=ADD).click().run()
    assert [e.value for e in app.error] == ["A note cannot be empty."]

    huge = "word " * 300
    app.text_area(key="step_text").input(huge)
    app.button(key=ADD).click().run()
    assert "the limit is 1,000" in app.error[0].value
    assert app.text_area(key="step_text").value == huge, "typed text is kept"


def test_markup_in_a_note_is_shown_as_typed(app):
    create_board(app)
    app.switch_page(page("step.py")).run()
    hostile = "<script>alert('x')</script> **bold** [a](javascript:alert(1))"
    app.text_area(key="step_text").input(hostile)
    app.button(key=ADD).click().run()
    assert hostile in texts(app)
    assert not any(hostile in md.value for md in app.markdown)


def test_delete_then_undo_restores_the_note(app, db_file):
    board_id = create_board(app)
    app.switch_page(page("step.py")).run()
    app.text_area(key="step_text").input("keep me")
    app.button(key=ADD).click().run()
    [note] = notes.list_notes(connect(db_file), board_id)
    app.button(key=f"edit_delete_{note.id}").click().run()
    assert notes.list_notes(connect(db_file), board_id) == []
    assert app.button(key=f"step_restore_{note.id}"), "the deleted note waits in the bin"
    app.button(key="step_undo_button").click().run()
    assert [n.text for n in notes.list_notes(connect(db_file), board_id)] == ["keep me"]
    assert "keep me" in texts(app)


def test_an_unknown_board_link_shows_not_found_with_a_way_home(app):
    app.query_params["board"] = "A" * 24
    app.run()
    assert not app.exception
    assert [t.value for t in app.title] == ["Board not found"]
    app.button(key="not_found_home").click().run()
    assert [t.value for t in app.title] == ["Postmortem Canvas"]


def test_a_malformed_board_link_shows_not_found(app):
    app.query_params["board"] = "<script>"
    app.run()
    assert [t.value for t in app.title] == ["Board not found"]


def test_a_deleted_board_shows_not_found(app, db_file):
    board_id = create_board(app)
    boards.delete_board(connect(db_file), board_id)
    app.run()
    assert [t.value for t in app.title] == ["Board not found"]


def test_home_lists_only_the_boards_this_browser_joined_or_created(app, db_file):
    create_board(app, title="Mine")
    stranger = AppTest.from_string((ROOT / "app.py").read_text(), default_timeout=30)
    create_board(stranger, title="Someone else's", name="Kim")
    app.switch_page(page("home.py")).run()
    app.button(key="home_leave").click().run()
    assert "Mine" in texts(app)
    assert "Someone else's" not in texts(app)

    newcomer = AppTest.from_string((ROOT / "app.py").read_text(), default_timeout=30)
    newcomer.run()
    assert not newcomer.exception
    assert "Mine" not in texts(newcomer) and "Someone else's" not in texts(newcomer)
    assert any("open them through their link" in c.value for c in newcomer.caption)


def test_a_trusted_install_lists_every_board_unless_the_old_private_switch_is_on(app, monkeypatch):
    create_board(app, title="Mine")
    stranger = AppTest.from_string((ROOT / "app.py").read_text(), default_timeout=30)
    create_board(stranger, title="Someone else's", name="Kim")
    monkeypatch.setenv("POSTMORTEM_CANVAS_LIST_ALL_BOARDS", "1")
    newcomer = AppTest.from_string((ROOT / "app.py").read_text(), default_timeout=30)
    newcomer.run()
    assert {"Mine", "Someone else's"} <= set(texts(newcomer))
    # Installs that set the old switch to stay private stay private.
    monkeypatch.setenv("POSTMORTEM_CANVAS_PRIVATE", "1")
    newcomer.run()
    assert "Mine" not in texts(newcomer)


def test_a_new_tab_must_join_before_seeing_the_board(app, db_file):
    board_id = create_board(app)
    guest = AppTest.from_string((ROOT / "app.py").read_text(), default_timeout=30)
    guest.query_params["board"] = board_id
    guest.run()
    assert guest.text_input(key="join_name") is not None
    assert not [element for element in guest.get("bidi_component")
                if element.proto.component_name == "postmortem_live_board"], "no board before joining"
    guest.text_input(key="join_name").input("Ravi")
    guest.button(key="FormSubmitter:join-Join the board").click().run()
    assert not guest.exception
    joined = participants.list_participants(connect(db_file), board_id)
    assert [p.display_name for p in joined] == ["Fran", "Ravi"]
    assert live_data(guest)["view"]["board"]["title"] == "Checkout errors"


def test_a_backup_uploaded_on_the_home_page_becomes_an_equal_board(app, db_file, tmp_path):
    import json

    from canvas.exports.export import export_document
    from postmortem_canvas import main
    from storage.restore import load_snapshot_and_votes
    from tests.cli.test_command_line import INCIDENT_FILES

    board_file = next(p for p in INCIDENT_FILES if p.stem == "cloudflare-2019-07-02")
    assert main(["import", str(board_file), "--db", str(db_file)]) == 0
    original = boards.list_boards(connect(db_file))[0].id
    snapshot, votes = load_snapshot_and_votes(connect(db_file), original)
    backup = json.dumps(export_document(snapshot, votes))

    app.run()
    app.file_uploader(key="home_import_file").set_value(
        ("board.json", backup.encode(), "application/json"))
    app.button(key="home_import").click().run()
    assert not app.exception and not app.error
    copy = app.session_state["board_id"]
    assert copy != original
    again, again_votes = load_snapshot_and_votes(connect(db_file), copy)
    first, second = export_document(snapshot, votes), export_document(again, again_votes)
    for document in (first, second):
        document["board"].pop("id", None)
        document["board"].pop("created_at", None)
    assert first == second
    # Whoever imported joins with a name and holds the facilitator key of the copy.
    app.switch_page(page("facilitate.py")).run()
    app.text_input(key="join_name").input("Fran")
    app.button(key="FormSubmitter:join-Join the board").click().run()
    assert app.button(key="facil_phase_group")


def test_a_malformed_upload_is_refused_with_the_place_of_the_problem(app, db_file):
    app.run()
    app.file_uploader(key="home_import_file").set_value(
        ("bad.json", b'{"title": "x", "events": [{"at": "yesterday", "kind": "detected", "text": "a"}]}',
         "application/json"))
    app.button(key="home_import").click().run()
    assert "events[0].at" in app.error[0].value
    assert boards.list_boards(connect(db_file)) == []
