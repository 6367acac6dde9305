"""ndgm.networks.run_records: typed readers of run files and of a page's merged results, on made-up records."""
import doctest

import pytest

from ndgm.networks import run_records
from ndgm.networks.run_records import PageRuns, RunRecord


def run_dict(name="r", *, model=None, seed=0, optimizer="adam", lr=1e-3, l1=0.0, loss=(1.0, 0.5, 0.3),
             acc=(0.4, 0.6, 0.7), norms=(9.0, 8.0, 7.0), zeros=(0.0, 0.0, 0.1), n_train=100, batch_size=10,
             diverged_at=None, **extra):
    """A run file's record with three epochs by default; `extra` adds top-level keys (n_params, pruning, ...)."""
    return {"name": name, "model": {"arch": "vgg", "depth": 11, **(model or {})},
            "config": {"optimizer": optimizer, "lr": lr, "l1": l1, "epochs": len(loss), "batch_size": batch_size,
                       "seed": seed},
            "data_used": {"n_train": n_train},
            "history": {"epoch": list(range(1, len(loss) + 1)), "train_loss": list(loss), "val_acc": list(acc),
                        "l1": list(norms), "zeros": list(zeros), "diverged_at": diverged_at}, **extra}


def page_dict(records, **extra):
    return {"page": "relu_vs_gelu", "scale": "cpu", "data": {"n_train": 100}, "environment": {"device_name": "a CPU"},
            "started": "2026-01-01T00:00:00", "wall_s": "12.5", "runs": {r["name"]: r for r in records}, **extra}


def test_a_record_reads_its_fields():
    rec = RunRecord.from_dict(run_dict(n_params=1234, wall_s=3.0, pruning=None, sparsity={"verdict": "x"}))
    assert (rec.name, rec.optimizer, rec.lr, rec.l1, rec.seed) == ("r", "adam", 1e-3, 0.0, 0)
    assert (rec.n_train, rec.n_params, rec.wall_s, rec.sparsity) == (100, 1234, 3.0, {"verdict": "x"})
    assert rec.pruning == {} and rec.twin_of is None            # a missing or null pruning is no pruning
    assert (rec.epochs, rec.steps_per_epoch, rec.steps) == (3, 10, 30)
    assert (rec.val_acc, rec.train_loss, rec.l1_norm, rec.zeros) == (0.7, 0.3, 7.0, 0.1)
    assert rec.loss_area == pytest.approx(0.6)                  # (1.0 + 0.5 + 0.3) / 3
    assert rec.at(1, "val_acc") == 0.4 and rec.at(3, "l1") == 7.0
    assert not rec.diverged


def test_the_last_incomplete_batch_is_not_a_step():
    rec = RunRecord.from_dict(run_dict(n_train=105, batch_size=10, loss=(1.0, 0.5)))
    assert (rec.steps_per_epoch, rec.steps) == (10, 20)


def test_fields_come_from_model_config_or_the_defaults_of_older_files():
    rec = RunRecord.from_dict(run_dict(model={"activation": "relu"}))
    assert rec.field("depth") == 11 and rec.field("activation") == "relu" and rec.field("lr") == 1e-3
    assert (rec.field("init"), rec.field("beta"), rec.field("momentum")) == ("default", None, 0.0)
    newer = RunRecord.from_dict(run_dict(model={"init": "kaiming", "beta": 4.0}))
    assert (newer.field("init"), newer.field("beta")) == ("kaiming", 4.0)
    with pytest.raises(KeyError, match="'width'"):
        rec.field("width")
    assert rec.matches(depth=11, optimizer="adam", momentum=0.0)
    assert not rec.matches(depth=11, optimizer="sgd")
    assert rec.matches()                                         # no condition: every run


def test_learned_needs_the_accuracy_and_a_finite_loss():
    assert RunRecord.from_dict(run_dict(acc=(0.1, 0.5))).learned() is True          # >= LEARNED_ACC
    assert RunRecord.from_dict(run_dict(acc=(0.1, 0.49))).learned() is False
    assert RunRecord.from_dict(run_dict(acc=(0.1, 0.49))).learned(threshold=0.4) is True
    assert run_records.LEARNED_ACC == 0.5
    blown = RunRecord.from_dict(run_dict(loss=(1.0, 0.5), acc=(0.9, 0.9), diverged_at=2))
    assert blown.diverged and not blown.learned()


@pytest.mark.parametrize("epoch,message", [(0, "epoch must be an integer"), (4, "epoch must be at most 3"),
                                           (1.0, "epoch must be an integer")])
def test_at_refuses_an_epoch_the_run_did_not_reach(epoch, message):
    with pytest.raises(ValueError, match=message):
        RunRecord.from_dict(run_dict()).at(epoch, "val_acc")


def test_a_page_selects_runs_by_field_sorted_by_seed():
    records = [run_dict(f"{act}-seed{s}", model={"activation": act}, seed=s)
               for s in (2, 0, 1) for act in ("relu", "gelu")]
    page = PageRuns.from_dict(page_dict(records, notes="n", rules={"c1": "a rule"}))
    assert (page.page, page.scale, page.wall_s, page.notes, page.rules) == ("relu_vs_gelu", "cpu", 12.5, "n", {"c1": "a rule"})
    assert page.device == "a CPU"
    assert all(isinstance(r, RunRecord) for r in page.runs.values())
    assert [r.name for r in page.select(activation="relu")] == ["relu-seed0", "relu-seed1", "relu-seed2"]
    assert [r.name for r in page.select(seed=1)] == ["gelu-seed1", "relu-seed1"]       # then by name
    assert page.select(activation="softplus") == []
    assert page.one(activation="gelu", seed=2).name == "gelu-seed2"
    with pytest.raises(ValueError, match="exactly one run of page relu_vs_gelu .*found 3"):
        page.one(activation="gelu")
    with pytest.raises(ValueError, match="found 0"):
        page.one(activation="tanh")


def test_a_pages_numbers_are_what_its_which_run_note_prints():
    records = [run_dict(f"r{s}", seed=s) for s in range(3)] + [run_dict("pilot-a", seed=100)]
    page = PageRuns.from_dict(page_dict(records, data={"description": "made up", "n_train": 100, "n_test": 40},
                                        environment={"device_name": "a CPU", "torch": "2.14.1"}))
    assert page.numbers() == {"scale": "cpu", "data": "made up", "n_train": 100, "n_test": 40, "device": "a CPU",
                              "torch": "2.14.1", "date": "2026-01-01", "wall_min": 12.5 / 60, "n_runs": 3}


def test_a_page_without_notes_or_rules_reads_as_empty():
    page = PageRuns.from_dict(page_dict([run_dict()], rules=None))
    assert page.notes == "" and page.rules == {}


@pytest.mark.parametrize("bad", [None, [1, 2], {"page": "x"}, {"runs": [1]}])
def test_anything_but_merged_results_is_refused(bad):
    with pytest.raises(ValueError, match="results must be a page's merged results"):
        PageRuns.from_dict(bad)


def test_the_module_example_runs():
    result = doctest.testmod(run_records)
    assert result.attempted > 0 and result.failed == 0
