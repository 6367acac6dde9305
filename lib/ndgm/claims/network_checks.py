"""What every network claim shares (the claims of the pages relu_vs_gelu, l1_vgg16 and what_works): the check that
a claim's rule is the one stored with the results it decides, the precondition's wording, the settings a record
keeps, and the verdict from the learned-precondition and the two outcomes.

Every rule of a network claim was written before the runs it decides were made, and the page's results file
stores the rule text it was decided by (`ndgm.networks.experiments.collect`): a claim whose current rule differs
from the stored one refuses to decide (`check_rule`), so a rule changes only with a rerun. A network claim first
checks that the networks it compares learned (`ndgm.networks.run_records.LEARNED_ACC`); when they did not, its
verdict is "experiment failed", whatever the numbers say. With no results of its page it is "not yet run".
"""
from __future__ import annotations

from ..networks import analysis, store
from ..networks.run_records import LEARNED_ACC
from .record import Claim, number

NOT_RUN = "no results of this page's runs exist yet: run `python -m ndgm.tools.reproduce --scale cpu` (or paper)"

LEARNED = f"validation accuracy ≥ {LEARNED_ACC:g} and a finite loss"
"""The precondition of every network claim, in the words its rules use."""
CI = "95 % percentile-bootstrap interval over the paired seeds (10,000 resamples)"
"""The interval of every paired comparison over seeds, in the words the rules use."""


def check_rule(claim_id: str, rule: str, results: dict) -> None:
    """Raise unless the results were decided by `rule`: the text stored with them under `claim_id`."""
    stored = (results.get("rules") or {}).get(claim_id)
    if stored is None:
        raise ValueError(f"claim {claim_id}: the results of page {results.get('page')!r} at scale "
                         f"{results.get('scale')!r} store no rule for it; merge them again with "
                         "`python -m ndgm.tools.reproduce` so that the rule in force is recorded")
    if stored != rule:
        raise ValueError(f"claim {claim_id}: its rule differs from the one stored with the results it would "
                         "decide; a rule changes only with a rerun (`python -m ndgm.tools.reproduce --scale "
                         f"{results.get('scale')}`), never after the data.\nstored: {stored}\ncurrent: {rule}")


def run_settings(runs, recs=()) -> dict:
    """The settings a network claim records: scale, data, device, and of the runs `recs` the seeds, the steps
    and the lowest and highest validation accuracy."""
    out = {"scale": runs.scale, "data": runs.data["description"], "device": runs.device}
    if recs:
        accs = [r.val_acc for r in recs]
        out.update(runs=len(recs), seeds=sorted({r.seed for r in recs}), steps=sorted({r.steps for r in recs}),
                   lowest_accuracy=min(accs), highest_accuracy=max(accs))
    return out


def decide(ok_learned: bool, reproduced: bool, refuted: bool, *, yes="reproduced") -> str:
    """The verdict: "experiment failed" unless the networks learned, then `yes`, "not reproduced" or "inconclusive"."""
    if not ok_learned:
        return "experiment failed"
    return yes if reproduced else "not reproduced" if refuted else "inconclusive"


def start(id, rule, page, results_dir, results):
    """The page's results as a PageRuns (None when there are none), after checking that claim `id`'s `rule` is the
    one stored with them."""
    results = results or store.best(page, results_dir)
    if results is None:
        return None
    check_rule(id, rule, results)
    return analysis.as_runs(results)


def heavy(id, rule, where, section, page, statement, paper_numbers=()):
    """The fields of a network claim's record that do not depend on its runs."""
    return dict(id=id, where=where, section=section, page=page, statement=statement, paper=paper_numbers, rule=rule)


def not_run(base):
    """The record of a claim whose page has no results yet."""
    return Claim(**base, ours=(), settings={"why": NOT_RUN}, verdict="not yet run")


def interval(name, iv, fmt="{:+.4f}"):
    """A paired comparison's mean and interval as a number of the record."""
    return number(name, iv.text(fmt))
