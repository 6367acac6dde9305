"""Benchmark: how long the live figures of `ndgm.figures.widgets` take to redraw after a change of a control.

    python -m ndgm.tools.benchmark_redraw [--repeats 20] [--steps 1000] [--seed 0] [--out result.json]

For each widget and each of its controls, sets the control `repeats` times to a new value (sliders:
random positions of the slider, never the current one; menus: the next option) and reports the
median and 90th percentile of the widget's `last_redraw_s` (computation, drawing and PNG encoding),
with the process CPU time of the same redraws beside them: on a shared machine other work inflates
the wall time, much less the CPU time. The Section 4 explorer is measured on both of its problems,
with its other controls at their defaults, at the page's `steps`. With `--out` the result is also
written as JSON with the CPU model, the load average and the date.
"""
from __future__ import annotations

import argparse
import datetime
import json
import os
import time
from pathlib import Path

import numpy as np

from .. import machine, validation
from ..figures import widgets

TARGETS_MS = {"lam1": 60.0, "lr": 150.0, "optimizer": 150.0, "problem": 150.0}
"""Issue 7's targets for the Section 4 explorer (median, page's 1,000 steps)."""


def new_values(control, repeats: int, rng) -> list:
    """`repeats` values for `control`, each different from the one before it (the first from its value)."""
    if hasattr(control, "options"):
        options = [value for _, value in control.options]
        start = options.index(control.value)
        return [options[(start + i) % len(options)] for i in range(1, repeats + 1)]
    positions = np.arange(control.min, control.max + control.step / 2, control.step)
    values, last = [], control.value
    for _ in range(repeats):
        choices = [v for v in control.base ** positions if not np.isclose(v, last)]
        last = choices[rng.integers(len(choices))]
        values.append(float(last))
    return values


def time_control(live, name: str, repeats: int, rng) -> dict:
    """Set control `name` of the `widgets.LiveFigure` `live` `repeats` times; median and p90 in ms."""
    control = live.controls[name]
    wall, cpu = [], []
    for value in new_values(control, repeats, rng):
        t0 = time.process_time()
        control.value = value
        cpu.append(time.process_time() - t0)
        wall.append(live.last_redraw_s)
    wall, cpu = 1000 * np.array(wall), 1000 * np.array(cpu)
    return {"median_ms": float(np.median(wall)), "p90_ms": float(np.percentile(wall, 90)),
            "cpu_median_ms": float(np.median(cpu)), "cpu_p90_ms": float(np.percentile(cpu, 90))}


def measure(repeats: int = 20, steps: int = 1000, seed: int = 0) -> dict:
    """Time every control of every live widget.

    Returns
    -------
    dict
        "date" (UTC), "cpu", "cores", "load_average_1min" (start and end), the settings, and
        "results": one dict per (widget, control, setting) with "median_ms", "p90_ms",
        "cpu_median_ms", "cpu_p90_ms" and, for the Section 4 explorer, "target_ms".
    """
    repeats = validation.count("repeats", repeats)
    steps = validation.count("steps", steps)
    rng = np.random.default_rng(seed)
    out = {"date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
           "cpu": machine.cpu_model(), "cores": os.cpu_count(), "load_average_1min": {"start": machine.load()},
           "repeats": repeats, "steps": steps, "results": []}

    def record(widget, control, setting, live):
        row = {"widget": widget, "control": control, "setting": setting,
               **time_control(live, control, repeats, rng)}
        if widget == "lasso_explorer":
            row["target_ms"] = TARGETS_MS[control]
        out["results"].append(row)
        print(f"{widget:<15} {control:<10} {setting:<16} median {row['median_ms']:7.1f} ms   "
              f"p90 {row['p90_ms']:7.1f} ms   (CPU: median {row['cpu_median_ms']:7.1f} ms)"
              + (f"   target {row['target_ms']:.0f} ms" if "target_ms" in row else ""), flush=True)

    lasso = widgets.LassoExplorer(steps=steps)
    defaults = {name: c.value for name, c in lasso.controls.items()}
    for problem in ("toy", "lasso"):
        for control in ("lam1", "lr", "optimizer"):
            for name, value in {**defaults, "problem": problem}.items():
                lasso.controls[name].value = value
            record("lasso_explorer", control, f"problem={problem}", lasso)
    for name, value in defaults.items():
        lasso.controls[name].value = value
    record("lasso_explorer", "problem", "toy <-> lasso", lasso)
    record("capture_figure", "lr", "", widgets.CaptureFigure())
    record("edge_figure", "lr", "", widgets.EdgeFigure())
    out["load_average_1min"]["end"] = machine.load()
    return out


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=20, help="changes per control")
    parser.add_argument("--steps", type=int, default=1000, help="iterations of the Section 4 explorer's runs")
    parser.add_argument("--seed", type=int, default=0, help="seed of the random slider positions")
    parser.add_argument("--out", type=Path, help="also write the result as JSON to this file")
    args = parser.parse_args(argv)
    print(f"{machine.cpu_model()}, {os.cpu_count()} cores, 1-minute load average {machine.load()}")
    result = measure(args.repeats, args.steps, args.seed)
    if args.out is not None:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps(result, indent=2) + "\n")
        print(f"written to {args.out}")


if __name__ == "__main__":
    main()
