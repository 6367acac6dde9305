"""Iterate an update rule on a loss and summarise the iterates: one configuration or a whole grid.

`run` steps β (shape (..., P)) for T iterations; every leading axis is a configuration, so a
grid of λ1 x α x seeds costs one numpy call per step, not one Python loop per configuration.
`sweep` lays such a grid out from lists of λ1, α and starting points.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from . import optim, validation
from .losses import Loss


SUMMARIES = {
    "loss": lambda loss, beta, tau: loss._value(beta),
    "l1": lambda loss, beta, tau: np.sum(np.abs(beta), axis=-1),
    "linf": lambda loss, beta, tau: np.max(np.abs(beta), axis=-1),
    "small": lambda loss, beta, tau: np.mean(np.abs(beta) < tau, axis=-1),
    "zeros": lambda loss, beta, tau: np.mean(beta == 0.0, axis=-1),
}
"""Per-step summaries: the loss, ‖β‖₁, ‖β‖∞, the fraction of |β| < τ and the fraction of exact zeros."""


@dataclass
class Run:
    """What `run` returns: summaries at the recorded steps, the final iterate and the last three."""

    steps: np.ndarray                       # recorded iteration numbers, shape (R,)
    summaries: dict[str, np.ndarray]        # name -> array of shape (R, *batch)
    beta: np.ndarray                        # final iterate, shape (*batch, P)
    tail: np.ndarray                        # the last three iterates β_{T-2}, β_{T-1}, β_T: (3, *batch, P)
    trajectory: np.ndarray | None = None    # iterates at the recorded steps, (R, *batch, P), if asked for
    axes: tuple[str, ...] = field(default_factory=tuple)  # names of the batch axes (set by `sweep`)

    def __getitem__(self, name):
        return self.summaries[name]

    def final(self, name):
        """A summary at the last step, shape = batch shape."""
        return self.summaries[name][-1]

    def period_two(self, rtol=1e-9):
        """Per configuration: β_T = β_{T-2} (to rtol of ‖β‖∞) while β_T ≠ β_{T-1}: a 2-cycle (Prop. B.2)."""
        a, b, c = self.tail
        scale = np.maximum(np.max(np.abs(self.tail), axis=(0, -1)), np.finfo(float).tiny)
        back = np.max(np.abs(c - a), axis=-1) <= rtol * scale
        moved = np.max(np.abs(c - b), axis=-1) > rtol * scale
        return back & moved


def recorded_steps(steps: int, every: int) -> np.ndarray:
    """0, every, 2·every, ... and always the last step."""
    marks = np.arange(0, steps + 1, every)
    return marks if marks[-1] == steps else np.append(marks, steps)


def log_marks(steps: int, count: int) -> np.ndarray:
    """About `count` iteration numbers from 0 to `steps`, evenly spaced on a log scale (for `run(at=...)`)."""
    steps, count = validation.count("steps", steps), validation.count("count", count, minimum=2)
    return np.unique(np.concatenate([[0], np.geomspace(1, steps, count - 1).round().astype(int)]))


def _checked_marks(at, steps):
    marks = np.asarray(at)
    if (marks.ndim != 1 or marks.size == 0 or not np.issubdtype(marks.dtype, np.integer)
            or marks[0] < 0 or marks[-1] > steps or np.any(np.diff(marks) <= 0)):
        raise ValueError(f"at must be increasing integers between 0 and steps ({steps}); got {at!r}")
    return marks


def run(loss: Loss, rule: optim.Rule, beta0, steps: int, *, record=("loss", "l1"), every: int = 1, at=None,
        tau: float = 1e-5, schedule=None, trajectory: bool = False) -> Run:
    """Iterate β_{t+1} = rule(β_t) for `steps` steps from β0 (shape (..., P)), recording summaries.

    `schedule` (length `steps`) multiplies the learning rate at each step (see optim.constant,
    optim.diminishing, optim.reducing); `every` thins the record, or `at` lists the iterations to
    record (increasing, from 0 to `steps`); `tau` is the threshold of "small".
    """
    if not isinstance(loss, Loss):
        raise ValueError(f"loss must be an ndgm.losses.Loss (e.g. ToyLasso(lam1=1.0)); got {type(loss).__name__}")
    if not isinstance(rule, optim.Rule):
        raise ValueError(f"rule must be an ndgm.optim.Rule (e.g. optim.make('gd', lr=0.01)); got {type(rule).__name__}")
    beta = loss._check_beta(beta0)
    steps = validation.count("steps", steps)
    every = validation.count("every", every)
    tau = float(validation.positive("tau", tau))
    for name in record:
        validation.choice("record", name, SUMMARIES)
    factors = np.ones(steps) if schedule is None else validation.positive("schedule", schedule)
    if factors.shape != (steps,):
        raise ValueError(f"schedule must have one multiplier per step ({steps}); got shape {factors.shape}")
    batch = validation.broadcastable(("beta0 batch", "loss", "lr"), beta.shape[:-1],
                                     loss.batch_shape, rule.lr.shape)
    beta = np.broadcast_to(beta, (*batch, beta.shape[-1])).copy()

    marks = recorded_steps(steps, every) if at is None else _checked_marks(at, steps)
    out = {name: np.empty((len(marks), *batch)) for name in record}
    path = np.empty((len(marks), *beta.shape)) if trajectory else None
    tail = np.stack([beta] * 3)
    state = rule.init(beta)
    r = 0
    for t in range(steps + 1):
        if t >= steps - 2:
            tail[t - steps + 2] = beta
        if r < len(marks) and t == marks[r]:
            for name in record:
                out[name][r] = SUMMARIES[name](loss, beta, tau)
            if trajectory:
                path[r] = beta
            r += 1
        if t < steps:
            beta, state = rule.step(loss, beta, state, rule._lr * factors[t])
    return Run(steps=marks, summaries=out, beta=beta, tail=tail, trajectory=path)


def sweep(make_loss, optimizer: str, lam1, lr, beta0, steps: int, *, hyper=None, **run_kw) -> Run:
    """Run `optimizer` on the grid λ1 x α x starting points in one vectorised call.

    `make_loss(lam1)` builds the loss for an array of penalties (e.g. `ndgm.losses.ToyLasso`, or
    `lambda l: GeneralLasso(W, y, l)`); `beta0` has shape (S, P), one row per seed. The result's
    batch axes are (lam1, lr, seed): `result.final("l1")` has shape (len(lam1), len(lr), S).
    """
    lam1 = validation.nonnegative("lam1", lam1).reshape(-1)
    lr = validation.positive("lr", lr).reshape(-1)
    beta0 = validation.real_array("beta0", beta0, ndim=2)
    loss = make_loss(lam1[:, None, None])
    rule = optim.make(optimizer, lr[None, :, None], **(hyper or {}))
    result = run(loss, rule, beta0[None, None], steps, **run_kw)
    result.axes = ("lam1", "lr", "seed")
    return result
