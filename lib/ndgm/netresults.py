"""What the heavy pages read off their runs: Figure 2's ReLU-GELU gaps, Figure 3's L1 curves, Table 2.

Every function takes the merged results of a page (`ndgm.experiments.collect` / `best`: a dict
with a "runs" mapping of run name to its record) and needs no PyTorch, so the pages, plots and
tests can read committed results anywhere.
"""
from __future__ import annotations

import json
import os
import tempfile
from dataclasses import dataclass

import numpy as np

from . import grids, paper, validation

PAGES = ("relu_vs_gelu", "l1_vgg16", "what_works")
SCALES = ("smoke", "cpu", "paper")
"""The heavy pages, and their scales from smallest to largest (`best` prefers the last one completed)."""

OPTIMIZER_COLORS = {"rmsprop": "#1f77b4", "adam": "#d62728", "sgd": "#2ca02c", "prox-sgd": "#17becf",
                    "prox-adam": "#9467bd"}
"""Figure 3's colours: RMSProp blue, Adam red, SGD green; the proximal versions in colours of their own."""
OPTIMIZER_LABELS = {"sgd": "SGD (NDGM)", "rmsprop": "RMSProp", "adam": "Adam", "prox-sgd": "ProxSGD",
                    "prox-adam": "ProxAdam"}
OPTIMIZERS = tuple(OPTIMIZER_LABELS)

TAU_GRID = np.logspace(-10, 0, 61)
"""The thresholds at which ndgm.train records the fractions of |w| < τ (same grid as train.TAU_GRID)."""


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


def results_for_page(page: str, scale: str | None, results: str, *, device: str = "auto") -> dict:
    """What a heavy page shows: with `scale` given, that scale reproduced into `results` (training what is
    missing); with None, the largest completed scale in `results`, or else a fresh `smoke` run in a
    temporary folder. Only training needs PyTorch (ndgm.experiments)."""
    if scale is None:
        found = best(page, results)
        if found is not None:
            return found
    from . import experiments

    if scale is not None:
        return experiments.reproduce(page, validation.choice("scale", scale, SCALES), results, device=device)
    with tempfile.TemporaryDirectory() as tmp:
        return experiments.reproduce(page, "smoke", tmp, device=device, progress=False)


def _records(results: dict) -> list:
    if not isinstance(results, dict) or not isinstance(results.get("runs"), dict):
        raise ValueError("results must be a page's merged results (a dict with 'runs'), as ndgm.experiments.best returns")
    return list(results["runs"].values())


def _runs(results: dict, **match) -> list:
    out = []
    for rec in _records(results):
        fields = {**rec["model"], **rec["config"]}
        if all(fields.get(k) == v for k, v in match.items()):
            out.append(rec)
    return out


def final_losses(results: dict, depth: int, batch_norm: bool, activation: str) -> np.ndarray:
    """Final training losses of every seed of one Figure 2 network, shape (seeds,)."""
    recs = _runs(results, depth=depth, batch_norm=batch_norm, activation=activation)
    if not recs:
        raise ValueError(f"no run with depth={depth}, batch_norm={batch_norm}, activation={activation!r}")
    return np.array([r["history"]["train_loss"][-1] for r in recs])


def loss_curves(results: dict, depth: int, batch_norm: bool, activation: str) -> np.ndarray:
    """Training loss per epoch of every seed of one Figure 2 network, shape (seeds, epochs)."""
    recs = _runs(results, depth=depth, batch_norm=batch_norm, activation=activation)
    return np.array([r["history"]["train_loss"] for r in recs])


def activation_gaps(results: dict) -> list[dict]:
    """Figure 2's comparison, one row per (batch norm, depth): the final training loss of ReLU minus
    GELU (mean over seeds), the seeds' spread (largest range of either activation's final losses),
    and a verdict: "GELU lower" or "ReLU lower" when the gap exceeds the spread, else "within seed noise"."""
    rows = []
    for bn in (False, True):
        for depth in sorted({r["model"]["depth"] for r in _records(results)}):
            relu = final_losses(results, depth, bn, "relu")
            gelu = final_losses(results, depth, bn, "gelu")
            gap = float(relu.mean() - gelu.mean())
            spread = float(max(np.ptp(relu), np.ptp(gelu)))
            verdict = ("GELU lower" if gap > spread else "ReLU lower" if gap < -spread else "within seed noise")
            rows.append({"batch_norm": bn, "depth": depth, "relu": float(relu.mean()), "gelu": float(gelu.mean()),
                         "gap": gap, "spread": spread, "seeds": len(relu), "verdict": verdict})
    return rows


def figure2_verdict(rows: list[dict]) -> dict:
    """Section 3's two claims against the gaps: without batch norm the GELU advantage grows with
    depth (and exceeds the seeds' spread at the deepest network); with batch norm the curves cannot
    be told apart (every gap within the seeds' spread)."""
    plain = sorted((r for r in rows if not r["batch_norm"]), key=lambda r: r["depth"])
    normed = [r for r in rows if r["batch_norm"]]
    widens = plain[-1]["gap"] > plain[0]["gap"] and plain[-1]["verdict"] == "GELU lower"
    indistinct = all(r["verdict"] == "within seed noise" for r in normed)
    return {"widens_without_bn": bool(widens), "indistinct_with_bn": bool(indistinct)}


def steps_per_epoch(record: dict) -> int:
    """Training steps in one epoch of a run (the last incomplete batch is dropped)."""
    return record["data_used"]["n_train"] // record["config"]["batch_size"]


def swing(optimizer: str, lr: float, l1: float) -> float:
    """How far one step moves a weight that the penalty alone drives: αλ1 for SGD (eq. 8's 2-cycle).
    For RMSProp and Adam, α bounds it: their step divides the gradient by its running scale (ε aside),
    and Adam's momentum, averaging the penalty's alternating signs, moves such a weight by less.
    For ProxSGD and ProxAdam it is their threshold's scale (αλ1 and α): a weight that close to 0 is
    set to exactly 0 instead of crossing it."""
    validation.choice("optimizer", optimizer, OPTIMIZERS)
    return float(lr * l1) if optimizer in ("sgd", "prox-sgd") else float(lr)


def median_abs_start(record: dict) -> float:
    """The median |w| over all parameters before training, read off the recorded fractions below τ."""
    below = np.asarray(record["history"]["below_start"])
    return float(10 ** np.interp(0.5, below, np.log10(TAU_GRID)))


def predicted_below(record: dict, taus) -> np.ndarray:
    """The fraction of |w| < τ that SGD's swing s = αλ1 alone predicts after T steps: weights that
    started within T·s of zero have reached it and then alternate on either side of it, |w| spread
    evenly over (0, s), so the fraction is F₀(T·s)·min(1, τ/s), F₀ the initial fraction of |w| below
    a value. Cross-entropy gradients are ignored: this is the penalty's share of the story. For
    RMSProp and Adam the step a weight takes is not fixed by α and λ1, and the prediction is nan."""
    taus = validation.in_range("taus", taus, low=0.0, low_open=True)
    cfg = record["config"]
    if cfg["optimizer"] != "sgd":
        return np.full(taus.shape, np.nan)
    s = swing(cfg["optimizer"], cfg["lr"], cfg["l1"])
    if s == 0:
        return np.asarray(np.interp(np.log10(taus), np.log10(TAU_GRID), record["history"]["small_by_tau"]))
    reach = steps_per_epoch(record) * len(record["history"]["epoch"]) * s
    caught = np.interp(np.log10(reach), np.log10(TAU_GRID), record["history"]["below_start"], right=1.0)
    return caught * np.minimum(1.0, taus / s)


def tau_index(tau: float) -> int:
    """The position of `tau` in TAU_GRID, the thresholds the training loop records (others are an error)."""
    tau = float(validation.in_range("tau", tau, low=TAU_GRID[0], high=TAU_GRID[-1], high_open=False))
    k = grids.nearest(TAU_GRID, tau, log=True)
    if not np.isclose(TAU_GRID[k], tau, rtol=1e-9):
        raise ValueError(f"tau must be one of the recorded thresholds (ndgm.netresults.TAU_GRID); got {tau!r}")
    return k


def table2(results: dict, tau: float = paper.TABLE2_TAU) -> list[dict]:
    """Table 2 beside the paper's: per optimizer and λ1, the percentage of weights with |w| < τ at the
    end (ours, measured at τ on the recorded grid), the paper's, the swing s and the prediction."""
    k = tau_index(tau)
    rows = []
    for rec in sorted(_records(results), key=lambda r: (r["config"]["l1"], r["config"]["optimizer"])):
        cfg, hist = rec["config"], rec["history"]
        rows.append({"optimizer": cfg["optimizer"], "l1": cfg["l1"], "lr": cfg["lr"],
                     "ours": 100 * hist["small_by_tau"][k], "paper": paper.TABLE2.get((cfg["optimizer"], cfg["l1"])),
                     "zeros": 100 * hist["zeros"][-1], "l1_norm": hist["l1"][-1],
                     "swing": swing(cfg["optimizer"], cfg["lr"], cfg["l1"]),
                     "median_move": hist["swing"][0] if hist["swing"] else float("nan"),
                     "predicted": 100 * float(predicted_below(rec, [tau])[0]),
                     "steps": steps_per_epoch(rec) * len(hist["epoch"]), "val_acc": hist["val_acc"][-1]})
    return rows


def gaps_markdown(rows: list[dict]) -> str:
    """`activation_gaps` as a MyST table."""
    lines = ["| batch norm | depth | final loss, ReLU | final loss, GELU | ReLU − GELU | seeds' spread | verdict |",
             "|---|---|---|---|---|---|---|"]
    lines += [f"| {'with' if r['batch_norm'] else 'without'} | {r['depth']} | {r['relu']:.4f} | {r['gelu']:.4f} | "
              f"{r['gap']:+.4f} | {r['spread']:.4f} | {r['verdict']} |" for r in rows]
    return "\n".join(lines)


def table2_markdown(rows: list[dict]) -> str:
    """`table2` as a MyST table: ours beside the paper's, with the swing and its prediction."""
    def pct(v):
        return "–" if v is None or not np.isfinite(v) else f"{v:.2f} %"

    lines = ["| optimizer | $\\lambda_1$ | ours | paper | predicted | $s$ | last move | zeros | "
             "$\\lVert w\\rVert_1$ | accuracy |",
             "|---|---|---|---|---|---|---|---|---|---|"]
    lines += [f"| {OPTIMIZER_LABELS[r['optimizer']]} | {r['l1']:g} | {pct(r['ours'])} | {pct(r['paper'])} | "
              f"{pct(r['predicted'])} | {r['swing']:.1e} | {r['median_move']:.1e} | {pct(r['zeros'])} | "
              f"{r['l1_norm']:.4g} | {r['val_acc']:.3f} |" for r in rows]
    return "\n".join(lines)


def figure3_claims(results: dict) -> dict:
    """Section 4's two readings of Figure 3 against a page's runs: (1) the final ‖w‖₁ differs widely
    between optimizers (`spread`: largest over smallest final ‖w‖₁ at each λ1); (2) for SGD and Adam
    the larger λ1 ends with the larger ‖w‖₁ (`larger_l1`, per optimizer, with both final norms)."""
    recs = _records(results)
    lams = sorted({r["config"]["l1"] for r in recs})
    final = {(r["config"]["optimizer"], r["config"]["l1"]): r["history"]["l1"][-1] for r in recs}
    spread = {lam: max(v for (o, l), v in final.items() if l == lam) / min(v for (o, l), v in final.items() if l == lam)
              for lam in lams}
    larger = {o: {"small": final[(o, lams[0])], "large": final[(o, lams[-1])],
                  "holds": bool(final[(o, lams[-1])] > final[(o, lams[0])])}
              for o in sorted({o for o, _ in final})}
    return {"lams": lams, "spread": spread, "larger_l1": larger}


@dataclass(frozen=True)
class L1Sweep:
    """One optimizer's final weights against λ1 (the page "What works instead"), each array shape (K,),
    λ1 ascending."""

    optimizer: str
    lam1: np.ndarray
    zeros: np.ndarray         # fraction of weights exactly 0
    below: np.ndarray         # fraction with |w| < τ (Table 2's τ)
    l1_norm: np.ndarray       # ‖w‖₁
    val_acc: np.ndarray       # validation accuracy

    def trend(self, metric: str) -> str:
        """How `metric` ("zeros", "below", "l1_norm", "val_acc") moves as λ1 grows (`ndgm.grids.trend`)."""
        return grids.trend(getattr(self, validation.choice("metric", metric, ("zeros", "below", "l1_norm", "val_acc"))))

    def expected(self) -> bool:
        """What a user of an L1 penalty expects: exact zeros grow with λ1 and the L1 norm shrinks."""
        return self.trend("zeros") == "grows" and self.trend("l1_norm") == "shrinks"


def l1_sweeps(results: dict, tau: float = paper.TABLE2_TAU) -> dict:
    """Per optimizer of a page's runs, its `L1Sweep` over the runs' λ1 (final epoch of each run)."""
    k = tau_index(tau)
    out = {}
    for opt in [o for o in OPTIMIZERS if _runs(results, optimizer=o)]:
        recs = sorted(_runs(results, optimizer=opt), key=lambda r: r["config"]["l1"])
        hist = [r["history"] for r in recs]
        out[opt] = L1Sweep(opt, np.array([r["config"]["l1"] for r in recs]), np.array([h["zeros"][-1] for h in hist]),
                           np.array([h["small_by_tau"][k] for h in hist]), np.array([h["l1"][-1] for h in hist]),
                           np.array([h["val_acc"][-1] for h in hist]))
    return out


def sweeps_markdown(sweeps: dict) -> str:
    """`l1_sweeps` as a MyST table: one row per optimizer and λ1, with the trend of each column."""
    lines = ["| optimizer | $\\lambda_1$ | exact zeros | $\\lvert w\\rvert < 10^{-5}$ | $\\lVert w\\rVert_1$ | accuracy |",
             "|---|---|---|---|---|---|"]
    for sw in sweeps.values():
        for i, lam in enumerate(sw.lam1):
            lines.append(f"| {OPTIMIZER_LABELS[sw.optimizer]} | {lam:g} | {100 * sw.zeros[i]:.3g} % | "
                         f"{100 * sw.below[i]:.2f} % | {sw.l1_norm[i]:.4g} | {sw.val_acc[i]:.3f} |")
        lines.append(f"| *as λ1 grows* | | *{sw.trend('zeros')}* | *{sw.trend('below')}* | *{sw.trend('l1_norm')}* | "
                     f"*{sw.trend('val_acc')}* |")
    return "\n".join(lines)


def sparsity_reports(results: dict) -> list:
    """The `ndgm.netcheck` reports stored with a page's runs, as (optimizer, λ1, NetworkSparsity), sorted
    by optimizer (in OPTIMIZERS order) and λ1; runs without a stored report are left out."""
    from .netcheck import NetworkSparsity

    recs = [r for r in _records(results) if "sparsity" in r]
    recs.sort(key=lambda r: (OPTIMIZERS.index(r["config"]["optimizer"]), r["config"]["l1"]))
    return [(r["config"]["optimizer"], r["config"]["l1"], NetworkSparsity.from_dict(r["sparsity"])) for r in recs]


def reports_markdown(reports: list, tau: float = paper.TABLE2_TAU) -> str:
    """The overall rows of `sparsity_reports` as one MyST table: exact zeros, |w| < τ, the band |w| < s and
    the verdict in one word (`ndgm.netcheck.kind`)."""
    lines = ["| optimizer | $\\lambda_1$ | exact zeros | $\\lvert w\\rvert < 10^{-5}$ | swing $s$ | "
             "$\\lvert w\\rvert < s$ | verdict |", "|---|---|---|---|---|---|---|"]
    for opt, lam, rep in reports:
        at = np.flatnonzero(np.isclose(rep.taus, tau, rtol=1e-9))
        if at.size == 0:
            raise ValueError(f"tau must be one of the report's thresholds {rep.taus.tolist()}; got {tau!r}")
        k = int(at[0])
        lines.append(f"| {OPTIMIZER_LABELS[opt]} | {lam:g} | {100 * rep.overall.zeros:.2f} % | "
                     f"{100 * rep.overall.below[k]:.2f} % | {rep.swing:.1e} | {100 * rep.overall.band:.2f} % | {rep.kind} |")
    return "\n".join(lines)
