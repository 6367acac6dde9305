"""Grids of settings: which grid value stands for a setting that a page, a plot or an explorer names.

The book computes its results over grids (of α, λ1, τ) and then shows one setting of them: Figure 1 at
α = 0.01, Figure 4 at α = 0.1 and 10, Table 2 at τ = 1e-5. `nearest` finds the grid value that stands
for such a setting, so that every caller picks it the same way; `holds_from` finds where along a grid a
property sets in for good (the loss rises from this α up); `trend` says how a quantity moves along a grid.
"""
from __future__ import annotations

import numpy as np

from . import validation


def nearest(values, target, log: bool = False) -> int:
    """The index of the value of `values` nearest `target`: argmin_i |v_i − t|, or, with `log`,
    argmin_i |log v_i − log t| (the right distance on a log-spaced grid such as α or τ).

    Parameters
    ----------
    values : array_like of shape (N,)
        The grid. Entries that are not finite (a diverged or missing setting) are never chosen.
    target : float
        The setting wanted; with `log`, it and the grid values considered must be > 0.
    log : bool
        Measure distance on a log scale.

    Returns
    -------
    int
        The index of the nearest value; the first one on a tie.

    Examples
    --------
    >>> from ndgm import grids
    >>> grids.nearest([0.001, 0.01, 0.1], 0.02, log=True)
    1
    """
    v = np.asarray(values, dtype=float)
    if v.ndim != 1 or v.size == 0:
        raise ValueError(f"values must be a non-empty 1-dimensional grid; got shape {v.shape}")
    target = float(validation.positive("target", target) if log else validation.real_array("target", target))
    usable = np.isfinite(v) & (v > 0) if log else np.isfinite(v)
    if not usable.any():
        kind = "finite positive" if log else "finite"
        raise ValueError(f"values must hold at least one {kind} number; got {v!r}")
    with np.errstate(divide="ignore", invalid="ignore"):
        distance = np.abs(np.log(v) - np.log(target)) if log else np.abs(v - target)
    return int(np.argmin(np.where(usable, distance, np.inf)))


def holds_from(values, holds) -> float:
    """The smallest grid value from which on `holds` is true at it and at every larger value: where a
    property sets in for good along a grid (the loss rises from this α up; every residual is linear from
    this α up), an isolated True below it left out.

    Parameters
    ----------
    values : array_like of shape (N,)
        The grid, in any order.
    holds : array_like of bool, shape (N,)
        The property at each grid value.

    Returns
    -------
    float
        That value, or nan when `holds` is false at the largest value.

    Examples
    --------
    >>> from ndgm import grids
    >>> grids.holds_from([0.1, 0.01, 1.0, 0.001], [True, False, True, True])
    0.1
    """
    v = np.asarray(values, dtype=float)
    h = np.asarray(holds, dtype=bool)
    if v.ndim != 1 or v.shape != h.shape or v.size == 0:
        raise ValueError(f"values and holds must be 1-dimensional of one non-empty shape; got {v.shape} and {h.shape}")
    order = np.argsort(v)
    suffix = np.cumprod(h[order][::-1])[::-1].astype(bool)
    return float(v[order][suffix].min()) if suffix.any() else np.nan


def trend(values) -> str:
    """How `values`, measured along an increasing grid (say λ1), move: "grows" (never falls and ends
    higher), "shrinks" (never rises and ends lower), "flat" (no change at all) or "not monotone".

    >>> trend([0.0, 0.1, 0.1, 0.5]), trend([3, 2, 2]), trend([1, 1]), trend([0, 1, 0])
    ('grows', 'shrinks', 'flat', 'not monotone')
    """
    v = np.asarray(values, dtype=float)
    if v.ndim != 1:
        raise ValueError(f"values must be a 1-dimensional array; got shape {v.shape}")
    d = np.diff(v)                     # a nan (a diverged run) fails every comparison: "not monotone"
    if np.all(d == 0):
        return "flat"
    if np.all(d >= 0):
        return "grows"
    if np.all(d <= 0):
        return "shrinks"
    return "not monotone"
