"""The paper's problems: shapes, distributions and reproducibility from a seed."""
import numpy as np
import pytest

from ndgm import problems


@pytest.mark.parametrize("make,shape,y_range", [
    (problems.capture, (20, 500), (-1.0, 0.0)),
    (problems.general_lasso, (20, 500), (-1.0, 1.0)),
    (problems.huber, (50, 200), (-1.0, 1.0)),
])
def test_shapes_ranges_and_seeds(make, shape, y_range):
    a, b, c = make(seed=7), make(seed=7), make(seed=8)
    assert a.Z.shape == shape and a.y.shape == (shape[0],) and a.beta0.shape == (shape[1],)
    assert np.all(np.abs(a.Z) <= 1.0) and a.Z.min() < -0.9 and a.Z.max() > 0.9
    assert y_range[0] <= a.y.min() and a.y.max() <= y_range[1]
    np.testing.assert_array_equal(a.Z, b.Z)
    np.testing.assert_array_equal(a.beta0, b.beta0)
    assert not np.array_equal(a.Z, c.Z)


def test_capture_response_is_non_positive_so_that_3_is_convex():
    assert np.all(problems.capture(seed=0).y <= 0.0)


def test_starts_one_row_per_seed_and_reproducible():
    s = problems.starts([0, 1, 2], 10)
    assert s.shape == (3, 10) and np.all(np.abs(s) <= 1.0)
    np.testing.assert_array_equal(s[1], problems.starts(1, 10)[0])


def test_two_dimensional_start():
    np.testing.assert_array_equal(problems.BETA0_2D, [0.5053, 0.5053])


@pytest.mark.parametrize("bad", [-1, 1.5, "a", True])
def test_bad_seed_is_rejected(bad):
    with pytest.raises(ValueError, match="seed must be an integer >= 0"):
        problems.capture(seed=bad)
