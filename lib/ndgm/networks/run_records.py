"""Typed readers of the heavy pages' training runs: one `RunRecord` per run, one `PageRuns` per page and scale.

A run file (``runs/<page>/<scale>/<name>.json``, written by `ndgm.networks.experiments.execute`) and a page's merged
file (``<page>-<scale>.json``, `ndgm.networks.experiments.collect`) are plain JSON; these classes read them once and
give the quantities every page, plot and claim uses as attributes, so that nothing digs through keys.
No PyTorch needed.

>>> rec = RunRecord.from_dict({"name": "r", "model": {"depth": 11}, "config": {"optimizer": "adam", "lr": 1e-3,
...     "l1": 0.0, "epochs": 2, "batch_size": 10, "seed": 0}, "data_used": {"n_train": 100},
...     "history": {"epoch": [1, 2], "train_loss": [1.0, 0.5], "val_acc": [0.6, 0.8], "l1": [9.0, 8.0],
...                 "zeros": [0.0, 0.0], "diverged_at": None}})
>>> rec.steps, rec.val_acc, rec.loss_area, rec.learned()
(20, 0.8, 0.75, True)
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from .. import validation

LEARNED_ACC = 0.5
"""A network has learned when its final validation accuracy is at least this (five times chance on ten
classes) and its loss stayed finite: the precondition of every network claim."""

PILOT_PREFIX = "pilot-"
"""Runs whose name starts with this are a pilot (they choose a setting of the main runs, see
ndgm.networks.experiments.FIGURE2_PILOT): `PageRuns` keeps them apart from the runs the page's claims compare."""

DEFAULTS = {"init": "default", "beta": None, "momentum": 0.0}
"""Model and configuration fields that older run files leave out, with the value they then had."""


@dataclass(frozen=True)
class RunRecord:
    """One training run: its network (`model`), training settings (`config`), per-epoch `history` and the
    checks stored at its end (`sparsity`: ndgm.networks.sparsity_check's report; `pruning`: accuracy after pruning)."""

    name: str
    model: dict
    config: dict
    history: dict
    n_train: int
    n_params: int | None = None
    wall_s: float | None = None
    sparsity: dict | None = None
    pruning: dict = field(default_factory=dict)
    twin_of: str | None = None

    @classmethod
    def from_dict(cls, d: dict) -> "RunRecord":
        return cls(d["name"], dict(d["model"]), dict(d["config"]), dict(d["history"]), int(d["data_used"]["n_train"]),
                   d.get("n_params"), d.get("wall_s"), d.get("sparsity"), d.get("pruning") or {}, d.get("twin_of"))

    def field(self, key: str):
        """A model or configuration field (`DEFAULTS` for those older files leave out)."""
        if key in self.model:
            return self.model[key]
        if key in self.config:
            return self.config[key]
        if key in DEFAULTS:
            return DEFAULTS[key]
        raise KeyError(f"run {self.name} has no model or configuration field {key!r}")

    def matches(self, **spec) -> bool:
        """Whether every field named in `spec` has the given value."""
        return all(self.field(k) == v for k, v in spec.items())

    optimizer = property(lambda self: self.config["optimizer"])
    lr = property(lambda self: float(self.config["lr"]))
    l1 = property(lambda self: float(self.config["l1"]))
    seed = property(lambda self: int(self.config["seed"]))

    @property
    def epochs(self) -> int:
        """Epochs completed (fewer than configured when the run diverged)."""
        return len(self.history["epoch"])

    @property
    def steps_per_epoch(self) -> int:
        """Training steps per epoch (the last incomplete batch is dropped)."""
        return self.n_train // int(self.config["batch_size"])

    @property
    def steps(self) -> int:
        return self.steps_per_epoch * self.epochs

    @property
    def diverged(self) -> bool:
        return self.history.get("diverged_at") is not None

    val_acc = property(lambda self: float(self.history["val_acc"][-1]))
    train_loss = property(lambda self: float(self.history["train_loss"][-1]))
    l1_norm = property(lambda self: float(self.history["l1"][-1]))
    zeros = property(lambda self: float(self.history["zeros"][-1]))

    @property
    def loss_area(self) -> float:
        """The area under the per-epoch training-loss curve, per epoch (the mean of the epochs' losses): low
        when a network learns early as well as well."""
        return float(np.mean(self.history["train_loss"]))

    def learned(self, threshold: float = LEARNED_ACC) -> bool:
        """Whether the run ended with validation accuracy >= `threshold` and a finite loss."""
        return not self.diverged and self.val_acc >= threshold

    def numbers(self) -> dict:
        """The run's settings as a page prints them, by name: `lr`, `l1`, `batch`, `epochs`, `steps`, `seed` and
        `n_params`."""
        return {"lr": self.lr, "l1": self.l1, "batch": self.config["batch_size"], "epochs": self.epochs,
                "steps": self.steps, "seed": self.seed, "n_params": self.n_params}

    def at(self, epoch: int, key: str) -> float:
        """The history's `key` ("val_acc", "l1", "small", ...) at the end of `epoch` (1-based)."""
        validation.count("epoch", epoch)
        if epoch > self.epochs:
            raise ValueError(f"epoch must be at most {self.epochs} (run {self.name}); got {epoch}")
        return float(self.history[key][epoch - 1])


@dataclass(frozen=True)
class PageRuns:
    """A page's merged results at one scale: the runs by name, the pilot runs by name (`PILOT_PREFIX`; never
    among `runs`), the data, the environment and the rules its claims were decided by."""

    page: str
    scale: str
    data: dict
    environment: dict
    started: str
    wall_s: float
    notes: str
    runs: dict
    rules: dict = field(default_factory=dict)
    pilot: dict = field(default_factory=dict)

    @classmethod
    def from_dict(cls, d: dict) -> "PageRuns":
        if not isinstance(d, dict) or not isinstance(d.get("runs"), dict):
            raise ValueError("results must be a page's merged results (a dict with 'runs'), as "
                             "ndgm.networks.store.best returns")
        runs = {k: RunRecord.from_dict(v) for k, v in d["runs"].items()}
        return cls(d["page"], d["scale"], d["data"], d["environment"], d["started"], float(d["wall_s"]),
                   d.get("notes", ""), {k: r for k, r in runs.items() if not k.startswith(PILOT_PREFIX)},
                   d.get("rules") or {}, {k: r for k, r in runs.items() if k.startswith(PILOT_PREFIX)})

    def select(self, **spec) -> list:
        """The runs whose fields match `spec` (see `RunRecord.matches`), sorted by seed then name."""
        return sorted((r for r in self.runs.values() if r.matches(**spec)), key=lambda r: (r.seed, r.name))

    def one(self, **spec) -> RunRecord:
        """The single run matching `spec`; an error naming the spec when there is none or several."""
        found = self.select(**spec)
        if len(found) != 1:
            raise ValueError(f"expected exactly one run of page {self.page} with {spec}; found {len(found)}")
        return found[0]

    @property
    def device(self) -> str:
        return self.environment["device_name"]

    def numbers(self) -> dict:
        """What a page's "which run" note prints, by name: the scale, the data (description and sizes), the
        device, torch's version, the start date, the minutes of training in all and the number of runs."""
        return {"scale": self.scale, "data": self.data["description"], "n_train": self.data["n_train"],
                "n_test": self.data["n_test"], "device": self.device, "torch": self.environment["torch"],
                "date": self.started[:10], "wall_min": self.wall_s / 60, "n_runs": len(self.runs)}
