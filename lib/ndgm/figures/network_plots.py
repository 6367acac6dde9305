"""The figures of the heavy pages (the network runs: Figures 2 and 3, What works), one function per figure,
drawn from the typed results of `ndgm.networks.analysis`."""
from __future__ import annotations

import warnings

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.ticker import MaxNLocator

from .. import paper
from ..grids import nearest
from ..labels import ACTIVATION_LABELS, METHOD_LABELS, OPTIMIZER_LABELS, PRUNING_LABELS
from ..networks import analysis
from ..studies.sparsity import PRUNING_PROBLEMS
from .style import ACTIVATION_COLORS, METHOD_COLORS, OPTIMIZER_COLORS, lr_colors, new_axes, rounded_limits, on_chart

def _loss_band(ax, recs, color, label):
    """The mean training loss per epoch of `recs` (one line) and the band from the lowest to the highest seed."""
    curves = on_chart([r.history["train_loss"] for r in recs])
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
    `analysis.Figure2`): without batch norm (top row) and with it (bottom row); the line is the mean over
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
                _loss_band(ax, recs, ACTIVATION_COLORS[act], ACTIVATION_LABELS[act])
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
    fig, axes = new_axes(width=7.0, height=0.45 * len(comparisons) + 1.2)
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
    fig, axes = new_axes(width=6.0, height=3.6)
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
    runs = analysis.as_runs(results)
    lr = paper.SECTION4_NETWORK["lr"] if lr is None else lr
    lrs = lr if isinstance(lr, dict) else {o: lr for o in analysis.OPTIMIZERS}
    recs = [r for r in runs.runs.values() if r.optimizer in lrs and np.isclose(r.lr, lrs[r.optimizer])]
    lams = sorted({r.l1 for r in recs if r.l1 > 0})
    fig, axes = new_axes(ncols=len(lams))

    def draw(ax, rec, **style):
        steps = np.arange(rec.epochs + 1) * rec.steps_per_epoch
        ax.semilogy(steps, on_chart(np.concatenate([[rec.history["l1_start"]], rec.history["l1"]])),
                    color=OPTIMIZER_COLORS[rec.optimizer], **style)

    for ax, lam in zip(axes, lams):
        for rec in sorted((r for r in recs if r.l1 == lam), key=lambda r: analysis.OPTIMIZERS.index(r.optimizer)):
            draw(ax, rec, marker="o", ms=3, label=OPTIMIZER_LABELS[rec.optimizer])
        for rec in (r for r in recs if r.l1 == 0):
            draw(ax, rec, ls=":", lw=1.2, label=f"{OPTIMIZER_LABELS[rec.optimizer]}, λ1 = 0")
        where = f"$\\alpha = {lr:g}$, " if not isinstance(lr, dict) else ""
        ax.set(xlabel="training step", ylabel=r"$\|w\|_1$", title=where + rf"$\lambda_1 = {lam:g}$")
    axes[0].legend(frameon=False, fontsize=7)
    return fig


def sparsity_at_accuracy(result):
    """The page What works: validation accuracy against the fraction of weights exactly 0, one curve per
    method of `result` (a `analysis.SparsityAtAccuracy`); the band is the working accuracy (within the
    margin of the best λ1 = 0 control)."""
    styles = {"sgd": ("#2ca02c", "-", "o"), "adam": ("#d62728", "-", "o"), "prox-sgd": ("#17becf", "--", "s"),
              "prox-adam": ("#9467bd", "--", "s"), "magnitude-sgd": ("#7f7f7f", ":", "^"),
              "magnitude-adam": ("#bcbd22", ":", "^")}
    fig, axes = new_axes(width=7.0, height=4.2)
    ax = axes[0]
    ref = result.reference_acc
    ax.axhspan(ref - result.margin, ref, color="#2ca02c", alpha=0.12, lw=0, label="working accuracy")
    for m, c in result.curves.items():
        color, ls, marker = styles[m]
        ax.plot(100 * c.zeros, c.val_acc, ls=ls, marker=marker, ms=4, color=color, label=analysis.METHODS[m])
    ax.set(xlabel="weights exactly 0 (%)", ylabel="validation accuracy", xlim=(-2, 102), ylim=(0, 1))
    ax.legend(frameon=False, fontsize=7, loc="lower left")
    return fig


def method_comparison(comparison):
    """Page "What works instead": the general LASSO (15) against λ1 for each method of `ndgm.studies.sparsity`:
    ‖β‖₁, the fraction of exact zeros, the gap f(β) − f(β*) at the end, and the iterations to reach the
    target gap (a method that never does is left out at that λ1)."""
    c = comparison
    fig, axes = new_axes(ncols=4, width=3.6, height=3.3)
    exact_l1, exact_zeros = np.abs(c.exact).sum(-1), np.mean(c.exact == 0.0, axis=-1)
    for m, label in METHOD_LABELS.items():
        style = dict(color=METHOD_COLORS[m], marker="o", ms=3, lw=1.2, label=label)
        axes[0].plot(c.lam1, on_chart(c.l1[m]), **style)
        axes[1].plot(c.lam1, on_chart(c.zeros[m]), **style)
        with np.errstate(invalid="ignore"):
            gap = on_chart(c.gap[m])
            axes[2].plot(c.lam1, np.where(gap > 0, gap, np.nan), **style)
            its = on_chart(c.iterations[m])
            axes[3].plot(c.lam1, np.where(its > 0, its, np.nan), **style)
    axes[0].plot(c.lam1, on_chart(exact_l1), "k--", lw=1, label=r"exact $\beta^*$")
    axes[1].plot(c.lam1, on_chart(exact_zeros), "k--", lw=1)
    axes[2].axhline(c.target, color="#333333", lw=0.8, ls=":")
    axes[0].set_yscale("symlog", linthresh=0.1)
    axes[0].set_ylim(bottom=0.0)
    axes[0].set(ylabel=r"$\|\beta_T\|_1$", title="L1 norm at the end")
    axes[1].set(ylabel="fraction exactly 0", title="exact zeros", ylim=(-0.02, 1.02))
    gaps = np.concatenate([on_chart(c.gap[m]) for m in METHOD_LABELS] + [[c.target]])
    its = np.concatenate([on_chart(c.iterations[m]) for m in METHOD_LABELS])
    axes[2].set(yscale="log", ylabel=r"$f(\beta_T) - f(\beta^*)$", title="gap to the exact minimum (0 not drawn)",
                ylim=rounded_limits(gaps, "log"))
    axes[3].set(yscale="log", ylabel="iterations (CD: epochs)", title=f"iterations to a gap of {c.target:g}",
                ylim=rounded_limits(its, "log"))
    for ax in axes:
        ax.set(xscale="log", xlabel=r"$\lambda_1$", xlim=(c.lam1.min() / 1.5, c.lam1.max() * 1.5))
        ax.title.set_fontsize(9)
    axes[0].legend(frameon=False, fontsize=7)
    return fig


def pruning_threshold(grid, lr: float = 0.01):
    """The pruning threshold after NDGM: the fraction of |β_T| < τ against τ, measured (solid) and predicted
    from the swing αλ1 (dashed), for each λ1 of an `ndgm.studies.sparsity.pruning_grid` at the α nearest `lr`,
    one panel per problem (eq. 7 and eq. 15)."""
    j = nearest(grid.lr, lr, log=True)
    fig, axes = new_axes(ncols=len(PRUNING_PROBLEMS))
    tau = on_chart(grid.tau)
    for i, (ax, name) in enumerate(zip(axes, PRUNING_PROBLEMS)):
        for color, k in zip(lr_colors(len(grid.lam1)), range(len(grid.lam1))):
            ax.plot(tau, on_chart(grid.measured[i, j, k]), color=color, lw=1.3, label=rf"$\lambda_1 = {grid.lam1[k]:.3g}$")
            ax.plot(tau, on_chart(grid.predicted[i, j, k]), color=color, lw=1, ls="--")
        ax.set(xscale="log", xlabel=r"$\tau$", ylabel=r"fraction of $|\beta_T| < \tau$", ylim=(-0.02, 1.02),
               xlim=rounded_limits(tau, "log"),
               title=f"{PRUNING_LABELS[name]}, α = {grid.lr[j]:g} (dashed: predicted)")
        ax.title.set_fontsize(9)
    axes[0].legend(frameon=False, fontsize=7)
    return fig


def network_sweeps(sweeps: dict):
    """Page "What works instead", on Figure 3's network: exact zeros, the fraction of |w| < 10⁻⁵, ‖w‖₁ and
    the validation accuracy at the end of training against λ1, one line per optimizer of
    `ndgm.networks.analysis.l1_sweeps` (the proximal versions dashed)."""
    fig, axes = new_axes(ncols=4, width=3.6, height=3.3)
    for opt, sw in sweeps.items():
        style = dict(color=OPTIMIZER_COLORS[opt], marker="o", ms=3, lw=1.2,
                     ls="--" if opt.startswith("prox") else "-", label=OPTIMIZER_LABELS[opt])
        axes[0].plot(sw.lam1, on_chart(sw.zeros), **style)
        axes[1].plot(sw.lam1, on_chart(sw.below), **style)
        with np.errstate(invalid="ignore"):
            norm = on_chart(sw.l1_norm)
            axes[2].plot(sw.lam1, np.where(norm > 0, norm, np.nan), **style)
        axes[3].plot(sw.lam1, on_chart(sw.val_acc), **style)
    norms = np.concatenate([on_chart(sw.l1_norm) for sw in sweeps.values()])
    axes[0].set(ylabel="fraction exactly 0", title="exact zeros", ylim=(-0.02, 1.02))
    axes[1].set(ylabel=r"fraction of $|w| < 10^{-5}$", title=r"below $10^{-5}$", ylim=(-0.02, 1.02))
    axes[2].set(yscale="log", ylabel=r"$\|w\|_1$", title=r"$\|w\|_1$ at the end (0 not drawn)",
                ylim=rounded_limits(norms[norms > 0], "log"))
    axes[3].set(ylabel="validation accuracy", title="accuracy", ylim=(-0.02, 1.02))
    lams = np.concatenate([sw.lam1 for sw in sweeps.values()])
    for ax in axes:
        ax.set(xscale="log", xlabel=r"$\lambda_1$", xlim=(lams.min() / 1.5, lams.max() * 1.5))
        ax.title.set_fontsize(9)
    axes[0].legend(frameon=False, fontsize=7)
    return fig
