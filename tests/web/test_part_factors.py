"""The factors part through the actions route: a factor's category, and the
5 Whys run one step at a time by the facilitator (refused to a participant,
to a stale tab, to bad input and to an item that is not a factor here)."""

from canvas.learnings import WhyStep
from canvas.models import BoardDraft, NoteDraft
from canvas.session.phases import Credentials, Phase
from storage import boards, facilitation, learnings, notes
from storage.snapshot import load_snapshot
from tests.web.conftest import act


def refusal(response, status: int) -> str:
    assert response.status_code == status, response.text
    assert response.json()["ok"] is False
    return response.json()["message"]


def factor(board, text="Rule changes went global at once") -> str:
    return notes.add_note(board.db, board.id, "contributing-factors", NoteDraft(text=text),
                          board.credentials("Ana")).id


def facilitate(client, board, kind: str, **fields):
    return act(client, board, "Ana", kind, facilitator_key=board.fran_key, **fields)


def chain(board, item_id: str) -> list[tuple[str, str]]:
    found = load_snapshot(board.db, board.id).whys_of(item_id)
    return [(step.why, step.because) for step in found.steps] if found else []


def part_factor(reply, item_id: str) -> dict:
    found = reply.json()["view"]["parts"]["factors"]["factors"]
    return next(factor for factor in found if factor["id"] == item_id)


def test_a_participant_puts_a_factor_in_a_category_and_the_view_has_it_in_that_lane(client, board):
    item = factor(board)
    facilitation.set_phase(board.db, board.id, board.fran_key, Phase.group)
    reply = act(client, board, "Ben", "set_category", item_id=item, category="comms")
    assert reply.status_code == 200, reply.text
    assert part_factor(reply, item)["category"] == "comms"
    reply = act(client, board, "Ben", "set_category", item_id=item, category=None)
    assert part_factor(reply, item)["category"] is None


def test_the_facilitator_adds_edits_and_removes_whys_and_every_view_shows_the_chain(client, board):
    item = factor(board)
    facilitation.set_phase(board.db, board.id, board.fran_key, Phase.discuss)
    first = facilitate(client, board, "add_why", item_id=item, why="Why global?", because="One stage",
                       expected_steps=0)
    assert first.status_code == 200, first.text
    second = facilitate(client, board, "add_why", item_id=item, why="Why one stage?", expected_steps=1)
    assert part_factor(second, item)["whys"] == [
        {"why": "Why global?", "because": "One stage"}, {"why": "Why one stage?", "because": ""}]
    edited = facilitate(client, board, "edit_why", item_id=item, index=1, why="Why one stage?",
                        because="The tool had no stages", expected_steps=2,
                        expected_why="Why one stage?", expected_because="")
    assert edited.status_code == 200, edited.text
    # A participant's view carries the chain too.
    seen_by_ben = act(client, board, "Ben", "set_category", item_id=item, category="tech")
    assert part_factor(seen_by_ben, item)["whys"][1]["because"] == "The tool had no stages"
    removed = facilitate(client, board, "remove_last_why", item_id=item, expected_steps=2)
    assert removed.status_code == 200, removed.text
    assert chain(board, item) == [("Why global?", "One stage")]


def test_a_participant_is_refused_the_whys_with_409_and_nothing_changes(client, board):
    item = factor(board)
    learnings.add_why(board.db, board.id, item, WhyStep(why="Why global?"), 0,
                      Credentials(facilitator_key=board.fran_key))
    before = boards.board_revision(board.db, board.id)
    for kind, fields in [("add_why", {"why": "Mine", "expected_steps": 1}),
                         ("edit_why", {"index": 0, "why": "Mine", "expected_steps": 1}),
                         ("remove_last_why", {"expected_steps": 1})]:
        assert refusal(act(client, board, "Ben", kind, item_id=item, **fields), 409) == \
            "Only the facilitator can do that."
    assert chain(board, item) == [("Why global?", "")]
    assert boards.board_revision(board.db, board.id) == before


def test_a_why_from_a_tab_that_saw_an_older_chain_is_a_conflict_and_keeps_the_newer(client, board):
    item = factor(board)
    assert facilitate(client, board, "add_why", item_id=item, why="From the first tab",
                      expected_steps=0).status_code == 200
    message = refusal(facilitate(client, board, "add_why", item_id=item, why="From the second tab",
                                 expected_steps=0), 409)
    assert message.startswith("Someone changed these 5 Whys meanwhile (the chain now has 1 step)")
    refusal(facilitate(client, board, "remove_last_why", item_id=item, expected_steps=0), 409)
    # Two tabs editing the same step: the later one hears of the earlier.
    assert facilitate(client, board, "edit_why", item_id=item, index=0, why="Reworded", expected_steps=1,
                      expected_why="From the first tab", expected_because="").status_code == 200
    refusal(facilitate(client, board, "edit_why", item_id=item, index=0, why="Mine", expected_steps=1,
                       expected_why="From the first tab", expected_because=""), 409)
    assert chain(board, item) == [("Reworded", "")]


def test_invalid_whys_are_422_with_a_sentence_and_write_nothing(client, board):
    item = factor(board)
    before = boards.board_revision(board.db, board.id)
    assert refusal(facilitate(client, board, "add_why", item_id=item, why="   ", expected_steps=0), 422) == \
        "A why cannot be empty."
    assert "the limit is 300" in refusal(facilitate(client, board, "add_why", item_id=item, why="x" * 301,
                                                    expected_steps=0), 422)
    refusal(facilitate(client, board, "add_why", item_id=item, why="Why?", expected_steps="0"), 422)
    assert refusal(facilitate(client, board, "edit_why", item_id=item, index=3, why="Why?",
                              expected_steps=0), 422) == "This chain has no step 4."
    refusal(facilitate(client, board, "set_category", item_id=item, category="weather"), 422)
    assert chain(board, item) == []
    assert boards.board_revision(board.db, board.id) == before


def test_a_sixth_why_is_refused(client, board):
    item = factor(board)
    for level in range(5):
        assert facilitate(client, board, "add_why", item_id=item, why=f"Why {level}?",
                          expected_steps=level).status_code == 200
    assert refusal(facilitate(client, board, "add_why", item_id=item, why="Why 6?", expected_steps=5), 422) == \
        "A 5 Whys chain stops at 5 steps: edit one instead."


def test_whys_on_an_unknown_item_or_another_boards_factor_are_refused(client, board):
    other = facilitation.start_board(board.db, BoardDraft(title="Another incident", facilitator_name="Bo"))
    theirs = notes.add_note(board.db, other.board.id, "contributing-factors", NoteDraft(text="Not here"),
                            Credentials(participant_id=other.facilitator.id)).id
    not_a_factor = notes.add_note(board.db, board.id, "detect", NoteDraft(text="Alert late"),
                                  board.credentials("Ana")).id
    before = [boards.board_revision(board.db, board_id) for board_id in (board.id, other.board.id)]
    for item in ("no-such-item", theirs):
        assert refusal(facilitate(client, board, "add_why", item_id=item, why="Why?", expected_steps=0),
                       409) == "That note no longer exists on this board."
    assert "contributing-factors step" in refusal(
        facilitate(client, board, "add_why", item_id=not_a_factor, why="Why?", expected_steps=0), 409)
    assert [boards.board_revision(board.db, board_id) for board_id in (board.id, other.board.id)] == before
    assert chain(board, theirs) == [] and load_snapshot(board.db, other.board.id).whys == []


def test_a_closed_board_takes_no_whys(client, board):
    item = factor(board)
    facilitation.set_phase(board.db, board.id, board.fran_key, Phase.closed)
    assert refusal(facilitate(client, board, "add_why", item_id=item, why="Why?", expected_steps=0),
                   409).startswith("The board is closed")
