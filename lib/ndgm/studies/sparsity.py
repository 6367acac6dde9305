"""What gives sparse solutions on the paper's LASSO problems, and what pruning after NDGM really counts.

- `compare_methods`: the general LASSO (15) over a grid of λ1, solved by NDGM, by NDGM followed by
  rounding at a threshold (what pruning does), by ISTA and FISTA (proximal gradient, with FISTA's
  adaptive restart) and by scikit-learn's coordinate descent, the exact reference. Every method is
  measured on the same axes: ‖β‖₁, exact zeros, the gap f(β) − f(β*) to the exact minimum, and the
  iterations it needs to bring that gap below a target.
- `pruning_grid`: NDGM on (7) and (15) over τ x α x λ1, the measured fraction of |β_T| < τ beside the
  one that the swing αλ1 of eq. (8) predicts (`ndgm.swing.swing_prediction`, the same prediction the
  network pages use); `ndgm.figures.explorers.pruning_explorer` shows it in the static book and
  `ndgm.figures.widgets.pruning_widget` in a kernel.
"""
from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
import sklearn
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import Lasso

from .. import grids, losses, memo, optim, problems, validation
from . import lasso
from ..swing import TAU_GRID, swing_prediction

METHODS = ("ndgm", "ndgm-rounded", "ista", "fista", "cd")


def _fista(loss, beta0, lr, steps, restart=True):
    """FISTA (Beck and Teboulle) on fit + λ1‖·‖₁ with the gradient restart of O'Donoghue and Candès.

    x_{k+1} = S_{αλ1}(y_k − α∇fit(y_k)), y_{k+1} = x_{k+1} + ((t_k − 1)/t_{k+1})(x_{k+1} − x_k); when the
    step went uphill, (y_k − x_{k+1})·(x_{k+1} − x_k) > 0, the momentum is dropped (t = 1, y = x_{k+1}). Each row of the
    batch restarts on its own. Yields x_0, x_1, ..., x_steps.
    """
    x = np.broadcast_to(beta0, (*loss.batch_shape, beta0.shape[-1])).copy()
    y, t = x.copy(), np.ones(x.shape[:-1] + (1,))
    yield x
    for _ in range(steps):
        new = optim.soft_threshold(y - lr * loss.smooth_grad(y, check=False), lr * loss.l1_weight)
        t_new = 0.5 * (1.0 + np.sqrt(1.0 + 4.0 * t * t))
        ahead = new + ((t - 1.0) / t_new) * (new - x)
        if restart:
            uphill = np.sum((y - new) * (new - x), axis=-1, keepdims=True) > 0
            t_new = np.where(uphill, 1.0, t_new)
            ahead = np.where(uphill, new, ahead)
        x, y, t = new, ahead, t_new
        yield x


def _rule_path(loss, rule, beta0, steps):
    beta = np.broadcast_to(beta0, (*loss.batch_shape, beta0.shape[-1])).copy()
    state = rule.init(beta)
    yield beta
    for _ in range(steps):
        beta, state = rule.step(loss, beta, state, rule.base_lr)
        yield beta


def rounded(beta, tau):
    """β with every coordinate of |β| < τ set to exactly 0: pruning at the threshold τ (broadcast over β's axes)."""
    beta = np.asarray(beta, dtype=float)
    return np.where(np.abs(beta) < np.asarray(tau)[..., None], 0.0, beta)


def _cd_path(W, y, lam1, beta0, epochs):
    """scikit-learn's coordinate descent from β0, one epoch (a pass over all coordinates) per call: (E + 1, P).

    The inputs are checked once here, so each epoch's `fit` skips scikit-learn's checks (its public
    ``check_input=False`` and ``skip_parameter_validation``): the same iterates, five times faster."""
    model = Lasso(alpha=lam1 / 2, fit_intercept=False, warm_start=True, max_iter=1, tol=0.0)
    model.coef_ = beta0.copy()
    W, y = np.asfortranarray(W, dtype=np.float64), np.ascontiguousarray(y, dtype=np.float64)
    path = [beta0.copy()]
    with warnings.catch_warnings(), sklearn.config_context(skip_parameter_validation=True):
        warnings.simplefilter("ignore", ConvergenceWarning)
        for _ in range(epochs):
            path.append(model.fit(W, y, check_input=False).coef_.copy())
    return np.array(path)


@dataclass(frozen=True)
class MethodComparison:
    """The general LASSO (15) solved by each of METHODS for every λ1 (`compare_methods`).

    Per-method arrays are dicts keyed by method; "cd" counts epochs (one pass over the P coordinates,
    about the cost of one gradient) where the others count gradient steps.
    """

    seed: int
    lam1: np.ndarray          # (L,)
    lr: float                 # α = 1/L_fit for NDGM, ISTA and FISTA
    steps: int                # iterations run by each iterative method (epochs for "cd")
    target: float             # the gap counted by `iterations`
    exact: np.ndarray         # (L, P): scikit-learn's minimiser at tol 1e-12
    l1: dict                  # method -> (L,) ‖β‖₁ at the end
    zeros: dict               # method -> (L,) fraction of coordinates exactly 0 at the end
    gap: dict                 # method -> (L,) f(β) − f(β*) at the end
    iterations: dict          # method -> (L,) first iteration with gap <= target, nan if none within `steps`
    gap_path: dict            # method -> (steps + 1, L) the gap at every iteration
    n: int                    # N, the rows of W (and entries of y)
    p: int                    # P, the coordinates of β
    lam_max: float            # ‖2Wᵀy/N‖∞: from this λ1 on, β* = 0

    def monotone(self, method: str, field: str = "zeros") -> bool:
        """Whether `field` ("zeros" never falls, "l1" never rises) is monotone in λ1 for `method`."""
        v = getattr(self, validation.choice("field", field, ("zeros", "l1")))[validation.choice("method", method, METHODS)]
        return grids.trend(v) in (("grows", "flat") if field == "zeros" else ("shrinks", "flat"))

    def reached(self, method: str) -> int:
        """How many λ1 of the grid `method` brings to a gap f(β) − f(β*) <= `target` within its iterations."""
        return int(np.sum(np.isfinite(self.iterations[validation.choice("method", method, METHODS)])))

    def exact_zeros(self, method: str) -> bool:
        """Whether `method` ends with the exact solution's fraction of exact zeros at every λ1."""
        return bool(np.array_equal(self.zeros[validation.choice("method", method, METHODS)],
                                   exact_summary(self)["zeros"]))

    def numbers(self) -> dict:
        """What the page "What works instead" prints about (15), by name: the problem's N and P, the
        iterations (`steps`, `cd_epochs`), α = 1/L, the λ1 grid's ends and λ_max; NDGM's largest fraction of
        exact zeros, smallest gap and ‖β‖₁ at the largest λ1 (the paradox of Section 4); the zeros and smallest
        gap of NDGM rounded at αλ1 (eq. 8's band); FISTA's largest |gap| and iterations to the target; how many λ1
        ISTA and coordinate descent reach (of `n_lam`); the exact solution's most non-zeros (at most N); whether
        the zeros and ‖β‖₁ are monotone in λ1 ("yes"/"no"), and FISTA's zeros against the exact solution's,
        in words."""
        def yes(flag):
            return "yes" if flag else "no"

        return {"n": self.n, "p": self.p, "steps": self.steps, "cd_epochs": self.gap_path["cd"].shape[0] - 1,
                "lr": self.lr, "lam_lo": float(self.lam1[0]), "lam_hi": float(self.lam1[-1]), "lam_max": self.lam_max,
                "ndgm_zeros_max": float(self.zeros["ndgm"].max()), "ndgm_gap_min": float(self.gap["ndgm"].min()),
                "ndgm_l1_hi": float(self.l1["ndgm"][-1]), "round_gap_min": float(self.gap["ndgm-rounded"].min()),
                "round_zeros_lo": float(self.zeros["ndgm-rounded"].min()),
                "round_zeros_hi": float(self.zeros["ndgm-rounded"].max()),
                "fista_gap_max": float(np.max(np.abs(self.gap["fista"]))),
                "fista_its_max": int(np.nanmax(self.iterations["fista"])),
                "ista_reached": self.reached("ista"), "cd_reached": self.reached("cd"), "n_lam": int(self.lam1.size),
                "exact_nonzero_max": int(np.max(np.sum(self.exact != 0, axis=-1))),
                "fista_monotone_l1": yes(self.monotone("fista", "l1")),
                "fista_monotone_zeros": yes(self.monotone("fista", "zeros")),
                "ista_monotone_zeros": yes(self.monotone("ista", "zeros")),
                "round_monotone_zeros": yes(self.monotone("ndgm-rounded", "zeros")),
                "fista_zeros_lo": float(self.zeros["fista"][0]),
                "fista_same_zeros": "the same fraction of exact zeros as the exact solution at every λ1"
                if self.exact_zeros("fista") else "not quite the exact solution's count of zeros at every λ1"}


@memo.memoized
def compare_methods(lam1=np.logspace(-3, 1, 13), seed: int = 0, steps: int = 5000, target: float = 1e-6,
                    cd_epochs: int = 300, n: int = 20, p: int = 500) -> MethodComparison:
    """Solve (15), f(β) = (1/N)‖y − Wβ‖² + λ1‖β‖₁ with the data of `problems.general_lasso(seed)`, by
    every method of METHODS from the problem's β0, vectorised over λ1 (scikit-learn fits one λ1 at a time).

    NDGM, ISTA and FISTA use α = 1/L, L = 2‖W‖²/N the Lipschitz constant of ∇fit; "ndgm-rounded" is NDGM's
    iterate with |β| < αλ1, the band NDGM oscillates in (eq. 8), set to 0. The gap is measured against
    `lasso.exact_lasso`.
    """
    lam1 = validation.positive("lam1", lam1).reshape(-1)
    steps = validation.count("steps", steps)
    cd_epochs = validation.count("cd_epochs", cd_epochs)
    target = float(validation.positive("target", target))
    prob = problems.general_lasso(seed, n=n, p=p)
    loss = losses.GeneralLasso(prob.Z, prob.y, lam1[:, None])
    lr = 1.0 / lasso.smooth_lipschitz(prob.Z)
    exact = lasso.exact_lasso(prob.Z, prob.y, lam1)
    best = loss.value(exact[:, None])[:, 0]                                   # (L,)
    band = lr * lam1[:, None]

    def measure(path_iter):
        gaps, last = [], None
        for beta in path_iter:
            gaps.append(loss.value(beta, check=False) - best[:, None])
            last = beta
        return np.array(gaps)[..., 0], last[:, 0]

    paths, finals = {}, {}
    with np.errstate(over="ignore", invalid="ignore"):
        paths["ndgm"], finals["ndgm"] = measure(_rule_path(loss, optim.make("gd", lr), prob.beta0, steps))
        paths["ndgm-rounded"], finals["ndgm-rounded"] = measure(
            rounded(b, band) for b in _rule_path(loss, optim.make("gd", lr), prob.beta0, steps))
        paths["ista"], finals["ista"] = measure(_rule_path(loss, optim.make("prox", lr), prob.beta0, steps))
        paths["fista"], finals["fista"] = measure(_fista(loss, prob.beta0, lr, steps))
    cd = np.stack([_cd_path(prob.Z, prob.y, float(lam), prob.beta0, cd_epochs) for lam in lam1], axis=1)
    paths["cd"] = (loss.value(cd[:, :, None], check=False) - best[:, None])[..., 0]
    finals["cd"] = cd[-1]

    def first_below(gaps):
        hit = gaps <= target
        return np.where(hit.any(axis=0), np.argmax(hit, axis=0), np.nan).astype(float)

    return MethodComparison(int(seed), lam1, float(lr), steps, target, exact,
                            l1={m: np.abs(b).sum(-1) for m, b in finals.items()},
                            zeros={m: np.mean(b == 0.0, axis=-1) for m, b in finals.items()},
                            gap={m: g[-1] for m, g in paths.items()},
                            iterations={m: first_below(g) for m, g in paths.items()},
                            gap_path=paths, n=int(prob.Z.shape[0]), p=int(prob.Z.shape[1]),
                            lam_max=float(np.max(np.abs(2 * prob.Z.T @ prob.y / prob.Z.shape[0]))))


def exact_summary(comparison: MethodComparison) -> dict:
    """‖β*‖₁ and the fraction of exact zeros of scikit-learn's minimiser, each (L,)."""
    return {"l1": np.abs(comparison.exact).sum(-1), "zeros": np.mean(comparison.exact == 0.0, axis=-1)}


# ----- the pruning threshold after NDGM --------------------------------------------------------------

PRUNING_PROBLEMS = ("toy", "lasso")


def predicted_fraction(beta0, lr, lam1, steps, taus) -> np.ndarray:
    """The fraction of |β_T| < τ that the swing s = αλ1 predicts after `steps` NDGM steps from β0, one per τ.

    It is `swing_prediction` (F₀(T·s)·min(1, τ/s), F₀ the fraction of |β0| below a value): the
    coordinates within T·s of 0 have been caught in the two-cycle of eq. (8), where |β| is spread evenly over
    (0, s). The data-fit gradient of (15) is ignored.
    """
    beta0 = validation.real_array("beta0", beta0, ndim=1)
    below = np.mean(np.abs(beta0)[:, None] < TAU_GRID[None, :], axis=0)
    s = float(lr) * float(lam1)
    return swing_prediction(below, int(steps) * s, s, taus)


@dataclass(frozen=True)
class PruningGrid:
    """NDGM on each of PRUNING_PROBLEMS over α x λ1 for `steps` steps, fractions below each τ (`pruning_grid`)."""

    tau: np.ndarray           # (K,)
    lr: np.ndarray            # (A,)
    lam1: np.ndarray          # (L,)
    steps: int
    measured: np.ndarray      # (problem, A, L, K): fraction of |β_T| < τ
    predicted: np.ndarray     # (problem, A, L, K): `predicted_fraction`
    zeros: np.ndarray         # (problem, A, L): fraction of β_T exactly 0

    @property
    def swing(self) -> np.ndarray:
        """αλ1, shape (A, L): the width of the band NDGM's two-cycle lives in."""
        return self.lr[:, None] * self.lam1[None, :]

    def numbers(self, lr: float = 0.01, lam1=(1.0, 10.0), tau: float = 1e-3, tau_max: float = 1e-2) -> dict:
        """What the page "What works instead" prints about the pruning threshold, by name, at the grid values
        nearest `lr`, each of `lam1` and `tau` (`grids.nearest`, on a log scale): `steps`, `lr`, `tau`; for each
        λ1 (suffix ``f"{λ1:g}"``, e.g. `lam10` for 10) the grid's λ1 and the measured and predicted fractions of
        |β_T| < τ on (7) (`toy_meas…`, `toy_pred…`) and on (15) (`big_meas…`, `big_pred…`; the prediction is
        F₀(Tαλ1)·min(1, τ/(αλ1)) of eq. 8's two-cycle); `toy_err`, the prediction's largest error on (7) over the
        whole grid for τ <= `tau_max`; and `zeros`, the largest fraction of exact zeros of any run."""
        toy, big = PRUNING_PROBLEMS.index("toy"), PRUNING_PROBLEMS.index("lasso")
        j = grids.nearest(self.lr, lr, log=True)
        t = grids.nearest(self.tau, tau, log=True)
        out = {"steps": self.steps, "lr": float(self.lr[j]), "tau": float(self.tau[t])}
        for lam in np.atleast_1d(lam1):
            k, name = grids.nearest(self.lam1, lam, log=True), f"{lam:g}"
            out[f"lam{name}"] = float(self.lam1[k])
            out[f"toy_meas{name}"] = float(self.measured[toy, j, k, t])
            out[f"toy_pred{name}"] = float(self.predicted[toy, j, k, t])
            out[f"big_meas{name}"] = float(self.measured[big, j, k, t])
            out[f"big_pred{name}"] = float(self.predicted[big, j, k, t])
        out["toy_err"] = float(np.max(np.abs(self.measured[toy] - self.predicted[toy])[..., self.tau <= tau_max]))
        out["zeros"] = float(self.zeros.max())
        return out


def pruning_grid(tau=np.logspace(-6, 0, 13), lr=(0.001, 0.003, 0.01, 0.03), lam1=np.logspace(-2, 2, 9),
                 steps: int = 2000, seed: int = 0) -> PruningGrid:
    """Run NDGM on (7) (P = 2000, β0 ~ U[−1, 1]) and on (15) (the 20 x 500 problem of `seed`) over α x λ1
    in one vectorised call per problem and measure the fraction of |β_T| < τ beside its prediction.

    α must stay below 2/L on (15) (about 0.088 for seed 0), or NDGM diverges there.
    """
    tau = validation.in_range("tau", tau, low=TAU_GRID[0], high=1.0, high_open=False).reshape(-1)
    lr = validation.positive("lr", lr).reshape(-1)
    lam1 = validation.positive("lam1", lam1).reshape(-1)
    steps = validation.count("steps", steps)
    shape = (len(PRUNING_PROBLEMS), len(lr), len(lam1))
    measured, predicted, zeros = np.empty((*shape, len(tau))), np.empty((*shape, len(tau))), np.empty(shape)
    for i, name in enumerate(PRUNING_PROBLEMS):
        if name == "toy":
            beta0 = problems.starts(seed, 2000)[0]
            loss = losses.ToyLasso(lam1[None, :])
        else:
            prob = problems.general_lasso(seed)
            beta0, loss = prob.beta0, losses.GeneralLasso(prob.Z, prob.y, lam1[None, :])
        rule = optim.make("gd", lr[:, None])
        with np.errstate(over="ignore", invalid="ignore"):
            last = _last(loss, rule, beta0, steps)
        a = np.abs(last)                                                       # (A, L, P)
        measured[i] = np.mean(a[..., None] < tau, axis=-2)
        zeros[i] = np.mean(last == 0.0, axis=-1)
        for j, rate in enumerate(lr):
            for k, lam in enumerate(lam1):
                predicted[i, j, k] = predicted_fraction(beta0, rate, lam, steps, tau)
    return PruningGrid(tau, lr, lam1, steps, measured, predicted, zeros)


def _last(loss, rule, beta0, steps):
    for beta in _rule_path(loss, rule, beta0, steps):
        pass
    return beta
