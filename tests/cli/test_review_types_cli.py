"""A pre-mortem with an experiment decision through the command line: its
backup imports back as an equal board, and its pack names both."""

import json

import pytest

from canvas.actions import TriggerDraft, TriggerKind
from canvas.learnings import DecisionDraft, DecisionKind, EvidenceKind, LearningDraft
from canvas.models import BoardDraft, NoteDraft, ReviewType
from canvas.session.phases import Credentials
from postmortem_canvas import main
from storage import actions, facilitation, learnings, notes
from storage.db import connect
from storage.migrations import migrate


def run(capture, *argv):
    status = main([str(arg) for arg in argv])
    out, err = capture.readouterr()
    return status, out, err


@pytest.fixture
def db_path(tmp_path):
    path = tmp_path / "cli.db"
    migrate(path)
    return path


@pytest.fixture
def board_id(db_path):
    db = connect(db_path)
    try:
        started = facilitation.start_board(db, BoardDraft(
            title="Before the EU launch", facilitator_name="Fran", review_type=ReviewType.premortem))
        board_id = started.board.id
        as_fran = Credentials(participant_id=started.facilitator.id)
        cause = notes.add_note(db, board_id, "likely-causes",
                               NoteDraft(text="Load tests ran on a tenth of the traffic"), as_fran)
        learning = learnings.add_learning(db, board_id, LearningDraft(
            text="our load tests never saw real traffic", evidence_kind=EvidenceKind.note,
            evidence_id=cause.id), as_fran)
        learnings.set_decision(db, board_id, learning.id, DecisionDraft(
            kind=DecisionKind.experiment, text="Mirror 5% of EU traffic for two weeks",
            trade_off="Doubles the staging bill for a fortnight"), as_fran)
        actions.add_trigger(db, board_id, TriggerDraft(
            signal="Vendor region not confirmed by 2027-01-15", kind=TriggerKind.pause,
            response="Pat pauses the migration"))
    finally:
        db.close()
    return board_id


def test_a_pre_mortem_with_an_experiment_imports_back_as_an_equal_board(tmp_path, db_path,
                                                                       board_id, capsys):
    status, exported, err = run(capsys, "export", board_id, "--format", "json", "--db", db_path)
    assert status == 0, err
    first = json.loads(exported)
    assert first["board"]["review_type"] == "premortem"
    assert first["board"]["template"] == "pre-mortem"
    assert [decision["kind"] for decision in first["decisions"]] == ["experiment"]
    backup = tmp_path / "premortem.json"
    backup.write_text(exported, "utf-8")

    status, out, err = run(capsys, "import", backup, "--db", db_path)
    assert status == 0, err
    status, again, err = run(capsys, "export", out.strip(), "--format", "json", "--db", db_path)
    assert status == 0, err
    second = json.loads(again)
    for document in (first, second):
        del document["board"]["id"], document["board"]["created_at"]
    assert second == first


def test_the_pack_of_a_pre_mortem_names_its_type_and_its_experiment(db_path, board_id, capsys):
    status, pack, err = run(capsys, "export", board_id, "--format", "pack", "--db", db_path)
    assert status == 0, err
    assert pack.startswith("# Retrospective pack: Before the EU launch\n\n*Pre-mortem · ")
    assert "- Decision (Experiment): Mirror 5% of EU traffic for two weeks" in pack
    assert "| Vendor region not confirmed by 2027-01-15 | Pause | Pat pauses the migration |" in pack
    assert "customer impact" not in pack.lower()
