"""Update rules as numpy functions, and the step-size regimes of Section 2.

Each rule is an object with `init(beta) -> state` and `step(loss, beta, state, lr) -> (beta, state)`.
Hyper-parameters (the learning rate `lr`, i.e. the paper's α, included) broadcast against β's
leading axes, so one rule object steps a whole grid of configurations at once. The rules that
mirror `torch.optim` repeat its floating-point operations in the same order, so that in float64
they agree with it to rounding error (tests/test_optim.py checks 1,000 steps).
"""
from __future__ import annotations

import inspect

import numpy as np

from . import validation


class Rule:
    """Base class: stores α (`lr`) with a trailing axis so that it broadcasts over β's P axis."""

    name = "rule"

    def __init__(self, lr):
        self.lr = validation.positive("lr", lr)
        self._lr = self.lr[..., None]

    def init(self, beta):
        return {}

    def step(self, loss, beta, state, lr):
        raise NotImplementedError

    def __repr__(self):
        return f"{type(self).__name__}(lr={self.lr.tolist()})"


class GD(Rule):
    """Eq. (2): β ← β − α ∇̃f(β), the NDGM/GD step (torch.optim.SGD without momentum)."""

    name = "gd"

    def step(self, loss, beta, state, lr):
        return beta + (-lr) * loss._grad(beta), state


class Momentum(Rule):
    """Heavy ball as torch.optim.SGD: b ← μb + (1 − d)g (b = g at the first step); β ← β − αb."""

    name = "momentum"

    def __init__(self, lr, momentum=0.9, dampening=0.0):
        super().__init__(lr)
        self.momentum = validation.in_range("momentum", momentum, low=0.0, high=1.0)
        self.dampening = validation.in_range("dampening", dampening, low=0.0, high=1.0, high_open=False)
        self._mu, self._damp = self.momentum[..., None], 1.0 - self.dampening[..., None]

    def init(self, beta):
        return {"buf": None}

    def step(self, loss, beta, state, lr):
        g = loss._grad(beta)
        buf = g if state["buf"] is None else self._mu * state["buf"] + self._damp * g
        return beta + (-lr) * buf, {"buf": buf}


class MomentumPaper(Rule):
    """Eq. (16): β_{t+1} = β_t − α(1 − η)∇̃f(β_t) + η(β_t − β_{t−1}), with β_{−1} = β_0.

    It equals torch's heavy ball with lr = α(1 − η) and momentum η (no dampening).
    """

    name = "momentum-paper"

    def __init__(self, lr, momentum=0.9):
        super().__init__(lr)
        self.momentum = validation.in_range("momentum", momentum, low=0.0, high=1.0)
        self._eta = self.momentum[..., None]

    def init(self, beta):
        return {"previous": beta}

    def step(self, loss, beta, state, lr):
        new = beta - lr * (1.0 - self._eta) * loss._grad(beta) + self._eta * (beta - state["previous"])
        return new, {"previous": beta}


class RMSProp(Rule):
    """torch.optim.RMSprop: v ← γv + (1 − γ)g²; β ← β − αg/(√v + ε)  (ε outside the root)."""

    name = "rmsprop"

    def __init__(self, lr, gamma=0.99, eps=1e-8):
        super().__init__(lr)
        self.gamma = validation.in_range("gamma", gamma, low=0.0, high=1.0)
        self.eps = validation.positive("eps", eps)
        self._gamma, self._eps = self.gamma[..., None], self.eps[..., None]

    def init(self, beta):
        return {"v": np.zeros_like(beta)}

    def step(self, loss, beta, state, lr):
        g = loss._grad(beta)
        v = self._gamma * state["v"] + (1.0 - self._gamma) * g * g
        return beta + (-lr) * (g / (np.sqrt(v) + self._eps)), {"v": v}


class RMSPropPaper(RMSProp):
    """Eqs. (18)-(19) as in Ruder (2016): v_t = γv_{t−1} + (1 − γ)g_t²; β_{t+1} = β_t − αg_t/√(v_t + ε̄).

    The jitter sits inside the root. v is updated with the current gradient before the step,
    which is the reading of (18) under which the first step is finite (with v_0 = 0 used in the
    step, (21) at t = 0 would divide by √ε̄).
    """

    name = "rmsprop-paper"

    def step(self, loss, beta, state, lr):
        g = loss._grad(beta)
        v = self._gamma * state["v"] + (1.0 - self._gamma) * g * g
        return beta - lr * g / np.sqrt(v + self._eps), {"v": v}


class Adam(Rule):
    """torch.optim.Adam: m ← lerp(m, g, 1 − β1), v ← β2 v + (1 − β2)g², bias-corrected step."""

    name = "adam"

    def __init__(self, lr, beta1=0.9, beta2=0.999, eps=1e-8):
        super().__init__(lr)
        self.beta1 = validation.in_range("beta1", beta1, low=0.0, high=1.0)
        self.beta2 = validation.in_range("beta2", beta2, low=0.0, high=1.0)
        self.eps = validation.positive("eps", eps)
        self._b1, self._b2, self._eps = self.beta1[..., None], self.beta2[..., None], self.eps[..., None]

    def init(self, beta):
        return {"m": np.zeros_like(beta), "v": np.zeros_like(beta), "t": 0}

    def step(self, loss, beta, state, lr):
        g = loss._grad(beta)
        t = state["t"] + 1
        m = state["m"] + (1.0 - self._b1) * (g - state["m"])
        v = self._b2 * state["v"] + (1.0 - self._b2) * g * g
        step_size = lr / (1.0 - self._b1 ** t)
        denom = np.sqrt(v) / (1.0 - self._b2 ** t) ** 0.5 + self._eps
        return beta + (-step_size) * (m / denom), {"m": m, "v": v, "t": t}


class Prox(Rule):
    """Proximal gradient (ISTA): β ← S_{αλ1}(β − α∇(f − λ1‖·‖₁)(β)), S_τ(x) = sign(x)max(|x| − τ, 0)."""

    name = "prox"

    def step(self, loss, beta, state, lr):
        return soft_threshold(beta - lr * loss._smooth_grad(beta), lr * loss._l1), state


def soft_threshold(x, tau):
    """S_τ(x) = sign(x) max(|x| − τ, 0), the proximal map of τ‖·‖₁."""
    return np.sign(x) * np.maximum(np.abs(x) - tau, 0.0)


RULES = {r.name: r for r in (GD, Momentum, MomentumPaper, RMSProp, RMSPropPaper, Adam, Prox)}


def make(name: str, lr, **hyper) -> Rule:
    """The rule called `name` (one of RULES) with learning rate `lr` and its own hyper-parameters."""
    cls = RULES[validation.choice("optimizer", name, RULES)]
    allowed = [p for p in inspect.signature(cls.__init__).parameters if p not in ("self", "lr")]
    unknown = sorted(set(hyper) - set(allowed))
    if unknown:
        raise ValueError(f"optimizer {name!r} accepts the hyper-parameters {allowed}; got {unknown}")
    return cls(lr, **hyper)


# ----- step-size regimes (Section 2): multipliers of the base learning rate, one per step -----

def constant(steps: int) -> np.ndarray:
    """α_t = α: the constant step-size regime of eq. (2)."""
    return np.ones(validation.count("steps", steps))


def diminishing(steps: int, power: float = 1.0) -> np.ndarray:
    """α_t = α/(t + 1)^p with p in (0, 1]: α_t → 0 and Σ α_t = ∞ (the regime of eq. 4)."""
    steps = validation.count("steps", steps)
    power = float(validation.in_range("power", power, low=0.0, high=1.0, low_open=True, high_open=False))
    return 1.0 / np.arange(1, steps + 1) ** power


def reducing(steps: int, every: int, factor: float = 0.1) -> np.ndarray:
    """The "reducing" regime: constant runs of `every` steps, each `factor` times the last (StepLR)."""
    steps = validation.count("steps", steps)
    every = validation.count("every", every)
    factor = float(validation.in_range("factor", factor, low=0.0, high=1.0, low_open=True))
    return factor ** (np.arange(steps) // every)
