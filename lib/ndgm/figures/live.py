"""The live figures of `ndgm.figures.widgets`: rows of panels drawn once and updated in place on every
change of a control, with axis limits that move only when the data leave them."""
from __future__ import annotations

import io

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from PIL import Image

from .style import COLORS, data_limits, drawable, rounded_limits, on_chart

class PanelRow:
    """A row of panels drawn once and then updated in place: the live figures of `ndgm.figures.widgets`.

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
        self.lines[key].set_data(np.asarray(x, dtype=float), on_chart(y))

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
            ax.set_xlim(data_limits(x, ax.get_xscale()))
            ax.set_ylim(rounded_limits(np.concatenate([y, hlines]), ax.get_yscale()))
            empty = not drawable(y, ax.get_yscale()).any()
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


def pruning_live() -> PanelRow:
    """The pruning threshold after NDGM in a live kernel: "measured" and "predicted" (the fraction of |β_T| < τ)
    against τ, "swing" (αλ1) and "tau" (the chosen τ) as vertical lines."""
    row = PanelRow([dict(title="fraction of |β_T| < τ", xlabel="τ", ylabel="fraction of |β_T| < τ", xscale="log")],
                   width=5.5)
    row.add(0, "measured", color=COLORS["gd"], label="measured")
    row.add(0, "predicted", color=COLORS["adam"], ls="--", label="predicted from αλ₁")
    row.add(0, "swing", color="#333333", lw=0.8, label="αλ₁")
    row.add(0, "tau", color="#999999", lw=0.8, ls=":", label="τ")
    row.axes[0].legend(frameon=False, loc="upper left")
    return row
