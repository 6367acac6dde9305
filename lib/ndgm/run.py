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
    "loss": lambda loss, beta, tau: loss.value(beta, check=False),
    "l1": lambda loss, beta, tau: np.sum(np.abs(beta), axis=-1),
    "linf": lambda loss, beta, tau: np.max(np.abs(beta), axis=-1),
    "small": lambda loss, beta, tau: np.mean(np.abs(beta) < tau, axis=-1),
    "zeros": lambda loss, beta, tau: np.mean(beta == 0.0, axis=-1),
}
"""Per-step summaries: the loss, ‖β‖₁, ‖β‖∞, the fraction of |β| < τ and the fraction of exact zeros."""


@dataclass
class Run:
    """What `run` returns: summaries at the recorded steps, the final iterate and the last three.

    `run["l1"]` is the summary "l1" at every recorded step.

    Attributes
    ----------
    steps : ndarray of shape (R,)
        The recorded iteration numbers.
    summaries : dict of str to ndarray of shape (R, *batch)
        One array per recorded summary (see `SUMMARIES`).
    beta : ndarray of shape (*batch, P)
        The final iterate β_T.
    tail : ndarray of shape (3, *batch, P)
        The last three iterates β_{T−2}, β_{T−1}, β_T.
    trajectory : ndarray of shape (R, *batch, P) or None
        The iterates at the recorded steps, if `run(trajectory=True)`.
    axes : tuple of str
        Names of the batch axes (set by `sweep`: ("lam1", "lr", "seed")).
    """

    steps: np.ndarray
    summaries: dict[str, np.ndarray]
    beta: np.ndarray
    tail: np.ndarray
    trajectory: np.ndarray | None = None
    axes: tuple[str, ...] = field(default_factory=tuple)

    def __getitem__(self, name):
        return self.summaries[name]

    def final(self, name):
        """A summary at the last step.

        Parameters
        ----------
        name : str
            A recorded summary (see `SUMMARIES`).

        Returns
        -------
        ndarray of shape batch
        """
        return self.summaries[name][-1]

    def period_two(self, rtol=1e-9):
        """Per configuration: β_T = β_{T−2} while β_T ≠ β_{T−1}, the 2-cycle of Proposition B.2.

        Parameters
        ----------
        rtol : float, default 1e-9
            Both comparisons are to `rtol` times the largest |β| in the tail.

        Returns
        -------
        ndarray of bool, shape batch
        """
        a, b, c = self.tail
        scale = np.maximum(np.max(np.abs(self.tail), axis=(0, -1)), np.finfo(float).tiny)
        back = np.max(np.abs(c - a), axis=-1) <= rtol * scale
        moved = np.max(np.abs(c - b), axis=-1) > rtol * scale
        return back & moved


def recorded_steps(steps: int, every: int) -> np.ndarray:
    """The iterations `run(every=...)` records: 0, every, 2·every, ... and always the last step.

    Parameters
    ----------
    steps, every : int
        T and the spacing, both >= 1 (not checked: `run` checks them).

    Returns
    -------
    ndarray of int, shape (R,)
    """
    marks = np.arange(0, steps + 1, every)
    return marks if marks[-1] == steps else np.append(marks, steps)


def log_marks(steps: int, count: int) -> np.ndarray:
    """About `count` iteration numbers from 0 to `steps`, evenly spaced on a log scale (for `run(at=...)`).

    Parameters
    ----------
    steps : int
        T >= 1.
    count : int
        How many marks to aim for, >= 2 (rounding merges some near 1).

    Returns
    -------
    ndarray of int, shape (R,), R <= count
        Increasing, from 0 to T.
    """
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
    """Iterate β_{t+1} = rule(β_t) for `steps` steps from β0, recording summaries.

    With `optim.make("gd", ...)` this is the NDGM iteration of eq. (2), β_{t+1} = β_t − α_t∇̃f(β_t);
    every leading axis of β0, the loss's penalties and data, and α is a configuration, all run at once.

    Parameters
    ----------
    loss : ndgm.losses.Loss
        f, e.g. `ToyLasso` (eq. 7) or `GeneralLasso` (eq. 15).
    rule : ndgm.optim.Rule
        The update, from `ndgm.optim.make`.
    beta0 : array_like of shape (..., P)
        The starting point(s) β_0.
    steps : int
        T >= 1.
    record : tuple of str, default ("loss", "l1")
        Summaries to record, names of `SUMMARIES`.
    every : int, default 1
        Record every `every`-th iteration (and the last).
    at : array_like of int, shape (R,), optional
        The iterations to record instead, increasing, from 0 to T (e.g. `log_marks`).
    tau : float, default 1e-5
        The threshold τ of "small" (|β| < τ).
    schedule : array_like of shape (T,), optional
        Positive factors multiplying α at each step (`optim.constant`, `optim.diminishing`, `optim.reducing`).
    trajectory : bool, default False
        Keep the iterates at the recorded steps.

    Returns
    -------
    Run
        Summaries of shape (R, *batch), the final iterate of shape (*batch, P), where batch is the
        broadcast of β0's leading axes, the loss's `batch_shape` and α's shape.

    Examples
    --------
    >>> from ndgm import losses, optim
    >>> res = run(losses.ToyLasso(lam1=[1.0, 100.0]), optim.make("gd", lr=0.01), [0.5, -0.25], 1000,
    ...           record=("l1",), every=500)
    >>> res.steps
    array([   0,  500, 1000])
    >>> res.final("l1")                          # the paradox: the larger λ1 ends with the larger ‖β‖₁
    array([0.01, 0.75])
    >>> res.period_two()                         # both end in a 2-cycle (Proposition B.2)
    array([ True,  True])
    """
    if not isinstance(loss, Loss):
        raise ValueError(f"loss must be an ndgm.losses.Loss (e.g. ToyLasso(lam1=1.0)); got {type(loss).__name__}")
    if not isinstance(rule, optim.Rule):
        raise ValueError(f"rule must be an ndgm.optim.Rule (e.g. optim.make('gd', lr=0.01)); got {type(rule).__name__}")
    beta = loss.check_beta(beta0)
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
            beta, state = rule.step(loss, beta, state, rule.base_lr * factors[t])
    return Run(steps=marks, summaries=out, beta=beta, tail=tail, trajectory=path)


def sweep(make_loss, optimizer: str, lam1, lr, beta0, steps: int, *, hyper=None, **run_kw) -> Run:
    """Run `optimizer` on the grid λ1 x α x starting points in one vectorised `run` call.

    Parameters
    ----------
    make_loss : callable
        `make_loss(lam1)` builds the loss for an array of penalties of shape (L, 1, 1), e.g.
        `ndgm.losses.ToyLasso` (eq. 7) or `lambda l: GeneralLasso(W, y, l)` (eq. 15).
    optimizer : str
        A name of `ndgm.optim.RULES`, e.g. "gd" (eq. 2).
    lam1 : array_like of shape (L,)
        λ1 >= 0.
    lr : array_like of shape (A,)
        α > 0.
    beta0 : array_like of shape (S, P)
        One starting point per row (seed).
    steps : int
        T >= 1.
    hyper : dict, optional
        The optimizer's own hyper-parameters, passed to `ndgm.optim.make`.
    **run_kw
        Passed to `run` (`record`, `every`, `at`, `tau`, `schedule`, `trajectory`).

    Returns
    -------
    Run
        With batch axes ("lam1", "lr", "seed"): summaries of shape (R, L, A, S), `beta` of shape (L, A, S, P).

    Examples
    --------
    >>> from ndgm import losses
    >>> res = sweep(losses.ToyLasso, "gd", [1.0, 100.0], [0.01, 0.001], [[0.5, -0.25], [0.3, 0.2]], 1000,
    ...             record=("l1",))
    >>> res.axes, res.final("l1").shape
    (('lam1', 'lr', 'seed'), (2, 2, 2))
    >>> res.final("l1")[:, :, 0].round(4)        # first seed: rows λ1, columns α; ‖β_T‖₁ grows with αλ1
    array([[0.01, 0.  ],
           [0.75, 0.15]])
    """
    lam1 = validation.nonnegative("lam1", lam1).reshape(-1)
    lr = validation.positive("lr", lr).reshape(-1)
    beta0 = validation.real_array("beta0", beta0, ndim=2)
    loss = make_loss(lam1[:, None, None])
    rule = optim.make(optimizer, lr[None, :, None], **(hyper or {}))
    result = run(loss, rule, beta0[None, None], steps, **run_kw)
    result.axes = ("lam1", "lr", "seed")
    return result
