"""ndgm.experiments: the grids of runs, result files, merging and which scale a page shows."""
import json
import os

import pytest

from ndgm import experiments, netcheck, netresults, paper


def test_grids_match_the_papers_experiments():
    fig2 = experiments.runs("relu_vs_gelu", "paper")
    combos = {(dict(r.model)["depth"], dict(r.model)["activation"], dict(r.model)["batch_norm"]) for r in fig2}
    assert combos == {(d, a, b) for d in (11, 19) for a in ("relu", "gelu") for b in (False, True)}
    assert all(dict(r.model)["pool"] == "avg" for r in fig2)          # Appendix A.1's change
    assert len({r.config.seed for r in fig2}) >= 2
    for scale in netresults.SCALES:
        fig3 = experiments.runs("l1_vgg16", scale)
        assert {(r.config.optimizer, r.config.l1) for r in fig3} == \
            {(o, lam) for o in ("sgd", "rmsprop", "adam") for lam in (0.002, 2.0)}
        assert all(r.config.lr == paper.SECTION4_NETWORK["lr"] for r in fig3)
        assert len({r.name for r in fig3}) == 6
    big = experiments.runs("l1_vgg16", "paper")[0]
    assert big.config.epochs == 200 and big.config.batch_size == 512 and dict(big.data)["name"] == "cifar10"
    assert dict(experiments.runs("l1_vgg16", "cpu")[0].model)["weights"] == "lpips"


def test_what_works_grid_pits_each_optimizer_against_its_proximal_twin():
    for scale in netresults.SCALES:
        grid = experiments.runs("what_works", scale)
        lams = sorted({r.config.l1 for r in grid})
        assert len(lams) >= 4 and lams == sorted(set(lams))
        assert {(r.config.optimizer, r.config.l1) for r in grid} == \
            {(o, lam) for o in ("sgd", "prox-sgd", "adam", "prox-adam") for lam in lams}
        assert all(r.config.lr == paper.SECTION4_NETWORK["lr"] for r in grid)
        fig3 = experiments.runs("l1_vgg16", scale)[0]
        assert {(r.model, r.data, r.config.batch_size) for r in grid} == {(fig3.model, fig3.data, fig3.config.batch_size)}


def test_bad_names_are_refused():
    with pytest.raises(ValueError, match="page"):
        experiments.runs("figure9", "smoke")
    with pytest.raises(ValueError, match="scale"):
        experiments.runs("l1_vgg16", "huge")
    with pytest.raises(ValueError, match="name"):
        experiments.find("l1_vgg16", "smoke", "sgd-l1=3")
    with pytest.raises(ValueError, match="device"):
        experiments.resolve_device("tpu:7")


def test_execute_collect_and_best(tmp_path):
    results = str(tmp_path)
    grid = experiments.runs("l1_vgg16", "smoke")
    assert experiments.collect("l1_vgg16", "smoke", results) is None
    assert netresults.best("l1_vgg16", results) is None
    first = experiments.execute(grid[0], results, progress=False)
    assert os.path.exists(experiments.run_path(results, grid[0]))
    assert not os.path.exists(experiments.checkpoint_path(results, grid[0]))
    assert first["config"]["optimizer"] == grid[0].config.optimizer and first["data_used"]["name"] == "synthetic"
    assert len(first["history"]["epoch"]) == grid[0].config.epochs
    report = netcheck.NetworkSparsity.from_dict(first["sparsity"])     # check_network on the final weights
    assert report.overall.size == first["n_params"]
    assert report.swing == netresults.swing(grid[0].config.optimizer, grid[0].config.lr, grid[0].config.l1)
    assert report.overall.zeros == first["history"]["zeros"][-1]
    # a finished run is read back, not trained again
    again = experiments.execute(grid[0], results, progress=False)
    assert again == json.loads(json.dumps(first))
    assert experiments.collect("l1_vgg16", "smoke", results) is None      # five runs still missing
    merged = experiments.reproduce("l1_vgg16", "smoke", results, progress=False)
    assert set(merged["runs"]) == {r.name for r in grid}
    assert "0.0002" in merged["notes"]                 # the paper's two versions of the small λ1
    assert netresults.best("l1_vgg16", results)["scale"] == "smoke"
    # a larger completed scale wins
    with open(netresults.page_path(results, "l1_vgg16", "cpu"), "w") as f:
        json.dump({**merged, "scale": "cpu"}, f)
    assert netresults.best("l1_vgg16", results)["scale"] == "cpu"
    assert netresults.results_for_page("l1_vgg16", None, results)["scale"] == "cpu"


def test_results_for_page_runs_smoke_in_a_temporary_folder_when_none_exist(tmp_path):
    shown = netresults.results_for_page("l1_vgg16", None, str(tmp_path))
    assert shown["scale"] == "smoke" and len(shown["runs"]) == 6
    assert os.listdir(tmp_path) == []
