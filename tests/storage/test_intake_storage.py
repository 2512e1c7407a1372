"""Review type, intake answers, tracker link, labels, sources and assumptions
on a real temp SQLite file, through backups too."""

import json
from datetime import date

import pytest

from canvas.exports.backup import backup_document, parse_backup
from canvas.incident.timeline import TimelineEvent
from canvas.models import (
    BoardDetails, BoardDraft, IncidentSource, Intake, NoteDraft, PublishedFigure, ReviewType, Roles,
)
from canvas.session.phases import Credentials, Phase, PhaseForbids
from storage import boards, events, facilitation, notes, participants, restore
from storage.snapshot import load_snapshot


@pytest.fixture
def board(db):
    # The blameless template by choice (a project starts from the OKR / project
    # one): its Detect step takes the notes below.
    return boards.create_board(db, BoardDraft(title="Q1 launch", facilitator_name="Fran",
                                              review_type=ReviewType.project, template="blameless",
                                              period_start=date(2024, 1, 1),
                                              period_end=date(2024, 3, 31)))


def test_a_project_board_is_created_with_its_period_and_no_incident_date(db, board):
    stored = boards.get_board(db, board.id)
    assert stored.review_type is ReviewType.project
    assert (stored.intake.period_start, stored.intake.period_end) == (date(2024, 1, 1),
                                                                      date(2024, 3, 31))
    assert stored.incident_date is None


def test_the_summary_details_round_trip_through_storage(db, board):
    details = BoardDetails(
        title="Q1 launch", review_type=ReviewType.okr,
        intake=Intake(reviewed="Q1 OKRs", desired_outcome="Keep what worked", audience="Org",
                      period_start=date(2024, 1, 1)),
        roles=Roles(facilitator="Fran", customer_facing="Cy", support="Sue"),
        invitees="Sue <sue@example.com>", tracker_url="https://tracker.example.com/1",
        labels=["okr", "q1"])
    saved = boards.update_details(db, board.id, details, board.details_version)
    assert BoardDetails.model_validate(saved.model_dump()) == details


def test_a_note_marked_as_an_assumption_keeps_its_version_and_anyone_may_mark_it(db, board):
    ann, _ = participants.join_board(db, board.id, "Ann")
    ben, _ = participants.join_board(db, board.id, "Ben")
    note = notes.add_note(db, board.id, "detect", NoteDraft(text="The cache was cold"),
                          Credentials(participant_id=ann.id))
    before = boards.board_revision(db, board.id)

    marked = notes.mark_assumption(db, board.id, note.id, True, Credentials(participant_id=ben.id))

    assert marked.is_assumption and marked.version == note.version
    assert boards.board_revision(db, board.id) == before + 1, "others' pages redraw"
    assert notes.mark_assumption(db, board.id, note.id, False,
                                 Credentials(participant_id=ann.id)).is_assumption is False


def test_a_closed_board_refuses_marking_an_assumption(db, board):
    key = facilitation.create_facilitator_key(db, board.id, "test")
    note = notes.add_note(db, board.id, "detect", NoteDraft(text="The cache was cold"),
                          Credentials(facilitator_key=key))
    facilitation.set_phase(db, board.id, key, Phase.closed)
    with pytest.raises(PhaseForbids):
        notes.mark_assumption(db, board.id, note.id, True, Credentials(facilitator_key=key))
    assert not notes.get_note(db, board.id, note.id).is_assumption


def test_a_backup_keeps_review_type_intake_tracker_labels_source_and_assumptions(db, board):
    key = facilitation.create_facilitator_key(db, board.id, "test")
    me = Credentials(facilitator_key=key)
    details = BoardDetails(title="Q1 launch", review_type=ReviewType.project,
                           intake=Intake(reviewed="Launch", period_start=date(2024, 1, 1)),
                           invitees="Legal", tracker_url="https://tracker.example.com/9",
                           labels=["launch"], roles=Roles(support="Sue"))
    boards.update_details(db, board.id, details, board.details_version)
    boards.record_source(db, board.id, IncidentSource(
        organisation="Org", url="https://example.com/pm",
        figures=[PublishedFigure(name="users", value="1200", qualifier="about", measures="users")]))
    note = notes.add_note(db, board.id, "detect", NoteDraft(text="Maybe DNS"), me)
    notes.mark_assumption(db, board.id, note.id, True, me)
    events.add_event(db, board.id, TimelineEvent(at="2024-02-01T10:00:00Z", kind="other",
                                                 text="Rollout paused", is_assumption=True))
    document = backup_document(load_snapshot(db, board.id))

    copy, _ = restore.restore_board(db, parse_backup(json.dumps(document)))

    again = backup_document(load_snapshot(db, copy.id))
    for doc in (document, again):
        del doc["board"]["id"], doc["board"]["created_at"]
    assert again == document
    restored = load_snapshot(db, copy.id)
    assert restored.board.review_type is ReviewType.project
    assert restored.board.source.figures[0].qualifier == "about"
    assert restored.board.labels == ["launch"] and restored.board.roles.support == "Sue"
    assert [n.is_assumption for n in restored.notes] == [True]
    assert [e.is_assumption for e in restored.events] == [True]


def test_a_backup_from_before_review_types_restores_as_an_incident_review(db, board):
    document = backup_document(load_snapshot(db, board.id))
    for field in ("review_type", "intake", "invitees", "tracker_url", "labels", "source"):
        del document["board"][field]
    copy, _ = restore.restore_board(db, parse_backup(json.dumps(document)))
    restored = boards.get_board(db, copy.id)
    assert restored.review_type is ReviewType.incident
    assert restored.intake == Intake() and restored.source.is_empty


def test_the_board_list_says_which_boards_review_something_other_than_an_incident(db, board):
    incident = boards.create_board(db, BoardDraft(title="Outage", facilitator_name="Fran"))
    kinds = {summary.id: summary.review_type for summary in boards.list_boards(db)}
    assert kinds == {board.id: ReviewType.project, incident.id: ReviewType.incident}
