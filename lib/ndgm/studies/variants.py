"""Appendix B.3-B.4: what the optimizer variants do with the L1 penalty of the toy LASSO (7).

Each function is a vectorised call of `ndgm.run.run` or `ndgm.run.sweep` on (7) plus a summary, and each
tests one row or statement of the paper:
- Table 1 and Proposition B.3: a coordinate that lands exactly on 0 stays there under NDGM and RMSProp and
  jumps away under momentum, eq. (17) (`zero_landing`);
- Proposition B.5: RMSProp's late iterates barely depend on λ1, with a bound on how much they may
  (`lambda_spread`, `b5_bound`);
- Propositions B.1 and B.4: the exact zeros each optimizer reaches in floating point (`exact_zeros`);
- Figure 5: the training curves of NDGM, RMSProp and Adam and the order Appendix B.4 states between them
  (`training_curves`, `paper_order`);
- torch's RMSProp on (7) in exact arithmetic beside float64 (`rmsprop_exact`, `ExactRMSProp`): its small cycle
  values vanish without any rounding, and rounding only turns them into exact zeros that then stay.
"""
from __future__ import annotations

from dataclasses import dataclass

import mpmath
import numpy as np

from .. import losses, optim, problems, run, validation

@dataclass(frozen=True)
class ZeroLanding:
    """One coordinate under an optimizer on (7), started so that it lands exactly on 0 at step 1."""

    optimizer: str
    trajectory: np.ndarray    # (steps + 1,): β_0, β_1 = 0, β_2, ...

    @property
    def stays(self) -> bool:
        """Table 1's "if the sequence hits 0, it stays 0": β_t = 0 for every t >= 1."""
        return bool(np.all(self.trajectory[1:] == 0.0))


def zero_landing(optimizer: str, lam1: float = 1.0, lr: float = 0.1, steps: int = 30, **hyper) -> ZeroLanding:
    """Start one coordinate at exactly the length of the optimizer's first step, so that β_1 = 0 exactly.

    On (7) the first step depends only on the sign of β0, so it is measured from a start of 1e-300:
    the step rounds 1e-300 + (−s) to exactly −s, and starting at s then lands on 0 with no rounding.
    """
    lam1 = float(validation.positive("lam1", lam1))
    loss, rule = losses.ToyLasso(lam1), optim.make(optimizer, lr, **hyper)
    first = run.run(loss, rule, [1e-300], 1, record=()).beta
    landing = run.run(loss, rule, -first, validation.count("steps", steps, minimum=2), record=(), trajectory=True)
    return ZeroLanding(optimizer, landing.trajectory[:, 0])


def lambda_spread(optimizer: str, lam1, lr: float = 0.1, seeds=range(10), p: int = 10, steps: int = 1000,
                  **hyper) -> np.ndarray:
    """How much the last iterate depends on λ1: max over coordinates of (max − min over λ1) of |β_T|, in units of α.

    One value per seed, every λ1 run from the same β0 ~ U[-1, 1]^P (Table 1, Proposition B.5). Magnitudes,
    because under RMSProp a coordinate that hovers at 0 takes either sign on a rounding error's whim.
    """
    lam1, lr = validation.positive_values("lam1", lam1), float(validation.positive("lr", lr))
    beta0 = problems.starts(seeds, validation.count("p", p))
    res = run.sweep(losses.ToyLasso, optimizer, lam1, [lr], beta0, steps, record=(), every=steps, hyper=hyper)
    last = np.abs(res.beta[:, 0])                           # (L, S, P)
    return (last.max(axis=0) - last.min(axis=0)).max(axis=-1) / lr


def lambda_spreads(optimizers, grids: dict, lr: float = 0.1, seeds=range(10), p: int = 10,
                   steps: int = 1000) -> dict:
    """`lambda_spread` for each optimizer and each named grid of λ1: {(optimizer, grid name): (S,) in units of α}."""
    if len(optimizers) == 0 or len(grids) == 0:
        raise ValueError("optimizers and grids must each name at least one")
    return {(name, grid): lambda_spread(name, lam1, lr=lr, seeds=seeds, p=p, steps=steps)
            for name in optimizers for grid, lam1 in grids.items()}


def b5_bound(lam1, steps: int, convention: str = "rmsprop", gamma: float = 0.99, eps: float = 1e-8) -> float:
    """Bound on `lambda_spread` for RMSProp on (7) over `steps` steps while the runs' signs agree, in units of α.

    With g = ±λ1, v_t = (1 − γ^t)λ1², so torch's step is α/(√(1 − γ^t) + ε/λ1) and that of eqs. (18)-(19)
    (convention "rmsprop-paper") is α/√(1 − γ^t + ε/λ1²), eq. (21). Between the smallest and the largest
    λ1 the step changes by at most αε(1/a − 1/b)/(1 − γ^t), or αε(1/a² − 1/b²)/(2(1 − γ^t)^{3/2});
    the bound is the sum over the steps.
    """
    lam1 = validation.positive_values("lam1", lam1)
    steps = validation.count("steps", steps)
    validation.choice("convention", convention, ("rmsprop", "rmsprop-paper"))
    gamma = float(validation.in_range("gamma", gamma, low=0.0, high=1.0, low_open=True))
    eps = float(validation.positive("eps", eps))
    c = 1.0 - gamma ** np.arange(1, steps + 1)
    a, b = lam1.min(), lam1.max()
    if convention == "rmsprop":
        return float(eps * (1.0 / a - 1.0 / b) * np.sum(1.0 / c))
    return float(eps * (1.0 / a ** 2 - 1.0 / b ** 2) * np.sum(0.5 / c ** 1.5))


@dataclass(frozen=True)
class ExactZeros:
    """The fraction of exact zeros in β_t along the run, per optimizer, λ1 and seed (Propositions B.1, B.4)."""

    lam1: np.ndarray                  # (L,)
    steps: np.ndarray                 # (R,) recorded iterations
    fraction: dict[str, np.ndarray]   # optimizer -> (R, L, S)


def exact_zeros(optimizers=("gd", "rmsprop", "rmsprop-paper", "adam"), lam1=(0.001, 1.0, 100.0), lr: float = 0.1,
                seeds=range(10), p: int = 10, steps: int = 5000, every: int = 100) -> ExactZeros:
    """Run each optimizer on (7) from β0 ~ U[-1, 1]^P and record how many coordinates are exactly 0."""
    lam1, lr = validation.positive_values("lam1", lam1), float(validation.positive("lr", lr))
    if len(optimizers) == 0:
        raise ValueError("optimizers must name at least one optimizer")
    beta0 = problems.starts(seeds, validation.count("p", p))
    runs = {name: run.sweep(losses.ToyLasso, name, lam1, [lr], beta0, steps, record=("zeros",), every=every)
            for name in optimizers}
    return ExactZeros(lam1, next(iter(runs.values())).steps, {k: r["zeros"][:, :, 0] for k, r in runs.items()})


@dataclass(frozen=True)
class TrainingCurves:
    """The loss (7) at every iteration for several optimizers: Figure 5's curves over λ1 x seeds."""

    lam1: np.ndarray                  # (L,)
    lr: float
    p: int
    seeds: np.ndarray                 # (S,)
    loss: dict[str, np.ndarray]       # optimizer -> (T + 1, L, S)

    def cycle_sum(self, name: str) -> np.ndarray:
        """The last two losses added, (L, S): one full two-cycle, twice the cycle's average.

        For NDGM in its cycle this is exactly Pαλ1² (each coordinate gives λ1γ_k and λ1(αλ1 − γ_k), eq. 8);
        for RMSProp in exact arithmetic it is Pλ1s_T, s_T → α the step length of (21).
        """
        loss = self.loss[validation.choice("name", name, self.loss)]
        return loss[-1] + loss[-2]

    def with_curve(self, name: str, loss) -> "TrainingCurves":
        """These curves with one more, `loss` of shape (T + 1, L, S) (e.g. `ExactRMSProp.loss["exact"]`)."""
        loss = validation.real_array("loss", loss)
        if loss.shape != self.loss[next(iter(self.loss))].shape:
            raise ValueError(f"loss must have the curves' shape {self.loss[next(iter(self.loss))].shape}; got {loss.shape}")
        return TrainingCurves(self.lam1, self.lr, self.p, self.seeds, {**self.loss, name: loss})


def training_curves(lam1=(0.001, 0.01, 1.0, 100.0), lr: float = 0.1, p: int = 10, seeds=range(10),
                    steps: int = 20000, optimizers=("gd", "rmsprop", "adam")) -> TrainingCurves:
    """Each optimizer on (7) from the same starts β0 ~ U[-1, 1]^P, recording the loss at every step."""
    lam1, lr = validation.positive_values("lam1", lam1), float(validation.positive("lr", lr))
    p = validation.count("p", p)
    seeds = validation.seeds(seeds)
    if len(optimizers) == 0:
        raise ValueError("optimizers must name at least one optimizer")
    beta0 = problems.starts(seeds, p)
    curves = {name: run.sweep(losses.ToyLasso, validation.choice("optimizers", name, optim.RULES), lam1, [lr],
                              beta0, steps, record=("loss",))["loss"][:, :, 0]
              for name in optimizers}
    return TrainingCurves(lam1, lr, p, np.array(seeds), curves)


def paper_order(curves: TrainingCurves, ends, window: int = 100, other: str = "rmsprop",
                ndgm: str = "gd") -> np.ndarray:
    """Fraction of the `window` iterations up to each end at which the curves are ordered as Appendix B.4 says.

    The paper puts RMSProp above NDGM for λ1 < 1 and NDGM above RMSProp for λ1 >= 1 (its text says
    λ1 = 1, its caption 100). Shape (len(ends), L, S).
    """
    for name in (other, ndgm):
        validation.choice("optimizer", name, curves.loss)
    window = validation.count("window", window)
    total = curves.loss[ndgm].shape[0] - 1
    ends = np.array([validation.count("ends", e, minimum=window - 1) for e in np.atleast_1d(ends)])
    if ends.max() > total:
        raise ValueError(f"ends must lie between window - 1 ({window - 1}) and the run's length ({total}); got {ends}")
    idx = ends[:, None] - np.arange(window)[None, :]                       # (E, window)
    a, b = curves.loss[ndgm][idx], curves.loss[other][idx]                  # (E, window, L, S)
    ndgm_above = curves.lam1[:, None] >= 1.0
    ordered = np.where(ndgm_above, a > b, b > a)
    return ordered.mean(axis=1)


# ----- torch's RMSProp on (7) in exact arithmetic (Propositions B.4 and B.5, Figure 5) ------------

@dataclass(frozen=True)
class ExactRMSProp:
    """torch's RMSProp on (7) from the same starts twice: in float64 and in exact arithmetic.

    The float64 run is `ndgm.optim`'s "rmsprop", which repeats torch.optim.RMSprop operation for operation.
    The exact run applies the same recursion, v ← γv + (1 − γ)g², β ← β − αg/(√v + ε) with g = λ1 sign(β),
    to the same float64 constants and starts without rounding; only the square root is inexact, and it is
    carried to `digits` significant digits. Losses are λ1‖β_t‖₁; exact values are stored rounded to float64.
    """

    lam1: np.ndarray                          # (L,)
    lr: float
    seeds: np.ndarray                         # (S,)
    digits: int
    step: np.ndarray                          # (T, L): s_t = αλ1/(√v_t + ε), the exact length of step t = 1..T
    loss: dict[str, np.ndarray]               # "exact", "float64" -> (T + 1, L, S)
    trajectory: dict[str, np.ndarray] | None  # "exact", "float64" -> (T + 1, L, S, P), if asked for

    def _paths(self):
        if self.trajectory is None:
            raise ValueError("trajectory was not recorded: run rmsprop_exact with trajectory=True")
        return self.trajectory

    def cycle_value(self, kind: str = "exact") -> np.ndarray:
        """The smaller |β[k]| of the last two iterates, the value next to 0 of each coordinate's cycle: (L, S, P)."""
        path = self._paths()[validation.choice("kind", kind, ("exact", "float64"))]
        return np.abs(path[-2:]).min(axis=0)

    def first_zero(self) -> np.ndarray:
        """The first step at which the float64 coordinate is exactly 0 (it stays there, Table 1), or −1: (L, S, P)."""
        zero = self._paths()["float64"] == 0.0
        return np.where(zero.any(axis=0), np.argmax(zero, axis=0), -1)

    def exact_at_first_zero(self) -> np.ndarray:
        """|β_t[k]| of the exact run at the step where float64 first reads exactly 0 (nan if it never does): (L, S, P)."""
        t = self.first_zero()
        exact = np.take_along_axis(np.abs(self._paths()["exact"]), np.maximum(t, 0)[None], axis=0)[0]
        return np.where(t >= 0, exact, np.nan)

    def float_grid(self, after: int = 1000) -> dict:
        """The non-zero float64 values |β_t[k]| < α/2 from step `after` on, against the spacing of float64 near α.

        Late in the run such a value is the float64 sum of a number near ∓α and the step s_t near ±α, which is
        exact (Sterbenz's lemma) and so a whole multiple of that spacing: float64 has nothing between 0 and it.
        Returns "values" (V,), "spacing" (float) and "multiples" (bool: every value is a whole multiple).
        """
        path = self._paths()["float64"][validation.count("after", after, minimum=0):]
        values = np.abs(path[(np.abs(path) < self.lr / 2) & (path != 0.0)])
        spacing = float(np.spacing(self.lr))
        return {"values": values, "spacing": spacing, "multiples": bool(np.all(np.mod(values, spacing) == 0.0))}

    def step_difference(self, t) -> np.ndarray:
        """s_t − s_{t+1}, by how much two consecutive steps differ at step t (1-based): shape of t + (L,)."""
        t = np.asarray(t, dtype=int)
        if np.any(t < 1) or np.any(t >= self.step.shape[0]):
            raise ValueError(f"t must lie between 1 and {self.step.shape[0] - 1}; got {t}")
        return self.step[t - 1] - self.step[t]

    def gap_before_zeros(self) -> dict:
        """How the runs compare before float64's first exact zero (or over the whole run, if there is none).

        "magnitude": the largest ||β_exact| − |β_float64|| over steps and coordinates; "flipped": how many
        coordinates have the opposite sign in the two runs at some step, which happens when float64 rounds a
        value next to 0 to the other side and then follows the mirror image of the exact run.
        """
        first = self.first_zero()
        end = int(first[first >= 0].min()) if np.any(first >= 0) else self.step.shape[0] + 1
        exact, rounded = self._paths()["exact"][:end], self._paths()["float64"][:end]
        return {"magnitude": float(np.max(np.abs(np.abs(exact) - np.abs(rounded)))),
                "flipped": int(np.sum(np.any(np.sign(exact) != np.sign(rounded), axis=0)))}


def rmsprop_exact(lam1=(1.0,), lr: float = 0.1, seeds=range(1), p: int = 10, steps: int = 3000, digits: int = 60,
                  trajectory: bool = True, gamma: float = 0.99, eps: float = 1e-8) -> ExactRMSProp:
    """torch's RMSProp on (7) from β0 ~ U[−1, 1]^P per seed, in float64 and in exact arithmetic (`ExactRMSProp`).

    With no exact zero every gradient is ±λ1, so every coordinate shares v_t = (1 − γ^t)λ1² (eq. 20) and the
    step s_t = αλ1/(√v_t + ε). Each s_t is computed with mpmath and rounded to a multiple of 2^-K, K bits
    being `digits` decimal digits; the iterates are then updated as exact integers in units of 2^-K, so after
    T steps each is within T·2^-(K+1) of the true value. A ValueError asks for more `digits` if some |β_t[k]|
    comes within that error of 0, where the sign, and with it the exact run, could be wrong.
    """

    lam1, lr = validation.positive_values("lam1", lam1), float(validation.positive("lr", lr))
    steps = validation.count("steps", steps)
    digits = validation.count("digits", digits, minimum=16)
    if digits > 300:
        raise ValueError(f"digits must be at most 300 (the iterates are read back as float64); got {digits}")
    gamma = float(validation.in_range("gamma", gamma, low=0.0, high=1.0, low_open=True, high_open=True))
    eps = float(validation.positive("eps", eps))
    seeds = validation.seeds(seeds)
    beta0 = problems.starts(seeds, validation.count("p", p))                  # (S, P)
    bits = int(np.ceil(digits * np.log2(10.0)))
    unit = 1 << bits

    with mpmath.workprec(bits + 64):
        g, a, e = mpmath.mpf(gamma), mpmath.mpf(lr), mpmath.mpf(eps)
        lengths = []                                                       # per λ1: the integers S_t = s_t·2^K
        for lam in lam1:
            lam_, v, row = mpmath.mpf(float(lam)), mpmath.mpf(0), []
            for _ in range(steps):
                v = g * v + (1 - g) * lam_ * lam_
                row.append(int(mpmath.nint(a * lam_ / (mpmath.sqrt(v) + e) * unit)))
            lengths.append(row)

    def exact_int(x):                                                      # x·2^K for a float64 x, rounded
        num, den = float(x).as_integer_ratio()
        return (num * unit + den // 2) // den if den <= unit else round(num * unit / den)

    B = np.array([[exact_int(x) for x in row] for row in beta0], dtype=object)
    B = np.broadcast_to(B, (lam1.size, *beta0.shape)).copy()                # (L, S, P) of Python ints
    S = np.array(lengths, dtype=object).T[:, :, None, None]                 # (T, L, 1, 1)
    exact_path = np.empty((steps + 1, *B.shape)) if trajectory else None
    exact_loss = np.empty((steps + 1, lam1.size, len(seeds)))
    closest = np.abs(B).min()                                               # in units of 2^-K
    for t in range(steps + 1):
        if t > 0:
            sign = ((B > 0).astype(int) - (B < 0).astype(int)).astype(object)
            B = B - sign * S[t - 1]
            closest = min(closest, np.abs(B).min())
        beta = B.astype(float) / float(unit)                                # exact, rounded once to float64
        exact_loss[t] = lam1[:, None] * np.abs(beta).sum(axis=-1)
        if trajectory:
            exact_path[t] = beta
    if closest <= steps:
        raise ValueError(f"digits = {digits} is too few for {steps} steps: an iterate came within the run's "
                         f"rounding of 0; increase digits")

    res = run.sweep(losses.ToyLasso, "rmsprop", lam1, [lr], beta0, steps, record=("loss",), trajectory=trajectory,
                    hyper={"gamma": gamma, "eps": eps})
    paths = {"exact": exact_path, "float64": res.trajectory[:, :, 0]} if trajectory else None
    step = np.array([[s / unit for s in row] for row in lengths]).T          # (T, L)
    return ExactRMSProp(lam1, lr, np.array(seeds), digits, step,
                        {"exact": exact_loss, "float64": res["loss"][:, :, 0]}, paths)
