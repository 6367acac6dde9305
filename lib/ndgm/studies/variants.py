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
  values vanish without any rounding, and rounding only turns them into exact zeros that then stay;
- the sums over a cycle that order Figure 5's curves on average (`cycle_sums`), and the order at every iteration
  shown, over run lengths (`figure5_order`).

Each result returns the numbers book/optimizer_variants.md prints from a ``numbers()`` method (by glue name),
or, for a list of landings and for settings, from `landing_numbers` and `b5_numbers`.
"""
from __future__ import annotations

from dataclasses import dataclass

import mpmath
import numpy as np

from .. import losses, memo, optim, paper, problems, run, validation

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


def landing_numbers(landings) -> dict:
    """Table 1's column by experiment, by glue name: "t1_stay" and "t1_leave", the optimizers (in the order of
    `landings`, a list of `ZeroLanding`) that keep a coordinate landing on 0 there and those that move it away."""
    return {"t1_stay": ", ".join(z.optimizer for z in landings if z.stays),
            "t1_leave": ", ".join(z.optimizer for z in landings if not z.stays)}


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


def b5_numbers(lam1, steps: int, gamma: float = 0.99, eps: float = 1e-8) -> dict:
    """Proposition B.5's assumption ε ≪ γ^t ≪ 1 at a run of `steps` steps over the penalties `lam1`, by glue name.

    "b5_t": t = `steps`; "b5_gamma_T": γ^t; "b5_jitter_paper" and "b5_jitter_torch": the jitter at the smallest
    λ1 as it enters eq. (21), ε̄/λ1², and torch's step, ε/λ1.
    """
    lam1 = validation.positive_values("lam1", lam1)
    steps = validation.count("steps", steps)
    lo = lam1.min()
    return {"b5_gamma_T": gamma ** steps, "b5_t": steps, "b5_jitter_paper": eps / lo ** 2, "b5_jitter_torch": eps / lo}


@dataclass(frozen=True)
class ExactZeros:
    """The fraction of exact zeros in β_t along the run, per optimizer, λ1 and seed (Propositions B.1, B.4)."""

    lam1: np.ndarray                  # (L,)
    steps: np.ndarray                 # (R,) recorded iterations
    fraction: dict[str, np.ndarray]   # optimizer -> (R, L, S)

    def percent_at_end(self, name: str) -> float:
        """The share of coordinates that are exactly 0 at the last recorded step, over λ1 and seeds, in %."""
        return float(self.fraction[validation.choice("name", name, self.fraction)][-1].mean() * 100)

    def numbers(self) -> dict:
        """The page's numbers on RMSProp's exact zeros (Proposition B.4 in float64), by glue name.

        "ez_rms" and "ez_rms_paper": `percent_at_end` for torch's RMSProp and eqs. (18)-(19); "ez_rms_first" and
        "ez_rms_half": the first recorded step at which torch's share, averaged over λ1 and seeds, is above 0 and
        at least a half (−1 if never); "ez_rms_lam_lo" and "ez_rms_lam_hi": the smallest and largest share at the
        end averaged per λ1, in %; "ez_others": the largest share NDGM, momentum or Adam ever reach, in %
        (Proposition B.1). An entry is left out when its optimizers were not run.
        """
        out, f = {}, self.fraction
        if "rmsprop" in f:
            rms = f["rmsprop"].mean(axis=(1, 2))                                   # (R,)
            per_lam = f["rmsprop"][-1].mean(-1) * 100                              # (L,)
            out.update(ez_rms=self.percent_at_end("rmsprop"),
                       ez_rms_half=int(self.steps[np.argmax(rms >= 0.5)]) if np.any(rms >= 0.5) else -1,
                       ez_rms_first=int(self.steps[np.argmax(rms > 0)]) if np.any(rms > 0) else -1,
                       ez_rms_lam_lo=float(per_lam.min()), ez_rms_lam_hi=float(per_lam.max()))
        if "rmsprop-paper" in f:
            out["ez_rms_paper"] = self.percent_at_end("rmsprop-paper")
        others = [k for k in ("gd", "momentum", "adam") if k in f]
        if others:
            out["ez_others"] = float(max(f[k].max() for k in others) * 100)
        return out


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


@memo.memoized
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

    def step_difference_at_first_zero(self) -> np.ndarray:
        """s_t − s_{t+1} at the step t where the float64 coordinate first reads exactly 0, for its own λ1 (nan if it
        never does, or does only at the last step): (L, S, P)."""
        first, total = self.first_zero(), self.step.shape[0]
        t = np.clip(first, 1, total - 1)
        lam = np.arange(self.lam1.size)[:, None, None]
        return np.where((first > 0) & (first < total), self.step[t - 1, lam] - self.step[t, lam], np.nan)

    def numbers(self, tiny: float = 1e-16, after: int = 1000) -> dict:
        """The page's numbers on the run's first λ1 and first start, by glue name (Propositions B.4 and B.5).

        "ex_digits", "ex_steps", "ex_p": the run; "ex_tiny": `tiny`, below which a cycle value has vanished;
        "ex_n_tiny", "ex_smallest", "ex_kept": how many exact cycle values vanish, the smallest, and the largest
        that does not; "ex_n_float_zero": float64's cycle values that are exactly 0, and "ex_same" whether they are
        the vanishing ones; "ex_first": the first step at which float64 reads 0 (−1 if never); "ex_diff_lo",
        "ex_diff_hi": s_t − s_{t+1} at those steps; "ex_at_zero_max" the largest exact |β_t[k]| there, and
        "ex_at_zero_units" that in spacings of float64 near α ("ex_spacing"); "ex_grid_n", "ex_grid_all",
        "ex_grid_after": `float_grid(after)`; "ex_agree", "ex_flipped": `gap_before_zeros`.
        """
        tiny = float(validation.positive("tiny", tiny))
        cycle_exact, cycle_float = self.cycle_value("exact")[0, 0], self.cycle_value("float64")[0, 0]
        first, at_zero = self.first_zero()[0, 0], self.exact_at_first_zero()[0, 0]
        diff = self.step_difference_at_first_zero()[0, 0]
        grid, gap = self.float_grid(after=after), self.gap_before_zeros()
        kept, hit, seen = cycle_exact[cycle_exact >= tiny], first >= 0, ~np.isnan(diff)
        at_zero_max = float(np.max(at_zero[hit])) if np.any(hit) else np.nan
        return {"ex_digits": self.digits, "ex_steps": self.step.shape[0], "ex_p": cycle_exact.size, "ex_tiny": tiny,
                "ex_n_tiny": int(np.sum(cycle_exact < tiny)), "ex_smallest": float(cycle_exact.min()),
                "ex_n_float_zero": int(np.sum(cycle_float == 0)),
                "ex_same": "the same" if np.array_equal(cycle_float == 0, cycle_exact < tiny) else "not the same",
                "ex_kept": float(kept.max()) if kept.size else np.nan,
                "ex_first": int(first[hit].min()) if np.any(hit) else -1,
                "ex_diff_lo": float(np.min(diff[seen])) if np.any(seen) else np.nan,
                "ex_diff_hi": float(np.max(diff[seen])) if np.any(seen) else np.nan,
                "ex_spacing": grid["spacing"], "ex_at_zero_max": at_zero_max,
                "ex_at_zero_units": float(at_zero_max / grid["spacing"]),
                "ex_grid_n": int(grid["values"].size), "ex_grid_all": "all" if grid["multiples"] else "not all",
                "ex_grid_after": after, "ex_agree": gap["magnitude"], "ex_flipped": gap["flipped"]}

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


# ----- Figure 5: the cycle sums and the order at every iteration shown (Appendix B.4, Proposition B.6) -----

@dataclass(frozen=True)
class CycleSums:
    """The last two losses of Figure 5's runs added, one full two-cycle, each divided by what it should be: (L, S).

    NDGM's by Pαλ1² (eq. 8), exact-arithmetic RMSProp's by Pλ1s_T (s_T the length of its last step, eq. 21), and
    float64 RMSProp's by Pαλ1, so that the last is the share of coordinates not yet exactly 0.
    """

    lam1: np.ndarray       # (L,)
    ndgm: np.ndarray       # (L, S)
    exact: np.ndarray      # (L, S)
    float64: np.ndarray    # (L, S)

    def numbers(self) -> dict:
        """By glue name: "f5_sum_ndgm_err" and "f5_sum_exact_err", the largest relative error of the first two
        ratios; "f5_sum_float_lo" and "f5_sum_float_hi", the smallest and largest float64 ratio, in %."""
        return {"f5_sum_ndgm_err": float(np.max(np.abs(self.ndgm - 1))),
                "f5_sum_exact_err": float(np.max(np.abs(self.exact - 1))),
                "f5_sum_float_lo": float(self.float64.min() * 100), "f5_sum_float_hi": float(self.float64.max() * 100)}


def cycle_sums(curves: TrainingCurves, exact: ExactRMSProp) -> CycleSums:
    """`CycleSums` of NDGM and float64 RMSProp in `curves` and of the exact-arithmetic run `exact` from the same
    starts, penalties and length (e.g. `ndgm.claims.optimizer_variants.exact_rmsprop_like(curves)`)."""
    if exact.loss["exact"].shape != curves.loss["gd"].shape:
        raise ValueError(f"exact must have the curves' shape {curves.loss['gd'].shape}; got {exact.loss['exact'].shape}")
    P, alpha, lam = curves.p, curves.lr, curves.lam1[:, None]
    exact_sum = exact.loss["exact"][-1] + exact.loss["exact"][-2]
    return CycleSums(curves.lam1, curves.cycle_sum("gd") / (P * alpha * lam ** 2),
                     exact_sum / (P * lam * exact.step[-1][:, None]), curves.cycle_sum("rmsprop") / (P * alpha * lam))


def _tag(lam: float) -> str:
    """λ1 in a glue name: 0.001 -> "0001", 100 -> "100"."""
    return f"{lam:g}".replace(".", "")


@dataclass(frozen=True)
class Figure5Order:
    """`paper_order` at several run lengths for each curve put against NDGM, and RMSProp's coordinates left non-zero.

    The paper puts RMSProp above NDGM for λ1 < 1 and below it for λ1 >= 1 over the last `window` iterations.
    """

    curves: TrainingCurves            # Figure 5's curves, e.g. with "rmsprop exact" added (`TrainingCurves.with_curve`)
    ends: np.ndarray                  # (E,) run lengths
    window: int
    fraction: dict[str, np.ndarray]   # other -> (E, L, S): `paper_order` of that curve
    nonzero: np.ndarray | None        # (L, S): float64 RMSProp's coordinates not exactly 0 at the end, if it was run

    def starts_in_order(self, other: str = "rmsprop") -> np.ndarray:
        """How many starts have all of their last `window` iterations in the paper's order: (E, L), as floats."""
        frac = self.fraction[validation.choice("other", other, self.fraction)]
        return (frac == 1).mean(-1) * self.curves.seeds.size

    def numbers(self, short: int, mid: int) -> dict:
        """The page's numbers on Figure 5's order, by glue name, at the λ1 the paper names (tag t: 0.001 -> "0001").

        "f5_end_short|mid|long": the run lengths `short`, `mid` and the whole run; "lam_l<t>": each λ1;
        "f5_l<t>_<length>" (float64 RMSProp), "f5a_..." (Adam), "f5x_..." (exact arithmetic): `starts_in_order`;
        "f5_window"; "f5_step_small" = αλ1 and "f5_ndgm_needs" = 1/(αλ1) at the caption's small λ1, and
        "f5_small_needs" the first length at which most starts are in order there; "f5_l<t>_min" and "f5x_l<t>_max"
        at the caption's large and the text's large λ1; over the last window of the whole run at the example's
        small λ1 (and the caption's, for zeros): "f5_rms_zero_<t>", the starts whose float64 RMSProp loss is
        exactly 0 at some iteration, "f5_ndgm_max_<t>", "f5_rms_max_<t>", "f5x_min_<t>" the loss extremes, and
        "f5x_zero" the exact run's losses equal to 0 (all λ1); "f5_fail_nonzero_max", "f5_pass_nonzero_max":
        the most RMSProp coordinates left non-zero in the starts out of order at the end, and in those in order.
        """
        pairs = paper.FIGURE5_LAMBDA1
        cap_s, cap_l = pairs["Figure 5 caption"]
        ex_s, txt_l = pairs["worked example after Proposition B.6"][0], pairs["Appendix B.4 text"][1]
        lam_i = {float(lam): i for i, lam in enumerate(self.curves.lam1)}
        if not {cap_s, cap_l, ex_s, txt_l} <= set(lam_i):
            raise ValueError(f"the curves must include every λ1 the paper names for Figure 5; got {list(lam_i)}")
        loss, n_starts = self.curves.loss, self.curves.seeds.size
        last = loss["rmsprop"].shape[0] - 1
        col = {int(e): j for j, e in enumerate(self.ends)}
        lengths = {"short": short, "mid": mid, "long": last}
        if not set(lengths.values()) <= set(col):
            raise ValueError(f"short, mid and the run's length must be among the ends {list(col)}; got {lengths}")
        all_in = {k: (v == 1).mean(-1) for k, v in self.fraction.items()}            # (E, L)
        prefix = {"rmsprop": "f5", "adam": "f5a", "rmsprop exact": "f5x"}
        out = {f"f5_end_{name}": f"{e:,}" for name, e in lengths.items()}
        for lam in dict.fromkeys((cap_s, ex_s, txt_l, cap_l)):
            out[f"lam_l{_tag(lam)}"] = f"{lam:g}"
            for other in (k for k in prefix if k in all_in):
                for name, e in lengths.items():
                    out[f"{prefix[other]}_l{_tag(lam)}_{name}"] = float(all_in[other][col[e], lam_i[lam]] * n_starts)
        out["f5_window"] = self.window
        out["f5_step_small"] = self.curves.lr * cap_s
        out["f5_small_needs"] = int(self.ends[np.argmax(all_in["rmsprop"][:, lam_i[cap_s]] > 0.5)])
        window = np.arange(last - self.window + 1, last + 1)                          # the last iterations shown
        rms_zero = (loss["rmsprop"][window] == 0).any(axis=0)                         # (L, S)
        out[f"f5_rms_zero_{_tag(ex_s)}"] = int(rms_zero[lam_i[ex_s]].sum())
        out[f"f5_rms_zero_{_tag(cap_s)}"] = int(rms_zero[lam_i[cap_s]].sum())
        out[f"f5_ndgm_max_{_tag(ex_s)}"] = float(loss["gd"][window, lam_i[ex_s]].max())
        out[f"f5_rms_max_{_tag(ex_s)}"] = float(loss["rmsprop"][window, lam_i[ex_s]].max())
        out["f5_ndgm_needs"] = 1 / (self.curves.lr * cap_s)
        out[f"f5_l{_tag(cap_l)}_min"] = float(all_in["rmsprop"][:, lam_i[cap_l]].min() * n_starts)
        if "rmsprop exact" in all_in:
            out[f"f5x_l{_tag(txt_l)}_max"] = float(all_in["rmsprop exact"][:, lam_i[txt_l]].max() * n_starts)
            exact_window = loss["rmsprop exact"][window]                              # (window, L, S)
            out[f"f5x_min_{_tag(ex_s)}"] = float(exact_window[:, lam_i[ex_s]].min())
            out["f5x_zero"] = int(np.sum(exact_window == 0))
        if self.nonzero is not None:
            failing = self.fraction["rmsprop"][-1, lam_i[ex_s]] < 1                  # (S,)
            out["f5_fail_nonzero_max"] = int(self.nonzero[lam_i[ex_s]][failing].max(initial=0))
            out["f5_pass_nonzero_max"] = int(self.nonzero[lam_i[ex_s]][~failing].max(initial=0))
        return out


def figure5_order(curves: TrainingCurves, ends, window: int = 100, others=("rmsprop", "rmsprop exact", "adam"),
                  ndgm: str = "gd") -> Figure5Order:
    """`paper_order` of each of `others` (those in `curves`) against `ndgm` at each run length in `ends`.

    If `curves` holds float64 RMSProp, its runs are repeated with `exact_zeros` from the same starts to count the
    coordinates that are not exactly 0 at the end.
    """
    others = [k for k in others if k in curves.loss]
    if not others:
        raise ValueError(f"others must name at least one curve of {list(curves.loss)}")
    fraction = {k: paper_order(curves, ends, window=window, other=k, ndgm=ndgm) for k in others}
    nonzero = None
    if "rmsprop" in curves.loss:
        last = curves.loss["rmsprop"].shape[0] - 1
        left = exact_zeros(("rmsprop",), lam1=curves.lam1, lr=curves.lr, seeds=curves.seeds, p=curves.p,
                           steps=last, every=last)
        nonzero = np.round((1 - left.fraction["rmsprop"][-1]) * curves.p).astype(int)     # (L, S)
    return Figure5Order(curves, np.atleast_1d(np.asarray(ends)), int(window), fraction, nonzero)
