"""Every numbered claim of the paper as a record: where it is made, what the paper prints, what we
measured and with which settings, and a verdict decided by a stated rule.

A claim is registered by a function in one of the section modules (`section3`, `section4`,
`variants`, `networks`, `section5`, `remedies`) that computes our side with the library and returns a `Claim`.
Pages end with their claims rendered by `markdown(for_page(page))`; the ledger page renders
`ledger()` and the build writes it as ``claims.json`` (`write_json`), validated against
``claims.schema.json`` beside this file. The paper's printed numbers come from `ndgm.paper`.

>>> from ndgm import claims
>>> c = claims.get("prop-4.1")                      # doctest: +SKIP
>>> c.verdict in claims.VERDICTS                     # doctest: +SKIP
True
"""
from __future__ import annotations

import datetime
import fcntl
import hashlib
import html as _html
import importlib
import inspect
import json
import math
import os
import pickle
from dataclasses import dataclass, field
from typing import Callable

import numpy as np

from .. import __version__

try:
    import jsonschema
except ImportError:  # the optional extra ndgm[ledger]: only `validate` needs it
    jsonschema = None

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

MODULES = ("section3", "section4", "variants", "networks", "section5", "remedies")
"""The modules that register claims, in the order of the paper."""

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


@dataclass
class _Entry:
    id: str
    section: str
    page: str
    compute: Callable[..., Claim]
    heavy: bool = False
    rule: str | None = None


_REGISTRY: dict[str, _Entry] = {}


def register(id: str, section: str, page: str, heavy: bool = False, rule: str | None = None):
    """Decorator: `compute` (-> Claim) computes claim `id`; heavy claims take the results folder and name
    their `rule`, which the page's results store when they are merged (`rules`)."""
    if heavy and not rule:
        raise ValueError(f"claim {id!r} is heavy: give its rule, fixed before its runs")

    def wrap(compute):
        if id in _REGISTRY:
            raise ValueError(f"claim {id!r} is registered twice")
        _REGISTRY[id] = _Entry(id, section, page, compute, heavy, rule)
        return compute
    return wrap


def _load() -> None:
    for name in MODULES:
        importlib.import_module(f"{__name__}.{name}")


def ids(page: str | None = None) -> list[str]:
    """The ids of every registered claim (of `page` only, if given), in the paper's order."""
    _load()
    if page is not None and page not in PAGES:
        raise ValueError(f"page must be one of {PAGES}; got {page!r}")
    return [e.id for e in _REGISTRY.values() if page is None or e.page == page]


def rules(page: str) -> dict:
    """The rules of the heavy claims that page `page` shows, by claim id: what `ndgm.experiments.collect`
    stores with the page's results, and what each claim checks before it decides."""
    return {i: _REGISTRY[i].rule for i in ids(page) if _REGISTRY[i].heavy}


def default_results() -> str:
    """The repository's book/results folder (where the heavy pages' committed results live)."""
    here = os.path.dirname(os.path.abspath(__file__))
    path = os.path.normpath(os.path.join(here, os.pardir, os.pardir, os.pardir, "book", "results"))
    return path if os.path.isdir(path) else os.path.abspath("results")


def get(id: str, results_dir: str | None = None, **inputs) -> Claim:
    """Claim `id`, computed now. Heavy claims read the largest completed results in the folder `results_dir`
    (default: the repository's book/results); `inputs` pass precomputed library results (see each
    claim's function) so that a page can share its own computation with its claims."""
    _load()
    if id not in _REGISTRY:
        raise ValueError(f"id must be one of the registered claims ({', '.join(_REGISTRY)}); got {id!r}")
    e = _REGISTRY[id]
    c = e.compute(results_dir or default_results(), **inputs) if e.heavy else e.compute(**inputs)
    if not isinstance(c, Claim) or c.id != id or c.page != e.page or c.section != e.section:
        raise RuntimeError(f"claim {id}: its function returned a record for another claim")
    return c


def takes(id: str) -> tuple:
    """The names of the precomputed results that claim `id`'s function accepts as keywords."""
    _load()
    params = inspect.signature(_REGISTRY[id].compute).parameters
    return tuple(name for name in params if name != "results_dir")


def for_page(page: str, results_dir: str | None = None, **inputs) -> list[Claim]:
    """Every claim that page `page` shows, computed now (heavy ones from the folder `results_dir`); each
    claim is given those of `inputs` (the page's own results) that its function takes (`takes`)."""
    page_ids = ids(page)
    unknown = set(inputs) - {name for i in page_ids for name in takes(i)}
    if unknown:
        raise ValueError(f"inputs must be results the claims of {page!r} take "
                         f"({', '.join(sorted({n for i in page_ids for n in takes(i)}))}); got {sorted(unknown)}")
    return [get(i, results_dir, **{k: v for k, v in inputs.items() if k in takes(i)}) for i in page_ids]


def ledger(results_dir: str | None = None, cache: str | None = None) -> list[Claim]:
    """Every claim of the paper, in the paper's order (heavy ones from `results_dir`).

    With `cache` (a file path), the ledger is kept there under a key made of the library's sources and the
    results it reads (`ledger_key`): a later call with the same key reads it instead of computing it again,
    and concurrent calls wait for the first (a lock beside the file). The test session and the book build
    share one computation this way; any change to the code or the results computes afresh."""
    results_dir = results_dir or default_results()
    if cache is None:
        return [get(i, results_dir) for i in ids()]
    key = ledger_key(results_dir)
    os.makedirs(os.path.dirname(os.path.abspath(cache)), exist_ok=True)
    with open(f"{cache}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if os.path.exists(cache):
            with open(cache, "rb") as f:
                stored_key, records = pickle.load(f)
            if stored_key == key:
                return records
        records = [get(i, results_dir) for i in ids()]
        with open(f"{cache}.partial", "wb") as f:
            pickle.dump((key, records), f)
        os.replace(f"{cache}.partial", cache)
    return records


def ledger_key(results_dir: str) -> str:
    """A digest of every source file of ndgm and of the heavy pages' results in `results_dir`: what the ledger
    depends on."""
    digest = hashlib.sha256()
    package = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    for root, _, files in sorted(os.walk(package)):
        for name in sorted(f for f in files if f.endswith((".py", ".json"))):
            with open(os.path.join(root, name), "rb") as f:
                digest.update(name.encode() + f.read())
    if os.path.isdir(results_dir):
        for name in sorted(f for f in os.listdir(results_dir) if f.endswith(".json")):
            with open(os.path.join(results_dir, name), "rb") as f:
                digest.update(name.encode() + f.read())
    return digest.hexdigest()


def _cell(numbers) -> str:
    return "; ".join(f"{n.name}: {n.text}" if n.name else n.text for n in numbers) or "–"


def markdown(claims: list, links: bool = False) -> str:
    """Claims as a MyST table: id, where, the paper's numbers, ours, verdict (and a link to the page)."""
    head = ["claim", "where", "the paper", "ours", "verdict"] + (["page"] if links else [])
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for c in claims:
        cells = [f"`{c.id}`", c.where, _cell(c.paper), _cell(c.ours), f"**{c.verdict}**"]
        if links:
            cells.append(f"[{c.page}]({c.page}.md)")
        lines.append("| " + " | ".join(x.replace("|", "\\|") for x in cells) + " |")
    return "\n".join(lines)


def as_json(claims: list) -> dict:
    """The ledger document that `claims.json` holds (see claims.schema.json)."""
    counts = {v: sum(c.verdict == v for c in claims) for v in VERDICTS}
    return {"title": "GD doesn't make the cut: the claims ledger", "ndgm": __version__,
            "generated": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
            "verdicts": list(VERDICTS), "sections": SECTIONS, "counts": counts,
            "claims": [c.as_dict() for c in claims]}


SCHEMA = os.path.join(os.path.dirname(os.path.abspath(__file__)), "claims.schema.json")
"""The JSON Schema of `as_json`'s document."""


def validate(doc: dict) -> None:
    """Raise jsonschema.ValidationError unless `doc` is a valid ledger document."""
    if jsonschema is None:
        raise ImportError("ndgm.claims.validate needs jsonschema: pip install 'ndgm[ledger]'")
    with open(SCHEMA) as f:
        jsonschema.validate(doc, json.load(f))


def write_json(claims: list, path: str) -> str:
    """Validate the ledger of `claims` and write it to `path` (folders created); return the path."""
    doc = as_json(claims)
    validate(doc)
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    with open(path, "w") as f:
        json.dump(doc, f, indent=1, ensure_ascii=False)
    return path


def glue_key(claim_id: str, name: str, side: str = "ours") -> str:
    """The glue name under which `glue_claims` stores a quantity: ``<id>/<side>/<name>`` with the name's
    spaces as underscores (e.g. ``prop-4.1/ours/holds``)."""
    return f"{claim_id}/{side}/{name.replace(' ', '_')}"


def glue_claims(claims: list, glue) -> None:
    """Glue every quantity of `claims` (paper's and ours, by `glue_key`, as its printed text) and each
    verdict (``<id>/verdict``) with `glue` (a page passes ``myst_nb.glue``), so that a page's prose prints
    the records' own text."""
    for c in claims:
        glue(f"{c.id}/verdict", c.verdict, display=False)
        for side in ("paper", "ours"):
            for n in getattr(c, side):
                glue(glue_key(c.id, n.name, side), n.text, display=False)


def _esc(text: str) -> str:
    return _html.escape(str(text), quote=True)


def html(claims: list) -> str:
    """The ledger as an HTML table that the site's ``ndgm-ledger.js`` filters (by verdict and section) and
    sorts (by any column) with no kernel: each row carries its verdict and section as data attributes."""
    counts = {v: sum(c.verdict == v for c in claims) for v in VERDICTS}
    verdict_opts = "".join(f'<option value="{_esc(v)}">{_esc(v)} ({counts[v]})</option>' for v in VERDICTS)
    section_opts = "".join(f'<option value="{k}">{_esc(t)}</option>' for k, t in SECTIONS.items())
    head = "".join(f'<th scope="col"><button type="button" data-column="{i}">{_esc(t)}</button></th>'
                   for i, t in enumerate(("claim", "where", "section", "the paper", "ours", "verdict")))
    rows = []
    for c in claims:
        cells = [f'<td><a href="{_esc(c.page)}.html">{_esc(c.id)}</a></td>', f"<td>{_esc(c.where)}</td>",
                 f"<td>{_esc(c.section)}</td>", f"<td>{_esc(_cell(c.paper))}</td>", f"<td>{_esc(_cell(c.ours))}</td>",
                 f'<td class="ndgm-verdict">{_esc(c.verdict)}</td>']
        rows.append(f'<tr data-verdict="{_esc(c.verdict)}" data-section="{_esc(c.section)}" '
                    f'title="{_esc(c.statement)} Rule: {_esc(c.rule)}">{"".join(cells)}</tr>')
    return ('<div class="ndgm-ledger">'
            '<div class="ndgm-ledger-controls">'
            f'<label>verdict <select data-filter="verdict"><option value="">all</option>{verdict_opts}</select></label> '
            f'<label>section <select data-filter="section"><option value="">all</option>{section_opts}</select></label> '
            f'<span class="ndgm-ledger-count" aria-live="polite">{len(claims)} of {len(claims)} claims</span>'
            '</div>'
            f'<table><thead><tr>{head}</tr></thead><tbody>{"".join(rows)}</tbody></table></div>')
