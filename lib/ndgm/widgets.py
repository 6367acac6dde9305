"""ipywidgets controls for a live kernel (Jupyter, Binder, Colab): each change recomputes with ndgm.

The built static book cannot run these (there is no kernel); it shows `ndgm.explorer`'s
precomputed version of the same figure instead.
"""
from __future__ import annotations

import time

import matplotlib.pyplot as plt
import numpy as np
from IPython.display import display

from . import explorer, optim, run, validation


class LassoExplorer:
    """λ1, α, optimizer and problem controls over Section 4's runs, recomputed on every change.

    `steps` iterations per run; the final-‖β‖₁-against-λ1 curve is recomputed (one vectorised
    sweep over `curve_lam1`) only when α, the optimizer or the problem changes.
    """

    def __init__(self, steps: int = 1000, seed: int = 0, curve_lam1=np.logspace(-3, 2, 11)):
        import ipywidgets as w

        self.steps = validation.count("steps", steps)
        self.seed = seed
        self.curve_lam1 = validation.nonnegative("curve_lam1", curve_lam1).reshape(-1)
        self.marks = run.log_marks(self.steps, 60)
        self.lam1 = w.FloatLogSlider(value=1.0, base=10, min=-3, max=2, step=0.05, description="λ₁",
                                     readout_format=".3g", continuous_update=False)
        self.lr = w.FloatLogSlider(value=0.01, base=10, min=-3, max=0, step=0.05, description="α",
                                   readout_format=".3g", continuous_update=False)
        self.optimizer = w.Dropdown(options=[(explorer.OPTIMIZER_LABELS[o], o) for o in explorer.LASSO_OPTIMIZERS],
                                    value="gd", description="optimizer")
        self.problem = w.Dropdown(options=[(explorer.PROBLEM_LABELS[p], p) for p in explorer.LASSO_PROBLEMS],
                                  value="toy", description="problem")
        self.readout = w.HTML()
        self.output = w.Output()
        self._curve_key, self._curve = None, None
        self.last_redraw_s = None
        for c in (self.lam1, self.lr, self.optimizer, self.problem):
            c.observe(lambda change: self.update(), names="value")
        self.widget = w.VBox([w.HBox([self.lam1, self.lr]), w.HBox([self.optimizer, self.problem]),
                              self.readout, self.output])
        self.update()

    def compute(self):
        """The current run (‖β‖₁ and loss paths, finals) and the final ‖β‖₁ over `curve_lam1`."""
        name, problem, lr = self.optimizer.value, self.problem.value, self.lr.value
        loss, beta0 = explorer.lasso_problem(problem, self.lam1.value, self.seed)
        with np.errstate(over="ignore", invalid="ignore"):
            current = run.run(loss, optim.make(name, lr), beta0, self.steps, record=("l1", "loss", "zeros"),
                              at=self.marks)
            key = (name, problem, lr)
            if key != self._curve_key:
                self._curve = run.sweep(lambda lam: explorer.lasso_problem(problem, lam, self.seed)[0], name,
                                        self.curve_lam1, [lr], beta0[None], self.steps, record=("l1",),
                                        every=self.steps).final("l1")[:, 0, 0]
                self._curve_key = key
        return current, self._curve

    def update(self):
        t0 = time.perf_counter()
        current, curve = self.compute()
        self.current = current
        fig, axes = plt.subplots(1, 3, figsize=(12, 3.2), constrained_layout=True)
        axes[0].loglog(current.steps[1:], current["l1"][1:])
        axes[0].set(xlabel="iteration t", ylabel="‖β_t‖₁", title="‖β‖₁ over the iterations")
        axes[1].loglog(current.steps[1:], current["loss"][1:], color="#d62728")
        axes[1].set(xlabel="iteration t", ylabel="f(β_t)", title="loss over the iterations")
        axes[2].loglog(self.curve_lam1, curve, marker=".")
        axes[2].plot([self.lam1.value], [current.final("l1")], "ko", mfc="none", ms=9)
        axes[2].set(xlabel="λ₁", ylabel="‖β_T‖₁", title="final ‖β‖₁ against λ₁")
        for ax in axes:
            ax.grid(True, alpha=0.3)
        self.output.clear_output(wait=True)
        with self.output:
            display(fig)
        plt.close(fig)
        self.readout.value = (f"final ‖β‖₁ = <b>{current.final('l1'):.4g}</b>, final loss = "
                              f"<b>{current.final('loss'):.4g}</b>, exact zeros = <b>{current.final('zeros'):.3g}</b>")
        self.last_redraw_s = time.perf_counter() - t0


def lasso_explorer(**kwargs):
    """The Section 4 explorer for a live kernel: display the returned widget."""
    return LassoExplorer(**kwargs).widget
