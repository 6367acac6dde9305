"""ndgm.networks.analysis on made-up results whose answers are known: Figure 2's paired comparisons, Table 2's rows
with their controls, the collapse signature, Figure 3, the swing's prediction and the sparsity-at-accuracy
curves of What works."""
import numpy as np
import pytest

from ndgm import grids, paper
from ndgm.figures import network_tables
from ndgm.networks import analysis
from ndgm.networks.run_records import PILOT_PREFIX, PageRuns, RunRecord

import synthetic_runs as syn

GRID = analysis.TAU_GRID
ALPHA = paper.SECTION4_NETWORK["lr"]


def uniform_cdf(high):
    """Fractions of |w| below each τ of the grid when |w| is uniform on (0, high)."""
    return np.minimum(GRID / high, 1.0)


def record(name, *, model=None, optimizer="adam", lr=1e-3, l1=0.0, seed=0, momentum=0.0, loss=(2.0, 1.0),
           acc=None, norms=None, small=None, zeros=None, start=None, end=None, n_train=400, batch=8,
           n_params=1000, pruning=None, sparsity=None, diverged_at=None):
    """A run's record as ndgm.networks.experiments writes it: `loss` per epoch sets the number of epochs; `acc`,
    `norms` (‖w‖₁), `small` (fraction below Table 2's τ) and `zeros` per epoch default to constants;
    `start` and `end` are the fractions below each τ of TAU_GRID before and after training."""
    epochs = len(loss)
    per_epoch = lambda v, default: list(v) if v is not None else [default] * epochs
    return {"name": name, "model": {"arch": "vgg16", **(model or {})},
            "config": {"optimizer": optimizer, "lr": lr, "l1": l1, "epochs": epochs, "batch_size": batch,
                       "seed": seed, "momentum": momentum, "tau": paper.TABLE2_TAU},
            "data_used": {"n_train": n_train}, "n_params": n_params, "wall_s": 1.0, "pruning": pruning or {},
            "sparsity": sparsity,
            "history": {"epoch": list(range(1, epochs + 1)), "train_loss": list(loss),
                        "val_acc": per_epoch(acc, 0.8), "l1": per_epoch(norms, 100.0),
                        "small": per_epoch(small, 0.0), "zeros": per_epoch(zeros, 0.0),
                        "below_start": list(uniform_cdf(0.02) if start is None else start),
                        "small_by_tau": list(uniform_cdf(0.02) if end is None else end), "diverged_at": diverged_at}}


def page(records, name="l1_vgg16"):
    """A page's merged results holding `records`."""
    return {"page": name, "scale": "cpu", "data": {"n_train": 400}, "environment": {"device_name": "test CPU"},
            "started": "2026-01-01T00:00:00", "wall_s": 10.0, "notes": "", "rules": {},
            "runs": {r["name"]: r for r in records}}


def l1_record(optimizer, l1, *, start, end, epochs=4, n_train=400, batch=8, lr=ALPHA):
    """A Table 2 run (VGG16, 4 epochs of 50 steps by default) with the given fractions below τ."""
    return record(f"{optimizer}-lr={lr:g}-l1={l1:g}", optimizer=optimizer, lr=lr, l1=l1, loss=[1.0] * epochs,
                  start=start, end=end, n_train=n_train, batch=batch)


# ----- Figure 2 ----------------------------------------------------------------------------------------

def fig2_run(depth, bn, act, seed, final, *, beta=None, optimizer="adam", lr=1e-3, momentum=0.0, init="kaiming",
             acc=0.8):
    """One Figure 2 run; by default with the main recipe's initialisation (He); init=None is PyTorch's."""
    model = {"arch": "vgg", "depth": depth, "batch_norm": bn, "activation": act}
    model.update({"beta": beta} if beta is not None else {})
    model.update({"init": init} if init is not None else {})
    tag = f"softplus{beta:g}" if beta else act
    name = f"vgg{depth}-{tag}-{'bn' if bn else 'nobn'}-{optimizer}{momentum:g}{init or ''}-seed{seed}"
    return record(name, model=model, optimizer=optimizer, lr=lr, momentum=momentum, seed=seed,
                  loss=[2.0, final], acc=[0.5, acc], n_train=640, batch=64)


SEEDS = (0, 1, 2)
GAP = {(11, False): 0.02, (19, False): 0.10, (11, True): 0.0}


def fig2_page(gap=GAP, base=lambda s: 0.5 + 0.1 * s, seeds=SEEDS, softplus_step=0.03, recipe_gap=0.04, acc=0.8):
    """relu_vs_gelu results: per seed, GELU ends at base(seed) and ReLU at base(seed) + the network's gap;
    softplus β = 1, 4, 16 at depth 19 end softplus_step apart; the SGD-momentum recipes at depth 11 have
    ReLU recipe_gap above GELU. The seeds' bases differ a lot, so that only pairing by seed gives a clean
    difference."""
    runs = []
    for (depth, bn), g in gap.items():
        for s in seeds:
            runs += [fig2_run(depth, bn, "gelu", s, base(s), acc=acc), fig2_run(depth, bn, "relu", s, base(s) + g, acc=acc)]
    for i, beta in enumerate((1.0, 4.0, 16.0)):
        runs += [fig2_run(19, False, "softplus", s, base(s) + i * softplus_step, beta=beta) for s in seeds]
    for init in (None, "kaiming"):
        for s in seeds:
            kw = dict(optimizer="sgd", lr=0.01, momentum=0.9, init=init)
            runs += [fig2_run(11, False, "gelu", s, base(s), **kw), fig2_run(11, False, "relu", s, base(s) + recipe_gap, **kw)]
    runs.reverse()                      # the order of the file must not matter
    return page(runs, "relu_vs_gelu")


def test_figure2_pairs_by_seed_and_reads_each_gap():
    fig = analysis.figure2(fig2_page())
    assert set(fig.gaps) == set(GAP) and fig.depths(False) == [11, 19] and fig.depths(True) == [11]
    for shape, g in GAP.items():
        c = fig.gaps[shape]
        assert [r.seed for r in c.a] == [r.seed for r in c.b] == list(SEEDS)
        assert {r.field("activation") for r in c.a} == {"relu"} and {r.field("activation") for r in c.b} == {"gelu"}
        # the per-seed bases (0.5, 0.6, 0.7) cancel within each pair: a zero-width interval at the gap
        np.testing.assert_allclose(c.diffs("final"), [g] * 3, atol=1e-12)
        assert (c.final.mean, c.final.low, c.final.high) == pytest.approx((g, g, g), abs=1e-12)
        # the loss area is the mean of [2.0, final]: half the gap
        assert (c.area.mean, c.area.low, c.area.high) == pytest.approx((g / 2,) * 3, abs=1e-12)
        assert c.seeds == 3 and c.final.n == 3
        assert c.mean("a") == pytest.approx(0.6 + g) and c.mean("b") == pytest.approx(0.6)
        assert c.learned and c.min_acc == 0.8
    assert fig.gaps[(19, False)].final.side == "above" and fig.gaps[(11, True)].final.within(1e-9)
    assert fig.gaps[(11, False)].label == "VGG11, without batch norm, ReLU − GELU"
    # the gap grows by 0.08 from VGG11 to VGG19 without batch norm
    assert set(fig.widening) == {"final", "area"}
    assert (fig.widening["final"].mean, fig.widening["final"].low, fig.widening["final"].high) == \
        pytest.approx((0.08,) * 3, abs=1e-12)
    assert fig.widening["area"].mean == pytest.approx(0.04)


def test_figure2_smoothness_and_recipes():
    fig = analysis.figure2(fig2_page(softplus_step=0.03, recipe_gap=0.04))
    assert [c.label for c in fig.smoothness] == ["softplus β = 4 − softplus β = 1", "softplus β = 16 − softplus β = 1",
                                                 "ReLU − softplus β = 16"]
    assert [c.final.mean for c in fig.smoothness] == pytest.approx([0.03, 0.06, 0.10 - 0.06])
    assert all(r.field("beta") == 16.0 for r in fig.smoothness[1].a)
    assert list(fig.recipes) == ["Adam, He init", "SGD, momentum 0.9", "SGD, momentum 0.9, He init"]
    assert fig.recipes["Adam, He init"] is fig.gaps[(11, False)]
    for label in ("SGD, momentum 0.9", "SGD, momentum 0.9, He init"):
        c = fig.recipes[label]
        assert c.final.mean == pytest.approx(0.04) and c.label == f"VGG11, {label}, ReLU − GELU"
        assert {r.optimizer for r in c.a + c.b} == {"sgd"}
    assert {r.field("init") for r in fig.recipes["SGD, momentum 0.9, He init"].a} == {"kaiming"}
    assert {r.field("init") for r in fig.recipes["SGD, momentum 0.9"].a} == {"default"}


def test_figure2_numbers_read_the_main_runs_and_the_intervals():
    res = page([dict(r, model={**r["model"], "width": 0.125}) for r in fig2_page()["runs"].values()], "relu_vs_gelu")
    n = analysis.figure2(res).numbers()
    assert (n["lr"], n["batch"], n["epochs"], n["width"], n["seeds"]) == (1e-3, 64, 2, 0.125, 2)
    assert (n["depths"], n["bn_depths"], n["learned"]) == ("11, 19", "11", "0.5")
    assert n["main_recipe"] == "Adam, He init"
    assert n["other_recipes"] == "SGD, momentum 0.9 at α = 0.01; SGD, momentum 0.9, He init at α = 0.01"
    assert (n["deep"], n["deep_relu"], n["deep_gelu"], n["deep_seeds"]) == (19, 3, 3, 3)
    assert n["deep_gap"] == "+0.1000 [+0.1000, +0.1000]" and n["widening_gap"] == "+0.0800 [+0.0800, +0.0800]"
    assert n["smooth_gap"] == "+0.0600 [+0.0600, +0.0600]"


def test_figure2_without_the_extra_families_has_none_of_them():
    runs = [fig2_run(11, False, act, s, 0.5) for act in ("relu", "gelu") for s in SEEDS]
    fig = analysis.figure2(page(runs, "relu_vs_gelu"))
    assert list(fig.gaps) == [(11, False)] and fig.widening == {} and fig.smoothness == () and fig.recipes == {}


def test_a_comparison_refuses_unpaired_seeds():
    res = fig2_page()
    del res["runs"]["vgg19-gelu-nobn-adam0kaiming-seed2"]
    with pytest.raises(ValueError, match=r"VGG19, without batch norm, ReLU − GELU: .*same seeds.*\[0, 1, 2\] and \[0, 1\]"):
        analysis.figure2(res)
    relu, gelu = (dict(activation=act, depth=11, batch_norm=False, optimizer="adam") for act in ("relu", "gelu"))
    with pytest.raises(ValueError, match="at least 2"):
        analysis.compare(fig2_page(seeds=(0,)), "one seed", relu, gelu)
    # a spec that matches two runs of one seed (here Adam and SGD with momentum, both from He init) pairs nothing
    with pytest.raises(ValueError, match=r"one run per seed; got seeds \[0, 0, 1, 1, 2, 2\]"):
        analysis.compare(fig2_page(), "ambiguous", dict(activation="relu", depth=11, batch_norm=False, init="kaiming"),
                           dict(activation="gelu", depth=11, batch_norm=False, init="kaiming"))


def test_a_comparison_says_when_a_network_did_not_learn():
    c = analysis.figure2(fig2_page(acc=0.3)).gaps[(11, False)]
    assert not c.learned and c.min_acc == 0.3
    assert (c.learned_count("a"), c.learned_count("b")) == (0, 0)
    assert analysis.figure2(fig2_page()).gaps[(11, False)].learned_count("a") == 3
    with pytest.raises(ValueError, match="side"):
        c.mean("c")
    with pytest.raises(ValueError, match="stat"):
        c.diffs("median")


def test_comparisons_markdown_prints_the_means_and_intervals():
    fig = analysis.figure2(fig2_page())
    table = network_tables.comparisons_markdown([fig.gaps[(19, False)]])
    assert table.splitlines()[0].startswith("| comparison | seeds |")
    assert "| VGG19, without batch norm, ReLU − GELU | 3 | 0.7000 | 0.6000 | +0.1000 [+0.1000, +0.1000] | " \
           "+0.0500 [+0.0500, +0.0500] | 0.800 | 3 / 3 |" in table


@pytest.mark.parametrize("args,label", [(("adam", 0.0, "default"), "Adam"), (("sgd", 0.9, "default"), "SGD, momentum 0.9"),
                                        (("sgd", 0.9, "kaiming"), "SGD, momentum 0.9, He init"),
                                        (("rmsprop", 0.0, "kaiming"), "RMSProp, He init"), (("lion", 0.0, "default"), "lion")])
def test_recipe_label(args, label):
    assert analysis.recipe_label(*args) == label


def test_as_runs_reads_dicts_once_and_passes_page_runs_through():
    res = fig2_page()
    runs = analysis.as_runs(res)
    assert isinstance(runs, PageRuns) and analysis.as_runs(runs) is runs
    with pytest.raises(ValueError, match="results"):
        analysis.as_runs([1, 2])


# ----- the swing and its prediction --------------------------------------------------------------------

def test_prediction_is_caught_times_tau_over_swing():
    start = uniform_cdf(0.02)
    # SGD, λ1 = 2: s = 0.006, T = 4 * 50 = 200 steps, T s = 1.2: every weight is caught
    rec = l1_record("sgd", 2.0, start=start, end=start)
    assert analysis.swing("sgd", 0.003, 2.0) == pytest.approx(0.006)
    assert RunRecord.from_dict(rec).steps_per_epoch == 50
    assert analysis.predicted_below(rec, [1e-5, 0.006, 0.1]) == pytest.approx([1e-5 / 0.006, 1.0, 1.0])
    # SGD, λ1 = 0.002: s = 6e-6, T s = 1.2e-3: the weights within 1.2e-3 of zero (6 %) are caught
    rec = l1_record("sgd", 0.002, start=start, end=start)
    caught = np.interp(np.log10(1.2e-3), np.log10(GRID), start)
    assert caught == pytest.approx(0.06, rel=0.05)   # interpolated on the log grid of the CDF
    assert analysis.predicted_below(rec, [1e-6, 1e-5]) == pytest.approx([caught / 6, caught])
    # the same from a RunRecord, and after one epoch only: T s = 50 * 6e-6 = 3e-4
    early = np.interp(np.log10(3e-4), np.log10(GRID), start)
    assert analysis.predicted_below(RunRecord.from_dict(rec), [1e-5], epoch=1) == pytest.approx([early])
    # RMSProp and Adam: α bounds the step whatever λ1, and no prediction is made for them
    assert analysis.swing("adam", 0.003, 2.0) == analysis.swing("rmsprop", 0.003, 0.002) == 0.003
    assert np.isnan(analysis.predicted_below(l1_record("adam", 2.0, start=start, end=start), [1e-5])).all()
    with pytest.raises(ValueError, match="optimizer"):
        analysis.swing("lbfgs", 0.1, 1.0)
    with pytest.raises(ValueError, match="taus"):
        analysis.predicted_below(rec, [0.0])


def test_without_a_penalty_the_prediction_is_the_measurement():
    end = np.linspace(0.0, 1.0, GRID.size)
    rec = l1_record("sgd", 0.0, start=uniform_cdf(0.02), end=end)
    np.testing.assert_allclose(analysis.predicted_below(rec, GRID[[10, 30, 50]]), end[[10, 30, 50]])


def test_swing_prediction_on_a_known_start():
    """|w| uniform on (0, 0.02) at the start: half of the weights lie within reach 0.01 (a grid value); those
    are spread evenly over (0, s), so a fraction τ/s of them is below τ."""
    got = analysis.swing_prediction(uniform_cdf(0.02), 0.01, 0.001, [5e-4, 1e-3, 0.5])
    np.testing.assert_allclose(got, [0.25, 0.5, 0.5])
    assert analysis.swing_prediction(uniform_cdf(0.02), 5.0, 0.001, [1e-3]) == pytest.approx([1.0])  # all caught
    with pytest.raises(ValueError, match="s must"):
        analysis.swing_prediction(uniform_cdf(0.02), 0.01, 0.0, [1e-3])
    with pytest.raises(ValueError, match="taus"):
        analysis.swing_prediction(uniform_cdf(0.02), 0.01, 0.001, [-1e-3])


def test_median_abs_start_reads_the_recorded_cdf():
    rec = l1_record("sgd", 2.0, start=uniform_cdf(0.02), end=uniform_cdf(0.02))
    assert analysis.median_abs_start(rec) == pytest.approx(0.01, rel=0.05)
    assert analysis.median_abs_start(RunRecord.from_dict(rec)) == analysis.median_abs_start(rec)


def test_tau_index_accepts_only_recorded_thresholds():
    assert analysis.tau_index(paper.TABLE2_TAU) == grids.nearest(GRID, 1e-5, log=True) == 30
    with pytest.raises(ValueError, match="tau"):
        analysis.tau_index(3e-5)


# ----- Table 2 -----------------------------------------------------------------------------------------

def table2_page(control_acc=(0.3, 0.6), learning_epochs=4):
    """l1_vgg16 results: the six paper runs (4 epochs of 50 steps; SGD at λ1 = 2 with 40 % below τ, the others
    1 %; ‖w‖₁ 4000, 3000, 2000, 1000 over the epochs; accuracy 0.7), the three λ1 = 0 controls at α = 0.003
    (2 epochs, accuracy `control_acc`), and Adam at its learning step size (its control 2 epochs, λ1 = 2
    `learning_epochs`)."""
    runs = []
    for o in ("sgd", "rmsprop", "adam"):
        for lam in (0.002, 2.0):
            small = 0.4 if (o, lam) == ("sgd", 2.0) else 0.01
            runs.append(record(f"{o}-l1={lam:g}", optimizer=o, lr=ALPHA, l1=lam, loss=[1.0] * 4,
                               acc=[0.1, 0.3, 0.5, 0.7], norms=[4000.0, 3000.0, 2000.0, 1000.0],
                               small=[small / 4, small / 2, small, small], zeros=[0.0, 0.0, 0.0, 0.001]))
        runs.append(record(f"{o}-l1=0", optimizer=o, lr=ALPHA, loss=[1.0] * 2, acc=list(control_acc)))
    lr = analysis.LEARNING_LR["adam"]
    runs.append(record("adam-lr=0.0001-l1=0", optimizer="adam", lr=lr, loss=[1.0] * 2, acc=[0.85, 0.9]))
    runs.append(record("adam-lr=0.0001-l1=2", optimizer="adam", lr=lr, l1=2.0, loss=[1.0] * learning_epochs,
                       acc=[0.2 * (k + 1) for k in range(learning_epochs)], small=[0.05 * (k + 1) for k in range(learning_epochs)]))
    return page(runs)


def test_table2_reads_each_run_beside_the_paper_and_its_control():
    rows = analysis.table2(table2_page())
    assert [(r.optimizer, r.l1) for r in rows] == [("sgd", 0.002), ("rmsprop", 0.002), ("adam", 0.002),
                                                    ("sgd", 2.0), ("rmsprop", 2.0), ("adam", 2.0)]
    sgd = rows[3]
    assert (sgd.lr, sgd.steps, sgd.ours, sgd.paper) == (ALPHA, 200, pytest.approx(40.0), paper.TABLE2[("sgd", 2.0)])
    assert (sgd.zeros, sgd.l1_norm, sgd.val_acc, sgd.learned) == (pytest.approx(0.1), 1000.0, 0.7, True)
    assert sgd.control_acc == 0.6 and sgd.swing == pytest.approx(0.006)      # the control ran 2 epochs: its last
    # the swing's prediction: every weight caught (T s = 1.2), 1e-5 / 0.006 of them below τ
    assert sgd.predicted == pytest.approx(100 * 1e-5 / 0.006)
    assert np.isnan(rows[2].predicted) and rows[2].swing == ALPHA
    assert all(r.paper == paper.TABLE2[(r.optimizer, r.l1)] for r in rows)
    # read at the end of epoch 1: 50 steps, the control's first epoch, not learned yet
    early = analysis.table2(table2_page(), epoch=1)[3]
    assert (early.steps, early.ours, early.val_acc, early.learned, early.control_acc, early.l1_norm) == \
        (50, pytest.approx(10.0), 0.1, False, 0.3, 4000.0)
    # another step size: only its penalised runs, and no paper number
    (row,) = analysis.table2(table2_page(), lr=analysis.LEARNING_LR["adam"])
    assert (row.optimizer, row.l1, row.paper, row.control_acc) == ("adam", 2.0, None, 0.9)


def test_a_row_without_a_control_says_so():
    res = table2_page()
    del res["runs"]["sgd-l1=0"]
    rows = analysis.table2(res)
    assert rows[0].control_acc is None and rows[1].control_acc == 0.6


def test_learning_table_reads_each_run_when_its_control_ended():
    rows = analysis.learning_table(table2_page(learning_epochs=4), {"adam": analysis.LEARNING_LR["adam"]})
    assert len(rows) == 1
    row = rows[0]
    # its control ran 2 epochs: the λ1 = 2 run is read after 2 epochs of 50 steps
    assert (row.steps, row.val_acc, row.ours, row.control_acc, row.learned) == \
        (100, pytest.approx(0.4), pytest.approx(10.0), 0.9, False)
    assert analysis.learning_table(table2_page(), {"rmsprop": 1e-5}) == []
    assert analysis.LEARNING_LR == {"sgd": ALPHA, "rmsprop": 1e-5, "adam": 1e-4}


def test_table2_markdown_and_runs_markdown():
    rows = analysis.table2(table2_page())
    table = network_tables.table2_markdown(rows)
    assert "| SGD (NDGM) | 0.003 | 2 | 200 | 40.00 % | 0.18 % | 0.17 % | 0.10 % | 1000 | 0.700 | 0.600 |" in table
    assert "| Adam | 0.003 | 2 | 200 | 1.00 % | 2.28 % | – |" in table
    lone = network_tables.table2_markdown(analysis.table2(table2_page(), lr=1e-4))
    assert "| Adam | 0.0001 | 2 | 200 | 20.00 % | – | – |" in lone
    runs = analysis.as_runs(table2_page())
    listed = network_tables.runs_markdown([runs.runs["sgd-l1=2"], runs.runs["adam-l1=0"]])
    assert "| SGD (NDGM) | 0.003 | 2 | 200 | 1 | 0.700 | 1000 | yes |" in listed
    assert "| Adam | 0.003 | 0 | 100 | 1 | 0.600 | 100 | yes |" in listed
    assert "**no**" in network_tables.runs_markdown([analysis.as_runs(table2_page(control_acc=(0.1, 0.2))).runs["sgd-l1=0"]])


# ----- Figure 3: the collapse, the crossing and the norms ---------------------------------------------------

def test_collapse_of_a_network_spread_evenly_over_the_band():
    """P = 1000 weights spread evenly over (−αλ1, αλ1) have ‖w‖₁ = P·αλ1/2 = 1000 · 0.006 / 2 = 3."""
    res = page([record("sgd-l1=2", optimizer="sgd", lr=ALPHA, l1=2.0, loss=[1.0] * 2, norms=[10.0, 3.0],
                       small=[0.0, 1e-5 / 0.006], acc=[0.1, 0.1], n_params=1000),
                record("sgd-l1=0.002", optimizer="sgd", lr=ALPHA, l1=0.002, loss=[1.0] * 2, norms=[10.0, 9.0]),
                record("sgd-l1=0", optimizer="sgd", lr=ALPHA, loss=[1.0] * 2, norms=[10.0, 9.5])])
    c = analysis.collapse(res)
    assert (c.optimizer, c.l1, c.lr, c.n_params, c.l1_norm, c.val_acc) == ("sgd", 2.0, ALPHA, 1000, 3.0, 0.1)
    assert c.band_norm == pytest.approx(3.0) and c.ratio == pytest.approx(1.0, rel=1e-12)
    assert c.predicted_below == pytest.approx(100 * 1e-5 / 0.006) and c.below == pytest.approx(c.predicted_below)
    small = analysis.collapse(res, l1=0.002)
    assert small.l1 == 0.002 and small.band_norm == pytest.approx(1000 * 6e-6 / 2)
    assert small.ratio == pytest.approx(9.0 / 0.003) and small.predicted_below == 100.0    # τ > s: all of them
    with pytest.raises(ValueError, match="l1"):
        analysis.collapse(res, l1=0.5)
    with pytest.raises(ValueError, match="lr"):
        analysis.collapse(res, lr=0.1)


def crossing_runs(small_norms, large_final):
    small = RunRecord.from_dict(record("small", optimizer="sgd", l1=0.002, loss=[1.0] * len(small_norms),
                                       norms=small_norms))
    large = RunRecord.from_dict(record("large", optimizer="sgd", l1=2.0, loss=[1.0, 1.0], norms=[50.0, large_final]))
    return small, large


def test_crossing_step():
    # 50 steps per epoch; ‖w‖₁ 10, 8, 6: 2 per epoch, 0.04 per step; 3 more to 3.0 take 75 steps after 150
    assert analysis.crossing_step(*crossing_runs([10.0, 8.0, 6.0], 3.0)) == pytest.approx(225.0)
    # already below the large run's final ‖w‖₁ at the end of epoch 2: that epoch's last step
    assert analysis.crossing_step(*crossing_runs([10.0, 8.0, 6.0], 9.0)) == 100.0
    assert analysis.crossing_step(*crossing_runs([10.0, 8.0, 6.0], 8.0)) == 100.0     # reached exactly
    # not shrinking in the last epoch: never
    assert analysis.crossing_step(*crossing_runs([10.0, 8.0, 8.0], 3.0)) == np.inf
    assert analysis.crossing_step(*crossing_runs([10.0, 8.0, 9.0], 3.0)) == np.inf
    assert analysis.crossing_step(*crossing_runs([10.0], 3.0)) == np.inf


def test_figure3_reads_the_final_norms_and_the_controls():
    runs = []
    for o, small, large in (("sgd", 100.0, 50.0), ("rmsprop", 1000.0, 1000.0), ("adam", 10.0, 20.0)):
        for lam, norm in ((0.002, small), (2.0, large)):
            runs.append(record(f"{o}-l1={lam:g}", optimizer=o, lr=ALPHA, l1=lam, loss=[1.0] * 2, norms=[2 * norm, norm]))
    runs += [record("sgd-l1=0", optimizer="sgd", lr=ALPHA, loss=[1.0] * 2, acc=[0.5, 0.7]),
             record("adam-l1=0", optimizer="adam", lr=ALPHA, loss=[1.0] * 2, acc=[0.2, 0.1]),
             record("adam-other", optimizer="adam", lr=1e-4, l1=2.0, loss=[1.0] * 2, norms=[1.0, 1e6])]
    fig = analysis.figure3(page(runs))
    assert fig.lr == ALPHA and fig.lams == (0.002, 2.0)
    assert fig.final == {("sgd", 0.002): 100.0, ("sgd", 2.0): 50.0, ("rmsprop", 0.002): 1000.0,
                         ("rmsprop", 2.0): 1000.0, ("adam", 0.002): 10.0, ("adam", 2.0): 20.0}
    assert fig.spread(0.002) == 100.0 and fig.spread(2.0) == 50.0 and fig.spread(2.0, ("sgd", "adam")) == 2.5
    assert (fig.ratio("sgd"), fig.ratio("rmsprop"), fig.ratio("adam")) == (0.5, 1.0, 2.0)
    assert fig.learned == {"sgd": True, "rmsprop": None, "adam": False}
    assert fig.control_acc == {"sgd": 0.7, "rmsprop": None, "adam": 0.1}
    other = analysis.figure3(page(runs), lr=1e-4)
    assert other.final == {("adam", 2.0): 1e6} and other.learned == {"adam": None}


# ----- What works: exact zeros at working accuracy ------------------------------------------------------

def what_works_page():
    """Controls: SGD 0.85 (magnitude pruning 10/50/90 % → 0.85, 0.84, 0.30), Adam 0.80. SGD + L1 pruned at
    its swing: (10 %, 0.84), (30 %, 0.70); ProxSGD (20 %, 0.845), (60 %, 0.832), (95 %, 0.1); Adam + L1 (5 %,
    0.80); no ProxAdam run. Working accuracy with margin 0.02: >= 0.83."""
    def swing_point(zeros, acc):
        return {"swing": {"tau": 1e-5, "zeros": zeros, "val_loss": 1.0, "val_acc": acc}}

    magnitude = {"magnitude": [{"fraction": f, "tau": f / 100, "zeros": f, "val_loss": 1.0, "val_acc": a}
                               for f, a in ((0.1, 0.85), (0.5, 0.84), (0.9, 0.30))]}
    runs = [record("sgd-l1=0", optimizer="sgd", lr=ALPHA, acc=[0.5, 0.85], pruning=magnitude),
            record("adam-l1=0", optimizer="adam", lr=1e-4, acc=[0.5, 0.80]),
            record("sgd-l1=1e-3", optimizer="sgd", lr=ALPHA, l1=1e-3, pruning=swing_point(0.1, 0.84)),
            record("sgd-l1=5e-3", optimizer="sgd", lr=ALPHA, l1=5e-3, pruning=swing_point(0.3, 0.70)),
            record("adam-l1=1e-5", optimizer="adam", lr=1e-4, l1=1e-5, pruning=swing_point(0.05, 0.80)),
            record("adam-l1=1e-4", optimizer="adam", lr=1e-4, l1=1e-4)]            # no pruning stored: no point
    for lam, zeros, acc in ((1e-4, 0.2, 0.845), (1e-3, 0.6, 0.832), (5e-3, 0.95, 0.1)):
        runs.append(record(f"prox-sgd-l1={lam:g}", optimizer="prox-sgd", lr=ALPHA, l1=lam, zeros=[0.0, zeros],
                           acc=[0.5, acc]))
    return page(runs, "what_works")


def test_sparsity_at_accuracy_picks_the_most_zeros_within_the_margin():
    res = analysis.sparsity_at_accuracy(what_works_page(), margin=0.02)
    assert set(res.controls) == {"sgd", "adam"} and res.reference_acc == 0.85 and res.controls_learned
    assert set(res.curves) == {"sgd", "adam", "prox-sgd", "prox-adam", "magnitude-sgd"}
    sgd = res.curves["sgd"]
    np.testing.assert_array_equal(sgd.zeros, [0.0, 0.1, 0.3])
    np.testing.assert_array_equal(sgd.val_acc, [0.85, 0.84, 0.70])
    assert sgd.settings == ("λ1 = 0", "λ1 = 0.001", "λ1 = 0.005") and sgd.label == analysis.METHODS["sgd"]
    assert res.curves["adam"].settings == ("λ1 = 0", "λ1 = 1e-05")
    assert res.curves["prox-adam"].settings == ("λ1 = 0",)        # only the shared control
    assert res.curves["magnitude-sgd"].settings == ("unpruned", "10% pruned", "50% pruned", "90% pruned")
    assert {m: res.sparsity(m) for m in res.curves} == {"sgd": 0.1, "adam": 0.0, "prox-sgd": 0.6, "prox-adam": 0.0,
                                                        "magnitude-sgd": 0.5}
    assert res.best(("sgd", "prox-sgd", "magnitude-sgd")) == ("prox-sgd", 0.6)
    assert res.best(("sgd", "adam", "magnitude-adam")) == ("sgd", 0.1)           # absent methods are skipped
    # a wider margin admits more; none at all when every point is below the bar
    assert analysis.sparsity_at_accuracy(what_works_page(), margin=0.2).sparsity("sgd") == 0.3
    assert res.curves["prox-sgd"].best_zeros(0.9) == 0.0
    with pytest.raises(ValueError, match="margin"):
        analysis.sparsity_at_accuracy(what_works_page(), margin=1.5)


def test_sparsity_at_accuracy_numbers_are_what_the_page_prints():
    """The page glues these under wn_: each method's sparsity in %, the reference, the margin as printed and the
    sparsest method that still works, in words."""
    got = analysis.sparsity_at_accuracy(what_works_page(), margin=0.02).numbers()
    assert got["ref_acc"] == 0.85 and got["margin"] == "0.02"
    assert {k: v for k, v in got.items() if k.endswith("_sparsity")} == {
        "sgd_sparsity": 10.0, "adam_sparsity": 0.0, "prox-sgd_sparsity": 60.0, "prox-adam_sparsity": 0.0,
        "magnitude-sgd_sparsity": 50.0}
    assert got["best"] == analysis.METHODS["prox-sgd"] == "ProxSGD"
    assert analysis.sparsity_at_accuracy(what_works_page(), margin=0.2).numbers()["sgd_sparsity"] == 30.0


def test_the_controls_decide_whether_anything_learned():
    res = what_works_page()
    res["runs"]["adam-l1=0"]["history"]["val_acc"][-1] = 0.2
    assert not analysis.sparsity_at_accuracy(res).controls_learned
    none = page([record("prox-sgd-l1=1", optimizer="prox-sgd", lr=ALPHA, l1=1.0, zeros=[0.0, 0.5])], "what_works")
    got = analysis.sparsity_at_accuracy(none)
    assert got.controls == {} and not got.controls_learned and list(got.curves) == ["prox-sgd"]


def test_curves_markdown_lists_every_point():
    table = network_tables.curves_markdown(analysis.sparsity_at_accuracy(what_works_page()))
    assert "| ProxSGD | λ1 = 0.001 | 60.00 % | 0.832 |" in table
    assert "| magnitude pruning (SGD, λ1 = 0) | 90% pruned | 90.00 % | 0.300 |" in table
    assert table.count("\n") == 1 + 3 + 2 + 4 + 1 + 4


# ----- sweeps and stored reports -----------------------------------------------------------------------------

def sweep_results(table):
    """`table[(optimizer, λ1)]` = (zeros, below 1e-5, ‖w‖₁, accuracy) as a page's merged results."""
    k = analysis.tau_index(paper.TABLE2_TAU)
    runs = []
    for (opt, lam), (zeros, below, l1, acc) in table.items():
        end = [0.0] * len(GRID)
        end[k] = below
        runs.append(record(f"{opt}-{lam}", optimizer=opt, l1=lam, lr=0.003, loss=(1.0,), acc=(acc,), norms=(l1,),
                           zeros=(zeros,), end=end))
    return page(runs, "what_works")


def test_l1_sweeps_read_each_optimizer_against_lambda1_and_name_the_trend():
    res = sweep_results({("sgd", 0.2): (0.0, 0.02, 800.0, 0.8), ("sgd", 0.02): (0.0, 0.03, 900.0, 0.8),
                         ("sgd", 2.0): (0.0, 0.01, 700.0, 0.7),
                         ("prox-sgd", 0.02): (0.1, 0.1, 500.0, 0.8), ("prox-sgd", 0.2): (0.5, 0.5, 100.0, 0.6),
                         ("prox-sgd", 2.0): (0.9, 0.9, 1.0, 0.1)})
    sw = analysis.l1_sweeps(res)
    assert list(sw) == ["sgd", "prox-sgd"]
    np.testing.assert_array_equal(sw["sgd"].lam1, [0.02, 0.2, 2.0])
    np.testing.assert_array_equal(sw["sgd"].below, [0.03, 0.02, 0.01])
    assert (sw["sgd"].trend("zeros"), sw["sgd"].trend("below"), sw["sgd"].trend("l1_norm")) == ("flat", "shrinks", "shrinks")
    assert (sw["prox-sgd"].trend("zeros"), sw["prox-sgd"].trend("val_acc")) == ("grows", "shrinks")
    assert sw["prox-sgd"].expected() and not sw["sgd"].expected()
    bumpy = analysis.L1Sweep("adam", np.array([1.0, 2, 3]), np.array([0.1, 0.0, 0.2]), *(np.zeros(3),) * 3)
    assert bumpy.trend("zeros") == "not monotone"
    with pytest.raises(ValueError, match="metric"):
        bumpy.trend("loss")
    table = network_tables.sweeps_markdown(sw)
    assert "| ProxSGD | 2 | 90 % | 90.00 % | 1 | 0.100 |" in table and "*grows*" in table


def test_the_swing_of_the_proximal_optimizers_is_their_thresholds_scale():
    assert analysis.swing("prox-sgd", 0.01, 2.0) == pytest.approx(0.02)
    assert analysis.swing("prox-adam", 0.01, 2.0) == 0.01
    with pytest.raises(ValueError, match="optimizer"):
        analysis.swing("lion", 0.01, 2.0)


def test_stored_reports_come_back_in_order_with_the_accuracy_and_as_a_table():
    import torch

    from ndgm.networks import sparsity_check

    torch.manual_seed(0)
    net = torch.nn.Linear(20, 5)
    with torch.no_grad():
        net.weight[:2] = 0.0
    rep = lambda opt, lam: sparsity_check.check_network(net, 0.003, lam, opt).as_dict()
    res = page([record("b", optimizer="prox-sgd", l1=0.2, sparsity=rep("prox-sgd", 0.2), acc=[0.9, 0.9]),
                record("a", optimizer="sgd", l1=2.0, sparsity=rep("sgd", 2.0), acc=[0.5, 0.15]),
                record("c", optimizer="sgd", l1=0.2, sparsity=rep("sgd", 0.2), acc=[0.5, 0.9]),
                record("old", optimizer="adam", l1=0.2)], "what_works")
    got = analysis.sparsity_reports(res)
    assert [(o, lam) for o, lam, _ in got] == [("sgd", 0.2), ("sgd", 2.0), ("prox-sgd", 0.2)]
    assert [(r.accuracy, r.chance) for _, _, r in got] == [(0.9, 0.1), (0.15, 0.1), (0.9, 0.1)]
    back = got[0][2]
    fresh = sparsity_check.check_network(net, 0.003, 0.2, "sgd", accuracy=0.9, chance=0.1)
    assert back.verdict == fresh.verdict and back.kind == fresh.kind == "sparse"
    np.testing.assert_array_equal(back.overall.below, fresh.overall.below)
    assert back.markdown() == fresh.markdown()
    # accuracy 0.15 is below twice chance (0.2): dead, however sparse; with chance 0.05 it is not
    assert got[1][2].kind == "dead" and "dead" in got[1][2].verdict
    assert analysis.sparsity_reports(res, chance=0.05)[1][2].kind == "sparse"
    table = network_tables.reports_markdown(got)
    assert table.count("| sparse |") == 2 and table.count("| dead |") == 1
    assert f"{100 * fresh.overall.zeros:.2f} %" in table
    with pytest.raises(ValueError, match="tau"):
        network_tables.reports_markdown(got, tau=3e-5)
    with pytest.raises(ValueError, match="chance"):
        analysis.sparsity_reports(res, chance=0.0)


def test_report_kinds_counts_each_verdict_and_shows_the_first_oscillating_network():
    import torch

    from ndgm.networks import sparsity_check

    torch.manual_seed(0)
    net = torch.nn.Linear(20, 5)
    with torch.no_grad():
        net.weight[:2] = 0.0
    small = torch.nn.Linear(200, 5)
    with torch.no_grad():
        small.weight.mul_(1e-3)                       # |w| < 1e-4: inside the swing 0.003 * 0.2 = 6e-4, none 0
    rep = lambda model, opt, lam: sparsity_check.check_network(model, 0.003, lam, opt).as_dict()
    res = page([record("b", optimizer="prox-sgd", l1=0.2, sparsity=rep(net, "prox-sgd", 0.2), acc=[0.9, 0.9]),
                record("a", optimizer="sgd", l1=2.0, sparsity=rep(net, "sgd", 2.0), acc=[0.5, 0.15]),
                record("c", optimizer="sgd", l1=0.2, sparsity=rep(small, "sgd", 0.2), acc=[0.5, 0.9])], "what_works")
    reports = analysis.sparsity_reports(res)
    assert [r.kind for _, _, r in reports] == ["oscillation", "dead", "sparse"]
    got, shown = analysis.report_kinds(reports)
    assert got == {"net_osc": 1, "net_dead": 1, "net_sparse": 1, "net_runs": 3, "net_shown": "SGD (NDGM) at λ1 = 0.2"}
    assert shown is reports[0][2]
    # no oscillating network: the first is shown
    got, shown = analysis.report_kinds(reports[1:])
    assert got["net_osc"] == 0 and got["net_runs"] == 2 and got["net_shown"] == "SGD (NDGM) at λ1 = 2" and shown is reports[1][2]
    with pytest.raises(ValueError, match="reports"):
        analysis.report_kinds([])


def _pilot(accs: dict):
    """A merged relu_vs_gelu result with only pilot runs: `accs` maps (lr, activation) to final accuracy."""
    runs = [syn.record(f"{PILOT_PREFIX}adam-lr={lr:g}-vgg19-{act}-nobn-seed100",
                       {"depth": 19, "activation": act, "batch_norm": False},
                       {"optimizer": "adam", "lr": lr, "l1": 0.0, "epochs": 2, "batch_size": 10, "seed": 100},
                       loss=[2.3, 2.0], acc=[0.1, acc])
            for (lr, act), acc in accs.items()]
    return syn.merged("relu_vs_gelu", runs)


def test_pilot_runs_are_kept_apart_and_the_rule_takes_the_first_rate_where_every_run_learned():
    adam = dict(optimizer="adam", momentum=0.0, init="default")
    results = _pilot({(1e-3, "relu"): 0.1, (1e-3, "gelu"): 0.7, (3e-4, "relu"): 0.6, (3e-4, "gelu"): 0.7,
                      (1e-4, "relu"): 0.6, (1e-4, "gelu"): 0.6})
    runs = analysis.as_runs(results)
    assert runs.runs == {} and len(runs.pilot) == 6             # never among the runs the claims compare
    steps = analysis.pilot(results, adam, (1e-3, 3e-4, 1e-4))
    assert [p.learned for p in steps] == [False, True, True] and all(len(p.runs) == 2 for p in steps)
    assert analysis.pilot_choice(results, adam, (1e-3, 3e-4, 1e-4)) == 3e-4
    assert analysis.pilot_choice(results, adam, (1e-4, 1e-3)) == 1e-4                # the listed order decides
    failed = _pilot({(1e-3, "relu"): 0.1, (1e-4, "relu"): 0.2})
    assert analysis.pilot_choice(failed, adam, (1e-3, 1e-4)) == 1e-3                  # none learned: the first
    assert analysis.pilot(failed, adam, (3e-4,))[0].learned is False                  # no runs is no evidence
    table = network_tables.pilot_markdown(results, {"adam": adam}, {"adam": (1e-3, 3e-4, 1e-4)})
    assert "| Adam | 0.0003 | VGG19 gelu 0.70, VGG19 relu 0.60 | 2 / 2 | yes |" in table
    assert "| Adam | 0.001 |" in table and table.count("| yes |") == 1
