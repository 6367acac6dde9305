"""Section 4 and Appendix B: what NDGM and its variants do with an L1 penalty.

Everything here is a vectorised call of `ndgm.run.run` or `ndgm.run.sweep` plus a summary:
- the toy LASSO (7): Section 4's two-dimensional example, Propositions 4.1 / B.1 / B.2 / B.6 and
  eq. (9), over a grid of λ1 x α x seeds (`two_d_example`, `toy_cycles`);
- the general LASSO (15) of Appendix B.2: NDGM beside the exact minimiser (scikit-learn) and the
  proximal gradient method, how fast ISTA closes its gap to the minimum, and the search for the paper's
  1.62 and 25.4 (`general_lasso_curve`, `ista_gaps`, `b2_search`);
- the variants of Appendix B.3-B.4: a coordinate that lands exactly on zero (Table 1, Proposition
  B.3), RMSProp's indifference to λ1 (Proposition B.5), the exact zeros RMSProp reaches in floating
  point (against Proposition B.4) and the training curves of Figure 5 (`zero_landing`,
  `lambda_spread`, `b5_bound`, `exact_zeros`, `training_curves`, `paper_order`);
- torch's RMSProp on (7) in exact arithmetic beside float64 (`rmsprop_exact`): its small cycle values
  vanish without any rounding, and rounding only turns them into exact zeros that then stay.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from . import losses, optim, problems, run, validation

B2_TARGETS = (1.62, 25.4)
"""Appendix B.2's two L1 norms: λ1 = 0.01 (or 0.1, the text names both) and λ1 = 10."""


def _lams(name, value):
    return validation.positive(name, value).reshape(-1)


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
    alpha: float
    reduced_alpha: float
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


def two_d_example(lam1=(1.0, 100.0), alpha: float = 0.01, reduced_alpha: float = 0.001, switch: int = 100,
                  beta0=problems.BETA0_2D) -> TwoDExample:
    """NDGM on (7) for each λ1: `switch` steps with α, then `switch` more with `reduced_alpha`, from β0."""
    lam1 = _lams("lam1", lam1)
    alpha = float(validation.positive("alpha", alpha))
    reduced_alpha = float(validation.in_range("reduced_alpha", reduced_alpha, low=0.0, high=alpha, low_open=True))
    switch = validation.count("switch", switch, minimum=2)
    schedule = optim.reducing(2 * switch, switch, reduced_alpha / alpha)
    res = run.run(losses.ToyLasso(lam1), optim.make("gd", alpha), beta0, 2 * switch, record=(),
                  schedule=schedule, trajectory=True)
    return TwoDExample(lam1, alpha, reduced_alpha, switch, res.trajectory)


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


def toy_cycles(p: int, lam1, lr, seeds=range(10), steps: int | None = None) -> ToyCycles:
    """NDGM on (7) in dimension P for every λ1 x α x seed (β0 ~ U[-1, 1]^P), run into its 2-cycle.

    `steps` defaults to `cycle_steps`, enough for every run of the grid to be in its cycle.
    """
    p = validation.count("p", p)
    lam1, lr = _lams("lam1", lam1), _lams("lr", lr)
    beta0 = problems.starts(seeds, p)
    need = cycle_steps(beta0, lam1.min() * lr.min())
    steps = need if steps is None else validation.count("steps", steps)
    res = run.sweep(losses.ToyLasso, "gd", lam1, lr, beta0, steps, record=("zeros",), every=steps)
    last = res.tail[1:]
    high, low = last.max(axis=0), last.min(axis=0)
    l1 = np.abs(last).sum(axis=-1)
    return ToyCycles(p, lam1, lr, steps, nonzero=res.final("zeros") == 0, period_two=res.period_two(),
                     gamma=high, jump=high - low, l1_low=l1.min(axis=0), l1_high=l1.max(axis=0))


# ----- the general LASSO (15), Appendix B.2 -------------------------------------------------------

def smooth_lipschitz(W) -> float:
    """L = 2σ_max(W)²/N, the Lipschitz constant of the gradient of (1/N)‖y − Wβ‖², the smooth part of (15)."""
    W = validation.real_array("W", W, ndim=2)
    return float(2.0 * np.linalg.norm(W, 2) ** 2 / W.shape[0])


def exact_lasso(W, y, lam1, tol: float = 1e-12, max_iter: int = 1_000_000) -> np.ndarray:
    """The minimiser of (15) for each λ1, shape (L, P), by scikit-learn's coordinate descent.

    `Lasso(alpha=a)` minimises (1/2N)‖y − Wβ‖² + a‖β‖₁, which is half of (15) when a = λ1/2.
    """
    from sklearn.linear_model import Lasso

    W = validation.real_array("W", W, ndim=2)
    y = validation.real_array("y", y, ndim=1)
    if y.shape[0] != W.shape[0]:
        raise ValueError(f"y must have one entry per row of W ({W.shape[0]}); got shape {y.shape}")
    lam1 = _lams("lam1", lam1)
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


def general_lasso_curve(lam1, lr, seed: int = 0, steps: int = 15000) -> LassoCurve:
    """NDGM (each α in `lr`) and ISTA (α = 1/L) for `steps` steps from the problem's β0, beside scikit-learn."""
    lam1, lr = _lams("lam1", lam1), _lams("lr", lr)
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


def ista_gaps(lam1, at=(150, 1500, 15000), seed: int = 0) -> dict:
    """How far ISTA (α = 1/L) on (15) is above the exact minimum after each number of steps in `at`.

    One run per λ1 from the problem's β0, with the soft-threshold step; the minimum is the value of (15) at
    scikit-learn's solution. Returns "at" (R,), "lam1" (L,) and "gap" (R, L), value minus minimum.
    """
    lam1 = _lams("lam1", lam1)
    at = np.array([validation.count("at", a) for a in np.atleast_1d(at)])
    if np.any(np.diff(at) <= 0):
        raise ValueError(f"at must be increasing; got {at}")
    prob = problems.general_lasso(seed)

    def make(lam):
        return losses.GeneralLasso(prob.Z, prob.y, lam)

    res = run.sweep(make, "prox", lam1, [1.0 / smooth_lipschitz(prob.Z)], prob.beta0[None], int(at[-1]),
                    record=("loss",), at=at)
    best = make(lam1).value(exact_lasso(prob.Z, prob.y, lam1))
    return {"at": at, "lam1": lam1, "gap": res["loss"][:, :, 0, 0] - best}


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

    def best(self) -> dict:
        """The setting (small λ1, α, iterations) whose seed medians come closest to (1.62, 25.4)."""
        d = self.distance()
        d[self.steps == 0] = np.inf
        r, i, a = np.unravel_index(np.argmin(d), d.shape)
        return {"lam_small": float(self.lam1[i]), "lam_big": float(self.lam1[2]), "lr": float(self.lr[a]),
                "steps": int(self.steps[r]), "distance": float(d[r, i, a]),
                "small": self.l1[r, i, a], "big": self.l1[r, 2, a]}


def b2_search(lr=(0.005, 0.01, 0.02), seeds=range(10), steps: int = 15000, every: int = 500,
              lam_small=(0.01, 0.1), lam_big: float = 10.0) -> B2Search:
    """Run NDGM on (15), one 20 x 500 problem per seed, for λ1 ∈ lam_small ∪ {lam_big} and each α.

    The paper gives no α and no iteration count and names both 0.01 and 0.1 as its small λ1;
    `B2Search.best` picks the combination that comes closest to its numbers.
    """
    lam_small = _lams("lam_small", lam_small)
    if lam_small.size != 2:
        raise ValueError(f"lam_small must hold the two small penalties the text names; got {lam_small.size} values")
    lam1 = np.append(lam_small, float(_lams("lam_big", lam_big)[0]))
    lr = _lams("lr", lr)
    probs = [problems.general_lasso(s) for s in validation.seeds(seeds)]
    W, y = np.stack([p.Z for p in probs]), np.stack([p.y for p in probs])
    res = run.sweep(lambda lam: losses.GeneralLasso(W, y, lam), "gd", lam1, lr,
                    np.stack([p.beta0 for p in probs]), steps, record=("l1",), every=every)
    return B2Search(lam1, lr, np.array([p.seed for p in probs]), res.steps, res["l1"])


# ----- the variants of Appendix B.3-B.4 (Table 1, Propositions B.3-B.5, Figure 5) -----------------

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
    lr = float(validation.positive("lr", lr))
    beta0 = problems.starts(seeds, validation.count("p", p))
    res = run.sweep(losses.ToyLasso, optimizer, _lams("lam1", lam1), [lr], beta0, steps, record=(), every=steps,
                    hyper=hyper)
    last = np.abs(res.beta[:, 0])                           # (L, S, P)
    return (last.max(axis=0) - last.min(axis=0)).max(axis=-1) / lr


def b5_bound(lam1, steps: int, convention: str = "rmsprop", gamma: float = 0.99, eps: float = 1e-8) -> float:
    """Bound on `lambda_spread` for RMSProp on (7) over `steps` steps while the runs' signs agree, in units of α.

    With g = ±λ1, v_t = (1 − γ^t)λ1², so torch's step is α/(√(1 − γ^t) + ε/λ1) and that of eqs. (18)-(19)
    (convention "rmsprop-paper") is α/√(1 − γ^t + ε/λ1²), eq. (21). Between the smallest and the largest
    λ1 the step changes by at most αε(1/a − 1/b)/(1 − γ^t), or αε(1/a² − 1/b²)/(2(1 − γ^t)^{3/2});
    the bound is the sum over the steps.
    """
    lam1 = _lams("lam1", lam1)
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
    lam1, lr = _lams("lam1", lam1), float(validation.positive("lr", lr))
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
    lam1, lr = _lams("lam1", lam1), float(validation.positive("lr", lr))
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
    import mpmath

    lam1, lr = _lams("lam1", lam1), float(validation.positive("lr", lr))
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
