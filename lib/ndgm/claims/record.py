"""A claim of the paper as a record: where it is made, what the paper prints, what we measured with which
settings, the rule its verdict is decided by and the verdict (`Claim`, `Number`, `number`)."""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

VERDICTS = ("reproduced", "reproduced qualitatively", "not reproduced", "inconclusive", "experiment failed",
            "paper inconsistent", "not yet run")
"""What a claim's verdict can be: our measurement agrees with the paper's number within the claim's
rule; agrees in direction or kind but not in value; disagrees; cannot separate the outcomes at the
noise level measured (inconclusive); could not test the claim because its precondition failed (the
networks it compares did not learn: experiment failed); the paper states it in ways that cannot all
hold (the record lists each); or the experiment behind it has no results yet."""

SECTIONS = {"3": "Section 3: NDGM and convergence", "4": "Section 4: NDGM and the LASSO penalty",
            "5": "Section 5: the edge of stability"}
"""Sections a claim can belong to (appendix claims belong to the section they support)."""

PAGES = ("convergence", "relu_vs_gelu", "lasso_paradox", "optimizer_variants", "l1_vgg16", "edge_of_stability",
         "what_works")
"""The pages that show claims (the page's file is book/<page>.md)."""


@dataclass(frozen=True)
class Number:
    """One printed or measured quantity: its name, its value (a number, a string, or None when absent)
    and the text the book prints for it."""

    name: str
    value: float | int | str | None
    text: str

    def as_dict(self) -> dict:
        v = self.value
        if isinstance(v, (float, np.floating)):
            v = float(v) if math.isfinite(v) else None
        elif isinstance(v, (np.integer, np.bool_)):
            v = v.item()
        return {"name": self.name, "value": v, "text": self.text}


def number(name: str, value, fmt: str = "{:.3g}", unit: str = "") -> Number:
    """A `Number` whose text is `fmt` applied to `value` (then `unit`); strings are printed as they are."""
    if value is None:
        return Number(name, None, "–")
    if isinstance(value, str):
        return Number(name, value, value)
    if isinstance(value, (bool, np.bool_)):
        return Number(name, "yes" if value else "no", "yes" if value else "no")
    v = value.item() if isinstance(value, np.generic) else value
    if isinstance(v, float) and not math.isfinite(v):
        return Number(name, v, "diverged" if math.isinf(v) else "–")
    return Number(name, v, fmt.format(v) + unit)


@dataclass(frozen=True)
class Claim:
    """A numbered claim of the paper, with our measurement and the verdict."""

    id: str                 # short and stable: "prop-4.1", "table-2", "fig-5-lambda"
    where: str              # where the paper makes it: "Proposition 4.1 (Section 4)", "Table 2 (Appendix C)"
    section: str            # a key of SECTIONS
    page: str               # the page that shows it (a name of PAGES)
    statement: str          # the claim in our words
    paper: tuple            # Numbers as the paper prints them (each version, where there are several)
    ours: tuple             # Numbers we measured
    settings: dict          # the settings that produced `ours`
    rule: str               # how the verdict is decided, in words
    verdict: str            # one of VERDICTS

    def __post_init__(self):
        if self.verdict not in VERDICTS:
            raise ValueError(f"verdict must be one of {VERDICTS}; got {self.verdict!r}")
        if self.section not in SECTIONS:
            raise ValueError(f"section must be one of {tuple(SECTIONS)}; got {self.section!r}")
        if self.page not in PAGES:
            raise ValueError(f"page must be one of {PAGES}; got {self.page!r}")

    def value(self, name: str, side: str = "ours"):
        """The value of the quantity `name` on `side` ("ours" or "paper")."""
        for n in getattr(self, side):
            if n.name == name:
                return n.value
        raise KeyError(f"claim {self.id} has no {side} quantity {name!r}")

    def text(self, name: str, side: str = "ours") -> str:
        """The printed text of the quantity `name` on `side`."""
        for n in getattr(self, side):
            if n.name == name:
                return n.text
        raise KeyError(f"claim {self.id} has no {side} quantity {name!r}")

    def as_dict(self) -> dict:
        return {"id": self.id, "where": self.where, "section": self.section, "page": self.page,
                "statement": self.statement, "paper": [n.as_dict() for n in self.paper],
                "ours": [n.as_dict() for n in self.ours], "settings": _jsonable(self.settings),
                "rule": self.rule, "verdict": self.verdict}


def _jsonable(obj):
    if isinstance(obj, dict):
        return {str(k): _jsonable(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple, np.ndarray)):
        return [_jsonable(v) for v in obj]
    if isinstance(obj, np.generic):
        obj = obj.item()
    if isinstance(obj, float) and not math.isfinite(obj):
        return None
    return obj
