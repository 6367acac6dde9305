"""The machine a measurement ran on: the CPU's name and the load beside it, recorded with every benchmark
and every training run (`ndgm.tools.benchmark`, `ndgm.tools.benchmark_redraw`, `ndgm.networks.experiments`)."""
from __future__ import annotations

import os
import platform
from pathlib import Path


def cpu_model() -> str:
    """The CPU's name: /proc/cpuinfo's "model name" on Linux, else what `platform` reports."""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def load() -> float | None:
    """The 1-minute load average (other work running beside a measurement), where the OS has one."""
    return os.getloadavg()[0] if hasattr(os, "getloadavg") else None
