"""The book's matplotlib figures, one function per figure, styled alike.

Every figure leaves out values that are not finite or beyond ±SHOWN (a diverged run is drawn up to
where it left that range); the live figures of `ndgm.widgets` are `PanelRow`s, updated in place.
"""
from __future__ import annotations

import io
import warnings

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator
from PIL import Image

from . import netresults, paper
from .grids import nearest
from .sparsity import METHOD_COLORS, METHOD_LABELS, PRUNING_LABELS, PRUNING_PROBLEMS

COLORS = {"constant": "#1f77b4", "diminishing": "#d62728", "reducing": "#2ca02c",
          "gd": "#1f77b4", "momentum": "#ff7f0e", "rmsprop": "#2ca02c", "adam": "#d62728", "prox": "#9467bd"}


def _axes(ncols=1, width=4.6, height=3.4):
    fig, axes = plt.subplots(1, ncols, figsize=(width * ncols, height), constrained_layout=True, squeeze=False)
    for ax in axes.flat:
        ax.grid(True, alpha=0.3)
        ax.spines[["top", "right"]].set_visible(False)
    return fig, axes[0]


SHOWN = 1e100
"""The largest magnitude a figure draws; beyond it a run is off the chart. matplotlib's log-axis tick
locator places ticks up to one axis span beyond the limits, so limits within 1e-100..1e100 keep every
tick inside float64's range (1.8e308); wider ones raise OverflowError when the ticks are formatted."""


def _shown(values):
    """`values` as floats, with those that are not finite or beyond ±SHOWN replaced by nan (a gap)."""
    v = np.asarray(values, dtype=float)
    with np.errstate(invalid="ignore"):
        return np.where(np.abs(v) <= SHOWN, v, np.nan)


def step_size_regimes(runs: dict, schedules: dict, lr: float):
    """Section 2: |x_t| under NDGM on |x| for each step-size regime (left) and the step sizes α_t (right).

    `runs` maps a regime name to a `Run` that recorded "l1" at every step; `schedules` maps it to the
    multipliers of the step size α = `lr` that the run used.
    """
    fig, (left, right) = _axes(ncols=2)
    for name, res in runs.items():
        x = _shown(res["l1"])
        # the iterates jump across the kink every step: draw them faintly, and their two-step envelope
        left.semilogy(res.steps, x, color=COLORS.get(name), lw=0.5, alpha=0.3)
        left.semilogy(res.steps[1:], np.maximum(x[:-1], x[1:]), color=COLORS.get(name), lw=1.5, label=name)
        right.semilogy(np.arange(len(schedules[name])), lr * schedules[name], color=COLORS.get(name), label=name)
    left.set(xlabel="iteration t", ylabel=r"$|x_t|$ and $\max(|x_t|, |x_{t-1}|)$", title=r"NDGM on $f(x) = |x|$")
    right.set(xlabel="iteration t", ylabel=r"$\alpha_t$", title="step size")
    left.legend(frameon=False)
    return fig


# ----- Section 4 and Appendix B: the LASSO paradox (ndgm.lasso) and the optimizer variants (ndgm.variants) -----

COLORS.update({"momentum-paper": "#8c564b", "rmsprop-paper": "#17becf", "exact": "#000000"})


def _lr_colors(n):
    return plt.cm.viridis(np.linspace(0.0, 0.85, n))


def lasso_2d(example):
    """Section 4's 2-D example: β_t[0] (= β_t[1]) under NDGM on (7), one panel per λ1, α reduced half-way."""
    fig, axes = _axes(ncols=len(example.lam1))
    t = np.arange(example.trajectory.shape[0])
    for ax, lam, path in zip(axes, example.lam1, example.trajectory.swapaxes(0, 1)):
        ax.plot(t, _shown(path[:, 0]), color=COLORS["gd"], lw=0.8, marker=".", ms=3)
        ax.axvline(example.switch, color="0.5", ls="--", lw=1)
        ax.set_yscale("symlog", linthresh=1e-3)
        ax.set(xlabel="iteration t", ylabel=r"$\beta_t[0] = \beta_t[1]$", title=rf"$\lambda_1 = {lam:g}$")
        ax.text(example.switch, ax.get_ylim()[1], rf" $\alpha$: {example.lr:g} $\to$ {example.reduced_lr:g}",
                va="top", fontsize=8, color="0.3")
    return fig


def paradox_curve(cycles):
    """‖β‖₁ in NDGM's 2-cycle on (7) against λ1, per α (band: the two values, mean over seeds), with the bounds."""
    fig, (ax,) = _axes(width=6.0, height=4.2)
    for color, j in zip(_lr_colors(len(cycles.lr)), range(len(cycles.lr))):
        lo, hi = cycles.l1_low[:, j].mean(-1), cycles.l1_high[:, j].mean(-1)
        ax.fill_between(cycles.lam1, lo, hi, color=color, alpha=0.35, lw=0)
        ax.plot(cycles.lam1, (lo + hi) / 2, color=color, lw=1.5, label=rf"$\alpha = {cycles.lr[j]:g}$")
        ax.plot(cycles.lam1, cycles.b6_bound[:, j, 0], color=color, ls="--", lw=1)
        ax.plot(cycles.lam1, cycles.step[:, j, 0], color=color, ls=":", lw=1)
    ax.set(xscale="log", yscale="log", xlabel=r"$\lambda_1$", ylabel=r"$\|\beta\|_1$ in the 2-cycle",
           title=rf"NDGM on (7), P = {cycles.p}: band = the two values; dashed $P\alpha\lambda_1$, dotted $\alpha\lambda_1$")
    ax.title.set_fontsize(9)
    ax.legend(frameon=False)
    return fig


def general_lasso_curve(curve):
    """Appendix B.2: final ‖β‖₁ (left) and exact zeros (right) against λ1 for NDGM, ISTA and the exact LASSO."""
    fig, (left, right) = _axes(ncols=2)
    for color, j in zip(_lr_colors(len(curve.lr)), range(len(curve.lr))):
        label = rf"NDGM, $\alpha = {curve.lr[j]:g}$"
        left.plot(curve.lam1, curve.ndgm_l1[:, j], color=color, marker="o", ms=3, label=label)
        right.plot(curve.lam1, curve.ndgm_zeros[:, j], color=color, marker="o", ms=3, label=label)
    for name, l1, zeros, style, color in (("ISTA (prox), α = 1/L", curve.prox_l1, curve.prox_zeros, "s-", COLORS["prox"]),
                                          ("exact (scikit-learn)", curve.exact_l1, curve.exact_zeros, "--", COLORS["exact"])):
        left.plot(curve.lam1, l1, style, color=color, ms=3, label=name)
        right.plot(curve.lam1, zeros, style, color=color, ms=3, label=name)
    left.set(xscale="log", xlabel=r"$\lambda_1$", ylabel=r"final $\|\beta\|_1$", title="L1 norm at the end")
    left.set_yscale("symlog", linthresh=0.1)
    left.set_ylim(bottom=0.0)
    right.set(xscale="log", xlabel=r"$\lambda_1$", ylabel="exact zeros (of 500)", title="exact zeros at the end")
    left.legend(frameon=False, fontsize=8)
    return fig


def b2_search(search):
    """Appendix B.2: ‖β‖₁ along NDGM's runs on (15) at the best α, every seed faint, medians bold, targets dashed."""
    best = search.best()
    a = int(np.flatnonzero(search.lr == best["lr"])[0])
    fig, (ax,) = _axes(width=6.0, height=4.0)
    l1 = _shown(search.l1)
    for i, color in zip(range(3), ("#1f77b4", "#2ca02c", "#d62728")):
        ax.plot(search.steps[1:], l1[1:, i, a], color=color, lw=0.6, alpha=0.35)
        ax.plot(search.steps[1:], np.median(l1[1:, i, a], axis=-1), color=color, lw=2,
                label=rf"$\lambda_1 = {search.lam1[i]:g}$ (median over {search.seeds.size} seeds)")
    for target in paper.B2_L1:
        ax.axhline(target, color="0.3", ls="--", lw=1)
    ax.axvline(best["steps"], color="0.5", ls=":", lw=1)
    small, large = paper.B2_L1
    ax.set(yscale="log", xlabel="iteration t", ylabel=r"$\|\beta_t\|_1$",
           title=rf"NDGM on (15), $\alpha = {best['lr']:g}$; dashed: the paper's {small:g} and {large:g}")
    ax.legend(frameon=False, fontsize=8)
    return fig


def zero_landing(landings):
    """Table 1: a coordinate that lands exactly on 0 at step 1, under each optimizer (β_t / β_0)."""
    fig, (ax,) = _axes(width=6.0, height=3.6)
    for z, style in zip(landings, ["-", "--", ":", "-."] * len(landings)):
        t = np.arange(z.trajectory.size)
        ax.plot(t, z.trajectory / z.trajectory[0], style, marker="o", ms=3, lw=1.5, color=COLORS.get(z.optimizer),
                label=z.optimizer)
    ax.axhline(0.0, color="0.5", lw=0.8)
    ax.set(xlabel="iteration t", ylabel=r"$\beta_t / \beta_0$", title=r"on (7), the coordinate is exactly 0 at t = 1")
    ax.legend(frameon=False, fontsize=8, loc="upper left", bbox_to_anchor=(1.0, 1.0))
    return fig


def exact_zeros(zeros):
    """Fraction of coordinates exactly 0 along the run on (7), per optimizer: one line per λ1 (mean over seeds)."""
    fig, (ax,) = _axes(width=6.0, height=3.6)
    for name, frac in zeros.fraction.items():
        for i in range(zeros.lam1.size):
            ax.plot(zeros.steps, frac[:, i].mean(-1), color=COLORS.get(name), lw=1.2, label=name if i == 0 else None)
    lams = ", ".join(f"{lam:g}" for lam in zeros.lam1)
    ax.set(xlabel="iteration t", ylabel="fraction of exact zeros",
           title=rf"exact zeros in $\beta_t$ on (7), one line per $\lambda_1$ in {{{lams}}}")
    ax.legend(frameon=False, fontsize=8, loc="upper left")
    return fig


def figure5(curves, lam1, end: int, seed_index: int = 0, window: int = 100):
    """Figure 5: the loss (7) over the `window` iterations up to `end`, per optimizer, one panel per λ1."""
    fig, axes = _axes(ncols=len(lam1))
    t = np.arange(end - window + 1, end + 1)
    for ax, lam in zip(axes, lam1):
        i = nearest(curves.lam1, lam, log=True)
        for name, loss in curves.loss.items():
            ax.plot(t, loss[t, i, seed_index], color=COLORS.get(name), lw=1, label=name)
        ax.set(yscale="log", xlabel="iteration t", ylabel=r"loss $\lambda_1\|\beta_t\|_1$",
               title=rf"$\lambda_1 = {curves.lam1[i]:g}$, P = {curves.p}, $\alpha = {curves.lr:g}$")
    # one legend for both panels, below them: inside either one it would cover curves
    fig.legend(*axes[0].get_legend_handles_labels(), loc="outside lower center", ncol=len(curves.loss),
               frameon=False, fontsize=9)
    return fig


def figure5_order(order, ends, lam1):
    """Fraction of seeds whose last 100 iterations are all in the paper's order, against the run's length."""
    fig, (ax,) = _axes(width=6.0, height=3.6)
    for i, lam in enumerate(lam1):
        ax.plot(ends, (order[:, i] == 1).mean(-1), marker="o", ms=4, label=rf"$\lambda_1 = {lam:g}$")
    ax.set(xscale="log", ylim=(-0.05, 1.05), xlabel="iterations run", ylabel="fraction of seeds in the paper's order",
           title="RMSProp above NDGM for λ1 < 1, below for λ1 ≥ 1")
    ax.legend(frameon=False, fontsize=8)
    return fig


# ----- Section 3 (book/convergence.md) -----

def capture(relu, softplus, lr: float):
    """Figure 1: L2(β_k) − f* (left) and ‖β_k‖∞ (right) at the step size α of `lr` (the nearest on the
    results' grid), ReLU (eq. 3) and its softplus twin.

    `relu` and `softplus` are `ndgm.convergence.CaptureCurves` (from `capture_curves`).
    """
    fig, (left, right) = _axes(ncols=2)
    for name, cur, style, color in (("ReLU (NDGM)", relu, "-", COLORS["gd"]),
                                    ("softplus (GD)", softplus, "--", COLORS["rmsprop"])):
        i = nearest(cur.lr, lr, log=True)
        left.semilogy(cur.step, _shown(cur.gap[i]), style, color=color, label=name)
        right.plot(cur.step, _shown(cur.linf[i]), style, color=color, label=name)
    right.axhline(1.0, color="k", lw=0.8, ls=":")
    for ax in (left, right):
        ax.set(xscale="symlog", xlim=(0, relu.step[-1]))
        ax.set_xscale("symlog", linthresh=10)
    left.set(xlabel="iteration k", ylabel=r"$L_2(\beta_k) - L_2^*$", title=rf"loss, $\alpha = {lr:g}$")
    right.set(xlabel="iteration k", ylabel=r"$\|\beta_k\|_\infty$", title=r"$\|\beta_k\|_\infty$ leaves the unit ball")
    right.legend(frameon=False)
    return fig


def capture_window(relu, softplus, chosen: float):
    """The α scan behind Figure 1: fraction of seeds whose loss never rose, and whose ‖β_k‖∞ passed 1.

    `relu` and `softplus` are `ndgm.convergence.CaptureScan` (from `capture_scan`); the step size `chosen` is marked.
    """
    fig, (ax,) = _axes(width=7.0)
    # ReLU: wide solid lines with filled markers underneath; softplus: its own colours, thin dashed lines
    # with open markers drawn on top, so that it stays visible where the two curves coincide
    for name, scan, style, colors in (("ReLU", relu, dict(ls="-", lw=3.0, alpha=0.55, zorder=2, ms=5),
                                       (COLORS["gd"], COLORS["adam"])),
                                      ("softplus", softplus, dict(ls="--", lw=1.2, zorder=3, ms=5, mfc="none"),
                                       (COLORS["momentum"], COLORS["rmsprop"]))):
        ax.plot(scan.lr, scan.monotone_fraction, marker="o", color=colors[0],
                label=f"{name}: loss never increases", **style)
        ax.plot(scan.lr, scan.escape_fraction, marker="s", color=colors[1],
                label=rf"{name}: $\|\beta_k\|_\infty > 1$ at some k", **style)
    ax.axvline(chosen, color="k", lw=0.8, ls=":")
    ax.set(xscale="log", ylim=(-0.05, 1.05), xlabel=r"step size $\alpha$", ylabel="fraction of seeds",
           title=f"the α scan over {relu.seed.size} seeds (dotted: α = {chosen:g})")
    ax.legend(frameon=False, fontsize=8)
    return fig


def rates(result):
    """Steps to reach f − f* <= ε (log-log), fitted slopes beside the theory's (`ndgm.convergence.Rates`)."""
    fig, (ax,) = _axes(width=7.0, height=4.2)
    styles = {"smooth worst": ("gd", "o", "-"), "smooth easy": ("gd", "o", ":"),
              "nonsmooth worst": ("adam", "s", "-"), "nonsmooth easy": ("adam", "s", ":")}
    for name, steps in result.steps.items():
        color, marker, ls = styles[name]
        ax.loglog(result.eps(name), steps, ls, marker=marker, ms=4, color=COLORS[color],
                  label=f"{name}: slope {result.slope[name]:.2f} (worst case {result.theory[name]:.0f})")
    ax.loglog(result.eps_smooth, result.bound["smooth"], color=COLORS["gd"], lw=0.8, alpha=0.5,
              label=r"GD bound $LR^2/(2\varepsilon)$")
    ax.loglog(result.eps_nonsmooth, result.bound["nonsmooth"], color=COLORS["adam"], lw=0.8, alpha=0.5,
              label=r"subgradient bound $(RG/\varepsilon)^2$")
    ax.invert_xaxis()
    ax.set(xlabel=r"accuracy $\varepsilon$", ylabel=r"steps until $f - f^* \leq \varepsilon$",
           title="GD on L-smooth vs the subgradient method on Lipschitz functions")
    # below the axes: inside, it covered the bound lines
    fig.legend(*ax.get_legend_handles_labels(), loc="outside lower center", ncol=2, frameon=False, fontsize=8)
    return fig


def kink_quotient(dq):
    """(g(h) − g(−h))/(2h) against h for ReLU's derivative and softplus's (`ndgm.convergence.DifferenceQuotients`)."""
    fig, (ax,) = _axes()
    ax.loglog(dq.h, dq.relu, color=COLORS["gd"], label="ReLU: 1/(2h)")
    ax.loglog(dq.h, dq.softplus, "--", color=COLORS["rmsprop"], label="softplus: tends to 1/4")
    ax.invert_xaxis()
    ax.set(xlabel="h", ylabel=r"$(g(h) - g(-h))/(2h)$", title="the gradient's difference quotient at 0")
    ax.legend(frameon=False)
    return fig


def epigraph(geom):
    """Appendix A.2: the epigraph of λ|x| with its supporting lines at the minimum (left), and fixed-α
    steps on λ|x| against the same steps on (λ/2)x² (right); `geom` is an `ndgm.convergence.KinkGeometry`.
    """
    fig, (left, right) = _axes(ncols=2)
    lam = geom.lam
    x = np.linspace(-1.2, 1.2, 241)
    left.fill_between(x, lam * np.abs(x), 1.3 * lam, color=COLORS["gd"], alpha=0.15, label="epigraph")
    left.plot(x, lam * np.abs(x), color=COLORS["gd"])
    for g in geom.slopes:
        left.plot(x, g * x, color="0.4", lw=0.7, alpha=0.8)
    left.plot([], [], color="0.4", lw=0.7, label=r"$w = g x$, $g \in \partial f(0) = [-\lambda, \lambda]$")
    left.set(ylim=(-0.6 * lam, 1.3 * lam), xlabel="x", ylabel="w", title=r"supporting lines of $f(x) = \lambda|x|$ at 0")
    left.legend(frameon=False, fontsize=8, loc="lower right")
    k = np.arange(len(geom.ndgm))
    right.plot(k, _shown(geom.ndgm), marker="o", ms=4, color=COLORS["gd"], label=r"NDGM on $\lambda|x|$")
    right.plot(k, _shown(geom.gd), marker="s", ms=4, color=COLORS["rmsprop"], label=r"GD on $(\lambda/2)x^2$")
    right.axhline(0.0, color="k", lw=0.8, ls=":")
    right.set(xlabel="iteration k", ylabel=r"$x_k$", title=rf"same step $\alpha = {geom.lr:g}$")
    right.legend(frameon=False)
    return fig


# ----- Section 5 (book/edge_of_stability.md) -----

def edge_of_stability(curves, shown=paper.FIGURE4_LR):
    """Figure 4: GD on the Huber loss (10) at each step size in `shown` (one panel each, the nearest on
    the grid), and on the quadratic with the same data (last panel, log scale), which blows up once
    α > 2/η; `curves` is an `ndgm.stability.EdgeCurves`.
    """
    fig, axes = _axes(ncols=len(shown) + 1, width=3.6)
    quad = _shown(curves.quadratic)        # its blow-up leaves the chart at SHOWN
    for ax, a, color in zip(axes, shown, (COLORS["gd"], COLORS["adam"], COLORS["rmsprop"], COLORS["prox"])):
        i = nearest(curves.lr, a, log=True)
        ax.plot(curves.step, _shown(curves.huber[i]), color=color, lw=0.8)
        ax.set(xlabel="iteration k", ylabel=r"$L_7(\beta_k)$", title=rf"Huber (10), $\alpha = {curves.lr[i]:g}$")
        axes[-1].semilogy(curves.step, quad[i], color=color, lw=0.8, label=rf"$\alpha = {curves.lr[i]:g}$")
    axes[-1].set(ylim=(1e-35, SHOWN), xlabel="iteration k", ylabel="least-squares loss",
                 title=rf"quadratic, $2/\eta = {curves.edge:.3f}$")
    axes[-1].legend(frameon=False)
    return fig


def stability_sweep(curves):
    """Across α: the largest loss of the second half of each run, Huber against the quadratic (a diverged
    run, whose `tail_max` is inf, is left out and marked), with 2/η marked and the D.1 bound αL² drawn;
    `curves` is an `ndgm.stability.EdgeCurves`.
    """
    fig, (ax,) = _axes(width=7.0, height=4.0)
    ax.loglog(curves.lr, _shown(curves.huber_tail_max), marker="o", ms=3, color=COLORS["gd"],
              label=r"Huber: $\max_{k > T/2} f(\beta_k) - f^*$")
    ax.loglog(curves.lr, _shown(curves.huber_best), marker=".", ms=3, ls=":", color=COLORS["gd"],
              label=r"Huber: $\min_k f(\beta_k) - f^*$")
    ax.loglog(curves.lr, _shown(curves.quadratic_tail_max), marker="s", ms=3, color=COLORS["adam"],
              label="quadratic (until it diverges)")
    ax.loglog(curves.lr, curves.bound, color="k", lw=1.0, label=r"D.1 bound $\alpha L^2$")
    ax.axvline(curves.edge, color=COLORS["adam"], ls="--", lw=1.0, label=rf"$2/\eta = {curves.edge:.3f}$")
    div = curves.lr[curves.quadratic_diverged]
    ax.plot(div, np.full(div.shape, 1e3), "x", color=COLORS["adam"], label="quadratic diverged")
    ax.set(ylim=(1e-8, 1e4), xlabel=r"step size $\alpha$", ylabel=r"loss above $f^* = 0$", title="Huber stays bounded at every α")
    # below the axes: inside, it sat beside the Huber curves
    fig.legend(*ax.get_legend_handles_labels(), loc="outside lower center", ncol=2, frameon=False, fontsize=8)
    return fig


def toy_lasso_stability(toy):
    """NDGM on the toy LASSO (7): the largest ‖β_k‖∞ of each run against α, with max(‖β_0‖∞, αλ1);
    `toy` is an `ndgm.stability.ToyLassoCurves`.
    """
    fig, (ax,) = _axes(width=6.0)
    ax.loglog(toy.lr, toy.max_linf.max(axis=-1), marker="o", ms=4, color=COLORS["gd"],
              label=r"$\max_k \|\beta_k\|_\infty$ (worst seed)")
    ax.loglog(toy.lr, toy.bound.max(axis=-1), color="k", lw=0.8, ls="--",
              label=r"$\max(\|\beta_0\|_\infty, \alpha\lambda_1)$")
    ax.set(xlabel=r"step size $\alpha$", ylabel=r"$\|\beta\|_\infty$", title="toy LASSO (7): bounded at every α")
    ax.legend(frameon=False)
    return fig


# ----- the live figures of ndgm.widgets, redrawn on every change of a control -----

class PanelRow:
    """A row of panels drawn once and then updated in place: the live figures of `ndgm.widgets`.

    A change of a control replaces the data of named lines (`show`) and renders again (`png`). Each
    panel is its own small figure whose axis limits are rounded outwards (to decades on a log axis,
    to tick steps on a linear one), so that most changes leave them as they were: the panel's frame,
    ticks and labels, rendered once per set of limits and title, are then pasted from a cache and
    only the lines and the note are drawn on top. Values that are not finite or beyond ±SHOWN are
    left out, so a diverged run is drawn up to where it left that range and no overflow reaches
    matplotlib.

    Parameters
    ----------
    panels : sequence of dict
        Per panel, keyword arguments of `Axes.set` (title, xlabel, ylabel, xscale, yscale) and
        optionally "hline", the y of a dotted horizontal reference line.
    width, height : float
        Size of one panel in inches.
    dpi : int
        Pixels per inch of the PNG.

    Examples
    --------
    >>> row = PanelRow([dict(title="loss", xlabel="t", ylabel="f", xscale="log", yscale="log")])
    >>> row.add(0, "loss", color=COLORS["gd"])
    >>> row.show("loss", [1, 2, 3], [1.0, 0.5, np.inf])
    >>> row.png()[:4]
    b'\\x89PNG'
    """

    CACHED = 16
    """Backgrounds kept per panel (about 330 kB each at the default size)."""

    def __init__(self, panels, width: float = 4.0, height: float = 3.2, dpi: int = 80):
        self.axes, self.lines, self.notes, self._hlines, self._backgrounds = [], {}, [], [], []
        self._note_texts = [""] * len(panels)
        for spec in panels:
            spec = dict(spec)
            hline, title = spec.pop("hline", None), spec.pop("title", "")
            fig = Figure(figsize=(width, height), dpi=dpi)
            FigureCanvasAgg(fig)
            ax = fig.add_axes((0.2, 0.17, 0.73, 0.72))
            ax.set(**spec)
            ax.set_title(title, y=1.0, pad=5, fontsize=10)      # a fixed position: no automatic layout
            ax.xaxis.set_label_coords(0.5, -0.13)
            ax.yaxis.set_label_coords(-0.19, 0.5)
            ax.minorticks_off()
            ax.grid(True, alpha=0.3)
            ax.spines[["top", "right"]].set_visible(False)
            if hline is not None:
                ax.axhline(hline, color="k", lw=0.8, ls=":")
            self.axes.append(ax)
            self._hlines.append(() if hline is None else (hline,))
            self.notes.append(ax.text(0.03, 0.97, "", transform=ax.transAxes, va="top", fontsize=9,
                                      color=COLORS["adam"], animated=True))
            self._backgrounds.append({})

    def add(self, panel: int, key: str, **style):
        """A line named `key` in panel number `panel`, empty until `show`; `style` as for `Axes.plot`."""
        self.lines[key] = self.axes[panel].plot([], [], animated=True, **style)[0]

    def show(self, key: str, x, y):
        """Set line `key` to (x, y), leaving out the values of y that cannot be drawn (`_shown`)."""
        self.lines[key].set_data(np.asarray(x, dtype=float), _shown(y))

    def note(self, panel: int, text: str):
        """A line of text in the top left corner of panel number `panel` ("" for none)."""
        self._note_texts[panel] = text

    def title(self, panel: int, text: str):
        """Replace the title of panel number `panel`."""
        self.axes[panel].set_title(text, y=1.0, pad=5, fontsize=10)

    def png(self) -> bytes:
        """Fit each panel's limits to its drawable values, draw every panel and return the row as PNG.

        A panel with nothing to draw and no note says "every value diverged or is not positive".
        """
        images = []
        for ax, note, text, hlines, backgrounds in zip(self.axes, self.notes, self._note_texts, self._hlines,
                                                       self._backgrounds):
            mine = [line for line in self.lines.values() if line.axes is ax]
            x = np.concatenate([line.get_xdata() for line in mine])
            y = np.concatenate([line.get_ydata() for line in mine])
            ax.set_xlim(_data_limits(x, ax.get_xscale()))
            ax.set_ylim(_rounded_limits(np.concatenate([y, hlines]), ax.get_yscale()))
            empty = not _drawable(y, ax.get_yscale()).any()
            note.set_text(text or ("every value diverged or is not positive" if empty else ""))
            canvas = ax.figure.canvas
            key = (ax.get_xlim(), ax.get_ylim(), ax.get_title())
            if key in backgrounds:
                canvas.restore_region(backgrounds.pop(key))
            else:
                canvas.draw()                       # everything but the lines and the note (animated)
            backgrounds[key] = canvas.copy_from_bbox(ax.figure.bbox)    # the most recently used comes last
            if len(backgrounds) > self.CACHED:
                backgrounds.pop(next(iter(backgrounds)))
            for artist in (*mine, note):
                ax.draw_artist(artist)
            images.append(np.asarray(canvas.buffer_rgba())[..., :3])
        out = io.BytesIO()
        Image.fromarray(np.concatenate(images, axis=1)).save(out, format="png", compress_level=1)
        return out.getvalue()


def _drawable(values, scale: str):
    """Which of `values` an axis of this scale can show: finite, and positive on a log axis."""
    with np.errstate(invalid="ignore"):
        return np.isfinite(values) & ((values > 0) if scale == "log" else True)


def _data_limits(values, scale: str):
    """The smallest and largest drawable value of `values`, or `_rounded_limits` if they are not two."""
    shown = values[_drawable(values, scale)]
    return (shown.min(), shown.max()) if shown.size and shown.min() < shown.max() else _rounded_limits(values, scale)


def _rounded_limits(values, scale: str):
    """Axis limits around every finite value of `values` (the positive ones on a log axis), rounded
    outwards to decades (log) or to steps of 1, 2, 2.5 or 5 times a power of ten (linear), within
    ±SHOWN (1/SHOWN to SHOWN on a log axis); (1, 10) or (0, 1) when no value is left."""
    values = np.asarray(values, dtype=float)
    values = values[_drawable(values, scale)]
    if scale == "log":
        e = np.log10(values) if values.size else np.zeros(1)
        top = np.log10(SHOWN)
        lo = np.clip(np.floor(e.min() - 0.02), -top, top - 1)
        hi = np.clip(np.ceil(e.max() + 0.02), lo + 1, top)
        return 10.0 ** lo, 10.0 ** hi
    if not values.size:
        return 0.0, 1.0
    lo, hi = values.min(), values.max()
    if hi - lo <= 1e-9 * max(1.0, abs(lo), abs(hi)):      # one value: half its size (or 0.5) either side
        lo, hi = lo - 0.5 * max(1.0, abs(lo)), hi + 0.5 * max(1.0, abs(hi))
    ticks = MaxNLocator(nbins=5, steps=[1, 2, 2.5, 5, 10]).tick_values(lo, hi)
    return ticks[0], ticks[-1]


def lasso_live() -> PanelRow:
    """Section 4's explorer in a live kernel: lines "l1" (‖β_t‖₁) and "loss" (f(β_t)) of the current
    run, "curve" (final ‖β‖₁ over a λ1 grid) and "current" (the current λ1, circled)."""
    row = PanelRow([
        dict(title="‖β‖₁ over the iterations", xlabel="iteration t", ylabel="‖β_t‖₁", xscale="log", yscale="log"),
        dict(title="loss over the iterations", xlabel="iteration t", ylabel="f(β_t)", xscale="log", yscale="log"),
        dict(title="final ‖β‖₁ against λ₁", xlabel="λ₁", ylabel="‖β_T‖₁", xscale="log", yscale="log"),
    ])
    row.add(0, "l1", color=COLORS["gd"])
    row.add(1, "loss", color=COLORS["adam"])
    row.add(2, "curve", color=COLORS["gd"], marker=".")
    row.add(2, "current", color="k", marker="o", mfc="none", ms=9, ls="none")
    return row


def capture_live() -> PanelRow:
    """Figure 1 in a live kernel: "gap_relu", "gap_softplus" (L₂(β_k) − L₂*) and "linf_relu",
    "linf_softplus" (‖β_k‖∞, the unit ball dotted) over the iterations."""
    row = PanelRow([
        dict(title="loss", xlabel="iteration k", ylabel="L₂(β_k) − L₂*", xscale="log", yscale="log"),
        dict(title="‖β_k‖∞ leaves the unit ball", xlabel="iteration k", ylabel="‖β_k‖∞", xscale="log", hline=1.0),
    ], width=4.6)
    for panel, name in enumerate(("gap", "linf")):
        row.add(panel, f"{name}_relu", color=COLORS["gd"], label="ReLU (NDGM)")
        row.add(panel, f"{name}_softplus", color=COLORS["rmsprop"], ls="--", label="softplus (GD)")
    row.axes[1].legend(frameon=False, loc="lower left")
    return row


def edge_live() -> PanelRow:
    """Figure 4 in a live kernel: "huber" (the Huber loss (10)) and "quadratic" (least squares on the
    same data, log scale) over the iterations."""
    row = PanelRow([
        dict(title="Huber (10)", xlabel="iteration k", ylabel="L₇(β_k)"),
        dict(title="quadratic", xlabel="iteration k", ylabel="least-squares loss", yscale="log"),
    ], width=4.6)
    row.add(0, "huber", color=COLORS["gd"], lw=0.8)
    row.add(1, "quadratic", color=COLORS["adam"], lw=0.8)
    return row


# ---------------------------------------------------------------- the heavy pages (network runs)

ACTIVATION_COLORS = {"relu": "#1f77b4", "gelu": "#ff7f0e", "softplus": "#2ca02c"}
ACTIVATION_NAMES = {"relu": "ReLU", "gelu": "GELU", "softplus": "softplus"}


def _loss_band(ax, recs, color, label):
    """The mean training loss per epoch of `recs` (one line) and the band from the lowest to the highest seed."""
    curves = _shown([r.history["train_loss"] for r in recs])
    epochs = np.arange(1, curves.shape[1] + 1)
    with warnings.catch_warnings():          # an epoch where every seed diverged is a gap
        warnings.simplefilter("ignore", RuntimeWarning)
        mean, low, high = (f(curves, axis=0) for f in (np.nanmean, np.nanmin, np.nanmax))
    ax.plot(epochs, mean, color=color, lw=1.8, label=f"{label} ({curves.shape[0]} seeds)")
    if curves.shape[0] > 1:
        ax.fill_between(epochs, low, high, color=color, alpha=0.2, lw=0)
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))


def relu_vs_gelu(f2):
    """Figure 2: training loss against epoch, ReLU against GELU, for each network of `f2` (a
    `netresults.Figure2`): without batch norm (top row) and with it (bottom row); the line is the mean over
    the seeds and the band spans them."""
    plain, normed = f2.depths(False), f2.depths(True)
    ncols = max(len(plain), len(normed))
    fig, axes = plt.subplots(2, ncols, figsize=(3.6 * ncols, 5.6), constrained_layout=True, squeeze=False, sharex=True)
    for row, (bn, depths) in enumerate(((False, plain), (True, normed))):
        for col in range(ncols):
            ax = axes[row, col]
            if col >= len(depths):
                ax.set_visible(False)
                continue
            c = f2.gaps[(depths[col], bn)]
            ax.grid(True, alpha=0.3)
            ax.spines[["top", "right"]].set_visible(False)
            for act, recs in (("relu", c.a), ("gelu", c.b)):
                _loss_band(ax, recs, ACTIVATION_COLORS[act], ACTIVATION_NAMES[act])
            ax.set_title(f"VGG{depths[col]}, {'with' if bn else 'without'} batch norm", fontsize=10)
            last = row == 1 or col >= len(normed)          # the lowest panel of its column
            ax.set(ylabel="training loss" if col == 0 else "", xlabel="epoch" if last else "")
            ax.tick_params(labelbottom=last)
    axes[0, 0].legend(frameon=False, fontsize=8)
    return fig


def paired_gaps(comparisons, stat: str = "final"):
    """Paired differences a − b of `stat` ("final" training loss or loss "area") for each comparison: one dot
    per seed, the mean with its 95 % bootstrap interval as a bar, and 0 as a dashed line. A bar clear of 0 is
    a gap the seeds cannot explain."""
    comparisons = list(comparisons)
    fig, axes = _axes(width=7.0, height=0.45 * len(comparisons) + 1.2)
    ax = axes[0]
    for i, c in enumerate(comparisons):
        iv = getattr(c, stat)
        y = len(comparisons) - 1 - i
        ax.plot(c.diffs(stat), np.full(c.seeds, y) + np.linspace(-0.12, 0.12, c.seeds), "o", ms=3.5,
                color="#7f7f7f", alpha=0.8)
        color = "#2ca02c" if iv.side == "above" else "#d62728" if iv.side == "below" else "#1f77b4"
        ax.errorbar(iv.mean, y, xerr=[[iv.mean - iv.low], [iv.high - iv.mean]], fmt="s", color=color, capsize=4, ms=6)
    ax.axvline(0, color="black", ls="--", lw=1)
    ax.set_yticks(range(len(comparisons)), [c.label for c in reversed(comparisons)], fontsize=8)
    ax.set_xlabel({"final": "a − b, final training loss", "area": "a − b, area under the training-loss curve"}[stat])
    return fig


def softplus_family(f2):
    """The smoothness-controlled family at depth 19 without batch norm: training loss of softplus at each β
    beside ReLU and GELU (mean over seeds, band over seeds)."""
    fig, axes = _axes(width=6.0, height=3.6)
    ax = axes[0]
    plain = f2.gaps.get((19, False))
    if plain is not None:
        _loss_band(ax, plain.a, ACTIVATION_COLORS["relu"], "ReLU")
        _loss_band(ax, plain.b, ACTIVATION_COLORS["gelu"], "GELU")
    softplus = {}
    for c in f2.smoothness:
        for recs in (c.a, c.b):
            if recs[0].field("activation") == "softplus":
                softplus[recs[0].field("beta")] = recs
    greens = plt.cm.Greens(np.linspace(0.45, 0.95, max(1, len(softplus))))
    for color, (beta, recs) in zip(greens, sorted(softplus.items())):
        _loss_band(ax, recs, color, f"softplus β = {beta:g}")
    ax.set(xlabel="epoch", ylabel="training loss", title="VGG19 without batch norm")
    ax.legend(frameon=False, fontsize=8)
    return fig


def l1_norms(results, lr=None):
    """Figure 3: ‖w‖₁ of all weights against the training step for SGD, RMSProp and Adam at step size `lr`
    (a number, or a dict optimizer → α; default: the paper's α for all), one panel per λ1, the λ1 = 0 control
    of each optimizer dotted in every panel, on a log scale (the paper's colours: RMSProp blue, Adam red,
    SGD green)."""
    runs = netresults.as_runs(results)
    lr = paper.SECTION4_NETWORK["lr"] if lr is None else lr
    lrs = lr if isinstance(lr, dict) else {o: lr for o in netresults.OPTIMIZERS}
    recs = [r for r in runs.runs.values() if r.optimizer in lrs and np.isclose(r.lr, lrs[r.optimizer])]
    lams = sorted({r.l1 for r in recs if r.l1 > 0})
    fig, axes = _axes(ncols=len(lams))

    def draw(ax, rec, **style):
        steps = np.arange(rec.epochs + 1) * rec.steps_per_epoch
        ax.semilogy(steps, _shown(np.concatenate([[rec.history["l1_start"]], rec.history["l1"]])),
                    color=netresults.OPTIMIZER_COLORS[rec.optimizer], **style)

    for ax, lam in zip(axes, lams):
        for rec in sorted((r for r in recs if r.l1 == lam), key=lambda r: netresults.OPTIMIZERS.index(r.optimizer)):
            draw(ax, rec, marker="o", ms=3, label=netresults.OPTIMIZER_LABELS[rec.optimizer])
        for rec in (r for r in recs if r.l1 == 0):
            draw(ax, rec, ls=":", lw=1.2, label=f"{netresults.OPTIMIZER_LABELS[rec.optimizer]}, λ1 = 0")
        where = f"$\\alpha = {lr:g}$, " if not isinstance(lr, dict) else ""
        ax.set(xlabel="training step", ylabel=r"$\|w\|_1$", title=where + rf"$\lambda_1 = {lam:g}$")
    axes[0].legend(frameon=False, fontsize=7)
    return fig


def sparsity_at_accuracy(result):
    """The page What works: validation accuracy against the fraction of weights exactly 0, one curve per
    method of `result` (a `netresults.SparsityAtAccuracy`); the band is the working accuracy (within the
    margin of the best λ1 = 0 control)."""
    styles = {"sgd": ("#2ca02c", "-", "o"), "adam": ("#d62728", "-", "o"), "prox-sgd": ("#17becf", "--", "s"),
              "prox-adam": ("#9467bd", "--", "s"), "magnitude-sgd": ("#7f7f7f", ":", "^"),
              "magnitude-adam": ("#bcbd22", ":", "^")}
    fig, axes = _axes(width=7.0, height=4.2)
    ax = axes[0]
    ref = result.reference_acc
    ax.axhspan(ref - result.margin, ref, color="#2ca02c", alpha=0.12, lw=0, label="working accuracy")
    for m, c in result.curves.items():
        color, ls, marker = styles[m]
        ax.plot(100 * c.zeros, c.val_acc, ls=ls, marker=marker, ms=4, color=color, label=netresults.METHODS[m])
    ax.set(xlabel="weights exactly 0 (%)", ylabel="validation accuracy", xlim=(-2, 102), ylim=(0, 1))
    ax.legend(frameon=False, fontsize=7, loc="lower left")
    return fig


def method_comparison(comparison):
    """Page "What works instead": the general LASSO (15) against λ1 for each method of `ndgm.sparsity`:
    ‖β‖₁, the fraction of exact zeros, the gap f(β) − f(β*) at the end, and the iterations to reach the
    target gap (a method that never does is left out at that λ1)."""
    c = comparison
    fig, axes = _axes(ncols=4, width=3.6, height=3.3)
    exact_l1, exact_zeros = np.abs(c.exact).sum(-1), np.mean(c.exact == 0.0, axis=-1)
    for m, label in METHOD_LABELS.items():
        style = dict(color=METHOD_COLORS[m], marker="o", ms=3, lw=1.2, label=label)
        axes[0].plot(c.lam1, _shown(c.l1[m]), **style)
        axes[1].plot(c.lam1, _shown(c.zeros[m]), **style)
        with np.errstate(invalid="ignore"):
            gap = _shown(c.gap[m])
            axes[2].plot(c.lam1, np.where(gap > 0, gap, np.nan), **style)
            its = _shown(c.iterations[m])
            axes[3].plot(c.lam1, np.where(its > 0, its, np.nan), **style)
    axes[0].plot(c.lam1, _shown(exact_l1), "k--", lw=1, label=r"exact $\beta^*$")
    axes[1].plot(c.lam1, _shown(exact_zeros), "k--", lw=1)
    axes[2].axhline(c.target, color="#333333", lw=0.8, ls=":")
    axes[0].set_yscale("symlog", linthresh=0.1)
    axes[0].set_ylim(bottom=0.0)
    axes[0].set(ylabel=r"$\|\beta_T\|_1$", title="L1 norm at the end")
    axes[1].set(ylabel="fraction exactly 0", title="exact zeros", ylim=(-0.02, 1.02))
    gaps = np.concatenate([_shown(c.gap[m]) for m in METHOD_LABELS] + [[c.target]])
    its = np.concatenate([_shown(c.iterations[m]) for m in METHOD_LABELS])
    axes[2].set(yscale="log", ylabel=r"$f(\beta_T) - f(\beta^*)$", title="gap to the exact minimum (0 not drawn)",
                ylim=_rounded_limits(gaps, "log"))
    axes[3].set(yscale="log", ylabel="iterations (CD: epochs)", title=f"iterations to a gap of {c.target:g}",
                ylim=_rounded_limits(its, "log"))
    for ax in axes:
        ax.set(xscale="log", xlabel=r"$\lambda_1$", xlim=(c.lam1.min() / 1.5, c.lam1.max() * 1.5))
        ax.title.set_fontsize(9)
    axes[0].legend(frameon=False, fontsize=7)
    return fig


def pruning_threshold(grid, lr: float = 0.01):
    """The pruning threshold after NDGM: the fraction of |β_T| < τ against τ, measured (solid) and predicted
    from the swing αλ1 (dashed), for each λ1 of an `ndgm.sparsity.pruning_grid` at the α nearest `lr`,
    one panel per problem (eq. 7 and eq. 15)."""
    j = nearest(grid.lr, lr, log=True)
    fig, axes = _axes(ncols=len(PRUNING_PROBLEMS))
    tau = _shown(grid.tau)
    for i, (ax, name) in enumerate(zip(axes, PRUNING_PROBLEMS)):
        for color, k in zip(_lr_colors(len(grid.lam1)), range(len(grid.lam1))):
            ax.plot(tau, _shown(grid.measured[i, j, k]), color=color, lw=1.3, label=rf"$\lambda_1 = {grid.lam1[k]:.3g}$")
            ax.plot(tau, _shown(grid.predicted[i, j, k]), color=color, lw=1, ls="--")
        ax.set(xscale="log", xlabel=r"$\tau$", ylabel=r"fraction of $|\beta_T| < \tau$", ylim=(-0.02, 1.02),
               xlim=_rounded_limits(tau, "log"),
               title=f"{PRUNING_LABELS[name]}, α = {grid.lr[j]:g} (dashed: predicted)")
        ax.title.set_fontsize(9)
    axes[0].legend(frameon=False, fontsize=7)
    return fig


def network_sweeps(sweeps: dict):
    """Page "What works instead", on Figure 3's network: exact zeros, the fraction of |w| < 10⁻⁵, ‖w‖₁ and
    the validation accuracy at the end of training against λ1, one line per optimizer of
    `ndgm.netresults.l1_sweeps` (the proximal versions dashed)."""
    fig, axes = _axes(ncols=4, width=3.6, height=3.3)
    for opt, sw in sweeps.items():
        style = dict(color=netresults.OPTIMIZER_COLORS[opt], marker="o", ms=3, lw=1.2,
                     ls="--" if opt.startswith("prox") else "-", label=netresults.OPTIMIZER_LABELS[opt])
        axes[0].plot(sw.lam1, _shown(sw.zeros), **style)
        axes[1].plot(sw.lam1, _shown(sw.below), **style)
        with np.errstate(invalid="ignore"):
            norm = _shown(sw.l1_norm)
            axes[2].plot(sw.lam1, np.where(norm > 0, norm, np.nan), **style)
        axes[3].plot(sw.lam1, _shown(sw.val_acc), **style)
    norms = np.concatenate([_shown(sw.l1_norm) for sw in sweeps.values()])
    axes[0].set(ylabel="fraction exactly 0", title="exact zeros", ylim=(-0.02, 1.02))
    axes[1].set(ylabel=r"fraction of $|w| < 10^{-5}$", title=r"below $10^{-5}$", ylim=(-0.02, 1.02))
    axes[2].set(yscale="log", ylabel=r"$\|w\|_1$", title=r"$\|w\|_1$ at the end (0 not drawn)",
                ylim=_rounded_limits(norms[norms > 0], "log"))
    axes[3].set(ylabel="validation accuracy", title="accuracy", ylim=(-0.02, 1.02))
    lams = np.concatenate([sw.lam1 for sw in sweeps.values()])
    for ax in axes:
        ax.set(xscale="log", xlabel=r"$\lambda_1$", xlim=(lams.min() / 1.5, lams.max() * 1.5))
        ax.title.set_fontsize(9)
    axes[0].legend(frameon=False, fontsize=7)
    return fig
