"""python -m ndgm.tools.reproduce: both heavy pages through papermill at `smoke`, killed and resumed."""
import json
import os
import signal
import subprocess
import sys
import time

import nbformat
import pytest

from book_toc import ROOT
from ndgm import claims
from ndgm.networks import experiments, store
from ndgm.tools import reproduce

pytestmark = pytest.mark.xdist_group("reproduce")


def run_cli(*args, **kw):
    return subprocess.run([sys.executable, "-m", "ndgm.tools.reproduce", *args], capture_output=True, text=True, cwd=ROOT, **kw)


def test_list_and_bad_arguments():
    out = run_cli("--scale", "smoke", "--list", check=True).stdout.split()
    assert out == [f"{p}/{r.name}" for p in store.PAGES for r in experiments.runs(p, "smoke")]
    bad = run_cli("--scale", "smoke", "--only", "l1_vgg16/sgd-l1=7")
    assert bad.returncode == 2 and "name must be one of" in bad.stderr
    assert run_cli("--scale", "gigantic").returncode == 2


def test_only_trains_one_run(tmp_path):
    run_cli("--scale", "smoke", "--only", "l1_vgg16/adam-l1=2", "--results", str(tmp_path), check=True)
    files = os.listdir(tmp_path / "runs" / "l1_vgg16" / "smoke")
    assert files == ["adam-l1=2.json"]
    assert not (tmp_path / "l1_vgg16-smoke.json").exists()


def test_pages_run_through_papermill_killed_and_resumed(tmp_path):
    """Kill the command once the first runs have finished; run it again: the finished runs are kept,
    the rest are trained, and each page's executed notebook and merged results are written."""
    results = tmp_path / "results"
    runs_dir = results / "runs" / "relu_vs_gelu" / "smoke"
    proc = subprocess.Popen([sys.executable, "-m", "ndgm.tools.reproduce", "--scale", "smoke", "--results", str(results)], cwd=ROOT,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    deadline = time.monotonic() + 300
    while proc.poll() is None and time.monotonic() < deadline and len(list(runs_dir.glob("*.json"))) < 2:
        time.sleep(0.05)
    assert proc.poll() is None, "the command ended before it could be killed"
    os.killpg(proc.pid, signal.SIGKILL)             # the papermill kernel too
    proc.wait()
    kept = {p.name: p.stat().st_mtime_ns for p in runs_dir.glob("*.json")}
    assert 2 <= len(kept) < len(experiments.runs("relu_vs_gelu", "smoke"))
    done = run_cli("--scale", "smoke", "--results", str(results), check=True, timeout=600)
    assert "relu_vs_gelu at scale smoke" in done.stdout
    for name, mtime in kept.items():
        assert (runs_dir / name).stat().st_mtime_ns == mtime, f"{name} was trained again"
    for page in store.PAGES:
        merged = json.loads((results / f"{page}-smoke.json").read_text())
        assert set(merged["runs"]) == {r.name for r in experiments.runs(page, "smoke")}
        assert merged["rules"] == claims.rules(page)          # the page merged its runs with its claims' rules
        nb = nbformat.read(results / f"{page}-smoke.ipynb", as_version=4)
        images = [o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", [])
                  if "image/png" in o.get("data", {})]
        assert images, f"{page}: the executed notebook has no figure"
        assert not any(o.get("output_type") == "error" for c in nb.cells for o in c.get("outputs", []))
    assert not list(results.rglob("*partial*"))


def test_execute_page_rejects_unknown_pages():
    with pytest.raises(ValueError, match="page"):
        reproduce.execute_page("figure9", "smoke", book=str(ROOT / "book"))


def test_results_inside_the_book_are_passed_to_the_page_as_a_relative_path(tmp_path):
    book = tmp_path / "book"
    assert reproduce.page_relative(str(book / "results"), str(book)) == "results"
    assert reproduce.page_relative(str(tmp_path / "elsewhere"), str(book)) == str(tmp_path / "elsewhere")


def test_committed_executed_notebooks_record_no_path_of_the_machine_they_ran_on():
    for nb in (ROOT / "book" / "results").glob("*.ipynb"):
        text = nb.read_text()
        for marker in (str(ROOT), "/root/", "/home/", "/tmp/"):
            assert marker not in text, f"{nb.name} records the path {marker}"


def test_a_missing_book_folder_is_named(tmp_path):
    bad = subprocess.run([sys.executable, "-m", "ndgm.tools.reproduce", "--scale", "smoke", "--page", "l1_vgg16",
                          "--results", str(tmp_path)], capture_output=True, text=True, cwd=tmp_path)
    assert bad.returncode == 2 and "--book: no page l1_vgg16.md" in bad.stderr
