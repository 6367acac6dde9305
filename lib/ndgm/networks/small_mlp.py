"""The sparsity check on a network in memory (page "What works instead"): a small MLP on the generated
32 x 32 images of the `smoke` scale, trained twice with the same α and λ1, once by NDGM (SGD with the
penalty's subgradient λ1·sign(w), `ndgm.networks.train`) and once by `ProxSGD` (the penalty's proximal step,
`ndgm.networks.proximal`), each then checked by `ndgm.networks.sparsity_check.check_network`.

NDGM leaves the weights the penalty drives hopping across 0 by the swing αλ1 (eq. 8); ProxSGD sets them
to exactly 0. In T steps the penalty alone moves a weight by at most Tαλ1 (`SmallMLPChecks.reach`), so a
short run can only catch the weights that started that close to 0.
"""
from __future__ import annotations

from dataclasses import dataclass

try:
    import torch
except ImportError as e:  # pragma: no cover - exercised by the packaging test
    raise ImportError("ndgm.networks.small_mlp needs PyTorch: pip install 'ndgm[torch]' "
                      "(or the repository's requirements.txt)") from e

from . import data, proximal, train
from .sparsity_check import NetworkSparsity, check_network


@dataclass(frozen=True)
class SmallMLPChecks:
    """`check_network`'s reports and the validation accuracies of the two trainings (`train_and_check`)."""

    lr: float                 # α
    l1: float                 # λ1
    epochs: int
    batch_size: int
    n_train: int
    n_test: int
    ndgm_report: NetworkSparsity
    prox_report: NetworkSparsity
    ndgm_acc: float           # validation accuracy after NDGM
    prox_acc: float           # validation accuracy after ProxSGD

    @property
    def steps_per_epoch(self) -> int:
        """Steps in one epoch (the last incomplete batch is dropped)."""
        return self.n_train // self.batch_size

    @property
    def reach(self) -> float:
        """T·αλ1, T the steps of a run: how far the penalty alone moves a weight, so the largest |w0| that
        either method can have brought to 0 (NDGM: into its band of width αλ1, eq. 8)."""
        return self.lr * self.l1 * self.epochs * self.steps_per_epoch

    def numbers(self) -> dict:
        """What the page prints, by name: `lr`, `l1`, the accuracies (`ndgm_acc`, `prox_acc`), the % of
        weights exactly 0 after each (`ndgm_zeros`, `prox_zeros`), the % within NDGM's swing αλ1 of 0
        (`ndgm_band`) and `reach`."""
        return {"lr": self.lr, "l1": self.l1, "ndgm_acc": self.ndgm_acc, "prox_acc": self.prox_acc,
                "ndgm_zeros": 100 * self.ndgm_report.overall.zeros, "ndgm_band": 100 * self.ndgm_report.overall.band,
                "prox_zeros": 100 * self.prox_report.overall.zeros, "reach": self.reach}


def mlp(hidden: int = 64, seed: int = 0) -> torch.nn.Module:
    """3 x 32 x 32 → `hidden` (ReLU) → 10, initialised by PyTorch from `torch.manual_seed(seed)`."""
    torch.manual_seed(seed)
    return torch.nn.Sequential(torch.nn.Flatten(), torch.nn.Linear(3 * 32 * 32, hidden), torch.nn.ReLU(),
                               torch.nn.Linear(hidden, 10))


def train_and_check(lr: float = 0.05, l1: float = 1e-3, epochs: int = 5, batch_size: int = 32, n_train: int = 512,
                    n_test: int = 256, hidden: int = 64, seed: int = 0) -> SmallMLPChecks:
    """Train `mlp(hidden, seed)` on `data.load("synthetic", n_train, n_test, seed)` twice from the same start,
    for `epochs` epochs of batches of `batch_size` at step size α = `lr` and penalty λ1 = `l1`: by
    `train.train` with optimizer "sgd" (NDGM, the penalty's subgradient in the step) and by `proximal.fit`
    with `ProxSGD` (the penalty's soft threshold); check both with `check_network(model, lr, l1)`. A few
    seconds on a CPU at the defaults."""
    images = data.load("synthetic", n_train=n_train, n_test=n_test, seed=seed)
    ndgm_net = mlp(hidden, seed)
    hist = train.train(ndgm_net, images, train.Config(optimizer="sgd", lr=lr, l1=l1, epochs=epochs,
                                                      batch_size=batch_size, seed=seed), progress=False)
    prox_net = mlp(hidden, seed)
    proximal.fit(prox_net, images.x_train, images.y_train, proximal.ProxSGD(prox_net.parameters(), lr=lr, l1=l1),
                 epochs=epochs, batch_size=batch_size, seed=seed)
    _, prox_acc = train.evaluate(prox_net, images.x_test, images.y_test)
    return SmallMLPChecks(lr, l1, len(hist.epoch), batch_size, images.x_train.shape[0], images.x_test.shape[0],
                          check_network(ndgm_net, lr=lr, l1=l1), check_network(prox_net, lr=lr, l1=l1),
                          hist.val_acc[-1], prox_acc)
