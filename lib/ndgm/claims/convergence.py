"""Claims of Section 3 (book/convergence.md): Proposition 3.1, Figure 1 and the inference the paper draws from
it, the O(1/ε) and O(1/ε²) rates,
L-smoothness at a kink, and Appendix A.2's supporting hyperplanes.

`SETTINGS` holds every setting of the page in one place: the page shows it (`describe`) and calls the
library with it (``convergence.capture_scan(activation="relu", **S.SETTINGS["scan"])``). Each claim
computes its side with `ndgm.studies.convergence` at these settings, or takes the page's own results as keyword
inputs so that the page computes nothing twice.
"""
from __future__ import annotations

import numpy as np

from ..studies import convergence
from .. import grids, paper
from .record import Claim, Number, number
from .registry import register

FIGURE1_LR = 0.01
"""Figure 1's step size α (the paper gives none; the page's α scan chooses it)."""
STEPS = 2000
SEEDS = [0, 1, 2, 3, 4]
SCAN = np.logspace(-5, -1, 25)
"""The α scan: Figure 1's α lies on it."""

SETTINGS = {
    "curves": {"lr": [FIGURE1_LR], "steps": STEPS, "seed": 0},                       # Figure 1 itself
    "scan": {"lr": SCAN, "seeds": SEEDS, "steps": STEPS},                             # which α? (all seeds)
    "test": {"lr": SCAN, "seeds": SEEDS, "steps": STEPS, "radius": 0.99},             # Proposition 3.1's hypothesis
    "counterexample": {"x0": 0.9, "lr": 0.01, "steps": 1000, "stop": 2.0},           # Proposition 3.1 on x² − x⁴
    "explorer": {"lr": np.logspace(-4, -1, 25), "steps": STEPS, "seed": 0},          # "Try another step size"
    "rates": {"eps_smooth": np.logspace(-2.5, -5, 11), "eps_nonsmooth": np.logspace(-1.5, -2.5, 9), "scales": 16},
    "quotients": {"h": np.logspace(0, -8, 33)},                                       # half-widths across the kink
    "geometry": {"lam": 1.0, "lr": 0.35, "x0": 1.0, "steps": 12},                     # Appendix A.2's picture
    "supports": {"x": np.arange(-200, 201) / 100, "slopes": np.linspace(-2, 2, 9)},   # the grid of A.2's check
}
"""The page's settings, by computation: the keyword arguments of the `ndgm.studies.convergence` call it feeds."""

ACTIVATIONS = ("relu", "softplus")
SLOPE_TOLERANCE = 0.3
"""The rates claim: how far a fitted log-log slope may lie from the theory's and still reproduce it."""
RATE_FUNCTIONS = {"GD, L-smooth convex (eq. 5)": "smooth worst", "NDGM, Lipschitz convex (eq. 6)": "nonsmooth worst"}
"""Which function of `convergence.rates` attains each rate the paper states (keys of `paper.RATE_EXPONENTS`)."""
SUPPORT_FUNCTIONS = {"abs(x)": "|x|, finite everywhere",
                     "h": "h(x) = 0 for x ≥ 0 and +∞ for x < 0, the constraint x ≥ 0 written as a function"}


def _plain(value):
    if isinstance(value, np.ndarray):
        return value.tolist()
    return list(value) if isinstance(value, (list, tuple, range)) else value


def settings(group: str) -> dict:
    """`SETTINGS[group]` as plain JSON-able values (what a claim records)."""
    return {k: _plain(v) for k, v in SETTINGS[group].items()}


def _show(value) -> str:
    v = np.asarray(value)
    if v.ndim == 0 or v.size == 1:
        return f"{v.reshape(-1)[0]:g}"
    if v.size <= 5:
        return ", ".join(f"{x:g}" for x in v)
    return f"{v.size} values from {v[0]:g} to {v[-1]:g}"


def describe() -> str:
    """`SETTINGS` as a MyST table (one row per setting; long grids by their size and ends)."""
    rows = ["| computation | setting | value |", "|---|---|---|"]
    for group, kw in SETTINGS.items():
        rows += [f"| {group} | `{k}` | {_show(v)} |" for k, v in kw.items()]
    return "\n".join(rows)


def supports(x=None, slopes=None) -> dict:
    """Appendix A.2 on a grid: which lines through the minimum support the epigraph of |x| (finite) and of
    h = 0 on [0, ∞), +∞ elsewhere (extended-valued), by `convergence.supports_at_minimum`."""
    x = np.asarray(SETTINGS["supports"]["x"] if x is None else x, dtype=float)
    slopes = SETTINGS["supports"]["slopes"] if slopes is None else slopes
    return {"abs(x)": convergence.supports_at_minimum(np.abs(x), x, slopes),
            "h": convergence.supports_at_minimum(np.where(x >= 0, 0.0, np.inf), x, slopes)}


# ----- Proposition 3.1 and Figure 1 -----

@register("prop-3.1", "3", "convergence")
def prop_3_1(tests: dict | None = None, counterexample: convergence.CaptureCounterexample | None = None) -> Claim:
    """Proposition 3.1 as printed, decided by a smooth counterexample (`convergence.capture_counterexample`);
    the capture test under its hypothesis (`convergence.capture_test`, ReLU and softplus) adds context.

    `tests`: {"relu": CaptureTest, "softplus": CaptureTest}, the page's own runs; `counterexample`: the page's
    `CaptureCounterexample` (default: at `SETTINGS["counterexample"]`)."""
    cx = counterexample or convergence.capture_counterexample(**SETTINGS["counterexample"])
    tests = tests or {a: convergence.capture_test(activation=a, **SETTINGS["test"]) for a in ACTIVATIONS}
    relu, soft = tests["relu"], tests["softplus"]
    k = cx.left_at
    ours = (number("x² − x⁴, start x0", cx.x0, "{:g}"),
            number("x² − x⁴, α", cx.lr, "{:g}"),
            number("x² − x⁴, f never rose", cx.monotone),
            number("x² − x⁴, largest one-step change of f", cx.largest_rise, "{:.1e}"),
            number("x² − x⁴, first step outside the unit ball", k, "{:d}"),
            number("x² − x⁴, distance from 0 there", None if k is None else float(abs(cx.x[k])), "{:.4f}"),
            number("start distance", soft.radius, "{:g}"),
            number("softplus runs with a monotone loss", int(soft.monotone.sum()), "{:d}"),
            number("softplus runs that left", int(soft.leaves.sum()), "{:d}"),
            number("softplus largest distance", soft.monotone_max_dist, "{:.3f}"),
            number("ReLU runs with a monotone loss", int(relu.monotone.sum()), "{:d}"),
            number("ReLU runs that left", int(relu.leaves.sum()), "{:d}"),
            number("ReLU largest distance", relu.monotone_max_dist, "{:.2f}"))
    smooth_stays = bool(soft.monotone.any()) and not soft.leaves.any()
    verdict = "not reproduced" if cx.refutes else "reproduced" if smooth_stays else "not reproduced"
    return Claim(
        id="prop-3.1", where="Proposition 3.1 (Section 3)", section="3", page="convergence",
        statement="As printed: if gradient descent on a continuously differentiable function never raises the "
                  "function, and it starts less than distance 1 from a local minimum that is the only one within "
                  "distance 1, then every iterate stays less than distance 1 from it. (The cited source, "
                  "Bertsekas' Proposition 1.2.5, promises only that some smaller neighbourhood traps the runs; the "
                  "paper sets that neighbourhood's size to 1.)",
        paper=(number("radius", paper.CAPTURE_RADIUS, "{:g}"),
               number("proof", "ε̄ = 1 in Bertsekas (1997), Proposition 1.2.5")),
        ours=ours, settings={"counterexample": settings("counterexample"), "test": settings("test")},
        rule="not reproduced when gradient descent on f(x) = x² − x⁴ (smooth; its only minimum in the unit ball is "
             "the isolated 0), started at the counterexample's x0 inside that ball, never raises f and reaches "
             "|xk| > 1: the statement as printed is false. Only if that run fails to refute it: reproduced when no "
             "softplus run of the capture test (started at the given distance < 1 from its isolated minimiser, "
             "loss never rising) leaves the unit ball, not reproduced when one does or none meets the hypothesis. "
             "The ReLU runs of the capture test are not continuously differentiable and do not enter the verdict",
        verdict=verdict)


def _figure1_paper() -> tuple:
    p = paper.FIGURE1_PROBLEM
    return (number("Z1", f"{p['n']} × {p['p']}, uniform on [{p['Z1'][0]:g}, {p['Z1'][1]:g}]"),
            number("q1", f"uniform on [{p['q1'][0]:g}, {p['q1'][1]:g}]"),
            number("λ2", p["lam2"], "{:g}"),
            number("‖β0‖∞ below", paper.FIGURE1_START_LINF, "{:g}"),
            number("loss", "never rises"), number("‖βk‖∞", f"passes {paper.FIGURE1_START_LINF:g}"),
            number("α", "not given"))


def _figure1_runs(curves: dict | None, scans: dict | None) -> tuple[dict, dict]:
    curves = curves or {a: convergence.capture_curves(activation=a, **SETTINGS["curves"]) for a in ACTIVATIONS}
    scans = scans or {a: convergence.capture_scan(activation=a, **SETTINGS["scan"]) for a in ACTIVATIONS}
    return curves, scans


def _does_both(cur, scan, lr: float) -> tuple[bool, bool]:
    """(on the plotted seed, on every seed of the scan): at α = `lr` the loss never rose and ‖βk‖∞ passed 1."""
    i = grids.nearest(scan.lr, lr, log=True)
    return bool(cur.monotone[0] and cur.escapes[0]), bool(scan.both[:, i].all())


def _figure1_numbers(cur, scan, label: str) -> tuple:
    window = scan.window
    return (number(f"{label} largest one-step change", float(cur.largest_rise[0]), "{:.1e}"),
            number(f"{label} largest ‖βk‖∞", float(cur.max_linf[0]), "{:.3f}"),
            number(f"{label} α window from", float(window.min()) if window.size else None, "{:.1e}"),
            number(f"{label} α window to", scan.window_top if window.size else None, "{:.4f}"))


@register("fig-1", "3", "convergence")
def fig_1(curves: dict | None = None, scans: dict | None = None) -> Claim:
    """Figure 1's curves: at α, NDGM's loss (ReLU) never rises while ‖β_k‖∞ passes 1.

    `curves`: {"relu": CaptureCurves, ...} at Figure 1's α (`SETTINGS["curves"]`); `scans`: {"relu": CaptureScan,
    ...} over the α scan and seeds (`SETTINGS["scan"]`). Only the ReLU runs decide; see `fig-1-inference`."""
    curves, scans = _figure1_runs(curves, scans)
    cur, scan = curves["relu"], scans["relu"]
    lr = float(cur.lr[0])
    plotted, every = _does_both(cur, scan, lr)
    ours = ((number("α", lr, "{:g}"),) + _figure1_numbers(cur, scan, "ReLU")
            + (number("seeds", int(scan.seed.size), "{:d}"), number("start ‖β0 − β*‖₂", cur.l2_start, "{:.1f}")))
    return Claim(
        id="fig-1", where="Figure 1 (Section 3)", section="3", page="convergence",
        statement="NDGM on the convex ReLU regression L2 of eq. (3), started inside the unit ∞-ball, lowers the "
                  "loss at every step while ‖βk‖∞ climbs above 1.",
        paper=_figure1_paper(), ours=ours,
        settings={"curves": settings("curves"), "scan": settings("scan")},
        rule="with ReLU at Figure 1's α: reproduced when the loss never rises and ‖βk‖∞ passes 1 on the plotted "
             "seed and on every seed of the scan; reproduced qualitatively when on the plotted seed only; otherwise "
             "not reproduced",
        verdict="reproduced" if plotted and every else "reproduced qualitatively" if plotted else "not reproduced")


@register("fig-1-inference", "3", "convergence")
def fig_1_inference(curves: dict | None = None, scans: dict | None = None) -> Claim:
    """The paper's reading of Figure 1: the curves show that NDGM does not behave like gradient descent. Tested
    against the smooth softplus twin, on which the recursion is plain gradient descent. Inputs as `fig_1`."""
    curves, scans = _figure1_runs(curves, scans)
    lr = float(curves["relu"].lr[0])
    both = {a: all(_does_both(curves[a], scans[a], lr)) for a in ACTIVATIONS}
    ours = ((number("α", lr, "{:g}"),
             number("ReLU (NDGM) does both on every seed", both["relu"]),
             number("softplus (GD) does both on every seed", both["softplus"]))
            + _figure1_numbers(curves["softplus"], scans["softplus"], "softplus")
            + (number("seeds", int(scans["softplus"].seed.size), "{:d}"),))
    verdict = ("experiment failed" if not both["relu"] else
               "not reproduced" if both["softplus"] else "reproduced")
    return Claim(
        id="fig-1-inference", where="Figure 1 and its caption (Section 3)", section="3", page="convergence",
        statement="A loss that falls at every step while ‖βk‖∞ leaves the unit ∞-ball is something gradient "
                  "descent would not do, so Figure 1 shows that NDGM's dynamics differ from gradient descent's.",
        paper=(number("reading", "the curves indicate differing dynamics between NDGM and GD"),),
        ours=ours, settings={"curves": settings("curves"), "scan": settings("scan")},
        rule="at Figure 1's α, a run 'does both' when its loss never rises and ‖βk‖∞ passes 1, on the plotted seed "
             "and on every seed of the scan. Experiment failed when ReLU (NDGM) does not do both (there is nothing "
             "to separate); otherwise reproduced when the smooth softplus twin (plain gradient descent on a convex, "
             "infinitely differentiable loss) does not do both, and not reproduced when it does (the behaviour does "
             "not separate NDGM from gradient descent)",
        verdict=verdict)


# ----- rates -----

def _rate_text(exponent: int) -> str:
    return "O(1/ε)" if exponent == 1 else "O(1/ε²)" if exponent == 2 else f"O(1/ε^{exponent})"


@register("rates", "3", "convergence")
def rates(result: convergence.Rates | None = None) -> Claim:
    """O(1/ε) for GD on L-smooth convex functions against O(1/ε²) for NDGM on Lipschitz ones: fitted
    log-log slopes of steps against ε (`convergence.rates`; `result` is the page's own)."""
    result = result or convergence.rates(**SETTINGS["rates"])
    printed = tuple(Number(name, -e, _rate_text(e)) for name, e in paper.RATE_EXPONENTS.items())
    ours = tuple(number(f"{name} slope", result.slope[name], "{:.2f}") for name in result.slope)
    close = all(abs(result.slope[RATE_FUNCTIONS[name]] + e) <= SLOPE_TOLERANCE
                for name, e in paper.RATE_EXPONENTS.items())
    slower = result.slope["nonsmooth worst"] < result.slope["smooth worst"]
    return Claim(
        id="rates", where="Section 3, after eq. (6)", section="3", page="convergence",
        statement="Reaching error ε takes gradient descent on an L-smooth convex function on the order of 1/ε "
                  "steps, but NDGM on a Lipschitz convex function on the order of 1/ε² steps.",
        paper=printed, ours=ours,
        settings={**settings("rates"), "eps_smooth": [float(e) for e in result.eps_smooth],
                  "eps_nonsmooth": [float(e) for e in result.eps_nonsmooth]},
        rule=f"on the functions that attain each worst case (smooth worst, nonsmooth worst), reproduced when each "
             f"fitted slope of log(steps) against log(ε) lies within {SLOPE_TOLERANCE:g} of minus the paper's "
             f"exponent; reproduced qualitatively when only the order holds (the subgradient method's slope is "
             f"the steeper); otherwise not reproduced",
        verdict="reproduced" if close else "reproduced qualitatively" if slower else "not reproduced")


# ----- L-smoothness at a kink -----

@register("l-smooth-kink", "3", "convergence")
def l_smooth_kink(quotients: convergence.DifferenceQuotients | None = None) -> Claim:
    """ReLU's derivative has an unbounded difference quotient at 0 (`convergence.difference_quotients`;
    `quotients` is the page's own)."""
    dq = quotients or convergence.difference_quotients(**SETTINGS["quotients"])
    k = int(np.argmin(dq.h))
    ours = (number("smallest h", float(dq.h[k]), "{:.0e}"),
            number("ReLU quotient at smallest h", float(dq.relu[k]), "{:.1e}"),
            number("softplus quotient at smallest h", float(dq.softplus[k]), "{:.4f}"))
    unbounded = bool(np.allclose(dq.relu, 1.0 / (2.0 * dq.h)) and dq.relu[k] == dq.relu.max())
    agrees = unbounded == np.isinf(paper.KINK_QUOTIENT_LIMIT)
    return Claim(
        id="l-smooth-kink", where="Section 3, 'L-smoothness and the geometry of ReLU networks'", section="3",
        page="convergence",
        statement="The derivative of max(0, x) changes arbitrarily fast at 0: its symmetric difference quotient "
                  "there grows without bound as the half-width h shrinks, so no constant L of eq. (5) exists.",
        paper=(Number("limit as h → 0⁺", paper.KINK_QUOTIENT_LIMIT, "∞"),),
        ours=ours, settings=settings("quotients"),
        rule="ReLU's quotient is unbounded when it equals 1/(2h) at every h tried and is largest at the smallest h; "
             "reproduced when that matches the paper's limit (∞), otherwise not reproduced",
        verdict="reproduced" if agrees else "not reproduced")


# ----- Appendix A.2 -----

def _slope_range(sup) -> str:
    s = sup.supporting
    return f"{s.min():g} to {s.max():g}" if s.size else "none"


@register("a2-geometry", "3", "convergence")
def a2_geometry(supported: dict | None = None) -> Claim:
    """Appendix A.2 (Propositions A.3 and A.6): no vertical supporting hyperplane at a finite minimum, for
    the extended-valued functions A.2.1 admits. `supported`: the page's own `supports()`."""
    sup = supported or supports()
    finite, extended = sup["abs(x)"], sup["h"]
    ours = (number("abs(x) supporting slopes", _slope_range(finite)),
            number("abs(x) vertical support", finite.vertical),
            number("h supporting slopes", _slope_range(extended)),
            number("h vertical support", extended.vertical))
    fan = np.array_equal(finite.supports, np.abs(finite.slopes) <= 1.0) and not finite.vertical
    verdict = ("paper inconsistent" if extended.vertical else "reproduced" if fan else "not reproduced")
    return Claim(
        id="a2-geometry", where="Appendix A.2 (Propositions A.3 and A.6)", section="3", page="convergence",
        statement="At a finite global minimum the epigraph has a non-empty family of supporting hyperplanes, none "
                  "of them vertical, for every function the appendix admits, extended-valued ones included.",
        paper=tuple(number(k, v) for k, v in paper.APPENDIX_A2.items()), ours=ours,
        settings={**settings("supports"), "functions": SUPPORT_FUNCTIONS},
        rule="paper inconsistent when h, an extended-valued function with a finite minimum that A.2.1 admits, is "
             "supported at its minimum by the vertical line x = 0 on our grid (which A.3 and A.6 exclude); "
             "reproduced when it is not and abs(x) is supported by exactly the slopes in [−1, 1] and by no vertical "
             "line; otherwise not reproduced",
        verdict=verdict)
