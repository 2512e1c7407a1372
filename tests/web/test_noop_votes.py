"""A vote click that changes nothing, through the live route: the reply says
it was not done and carries the same revision, so no tab redraws for it."""

from canvas.models import NoteDraft
from canvas.session.phases import Phase
from storage import boards, facilitation, notes


def action_ticket(client, board, name) -> str:
    response = client.post(f"/api/boards/{board.id}/tickets", json={"token": board.tokens[name]})
    assert response.status_code == 200, response.text
    return response.json()["action_ticket"]


def vote(client, board, ticket, kind, item_id, seen) -> tuple[bool, int]:
    """Whether the click was done, and the revision of the view that came back."""
    response = client.post(f"/api/boards/{board.id}/actions",
                           json={"ticket": ticket, "type": kind, "item_id": item_id, "seen": seen})
    assert response.status_code == 200, response.text
    reply = response.json()
    return reply["done"], reply["view"]["revision"]


def test_a_vote_click_that_changes_nothing_leaves_the_revision_alone(client, board):
    ideas = [notes.add_note(board.db, board.id, "detect", NoteDraft(text=text), board.credentials("Ben")).id
             for text in ("Paged late", "No runbook")]
    facilitation.set_phase(board.db, board.id, board.fran_key, Phase.vote)
    ticket = action_ticket(client, board, "Ana")

    done, voted = vote(client, board, ticket, "vote", ideas[0], seen=0)
    assert done is True and voted == boards.board_revision(board.db, board.id)

    assert vote(client, board, ticket, "vote", ideas[0], seen=0) == (False, voted)  # a double click
    assert vote(client, board, ticket, "unvote", ideas[1], seen=0) == (False, voted)  # no dot there
    assert vote(client, board, ticket, "unvote", ideas[1], seen=1) == (False, voted)  # a stale page
    assert boards.board_revision(board.db, board.id) == voted

    assert vote(client, board, ticket, "unvote", ideas[0], seen=1) == (True, voted + 1)
