"""Where the heavy pages' results live: the pages, their scales and the merged results file of each
(``<results>/<page>-<scale>.json``, written by `ndgm.networks.experiments.collect`). The folder is always the
caller's argument. No PyTorch needed."""
from __future__ import annotations

import json
import os

from .. import validation

PAGES = ("relu_vs_gelu", "l1_vgg16", "what_works")
SCALES = ("smoke", "cpu", "paper")
"""The heavy pages, and their scales from smallest to largest (`best` prefers the last one completed)."""


def page_path(results: str, page: str, scale: str) -> str:
    """Where the merged results of `page` at `scale` live under the results folder."""
    return os.path.join(results, f"{page}-{scale}.json")


def best(page: str, results: str) -> dict | None:
    """The merged results of the largest scale completed for `page` in folder `results`, or None."""
    validation.choice("page", page, PAGES)
    for scale in reversed(SCALES):
        path = page_path(results, page, scale)
        if os.path.exists(path):
            with open(path) as f:
                return json.load(f)
    return None
