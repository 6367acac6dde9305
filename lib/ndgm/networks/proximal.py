"""Proximal optimizers for PyTorch: what NDGM lacks, as drop-in `torch.optim.Optimizer` subclasses.

Both minimise f(w) + λ1‖w‖₁ where f is what the training script backpropagates (the cross-entropy,
say) and λ1 is the `l1` of each parameter group. The penalty is *not* differentiated: after the
usual step on f, every weight is soft-thresholded, the proximal map of the L1 term,

.. math:: S_\\tau(x) = \\operatorname{sign}(x)\\max(|x| - \\tau, 0),

which sets weights to exactly 0 and keeps them there while |step on f| < τ. That is the step the paper
says NDGM (eq. 2 with the autodiff subgradient of eq. 4) does not take, so NDGM's weights oscillate
in a band of width αλ1 around 0 (eq. 8) instead of reaching it.

- `ProxSGD`: w ← S_{αλ1}(w − α∇f(w)), proximal gradient (ISTA); on (7) and (15) it is
  `ndgm.optim.Prox` step for step.
- `ProxAdam`: Adam's step on f, then S_{τ_i} per coordinate with τ_i = αλ1/(√v̂_i + ε), Adam's own step
  size for that coordinate: the proximal map of λ1‖·‖₁ in the metric diag(√v̂ + ε)/α that Adam's step uses.

Use them as any torch optimizer, leaving the L1 term out of the loss::

    opt = ProxAdam([{"params": convs, "l1": 1e-4}, {"params": norms, "l1": 0.0}], lr=1e-3)
    loss = F.cross_entropy(model(x), y)      # no λ1‖w‖₁ here
    opt.zero_grad(); loss.backward(); opt.step()

Parameters whose `.grad` is None are skipped, as torch.optim does; on a loss with no smooth part
(eq. 7) give them zero gradients. `state_dict()` / `load_state_dict()` carry `l1` with the groups.
"""
from __future__ import annotations

import math

import numpy as np

try:
    import torch
    import torch.nn.functional as F
except ImportError as e:  # pragma: no cover - exercised by the packaging test
    raise ImportError("ndgm.networks.proximal needs PyTorch: pip install 'ndgm[torch]' "
                      "(or the repository's requirements.txt)") from e


def _nonnegative(name, value):
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value) or value < 0:
        raise ValueError(f"{name} must be a finite number >= 0; got {value!r}")
    return float(value)


def _positive(name, value):
    if _nonnegative(name, value) == 0:
        raise ValueError(f"{name} must be a finite number > 0; got {value!r}")
    return float(value)


def soft_threshold_(p: torch.Tensor, tau) -> torch.Tensor:
    """In place: p ← sign(p)·max(|p| − τ, 0), τ a number or a tensor shaped like p (the prox of τ‖·‖₁)."""
    return p.copy_(p.sign() * (p.abs() - tau).clamp_min_(0.0))


class _Proximal(torch.optim.Optimizer):
    """A torch optimizer whose every parameter group has a step size `lr` > 0 and a penalty `l1` >= 0."""

    def __init__(self, params, defaults):
        super().__init__(params, defaults)
        for group in self.param_groups:
            _positive("lr", group["lr"])
            _nonnegative("l1", group["l1"])


class ProxSGD(_Proximal):
    """Proximal SGD (ISTA with stochastic gradients): w ← S_{αλ1}(w − α∇f(w)).

    Parameters
    ----------
    params : iterable of tensors or of dicts (parameter groups, each may set its own `lr` and `l1`)
    lr : float > 0, the step size α
    l1 : float >= 0, the penalty λ1 of λ1‖w‖₁ (0 gives plain SGD)
    """

    def __init__(self, params, lr: float, l1: float = 0.0):
        super().__init__(params, {"lr": _positive("lr", lr), "l1": _nonnegative("l1", l1)})

    @torch.no_grad()
    def step(self, closure=None):
        """One step; `closure` (re-evaluating f and calling backward) is optional, as in torch.optim."""
        loss = _evaluate(closure)
        for group in self.param_groups:
            lr, tau = group["lr"], group["lr"] * group["l1"]
            for p in group["params"]:
                if p.grad is None:
                    continue
                p.add_(p.grad, alpha=-lr)
                if tau > 0:
                    soft_threshold_(p, tau)
        return loss


def _evaluate(closure):
    """The loss that `closure` returns, computed with gradients on (None without a closure)."""
    if closure is None:
        return None
    with torch.enable_grad():
        return closure()


class ProxAdam(_Proximal):
    """Adam on f followed by the L1 prox in Adam's metric: w ← S_τ(w − α m̂/(√v̂ + ε)), τ = αλ1/(√v̂ + ε).

    m and v are torch.optim.Adam's moving averages of the gradient of f alone (the penalty never enters
    them), m̂ = m/(1 − β1^t), v̂ = v/(1 − β2^t). With λ1 = 0 it is torch.optim.Adam (no weight decay,
    no amsgrad).

    Parameters
    ----------
    params : iterable of tensors or of dicts (parameter groups, each may set its own `lr` and `l1`)
    lr : float > 0, α;  l1 : float >= 0, λ1;  betas : (β1, β2) in [0, 1);  eps : float > 0
    """

    def __init__(self, params, lr: float = 1e-3, l1: float = 0.0, betas=(0.9, 0.999), eps: float = 1e-8):
        if not (isinstance(betas, (tuple, list)) and len(betas) == 2
                and all(isinstance(b, (int, float)) and 0.0 <= b < 1.0 for b in betas)):
            raise ValueError(f"betas must be two numbers in [0, 1); got {betas!r}")
        defaults = {"lr": _positive("lr", lr), "l1": _nonnegative("l1", l1),
                    "betas": (float(betas[0]), float(betas[1])), "eps": _positive("eps", eps)}
        super().__init__(params, defaults)

    @torch.no_grad()
    def step(self, closure=None):
        """One step; `closure` (re-evaluating f and calling backward) is optional, as in torch.optim."""
        loss = _evaluate(closure)
        for group in self.param_groups:
            lr, l1, eps = group["lr"], group["l1"], group["eps"]
            b1, b2 = group["betas"]
            for p in group["params"]:
                if p.grad is None:
                    continue
                state = self.state[p]
                if not state:
                    state["step"] = 0
                    state["exp_avg"] = torch.zeros_like(p, memory_format=torch.preserve_format)
                    state["exp_avg_sq"] = torch.zeros_like(p, memory_format=torch.preserve_format)
                state["step"] += 1
                t, m, v = state["step"], state["exp_avg"], state["exp_avg_sq"]
                m.lerp_(p.grad, 1.0 - b1)
                v.mul_(b2).addcmul_(p.grad, p.grad, value=1.0 - b2)
                denom = (v.sqrt() / (1.0 - b2 ** t) ** 0.5).add_(eps)      # √v̂ + ε
                p.addcdiv_(m, denom, value=-lr / (1.0 - b1 ** t))
                if l1 > 0:
                    soft_threshold_(p, (lr * l1) / denom)
        return loss


OPTIMIZERS = {"prox-sgd": ProxSGD, "prox-adam": ProxAdam}
"""The proximal optimizers by name."""


def fit(model, x, y, opt, *, epochs: int = 1, batch_size: int = 64, seed: int = 0) -> list:
    """The smallest training loop a reader needs: cross-entropy on shuffled mini-batches of (x, y), `opt.step()`
    after each; the L1 term is left to `opt` (a `ProxSGD` or `ProxAdam`). Returns the mean loss of each epoch."""
    if not isinstance(opt, torch.optim.Optimizer):
        raise ValueError(f"opt must be a torch.optim.Optimizer; got {type(opt).__name__}")
    for name, v in (("epochs", epochs), ("batch_size", batch_size)):
        if isinstance(v, bool) or not isinstance(v, int) or v < 1:
            raise ValueError(f"{name} must be an integer >= 1; got {v!r}")
    gen = torch.Generator(device=x.device).manual_seed(seed)
    steps, losses = max(1, x.shape[0] // batch_size), []
    model.train()
    for _ in range(epochs):
        order, total = torch.randperm(x.shape[0], generator=gen, device=x.device), torch.zeros(())
        for s in range(steps):
            idx = order[s * batch_size:(s + 1) * batch_size]
            opt.zero_grad()
            loss = F.cross_entropy(model(x[idx]), y[idx])
            loss.backward()
            opt.step()
            total += loss.detach().cpu()
        losses.append(total.item() / steps)
    return losses


def lasso_fit(W, y, lam1: float, lr: float, steps: int, beta0=None, optimizer: str = "prox-sgd"):
    """(15), (1/N)‖y − Wβ‖² + λ1‖β‖₁, minimised by a proximal optimizer in float64 the way a PyTorch user
    would (the penalty left to the optimizer); returns β (P,) as a numpy array. β0 defaults to 0."""
    if optimizer not in OPTIMIZERS:
        raise ValueError(f"optimizer must be one of {sorted(OPTIMIZERS)}; got {optimizer!r}")
    if isinstance(steps, bool) or not isinstance(steps, int) or steps < 1:
        raise ValueError(f"steps must be an integer >= 1; got {steps!r}")
    W_, y_ = torch.as_tensor(np.asarray(W, dtype=float)), torch.as_tensor(np.asarray(y, dtype=float))
    if W_.ndim != 2 or y_.shape != (W_.shape[0],):
        raise ValueError(f"W must be (N, P) and y (N,); got {tuple(W_.shape)} and {tuple(y_.shape)}")
    start = torch.zeros(W_.shape[1], dtype=torch.float64) if beta0 is None else torch.as_tensor(np.asarray(beta0, dtype=float))
    b = start.clone().requires_grad_(True)
    opt = OPTIMIZERS[optimizer]([b], lr=lr, l1=lam1)
    for _ in range(steps):
        opt.zero_grad()
        (((y_ - W_ @ b) ** 2).sum() / W_.shape[0]).backward()
        opt.step()
    return b.detach().numpy()
