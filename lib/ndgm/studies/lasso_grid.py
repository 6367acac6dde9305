"""Section 4's explorer grid: every optimizer of `LASSO_OPTIMIZERS` on both problems of Section 4 (the toy
problem (7) and the general LASSO (15), `ndgm.problems.lasso_problem`) over a λ1 x α grid, each optimizer one
vectorised `ndgm.run.sweep` call. `ndgm.figures.explorers.lasso_explorer` shows it in the built book and
`ndgm.figures.widgets.lasso_explorer` in a kernel."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .. import memo, problems, run, validation


LASSO_OPTIMIZERS = ("gd", "momentum", "rmsprop", "adam", "prox")
"""The optimizers Section 4's explorer (static and live) offers, in menu order."""


@dataclass
class LassoGrid:
    """Runs over λ1 x α x optimizer x problem: paths at `steps`, finals, per configuration."""

    lam1: np.ndarray
    lr: np.ndarray
    steps: np.ndarray
    paths: dict          # "l1", "loss": shape (optimizer, problem, lam1, lr, len(steps))
    finals: dict         # "l1", "loss", "zeros": shape (optimizer, problem, lam1, lr)
    seed: int = 0        # the seed of both problems' data and start

    def numbers(self) -> dict:
        """What the explorer's page prints, by name: the toy problem's P, the general LASSO's N and P, the number
        of runs, the steps and the ends of the λ1 and α grids."""
        toy_beta0 = problems.lasso_problem("toy", 1.0, self.seed)[1]
        general = problems.lasso_problem("lasso", 1.0, self.seed)[0]
        return {"toy_p": toy_beta0.size, "lasso_n": general.n, "lasso_p": general.p,
                "n_runs": int(self.finals["l1"].size), "steps": int(self.steps[-1]),
                "lam1_min": float(self.lam1.min()), "lam1_max": float(self.lam1.max()),
                "lr_min": float(self.lr.min()), "lr_max": float(self.lr.max())}


@memo.memoized
def lasso_grid(lam1=np.logspace(-3, 2, 21), lr=np.logspace(-3, 0, 13), steps: int = 1000,
               marks: int = 40, seed: int = 0) -> LassoGrid:
    """Every optimizer on both problems over the λ1 x α grid, each one vectorised `ndgm.run.sweep` call.

    Runs that diverge (momentum or GD with α above the stability limit of (15)) are kept as inf/nan:
    the explorer shows them as diverged rather than hiding them.
    """
    lam1 = validation.nonnegative("lam1", lam1).reshape(-1)
    lr = validation.positive("lr", lr).reshape(-1)
    at = run.log_marks(steps, marks)
    shape = (len(LASSO_OPTIMIZERS), len(problems.LASSO_PROBLEMS), len(lam1), len(lr))
    paths = {k: np.empty((*shape, len(at))) for k in ("l1", "loss")}
    finals = {k: np.empty(shape) for k in ("l1", "loss", "zeros")}
    for j, problem in enumerate(problems.LASSO_PROBLEMS):
        _, beta0 = problems.lasso_problem(problem, 1.0, seed)
        for i, name in enumerate(LASSO_OPTIMIZERS):
            with np.errstate(over="ignore", invalid="ignore"):
                res = run.sweep(lambda lam: problems.lasso_problem(problem, lam, seed)[0], name, lam1, lr, beta0[None],
                                steps, record=("l1", "loss", "zeros"), at=at)
            for k in paths:
                paths[k][i, j] = np.moveaxis(res[k][..., 0], 0, -1)
            for k in finals:
                finals[k][i, j] = res.final(k)[..., 0]
    return LassoGrid(lam1, lr, at, paths, finals, seed)
