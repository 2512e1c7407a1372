"""The agreement measures on labellings with known values (those scikit-learn's
documentation gives for its adjusted_rand_score, and worked by hand)."""

import pytest

from canvas.agreement import adjusted_rand_index, grouped_pairs, pair_precision


@pytest.mark.parametrize("truth, found, expected", [
    ([0, 0, 1, 1], [0, 0, 1, 1], 1.0),
    ([0, 0, 1, 1], [1, 1, 0, 0], 1.0),  # names of labels do not matter
    ([0, 0, 1, 2], [0, 0, 1, 1], 0.5714285714285714),
    ([0, 0, 1, 1], [0, 0, 1, 2], 0.5714285714285714),
    ([0, 0, 0, 0], [0, 1, 2, 3], 0.0),
    ([0, 0, 1, 1], [0, 1, 0, 1], -0.5),
    # By hand: 6 items; truth {0,1,2}{3,4,5}, found {0,1}{2,3}{4,5}: pairs
    # together 2, truth 6, found 3, all 15: (2 - 18/15) / (4.5 - 18/15).
    ([0, 0, 0, 1, 1, 1], [0, 0, 1, 1, 2, 2], (2 - 18 / 15) / (4.5 - 18 / 15)),
])
def test_adjusted_rand_index_has_the_known_values(truth, found, expected):
    assert adjusted_rand_index(truth, found) == pytest.approx(expected)


def test_the_index_needs_the_same_items():
    with pytest.raises(ValueError):
        adjusted_rand_index([0, 1], [0])


def test_pair_precision_counts_the_suggested_pairs_people_made_too():
    truth = ["a", "a", "a", "b", "c"]
    assert grouped_pairs([1, 1, 2, 1]) == {(0, 1), (0, 3), (1, 3)}
    assert pair_precision(truth, [1, 1, 2, 2, 3]) == 0.5
    assert pair_precision(truth, [1, 2, 3, 4, 5]) is None
    assert pair_precision(truth, truth) == 1.0
