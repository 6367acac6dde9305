"""Checks at the public boundary: each raises ValueError naming the parameter and what it accepts.

Inner functions trust their inputs; only the functions a reader calls run these checks.
"""
from __future__ import annotations

import numbers

import numpy as np


def _describe(value) -> str:
    arr = np.asarray(value)
    if arr.ndim == 0 or arr.size <= 6:
        return repr(value) if not isinstance(value, np.ndarray) else np.array2string(arr)
    return f"an array of shape {arr.shape}"


def real_array(name: str, value, *, ndim: int | None = None, min_ndim: int = 0) -> np.ndarray:
    """`value` as a float64 array of finite numbers (and of the given number of dimensions)."""
    try:
        arr = np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a finite real number or an array of them; got {_describe(value)}") from None
    if ndim is not None and arr.ndim != ndim:
        raise ValueError(f"{name} must be a {ndim}-dimensional array; got shape {arr.shape}")
    if arr.ndim < min_ndim:
        raise ValueError(f"{name} must have at least {min_ndim} dimension(s); got shape {arr.shape}")
    if arr.size == 0:
        raise ValueError(f"{name} must not be empty")
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} must be finite (no nan or inf); got {_describe(value)}")
    return arr


def in_range(name: str, value, *, low: float, high: float = np.inf,
             low_open: bool = False, high_open: bool = True) -> np.ndarray:
    """`value` as a float64 array whose entries all lie in the interval from `low` to `high`."""
    arr = real_array(name, value)
    ok_low = arr > low if low_open else arr >= low
    ok_high = arr < high if high_open else arr <= high
    if not (np.all(ok_low) and np.all(ok_high)):
        left = "(" if low_open else "["
        right = ")" if high_open or high == np.inf else "]"
        hi = "inf" if high == np.inf else f"{high:g}"
        raise ValueError(f"{name} must lie in {left}{low:g}, {hi}{right}; got {_describe(value)}")
    return arr


def nonnegative(name: str, value) -> np.ndarray:
    """A penalty such as λ1 or λ2: finite and >= 0."""
    return in_range(name, value, low=0.0)


def positive(name: str, value) -> np.ndarray:
    """A learning rate or a jitter: finite and > 0."""
    return in_range(name, value, low=0.0, low_open=True)


def positive_values(name: str, value) -> np.ndarray:
    """One or more penalties or step sizes, each finite and > 0, as a flat array of shape (K,)."""
    return positive(name, value).reshape(-1)


def count(name: str, value, *, minimum: int = 1) -> int:
    """A whole number of steps, samples or seeds, at least `minimum`."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < minimum:
        raise ValueError(f"{name} must be an integer >= {minimum}; got {value!r}")
    return int(value)


def seeds(value) -> list:
    """One seed or an iterable of them, as a non-empty list (each seed is checked where it is used)."""
    listed = [value] if np.ndim(value) == 0 else list(value)
    if not listed:
        raise ValueError("seeds must name at least one seed")
    return listed


def choice(name: str, value, options) -> str:
    """One of a fixed set of names."""
    options = list(options)
    if value not in options:
        listed = ", ".join(repr(o) for o in options)
        raise ValueError(f"{name} must be one of {listed}; got {value!r}")
    return value


def broadcastable(names: tuple[str, ...], *shapes) -> tuple[int, ...]:
    """The common shape of shapes that must broadcast together (each named in `names`)."""
    try:
        return np.broadcast_shapes(*shapes)
    except ValueError:
        listed = ", ".join(f"{n} {tuple(s)}" for n, s in zip(names, shapes))
        raise ValueError(f"shapes do not broadcast together: {listed}") from None
