"""copy-db: every row from one database to another, whichever engines they
are; a round trip through the other engine gives back the same rows, and a
second run copies nothing."""

import json
import shutil
from pathlib import Path

import pytest

from canvas.errors import CopyRefused
from canvas.models import BoardDraft, NoteDraft
from canvas.session.phases import Credentials, Phase
from storage import facilitation, notes, participants, votes
from storage.copying import COPY_ORDER, copy_database, dump, table_names
from storage.db import connect
from tests.databases import fresh_database
from tests.storage.test_backup_restore import export, without_votes

RELEASE = Path(__file__).resolve().parents[1] / "fixtures" / "release-0010.db"
RELEASE_EXPORTS = json.loads(RELEASE.with_suffix(".json").read_text("utf-8"))
OTHER = {"sqlite": "postgresql", "postgresql": "sqlite"}


@pytest.fixture
def release_copy(tmp_path) -> Path:
    """A database the last release wrote: two boards with everything on them."""
    path = tmp_path / "release.db"
    shutil.copy(RELEASE, path)
    return path


def test_the_copy_order_names_every_table_once(db):
    assert sorted(COPY_ORDER) == sorted(table_names(db))


def test_a_round_trip_through_the_other_database_gives_back_every_row(db_file, database_kind,
                                                                      release_copy, tmp_path):
    copy_database(str(release_copy), str(db_file))
    start = dump(connect(db_file))
    with fresh_database(OTHER[database_kind], tmp_path / "other", migrated=False) as other:
        (tmp_path / "other").mkdir(exist_ok=True)
        there = copy_database(str(db_file), str(other))
        assert sum(line.copied for line in there) == sum(map(len, start.values())) > 100
        with fresh_database(database_kind, tmp_path / "back", migrated=False) as back:
            (tmp_path / "back").mkdir(exist_ok=True)
            copy_database(str(other), str(back))
            assert dump(connect(back)) == dump(connect(other)) == start


def test_the_boards_read_back_as_the_release_exported_them(db_file, release_copy):
    copy_database(str(release_copy), str(db_file))
    with connect(db_file) as db:
        for board_id, document in RELEASE_EXPORTS.items():
            # The votes are written apart from the names since backup-2; the
            # migration tests check that the release's own votes restore.
            assert without_votes(export(db, board_id)) == without_votes(document)


def test_a_second_run_copies_nothing_and_finds_everything(db_file, release_copy):
    first = copy_database(str(release_copy), str(db_file))
    before = dump(connect(db_file))
    second = copy_database(str(release_copy), str(db_file))
    assert [line.in_source for line in second] == [line.in_source for line in first]
    assert sum(line.copied for line in second) == 0
    assert all(line.already_there == line.in_source for line in second)
    assert dump(connect(db_file)) == before


def test_copied_boards_join_those_already_there_and_keep_working(db, db_file, release_copy):
    mine = facilitation.start_board(db, BoardDraft(title="Already here", facilitator_name="Fran"))
    copy_database(str(release_copy), str(db_file))
    assert len(db.execute("SELECT id FROM boards").fetchall()) == 3
    # New rows after the copy: note numbers go on from the copied ones, and a
    # dot gets an id the copied dots do not hold.
    board_id = next(iter(RELEASE_EXPORTS))
    ann, _ = participants.join_board(db, board_id, "Ann again")
    key = facilitation.create_facilitator_key(db, board_id, "after the move")
    facilitation.set_phase(db, board_id, key, Phase.write)
    note = notes.add_note(db, board_id, "detect", NoteDraft(text="Written after the move"),
                          Credentials(participant_id=ann.id))
    numbers = [row[0] for row in db.execute("SELECT number FROM notes WHERE board_id = ?", [board_id])]
    assert note.number == max(numbers) and numbers.count(note.number) == 1
    facilitation.set_phase(db, board_id, key, Phase.vote)
    assert votes.cast_vote(db, board_id, Credentials(participant_id=ann.id), note.id, 0)
    ids = [row[0] for row in db.execute("SELECT id FROM votes")]
    assert len(ids) == len(set(ids))
    assert facilitation.is_facilitator(db, mine.board.id, mine.facilitator_key)


def test_copying_a_database_onto_itself_is_refused(db_file):
    with pytest.raises(CopyRefused, match="same database"):
        copy_database(str(db_file), str(db_file))


def test_rows_that_do_not_arrive_fail_the_copy_and_write_nothing(db_file, release_copy, tmp_path):
    # The destination holds another note under a copied note's number.
    copy_database(str(release_copy), str(db_file))
    with connect(db_file) as db:
        note_id, board_id, number = db.execute("SELECT id, board_id, number FROM notes LIMIT 1").fetchone()
        db.execute("DELETE FROM votes WHERE item_id = ?", [note_id])
        db.execute("DELETE FROM notes WHERE id = ?", [note_id])
        db.execute("UPDATE notes SET number = ? WHERE id = (SELECT id FROM notes WHERE board_id = ? "
                   "AND id != ? ORDER BY id LIMIT 1)", [number, board_id, note_id])
        before = dump(db)
    with pytest.raises(CopyRefused, match="notes: 1 of 20 rows did not arrive"):
        copy_database(str(release_copy), str(db_file))
    assert dump(connect(db_file)) == before
