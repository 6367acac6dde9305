"""Made-up merged results of the heavy pages, with every number under the test's control, so that the
network claims, tables and figures can be checked against known answers without training."""
from __future__ import annotations

import numpy as np

from ndgm import claims, paper
from ndgm.networks import analysis

TAUS = analysis.TAU_GRID


def record(name, model, config, *, loss, acc, l1=None, zeros=0.0, small=0.0, n_train=4000, n_params=1000,
           pruning=None):
    """One run's record: `loss`, `acc` and `l1` per epoch (lists of one length), the rest constant."""
    epochs = len(loss)
    l1 = l1 if l1 is not None else [100.0] * epochs
    return {"name": name, "model": model, "config": {"momentum": 0.0, "tau": paper.TABLE2_TAU, **config},
            "data_used": {"n_train": n_train, "description": "made up"}, "n_params": n_params, "wall_s": 1.0,
            "pruning": pruning or {},
            "history": {"epoch": list(range(1, epochs + 1)), "train_loss": list(loss), "val_acc": list(acc),
                        "l1": list(l1), "zeros": [zeros] * epochs, "small": [small] * epochs,
                        "small_by_tau": list(np.interp(np.log10(TAUS), [-10, np.log10(paper.TABLE2_TAU), 0],
                                                       [0, small, 1])),
                        "below_start": list(np.interp(np.log10(TAUS), [-10, -2, 0], [0, 0.5, 1])),
                        "l1_start": l1[0] * 1.1, "diverged_at": None, "swing": [1e-6]}}


def merged(page, runs, rules=True):
    """A page's merged results holding `runs` (a list of records), with the rules in force stored."""
    return {"page": page, "scale": "cpu", "notes": "", "weights": "made up",
            "data": {"description": "made-up data", "n_train": 4000, "n_test": 1000},
            "environment": {"device_name": "test CPU", "torch": "0"}, "started": "2026-12-03T00:00:00",
            "wall_s": 60.0, "rules": claims.rules(page) if rules else {}, "runs": {r["name"]: r for r in runs}}


def figure2(gap11=0.01, gap19=0.1, noise=0.001, bn_gap=0.0, acc=0.8, seeds=5, softplus_step=0.02, recipe_gap=0.05):
    """relu_vs_gelu results: ReLU's final loss is GELU's plus the gap of its network, plus seed noise."""
    rng = np.random.default_rng(0)
    runs = []
    for depth, bn in ((11, False), (19, False), (11, True), (19, True)):
        gap = bn_gap if bn else {11: gap11, 19: gap19}[depth]
        for s in range(seeds):
            base = 0.5 + 0.01 * s
            for act, extra in (("gelu", 0.0), ("relu", gap + noise * rng.standard_normal())):
                model = {"arch": "vgg", "depth": depth, "activation": act, "batch_norm": bn, "pool": "avg", "width": 0.125,
                         "init": "kaiming"}
                runs.append(record(f"vgg{depth}-{act}-{'bn' if bn else 'nobn'}-seed{s}", model,
                                   {"optimizer": "adam", "lr": 1e-3, "l1": 0.0, "epochs": 3, "batch_size": 64, "seed": s},
                                   loss=[2.0, 1.0, base + extra], acc=[0.5, 0.7, acc]))
    for s in range(seeds):
        for i, beta in enumerate((1.0, 4.0, 16.0)):
            model = {"arch": "vgg", "depth": 19, "activation": "softplus", "batch_norm": False, "pool": "avg",
                     "width": 0.125, "beta": beta, "init": "kaiming"}
            runs.append(record(f"vgg19-softplus{beta:g}-nobn-seed{s}", model,
                               {"optimizer": "adam", "lr": 1e-3, "l1": 0.0, "epochs": 3, "batch_size": 64, "seed": s},
                               loss=[2.0, 1.0, 0.5 + 0.01 * s + i * softplus_step], acc=[0.5, 0.7, acc]))
        for init in ("default", "kaiming"):
            for act, extra in (("gelu", 0.0), ("relu", recipe_gap)):
                model = {"arch": "vgg", "depth": 11, "activation": act, "batch_norm": False, "pool": "avg", "width": 0.125}
                if init != "default":
                    model["init"] = init
                runs.append(record(f"vgg11-{act}-nobn-sgdm-{init}-seed{s}", model,
                                   {"optimizer": "sgd", "lr": 0.01, "momentum": 0.9, "l1": 0.0, "epochs": 3,
                                    "batch_size": 64, "seed": s},
                                   loss=[2.0, 1.0, 0.6 + 0.01 * s + extra], acc=[0.5, 0.7, acc]))
    return merged("relu_vs_gelu", runs)


VGG16 = {"arch": "vgg16", "weights": "made up", "head": "cifar", "width": 1.0}


def l1_vgg16(acc=None, control_acc=None, l1_final=None, small=None, n_params=1_000_000):
    """l1_vgg16 results: the paper's six runs (4 epochs), the λ1 = 0 controls (2 epochs) and the learning-rate
    runs. `acc`, `l1_final` and `small` map (optimizer, λ1) to the final accuracy, ‖w‖₁ and fraction below τ
    of a paper-α run; `control_acc` maps optimizer to its control's accuracy. SGD at λ1 = 2 ends in the
    collapse band by default."""
    alpha = paper.SECTION4_NETWORK["lr"]
    acc = {**{(o, lam): 0.8 for o in ("sgd", "rmsprop", "adam") for lam in (0.002, 2.0)}, **(acc or {})}
    control_acc = {"sgd": 0.8, "rmsprop": 0.8, "adam": 0.8, **(control_acc or {})}
    band = n_params * alpha * 2.0 / 2
    l1_final = {**{(o, lam): 5000.0 for o in ("sgd", "rmsprop", "adam") for lam in (0.002, 2.0)},
                ("sgd", 2.0): band, ("sgd", 0.002): 8000.0, **(l1_final or {})}
    small = {**{k: paper.TABLE2[k] / 100 for k in paper.TABLE2}, **(small or {})}
    runs = []
    for o in ("sgd", "rmsprop", "adam"):
        for lam in (0.002, 2.0):
            end = l1_final[(o, lam)]
            runs.append(record(f"{o}-l1={lam:g}", VGG16, {"optimizer": o, "lr": alpha, "l1": lam, "epochs": 4,
                                                           "batch_size": 8, "seed": 0},
                               loss=[1.0] * 4, acc=[acc[(o, lam)]] * 4, l1=[4 * end, 3 * end, 2 * end, end],
                               small=small[(o, lam)], n_params=n_params))
        runs.append(record(f"{o}-l1=0", VGG16, {"optimizer": o, "lr": alpha, "l1": 0.0, "epochs": 2, "batch_size": 8,
                                               "seed": 0}, loss=[1.0] * 2, acc=[control_acc[o]] * 2, n_params=n_params))
    for o in ("rmsprop", "adam"):
        lr = analysis.LEARNING_LR[o]
        for lam in (0.0, 0.002, 2.0):
            runs.append(record(f"{o}-lr={lr:g}-l1={lam:g}", VGG16, {"optimizer": o, "lr": lr, "l1": lam, "epochs": 2,
                                                                     "batch_size": 8, "seed": 0},
                               loss=[1.0] * 2, acc=[0.8] * 2, small=0.01, n_params=n_params))
    return merged("l1_vgg16", runs)


def what_works(prox_zeros=0.6, prox_acc=0.79, sgd_zeros=0.2, sgd_acc=0.79, control_acc=0.8):
    """what_works results: one penalised run per method with the given zeros and accuracy (after pruning at
    the swing for SGD and Adam), λ1 = 0 controls with a magnitude-pruning curve."""
    def magnitude(acc0):
        return {"magnitude": [{"fraction": f, "tau": 0.01 * f, "zeros": f, "val_loss": 1.0,
                               "val_acc": acc0 - 0.1 * f} for f in (0.1, 0.5, 0.9)]}

    runs = []
    for o, lr in (("sgd", 0.003), ("adam", 1e-4)):
        runs.append(record(f"{o}-lr={lr:g}-l1=0", VGG16, {"optimizer": o, "lr": lr, "l1": 0.0, "epochs": 2,
                                                           "batch_size": 8, "seed": 0},
                           loss=[1.0] * 2, acc=[control_acc] * 2, pruning=magnitude(control_acc)))
        runs.append(record(f"{o}-lr={lr:g}-l1=0.001", VGG16, {"optimizer": o, "lr": lr, "l1": 1e-3, "epochs": 2,
                                                               "batch_size": 8, "seed": 0},
                           loss=[1.0] * 2, acc=[0.8] * 2,
                           pruning={"swing": {"tau": lr * 1e-3, "zeros": sgd_zeros, "val_loss": 1.0, "val_acc": sgd_acc}}))
        runs.append(record(f"prox-{o}-lr={lr:g}-l1=0.001", VGG16, {"optimizer": f"prox-{o}", "lr": lr, "l1": 1e-3,
                                                                    "epochs": 2, "batch_size": 8, "seed": 0},
                           loss=[1.0] * 2, acc=[prox_acc] * 2, zeros=prox_zeros))
    return merged("what_works", runs)
