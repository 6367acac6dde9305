"""Section 3: the capture theorem (Proposition 3.1, Figure 1), convergence rates, L-smoothness at a kink.

- Figure 1: NDGM on L2(β) = L1(β; Z1, q1, 0, 0.01) (eq. 3) for a whole grid of α at once, and the same
  problem with softplus in place of ReLU, a smooth convex loss to which the capture theorem applies.
- Rates: steps to reach f − f* <= ε for GD on L-smooth convex functions (theory: O(1/ε)) and for the
  subgradient method on Lipschitz ones (eq. 6; theory: O(1/ε²)), on functions that attain the rate and
  on easy ones that do not.
- Proposition 3.1 under its own hypothesis: runs that start inside the Euclidean unit ball around the
  isolated minimiser, for ReLU and for softplus (`capture_test`); and a smooth counterexample to the
  proposition as printed, gradient descent on x² − x⁴ from x0 = 0.9 (`capture_counterexample`).
- The difference quotient of ReLU's derivative at 0 (why eq. 5 fails at a kink) and Appendix A.2's
  picture: supporting lines at the minimum of λ|x| and fixed-size steps that keep jumping over it, and
  the vertical supporting line that an extended-valued function can have (`supports_at_minimum`).

Each result is a frozen dataclass (`CaptureCurves`, `CaptureScan`, `CaptureTest`, `CaptureCounterexample`,
`Rates`, `DifferenceQuotients`, `KinkGeometry`, `Supports`) that carries its derived quantities as properties,
and returns the numbers the page prints, by name, from ``numbers()``. Where the page prints ReLU and softplus
side by side, `capture_curves_numbers`, `capture_scan_numbers`, `capture_test_numbers` and `explorer_numbers`
pair the two; `paper_numbers` gives the paper's own set-up of Figure 1.
The step size α of the paper is the parameter `lr`, as in `ndgm.run` and `ndgm.optim`.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.optimize import minimize

from .. import grids, losses, memo, optim, paper, problems, run, validation

RIDGE = 0.01
"""λ2 of L2 = L1(·; Z1, q1, 0, 0.01), Section 3."""

ACTIVATIONS = ("relu", "softplus")


def paper_numbers() -> dict:
    """The paper's set-up of Figure 1 (Section 3: Z1, q1 and β0 drawn uniformly, λ2 of eq. 3, ‖β0‖∞ below 1)
    and the radius of Proposition 3.1, by name: ``paper_n``, ``paper_p``, ``paper_Z1`` ("[a, b]"), ``paper_q1``,
    ``paper_beta0``, ``paper_lam2``, ``paper_radius``, ``paper_linf``."""
    problem = paper.FIGURE1_PROBLEM
    return {"paper_n": problem["n"], "paper_p": problem["p"],
            **{f"paper_{name}": "[{:g}, {:g}]".format(*problem[name]) for name in ("Z1", "q1", "beta0")},
            "paper_lam2": problem["lam2"], "paper_radius": paper.CAPTURE_RADIUS,
            "paper_linf": paper.FIGURE1_START_LINF}


def capture_loss(Z, q, activation: str = "relu", sharpness: float = 1.0) -> losses.Loss:
    """L2(β) = ‖q1 − max(0, Z1β)‖² + 0.01‖β‖² (eq. 3 with λ1 = 0), or its twin with softplus_s for ReLU."""
    validation.choice("activation", activation, ACTIVATIONS)
    if activation == "relu":
        return losses.ReluRegression(Z, q, lam1=0.0, lam2=RIDGE)
    return losses.SoftplusRegression(Z, q, lam1=0.0, lam2=RIDGE, sharpness=sharpness)


def minimum(problem: problems.Problem, activation: str = "relu", sharpness: float = 1.0):
    """(f*, β*) of L2 or its softplus twin.

    With ReLU and q1 <= 0 the minimiser is β* = 0 and f* = ‖q1‖² (Section 2); the softplus loss is smooth
    and strongly convex, and L-BFGS finds its minimiser to a gradient norm below 1e-6.
    """
    loss = capture_loss(problem.Z, problem.y, activation, sharpness)
    if activation == "relu":
        return float(np.sum(problem.y ** 2)), np.zeros(problem.Z.shape[1])
    found = minimize(loss.value, np.zeros(loss.p), jac=loss.grad, method="L-BFGS-B",
                     options={"maxiter": 10_000, "gtol": 1e-10, "ftol": 1e-15})
    return float(found.fun), found.x


def _check_start(problem):
    if not np.max(np.abs(problem.beta0)) < 1.0:
        raise ValueError("beta0 must lie inside the unit ∞-ball (Proposition 3.1's set-up)")


@dataclass(frozen=True)
class CaptureCurves:
    """Figure 1 over a grid of step sizes: L2(β_k) (eq. 3) or its softplus twin, and ‖β_k‖∞, at every step
    of GD from Section 3's β0 (NDGM for ReLU)."""

    lr: np.ndarray            # (A,) step sizes α
    step: np.ndarray          # (T+1,) iterations k = 0 ... T
    loss: np.ndarray          # (A, T+1) L2(β_k)
    linf: np.ndarray          # (A, T+1) ‖β_k‖∞
    minimum: float            # f* = min L2
    l2_start: float           # ‖β_0 − β*‖₂, the start's Euclidean distance from the minimiser
    linf_star: float          # ‖β*‖∞
    p: int                    # P, the number of coefficients

    @property
    def gap(self) -> np.ndarray:
        """L2(β_k) − f*, shape (A, T+1)."""
        return self.loss - self.minimum

    @property
    def largest_rise(self) -> np.ndarray:
        """max_k L2(β_{k+1}) − L2(β_k), shape (A,): <= 0 when the loss never increased."""
        with np.errstate(invalid="ignore"):
            return np.max(np.diff(self.loss, axis=-1), axis=-1)

    @property
    def monotone(self) -> np.ndarray:
        """(A,): the loss never increased (Proposition 3.1's condition)."""
        with np.errstate(invalid="ignore"):
            return np.all(np.diff(self.loss, axis=-1) <= 0.0, axis=-1)

    @property
    def max_linf(self) -> np.ndarray:
        """max_k ‖β_k‖∞, shape (A,)."""
        return np.max(self.linf, axis=-1)

    @property
    def max_linf_step(self) -> np.ndarray:
        """The first k at which ‖β_k‖∞ is largest, shape (A,)."""
        return np.argmax(self.linf, axis=-1)

    @property
    def escapes(self) -> np.ndarray:
        """(A,): ‖β_k‖∞ > 1 at some k, the iterate left the unit ∞-ball it started in."""
        return self.max_linf > 1.0

    @property
    def start_reach(self) -> float:
        """‖β_0 − β*‖₂ / √P: how far out towards the corners of the unit ∞-ball (Euclidean radius √P) the run starts."""
        return self.l2_start / np.sqrt(self.p)

    @property
    def rises_from(self) -> float:
        """The smallest α of the grid from which on the loss rises at some step at every larger α; nan if it
        never rises at the largest α."""
        return grids.holds_from(self.lr, ~self.monotone)

    def numbers(self, i: int = 0) -> dict:
        """The run at the `i`-th α by name: ``alpha``; ``linf0`` (‖β_0‖∞), ``linfmax`` and ``argmax`` (the
        largest ‖β_k‖∞ and its first k), ``rise`` (`largest_rise`); ``l2`` (‖β_0 − β*‖₂), ``star`` (‖β*‖∞),
        ``p`` (P), ``sqrt_p`` (√P, the Euclidean radius of the unit ∞-ball) and ``start_frac`` (`start_reach`
        in per cent)."""
        return {"alpha": float(self.lr[i]), "linf0": float(self.linf[i, 0]), "linfmax": float(self.max_linf[i]),
                "argmax": int(self.max_linf_step[i]), "rise": float(self.largest_rise[i]), "l2": self.l2_start,
                "star": self.linf_star, "p": self.p, "sqrt_p": float(np.sqrt(self.p)),
                "start_frac": float(self.start_reach * 100)}


def capture_curves_numbers(relu: CaptureCurves, softplus: CaptureCurves) -> dict:
    """Figure 1's numbers for both activations (`CaptureCurves.numbers` at the first α): ``relu_<name>`` and
    ``soft_<name>`` for linf0, linfmax, argmax, l2 and rise; ``alpha``, ``p``, ``sqrt_p`` and ``start_frac`` of
    the ReLU run, and ``soft_star``, ‖β*‖∞ of the softplus minimiser."""
    r, s = relu.numbers(), softplus.numbers()
    each = ("linf0", "linfmax", "argmax", "l2", "rise")
    return {"alpha": r["alpha"], **{f"relu_{k}": r[k] for k in each}, **{f"soft_{k}": s[k] for k in each},
            "soft_star": s["star"], "p": r["p"], "sqrt_p": r["sqrt_p"], "start_frac": r["start_frac"]}


def explorer_numbers(relu: CaptureCurves, softplus: CaptureCurves) -> dict:
    """The α grid of the explorer, both activations over the same α: ``grid_top`` (from this α up the loss
    rises with both, `CaptureCurves.rises_from`; nan when one never rises at the largest α), ``grid_ticks`` (α
    below it at which ReLU's loss still rose), ``grid_escapes`` (runs whose ‖β_k‖∞ passed 1) of ``grid_runs``."""
    top = float(np.maximum(relu.rises_from, softplus.rises_from))
    return {"grid_top": top, "grid_ticks": int((~relu.monotone & (relu.lr < top)).sum()),
            "grid_escapes": int(relu.escapes.sum() + softplus.escapes.sum()),
            "grid_runs": int(relu.lr.size + softplus.lr.size)}


def capture_curves(lr, steps: int = 2000, seed: int = 0, activation: str = "relu",
                   sharpness: float = 1.0) -> CaptureCurves:
    """Figure 1 for every α in `lr` at once (one vectorised run): L2(β_k) and ‖β_k‖∞ at each step.

    Parameters
    ----------
    lr : float or array_like of shape (A,)
        Step sizes α > 0.
    steps : int
        T, the number of steps.
    seed : int
        Draws (Z1, q1, β0) (`ndgm.problems.capture`).
    activation : {"relu", "softplus"}
        L2 of eq. (3), or its smooth twin with softplus_s in place of ReLU.
    sharpness : float
        s of softplus_s.

    Returns
    -------
    CaptureCurves
    """
    lr = validation.positive("lr", lr).reshape(-1)
    problem = problems.capture(seed)
    _check_start(problem)
    fstar, bstar = minimum(problem, activation, sharpness)
    loss = capture_loss(problem.Z, problem.y, activation, sharpness)
    res = run.run(loss, optim.make("gd", lr), problem.beta0, steps, record=("loss", "linf"))
    return CaptureCurves(lr, res.steps, res["loss"].T, res["linf"].T, fstar,
                         float(np.linalg.norm(problem.beta0 - bstar)), float(np.max(np.abs(bstar))),
                         problem.Z.shape[1])


@dataclass(frozen=True)
class CaptureScan:
    """Figure 1's two questions for each seed's (Z1, q1, β0) and each α: did the loss ever rise, and did
    ‖β_k‖∞ pass 1? Both holding for every seed makes α a counterexample to Proposition 3.1 as stated."""

    lr: np.ndarray            # (A,) step sizes α
    seed: np.ndarray          # (S,)
    max_rise: np.ndarray      # (S, A) the largest one-step increase of the loss relative to the loss (<= 0: never rose)
    max_linf: np.ndarray      # (S, A) max_k ‖β_k‖∞
    steps: int                # T, the steps of every run

    @property
    def monotone(self) -> np.ndarray:
        """(S, A): the loss never increased."""
        return self.max_rise <= 0.0

    @property
    def escapes(self) -> np.ndarray:
        """(S, A): ‖β_k‖∞ > 1 at some k."""
        return self.max_linf > 1.0

    @property
    def both(self) -> np.ndarray:
        """(S, A): the loss never increased and ‖β_k‖∞ passed 1."""
        return self.monotone & self.escapes

    @property
    def window(self) -> np.ndarray:
        """The α at which both hold for every seed, shape (W,)."""
        return self.lr[np.all(self.both, axis=0)]

    @property
    def window_top(self) -> float:
        """The largest α of the window (nan when it is empty)."""
        return float(self.window.max()) if self.window.size else np.nan

    @property
    def monotone_fraction(self) -> np.ndarray:
        """The fraction of seeds whose loss never increased, shape (A,)."""
        return self.monotone.mean(axis=0)

    @property
    def escape_fraction(self) -> np.ndarray:
        """The fraction of seeds whose ‖β_k‖∞ passed 1, shape (A,)."""
        return self.escapes.mean(axis=0)

    @property
    def first_rise(self) -> float:
        """The smallest α at which the loss rose for every seed (nan if there is none)."""
        every = ~self.monotone.any(axis=0)
        return float(self.lr[every].min()) if every.any() else np.nan

    def rough(self, top: float | None = None) -> np.ndarray:
        """(A,): α at or below `top` (default: the window's top) at which some seed's loss rose."""
        top = self.window_top if top is None else top
        return (self.lr <= top) & ~self.monotone.all(axis=0)

    def rough_rise(self, top: float | None = None) -> float:
        """The largest relative one-step rise of the loss over the `rough` α (nan if there are none)."""
        rough = self.rough(top)
        return float(self.max_rise[:, rough].max()) if rough.any() else np.nan

    def numbers(self, top: float | None = None) -> dict:
        """The scan by name: its grid (``n_scan`` α from ``scan_lo`` to ``scan_hi``, ``seeds``, ``steps``); the
        window's ends ``lo`` and ``hi`` (nan when empty); ``first_rise``; ``escaped`` of ``runs`` passed
        ‖β_k‖∞ = 1; ``rough_count`` and ``rough_rise``, `rough` and `rough_rise` at or below `top` (default:
        the window's top)."""
        window = self.window
        return {"n_scan": int(self.lr.size), "scan_lo": float(self.lr.min()), "scan_hi": float(self.lr.max()),
                "seeds": int(self.seed.size), "steps": self.steps,
                "lo": float(window.min()) if window.size else np.nan, "hi": self.window_top,
                "first_rise": self.first_rise, "escaped": int(self.escapes.sum()), "runs": int(self.escapes.size),
                "rough_count": int(self.rough(top).sum()), "rough_rise": self.rough_rise(top)}


def capture_scan_numbers(relu: CaptureScan, softplus: CaptureScan) -> dict:
    """Which α? for both activations (`CaptureScan.numbers`): the grid of the ReLU scan (``n_scan``, ``scan_lo``,
    ``scan_hi``, ``seeds``, ``steps``); each window's ends (``relu_lo``, ``relu_hi``, ``soft_lo``, ``soft_hi``);
    ReLU's ``first_rise``; ``escaped`` of ``runs``, both activations together; and the α at or below the ReLU
    window's top at which a loss rose, ``rough_count`` (ReLU, by at most ``rough_rise``) and ``soft_rough``."""
    r = relu.numbers()
    s = softplus.numbers(top=relu.window_top)
    return {**{k: r[k] for k in ("n_scan", "scan_lo", "scan_hi", "seeds", "steps")},
            "relu_lo": r["lo"], "relu_hi": r["hi"], "soft_lo": s["lo"], "soft_hi": s["hi"],
            "first_rise": r["first_rise"], "escaped": r["escaped"] + s["escaped"], "runs": r["runs"] + s["runs"],
            "rough_count": r["rough_count"], "rough_rise": r["rough_rise"], "soft_rough": s["rough_count"]}


@memo.memoized
def capture_scan(lr, seeds=range(5), steps: int = 2000, activation: str = "relu",
                 sharpness: float = 1.0) -> CaptureScan:
    """For each seed's (Z1, q1, β0) and each α in `lr` (A,), in one vectorised run over `steps` steps: the
    largest relative rise of the loss and the largest ‖β_k‖∞ (`CaptureScan`, arrays of shape (S, A))."""
    lr = validation.positive("lr", lr).reshape(-1)
    seeds = validation.seeds(seeds)
    data = [problems.capture(s) for s in seeds]
    for problem in data:
        _check_start(problem)
    # data axis (S, 1, ...) against the α axis (A,): one run of shape (S, A)
    loss = capture_loss(np.stack([d.Z for d in data])[:, None], np.stack([d.y for d in data])[:, None],
                        activation, sharpness)
    beta0 = np.stack([d.beta0 for d in data])[:, None]
    res = run.run(loss, optim.make("gd", lr), beta0, steps, record=("loss", "linf"))
    rise = np.max(np.diff(res["loss"], axis=0) / res["loss"][:-1], axis=0)
    return CaptureScan(lr, np.array(seeds), rise, np.max(res["linf"], axis=0), int(steps))


@dataclass(frozen=True)
class CaptureTest:
    """Proposition 3.1 under its own hypothesis: runs that start at Euclidean distance `radius` < 1 from the
    isolated minimiser β*, for each seed and α."""

    lr: np.ndarray            # (A,) step sizes α
    seed: np.ndarray          # (S,)
    radius: float             # ‖β_0 − β*‖₂ of every run
    monotone: np.ndarray      # (S, A) the loss never increased: the proposition's other condition
    max_dist: np.ndarray      # (S, A) max_k ‖β_k − β*‖₂
    final_dist: np.ndarray    # (S, A) ‖β_T − β*‖₂

    @property
    def stays(self) -> np.ndarray:
        """(S, A): the run stayed in the unit ball around β*."""
        return self.max_dist < 1.0

    @property
    def leaves(self) -> np.ndarray:
        """(S, A): the loss never increased, yet the run left the unit ball (against the proposition as stated)."""
        return self.monotone & ~self.stays

    @property
    def monotone_max_dist(self) -> float:
        """The largest max_dist over the runs whose loss never increased (nan if there are none)."""
        return float(self.max_dist[self.monotone].max()) if self.monotone.any() else np.nan

    @property
    def leaving_lr(self) -> np.ndarray:
        """The α at which some seed's run `leaves`, shape (W,)."""
        return self.lr[self.leaves.any(axis=0)]

    def leaves_at(self, lr: float) -> int:
        """How many seeds' runs `leave` at the α of the grid nearest `lr` (on a log scale)."""
        return int(self.leaves[:, grids.nearest(self.lr, lr, log=True)].sum())

    def numbers(self, lr: float | None = None) -> dict:
        """The test by name: ``radius``; ``runs`` in all, ``mono`` with a monotone loss, ``left`` of those
        leaving the unit ball, ``max`` (`monotone_max_dist`); ``left_lo`` and ``left_hi``, the ends of
        `leaving_lr` (nan when none leaves); with `lr`, ``at_lr`` (`leaves_at`)."""
        leaving = self.leaving_lr
        out = {"radius": self.radius, "runs": int(self.monotone.size), "mono": int(self.monotone.sum()),
               "left": int(self.leaves.sum()), "max": self.monotone_max_dist,
               "left_lo": float(leaving.min()) if leaving.size else np.nan,
               "left_hi": float(leaving.max()) if leaving.size else np.nan}
        return out if lr is None else {**out, "at_lr": self.leaves_at(lr)}


def capture_test_numbers(relu: CaptureTest, softplus: CaptureTest, lr: float) -> dict:
    """Proposition 3.1's test for both activations (`CaptureTest.numbers`): ``radius``; ``test_relu_<name>`` and
    ``test_soft_<name>`` for mono, left and max; of the ReLU test ``test_runs``, ``test_left_lo``,
    ``test_left_hi`` and ``test_fig1``, the seeds whose run leaves at Figure 1's α `lr`."""
    r, s = relu.numbers(lr), softplus.numbers()
    each = ("mono", "left", "max")
    return {"radius": r["radius"], **{f"test_relu_{k}": r[k] for k in each},
            **{f"test_soft_{k}": s[k] for k in each}, "test_runs": r["runs"], "test_left_lo": r["left_lo"],
            "test_left_hi": r["left_hi"], "test_fig1": r["at_lr"]}


@memo.memoized
def capture_test(lr, seeds=range(5), steps: int = 2000, activation: str = "relu", radius: float = 0.99,
                 chunk: int = 50, sharpness: float = 1.0) -> CaptureTest:
    """Proposition 3.1 under its own hypothesis: each seed's run starts at Euclidean distance `radius` < 1
    from the minimiser β* of L2 (or of its softplus twin), towards that seed's β0, and we ask whether it
    stays in the unit ball around β*.

    β* is isolated: the ridge term makes both losses strongly convex. The run is cut into pieces of
    `chunk` steps (GD keeps no state, so this changes nothing) to measure ‖β_k − β*‖₂ at every step
    without storing the whole path. `lr` (A,) holds the step sizes α; the result's arrays have shape (S, A).
    """
    lr = validation.positive("lr", lr).reshape(-1)
    seeds = validation.seeds(seeds)
    steps = validation.count("steps", steps)
    chunk = validation.count("chunk", chunk)
    radius = float(validation.in_range("radius", radius, low=0.0, high=1.0, low_open=True))
    data = [problems.capture(s) for s in seeds]
    bstar = np.stack([minimum(d, activation, sharpness)[1] for d in data])[:, None]          # (S, 1, P)
    direction = np.stack([d.beta0 for d in data])[:, None] - bstar
    beta = np.broadcast_to(bstar + radius * direction / np.linalg.norm(direction, axis=-1, keepdims=True),
                           (len(seeds), lr.size, bstar.shape[-1])).copy()
    loss = capture_loss(np.stack([d.Z for d in data])[:, None], np.stack([d.y for d in data])[:, None],
                        activation, sharpness)
    rule = optim.make("gd", lr)
    monotone = np.ones(beta.shape[:2], dtype=bool)
    max_dist = np.linalg.norm(beta - bstar, axis=-1)
    for done in range(0, steps, chunk):
        piece = run.run(loss, rule, beta, min(chunk, steps - done), record=("loss",), trajectory=True)
        monotone &= np.all(np.diff(piece["loss"], axis=0) <= 0.0, axis=0)
        max_dist = np.maximum(max_dist, np.linalg.norm(piece.trajectory - bstar, axis=-1).max(axis=0))
        beta = piece.beta
    return CaptureTest(lr, np.array(seeds), radius, monotone, max_dist, np.linalg.norm(beta - bstar, axis=-1))


# ----- Proposition 3.1 as printed: a smooth counterexample -----

def quartic(x):
    """f(x) = x² − x⁴: smooth, with its only minimum in (−1, 1) at 0 (isolated, f''(0) = 2), local maxima at
    ±1/√2, and f → −∞ as |x| → ∞."""
    return x ** 2 - x ** 4


def quartic_grad(x):
    """f'(x) = 2x − 4x³."""
    return 2.0 * x - 4.0 * x ** 3


@dataclass(frozen=True)
class CaptureCounterexample:
    """Gradient descent on f(x) = x² − x⁴ (`quartic`) from x0 inside the unit ball around its isolated minimum 0:
    Proposition 3.1 as printed says a run whose f never rises stays in that ball."""

    x0: float                 # the start, |x0| < 1
    lr: float                 # the step size α
    stop: float               # the run ends once |x_k| > stop (f falls without bound beyond ±1/√2)
    x: np.ndarray             # (K+1,) x_0 ... x_K
    f: np.ndarray             # (K+1,) f(x_k)

    @property
    def steps(self) -> int:
        """K, the number of steps taken."""
        return self.x.size - 1

    @property
    def largest_rise(self) -> float:
        """max_k f(x_{k+1}) − f(x_k): <= 0 when f never rose (nan after no step)."""
        return float(np.max(np.diff(self.f))) if self.steps else np.nan

    @property
    def monotone(self) -> bool:
        """f never rose: the proposition's condition on the run."""
        return bool(np.all(np.diff(self.f) <= 0.0))

    @property
    def left_at(self) -> int | None:
        """The first k with |x_k| > 1 (the run left the unit ball around the minimum); None if it never did."""
        out = np.flatnonzero(np.abs(self.x) > 1.0)
        return int(out[0]) if out.size else None

    @property
    def refutes(self) -> bool:
        """f never rose and the run left the unit ball: a counterexample to Proposition 3.1 as printed."""
        return self.monotone and self.left_at is not None

    def numbers(self) -> dict:
        """The run by name: ``x0``, ``lr`` (α) and ``left`` (`left_at`: the first k with |x_k| > 1, or None)."""
        return {"x0": self.x0, "lr": self.lr, "left": self.left_at}


def capture_counterexample(x0: float = 0.9, lr: float = 0.01, steps: int = 1000,
                           stop: float = 2.0) -> CaptureCounterexample:
    """Gradient descent x_{k+1} = x_k − α f'(x_k) on f(x) = x² − x⁴, for at most `steps` steps or until |x_k| > stop.

    0 is the only local minimum of f in the unit ball (−1, 1), and an isolated one. A start beyond the local
    maximum at 1/√2 ≈ 0.707 slides away from 0: f falls at every step while |x_k| passes 1, which Proposition 3.1
    as printed (its ball of radius 1 taken from Bertsekas' ε̄ = 1) forbids for a continuously differentiable f.

    Parameters
    ----------
    x0 : float
        The start, with |x0| < 1.
    lr : float
        α > 0.
    steps : int
        The most steps to take.
    stop : float
        The run ends at the first |x_k| > stop (> 1), before f' overflows.

    Returns
    -------
    CaptureCounterexample

    Examples
    --------
    >>> cx = capture_counterexample(x0=0.9, lr=0.01)
    >>> cx.monotone, cx.left_at is not None
    (True, True)
    """
    x0 = float(validation.in_range("x0", x0, low=-1.0, high=1.0, low_open=True))
    lr = float(validation.positive("lr", lr))
    steps = validation.count("steps", steps)
    stop = float(validation.in_range("stop", stop, low=1.0, low_open=True))
    xs = [x0]
    for _ in range(steps):
        xs.append(xs[-1] - lr * quartic_grad(xs[-1]))
        if abs(xs[-1]) > stop:
            break
    x = np.array(xs)
    return CaptureCounterexample(x0, lr, stop, x, quartic(x))


# ----- rates: steps to ε on functions that attain the worst case and on easy ones -----

def geometric_scales(scales: int = 16) -> np.ndarray:
    """1, 1/2, 1/4, ..., 2^(1 − scales): curvatures or slopes spread over `scales` octaves."""
    return 2.0 ** -np.arange(validation.count("scales", scales, minimum=2))


def smooth_functions(scales: int = 16, condition: float = 10.0):
    """Two L-smooth convex quadratics ½Σ cⱼxⱼ² with L = 1, started at R = ‖x0 − x*‖ = 1 (batch axis 0):
    the first has curvatures cⱼ = 2^(−j), spread down towards 0, on which GD needs ~1/ε steps (the rate
    of the L R²/(2k) bound); the second has curvatures in [1/condition, 1] and converges linearly.
    Returns (loss, x0).
    """
    condition = float(validation.in_range("condition", condition, low=1.0))
    worst = geometric_scales(scales)
    easy = np.linspace(1.0 / condition, 1.0, len(worst))
    p = len(worst)
    # LeastSquares(Z, 0) = (1/2P)‖Zx‖²: Z = diag(√(P c)) gives ½Σ cⱼxⱼ²
    Z = np.stack([np.diag(np.sqrt(p * worst)), np.diag(np.sqrt(p * easy))])
    return losses.LeastSquares(Z, np.zeros((2, p))), np.full(p, 1.0 / np.sqrt(p))


def nonsmooth_worst(scales: int = 16):
    """The Lipschitz function Σⱼ wⱼ|xⱼ| with wⱼ ∝ 2^(−j), ‖w‖₂ = G = 1, started at R = 1: coordinates
    with small slopes barely move under a step α = ε/G², so the subgradient method needs ~1/ε² steps.
    Returns (loss, x0).
    """
    w = geometric_scales(scales)
    return losses.WeightedL1(w / np.linalg.norm(w)), np.full(len(w), 1.0 / np.sqrt(len(w)))


def steps_to(gaps, eps) -> np.ndarray:
    """First k with min_{j<=k} gaps[j] <= ε, for each ε (gaps: (T+1,) or (T+1, E) paired with eps (E,)).

    The running minimum is the "best value so far" of the subgradient method's analysis; for a
    monotone method it is the value itself. NaN where ε was not reached.
    """
    gaps = validation.real_array("gaps", gaps, min_ndim=1)
    eps = validation.positive("eps", eps).reshape(-1)
    best = np.minimum.accumulate(gaps, axis=0)
    hit = (best[:, None] <= eps) if best.ndim == 1 else (best <= eps)
    return np.where(hit.any(axis=0), np.argmax(hit, axis=0), np.nan)


def fit_slope(eps, steps) -> float:
    """The slope of log(steps) against log(ε), by least squares: −1 for O(1/ε), −2 for O(1/ε²)."""
    eps = validation.positive("eps", eps).reshape(-1)
    steps = validation.positive("steps", steps).reshape(-1)
    if eps.shape != steps.shape or len(eps) < 2:
        raise ValueError(f"eps and steps must be two arrays of the same length >= 2; got {eps.shape} and {steps.shape}")
    return float(np.polyfit(np.log(eps), np.log(steps), 1)[0])


RATE_THEORY = {"smooth worst": -1.0, "smooth easy": -1.0, "nonsmooth worst": -2.0, "nonsmooth easy": -2.0}
"""The worst-case slope of log(steps) against log(ε) for each function of `rates`: O(1/ε) and O(1/ε²)."""
RATE_KEYS = {"smooth worst": "sw", "smooth easy": "se", "nonsmooth worst": "nw", "nonsmooth easy": "ne"}
"""The short name of each function of `rates` in `Rates.numbers`."""


@dataclass(frozen=True)
class Rates:
    """Steps to f − f* <= ε on four functions ("smooth worst", "smooth easy", "nonsmooth worst",
    "nonsmooth easy"), with fitted log-log slopes; each ε grid runs from the largest ε to the smallest."""

    eps_smooth: np.ndarray    # (E1,) ε of the smooth functions (GD)
    eps_nonsmooth: np.ndarray  # (E2,) ε of the non-smooth ones (the subgradient method)
    steps: dict               # name -> (E,) the first k with min_{j<=k} f(x_j) − f* <= ε (nan: not reached)
    slope: dict               # name -> float: least-squares slope of log(steps) against log(ε)
    per_decade: dict          # name -> float: least-squares steps added per tenfold smaller ε
    scales: int               # octaves spanned by the hard functions: their dimension

    @property
    def theory(self) -> dict:
        """name -> the worst case's slope, −1 (GD, L-smooth) or −2 (subgradient method, Lipschitz)."""
        return dict(RATE_THEORY)

    @property
    def bound(self) -> dict:
        """"smooth": L R²/(2ε) (E1,) and "nonsmooth": (RG/ε)² (E2,), with L = G = R = 1."""
        return {"smooth": 1.0 / (2.0 * self.eps_smooth), "nonsmooth": 1.0 / self.eps_nonsmooth ** 2}

    def eps(self, name: str) -> np.ndarray:
        """The ε grid of function `name`."""
        return self.eps_smooth if validation.choice("name", name, RATE_THEORY).startswith("smooth") else self.eps_nonsmooth

    def bound_of(self, name: str) -> np.ndarray:
        """The theory's bound on the steps of function `name`, one per ε."""
        return self.bound["smooth" if validation.choice("name", name, RATE_THEORY).startswith("smooth") else "nonsmooth"]

    def used(self, name: str) -> float:
        """The steps of function `name` at its smallest ε as a fraction of the bound there."""
        return float(self.steps[name][-1] / self.bound_of(name)[-1])

    def tenfold(self, name: str) -> float:
        """The factor by which the fitted steps of `name` grow for each tenfold smaller ε: 10^(−slope)."""
        return float(10.0 ** -self.slope[name])

    @property
    def pieces(self) -> int:
        """2^scales, the linear pieces of Σⱼ wⱼ|xⱼ| (a maximum of ±wⱼxⱼ sums in `scales` dimensions)."""
        return 2 ** self.scales

    def numbers(self) -> dict:
        """The rates by name, with sw, se, nw, ne for "smooth worst", "smooth easy", "nonsmooth worst" and
        "nonsmooth easy": ``slope_<key>``, ``per_decade_<key>``, ``tenfold_<key>`` and ``used_<key>`` (`used`
        in per cent); the ends of the ε grids, ``eps_s_lo``, ``eps_s_hi``, ``eps_n_lo``, ``eps_n_hi``;
        ``scales`` and ``pieces``."""
        out = {"scales": self.scales, "pieces": self.pieces,
               "eps_s_lo": float(self.eps_smooth.min()), "eps_s_hi": float(self.eps_smooth.max()),
               "eps_n_lo": float(self.eps_nonsmooth.min()), "eps_n_hi": float(self.eps_nonsmooth.max())}
        for name, key in RATE_KEYS.items():
            out.update({f"slope_{key}": self.slope[name], f"per_decade_{key}": self.per_decade[name],
                        f"tenfold_{key}": self.tenfold(name), f"used_{key}": self.used(name) * 100})
        return out



@memo.memoized
def rates(eps_smooth=np.logspace(-2.5, -5, 11), eps_nonsmooth=np.logspace(-1.5, -2.5, 9), scales: int = 16) -> Rates:
    """Steps to f − f* <= ε on four functions, with fitted log-log slopes beside the theory's.

    Smooth: GD with α = 1/L on `smooth_functions` for as many steps as the bound L R²/(2ε) allows.
    Non-smooth: for each ε the subgradient method (NDGM) with the constant step α = ε/G² that the theory
    prescribes (f_best − f* <= (R² + G²α²k)/(2αk) <= ε once k >= (RG/ε)²), on `nonsmooth_worst` and on
    the easy G|x| (the toy LASSO (7) in one dimension) from R = 1. The step count of a geometric rate
    grows like log(1/ε): `Rates.per_decade` measures it.
    """
    eps_s = np.sort(validation.positive("eps_smooth", eps_smooth).reshape(-1))[::-1]
    eps_n = np.sort(validation.positive("eps_nonsmooth", eps_nonsmooth).reshape(-1))[::-1]
    smooth_bound = 1.0 / (2.0 * eps_s)          # L = R = 1
    nonsmooth_bound = 1.0 / eps_n ** 2          # G = R = 1

    quad, x0 = smooth_functions(scales)
    gd = run.run(quad, optim.make("gd", 1.0), x0, int(np.ceil(smooth_bound.max())), record=("loss",))
    worst, z0 = nonsmooth_worst(scales)
    sub = run.run(worst, optim.make("gd", eps_n), z0, int(np.ceil(nonsmooth_bound.max())), record=("loss",))
    easy = run.run(losses.ToyLasso(1.0), optim.make("gd", eps_n), np.ones(1),
                   int(np.ceil(1.0 / eps_n.min())) + 1, record=("loss",))
    steps = {
        "smooth worst": steps_to(gd["loss"][:, 0], eps_s),
        "smooth easy": steps_to(gd["loss"][:, 1], eps_s),
        "nonsmooth worst": steps_to(sub["loss"], eps_n),
        "nonsmooth easy": steps_to(easy["loss"], eps_n),
    }
    eps_of = {name: eps_s if name.startswith("smooth") else eps_n for name in steps}
    return Rates(eps_s, eps_n, steps,
                 {name: fit_slope(eps_of[name], np.maximum(s, 1)) for name, s in steps.items()},
                 {name: float(np.polyfit(-np.log10(eps_of[name]), s, 1)[0]) for name, s in steps.items()},
                 int(scales))


# ----- L-smoothness at a kink, and Appendix A.2's picture -----

@dataclass(frozen=True)
class DifferenceQuotients:
    """(g(h) − g(−h))/(2h) across the kink at 0, for g = ReLU's derivative and g = softplus's."""

    h: np.ndarray             # (H,) half-widths h > 0
    relu: np.ndarray          # (H,) 1/(2h): unbounded as h → 0
    softplus: np.ndarray      # (H,) tends to the sigmoid's derivative at 0, 1/4

    def numbers(self) -> dict:
        """``h_min``, the smallest h, and the quotients at the last h of the grid, ``dq_relu`` and ``dq_soft``."""
        return {"h_min": float(self.h.min()), "dq_relu": float(self.relu[-1]), "dq_soft": float(self.softplus[-1])}


def difference_quotients(h) -> DifferenceQuotients:
    """(g(h) − g(−h))/(2h) for g = ReLU's derivative (1 for x > 0, else 0, as autodiff has it) and for
    g = softplus's derivative, the sigmoid. Eq. (5) asks for a bound on it: ReLU's is 1/(2h), unbounded
    as h → 0; softplus's tends to its second derivative at 0, 1/4.
    """
    h = validation.positive("h", h)
    relu_grad = lambda x: (x > 0).astype(float)
    return DifferenceQuotients(h, (relu_grad(h) - relu_grad(-h)) / (2 * h),
                               (losses.sigmoid(h) - losses.sigmoid(-h)) / (2 * h))


@dataclass(frozen=True)
class KinkGeometry:
    """Appendix A.2 for f(x) = λ|x|: supporting lines at the minimum, and fixed-α steps on f and on (λ/2)x²."""

    lam: float                # λ
    lr: float                 # the step size α of both runs
    slopes: np.ndarray        # (G,) subgradients g ∈ ∂f(0) = [−λ, λ]: the lines w = g·x support the epigraph at 0
    ndgm: np.ndarray          # (T+1,) NDGM's iterates on λ|x|
    gd: np.ndarray            # (T+1,) GD's iterates on (λ/2)x²

    @property
    def step_length(self) -> float:
        """αλ, the length of every NDGM step away from the kink."""
        return self.lr * self.lam

    def numbers(self) -> dict:
        """``step`` (αλ); ``a`` and ``b``, NDGM's last two iterates, between which it hops across the kink;
        ``gd``, |x_T| of gradient descent on (λ/2)x² after the same steps."""
        return {"step": self.step_length, "a": float(self.ndgm[-1]), "b": float(self.ndgm[-2]),
                "gd": float(abs(self.gd[-1]))}


def kink_geometry(lam: float = 1.0, lr: float = 0.35, x0: float = 1.0, steps: int = 12, lines: int = 9) -> KinkGeometry:
    """Appendix A.2 for f(x) = λ|x| (eq. 7 in one dimension), whose minimum sits at the kink x = 0.

    `lines` slopes g ∈ ∂f(0) = [−λ, λ]: each line w = g·x supports the epigraph at (0, 0), and no other
    line through a point of the w-axis above 0 does (Proposition A.3). `steps` NDGM iterates from `x0`
    on λ|x| with step α = `lr`: every step has length αλ, so they end up hopping across 0 forever; and GD
    with the same α on the smooth (λ/2)x², whose steps shrink with the gradient and close in on the minimum.
    """
    lam = float(validation.positive("lam", lam))
    lr = float(validation.positive("lr", lr))
    x0 = float(validation.real_array("x0", x0))
    steps = validation.count("steps", steps)
    lines = validation.count("lines", lines, minimum=2)
    rule, start = optim.make("gd", lr), np.array([x0])
    kinked = run.run(losses.ToyLasso(lam), rule, start, steps, record=(), trajectory=True)
    smooth = run.run(losses.LeastSquares(np.array([[np.sqrt(lam)]]), np.zeros(1)), rule, start, steps,
                     record=(), trajectory=True)
    return KinkGeometry(lam, lr, np.linspace(-lam, lam, lines), kinked.trajectory[:, 0], smooth.trajectory[:, 0])


@dataclass(frozen=True)
class Supports:
    """Which lines through (0, f(0)) keep the epigraph of f on one side (`supports_at_minimum`)."""

    slopes: np.ndarray        # (G,) the slopes tried
    supports: np.ndarray      # (G,) the line of that slope supports the epigraph at the minimum
    vertical: bool            # the vertical line x = 0 supports it

    @property
    def supporting(self) -> np.ndarray:
        """The slopes whose lines support the epigraph, shape (G',)."""
        return self.slopes[self.supports]

    def numbers(self) -> dict:
        """``vertical`` ("does" or "does not": the vertical line x = 0 supports the epigraph), and ``lo`` and
        ``hi``, the ends of the supporting slopes (nan when none supports it)."""
        s = self.supporting
        return {"vertical": "does" if self.vertical else "does not",
                "lo": float(s.min()) if s.size else np.nan, "hi": float(s.max()) if s.size else np.nan}


def supports_at_minimum(values, x, slopes) -> Supports:
    """Which lines through (0, f(0)) keep the epigraph of f on one side, for f given on a grid `x` (with
    0 on it) by `values` (+inf outside f's domain): Appendix A.2's Proposition A.3, checked on the grid.

    A line of slope g supports the epigraph at the minimum when f(x) >= f(0) + g·x wherever f is finite;
    the vertical line x = 0 supports it when f is finite on one side of 0 only.
    """
    x = validation.real_array("x", x, ndim=1)
    values = np.asarray(values, dtype=float)
    if values.shape != x.shape or np.any(np.isnan(values)) or np.any(values == -np.inf):
        raise ValueError(f"values must be one number or +inf per point of x ({x.shape}); got {values!r}")
    zero = np.flatnonzero(x == 0.0)
    if zero.size != 1 or not np.isfinite(values[zero[0]]):
        raise ValueError("x must contain 0 once, with a finite value there")
    slopes = validation.real_array("slopes", slopes).reshape(-1)
    finite = np.isfinite(values)
    f0 = values[zero[0]]
    supports = np.all(values[finite][None, :] >= f0 + slopes[:, None] * x[finite][None, :], axis=-1)
    vertical = bool(np.all(x[finite] >= 0) or np.all(x[finite] <= 0))
    return Supports(slopes, supports, vertical)
