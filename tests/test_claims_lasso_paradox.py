"""The claims of Section 4 and Appendices B.1-B.2 (ndgm.claims.lasso_paradox): each computes from small
precomputed results, its verdict follows its stated rule (checked on constructed inputs that flip it),
and its numbers are the library's."""
import dataclasses
import json

import numpy as np
import pytest

from ndgm import claims, paper
from ndgm.studies import lasso
from ndgm.claims import lasso_paradox as S


@pytest.fixture(scope="module")
def small():
    """The page's computations at small settings (about a second in all)."""
    return {
        "example": lasso.two_d_example(**S.SETTINGS["two_d"]),
        "checks": {p: lasso.toy_cycles(p, lam1=[1.0, 10.0], lr=[0.1], seeds=range(3)) for p in (1, 10, 50)},
        "eq9": lasso.eq9_scan(p=(1, 2, 3), lam1=[1.0, 10.0], lr=[0.1], seeds=range(3)),
        "curve": lasso.toy_cycles(10, lam1=[0.1, 1.0, 10.0], lr=[0.05, 0.1], seeds=range(3)),
        "general": lasso.general_lasso_curve(lam1=[0.01, 1.0, 100.0], lr=[0.01], steps=2000),
        "ista": lasso.ista_gaps(lam1=[0.01, 1.0], at=(150, 1500, 15000)),
        "search": _search(1.0),
    }


def _search(scale, big_scale=1.0, stated=1.3):
    """A B2Search whose seeds straddle the printed pair at the result's small λ1 (0.1, a 100-fold increase) when
    `scale` is 1, or are all `scale` times it; at the runs' small λ1 (0.01, the stated 1000-fold increase) the
    small-λ1 values are `stated` times those (1.3: 1.62 falls outside their range; 1: inside)."""
    spread = np.array([0.9, 1.0, 1.1])
    l1 = np.ones((2, 3, 1, 3)) * 100.0
    l1[1, 1, 0] = paper.B2_L1[0] * scale * spread
    l1[1, 0, 0] = paper.B2_L1[0] * scale * spread * stated
    l1[1, 2, 0] = paper.B2_L1[1] * big_scale * spread
    return lasso.B2Search(lam1=np.array([*paper.B2_LAMBDA1_SMALL.values(), paper.B2_LAMBDA1_LARGE]),
                          lr=np.array([0.01]), seeds=np.arange(3), steps=np.array([0, 100]), l1=l1)


def test_the_page_registers_its_claims_in_the_papers_order():
    assert claims.ids("lasso_paradox") == ["prop-4.1", "eq-8", "two-d", "eq-9", "paradox-curve", "soft-threshold",
                                           "prop-b.1", "prop-b.2", "b2-paradox", "b2-numbers", "b2-lambda", "prop-b.6"]


def test_settings_are_plain_data_and_the_papers_where_it_prints_them():
    json.dumps(S.SETTINGS)
    two_d = S.SETTINGS["two_d"]
    assert (tuple(two_d["lam1"]), two_d["lr"], two_d["reduced_lr"]) == (
        paper.TWO_D_LAMBDA1, paper.TWO_D_ALPHA, paper.TWO_D_REDUCED_ALPHA)
    assert S.SETTINGS["ista"]["at"][-1] == S.SETTINGS["general"]["steps"]
    with pytest.raises(ValueError, match="name must be one of"):
        S.compute("nothing")


def test_every_claim_computes_from_the_pages_results_and_validates(small):
    recs = claims.for_page("lasso_paradox", **small)
    assert [c.id for c in recs] == claims.ids("lasso_paradox")
    for c in recs:
        assert c.verdict in claims.VERDICTS and c.rule and c.ours, c.id
        json.dumps(c.as_dict())
    claims.validate(claims.as_json(recs))
    md = claims.markdown(recs)
    assert md.count("\n") == len(recs) + 1


def test_two_d_matches_the_printed_vectors_and_its_rule_flips(small):
    ex = small["example"]
    c = claims.get("two-d", example=ex)
    assert c.verdict == "reproduced"
    assert c.text("entries equal to the printed ones") == "16 of 16"
    up, down = ex.cycle(0)[1]
    assert c.text(f"α = {ex.lr:g}, λ1 = {ex.lam1[1]:g}") == (
        f"[{up[0]:.4f}, {up[1]:.4f}] and [{down[0]:.4f}, {down[1]:.4f}]")
    assert c.value(f"‖β‖₁ at most, λ1 = {ex.lam1[0]:g}") == np.abs(ex.cycle(0)[0]).sum(-1).max()
    # another start: the order survives, the printed decimals do not
    moved = lasso.two_d_example(**S.SETTINGS["two_d"], beta0=[0.6123, 0.6123])
    assert claims.get("two-d", example=moved).verdict == "reproduced qualitatively"
    # a made-up run where the smaller penalty swings wider: not reproduced
    traj = np.zeros((5, 2, 2))
    traj[:, 0] = np.array([0.9, -0.9, 0.9, -0.9, 0.9])[:, None]
    traj[:, 1] = np.array([0.1, -0.1, 0.1, -0.1, 0.1])[:, None]
    fake = lasso.TwoDExample(np.array(paper.TWO_D_LAMBDA1), paper.TWO_D_ALPHA, paper.TWO_D_REDUCED_ALPHA, 2, traj)
    assert claims.get("two-d", example=fake).verdict == "not reproduced"


def test_proposition_4_1_eq_8_and_b_2_hold_and_flip(small):
    checks = small["checks"]
    held = sum(int(c.holds_4_1().sum()) for c in checks.values())
    runs = sum(c.holds_4_1().size for c in checks.values())
    p41, eq8, b2 = (claims.get(i, checks=checks) for i in ("prop-4.1", "eq-8", "prop-b.2"))
    assert (p41.verdict, eq8.verdict, b2.verdict) == ("reproduced",) * 3
    assert p41.text("all, holds in") == f"{held} of {runs} runs" and held == runs
    assert b2.value("P = 10, steps run (⌈max|β0|/αλ1⌉ + 2)") == checks[10].steps
    one_zero = dict(checks)
    nz = checks[10].nonzero.copy()
    nz[0, 0, 0] = False
    one_zero[10] = dataclasses.replace(checks[10], nonzero=nz)
    assert claims.get("prop-4.1", checks=one_zero).verdict == "not reproduced"
    assert claims.get("prop-b.1", checks=checks).verdict == "reproduced"
    assert claims.get("prop-b.1", checks=one_zero).verdict == "not reproduced"
    off = {**checks, 10: dataclasses.replace(checks[10], jump=checks[10].jump * 1.01)}
    assert claims.get("eq-8", checks=off).verdict == "not reproduced"
    assert claims.get("prop-4.1", checks=off).verdict == "not reproduced"
    still = {**checks, 50: dataclasses.replace(checks[50], period_two=np.zeros_like(checks[50].period_two))}
    assert claims.get("prop-b.2", checks=still).verdict == "not reproduced"


def test_eq_9_is_decided_by_the_papers_own_example_then_by_our_runs(small, monkeypatch):
    checks, scan = small["checks"], small["eq9"]
    c = claims.get("eq-9", checks=checks, eq9=scan)
    lam = paper.TWO_D_LAMBDA1[0]
    assert paper.TWO_D_L1[lam] > paper.TWO_D_ALPHA * lam          # 0.0106 > 0.01: the printed example breaks (9)
    assert c.verdict == "paper inconsistent"
    assert c.value("P = 10, larger cycle value ≥ αλ1 in") == np.mean(checks[10].l1_high >= checks[10].step) * 100
    assert c.value("P = 1, larger cycle value ≥ αλ1 in") == 0
    # from which P on (9) fails: P = 2, where the larger of two values summing to 2αλ1 is at least αλ1
    np.testing.assert_array_equal(scan.violated, [0.0, 1.0, 1.0])
    assert c.value("bound fails in every run from P") == scan.fails_from == 2
    assert c.value("largest P at which it holds in some run") == 1
    assert S.eq9_verdict(0.0106, 0.01, 0.0) == "paper inconsistent"
    assert S.eq9_verdict(0.009, 0.01, 0.5) == "not reproduced"
    assert S.eq9_verdict(0.009, 0.01, 0.0) == "reproduced"
    # with an example that kept to (9), our runs decide: P >= 2 breaks it, P = 1 alone does not
    monkeypatch.setattr(paper, "TWO_D_L1", {k: 0.5 * paper.TWO_D_ALPHA * k for k in paper.TWO_D_L1})
    assert claims.get("eq-9", checks=checks, eq9=scan).verdict == "not reproduced"
    one = lasso.Eq9Scan(np.array([1]), np.array([0.0]), np.array([0.5]))
    held = claims.get("eq-9", checks={1: checks[1]}, eq9=one)
    assert held.verdict == "reproduced" and held.text("bound fails in every run from P") == "–"


def test_paradox_curve_and_b6(small):
    curve = small["curve"]
    c, b6 = claims.get("paradox-curve", curve=curve), claims.get("prop-b.6", curve=curve)
    assert (c.verdict, b6.verdict) == ("reproduced", "reproduced")
    mean = (curve.l1_low + curve.l1_high).mean(-1) / 2
    assert c.value(f"at α = {curve.lr[0]:g}, average ‖β‖₁ grows by") == pytest.approx(mean[-1, 0] / mean[0, 0])
    assert c.value("λ1 grows by") == pytest.approx(100)
    assert b6.text("within the bounds") == f"{curve.l1_low.size} of {curve.l1_low.size} runs"
    # growing, but the cycle's sum is off Pαλ1: only qualitatively
    assert claims.get("paradox-curve", curve=dataclasses.replace(curve, l1_high=curve.l1_high * 1.01)).verdict \
        == "reproduced qualitatively"
    flat = dataclasses.replace(curve, l1_low=np.ones_like(curve.l1_low), l1_high=np.ones_like(curve.l1_high))
    assert claims.get("paradox-curve", curve=flat).verdict == "not reproduced"
    at_bound = dataclasses.replace(curve, l1_high=np.broadcast_to(curve.b6_bound, curve.l1_high.shape).copy())
    assert claims.get("prop-b.6", curve=at_bound).verdict == "not reproduced"


def test_general_lasso_and_soft_thresholding(small):
    g, ista = small["general"], small["ista"]
    c = claims.get("b2-paradox", general=g)
    assert c.value("NDGM's exact zeros, most") == g.ndgm_zeros.max() == 0
    assert c.value("exact solution's zeros, fewest") == g.exact_zeros.min() > 0
    assert c.verdict == "reproduced"
    zeros = dataclasses.replace(g, ndgm_zeros=g.ndgm_zeros + 3)
    assert claims.get("b2-paradox", general=zeros).verdict == "not reproduced"
    falling = dataclasses.replace(g, ndgm_l1=np.array([[3.0], [2.0], [1.0]]))
    assert claims.get("b2-paradox", general=falling).verdict == "reproduced qualitatively"
    st = claims.get("soft-threshold", ista=ista, general=g)
    assert st.verdict == "not reproduced"
    worst = ista.gap.max(axis=1)                                             # the deciding numbers
    assert st.value("ISTA's largest gap after 15000 steps") == worst[-1] < S.ISTA_TOL
    assert [st.value(f"ISTA's largest gap after {n} steps") for n in ista.at] == list(worst)
    assert np.all(np.diff(worst) < 0)
    # the record is about (15) only, and names the claim that judges networks
    assert "(15)" in st.statement and "what-works-network" in st.statement and "what_works" in st.statement
    assert st.settings["networks"] == "judged by what-works-network (page what_works)"
    assert S.NETWORK_CLAIM[0] in claims.ids(S.NETWORK_CLAIM[1])
    assert S.soft_threshold_verdict([[1.0, 0.5], [0.1, 0.2], [1e-6, 1e-5]]) == "not reproduced"   # reaches the optimum
    assert S.soft_threshold_verdict([[1.0, 0.5], [1e-4, 0.2], [1e-5, 0.3]]) == "reproduced"       # stalls short of it
    assert S.soft_threshold_verdict([[1.0, 0.5], [0.1, 0.2], [0.05, 1e-5]]) == "inconclusive"     # still falling
    assert S.soft_threshold_verdict([[1e-4, 0.5], [1e-4, 1e-5], [1e-4, 1e-6]]) == "inconclusive"  # within, not falling


def test_b2_numbers_fit_a_100_fold_increase_and_not_the_stated_one(small, monkeypatch):
    s = small["search"]                                # the printed pair fits λ1 = 0.1 only (a 100-fold increase)
    c = claims.get("b2-numbers", search=s)
    stated = paper.B2_LAMBDA1_LARGE / paper.B2_FOLD[0]
    here = s.best(stated)
    assert c.value("small λ1 of the stated fold") == stated == 0.01
    assert c.value("median, small λ1") == np.median(here["small"])
    assert c.value("printed pair within the seed ranges, 1000-fold") == "no" and not s.fits(0.01)
    assert c.value("printed pair within the seed ranges, 100-fold") == "yes" and s.fits(0.1)
    assert c.value("fold that fits best") == s.fold() == 100 and c.text("fold that fits best") == "100×"
    assert c.value("its distance from the printed pair") == s.best()["distance"] < c.value("the stated fold's distance")
    assert c.verdict == "paper inconsistent"
    # the stated fold fits as well: reproduced
    assert claims.get("b2-numbers", search=_search(1.0, stated=1.0)).verdict == "reproduced"
    assert claims.get("b2-numbers", search=_search(2.0)).verdict == "reproduced qualitatively"
    assert claims.get("b2-numbers", search=_search(20.0, 0.5)).verdict == "not reproduced"
    lam = claims.get("b2-lambda", search=s)
    assert lam.verdict == "paper inconsistent"
    assert [n.value for n in lam.paper] == [0.01, 0.1, 0.01]
    monkeypatch.setattr(paper, "B2_LAMBDA1_SMALL", {"one place": 0.01, "another": 0.01})
    assert claims.get("b2-lambda", search=s).verdict == "reproduced"


def test_b2_numbers_at_the_page_settings():
    """Our runs at the page's settings: the 100-fold reading comes closer, but the stated 1000-fold one also puts
    both printed numbers inside the seed ranges, so the rule does not call the paper inconsistent."""
    s = S.computed("b2")
    c = claims.get("b2-numbers", search=s)
    assert c.value("fold that fits best") == s.fold() == 100
    assert c.value("its distance from the printed pair") < c.value("the stated fold's distance")
    assert s.fits(0.01) and s.fits(0.1)
    assert c.value("printed pair within the seed ranges, 1000-fold") == "yes"
    assert c.verdict == "reproduced"
