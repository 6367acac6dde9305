"""ndgm.networks.experiments: the grids of runs, result files, twins across pages, pruning, merging and which scale a
page shows."""
import json
import os
from types import SimpleNamespace

import numpy as np
import pytest
import torch

from book_toc import ROOT
from ndgm import paper
from ndgm.networks import analysis, experiments, sparsity_check, store, train
from ndgm.networks.experiments import FIGURE2_NETWORKS, RECIPES, SOFTPLUS_BETAS
from ndgm.networks.run_records import PILOT_PREFIX


def model_of(run):
    return dict(run.model)


@pytest.mark.parametrize("scale", store.SCALES)
def test_figure2_grid_pairs_every_network_by_seed(scale):
    grid = [r for r in experiments.runs("relu_vs_gelu", scale) if not r.name.startswith(PILOT_PREFIX)]
    seeds = experiments.RELU_VS_GELU[scale]["seeds"]
    assert len(seeds) >= 2 and len({r.name for r in grid}) == len(grid)
    assert len(grid) == (2 * len(FIGURE2_NETWORKS) + len(SOFTPLUS_BETAS) + 2 * (len(RECIPES) - 1)) * len(seeds)
    assert all(model_of(r)["pool"] == "avg" and r.config.l1 == 0 for r in grid)       # Appendix A.1's change
    main_recipe = RECIPES[experiments.MAIN_RECIPE]
    assert {k: main_recipe[k] for k in ("optimizer", "momentum", "init")} == analysis.MAIN_RECIPE

    def recipe_of(r):
        return next(k for k, v in RECIPES.items() if v == dict(optimizer=r.config.optimizer, lr=r.config.lr,
                                                             momentum=r.config.momentum,
                                                             init=model_of(r).get("init", "default")))
    adam = [r for r in grid if recipe_of(r) == experiments.MAIN_RECIPE]
    main = {(m["depth"], m["batch_norm"], m["activation"], r.config.seed) for r in adam
            for m in [model_of(r)] if m["activation"] != "softplus"}
    assert main == {(d, bn, act, s) for d, bn in FIGURE2_NETWORKS for act in ("relu", "gelu") for s in seeds}
    assert {d for d, bn in FIGURE2_NETWORKS if not bn} == {11, 13, 16, 19} and {d for d, bn in FIGURE2_NETWORKS if bn} == {11, 19}
    soft = [r for r in grid if model_of(r)["activation"] == "softplus"]
    assert all(recipe_of(r) == experiments.MAIN_RECIPE for r in soft)
    assert {(model_of(r)["depth"], model_of(r)["batch_norm"], model_of(r)["beta"], r.config.seed) for r in soft} == \
        {(19, False, b, s) for b in SOFTPLUS_BETAS for s in seeds}
    assert all("beta" not in model_of(r) for r in grid if model_of(r)["activation"] != "softplus")
    others = [r for r in grid if recipe_of(r) != experiments.MAIN_RECIPE]
    assert {(model_of(r)["depth"], model_of(r)["batch_norm"], model_of(r)["activation"], recipe_of(r), r.config.seed)
            for r in others} == {(experiments.RECIPE_DEPTH, False, act, recipe, s) for act in ("relu", "gelu")
                                 for recipe in RECIPES if recipe != experiments.MAIN_RECIPE for s in seeds}
    # a pair differs in its activation only: the same data, configuration (seed included) and shape
    by = {(model_of(r)["depth"], model_of(r)["batch_norm"], model_of(r)["activation"], r.config.seed): r for r in adam
          if model_of(r)["activation"] != "softplus"}
    for (d, bn, act, s), r in by.items():
        twin = by[(d, bn, "gelu" if act == "relu" else "relu", s)]
        assert twin.config == r.config and twin.data == r.data
        assert {k: v for k, v in model_of(twin).items() if k != "activation"} == \
            {k: v for k, v in model_of(r).items() if k != "activation"}


@pytest.mark.parametrize("scale", store.SCALES)
def test_figure2_pilot_tries_each_recipes_rates_on_a_seed_the_main_runs_do_not_use(scale):
    """At cpu and paper scale the pilot trains every network of FIGURE2_PILOT; the smoke scale only its shallowest."""
    pilot = [r for r in experiments.runs("relu_vs_gelu", scale) if r.name.startswith(PILOT_PREFIX)]
    p = experiments.FIGURE2_PILOT
    assert not set(p["seeds"]) & set(experiments.RELU_VS_GELU[scale]["seeds"])
    assert {r.config.seed for r in pilot} == set(p["seeds"])
    for recipe, rates in p["lr"].items():
        r = RECIPES[recipe]
        mine = [x for x in pilot if x.config.optimizer == r["optimizer"] and x.config.momentum == r["momentum"]
                and model_of(x).get("init", "default") == r["init"]]
        depths = experiments.RELU_VS_GELU[scale]["pilot_depths"]
        shapes = sum(d in depths for d, *_ in p["networks"]) if r["optimizer"] == "adam" else 2
        assert {model_of(x)["depth"] for x in mine} <= set(depths)
        assert sorted({x.config.lr for x in mine}) == sorted(rates) and len(mine) == shapes * len(rates) * len(p["seeds"])
        assert all(not model_of(x)["batch_norm"] for x in mine)


def test_each_recipes_step_size_is_the_one_its_cpu_pilot_chose():
    """The committed cpu results hold the pilot; its rule (the first rate under which every pilot run learned,
    else the first rate) gives each recipe's rate in RECIPES."""
    results = store.best("relu_vs_gelu", str(ROOT / "book" / "results"))
    assert results["scale"] == "cpu"
    p = experiments.FIGURE2_PILOT
    for recipe, rates in p["lr"].items():
        assert RECIPES[recipe]["lr"] == analysis.pilot_choice(results, RECIPES[recipe], rates), recipe
    passed = [r for r in p["main"] if any(step.learned for step in analysis.pilot(results, RECIPES[r], p["lr"][r]))]
    assert experiments.MAIN_RECIPE == passed[0]


@pytest.mark.parametrize("scale", store.SCALES)
def test_l1_vgg16_grid_has_table2_its_controls_and_the_learning_step_sizes(scale):
    grid = experiments.runs("l1_vgg16", scale)
    s = experiments.L1_VGG16[scale]
    assert len(grid) == 15 and len({r.name for r in grid}) == 15
    at_alpha = {(r.config.optimizer, r.config.l1): r.config.epochs for r in grid if r.config.lr == experiments.PAPER_LR}
    assert at_alpha == {**{(o, lam): s["epochs"] for o in ("sgd", "rmsprop", "adam") for lam in (0.002, 2.0)},
                        **{(o, 0.0): s["short_epochs"] for o in ("sgd", "rmsprop", "adam")}}
    learning = {(r.config.optimizer, r.config.lr, r.config.l1, r.config.epochs) for r in grid
                if r.config.lr != experiments.PAPER_LR}
    assert learning == {(o, analysis.LEARNING_LR[o], lam, s["short_epochs"]) for o in ("rmsprop", "adam")
                        for lam in (0.0, 0.002, 2.0)}
    assert experiments.PAPER_L1 == (0.002, 2.0) and experiments.PAPER_LR == paper.SECTION4_NETWORK["lr"]
    assert {(r.model, r.data, r.config.batch_size, r.config.seed) for r in grid} == \
        {(grid[0].model, grid[0].data, s["batch_size"], 0)}


def test_l1_vgg16_at_the_papers_scale():
    big = experiments.runs("l1_vgg16", "paper")[0]
    assert big.config.epochs == 200 and big.config.batch_size == 512 and dict(big.data)["name"] == "cifar10"
    assert dict(experiments.runs("l1_vgg16", "cpu")[0].model)["weights"] == "lpips"


@pytest.mark.parametrize("scale", store.SCALES)
def test_what_works_grid_is_each_optimizer_over_its_lambda1_at_its_step_size(scale):
    grid = experiments.runs("what_works", scale)
    assert {(r.config.optimizer, r.config.l1) for r in grid} == \
        {(o, lam) for o, lams in experiments.WHAT_WORKS_GRID[scale].items() for lam in lams}
    assert all(r.config.lr == experiments.WHAT_WORKS_LR[r.config.optimizer] for r in grid)
    assert experiments.WHAT_WORKS_LR == {"sgd": 0.003, "prox-sgd": 0.003, "adam": 1e-4, "prox-adam": 1e-4}
    assert {r.config.l1 for r in grid if r.config.optimizer in ("sgd", "adam")} >= {0.0}     # the controls
    assert all(r.config.l1 > 0 for r in grid if r.config.optimizer.startswith("prox-"))
    fig3 = experiments.runs("l1_vgg16", scale)[0]
    assert {(r.model, r.data, r.config.batch_size) for r in grid} == {(fig3.model, fig3.data, fig3.config.batch_size)}
    assert len({r.name for r in grid}) == len(grid)


def identical(a, b):
    return a.model == b.model and a.data == b.data and a.config == b.config


@pytest.mark.parametrize("scale", ["smoke", "cpu"])
def test_the_unpenalised_runs_are_shared_between_l1_vgg16_and_what_works(scale):
    fig3, works = experiments.runs("l1_vgg16", scale), experiments.runs("what_works", scale)
    shared = {(a.name, b.name) for a in fig3 for b in works if identical(a, b)}
    assert shared == {("sgd-l1=0", "sgd-lr=0.003-l1=0"), ("adam-lr=0.0001-l1=0", "adam-lr=0.0001-l1=0")}


def test_bad_names_are_refused():
    with pytest.raises(ValueError, match="page"):
        experiments.runs("figure9", "smoke")
    with pytest.raises(ValueError, match="scale"):
        experiments.runs("l1_vgg16", "huge")
    with pytest.raises(ValueError, match="name"):
        experiments.find("l1_vgg16", "smoke", "sgd-l1=3")
    with pytest.raises(ValueError, match="device"):
        experiments.resolve_device("tpu:7")


def test_build_model_makes_the_recipe_and_softplus_networks():
    grid = {r.name: r for r in experiments.runs("relu_vs_gelu", "smoke")}
    he, words = experiments.build_model(grid["vgg11-relu-nobn-sgdm-kaiming-seed0"])
    assert "He" in words
    assert all(float(m.bias.detach().abs().max()) == 0.0 for m in he.modules() if isinstance(m, torch.nn.Conv2d))
    default, words = experiments.build_model(grid["vgg11-relu-nobn-sgdm-seed0"])
    assert "PyTorch's defaults" in words
    assert any(float(m.bias.detach().abs().max()) > 0 for m in default.modules() if isinstance(m, torch.nn.Conv2d))
    soft, _ = experiments.build_model(grid["vgg19-softplus4-nobn-seed1"])
    betas = {m.beta for m in soft.modules() if isinstance(m, torch.nn.Softplus)}
    assert betas == {4.0}
    # the seed fixes the initial weights: a pair shares them
    relu, _ = experiments.build_model(grid["vgg11-relu-nobn-seed1"])
    gelu, _ = experiments.build_model(grid["vgg11-gelu-nobn-seed1"])
    for p, q in zip(relu.parameters(), gelu.parameters()):
        assert torch.equal(p, q)


def hand_record(run, **changes):
    """A run file as execute would write it, made by hand (no training)."""
    d = run.as_dict()
    for k, v in changes.items():
        d[k] = {**d[k], **v}
    return {**d, "data_used": {"n_train": 256}, "history": {"epoch": [1, 2], "val_acc": [0.1, 0.2]}, "wall_s": 1.0}


def test_a_twin_on_another_page_is_copied_relabelled(tmp_path):
    results = str(tmp_path)
    fig3 = experiments.find("l1_vgg16", "smoke", "adam-lr=0.0001-l1=0")
    works = experiments.find("what_works", "smoke", "adam-lr=0.0001-l1=0")
    sgd_works = experiments.find("what_works", "smoke", "sgd-lr=0.003-l1=0")
    assert experiments._twin(works, results) is None                 # nothing there yet
    experiments.write_json_atomic(hand_record(fig3), experiments.run_path(results, fig3))
    twin = experiments._twin(works, results)
    assert twin["page"] == "what_works" and twin["name"] == works.name
    assert twin["twin_of"] == "l1_vgg16/adam-lr=0.0001-l1=0"
    assert twin["history"] == {"epoch": [1, 2], "val_acc": [0.1, 0.2]} and twin["config"] == works.as_dict()["config"]
    assert experiments._twin(sgd_works, results) is None             # another configuration is no twin
    assert experiments._twin(fig3, results) is None                  # a page's own run is not its twin
    # at another scale the file is not looked at
    assert experiments._twin(experiments.find("what_works", "cpu", "adam-lr=0.0001-l1=0"), results) is None
    # execute copies it instead of training (no data is loaded: the record has no environment)
    got = experiments.execute(works, results, progress=False)
    assert got == twin
    with open(experiments.run_path(results, works)) as f:
        assert json.load(f) == twin
    assert not os.path.exists(experiments.checkpoint_path(results, works))


def test_a_twin_with_other_settings_is_not_copied(tmp_path):
    results = str(tmp_path)
    fig3 = experiments.find("l1_vgg16", "smoke", "adam-lr=0.0001-l1=0")
    works = experiments.find("what_works", "smoke", "adam-lr=0.0001-l1=0")
    experiments.write_json_atomic(hand_record(fig3, config={"epochs": 3}), experiments.run_path(results, fig3))
    experiments.write_json_atomic(hand_record(fig3, data={"n_train": 9}),
                                  os.path.join(results, "runs", "l1_vgg16", "smoke", "other.json"))
    assert experiments._twin(works, results) is None


def test_execute_refuses_a_run_file_made_with_other_settings(tmp_path):
    results = str(tmp_path)
    run = experiments.find("l1_vgg16", "smoke", "sgd-l1=2")
    path = experiments.run_path(results, run)
    experiments.write_json_atomic(hand_record(run, config={"lr": 0.01}), path)
    with pytest.raises(ValueError, match=r"sgd-l1=2\.json was made with other settings than run l1_vgg16/sgd-l1=2"):
        experiments.execute(run, results, progress=False)
    experiments.write_json_atomic(hand_record(run, model={"width": 1.0}), path)
    with pytest.raises(ValueError, match="other settings"):
        experiments.execute(run, results, progress=False)
    # the same settings: the file is the result, whatever else it holds
    experiments.write_json_atomic(hand_record(run), path)
    assert experiments.execute(run, results, progress=False) == hand_record(run)


def tiny():
    torch.manual_seed(0)
    model = torch.nn.Sequential(torch.nn.Flatten(), torch.nn.Linear(12, 4))       # 52 parameters, all distinct
    g = torch.Generator().manual_seed(1)
    x = torch.randn(40, 3, 2, 2, generator=g)
    return model, SimpleNamespace(x_test=x, y_test=torch.randint(0, 4, (40,), generator=g))


def test_pruning_a_penalised_run_at_its_swing_and_a_control_by_magnitude():
    model, data = tiny()
    before = [p.detach().clone() for p in model.parameters()]
    w = torch.cat([p.detach().reshape(-1) for p in model.parameters()]).double().abs()
    sgd = experiments.pruning(model, data, train.Config("sgd", lr=0.1, l1=0.5), "cpu")
    assert list(sgd) == ["swing"]
    assert sgd["swing"]["tau"] == pytest.approx(0.05) and sgd["swing"]["zeros"] == float(np.mean(w.numpy() < 0.05))
    adam = experiments.pruning(model, data, train.Config("adam", lr=0.02, l1=0.5), "cpu")
    assert adam["swing"]["tau"] == 0.02                          # about α for Adam
    assert experiments.pruning(model, data, train.Config("prox-sgd", lr=0.1, l1=0.5), "cpu") == {}
    control = experiments.pruning(model, data, train.Config("sgd", lr=0.1, l1=0.0), "cpu")
    rows = control["magnitude"]
    assert [r["fraction"] for r in rows] == list(experiments.PRUNE_FRACTIONS)
    # distinct weights: exactly ⌈f·P⌉ of the P = 52 are pruned
    assert [r["zeros"] for r in rows] == [np.ceil(f * 52) / 52 for f in experiments.PRUNE_FRACTIONS]
    assert all(set(r) == {"fraction", "tau", "zeros", "val_loss", "val_acc"} for r in rows)
    for p, q in zip(model.parameters(), before):                  # pruning leaves the weights as they were
        assert torch.equal(p, q)


def test_execute_collect_and_best(tmp_path):
    results = str(tmp_path)
    grid = experiments.runs("l1_vgg16", "smoke")
    assert experiments.collect("l1_vgg16", "smoke", results) is None
    assert store.best("l1_vgg16", results) is None
    first = experiments.execute(grid[0], results, progress=False)
    assert os.path.exists(experiments.run_path(results, grid[0]))
    assert not os.path.exists(experiments.checkpoint_path(results, grid[0]))
    assert first["config"]["optimizer"] == grid[0].config.optimizer and first["data_used"]["name"] == "synthetic"
    assert len(first["history"]["epoch"]) == grid[0].config.epochs
    report = sparsity_check.NetworkSparsity.from_dict(first["sparsity"])     # check_network on the final weights
    assert report.overall.size == first["n_params"]
    assert report.swing == analysis.swing(grid[0].config.optimizer, grid[0].config.lr, grid[0].config.l1)
    assert report.overall.zeros == first["history"]["zeros"][-1]
    assert report.accuracy == first["history"]["val_acc"][-1] and report.chance == 0.1     # ten classes
    # SGD at λ1 = 0.002 is pruned at its swing αλ1
    assert list(first["pruning"]) == ["swing"]
    assert first["pruning"]["swing"]["tau"] == pytest.approx(0.003 * 0.002)
    assert first["pruning"]["swing"]["zeros"] >= first["history"]["zeros"][-1]
    # a finished run is read back, not trained again
    again = experiments.execute(grid[0], results, progress=False)
    assert again == json.loads(json.dumps(first))
    assert experiments.collect("l1_vgg16", "smoke", results) is None      # fourteen runs still missing
    rules = {"claim-1": "a rule fixed before the runs"}
    merged = experiments.reproduce("l1_vgg16", "smoke", results, progress=False, rules=rules)
    assert set(merged["runs"]) == {r.name for r in grid} and merged["rules"] == rules
    assert "0.0002" in merged["notes"]                 # the paper's two versions of the small λ1
    control = merged["runs"]["sgd-l1=0"]["pruning"]["magnitude"]
    assert [r["fraction"] for r in control] == list(experiments.PRUNE_FRACTIONS)
    assert all(r["zeros"] >= r["fraction"] for r in control)
    assert store.best("l1_vgg16", results)["scale"] == "smoke"
    with open(store.page_path(results, "l1_vgg16", "smoke")) as f:
        assert json.load(f)["rules"] == rules
    # a larger completed scale wins
    with open(store.page_path(results, "l1_vgg16", "cpu"), "w") as f:
        json.dump({**merged, "scale": "cpu"}, f)
    assert store.best("l1_vgg16", results)["scale"] == "cpu"
    assert experiments.results_for_page("l1_vgg16", None, results)["scale"] == "cpu"


def test_results_for_page_runs_smoke_in_a_temporary_folder_when_none_exist(tmp_path):
    shown = experiments.results_for_page("what_works", None, str(tmp_path))
    assert shown["scale"] == "smoke" and len(shown["runs"]) == len(experiments.runs("what_works", "smoke"))
    assert shown["rules"] == {}
    assert os.listdir(tmp_path) == []
