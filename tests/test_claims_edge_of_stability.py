"""The claims of Section 5 (ndgm.claims.edge_of_stability): each computes, its verdict follows its rule, and its
numbers are the library's."""
import json

import numpy as np
import pytest

from ndgm import claims, grids, paper, problems
from ndgm.studies import stability
from ndgm.claims import edge_of_stability as S

IDS = ("prop-5.1", "fig-4", "eq-6", "d1-bound", "huber-smooth", "toy-lasso-bounded", "ma-counterexample")


@pytest.fixture(scope="module")
def page():
    """The page's own results at its settings, as the page computes them, and the records built from them."""
    curves = stability.edge_curves(**S.SETTINGS["edge"])
    const = stability.huber_constants(S.SETTINGS["edge"]["seed"])
    inputs = dict(curves=curves, const=const, smooth=stability.huber_smoothness(**S.SETTINGS["smoothness"]),
                  blow=stability.unbounded_subgradients(**S.SETTINGS["unbounded"]),
                  late=stability.huber_residuals(S.LR[curves.above_edge], **S.SETTINGS["late"]),
                  toy=stability.toy_lasso_curves(**S.SETTINGS["toy"]),
                  d1=stability.d1_argument(**S.SETTINGS["argument"]))
    return inputs, {c.id: c for c in claims.for_page("edge_of_stability", **inputs)}


def test_every_claim_registered_and_valid(page):
    _, recs = page
    assert tuple(claims.ids("edge_of_stability")) == IDS == tuple(recs)
    for c in recs.values():
        assert c.verdict in claims.VERDICTS and c.section == "5" and c.page == "edge_of_stability"
        assert c.rule and c.statement and c.ours
        json.dumps(c.as_dict())                                   # settings are plain values
    claims.validate(claims.as_json(list(recs.values())))


def test_verdicts_at_the_page_settings(page):
    _, recs = page
    assert {i: c.verdict for i, c in recs.items()} == {
        "prop-5.1": "reproduced qualitatively", "fig-4": "reproduced", "eq-6": "reproduced qualitatively",
        "d1-bound": "reproduced",
        "huber-smooth": "paper inconsistent", "toy-lasso-bounded": "reproduced", "ma-counterexample": "not reproduced"}


def test_numbers_are_the_librarys(page):
    inputs, recs = page
    curves, late, toy, smooth = inputs["curves"], inputs["late"], inputs["toy"], inputs["smooth"]
    small, large = paper.FIGURE4_LR
    f4 = recs["fig-4"]
    assert f4.value("small step", "paper") == small and f4.value("large step", "paper") == large
    assert f4.value("Huber's final loss at the small step") == curves.huber[grids.nearest(curves.lr, small, log=True), -1]
    assert f4.value("Huber's highest late loss at the large step") == curves.huber_tail_max[
        grids.nearest(curves.lr, large, log=True)]
    assert f4.value("2/η") == curves.edge
    assert f4.text("quadratic diverges exactly above the edge") == f"{curves.lr.size} of {curves.lr.size}"
    d1 = recs["d1-bound"]
    assert d1.value("Huber: largest late loss over αL²") == curves.tail_over_bound.max()
    assert d1.value("Huber: best value over αL²") == curves.best_over_bound.max()
    assert d1.value("toy LASSO: high value of the two-cycle over αL², largest α") == toy.last_over_d1[-1].min()
    assert recs["huber-smooth"].value("quotient along the top eigenvector") == smooth.top
    assert recs["toy-lasso-bounded"].value("largest max‖β_k‖∞ over its bound") == toy.linf_over_bound.max()
    ma = recs["ma-counterexample"]
    assert ma.value("late residuals on the linear branch") == 100 * late.linear[grids.nearest(late.lr, large, log=True)]
    assert ma.value("every late residual linear from α") == late.all_linear_from
    eq6, blow = recs["eq-6"], inputs["blow"]
    above = curves.above_edge
    assert above.sum() > 0 and not curves.huber_diverged.any()                       # the bounded half holds
    assert eq6.text("Huber runs bounded above 2/η") == f"{above.sum()} of {above.sum()}"
    assert eq6.value("Huber's largest gradient quotient over η") == max(smooth.top, smooth.random_max) / curves.eta
    assert eq6.value("Huber's largest gradient quotient over η") <= 1 + S.TOL         # L-smooth by eq. (5) ...
    assert eq6.value("Huber L-smooth by eq. (5)") == "yes"
    assert eq6.value("|x| + x² diverges at some α") == "yes" and np.any(blow.final >= blow.steps)  # ... a kink diverges
    for a, v in zip(blow.lr, blow.final):
        assert eq6.value(f"|x| + x², |x_T| at α = {a:g}") == v
    # the records computed without inputs (the page's settings) are the same
    assert claims.get("fig-4").ours == f4.ours and claims.get("huber-smooth").ours == recs["huber-smooth"].ours


def test_settings_read_the_papers_numbers():
    assert tuple(S.SETTINGS["shown"]) == paper.FIGURE4_LR
    assert all(np.isclose(S.LR, a).any() for a in paper.FIGURE4_LR)          # Figure 4's step sizes are on the grid
    assert problems.huber(0).Z.shape == paper.HUBER_SHAPE
    plain = S.summary()
    assert plain["edge"]["lr"] == {"from": S.LR[0], "to": S.LR[-1], "count": S.LR.size, "spacing": "log"}
    assert plain["toy"]["seeds"] == list(S.SETTINGS["toy"]["seeds"])
    json.dumps(plain)


# --- each rule on constructed inputs: a fake result flips the verdict ---

def _curves(huber_diverges_at_large=False, quadratic_follows_edge=True, late_over_bound=0.5, best_over_bound=0.1):
    """EdgeCurves at α = 0.1, 1, 10 with η = 2 (edge 1), L = 1, T = 4: the Huber loss ends at late · α, or blows up."""
    lr = np.array([0.1, 1.0, 10.0])
    huber = np.tile(np.array([1.0, 0.5, 0.5, 0.5, 0.5]), (3, 1)) * lr[:, None]
    huber[:, 2:] = late_over_bound * lr[:, None]
    huber[:, 1] = best_over_bound * lr                              # the best value, reached at step 1
    if huber_diverges_at_large:
        huber[2, -1] = np.inf
    quad = np.ones((3, 5))
    if quadratic_follows_edge:
        quad[2, -1] = np.inf
    return stability.EdgeCurves(lr, np.arange(5), huber, quad, 0.0, 1.0, 2.0)


def test_fig4_rule():
    assert S.fig4(curves=_curves()).verdict == "reproduced"
    assert S.fig4(curves=_curves(quadratic_follows_edge=False)).verdict == "reproduced qualitatively"
    assert S.fig4(curves=_curves(huber_diverges_at_large=True)).verdict == "not reproduced"


def test_prop51_rule():
    d1 = stability.D1Argument(np.array([0.1, 1.0, 10.0]), n=2, G=1.0, sigma_min=1.0, dist0=100.0)
    assert S.prop51(curves=_curves(), d1=d1).verdict == "reproduced qualitatively"   # f(x) = x is always there
    tight = stability.D1Argument(np.array([0.1, 1.0, 10.0]), n=2, G=1e-3, sigma_min=1.0, dist0=1e-3)
    assert S.prop51(curves=_curves(), d1=tight).verdict == "not reproduced"
    assert S.prop51(curves=_curves(huber_diverges_at_large=True), d1=d1).verdict == "not reproduced"


def test_eq6_rule():
    """Bounded-subgradient half: Huber bounded at every α. Non-smoothness half: fails when an L-smooth Huber stays
    bounded above 2/η (the fake curves have η = 2, edge 1, one α above it) or a kinked loss without (6) diverges."""
    lr = np.array([0.9, 1.0, 1.1])
    grows = stability.UnboundedRuns(lr, np.array([[1.0, 0.5], [1.0, 3.0], [1.0, 9.0]]))       # T = 1
    bounded = stability.UnboundedRuns(lr, np.array([[1.0, 0.5], [1.0, 0.5], [1.0, 0.5]]))
    smooth = stability.HuberSmoothness(2.0, 0.5, pairs=10)           # quotients within η = 2: L-smooth by (5)
    rough = stability.HuberSmoothness(2.0, 3.0, pairs=10)            # a quotient above η: not L-smooth
    assert S.eq6(blow=grows, curves=_curves(), smooth=smooth).verdict == "reproduced qualitatively"
    assert S.eq6(blow=bounded, curves=_curves(), smooth=smooth).verdict == "reproduced qualitatively"
    assert S.eq6(blow=grows, curves=_curves(), smooth=rough).verdict == "reproduced qualitatively"
    assert S.eq6(blow=bounded, curves=_curves(), smooth=rough).verdict == "reproduced"
    for blow, sm in ((grows, smooth), (bounded, rough)):
        assert S.eq6(blow=blow, curves=_curves(huber_diverges_at_large=True), smooth=sm).verdict == "not reproduced"
    c = S.eq6(blow=bounded, curves=_curves(), smooth=rough)
    assert c.value("Huber's largest gradient quotient over η") == 1.5 and c.value("Huber L-smooth by eq. (5)") == "no"
    assert c.text("Huber runs bounded above 2/η") == "1 of 1"


@pytest.fixture(scope="module")
def small_toy():
    return stability.toy_lasso_curves([0.01, 1.0], lam1=1.0, p=4, seeds=range(2), steps=400)


def test_d1_rule(small_toy):
    assert S.d1_bound(curves=_curves(), toy=small_toy).verdict == "reproduced"
    assert S.d1_bound(curves=_curves(best_over_bound=0.8, late_over_bound=0.9), toy=small_toy).verdict \
        == "reproduced qualitatively"
    assert S.d1_bound(curves=_curves(late_over_bound=1.5), toy=small_toy).verdict == "not reproduced"


def test_huber_smooth_rule(page):
    const = page[0]["const"]
    assert S.huber_smooth(smooth=stability.HuberSmoothness(const.eta, 0.5, pairs=10), const=const).verdict == "paper inconsistent"
    assert S.huber_smooth(smooth=stability.HuberSmoothness(const.eta, 2 * const.eta, pairs=10), const=const).verdict == "reproduced"


def test_toy_rule(small_toy):
    assert S.toy_lasso_bounded(toy=small_toy).verdict == "reproduced"
    t = small_toy
    worse = stability.ToyLassoCurves(t.lr, t.lam1, t.p, t.start_linf, t.linf * 2, t.loss)
    assert S.toy_lasso_bounded(toy=worse).verdict == "not reproduced"


def test_ma_rule(page):
    const = page[0]["const"]
    lr = np.array([1.0, 10.0])
    linear = stability.HuberResiduals(lr, np.array([0.4, 1.0]), np.array([0.9, 9.0]), np.array([0.1, 1.1]), last=200)
    quadratic = stability.HuberResiduals(lr, np.array([0.0, 0.1]), np.array([0.1, 0.2]), np.array([0.0, 0.0]), last=200)
    smooth = stability.HuberSmoothness(const.eta, 0.1, pairs=10)
    rough = stability.HuberSmoothness(const.eta, 2 * const.eta, pairs=10)
    assert S.ma_counterexample(late=linear, smooth=rough, const=const).verdict == "not reproduced"
    assert S.ma_counterexample(late=quadratic, smooth=smooth, const=const).verdict == "not reproduced"
    assert S.ma_counterexample(late=quadratic, smooth=rough, const=const).verdict == "reproduced"


def test_records_pass_each_claim_only_its_inputs(small_toy):
    recs = claims.for_page("edge_of_stability", curves=_curves(), toy=small_toy)          # the other results are computed at the settings
    assert [c.id for c in recs] == list(IDS)
    assert recs[1].value("2/η") == 1.0                          # fig-4 used the fake curves


def test_prop51_refuses_an_argument_on_other_step_sizes():
    d1 = stability.D1Argument(np.array([0.1, 1.0]), n=2, G=1.0, sigma_min=1.0, dist0=1.0)
    with pytest.raises(ValueError, match="d1 must be computed at the step sizes of curves"):
        S.prop51(curves=_curves(), d1=d1)
