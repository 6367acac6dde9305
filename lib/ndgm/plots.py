"""The book's matplotlib figures, one function per figure, styled alike."""
from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np

COLORS = {"constant": "#1f77b4", "diminishing": "#d62728", "reducing": "#2ca02c",
          "gd": "#1f77b4", "momentum": "#ff7f0e", "rmsprop": "#2ca02c", "adam": "#d62728", "prox": "#9467bd"}


def _axes(ncols=1, width=4.6, height=3.4):
    fig, axes = plt.subplots(1, ncols, figsize=(width * ncols, height), constrained_layout=True, squeeze=False)
    for ax in axes.flat:
        ax.grid(True, alpha=0.3)
        ax.spines[["top", "right"]].set_visible(False)
    return fig, axes[0]


def step_size_regimes(runs: dict, schedules: dict, alpha: float):
    """Section 2: |x_t| under NDGM on |x| for each step-size regime (left) and the step sizes α_t (right).

    `runs` maps a regime name to a `Run` that recorded "l1" at every step; `schedules` maps it to the
    multipliers of α that the run used.
    """
    fig, (left, right) = _axes(ncols=2)
    for name, res in runs.items():
        x = res["l1"]
        # the iterates jump across the kink every step: draw them faintly, and their two-step envelope
        left.semilogy(res.steps, x, color=COLORS.get(name), lw=0.5, alpha=0.3)
        left.semilogy(res.steps[1:], np.maximum(x[:-1], x[1:]), color=COLORS.get(name), lw=1.5, label=name)
        right.semilogy(np.arange(len(schedules[name])), alpha * schedules[name], color=COLORS.get(name), label=name)
    left.set(xlabel="iteration t", ylabel=r"$|x_t|$ and $\max(|x_t|, |x_{t-1}|)$", title=r"NDGM on $f(x) = |x|$")
    right.set(xlabel="iteration t", ylabel=r"$\alpha_t$", title="step size")
    left.legend(frameon=False)
    return fig
