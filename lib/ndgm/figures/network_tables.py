"""The heavy pages' tables in MyST Markdown, built from the typed readers of `ndgm.networks.analysis`: the runs
(did each network learn?), Figure 2's pilot and paired comparisons, Table 2's rows, the sparsity checks and the
sparsity-at-accuracy points of "What works instead". Each function takes a reader's result and returns a table
that a page shows with ``IPython.display.Markdown``."""
from __future__ import annotations

import numpy as np

from .. import paper
from ..labels import OPTIMIZER_LABELS
from ..networks.analysis import SparsityAtAccuracy, pilot, pilot_choice, recipe_label
from ..networks.run_records import RunRecord


def _network_label(run: RunRecord) -> str:
    beta = run.field("beta")
    return f"VGG{run.field('depth')} {run.field('activation')}" + ("" if beta is None else f" β={beta:g}")


def pilot_markdown(results, recipes: dict, rates: dict) -> str:
    """Each recipe's pilot as a MyST table: per candidate rate, every run's final validation accuracy, how many
    learned, and the rate the rule chose."""
    lines = ["| recipe | α | runs: final validation accuracy | learned | chosen |", "|---|---|---|---|---|"]
    for name, recipe in recipes.items():
        chosen = pilot_choice(results, recipe, rates[name])
        label = recipe_label(recipe["optimizer"], recipe["momentum"], recipe["init"])
        for p in pilot(results, recipe, rates[name]):
            accs = ", ".join(f"{_network_label(r)} {r.val_acc:.2f}" for r in p.runs)
            lines.append(f"| {label} | {p.lr:g} | {accs} | {sum(r.learned() for r in p.runs)} / {len(p.runs)} | "
                         f"{'yes' if p.lr == chosen else ''} |")
    return "\n".join(lines)


def comparisons_markdown(rows) -> str:
    """Comparisons as a MyST table: the means of both sides, the paired differences of the final loss and
    of the loss area with their 95 % intervals, the lowest accuracy of the runs and how many runs of each
    side learned."""
    lines = ["| comparison | seeds | final loss, a | final loss, b | a − b, final loss [95 % CI] | "
             "a − b, loss area [95 % CI] | lowest accuracy | learned, a / b |", "|---|---|---|---|---|---|---|---|"]
    lines += [f"| {c.label} | {c.seeds} | {c.mean('a'):.4f} | {c.mean('b'):.4f} | {c.final.text('{:+.4f}')} | "
              f"{c.area.text('{:+.4f}')} | {c.min_acc:.3f} | {c.learned_count('a')} / {c.learned_count('b')} |"
              for c in rows]
    return "\n".join(lines)


def table2_markdown(rows: list) -> str:
    """`Table2Row`s as a MyST table: ours beside the paper's and the prediction, with accuracy and control."""
    def pct(v):
        return "–" if v is None or not np.isfinite(v) else f"{v:.2f} %"

    def acc(v):
        return "–" if v is None else f"{v:.3f}"

    lines = ["| optimizer | $\\alpha$ | $\\lambda_1$ | steps | ours | paper | predicted | zeros | $\\lVert w\\rVert_1$ | "
             "accuracy | control's accuracy |", "|---|---|---|---|---|---|---|---|---|---|---|"]
    lines += [f"| {OPTIMIZER_LABELS[r.optimizer]} | {r.lr:g} | {r.l1:g} | {r.steps:,} | {pct(r.ours)} | {pct(r.paper)} | "
              f"{pct(r.predicted)} | {pct(r.zeros)} | {r.l1_norm:.4g} | {acc(r.val_acc)} | {acc(r.control_acc)} |"
              for r in rows]
    return "\n".join(lines)


def runs_markdown(recs) -> str:
    """Runs as a MyST table, to read first: did each network learn? Optimizer, α, λ1, steps, final training
    loss, validation accuracy, ‖w‖₁, and whether it learned (`RunRecord.learned`)."""
    lines = ["| optimizer | $\\alpha$ | $\\lambda_1$ | steps | training loss | accuracy | $\\lVert w\\rVert_1$ | learned |",
             "|---|---|---|---|---|---|---|---|"]
    lines += [f"| {OPTIMIZER_LABELS[r.optimizer]} | {r.lr:g} | {r.l1:g} | {r.steps:,} | {r.train_loss:.4g} | "
              f"{r.val_acc:.3f} | {r.l1_norm:.4g} | {'yes' if r.learned() else '**no**'} |" for r in recs]
    return "\n".join(lines)


def curves_markdown(result: SparsityAtAccuracy) -> str:
    """Each method's points as a MyST table, with its sparsity at working accuracy."""
    lines = ["| method | setting | exact zeros | accuracy |", "|---|---|---|---|"]
    for c in result.curves.values():
        lines += [f"| {c.label} | {s} | {100 * z:.2f} % | {a:.3f} |" for s, z, a in zip(c.settings, c.zeros, c.val_acc)]
    return "\n".join(lines)


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


def reports_markdown(reports: list, tau: float = paper.TABLE2_TAU) -> str:
    """The overall rows of `sparsity_reports` as one MyST table: exact zeros, |w| < τ, the band |w| < s and
    the verdict in one word (`ndgm.networks.sparsity_check.kind`)."""
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


def pilot_summary(results, recipes: dict, rates: dict) -> str:
    """The pilot's outcome per recipe in words, for a page's prose: the rate at which every pilot network learned,
    that no rate did (the recipe then keeps its first rate), or that this scale has no pilot."""
    words = []
    for name, recipe in recipes.items():
        steps = pilot(results, recipe, rates[name])
        label = recipe_label(recipe["optimizer"], recipe["momentum"], recipe["init"])
        if not any(p.runs for p in steps):
            words.append(f"{label}: no pilot at this scale")
        elif not any(p.learned for p in steps):
            words.append(f"{label}: no candidate rate let every pilot network learn, so it keeps {rates[name][0]:g}")
        else:
            words.append(f"{label}: every pilot network learned at {pilot_choice(results, recipe, rates[name]):g}")
    return "; ".join(words)
