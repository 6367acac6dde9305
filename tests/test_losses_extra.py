"""The losses added for Sections 3 and 5 (softplus regression, weighted L1) against torch.autograd."""
import numpy as np
import pytest
import torch
import torch.nn.functional as F

from ndgm import losses

RNG = np.random.default_rng(7)
Z, Q = RNG.uniform(-1, 1, (20, 30)), -RNG.uniform(0, 1, 20)


def autograd(fn, beta):
    b = torch.tensor(beta, dtype=torch.float64, requires_grad=True)
    f = fn(b)
    f.backward()
    return f.item(), b.grad.numpy()


def softplus_twin(Zm, y, lam1, lam2, s):
    """torch's softplus switches to the identity above su = threshold (default 20); ndgm never does."""
    Zt, yt = torch.as_tensor(Zm), torch.as_tensor(y)
    return lambda b: (((yt - F.softplus(Zt @ b, beta=s, threshold=100.0)) ** 2).sum() + lam1 * b.abs().sum()
                      + lam2 * (b ** 2).sum())


@pytest.mark.parametrize("s", [0.5, 1.0, 5.0])
def test_softplus_regression_matches_autograd(s):
    loss = losses.SoftplusRegression(Z, Q, lam1=0.2, lam2=0.01, sharpness=s)
    for beta in [RNG.uniform(-1, 1, 30) for _ in range(4)] + [np.zeros(30)]:
        f, g = autograd(softplus_twin(Z, Q, 0.2, 0.01, s), beta)
        np.testing.assert_allclose(loss.value(beta), f, rtol=1e-12)
        np.testing.assert_allclose(loss.grad(beta), g, rtol=1e-9, atol=1e-12)


def test_softplus_regression_tends_to_relu_regression():
    beta = RNG.uniform(-1, 1, 30)
    relu = losses.ReluRegression(Z, Q, lam2=0.01)
    sharp = losses.SoftplusRegression(Z, Q, lam2=0.01, sharpness=1e4)
    np.testing.assert_allclose(sharp.value(beta), relu.value(beta), rtol=1e-3)


def test_softplus_regression_broadcasts_over_penalties():
    beta = RNG.uniform(-1, 1, (3, 30))
    grid = losses.SoftplusRegression(Z, Q, lam2=np.array([0.0, 0.1, 1.0]))
    for i, lam2 in enumerate([0.0, 0.1, 1.0]):
        one = losses.SoftplusRegression(Z, Q, lam2=lam2)
        np.testing.assert_allclose(grid.value(beta)[i], one.value(beta[i]), rtol=1e-13)
        np.testing.assert_allclose(grid.grad(beta)[i], one.grad(beta[i]), rtol=1e-13)


def test_weighted_l1_matches_autograd_including_zeros():
    w = 2.0 ** -np.arange(6)
    loss = losses.WeightedL1(w)
    for beta in (RNG.uniform(-1, 1, 6), np.array([0.0, 1.0, 0.0, -2.0, 0.0, 0.5])):
        f, g = autograd(lambda b: (torch.as_tensor(w) * b.abs()).sum(), beta)
        np.testing.assert_allclose(loss.value(beta), f, rtol=1e-14)
        np.testing.assert_array_equal(loss.grad(beta), g)      # sign(0) = 0, as autograd has it


def test_weighted_l1_batches_weights_and_is_lipschitz_with_the_weights_norm():
    w = RNG.uniform(0, 1, (4, 5))
    loss = losses.WeightedL1(w)
    assert loss.batch_shape == (4,)
    a, b = RNG.uniform(-1, 1, (2, 4, 5))
    assert np.all(np.abs(loss.value(a) - loss.value(b)) <= np.linalg.norm(w, axis=-1) * np.linalg.norm(a - b, axis=-1))


@pytest.mark.parametrize("make, match", [
    (lambda: losses.SoftplusRegression(Z, Q, sharpness=0.0), "sharpness"),
    (lambda: losses.SoftplusRegression(Z, Q, sharpness=np.inf), "sharpness"),
    (lambda: losses.SoftplusRegression(Z, Q[:5]), "y must have one entry per row"),
    (lambda: losses.WeightedL1(-np.ones(3)), "weights"),
    (lambda: losses.WeightedL1(1.0), "weights"),
    (lambda: losses.WeightedL1(np.ones(3)).value(np.ones(4)), "beta must have one entry per weight"),
    (lambda: losses.SoftplusRegression(Z, Q).grad(np.ones(3)), "beta must have one entry per column"),
])
def test_bad_inputs(make, match):
    with pytest.raises(ValueError, match=match):
        make()
