"""Who makes the call when a kill criterion's signal shows: kept with the
criterion, changed with it, carried by backups; older backups name nobody."""

import json

from canvas.actions import TriggerDraft, TriggerKind, trigger_fingerprint
from canvas.exports.backup import parse_backup
from canvas.exports.export import export_document
from canvas.models import BoardDraft, ReviewType
from storage import actions, facilitation, restore


def premortem(db) -> str:
    return facilitation.start_board(db, BoardDraft(
        title="Before the EU launch", facilitator_name="Fran",
        review_type=ReviewType.premortem)).board.id


def test_a_kill_criterion_keeps_its_owner_and_changes_it_with_the_rest(db):
    board_id = premortem(db)
    made = actions.add_trigger(db, board_id, TriggerDraft(
        signal="Vendor region not confirmed by 2027-01-15", kind=TriggerKind.pause,
        response="Pause the migration", owner="Pat"))
    assert actions.get_trigger(db, board_id, made.id).owner == "Pat"

    changed = actions.edit_trigger(db, board_id, made.id, TriggerDraft(
        signal=made.signal, kind=made.kind, response=made.response, owner="Rui"),
        trigger_fingerprint(made))
    assert changed.owner == "Rui"
    # Naming someone else is a change another tab's card must hear of.
    assert trigger_fingerprint(changed) != trigger_fingerprint(made)


def test_a_backup_carries_the_owner_and_an_older_one_names_nobody(db):
    board_id = premortem(db)
    actions.add_trigger(db, board_id, TriggerDraft(
        signal="Fewer than 20% of tenants migrated by 2027-02-28", kind=TriggerKind.escalate,
        response="Take the launch date to the leadership review", owner="Pat"))
    actions.add_trigger(db, board_id, TriggerDraft(
        signal="EU p95 latency above 400 ms for 30 minutes", kind=TriggerKind.roll_back,
        response="Roll the tenant back the same day"))
    snapshot, by_person = restore.load_snapshot_and_votes(db, board_id)
    document = json.loads(json.dumps(export_document(snapshot, by_person)))
    assert [trigger.get("owner") for trigger in document["triggers"]] == ["Pat", None]

    restored, _ = restore.restore_board(db, parse_backup(json.dumps(document)))
    assert [t.owner for t in actions.list_triggers(db, restored.id)] == ["Pat", ""]
