"""Private notes stay private over the wire: everything the real server sends a
participant while people write, page by page and file by file (real Chromium)."""

from datetime import date

import pytest

from canvas.exports.canvas_png import canvas_png
from canvas.session.phases import Credentials
from canvas.incident.timeline import TimelineEvent
from canvas.session.visibility import Viewer, visible_snapshot
from storage import events, facilitation, notes, participants
from storage.db import connect
from storage.snapshot import load_snapshot
from tests.e2e.conftest import add_note, create_board, join, settle
from tests.e2e.test_live_session import open_page

pytestmark = pytest.mark.e2e

# Distinctive, ASCII (so they show as-is inside protobuf frames), one per step.
ANN_TEXTS = ["ann-secret-detect-4c1f", "ann-secret-react-93ab", "ann-secret-linked-77e0"]
BOB_TEXT = "bob-own-note-5d2e"
PAGES = ["Board", "Summary", "Rough timeline", "Detect", "React", "Quick fix", "Prevent",
         "Other areas of risk", "Next steps", "Is it done?", "Facilitate", "All actions", "Export",
         "Home"]
DOWNLOADS = ["Markdown summary (.md)", "External summary (.md)", "Picture of the canvas (.png)",
             "Backup of the whole board (.json)", "Actions (.csv)", "Due dates (.ics calendar)"]


def test_a_participant_receives_none_of_anothers_notes_while_people_write(server, new_person):
    fran = new_person()
    share = create_board(fran, server.url, "Privacy over the wire", "Fran")
    board_id = share.split("board=")[1]
    ann = join(new_person(), share, "Ann")
    open_page(ann, "Detect")
    add_note(ann, ANN_TEXTS[0])
    add_note(ann, ANN_TEXTS[2])
    open_page(ann, "React")
    add_note(ann, ANN_TEXTS[1])

    # Ann ties a note to a moment, and the votes are revealed early (the board's
    # view then carries a ranking during Write): two more ways a note could travel.
    db = connect(server.db)
    ann_id = next(p.id for p in participants.list_participants(db, board_id) if p.display_name == "Ann")
    moment = events.add_event(db, board_id, TimelineEvent(at="2026-11-30T13:42:00Z",
                                                          kind="detected", text="Paged"))
    linked = next(n for n in notes.list_notes(db, board_id) if n.text == ANN_TEXTS[2])
    notes.link_note_to_event(db, board_id, linked.id, moment.id, Credentials(participant_id=ann_id))
    key = facilitation.create_facilitator_key(db, board_id, "test")
    facilitation.reveal_votes(db, board_id, key, True)

    bob = new_person()
    received: list[bytes] = []

    def listen(socket) -> None:
        socket.on("framereceived", lambda payload: received.append(
            payload if isinstance(payload, bytes) else payload.encode()))

    # Listening from before the first page load: Streamlit may later send a
    # known message as a reference to its hash, never the first time.
    bob.on("websocket", listen)
    join(bob, share, "Bob")
    open_page(bob, "Detect")
    add_note(bob, BOB_TEXT)
    for name in PAGES:
        open_page(bob, name)
        if name == "Export":
            files = download_everything(bob)
    settle(bob)

    wire = b"".join(received)
    for secret in ANN_TEXTS:
        assert secret.encode() not in wire, f"{secret} was sent to Bob"
        for name, content in files.items():
            assert secret.encode() not in content, f"{secret} is in Bob's {name}"
    # The same capture holds Bob's own note, in the page data and the files:
    # the checks above look where a leak would be.
    assert BOB_TEXT.encode() in wire
    for name in ("Markdown summary (.md)", "Backup of the whole board (.json)"):
        assert BOB_TEXT.encode() in files[name], name

    # The picture is pixels, not text: it must be the one drawn from what Bob
    # may see, which differs from the whole board's.
    whole = load_snapshot(db, board_id)
    bob_id = next(p.id for p in whole.participants if p.display_name == "Bob")
    today = date.today()
    png = files["Picture of the canvas (.png)"]
    assert png == canvas_png(visible_snapshot(whole, Viewer(participant_id=bob_id)), today=today)
    assert png != canvas_png(whole, today=today)


def download_everything(page) -> dict[str, bytes]:
    files = {}
    for label in DOWNLOADS:
        with page.expect_download() as download_info:
            page.get_by_role("button", name=label).click()
        with open(download_info.value.path(), "rb") as handle:
            files[label] = handle.read()
    assert all(files.values())
    return files


def test_the_home_page_lists_the_boards_this_browser_knows_after_a_reload(server, new_person):
    fran = new_person()
    create_board(fran, server.url, "Known to Fran's browser", "Fran")
    # A fresh tab of the same browser: only its local storage remembers the board.
    again = fran.context.new_page()
    again.goto(server.url)
    settle(again)
    listed = again.locator('[class*="st-key-home_board_"]')
    listed.filter(has_text="Known to Fran's browser").wait_for()
    stranger = new_person()
    stranger.goto(server.url)
    settle(stranger)
    assert stranger.get_by_text("Known to Fran's browser").count() == 0
    assert stranger.locator("[data-testid=stException]").count() == 0
