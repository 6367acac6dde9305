"""The network claims decide by their rules: on made-up results with known answers each verdict follows,
a network that did not learn gives "experiment failed", noise gives "inconclusive", and a rule changed
after its results were merged makes the claim refuse to decide."""
import copy

import pytest

from book_toc import ROOT

import synthetic_runs as syn
from ndgm import claims, paper
from ndgm.networks import store
from ndgm.claims import l1_vgg16, relu_vs_gelu, what_works


def verdict(id, results):
    return claims.get(id, results=results).verdict


# ----- rules fixed before the data ---------------------------------------------------------------------------

def test_every_heavy_claim_has_its_rule_registered_and_uses_it():
    for page in ("relu_vs_gelu", "l1_vgg16", "what_works"):
        for id, rule in claims.rules(page).items():
            assert rule == {**relu_vs_gelu.RULES, **l1_vgg16.RULES, **what_works.RULES}[id]
    results = syn.figure2()
    assert claims.get("fig-2-depth", results=results).rule == relu_vs_gelu.RULES["fig-2-depth"]


def test_a_rule_changed_without_rerunning_makes_the_claim_refuse(monkeypatch):
    results = syn.figure2()
    assert verdict("fig-2-depth", results) == "reproduced"
    stale = copy.deepcopy(results)
    stale["rules"]["fig-2-depth"] = stale["rules"]["fig-2-depth"].replace("above 0", "above 0.05")
    with pytest.raises(ValueError, match="its rule differs from the one stored"):
        claims.get("fig-2-depth", results=stale)
    monkeypatch.setitem(relu_vs_gelu.RULES, "fig-2-depth", relu_vs_gelu.RULES["fig-2-depth"] + " (edited)")
    with pytest.raises(ValueError, match="a rule changes only with a rerun"):
        claims.get("fig-2-depth", results=results)


def test_results_merged_without_rules_are_refused():
    with pytest.raises(ValueError, match="store no rule for it"):
        claims.get("table-2-sgd", results=syn.l1_vgg16() | {"rules": {}})


def test_the_committed_results_store_the_rules_in_force():
    """A rule edited after the committed runs were merged fails here until the page is reproduced."""
    for page in store.PAGES:
        results = store.best(page, str(ROOT / "book" / "results"))
        if results is not None and results["scale"] != "smoke":
            assert results.get("rules") == claims.rules(page), f"{page}: stored rules differ from the rules in force"


# ----- Figure 2 -------------------------------------------------------------------------------------------

def test_figure2_depth_follows_the_paired_intervals():
    assert verdict("fig-2-depth", syn.figure2(gap11=0.01, gap19=0.1)) == "reproduced"
    assert verdict("fig-2-depth", syn.figure2(gap11=0.01, gap19=-0.1)) == "not reproduced"
    assert verdict("fig-2-depth", syn.figure2(gap11=0.1, gap19=0.01)) == "not reproduced"   # narrows with depth
    assert verdict("fig-2-depth", syn.figure2(gap11=0.0, gap19=0.01, noise=0.3)) == "inconclusive"
    assert verdict("fig-2-depth", syn.figure2(acc=0.1)) == "experiment failed"


def test_figure2_depth_records_intervals_accuracy_and_seeds():
    c = claims.get("fig-2-depth", results=syn.figure2(gap11=0.01, gap19=0.1, noise=0.0))
    assert c.text("ReLU − GELU final loss, depth 19") == "+0.1000 [+0.1000, +0.1000]"
    assert c.value("seeds") == 5 and c.value("lowest accuracy of the runs compared") == 0.8
    assert c.settings["seeds"] == [0, 1, 2, 3, 4] and c.settings["steps"] == [4000 // 64 * 3]


def test_figure2_with_batch_norm_is_an_equivalence_within_the_margin():
    assert verdict("fig-2-bn", syn.figure2(bn_gap=0.0)) == "reproduced"
    assert verdict("fig-2-bn", syn.figure2(bn_gap=0.2)) == "not reproduced"        # beyond 10 % of ≈0.52
    assert verdict("fig-2-bn", syn.figure2(bn_gap=0.04, noise=0.05)) == "inconclusive"


def test_smoothness_and_recipe_claims():
    assert verdict("fig-2-smoothness", syn.figure2(softplus_step=0.02)) == "reproduced"
    assert verdict("fig-2-smoothness", syn.figure2(softplus_step=-0.02)) == "not reproduced"
    assert verdict("fig-2-recipe", syn.figure2(gap11=0.05, recipe_gap=0.05)) == "reproduced"
    assert verdict("fig-2-recipe", syn.figure2(gap11=0.05, recipe_gap=-0.05)) == "not reproduced"
    failed = syn.figure2()
    for rec in failed["runs"].values():
        if rec["config"]["optimizer"] == "sgd":
            rec["history"]["val_acc"][-1] = 0.1
    assert verdict("fig-2-recipe", failed) == "experiment failed"        # only Adam's recipe counts


# ----- Figure 3 and Table 2 ---------------------------------------------------------------------------

def test_table2_sgd_needs_both_networks_to_have_learned():
    assert verdict("table-2-sgd", syn.l1_vgg16()) == "reproduced"                   # the paper's numbers
    assert verdict("table-2-sgd", syn.l1_vgg16(acc={("sgd", 2.0): 0.1})) == "experiment failed"
    assert verdict("table-2-sgd", syn.l1_vgg16(small={("sgd", 0.002): 0.5})) == "reproduced qualitatively"
    assert verdict("table-2-sgd", syn.l1_vgg16(small={("sgd", 0.002): 0.001})) == "not reproduced"


def test_table2_adaptive_counts_only_cells_whose_network_learned():
    dead = {(o, lam): 0.1 for o in ("rmsprop", "adam") for lam in (0.002, 2.0)}
    assert verdict("table-2-adaptive", syn.l1_vgg16()) == "reproduced"
    assert verdict("table-2-adaptive", syn.l1_vgg16(acc=dead)) == "experiment failed"
    far = syn.l1_vgg16(acc={**dead, ("adam", 2.0): 0.8}, small={("adam", 2.0): 0.5})
    assert verdict("table-2-adaptive", far) == "not reproduced"                     # the one live cell is 22x off
    assert claims.get("table-2-adaptive", results=far).value("cells whose network learned") == 1


def test_the_collapse_signature_is_recorded_and_a_dead_network_fails_the_precondition():
    c = claims.get("table-2-collapse", results=syn.l1_vgg16(acc={("sgd", 2.0): 0.1}))
    assert c.verdict == "experiment failed"
    assert c.value("‖w‖₁ / (P·αλ1/2)") == pytest.approx(1.0) and c.value("collapse signature holds") == "yes"
    assert c.value("τ/(αλ1)") == pytest.approx(100 * paper.TABLE2_TAU / (paper.SECTION4_NETWORK["lr"] * 2.0))
    alive = syn.l1_vgg16(small={("sgd", 2.0): paper.TABLE2[("sgd", 2.0)] / 100})
    assert verdict("table-2-collapse", alive) == "reproduced"


def test_figure3_claims_need_the_controls_to_have_learned():
    dead = {"rmsprop": 0.1, "adam": 0.1}
    assert verdict("fig-3-spread", syn.l1_vgg16(control_acc=dead)) == "experiment failed"
    wide = {("sgd", 0.002): 8000.0, ("rmsprop", 0.002): 1000.0, ("sgd", 2.0): 6000.0, ("rmsprop", 2.0): 1000.0}
    assert verdict("fig-3-spread", syn.l1_vgg16(control_acc={"adam": 0.1}, l1_final=wide)) == "reproduced qualitatively"
    # SGD learns, Adam does not: the paradox is decided on SGD alone (its λ1 = 2 norm is 0.75x the small one's)
    one = syn.l1_vgg16(control_acc={"adam": 0.1})
    assert verdict("fig-3-larger", one) == "not reproduced"
    bigger = syn.l1_vgg16(control_acc={"adam": 0.1}, l1_final={("sgd", 0.002): 1000.0})
    assert verdict("fig-3-larger", bigger) == "reproduced qualitatively"
    both = syn.l1_vgg16(l1_final={("sgd", 0.002): 1000.0, ("adam", 0.002): 1000.0})
    assert verdict("fig-3-larger", both) == "reproduced"
    tie = syn.l1_vgg16(l1_final={("sgd", 0.002): 3000.0 * 1.05})     # both ratios within [1/1.1, 1.1]
    assert verdict("fig-3-larger", tie) == "inconclusive"
    assert verdict("fig-3-larger", syn.l1_vgg16(control_acc={"sgd": 0.1, "adam": 0.1})) == "experiment failed"


def test_the_paradox_records_when_sgds_norm_would_cross():
    c = claims.get("fig-3-larger", results=syn.l1_vgg16())
    # SGD's ‖w‖₁ at λ1 = 0.002: 4·8000 → 8000 over 4 epochs of 500 steps; the large run ends at P·αλ1/2 = 3000
    assert c.value("crossing step") == pytest.approx(2000 + (8000 - 3000) / (8000 / 500))


def test_table2_text_is_a_paper_inconsistency():
    c = claims.get("table-2-text")
    assert c.verdict == "paper inconsistent" and {n.value for n in c.paper} == {99.98, 99.89}


# ----- What works ---------------------------------------------------------------------------------------

def test_what_works_is_decided_at_equal_accuracy():
    assert verdict("what-works-network", syn.what_works(prox_zeros=0.6, sgd_zeros=0.2)) == "reproduced"
    assert verdict("what-works-network", syn.what_works(prox_zeros=0.2, sgd_zeros=0.6)) == "not reproduced"
    assert verdict("what-works-network", syn.what_works(prox_zeros=0.42, sgd_zeros=0.4)) == "inconclusive"
    # a proximal network that lost its accuracy does not count, however many zeros it has
    assert verdict("what-works-network", syn.what_works(prox_zeros=0.99, prox_acc=0.5, sgd_zeros=0.2)) == "not reproduced"
    assert verdict("what-works-network", syn.what_works(control_acc=0.1)) == "experiment failed"


def test_what_works_records_each_methods_sparsity():
    c = claims.get("what-works-network", results=syn.what_works(prox_zeros=0.6, sgd_zeros=0.2))
    assert c.value("ProxSGD: exact zeros at working accuracy") == pytest.approx(60.0)
    assert c.value("SGD + L1, pruned at αλ1: exact zeros at working accuracy") == pytest.approx(20.0)
    assert c.value("best proximal method") == "ProxSGD"
    # magnitude pruning: 10 % pruned keeps 0.79 ≥ 0.8 − 0.02; 50 % (0.75) does not
    assert c.value("magnitude pruning (SGD, λ1 = 0): exact zeros at working accuracy") == pytest.approx(10.0)
