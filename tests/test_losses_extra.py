"""The losses added for Sections 3 and 5 (softplus regression, weighted L1) against torch.autograd.

Z, Q, the points and the penalties are dyadic (rounding.dyadic), so Zβ and the penalties are exact on
any CPU; what is left to rounding (softplus, the sigmoid, the sums over rows) is bounded by
`softplus_rounding` from the magnitudes involved.
"""
import numpy as np
import pytest
import torch
import torch.nn.functional as F

from ndgm import losses
from rounding import EPS, dyadic

RNG = np.random.default_rng(7)
Z, Q = dyadic(RNG.uniform(-1, 1, (20, 30))), dyadic(-RNG.uniform(0, 1, 20))
N = Z.shape[0]

FUNCTION_ULPS = 10
"""How far numpy's and torch's softplus_s(u) may each be from the exact value, in ulps of it (an exp, a
log1p and a division by s, each within a few ulps), and their σ(su) in units of EPS (absolute: ndgm's
0.5(1 + tanh(su/2)) is accurate to EPS, not to EPS·σ, where σ is small)."""


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


def softplus_rounding(loss, beta):
    """Bounds on |difference| between two evaluations of `loss`, (3) with softplus, at a dyadic β:
    (value bound, gradient bound).

    Zβ and the penalty terms are exact. With aᵢ = |rᵢ| + softplus(uᵢ) and c = FUNCTION_ULPS, each side
    has rᵢ within (c + 1)·EPS·aᵢ, rᵢσᵢ within (2c + 2)·EPS·aᵢ and rᵢ² within (2c + 3)·EPS·aᵢ²; each sum
    over the N rows adds at most (N − 1)·EPS times the sum of its terms' magnitudes (Higham, Accuracy and
    Stability of Numerical Algorithms, 2nd ed., eq. 4.4), and adding the penalty terms rounds at most
    twice more, by EPS times all the magnitudes. The two sides differ by at most the sum of their errors,
    hence the leading 2.
    """
    c, lam1, lam2 = FUNCTION_ULPS, float(loss.lam1), float(loss.lam2)
    sp = F.softplus(torch.as_tensor(loss.Z @ beta), beta=loss.sharpness, threshold=100.0).numpy()
    a = np.abs(loss.y - sp) + sp
    fit_value, fit_grad = np.sum(a * a), 2 * (a @ np.abs(loss.Z))       # |rᵢ|² <= aᵢ², |2rᵢσᵢ| <= 2aᵢ
    penalty_value = lam1 * np.sum(np.abs(beta)) + lam2 * np.sum(beta * beta)
    penalty_grad = lam1 + 2 * lam2 * np.abs(beta)
    value_bound = 2 * EPS * ((2 * c + 3 + N) * fit_value + 2 * (fit_value + penalty_value))
    grad_bound = 2 * EPS * ((2 * c + 2 + N) * fit_grad + 2 * (fit_grad + penalty_grad))
    return value_bound, grad_bound


@pytest.mark.parametrize("s", [0.5, 1.0, 5.0])
def test_softplus_regression_matches_autograd(s):
    loss = losses.SoftplusRegression(Z, Q, lam1=0.1875, lam2=2.0 ** -7, sharpness=s)
    for beta in [dyadic(RNG.uniform(-1, 1, 30)) for _ in range(4)] + [np.zeros(30)]:
        f, g = autograd(softplus_twin(Z, Q, 0.1875, 2.0 ** -7, s), beta)
        value_bound, grad_bound = softplus_rounding(loss, beta)
        assert abs(loss.value(beta) - f) <= value_bound
        assert np.all(np.abs(loss.grad(beta) - g) <= grad_bound)


def test_softplus_regression_tends_to_relu_regression():
    beta = RNG.uniform(-1, 1, 30)
    relu = losses.ReluRegression(Z, Q, lam2=0.01)
    sharp = losses.SoftplusRegression(Z, Q, lam2=0.01, sharpness=1e4)
    np.testing.assert_allclose(sharp.value(beta), relu.value(beta), rtol=1e-3)


def test_softplus_regression_broadcasts_over_penalties():
    """A batch of λ2 gives each row what its own loss gives, to rounding: a batched and a single matrix
    product take different BLAS kernels, so the sums over rows may round differently (near-zero gradient
    entries included, hence bounds in terms of the magnitudes, not of the results). Another row's λ2
    would move the gradient by 2Δλ2·β, some 1e11 times the bound."""
    beta = dyadic(RNG.uniform(-1, 1, (3, 30)))
    lam2 = [0.0, 0.125, 1.0]
    grid = losses.SoftplusRegression(Z, Q, lam2=np.array(lam2))
    for i in range(3):
        one = losses.SoftplusRegression(Z, Q, lam2=lam2[i])
        value_bound, grad_bound = softplus_rounding(one, beta[i])
        assert abs(grid.value(beta)[i] - one.value(beta[i])) <= value_bound
        assert np.all(np.abs(grid.grad(beta)[i] - one.grad(beta[i])) <= grad_bound)


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
