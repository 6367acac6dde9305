"""The benchmark's two computations agree, and --out records where and when it ran (its timing is
a command, not a test)."""
import datetime
import json
import os

import numpy as np
import pytest
import torch

from book_toc import ROOT
from ndgm.tools import benchmark
from ndgm import problems


def test_grid_spans_the_requested_ranges():
    lam1, lr = benchmark.grid(1000)
    assert lam1.shape == lr.shape == (1000,)
    assert np.isclose(lam1.min(), 1e-3) and np.isclose(lam1.max(), 1e2)
    assert np.isclose(lr.min(), 1e-3) and np.isclose(lr.max(), 1.0)
    assert len(set(zip(lam1, lr))) == 1000


def test_vectorised_and_torch_loops_agree():
    lam1, lr = benchmark.grid(6)
    beta0 = problems.starts(0, 10)[0]
    np.testing.assert_allclose(benchmark.with_ndgm(lam1, lr, beta0, 300),
                               benchmark.with_torch(lam1, lr, beta0, 300), rtol=1e-12, atol=1e-14)


def test_out_writes_the_result_with_its_machine_and_date(tmp_path, capsys):
    out = tmp_path / "results" / "sweep.json"
    benchmark.main(["--configs", "4", "--steps", "30", "--p", "3", "--out", str(out)])
    assert f"written to {out}" in capsys.readouterr().out
    result = json.loads(out.read_text())
    assert (result["configs"], result["steps"], result["p"]) == (4, 30, 3)
    assert result["agree"] and 0 <= result["max_abs_difference"] < 1e-12
    for how in ("ndgm", "torch"):
        assert result[f"{how}_s"] > 0 and result[f"{how}_cpu_s"] > 0
    assert result["speedup"] == result["torch_s"] / result["ndgm_s"]
    assert result["speedup_cpu"] == result["torch_cpu_s"] / result["ndgm_cpu_s"]
    assert set(result["load_average_1min"]) == {"start", "end"}
    assert datetime.datetime.fromisoformat(result["date"]).tzinfo is not None
    machine = result["machine"]
    assert machine["cpu"] and machine["cores"] == os.cpu_count()
    assert (machine["numpy"], machine["torch"]) == (np.__version__, torch.__version__)


def test_without_out_it_only_prints(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    benchmark.main(["--configs", "2", "--steps", "10"])
    printed = capsys.readouterr().out
    assert "speed-up:" in printed and "written to" not in printed
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("name", ["configs", "steps", "p"])
def test_sizes_must_be_positive_integers(name):
    sizes = {"configs": 2, "steps": 10, "p": 3} | {name: 0}
    with pytest.raises(ValueError, match=f"{name} must be an integer >= 1"):
        benchmark.measure(**sizes)


def test_readme_quotes_the_committed_result():
    result = json.loads((ROOT / "book" / "results" / "benchmark_sweep.json").read_text())
    section = (ROOT / "README.md").read_text().split("## Benchmark", 1)[1].split("\n## ", 1)[0]
    prose = " ".join(section.split())                     # line breaks as spaces
    machine = result["machine"]
    quoted = [result["date"][:10], f"{machine['cores']}-core", machine["cpu"], machine["numpy"],
              machine["torch"], f"{result['ndgm_s']:.2f} s", f"{result['torch_s']:,.0f} s",
              f"**{result['speedup']:,.0f}x**", f"{result['torch_cpu_s']:,.0f} s",
              f"{result['speedup_cpu']:,.0f}x", f"{result['max_abs_difference']:.1e}",
              f"load average {result['load_average_1min']['start']:.1f}", f"P = {result['p']}",
              f"{result['configs']:,} (λ1, α) configurations x {result['steps']:,} steps"]
    assert [q for q in quoted if q not in prose] == []
    assert result["agree"]
