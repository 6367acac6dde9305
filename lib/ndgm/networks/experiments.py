"""The network experiments of the heavy pages, at three scales, as independent training runs.

Three pages train networks:

- ``relu_vs_gelu`` (Section 3, Figure 2): VGG depth 11 and 19, ReLU against GELU, without and with
  batch norm, average pooling (Appendix A.1), over several seeds.
- ``l1_vgg16`` (Section 4, Figure 3 and Table 2): VGG16 from ImageNet conv weights, fine-tuned with the
  L1-penalised cross-entropy at α = 0.003 with SGD, RMSProp and Adam, for λ1 = 0.002 and λ1 = 2.
- ``what_works`` (the fix): the same fine-tuning with SGD and Adam against their proximal versions
  (`ndgm.networks.proximal`), over a grid of λ1, to see which make sparsity grow with λ1.

Each page has a grid of runs per scale (`runs(page, scale)`): ``smoke`` (seconds on a CPU, generated
data, narrow nets: what CI runs), ``cpu`` (minutes per run on two CPU cores, Fashion-MNIST standing in
for CIFAR-10) and ``paper`` (the paper's settings on CIFAR-10, for a GPU). A run is a unit: `execute`
trains it (resuming from its checkpoint) and writes ``<results>/runs/<page>/<scale>/<name>.json``
atomically, or returns that file if it exists. `collect` merges a page's run files into
``<results>/<page>-<scale>.json`` once all are there (`ndgm.networks.store.best` finds the largest one).
"""
from __future__ import annotations

import datetime
import json
import os
import platform
import sys
import tempfile
import time
from dataclasses import asdict, dataclass

import numpy

from .. import __version__, paper, validation

try:
    import torch
    import torchvision
except ImportError as e:  # pragma: no cover - exercised by the packaging test
    raise ImportError("ndgm.networks.experiments needs PyTorch: pip install 'ndgm[torch]' "
                      "(or the repository's requirements.txt)") from e

from . import data as datasets
from . import sparsity_check, nets, train
from ..machine import cpu_model
from .analysis import LEARNING_LR
from .store import PAGES, SCALES, best, page_path
from .run_records import PILOT_PREFIX
from ..swing import swing

PAPER_LR = paper.SECTION4_NETWORK["lr"]
PAPER_L1 = (paper.LAMBDA1_NETWORK["Figure 3 caption, Table 2 and Appendix C's loop"], paper.LAMBDA1_NETWORK_LARGE)
"""Section 4's λ1 as Figure 3, Table 2 and Appendix C's loop print them (the text says 0.0002 for the first)."""

# Figure 2. The paper names no optimizer, learning rate, initialisation, batch size or epoch count for it. The
# main runs train every network alike with MAIN_RECIPE; the recipe runs repeat VGG11 without batch norm with
# each other recipe, to see whether the ReLU-GELU order depends on it. Seeds are paired: seed s gives every
# network of the same shape the same initial weights and every run the same order of the training images.
RELU_VS_GELU = {
    "smoke": dict(data=dict(name="synthetic", n_train=128, n_test=64), width=1 / 16, epochs=2,
                  batch_size=32, seeds=(0, 1), pilot_depths=(11,)),
    "cpu": dict(data=dict(name="fashion-mnist", n_train=12000, n_test=4000), width=1 / 8, epochs=5,
                batch_size=64, seeds=(0, 1, 2, 3, 4), pilot_depths=(11, 19)),
    "paper": dict(data=dict(name="cifar10"), width=1.0, epochs=100, batch_size=128, seeds=(0, 1, 2, 3, 4),
                  pilot_depths=(11, 19)),
}
"""Figure 2 per scale. `pilot_depths`: the depths of `FIGURE2_PILOT`'s networks that the pilot trains at that
scale (the smoke scale, a test of the code, pilots the shallowest network only)."""
FIGURE2_NETWORKS = ((11, False), (13, False), (16, False), (19, False), (11, True), (19, True))
"""(depth, batch norm) of the main runs: every depth of the family without batch norm, the paper's two with it."""
SOFTPLUS_BETAS = (1.0, 4.0, 16.0)
"""The smoothness-controlled family at depth 19 without batch norm: softplus log(1 + e^{βx})/β, smooth for
every β and closer to ReLU as β grows, so that smoothness varies while the shape of the activation stays."""
RECIPES = {"adam": dict(optimizer="adam", lr=1e-3, momentum=0.0, init="default"),
           "adam-kaiming": dict(optimizer="adam", lr=3e-4, momentum=0.0, init="kaiming"),
           "sgdm": dict(optimizer="sgd", lr=0.01, momentum=0.9, init="default"),
           "sgdm-kaiming": dict(optimizer="sgd", lr=0.03, momentum=0.9, init="kaiming")}
"""Figure 2's training recipes: Adam, and SGD with momentum 0.9, each from PyTorch's default initialisation
and from He initialisation. `MAIN_RECIPE` trains the main runs; every other recipe trains ReLU and GELU at
`RECIPE_DEPTH` without batch norm (the recipe runs). Each recipe's step size is the one its pilot chose
(`FIGURE2_PILOT`, `ndgm.networks.analysis.pilot_choice`); a test holds them equal."""
FIGURE2_PILOT = {"seeds": (100,), "networks": ((11, "relu", None), (11, "gelu", None), (19, "relu", None),
                                               (19, "gelu", None), (19, "softplus", 1.0), (19, "softplus", 4.0),
                                               (19, "softplus", 16.0)),
                 "lr": {"adam": (1e-3, 3e-4, 1e-4), "adam-kaiming": (1e-3, 3e-4, 1e-4), "sgdm": (0.01, 0.03, 0.1),
                        "sgdm-kaiming": (0.01, 0.03, 0.1)},
                 "main": ("adam", "adam-kaiming")}
"""The pilot that fixes each recipe's step size, and the main recipe, before the main runs, on a seed the main
runs do not use. Each candidate rate of a recipe trains the recipe's networks without batch norm at the main
runs' scale: for Adam the shallowest and deepest ReLU and GELU networks and the softplus family, for the SGD
recipes ReLU and GELU at `RECIPE_DEPTH`. Rule, written before any pilot ran: a recipe takes the first rate in
its listed order under which every one of its pilot runs learned (`ndgm.networks.run_records.LEARNED_ACC`); if
none did, its first rate, and the page says that the pilot failed. The main recipe is the first of "main"
whose pilot found such a rate. Adam from He initialisation joined the pilot (and "main") after Adam from
PyTorch's initialisation had failed at every rate; the page says so."""
MAIN_RECIPE = "adam-kaiming"
RECIPE_DEPTH = 11

# Figure 3 and Table 2: α = 0.003 and λ1 in {0.002, 2} at every scale (the paper's values); what shrinks
# at the smaller scales is the data, the number of steps and (for smoke only) the network's width. Beside
# them: the unpenalised controls (λ1 = 0) at the paper's α, and RMSProp and Adam at a step size where they
# learn (LEARNING_LR), for `short_epochs` (half the steps at the cpu scale).
L1_VGG16 = {
    "smoke": dict(data=dict(name="synthetic", n_train=256, n_test=128), width=1 / 16, weights=None,
                  head="cifar", epochs=2, short_epochs=2, batch_size=32),
    "cpu": dict(data=dict(name="fashion-mnist", n_train=4000, n_test=1000), width=1.0, weights="lpips",
                head="cifar", epochs=4, short_epochs=2, batch_size=8),  # 2,000 steps: T·αλ1 = 0.012 at λ1 = 0.002
    "paper": dict(data=dict(name="cifar10"), width=1.0, weights="auto", head="torchvision",
                  epochs=paper.SECTION4_NETWORK["epochs"], short_epochs=paper.SECTION4_NETWORK["epochs"],
                  batch_size=paper.SECTION4_NETWORK["batch_size"]),
}
# What works instead, where it matters: the same VGG16, data and batch, each optimizer at its learning step
# size, over a λ1 grid that runs from a penalty comparable to the cross-entropy (λ1‖w‖₁ ≈ 1 at λ1 = 1e-5, as
# ‖w‖₁ ≈ 8e4) up to one that destroys the network, spaced by each optimizer's own threshold: αλ1 for SGD and
# ProxSGD, about αλ1/√v̂ for ProxAdam (tiny √v̂ makes it large, hence its smaller λ1). λ1 = 0 is the shared
# control; its magnitude-pruned versions are the fifth method. The Adam family's grids reach 1e-3 since the
# first cpu runs (which stopped at 1e-4 and 1e-5) showed neither method had lost accuracy at its largest λ1.
WHAT_WORKS_GRID = {
    "smoke": {"sgd": (0.0, 5e-3), "prox-sgd": (5e-3,), "adam": (0.0, 1e-5), "prox-adam": (1e-6,)},
    "cpu": {"sgd": (0.0, 1e-3, 2e-3, 5e-3), "prox-sgd": (1e-3, 2e-3, 5e-3), "adam": (0.0, 1e-6, 1e-5, 1e-4, 1e-3),
            "prox-adam": (1e-7, 1e-6, 1e-5, 1e-4, 1e-3)},
    "paper": {"sgd": (0.0, 1e-4, 1e-3, 2e-3, 5e-3), "prox-sgd": (1e-4, 1e-3, 2e-3, 5e-3),
              "adam": (0.0, 1e-6, 1e-5, 1e-4, 1e-3), "prox-adam": (1e-8, 1e-7, 1e-6, 1e-5, 1e-4, 1e-3)},
}
WHAT_WORKS_LR = {"sgd": PAPER_LR, "prox-sgd": PAPER_LR, "adam": LEARNING_LR["adam"], "prox-adam": LEARNING_LR["adam"]}
WHAT_WORKS = {"smoke": L1_VGG16["smoke"], "cpu": dict(L1_VGG16["cpu"], epochs=2), "paper": L1_VGG16["paper"]}
WHAT_WORKS_OPTIMIZERS = tuple(WHAT_WORKS_LR)
PRUNE_FRACTIONS = (0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 0.99)
"""Global magnitude pruning of every unpenalised (λ1 = 0) VGG16: the fractions of parameters set to 0."""


NOTES = {
    "relu_vs_gelu": "Appendix A.1 announces a simpler layer configuration than the pytorch-cifar code it cites "
                    "but does not print it: these runs use that code's VGG11 and VGG19 layer lists, with average "
                    "pooling as A.1 says. The paper names no optimizer, learning rate, batch size or epoch count "
                    "for Figure 2.",
    "l1_vgg16": "λ1 = 0.002 as Figure 3's caption, Table 2 and Appendix C's loop print it (Section 4's text says "
                "0.0002). Only the convolution layers carry ImageNet weights; the classifier head is new. Every "
                "run has a fresh optimizer (Appendix C's script reuses one per optimizer across both penalties).",
    "what_works": "Figure 3's network, data, α and batch size; SGD and Adam with the penalty's subgradient against "
                  "ProxSGD and ProxAdam (ndgm.networks.proximal), which soft-threshold instead. Each run's record ends with "
                  "ndgm.networks.sparsity_check.check_network's report on its final weights.",
}
"""What each page's results file says about settings the paper leaves open or states inconsistently."""


@dataclass(frozen=True)
class Run:
    """One training run: its page, scale and name, the network, the data and the training settings."""

    page: str
    scale: str
    name: str
    model: tuple        # (("arch", "vgg"), ("depth", 11), ...): keyword arguments of the builder
    data: tuple         # (("name", "fashion-mnist"), ("n_train", 6000), ...): of ndgm.networks.data.load
    config: train.Config

    def as_dict(self) -> dict:
        return {"page": self.page, "scale": self.scale, "name": self.name, "model": dict(self.model),
                "data": dict(self.data), "config": asdict(self.config)}


def _vgg_run(scale, name, depth, activation, batch_norm, recipe, seed, beta=None, lr=None) -> Run:
    s, r = RELU_VS_GELU[scale], RECIPES[recipe]
    model = (("arch", "vgg"), ("depth", depth), ("activation", activation), ("batch_norm", batch_norm),
             ("pool", "avg"), ("width", s["width"]))
    model += (("beta", beta),) if beta is not None else ()
    model += (("init", r["init"]),) if r["init"] != "default" else ()
    return Run("relu_vs_gelu", scale, name, model, tuple(s["data"].items()),
               train.Config(r["optimizer"], r["lr"] if lr is None else lr, 0.0, s["epochs"], s["batch_size"], seed,
                            momentum=r["momentum"]))


def _activation_name(activation: str, beta) -> str:
    return activation if beta is None else f"{activation}{beta:g}"


def _figure2_pilot(scale: str) -> list[Run]:
    p, depths = FIGURE2_PILOT, RELU_VS_GELU[scale]["pilot_depths"]
    return [_vgg_run(scale, f"{PILOT_PREFIX}{recipe}-lr={lr:g}-vgg{d}-{_activation_name(act, beta)}-nobn-seed{seed}",
                     d, act, False, recipe, seed, beta, lr)
            for recipe, rates in p["lr"].items() for lr in rates for seed in p["seeds"]
            for d, act, beta in (p["networks"] if RECIPES[recipe]["optimizer"] == "adam" else
                                 ((RECIPE_DEPTH, "relu", None), (RECIPE_DEPTH, "gelu", None)))
            if d in depths]


def _figure2_runs(scale: str) -> list[Run]:
    seeds = RELU_VS_GELU[scale]["seeds"]
    bn_name = {False: "nobn", True: "bn"}
    main = [_vgg_run(scale, f"vgg{d}-{act}-{bn_name[bn]}-seed{seed}", d, act, bn, MAIN_RECIPE, seed)
            for d, bn in FIGURE2_NETWORKS for act in ("relu", "gelu") for seed in seeds]
    smooth = [_vgg_run(scale, f"vgg19-softplus{beta:g}-nobn-seed{seed}", 19, "softplus", False, MAIN_RECIPE, seed,
                       beta)
              for beta in SOFTPLUS_BETAS for seed in seeds]
    recipes = [_vgg_run(scale, f"vgg{RECIPE_DEPTH}-{act}-nobn-{recipe}-seed{seed}", RECIPE_DEPTH, act, False,
                        recipe, seed)
               for recipe in RECIPES if recipe != MAIN_RECIPE for act in ("relu", "gelu") for seed in seeds]
    return _figure2_pilot(scale) + main + smooth + recipes


def _vgg16_run(page, scale, s, name, optimizer, lr, l1, epochs) -> Run:
    return Run(page, scale, name, (("arch", "vgg16"), ("weights", s["weights"]), ("head", s["head"]), ("width", s["width"])),
               tuple(s["data"].items()), train.Config(optimizer, lr, l1, epochs, s["batch_size"], 0))


def runs(page: str, scale: str) -> list[Run]:
    """The grid of runs that page `page` shows at `scale`."""
    validation.choice("page", page, PAGES)
    validation.choice("scale", scale, SCALES)
    if page == "relu_vs_gelu":
        return _figure2_runs(scale)
    if page == "l1_vgg16":
        s = L1_VGG16[scale]
        table2 = [_vgg16_run(page, scale, s, f"{opt}-l1={lam:g}", opt, PAPER_LR, lam, s["epochs"])
                  for lam in PAPER_L1 for opt in ("sgd", "rmsprop", "adam")]
        controls = [_vgg16_run(page, scale, s, f"{opt}-l1=0", opt, PAPER_LR, 0.0, s["short_epochs"])
                    for opt in ("sgd", "rmsprop", "adam")]
        learning = [_vgg16_run(page, scale, s, f"{opt}-lr={LEARNING_LR[opt]:g}-l1={lam:g}", opt, LEARNING_LR[opt], lam,
                               s["short_epochs"])
                    for opt in ("rmsprop", "adam") for lam in (0.0,) + PAPER_L1]
        return table2 + controls + learning
    s = WHAT_WORKS[scale]
    return [_vgg16_run(page, scale, s, f"{opt}-lr={WHAT_WORKS_LR[opt]:g}-l1={lam:g}", opt, WHAT_WORKS_LR[opt], lam,
                       s["epochs"])
            for opt, lams in WHAT_WORKS_GRID[scale].items() for lam in lams]


def find(page: str, scale: str, name: str) -> Run:
    """The run called `name` of `page` at `scale`."""
    grid = {r.name: r for r in runs(page, scale)}
    return grid[validation.choice("name", name, grid)]


def build_model(run: Run):
    """The network of `run`, initialised from `run.config.seed`, and a description of its weights."""
    kw = dict(run.model)
    arch = kw.pop("arch")
    torch.manual_seed(run.config.seed)
    if arch == "vgg":
        init = kw.get("init", "default")
        return nets.vgg(**kw), ("He (Kaiming) initialisation, as torchvision's VGG" if init == "kaiming"
                                else "random initialisation (PyTorch's defaults)")
    return nets.vgg16(**kw)


def resolve_device(device: str) -> torch.device:
    """"auto" is CUDA when there is a GPU, else the CPU."""
    if device == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    return train.as_device(device)


def environment(device: torch.device) -> dict:
    """Versions and hardware, recorded in every result file."""
    name = torch.cuda.get_device_name(device) if device.type == "cuda" else f"{cpu_model()} ({os.cpu_count()} cores)"
    return {"device": str(device), "device_name": name, "threads": torch.get_num_threads(),
            "python": sys.version.split()[0], "torch": torch.__version__, "torchvision": torchvision.__version__,
            "numpy": numpy.__version__, "ndgm": __version__, "platform": platform.platform()}


def write_json_atomic(obj, path: str) -> None:
    """Write JSON to ``<path>.partial``, then rename it into place: a kill never leaves half a file
    (a leftover ``.partial`` is overwritten by the next write)."""
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    partial = f"{path}.partial"
    with open(partial, "w") as f:
        json.dump(obj, f, indent=1)
    os.replace(partial, path)


def run_path(results: str, run: Run) -> str:
    return os.path.join(results, "runs", run.page, run.scale, f"{run.name}.json")


def checkpoint_path(results: str, run: Run) -> str:
    return os.path.join(results, "checkpoints", run.page, run.scale, f"{run.name}.pt")


_DATA_CACHE: dict = {}


def _dataset(spec: tuple):
    if spec not in _DATA_CACHE:
        _DATA_CACHE.clear()
        _DATA_CACHE[spec] = datasets.load(**dict(spec))
    return _DATA_CACHE[spec]


def _twin(run: Run, results: str) -> dict | None:
    """A finished run of another page with exactly `run`'s network, data and configuration (training is
    deterministic on a CPU, so its record is `run`'s), relabelled as `run`; None if there is none."""
    want = run.as_dict()
    for page in PAGES:
        folder = os.path.join(results, "runs", page, run.scale)
        if page == run.page or not os.path.isdir(folder):
            continue
        for name in sorted(os.listdir(folder)):
            if not name.endswith(".json"):
                continue
            with open(os.path.join(folder, name)) as f:
                record = json.load(f)
            if all(record.get(k) == want[k] for k in ("model", "data", "config")):
                return {**record, "page": run.page, "name": run.name, "twin_of": f"{page}/{record['name']}"}
    return None


def pruning(model, data, config: train.Config, device) -> dict:
    """Accuracy of `model` pruned as a practitioner would (`train.prune_evaluate`): a penalised network trained
    by (sub)gradient steps at its swing (αλ1 for SGD, α for RMSProp and Adam: `analysis.swing`); an
    unpenalised one by global magnitude pruning to each of `PRUNE_FRACTIONS`."""
    x, y = data.x_test.to(device), data.y_test.to(device)
    if config.l1 > 0 and config.optimizer not in train.PROXIMAL:
        tau = swing(config.optimizer, config.lr, config.l1)
        return {"swing": train.prune_evaluate(model, x, y, [tau])[0]}
    if config.l1 == 0:
        rows = train.prune_evaluate(model, x, y, train.magnitude_thresholds(model, PRUNE_FRACTIONS))
        return {"magnitude": [{"fraction": f, **r} for f, r in zip(PRUNE_FRACTIONS, rows)]}
    return {}


def execute(run: Run, results: str, *, device: str = "auto", progress: bool = True, **options) -> dict:
    """Train `run` unless its result file exists; return the result record (also written to disk).

    `options` go to ndgm.networks.train.train (compile, channels_last, bf16). The checkpoint lives under
    ``<results>/checkpoints/`` and is removed once the result file is written.
    """
    path = run_path(results, run)
    if os.path.exists(path):
        with open(path) as f:
            record = json.load(f)
        want = run.as_dict()
        if any(record.get(k) != want[k] for k in ("model", "data", "config")):
            raise ValueError(f"run file {path} was made with other settings than run {run.page}/{run.name} has now "
                             f"(model, data or config differ); remove it to train the run again")
        return record
    twin = _twin(run, results)
    if twin is not None:
        write_json_atomic(twin, path)
        return twin
    dev = resolve_device(device)
    data = _dataset(run.data)
    model, weights = build_model(run)
    started = datetime.datetime.now(datetime.timezone.utc)
    t0 = time.perf_counter()
    ckpt = checkpoint_path(results, run)
    history = train.train(model, data, run.config, device=dev, checkpoint=ckpt, progress=progress,
                          desc=run.name, **options)
    record = {**run.as_dict(), "data_used": data.summary(), "weights": weights,
              "n_params": sum(p.numel() for p in model.parameters()),
              "environment": environment(dev), "started": started.isoformat(timespec="seconds"),
              "wall_s": time.perf_counter() - t0, "history": history.as_dict(),
              "sparsity": sparsity_check.check_network(model, run.config.lr, run.config.l1, run.config.optimizer,
                                                 accuracy=history.val_acc[-1],
                                                 chance=1 / int(data.y_train.max() + 1)).as_dict()}
    if dict(run.model)["arch"] == "vgg16":
        record["pruning"] = pruning(model, data, run.config, dev)
    write_json_atomic(record, path)
    os.remove(ckpt)
    return record


def collect(page: str, scale: str, results: str, rules: dict | None = None) -> dict | None:
    """Merge the page's run files into ``<page>-<scale>.json`` when every run is done; else None. `rules`
    (claim id → rule text, `ndgm.claims.rules(page)`) are stored with them: the rules the page's claims are
    decided by, which a claim checks before it decides."""
    grid = runs(page, scale)
    paths = [run_path(results, r) for r in grid]
    if not all(os.path.exists(p) for p in paths):
        return None
    records = {}
    for r, p in zip(grid, paths):
        with open(p) as f:
            records[r.name] = json.load(f)
    first = records[grid[0].name]
    merged = {"page": page, "scale": scale, "notes": NOTES[page], "data": first["data_used"], "weights": first["weights"],
              "environment": first["environment"], "started": min(r["started"] for r in records.values()),
              "wall_s": sum(r["wall_s"] for r in records.values()), "rules": dict(rules or {}), "runs": records}
    write_json_atomic(merged, page_path(results, page, scale))
    return merged


def results_for_page(page: str, scale: str | None, results: str, *, device: str = "auto",
                     rules: dict | None = None) -> dict:
    """What a heavy page shows: with `scale` given, that scale reproduced into `results` (training what is
    missing, and merging with the page's claim `rules`); with None, the largest completed scale in
    `results` (`ndgm.networks.store.best`), or else a fresh `smoke` run in a temporary folder."""
    if scale is None:
        found = best(page, results)
        if found is not None:
            return found
        with tempfile.TemporaryDirectory() as tmp:
            return reproduce(page, "smoke", tmp, device=device, progress=False, rules=rules)
    return reproduce(page, validation.choice("scale", scale, SCALES), results, device=device, rules=rules)


def reproduce(page: str, scale: str, results: str, *, device: str = "auto", progress: bool = True,
              rules: dict | None = None, **options) -> dict:
    """Run every missing run of `page` at `scale`, then merge (with `rules`, see `collect`) and return the
    page's results."""
    for r in runs(page, scale):
        execute(r, results, device=device, progress=progress, **options)
    return collect(page, scale, results, rules)
