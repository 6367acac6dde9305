"""Intervals for comparisons over seeds: the statistics every network verdict of the book is decided by.

Runs are compared in pairs: seed s gives two networks of the same shape the same initial weights and the
same order of the training images, so the difference of a quantity within a pair removes what the seed
alone does. A comparison reports the mean difference over the pairs with a percentile-bootstrap interval
(resampling the pairs), and a gap counts only when its interval excludes 0.

>>> d = paired_difference([1.0, 1.2, 0.9, 1.1, 1.0], [0.8, 1.0, 0.8, 0.9, 0.9])
>>> round(d.mean, 3), d.side
(0.16, 'above')
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from . import validation

RESAMPLES = 10_000
LEVEL = 0.95


@dataclass(frozen=True)
class Interval:
    """A mean difference over `n` pairs (or groups) and its `level` percentile-bootstrap interval."""

    mean: float
    low: float
    high: float
    n: int
    level: float = LEVEL

    @property
    def side(self) -> str:
        """Where the interval lies relative to 0: "above", "below" or "contains 0"."""
        return "above" if self.low > 0 else "below" if self.high < 0 else "contains 0"

    def within(self, margin: float) -> bool:
        """Whether the whole interval lies inside (−margin, margin)."""
        return -margin < self.low and self.high < margin

    def outside(self, margin: float) -> bool:
        """Whether the whole interval lies beyond ±margin (entirely above margin or below −margin)."""
        return self.low > margin or self.high < -margin

    def text(self, fmt: str = "{:+.3f}") -> str:
        """"+0.123 [+0.050, +0.200]": the mean and the interval."""
        return f"{fmt.format(self.mean)} [{fmt.format(self.low)}, {fmt.format(self.high)}]"


def _values(name: str, values) -> np.ndarray:
    arr = validation.real_array(name, values, ndim=1)
    if arr.size < 2:
        raise ValueError(f"{name} must hold at least 2 values (pairs or runs); got {arr.size}")
    return arr


def _interval(means: np.ndarray, mean: float, n: int, level: float) -> Interval:
    tail = (1 - level) / 2
    low, high = np.quantile(means, [tail, 1 - tail])
    return Interval(float(mean), float(low), float(high), n, level)


def paired_difference(a, b, *, level: float = LEVEL, resamples: int = RESAMPLES, seed: int = 0) -> Interval:
    """Mean of ``a[i] - b[i]`` over the pairs i, with a percentile-bootstrap interval from resampling pairs.

    Parameters
    ----------
    a, b : array_like of shape (n,), n >= 2
        The two runs of each pair (same seed), in the same order.
    level : float in (0, 1)
    resamples : int >= 100
    seed : int >= 0
        Seeds the resampling, so the interval is the same on every machine.
    """
    a, b = _values("a", a), _values("b", b)
    if a.shape != b.shape:
        raise ValueError(f"a and b must hold one value per pair each; got {a.size} and {b.size} values")
    level = float(validation.in_range("level", level, low=0.0, high=1.0, low_open=True))
    resamples = validation.count("resamples", resamples, minimum=100)
    d = a - b
    rng = np.random.default_rng(validation.count("seed", seed, minimum=0))
    idx = rng.integers(0, d.size, size=(resamples, d.size))
    return _interval(d[idx].mean(axis=1), d.mean(), d.size, level)


def difference_of_means(a, b, *, level: float = LEVEL, resamples: int = RESAMPLES, seed: int = 0) -> Interval:
    """Mean of `a` minus mean of `b` for two independent groups, each resampled on its own (percentile
    bootstrap). Used for the change of a paired gap between two network shapes."""
    a, b = _values("a", a), _values("b", b)
    level = float(validation.in_range("level", level, low=0.0, high=1.0, low_open=True))
    resamples = validation.count("resamples", resamples, minimum=100)
    rng = np.random.default_rng(validation.count("seed", seed, minimum=0))
    ma = a[rng.integers(0, a.size, size=(resamples, a.size))].mean(axis=1)
    mb = b[rng.integers(0, b.size, size=(resamples, b.size))].mean(axis=1)
    return _interval(ma - mb, a.mean() - b.mean(), min(a.size, b.size), level)
