"""Claims of the heavy pages: Figure 2 (Section 3), Figure 3 and Table 2 (Section 4), read off the
largest completed scale of each page's results (`ndgm.netresults.best`). With no results they are
"not yet run"."""
from __future__ import annotations

from .. import netresults, paper
from . import Claim, number, register

_DEPTHS = (number("depths", " and ".join(str(d) for d in paper.FIGURE2_DEPTHS)),)

NOT_RUN = "no results of this page's runs exist yet: run `python -m ndgm.reproduce --scale cpu` (or paper)"


def run_settings(results: dict) -> dict:
    """The settings a network claim records: the scale, the data and the device of the page's runs."""
    return {"scale": results["scale"], "data": results["data"]["description"],
            "device": results["environment"]["device_name"]}


def _figure2(id: str, batch_norm: bool, verdict_key: str, statement: str, rule: str, results_dir: str,
             results: dict | None) -> Claim:
    """One of Figure 2's two readings: the ReLU − GELU gaps with or without batch norm and the seeds' spread
    at each depth, the verdict from `netresults.figure2_verdict`."""
    results = results or netresults.best("relu_vs_gelu", results_dir)
    base = dict(id=id, where="Figure 2 (Section 3)", section="3", page="relu_vs_gelu", statement=statement,
                paper=_DEPTHS, rule=rule)
    if results is None:
        return Claim(**base, ours=(), settings={"why": NOT_RUN}, verdict="not yet run")
    gaps = netresults.activation_gaps(results)
    rows = sorted((r for r in gaps if r["batch_norm"] == batch_norm), key=lambda r: r["depth"])
    ours = tuple(number(f"gap at depth {r['depth']}", r["gap"], "{:+.4f}") for r in rows)
    ours += tuple(number(f"spread at depth {r['depth']}", r["spread"], "{:.4f}") for r in rows)
    holds = netresults.figure2_verdict(gaps)[verdict_key]
    return Claim(**base, ours=ours, settings=run_settings(results), verdict="reproduced" if holds else "not reproduced")


@register("fig-2-depth", "3", "relu_vs_gelu", heavy=True)
def fig2_depth(results_dir: str, results: dict | None = None) -> Claim:
    """Figure 2 without batch norm: GELU's lead over ReLU (in final training loss) grows with depth."""
    return _figure2("fig-2-depth", False, "widens_without_bn",
                    "Without batch norm, GELU trains to a lower loss than ReLU, and more so in the deeper VGG.",
                    "reproduced when the ReLU − GELU gap in final training loss is larger at the deeper network than "
                    "at the shallower one and exceeds the seeds' spread at the deeper one; otherwise not reproduced",
                    results_dir, results)


@register("fig-2-bn", "3", "relu_vs_gelu", heavy=True)
def fig2_bn(results_dir: str, results: dict | None = None) -> Claim:
    """Figure 2 with batch norm: ReLU and GELU cannot be told apart."""
    return _figure2("fig-2-bn", True, "indistinct_with_bn", "With batch norm, ReLU and GELU train alike at both depths.",
                    "reproduced when every ReLU − GELU gap with batch norm lies within the seeds' spread; "
                    "otherwise not reproduced", results_dir, results)


def _l1_base(id, where, statement, paper_numbers, rule):
    return dict(id=id, where=where, section="4", page="l1_vgg16", statement=statement, paper=paper_numbers, rule=rule)


@register("fig-3-spread", "4", "l1_vgg16", heavy=True)
def fig3_spread(results_dir: str, results: dict | None = None) -> Claim:
    """Figure 3: the final L1 norm depends strongly on the optimizer."""
    results = results or netresults.best("l1_vgg16", results_dir)
    base = _l1_base("fig-3-spread", "Figure 3 (Section 4)",
                    "The weights' final L1 norm differs widely between SGD, RMSProp and Adam at the same λ1.",
                    (), "reproduced qualitatively when, at each λ1, the largest final ‖w‖₁ of the three optimizers is "
                        "at least twice the smallest (the paper prints no number, only the curves); else not reproduced")
    if results is None:
        return Claim(**base, ours=(), settings={"why": NOT_RUN}, verdict="not yet run")
    c = netresults.figure3_claims(results)
    ours = tuple(number(f"largest / smallest at λ1 = {lam:g}", c["spread"][lam], "{:.0f}×") for lam in c["lams"])
    wide = all(v >= 2 for v in c["spread"].values())
    return Claim(**base, ours=ours, settings=run_settings(results),
                 verdict="reproduced qualitatively" if wide else "not reproduced")


@register("fig-3-larger", "4", "l1_vgg16", heavy=True)
def fig3_larger(results_dir: str, results: dict | None = None) -> Claim:
    """Figure 3: with SGD and with Adam the larger λ1 ends with the larger L1 norm (the paradox)."""
    results = results or netresults.best("l1_vgg16", results_dir)
    base = _l1_base("fig-3-larger", "Figure 3 and Section 4's text",
                    "With SGD and with Adam, the larger λ1 ends with the larger L1 norm of the weights.",
                    (), "reproduced when it holds for both SGD and Adam, reproduced qualitatively for one of them, "
                        "otherwise not reproduced")
    if results is None:
        return Claim(**base, ours=(), settings={"why": NOT_RUN}, verdict="not yet run")
    c = netresults.figure3_claims(results)
    lo, hi = c["lams"][0], c["lams"][-1]
    ours = ()
    for o in ("sgd", "adam"):
        ours += (number(f"{netresults.OPTIMIZER_LABELS[o]} at λ1 = {lo:g}", c["larger_l1"][o]["small"], "{:.4g}"),
                 number(f"{netresults.OPTIMIZER_LABELS[o]} at λ1 = {hi:g}", c["larger_l1"][o]["large"], "{:.4g}"))
    n = sum(c["larger_l1"][o]["holds"] for o in ("sgd", "adam"))
    return Claim(**base, ours=ours, settings=run_settings(results),
                 verdict=("reproduced", "reproduced qualitatively", "not reproduced")[2 - n])


def _table2(results):
    return {(r["optimizer"], r["l1"]): r for r in netresults.table2(results)}


@register("table-2-sgd", "4", "l1_vgg16", heavy=True)
def table2_sgd(results_dir: str, results: dict | None = None) -> Claim:
    """Table 2, SGD: the small λ1 leaves almost every weight below τ, the large one almost none."""
    results = results or netresults.best("l1_vgg16", results_dir)
    small, large = paper.LAMBDA1_NETWORK["Figure 3 caption, Table 2 and Appendix C's loop"], paper.LAMBDA1_NETWORK_LARGE
    base = _l1_base("table-2-sgd", "Table 2 (Appendix C)",
                    "With SGD, the larger λ1 leaves far fewer weights below τ = 1e-5 than the smaller one.",
                    (number(f"SGD at λ1 = {small:g}", paper.TABLE2[("sgd", small)], "{:.2f}", " %"),
                     number(f"SGD at λ1 = {large:g}", paper.TABLE2[("sgd", large)], "{:.2f}", " %")),
                    "reproduced when both of our percentages are within a factor 1.5 of the paper's; reproduced "
                    "qualitatively when the small λ1 leaves more weights below τ than the large one; "
                    "otherwise not reproduced")
    if results is None:
        return Claim(**base, ours=(), settings={"why": NOT_RUN}, verdict="not yet run")
    rows = _table2(results)
    lams = sorted({lam for _, lam in rows})
    s, lg = rows[("sgd", lams[0])], rows[("sgd", lams[-1])]
    ours = (number(f"SGD at λ1 = {lams[0]:g}", s["ours"], "{:.2f}", " %"),
            number(f"SGD at λ1 = {lams[-1]:g}", lg["ours"], "{:.2f}", " %"),
            number(f"predicted by the swing at λ1 = {lams[0]:g}", s["predicted"], "{:.2f}", " %"),
            number(f"predicted by the swing at λ1 = {lams[-1]:g}", lg["predicted"], "{:.2f}", " %"))
    close = all(r["paper"] and r["ours"] > 0 and 1 / 1.5 <= r["ours"] / r["paper"] <= 1.5 for r in (s, lg))
    verdict = "reproduced" if close else "reproduced qualitatively" if s["ours"] > lg["ours"] else "not reproduced"
    return Claim(**base, ours=ours, settings={**run_settings(results), "steps": s["steps"], "lr": s["lr"]}, verdict=verdict)


@register("table-2-adaptive", "4", "l1_vgg16", heavy=True)
def table2_adaptive(results_dir: str, results: dict | None = None) -> Claim:
    """Table 2, RMSProp and Adam: few weights end below τ, whatever λ1."""
    results = results or netresults.best("l1_vgg16", results_dir)
    small, large = paper.LAMBDA1_NETWORK["Figure 3 caption, Table 2 and Appendix C's loop"], paper.LAMBDA1_NETWORK_LARGE
    printed = tuple(number(f"{netresults.OPTIMIZER_LABELS[o]} at λ1 = {lam:g}", paper.TABLE2[(o, lam)], "{:.2f}", " %")
                    for o in ("rmsprop", "adam") for lam in (small, large))
    base = _l1_base("table-2-adaptive", "Table 2 (Appendix C)",
                    "With RMSProp and Adam only a few percent of the weights end below τ = 1e-5, for either λ1.",
                    printed, "reproduced when each of our four percentages is within a factor 2 of the paper's; "
                             "reproduced qualitatively when all four are below 25 %; otherwise not reproduced")
    if results is None:
        return Claim(**base, ours=(), settings={"why": NOT_RUN}, verdict="not yet run")
    rows = _table2(results)
    lams = sorted({lam for _, lam in rows})
    picked = [rows[(o, lam)] for o in ("rmsprop", "adam") for lam in (lams[0], lams[-1])]
    ours = tuple(number(f"{netresults.OPTIMIZER_LABELS[r['optimizer']]} at λ1 = {r['l1']:g}", r["ours"], "{:.2f}", " %")
                 for r in picked)
    close = all(r["paper"] and r["ours"] > 0 and 0.5 <= r["ours"] / r["paper"] <= 2 for r in picked)
    few = all(r["ours"] < 25 for r in picked)
    return Claim(**base, ours=ours, settings=run_settings(results),
                 verdict="reproduced" if close else "reproduced qualitatively" if few else "not reproduced")


@register("lambda1-network", "4", "l1_vgg16")
def lambda1_network() -> Claim:
    """The small λ1 of the network runs is printed as two different numbers."""
    versions = tuple(number(where, lam, "{:g}") for where, lam in paper.LAMBDA1_NETWORK.items())
    return Claim(id="lambda1-network", where="Section 4, Figure 3, Table 2, Appendix C", section="4", page="l1_vgg16",
                 statement="The first set of network runs uses one small λ1.", paper=versions,
                 ours=(number("used here", paper.LAMBDA1_NETWORK["Figure 3 caption, Table 2 and Appendix C's loop"], "{:g}"),),
                 settings={}, rule="paper inconsistent when the paper prints different values for the same setting",
                 verdict="paper inconsistent" if len(set(paper.LAMBDA1_NETWORK.values())) > 1 else "reproduced")
