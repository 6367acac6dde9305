"""Section 3's claims (ndgm.claims.convergence): each computes, its verdict follows its stated rule (also on
constructed inputs that flip it), and its numbers are the library's."""
import json

import numpy as np
import pytest

from ndgm import claims, paper, problems
from ndgm.studies import convergence
from ndgm.claims import convergence as S

LR = S.FIGURE1_LR


def _check(c, id):
    assert c.id == id and c.page == "convergence" and c.section == "3"
    assert c.verdict in claims.VERDICTS and c.rule and c.statement and c.where
    json.dumps(c.as_dict(), allow_nan=False)          # JSON-able, settings included


def test_the_page_shows_these_claims():
    assert claims.ids("convergence") == ["prop-3.1", "fig-1", "fig-1-inference", "rates", "l-smooth-kink",
                                         "a2-geometry"]


def test_paper_numbers_match_the_library_set_up():
    p = paper.FIGURE1_PROBLEM
    prob = problems.capture(0)
    assert prob.Z.shape == (p["n"], p["p"]) and prob.y.shape == (p["n"],)
    assert np.all((prob.Z >= p["Z1"][0]) & (prob.Z <= p["Z1"][1]))
    assert np.all((prob.y >= p["q1"][0]) & (prob.y <= p["q1"][1]))
    assert np.max(np.abs(prob.beta0)) < paper.FIGURE1_START_LINF
    assert convergence.RIDGE == p["lam2"] and p["lam1"] == 0.0
    for name, e in paper.RATE_EXPONENTS.items():
        assert convergence.RATE_THEORY[S.RATE_FUNCTIONS[name]] == -e
    # the library's "unit ball" is the proposition's
    t = convergence.CaptureTest(np.array([LR]), np.array([0]), 0.5, np.array([[True]]),
                                np.array([[paper.CAPTURE_RADIUS]]), np.array([[0.1]]))
    assert t.leaves.all()
    assert LR in S.SETTINGS["curves"]["lr"] and np.isclose(S.SCAN, LR).any()


def test_settings_are_described_and_jsonable():
    text = S.describe()
    for group, kw in S.SETTINGS.items():
        json.dumps(S.settings(group))
        for k in kw:
            assert f"| {group} | `{k}` |" in text


# ----- Proposition 3.1 -----

def _fake_test(monotone, max_dist):
    monotone, max_dist = np.atleast_2d(monotone), np.atleast_2d(max_dist)
    return convergence.CaptureTest(np.array([LR]), np.arange(monotone.shape[0]), 0.99, monotone, max_dist,
                                   np.zeros_like(max_dist))


def test_prop_3_1_is_refuted_by_the_smooth_counterexample():
    tests = {a: convergence.capture_test([LR], range(3), 2000, activation=a, radius=0.99) for a in S.ACTIVATIONS}
    cx = convergence.capture_counterexample(**S.SETTINGS["counterexample"])
    c = claims.get("prop-3.1", tests=tests, counterexample=cx)
    _check(c, "prop-3.1")
    # the deciding numbers: x0 inside the unit ball, f never rose, and a step with |x_k| > 1
    assert c.value("x² − x⁴, start x0") == cx.x0 == 0.9
    assert c.value("x² − x⁴, f never rose") == "yes" and cx.monotone and cx.largest_rise < 0
    assert c.value("x² − x⁴, largest one-step change of f") == cx.largest_rise
    k = c.value("x² − x⁴, first step outside the unit ball")
    assert k == cx.left_at == 7 and abs(cx.x[k]) > 1 >= abs(cx.x[k - 1])
    assert c.value("x² − x⁴, distance from 0 there") == abs(cx.x[k]) > 1
    assert c.verdict == "not reproduced"
    # the capture test stays in the record as context
    assert c.value("softplus runs that left") == tests["softplus"].leaves.sum() == 0
    assert c.value("ReLU runs that left") == tests["relu"].leaves.sum() > 0
    assert c.value("ReLU largest distance") == tests["relu"].monotone_max_dist
    assert c.value("start distance") == 0.99 and c.value("radius", "paper") == paper.CAPTURE_RADIUS


def _no_counterexample():
    """A run of x² − x⁴ from inside the local maxima: it slides to 0 and never leaves the ball."""
    return convergence.capture_counterexample(x0=0.5, lr=0.01, steps=200)


@pytest.mark.parametrize("cx, soft, relu, verdict", [
    ("refutes", ([True], [0.99]), ([True], [1.5]), "not reproduced"),          # the counterexample decides
    ("refutes", ([True], [0.99]), ([True], [0.9]), "not reproduced"),
    ("none", ([True], [0.99]), ([True], [1.5]), "reproduced"),                  # then the smooth runs do
    ("none", ([True], [0.99]), ([True], [0.9]), "reproduced"),                  # ReLU does not enter
    ("none", ([True], [1.2]), ([True], [1.5]), "not reproduced"),               # a smooth run leaves
    ("none", ([False], [0.5]), ([True], [1.5]), "not reproduced"),              # no smooth run meets the hypothesis
    ("rises", ([True], [0.99]), ([True], [1.5]), "reproduced"),                 # f rose: no counterexample
])
def test_prop_3_1_rule(cx, soft, relu, verdict):
    run = {"refutes": convergence.capture_counterexample(**S.SETTINGS["counterexample"]),
           "none": _no_counterexample(),
           "rises": convergence.CaptureCounterexample(0.9, 0.01, 2.0, np.array([0.9, 1.1]), np.array([0.1, 0.2]))}[cx]
    c = claims.get("prop-3.1", tests={"softplus": _fake_test(*soft), "relu": _fake_test(*relu)}, counterexample=run)
    assert c.verdict == verdict
    if cx == "none":
        assert c.text("x² − x⁴, first step outside the unit ball") == "–"


# ----- Figure 1 and its inference -----

def _fake_curves(rise, linf_max):
    loss = np.array([[1.0, 1.0 + rise, 0.5]])
    linf = np.array([[0.9, linf_max, linf_max]])
    return convergence.CaptureCurves(np.array([LR]), np.arange(3), loss, linf, 0.1, 12.0, 0.0, 500)


def _fake_scan(both):
    return convergence.CaptureScan(np.array([LR]), np.arange(2), np.where(both, -1e-3, 1e-3) * np.ones((2, 1)),
                                   np.where(both, 1.5, 0.8) * np.ones((2, 1)), 3)


@pytest.fixture(scope="module")
def figure1_runs():
    curves = {a: convergence.capture_curves([LR], 1000, seed=0, activation=a) for a in S.ACTIVATIONS}
    scans = {a: convergence.capture_scan([LR, 0.1], range(3), 500, activation=a) for a in S.ACTIVATIONS}
    return curves, scans


def test_figure_1_curves_from_the_relu_runs(figure1_runs):
    curves, scans = figure1_runs
    c = claims.get("fig-1", curves=curves, scans=scans)
    _check(c, "fig-1")
    assert c.value("α") == LR and c.value("seeds") == 3
    assert c.value("ReLU largest ‖βk‖∞") == curves["relu"].max_linf[0] > 1
    assert c.value("ReLU largest one-step change") == curves["relu"].largest_rise[0] <= 0
    assert c.value("ReLU α window to") == scans["relu"].window_top == LR
    assert scans["relu"].both[:, 0].all()
    assert c.value("start ‖β0 − β*‖₂") == curves["relu"].l2_start
    assert not any(n.name.startswith("softplus") for n in c.ours)       # softplus does not decide the curves
    assert c.verdict == "reproduced"


def test_figure_1_inference_is_not_reproduced_when_softplus_gd_does_the_same(figure1_runs):
    curves, scans = figure1_runs
    c = claims.get("fig-1-inference", curves=curves, scans=scans)
    _check(c, "fig-1-inference")
    assert c.value("ReLU (NDGM) does both on every seed") == "yes"
    assert c.value("softplus (GD) does both on every seed") == "yes"
    assert c.value("softplus largest ‖βk‖∞") == curves["softplus"].max_linf[0] > 1
    assert c.value("softplus largest one-step change") == curves["softplus"].largest_rise[0] <= 0
    assert c.value("softplus α window to") == scans["softplus"].window_top == LR
    assert c.value("seeds") == 3
    assert c.verdict == "not reproduced"


@pytest.mark.parametrize("relu, soft, curves_verdict, inference_verdict", [
    ((0.0, 1.5, True), (0.0, 1.5, True), "reproduced", "not reproduced"),         # softplus GD does the same
    ((0.0, 1.5, True), (0.0, 0.95, True), "reproduced", "reproduced"),            # softplus stays in the ball
    ((0.0, 1.5, True), (0.1, 1.5, True), "reproduced", "reproduced"),             # softplus's loss rises
    ((0.0, 1.5, True), (0.0, 1.5, False), "reproduced", "reproduced"),            # softplus fails on another seed
    ((0.0, 1.5, False), (0.0, 1.5, True), "reproduced qualitatively", "experiment failed"),  # plotted seed only
    ((0.1, 1.5, True), (0.0, 1.5, True), "not reproduced", "experiment failed"),  # ReLU's loss rises
    ((0.0, 0.95, True), (0.0, 0.95, True), "not reproduced", "experiment failed"),  # ReLU stays in the ball
])
def test_figure_1_rules(relu, soft, curves_verdict, inference_verdict):
    curves = {"relu": _fake_curves(*relu[:2]), "softplus": _fake_curves(*soft[:2])}
    scans = {"relu": _fake_scan(relu[2]), "softplus": _fake_scan(soft[2])}
    assert claims.get("fig-1", curves=curves, scans=scans).verdict == curves_verdict
    assert claims.get("fig-1-inference", curves=curves, scans=scans).verdict == inference_verdict


# ----- rates -----

def test_rates_from_the_library():
    r = convergence.rates(eps_smooth=np.logspace(-2, -3, 5), eps_nonsmooth=np.logspace(-1, -1.5, 3), scales=8)
    c = claims.get("rates", result=r)
    _check(c, "rates")
    for name, slope in r.slope.items():
        assert c.value(f"{name} slope") == slope
    close = abs(r.slope["smooth worst"] + 1) <= S.SLOPE_TOLERANCE and abs(r.slope["nonsmooth worst"] + 2) <= S.SLOPE_TOLERANCE
    slower = r.slope["nonsmooth worst"] < r.slope["smooth worst"]
    assert c.verdict == ("reproduced" if close else "reproduced qualitatively" if slower else "not reproduced")
    assert [n.value for n in c.paper] == [-e for e in paper.RATE_EXPONENTS.values()]
    assert [n.text for n in c.paper] == ["O(1/ε)", "O(1/ε²)"]


@pytest.mark.parametrize("smooth, nonsmooth, verdict", [
    (-1.0, -2.0, "reproduced"), (-1.25, -1.75, "reproduced"), (-0.5, -2.0, "reproduced qualitatively"),
    (-1.0, -1.5, "reproduced qualitatively"), (-1.0, -0.9, "not reproduced"), (-2.0, -1.0, "not reproduced"),
])
def test_rates_rule(smooth, nonsmooth, verdict):
    slope = {"smooth worst": smooth, "smooth easy": -0.3, "nonsmooth worst": nonsmooth, "nonsmooth easy": -1.0}
    eps = np.array([0.1, 0.01])
    fake = convergence.Rates(eps, eps, {k: np.array([1.0, 2.0]) for k in slope}, slope, {k: 1.0 for k in slope}, 16)
    assert claims.get("rates", result=fake).verdict == verdict


# ----- L-smoothness at a kink -----

def test_kink_quotients_default_and_rule():
    c = claims.get("l-smooth-kink")                       # the page's settings: cheap
    _check(c, "l-smooth-kink")
    dq = convergence.difference_quotients(S.SETTINGS["quotients"]["h"])
    assert c.value("smallest h") == dq.h.min() and c.value("ReLU quotient at smallest h") == dq.relu[-1]
    assert c.value("softplus quotient at smallest h") == dq.softplus[-1]
    assert c.verdict == "reproduced" and c.text("limit as h → 0⁺", "paper") == "∞"
    h = np.logspace(0, -4, 5)
    bounded = convergence.DifferenceQuotients(h, np.full(5, 0.25), np.full(5, 0.25))
    assert claims.get("l-smooth-kink", quotients=bounded).verdict == "not reproduced"


# ----- Appendix A.2 -----

def test_a2_geometry_default_and_rule():
    c = claims.get("a2-geometry")
    _check(c, "a2-geometry")
    sup = S.supports()
    assert c.value("h vertical support") == "yes" and sup["h"].vertical
    assert c.value("abs(x) vertical support") == "no" and c.value("abs(x) supporting slopes") == "-1 to 1"
    assert c.verdict == "paper inconsistent"
    x, slopes = np.arange(-8, 9) / 4, np.linspace(-2, 2, 9)
    finite_only = {"abs(x)": sup["abs(x)"], "h": convergence.supports_at_minimum(np.abs(x), x, slopes)}
    assert claims.get("a2-geometry", supported=finite_only).verdict == "reproduced"
    wrong_fan = {"abs(x)": convergence.supports_at_minimum(2 * np.abs(x), x, slopes), "h": finite_only["h"]}
    assert claims.get("a2-geometry", supported=wrong_fan).verdict == "not reproduced"
