"""Each loss's value and gradient equal PyTorch autograd's, at random points and at exact kinks.

The data, points and penalties are dyadic (multiples of 2^-6, see rounding.dyadic), so every product and
sum below is exact in float64, and N = 16, a power of two, makes the means exact too: numpy and torch,
batched and single products give the same bits on any CPU, whatever order their kernels add in, and the
comparisons are exact.
"""
import numpy as np
import pytest

from ndgm import losses, problems
from rounding import EPS, dyadic
from torch_twins import value_and_grad

RNG = np.random.default_rng(1)
Z, Y = dyadic(RNG.uniform(-1, 1, (16, 30))), dyadic(RNG.uniform(-1, 1, 16))


def all_losses():
    return {
        "toy": losses.ToyLasso(lam1=0.75),
        "relu": losses.ReluRegression(Z, -np.abs(Y), lam1=0.3125, lam2=2.0 ** -7),
        "lasso": losses.GeneralLasso(Z, Y, lam1=0.1875),
        "huber": losses.Huber(Z, 3 * Y),
        "quadratic": losses.LeastSquares(Z, Y),
    }


@pytest.mark.parametrize("name", list(all_losses()))
def test_value_and_grad_match_autograd_at_random_points(name):
    loss = all_losses()[name]
    for _ in range(5):
        beta = dyadic(RNG.uniform(-1, 1, 30))
        f, g = value_and_grad(loss, beta)
        assert loss.value(beta) == f
        np.testing.assert_array_equal(loss.grad(beta), g)


@pytest.mark.parametrize("name", list(all_losses()))
def test_grad_matches_autograd_at_beta_zero(name):
    loss = all_losses()[name]
    beta = np.zeros(30)
    f, g = value_and_grad(loss, beta)
    assert loss.value(beta) == f
    np.testing.assert_array_equal(loss.grad(beta), g)


def test_kinks_follow_autograd_convention():
    """sign(0) = 0 for |x|, and relu'(0) = 0: rows with zᵢᵀβ = 0 contribute nothing."""
    toy = losses.ToyLasso(lam1=2.0)
    beta = np.array([0.0, -0.5, 0.5, 0.0])
    np.testing.assert_array_equal(toy.grad(beta), [0.0, -2.0, 2.0, 0.0])
    np.testing.assert_array_equal(toy.grad(beta), value_and_grad(toy, beta)[1])

    # a ReLU regression in which half of the rows sit exactly at the kink zᵢᵀβ = 0
    beta = np.array([1.0, -1.0, 0.5])
    Zk = np.array([[1.0, 1.0, 0.0], [2.0, 2.0, 0.0], [1.0, 0.0, 0.0], [0.0, 1.0, 1.0]])
    y = np.array([-0.5, -0.2, -0.3, -0.1])
    loss = losses.ReluRegression(Zk, y, lam1=0.1, lam2=0.0)
    assert np.all((Zk @ beta)[:2] == 0.0)
    f, g = value_and_grad(loss, beta)
    np.testing.assert_allclose(loss.value(beta), f, rtol=1e-14)
    np.testing.assert_allclose(loss.grad(beta), g, rtol=1e-14)


def test_huber_at_the_branch_point_matches_autograd():
    Zh = np.eye(3)
    y = np.array([1.0, -1.0, 0.25])           # residuals at β = 0 are -1, 1, -0.25
    loss = losses.Huber(Zh, y)
    f, g = value_and_grad(loss, np.zeros(3))
    np.testing.assert_allclose(loss.value(np.zeros(3)), f, rtol=1e-15)
    np.testing.assert_allclose(loss.grad(np.zeros(3)), g, rtol=1e-15)


def test_penalties_broadcast_over_a_grid():
    lam1 = np.array([0.125, 1.0, 8.0])[:, None]
    beta = dyadic(RNG.uniform(-1, 1, (3, 4, 30)))
    grid = losses.GeneralLasso(Z, Y, lam1=lam1)
    values = grid.value(beta)
    assert values.shape == (3, 4)
    for i in range(3):
        for j in range(4):
            one = losses.GeneralLasso(Z, Y, lam1=lam1[i, 0])
            assert values[i, j] == one.value(beta[i, j])
            np.testing.assert_array_equal(grid.grad(beta)[i, j], one.grad(beta[i, j]))


def test_batched_data_matches_one_problem_at_a_time():
    data = [problems.general_lasso(seed=s, n=5, p=7) for s in range(3)]
    Zs, ys, starts = ([dyadic(getattr(d, k)) for d in data] for k in ("Z", "y", "beta0"))
    grid = losses.GeneralLasso(np.stack(Zs), np.stack(ys), lam1=0.375)
    beta = np.stack(starts)
    for s in range(3):
        one = losses.GeneralLasso(Zs[s], ys[s], lam1=0.375)
        assert grid.value(beta)[s] == one.value(starts[s])
        np.testing.assert_array_equal(grid.grad(beta)[s], one.grad(starts[s]))


def test_sharpness_is_the_largest_hessian_eigenvalue():
    loss = losses.LeastSquares(Z, Y)
    eta = loss.sharpness()
    H = Z.T @ Z / Z.shape[0]
    v = np.linalg.eigh(H)[1][:, -1]
    # a backward-stable symmetric eigensolver returns each pair with ‖Hv − ηv‖ within a small multiple of
    # P·EPS·‖H‖₂ (Demmel, Applied Numerical Linear Algebra, §5.4), and ‖H‖₂ = η; eigvalsh's η and eigh's v
    # come from two such solves. The next eigenvalue is 0.38 below η, so any other η would miss by far more.
    assert np.linalg.norm(H @ v - eta * v) <= 4 * H.shape[0] * EPS * eta


@pytest.mark.parametrize("name", list(all_losses()))
def test_the_public_protocol_splits_the_gradient_and_skips_checks_only_when_asked(name):
    """grad = smooth_grad + l1_weight·sign(β), l1_weight is λ1 with a trailing axis, and check=False gives
    the same numbers without validating β (so a nan goes through instead of raising)."""
    loss = all_losses()[name]
    beta = dyadic(RNG.uniform(-1, 1, (3, Z.shape[1])))
    assert loss.l1_weight.shape == loss.lam1.shape + (1,) and loss.l2_weight.shape == loss.lam2.shape + (1,)
    np.testing.assert_array_equal(loss.grad(beta), loss.smooth_grad(beta) + loss.l1_weight * np.sign(beta))
    for method in (loss.value, loss.grad, loss.smooth_grad):
        np.testing.assert_array_equal(method(beta, check=False), method(beta))
    bad = beta.copy()
    bad[0, 0] = np.nan
    with pytest.raises(ValueError, match="beta must be finite"):
        loss.value(bad)
    assert np.isnan(loss.value(bad, check=False)[0])
    np.testing.assert_array_equal(loss.check_beta(beta.tolist()), beta)


def test_sigmoid_is_softplus_derivative():
    u = np.linspace(-30.0, 30.0, 13)
    h = 1e-6
    np.testing.assert_allclose((losses.softplus(u + h) - losses.softplus(u - h)) / (2 * h), losses.sigmoid(u),
                               rtol=1e-6, atol=1e-12)
