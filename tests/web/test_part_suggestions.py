"""Grouping suggestions through the board's actions route and stream: asked
for by the facilitator (409 for anyone else or outside Group), accepted and
dismissed by whoever may group, bad input 422, and what the stream sends:
never another person's note while people write."""

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
    near = view["parts"]["similar"]["near"]
    assert near[made[0].id] == [made[1].id] and near[made[2].id] == [made[3].id]


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
    # In Group everyone's notes are on the board, and so are the alike ones.
    view_of(act(client, board, "Ana", "set_phase", facilitator_key=board.fran_key, phase="group"))
    view = json.loads(first_stream_text(client, board, "Ana"))
    near = view["parts"]["similar"]["near"]
    assert set(near) == {note.id for note in anas + bens}
