"""The paper's losses, each with its value and the gradient PyTorch autograd returns.

Every loss has the form f(β) = fit(β) + λ1‖β‖₁ + λ2‖β‖₂², with β of shape (..., P).
At kinks the gradient is the one autodiff picks, not a set: d|x|/dx = sign(x) with
sign(0) = 0, and relu'(0) = 0. λ1 and λ2 broadcast against β's leading (batch) axes,
so one loss object evaluates a whole grid of penalties at once.
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
    """f(β) = fit(β) + λ1‖β‖₁ + λ2‖β‖₂².  Subclasses define the data-fit term."""

    name = "penalty"

    def __init__(self, lam1=0.0, lam2=0.0):
        self.lam1 = validation.nonnegative("lam1", lam1)
        self.lam2 = validation.nonnegative("lam2", lam2)
        # penalties carry a trailing axis so that they broadcast against β's P axis
        self._l1 = self.lam1[..., None]
        self._l2 = self.lam2[..., None]

    # the data-fit term; the penalty-only loss (7) has none
    def _fit_value(self, beta):
        return np.zeros(beta.shape[:-1])

    def _fit_grad(self, beta):
        return np.zeros_like(beta)

    def _value(self, beta):
        penalty = np.sum(self._l1 * np.abs(beta) + self._l2 * beta * beta, axis=-1)
        return self._fit_value(beta) + penalty

    def _smooth_grad(self, beta):
        """Gradient of everything but the L1 term: what a proximal step differentiates."""
        return self._fit_grad(beta) + 2.0 * self._l2 * beta

    def _grad(self, beta):
        return self._smooth_grad(beta) + self._l1 * np.sign(beta)

    @property
    def batch_shape(self) -> tuple[int, ...]:
        """The configurations this loss holds: the broadcast shape of its penalties (and data)."""
        return np.broadcast_shapes(self.lam1.shape, self.lam2.shape)

    def _check_beta(self, beta):
        return validation.real_array("beta", beta, min_ndim=1)

    def value(self, beta):
        """f(β), one value per configuration (shape = β.shape[:-1] broadcast with the penalties)."""
        return self._value(self._check_beta(beta))

    def grad(self, beta):
        """The gradient autograd returns at β, kinks included (sign(0) = 0, relu'(0) = 0)."""
        return self._grad(self._check_beta(beta))

    def __repr__(self):
        return f"{type(self).__name__}(lam1={self.lam1.tolist()}, lam2={self.lam2.tolist()})"


class ToyLasso(Loss):
    """Eq. (7): L3(β) = λ1‖β‖₁, whose unique minimiser is β = 0."""

    name = "toy-lasso"

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
        return np.broadcast_shapes(super().batch_shape, self.Z.shape[:-2], self.y.shape[:-1])

    def _check_beta(self, beta):
        beta = super()._check_beta(beta)
        if beta.shape[-1] != self.p:
            raise ValueError(f"beta must have one entry per column of Z ({self.p}); got shape {beta.shape}")
        return beta


class ReluRegression(_DataLoss):
    """Eq. (3): L1(β; Z, y, λ1, λ2) = ‖y − max(0, Zβ)‖² + λ1‖β‖₁ + λ2‖β‖₂², with y <= 0 it is convex."""

    name = "relu-regression"

    def _fit_value(self, beta):
        r = self.y - np.maximum(_matvec(self.Z, beta), 0.0)
        return np.sum(r * r, axis=-1)

    def _fit_grad(self, beta):
        u = _matvec(self.Z, beta)
        r = self.y - np.maximum(u, 0.0)
        return -2.0 * _rmatvec(self.Z, r * (u > 0))


class GeneralLasso(_DataLoss):
    """Eq. (15): L4(β; W, y, λ1) = (1/N)‖y − Wβ‖² + λ1‖β‖₁."""

    name = "general-lasso"

    def __init__(self, W, y, lam1):
        super().__init__(W, y, lam1=lam1)

    def _fit_value(self, beta):
        r = self.y - _matvec(self.Z, beta)
        return np.sum(r * r, axis=-1) / self.n

    def _fit_grad(self, beta):
        r = self.y - _matvec(self.Z, beta)
        return (-2.0 / self.n) * _rmatvec(self.Z, r)


class Huber(_DataLoss):
    """Eq. (10): L7(β) = (1/N) Σ l(yᵢ − zᵢᵀβ), l(r) = r²/2 if |r| < 1 else |r| − 1/2."""

    name = "huber"

    def _fit_value(self, beta):
        a = np.abs(_matvec(self.Z, beta) - self.y)
        return np.sum(np.where(a < 1.0, 0.5 * a * a, a - 0.5), axis=-1) / self.n

    def _fit_grad(self, beta):
        r = _matvec(self.Z, beta) - self.y
        return _rmatvec(self.Z, np.clip(r, -1.0, 1.0)) / self.n


class LeastSquares(_DataLoss):
    """The plain quadratic (1/2N)‖y − Zβ‖²: Huber's inner branch everywhere; GD diverges for α > 2/η."""

    name = "least-squares"

    def _fit_value(self, beta):
        r = self.y - _matvec(self.Z, beta)
        return 0.5 * np.sum(r * r, axis=-1) / self.n

    def _fit_grad(self, beta):
        r = _matvec(self.Z, beta) - self.y
        return _rmatvec(self.Z, r) / self.n

    def sharpness(self):
        """η, the largest eigenvalue of the Hessian ZᵀZ/N (the edge of stability is α* = 2/η)."""
        eta = np.linalg.eigvalsh(self.Z.swapaxes(-1, -2) @ self.Z / self.n)[..., -1]
        return float(eta) if eta.ndim == 0 else eta


def _softplus(u, s):
    """softplus_s(u) = log(1 + e^{su})/s, computed without overflow."""
    return np.logaddexp(0.0, s * u) / s


def _sigmoid(u):
    """The logistic function 1/(1 + e^{−u}), the derivative of softplus_1."""
    return 0.5 * (1.0 + np.tanh(0.5 * u))


class SoftplusRegression(_DataLoss):
    """Eq. (3) with ReLU replaced by softplus_s(u) = log(1 + e^{su})/s: smooth everywhere, convex for y <= 0.

    As the sharpness s grows, softplus_s tends to max(0, u) (torch.nn.functional.softplus with beta=s).
    """

    name = "softplus-regression"

    def __init__(self, Z, y, lam1=0.0, lam2=0.0, sharpness=1.0):
        super().__init__(Z, y, lam1, lam2)
        self.sharpness = float(validation.positive("sharpness", sharpness))

    def _fit_value(self, beta):
        r = self.y - _softplus(_matvec(self.Z, beta), self.sharpness)
        return np.sum(r * r, axis=-1)

    def _fit_grad(self, beta):
        u = _matvec(self.Z, beta)
        r = self.y - _softplus(u, self.sharpness)
        return -2.0 * _rmatvec(self.Z, r * _sigmoid(self.sharpness * u))


class WeightedL1(Loss):
    """Σⱼ wⱼ|βⱼ|: the toy LASSO (7) with one penalty per coordinate, a maximum of 2^P linear pieces.

    It is Lipschitz (eq. 6) with L = ‖w‖₂. `weights` has shape (..., P); leading axes are configurations.
    """

    name = "weighted-l1"

    def __init__(self, weights):
        super().__init__()
        self.weights = validation.nonnegative("weights", weights)
        if self.weights.ndim < 1:
            raise ValueError("weights must have one entry per coordinate (shape (..., P)); got a scalar")
        self.p = self.weights.shape[-1]

    @property
    def batch_shape(self) -> tuple[int, ...]:
        return np.broadcast_shapes(super().batch_shape, self.weights.shape[:-1])

    def _check_beta(self, beta):
        beta = super()._check_beta(beta)
        if beta.shape[-1] != self.p:
            raise ValueError(f"beta must have one entry per weight ({self.p}); got shape {beta.shape}")
        return beta

    def _fit_value(self, beta):
        return np.sum(self.weights * np.abs(beta), axis=-1)

    def _fit_grad(self, beta):
        return self.weights * np.sign(beta)
