"""Section 5: the edge of stability (Proposition 5.1, Figure 4, Appendix D.1).

GD on a quadratic diverges once α > 2/η, η the largest Hessian eigenvalue. On a convex loss whose
(sub)gradients are bounded by L (eq. 6) it cannot: the constant-step subgradient analysis keeps
f(x_k) − f* within a multiple of αL². Here, for whole grids of α at once: the Huber loss (10) on the
50 x 200 problem of Section 5 against the plain quadratic on the same data, the D.1 bound against
the runs, and the toy LASSO (7); where the late Huber iterates sit (on its linear branch, which bears
on the counterexample to Ma et al. 2022), and the argument that bounds every iterate once the
hypotheses of Proposition 5.1 are made explicit.

Each result is a frozen dataclass (`HuberConstants`, `HuberSmoothness`, `EdgeCurves`, `ToyLassoCurves`,
`UnboundedRuns`, `HuberResiduals`, `D1Argument`) that carries its derived quantities as properties, and the
numbers the page prints by name from a ``numbers()`` method (the page glues them with the prefix ``eos_``).
The step size α of the paper is the parameter `lr`, as in `ndgm.run` and `ndgm.optim`.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .. import grids, losses, optim, paper, problems, run, validation

BLOWUP = 1e6
"""A run has diverged when its loss ends non-finite or above BLOWUP times where it started."""


def _diverged(curves):
    """Per row of `curves` (A, T+1): the last value is non-finite or BLOWUP times the first."""
    last = curves[..., -1]
    return ~np.isfinite(last) | (last > BLOWUP * curves[..., 0])


def tail_max(curves, fstar: float = 0.0) -> np.ndarray:
    """max_{k >= T/2} f(β_k) − f* per run of `curves` (A, T+1): the level a run keeps once its start is
    forgotten (the quantity Appendix D.1 bounds by αL²), shape (A,).

    A run that diverged (its loss ends non-finite or BLOWUP times above its start) gets +inf: its loss
    grows without bound, so no finite maximum describes it, even where the recorded values are still
    finite (a run that ends 10^6 times above its start). Figures leave such values out; tables and
    explorers show them as diverged.
    """
    curves = np.asarray(curves, dtype=float)
    tail = curves[..., (curves.shape[-1] - 1) // 2:]
    with np.errstate(invalid="ignore"):
        return np.where(_diverged(curves), np.inf, np.max(tail, axis=-1) - fstar)


@dataclass(frozen=True)
class HuberConstants:
    """f*, L and η of the Huber problem (10) (`huber_constants`)."""

    fstar: float              # f* = 0
    residual: float           # max|Zβ − y| at the least-norm β = Z⁺y (0 up to rounding)
    lipschitz_low: float      # a lower estimate of L (eq. 6): ‖Zᵀu‖/N at the best sign vector found
    lipschitz_high: float     # σ_max(Z)/√N = √η, an upper bound on L
    eta: float                # top eigenvalue of ZᵀZ/N: the quadratic's Hessian
    n: int                    # N, the rows of Z
    p: int                    # P, the columns of Z

    @property
    def edge(self) -> float:
        """2/η, the largest step at which GD on the quadratic does not diverge."""
        return 2.0 / self.eta

    def numbers(self) -> dict:
        """The problem's size N × P, η and its edge 2/η, the bracket on L (eq. 6) and the largest residual at
        Z⁺y (f* = 0), by name."""
        return {"n": self.n, "p": self.p, "eta": self.eta, "edge": self.edge, "lipschitz_low": self.lipschitz_low,
                "lipschitz_high": self.lipschitz_high, "residual": self.residual}


def huber_constants(seed: int = 0) -> HuberConstants:
    """f*, L and η for the Huber problem (10) drawn with `seed`, and how each is obtained.

    - f* = 0: with N = 50 < P = 200 rows, Z has full row rank, so the least-norm β = Z⁺y fits y exactly
      and every residual, hence every Huber term, is 0 ("residual" is max|Zβ − y| there).
    - L, the Lipschitz constant of (10) (eq. 6): ∇f = Zᵀclip(Zβ − y, −1, 1)/N, so L = max over u in
      [−1, 1]^N of ‖Zᵀu‖/N, reached at a sign vector. It lies between "lipschitz_low", the best sign vector
      found by single flips from the signs of Z's top left singular vector, and "lipschitz_high" =
      σ_max(Z)/√N = √η, from ‖u‖₂ <= √N.
    - η, the top eigenvalue of ZᵀZ/N: the quadratic's Hessian, and also the Lipschitz constant of the
      Huber gradient (clip is 1-Lipschitz), so (10) is L-smooth in the sense of eq. (5) with constant η.
    """
    p = problems.huber(seed)
    n = p.Z.shape[0]
    beta = np.linalg.pinv(p.Z) @ p.y
    U, S, _ = np.linalg.svd(p.Z, full_matrices=False)
    gram = p.Z @ p.Z.T
    u = np.sign(U[:, 0])
    # single flips: flipping uᵢ changes uᵀGu by 4(Gᵢᵢ − uᵢ(Gu)ᵢ); take the best gain while one is positive
    for _ in range(n * n):
        gain = np.diag(gram) - u * (gram @ u)
        i = int(np.argmax(gain))
        if gain[i] <= 1e-12 * gram[i, i]:
            break
        u[i] = -u[i]
    eta = losses.LeastSquares(p.Z, p.y).sharpness()
    return HuberConstants(0.0, float(np.max(np.abs(p.Z @ beta - p.y))), float(np.linalg.norm(p.Z.T @ u) / n),
                          float(S[0] / np.sqrt(n)), float(eta), n, p.Z.shape[1])


@dataclass(frozen=True)
class HuberSmoothness:
    """Difference quotients ‖∇f(a) − ∇f(b)‖/‖a − b‖ of the Huber loss (10) (`huber_smoothness`)."""

    top: float                # along the top eigenvector, inside the quadratic branch: η
    random_max: float         # the largest over random pairs
    pairs: int                # the number of random pairs

    def numbers(self) -> dict:
        """The quotient along the top eigenvector, the largest over the random pairs and their number, by name
        (eq. 5 holds with constant η when neither quotient exceeds η)."""
        return {"sm_top": self.top, "sm_random": self.random_max, "sm_pairs": self.pairs}


def huber_smoothness(seed: int = 0, pairs: int = 2000, scale: float = 3.0) -> HuberSmoothness:
    """Difference quotients ‖∇f(a) − ∇f(b)‖/‖a − b‖ of the Huber loss (10), against η of `huber_constants`.

    "top": a = Z⁺y (every residual 0) and b = a + 0.1 v, v the top eigenvector of ZᵀZ/N: both inside the
    quadratic branch, so the quotient is η. "random_max": the largest over random pairs in
    [−scale, scale]^P. Neither exceeds η: (10) satisfies eq. (5), although Section 5 calls it non-smooth.
    """
    pairs = validation.count("pairs", pairs)
    scale = float(validation.positive("scale", scale))
    p = problems.huber(seed)
    loss = losses.Huber(p.Z, p.y)
    top = np.linalg.eigh(p.Z.T @ p.Z)[1][:, -1]
    a = np.stack([np.linalg.pinv(p.Z) @ p.y, *np.random.default_rng(seed).uniform(-scale, scale, (pairs, p.Z.shape[1]))])
    b = np.concatenate([a[:1] + 0.1 * top, np.random.default_rng(seed + 1).uniform(-scale, scale, (pairs, p.Z.shape[1]))])
    quotient = np.linalg.norm(loss.grad(a) - loss.grad(b), axis=-1) / np.linalg.norm(a - b, axis=-1)
    return HuberSmoothness(float(quotient[0]), float(np.max(quotient[1:])), pairs)


@dataclass(frozen=True)
class EdgeCurves:
    """Figure 4: GD from β0 = 0 on the Huber loss (10) and on the quadratic of the same data, per α."""

    lr: np.ndarray            # (A,) step sizes α
    step: np.ndarray          # (T+1,) iterations k = 0 ... T
    huber: np.ndarray         # (A, T+1) f(β_k) on (10)
    quadratic: np.ndarray     # (A, T+1) (1/2N)‖y − Zβ_k‖² (inf once it overflows)
    fstar: float              # f* of (10), 0
    lipschitz: float          # L of eq. (6), its lower estimate (`HuberConstants.lipschitz_low`)
    eta: float                # η, the quadratic's top Hessian eigenvalue

    @property
    def edge(self) -> float:
        """2/η: the quadratic diverges for α above it."""
        return 2.0 / self.eta

    @property
    def steps(self) -> int:
        """T, the number of steps of each run."""
        return self.step.size - 1

    def nearest(self, lr: float) -> int:
        """The index of the grid's α nearest `lr` on a log scale (`ndgm.grids.nearest`)."""
        return grids.nearest(self.lr, lr, log=True)

    @property
    def above_edge(self) -> np.ndarray:
        """(A,): α > 2/η."""
        return self.lr > self.edge

    @property
    def bound(self) -> np.ndarray:
        """Appendix D.1's bound αL² on f(β_k) − f* late in the run, shape (A,)."""
        return self.lr * self.lipschitz ** 2

    @property
    def huber_diverged(self) -> np.ndarray:
        """(A,): the Huber loss ends non-finite or BLOWUP times above its start."""
        return _diverged(self.huber)

    @property
    def quadratic_diverged(self) -> np.ndarray:
        """(A,): the quadratic's loss ends non-finite or BLOWUP times above its start."""
        return _diverged(self.quadratic)

    @property
    def huber_tail_max(self) -> np.ndarray:
        """max_{k >= T/2} f(β_k) − f* on (10), shape (A,) (`tail_max`: inf for a diverged run)."""
        return tail_max(self.huber, self.fstar)

    @property
    def quadratic_tail_max(self) -> np.ndarray:
        """max_{k >= T/2} of the quadratic's loss, shape (A,) (`tail_max`: inf for a diverged run)."""
        return tail_max(self.quadratic)

    @property
    def huber_best(self) -> np.ndarray:
        """min_k f(β_k) − f* on (10), shape (A,): the best value so far at the end of the run."""
        return np.min(self.huber, axis=-1) - self.fstar

    @property
    def huber_best_step(self) -> np.ndarray:
        """The first k at which `huber_best` is reached, shape (A,): 0 when the run never improves on β0."""
        return np.argmin(self.huber, axis=-1)

    @property
    def best_is_start(self) -> np.ndarray:
        """(A,): the run never improves on its start β0."""
        return self.huber_best_step == 0

    @property
    def huber_peak(self) -> np.ndarray:
        """max_k f(β_k) on (10) over the whole run, shape (A,)."""
        return np.max(self.huber, axis=-1)

    @property
    def tail_over_bound(self) -> np.ndarray:
        """`huber_tail_max` / αL², shape (A,): at most 1 where D.1's bound holds."""
        return self.huber_tail_max / self.bound

    @property
    def best_over_bound(self) -> np.ndarray:
        """`huber_best` / αL², shape (A,): at most 1/2 where the source's constant-step bound holds."""
        return self.huber_best / self.bound

    @property
    def tail_over_lr(self) -> np.ndarray:
        """`huber_tail_max` / α, shape (A,): the Huber plateau in units of the step (flat where it grows ∝ α)."""
        return self.huber_tail_max / self.lr

    def figure4_numbers(self, small: float = paper.FIGURE4_LR[0], large: float = paper.FIGURE4_LR[1]) -> dict:
        """Figure 4's runs at the grid's α nearest `small` and `large`, by name: the final losses at the small
        step ("hs_final" Huber, "qs_final" quadratic); at the large step, that step over the edge 2/η, the
        first step at which the quadratic is not finite (0 if never), Huber's first three losses, its lowest and
        highest loss over the second half (k >= T/2) and their median over its starting loss."""
        i, j = self.nearest(small), self.nearest(large)
        tail = self.huber[j, self.steps // 2:]
        return {"small": small, "large": large, "steps": self.steps,
                "hs_final": self.huber[i, -1], "qs_final": self.quadratic[i, -1],
                "hl_times": large / self.edge, "ql_inf": int(np.argmax(~np.isfinite(self.quadratic[j]))),
                **{f"hl_step{k}": self.huber[j, k] for k in range(3)},
                "hl_lo": tail.min(), "hl_hi": self.huber_tail_max[j],
                "hl_over_start": np.median(tail) / self.huber[j, 0]}

    def sweep_numbers(self) -> dict:
        """The sweep over the whole grid of α, by name: its size and ends; the largest α at which the
        quadratic converges and the smallest at which it diverges, and at how many α "diverged" agrees with
        α > 2/η; how many Huber runs diverged; Huber's second-half maximum at the largest α, and the range of
        `tail_over_lr` above the edge."""
        div, above = self.quadratic_diverged, self.above_edge
        plateau = self.tail_over_lr[above]
        return {"n_alpha": self.lr.size, "alpha_lo": self.lr.min(), "alpha_hi": self.lr.max(),
                "alpha_max": self.lr[-1], "q_last_ok": self.lr[~div].max(), "q_first_div": self.lr[div].min(),
                "q_agree": int(np.sum(div == above)), "h_div": int(self.huber_diverged.sum()),
                "h_top": self.huber_tail_max[-1], "plateau_lo": plateau.min(), "plateau_hi": plateau.max()}

    def d1_numbers(self) -> dict:
        """Appendix D.1's bound αL² against the runs, by name: the largest `tail_over_bound` (and its smallest
        above the edge), the largest `best_over_bound`, and at how many of the α above the edge the best value
        of the run is its start."""
        above = self.above_edge
        return {"d1_worst": self.tail_over_bound.max(), "d1_best": self.best_over_bound.max(),
                "d1_above": self.tail_over_bound[above].min(), "best_is_start": int(self.best_is_start[above].sum()),
                "n_above": int(above.sum())}

    def numbers(self, shown=paper.FIGURE4_LR) -> dict:
        """`figure4_numbers` at Figure 4's two step sizes `shown`, `sweep_numbers` and `d1_numbers`, in one dict."""
        return {**self.figure4_numbers(*shown), **self.sweep_numbers(), **self.d1_numbers()}


def edge_curves(lr, steps: int = 1000, seed: int = 0) -> EdgeCurves:
    """Figure 4 and the quadratic beside it, for every α in `lr` (A,) in one vectorised run each.

    GD for `steps` steps from β0 = 0 on the Huber loss (10) and on the least-squares loss
    (1/2N)‖y − Zβ‖² of the same data (`ndgm.problems.huber(seed)`).
    """
    lr = validation.positive("lr", lr).reshape(-1)
    steps = validation.count("steps", steps, minimum=2)
    p = problems.huber(seed)
    const = huber_constants(seed)
    rule = optim.make("gd", lr)
    huber = run.run(losses.Huber(p.Z, p.y), rule, p.beta0, steps, record=("loss",))["loss"].T
    with np.errstate(over="ignore", invalid="ignore"):
        quad = run.run(losses.LeastSquares(p.Z, p.y), rule, p.beta0, steps, record=("loss",))["loss"].T
    quad = np.where(np.isfinite(quad), quad, np.inf)
    return EdgeCurves(lr, np.arange(steps + 1), huber, quad, const.fstar, const.lipschitz_low, const.eta)


@dataclass(frozen=True)
class ToyLassoCurves:
    """NDGM on the toy LASSO (7), λ1‖β‖₁, for each α and each seed's β0 ~ U[−1, 1]^P."""

    lr: np.ndarray            # (A,) step sizes α
    lam1: float               # λ1
    p: int                    # P
    start_linf: np.ndarray    # (S,) ‖β_0‖∞ of each seed
    linf: np.ndarray          # (A, S, T+1) ‖β_k‖∞
    loss: np.ndarray          # (A, S, T+1) λ1‖β_k‖₁

    @property
    def bound(self) -> np.ndarray:
        """Proposition 4.1's bound max(‖β_0‖∞, αλ1) on every ‖β_k‖∞, shape (A, S)."""
        return np.maximum(self.start_linf[None, :], self.lr[:, None] * self.lam1)

    @property
    def lipschitz(self) -> float:
        """L = λ1√P, the Lipschitz constant of (7) (eq. 6)."""
        return self.lam1 * np.sqrt(self.p)

    @property
    def d1_bound(self) -> np.ndarray:
        """Appendix D.1's αL², shape (A,)."""
        return self.lr * self.lipschitz ** 2

    @property
    def max_linf(self) -> np.ndarray:
        """max_k ‖β_k‖∞, shape (A, S)."""
        return np.max(self.linf, axis=-1)

    @property
    def linf_over_bound(self) -> np.ndarray:
        """`max_linf` / `bound`, shape (A, S): at most 1 by Proposition 4.1."""
        return self.max_linf / self.bound

    @property
    def last_over_d1(self) -> np.ndarray:
        """The larger loss of the last two iterates (the high value of the two-cycle) over αL², shape (A, S)."""
        return np.max(self.loss[..., -2:], axis=-1) / self.d1_bound[:, None]

    def numbers(self, settled: float) -> dict:
        """The grid's ends and the number of starts; the largest `linf_over_bound` (Proposition 4.1); the
        smallest `last_over_d1` at the largest α, and its largest at every α >= `settled` (the step sizes whose
        runs have settled into the two-cycle), by name."""
        return {"toy_lo": self.lr.min(), "toy_hi": self.lr.max(), "toy_seeds": self.start_linf.size,
                "toy_ratio": self.linf_over_bound.max(), "toy_alpha_big": self.lr[-1],
                "toy_d1_big": self.last_over_d1[-1].min(), "toy_settled": settled,
                "toy_d1_max": self.last_over_d1[self.lr >= settled].max()}


def toy_lasso_curves(lr, lam1: float = 1.0, p: int = 10, seeds=range(5), steps: int = 1000) -> ToyLassoCurves:
    """NDGM on the toy LASSO (7), λ1‖β‖₁, from β0 ~ U[−1, 1]^p for each seed and each α in `lr` (A,):
    it never diverges, since Proposition 4.1 keeps every |β_k[i]| <= max(|β_0[i]|, αλ1).
    """
    lr = validation.positive("lr", lr).reshape(-1)
    lam1 = float(validation.positive("lam1", lam1))
    beta0 = problems.starts(seeds, p)
    res = run.sweep(losses.ToyLasso, "gd", [lam1], lr, beta0, steps, record=("linf", "loss"))
    return ToyLassoCurves(lr, lam1, beta0.shape[-1], np.max(np.abs(beta0), axis=-1),
                          np.moveaxis(res["linf"][:, 0], 0, -1), np.moveaxis(res["loss"][:, 0], 0, -1))


@dataclass(frozen=True)
class UnboundedRuns:
    """NDGM on |x| + x² (`unbounded_subgradients`)."""

    lr: np.ndarray            # (A,) step sizes α
    x: np.ndarray             # (A, T+1) |x_k|

    @property
    def steps(self) -> int:
        """T, the number of steps."""
        return self.x.shape[-1] - 1

    @property
    def final(self) -> np.ndarray:
        """|x_T|, shape (A,)."""
        return self.x[:, -1]

    def numbers(self) -> dict:
        """The start |x_0|, the number of steps T, and each α with its |x_T| ("ub_alpha0", "ub_final0", ...)."""
        out = {"ub_x0": self.x[0, 0], "ub_steps": self.steps}
        for k, (a, x) in enumerate(zip(self.lr, self.final)):
            out |= {f"ub_alpha{k}": a, f"ub_final{k}": x}
        return out


def unbounded_subgradients(lr, x0: float = 1.0, steps: int = 60) -> UnboundedRuns:
    """NDGM on |x| + x², convex and non-smooth but with subgradients that grow without bound.

    The step is x ← (1 − 2α)x − α sign(x). At α = 1 it is x ← −x − sign(x), so |x| grows by 1 per step;
    for α > 1 the factor |1 − 2α| exceeds 1 and |x| grows geometrically; for α < 1 the iterates stay
    bounded. Without eq. (6) a kink does not prevent divergence. `lr` (A,) holds the step sizes α.
    """
    lr = validation.positive("lr", lr).reshape(-1)
    x0 = float(validation.real_array("x0", x0))
    res = run.run(losses.Loss(lam1=1.0, lam2=1.0), optim.make("gd", lr), np.array([x0]), steps, record=("linf",))
    return UnboundedRuns(lr, res["linf"].T)


@dataclass(frozen=True)
class HuberResiduals:
    """Where GD's late iterates sit on the Huber loss (10): the residuals |z_iᵀβ_k − y_i| of the last iterates."""

    lr: np.ndarray            # (A,) step sizes α
    linear: np.ndarray        # (A,) the fraction of residuals with |r| >= 1 (Huber's linear branch)
    median: np.ndarray        # (A,) median |r|
    min: np.ndarray           # (A,) smallest |r|
    last: int                 # the number of late iterates whose residuals these are

    @property
    def all_linear_from(self) -> float:
        """The smallest α of the grid from which on, at every larger α too, every late residual is on the
        linear branch; nan if that does not hold at the largest α."""
        return grids.holds_from(self.lr, self.linear == 1.0)

    def numbers(self, large: float = paper.FIGURE4_LR[1]) -> dict:
        """At the grid's α nearest `large` (log scale): the percentage of late residuals on the linear branch,
        their median and smallest |r|; the same percentage at the smallest α; `all_linear_from`; and `last`, by
        name."""
        i = grids.nearest(self.lr, large, log=True)
        return {"ma_last": self.last, "ma_linear_large": self.linear[i] * 100, "ma_median_large": self.median[i],
                "ma_min_large": self.min[i], "ma_alpha_lo": self.lr[0], "ma_linear_lo": self.linear[0] * 100,
                "ma_all_from": self.all_linear_from}


def huber_residuals(lr, steps: int = 1000, last: int = 200, seed: int = 0) -> HuberResiduals:
    """Where on the Huber loss (10) GD's late iterates sit: the residuals r = z_iᵀβ_k − y_i over the last
    `last` of `steps` iterates from β0 = 0, for each α.

    A term of (10) is quadratic while |r| < 1 and linear (subquadratic growth) once |r| >= 1. `lr` (A,)
    holds the step sizes α.
    """
    lr = validation.positive("lr", lr).reshape(-1)
    steps = validation.count("steps", steps, minimum=2)
    last = validation.count("last", last)
    if last > steps:
        raise ValueError(f"last must be at most steps ({steps}); got {last}")
    p = problems.huber(seed)
    loss, rule = losses.Huber(p.Z, p.y), optim.make("gd", lr)
    start = np.broadcast_to(p.beta0, (lr.size, p.beta0.size))
    if steps > last:
        start = run.run(loss, rule, start, steps - last, record=()).beta
    tail = run.run(loss, rule, start, last, record=(), trajectory=True).trajectory[1:]     # (last, A, P)
    r = np.abs(tail @ p.Z.T - p.y)                                                       # (last, A, N)
    r = np.moveaxis(r, 1, 0).reshape(lr.size, -1)
    return HuberResiduals(lr, np.mean(r >= 1.0, axis=-1), np.median(r, axis=-1), np.min(r, axis=-1), last)


@dataclass(frozen=True)
class D1Argument:
    """Proposition 5.1's argument for the Huber problem (10): bounds on every iterate, per α."""

    lr: np.ndarray            # (A,) step sizes α
    n: int                    # N, the number of rows of Z
    G: float                  # the bound on the subgradients used, √η (an upper bound on L)
    sigma_min: float          # σ_min(Z)
    dist0: float              # dist(β_0, X*), X* = {β : Zβ = y}

    @property
    def radius(self) -> np.ndarray:
        """D = N(αG²/2 + 1/2)/σ_min(Z), shape (A,): {f <= f* + αG²/2} lies within D of X*."""
        return self.n * (self.lr * self.G ** 2 / 2 + 0.5) / self.sigma_min

    @property
    def dist_bound(self) -> np.ndarray:
        """R = max(dist(β_0, X*), D + αG), shape (A,): a bound on every dist(β_k, X*)."""
        return np.maximum(self.dist0, self.radius + self.lr * self.G)

    @property
    def loss_bound(self) -> np.ndarray:
        """GR, shape (A,): a bound on every f(β_k) − f*."""
        return self.G * self.dist_bound

    def numbers(self, curves: EdgeCurves, large: float = paper.FIGURE4_LR[1]) -> dict:
        """The bound f* + GR against the largest loss of each whole run of `curves` (`EdgeCurves.huber_peak`,
        computed at the same α), by name: σ_min(Z); at how many α the bound holds; the largest ratio of peak to
        bound; the bound and the peak at the grid's α nearest `large`."""
        if not np.array_equal(self.lr, curves.lr):
            raise ValueError("curves must be computed at the step sizes of this argument (curves.lr == lr)")
        peak, i = curves.huber_peak, curves.nearest(large)
        return {"arg_sigma": self.sigma_min, "arg_holds": int(np.sum(peak <= self.loss_bound)),
                "arg_ratio": np.max(peak / self.loss_bound), "arg_bound_large": self.loss_bound[i],
                "arg_peak_large": peak[i]}


def d1_argument(lr, seed: int = 0) -> D1Argument:
    """Proposition 5.1 with its hypotheses made explicit, for the Huber problem (10): a bound on every iterate.

    For convex f with subgradients bounded by G (eq. 6) and a non-empty set X* of minimisers, each NDGM step
    gives dist(x_{k+1}, X*)² <= dist(x_k, X*)² − 2α(f(x_k) − f*) + α²G². The distance falls while
    f(x_k) − f* > αG²/2; otherwise x_k lies in {f <= f* + αG²/2}, which for (10) is within D of X*, and one
    step adds at most αG. So dist(x_k, X*) <= R = max(dist(x_0, X*), D + αG) and f(x_k) − f* <= GR for all k.
    For (10), X* = {β : Zβ = y}, dist(β, X*) = ‖Z⁺(Zβ − y)‖ <= ‖r‖₂/σ_min(Z) and each Huber term is at least
    |r_i| − 1/2, so D <= N(αG²/2 + 1/2)/σ_min(Z); G is √η, an upper bound on L (`huber_constants`).
    `lr` (A,) holds the step sizes α.
    """
    lr = validation.positive("lr", lr).reshape(-1)
    p = problems.huber(seed)
    sigma_min = float(np.linalg.svd(p.Z, compute_uv=False)[-1])
    dist0 = float(np.linalg.norm(np.linalg.pinv(p.Z) @ (p.Z @ p.beta0 - p.y)))
    return D1Argument(lr, p.Z.shape[0], huber_constants(seed).lipschitz_high, sigma_min, dist0)
