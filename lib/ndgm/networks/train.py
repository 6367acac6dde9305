"""The training loop of the heavy pages (Figure 2, Figure 3, Table 2): one loop for every run.

The objective is the paper's L1-penalised cross-entropy,

.. math:: J(w) = \\frac{1}{B}\\sum_{i\\in\\text{batch}} \\mathrm{CE}(f_w(x_i), y_i) + \\lambda_1 \\lVert w\\rVert_1,

with the penalty over every parameter (weights, biases and batch-norm scales, as Appendix C's script
sums it). The penalty's gradient is added as λ1·sign(w), which is exactly what autograd returns for
λ1·|w| (sign(0) = 0): the NDGM step of eq. (4), without building the penalty into the graph. With
the proximal optimizers ("prox-sgd", "prox-adam") the penalty is not differentiated: their step
soft-thresholds the weights (`ndgm.networks.proximal`).

Per epoch the loop records the mean training cross-entropy and objective, the validation loss
(the mean over images) and accuracy, the L1 norm of all weights, and the fractions of weights with
|w| < τ and with w = 0 exactly. Losses stay on the device and are read back once per epoch. After
every epoch it writes a checkpoint (model, optimizer, RNG states, history) atomically, so a run
killed at any point resumes from its last epoch and ends with the same numbers (bitwise on a CPU).
"""
from __future__ import annotations

import math
import os
import time
from dataclasses import asdict, dataclass, field

import numpy as np

try:
    import torch
    import torch.nn.functional as F
    from tqdm.auto import tqdm
except ImportError as e:  # pragma: no cover - exercised by the packaging test
    raise ImportError("ndgm.networks.train needs PyTorch: pip install 'ndgm[torch]' "
                      "(or the repository's requirements.txt)") from e

from .. import paper, validation
from . import proximal
from ..swing import OPTIMIZERS, TAU_GRID

PROXIMAL = ("prox-sgd", "prox-adam")

TAU = paper.TABLE2_TAU
"""Table 2's threshold: a weight with |w| < τ counts as prunable."""


@dataclass(frozen=True)
class Config:
    """What one training run does: optimizer, learning rate α, penalty λ1, epochs, batch, seed."""

    optimizer: str = "sgd"
    lr: float = 0.003
    l1: float = 0.0
    epochs: int = 1
    batch_size: int = 64
    seed: int = 0
    tau: float = TAU
    momentum: float = 0.0     # SGD's heavy ball (torch convention); the paper's runs use none

    def __post_init__(self):
        validation.choice("optimizer", self.optimizer, OPTIMIZERS)
        validation.positive("lr", self.lr)
        validation.nonnegative("l1", self.l1)
        validation.count("epochs", self.epochs)
        validation.count("batch_size", self.batch_size)
        validation.count("seed", self.seed, minimum=0)
        validation.in_range("tau", self.tau, low=0.0, low_open=True)
        validation.in_range("momentum", self.momentum, low=0.0, high=1.0)
        if self.momentum and self.optimizer != "sgd":
            raise ValueError(f"momentum applies to optimizer 'sgd' only; got optimizer {self.optimizer!r}")


@dataclass
class History:
    """Per-epoch records (lists of length epochs) and the final weights' statistics."""

    epoch: list = field(default_factory=list)         # 1, 2, ...
    train_loss: list = field(default_factory=list)    # mean cross-entropy over the epoch's batches
    objective: list = field(default_factory=list)     # mean of cross-entropy + λ1‖w‖₁ over the batches
    val_loss: list = field(default_factory=list)      # mean cross-entropy over the validation images
    val_acc: list = field(default_factory=list)       # fraction classified correctly
    l1: list = field(default_factory=list)            # ‖w‖₁ over all parameters at the epoch's end
    small: list = field(default_factory=list)         # fraction of parameters with |w| < τ
    zeros: list = field(default_factory=list)         # fraction of parameters exactly 0
    seconds: list = field(default_factory=list)       # wall time of the epoch's training steps
    images_per_s: list = field(default_factory=list)  # training throughput
    diverged_at: int | None = None                    # first epoch whose loss was not finite
    l1_start: float = float("nan")                    # ‖w‖₁ before the first step
    below_start: list = field(default_factory=list)   # initial fraction of |w| < τ for τ in TAU_GRID
    small_by_tau: list = field(default_factory=list)  # final fraction of |w| < τ for τ in TAU_GRID
    swing: list = field(default_factory=list)         # final median |w_T - w_{T-1}| (last step's move)

    def as_dict(self) -> dict:
        return asdict(self)


def as_device(device) -> "torch.device":
    """`device` ("cpu", "cuda", "cuda:N" or a torch.device) as a torch.device."""
    try:
        return torch.device(device)
    except (RuntimeError, TypeError):
        raise ValueError(f"device must be 'cpu', 'cuda' or 'cuda:N'; got {device!r}") from None


def weight_stats(params, tau: float) -> tuple[float, float, float]:
    """‖w‖₁, the fraction of |w| < τ and the fraction of w = 0, over all parameters."""
    flat = torch.cat([p.detach().reshape(-1) for p in params])
    a = flat.abs()
    n = flat.numel()
    return a.double().sum().item(), (a < tau).sum().item() / n, (flat == 0).sum().item() / n


def fraction_below(params, taus) -> list:
    """For each τ in `taus`, the fraction of parameters with |w| < τ."""
    a = torch.cat([p.detach().reshape(-1) for p in params]).abs().double().cpu().numpy()
    a.sort()
    return (np.searchsorted(a, np.asarray(taus), side="left") / a.size).tolist()


def make_optimizer(config: Config, params):
    """A fresh torch optimizer with PyTorch's defaults (the paper names no other hyper-parameters); the
    proximal ones carry λ1 themselves."""
    if config.optimizer in PROXIMAL:
        return proximal.OPTIMIZERS[config.optimizer]([{"params": params, "l1": config.l1}], lr=config.lr)
    if config.optimizer == "sgd":
        return torch.optim.SGD(params, lr=config.lr, momentum=config.momentum)
    return {"rmsprop": torch.optim.RMSprop, "adam": torch.optim.Adam}[config.optimizer](params, lr=config.lr)


def evaluate(model, x, y, batch_size: int = 500) -> tuple[float, float]:
    """Mean cross-entropy over the images (not over batches) and accuracy, in eval mode."""
    model.eval()
    loss = torch.zeros((), device=x.device, dtype=torch.float64)
    correct = torch.zeros((), device=x.device, dtype=torch.int64)
    with torch.no_grad():
        for i in range(0, x.shape[0], batch_size):
            out = model(x[i:i + batch_size])
            loss += F.cross_entropy(out, y[i:i + batch_size], reduction="sum").double()
            correct += (out.argmax(1) == y[i:i + batch_size]).sum()
    model.train()
    return loss.item() / x.shape[0], correct.item() / x.shape[0]


def prune_evaluate(model, x, y, taus) -> list[dict]:
    """Accuracy after pruning: for each τ in `taus`, every parameter with |w| < τ set to 0, the network
    evaluated on (x, y), its weights then restored. Returns, per τ, ``{"tau", "zeros", "val_loss",
    "val_acc"}`` with `zeros` the fraction of parameters that are exactly 0 once pruned."""
    params = list(model.parameters())
    saved = [p.detach().clone() for p in params]
    n = sum(p.numel() for p in params)
    out = []
    for tau in taus:
        validation.in_range("tau", tau, low=0.0)
        with torch.no_grad():
            for p in params:       # compared in float64: a float32 |w| against τ as given, not τ rounded
                p.masked_fill_(p.abs().double() < tau, 0.0)
        zeros = sum(int((p == 0).sum()) for p in params) / n
        loss, acc = evaluate(model, x, y)
        out.append({"tau": float(tau), "zeros": zeros, "val_loss": loss, "val_acc": acc})
        with torch.no_grad():
            for p, q in zip(params, saved):
                p.copy_(q)
    return out


def magnitude_thresholds(model, fractions) -> list[float]:
    """The τ that global magnitude pruning uses to zero the fraction `f` of all parameters, for each f in
    `fractions` (the f-quantile of |w|, nudged up so that the quantile itself is pruned)."""
    a = torch.cat([p.detach().reshape(-1) for p in model.parameters()]).abs().double().cpu().numpy()
    a.sort()
    fractions = validation.in_range("fractions", fractions, low=0.0, high=1.0, low_open=True)
    return [float(np.nextafter(a[min(a.size - 1, int(np.ceil(f * a.size)) - 1)], np.inf)) for f in fractions]


def _rng_state(gen):
    return {"torch": torch.get_rng_state(), "shuffle": gen.get_state(),
            "cuda": torch.cuda.get_rng_state_all() if torch.cuda.is_available() else []}


def _set_rng_state(state, gen):
    torch.set_rng_state(state["torch"])
    gen.set_state(state["shuffle"])
    if state["cuda"] and torch.cuda.is_available():
        torch.cuda.set_rng_state_all(state["cuda"])


def save_atomic(obj, path: str) -> None:
    """torch.save to ``<path>.partial``, then rename it into place: a kill never leaves half a file."""
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    partial = f"{path}.partial"
    torch.save(obj, partial)
    os.replace(partial, path)


def train(model, data, config: Config, *, device="cpu", checkpoint: str | None = None,
          progress: bool = True, compile: bool = False, channels_last: bool = False,
          bf16: bool = False, desc: str = "") -> History:
    """Train `model` on `data` (an ndgm.networks.data.Dataset) with a fresh optimizer; return its History.

    The training set is shuffled every epoch on the device with a generator seeded by
    `config.seed`; the last incomplete batch is dropped, so every step sees `batch_size` images.
    With `checkpoint` (a file path), each epoch ends by saving the state there, and a call that
    finds a checkpoint of the same configuration resumes after its last epoch (a checkpoint of
    fewer epochs, otherwise the same, is continued: a run can be lengthened). `compile`,
    `channels_last` and `bf16` (autocast) are for CUDA runs; they leave CPU results unchanged in
    meaning but not bitwise.
    """
    if not isinstance(config, Config):
        raise ValueError(f"config must be an ndgm.networks.train.Config; got {type(config).__name__}")
    device = as_device(device)
    n = data.x_train.shape[0]
    if n < config.batch_size:
        raise ValueError(f"batch_size must be at most the number of training images ({n}); got {config.batch_size}")
    x_train, y_train = data.x_train.to(device), data.y_train.to(device)
    x_test, y_test = data.x_test.to(device), data.y_test.to(device)
    model = model.to(device)
    if channels_last:
        model = model.to(memory_format=torch.channels_last)
        x_train, x_test = (t.contiguous(memory_format=torch.channels_last) for t in (x_train, x_test))
    params = [p for p in model.parameters()]
    opt = make_optimizer(config, params)
    gen = torch.Generator(device=device)
    gen.manual_seed(config.seed)
    history = History(l1_start=weight_stats(params, config.tau)[0], below_start=fraction_below(params, TAU_GRID))
    if checkpoint and os.path.exists(checkpoint):
        state = torch.load(checkpoint, map_location=device, weights_only=True)
        same = {k: v for k, v in state["config"].items() if k != "epochs"} == \
            {k: v for k, v in asdict(config).items() if k != "epochs"}
        if not same or state["config"]["epochs"] > config.epochs:
            raise ValueError(f"checkpoint {checkpoint} was written by another configuration: "
                             f"{state['config']} (this run: {asdict(config)}); only epochs may grow. "
                             "Remove the file to start afresh")
        model.load_state_dict(state["model"])
        opt.load_state_dict(state["optimizer"])
        _set_rng_state(state["rng"], gen)
        history = History(**state["history"])
    step_fn = torch.compile(model) if compile else model
    subgradient = config.optimizer not in PROXIMAL     # the proximal optimizers apply λ1 in their step
    steps = n // config.batch_size
    bar = None
    if progress:
        bar = tqdm(total=config.epochs * steps, initial=len(history.epoch) * steps, desc=desc or config.optimizer,
                   unit="step", leave=False)
    model.train()
    for epoch in range(len(history.epoch) + 1, config.epochs + 1):
        if history.diverged_at is not None:
            break
        ce_sum = torch.zeros((), device=device, dtype=torch.float64)
        pen_sum = torch.zeros((), device=device, dtype=torch.float64)
        start = time.perf_counter()
        order = torch.randperm(n, generator=gen, device=device)
        before_last = None
        for s in range(steps):
            idx = order[s * config.batch_size:(s + 1) * config.batch_size]
            if epoch == config.epochs and s == steps - 1:
                before_last = [p.detach().clone() for p in params]
            with torch.autocast(device.type, dtype=torch.bfloat16, enabled=bf16):
                out = step_fn(x_train[idx])
            ce = F.cross_entropy(out.float() if bf16 else out, y_train[idx])
            opt.zero_grad()
            ce.backward()
            if config.l1 > 0:
                with torch.no_grad():
                    pen_sum += torch.stack([p.abs().sum() for p in params]).sum().double()
                    if subgradient:               # d(λ1|w|)/dw as autograd has it: λ1 sign(w)
                        for p in params:
                            p.grad.add_(torch.sign(p), alpha=config.l1)
            opt.step()
            ce_sum += ce.detach().double()
            if bar is not None:
                bar.update(1)
        if device.type == "cuda":
            torch.cuda.synchronize()
        seconds = time.perf_counter() - start
        train_ce = ce_sum.item() / steps
        val_loss, val_acc = evaluate(model, x_test, y_test)
        l1, small, zeros = weight_stats(params, config.tau)
        history.epoch.append(epoch)
        history.train_loss.append(train_ce)
        history.objective.append(train_ce + config.l1 * pen_sum.item() / steps)
        history.val_loss.append(val_loss)
        history.val_acc.append(val_acc)
        history.l1.append(l1)
        history.small.append(small)
        history.zeros.append(zeros)
        history.seconds.append(seconds)
        history.images_per_s.append(steps * config.batch_size / seconds)
        if not (math.isfinite(train_ce) and math.isfinite(l1)):
            history.diverged_at = epoch
        if epoch == config.epochs or history.diverged_at is not None:
            history.small_by_tau = fraction_below(params, TAU_GRID)
            if before_last is not None:
                moved = torch.cat([(p.detach() - q).abs().reshape(-1) for p, q in zip(params, before_last)])
                history.swing = [float(moved.double().median().item())]
        if bar is not None:
            bar.set_postfix(loss=f"{train_ce:.3g}", l1=f"{l1:.4g}", acc=f"{val_acc:.3f}")
        if checkpoint:
            save_atomic({"config": asdict(config), "model": model.state_dict(), "optimizer": opt.state_dict(),
                         "rng": _rng_state(gen), "history": history.as_dict()}, checkpoint)
    if bar is not None:
        bar.close()
    return history
