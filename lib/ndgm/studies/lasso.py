"""Section 4 and Appendix B.1-B.2: what NDGM does with an L1 penalty.

Everything here is a vectorised call of `ndgm.run.run` or `ndgm.run.sweep` plus a summary:
- the toy LASSO (7): Section 4's two-dimensional example, Propositions 4.1 / B.1 / B.2 / B.6 and
  eq. (9), over a grid of λ1 x α x seeds (`two_d_example`, `toy_cycles`), and the dimension from which
  eq. (9) fails (`eq9_scan`);
- the general LASSO (15) of Appendix B.2: NDGM beside the exact minimiser (scikit-learn) and the
  proximal gradient method, how fast ISTA closes its gap to the minimum, and the search for the paper's
  1.62 and 25.4 (`general_lasso_curve`, `ista_gaps`, `b2_search`).

Each result's `numbers()` returns the numbers the page's prose prints, by glue name (`paper_numbers` the paper's
own settings, `checks_numbers` those of the page's grids of `toy_cycles`), so the page glues them in one line.

The optimizer variants of Appendix B.3-B.4 (Table 1, Propositions B.3-B.5, Figure 5) are in `ndgm.studies.variants`.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from sklearn.linear_model import Lasso

from .. import losses, memo, optim, paper, problems, run, validation

B2_TARGETS = paper.B2_L1
"""Appendix B.2's two printed L1 norms (`ndgm.paper.B2_L1`): the small λ1 (the text names two) and λ1 = 10."""


def paper_numbers() -> dict:
    """The paper's settings that the page quotes (`ndgm.paper`), by glue name: Section 4's two-dimensional example
    (β0, α, the reduced α, its two λ1 and the steps αλ1), the start range of Proposition 4.1, the shape of W in (15),
    and Appendix B.2's printed L1 norms, penalties and fold."""
    small_runs, small_result = paper.B2_LAMBDA1_SMALL.values()
    return {
        "beta0_2d": "[" + ", ".join(f"{x:.4f}" for x in paper.TWO_D_BETA0) + "]",
        "alpha_2d": paper.TWO_D_ALPHA,
        "alpha_red": paper.TWO_D_REDUCED_ALPHA,
        "lam_lo": paper.TWO_D_LAMBDA1[0],
        "lam_hi": paper.TWO_D_LAMBDA1[1],
        "step_hi": paper.TWO_D_ALPHA * paper.TWO_D_LAMBDA1[1],
        "step_lo": paper.TWO_D_ALPHA * paper.TWO_D_LAMBDA1[0],
        "p_2d": len(paper.TWO_D_BETA0),
        "start_range": "[{:g}, {:g}]".format(*paper.TOY_START_RANGE),
        "gen_n": paper.GENERAL_LASSO_SHAPE[0],
        "gen_p": paper.GENERAL_LASSO_SHAPE[1],
        "b2_target_small": paper.B2_L1[0],
        "b2_target_big": paper.B2_L1[1],
        "b2_lam_runs": small_runs,
        "b2_lam_result": small_result,
        "b2_lam_big": paper.B2_LAMBDA1_LARGE,
        "b2_fold": paper.B2_FOLD[0],
        "b2_paper_ratio": paper.B2_L1[1] / paper.B2_L1[0],
    }


def cycle_steps(beta0, step) -> int:
    """Steps after which every coordinate of NDGM on (7) is in its 2-cycle, with the last three iterates inside it.

    A coordinate moves by `step` = αλ1 towards 0 until it lies in (−αλ1, αλ1), which takes at most
    ⌈|β0[k]|/αλ1⌉ steps (the N0 of Proposition B.2); two more put β_{T−2}, β_{T−1}, β_T in the cycle.
    """
    beta0 = validation.real_array("beta0", beta0)
    step = validation.positive("step", step)
    return int(np.ceil(np.max(np.abs(beta0)) / np.min(step))) + 2


# ----- the toy LASSO (7) ------------------------------------------------------------------------

@dataclass(frozen=True)
class TwoDExample:
    """Section 4's example: NDGM on (7) from β0 = [0.5053, 0.5053], α reduced once (the "reducing" regime)."""

    lam1: np.ndarray          # (L,)
    lr: float
    reduced_lr: float
    switch: int               # α is reduced after this many steps; the run lasts 2·switch steps
    trajectory: np.ndarray    # (2·switch + 1, L, 2): every iterate

    def _end(self, stage):
        return self.switch * (1 + validation.choice("stage", stage, (0, 1)))

    def cycle(self, stage: int) -> np.ndarray:
        """The two vectors the run alternates between at the end of stage 0 (α) or 1 (reduced α): (L, 2, 2).

        For each λ1 the first vector is the one with the larger coordinate sum.
        """
        end = self._end(stage)
        pair = self.trajectory[end - 1:end + 1].swapaxes(0, 1).copy()    # (L, 2, 2)
        flip = pair[:, 0].sum(-1) < pair[:, 1].sum(-1)
        pair[flip] = pair[flip, ::-1]
        return pair

    def is_cycle(self, stage: int) -> np.ndarray:
        """Per λ1: the iterate two steps before the end of the stage equals the last one (period 2)."""
        end = self._end(stage)
        return np.all(np.isclose(self.trajectory[end], self.trajectory[end - 2], rtol=1e-9, atol=1e-15), axis=-1)

    def cycle_l1(self, stage: int) -> np.ndarray:
        """‖β‖₁ of the two vectors of `cycle(stage)`, shape (L, 2)."""
        return np.abs(self.cycle(stage)).sum(-1)

    def numbers(self) -> dict:
        """The example's numbers by glue name: steps at each step size, and ‖β‖₁ over the cycle for the first
        (small) and last (large) λ1: its largest and smallest value, the ratio of the cycle averages at α, and the
        largest values at the reduced α."""
        first, second = self.cycle_l1(0), self.cycle_l1(1)           # (λ1, vector)
        return {
            "two_d_switch": self.switch,
            "twod_small_max": float(first[0].max()),
            "twod_big_min": float(first[-1].min()),
            "twod_ratio": float(first[-1].mean() / first[0].mean()),
            "twod_big_reduced_max": float(second[-1].max()),
            "twod_small_reduced_max": float(second[0].max()),
        }


def two_d_example(lam1=paper.TWO_D_LAMBDA1, lr: float = paper.TWO_D_ALPHA,
                  reduced_lr: float = paper.TWO_D_REDUCED_ALPHA, switch: int = 100,
                  beta0=problems.BETA0_2D) -> TwoDExample:
    """NDGM on (7) for each λ1: `switch` steps with α, then `switch` more with `reduced_lr`, from β0.

    The defaults are the paper's (`ndgm.paper.TWO_D_LAMBDA1`, `TWO_D_ALPHA`, `TWO_D_REDUCED_ALPHA`)."""
    lam1 = validation.positive_values("lam1", lam1)
    lr = float(validation.positive("lr", lr))
    reduced_lr = float(validation.in_range("reduced_lr", reduced_lr, low=0.0, high=lr, low_open=True))
    switch = validation.count("switch", switch, minimum=2)
    schedule = optim.reducing(2 * switch, switch, reduced_lr / lr)
    res = run.run(losses.ToyLasso(lam1), optim.make("gd", lr), beta0, 2 * switch, record=(),
                  schedule=schedule, trajectory=True)
    return TwoDExample(lam1, lr, reduced_lr, switch, res.trajectory)


@dataclass(frozen=True)
class ToyCycles:
    """NDGM on (7) over λ1 x α x seeds, summarised at the end (Propositions 4.1, B.1, B.2, B.6; eq. 9).

    Arrays have the batch axes (lam1, lr, seed), and a trailing P axis where it says so.
    """

    p: int
    lam1: np.ndarray          # (L,)
    lr: np.ndarray            # (A,)
    steps: int
    nonzero: np.ndarray       # (L, A, S): no coordinate was ever exactly 0 (by eq. 11 a zero would last to the end)
    period_two: np.ndarray    # (L, A, S): β_T = β_{T−2} ≠ β_{T−1}
    gamma: np.ndarray         # (L, A, S, P): the positive value γ_k of each coordinate's cycle, eq. (8)
    jump: np.ndarray          # (L, A, S, P): γ_k minus the negative value; (8) says it is αλ1
    l1_low: np.ndarray        # (L, A, S): the smaller ‖β‖₁ of the last two iterates (lim inf)
    l1_high: np.ndarray       # (L, A, S): the larger one (lim sup)

    @property
    def step(self) -> np.ndarray:
        """αλ1 with shape (L, A, 1): each coordinate's jump, and eq. (9)'s bound on ‖β‖₁."""
        return (self.lam1[:, None] * self.lr[None, :])[..., None]

    @property
    def b6_bound(self) -> np.ndarray:
        """Proposition B.6's bound Pαλ1 on lim sup ‖β_N‖₁, shape (L, A, 1)."""
        return self.p * self.step

    def holds_4_1(self, rtol: float = 1e-9) -> np.ndarray:
        """Per run: Proposition 4.1 holds (all non-zero, period 2, γ_k ∈ (0, αλ1), jump αλ1 to rtol)."""
        step = self.step[..., None]
        gamma_ok = np.all((self.gamma > 0) & (self.gamma < step), axis=-1)
        jump_ok = np.all(np.abs(self.jump - step) <= rtol * step, axis=-1)
        return self.nonzero & self.period_two & gamma_ok & jump_ok

    @property
    def starts(self) -> int:
        """The number of random starts S."""
        return int(self.nonzero.shape[-1])

    @property
    def runs(self) -> int:
        """The number of runs, L·A·S."""
        return int(self.l1_low.size)

    @property
    def mean_l1(self) -> np.ndarray:
        """The cycle's average ‖β‖₁, (lim inf + lim sup)/2, averaged over starts: shape (L, A). By eq. (8) it is
        Pαλ1/2."""
        return (self.l1_low + self.l1_high).mean(-1) / 2

    @property
    def cycle_sum_error(self) -> float:
        """The largest relative error of the cycle sum lim inf + lim sup = Pαλ1 (eq. 8) over the runs."""
        return float(np.max(np.abs(self.l1_low + self.l1_high - self.b6_bound) / self.b6_bound))

    @property
    def b6_share(self) -> float:
        """The fraction of runs within Proposition B.6's bounds, 0 < lim inf and lim sup < Pαλ1."""
        return float(np.mean((self.l1_low > 0) & (self.l1_high < self.b6_bound)))

    @property
    def eq9_violated(self):
        """The fraction of runs whose larger cycle value of ‖β‖₁ is >= αλ1, breaking eq. (9)."""
        return np.mean(self.l1_high >= self.step)

    @property
    def eq9_violated_low(self):
        """The fraction of runs whose smaller cycle value of ‖β‖₁ is >= αλ1 as well."""
        return np.mean(self.l1_low >= self.step)

    @property
    def high_over_step(self) -> np.ndarray:
        """The larger cycle value of ‖β‖₁ over eq. (9)'s bound αλ1, shape (L, A, S)."""
        return self.l1_high / self.step

    @property
    def best_bound_holds(self) -> bool:
        """The cited constant-step bound, corrected (f_best − f* ≤ G²α/2 with G = λ1√P): the smaller cycle value
        of ‖β‖₁ is at most Pαλ1/2 in every run."""
        return bool(np.all(self.l1_low <= self.b6_bound / 2))

    def numbers(self) -> dict:
        """The grid's numbers by name (a page glues them under a prefix, e.g. "curve_"): P, the number of starts,
        step sizes and runs, the fraction of runs within Proposition B.6, the largest relative error of the cycle
        sum Pαλ1 (eq. 8), the growth of the average ‖β‖₁ at the first α from the first to the last λ1, and the
        ratio of those λ1."""
        mean_l1 = self.mean_l1
        return {
            "p": self.p,
            "starts": self.starts,
            "n_lr": int(self.lr.size),
            "runs": self.runs,
            "b6": self.b6_share,
            "sum_err": self.cycle_sum_error,
            "growth": float(mean_l1[-1, 0] / mean_l1[0, 0]),
            "lam_ratio": float(self.lam1[-1] / self.lam1[0]),
        }


def toy_cycles(p: int, lam1, lr, seeds=range(10), steps: int | None = None) -> ToyCycles:
    """NDGM on (7) in dimension P for every λ1 x α x seed (β0 ~ U[-1, 1]^P), run into its 2-cycle.

    `steps` defaults to `cycle_steps`, enough for every run of the grid to be in its cycle.
    """
    p = validation.count("p", p)
    lam1, lr = validation.positive_values("lam1", lam1), validation.positive_values("lr", lr)
    beta0 = problems.starts(seeds, p)
    need = cycle_steps(beta0, lam1.min() * lr.min())
    steps = need if steps is None else validation.count("steps", steps)
    res = run.sweep(losses.ToyLasso, "gd", lam1, lr, beta0, steps, record=("zeros",), every=steps)
    last = res.tail[1:]
    high, low = last.max(axis=0), last.min(axis=0)
    l1 = np.abs(last).sum(axis=-1)
    return ToyCycles(p, lam1, lr, steps, nonzero=res.final("zeros") == 0, period_two=res.period_two(),
                     gamma=high, jump=high - low, l1_low=l1.min(axis=0), l1_high=l1.max(axis=0))


def checks_numbers(checks: dict) -> dict:
    """The numbers of a page's grids of `toy_cycles`, `checks` = {P: ToyCycles} with the one-dimensional control
    first, by glue name: the three dimensions (control, the second, the last), how many runs of the grids after
    the control satisfy Proposition 4.1 and their starts, and for each of the three dimensions the percentage of
    runs whose larger (and smaller) cycle value of ‖β‖₁ breaks eq. (9) and the median larger value / αλ1; then the
    fraction of grids in which the corrected bound (smaller value <= Pαλ1/2) holds in every run."""
    ps = list(checks)
    if len(ps) < 2:
        raise ValueError(f"checks must hold the grids of at least two dimensions, the control first; got {ps}")
    dims = ps[1:]
    out = {"p_control": ps[0], "p_mid": ps[1], "p_big": ps[-1],
           "p41_runs": int(sum(checks[p].holds_4_1().size for p in dims)),
           "p41_starts": checks[dims[0]].starts,
           "p41_holds": int(sum(checks[p].holds_4_1().sum() for p in dims))}
    for name, p in (("control", ps[0]), ("mid", ps[1]), ("big", ps[-1])):
        c = checks[p]
        out[f"eq9_high_{name}"] = float(c.eq9_violated * 100)
        out[f"eq9_low_{name}"] = float(c.eq9_violated_low * 100)
        out[f"eq9_ratio_{name}"] = float(np.median(c.high_over_step))
    out["eq9_best_ok"] = float(np.mean([checks[p].best_bound_holds for p in checks]))
    return out


@dataclass(frozen=True)
class Eq9Scan:
    """Eq. (9), lim ‖β_k‖₁ < αλ1, against NDGM's 2-cycle on (7) in each dimension P of a scan (`eq9_scan`).

    The cycle's two values of ‖β‖₁ add up to Pαλ1 (Proposition 4.1), so the larger is at least Pαλ1/2: from
    P = 2 on it is at least αλ1 and the strict bound (9) fails in every run."""

    p: np.ndarray               # (K,) dimensions P, increasing
    violated: np.ndarray        # (K,) fraction of runs whose larger cycle value of ‖β‖₁ is >= αλ1
    high_over_step: np.ndarray  # (K,) the smallest (larger cycle value)/αλ1 over the runs

    @property
    def fails_from(self) -> int | None:
        """The smallest P of the scan from which on (at it and at every larger P of the scan) (9) fails in every
        run; None when it does not fail in every run at the largest P."""
        every = self.violated == 1.0
        if not every[-1]:
            return None
        k = every.size - int(np.argmin(every[::-1])) if not every.all() else 0
        return int(self.p[k])

    def numbers(self) -> dict:
        """The scan's number by glue name: the P from which (9) fails in every run (`fails_from`)."""
        return {"eq9_fails_from": self.fails_from}


def eq9_scan(p=(1, 2, 3, 4), lam1=(1.0,), lr=(0.1,), seeds=range(10)) -> Eq9Scan:
    """Eq. (9) in each dimension P of `p` (K,): `toy_cycles` over λ1 x α x seeds, and how often the larger value of
    ‖β‖₁ in the 2-cycle reaches αλ1.

    Examples
    --------
    >>> eq9_scan(p=(1, 2, 3)).fails_from
    2
    """
    dims = np.array([validation.count("p", d) for d in np.atleast_1d(p)])
    if np.any(np.diff(dims) <= 0):
        raise ValueError(f"p must be increasing; got {dims.tolist()}")
    runs = [toy_cycles(int(d), lam1, lr, seeds) for d in dims]
    return Eq9Scan(dims, np.array([c.eq9_violated for c in runs]), np.array([np.min(c.high_over_step) for c in runs]))


# ----- the general LASSO (15), Appendix B.2 -------------------------------------------------------

def smooth_lipschitz(W) -> float:
    """L = 2σ_max(W)²/N, the Lipschitz constant of the gradient of (1/N)‖y − Wβ‖², the smooth part of (15)."""
    W = validation.real_array("W", W, ndim=2)
    return float(2.0 * np.linalg.norm(W, 2) ** 2 / W.shape[0])


def exact_lasso(W, y, lam1, tol: float = 1e-12, max_iter: int = 1_000_000) -> np.ndarray:
    """The minimiser of (15) for each λ1, shape (L, P), by scikit-learn's coordinate descent.

    `Lasso(alpha=a)` minimises (1/2N)‖y − Wβ‖² + a‖β‖₁, which is half of (15) when a = λ1/2.
    """

    W = validation.real_array("W", W, ndim=2)
    y = validation.real_array("y", y, ndim=1)
    if y.shape[0] != W.shape[0]:
        raise ValueError(f"y must have one entry per row of W ({W.shape[0]}); got shape {y.shape}")
    lam1 = validation.positive_values("lam1", lam1)
    tol = float(validation.positive("tol", tol))
    max_iter = validation.count("max_iter", max_iter)
    fits = [Lasso(alpha=a / 2, fit_intercept=False, tol=tol, max_iter=max_iter).fit(W, y) for a in lam1]
    return np.array([f.coef_ for f in fits])


@dataclass(frozen=True)
class LassoCurve:
    """‖β‖₁ and the number of exact zeros at the end, against λ1, for NDGM, ISTA and the exact LASSO on (15)."""

    seed: int
    lam1: np.ndarray          # (L,)
    lr: np.ndarray            # (A,) NDGM's step sizes
    prox_lr: float            # ISTA's step, 1/L
    steps: int
    ndgm_l1: np.ndarray       # (L, A)
    ndgm_zeros: np.ndarray    # (L, A) exact zeros among the P coordinates
    prox_l1: np.ndarray       # (L,)
    prox_zeros: np.ndarray    # (L,)
    exact_l1: np.ndarray      # (L,)
    exact_zeros: np.ndarray   # (L,)
    prox_gap: np.ndarray      # (L,) value of (15) at ISTA's iterate minus its value at scikit-learn's solution
    ndgm_gap: np.ndarray      # (L, A) the same for NDGM

    @property
    def lipschitz(self) -> float:
        """L = 2σ_max(W)²/N of the smooth part of (15), from ISTA's step 1/L."""
        return float(1 / self.prox_lr)

    @property
    def zero_count_gap(self) -> np.ndarray:
        """|ISTA's exact zeros − the exact solution's| at each λ1, shape (L,)."""
        return np.abs(self.prox_zeros - self.exact_zeros)

    @property
    def exact_zero_from(self) -> float:
        """The first λ1 of the grid at which the exact solution is the zero vector (nan when none is)."""
        zero = self.exact_l1 == 0
        return float(self.lam1[np.argmax(zero)]) if zero.any() else float("nan")

    def numbers(self) -> dict:
        """The curve's numbers by glue name: L and 2/L, the steps, NDGM's and the exact solution's zeros, ISTA's
        largest gap to the minimum and its largest difference in zeros (and where), the first α and the λ1 range,
        ‖β‖₁ at the largest λ1 (exact and NDGM at the first α), NDGM's smallest ‖β‖₁ and its λ1, the first λ1 of a
        zero exact solution, NDGM's gap at both ends of the λ1 range, and the toy problem's Pαλ1/2 there."""
        zero_diff = self.zero_count_gap
        return {
            "gen_L": self.lipschitz,
            "gen_2_over_L": float(2 * self.prox_lr),
            "gen_steps": f"{self.steps:,d}",
            "gen_ndgm_zeros": int(self.ndgm_zeros.max()),
            "gen_exact_zeros_min": int(self.exact_zeros.min()),
            "gen_prox_gap": float(self.prox_gap.max()),
            "gen_prox_zero_diff": int(zero_diff.max()),
            "gen_prox_zero_diff_lam": float(self.lam1[np.argmax(zero_diff)]),
            "gen_lr0": float(self.lr[0]),
            "gen_lam_lo": float(self.lam1[0]),
            "gen_lam_top": float(self.lam1[-1]),
            "gen_exact_top": float(self.exact_l1[-1]),
            "gen_ndgm_top": float(self.ndgm_l1[-1, 0]),
            "gen_ndgm_min": float(self.ndgm_l1[:, 0].min()),
            "gen_ndgm_argmin": float(self.lam1[np.argmin(self.ndgm_l1[:, 0])]),
            "gen_exact_first_zero": self.exact_zero_from,
            "gen_ndgm_gap_lo": float(self.ndgm_gap[0, 0]),
            "gen_ndgm_gap_hi": float(self.ndgm_gap[-1, 0]),
            "gen_half_top": float(paper.GENERAL_LASSO_SHAPE[1] * self.lr[0] * self.lam1[-1] / 2),
        }


@memo.memoized
def general_lasso_curve(lam1, lr, seed: int = 0, steps: int = 15000) -> LassoCurve:
    """NDGM (each α in `lr`) and ISTA (α = 1/L) for `steps` steps from the problem's β0, beside scikit-learn."""
    lam1, lr = validation.positive_values("lam1", lam1), validation.positive_values("lr", lr)
    steps = validation.count("steps", steps)
    prob = problems.general_lasso(seed)

    def make(lam):
        return losses.GeneralLasso(prob.Z, prob.y, lam)

    prox_lr = 1.0 / smooth_lipschitz(prob.Z)
    ndgm = run.sweep(make, "gd", lam1, lr, prob.beta0[None], steps, record=(), every=steps).beta[:, :, 0]
    prox = run.sweep(make, "prox", lam1, [prox_lr], prob.beta0[None], steps, record=(), every=steps).beta[:, 0, 0]
    exact = exact_lasso(prob.Z, prob.y, lam1)
    f = make(lam1)
    best = f.value(exact)
    return LassoCurve(int(seed), lam1, lr, prox_lr, steps,
                      ndgm_l1=np.abs(ndgm).sum(-1), ndgm_zeros=(ndgm == 0).sum(-1),
                      prox_l1=np.abs(prox).sum(-1), prox_zeros=(prox == 0).sum(-1),
                      exact_l1=np.abs(exact).sum(-1), exact_zeros=(exact == 0).sum(-1),
                      prox_gap=f.value(prox) - best, ndgm_gap=make(lam1[:, None]).value(ndgm) - best[:, None])


@dataclass(frozen=True)
class IstaGaps:
    """How far ISTA (α = 1/L) on (15) is above the exact minimum after each recorded number of steps (`ista_gaps`)."""

    at: np.ndarray            # (R,) recorded numbers of steps, increasing
    lam1: np.ndarray          # (L,)
    gap: np.ndarray           # (R, L) value of (15) minus its minimum

    @property
    def slowest(self) -> int:
        """The index of the λ1 at which ISTA ends farthest from the minimum."""
        return int(np.argmax(self.gap[-1]))

    def numbers(self) -> dict:
        """By glue name: the λ1 where ISTA ends farthest off, its gap after each recorded step count (``ista_gap_i``
        after ``ista_at_i`` steps), and the largest final gap at every other λ1."""
        slow = self.slowest
        out = {"ista_slow_lam": float(self.lam1[slow])}
        for i, n in enumerate(self.at):
            out[f"ista_gap_{i}"] = float(self.gap[i, slow])
            out[f"ista_at_{i}"] = f"{int(n):,d}"
        out["ista_rest"] = float(np.delete(self.gap[-1], slow).max())
        return out


def ista_gaps(lam1, at=(150, 1500, 15000), seed: int = 0) -> IstaGaps:
    """How far ISTA (α = 1/L) on (15) is above the exact minimum after each number of steps in `at`.

    One run per λ1 from the problem's β0, with the soft-threshold step; the minimum is the value of (15) at
    scikit-learn's solution. Returns `IstaGaps` with "at" (R,), "lam1" (L,) and "gap" (R, L), value minus minimum.
    """
    lam1 = validation.positive_values("lam1", lam1)
    at = np.array([validation.count("at", a) for a in np.atleast_1d(at)])
    if np.any(np.diff(at) <= 0):
        raise ValueError(f"at must be increasing; got {at}")
    prob = problems.general_lasso(seed)

    def make(lam):
        return losses.GeneralLasso(prob.Z, prob.y, lam)

    res = run.sweep(make, "prox", lam1, [1.0 / smooth_lipschitz(prob.Z)], prob.beta0[None], int(at[-1]),
                    record=("loss",), at=at)
    best = make(lam1).value(exact_lasso(prob.Z, prob.y, lam1))
    return IstaGaps(at, lam1, res["loss"][:, :, 0, 0] - best)


@dataclass(frozen=True)
class B2Search:
    """NDGM on (15) for the paper's λ1 values over α x seeds, ‖β‖₁ recorded along the way."""

    lam1: np.ndarray          # (3,): the two small values the text names, then the large one
    lr: np.ndarray            # (A,)
    seeds: np.ndarray         # (S,)
    steps: np.ndarray         # (R,) recorded iterations
    l1: np.ndarray            # (R, 3, A, S)

    def distance(self) -> np.ndarray:
        """|log(m_small/1.62)| + |log(m_big/25.4)| of the medians over seeds, shape (R, 2 small λ1, A)."""
        med = np.median(self.l1, axis=-1)
        return np.abs(np.log(med[:, :2] / B2_TARGETS[0])) + np.abs(np.log(med[:, 2:] / B2_TARGETS[1]))

    def best(self, lam_small: float | None = None) -> dict:
        """The setting (small λ1, α, iterations) whose seed medians come closest to (1.62, 25.4); with
        `lam_small`, the closest among the settings with that small λ1 (one of `lam1[:2]`)."""
        d = self.distance()
        d[self.steps == 0] = np.inf
        if lam_small is not None:
            keep = np.isclose(self.lam1[:2], lam_small)
            if not keep.any():
                raise ValueError(f"lam_small must be one of the small penalties searched "
                                 f"({', '.join(f'{v:g}' for v in self.lam1[:2])}); got {lam_small!r}")
            d[:, ~keep] = np.inf
        r, i, a = np.unravel_index(np.argmin(d), d.shape)
        return {"lam_small": float(self.lam1[i]), "lam_big": float(self.lam1[2]), "lr": float(self.lr[a]),
                "steps": int(self.steps[r]), "distance": float(d[r, i, a]),
                "small": self.l1[r, i, a], "big": self.l1[r, 2, a]}

    def fits(self, lam_small: float | None = None) -> bool:
        """Each printed norm (1.62, 25.4) lies within the range over seeds at `best(lam_small)`."""
        b = self.best(lam_small)
        return bool(b["small"].min() <= B2_TARGETS[0] <= b["small"].max()
                    and b["big"].min() <= B2_TARGETS[1] <= b["big"].max())

    def fold(self, lam_small: float | None = None) -> float:
        """The increase of λ1 from the small penalty (default: that of `best()`) to the large one."""
        return float(self.lam1[2] / (self.best()["lam_small"] if lam_small is None else lam_small))

    def numbers(self) -> dict:
        """The search's numbers by glue name. At `best()`: its small λ1, α and iterations, the median and range over
        seeds of ‖β‖₁ for the small and the large λ1 and their ratio, the toy problem's Pαλ1/2 at the large λ1, the
        start's median ‖β‖₁ and the step αλ1 of the first λ1. For the other small λ1: its median and range at the
        last recorded step. For each α: the large λ1's median at best's iterations. Then the best-fitting fold, the
        distances of `best()` and of the stated fold's setting, whether the printed pair fits the stated fold, the
        recording interval and the number of seeds."""
        best = self.best()
        a = int(np.flatnonzero(self.lr == best["lr"])[0])
        r = int(np.flatnonzero(self.steps == best["steps"])[0])
        other = 0 if best["lam_small"] == self.lam1[1] else 1         # the small λ1 that was not chosen
        stated_lam = paper.B2_LAMBDA1_LARGE / paper.B2_FOLD[0]         # the small λ1 of the stated fold
        small, big, rest = best["small"], best["big"], self.l1[-1, other, a]
        out = {
            "b2_lam": best["lam_small"], "b2_lr": best["lr"], "b2_steps": f"{best['steps']:,d}",
            "b2_small_med": float(np.median(small)), "b2_small_lo": float(small.min()),
            "b2_small_hi": float(small.max()),
            "b2_big_med": float(np.median(big)), "b2_big_lo": float(big.min()), "b2_big_hi": float(big.max()),
            "b2_other_lam": float(self.lam1[other]), "b2_other_med": float(np.median(rest)),
            "b2_other_lo": float(rest.min()), "b2_other_hi": float(rest.max()),
            "b2_half": float(paper.GENERAL_LASSO_SHAPE[1] * best["lr"] * self.lam1[2] / 2),
            "b2_ratio": float(np.median(big) / np.median(small)),
            "b2_start": float(np.median(self.l1[0, 0, a])),
            "b2_slow_step": float(self.lam1[0] * best["lr"]),
        }
        for j, lr in enumerate(self.lr):
            out[f"b2_big_lr{j}"] = float(np.median(self.l1[r, 2, j]))
            out[f"b2_lr{j}"] = float(lr)
        out.update({
            "b2_fold_best": self.fold(), "b2_dist_best": best["distance"],
            "b2_dist_stated": self.best(stated_lam)["distance"],
            "b2_stated_clause": ("both printed numbers still lie" if self.fits(stated_lam)
                                 else "the printed numbers do not both lie"),
            "b2_every": int(self.steps[1] - self.steps[0]), "b2_n_seeds": int(self.seeds.size),
        })
        return out


@memo.memoized
def b2_search(lr=(0.005, 0.01, 0.02), seeds=range(10), steps: int = 15000, every: int = 500,
              lam_small=tuple(paper.B2_LAMBDA1_SMALL.values()), lam_big: float = paper.B2_LAMBDA1_LARGE) -> B2Search:
    """Run NDGM on (15), one 20 x 500 problem per seed, for λ1 ∈ lam_small ∪ {lam_big} and each α.

    The paper gives no α and no iteration count and names both 0.01 and 0.1 as its small λ1;
    `B2Search.best` picks the combination that comes closest to its numbers.
    """
    lam_small = validation.positive_values("lam_small", lam_small)
    if lam_small.size != 2:
        raise ValueError(f"lam_small must hold the two small penalties the text names; got {lam_small.size} values")
    lam1 = np.append(lam_small, float(validation.positive_values("lam_big", lam_big)[0]))
    lr = validation.positive_values("lr", lr)
    probs = [problems.general_lasso(s) for s in validation.seeds(seeds)]
    W, y = np.stack([p.Z for p in probs]), np.stack([p.y for p in probs])
    res = run.sweep(lambda lam: losses.GeneralLasso(W, y, lam), "gd", lam1, lr,
                    np.stack([p.beta0 for p in probs]), steps, record=("l1",), every=every)
    return B2Search(lam1, lr, np.array([p.seed for p in probs]), res.steps, res["l1"])
