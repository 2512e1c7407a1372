"""The facilitator brings everyone to one place of the board, through the
actions route; everyone's next view says where, and a second time to the
same place still counts. The room's progress goes to the facilitator only,
as counts."""

import json

from canvas.models import NoteDraft
from canvas.session.phases import Phase
from storage import boards, facilitation, notes, votes
from tests.web.conftest import act, canvas_tickets, stream_views


def test_the_facilitator_brings_everyone_to_the_timeline_and_again(client, board):
    first = act(client, board, "Ana", "lead", facilitator_key=board.fran_key, target="part:timeline")
    assert first.status_code == 200, first.text
    lead = first.json()["view"]["board"]["lead"]
    assert lead["target"] == "part:timeline" and lead["title"] == "Timeline"
    again = act(client, board, "Ana", "lead", facilitator_key=board.fran_key, target="part:timeline")
    assert again.json()["view"]["board"]["lead"]["count"] == lead["count"] + 1
    # Everyone's view says it: Ana's stream, opened now.
    ana = next(stream_views(client, board, canvas_tickets(client, board, "Ana")["stream_ticket"]))
    assert ana["board"]["lead"]["target"] == "part:timeline"
    assert "part:timeline" in {place["key"] for place in ana["board"]["places"]}


def test_letting_everyone_look_around_clears_the_lead(client, board):
    act(client, board, "Ana", "lead", facilitator_key=board.fran_key, target="column:detect")
    cleared = act(client, board, "Ana", "lead", facilitator_key=board.fran_key, target=None)
    assert cleared.json()["view"]["board"]["lead"] is None


def test_only_the_facilitator_leads(client, board):
    before = boards.board_revision(board.db, board.id)
    reply = act(client, board, "Ben", "lead", target="part:timeline")
    assert reply.status_code == 409 and reply.json()["ok"] is False
    assert boards.board_revision(board.db, board.id) == before
    assert boards.get_board(board.db, board.id).lead_target is None


def test_a_place_the_board_does_not_have_is_422(client, board):
    for target in ("part:nowhere", "column:no-such-step", "timeline", "<script>"):
        reply = act(client, board, "Ana", "lead", facilitator_key=board.fran_key, target=target)
        assert reply.status_code == 422, (target, reply.text)
        assert reply.json()["message"] == "That is not a part of this board, so nobody can be brought there."
    assert boards.get_board(board.db, board.id).lead_target is None


def test_progress_in_write_is_counts_for_the_facilitator_and_nothing_for_others(client, board):
    # Ana holds the facilitator's key here; Ben writes.
    notes.add_note(board.db, board.id, "detect", NoteDraft(text="ben-private-alert-text"), board.credentials("Ben"))
    notes.add_note(board.db, board.id, "detect", NoteDraft(text="ben-second"), board.credentials("Ben"))
    notes.add_note(board.db, board.id, "react", NoteDraft(text="ben-private-rollback"), board.credentials("Ben"))
    notes.add_note(board.db, board.id, "react", NoteDraft(text="ana-own"), board.credentials("Ana"))
    lead = next(stream_views(client, board, canvas_tickets(client, board, "Ana", board.fran_key)["stream_ticket"]))
    assert lead["progress"]["writers"]["detect"] == 1 and lead["progress"]["writers"]["react"] == 2
    assert lead["progress"]["writers"]["prevent"] == 0
    assert lead["progress"]["people"] == 3  # Fran, who made the board, Ana and Ben
    assert "ben-private" not in json.dumps(lead) and "ben-second" not in json.dumps(lead)
    ben = next(stream_views(client, board, canvas_tickets(client, board, "Ben")["stream_ticket"]))
    assert ben["progress"] is None


def test_progress_in_vote_says_who_has_dots_left_not_where_they_went(client, board):
    ana_note = notes.add_note(board.db, board.id, "detect", NoteDraft(text="pager"), board.credentials("Ana")).id
    facilitation.set_phase(board.db, board.id, board.fran_key, Phase.group)
    facilitation.set_phase(board.db, board.id, board.fran_key, Phase.vote)
    votes.cast_vote(board.db, board.id, board.credentials("Ben"), ana_note, 0)
    lead = act(client, board, "Ana", "reveal_votes", facilitator_key=board.fran_key, revealed=False).json()["view"]
    budget = lead["board"]["vote_rules"]["budget"]
    left = {entry["name"]: entry["left"] for entry in lead["progress"]["votes_left"]}
    assert left == {"Ben": budget - 1, "Ana": budget, "Fran": budget}
    assert "writers" not in lead["progress"]
    assert ana_note not in json.dumps(lead["progress"])
