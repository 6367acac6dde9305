"""The paper's problems: shapes, distributions and reproducibility from a seed."""
import numpy as np
import pytest

from ndgm import losses, optim, problems, run


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


def test_two_dimensional_start_gives_section_4s_norms():
    """Section 4 from β0 = BETA0_2D with α = 0.01: "at convergence, the L1 norm is at most 0.0106 for
    λ1 = 1, but at least 0.9894 for λ1 = 100" (printed to 4 decimals). Both coordinates move together, and
    at λ1 = 100 the start is already in the cycle: β0, β0 − αλ1, β0, ... exactly."""
    loss = losses.ToyLasso(lam1=[1.0, 100.0])
    res = run.run(loss, optim.make("gd", 0.01), problems.BETA0_2D, 1000, record=("l1",), trajectory=True)
    assert problems.BETA0_2D.shape == (2,)
    np.testing.assert_array_equal(res.trajectory[..., 0], res.trajectory[..., 1])
    late = res["l1"][-2:]                                   # the last two iterates: one period of the cycle
    assert round(late[:, 0].max(), 4) == 0.0106 and round(late[:, 1].min(), 4) == 0.9894
    np.testing.assert_array_equal(res.trajectory[:3, 1], [problems.BETA0_2D, problems.BETA0_2D - 1.0,
                                                          problems.BETA0_2D])


@pytest.mark.parametrize("bad", [-1, 1.5, "a", True])
def test_bad_seed_is_rejected(bad):
    with pytest.raises(ValueError, match="seed must be an integer >= 0"):
        problems.capture(seed=bad)


def test_lasso_problem_pairs_section_4s_losses_with_their_starts():
    loss, beta0 = problems.lasso_problem("toy", [1.0, 10.0], seed=3)
    assert isinstance(loss, losses.ToyLasso) and loss.batch_shape == (2,)
    np.testing.assert_array_equal(beta0, problems.starts(3, 10)[0])
    loss, beta0 = problems.lasso_problem("lasso", 0.1, seed=3)
    data = problems.general_lasso(3)
    assert isinstance(loss, losses.GeneralLasso)
    np.testing.assert_array_equal(loss.Z, data.Z)
    np.testing.assert_array_equal(beta0, data.beta0)
    assert set(problems.LASSO_PROBLEM_LABELS) == set(problems.LASSO_PROBLEMS)
    with pytest.raises(ValueError, match="problem must be one of 'toy', 'lasso'"):
        problems.lasso_problem("ridge", 1.0)
