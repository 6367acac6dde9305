"""The look every figure of the book shares: the colours (one table per kind of line), the axes and the
range a figure draws. Labels in words live in `ndgm.labels` (the claims and tables print them too)."""
from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.ticker import MaxNLocator

COLORS = {"constant": "#1f77b4", "diminishing": "#d62728", "reducing": "#2ca02c",
          "gd": "#1f77b4", "momentum": "#ff7f0e", "rmsprop": "#2ca02c", "adam": "#d62728", "prox": "#9467bd"}
COLORS.update({"momentum-paper": "#8c564b", "rmsprop-paper": "#17becf", "exact": "#000000"})
"""Step-size regimes (Section 3) and the LASSO optimizers of Section 4 and Appendix B."""
ACTIVATION_COLORS = {"relu": "#1f77b4", "gelu": "#ff7f0e", "softplus": "#2ca02c"}
OPTIMIZER_COLORS = {"rmsprop": "#1f77b4", "adam": "#d62728", "sgd": "#2ca02c", "prox-sgd": "#17becf",
                    "prox-adam": "#9467bd"}
"""Figure 3's colours: RMSProp blue, Adam red, SGD green; the proximal versions in colours of their own."""
METHOD_COLORS = {"ndgm": "#1f77b4", "ndgm-rounded": "#17becf", "ista": "#9467bd", "fista": "#d62728",
                 "cd": "#2ca02c"}
"""The sparse-solution methods of `ndgm.studies.sparsity`."""


def lr_colors(n):
    """`n` colours along viridis, one per step size of a sweep."""
    return plt.cm.viridis(np.linspace(0.0, 0.85, n))


def new_axes(ncols=1, width=4.6, height=3.4):
    fig, axes = plt.subplots(1, ncols, figsize=(width * ncols, height), constrained_layout=True, squeeze=False)
    for ax in axes.flat:
        ax.grid(True, alpha=0.3)
        ax.spines[["top", "right"]].set_visible(False)
    return fig, axes[0]


SHOWN = 1e100
"""The largest magnitude a figure draws; beyond it a run is off the chart. matplotlib's log-axis tick
locator places ticks up to one axis span beyond the limits, so limits within 1e-100..1e100 keep every
tick inside float64's range (1.8e308); wider ones raise OverflowError when the ticks are formatted."""


def on_chart(values):
    """`values` as floats, with those that are not finite or beyond ±SHOWN replaced by nan (a gap)."""
    v = np.asarray(values, dtype=float)
    with np.errstate(invalid="ignore"):
        return np.where(np.abs(v) <= SHOWN, v, np.nan)


def drawable(values, scale: str):
    """Which of `values` an axis of this scale can show: finite, and positive on a log axis."""
    with np.errstate(invalid="ignore"):
        return np.isfinite(values) & ((values > 0) if scale == "log" else True)


def data_limits(values, scale: str):
    """The smallest and largest drawable value of `values`, or `rounded_limits` if they are not two."""
    shown = values[drawable(values, scale)]
    return (shown.min(), shown.max()) if shown.size and shown.min() < shown.max() else rounded_limits(values, scale)


def rounded_limits(values, scale: str):
    """Axis limits around every finite value of `values` (the positive ones on a log axis), rounded
    outwards to decades (log) or to steps of 1, 2, 2.5 or 5 times a power of ten (linear), within
    ±SHOWN (1/SHOWN to SHOWN on a log axis); (1, 10) or (0, 1) when no value is left."""
    values = np.asarray(values, dtype=float)
    values = values[drawable(values, scale)]
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
