"""The swing of NDGM's two-cycle (eq. 8) and what it predicts about small weights: shared by the convex
studies (`ndgm.studies.sparsity`) and the network code (`ndgm.networks.train`, `ndgm.networks.sparsity_check`, `ndgm.networks.analysis`).

A weight that the L1 penalty alone drives reaches 0 and then hops across it by the swing s every step:
s = αλ1 for SGD. After T steps the weights that started within T·s of 0 are caught, spread evenly over
(0, s), so a fraction min(1, τ/s) of them lies below a pruning threshold τ.

>>> swing("sgd", 0.003, 0.002)
6e-06
"""
from __future__ import annotations

import numpy as np

from . import validation

OPTIMIZERS = ("sgd", "rmsprop", "adam", "prox-sgd", "prox-adam")
"""The network optimizers: torch.optim.SGD, RMSprop and Adam (the penalty through its subgradient) and
ndgm.networks.proximal's ProxSGD and ProxAdam (its proximal step)."""

TAU_GRID = np.logspace(-10, 0, 61)
"""The thresholds at which ndgm.networks.train records the fractions of |w| < τ."""


def swing(optimizer: str, lr: float, l1: float) -> float:
    """How far one step moves a weight that the penalty alone drives: αλ1 for SGD (eq. 8's 2-cycle).
    For RMSProp and Adam, α bounds it: their step divides the gradient by its running scale (ε aside),
    and Adam's momentum, averaging the penalty's alternating signs, moves such a weight by less.
    For ProxSGD and ProxAdam it is their threshold's scale (αλ1 and α): a weight that close to 0 is
    set to exactly 0 instead of crossing it."""
    validation.choice("optimizer", optimizer, OPTIMIZERS)
    return float(lr * l1) if optimizer in ("sgd", "prox-sgd") else float(lr)


def swing_prediction(below_start, reach: float, s: float, taus) -> np.ndarray:
    """The fraction of |w| < τ that the swing s = αλ1 alone predicts, for each τ in `taus`: the weights that
    started within `reach` = T·s of zero (T steps) have been caught in the two-cycle of eq. (8), where |w| is
    spread evenly over (0, s), so the fraction is F₀(T·s)·min(1, τ/s), F₀ = `below_start` the initial
    fraction of |w| below each value of TAU_GRID. The data-fit gradient is ignored."""
    taus = validation.in_range("taus", taus, low=0.0, low_open=True)
    s = float(validation.in_range("s", s, low=0.0, low_open=True))
    caught = np.interp(np.log10(reach), np.log10(TAU_GRID), np.asarray(below_start), right=1.0)
    return caught * np.minimum(1.0, taus / s)
