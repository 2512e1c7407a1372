"""The Rough timeline page with AppTest: a Slack export and a PagerDuty log
previewed, corrected and confirmed; a malformed export refused with its place."""

import io
import zipfile
from pathlib import Path

from canvas.incident.timeline import EventKind
from storage import boards, events, facilitation
from storage.db import connect
from tests.pages.conftest import facilitator_key

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "imports"


def slack_zip() -> bytes:
    """The fixture export zipped as Slack hands it out: inside a top folder."""
    root = FIXTURES / "slack" / "export"
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for path in sorted(root.rglob("*.json")):
            archive.write(path, f"Acme Slack export Jul 2 2019/{path.relative_to(root)}")
    return buffer.getvalue()


def upload(app, *files) -> None:
    app.file_uploader(key="timeline_import_export_files").set_value(list(files))


def test_a_slack_export_is_previewed_with_roles_and_marked_messages_then_confirmed(app, db_file, timeline):
    db = connect(db_file)
    before = boards.board_revision(db, timeline)
    upload(app, ("slack.zip", slack_zip(), "application/zip"))
    app.text_input(key="timeline_import_slack_workspace").input("acme.slack.com")
    app.text_input(key="timeline_import_slack_channel").input("#incident-checkout")
    app.button(key="timeline_preview_export").click().run()
    assert not app.exception and not app.error, [e.value for e in app.error]

    [editor] = app.data_editor
    table = editor.value
    assert len(table) == 8
    # This board hides authors (the default): names become roles, mentions too.
    assert "Alice" not in " ".join(table["What happened"])
    assert table["What happened"][2] == "Responder 2: @Responder 1 the WAF deploy went out at 13:40, could be the cause"
    # Only the lunch message looks like no stage of the response: it starts unticked.
    assert list(table["Add"]) == [True, True, True, True, False, True, True, True]
    assert list(table["Looks like"])[4] == ""
    assert events.list_events(db, timeline) == [], "a preview writes nothing"

    # The facilitator corrects one kind and unticks the bot's page.
    app.session_state[editor.key] = {"edited_rows": {0: {"Add": False}, 1: {"Kind": "Acknowledged"}},
                                     "added_rows": [], "deleted_rows": []}
    app.run()
    app.button(key="timeline_import_confirm").click().run()
    assert not app.exception and not app.error
    stored = events.list_events(db, timeline)
    assert len(stored) == 6
    assert stored[0].kind is EventKind.acknowledged
    assert stored[0].evidence_url == "https://acme.slack.com/archives/C0INC4812/p1562075050000300"
    assert stored[1].evidence_url == ("https://acme.slack.com/archives/C0INC4812/p1562075220000400"
                                      "?thread_ts=1562075050.000300&cid=C0INC4812")
    assert boards.board_revision(db, timeline) == before + 1, "one transaction"
    assert any("Added 6 events from the Slack export of #incident-checkout" in s.value for s in app.success)
    assert not app.data_editor


def test_a_pagerduty_log_is_previewed_and_imported_with_its_links_and_names_when_the_board_shows_them(
        app, db_file, timeline):
    db = connect(db_file)
    facilitation.set_show_authors(db, timeline, facilitator_key(app), True)
    content = (FIXTURES / "pagerduty" / "log_entries.json").read_bytes()
    upload(app, ("log_entries.json", content, "application/json"))
    app.button(key="timeline_preview_export").click().run()
    assert not app.exception and not app.error, [e.value for e in app.error]
    [editor] = app.data_editor
    table = editor.value
    assert list(table["Kind"]) == ["Detected", "Other", "Acknowledged", "Escalated", "Mitigated", "Resolved"]
    assert list(table["Add"]) == [True, False, True, True, True, True], "the notification starts unticked"
    assert table["What happened"][2] == "Alice Martin: Acknowledged by Alice Martin."

    app.button(key="timeline_import_confirm").click().run()
    stored = events.list_events(db, timeline)
    assert [event.kind for event in stored] == [EventKind.detected, EventKind.acknowledged, EventKind.escalated,
                                                EventKind.mitigated, EventKind.resolved]
    assert stored[-1].evidence_url == ("https://acme.pagerduty.com/incidents/PT4KHLK/log_entries/"
                                       "R7RES00000000000000000005")


def test_a_malformed_export_is_refused_with_its_place_and_nothing_is_previewed_or_written(app, db_file, timeline):
    db = connect(db_file)
    before = boards.board_revision(db, timeline)
    content = (FIXTURES / "pagerduty" / "malformed" / "created-at-not-a-time.json").read_bytes()
    upload(app, ("log.json", content, "application/json"))
    app.button(key="timeline_preview_export").click().run()
    [error] = [e.value for e in app.error]
    assert error.startswith("log.json, log entry 2: field created_at is not an ISO-8601 time")
    assert error.endswith("Nothing was imported.")
    assert not app.data_editor
    assert events.list_events(db, timeline) == []
    assert boards.board_revision(db, timeline) == before
