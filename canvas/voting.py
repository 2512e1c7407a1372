"""Dot voting: the budget rules and the ranking used in Discuss."""

from __future__ import annotations

from collections.abc import Iterable

from pydantic import BaseModel, Field, model_validator

from canvas.errors import CanvasError

BUDGET_RANGE = (1, 12)


class VoteBudgetExceeded(CanvasError):
    """This person has spent every dot of the board's budget."""

    def __init__(self, budget: int):
        super().__init__(f"You have used all {budget} of your votes. Take one back to move it.")


class ItemVoteLimitReached(CanvasError):
    """This person already put the most dots allowed on this item."""

    def __init__(self, limit: int):
        super().__init__(f"At most {limit} of your votes can go on one item.")


class RulesBelowSpent(CanvasError):
    """A new vote limit would be lower than what someone already spent."""


class VoteRules(BaseModel):
    budget: int = Field(5, ge=BUDGET_RANGE[0], le=BUDGET_RANGE[1])
    max_per_item: int = Field(3, ge=1, le=BUDGET_RANGE[1])

    @model_validator(mode="after")
    def _per_item_within_budget(self) -> "VoteRules":
        if self.max_per_item > self.budget:
            raise ValueError("The most votes per item cannot exceed the budget per person.")
        return self


def check_vote(rules: VoteRules, spent_total: int, spent_on_item: int) -> None:
    """Raise unless one more dot fits this person's budget and the per-item limit."""
    if spent_total >= rules.budget:
        raise VoteBudgetExceeded(rules.budget)
    if spent_on_item >= rules.max_per_item:
        raise ItemVoteLimitReached(rules.max_per_item)


def check_rules_change(new: VoteRules, most_spent_total: int, most_spent_on_an_item: int) -> None:
    """Limits may go down, but never below what someone has already spent
    (taking back votes people placed in good faith would be unfair)."""
    if new.budget < most_spent_total:
        raise RulesBelowSpent(
            f"Someone has already spent {most_spent_total} votes; the budget cannot go below that."
        )
    if new.max_per_item < most_spent_on_an_item:
        raise RulesBelowSpent(
            f"Someone already put {most_spent_on_an_item} votes on one item; "
            "the per-item limit cannot go below that."
        )


class RankedItem(BaseModel):
    item_id: str
    votes: int
    step_index: int
    position: int


def rank(items: Iterable[RankedItem]) -> list[RankedItem]:
    """Most votes first. Ties: the earlier step of the template first, then the
    item that came first in its column (stable, and the same for everyone)."""
    return sorted(items, key=lambda item: (-item.votes, item.step_index, item.position, item.item_id))
