"""ndgm.netresults on results whose answers are known: gaps and verdicts, Table 2, the swing's prediction."""
import numpy as np
import pytest

from ndgm import grids, netresults, paper

GRID = netresults.TAU_GRID


def fig2_record(depth, bn, act, seed, losses):
    return {"model": {"arch": "vgg", "depth": depth, "batch_norm": bn, "activation": act},
            "config": {"seed": seed, "optimizer": "sgd"}, "history": {"train_loss": list(losses)}}


def fig2_results(final):
    """`final[(bn, depth, act)]` = final losses per seed."""
    runs = {}
    for (bn, depth, act), per_seed in final.items():
        for seed, last in enumerate(per_seed):
            runs[f"{depth}{act}{bn}{seed}"] = fig2_record(depth, bn, act, seed, [2.3, last])
    return {"runs": runs}


def test_gaps_and_the_two_claims():
    res = fig2_results({
        (False, 11, "relu"): [1.00, 1.02], (False, 11, "gelu"): [0.90, 0.92],   # gap 0.10 > spread 0.02
        (False, 19, "relu"): [1.50, 1.60], (False, 19, "gelu"): [1.00, 1.05],   # gap 0.525 > 0.10
        (True, 11, "relu"): [0.50, 0.60], (True, 11, "gelu"): [0.52, 0.58],     # gap 0 within 0.10
        (True, 19, "relu"): [0.40, 0.50], (True, 19, "gelu"): [0.45, 0.47],     # gap -0.01 within 0.10
    })
    rows = netresults.activation_gaps(res)
    by = {(r["batch_norm"], r["depth"]): r for r in rows}
    assert by[(False, 11)]["gap"] == pytest.approx(0.10) and by[(False, 11)]["spread"] == pytest.approx(0.02)
    assert [by[k]["verdict"] for k in ((False, 11), (False, 19), (True, 11), (True, 19))] == \
        ["GELU lower", "GELU lower", "within seed noise", "within seed noise"]
    assert netresults.figure2_verdict(rows) == {"widens_without_bn": True, "indistinct_with_bn": True}
    # ReLU ahead at depth 19 without batch norm: the first claim fails; a batch-norm gap: the second fails
    res["runs"]["19reluFalse0"]["history"]["train_loss"][-1] = 0.5
    res["runs"]["19reluFalse1"]["history"]["train_loss"][-1] = 0.5
    res["runs"]["11reluTrue0"]["history"]["train_loss"][-1] = 0.9
    res["runs"]["11reluTrue1"]["history"]["train_loss"][-1] = 0.9
    rows = netresults.activation_gaps(res)
    assert {(r["batch_norm"], r["depth"]): r["verdict"] for r in rows}[(False, 19)] == "ReLU lower"
    assert netresults.figure2_verdict(rows) == {"widens_without_bn": False, "indistinct_with_bn": False}
    assert "| without | 11 |" in netresults.gaps_markdown(rows)


def l1_record(optimizer, l1, *, start, end, epochs=4, n_train=400, batch=8, lr=0.003):
    return {"model": {"arch": "vgg16"}, "data_used": {"n_train": n_train},
            "config": {"optimizer": optimizer, "l1": l1, "lr": lr, "batch_size": batch},
            "history": {"epoch": list(range(1, epochs + 1)), "below_start": list(start), "small_by_tau": list(end),
                        "zeros": [0.0] * epochs, "l1": [1.0] * epochs, "swing": [lr * l1], "val_acc": [0.5] * epochs}}


def uniform_cdf(high):
    """Fractions of |w| below each τ of the grid when |w| is uniform on (0, high)."""
    return np.minimum(GRID / high, 1.0)


def test_prediction_is_caught_times_tau_over_swing():
    start = uniform_cdf(0.02)
    # SGD, λ1 = 2: s = 0.006, T = 4 * 50 = 200 steps, T s = 1.2: every weight is caught
    rec = l1_record("sgd", 2.0, start=start, end=start)
    assert netresults.swing("sgd", 0.003, 2.0) == pytest.approx(0.006)
    assert netresults.predicted_below(rec, [1e-5, 0.006, 0.1]) == pytest.approx([1e-5 / 0.006, 1.0, 1.0])
    # SGD, λ1 = 0.002: s = 6e-6, T s = 1.2e-3: the weights within 1.2e-3 of zero (6 %) are caught
    rec = l1_record("sgd", 0.002, start=start, end=start)
    caught = np.interp(np.log10(1.2e-3), np.log10(GRID), start)
    assert caught == pytest.approx(0.06, rel=0.05)   # interpolated on the log grid of the CDF
    assert netresults.predicted_below(rec, [1e-6, 1e-5]) == pytest.approx([caught / 6, caught])
    # RMSProp and Adam: α bounds the step whatever λ1, and no prediction is made for them
    assert netresults.swing("adam", 0.003, 2.0) == netresults.swing("rmsprop", 0.003, 0.002) == 0.003
    assert np.isnan(netresults.predicted_below(l1_record("adam", 2.0, start=start, end=start), [1e-5])).all()
    with pytest.raises(ValueError, match="optimizer"):
        netresults.swing("lbfgs", 0.1, 1.0)
    with pytest.raises(ValueError, match="taus"):
        netresults.predicted_below(rec, [0.0])


def test_median_abs_start_reads_the_recorded_cdf():
    rec = l1_record("sgd", 2.0, start=uniform_cdf(0.02), end=uniform_cdf(0.02))
    assert netresults.median_abs_start(rec) == pytest.approx(0.01, rel=0.05)


def test_table2_reads_the_fraction_at_tau_and_the_papers_number():
    end = np.where(np.arange(GRID.size) < 31, 0.0, 0.25)   # none below the 31st threshold, 1e-5, 25 % from it on
    runs = {f"{o}{l}": l1_record(o, l, start=uniform_cdf(0.02), end=end) for o in ("sgd", "adam") for l in (0.002, 2.0)}
    rows = netresults.table2({"runs": runs})
    assert [(r["optimizer"], r["l1"]) for r in rows] == [("adam", 0.002), ("sgd", 0.002), ("adam", 2.0), ("sgd", 2.0)]
    k = grids.nearest(GRID, 1e-5, log=True)
    assert k == 30
    assert all(r["ours"] == pytest.approx(100 * end[k]) for r in rows)
    assert rows[1]["paper"] == paper.TABLE2[("sgd", 0.002)] and rows[3]["paper"] == paper.TABLE2[("sgd", 2.0)]
    assert rows[0]["steps"] == 200
    assert "SGD (NDGM)" in netresults.table2_markdown(rows)
    with pytest.raises(ValueError, match="tau"):
        netresults.table2({"runs": runs}, tau=3e-5)
    with pytest.raises(ValueError, match="results"):
        netresults.table2([1, 2])


def test_figure3_claims_read_the_final_norms():
    runs = {}
    for o, small, large in (("sgd", 100.0, 50.0), ("adam", 10.0, 20.0), ("rmsprop", 1000.0, 1000.0)):
        for lam, norm in ((0.002, small), (2.0, large)):
            rec = l1_record(o, lam, start=uniform_cdf(0.02), end=uniform_cdf(0.02))
            rec["history"]["l1"] = [2 * norm, norm]
            runs[f"{o}{lam}"] = rec
    claims = netresults.figure3_claims({"runs": runs})
    assert claims["lams"] == [0.002, 2.0]
    assert claims["spread"] == {0.002: 100.0, 2.0: 50.0}
    assert {o: v["holds"] for o, v in claims["larger_l1"].items()} == {"sgd": False, "adam": True, "rmsprop": False}


def sweep_results(table):
    """`table[(optimizer, λ1)]` = (zeros, below 1e-5, ‖w‖₁, accuracy) as a page's merged results."""
    k = netresults.tau_index(paper.TABLE2_TAU)
    runs = {}
    for (opt, lam), (zeros, below, l1, acc) in table.items():
        small = [0.0] * len(GRID)
        small[k] = below
        runs[f"{opt}-{lam}"] = {"model": {}, "config": {"optimizer": opt, "l1": lam, "lr": 0.003},
                                "history": {"zeros": [zeros], "small_by_tau": small, "l1": [l1], "val_acc": [acc]}}
    return {"runs": runs}


def test_l1_sweeps_read_each_optimizer_against_lambda1_and_name_the_trend():
    res = sweep_results({("sgd", 0.2): (0.0, 0.02, 800.0, 0.8), ("sgd", 0.02): (0.0, 0.03, 900.0, 0.8),
                         ("sgd", 2.0): (0.0, 0.01, 700.0, 0.7),
                         ("prox-sgd", 0.02): (0.1, 0.1, 500.0, 0.8), ("prox-sgd", 0.2): (0.5, 0.5, 100.0, 0.6),
                         ("prox-sgd", 2.0): (0.9, 0.9, 1.0, 0.1)})
    sw = netresults.l1_sweeps(res)
    assert list(sw) == ["sgd", "prox-sgd"]
    np.testing.assert_array_equal(sw["sgd"].lam1, [0.02, 0.2, 2.0])
    np.testing.assert_array_equal(sw["sgd"].below, [0.03, 0.02, 0.01])
    assert (sw["sgd"].trend("zeros"), sw["sgd"].trend("below"), sw["sgd"].trend("l1_norm")) == ("flat", "shrinks", "shrinks")
    assert (sw["prox-sgd"].trend("zeros"), sw["prox-sgd"].trend("val_acc")) == ("grows", "shrinks")
    assert sw["prox-sgd"].expected() and not sw["sgd"].expected()
    bumpy = netresults.L1Sweep("adam", np.array([1.0, 2, 3]), np.array([0.1, 0.0, 0.2]), *(np.zeros(3),) * 3)
    assert bumpy.trend("zeros") == "not monotone"
    with pytest.raises(ValueError, match="metric"):
        bumpy.trend("loss")
    table = netresults.sweeps_markdown(sw)
    assert "| ProxSGD | 2 | 90 % | 90.00 % | 1 | 0.100 |" in table and "*grows*" in table


def test_the_swing_of_the_proximal_optimizers_is_their_thresholds_scale():
    assert netresults.swing("prox-sgd", 0.01, 2.0) == pytest.approx(0.02)
    assert netresults.swing("prox-adam", 0.01, 2.0) == 0.01
    with pytest.raises(ValueError, match="optimizer"):
        netresults.swing("lion", 0.01, 2.0)


def test_stored_reports_come_back_in_order_and_as_a_table():
    import torch

    from ndgm import netcheck

    torch.manual_seed(0)
    net = torch.nn.Linear(20, 5)
    with torch.no_grad():
        net.weight[:2] = 0.0
    rep = lambda opt, lam: netcheck.check_network(net, 0.003, lam, opt).as_dict()
    res = {"runs": {"b": {"config": {"optimizer": "prox-sgd", "l1": 0.2}, "sparsity": rep("prox-sgd", 0.2)},
                    "a": {"config": {"optimizer": "sgd", "l1": 2.0}, "sparsity": rep("sgd", 2.0)},
                    "c": {"config": {"optimizer": "sgd", "l1": 0.2}, "sparsity": rep("sgd", 0.2)},
                    "old": {"config": {"optimizer": "adam", "l1": 0.2}}}}
    got = netresults.sparsity_reports(res)
    assert [(o, lam) for o, lam, _ in got] == [("sgd", 0.2), ("sgd", 2.0), ("prox-sgd", 0.2)]
    back = got[0][2]
    fresh = netcheck.check_network(net, 0.003, 0.2, "sgd")
    assert back.verdict == fresh.verdict and back.kind == fresh.kind == "sparse"
    np.testing.assert_array_equal(back.overall.below, fresh.overall.below)
    assert back.markdown() == fresh.markdown()
    table = netresults.reports_markdown(got)
    assert table.count("| sparse |") == 3 and f"{100 * fresh.overall.zeros:.2f} %" in table
    with pytest.raises(ValueError, match="tau"):
        netresults.reports_markdown(got, tau=3e-5)
