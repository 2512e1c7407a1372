"""Dot voting: the budget rules, where dots go when the board changes, and
the ranking used in Discuss.

Two rules hold after every change to a board, not only when a dot is cast:
nobody holds more dots than the budget, and nobody holds more than the
per-item limit on one item. An item is a cluster or an ungrouped note; a dot
placed on a note before it was grouped stays on the note and counts toward
the note's cluster (so ungrouping gives it back to the note). When the board
changes under the dots:

- A note deleted, or a cluster dissolved: the dots on it go back to their
  voters. Restoring the note brings it back without dots. Dissolving keeps
  the dots placed on the notes themselves; only the cluster's own go back.
- Two clusters merged, or a note joining a cluster (dragged there, or moved
  to a column into one of its clusters): every dot comes along, and each
  person keeps their oldest dots on the merged item up to the per-item
  limit; the newest beyond it go back.
- A note leaving a cluster (ungrouped, or moved to another column): the dots
  placed on the note go with it, the cluster keeps its own.
- The limits themselves can go down, but never below what someone already
  holds on one item or in all (`check_rules_change`).

`dots_beyond_rules` is the one place that decides which dots go back;
storage applies it inside the transaction of every change that moves notes.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from typing import NamedTuple

from pydantic import BaseModel, Field, model_validator

from canvas.errors import ItemVoteLimitReached, RulesBelowSpent, VoteBudgetExceeded

BUDGET_RANGE = (1, 12)


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


def dot_fits(rules: VoteRules, spent_total: int, spent_on_item: int) -> bool:
    """Whether `check_vote` would take one more dot: what a page or the canvas
    asks before it offers "vote again" on an item."""
    try:
        check_vote(rules, spent_total, spent_on_item)
    except (VoteBudgetExceeded, ItemVoteLimitReached):
        return False
    return True


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


class Dot(NamedTuple):
    """One placed dot. `item_id` is the item it counts toward (see
    `counted_item`); a lower `id` is an older dot."""

    id: int
    participant_id: str
    item_id: str


def counted_item(item_id: str, cluster_of: Mapping[str, str | None]) -> str:
    """The item a dot placed on `item_id` counts toward: the cluster of a
    grouped note (`cluster_of` maps note ids to their live cluster), else the
    item itself."""
    return cluster_of.get(item_id) or item_id


def cluster_votes(cluster_id: str, note_ids: Iterable[str], tallies: Mapping[str, int]) -> int:
    """A cluster's count: the dots on the cluster itself and those placed on
    its notes (`note_ids`) before they were grouped, which count toward it."""
    return tallies.get(cluster_id, 0) + sum(tallies.get(note_id, 0) for note_id in note_ids)


def dots_beyond_rules(dots: Iterable[Dot], rules: VoteRules) -> list[int]:
    """Ids of the dots to give back so that every person holds at most
    `rules.max_per_item` on each item and `rules.budget` in all. Each person
    keeps their oldest dots: the ones placed first were placed in good faith
    before whatever change pushed the count over."""
    on_item: Counter = Counter()
    in_all: Counter = Counter()
    back: list[int] = []
    for dot in sorted(dots, key=lambda dot: dot.id):
        if (on_item[dot.participant_id, dot.item_id] >= rules.max_per_item
                or in_all[dot.participant_id] >= rules.budget):
            back.append(dot.id)
            continue
        on_item[dot.participant_id, dot.item_id] += 1
        in_all[dot.participant_id] += 1
    return back


def most_spent(dots: Iterable[Dot]) -> tuple[int, int]:
    """The most dots one person holds in all, and the most one person holds on one item."""
    on_item: Counter = Counter()
    in_all: Counter = Counter()
    for dot in dots:
        on_item[dot.participant_id, dot.item_id] += 1
        in_all[dot.participant_id] += 1
    return max(in_all.values(), default=0), max(on_item.values(), default=0)


class RankedItem(BaseModel):
    item_id: str
    votes: int
    step_index: int
    position: int


def rank(items: Iterable[RankedItem]) -> list[RankedItem]:
    """Most votes first. Ties: the earlier step of the template first, then the
    item that came first in its column (stable, and the same for everyone)."""
    return sorted(items, key=lambda item: (-item.votes, item.step_index, item.position, item.item_id))
