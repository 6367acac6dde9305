"""The book's interactive figures for the static site, one function per figure.

Each function turns results into an `ndgm.figures.explorer.Explorer` (the generic spec that the site's
ndgm-explorer.js draws):
- `lasso_explorer` shows Section 4's grid (`ndgm.studies.lasso_grid`: every optimizer on both problems over
  λ1 x α) on the page "LASSO explorer";
- `capture_explorer` (Figure 1, Section 3) and `edge_explorer` (Figure 4, Section 5) put an α control on
  those figures;
- `prune_explorer` (Table 2, network runs) and `pruning_explorer` (the pruning threshold after NDGM, page
  "What works instead") put a threshold τ control on the fraction of small weights.
"""
from __future__ import annotations

import numpy as np

from ..networks import analysis
from .. import paper, problems, run, validation
from ..labels import LASSO_OPTIMIZER_LABELS, OPTIMIZER_LABELS, PRUNING_LABELS
from ..studies.lasso_grid import LASSO_OPTIMIZERS, LassoGrid
from ..studies.sparsity import PRUNING_PROBLEMS
from .style import OPTIMIZER_COLORS
from .explorer import Control, Explorer, Panel, Readout, Series
from ..grids import nearest


# ---------------------------------------------------------------- the Section 4 explorer

def lasso_explorer(grid: LassoGrid) -> Explorer:
    """The Section 4 explorer: ‖β‖₁ and the loss over the iterations, final ‖β‖₁ and exact zeros against λ1."""
    axes = ("optimizer", "problem", "lam1", "lr")
    controls = [
        Control("lam1", "λ₁", tuple(grid.lam1), "log", default=grid.lam1[len(grid.lam1) // 2]),
        Control("lr", "α", tuple(grid.lr), "log", default=grid.lr[nearest(grid.lr, 0.01, log=True)]),
        Control("optimizer", "optimizer", LASSO_OPTIMIZERS, "choice", default="gd",
                labels=tuple(LASSO_OPTIMIZER_LABELS[o] for o in LASSO_OPTIMIZERS)),
        Control("problem", "problem", problems.LASSO_PROBLEMS, "choice", default="toy",
                labels=tuple(problems.LASSO_PROBLEM_LABELS[p] for p in problems.LASSO_PROBLEMS)),
    ]
    arrays = {
        "steps": ((), grid.steps),
        "l1_path": (axes, grid.paths["l1"]),
        "loss_path": (axes, grid.paths["loss"]),
        "final_l1": (axes, grid.finals["l1"]),
        "final_loss": (axes, grid.finals["loss"]),
        "zeros": (axes, grid.finals["zeros"]),
    }
    panels = [
        Panel("‖β‖₁ over the iterations", "steps", (Series("l1_path", "‖β_t‖₁"),),
              xlabel="iteration t", ylabel="‖β_t‖₁", xlog=True, ylog=True),
        Panel("loss over the iterations", "steps", (Series("loss_path", "f(β_t)", "#d62728"),),
              xlabel="iteration t", ylabel="f(β_t)", xlog=True, ylog=True),
        Panel("final ‖β‖₁ against λ₁", "lam1", (Series("final_l1", "final ‖β‖₁"),),
              xlabel="λ₁", ylabel="‖β_T‖₁", xlog=True, ylog=True),
        Panel("fraction of exact zeros against λ₁", "lam1", (Series("zeros", "exact zeros", "#2ca02c"),),
              xlabel="λ₁", ylabel="fraction of β_T exactly 0", xlog=True, ylim=(0.0, 1.0)),
    ]
    readouts = [Readout("final ‖β‖₁", "final_l1"), Readout("final loss", "final_loss"),
                Readout("exact zeros", "zeros", 3)]
    return Explorer(controls, arrays, panels, readouts)


# ---------------------------------------------------------------- α controls for Sections 3 and 5

YES_NO = ("no", "yes")


def capture_explorer(relu, softplus, marks: int = 150) -> Explorer:
    """Figure 1 with an α control: `relu` and `softplus` are `ndgm.studies.convergence.CaptureCurves` over the
    same grid of α. The curves are drawn at about `marks` log-spaced iterations; the readouts are
    computed from every iteration."""
    if not np.array_equal(relu.lr, softplus.lr):
        raise ValueError("relu and softplus must be computed over the same step sizes lr")
    at = run.log_marks(int(relu.step[-1]), marks)
    lr = ("lr",)
    arrays = {"steps": ((), at)}
    for name, cur in (("relu", relu), ("softplus", softplus)):
        arrays[f"gap_{name}"] = (lr, cur.gap[:, at])
        arrays[f"linf_{name}"] = (lr, cur.linf[:, at])
        arrays[f"max_linf_{name}"] = (lr, cur.max_linf)
        arrays[f"monotone_{name}"] = (lr, cur.monotone)
    relu_s = lambda a: Series(f"{a}_relu", "ReLU (NDGM)", "#1f77b4")
    soft_s = lambda a: Series(f"{a}_softplus", "softplus (GD)", "#2ca02c", "dash")
    panels = [
        Panel("L₂(β_k) − L₂* over the iterations", "steps", (relu_s("gap"), soft_s("gap")),
              xlabel="iteration k", ylabel="L₂(β_k) − L₂*", xlog=True, ylog=True),
        Panel("‖β_k‖∞ over the iterations", "steps", (relu_s("linf"), soft_s("linf")),
              xlabel="iteration k", ylabel="‖β_k‖∞", xlog=True, hlines=((1.0, "unit ball"),)),
        Panel("largest ‖β_k‖∞ against α", "lr", (relu_s("max_linf"), soft_s("max_linf")),
              xlabel="α", ylabel="max_k ‖β_k‖∞", xlog=True, hlines=((1.0, "unit ball"),)),
    ]
    readouts = [Readout("ReLU: loss never increased", "monotone_relu", labels=YES_NO),
                Readout("ReLU: max ‖β_k‖∞", "max_linf_relu"),
                Readout("softplus: loss never increased", "monotone_softplus", labels=YES_NO),
                Readout("softplus: max ‖β_k‖∞", "max_linf_softplus")]
    default = relu.lr[nearest(relu.lr, 0.01, log=True)]
    return Explorer([Control("lr", "α", tuple(relu.lr), "log", default=default)], arrays, panels, readouts)


def edge_explorer(curves, every: int = 5) -> Explorer:
    """Figure 4 with an α control spanning both sides of 2/η: `curves` is an `ndgm.studies.stability.EdgeCurves`.
    Curves are drawn at every `every`-th iteration; the readouts use the last iteration; a diverged
    run's second-half maximum is inf (`ndgm.studies.stability.tail_max`), drawn as diverged."""
    every = validation.count("every", every)
    at = np.unique(np.append(curves.step[::every], curves.step[-1]))
    lr = ("lr",)
    arrays = {
        "steps": ((), at),
        "huber": (lr, curves.huber[:, at]),
        "quadratic": (lr, curves.quadratic[:, at]),
        "huber_tail": (lr, curves.huber_tail_max),
        "quadratic_tail": (lr, curves.quadratic_tail_max),
        "bound": (lr, curves.bound),
        "huber_final": (lr, curves.huber[:, -1]),
        "quadratic_final": (lr, curves.quadratic[:, -1]),
        "edge": ((), curves.edge),
    }
    panels = [
        Panel("Huber loss (10) over the iterations", "steps", (Series("huber", "Huber", "#1f77b4"),),
              xlabel="iteration k", ylabel="L₇(β_k)", ylog=True),
        Panel("least squares, same data", "steps", (Series("quadratic", "quadratic", "#d62728"),),
              xlabel="iteration k", ylabel="(1/2N)‖y − Zβ_k‖²", ylog=True),
        Panel("second half of the run: largest loss above f*", "lr",
              (Series("huber_tail", "Huber", "#1f77b4"), Series("quadratic_tail", "quadratic", "#d62728"),
               Series("bound", "D.1 bound αL²", "#333333", "dash")),
              xlabel="α", ylabel="max over k > T/2", xlog=True, ylog=True, vlines=(("edge", "2/η"),)),
    ]
    readouts = [Readout("Huber: final loss", "huber_final"), Readout("quadratic: final loss", "quadratic_final"),
                Readout("2/η", "edge")]
    default = curves.lr[nearest(curves.lr, 0.1, log=True)]
    return Explorer([Control("lr", "α", tuple(curves.lr), "log", default=default)], arrays, panels, readouts)


# ---------------------------------------------------------------- Table 2's threshold τ (network runs)

def prune_explorer(results, taus=None, lr: float | None = None) -> Explorer:
    """Table 2 with a τ control: for every optimizer and λ1 > 0 of a `l1_vgg16` page's results at step size
    `lr` (default: the paper's α), the final fraction of weights with |w| < τ (measured, solid) and, for SGD,
    the fraction that its swing αλ1 predicts (`ndgm.networks.analysis.predicted_below`, dashed), against τ; one
    panel per λ1."""
    grid = analysis.TAU_GRID
    taus = grid[(grid >= 1e-9) & (grid <= 1e-1)] if taus is None else np.asarray(taus, dtype=float)
    keep = [nearest(grid, t, log=True) for t in taus]
    if not np.allclose(grid[keep], taus, rtol=1e-9):
        raise ValueError("taus must be values of ndgm.networks.analysis.TAU_GRID")
    lr = paper.SECTION4_NETWORK["lr"] if lr is None else lr
    recs = [r for r in analysis.as_runs(results).runs.values() if r.l1 > 0 and np.isclose(r.lr, lr)]
    colors, names = OPTIMIZER_COLORS, OPTIMIZER_LABELS
    arrays, panels, readouts = {}, [], []
    for lam in sorted({r.l1 for r in recs}):
        series = []
        for rec in sorted((r for r in recs if r.l1 == lam), key=lambda r: r.optimizer):
            key = f"{rec.optimizer}_{lam:g}"
            arrays[f"measured_{key}"] = (("tau",), np.asarray(rec.history["small_by_tau"])[keep])
            series.append(Series(f"measured_{key}", f"{names[rec.optimizer]} measured", colors[rec.optimizer]))
            if rec.optimizer == "sgd":
                arrays[f"predicted_{key}"] = (("tau",), analysis.predicted_below(rec, taus))
                series.append(Series(f"predicted_{key}", f"{names[rec.optimizer]} predicted from αλ₁",
                                     colors[rec.optimizer], "dash"))
            readouts.append(Readout(f"λ₁ = {lam:g}, {names[rec.optimizer]}: measured", f"measured_{key}", 4))
        vlines = tuple((analysis.swing("sgd", r.lr, lam), "αλ₁") for r in recs if r.l1 == lam and r.optimizer == "sgd")
        panels.append(Panel(f"λ₁ = {lam:g}: fraction of weights with |w| < τ", "tau", tuple(series),
                            xlabel="τ", ylabel="fraction of all weights", xlog=True, ylim=(0.0, 1.0),
                            vlines=vlines))
    default = taus[nearest(taus, 1e-5, log=True)]
    control = Control("tau", "τ", tuple(float(t) for t in taus), "log", default=default)
    return Explorer([control], arrays, panels, readouts)


# ---------------------------------------------------------------- the pruning threshold τ after NDGM (eqs. 7, 15)

def pruning_explorer(grid) -> Explorer:
    """The pruning threshold after NDGM (page "What works instead"): `grid` is an `ndgm.studies.sparsity.pruning_grid`
    result; τ, α, λ1 and problem controls; measured and predicted fractions of |β_T| < τ against τ and
    against λ1, with the swing αλ1 marked."""

    axes = ("problem", "lr", "lam1")
    controls = [
        Control("tau", "τ", tuple(float(t) for t in grid.tau), "log",
                default=grid.tau[nearest(grid.tau, 1e-3, log=True)]),
        Control("lr", "α", tuple(float(a) for a in grid.lr), "log",
                default=grid.lr[nearest(grid.lr, 0.01, log=True)]),
        Control("lam1", "λ₁", tuple(float(v) for v in grid.lam1), "log",
                default=grid.lam1[(len(grid.lam1) - 1) // 2]),
        Control("problem", "problem", PRUNING_PROBLEMS, "choice", default="toy",
                labels=tuple(PRUNING_LABELS[p] for p in PRUNING_PROBLEMS)),
    ]
    swing = np.broadcast_to(grid.swing, (len(PRUNING_PROBLEMS), *grid.swing.shape))
    arrays = {
        "measured": (("problem", "lr", "lam1", "tau"), grid.measured),
        "predicted": (("problem", "lr", "lam1", "tau"), grid.predicted),
        "swing": (axes, swing),
        "zeros": (axes, grid.zeros),
    }
    panels = [
        Panel("fraction of |β_T| < τ against τ", "tau",
              (Series("measured", "measured", "#1f77b4"), Series("predicted", "predicted", "#d62728", "dash")),
              xlabel="τ", ylabel="fraction of coordinates", xlog=True, ylim=(0.0, 1.0), vlines=(("swing", "αλ₁"),)),
        Panel("the same against λ₁, at this τ", "lam1",
              (Series("measured", "measured", "#1f77b4"), Series("predicted", "predicted", "#d62728", "dash")),
              xlabel="λ₁", ylabel="fraction of coordinates", xlog=True, ylim=(0.0, 1.0)),
    ]
    readouts = [Readout("measured fraction below τ", "measured"),
                Readout("predicted", "predicted"), Readout("swing αλ₁", "swing"),
                Readout("exact zeros", "zeros", 3)]
    caption = ("NDGM's final iterate pruned at τ. Slide τ across the swing αλ₁: below it the fraction grows like "
               "τ/(αλ₁); a larger λ₁ at the same τ gives fewer small coordinates, not more.")
    return Explorer(controls, arrays, panels, readouts, caption)
