"""ndgm.studies.sparsity (the LASSO methods, the pruning threshold) and ndgm.networks.sparsity_check (the per-layer check)."""
import numpy as np
import pytest
import torch

from ndgm.figures import explorers
from ndgm.studies import lasso, sparsity
from ndgm import losses, optim, problems, run
from ndgm.networks import sparsity_check


@pytest.fixture(scope="module")
def small():
    """The comparison on a 20 x 60 problem, three λ1 on either side of λ_max = ‖2Wᵀy/N‖∞."""
    return sparsity.compare_methods(lam1=[0.05, 0.1, 0.3, 5.0], p=60, steps=3000, cd_epochs=200)


def test_proximal_methods_and_coordinate_descent_reach_the_exact_solution(small):
    for m in ("ista", "fista", "cd"):
        assert np.all(small.gap[m] < 1e-9), m
        np.testing.assert_array_equal(small.zeros[m], np.mean(small.exact == 0.0, axis=-1))
        assert np.all(np.isfinite(small.iterations[m])), m
    assert np.all(small.iterations["fista"] <= small.iterations["ista"])
    assert small.monotone("fista", "l1") and small.monotone("ista", "zeros")


def test_ndgm_has_no_exact_zeros_and_stays_above_the_minimum(small):
    """Above λ_max the exact solution is 0; NDGM hops around it with a positive gap and no zero (eq. 8)."""
    assert np.all(small.zeros["ndgm"] == 0.0)
    assert np.all(small.gap["ndgm"] > small.target) and np.all(np.isnan(small.iterations["ndgm"]))
    assert np.abs(small.exact[-1]).sum() == 0.0
    assert small.l1["ndgm"][-1] > small.l1["ndgm"][-2]          # larger λ1, larger ‖β‖₁: the paradox
    # rounding at the swing αλ1 gives zeros, still not the solution
    assert np.all(small.zeros["ndgm-rounded"] > 0.0) and small.gap["ndgm-rounded"][-1] > small.target


def test_comparison_numbers_are_the_fields_the_page_reads(small):
    got = small.numbers()
    prob = problems.general_lasso(small.seed, n=20, p=60)
    assert (got["n"], got["p"], got["n_lam"], got["steps"], got["cd_epochs"]) == (20, 60, 4, 3000, 200)
    assert got["lam_max"] == pytest.approx(np.abs(prob.Z.T @ prob.y).max() * 2 / 20, rel=1e-12)
    assert 0.1 < got["lam_max"] < 5.0                  # the grid has λ1 on either side of it
    assert got["lr"] == small.lr and (got["lam_lo"], got["lam_hi"]) == (0.05, 5.0)
    assert got["ndgm_zeros_max"] == 0.0 and got["ndgm_l1_hi"] == small.l1["ndgm"][-1]
    assert got["ndgm_gap_min"] == min(small.gap["ndgm"]) > small.target
    assert got["fista_gap_max"] < 1e-9 and got["fista_its_max"] == max(small.iterations["fista"])
    assert got["ista_reached"] == got["cd_reached"] == 4 == small.reached("ista")
    assert got["exact_nonzero_max"] == max(np.count_nonzero(b) for b in small.exact) <= 20
    assert got["fista_monotone_l1"] == "yes" and got["ista_monotone_zeros"] == "yes"
    assert got["round_monotone_zeros"] in ("yes", "no")
    assert got["round_zeros_lo"] == small.zeros["ndgm-rounded"].min() > 0.0
    assert got["fista_zeros_lo"] == np.mean(small.exact[0] == 0.0)
    assert small.exact_zeros("fista") and not small.exact_zeros("ndgm")
    assert got["fista_same_zeros"] == "the same fraction of exact zeros as the exact solution at every λ1"
    assert all(isinstance(v, (int, float, str)) for v in got.values())


def test_fista_with_restarts_is_ista_when_restart_fires_every_step():
    """The restart test is evaluated at the point the gradient was taken: one FISTA step from rest is an ISTA step."""
    prob = problems.general_lasso(1, n=10, p=30)
    loss = losses.GeneralLasso(prob.Z, prob.y, np.array([[0.1]]))
    lr = 1.0 / lasso.smooth_lipschitz(prob.Z)
    f = list(sparsity._fista(loss, prob.beta0, lr, 1))
    i = run.run(loss, optim.make("prox", lr), prob.beta0, 1, record=(), trajectory=True).trajectory
    np.testing.assert_array_equal(f[1], i[1])


def test_rounded_sets_below_the_threshold_to_zero():
    np.testing.assert_array_equal(sparsity.rounded([[0.5, -0.01, 0.02]], [0.015]), [[0.5, 0.0, 0.02]])


def test_prediction_on_the_toy_lasso_matches_the_measurement():
    """On (7) every coordinate caught by the two-cycle has |β| spread over (0, αλ1): the fraction below τ is
    about min(1, τ/(αλ1)) times the fraction caught, to the sampling error of 2000 coordinates."""
    g = sparsity.pruning_grid(tau=[1e-4, 1e-3, 1e-2, 1e-1], lr=[0.01], lam1=[0.1, 1.0, 10.0], steps=500)
    toy = sparsity.PRUNING_PROBLEMS.index("toy")
    # λ1 >= 1: every coordinate is caught (T·αλ1 >= 1 = max|β0|); λ1 = 0.1: only at τ below the swing, since
    # the prediction leaves out the coordinates still on their way down, which count once τ exceeds the swing
    np.testing.assert_allclose(g.measured[toy, 0, 1:], g.predicted[toy, 0, 1:], atol=0.03)
    np.testing.assert_allclose(g.measured[toy, 0, 0, 0], g.predicted[toy, 0, 0, 0], atol=0.03)
    assert np.all(g.zeros == 0.0)
    # at a fixed τ below the swing, a larger λ1 gives fewer small coordinates, not more
    assert g.measured[toy, 0, 1, 1] > g.measured[toy, 0, 2, 1]
    np.testing.assert_allclose(g.swing, [[0.001, 0.01, 0.1]])


def test_pruning_numbers_read_the_grid_at_the_nearest_settings():
    g = sparsity.pruning_grid(tau=[1e-4, 1e-3, 1e-2, 1e-1], lr=[0.003, 0.01], lam1=[0.1, 1.0, 10.0], steps=200)
    toy, big = sparsity.PRUNING_PROBLEMS.index("toy"), sparsity.PRUNING_PROBLEMS.index("lasso")
    got = g.numbers(lr=0.012, lam1=(1.0, 9.0), tau=9e-4)        # nearest: α = 0.01, λ1 = 1 and 10, τ = 1e-3
    assert (got["steps"], got["lr"], got["tau"], got["lam1"], got["lam9"]) == (200, 0.01, 1e-3, 1.0, 10.0)
    assert got["toy_meas1"] == g.measured[toy, 1, 1, 1] and got["big_pred9"] == g.predicted[big, 1, 2, 1]
    assert got["toy_pred1"] == pytest.approx(0.1, abs=1e-3)       # every coordinate caught, τ/(αλ1) = 0.1 of them
    np.testing.assert_allclose(got["toy_meas1"], got["toy_pred1"], atol=0.03)
    errors = np.abs(g.measured[toy] - g.predicted[toy])
    assert got["toy_err"] == errors[..., :3].max() and got["zeros"] == 0.0
    assert g.numbers(tau_max=1e-1)["toy_err"] == errors.max()
    assert set(g.numbers()) >= {"lam1", "lam10", "toy_meas10", "toy_pred10", "big_meas1", "big_pred10"}


def test_predicted_fraction_counts_only_the_coordinates_caught():
    beta0 = np.linspace(-1, 1, 1001)
    # after 10 steps of swing 0.01 only |β0| < 0.1 (10 %) is caught; half of those are below τ = s/2
    np.testing.assert_allclose(sparsity.predicted_fraction(beta0, 0.01, 1.0, 10, [0.005]), [0.05], rtol=0.05)


def test_predicted_fraction_is_the_swing_prediction_of_the_networks():
    from ndgm.networks import analysis

    beta0 = np.random.default_rng(0).uniform(-0.02, 0.02, 5000)
    below = np.mean(np.abs(beta0)[:, None] < analysis.TAU_GRID[None, :], axis=0)
    taus = [1e-5, 1e-4, 1e-3]
    got = sparsity.predicted_fraction(beta0, 0.003, 0.1, 200, taus)
    np.testing.assert_array_equal(got, analysis.swing_prediction(below, 200 * (0.003 * 0.1), 0.003 * 0.1, taus))
    # T·s = 0.06 reaches every |β0| <= 0.02: all caught, a fraction τ/s of them below τ
    np.testing.assert_allclose(got, [1e-5 / 3e-4, 1e-4 / 3e-4, 1.0])


def test_bad_inputs_name_the_parameter():
    with pytest.raises(ValueError, match="lam1"):
        sparsity.compare_methods(lam1=[-1.0])
    with pytest.raises(ValueError, match="steps"):
        sparsity.pruning_grid(steps=0)
    with pytest.raises(ValueError, match="tau"):
        sparsity.pruning_grid(tau=[2.0])
    with pytest.raises(ValueError, match="model"):
        sparsity_check.check_network("not a model")
    with pytest.raises(ValueError, match="lr and l1"):
        sparsity_check.check_network(torch.nn.Linear(2, 2), lr=0.1)
    with pytest.raises(ValueError, match="taus"):
        sparsity_check.check_network(torch.nn.Linear(2, 2), taus=[0.0])
    with pytest.raises(ValueError, match="accuracy and chance"):
        sparsity_check.check_network(torch.nn.Linear(2, 2), accuracy=0.5)
    with pytest.raises(ValueError, match="accuracy and chance"):
        sparsity_check.check_network(torch.nn.Linear(2, 2), chance=0.1)
    with pytest.raises(ValueError, match="accuracy"):
        sparsity_check.check_network(torch.nn.Linear(2, 2), accuracy=1.5, chance=0.1)
    with pytest.raises(ValueError, match="chance"):
        sparsity_check.check_network(torch.nn.Linear(2, 2), accuracy=0.5, chance=0.0)


def test_pruning_explorer_payload_matches_the_grid():
    g = sparsity.pruning_grid(tau=[1e-4, 1e-3, 1e-2], lr=[0.003, 0.01], lam1=[0.1, 1.0, 10.0], steps=50)
    ex = explorers.pruning_explorer(g)
    assert {c.name for c in ex.controls} == {"tau", "lr", "lam1", "problem"}
    np.testing.assert_array_equal(ex.arrays["measured"][1], g.measured)
    assert "ndgm-explorer-spec" in ex.html()


def test_check_network_counts_zeros_the_band_and_thresholds():
    lin = torch.nn.Linear(4, 2)
    with torch.no_grad():
        lin.weight.copy_(torch.tensor([[0.0, 0.0, 1e-6, 5e-4], [0.2, -3e-5, 0.0, 1.0]]))
        lin.bias.copy_(torch.tensor([0.5, -0.5]))
    r = sparsity_check.check_network(lin, lr=0.01, l1=0.01, taus=[1e-5, 1e-3])        # swing 1e-4
    w = r.layers[0]
    assert (w.name, w.size, w.zeros) == ("weight", 8, 3 / 8)
    np.testing.assert_allclose(w.below, [4 / 8, 6 / 8])
    assert w.band == 5 / 8 and r.layers[1].band == 0.0
    assert r.overall.size == 10 and r.overall.zeros == 3 / 10
    assert "sparsity" in r.verdict and "| **overall** |" in r.markdown()


def test_dead_is_almost_every_weight_zero_or_an_accuracy_below_twice_chance():
    assert sparsity_check.DEAD_ZEROS == 0.99
    assert sparsity_check.dead(0.99) and sparsity_check.dead(1.0) and not sparsity_check.dead(0.989)
    assert sparsity_check.dead(0.0, accuracy=0.19, chance=0.1) and not sparsity_check.dead(0.0, accuracy=0.2, chance=0.1)
    assert not sparsity_check.dead(0.0, accuracy=0.0) and not sparsity_check.dead(0.0, chance=0.1)     # both or neither
    assert sparsity_check.kind(0.995, 0.0, 1e-3) == "dead" and sparsity_check.kind(0.5, 0.0, 1e-3) == "sparse"
    assert sparsity_check.kind(0.5, 0.0, 1e-3, accuracy=0.15, chance=0.1) == "dead"
    assert sparsity_check.kind(0.0, 0.5, 1e-3) == "oscillation" and sparsity_check.kind(0.0, 0.0, 1e-3) == "not sparse"


def test_check_network_calls_a_wiped_out_or_useless_network_dead():
    lin = torch.nn.Linear(10, 10)
    with torch.no_grad():
        lin.weight.zero_()
        lin.bias.zero_()
        lin.bias[0] = 0.3                                   # 109 of 110 weights are 0: 99.1 %
    wiped = sparsity_check.check_network(lin, lr=0.01, l1=0.1)
    assert wiped.overall.zeros == pytest.approx(109 / 110) and wiped.kind == "dead"
    assert "99.09 % of the weights are exactly 0: the network is dead" in wiped.verdict
    torch.manual_seed(0)
    dense = torch.nn.Linear(10, 10)
    with torch.no_grad():
        dense.weight[:5] = 0.0                              # half the weights: sparse while it works
    assert sparsity_check.check_network(dense, lr=0.01, l1=0.1, accuracy=0.9, chance=0.1).kind == "sparse"
    useless = sparsity_check.check_network(dense, lr=0.01, l1=0.1, accuracy=0.15, chance=0.1)
    assert (useless.kind, useless.accuracy, useless.chance) == ("dead", 0.15, 0.1)
    assert "at accuracy 0.150 (chance 0.100): the network is dead" in useless.verdict
    # the accuracy can be attached afterwards, and survives the stored form
    later = sparsity_check.check_network(dense, lr=0.01, l1=0.1).with_accuracy(0.15, 0.1)
    assert later.verdict == useless.verdict and later.kind == "dead"
    back = sparsity_check.NetworkSparsity.from_dict(later.as_dict())
    assert (back.kind, back.accuracy, back.chance, back.verdict) == ("dead", 0.15, 0.1, useless.verdict)
    with pytest.raises(ValueError, match="accuracy"):
        later.with_accuracy(-0.1, 0.1)
    with pytest.raises(ValueError, match="chance"):
        later.with_accuracy(0.5, 1.5)


def test_check_network_verdict_on_an_ndgm_trained_and_a_proximally_trained_model():
    from ndgm.networks import proximal

    torch.manual_seed(0)
    x, y = torch.randn(256, 20), torch.randint(0, 3, (256,))
    verdicts = {}
    for name, make in (("sgd", lambda p: torch.optim.SGD(p, lr=0.05)), ("prox", lambda p: proximal.ProxSGD(p, lr=0.05, l1=0.05))):
        torch.manual_seed(1)
        model = torch.nn.Linear(20, 3)
        opt = make(model.parameters())
        for _ in range(200):
            opt.zero_grad()
            loss = torch.nn.functional.cross_entropy(model(x), y)
            if name == "sgd":
                loss = loss + 0.05 * sum(p.abs().sum() for p in model.parameters())
            loss.backward()
            opt.step()
        verdicts[name] = sparsity_check.check_network(model, lr=0.05, l1=0.05)
    assert verdicts["sgd"].overall.zeros == 0.0 and "oscillation" in verdicts["sgd"].verdict
    assert verdicts["prox"].overall.zeros > 0.3 and "exactly 0" in verdicts["prox"].verdict


def test_proximal_fit_trains_and_rejects_bad_input():
    from ndgm.networks import proximal

    torch.manual_seed(0)
    x, y = torch.randn(64, 5), torch.randint(0, 2, (64,))
    model = torch.nn.Linear(5, 2)
    hist = proximal.fit(model, x, y, proximal.ProxAdam(model.parameters(), lr=0.01, l1=1e-3), epochs=3, batch_size=16)
    assert len(hist) == 3 and hist[-1] < hist[0]
    with pytest.raises(ValueError, match="opt"):
        proximal.fit(model, x, y, "sgd")
    with pytest.raises(ValueError, match="epochs"):
        proximal.fit(model, x, y, proximal.ProxSGD(model.parameters(), lr=0.1), epochs=0)
