"""Who makes the call, through the board's actions route: named when a
criterion is added, changed when it is said anew, and left out by a client
that does not send it."""

from canvas.actions import TriggerDraft, trigger_fingerprint
from storage import actions
from tests.web.conftest import act


def part_of(reply) -> dict:
    assert reply.status_code == 200, reply.text
    return reply.json()["view"]["parts"]["kill_criteria"]


def test_a_criterion_added_with_its_owner_shows_who_makes_the_call(client, board):
    part = part_of(act(client, board, "Ana", "add_kill_criterion",
                       signal="Vendor region not confirmed by 2027-01-15", kind="pause",
                       response="Pause the migration", owner="Pat"))
    [card] = part["criteria"]
    assert card["owner"] == "Pat"
    assert [t.owner for t in actions.list_triggers(board.db, board.id)] == ["Pat"]


def test_saying_a_criterion_anew_changes_its_owner_and_an_older_client_names_nobody(client, board):
    made = actions.add_trigger(board.db, board.id, TriggerDraft(
        signal="EU p95 latency above 400 ms for 30 minutes", response="Roll back", owner="Pat"))
    part = part_of(act(client, board, "Ben", "edit_kill_criterion", criterion_id=made.id,
                       seen=trigger_fingerprint(made), signal=made.signal, kind="roll_back",
                       response="Roll back the tenant", owner="Rui"))
    assert [card["owner"] for card in part["criteria"]] == ["Rui"]
    part = part_of(act(client, board, "Ana", "add_kill_criterion",
                       signal="Fewer than 20% migrated by 2027-02-28", response="Escalate"))
    assert [card["owner"] for card in part["criteria"]] == ["Rui", ""]


def test_an_owner_longer_than_a_name_is_refused_and_writes_nothing(client, board):
    reply = act(client, board, "Ana", "add_kill_criterion", signal="p99 above 2 s",
                response="Pause", owner="x" * 81)
    assert reply.status_code == 422, reply.text
    assert actions.list_triggers(board.db, board.id) == []
