"""Backups with their votes, restored on both databases: a participant's
backup (totals only) and a facilitator's (ballots without names) each give
an equal board, and the restored dots keep the vote rules.

Equal means: the same settings, notes, clusters, events, actions, learnings
and participants' names, and the same dots on every item. From the
facilitator's backup the restored board's own facilitator backup is the same
document (apart from the board's id and creation time); from a
participant's, the restored board's participant backup is the same document.
"""

import json

from canvas.exports.backup import parse_backup
from canvas.exports.export import export_document
from canvas.session.phases import Phase
from canvas.session.visibility import Viewer, backup_votes, visible_snapshot
from canvas.session.voting import most_spent
from storage import facilitation, participants, restore, votes
from tests.storage.test_backup_restore import INCIDENT_FILES, build_board, without_identity
from tests.storage.test_votes_invariants import breaches


def backup_for(db, board_id, viewer: Viewer) -> dict:
    """The JSON backup this viewer downloads from the Export page."""
    whole, by_person = restore.load_snapshot_and_votes(db, board_id)
    document = export_document(visible_snapshot(whole, viewer), backup_votes(by_person, whole, viewer))
    return json.loads(json.dumps(document))


def as_participant(db, board_id) -> Viewer:
    first = participants.list_participants(db, board_id)[0]
    return Viewer(participant_id=first.id)


def test_a_participants_backup_restores_the_same_totals_within_the_rules(db):
    board_id, _ = build_board(db, INCIDENT_FILES[0])
    document = backup_for(db, board_id, as_participant(db, board_id))
    assert document["votes"] == [] and document["tallies"]

    restored, _ = restore.restore_board(db, parse_backup(json.dumps(document)))

    assert (sorted(votes.tallies(db, restored.id).values())
            == sorted(votes.tallies(db, board_id).values()))
    assert breaches(db, restored.id) == []
    again = backup_for(db, restored.id, as_participant(db, restored.id))
    assert without_identity(again) == without_identity(document)


def test_a_facilitators_backup_restores_an_equal_board_and_every_ballot(db):
    board_id, secrets = build_board(db, INCIDENT_FILES[0])
    key = secrets[0]
    fran = Viewer(is_facilitator=True)
    document = backup_for(db, board_id, fran)
    assert {row["voter"] for row in document["votes"]} == {1, 2}

    restored, new_key = restore.restore_board(db, parse_backup(json.dumps(document)))

    assert without_identity(backup_for(db, restored.id, fran)) == without_identity(document)
    assert breaches(db, restored.id) == []
    # Each person's spending is as it was, so the limits can go down as far
    # on the restored board as on the original, and no further.
    assert (most_spent(votes.board_dots(db, restored.id))
            == most_spent(votes.board_dots(db, board_id)) == (2, 2))
    assert facilitation.is_facilitator(db, restored.id, new_key) and key != new_key


def test_a_participants_backup_before_the_reveal_restores_no_votes(db):
    board_id, secrets = build_board(db, INCIDENT_FILES[0])
    facilitation.set_phase(db, board_id, secrets[0], Phase.vote)
    facilitation.reveal_votes(db, board_id, secrets[0], False)
    document = backup_for(db, board_id, as_participant(db, board_id))
    assert (document["tallies"], document["votes"]) == ([], [])

    restored, _ = restore.restore_board(db, parse_backup(json.dumps(document)))

    assert votes.tallies(db, restored.id) == {}
