"""Interactive figures that work in the built static book, with no kernel and no network.

An `Explorer` holds a grid of precomputed results, one value of every array per combination of
its controls, and renders as an HTML block that book/_assets/static/ndgm-explorer.js turns into
controls and SVG plots in the browser. Moving a control picks the precomputed slice for the new
setting and redraws; the readout shows the grid value actually used. The arrays travel as
base64-encoded float32, which keeps a page of a few thousand runs under a megabyte or two.

This module is the generic part, the figure spec and its rendering (`Control`, `Series`, `Panel`,
`Readout`, `Explorer`); the book's own explorers, one per figure, are built in `ndgm.figures.explorers`.
"""
from __future__ import annotations

import base64
import html
import json
from dataclasses import dataclass, field

import numpy as np

from .. import validation


@dataclass(frozen=True)
class Control:
    """A slider over the grid `values` (scale "log") or a menu of named choices (scale "choice")."""

    name: str
    label: str
    values: tuple
    scale: str = "log"
    default: object = None
    labels: tuple = ()      # display names of the choices, same order as values

    def __post_init__(self):
        validation.choice("scale", self.scale, ("log", "choice"))
        if len(self.values) == 0:
            raise ValueError(f"control {self.name!r}: values must not be empty")
        if self.default is not None and self.default not in self.values:
            raise ValueError(f"control {self.name!r}: default must be one of its values; got {self.default!r}")


@dataclass(frozen=True)
class Series:
    """One curve: `array` over the panel's x; `style` is "line" (solid) or "dash"."""

    array: str
    label: str
    color: str = "#1f77b4"
    style: str = "line"

    def __post_init__(self):
        validation.choice("style", self.style, ("line", "dash"))


@dataclass(frozen=True)
class Panel:
    """A plot. `x` names a control (the curve runs over that control's grid, the current value
    marked) or an array of x values (the curve runs over the arrays' trailing axis)."""

    title: str
    x: str
    series: tuple
    xlabel: str = ""
    ylabel: str = ""
    xlog: bool = False
    ylog: bool = False
    vlines: tuple = ()      # (array name or number, label) pairs: vertical reference lines
    hlines: tuple = ()      # (array name or number, label) pairs: horizontal reference lines
    ylim: tuple = ()        # fixed (low, high) for the y axis; fitted to the data when empty


@dataclass(frozen=True)
class Readout:
    """A number shown beside the controls: `array` at the current setting, formatted with `digits`,
    or, when `labels` are given, the label whose index is the (rounded) value: ("no", "yes") for a flag."""

    label: str
    array: str
    digits: int = 4
    labels: tuple = ()


@dataclass
class Explorer:
    """Controls, precomputed arrays and what to draw. Each array is (axes, values): `axes` names
    the controls its leading dimensions run over (in any order); a trailing extra dimension, if
    any, runs along a panel's x array."""

    controls: list
    arrays: dict
    panels: list
    readouts: list = field(default_factory=list)
    caption: str = ""       # a line under the panels that tells the reader what to try

    def __post_init__(self):
        sizes = {c.name: len(c.values) for c in self.controls}
        for name, (axes, values) in self.arrays.items():
            unknown = [a for a in axes if a not in sizes]
            if unknown:
                raise ValueError(f"array {name!r}: axes {unknown} are not controls ({list(sizes)})")
            want = tuple(sizes[a] for a in axes)
            got = np.shape(values)
            if got[:len(want)] != want or len(got) > len(want) + 1:
                raise ValueError(f"array {name!r} must have shape {want} (+ one trailing axis); got {got}")
        for p in self.panels:
            lines = [v for v, _ in (*p.vlines, *p.hlines) if isinstance(v, str)]
            for ref in (p.x, *(s.array for s in p.series), *lines):
                if ref not in sizes and ref not in self.arrays:
                    raise ValueError(f"panel {p.title!r}: {ref!r} is neither a control nor an array")
        for r in self.readouts:
            if r.array not in self.arrays:
                raise ValueError(f"readout {r.label!r}: no array {r.array!r}")

    def payload(self) -> dict:
        """The JSON the browser script reads."""
        def encode(axes, values):
            with np.errstate(over="ignore"):          # beyond float32's range is shown as diverged anyway
                a = np.asarray(values, dtype="<f4")
            return {"axes": list(axes), "shape": list(a.shape), "b64": base64.b64encode(a.tobytes()).decode()}

        controls = []
        for c in self.controls:
            values = list(c.values)
            default = values.index(c.default) if c.default is not None else len(values) // 2
            controls.append({"name": c.name, "label": c.label, "scale": c.scale, "default": default,
                             "values": [v if isinstance(v, str) else float(v) for v in values],
                             "labels": list(c.labels) or [str(v) for v in values]})
        return {
            "controls": controls,
            "arrays": {k: encode(*v) for k, v in self.arrays.items()},
            "panels": [{"title": p.title, "x": p.x, "xlabel": p.xlabel, "ylabel": p.ylabel,
                        "xlog": p.xlog, "ylog": p.ylog, "ylim": [float(v) for v in p.ylim],
                        "series": [vars(s) for s in p.series],
                        "vlines": [{"at": v if isinstance(v, str) else float(v), "label": lab} for v, lab in p.vlines],
                        "hlines": [{"at": v if isinstance(v, str) else float(v), "label": lab} for v, lab in p.hlines]}
                       for p in self.panels],
            "readouts": [{**vars(r), "labels": list(r.labels)} for r in self.readouts],
            "caption": self.caption,
        }

    def html(self) -> str:
        """The block to display: a placeholder that the site's script replaces with the live figure."""
        spec = json.dumps(self.payload(), separators=(",", ":")).replace("</", "<\\/")
        note = ("This interactive figure is drawn by the book's own script in the built site. "
                "In a live kernel, use the ipywidgets version of it below.")
        return (f'<div class="ndgm-explorer"><p class="ndgm-explorer-fallback">{html.escape(note)}</p>'
                f'<script type="application/json" class="ndgm-explorer-spec">{spec}</script></div>')

    def _repr_html_(self):
        return self.html()
