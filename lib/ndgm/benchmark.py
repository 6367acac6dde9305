"""Benchmark: one vectorised ndgm sweep against one torch.optim.SGD loop per configuration.

    python -m ndgm.benchmark [--configs 1000] [--steps 10000] [--p 10]

Runs NDGM on the toy LASSO (7) over a grid of (λ1, α) both ways, checks that both give the same
iterates, and prints both wall times and their ratio.
"""
from __future__ import annotations

import argparse
import time

import numpy as np

from . import losses, optim, problems, run, validation


def grid(configs: int):
    """`configs` (λ1, α) pairs: λ1 log-spaced on [1e-3, 1e2], α log-spaced on [1e-3, 1], crossed."""
    n_lam = int(np.ceil(np.sqrt(configs)))
    n_lr = int(np.ceil(configs / n_lam))
    lam, lr = np.meshgrid(np.logspace(-3, 2, n_lam), np.logspace(-3, 0, n_lr), indexing="ij")
    return lam.ravel()[:configs], lr.ravel()[:configs]


def with_ndgm(lam1, lr, beta0, steps):
    """All configurations at once: the batch axis is the configuration."""
    loss = losses.ToyLasso(lam1)
    res = run.run(loss, optim.make("gd", lr), beta0, steps, record=("l1",), every=steps)
    return res.beta


def with_torch(lam1, lr, beta0, steps):
    """One loop per configuration, the way a PyTorch user writes it."""
    import torch

    finals = []
    for lam, a in zip(lam1, lr):
        beta = torch.tensor(beta0, dtype=torch.float64, requires_grad=True)
        opt = torch.optim.SGD([beta], lr=float(a))
        for _ in range(steps):
            opt.zero_grad()
            loss = float(lam) * beta.abs().sum()
            loss.backward()
            opt.step()
        finals.append(beta.detach().numpy().copy())
    return np.array(finals)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--configs", type=int, default=1000, help="number of (λ1, α) configurations")
    parser.add_argument("--steps", type=int, default=10000, help="iterations per configuration")
    parser.add_argument("--p", type=int, default=10, help="dimension P of β")
    args = parser.parse_args(argv)
    configs = validation.count("configs", args.configs)
    steps = validation.count("steps", args.steps)
    lam1, lr = grid(configs)
    beta0 = problems.starts(0, validation.count("p", args.p))[0]

    t0 = time.perf_counter()
    ours = with_ndgm(lam1, lr, beta0, steps)
    t_ndgm = time.perf_counter() - t0
    print(f"ndgm, one vectorised call:  {t_ndgm:9.2f} s", flush=True)
    t0 = time.perf_counter()
    theirs = with_torch(lam1, lr, beta0, steps)
    t_torch = time.perf_counter() - t0
    print(f"torch.optim.SGD, {configs} loops: {t_torch:9.2f} s")

    diff = np.max(np.abs(ours - theirs))
    print(f"{configs} configurations x {steps} steps, P = {beta0.size}")
    print(f"largest difference between the final iterates: {diff:.3g}")
    print(f"speed-up: {t_torch / t_ndgm:.0f}x")
    if not np.allclose(ours, theirs, rtol=1e-10, atol=1e-12):
        raise SystemExit("the two computations disagree")


if __name__ == "__main__":
    main()
