"""Vote and Discuss as the board screen does them, through its routes: the
vote budget, and a voted item made into an action that stays tied to it."""

from canvas.models import NoteDraft
from canvas.session.phases import Phase
from canvas.session.voting import VoteRules
from storage import actions, boards, facilitation, notes, votes
from tests.web.conftest import act


def idea(board, text: str, step: str = "detect"):
    return notes.add_note(board.db, board.id, step, NoteDraft(text=text), board.credentials("Ben"))


def test_a_vote_beyond_the_budget_is_refused_with_the_budget_named_and_changes_nothing(client, board):
    first, second = idea(board, "Paged late"), idea(board, "No runbook")
    facilitation.set_vote_rules(board.db, board.id, board.fran_key, VoteRules(budget=1, max_per_item=1))
    facilitation.set_phase(board.db, board.id, board.fran_key, Phase.vote)
    voted = act(client, board, "Ana", "vote", item_id=first.id, seen=0)
    assert voted.status_code == 200, voted.text
    assert voted.json()["view"]["me"]["votes_left"] == 0
    revision = boards.board_revision(board.db, board.id)

    refused = act(client, board, "Ana", "vote", item_id=second.id, seen=0)
    assert refused.status_code == 409, refused.text
    assert "You have used all 1 of your votes" in refused.json()["message"]
    assert boards.board_revision(board.db, board.id) == revision
    assert votes.my_votes(board.db, board.id, board.ids["Ana"]) == {first.id: 1}


def test_a_voted_note_made_into_an_action_is_typed_by_its_step_and_marked_in_the_ranking(client, board):
    voted = idea(board, "Practise the kill switch", step="react")
    idea(board, "Nobody voted for this")
    facilitation.set_phase(board.db, board.id, board.fran_key, Phase.vote)
    assert act(client, board, "Ana", "vote", item_id=voted.id, seen=0).status_code == 200
    facilitation.set_phase(board.db, board.id, board.fran_key, Phase.discuss)

    made = act(client, board, "Ana", "make_action", item_id=voted.id, title="Run a kill-switch drill")
    assert made.status_code == 200, made.text
    [action] = actions.list_actions(board.db, board.id)
    assert (action.title, action.type.value, action.source_id, action.is_draft) == (
        "Run a kill-switch drill", "react", voted.id, True)
    view = made.json()["view"]
    assert view["ranking"][0]["item_id"] == voted.id, "the voted note ranks first"
    assert [a["source_item_id"] for a in view["actions"]] == [voted.id]
