"""ipywidgets controls for a live kernel (Jupyter, Binder, Colab): each change recomputes with ndgm.

The built static book cannot run these (there is no kernel); it shows `ndgm.explorer`'s
precomputed versions of the same figures instead.
"""
from __future__ import annotations

import io
import time

import matplotlib.pyplot as plt
import numpy as np

from . import convergence, explorer, optim, plots, run, stability, validation


class LiveFigure:
    """Controls whose every change recomputes with ndgm and redraws a matplotlib figure.

    Subclasses define `render(**values) -> (figure, readout HTML)`, one argument per control. The
    figure is rendered to PNG here, into an image widget, so `last_redraw_s` measures the whole
    redraw (computation and drawing) in any front end.
    """

    def __init__(self, controls: dict):
        import ipywidgets as w

        self.controls = controls
        self.readout = w.HTML()
        self.image = w.Image(format="png")
        self.last_redraw_s = None
        for c in controls.values():
            c.observe(lambda change: self.update(), names="value")
        self.widget = w.VBox([w.HBox(list(controls.values())), self.readout, self.image])
        self.update()

    def render(self, **values):
        raise NotImplementedError

    def update(self):
        t0 = time.perf_counter()
        fig, text = self.render(**{name: c.value for name, c in self.controls.items()})
        png = io.BytesIO()
        fig.savefig(png, format="png")
        plt.close(fig)
        self.image.value = png.getvalue()
        self.readout.value = text
        self.last_redraw_s = time.perf_counter() - t0


def _log_slider(description, value, low, high):
    import ipywidgets as w
    return w.FloatLogSlider(value=value, base=10, min=np.log10(low), max=np.log10(high), step=0.05,
                            description=description, readout_format=".3g", continuous_update=False)


class LassoExplorer(LiveFigure):
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
        self._curve_key, self._curve = None, None
        super().__init__({
            "lam1": _log_slider("λ₁", 1.0, 1e-3, 1e2),
            "lr": _log_slider("α", 0.01, 1e-3, 1.0),
            "optimizer": w.Dropdown(options=[(explorer.OPTIMIZER_LABELS[o], o) for o in explorer.LASSO_OPTIMIZERS],
                                    value="gd", description="optimizer"),
            "problem": w.Dropdown(options=[(explorer.PROBLEM_LABELS[p], p) for p in explorer.LASSO_PROBLEMS],
                                  value="toy", description="problem"),
        })

    def compute(self, lam1, lr, optimizer, problem):
        """The run at this setting (‖β‖₁ and loss paths, finals) and the final ‖β‖₁ over `curve_lam1`."""
        loss, beta0 = explorer.lasso_problem(problem, lam1, self.seed)
        with np.errstate(over="ignore", invalid="ignore"):
            current = run.run(loss, optim.make(optimizer, lr), beta0, self.steps, record=("l1", "loss", "zeros"),
                              at=self.marks)
            if (optimizer, problem, lr) != self._curve_key:
                self._curve = run.sweep(lambda lam: explorer.lasso_problem(problem, lam, self.seed)[0], optimizer,
                                        self.curve_lam1, [lr], beta0[None], self.steps, record=("l1",),
                                        every=self.steps).final("l1")[:, 0, 0]
                self._curve_key = (optimizer, problem, lr)
        return current, self._curve

    def render(self, lam1, lr, optimizer, problem):
        self.current, curve = self.compute(lam1, lr, optimizer, problem)
        fig = plots.lasso_live(self.current, self.curve_lam1, curve, lam1)
        c = self.current
        return fig, (f"final ‖β‖₁ = <b>{c.final('l1'):.4g}</b>, final loss = <b>{c.final('loss'):.4g}</b>, "
                     f"exact zeros = <b>{c.final('zeros'):.3g}</b>")


class CaptureFigure(LiveFigure):
    """Figure 1 (Section 3) at any α: ReLU's NDGM beside softplus's GD, recomputed on every change."""

    def __init__(self, steps: int = 2000, seed: int = 0):
        self.steps, self.seed = validation.count("steps", steps), seed
        super().__init__({"alpha": _log_slider("α", 0.01, 1e-4, 0.1)})

    def render(self, alpha):
        relu, soft = (convergence.capture_curves([alpha], self.steps, self.seed, activation=a)
                      for a in ("relu", "softplus"))
        self.current = relu, soft
        yes = lambda flag: "yes" if flag else "no"
        return plots.capture(relu, soft, alpha), (
            f"ReLU: loss never increased <b>{yes(relu['monotone'][0])}</b>, max ‖β_k‖∞ = "
            f"<b>{relu['linf'].max():.4g}</b>; softplus: loss never increased <b>{yes(soft['monotone'][0])}</b>, "
            f"max ‖β_k‖∞ = <b>{soft['linf'].max():.4g}</b>")


class EdgeFigure(LiveFigure):
    """Figure 4 (Section 5) at any α, the quadratic beside it, recomputed on every change."""

    def __init__(self, steps: int = 1000, seed: int = 0):
        self.steps, self.seed = validation.count("steps", steps), seed
        super().__init__({"alpha": _log_slider("α", 0.1, 1e-2, 1e2)})

    def render(self, alpha):
        curves = stability.edge_curves([alpha], self.steps, self.seed)
        self.current = curves
        quad = "diverged" if curves["quadratic_diverged"][0] else f"{curves['quadratic'][0, -1]:.4g}"
        return plots.edge_of_stability(curves, shown=(alpha,)), (
            f"Huber: final loss <b>{curves['huber'][0, -1]:.4g}</b>; quadratic: <b>{quad}</b>; "
            f"2/η = <b>{curves['edge']:.4g}</b>")


def lasso_explorer(**kwargs):
    """The Section 4 explorer for a live kernel: display the returned widget."""
    return LassoExplorer(**kwargs).widget


def capture_figure(**kwargs):
    """Figure 1 with an α slider for a live kernel."""
    return CaptureFigure(**kwargs).widget


def edge_figure(**kwargs):
    """Figure 4 with an α slider for a live kernel."""
    return EdgeFigure(**kwargs).widget
