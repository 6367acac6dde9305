"""Each loss's value and gradient equal PyTorch autograd's, at random points and at exact kinks."""
import numpy as np
import pytest

from ndgm import losses, problems
from torch_twins import value_and_grad

RNG = np.random.default_rng(1)
Z, Y = RNG.uniform(-1, 1, (20, 30)), RNG.uniform(-1, 1, 20)


def all_losses():
    return {
        "toy": losses.ToyLasso(lam1=0.7),
        "relu": losses.ReluRegression(Z, -np.abs(Y), lam1=0.3, lam2=0.01),
        "lasso": losses.GeneralLasso(Z, Y, lam1=0.2),
        "huber": losses.Huber(Z, 3 * Y),
        "quadratic": losses.LeastSquares(Z, Y),
    }


@pytest.mark.parametrize("name", list(all_losses()))
def test_value_and_grad_match_autograd_at_random_points(name):
    loss = all_losses()[name]
    for _ in range(5):
        beta = RNG.uniform(-1, 1, 30)
        f, g = value_and_grad(loss, beta)
        np.testing.assert_allclose(loss.value(beta), f, rtol=1e-12)
        np.testing.assert_allclose(loss.grad(beta), g, rtol=1e-10, atol=1e-13)


@pytest.mark.parametrize("name", list(all_losses()))
def test_grad_matches_autograd_at_beta_zero(name):
    loss = all_losses()[name]
    beta = np.zeros(30)
    f, g = value_and_grad(loss, beta)
    np.testing.assert_allclose(loss.value(beta), f, rtol=1e-12)
    np.testing.assert_allclose(loss.grad(beta), g, rtol=1e-12, atol=1e-15)


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
    lam1 = np.array([0.1, 1.0, 10.0])[:, None]
    beta = RNG.uniform(-1, 1, (3, 4, 30))
    grid = losses.GeneralLasso(Z, Y, lam1=lam1)
    values = grid.value(beta)
    assert values.shape == (3, 4)
    for i in range(3):
        for j in range(4):
            one = losses.GeneralLasso(Z, Y, lam1=lam1[i, 0])
            np.testing.assert_allclose(values[i, j], one.value(beta[i, j]), rtol=1e-13)
            np.testing.assert_allclose(grid.grad(beta)[i, j], one.grad(beta[i, j]), rtol=1e-13)


def test_batched_data_matches_one_problem_at_a_time():
    data = [problems.general_lasso(seed=s, n=5, p=7) for s in range(3)]
    Zb, yb = np.stack([d.Z for d in data]), np.stack([d.y for d in data])
    beta = np.stack([d.beta0 for d in data])
    grid = losses.GeneralLasso(Zb, yb, lam1=0.3)
    for s, d in enumerate(data):
        one = losses.GeneralLasso(d.Z, d.y, lam1=0.3)
        np.testing.assert_allclose(grid.value(beta)[s], one.value(d.beta0), rtol=1e-13)
        np.testing.assert_allclose(grid.grad(beta)[s], one.grad(d.beta0), rtol=1e-13)


def test_sharpness_is_the_largest_hessian_eigenvalue():
    loss = losses.LeastSquares(Z, Y)
    eta = loss.sharpness()
    H = Z.T @ Z / Z.shape[0]
    v = np.linalg.eigh(H)[1][:, -1]
    np.testing.assert_allclose(H @ v, eta * v, atol=1e-12)
