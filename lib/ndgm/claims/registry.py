"""The registry of claims: each claim module registers the function that computes its claim (`register`);
`get`, `for_page` and `ledger` compute them, `rules` gives the heavy claims' rules fixed before their runs."""
from __future__ import annotations

import fcntl
import hashlib
import inspect
import os
import pickle
from dataclasses import dataclass
from typing import Callable

from .. import memo
from .record import PAGES, Claim

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


def ids(page: str | None = None) -> list[str]:
    """The ids of every registered claim (of `page` only, if given), in the paper's order."""
    if page is not None and page not in PAGES:
        raise ValueError(f"page must be one of {PAGES}; got {page!r}")
    return [e.id for e in _REGISTRY.values() if page is None or e.page == page]


def rules(page: str) -> dict:
    """The rules of the heavy claims that page `page` shows, by claim id: what `ndgm.networks.experiments.collect`
    stores with the page's results, and what each claim checks before it decides."""
    return {i: _REGISTRY[i].rule for i in ids(page) if _REGISTRY[i].heavy}


def get(id: str, results_dir: str | None = None, **inputs) -> Claim:
    """Claim `id`, computed now. Heavy claims read the largest completed results in the folder `results_dir`
    (the caller's: the book keeps them in its ``results`` folder), unless `inputs` give them as ``results``;
    `inputs` pass precomputed library results (see each claim's function) so that a page can share its own
    computation with its claims."""
    if id not in _REGISTRY:
        raise ValueError(f"id must be one of the registered claims ({', '.join(_REGISTRY)}); got {id!r}")
    e = _REGISTRY[id]
    if e.heavy and results_dir is None and inputs.get("results") is None:
        raise ValueError(f"results_dir must name the folder that holds the heavy pages' results for claim {id} "
                         f"(the book's results folder), unless its results are passed as results=; got None")
    c = e.compute(results_dir, **inputs) if e.heavy else e.compute(**inputs)
    if not isinstance(c, Claim) or c.id != id or c.page != e.page or c.section != e.section:
        raise RuntimeError(f"claim {id}: its function returned a record for another claim")
    return c


def takes(id: str) -> tuple:
    """The names of the precomputed results that claim `id`'s function accepts as keywords."""
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


def ledger(results_dir: str, cache: str | None = None) -> list[Claim]:
    """Every claim of the paper, in the paper's order (heavy ones from the folder `results_dir`).

    With `cache` (a file path), the ledger is kept there under a key made of the library's sources and the
    results it reads (`ledger_key`): a later call with the same key reads it instead of computing it again,
    and concurrent calls wait for the first (a lock beside the file). The test session and the book build
    share one computation this way; any change to the code or the results computes afresh."""
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
    digest = hashlib.sha256(memo.sources_digest().encode())
    if os.path.isdir(results_dir):
        for name in sorted(f for f in os.listdir(results_dir) if f.endswith(".json")):
            with open(os.path.join(results_dir, name), "rb") as f:
                digest.update(name.encode() + f.read())
    return digest.hexdigest()
