"""What the heavy pages read off their runs: Figure 2's ReLU-GELU gaps, Figure 3's L1 curves, Table 2.

Every function takes the merged results of a page (`ndgm.networks.experiments.collect` / `best`: a dict
with a "runs" mapping of run name to its record) and needs no PyTorch, so the pages, plots and
tests can read committed results anywhere.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .. import grids, paper, stats, validation
from .sparsity_check import NetworkSparsity
from .run_records import LEARNED_ACC, PageRuns, RunRecord
from ..labels import OPTIMIZER_LABELS
from ..stats import Interval
from ..swing import OPTIMIZERS, TAU_GRID, swing, swing_prediction


LEARNING_LR = {"sgd": paper.SECTION4_NETWORK["lr"], "rmsprop": 1e-5, "adam": 1e-4}
"""A step size at which each optimizer fine-tunes the pretrained VGG16, fixed before any run: the paper's α
for SGD (it learns there); 1e-4 for Adam, the usual fine-tuning rate (its per-weight step is about α from
the first step on); 1e-5 for PyTorch's RMSProp, whose running average starts at 0 and has no bias correction,
so its first steps are about α/√(1 − 0.99) = 10α: 1e-5 gives Adam's early step size."""


def as_runs(results) -> PageRuns:
    """`results` (a page's merged results, as `best` returns, or a `PageRuns`) as a `PageRuns`."""
    return results if isinstance(results, PageRuns) else PageRuns.from_dict(results)


# ----- Figure 2: paired comparisons over seeds --------------------------------------------------

@dataclass(frozen=True)
class Comparison:
    """Runs `a` against runs `b`, paired by seed (same initial weights where the shapes agree, same order of
    images): the difference a − b of the final training loss and of the loss area (`RunRecord.loss_area`),
    each with its percentile-bootstrap interval (`ndgm.stats.paired_difference`)."""

    label: str
    a: tuple
    b: tuple
    final: Interval
    area: Interval

    @property
    def seeds(self) -> int:
        return len(self.a)

    @property
    def learned(self) -> bool:
        """Whether every run of both sides learned (`RunRecord.learned`)."""
        return all(r.learned() for r in self.a + self.b)

    def learned_count(self, side: str) -> int:
        """How many runs of side "a" or "b" learned (left the chance plateau: `RunRecord.learned`)."""
        return sum(r.learned() for r in getattr(self, validation.choice("side", side, ("a", "b"))))

    @property
    def min_acc(self) -> float:
        """The lowest final validation accuracy of all the runs compared."""
        return min(r.val_acc for r in self.a + self.b)

    def mean(self, side: str) -> float:
        """The mean final training loss of side "a" or "b"."""
        return float(np.mean([r.train_loss for r in getattr(self, validation.choice("side", side, ("a", "b")))]))

    def diffs(self, stat: str = "final") -> np.ndarray:
        """The per-seed differences a − b of `stat` ("final" training loss or loss "area")."""
        get = {"final": lambda r: r.train_loss, "area": lambda r: r.loss_area}[validation.choice("stat", stat, ("final", "area"))]
        return np.array([get(x) - get(y) for x, y in zip(self.a, self.b)])


def compare(results, label: str, a: dict, b: dict) -> Comparison:
    """The runs matching `a` against those matching `b` (`PageRuns.select`), paired by seed."""
    runs = as_runs(results)
    ra, rb = runs.select(**a), runs.select(**b)
    seeds = [r.seed for r in ra]
    if seeds != [r.seed for r in rb] or len(ra) < 2 or len(set(seeds)) < len(seeds):
        raise ValueError(f"{label}: runs matching {a} and {b} must have the same seeds, at least 2, one run per seed; "
                         f"got seeds {[r.seed for r in ra]} and {[r.seed for r in rb]}")
    diff = {s: stats.paired_difference([getattr(r, k) for r in ra], [getattr(r, k) for r in rb])
            for s, k in (("final", "train_loss"), ("area", "loss_area"))}
    return Comparison(label, tuple(ra), tuple(rb), diff["final"], diff["area"])


MAIN_RECIPE = dict(optimizer="adam", momentum=0.0, init="kaiming")
"""Figure 2's main recipe, the one every network of the main runs trains with: Adam from He initialisation,
which the pilot chose (ndgm.networks.experiments.MAIN_RECIPE and FIGURE2_PILOT)."""


@dataclass(frozen=True)
class PilotRate:
    """One candidate step size of a recipe's pilot (ndgm.networks.experiments.FIGURE2_PILOT) and its runs."""

    lr: float
    runs: tuple

    @property
    def learned(self) -> bool:
        """Whether every pilot run at this rate learned (`RunRecord.learned`)."""
        return bool(self.runs) and all(r.learned() for r in self.runs)


def pilot(results, recipe: dict, rates) -> tuple:
    """The pilot of `recipe` (its optimizer, momentum and init) at each of `rates`, in order, as `PilotRate`s."""
    runs = as_runs(results).pilot.values()
    fields = {k: recipe[k] for k in ("optimizer", "momentum", "init")}
    return tuple(PilotRate(float(lr), tuple(sorted((r for r in runs if r.matches(**fields) and np.isclose(r.lr, lr)),
                                                   key=lambda r: r.name)))
                 for lr in rates)


def pilot_choice(results, recipe: dict, rates) -> float:
    """The rule of ndgm.networks.experiments.FIGURE2_PILOT: the first of `rates` under which every pilot run of `recipe`
    learned, else the first of `rates`."""
    return next((p.lr for p in pilot(results, recipe, rates) if p.learned), float(rates[0]))


def recipe_label(optimizer: str, momentum: float, init: str) -> str:
    """A training recipe in words: "Adam", "SGD, momentum 0.9", "SGD, momentum 0.9, He init"."""
    words = [OPTIMIZER_LABELS.get(optimizer, optimizer).split(" (")[0]]
    words += [f"momentum {momentum:g}"] if momentum else []
    words += ["He init"] if init == "kaiming" else []
    return ", ".join(words)


@dataclass(frozen=True)
class Figure2:
    """Figure 2 on a page's runs: the ReLU − GELU comparison of each network (`gaps`, keyed by (depth,
    batch norm)), how the gap without batch norm changes from the shallowest to the deepest network
    (`widening`, per statistic), the softplus family (`smoothness`) and the recipes (`recipes`, keyed by
    label, at one depth without batch norm)."""

    gaps: dict
    widening: dict
    smoothness: tuple
    recipes: dict

    def depths(self, batch_norm: bool) -> list:
        return sorted(d for d, bn in self.gaps if bn == batch_norm)

    def numbers(self) -> dict:
        """What the page prints about these comparisons, by name: the main runs' settings (read off the
        shallowest network without batch norm), the depths, the other recipes with their step sizes, how
        many runs of each activation learned in the deepest network without batch norm, and three paired
        differences of the final loss with their intervals: ReLU − GELU there (`deep_gap`), its change from the
        shallowest network (`widening_gap`), and softplus with the largest β minus the smallest (`smooth_gap`)."""
        main = self.gaps[(self.depths(False)[0], False)].a[0]
        deep = self.gaps[(self.depths(False)[-1], False)]
        others = [c.a[0] for c in self.recipes.values() if not c.a[0].matches(**MAIN_RECIPE)]
        return {"lr": main.lr, "batch": main.config["batch_size"], "epochs": main.epochs, "width": main.model["width"],
                "seeds": max(r.seed for c in self.gaps.values() for r in c.a + c.b),
                "depths": ", ".join(str(d) for d in self.depths(False)),
                "bn_depths": " and ".join(str(d) for d in self.depths(True)), "learned": f"{LEARNED_ACC:g}",
                "main_recipe": recipe_label(**MAIN_RECIPE),
                "other_recipes": "; ".join(f"{recipe_label(r.optimizer, r.field('momentum'), r.field('init'))} at "
                                           f"α = {r.lr:g}" for r in others) or "none",
                "deep": deep.a[0].field("depth"), "deep_relu": deep.learned_count("a"),
                "deep_gelu": deep.learned_count("b"), "deep_seeds": deep.seeds,
                "deep_gap": deep.final.text("{:+.4f}"),
                "widening_gap": self.widening["final"].text("{:+.4f}") if self.widening else "not measured",
                "smooth_gap": self.smoothness[-2].final.text("{:+.4f}") if self.smoothness else "not measured"}


def _softplus(beta):
    return dict(depth=19, batch_norm=False, activation="softplus", beta=beta, **MAIN_RECIPE)


def figure2(results) -> Figure2:
    """Every comparison of the page relu_vs_gelu (see `Figure2`)."""
    runs = as_runs(results)
    main = [r for r in runs.runs.values() if r.matches(**MAIN_RECIPE) and r.field("activation") == "relu"]
    shapes = sorted({(r.field("depth"), r.field("batch_norm")) for r in main}, key=lambda t: (t[1], t[0]))
    gaps = {(d, bn): compare(runs, f"VGG{d}, {'with' if bn else 'without'} batch norm, ReLU − GELU",
                             dict(depth=d, batch_norm=bn, activation="relu", **MAIN_RECIPE),
                             dict(depth=d, batch_norm=bn, activation="gelu", **MAIN_RECIPE)) for d, bn in shapes}
    plain = sorted(d for d, bn in gaps if not bn)
    widening = {}
    if len(plain) >= 2:
        deep, shallow = gaps[(plain[-1], False)], gaps[(plain[0], False)]
        widening = {s: stats.difference_of_means(deep.diffs(s), shallow.diffs(s)) for s in ("final", "area")}
    betas = sorted({r.field("beta") for r in runs.runs.values() if r.field("activation") == "softplus"})
    smooth = ()
    if len(betas) >= 2:
        smooth = tuple(compare(runs, f"softplus β = {b:g} − softplus β = {betas[0]:g}", _softplus(b), _softplus(betas[0]))
                       for b in betas[1:])
        smooth += (compare(runs, f"ReLU − softplus β = {betas[-1]:g}",
                           dict(depth=19, batch_norm=False, activation="relu", **MAIN_RECIPE), _softplus(betas[-1])),)
    others = {(r.optimizer, r.lr, r.field("momentum"), r.field("init"), r.field("depth"))
              for r in runs.runs.values() if not r.matches(**MAIN_RECIPE)}
    recipes = {}
    for opt, lr, momentum, init, depth in sorted(others):
        if not recipes and (depth, False) in gaps:
            recipes[recipe_label(**MAIN_RECIPE)] = gaps[(depth, False)]
        spec = dict(depth=depth, batch_norm=False, optimizer=opt, lr=lr, momentum=momentum, init=init)
        label = recipe_label(opt, momentum, init)
        recipes[label] = compare(runs, f"VGG{depth}, {label}, ReLU − GELU", dict(spec, activation="relu"),
                                 dict(spec, activation="gelu"))
    return Figure2(gaps, widening, smooth, recipes)


def median_abs_start(record) -> float:
    """The median |w| over all parameters before training, read off the recorded fractions below τ
    (`record`: a `RunRecord` or a run's dict)."""
    history = record.history if isinstance(record, RunRecord) else record["history"]
    below = np.asarray(history["below_start"])
    return float(10 ** np.interp(0.5, below, np.log10(TAU_GRID)))


def predicted_below(record, taus, epoch: int | None = None) -> np.ndarray:
    """`swing_prediction` for an SGD run after its steps up to `epoch` (default: all), from the fractions
    below τ it recorded at the start; with λ1 = 0 the measured fractions; nan for other optimizers, whose
    step a weight takes is not fixed by α and λ1. `record`: a `RunRecord` or a run's dict."""
    rec = record if isinstance(record, RunRecord) else RunRecord.from_dict(record)
    taus = validation.in_range("taus", taus, low=0.0, low_open=True)
    if rec.optimizer != "sgd":
        return np.full(taus.shape, np.nan)
    s = swing(rec.optimizer, rec.lr, rec.l1)
    if s == 0:
        return np.asarray(np.interp(np.log10(taus), np.log10(TAU_GRID), rec.history["small_by_tau"]))
    return swing_prediction(rec.history["below_start"], rec.steps_per_epoch * (epoch or rec.epochs) * s, s, taus)


def tau_index(tau: float) -> int:
    """The position of `tau` in TAU_GRID, the thresholds the training loop records (others are an error)."""
    tau = float(validation.in_range("tau", tau, low=TAU_GRID[0], high=TAU_GRID[-1], high_open=False))
    k = grids.nearest(TAU_GRID, tau, log=True)
    if not np.isclose(TAU_GRID[k], tau, rtol=1e-9):
        raise ValueError(f"tau must be one of the recorded thresholds (ndgm.networks.analysis.TAU_GRID); got {tau!r}")
    return k


@dataclass(frozen=True)
class Table2Row:
    """One cell of Table 2 on our runs, read at the end of `epoch`: the percentage of weights with |w| < τ
    (Table 2's τ) beside the paper's and the swing's prediction, with what says whether the network learned
    (its own accuracy, and its λ1 = 0 control's at the same α and the same or an earlier epoch)."""

    optimizer: str
    l1: float
    lr: float
    steps: int
    ours: float               # % of |w| < τ
    paper: float | None       # the paper's % (at the paper's α and λ1 only)
    predicted: float          # % predicted by the swing (SGD only, else nan)
    zeros: float              # % exactly 0
    l1_norm: float
    val_acc: float
    learned: bool
    control_acc: float | None  # the λ1 = 0 control's accuracy (None: no control at this α)
    swing: float


def _control(runs: PageRuns, optimizer: str, lr: float) -> RunRecord | None:
    found = runs.select(optimizer=optimizer, lr=lr, l1=0.0)
    return found[0] if found else None


def table2_row(runs, rec: RunRecord, epoch: int | None = None) -> Table2Row:
    """`rec` as a `Table2Row` at the end of `epoch` (default: its last)."""
    runs = as_runs(runs)
    epoch = epoch or rec.epochs
    ctrl = _control(runs, rec.optimizer, rec.lr)
    ctrl_acc = None if ctrl is None else ctrl.at(min(epoch, ctrl.epochs), "val_acc")
    acc = rec.at(epoch, "val_acc")
    printed = paper.TABLE2.get((rec.optimizer, rec.l1)) if np.isclose(rec.lr, paper.SECTION4_NETWORK["lr"]) else None
    return Table2Row(rec.optimizer, rec.l1, rec.lr, rec.steps_per_epoch * epoch, 100 * rec.at(epoch, "small"), printed,
                     100 * float(predicted_below(rec, [paper.TABLE2_TAU], epoch)[0]), 100 * rec.at(epoch, "zeros"),
                     rec.at(epoch, "l1"), acc, bool(acc >= LEARNED_ACC and not rec.diverged),
                     ctrl_acc, swing(rec.optimizer, rec.lr, rec.l1))


def table2(results, lr: float | None = None, epoch: int | None = None) -> list:
    """Table 2 on a page's penalised runs at step size `lr` (default: the paper's α), one `Table2Row` per
    optimizer and λ1, sorted by λ1 then optimizer; `epoch` reads every run at that epoch (default: its end)."""
    runs = as_runs(results)
    lr = paper.SECTION4_NETWORK["lr"] if lr is None else lr
    recs = [r for r in runs.runs.values() if r.l1 > 0 and np.isclose(r.lr, lr)]
    recs.sort(key=lambda r: (r.l1, OPTIMIZERS.index(r.optimizer)))
    return [table2_row(runs, r, epoch) for r in recs]


def table2_numbers(rows: list) -> dict:
    """Table 2's cells by name, for a page's prose: ``<optimizer>_<small|large>`` (% below τ) and ``..._acc`` for
    every optimizer, and SGD's prediction and swing (``sgd_<small|large>_pred``, ``..._swing``), at the smallest
    and the largest λ1 of `rows` (`table2`'s)."""
    lams = sorted({r.l1 for r in rows})
    out = {}
    for name, lam in (("small", lams[0]), ("large", lams[-1])):
        for r in (r for r in rows if r.l1 == lam):
            out[f"{r.optimizer}_{name}"], out[f"{r.optimizer}_{name}_acc"] = r.ours, r.val_acc
            if r.optimizer == "sgd":
                out[f"sgd_{name}_pred"], out[f"sgd_{name}_swing"] = r.predicted, r.swing
    return out


def learning_table(results, learning_lr: dict) -> list:
    """Table 2 where the networks can learn: each optimizer at its step size in `learning_lr` (optimizer → α),
    read after as many steps as its λ1 = 0 control ran (a longer run at that α is read at that epoch: its
    first steps are the same as a shorter run's)."""
    runs = as_runs(results)
    rows = []
    for opt, lr in learning_lr.items():
        ctrl = _control(runs, opt, lr)
        for rec in sorted((r for r in runs.select(optimizer=opt) if r.l1 > 0 and np.isclose(r.lr, lr)),
                          key=lambda r: r.l1):
            rows.append(table2_row(runs, rec, min(rec.epochs, ctrl.epochs) if ctrl else None))
    return rows


@dataclass(frozen=True)
class Collapse:
    """The signature of a network wiped out by the penalty (SGD, large λ1): every weight sits in the band
    |w| <= s = αλ1 of the two-cycle, spread evenly, so ‖w‖₁ = P·s/2 and the fraction below τ is τ/s."""

    optimizer: str
    l1: float
    lr: float
    n_params: int
    l1_norm: float
    val_acc: float
    below: float              # % of |w| < τ at the end

    @property
    def band_norm(self) -> float:
        """P·αλ1/2: ‖w‖₁ when every weight is spread evenly over (−αλ1, αλ1)."""
        return self.n_params * swing(self.optimizer, self.lr, self.l1) / 2

    @property
    def ratio(self) -> float:
        return self.l1_norm / self.band_norm

    @property
    def predicted_below(self) -> float:
        """τ/(αλ1) in %: the fraction below τ of weights spread evenly over (0, αλ1)."""
        return 100 * min(1.0, paper.TABLE2_TAU / swing(self.optimizer, self.lr, self.l1))

    def numbers(self) -> dict:
        """What the page prints, by name: ‖w‖₁ (`norm`), P·αλ1/2 (`band`), their `ratio`, the % below τ measured
        (`below`) and predicted (`pred`), and the accuracy (`acc`)."""
        return {"norm": self.l1_norm, "band": self.band_norm, "ratio": self.ratio, "below": self.below,
                "pred": self.predicted_below, "acc": self.val_acc}


def collapse(results, optimizer: str = "sgd", l1: float | None = None, lr: float | None = None) -> Collapse:
    """`Collapse` of the run of `optimizer` at penalty `l1` (default: the largest) and `lr` (the paper's α)."""
    runs = as_runs(results)
    lr = paper.SECTION4_NETWORK["lr"] if lr is None else lr
    cands = [r for r in runs.select(optimizer=optimizer) if np.isclose(r.lr, lr) and r.l1 > 0]
    found = [r for r in cands if l1 is None or np.isclose(r.l1, l1)]
    if not found:
        raise ValueError(f"l1 must be the λ1 > 0 of a {optimizer} run at lr {lr:g}, one of "
                         f"{sorted(r.l1 for r in cands)}; got {l1!r}")
    rec = max(found, key=lambda r: r.l1)
    return Collapse(rec.optimizer, rec.l1, rec.lr, int(rec.n_params), rec.l1_norm, rec.val_acc,
                    100 * rec.history["small"][-1])


def crossing_step(small: RunRecord, large: RunRecord) -> float:
    """The training step at which the small-λ1 run's ‖w‖₁ would fall to the large-λ1 run's final ‖w‖₁ if it
    kept shrinking at its last epoch's rate (the earliest such step, as the shrinking slows); the step it
    got there if it did; inf when its ‖w‖₁ did not shrink in the last epoch."""
    norms = np.asarray(small.history["l1"])
    target = large.l1_norm
    below = np.flatnonzero(norms <= target)
    if below.size:
        return float((below[0] + 1) * small.steps_per_epoch)
    if norms.size < 2 or norms[-1] >= norms[-2]:
        return float("inf")
    rate = (norms[-2] - norms[-1]) / small.steps_per_epoch
    return float(small.steps + (norms[-1] - target) / rate)


@dataclass(frozen=True)
class Figure3:
    """Figure 3's two readings at one step size: `final[(optimizer, λ1)]` ‖w‖₁ at the end, the spread between
    optimizers at each λ1 (largest over smallest), and per optimizer the ratio of ‖w‖₁ at the largest λ1 to
    that at the smallest; `learned[optimizer]`: whether its λ1 = 0 control at the same α learned (None: no
    control)."""

    lr: float
    lams: tuple
    final: dict
    learned: dict
    control_acc: dict

    def spread(self, lam: float, optimizers=None) -> float:
        vals = [v for (o, l), v in self.final.items() if l == lam and (optimizers is None or o in optimizers)]
        return max(vals) / min(vals)

    def ratio(self, optimizer: str) -> float:
        """‖w‖₁ at the largest λ1 over ‖w‖₁ at the smallest: above 1 is the paradox."""
        return self.final[(optimizer, self.lams[-1])] / self.final[(optimizer, self.lams[0])]

    def numbers(self) -> dict:
        """What the page prints, by name: the two penalties (`lam_small`, `lam_large`), the paper's Table 2 % for
        SGD at each (`paper_sgd_small`, `paper_sgd_large`) and each control's accuracy (`control_<optimizer>`)."""
        small, large = self.lams[0], self.lams[-1]
        return {"lam_small": small, "lam_large": large, "paper_sgd_small": paper.TABLE2[("sgd", small)],
                "paper_sgd_large": paper.TABLE2[("sgd", large)],
                **{f"control_{o}": acc for o, acc in self.control_acc.items()}}


def figure3(results, lr: float | None = None) -> Figure3:
    """`Figure3` on the penalised runs of the page l1_vgg16 at `lr` (default: the paper's α)."""
    runs = as_runs(results)
    lr = paper.SECTION4_NETWORK["lr"] if lr is None else lr
    recs = [r for r in runs.runs.values() if r.l1 > 0 and np.isclose(r.lr, lr)]
    opts = sorted({r.optimizer for r in recs}, key=OPTIMIZERS.index)
    controls = {o: _control(runs, o, lr) for o in opts}
    return Figure3(lr, tuple(sorted({r.l1 for r in recs})), {(r.optimizer, r.l1): r.l1_norm for r in recs},
                   {o: None if c is None else c.learned() for o, c in controls.items()},
                   {o: None if c is None else c.val_acc for o, c in controls.items()})


# ----- What works: accuracy against exact zeros -----------------------------------------------------------

METHODS = {"sgd": "SGD + L1, pruned at αλ1", "adam": "Adam + L1, pruned at α", "prox-sgd": "ProxSGD",
           "prox-adam": "ProxAdam", "magnitude-sgd": "magnitude pruning (SGD, λ1 = 0)",
           "magnitude-adam": "magnitude pruning (Adam, λ1 = 0)"}
"""The methods of the page What works, from the practitioner's point of view: how a sparse network is made."""
PROXIMAL_METHODS = ("prox-sgd", "prox-adam")
SUBGRADIENT_METHODS = ("sgd", "adam")


@dataclass(frozen=True)
class MethodCurve:
    """One method's points: fraction of weights exactly 0 and validation accuracy, one per run (λ1) or per
    pruning level, sorted by the fraction of zeros; `settings` says which (λ1 or the fraction pruned)."""

    method: str
    zeros: np.ndarray
    val_acc: np.ndarray
    settings: tuple

    @property
    def label(self) -> str:
        return METHODS[self.method]

    def best_zeros(self, min_acc: float) -> float:
        """The largest fraction of exact zeros among the points with accuracy >= `min_acc` (0 when none)."""
        ok = self.val_acc >= min_acc
        return float(self.zeros[ok].max()) if ok.any() else 0.0


@dataclass(frozen=True)
class SparsityAtAccuracy:
    """The page What works on its runs: each method's curve, and the controls (λ1 = 0) that fix the reference
    accuracy: a method's sparsity is read among its points within `margin` of the best control's accuracy."""

    curves: dict
    controls: dict            # optimizer → RunRecord of its λ1 = 0 run
    margin: float

    @property
    def reference_acc(self) -> float:
        return max(r.val_acc for r in self.controls.values())

    @property
    def controls_learned(self) -> bool:
        return bool(self.controls) and all(r.learned() for r in self.controls.values())

    def sparsity(self, method: str) -> float:
        """The method's most exact zeros at working accuracy (>= reference − margin)."""
        return self.curves[method].best_zeros(self.reference_acc - self.margin)

    def best(self, methods) -> tuple:
        """(method, sparsity) of the method among `methods` with the most exact zeros at working accuracy."""
        found = [(m, self.sparsity(m)) for m in methods if m in self.curves]
        return max(found, key=lambda t: t[1])

    def numbers(self) -> dict:
        """What the page "What works instead" prints, by name: the reference accuracy (`ref_acc`), the `margin`
        (as printed, "0.02"), each method's sparsity at working accuracy in % (`<method>_sparsity`) and the
        method, in words, whose network is the sparsest that still works (`best`)."""
        best, _ = self.best(self.curves)
        return {"ref_acc": self.reference_acc, "margin": f"{self.margin:g}",
                **{f"{m}_sparsity": 100 * self.sparsity(m) for m in self.curves}, "best": METHODS[best]}


def sparsity_at_accuracy(results, margin: float = 0.02) -> SparsityAtAccuracy:
    """Every method's `MethodCurve` on the runs of the page What works: a penalised SGD or Adam run gives the
    point of its weights pruned at its swing (stored with the run, `pruning["swing"]`); a proximal run its
    own final weights; the λ1 = 0 runs start every curve and give the magnitude-pruning curves."""
    runs = as_runs(results)
    margin = float(validation.in_range("margin", margin, low=0.0, high=1.0))
    controls = {o: r for o in SUBGRADIENT_METHODS for r in runs.select(optimizer=o, l1=0.0)}
    curves = {}
    for method in ("sgd", "adam", "prox-sgd", "prox-adam"):
        base = controls.get(method.removeprefix("prox-"))
        pts = [(0.0, base.val_acc, "λ1 = 0")] if base else []
        for r in runs.select(optimizer=method):
            if r.l1 == 0:
                continue
            if method in PROXIMAL_METHODS:
                pts.append((r.zeros, r.val_acc, f"λ1 = {r.l1:g}"))
            elif "swing" in r.pruning:
                pts.append((r.pruning["swing"]["zeros"], r.pruning["swing"]["val_acc"], f"λ1 = {r.l1:g}"))
        if pts:
            curves[method] = _curve(method, pts)
    for opt, r in controls.items():
        rows = r.pruning.get("magnitude", [])
        if rows:
            curves[f"magnitude-{opt}"] = _curve(f"magnitude-{opt}", [(0.0, r.val_acc, "unpruned")] +
                                                [(p["zeros"], p["val_acc"], f"{p['fraction']:.0%} pruned") for p in rows])
    return SparsityAtAccuracy(curves, controls, margin)


def _curve(method: str, pts: list) -> MethodCurve:
    pts = sorted(pts, key=lambda p: p[0])
    return MethodCurve(method, np.array([p[0] for p in pts]), np.array([p[1] for p in pts]), tuple(p[2] for p in pts))


@dataclass(frozen=True)
class L1Sweep:
    """One optimizer's final weights against λ1 (the page "What works instead"), each array shape (K,),
    λ1 ascending."""

    optimizer: str
    lam1: np.ndarray
    zeros: np.ndarray         # fraction of weights exactly 0
    below: np.ndarray         # fraction with |w| < τ (Table 2's τ)
    l1_norm: np.ndarray       # ‖w‖₁
    val_acc: np.ndarray       # validation accuracy

    def trend(self, metric: str) -> str:
        """How `metric` ("zeros", "below", "l1_norm", "val_acc") moves as λ1 grows (`ndgm.grids.trend`)."""
        return grids.trend(getattr(self, validation.choice("metric", metric, ("zeros", "below", "l1_norm", "val_acc"))))

    def expected(self) -> bool:
        """What a user of an L1 penalty expects: exact zeros grow with λ1 and the L1 norm shrinks."""
        return self.trend("zeros") == "grows" and self.trend("l1_norm") == "shrinks"


def l1_sweeps(results: dict, tau: float = paper.TABLE2_TAU) -> dict:
    """Per optimizer of a page's runs, its `L1Sweep` over the runs' λ1 > 0 (final epoch of each run)."""
    k = tau_index(tau)
    runs = as_runs(results)
    out = {}
    for opt in [o for o in OPTIMIZERS if runs.select(optimizer=o)]:
        recs = sorted((r for r in runs.select(optimizer=opt) if r.l1 > 0), key=lambda r: r.l1)
        out[opt] = L1Sweep(opt, np.array([r.l1 for r in recs]), np.array([r.history["zeros"][-1] for r in recs]),
                           np.array([r.history["small_by_tau"][k] for r in recs]), np.array([r.l1_norm for r in recs]),
                           np.array([r.val_acc for r in recs]))
    return out


def sparsity_reports(results, chance: float = 0.1) -> list:
    """The `ndgm.networks.sparsity_check` reports stored with a page's runs, as (optimizer, λ1, NetworkSparsity) with each
    run's final validation accuracy and the `chance` level attached (so that a dead network is called dead),
    sorted by optimizer (in OPTIMIZERS order) and λ1; runs without a stored report are left out."""
    recs = [r for r in as_runs(results).runs.values() if r.sparsity]
    recs.sort(key=lambda r: (OPTIMIZERS.index(r.optimizer), r.l1))
    return [(r.optimizer, r.l1, NetworkSparsity.from_dict(r.sparsity).with_accuracy(r.val_acc, chance)) for r in recs]


def report_kinds(reports: list, show: str = "oscillation") -> tuple:
    """How many of the networks of `sparsity_reports` the check calls each kind, and one report to show.

    Returns (numbers, report): numbers by name, `net_runs` (all networks), `net_dead`, `net_sparse`, `net_osc`
    (those of kind "dead", "sparse", "oscillation", `ndgm.networks.sparsity_check.kind`) and `net_shown` (the
    network shown, "SGD (NDGM) at λ1 = 0.001"); report, the `NetworkSparsity` of the first network of kind
    `show`, else of the first network."""
    if not reports:
        raise ValueError("reports must hold at least one (optimizer, λ1, NetworkSparsity); got none")
    count = {k: sum(rep.kind == k for _, _, rep in reports) for k in ("dead", "sparse", "oscillation")}
    opt, lam, shown = next(((o, l, r) for o, l, r in reports if r.kind == show), reports[0])
    return ({"net_osc": count["oscillation"], "net_dead": count["dead"], "net_sparse": count["sparse"],
             "net_runs": len(reports), "net_shown": f"{OPTIMIZER_LABELS[opt]} at λ1 = {lam:g}"}, shown)


