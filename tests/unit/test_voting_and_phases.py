import pytest
from pydantic import ValidationError

from canvas.errors import CanvasError
from canvas.session.phases import (
    RULES, Action, Actor, NotFacilitator, NotYourNote, Phase, PhaseForbids, allowed, authorize,
    refusal,
)
from canvas.session.voting import (
    Dot, ItemVoteLimitReached, RankedItem, RulesBelowSpent, VoteBudgetExceeded, VoteRules,
    check_rules_change, check_vote, counted_item, dots_beyond_rules, most_spent, rank,
)

PARTICIPANT = Actor(participant_id="ann", is_facilitator=False)
FACILITATOR = Actor(participant_id="fran", is_facilitator=True)


def test_phases_run_in_order_and_can_step_back():
    assert [p.value for p in Phase] == ["write", "group", "vote", "discuss", "closed"]
    assert Phase.write.next == Phase.group and Phase.closed.next is None
    assert Phase.discuss.previous == Phase.vote and Phase.write.previous is None


@pytest.mark.parametrize("action", [Action.change_phase, Action.set_vote_rules, Action.reveal_votes,
                                    Action.run_timer, Action.focus, Action.show_authors,
                                    Action.issue_facilitator_link])
def test_facilitator_powers_are_refused_to_participants_in_every_phase(action):
    for phase in Phase:
        with pytest.raises(NotFacilitator):
            authorize(action, phase, PARTICIPANT)


@pytest.mark.parametrize("action", [Action.change_phase, Action.set_vote_rules, Action.reveal_votes,
                                    Action.run_timer, Action.show_authors,
                                    Action.issue_facilitator_link])
def test_steering_powers_work_in_every_phase(action):
    for phase in Phase:
        authorize(action, phase, FACILITATOR)


def test_focusing_an_item_and_making_an_action_of_it_belong_to_discuss():
    authorize(Action.focus, Phase.discuss, FACILITATOR)
    authorize(Action.action_from_item, Phase.discuss, PARTICIPANT)
    for phase in set(Phase) - {Phase.discuss}:
        with pytest.raises(PhaseForbids):
            authorize(Action.focus, phase, FACILITATOR)
        with pytest.raises(PhaseForbids):
            authorize(Action.action_from_item, phase, FACILITATOR)


def test_a_note_is_changed_by_its_author_or_a_facilitator_only():
    authorize(Action.change_note, Phase.write, PARTICIPANT, owner_id="ann")
    with pytest.raises(NotYourNote):
        authorize(Action.change_note, Phase.write, PARTICIPANT, owner_id="bob")
    authorize(Action.change_note, Phase.group, FACILITATOR, owner_id="bob")
    # Written before the meeting (no author): only a facilitator tidies it.
    with pytest.raises(NotYourNote):
        authorize(Action.change_note, Phase.write, PARTICIPANT, owner_id=None)
    authorize(Action.change_note, Phase.write, FACILITATOR, owner_id=None)
    nobody = Actor(participant_id=None, is_facilitator=False)
    with pytest.raises(NotYourNote):
        authorize(Action.change_note, Phase.write, nobody, owner_id=None)
    with pytest.raises(PhaseForbids):
        authorize(Action.change_note, Phase.vote, PARTICIPANT, owner_id="ann")


def test_every_action_has_a_rule_and_allowed_agrees_with_authorize():
    assert set(RULES) == set(Action)
    for action in Action:
        for phase in Phase:
            for actor in (PARTICIPANT, FACILITATOR):
                for owner in ("ann", "bob", None):
                    try:
                        authorize(action, phase, actor, owner)
                        expected = True
                    except CanvasError:
                        expected = False
                    assert allowed(action, phase, actor, owner) is expected
                    assert (refusal(action, phase, actor, owner) is None) is expected


def test_a_refusal_is_the_rules_own_sentence():
    assert refusal(Action.vote, Phase.vote, PARTICIPANT) is None
    assert "closed" in refusal(Action.edit_timeline, Phase.closed, PARTICIPANT)
    assert refusal(Action.change_phase, Phase.write, PARTICIPANT) == "Only the facilitator can do that."


def test_writing_is_open_in_write_and_group_only():
    for phase in (Phase.write, Phase.group):
        authorize(Action.write_note, phase, PARTICIPANT)
    for phase in (Phase.vote, Phase.discuss, Phase.closed):
        with pytest.raises(PhaseForbids):
            authorize(Action.write_note, phase, PARTICIPANT)


def test_grouping_only_in_group_and_voting_only_in_vote():
    authorize(Action.group, Phase.group, PARTICIPANT)
    authorize(Action.vote, Phase.vote, PARTICIPANT)
    with pytest.raises(PhaseForbids, match="Group phase"):
        authorize(Action.vote, Phase.group, PARTICIPANT)
    with pytest.raises(PhaseForbids):
        authorize(Action.group, Phase.write, FACILITATOR)


def test_a_closed_board_is_read_only_even_for_the_facilitator_except_steering():
    for action in (Action.write_note, Action.group, Action.vote, Action.edit_summary,
                   Action.edit_timeline):
        with pytest.raises(PhaseForbids, match="closed"):
            authorize(action, Phase.closed, FACILITATOR)
    authorize(Action.change_phase, Phase.closed, FACILITATOR)


def test_default_rules_are_five_votes_three_per_item():
    assert VoteRules() == VoteRules(budget=5, max_per_item=3)


@pytest.mark.parametrize("budget", [0, 13, -1])
def test_budget_outside_one_to_twelve_is_refused(budget):
    with pytest.raises(ValidationError):
        VoteRules(budget=budget, max_per_item=1)


def test_per_item_limit_above_budget_is_refused():
    with pytest.raises(ValidationError, match="cannot exceed the budget"):
        VoteRules(budget=2, max_per_item=3)


def test_vote_beyond_budget_is_refused():
    rules = VoteRules(budget=5, max_per_item=3)
    check_vote(rules, spent_total=4, spent_on_item=0)
    with pytest.raises(VoteBudgetExceeded, match="all 5"):
        check_vote(rules, spent_total=5, spent_on_item=0)


def test_vote_beyond_per_item_limit_is_refused():
    rules = VoteRules(budget=5, max_per_item=3)
    check_vote(rules, spent_total=2, spent_on_item=2)
    with pytest.raises(ItemVoteLimitReached, match="At most 3"):
        check_vote(rules, spent_total=3, spent_on_item=3)


def test_limits_cannot_drop_below_what_was_spent():
    check_rules_change(VoteRules(budget=4, max_per_item=2), most_spent_total=4, most_spent_on_an_item=2)
    with pytest.raises(RulesBelowSpent, match="already spent 4"):
        check_rules_change(VoteRules(budget=3, max_per_item=2), 4, 1)
    with pytest.raises(RulesBelowSpent, match="already put 3"):
        check_rules_change(VoteRules(budget=5, max_per_item=2), 3, 3)


def test_ranking_is_by_votes_then_step_then_position():
    items = [
        RankedItem(item_id="c", votes=2, step_index=3, position=1),
        RankedItem(item_id="a", votes=5, step_index=4, position=9),
        RankedItem(item_id="d", votes=2, step_index=2, position=7),
        RankedItem(item_id="b", votes=2, step_index=2, position=3),
        RankedItem(item_id="z", votes=0, step_index=0, position=0),
    ]
    assert [item.item_id for item in rank(items)] == ["a", "b", "d", "c", "z"]


def test_a_grouped_notes_dots_count_toward_its_cluster():
    cluster_of = {"note-1": "cluster-1", "note-2": None}
    assert counted_item("note-1", cluster_of) == "cluster-1"
    assert counted_item("note-2", cluster_of) == "note-2"
    assert counted_item("cluster-1", cluster_of) == "cluster-1"


def test_dots_within_the_rules_all_stay():
    dots = [Dot(1, "ann", "x"), Dot(2, "ann", "x"), Dot(3, "ann", "y"), Dot(4, "bob", "x")]
    assert dots_beyond_rules(dots, VoteRules(budget=3, max_per_item=2)) == []


def test_the_newest_dots_beyond_the_per_item_limit_go_back():
    dots = [Dot(7, "ann", "x"), Dot(2, "ann", "x"), Dot(9, "bob", "x"), Dot(5, "ann", "x"),
            Dot(8, "ann", "x")]
    assert dots_beyond_rules(dots, VoteRules(budget=5, max_per_item=2)) == [7, 8]


def test_the_newest_dots_beyond_the_budget_go_back():
    dots = [Dot(index, "ann", f"item-{index}") for index in range(1, 9)] + [Dot(20, "bob", "x")]
    assert dots_beyond_rules(dots, VoteRules(budget=5, max_per_item=1)) == [6, 7, 8]


def test_a_dot_returned_for_the_item_limit_does_not_use_up_the_budget():
    dots = [Dot(1, "ann", "x"), Dot(2, "ann", "x"), Dot(3, "ann", "y")]
    assert dots_beyond_rules(dots, VoteRules(budget=2, max_per_item=1)) == [2]


def test_most_spent_is_the_fullest_person_and_the_fullest_item():
    dots = [Dot(1, "ann", "x"), Dot(2, "ann", "y"), Dot(3, "ann", "z"),
            Dot(4, "bob", "x"), Dot(5, "bob", "x")]
    assert most_spent(dots) == (3, 2)
    assert most_spent([]) == (0, 0)


def test_the_summary_is_edited_by_everyone_or_by_the_facilitator_and_whom_they_chose():
    ann, bob = Actor(participant_id="ann", is_facilitator=False), Actor(participant_id="bob", is_facilitator=False)
    fran = Actor(participant_id=None, is_facilitator=True)
    for actor in (ann, bob, fran):
        assert allowed(Action.edit_summary, Phase.group, actor, chosen=None)
    chosen = frozenset({"ann"})
    assert allowed(Action.edit_summary, Phase.group, ann, chosen=chosen)
    assert allowed(Action.edit_summary, Phase.group, fran, chosen=chosen)
    assert not allowed(Action.edit_summary, Phase.group, bob, chosen=chosen)
    assert refusal(Action.edit_summary, Phase.group, bob, chosen=chosen) == (
        "The facilitator chose who edits the summary: ask them to add you.")
    # Nobody chosen: the facilitator alone; a closed board: nobody.
    assert not allowed(Action.edit_summary, Phase.group, ann, chosen=frozenset())
    assert not allowed(Action.edit_summary, Phase.closed, fran, chosen=None)
    # Choosing is the facilitator's.
    assert allowed(Action.choose_summary_editors, Phase.write, fran)
    assert not allowed(Action.choose_summary_editors, Phase.write, ann)
