"""Grouping suggestions through the board's actions route and stream: asked
for by the facilitator (409 for anyone else or outside Group), accepted and
dismissed by whoever may group, bad input 422; a dragged note's alike notes
asked for and answered without a change; and what the stream sends: never
another person's note while people write."""

import json

from canvas.models import NoteDraft
from canvas.session.phases import Credentials, Phase
from storage import boards, clusters, facilitation, notes, suggestions
from tests.web.conftest import act, canvas_tickets

ALERTING = ["Alert fired forty minutes late", "The alert fired late, after customers called"]
RUNBOOK = ["Runbook for failover was outdated", "Failover runbook outdated and unowned"]


def write(board, name, texts, step="detect"):
    return [notes.add_note(board.db, board.id, step, NoteDraft(text=t), board.credentials(name)) for t in texts]


def to_group(board):
    facilitation.set_phase(board.db, board.id, board.fran_key, Phase.group)


def view_of(reply) -> dict:
    assert reply.status_code == 200, reply.text
    return reply.json()["view"]


def refused(reply, status: int) -> str:
    assert reply.status_code == status, reply.text
    assert reply.json()["ok"] is False
    return reply.json()["message"]


def test_the_facilitator_asks_and_everyone_sees_the_suggestions(client, board):
    made = write(board, "Ana", ALERTING) + write(board, "Ben", RUNBOOK)
    to_group(board)
    view = view_of(act(client, board, "Ana", "suggest_groups", facilitator_key=board.fran_key))
    assert view["can"]["suggest_groups"] is True
    cards = view["parts"]["suggestions"]["suggestions"]
    assert [(c["name"], [n["id"] for n in c["notes"]], c["mark"]) for c in cards] == [
        ("Alert · fired · late", [made[0].id, made[1].id], 1),
        ("Failover · runbook · outdated", [made[2].id, made[3].id], 2)]
    # A participant sees the same suggestions, without the facilitator's control.
    ben = view_of(act(client, board, "Ben", "dismiss_suggestion", suggestion_id=cards[1]["id"]))
    assert ben["can"]["suggest_groups"] is False and ben["can"]["group"] is True
    assert [c["id"] for c in ben["parts"]["suggestions"]["suggestions"]] == [cards[0]["id"]]
    # The alike notes are asked for while dragging; the view only says they may be.
    assert view["parts"]["similar"] == {"may_ask": True} == ben["parts"]["similar"]


def test_asking_is_the_facilitators_and_only_in_group(client, board):
    write(board, "Ana", ALERTING)
    assert "not possible in the Write phase" in refused(
        act(client, board, "Ana", "suggest_groups", facilitator_key=board.fran_key), 409)
    to_group(board)
    revision = boards.board_revision(board.db, board.id)
    refused(act(client, board, "Ben", "suggest_groups"), 409)
    assert boards.board_revision(board.db, board.id) == revision
    assert suggestions.list_suggestions(board.db, board.id) == []


def test_accepting_makes_the_cluster_and_the_suggestion_leaves_every_view(client, board):
    made = write(board, "Ana", ALERTING + RUNBOOK)
    to_group(board)
    suggestions.suggest_groups(board.db, board.id, Credentials(facilitator_key=board.fran_key))
    first, second = suggestions.list_suggestions(board.db, board.id)
    view = view_of(act(client, board, "Ben", "accept_suggestion", suggestion_id=first.id))
    (column,) = [c for c in view["columns"] if c["key"] == "detect"]
    (cluster,) = column["clusters"]
    assert cluster["name"] == "Alert · fired · late"
    assert [n["id"] for n in cluster["notes"]] == [made[0].id, made[1].id]
    assert [c["id"] for c in view["parts"]["suggestions"]["suggestions"]] == [second.id]
    # Accepted again (a second click, another person): gone, nothing written.
    revision = boards.board_revision(board.db, board.id)
    assert refused(act(client, board, "Ana", "accept_suggestion", suggestion_id=first.id), 409).startswith(
        "That suggestion no longer holds")
    assert boards.board_revision(board.db, board.id) == revision


def test_dismissing_takes_it_away_for_everyone(client, board):
    write(board, "Ana", ALERTING + RUNBOOK)
    to_group(board)
    suggestions.suggest_groups(board.db, board.id, Credentials(facilitator_key=board.fran_key))
    first, second = suggestions.list_suggestions(board.db, board.id)
    view_of(act(client, board, "Ana", "dismiss_suggestion", suggestion_id=first.id))
    ben = view_of(act(client, board, "Ben", "dismiss_suggestion", suggestion_id=second.id))
    assert ben["parts"]["suggestions"]["suggestions"] == []
    assert clusters.list_clusters(board.db, board.id) == []


def test_bad_input_is_422_and_writes_nothing(client, board):
    to_group(board)
    revision = boards.board_revision(board.db, board.id)
    refused(act(client, board, "Ana", "accept_suggestion"), 422)
    refused(act(client, board, "Ana", "dismiss_suggestion", suggestion_id=7), 422)
    refused(act(client, board, "Ana", "suggest_groups", facilitator_key=board.fran_key,
                across_columns="yes"), 422)
    assert boards.board_revision(board.db, board.id) == revision


def test_a_suggestion_of_another_board_is_refused_as_gone(client, board):
    from canvas.models import BoardDraft

    other = facilitation.start_board(board.db, BoardDraft(title="Other", facilitator_name="Bo"))
    theirs = [notes.add_note(board.db, other.board.id, "detect", NoteDraft(text=t),
                             Credentials(facilitator_key=other.facilitator_key)) for t in ALERTING]
    facilitation.set_phase(board.db, other.board.id, other.facilitator_key, Phase.group)
    suggestions.suggest_groups(board.db, other.board.id, Credentials(facilitator_key=other.facilitator_key))
    (suggestion,) = suggestions.list_suggestions(board.db, other.board.id)
    to_group(board)
    assert refused(act(client, board, "Ana", "accept_suggestion", suggestion_id=suggestion.id), 409).startswith(
        "That suggestion no longer holds")
    assert [n.cluster_id for n in notes.list_notes(board.db, other.board.id)] == [None, None]
    assert len(theirs) == 2


def first_stream_text(client, board, name) -> str:
    """The first view a person's stream sends, as the text on the wire."""
    ticket = canvas_tickets(client, board, name)["stream_ticket"]
    with client.stream("GET", f"/api/boards/{board.id}/stream", params={"ticket": ticket}) as response:
        assert response.status_code == 200
        for line in response.iter_lines():
            if line.startswith("data: "):
                return line[6:]
    raise AssertionError("the stream sent no view")


def test_while_people_write_the_stream_carries_no_one_elses_note(client, board):
    anas = write(board, "Ana", ALERTING)
    bens = write(board, "Ben", ["The alert fired late for Ben too", "Ben's alert fired late again"])
    text = first_stream_text(client, board, "Ana")
    view = json.loads(text)
    for note in bens:
        assert note.id not in text and note.text not in text
    assert all(note.id in text for note in anas)
    assert view["parts"]["suggestions"] == {} and view["parts"]["similar"] == {}
    # In Group everyone's notes are on the board, and the alike notes may be asked for.
    view_of(act(client, board, "Ana", "set_phase", facilitator_key=board.fran_key, phase="group"))
    view = json.loads(first_stream_text(client, board, "Ana"))
    assert view["parts"]["similar"] == {"may_ask": True}
    assert all(note.id in json.dumps(view) for note in bens)


def alike(reply) -> list[str]:
    assert reply.status_code == 200, reply.text
    said = reply.json()
    assert said["ok"] is True and said["done"] is False
    return said["preview"]["alike"]


def test_a_dragged_notes_alike_notes_are_answered_and_nothing_changes(client, board):
    made = write(board, "Ana", ALERTING + RUNBOOK) + write(board, "Ben", ["The alert fired late again"],
                                                           step="react")
    to_group(board)
    revision = boards.board_revision(board.db, board.id)
    reply = act(client, board, "Ben", "find_alike", note_id=made[0].id)
    assert alike(reply) == [made[1].id]
    assert reply.json()["preview"]["note_id"] == made[0].id
    assert alike(act(client, board, "Ana", "find_alike", facilitator_key=board.fran_key,
                     note_id=made[3].id)) == [made[2].id]
    # Within its column only: Ben's alike note in React is not one of them.
    assert alike(act(client, board, "Ana", "find_alike", note_id=made[4].id)) == []
    assert boards.board_revision(board.db, board.id) == revision


def test_alike_notes_are_refused_by_the_grouping_rule(client, board):
    made = write(board, "Ana", ALERTING)
    facilitation.set_phase(board.db, board.id, board.fran_key, Phase.vote)
    assert "not possible in the Vote phase" in refused(
        act(client, board, "Ana", "find_alike", note_id=made[0].id), 409)


def test_a_note_another_person_may_not_see_is_not_revealed(client, board):
    anas = write(board, "Ana", ALERTING)
    # While people write, Ben may not see Ana's notes: asked about one, he
    # hears what he hears for a note that never was, and nothing of hers.
    hidden = act(client, board, "Ben", "find_alike", note_id=anas[0].id)
    unknown = act(client, board, "Ben", "find_alike", note_id="n" * 24)
    assert refused(hidden, 409) == refused(unknown, 409)
    for note in anas:
        assert note.id not in hidden.text and note.text not in hidden.text


def test_a_gone_or_malformed_note_id_is_a_clear_refusal(client, board):
    made = write(board, "Ana", ALERTING)
    to_group(board)
    notes.delete_note(board.db, board.id, made[1].id, board.credentials("Ana"))
    assert refused(act(client, board, "Ben", "find_alike", note_id=made[1].id), 409) == (
        "That note no longer exists on this board.")
    assert refused(act(client, board, "Ben", "find_alike", note_id="nobody-knows"), 409) == (
        "That note no longer exists on this board.")
    for bad in ("", 12, None, "x" * 500):
        assert refused(act(client, board, "Ben", "find_alike", note_id=bad), 422)
    assert refused(act(client, board, "Ben", "find_alike"), 422)
