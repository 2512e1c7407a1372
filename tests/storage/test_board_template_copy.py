"""A board keeps the steps it was made with: changing or removing the
template's file later leaves it as it was; boards made before copies were
kept follow their shipped template; backups, restores and copies carry it."""

import json

import pytest

from canvas.errors import UnknownTemplate
from canvas.exports.backup import BackupInvalid, parse_backup
from canvas.models import BoardDraft, NoteDraft
from canvas.session.phases import Credentials
from canvas.templates import Template, get_template, save_team_template
from storage import boards, notes, participants, restore
from storage.copying import copy_database
from storage.db import connect
from tests.databases import fresh_database
from tests.storage.test_backup_restore import export, without_identity

OTHER = {"sqlite": "postgresql", "postgresql": "sqlite"}


def team_template(name: str = "Ops retro", first_title: str = "Signals") -> Template:
    return Template.model_validate({
        "slug": "ops-retro", "name": name, "description": "Ours.",
        "steps": [
            {"key": "summary", "title": "Summary", "kind": "summary", "prompt": "What happened?"},
            {"key": "signals", "title": first_title, "kind": "notes", "prompt": "What told us?",
             "follow_ups": ["Which alert fired first?"], "action_type": "detect"},
            {"key": "next-steps", "title": "Next steps", "kind": "actions",
             "prompt": "Owner and date.", "receives": ["actions"]},
        ]})


def made_from_team_template(db):
    save_team_template(team_template())
    return boards.create_board(db, BoardDraft(title="Pager storm", facilitator_name="Fran",
                                              template="ops-retro"))


def test_a_board_keeps_its_steps_when_the_template_file_changes(db):
    board = made_from_team_template(db)
    save_team_template(team_template(name="Ops retro v2", first_title="Alerts"))
    assert get_template("ops-retro").step("signals").title == "Alerts"

    kept = boards.get_board(db, board.id).template_model
    assert kept == team_template()
    assert kept.step("signals").title == "Signals"
    # A board made now gets the template as it is now.
    newer = boards.create_board(db, BoardDraft(title="Later", facilitator_name="Fran",
                                               template="ops-retro"))
    assert boards.get_board(db, newer.id).template_model.step("signals").title == "Alerts"


def test_a_board_keeps_working_when_its_template_file_is_removed(db, team_templates_dir):
    board = made_from_team_template(db)
    (team_templates_dir / "ops-retro.toml").unlink()
    with pytest.raises(UnknownTemplate):
        get_template("ops-retro")

    me, _ = participants.join_board(db, board.id, "Sam")
    note = notes.add_note(db, board.id, "signals", NoteDraft(text="the queue alert"),
                          Credentials(participant_id=me.id))
    assert note.step_key == "signals"
    assert [step.key for step in boards.get_board(db, board.id).template_model.steps] == [
        "summary", "signals", "next-steps"]


def test_a_board_made_before_copies_follows_its_shipped_template(db):
    board = boards.create_board(db, BoardDraft(title="Old", facilitator_name="Fran"))
    db.execute("UPDATE boards SET template_copy = NULL WHERE id = ?", [board.id])
    old = boards.get_board(db, board.id)
    assert old.template_copy is None
    assert old.template_model == get_template("blameless")


def test_a_backup_restores_its_steps_where_the_template_does_not_exist(db, team_templates_dir):
    board = made_from_team_template(db)
    document = export(db, board.id)
    assert document["board"]["template_copy"]["steps"][1]["title"] == "Signals"
    (team_templates_dir / "ops-retro.toml").unlink()

    restored, _ = restore.restore_board(db, parse_backup(json.dumps(document)))
    assert boards.get_board(db, restored.id).template_model == team_template()
    assert without_identity(export(db, restored.id)) == without_identity(document)


def test_a_backup_of_an_unknown_template_without_its_steps_is_refused(db):
    document = export(db, made_from_team_template(db).id)
    del document["board"]["template_copy"]
    document["board"]["template"] = "nobody-has-this"
    with pytest.raises(BackupInvalid, match="board.template: There is no template called "
                                            "'nobody-has-this'"):
        parse_backup(json.dumps(document))


def test_copying_the_database_carries_the_copy(db_file, database_kind, tmp_path, db):
    board = made_from_team_template(db)
    with fresh_database(OTHER[database_kind], tmp_path / "other", migrated=False) as other:
        (tmp_path / "other").mkdir(exist_ok=True)
        copy_database(str(db_file), str(other))
        with connect(other) as there:
            assert boards.get_board(there, board.id).template_model == team_template()
