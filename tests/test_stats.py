"""ndgm.stats: paired and unpaired percentile-bootstrap intervals, on cases whose answers are known."""
import doctest

import numpy as np
import pytest

from ndgm import stats
from ndgm.stats import Interval


def test_equal_differences_give_a_zero_width_interval_at_that_value():
    d = stats.paired_difference([1.5, 2.0, 0.25, 7.0], [1.0, 1.5, -0.25, 6.5])
    assert (d.mean, d.low, d.high, d.n, d.level) == (pytest.approx(0.5), pytest.approx(0.5), pytest.approx(0.5), 4, 0.95)
    assert d.side == "above"
    # the pairs, not the groups, are resampled: the spread of a and b themselves does not widen it
    assert d.high - d.low < 1e-12


def test_two_pairs_differing_by_0_and_1_give_the_whole_range():
    """Resampling two differences {0, 1} gives means 0, 0.5, 1 with probabilities 1/4, 1/2, 1/4: the 2.5 %
    and 97.5 % quantiles are 0 and 1."""
    d = stats.paired_difference([1.0, 2.0], [1.0, 1.0])
    assert (d.mean, d.low, d.high, d.n) == (0.5, 0.0, 1.0, 2)
    assert d.side == "contains 0"


def test_the_interval_is_the_normal_one_for_many_pairs():
    """For n = 400 differences the percentile bootstrap gives about mean ± 1.96·sd/√n."""
    rng = np.random.default_rng(5)
    a = rng.normal(1.0, 1.0, 400)
    b = a - rng.normal(0.3, 0.5, 400)
    d = stats.paired_difference(a, b)
    half = 1.96 * np.std(a - b) / np.sqrt(400)
    assert d.mean == pytest.approx(np.mean(a - b))
    assert d.mean - d.low == pytest.approx(half, rel=0.1) and d.high - d.mean == pytest.approx(half, rel=0.1)
    wider = stats.paired_difference(a, b, level=0.99)
    assert wider.low < d.low and wider.high > d.high and wider.level == 0.99


def test_the_seed_makes_it_deterministic():
    a, b = [0.3, 0.9, 0.1, 0.5, 0.8], [0.2, 0.1, 0.4, 0.1, 0.3]
    assert stats.paired_difference(a, b) == stats.paired_difference(a, b)
    assert stats.paired_difference(a, b, seed=3) == stats.paired_difference(a, b, seed=3)
    assert stats.paired_difference(a, b, seed=3) != stats.paired_difference(a, b, seed=4)
    assert stats.difference_of_means(a, b) == stats.difference_of_means(a, b)


def test_difference_of_means_resamples_each_group_on_its_own():
    d = stats.difference_of_means([2.0, 2.0, 2.0], [0.5, 0.5])      # groups of different sizes
    assert (d.mean, d.low, d.high, d.n) == (1.5, 1.5, 1.5, 2)
    # unpaired: the spread within each group widens the interval, even when a − b is constant pairwise
    a = np.array([1.0, 2.0, 3.0, 4.0])
    paired, unpaired = stats.paired_difference(a + 1, a), stats.difference_of_means(a + 1, a)
    assert paired.high - paired.low < 1e-12 and unpaired.high - unpaired.low > 1.0
    assert unpaired.mean == pytest.approx(1.0)


@pytest.mark.parametrize("call,parameter", [
    (lambda: stats.paired_difference([1.0], [2.0]), "a must hold at least 2"),
    (lambda: stats.paired_difference([1.0, 2.0], [2.0]), "b must hold at least 2"),
    (lambda: stats.paired_difference([1.0, 2.0, 3.0], [1.0, 2.0]), "a and b"),
    (lambda: stats.paired_difference([1.0, np.nan], [1.0, 2.0]), "a must be finite"),
    (lambda: stats.paired_difference([[1.0, 2.0]], [[1.0, 2.0]]), "a must be a 1-dimensional"),
    (lambda: stats.paired_difference([1.0, 2.0], [1.0, 2.0], level=1.0), "level"),
    (lambda: stats.paired_difference([1.0, 2.0], [1.0, 2.0], level=0.0), "level"),
    (lambda: stats.paired_difference([1.0, 2.0], [1.0, 2.0], resamples=10), "resamples"),
    (lambda: stats.paired_difference([1.0, 2.0], [1.0, 2.0], seed=-1), "seed"),
    (lambda: stats.difference_of_means([1.0], [1.0, 2.0]), "a must hold at least 2"),
    (lambda: stats.difference_of_means([1.0, 2.0], ["x", 2.0]), "b must be"),
    (lambda: stats.difference_of_means([1.0, 2.0], [1.0, 2.0], level=1.5), "level"),
])
def test_bad_input_names_the_parameter(call, parameter):
    with pytest.raises(ValueError, match=parameter):
        call()


def test_interval_says_where_it_lies():
    up = Interval(0.2, 0.1, 0.3, 5)
    assert up.side == "above" and up.level == stats.LEVEL
    assert up.within(0.5) and not up.within(0.3)          # open bounds: 0.3 is not inside (−0.3, 0.3)
    assert up.outside(0.05) and not up.outside(0.1)
    assert up.text() == "+0.200 [+0.100, +0.300]" and up.text("{:.1f}") == "0.2 [0.1, 0.3]"
    down = Interval(-0.2, -0.3, -0.1, 5)
    assert down.side == "below" and down.outside(0.05) and not down.outside(0.2)
    across = Interval(0.0, -0.1, 0.1, 5)
    assert across.side == "contains 0" and across.within(0.2) and not across.outside(0.0)


def test_the_module_example_runs():
    result = doctest.testmod(stats)
    assert result.attempted > 0 and result.failed == 0
