"""Numbers as a page's prose prints them: a list in words (`listed`) and the glue of a result's named
numbers into the page (`glue_numbers`). A study's result object returns its derived numbers by name from a
``numbers()`` method, so that a page glues them in one line instead of re-deriving them."""
from __future__ import annotations

import numbers as _numbers

import numpy as np


def listed(values, fmt: str = "g") -> str:
    """Numbers in words: ``listed([0.1, 1, 10, 100])`` is ``'0.1, 1, 10 and 100'``."""
    words = [format(v, fmt) if isinstance(v, _numbers.Number) else str(v) for v in values]
    if not words:
        raise ValueError("values must hold at least one number; got an empty sequence")
    return ", ".join(words[:-1]) + " and " + words[-1] if len(words) > 1 else words[0]


def _plain(value):
    """A glue value as a plain Python scalar or string (numpy scalars print as ``np.float64(...)``)."""
    if isinstance(value, (str, bool)):
        return value
    if isinstance(value, np.generic) or (isinstance(value, np.ndarray) and value.ndim == 0):
        return value.item()
    if isinstance(value, _numbers.Number):
        return value
    raise TypeError(f"a glued number must be a scalar or a string; got {type(value).__name__} {value!r}")


def glue_numbers(glue, numbers: dict, prefix: str = "") -> None:
    """Glue every entry of `numbers` (name -> scalar or string) under ``prefix + name`` with `glue` (a page
    passes ``myst_nb.glue``), without displaying it; the prose reads them as ``{glue:text}`name:fmt```."""
    for name, value in numbers.items():
        glue(prefix + name, _plain(value), display=False)
