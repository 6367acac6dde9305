"""The figures of the convex and toy studies (Sections 3 to 5 and Appendix B), one function per figure,
in the look of `ndgm.figures.style`; a value that is not finite or beyond ±SHOWN is left out (a diverged
run is drawn up to where it left that range)."""
from __future__ import annotations

import numpy as np

from .. import paper
from ..grids import nearest
from .style import COLORS, SHOWN, lr_colors, new_axes, on_chart

def step_size_regimes(runs: dict, schedules: dict, lr: float):
    """Section 2: |x_t| under NDGM on |x| for each step-size regime (left) and the step sizes α_t (right).

    `runs` maps a regime name to a `Run` that recorded "l1" at every step; `schedules` maps it to the
    multipliers of the step size α = `lr` that the run used.
    """
    fig, (left, right) = new_axes(ncols=2)
    for name, res in runs.items():
        x = on_chart(res["l1"])
        # the iterates jump across the kink every step: draw them faintly, and their two-step envelope
        left.semilogy(res.steps, x, color=COLORS.get(name), lw=0.5, alpha=0.3)
        left.semilogy(res.steps[1:], np.maximum(x[:-1], x[1:]), color=COLORS.get(name), lw=1.5, label=name)
        right.semilogy(np.arange(len(schedules[name])), lr * schedules[name], color=COLORS.get(name), label=name)
    left.set(xlabel="iteration t", ylabel=r"$|x_t|$ and $\max(|x_t|, |x_{t-1}|)$", title=r"NDGM on $f(x) = |x|$")
    right.set(xlabel="iteration t", ylabel=r"$\alpha_t$", title="step size")
    left.legend(frameon=False)
    return fig


# ----- Section 4 and Appendix B: the LASSO paradox (ndgm.studies.lasso) and the optimizer variants (ndgm.studies.variants) -----



def lasso_2d(example):
    """Section 4's 2-D example: β_t[0] (= β_t[1]) under NDGM on (7), one panel per λ1, α reduced half-way."""
    fig, axes = new_axes(ncols=len(example.lam1))
    t = np.arange(example.trajectory.shape[0])
    for ax, lam, path in zip(axes, example.lam1, example.trajectory.swapaxes(0, 1)):
        ax.plot(t, on_chart(path[:, 0]), color=COLORS["gd"], lw=0.8, marker=".", ms=3)
        ax.axvline(example.switch, color="0.5", ls="--", lw=1)
        ax.set_yscale("symlog", linthresh=1e-3)
        ax.set(xlabel="iteration t", ylabel=r"$\beta_t[0] = \beta_t[1]$", title=rf"$\lambda_1 = {lam:g}$")
        ax.text(example.switch, ax.get_ylim()[1], rf" $\alpha$: {example.lr:g} $\to$ {example.reduced_lr:g}",
                va="top", fontsize=8, color="0.3")
    return fig


def paradox_curve(cycles):
    """‖β‖₁ in NDGM's 2-cycle on (7) against λ1, per α (band: the two values, mean over seeds), with the bounds."""
    fig, (ax,) = new_axes(width=6.0, height=4.2)
    for color, j in zip(lr_colors(len(cycles.lr)), range(len(cycles.lr))):
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
    fig, (left, right) = new_axes(ncols=2)
    for color, j in zip(lr_colors(len(curve.lr)), range(len(curve.lr))):
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
    fig, (ax,) = new_axes(width=6.0, height=4.0)
    l1 = on_chart(search.l1)
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
    fig, (ax,) = new_axes(width=6.0, height=3.6)
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
    fig, (ax,) = new_axes(width=6.0, height=3.6)
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
    fig, axes = new_axes(ncols=len(lam1))
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
    fig, (ax,) = new_axes(width=6.0, height=3.6)
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

    `relu` and `softplus` are `ndgm.studies.convergence.CaptureCurves` (from `capture_curves`).
    """
    fig, (left, right) = new_axes(ncols=2)
    for name, cur, style, color in (("ReLU (NDGM)", relu, "-", COLORS["gd"]),
                                    ("softplus (GD)", softplus, "--", COLORS["rmsprop"])):
        i = nearest(cur.lr, lr, log=True)
        left.semilogy(cur.step, on_chart(cur.gap[i]), style, color=color, label=name)
        right.plot(cur.step, on_chart(cur.linf[i]), style, color=color, label=name)
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

    `relu` and `softplus` are `ndgm.studies.convergence.CaptureScan` (from `capture_scan`); the step size `chosen` is marked.
    """
    fig, (ax,) = new_axes(width=7.0)
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
    """Steps to reach f − f* <= ε (log-log), fitted slopes beside the theory's (`ndgm.studies.convergence.Rates`)."""
    fig, (ax,) = new_axes(width=7.0, height=4.2)
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
    """(g(h) − g(−h))/(2h) against h for ReLU's derivative and softplus's (`ndgm.studies.convergence.DifferenceQuotients`)."""
    fig, (ax,) = new_axes()
    ax.loglog(dq.h, dq.relu, color=COLORS["gd"], label="ReLU: 1/(2h)")
    ax.loglog(dq.h, dq.softplus, "--", color=COLORS["rmsprop"], label="softplus: tends to 1/4")
    ax.invert_xaxis()
    ax.set(xlabel="h", ylabel=r"$(g(h) - g(-h))/(2h)$", title="the gradient's difference quotient at 0")
    ax.legend(frameon=False)
    return fig


def epigraph(geom):
    """Appendix A.2: the epigraph of λ|x| with its supporting lines at the minimum (left), and fixed-α
    steps on λ|x| against the same steps on (λ/2)x² (right); `geom` is an `ndgm.studies.convergence.KinkGeometry`.
    """
    fig, (left, right) = new_axes(ncols=2)
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
    right.plot(k, on_chart(geom.ndgm), marker="o", ms=4, color=COLORS["gd"], label=r"NDGM on $\lambda|x|$")
    right.plot(k, on_chart(geom.gd), marker="s", ms=4, color=COLORS["rmsprop"], label=r"GD on $(\lambda/2)x^2$")
    right.axhline(0.0, color="k", lw=0.8, ls=":")
    right.set(xlabel="iteration k", ylabel=r"$x_k$", title=rf"same step $\alpha = {geom.lr:g}$")
    right.legend(frameon=False)
    return fig


# ----- Section 5 (book/edge_of_stability.md) -----

def edge_of_stability(curves, shown=paper.FIGURE4_LR):
    """Figure 4: GD on the Huber loss (10) at each step size in `shown` (one panel each, the nearest on
    the grid), and on the quadratic with the same data (last panel, log scale), which blows up once
    α > 2/η; `curves` is an `ndgm.studies.stability.EdgeCurves`.
    """
    fig, axes = new_axes(ncols=len(shown) + 1, width=3.6)
    quad = on_chart(curves.quadratic)        # its blow-up leaves the chart at SHOWN
    for ax, a, color in zip(axes, shown, (COLORS["gd"], COLORS["adam"], COLORS["rmsprop"], COLORS["prox"])):
        i = nearest(curves.lr, a, log=True)
        ax.plot(curves.step, on_chart(curves.huber[i]), color=color, lw=0.8)
        ax.set(xlabel="iteration k", ylabel=r"$L_7(\beta_k)$", title=rf"Huber (10), $\alpha = {curves.lr[i]:g}$")
        axes[-1].semilogy(curves.step, quad[i], color=color, lw=0.8, label=rf"$\alpha = {curves.lr[i]:g}$")
    axes[-1].set(ylim=(1e-35, SHOWN), xlabel="iteration k", ylabel="least-squares loss",
                 title=rf"quadratic, $2/\eta = {curves.edge:.3f}$")
    axes[-1].legend(frameon=False)
    return fig


def stability_sweep(curves):
    """Across α: the largest loss of the second half of each run, Huber against the quadratic (a diverged
    run, whose `tail_max` is inf, is left out and marked), with 2/η marked and the D.1 bound αL² drawn;
    `curves` is an `ndgm.studies.stability.EdgeCurves`.
    """
    fig, (ax,) = new_axes(width=7.0, height=4.0)
    ax.loglog(curves.lr, on_chart(curves.huber_tail_max), marker="o", ms=3, color=COLORS["gd"],
              label=r"Huber: $\max_{k > T/2} f(\beta_k) - f^*$")
    ax.loglog(curves.lr, on_chart(curves.huber_best), marker=".", ms=3, ls=":", color=COLORS["gd"],
              label=r"Huber: $\min_k f(\beta_k) - f^*$")
    ax.loglog(curves.lr, on_chart(curves.quadratic_tail_max), marker="s", ms=3, color=COLORS["adam"],
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
    `toy` is an `ndgm.studies.stability.ToyLassoCurves`.
    """
    fig, (ax,) = new_axes(width=6.0)
    ax.loglog(toy.lr, toy.max_linf.max(axis=-1), marker="o", ms=4, color=COLORS["gd"],
              label=r"$\max_k \|\beta_k\|_\infty$ (worst seed)")
    ax.loglog(toy.lr, toy.bound.max(axis=-1), color="k", lw=0.8, ls="--",
              label=r"$\max(\|\beta_0\|_\infty, \alpha\lambda_1)$")
    ax.set(xlabel=r"step size $\alpha$", ylabel=r"$\|\beta\|_\infty$", title="toy LASSO (7): bounded at every α")
    ax.legend(frameon=False)
    return fig
