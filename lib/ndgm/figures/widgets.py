"""ipywidgets controls for a live kernel (Jupyter, Binder, Colab): each change recomputes with ndgm.

The built static book cannot run these (there is no kernel); it shows `ndgm.figures.explorers`'
precomputed versions of the same figures instead. Each widget draws one reused figure
(`ndgm.figures.live.PanelRow`) into an image widget, which every front end shows. A run that leaves the
finite range is drawn up to there and reported as "diverged at step k" in its panels and readouts.
`pruning_widget` (page What works) redraws a matplotlib figure of its own into an output area.
"""
from __future__ import annotations

import time

import numpy as np

try:
    import ipywidgets  # noqa: F401  (imported in the functions; checked here to name the extra)
except ImportError as err:
    raise ImportError("ndgm.figures.widgets needs ipywidgets: pip install 'ndgm[widgets]'") from err

from ..studies import convergence, lasso_grid, sparsity, stability
from . import live
from .. import grids, labels, optim, problems, run, validation


def diverged_at(steps, *paths):
    """The first of `steps` at which any of `paths` (each shaped like `steps`) is not finite, or None."""
    bad = ~np.isfinite(np.stack([np.asarray(p, dtype=float) for p in paths])).all(axis=0)
    return int(np.asarray(steps)[bad][0]) if bad.any() else None


def _value(x, diverged: int | None = None, digits: int = 4) -> str:
    """A readout: `x` (a number, to `digits` significant digits, or a word), or, when the run it comes
    from left the finite range at step `diverged`, "diverged at step k"."""
    if diverged is not None:
        return f"diverged at step {diverged}"
    return x if isinstance(x, str) else f"{x:.{digits}g}"


def _readout(items) -> str:
    """(label, text) pairs as one HTML line."""
    return "; ".join(f"{label} <b>{text}</b>" for label, text in items)


class LiveFigure:
    """Controls whose every change recomputes with ndgm and redraws one reused figure.

    Subclasses build `self.figure` (an `ndgm.figures.live.PanelRow`) before calling this constructor and
    define `redraw(**values) -> readout HTML`, one argument per control, which updates the figure's
    lines. The figure is rendered to PNG here, into an image widget, so `last_redraw_s` measures the
    whole redraw (computation, drawing and encoding) in any front end.
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

    def redraw(self, **values) -> str:
        raise NotImplementedError

    def update(self):
        t0 = time.perf_counter()
        text = self.redraw(**{name: c.value for name, c in self.controls.items()})
        self.image.value = self.figure.png()
        self.readout.value = text
        self.last_redraw_s = time.perf_counter() - t0


def _log_slider(description, value, low, high):
    import ipywidgets as w
    return w.FloatLogSlider(value=value, base=10, min=np.log10(low), max=np.log10(high), step=0.05,
                            description=description, readout_format=".3g", continuous_update=False)


class LassoExplorer(LiveFigure):
    """λ1, α, optimizer and problem controls over Section 4's runs, recomputed on every change.

    `steps` iterations per run, recorded at about 60 log-spaced steps; the final-‖β‖₁-against-λ1
    curve is recomputed (one vectorised sweep over `curve_lam1`) only when α, the optimizer or the
    problem changes. After a redraw, `current` is the run and `diverged` the step at which it left
    the finite range (None if it did not).
    """

    def __init__(self, steps: int = 1000, seed: int = 0, curve_lam1=np.logspace(-3, 2, 11)):
        import ipywidgets as w

        self.steps = validation.count("steps", steps)
        self.seed = seed
        self.curve_lam1 = validation.nonnegative("curve_lam1", curve_lam1).reshape(-1)
        self.marks = run.log_marks(self.steps, 60)
        self._curve_key, self._curve = None, None
        self.figure = live.lasso_live()
        super().__init__({
            "lam1": _log_slider("λ₁", 1.0, 1e-3, 1e2),
            "lr": _log_slider("α", 0.01, 1e-3, 1.0),
            "optimizer": w.Dropdown(options=[(labels.LASSO_OPTIMIZER_LABELS[o], o)
                                             for o in lasso_grid.LASSO_OPTIMIZERS],
                                    value="gd", description="optimizer"),
            "problem": w.Dropdown(options=[(problems.LASSO_PROBLEM_LABELS[p], p) for p in problems.LASSO_PROBLEMS],
                                  value="toy", description="problem"),
        })

    def compute(self, lam1, lr, optimizer, problem):
        """The run at this setting (‖β‖₁ and loss paths, finals), the step at which it diverged (or
        None) and the final ‖β‖₁ over `curve_lam1`."""
        loss, beta0 = problems.lasso_problem(problem, lam1, self.seed)
        rule = optim.make(optimizer, lr)
        with np.errstate(over="ignore", invalid="ignore"):
            current = run.run(loss, rule, beta0, self.steps, record=("l1", "loss", "zeros"), at=self.marks)
            diverged = diverged_at(current.steps, current["l1"], current["loss"])
            if diverged is not None:    # between two recorded steps: record every step up to there
                every = run.run(loss, rule, beta0, diverged, record=("l1", "loss"))
                diverged = diverged_at(every.steps, every["l1"], every["loss"])
            if (optimizer, problem, lr) != self._curve_key:
                self._curve = run.sweep(lambda lam: problems.lasso_problem(problem, lam, self.seed)[0], optimizer,
                                        self.curve_lam1, [lr], beta0[None], self.steps, record=("l1",),
                                        every=self.steps).final("l1")[:, 0, 0]
                self._curve_key = (optimizer, problem, lr)
        return current, diverged, self._curve

    def redraw(self, lam1, lr, optimizer, problem):
        self.current, self.diverged, curve = self.compute(lam1, lr, optimizer, problem)
        c, fig, k = self.current, self.figure, self.diverged
        fig.show("l1", c.steps[1:], c["l1"][1:])
        fig.show("loss", c.steps[1:], c["loss"][1:])
        fig.show("curve", self.curve_lam1, curve)
        fig.show("current", [lam1], [c.final("l1")])
        note = "" if k is None else f"diverged at step {k}"
        fig.note(0, note)
        fig.note(1, note)
        lost = int(np.sum(~np.isfinite(curve)))
        fig.note(2, f"diverged at {lost} of {curve.size} λ₁ values" if lost else "")
        return _readout([("final ‖β‖₁ =", _value(c.final("l1"), k)), ("final loss =", _value(c.final("loss"), k)),
                         ("exact zeros =", _value(c.final("zeros"), k, 3))])


class CaptureFigure(LiveFigure):
    """Figure 1 (Section 3) at any α: ReLU's NDGM beside softplus's GD, recomputed on every change.

    The step size α is the control "lr". After a redraw, `current` holds both
    `convergence.CaptureCurves` (ReLU, softplus) and `diverged` the step at which each left the finite
    range (None if it did not).
    """

    def __init__(self, steps: int = 2000, seed: int = 0):
        self.steps, self.seed = validation.count("steps", steps), seed
        self.figure = live.capture_live()
        super().__init__({"lr": _log_slider("α", 0.01, 1e-4, 0.1)})

    def redraw(self, lr):
        self.current = tuple(convergence.capture_curves([lr], self.steps, self.seed, activation=a)
                             for a in ("relu", "softplus"))
        self.diverged = tuple(diverged_at(cur.step, cur.loss[0], cur.linf[0]) for cur in self.current)
        items, notes = [], []
        for cur, name, label, k in zip(self.current, ("relu", "softplus"), ("ReLU", "softplus"), self.diverged):
            self.figure.show(f"gap_{name}", cur.step[1:], cur.gap[0, 1:])
            self.figure.show(f"linf_{name}", cur.step[1:], cur.linf[0, 1:])
            items += [(f"{label}: loss never increased", _value("yes" if cur.monotone[0] else "no", k)),
                      ("max ‖β_k‖∞ =", _value(cur.max_linf[0], k))]
            notes += [] if k is None else [f"{label} diverged at step {k}"]
        note = "; ".join(notes)
        self.figure.note(0, note)
        self.figure.note(1, note)
        self.figure.title(0, f"loss, α = {lr:.3g}")
        return _readout(items)


class EdgeFigure(LiveFigure):
    """Figure 4 (Section 5) at any α, the quadratic beside it, recomputed on every change.

    The step size α is the control "lr". After a redraw, `current` is the `stability.EdgeCurves` and
    `diverged` the step at which the quadratic left the finite range (None if it did not).
    """

    def __init__(self, steps: int = 1000, seed: int = 0):
        self.steps, self.seed = validation.count("steps", steps), seed
        self.figure = live.edge_live()
        super().__init__({"lr": _log_slider("α", 0.1, 1e-2, 1e2)})

    def redraw(self, lr):
        self.current = curves = stability.edge_curves([lr], self.steps, self.seed)
        self.diverged = diverged_at(curves.step, curves.quadratic[0])
        k = self.diverged
        self.figure.show("huber", curves.step, curves.huber[0])
        self.figure.show("quadratic", curves.step, curves.quadratic[0])
        self.figure.title(0, f"Huber (10), α = {lr:.3g}")
        self.figure.title(1, f"quadratic, 2/η = {curves.edge:.3f}")
        self.figure.note(1, "" if k is None else f"diverged at step {k}")
        if k is None and curves.quadratic_diverged[0]:
            quad = f"diverged (final loss {curves.quadratic[0, -1]:.4g})"
        else:
            quad = _value(curves.quadratic[0, -1], k)
        return _readout([("Huber: final loss", _value(curves.huber[0, -1])), ("quadratic: final loss", quad),
                         ("2/η =", _value(curves.edge))])


def lasso_explorer(**kwargs):
    """The Section 4 explorer for a live kernel: display the returned widget."""
    return LassoExplorer(**kwargs).widget


def capture_figure(**kwargs):
    """Figure 1 with an α slider for a live kernel."""
    return CaptureFigure(**kwargs).widget


def edge_figure(**kwargs):
    """Figure 4 with an α slider for a live kernel."""
    return EdgeFigure(**kwargs).widget


class PruningFigure(LiveFigure):
    """The pruning threshold after NDGM (page What works) at any α, λ1, τ and problem, recomputed on every change:
    the fraction of |β_T| < τ measured and predicted from the swing αλ1, against τ (`sparsity.pruning_grid`).
    After a redraw, `current` is the `sparsity.PruningGrid` of the one (α, λ1)."""

    TAUS = np.logspace(-6, 0, 49)
    """The thresholds of the curves (the chosen τ is added to them)."""
    RANGES = {"lr": (1e-3, 0.08), "lam1": (1e-2, 1e2), "tau": (1e-6, 1.0)}
    """Each slider's range; a start outside it is refused, not moved to the nearest end."""

    def __init__(self, lr: float = 0.01, lam1: float = 1.0, tau: float = 1e-3, problem: str = "toy",
                 steps: int = 2000):
        import ipywidgets as w

        self.problem_index = sparsity.PRUNING_PROBLEMS.index(validation.choice("problem", problem,
                                                                               sparsity.PRUNING_PROBLEMS))
        self.steps = validation.count("steps", steps)
        for name, value in (("lr", lr), ("lam1", lam1), ("tau", tau)):     # a start off a slider would be clamped
            low, high = self.RANGES[name]
            validation.in_range(name, value, low=low, high=high, high_open=False)
        self.figure = live.pruning_live()
        super().__init__({
            "lr": _log_slider("α", lr, *self.RANGES["lr"]),
            "lam1": _log_slider("λ₁", lam1, *self.RANGES["lam1"]),
            "tau": _log_slider("τ", tau, *self.RANGES["tau"]),
            "problem": w.Dropdown(options=[(labels.PRUNING_LABELS[p], p) for p in sparsity.PRUNING_PROBLEMS],
                                  value=problem, description="problem"),
        })

    def redraw(self, lr, lam1, tau, problem):
        self.current = g = sparsity.pruning_grid(tau=np.unique(np.append(self.TAUS, tau)), lr=[lr], lam1=[lam1],
                                                 steps=self.steps)
        i, k = sparsity.PRUNING_PROBLEMS.index(problem), grids.nearest(g.tau, tau, log=True)
        self.figure.show("measured", g.tau, g.measured[i, 0, 0])
        self.figure.show("predicted", g.tau, g.predicted[i, 0, 0])
        self.figure.show("swing", [lr * lam1] * 2, [0.0, 1.0])
        self.figure.show("tau", [tau] * 2, [0.0, 1.0])
        return _readout([("measured", f"{g.measured[i, 0, 0, k]:.4f}"), ("predicted", f"{g.predicted[i, 0, 0, k]:.4f}"),
                         ("αλ₁ =", f"{lr * lam1:.3g}"), ("exact zeros", f"{g.zeros[i, 0, 0]:.3f}")])


def pruning_widget(**kwargs):
    """The live twin of `explorers.pruning_explorer` for a kernel (page What works): display the returned widget."""
    return PruningFigure(**kwargs).widget
