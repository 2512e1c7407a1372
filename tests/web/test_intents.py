"""Intents through the actions route: strict types (a flag is a JSON boolean),
ids that must belong to this board, one table of handlers, and a bug that is
a logged 500 rather than bad input."""

import logging

import pytest

from canvas.actions import ActionDraft
from canvas.models import BoardDraft, NoteDraft
from canvas.session.intents import INTENT_TYPES, StopTimer
from canvas.session.phases import Credentials, Phase
from web import actions as web_actions
from storage import actions, boards, clusters, facilitation, notes
from tests.web.conftest import act

UNEXPECTED = ("Something went wrong on the server, so this may not have been saved; "
              "reload the page to check.")


def refusal(response, status: int) -> str:
    assert response.status_code == status, response.text
    assert response.json()["ok"] is False
    return response.json()["message"]


def in_phase(board, phase: Phase) -> None:
    facilitation.set_phase(board.db, board.id, board.fran_key, phase)


def facilitate(client, board, kind: str, **fields):
    return act(client, board, "Ana", kind, facilitator_key=board.fran_key, **fields)


def test_every_intent_has_one_handler(client):
    assert set(web_actions.HANDLERS) == set(INTENT_TYPES)


# --- flags are booleans ---------------------------------------------------------------------


def test_revealed_false_as_text_is_refused_and_reveals_nothing(client, board):
    in_phase(board, Phase.vote)
    message = refusal(facilitate(client, board, "reveal_votes", revealed="false"), 422)
    assert message == "The action's “revealed” is not right: Input should be a valid boolean."
    assert boards.get_board(board.db, board.id).votes_revealed is False
    assert facilitate(client, board, "reveal_votes", revealed=True).status_code == 200
    assert boards.get_board(board.db, board.id).votes_revealed is True
    assert facilitate(client, board, "reveal_votes", revealed=False).status_code == 200
    assert boards.get_board(board.db, board.id).votes_revealed is False


def test_show_false_as_text_is_refused_and_shows_no_author(client, board):
    refusal(facilitate(client, board, "show_authors", show="false"), 422)
    refusal(facilitate(client, board, "show_authors", show=1), 422)
    assert boards.get_board(board.db, board.id).show_authors is False
    reply = facilitate(client, board, "show_authors", show=True)
    assert reply.status_code == 200 and reply.json()["view"]["board"]["show_authors"] is True


@pytest.mark.parametrize("kind, fields", [
    ("start_timer", {"seconds": "300"}),
    ("start_timer", {"seconds": 300.0}),
    ("set_vote_rules", {"budget": True, "max_per_item": 1}),
    ("add_note", {"step_key": "detect", "text": ["a", "list"]}),
    ("add_note", {"step_key": "detect", "text": "ok", "colour": "red"}),
], ids=["seconds as text", "seconds as a float", "budget true", "text a list", "no such colour"])
def test_a_value_of_the_wrong_kind_is_422_and_changes_nothing(client, board, kind, fields):
    before = boards.board_revision(board.db, board.id)
    message = refusal(facilitate(client, board, kind, **fields), 422)
    assert message.startswith("The action's “")
    assert boards.board_revision(board.db, board.id) == before


def test_a_facilitator_key_that_is_not_text_is_422(client, board):
    ticket_reply = client.post(f"/api/boards/{board.id}/tickets", json={"token": board.tokens["Ana"]})
    response = client.post(f"/api/boards/{board.id}/actions",
                           json={"ticket": ticket_reply.json()["action_ticket"], "facilitator_key": ["k"],
                                 "type": "stop_timer"})
    refusal(response, 422)


# --- ids belong to the board ----------------------------------------------------------------


def test_the_focus_takes_only_an_item_of_this_board(client, board):
    ana = board.credentials("Ana")
    mine = notes.add_note(board.db, board.id, "detect", NoteDraft(text="Pager was muted"), ana)
    other = facilitation.start_board(board.db, BoardDraft(title="Another incident", facilitator_name="Bo"))
    theirs = notes.add_note(board.db, other.board.id, "detect", NoteDraft(text="Not this board's"),
                            Credentials(participant_id=other.facilitator.id))
    in_phase(board, Phase.discuss)
    before = boards.board_revision(board.db, board.id)
    message = refusal(facilitate(client, board, "focus", item_id=theirs.id), 409)
    assert message == ("That item is not on this board any more (it was moved, merged or deleted), "
                       "so it cannot be in focus.")
    assert refusal(facilitate(client, board, "focus", item_id="x" * 10_000), 422).startswith(
        "The action's “item_id”")
    refusal(facilitate(client, board, "focus", item_id="x" * 1_000_000), 413)
    assert boards.get_board(board.db, board.id).focus_item is None
    assert boards.board_revision(board.db, board.id) == before
    reply = facilitate(client, board, "focus", item_id=mine.id)
    assert reply.status_code == 200 and reply.json()["view"]["board"]["focus_item_id"] == mine.id


class Items:
    """Ids on one board: notes (loose, grouped, deleted), a cluster, an action."""

    def __init__(self, db, board_id: str, key: str, author: Credentials):
        def note(text: str, step: str = "detect"):
            return notes.add_note(db, board_id, step, NoteDraft(text=text), author).id

        self.note, self.deleted = note("loose"), note("binned")
        first, second, third = note("first"), note("second"), note("third")
        notes.delete_note(db, board_id, self.deleted, author)
        facilitation.set_phase(db, board_id, key, Phase.group)
        revision = boards.board_revision(db, board_id)
        self.cluster = clusters.move_note(db, board_id, second, step_key="detect", onto_note_id=first,
                                          seen_revision=revision, credentials=author)
        self.second_cluster = clusters.move_note(db, board_id, third, step_key="detect",
                                                 onto_note_id=self.note, seen_revision=revision,
                                                 credentials=author)
        facilitation.set_phase(db, board_id, key, Phase.discuss)
        self.action = actions.add_action(db, board_id, ActionDraft(title="Page on 5xx")).id
        facilitation.set_phase(db, board_id, key, Phase.write)


# (phase, intent, fields naming the other board's ids where this board's would go)
FOREIGN = [
    (Phase.write, "edit_note", lambda mine, other: {"note_id": other.note, "text": "x", "version": 1}),
    (Phase.write, "delete_note", lambda mine, other: {"note_id": other.note}),
    (Phase.write, "restore_note", lambda mine, other: {"note_id": other.deleted}),
    (Phase.group, "move_note", lambda mine, other: {"note_id": other.note, "step_key": "detect",
                                                    "revision": 10**6}),
    (Phase.group, "move_note", lambda mine, other: {"note_id": mine.note, "step_key": "detect",
                                                    "cluster_id": other.cluster, "revision": 10**6}),
    (Phase.group, "move_note", lambda mine, other: {"note_id": mine.note, "step_key": "detect",
                                                    "onto_note_id": other.note, "revision": 10**6}),
    (Phase.group, "rename_cluster", lambda mine, other: {"cluster_id": other.cluster, "name": "x"}),
    (Phase.group, "dissolve_cluster", lambda mine, other: {"cluster_id": other.cluster}),
    (Phase.group, "merge_clusters", lambda mine, other: {"cluster_id": mine.cluster, "into_id": other.cluster}),
    (Phase.group, "merge_clusters", lambda mine, other: {"cluster_id": other.cluster, "into_id": mine.cluster}),
    (Phase.vote, "vote", lambda mine, other: {"item_id": other.cluster, "seen": 0}),
    (Phase.discuss, "focus", lambda mine, other: {"item_id": other.cluster}),
    (Phase.discuss, "make_action", lambda mine, other: {"item_id": other.cluster, "title": "x"}),
    (Phase.discuss, "make_action", lambda mine, other: {"item_id": other.note, "title": "x"}),
    (Phase.discuss, "set_action_status", lambda mine, other: {"action_id": other.action, "status": "done"}),
    (Phase.discuss, "set_category", lambda mine, other: {"item_id": other.note, "category": "tech"}),
]


@pytest.mark.parametrize("phase, kind, fields", FOREIGN,
                         ids=[f"{kind}-{n}" for n, (_, kind, _) in enumerate(FOREIGN)])
def test_an_id_of_another_board_is_refused_and_neither_board_changes(client, board, phase, kind, fields):
    mine = Items(board.db, board.id, board.fran_key, board.credentials("Ana"))
    other_board = facilitation.start_board(board.db, BoardDraft(title="Another incident", facilitator_name="Bo"))
    other = Items(board.db, other_board.board.id, other_board.facilitator_key,
                  Credentials(participant_id=other_board.facilitator.id))
    in_phase(board, phase)
    before = [boards.board_revision(board.db, board_id) for board_id in (board.id, other_board.board.id)]
    message = refusal(facilitate(client, board, kind, **fields(mine, other)), 409)
    assert "no longer" in message or "not on this board" in message
    assert [boards.board_revision(board.db, board_id) for board_id in (board.id, other_board.board.id)] == before


def test_taking_back_a_vote_on_another_boards_item_changes_nothing(client, board):
    other_board = facilitation.start_board(board.db, BoardDraft(title="Another incident", facilitator_name="Bo"))
    other = Items(board.db, other_board.board.id, other_board.facilitator_key,
                  Credentials(participant_id=other_board.facilitator.id))
    in_phase(board, Phase.vote)
    before = boards.board_revision(board.db, board.id)
    reply = act(client, board, "Ana", "unvote", item_id=other.cluster, seen=1)
    assert (reply.status_code, reply.json()["done"]) == (200, False)
    assert boards.board_revision(board.db, board.id) == before


# --- a bug is a bug -------------------------------------------------------------------------------


def test_an_unexpected_error_is_a_500_with_one_sentence_logged_once(client, board, monkeypatch, caplog):
    def broken(db, board_id, credentials, intent):
        raise TypeError("a bug, not bad input")

    # The dispatch table is the seam: every intent reaches its handler through it.
    monkeypatch.setitem(web_actions.HANDLERS, StopTimer, broken)
    response = facilitate(client, board, "stop_timer")
    assert (response.status_code, response.json()) == (500, {"ok": False, "message": UNEXPECTED})
    logged = [record for record in caplog.records if record.levelno >= logging.ERROR]
    assert len(logged) == 1 and logged[0].exc_info[0] is TypeError
