"""Who is here: only people whose page reported in, each once, and gone the
moment they close the board."""

import json

from canvas.exports.backup import parse_backup
from canvas.exports.export import export_document
from canvas.models import BoardDraft
from storage import facilitation, participants, restore
from storage.live import mark_all_seen, mark_gone, present_names


def fresh_board(db, *names):
    started = facilitation.start_board(db, BoardDraft(title="Presence", facilitator_name="Fran"))
    people = {name: participants.join_board(db, started.board.id, name)[0] for name in names}
    fran = participants.list_participants(db, started.board.id)[0]
    return started.board.id, {"Fran": fran, **people}


def test_a_page_that_reports_in_is_here_and_gone_once_it_closes(db):
    board_id, people = fresh_board(db, "Ana", "Ben")
    mark_all_seen(db, [people["Ana"].id, people["Fran"].id])
    assert present_names(db, board_id) == ["Ana", "Fran"]
    mark_gone(db, people["Ana"].id)
    assert present_names(db, board_id) == ["Fran"]
    mark_all_seen(db, [people["Ana"].id])
    assert present_names(db, board_id) == ["Ana", "Fran"]


def test_joining_alone_is_not_being_here(db):
    board_id, people = fresh_board(db, "Ana")
    # Ana's row was just made; no page of hers has reported in yet.
    assert "Ana" not in present_names(db, board_id)


def test_a_restored_board_lists_its_facilitator_once_not_the_backups_people(db):
    board_id, people = fresh_board(db, "Ana")
    mark_all_seen(db, [people["Fran"].id, people["Ana"].id])
    snapshot, by_person = restore.load_snapshot_and_votes(db, board_id)
    plan = parse_backup(json.dumps(export_document(snapshot, by_person)))
    restored, _ = restore.restore_board(db, plan)
    # The backup's people come back as rows with a name, not as people here.
    assert present_names(db, restored.id) == []
    fran, _ = participants.join_board(db, restored.id, "Fran")
    mark_all_seen(db, [fran.id])
    mark_all_seen(db, [fran.id])
    assert present_names(db, restored.id) == ["Fran"]


def test_two_people_of_one_name_are_both_here(db):
    board_id, people = fresh_board(db)
    other_fran, _ = participants.join_board(db, board_id, "Fran")
    mark_all_seen(db, [people["Fran"].id, other_fran.id])
    assert present_names(db, board_id) == ["Fran", "Fran"]
