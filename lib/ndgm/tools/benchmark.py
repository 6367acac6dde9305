"""Benchmark: one vectorised ndgm sweep against one torch.optim.SGD loop per configuration.

    python -m ndgm.tools.benchmark [--configs 1000] [--steps 10000] [--p 10] [--out result.json]

Runs NDGM on the toy LASSO (7) over a grid of (λ1, α) both ways, checks that both give the same
iterates, and prints both wall times and their ratio. With `--out` it also writes them as JSON,
together with the machine they were measured on (CPU model, core count, library versions), the
date, the load average before and after, and the process CPU time of each computation (which other
work on a shared machine inflates much less than the wall time), so that a quoted figure can say
where it comes from.
"""
from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import time
from pathlib import Path

import numpy as np

from .. import losses, optim, problems, run, validation
from ..machine import cpu_model, load


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


def machine() -> dict:
    """Where a measurement was taken: CPU, cores, OS and library versions."""
    import torch

    return {
        "cpu": cpu_model(),
        "cores": os.cpu_count(),
        "torch_threads": torch.get_num_threads(),
        "platform": platform.platform(),
        "python": platform.python_version(),
        "numpy": np.__version__,
        "torch": torch.__version__,
    }


def measure(configs: int, steps: int, p: int) -> dict:
    """Time both computations on `configs` (λ1, α) pairs for `steps` steps in dimension `p`.

    Returns
    -------
    dict
        The settings, the machine (`machine()`), the UTC start time, the load average at the start
        and the end, both wall times and both process CPU times in seconds, their ratios, and the
        largest absolute difference between the two sets of final iterates.
    """
    configs = validation.count("configs", configs)
    steps = validation.count("steps", steps)
    lam1, lr = grid(configs)
    beta0 = problems.starts(0, validation.count("p", p))[0]
    result = {"date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
              "machine": machine(), "configs": configs, "steps": steps, "p": int(beta0.size),
              "load_average_1min": {"start": load()}}

    finals = {}
    for name, how in [("ndgm", with_ndgm), ("torch", with_torch)]:
        wall, cpu = time.perf_counter(), time.process_time()
        finals[name] = how(lam1, lr, beta0, steps)
        result[f"{name}_s"] = time.perf_counter() - wall
        result[f"{name}_cpu_s"] = time.process_time() - cpu
        print(f"{name}: {result[f'{name}_s']:9.2f} s wall, {result[f'{name}_cpu_s']:9.2f} s CPU", flush=True)
    ours, theirs = finals["ndgm"], finals["torch"]

    result["load_average_1min"]["end"] = load()
    result["speedup"] = result["torch_s"] / result["ndgm_s"]
    result["speedup_cpu"] = result["torch_cpu_s"] / result["ndgm_cpu_s"]
    result["max_abs_difference"] = float(np.max(np.abs(ours - theirs)))
    result["agree"] = bool(np.allclose(ours, theirs, rtol=1e-10, atol=1e-12))
    return result


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--configs", type=int, default=1000, help="number of (λ1, α) configurations")
    parser.add_argument("--steps", type=int, default=10000, help="iterations per configuration")
    parser.add_argument("--p", type=int, default=10, help="dimension P of β")
    parser.add_argument("--out", type=Path, help="also write the result as JSON to this file")
    args = parser.parse_args(argv)
    result = measure(args.configs, args.steps, args.p)

    print(f"{result['configs']} configurations x {result['steps']} steps, P = {result['p']}")
    print(f"largest difference between the final iterates: {result['max_abs_difference']:.3g}")
    print(f"speed-up: {result['speedup']:.0f}x in wall time, {result['speedup_cpu']:.0f}x in CPU time")
    if args.out is not None:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps(result, indent=2) + "\n")
        print(f"written to {args.out}")
    if not result["agree"]:
        raise SystemExit("the two computations disagree")


if __name__ == "__main__":
    main()
