"""How far two groupings of the same notes agree: the adjusted Rand index,
and the share of pairs one grouping puts together that the other does too.
For measuring grouping suggestions against groups people made."""

from __future__ import annotations

from collections import Counter
from collections.abc import Hashable, Sequence
from itertools import combinations


def _pairs(count: int) -> int:
    return count * (count - 1) // 2


def adjusted_rand_index(truth: Sequence[Hashable], found: Sequence[Hashable]) -> float:
    """Hubert and Arabie's adjusted Rand index of two labellings of the same
    items: 1 for the same partition, about 0 for chance agreement, negative
    for less than chance. Labels are compared, not their names."""
    if len(truth) != len(found):
        raise ValueError("both labellings must label the same items")
    total = _pairs(len(truth))
    together = sum(_pairs(n) for n in Counter(zip(truth, found)).values())
    in_truth = sum(_pairs(n) for n in Counter(truth).values())
    in_found = sum(_pairs(n) for n in Counter(found).values())
    if total == 0:
        return 1.0
    expected = in_truth * in_found / total
    most = (in_truth + in_found) / 2
    if most == expected:
        # Both all-in-one or both all-apart: the partitions are the same.
        return 1.0
    return (together - expected) / (most - expected)


def grouped_pairs(labels: Sequence[Hashable]) -> set[tuple[int, int]]:
    """The pairs of items (i < j) that share a label."""
    by_label: dict[Hashable, list[int]] = {}
    for index, label in enumerate(labels):
        by_label.setdefault(label, []).append(index)
    return {pair for members in by_label.values() for pair in combinations(members, 2)}


def pair_precision(truth: Sequence[Hashable], found: Sequence[Hashable]) -> float | None:
    """The share of pairs `found` puts together that `truth` does too (None
    when `found` pairs nothing)."""
    suggested = grouped_pairs(found)
    if not suggested:
        return None
    return len(suggested & grouped_pairs(truth)) / len(suggested)
