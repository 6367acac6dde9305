"""Section 2's three step-size regimes on the simplest kink, f(x) = |x| (eq. 7 with P = 1, λ1 = 1).

Under a constant step NDGM (eq. 2) ends in a two-cycle across the kink whose larger value is below α; a
diminishing step (eq. 4) shrinks the cycle only as fast as α_t; a reducing step (StepLR) ends as a constant-step
run at its last rate. GD on the smooth x²/2 with the same constant α converges.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .. import losses, optim, problems, run as _run, validation

REGIMES = ("constant", "diminishing", "reducing")


@dataclass(frozen=True)
class Regimes:
    """NDGM on |x| from one start under each regime (`runs[name]`, |x_t| recorded at every step), the step-size
    multipliers each used (`schedules[name]`, shape (T,)), and GD on x²/2 with the constant step (`smooth`)."""

    lr: float
    steps: int
    every: int
    factor: float
    x0: float
    runs: dict
    schedules: dict
    smooth: _run.Run

    def final(self, regime: str) -> float:
        """The larger |x| of the last two-cycle of `regime`: how far from the minimiser 0 the run ends."""
        return float(max(self.runs[validation.choice("regime", regime, REGIMES)]["l1"][-2:]))

    def last_lr(self, regime: str) -> float:
        """α_T, the step size of `regime`'s last step."""
        return float(self.lr * self.schedules[validation.choice("regime", regime, REGIMES)][-1])

    def numbers(self) -> dict:
        """The numbers the page prints, by glue name."""
        reducing = self.schedules["reducing"]
        return {"x0": self.x0, "alpha": self.lr, "T_steps": self.steps, "cut_every": self.every,
                **{f"final_{name}": self.final(name) for name in REGIMES},
                "alpha_last_reducing": self.last_lr("reducing"), "alpha_last_diminishing": self.last_lr("diminishing"),
                "ratio_constant": self.final("constant") / self.lr,
                "ratio_reducing": self.final("reducing") / self.last_lr("reducing"),
                "sum_reducing": float(self.lr * reducing.sum()),
                "sum_reducing_limit": self.lr * self.every / (1 - self.factor),
                "final_smooth": float(self.smooth.final("l1"))}


def step_size_regimes(steps: int = 400, lr: float = 0.1, every: int = 100, factor: float = 0.1,
                      seed: int = 0) -> Regimes:
    """NDGM on |x| from a start uniform in [-1, 1] (`problems.starts(seed, 1)`) for `steps` steps under the
    constant regime (eqs. 1-2), the diminishing one α_t = α/√(t + 1) (eq. 4) and the reducing one (α cut by
    `factor` every `every` steps); and GD on x²/2 with the constant α."""
    steps, every = validation.count("steps", steps), validation.count("every", every)
    lr = float(validation.in_range("lr", lr, low=0.0, low_open=True))
    factor = float(validation.in_range("factor", factor, low=0.0, high=1.0, low_open=True, high_open=True))
    x0 = problems.starts(seed, 1)[0]
    schedules = {"constant": optim.constant(steps), "diminishing": optim.diminishing(steps, power=0.5),
                 "reducing": optim.reducing(steps, every=every, factor=factor)}
    runs = {name: _run.run(losses.ToyLasso(1.0), optim.make("gd", lr), x0, steps, record=("l1",), schedule=s)
            for name, s in schedules.items()}
    smooth = _run.run(losses.LeastSquares(np.ones((1, 1)), np.zeros(1)), optim.make("gd", lr), x0, steps,
                      record=("l1",))
    return Regimes(lr, steps, every, factor, float(x0[0]), runs, schedules, smooth)
