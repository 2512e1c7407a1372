"""What a dropped or picked item is as a learning's evidence: a live note,
cluster or timeline event of the same board, and nothing else."""

from datetime import UTC, datetime

import pytest

from canvas.errors import EvidenceNotFound
from canvas.incident.timeline import TimelineEvent
from canvas.learnings import EvidenceKind
from canvas.models import BoardDraft, NoteDraft
from canvas.session.phases import Credentials, Phase
from storage import boards, clusters, events, facilitation, learnings, notes, participants


@pytest.fixture
def board(db):
    made = boards.create_board(db, BoardDraft(title="Checkout errors", facilitator_name="Fran"))
    key = facilitation.create_facilitator_key(db, made.id, "creator")
    ann, _ = participants.join_board(db, made.id, "Ann")
    return made.id, key, Credentials(participant_id=ann.id)


def test_a_note_a_cluster_and_an_event_are_told_apart(db, board):
    board_id, key, ann = board
    first = notes.add_note(db, board_id, "detect", NoteDraft(text="first"), ann).id
    second = notes.add_note(db, board_id, "detect", NoteDraft(text="second"), ann).id
    event = events.add_event(db, board_id, TimelineEvent(at=datetime(2026, 1, 1, tzinfo=UTC), text="Paged")).id
    facilitation.set_phase(db, board_id, key, Phase.group)
    cluster = clusters.move_note(db, board_id, second, step_key="detect", onto_note_id=first,
                                 seen_revision=boards.board_revision(db, board_id), credentials=ann)
    assert learnings.evidence_kind(db, board_id, first) == EvidenceKind.note
    assert learnings.evidence_kind(db, board_id, cluster) == EvidenceKind.cluster
    assert learnings.evidence_kind(db, board_id, event) == EvidenceKind.event


def test_a_deleted_item_or_one_of_another_board_is_not_evidence(db, board):
    board_id, _, ann = board
    gone = notes.add_note(db, board_id, "detect", NoteDraft(text="binned"), ann).id
    notes.delete_note(db, board_id, gone, ann)
    other = boards.create_board(db, BoardDraft(title="Elsewhere", facilitator_name="Bo")).id
    bo, _ = participants.join_board(db, other, "Bo")
    theirs = notes.add_note(db, other, "detect", NoteDraft(text="theirs"), Credentials(participant_id=bo.id)).id
    for item in (gone, theirs, "no-such-id"):
        with pytest.raises(EvidenceNotFound):
            learnings.evidence_kind(db, board_id, item)
