"""The paper's data sets and starting points, generated from a seed.

Every draw uses numpy's default generator seeded with `seed`; the same seed gives the same
problem on every machine. The paper names distributions, not seeds, so any seed is as
faithful as any other; the book reports the spread over seeds where it matters.

`lasso_problem` pairs a loss with its start for Section 4's two LASSO problems (`LASSO_PROBLEMS`), the
ones its explorer switches between.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from . import losses, paper, validation

BETA0_2D = np.array(paper.TWO_D_BETA0)
"""Section 4's two-dimensional start β0, as printed (`ndgm.paper.TWO_D_BETA0`)."""


@dataclass(frozen=True)
class Problem:
    """A data matrix Z (N x P), a response y (N,), a starting point β0 (P,) and the seed that drew them."""

    Z: np.ndarray
    y: np.ndarray
    beta0: np.ndarray
    seed: int


def _rng(seed):
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise ValueError(f"seed must be an integer >= 0; got {seed!r}")
    return np.random.default_rng(int(seed))


def capture(seed: int = 0, n: int = 20, p: int = 500) -> Problem:
    """Section 3, Figure 1: Z1 ~ U[-1, 1]^(n x p), q1 ~ U[-1, 0]^n (non-positive), β0 ~ U[-1, 1]^p."""
    n, p = validation.count("n", n), validation.count("p", p)
    rng = _rng(seed)
    Z = rng.uniform(-1.0, 1.0, (n, p))
    q = rng.uniform(-1.0, 0.0, n)
    return Problem(Z, q, rng.uniform(-1.0, 1.0, p), int(seed))


def general_lasso(seed: int = 0, n: int = 20, p: int = 500) -> Problem:
    """Appendix B.2, eq. (15): W ~ U[-1, 1]^(n x p), y ~ U[-1, 1]^n, β0 ~ U[-1, 1]^p."""
    n, p = validation.count("n", n), validation.count("p", p)
    rng = _rng(seed)
    W = rng.uniform(-1.0, 1.0, (n, p))
    y = rng.uniform(-1.0, 1.0, n)
    return Problem(W, y, rng.uniform(-1.0, 1.0, p), int(seed))


def huber(seed: int = 0, n: int = paper.HUBER_SHAPE[0], p: int = paper.HUBER_SHAPE[1]) -> Problem:
    """Section 5, eq. (10): a 50 x 200 regression (`ndgm.paper.HUBER_SHAPE`), Z ~ U[-1, 1]^(n x p),
    y ~ U[-1, 1]^n, β0 = 0.

    The paper calls the response "arbitrary" and gives no distribution; uniform entries match its
    other problems.
    """
    n, p = validation.count("n", n), validation.count("p", p)
    rng = _rng(seed)
    Z = rng.uniform(-1.0, 1.0, (n, p))
    y = rng.uniform(-1.0, 1.0, n)
    return Problem(Z, y, np.zeros(p), int(seed))


def starts(seeds, p: int) -> np.ndarray:
    """One starting point β0 ~ U[-1, 1]^p per seed (Proposition 4.1's initialisation): shape (S, p)."""
    p = validation.count("p", p)
    return np.stack([_rng(s).uniform(-1.0, 1.0, p) for s in validation.seeds(seeds)])


LASSO_PROBLEMS = ("toy", "lasso")
"""Section 4's two problems: the toy LASSO (7) and the general LASSO (15)."""
LASSO_PROBLEM_LABELS = {"toy": "toy LASSO (7), P = 10", "lasso": "general LASSO (15), 20 x 500"}
"""Their display names."""


def lasso_problem(problem: str, lam1, seed: int = 0) -> tuple[losses.Loss, np.ndarray]:
    """The loss and start of a Section 4 problem: "toy" is eq. (7) with P = 10, "lasso" is eq. (15), 20 x 500.

    `lam1` (a number or an array of penalties) broadcasts as in `ndgm.losses`; the start β0 has shape (P,):
    ~ U[-1, 1]^10 from `starts(seed, 10)` for "toy", `general_lasso(seed).beta0` for "lasso".
    """
    validation.choice("problem", problem, LASSO_PROBLEMS)
    if problem == "toy":
        return losses.ToyLasso(lam1), starts(seed, 10)[0]
    data = general_lasso(seed)
    return losses.GeneralLasso(data.Z, data.y, lam1), data.beta0
