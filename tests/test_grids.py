"""`ndgm.grids.nearest`: the grid value that stands for a setting, on a linear or a log scale."""
import numpy as np
import pytest

from ndgm import grids


def test_nearest_on_a_linear_and_a_log_scale():
    values = np.array([1e-3, 1e-2, 1e-1, 1.0])
    assert grids.nearest(values, 0.01) == 1
    assert grids.nearest(values, 0.04) == 1                  # |0.04 − 0.01| < |0.04 − 0.1|
    assert grids.nearest(values, 0.04, log=True) == 2        # but 0.04 is nearer 0.1 in log(α)
    assert grids.nearest(values, 5e-4, log=True) == 0 and grids.nearest(values, 30.0, log=True) == 3
    assert grids.nearest([1.0, 3.0], 2.0) == 0               # a tie: the first


def test_nearest_never_picks_a_missing_value():
    assert grids.nearest([np.nan, 0.5, np.inf], 1e9) == 1
    assert grids.nearest([-1.0, 0.0, 0.1], 1e-3, log=True) == 2


@pytest.mark.parametrize("call, match", [
    (lambda: grids.nearest([], 1.0), "values"),
    (lambda: grids.nearest([[1.0, 2.0]], 1.0), "values"),
    (lambda: grids.nearest([1.0], np.nan), "target"),
    (lambda: grids.nearest([1.0], 0.0, log=True), "target"),
    (lambda: grids.nearest([np.nan, -1.0], 1.0, log=True), "finite positive"),
])
def test_bad_inputs(call, match):
    with pytest.raises(ValueError, match=match):
        call()


def test_holds_from_leaves_out_an_isolated_true_below():
    assert grids.holds_from([0.1, 0.01, 1.0, 0.001], [True, False, True, True]) == 0.1
    assert grids.holds_from([1.0, 2.0, 3.0], [True, True, True]) == 1.0
    assert np.isnan(grids.holds_from([1.0, 2.0, 3.0], [True, True, False]))
    with pytest.raises(ValueError, match="values and holds"):
        grids.holds_from([1.0, 2.0], [True])


def test_trend_names_how_a_quantity_moves_along_a_grid():
    import doctest

    assert doctest.testmod(grids).failed == 0
    assert grids.trend([0.0, 0.0, 1e-9]) == "grows"           # any rise counts: exact zeros are counted exactly
    assert grids.trend([5.0, 5.0, 5.0]) == "flat"
    assert grids.trend([2.0, 1.0, 1.5]) == "not monotone"
    assert grids.trend([1.0, np.nan, 2.0]) == "not monotone"   # a diverged run breaks the trend
    with pytest.raises(ValueError, match="values"):
        grids.trend([[1.0, 2.0]])
