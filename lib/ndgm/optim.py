"""Update rules as numpy functions, and the step-size regimes of Section 2.

Each rule is an object with `init(beta) -> state` and `step(loss, beta, state, lr) -> (beta, state)`.
Hyper-parameters (the learning rate `lr`, i.e. the paper's α, included) broadcast against β's
leading axes, so one rule object steps a whole grid of configurations at once. The rules that
mirror `torch.optim` repeat its floating-point operations in the same order, so that in float64
they agree with it to rounding error (tests/test_optim.py checks 1,000 steps).

The protocol between a rule, a loss and `ndgm.run.run` is public: `rule.base_lr` is α with a
trailing axis, shape (*lr.shape, 1), which `run` multiplies by the schedule's factor and passes to
`step` as `lr`; `step` reads the loss only through `loss.grad(beta, check=False)`, or, for the
proximal step, `loss.smooth_grad(beta, check=False)` and `loss.l1_weight` (see `ndgm.losses`).
β inside `step` is already checked, so no rule validates it again.
"""
from __future__ import annotations

import inspect

import numpy as np

from . import validation


class Rule:
    """Base class of the update rules: `init` the state, then `step` β ← rule(β) once per iteration.

    Parameters
    ----------
    lr : float or array_like of shape batch
        The step size α > 0; an array holds one configuration per entry.

    Attributes
    ----------
    lr : ndarray of shape batch
        α as given.
    base_lr : ndarray of shape (*batch, 1)
        α with a trailing axis that broadcasts over β's P axis: the `lr` that `step` receives before any schedule.
    """

    name = "rule"

    def __init__(self, lr):
        self.lr = validation.positive("lr", lr)
        self.base_lr = self.lr[..., None]
        """α with a trailing axis, shape (*lr.shape, 1): the `lr` that `step` receives before any schedule."""

    def init(self, beta):
        """The rule's state before the first step.

        Parameters
        ----------
        beta : ndarray of shape (*batch, P)
            The starting point β_0.

        Returns
        -------
        dict
            Empty for the memoryless rules; buffers of β's shape for the others.
        """
        return {}

    def step(self, loss, beta, state, lr):
        """One update β_t → β_{t+1}.

        Parameters
        ----------
        loss : ndgm.losses.Loss
            Read through `loss.grad(beta, check=False)` only.
        beta : ndarray of shape (*batch, P)
            The current iterate, already checked.
        state : dict
            What `init` or the previous `step` returned.
        lr : ndarray of shape (*lr.shape, 1)
            This step's α: `base_lr` times the schedule's factor.

        Returns
        -------
        (ndarray of shape (*batch, P), dict)
            The next iterate and the next state.
        """
        raise NotImplementedError

    def __repr__(self):
        return f"{type(self).__name__}(lr={self.lr.tolist()})"


class GD(Rule):
    """The NDGM/GD step, eq. (2): β_{t+1} = β_t − α∇̃f(β_t) (torch.optim.SGD without momentum).

    Parameters
    ----------
    lr : float or array_like of shape batch
        α > 0.
    """

    name = "gd"

    def step(self, loss, beta, state, lr):
        return beta + (-lr) * loss.grad(beta, check=False), state


class Momentum(Rule):
    """Heavy ball as torch.optim.SGD: b ← μb + (1 − d)g (b = g at the first step); β ← β − αb.

    Eq. (16) is the same rule with α(1 − η) for α (see `MomentumPaper`).

    Parameters
    ----------
    lr : float or array_like of shape batch
        α > 0.
    momentum : float or array_like of shape batch, default 0.9
        μ in [0, 1).
    dampening : float or array_like of shape batch, default 0
        d in [0, 1].
    """

    name = "momentum"

    def __init__(self, lr, momentum=0.9, dampening=0.0):
        super().__init__(lr)
        self.momentum = validation.in_range("momentum", momentum, low=0.0, high=1.0)
        self.dampening = validation.in_range("dampening", dampening, low=0.0, high=1.0, high_open=False)
        self._mu, self._damp = self.momentum[..., None], 1.0 - self.dampening[..., None]

    def init(self, beta):
        return {"buf": None}

    def step(self, loss, beta, state, lr):
        g = loss.grad(beta, check=False)
        buf = g if state["buf"] is None else self._mu * state["buf"] + self._damp * g
        return beta + (-lr) * buf, {"buf": buf}


class MomentumPaper(Rule):
    """The paper's momentum, eq. (16): β_{t+1} = β_t − α(1 − η)∇̃f(β_t) + η(β_t − β_{t−1}), with β_{−1} = β_0.

    It equals torch's heavy ball with lr = α(1 − η) and momentum η (no dampening).

    Parameters
    ----------
    lr : float or array_like of shape batch
        α > 0.
    momentum : float or array_like of shape batch, default 0.9
        η in [0, 1).
    """

    name = "momentum-paper"

    def __init__(self, lr, momentum=0.9):
        super().__init__(lr)
        self.momentum = validation.in_range("momentum", momentum, low=0.0, high=1.0)
        self._eta = self.momentum[..., None]

    def init(self, beta):
        return {"previous": beta}

    def step(self, loss, beta, state, lr):
        new = beta - lr * (1.0 - self._eta) * loss.grad(beta, check=False) + self._eta * (beta - state["previous"])
        return new, {"previous": beta}


class RMSProp(Rule):
    """torch.optim.RMSprop: v ← γv + (1 − γ)g²; β ← β − αg/(√v + ε)  (ε outside the root).

    Parameters
    ----------
    lr : float or array_like of shape batch
        α > 0.
    gamma : float or array_like of shape batch, default 0.99
        γ in [0, 1).
    eps : float or array_like of shape batch, default 1e-8
        ε > 0.
    """

    name = "rmsprop"

    def __init__(self, lr, gamma=0.99, eps=1e-8):
        super().__init__(lr)
        self.gamma = validation.in_range("gamma", gamma, low=0.0, high=1.0)
        self.eps = validation.positive("eps", eps)
        self._gamma, self._eps = self.gamma[..., None], self.eps[..., None]

    def init(self, beta):
        return {"v": np.zeros_like(beta)}

    def step(self, loss, beta, state, lr):
        g = loss.grad(beta, check=False)
        v = self._gamma * state["v"] + (1.0 - self._gamma) * g * g
        return beta + (-lr) * (g / (np.sqrt(v) + self._eps)), {"v": v}


class RMSPropPaper(RMSProp):
    """Eqs. (18)-(19) as in Ruder (2016): v_t = γv_{t−1} + (1 − γ)g_t²; β_{t+1} = β_t − αg_t/√(v_t + ε̄).

    The jitter sits inside the root. v is updated with the current gradient before the step,
    which is the reading of (18) under which the first step is finite (with v_0 = 0 used in the
    step, (21) at t = 0 would divide by √ε̄).

    Parameters
    ----------
    lr : float or array_like of shape batch
        α > 0.
    gamma : float or array_like of shape batch, default 0.99
        γ in [0, 1).
    eps : float or array_like of shape batch, default 1e-8
        ε̄ > 0.
    """

    name = "rmsprop-paper"

    def step(self, loss, beta, state, lr):
        g = loss.grad(beta, check=False)
        v = self._gamma * state["v"] + (1.0 - self._gamma) * g * g
        return beta - lr * g / np.sqrt(v + self._eps), {"v": v}


class Adam(Rule):
    """torch.optim.Adam: m ← lerp(m, g, 1 − β1), v ← β2 v + (1 − β2)g², bias-corrected step.

    β_{t+1} = β_t − α m̂/(√v̂ + ε), with m̂ = m/(1 − β1^t) and v̂ = v/(1 − β2^t).

    Parameters
    ----------
    lr : float or array_like of shape batch
        α > 0.
    beta1, beta2 : float or array_like of shape batch, default 0.9 and 0.999
        Decay rates in [0, 1).
    eps : float or array_like of shape batch, default 1e-8
        ε > 0.
    """

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
        g = loss.grad(beta, check=False)
        t = state["t"] + 1
        m = state["m"] + (1.0 - self._b1) * (g - state["m"])
        v = self._b2 * state["v"] + (1.0 - self._b2) * g * g
        step_size = lr / (1.0 - self._b1 ** t)
        denom = np.sqrt(v) / (1.0 - self._b2 ** t) ** 0.5 + self._eps
        return beta + (-step_size) * (m / denom), {"m": m, "v": v, "t": t}


class Prox(Rule):
    """Proximal gradient (ISTA): β ← S_{αλ1}(β − α∇(f − λ1‖·‖₁)(β)), S_τ(x) = sign(x)max(|x| − τ, 0).

    It reads the loss through `loss.smooth_grad(beta, check=False)` and `loss.l1_weight`; on the LASSO
    losses (7) and (15) its fixed points are their minimisers, with exact zeros.

    Parameters
    ----------
    lr : float or array_like of shape batch
        α > 0.
    """

    name = "prox"

    def step(self, loss, beta, state, lr):
        return soft_threshold(beta - lr * loss.smooth_grad(beta, check=False), lr * loss.l1_weight), state


def soft_threshold(x, tau):
    """S_τ(x) = sign(x) max(|x| − τ, 0), the proximal map of τ‖·‖₁.

    Parameters
    ----------
    x : array_like of shape (..., P)
    tau : float or array_like broadcasting against x
        The threshold τ >= 0 (not checked: an inner function).

    Returns
    -------
    ndarray of the broadcast shape, with exact zeros where |x| <= τ
    """
    return np.sign(x) * np.maximum(np.abs(x) - tau, 0.0)


RULES = {r.name: r for r in (GD, Momentum, MomentumPaper, RMSProp, RMSPropPaper, Adam, Prox)}
"""The rules by name, as `make` accepts them."""


def make(name: str, lr, **hyper) -> Rule:
    """The update rule called `name`, with step size α = `lr` and its own hyper-parameters.

    Parameters
    ----------
    name : str
        One of `RULES`: "gd" (eq. 2), "momentum", "momentum-paper" (eq. 16), "rmsprop",
        "rmsprop-paper" (eqs. 18-19), "adam", "prox".
    lr : float or array_like of shape batch
        α > 0; an array makes one configuration per entry.
    **hyper
        The rule's own keyword arguments (e.g. momentum=0.9); any other name is a ValueError.

    Returns
    -------
    Rule

    Examples
    --------
    >>> from ndgm import losses
    >>> rule = make("gd", lr=[0.1, 0.5])
    >>> beta0 = np.array([0.3])
    >>> beta, state = rule.step(losses.ToyLasso(1.0), beta0, rule.init(beta0), rule.base_lr)
    >>> beta                                     # β − α sign(β), one row per α
    array([[ 0.2],
           [-0.2]])
    >>> make("momentum-paper", lr=0.01, momentum=0.5)
    MomentumPaper(lr=0.01)
    """
    cls = RULES[validation.choice("optimizer", name, RULES)]
    allowed = [p for p in inspect.signature(cls.__init__).parameters if p not in ("self", "lr")]
    unknown = sorted(set(hyper) - set(allowed))
    if unknown:
        raise ValueError(f"optimizer {name!r} accepts the hyper-parameters {allowed}; got {unknown}")
    return cls(lr, **hyper)


# ----- step-size regimes (Section 2): multipliers of the base learning rate, one per step -----

def constant(steps: int) -> np.ndarray:
    """α_t = α: the constant step-size regime of eqs. (1)-(2).

    Parameters
    ----------
    steps : int
        T >= 1.

    Returns
    -------
    ndarray of shape (T,)
        Ones: the factors that `ndgm.run.run(schedule=...)` multiplies α by.
    """
    return np.ones(validation.count("steps", steps))


def diminishing(steps: int, power: float = 1.0) -> np.ndarray:
    """α_t = α/(t + 1)^p with p in (0, 1]: α_t → 0 and Σ α_t = ∞ (the regime of eq. 4).

    Parameters
    ----------
    steps : int
        T >= 1.
    power : float, default 1
        p in (0, 1].

    Returns
    -------
    ndarray of shape (T,)
        The factors 1/(t + 1)^p, t = 0, ..., T − 1.
    """
    steps = validation.count("steps", steps)
    power = float(validation.in_range("power", power, low=0.0, high=1.0, low_open=True, high_open=False))
    return 1.0 / np.arange(1, steps + 1) ** power


def reducing(steps: int, every: int, factor: float = 0.1) -> np.ndarray:
    """The "reducing" regime: constant runs of `every` steps, each `factor` times the last (StepLR).

    Σ α_t converges, so condition (4) fails.

    Parameters
    ----------
    steps : int
        T >= 1.
    every : int
        Steps between two cuts.
    factor : float, default 0.1
        The cut, in (0, 1).

    Returns
    -------
    ndarray of shape (T,)
        The factors factor^⌊t/every⌋.
    """
    steps = validation.count("steps", steps)
    every = validation.count("every", every)
    factor = float(validation.in_range("factor", factor, low=0.0, high=1.0, low_open=True))
    return factor ** (np.arange(steps) // every)
