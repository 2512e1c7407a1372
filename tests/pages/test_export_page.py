"""The Export page (AppTest): every download on a board holding an action in
every status, parked included, and the bytes of the backup each person is
sent: a participant's holds vote totals only."""

import json
from datetime import date

import pytest
from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage

from canvas.actions import ActionDraft, Status
from canvas.models import BoardDetails, NoteDraft
from canvas.session.phases import Credentials, Phase
from storage import actions, boards, facilitation, notes, participants, votes
from storage.db import connect
from tests.pages.conftest import create_board, facilitator_key, join, page

DOWNLOADS = ["export_pack", "export_md", "export_external", "export_png", "export_json", "export_csv",
             "export_ics", "export_brief", "export_invite"]


def test_the_export_page_offers_all_nine_downloads_with_a_parked_action(app, db_file):
    board_id = create_board(app)
    with connect(db_file) as db:
        board = boards.get_board(db, board_id)
        details = BoardDetails.model_validate({**board.model_dump(), "review_date": "2030-01-10"})
        boards.update_details(db, board_id, details, board.details_version)
        for status in Status:
            actions.add_action(db, board_id, ActionDraft(
                title=f"Action in status {status.value}", owner="Kim", due_date=date(2030, 1, 31),
                status=status, status_reason="Not worth it now" if status == Status.wont_do else ""))

    app.switch_page(page("export.py")).run()

    assert not app.exception, app.exception
    assert not app.error, [error.value for error in app.error]
    assert [button.key for button in app.get("download_button")] == DOWNLOADS


@pytest.fixture
def downloads(monkeypatch):
    """Every file the pages hand Streamlit to serve, as (file name, bytes):
    what the server sends a browser that clicks the download."""
    served: list[tuple[str, bytes]] = []
    keep = MemoryMediaFileStorage.load_and_get_id

    def recording(self, path_or_data, mimetype, kind, filename=None):
        served.append((filename or "", path_or_data))
        return keep(self, path_or_data, mimetype, kind, filename)

    monkeypatch.setattr(MemoryMediaFileStorage, "load_and_get_id", recording)
    return served


@pytest.fixture
def voted(app, db_file):
    """Fran's board after a vote, revealed: Ann put 3 dots on one note and 1
    on another, Bob 2 on the second. Returns (board id, Ann's tab)."""
    board_id = create_board(app)
    ann, bob = join(board_id, "Ann"), join(board_id, "Bob")
    key = facilitator_key(app)
    with connect(db_file) as db:
        people = {p.display_name: p.id for p in participants.list_participants(db, board_id)}
        fran = Credentials(participant_id=people["Fran"], facilitator_key=key)
        first, second = (notes.add_note(db, board_id, "detect", NoteDraft(text=text), fran).id
                         for text in ("Alert on errors", "Page the owner"))
        facilitation.set_phase(db, board_id, key, Phase.vote)
        for person, item, dots in (("Ann", first, 3), ("Ann", second, 1), ("Bob", second, 2)):
            for seen in range(dots):
                assert votes.cast_vote(db, board_id, Credentials(participant_id=people[person]),
                                       item, seen)
        facilitation.set_phase(db, board_id, key, Phase.discuss)
    del bob
    return board_id, ann


def the_backup(served) -> bytes:
    [data] = [data for name, data in served if name.endswith(".json")]
    return data


def test_a_participants_backup_download_holds_totals_and_no_votes_per_person(voted, downloads):
    _, ann = voted

    ann.switch_page(page("export.py")).run()

    assert not ann.exception, ann.exception
    data = the_backup(downloads)
    document = json.loads(data)
    assert document["votes"] == []
    assert sorted((row["item"], row["count"]) for row in document["tallies"]) == [
        ("note-1", 3), ("note-2", 3)]
    assert b'"participant"' not in data and b'"voter"' not in data
    assert document["participants"] == ["Fran", "Ann", "Bob"]


def test_the_facilitators_backup_download_holds_ballots_without_names(app, voted, downloads):
    app.switch_page(page("export.py")).run()

    assert not app.exception, app.exception
    data = the_backup(downloads)
    document = json.loads(data)
    ballots = sorted(sorted((row["item"], row["count"]) for row in document["votes"]
                            if row["voter"] == voter) for voter in (1, 2))
    assert ballots == [[("note-1", 3), ("note-2", 1)], [("note-2", 2)]]
    assert b'"participant"' not in data
