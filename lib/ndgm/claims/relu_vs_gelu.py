"""Claims of the page relu_vs_gelu: Figure 2 (Section 3) over paired seeds, read off the largest completed scale of
the page's results (`ndgm.networks.store.best`); the shared checks are `network_checks`'."""
from __future__ import annotations

from .. import paper
from ..networks import analysis
from . import network_checks as checks
from .record import Claim, number
from .registry import register

_DEPTHS = (number("depths", " and ".join(str(d) for d in paper.FIGURE2_DEPTHS)),)

BN_MARGIN = 0.10
"""fig-2-bn's equivalence margin: 10 % of ReLU's mean final training loss at the same depth."""

RULES = {
    "fig-2-depth":
        f"Precondition: every run without batch norm at the shallowest and the deepest depth (both activations, "
        f"every seed) learned ({checks.LEARNED}); else experiment failed. Statistics: the paired ReLU − GELU difference "
        f"of the final training loss and of the area under the training-loss curve, each with its {checks.CI}; the "
        f"widening is the deepest network's mean difference minus the shallowest's, its interval from resampling "
        f"each depth's pairs on their own. Reproduced when, for both statistics, the deepest network's interval "
        f"and the widening's interval lie above 0; not reproduced when, for either statistic, one of them lies "
        f"below 0; otherwise inconclusive.",
    "fig-2-bn":
        f"Precondition: every run with batch norm learned ({checks.LEARNED}); else experiment failed. Statistic: the "
        f"paired ReLU − GELU difference of the final training loss at each depth with its {checks.CI}; the margin is "
        f"{BN_MARGIN:.0%} of ReLU's mean final training loss at that depth. Reproduced when every interval lies "
        f"inside ± the margin; not reproduced when some interval lies entirely beyond it; otherwise inconclusive.",
    "fig-2-smoothness":
        f"Precondition: every softplus run learned ({checks.LEARNED}); else experiment failed. Statistic: the paired "
        f"difference of the final training loss, softplus with the largest β (closest to ReLU) minus softplus "
        f"with the smallest β (smoothest), with its {checks.CI}. Reproduced when the interval lies above 0 (the "
        f"smoother activation trains lower); not reproduced when it lies below 0; otherwise inconclusive.",
    "fig-2-recipe":
        f"Each recipe (Adam and SGD with momentum, each from PyTorch's initialisation and from He initialisation) "
        f"trains ReLU and GELU without batch norm at one depth; a recipe counts when every one of its runs "
        f"learned ({checks.LEARNED}). Experiment failed when fewer than two recipes count. Statistic: per recipe, the "
        f"paired ReLU − GELU difference of the final training loss with its {checks.CI}. Reproduced when every counted "
        f"recipe's interval lies above 0; not reproduced when some counted recipe's interval lies below 0; "
        f"otherwise inconclusive.",
}
"""Each claim's rule, fixed before its runs were made (and stored with the page's results)."""


@register("fig-2-depth", "3", "relu_vs_gelu", heavy=True, rule=RULES["fig-2-depth"])
def fig2_depth(results_dir: str, results: dict | None = None) -> Claim:
    """Figure 2 without batch norm: GELU's lead over ReLU grows with depth."""
    base = checks.heavy("fig-2-depth", RULES["fig-2-depth"], "Figure 2 (Section 3)", "3", "relu_vs_gelu",
                  "Without batch norm, GELU trains to a lower loss than ReLU, and more so in the deeper VGG.", _DEPTHS)
    runs = checks.start("fig-2-depth", RULES["fig-2-depth"], "relu_vs_gelu", results_dir, results)
    if runs is None:
        return checks.not_run(base)
    f2 = analysis.figure2(runs)
    plain = f2.depths(False)
    shallow, deep = f2.gaps[(plain[0], False)], f2.gaps[(plain[-1], False)]
    ours = tuple(checks.interval(f"ReLU − GELU final loss, depth {d}", f2.gaps[(d, False)].final) for d in plain)
    ours += (checks.interval(f"ReLU − GELU loss area, depth {plain[-1]}", deep.area),
             checks.interval(f"widening of the final-loss gap, {plain[0]} → {plain[-1]}", f2.widening["final"]),
             checks.interval(f"widening of the loss-area gap, {plain[0]} → {plain[-1]}", f2.widening["area"]),
             number("lowest accuracy of the runs compared", min(shallow.min_acc, deep.min_acc), "{:.3f}"),
             number("seeds", deep.seeds, "{:d}"))
    sides = [iv.side for s in ("final", "area") for iv in (getattr(deep, s), f2.widening[s])]
    verdict = checks.decide(shallow.learned and deep.learned, all(x == "above" for x in sides), "below" in sides)
    return Claim(**base, ours=ours, settings=checks.run_settings(runs, shallow.a + shallow.b + deep.a + deep.b), verdict=verdict)


@register("fig-2-bn", "3", "relu_vs_gelu", heavy=True, rule=RULES["fig-2-bn"])
def fig2_bn(results_dir: str, results: dict | None = None) -> Claim:
    """Figure 2 with batch norm: ReLU and GELU cannot be told apart."""
    base = checks.heavy("fig-2-bn", RULES["fig-2-bn"], "Figure 2 (Section 3)", "3", "relu_vs_gelu",
                  "With batch norm, ReLU and GELU train alike at both depths.", _DEPTHS)
    runs = checks.start("fig-2-bn", RULES["fig-2-bn"], "relu_vs_gelu", results_dir, results)
    if runs is None:
        return checks.not_run(base)
    f2 = analysis.figure2(runs)
    rows = [f2.gaps[(d, True)] for d in f2.depths(True)]
    margins = [BN_MARGIN * c.mean("a") for c in rows]
    ours = tuple(checks.interval(f"ReLU − GELU final loss, depth {d}", c.final) for d, c in zip(f2.depths(True), rows))
    ours += tuple(number(f"margin at depth {d}", m, "±{:.4f}") for d, m in zip(f2.depths(True), margins))
    ours += (number("lowest accuracy of the runs compared", min(c.min_acc for c in rows), "{:.3f}"),)
    verdict = checks.decide(all(c.learned for c in rows), all(c.final.within(m) for c, m in zip(rows, margins)),
                      any(c.final.outside(m) for c, m in zip(rows, margins)))
    return Claim(**base, ours=ours, settings=checks.run_settings(runs, tuple(r for c in rows for r in c.a + c.b)), verdict=verdict)


@register("fig-2-smoothness", "3", "relu_vs_gelu", heavy=True, rule=RULES["fig-2-smoothness"])
def fig2_smoothness(results_dir: str, results: dict | None = None) -> Claim:
    """Section 3's reading of Figure 2: smoothness of the activation is what helps (softplus family)."""
    base = checks.heavy("fig-2-smoothness", RULES["fig-2-smoothness"], "Section 3's reading of Figure 2", "3", "relu_vs_gelu",
                  "Without batch norm, a smoother activation trains a deep VGG to a lower loss: in the softplus family, "
                  "which changes smoothness and little else, the smoothest member ends lowest.")
    runs = checks.start("fig-2-smoothness", RULES["fig-2-smoothness"], "relu_vs_gelu", results_dir, results)
    if runs is None:
        return checks.not_run(base)
    smooth = analysis.figure2(runs).smoothness
    if not smooth:
        return Claim(**base, ours=(), settings={**checks.run_settings(runs), "why": "no softplus runs at this scale"},
                     verdict="not yet run")
    widest = smooth[-2] if len(smooth) > 1 else smooth[0]     # largest β − smallest β
    recs = tuple(r for c in smooth[:-1] for r in c.a + c.b)     # the softplus runs (the last row is ReLU's)
    ours = tuple(checks.interval(c.label + ", final loss", c.final) for c in smooth)
    ours += (number("lowest accuracy of the softplus runs", min(r.val_acc for r in recs), "{:.3f}"),)
    verdict = checks.decide(all(r.learned() for r in recs), widest.final.side == "above", widest.final.side == "below")
    return Claim(**base, ours=ours, settings=checks.run_settings(runs, recs), verdict=verdict)


@register("fig-2-recipe", "3", "relu_vs_gelu", heavy=True, rule=RULES["fig-2-recipe"])
def fig2_recipe(results_dir: str, results: dict | None = None) -> Claim:
    """Section 3's reading of Figure 2: GELU's lead is the activation's, not the training recipe's."""
    base = checks.heavy("fig-2-recipe", RULES["fig-2-recipe"], "Section 3's reading of Figure 2", "3", "relu_vs_gelu",
                  "GELU's lead over ReLU without batch norm belongs to the activation, not to the training recipe: it "
                  "holds with SGD and momentum as with Adam.")
    runs = checks.start("fig-2-recipe", RULES["fig-2-recipe"], "relu_vs_gelu", results_dir, results)
    if runs is None:
        return checks.not_run(base)
    recipes = analysis.figure2(runs).recipes
    if len(recipes) < 2:
        return Claim(**base, ours=(), settings={**checks.run_settings(runs), "why": "no recipe runs at this scale"},
                     verdict="not yet run")
    counted = {k: c for k, c in recipes.items() if c.learned}
    ours = tuple(checks.interval(f"{k}: ReLU − GELU final loss", c.final) for k, c in recipes.items())
    ours += tuple(number(f"{k}: lowest accuracy", c.min_acc, "{:.3f}") for k, c in recipes.items())
    sides = [c.final.side for c in counted.values()]
    verdict = checks.decide(len(counted) >= 2, all(s == "above" for s in sides), "below" in sides)
    return Claim(**base, ours=ours, settings=checks.run_settings(runs, tuple(r for c in recipes.values() for r in c.a + c.b)),
                 verdict=verdict)


# ----- Figure 3 and Table 2 -------------------------------------------------------------------------------

