"""The paper's losses, each with its value and the gradient PyTorch autograd returns.

Every loss has the form f(β) = fit(β) + λ1‖β‖₁ + λ2‖β‖₂², with β of shape (..., P).
At kinks the gradient is the one autodiff picks, not a set: d|x|/dx = sign(x) with
sign(0) = 0, and relu'(0) = 0. λ1 and λ2 broadcast against β's leading (batch) axes,
so one loss object evaluates a whole grid of penalties at once.

The interface the optimizers and the runner use (`ndgm.optim`, `ndgm.run`) is public:

- `value(beta)`, `grad(beta)` and `smooth_grad(beta)` (the gradient of everything but λ1‖β‖₁, what a
  proximal step differentiates) check β at the public boundary: a finite real array whose last axis
  has one entry per coordinate. Inner loops that have already checked β once pass `check=False`,
  which skips that validation and nothing else (as scikit-learn's `check_input=False`);
- `check_beta(beta)` is that validation on its own, returning β as a float64 array;
- `l1_weight` and `l2_weight` are λ1 and λ2 with a trailing axis, shape (*batch, 1), so that they
  broadcast against β's P axis (a proximal step thresholds at α·`l1_weight`);
- `batch_shape` is the shape of the configurations the loss holds.

`sigmoid` and `softplus` are the smooth activation and its derivative behind `SoftplusRegression`.
"""
from __future__ import annotations

import numpy as np

from . import validation


def _matvec(Z, beta):
    """Zβ for Z of shape (N, P) or (..., N, P) and β of shape (..., P)."""
    return beta @ Z.T if Z.ndim == 2 else np.einsum("...np,...p->...n", Z, beta)


def _rmatvec(Z, r):
    """Zᵀr for Z of shape (N, P) or (..., N, P) and r of shape (..., N)."""
    return r @ Z if Z.ndim == 2 else np.einsum("...np,...n->...p", Z, r)


class Loss:
    """The penalty λ1‖β‖₁ + λ2‖β‖₂², and the base of every loss f(β) = fit(β) + λ1‖β‖₁ + λ2‖β‖₂².

    Subclasses add a data-fit term; this class alone has none.

    Parameters
    ----------
    lam1, lam2 : float or array_like of shape batch
        λ1 >= 0 and λ2 >= 0; an array holds one configuration per entry.

    Attributes
    ----------
    l1_weight, l2_weight : ndarray of shape (*batch, 1)
        λ1 and λ2 with a trailing axis, so that they broadcast against β's P axis.

    Examples
    --------
    >>> loss = Loss(lam1=[1.0, 2.0], lam2=0.5)
    >>> loss.value([1.0, -2.0])                  # λ1·3 + λ2·5, one value per λ1
    array([5.5, 8.5])
    >>> loss.grad([1.0, 0.0])                    # λ1 sign(β) + 2λ2β, with sign(0) = 0
    array([[2., 0.],
           [3., 0.]])
    """

    def __init__(self, lam1=0.0, lam2=0.0):
        self.lam1 = validation.nonnegative("lam1", lam1)
        self.lam2 = validation.nonnegative("lam2", lam2)
        self.l1_weight = self.lam1[..., None]
        """λ1 with a trailing axis, shape (*lam1.shape, 1): it broadcasts against β's P axis."""
        self.l2_weight = self.lam2[..., None]
        """λ2 with a trailing axis, shape (*lam2.shape, 1)."""

    # the data-fit term; the penalty-only loss (7) has none
    def _fit_value(self, beta):
        return np.zeros(beta.shape[:-1])

    def _fit_grad(self, beta):
        return np.zeros_like(beta)

    @property
    def batch_shape(self) -> tuple[int, ...]:
        """The configurations this loss holds: the broadcast shape of its penalties (and data)."""
        return np.broadcast_shapes(self.lam1.shape, self.lam2.shape)

    def check_beta(self, beta) -> np.ndarray:
        """Validate β at the public boundary.

        Parameters
        ----------
        beta : array_like of shape (..., P)
            Finite real values, one per coordinate on the last axis.

        Returns
        -------
        ndarray of shape (..., P)
            β as float64; a ValueError naming `beta` and what it accepts otherwise.
        """
        return validation.real_array("beta", beta, min_ndim=1)

    def value(self, beta, check: bool = True):
        """f(β) = fit(β) + λ1‖β‖₁ + λ2‖β‖₂².

        Parameters
        ----------
        beta : array_like of shape (..., P)
            The point(s); leading axes broadcast against the loss's batch.
        check : bool, default True
            False skips `check_beta`, for inner loops whose β is already a checked float64 array.

        Returns
        -------
        ndarray of shape broadcast(β.shape[:-1], batch_shape)
            One value per configuration.
        """
        if check:
            beta = self.check_beta(beta)
        penalty = np.sum(self.l1_weight * np.abs(beta) + self.l2_weight * beta * beta, axis=-1)
        return self._fit_value(beta) + penalty

    def smooth_grad(self, beta, check: bool = True):
        """∇(f − λ1‖·‖₁)(β) = ∇fit(β) + 2λ2β, the gradient of everything but the L1 term.

        This is what a proximal step differentiates (`ndgm.optim.Prox`).

        Parameters
        ----------
        beta : array_like of shape (..., P)
        check : bool, default True
            False skips `check_beta`.

        Returns
        -------
        ndarray of shape (..., P)
            β's shape broadcast with the loss's data and λ2 (λ1 does not enter).
        """
        if check:
            beta = self.check_beta(beta)
        return self._fit_grad(beta) + 2.0 * self.l2_weight * beta

    def grad(self, beta, check: bool = True):
        """∇̃f(β) = `smooth_grad`(β) + λ1 sign(β): the gradient autograd returns, kinks included.

        At a kink it is autodiff's pick (sign(0) = 0, relu'(0) = 0), the direction of the NDGM step, eq. (2).

        Parameters
        ----------
        beta : array_like of shape (..., P)
        check : bool, default True
            False skips `check_beta`.

        Returns
        -------
        ndarray of shape (*broadcast(β.shape[:-1], batch_shape), P)
            One gradient per configuration.
        """
        if check:
            beta = self.check_beta(beta)
        return self.smooth_grad(beta, check=False) + self.l1_weight * np.sign(beta)

    def __repr__(self):
        return f"{type(self).__name__}(lam1={self.lam1.tolist()}, lam2={self.lam2.tolist()})"


class ToyLasso(Loss):
    """The toy LASSO, eq. (7): L3(β) = λ1‖β‖₁, whose unique minimiser is β = 0.

    Parameters
    ----------
    lam1 : float or array_like of shape batch
        λ1 >= 0, one configuration per entry.

    Examples
    --------
    >>> loss = ToyLasso(lam1=[1.0, 100.0])
    >>> loss.value([0.5, -0.25])
    array([ 0.75, 75.  ])
    >>> loss.grad([0.5, 0.0])                    # λ1 sign(β), and 0 at the kink
    array([[  1.,   0.],
           [100.,   0.]])
    """

    def __init__(self, lam1):
        super().__init__(lam1=lam1)


class _DataLoss(Loss):
    """A loss with data Z (N x P, or a batch of them) and response y (N,)."""

    def __init__(self, Z, y, lam1=0.0, lam2=0.0):
        super().__init__(lam1, lam2)
        self.Z = validation.real_array("Z", Z, min_ndim=2)
        self.y = validation.real_array("y", y, min_ndim=1)
        if self.y.shape[-1] != self.Z.shape[-2]:
            raise ValueError(f"y must have one entry per row of Z ({self.Z.shape[-2]}); got shape {self.y.shape}")
        self.n, self.p = self.Z.shape[-2:]
        validation.broadcastable(("Z batch", "y batch", "lam1", "lam2"), self.Z.shape[:-2], self.y.shape[:-1],
                                 self.lam1.shape, self.lam2.shape)

    @property
    def batch_shape(self) -> tuple[int, ...]:
        """The broadcast shape of the penalties and of the data's leading axes."""
        return np.broadcast_shapes(super().batch_shape, self.Z.shape[:-2], self.y.shape[:-1])

    def check_beta(self, beta):
        """`Loss.check_beta`, and β must have one entry per column of Z: shape (..., P)."""
        beta = super().check_beta(beta)
        if beta.shape[-1] != self.p:
            raise ValueError(f"beta must have one entry per column of Z ({self.p}); got shape {beta.shape}")
        return beta


class ReluRegression(_DataLoss):
    """ReLU regression, eq. (3): L1(β; Z, y, λ1, λ2) = ‖y − max(0, Zβ)‖² + λ1‖β‖₁ + λ2‖β‖₂².

    Convex when y <= 0.

    Parameters
    ----------
    Z : array_like of shape (N, P) or (*batch, N, P)
        The data.
    y : array_like of shape (N,) or (*batch, N)
        The response.
    lam1, lam2 : float or array_like of shape batch, default 0
        λ1, λ2 >= 0.

    Examples
    --------
    >>> loss = ReluRegression([[1.0, 0.0], [0.0, 1.0]], [-1.0, 0.0], lam1=0.5)
    >>> float(loss.value([1.0, -1.0]))           # (−1 − 1)² + 0.5·2
    5.0
    >>> loss.grad([1.0, -1.0])                   # −2Zᵀ[(y − relu(Zβ))·1(Zβ > 0)] + λ1 sign(β)
    array([ 4.5, -0.5])
    """

    def _fit_value(self, beta):
        r = self.y - np.maximum(_matvec(self.Z, beta), 0.0)
        return np.sum(r * r, axis=-1)

    def _fit_grad(self, beta):
        u = _matvec(self.Z, beta)
        r = self.y - np.maximum(u, 0.0)
        return -2.0 * _rmatvec(self.Z, r * (u > 0))


class GeneralLasso(_DataLoss):
    """The general LASSO, eq. (15): L4(β; W, y, λ1) = (1/N)‖y − Wβ‖² + λ1‖β‖₁.

    Parameters
    ----------
    W : array_like of shape (N, P) or (*batch, N, P)
        The design (stored as `Z`).
    y : array_like of shape (N,) or (*batch, N)
        The response.
    lam1 : float or array_like of shape batch
        λ1 >= 0.

    Examples
    --------
    >>> loss = GeneralLasso([[1.0, 2.0], [3.0, 4.0]], [1.0, 2.0], lam1=[0.1, 1.0])
    >>> loss.value([0.0, 0.0])                   # (1² + 2²)/2, the penalty vanishes at 0
    array([2.5, 2.5])
    >>> loss.smooth_grad([0.0, 0.0])             # −(2/N) Wᵀ(y − Wβ): λ1 does not enter
    array([ -7., -10.])
    """

    def __init__(self, W, y, lam1):
        super().__init__(W, y, lam1=lam1)

    def _fit_value(self, beta):
        r = self.y - _matvec(self.Z, beta)
        return np.sum(r * r, axis=-1) / self.n

    def _fit_grad(self, beta):
        r = self.y - _matvec(self.Z, beta)
        return (-2.0 / self.n) * _rmatvec(self.Z, r)


class Huber(_DataLoss):
    """The Huber loss, eq. (10): L7(β) = (1/N) Σᵢ l(yᵢ − zᵢᵀβ), l(r) = r²/2 if |r| < 1 else |r| − 1/2.

    Parameters
    ----------
    Z : array_like of shape (N, P) or (*batch, N, P)
    y : array_like of shape (N,) or (*batch, N)
    lam1, lam2 : float or array_like of shape batch, default 0
        Optional penalties (the paper's (10) has none).

    Examples
    --------
    >>> loss = Huber([[1.0], [1.0]], [0.5, 3.0])
    >>> float(loss.value([0.0]))                 # (0.5²/2 + (3 − 1/2))/2
    1.3125
    >>> loss.grad([0.0])                         # (1/N) Zᵀ clip(Zβ − y, −1, 1)
    array([-0.75])
    """

    def _fit_value(self, beta):
        a = np.abs(_matvec(self.Z, beta) - self.y)
        return np.sum(np.where(a < 1.0, 0.5 * a * a, a - 0.5), axis=-1) / self.n

    def _fit_grad(self, beta):
        r = _matvec(self.Z, beta) - self.y
        return _rmatvec(self.Z, np.clip(r, -1.0, 1.0)) / self.n


class LeastSquares(_DataLoss):
    """The plain quadratic (1/2N)‖y − Zβ‖²: Huber's (10) inner branch everywhere.

    GD on it diverges for α > 2/η, η its `sharpness` (Section 5).

    Parameters
    ----------
    Z : array_like of shape (N, P) or (*batch, N, P)
    y : array_like of shape (N,) or (*batch, N)
    lam1, lam2 : float or array_like of shape batch, default 0

    Examples
    --------
    >>> loss = LeastSquares([[1.0, 0.0], [0.0, 2.0]], [1.0, 1.0])
    >>> float(loss.value([0.0, 0.0]))
    0.5
    >>> loss.sharpness()                         # the largest eigenvalue of ZᵀZ/N = diag(1, 4)/2
    2.0
    """

    def _fit_value(self, beta):
        r = self.y - _matvec(self.Z, beta)
        return 0.5 * np.sum(r * r, axis=-1) / self.n

    def _fit_grad(self, beta):
        r = _matvec(self.Z, beta) - self.y
        return _rmatvec(self.Z, r) / self.n

    def sharpness(self):
        """η, the largest eigenvalue of the Hessian ZᵀZ/N; the edge of stability is α* = 2/η.

        Returns
        -------
        float, or ndarray of shape Z.shape[:-2] for a batch of data
        """
        eta = np.linalg.eigvalsh(self.Z.swapaxes(-1, -2) @ self.Z / self.n)[..., -1]
        return float(eta) if eta.ndim == 0 else eta


def softplus(u, s=1.0):
    """softplus_s(u) = log(1 + e^{su})/s, computed without overflow.

    Parameters
    ----------
    u : array_like of any shape
    s : float, default 1
        The sharpness s > 0; softplus_s tends to max(0, u) as s grows.

    Returns
    -------
    ndarray of u's shape
    """
    return np.logaddexp(0.0, s * u) / s


def sigmoid(u):
    """The logistic function 1/(1 + e^{−u}), the derivative of softplus_1.

    Parameters
    ----------
    u : array_like of any shape

    Returns
    -------
    ndarray of u's shape, values in [0, 1]
    """
    return 0.5 * (1.0 + np.tanh(0.5 * u))


class SoftplusRegression(_DataLoss):
    """Eq. (3) with ReLU replaced by softplus_s: ‖y − softplus_s(Zβ)‖² + λ1‖β‖₁ + λ2‖β‖₂².

    Smooth everywhere and convex for y <= 0; as s grows, softplus_s(u) = log(1 + e^{su})/s tends to
    max(0, u) (torch.nn.functional.softplus with beta=s).

    Parameters
    ----------
    Z : array_like of shape (N, P) or (*batch, N, P)
    y : array_like of shape (N,) or (*batch, N)
    lam1, lam2 : float or array_like of shape batch, default 0
    sharpness : float, default 1
        s > 0.

    Examples
    --------
    >>> loss = SoftplusRegression([[1.0]], [0.0], sharpness=1.0)
    >>> round(float(loss.value([0.0])), 6)       # (0 − log 2)²
    0.480453
    >>> round(float(loss.grad([0.0])[0]), 6)     # −2 zᵀ(y − softplus(zβ)) sigmoid(zβ) = log 2
    0.693147
    """

    def __init__(self, Z, y, lam1=0.0, lam2=0.0, sharpness=1.0):
        super().__init__(Z, y, lam1, lam2)
        self.sharpness = float(validation.positive("sharpness", sharpness))

    def _fit_value(self, beta):
        r = self.y - softplus(_matvec(self.Z, beta), self.sharpness)
        return np.sum(r * r, axis=-1)

    def _fit_grad(self, beta):
        u = _matvec(self.Z, beta)
        r = self.y - softplus(u, self.sharpness)
        return -2.0 * _rmatvec(self.Z, r * sigmoid(self.sharpness * u))


class WeightedL1(Loss):
    """Σⱼ wⱼ|βⱼ|: the toy LASSO (7) with one penalty per coordinate, a maximum of 2^P linear pieces.

    It is Lipschitz (eq. 6) with L = ‖w‖₂.

    Parameters
    ----------
    weights : array_like of shape (..., P)
        w >= 0; leading axes are configurations.

    Examples
    --------
    >>> loss = WeightedL1([1.0, 2.0])
    >>> float(loss.value([-1.0, 1.0]))
    3.0
    >>> loss.grad([-1.0, 0.0])                   # w sign(β)
    array([-1.,  0.])
    """

    def __init__(self, weights):
        super().__init__()
        self.weights = validation.nonnegative("weights", weights)
        if self.weights.ndim < 1:
            raise ValueError("weights must have one entry per coordinate (shape (..., P)); got a scalar")
        self.p = self.weights.shape[-1]

    @property
    def batch_shape(self) -> tuple[int, ...]:
        """The broadcast shape of the weights' leading axes."""
        return np.broadcast_shapes(super().batch_shape, self.weights.shape[:-1])

    def check_beta(self, beta):
        """`Loss.check_beta`, and β must have one entry per weight: shape (..., P)."""
        beta = super().check_beta(beta)
        if beta.shape[-1] != self.p:
            raise ValueError(f"beta must have one entry per weight ({self.p}); got shape {beta.shape}")
        return beta

    def _fit_value(self, beta):
        return np.sum(self.weights * np.abs(beta), axis=-1)

    def _fit_grad(self, beta):
        return self.weights * np.sign(beta)
