"""Publishing: launch buttons, notebook downloads, the Binder environment and the workflows.

One extra build (module fixture `launch_build`) gives the book a sample repository URL through an
overlay config, as .github/workflows/publish.yml does. It starts from a copy of the session's build (`html` in
conftest.py) and its execution cache, so Sphinx only writes the pages again: no page runs a second time.
"""
import csv
import importlib.metadata
import io
import os
import posixpath
import re
import shutil
import subprocess
import sys
from pathlib import Path

import jupytext
import nbformat
import pytest
import urllib.request

import yaml
from bs4 import BeautifulSoup
from packaging.requirements import Requirement

from book_toc import ROOT, toc_pages

sys.path.insert(0, str(ROOT / "binder"))
import notebooks  # noqa: E402  (binder/notebooks.py)

SAMPLE = "https://github.com/example-owner/gd-book"
BINDER = "https://mybinder.org"
COLAB = "https://colab.research.google.com"
WORKFLOWS = ROOT / ".github" / "workflows"
BIN = Path(sys.executable).parent
PAGES = toc_pages()


def config() -> dict:
    return yaml.safe_load((ROOT / "_config.yml").read_text())


def workflow(name: str) -> dict:
    return yaml.safe_load((WORKFLOWS / name).read_text())


def links(page: Path) -> list[str]:
    return [a["href"] for a in BeautifulSoup(page.read_text(), "html.parser").find_all("a", href=True)]


@pytest.fixture(scope="module")
def launch_build(html, tmp_path_factory) -> Path:
    """Build the book with `repository: url:` set to SAMPLE via `--config`; return its html folder."""
    cache = html.parent / ".jupyter_cache"
    assert cache.is_dir(), f"no execution cache at {cache}"
    work = tmp_path_factory.mktemp("launch")
    # Start from a copy of the session's build: Sphinx keeps its environment (only html_theme_options change,
    # which needs no re-reading), so no page, not even an `execution_mode: force` one, runs again.
    shutil.copytree(html.parent, work / "book" / "_build", symlinks=True)
    overlay = notebooks.write_overlay(work / "overlay.yml", SAMPLE, "main")
    cfg = yaml.safe_load(overlay.read_text())
    cfg["execute"]["cache"] = str(cache)             # reuse the session build's executed notebooks
    overlay.write_text(yaml.safe_dump(cfg, sort_keys=False, allow_unicode=True))
    cmd = [str(BIN / "jupyter-book"), "build", str(ROOT), "--path-output", str(work / "book"),
           "--config", str(overlay), "-W", "-n", "--keep-going"]
    proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
    assert proc.returncode == 0, f"`{' '.join(cmd)}` failed:\n{(proc.stdout + proc.stderr)[-5000:]}"
    return work / "book" / "_build" / "html"


def test_launch_links_point_to_files_the_workflow_writes(launch_build, tmp_path):
    owner_repo = SAMPLE.removeprefix("https://github.com/")
    branch = config()["sphinx"]["config"]["colab_branch"]
    written = {p.relative_to(tmp_path).as_posix()
               for p in notebooks.write_notebooks(tmp_path, SAMPLE, "main")}
    assert written == {f"{name}.ipynb" for name in PAGES}
    for name in PAGES:
        hrefs = links(launch_build / f"{name}.html")
        binder = [h for h in hrefs if h.startswith(BINDER)]
        colab = [h for h in hrefs if h.startswith(COLAB)]
        assert binder == [f"{BINDER}/v2/gh/{owner_repo}/main?urlpath=lab/tree/{name}.md"], name
        assert (ROOT / f"{name}.md").is_file()
        assert colab == [f"{COLAB}/github/{owner_repo}/blob/{branch}/{name}.ipynb"], name
        assert colab[0].rpartition(f"/blob/{branch}/")[2] in written
        assert f"../_sources/{name}.ipynb" in hrefs or f"_sources/{name}.ipynb" in hrefs, name

    # ...and the workflow does write them there: binder/notebooks.py into the artefact `notebooks`,
    # committed as the branch the Colab links name.
    jobs = workflow("publish.yml")["jobs"]
    runs = "\n".join(s.get("run", "") for s in jobs["build"]["steps"])
    folder = re.search(r"binder/notebooks\.py .*--notebooks (\S+)", runs.replace("\\\n", " ")).group(1)
    upload = next(s for s in jobs["build"]["steps"] if s.get("with", {}).get("name") == "notebooks")
    assert upload["with"]["path"] == folder
    assert "--config _build/publish-config.yml" in runs and "--overlay _build/publish-config.yml" in runs
    push = "\n".join(s.get("run", "") for s in jobs["notebooks"]["steps"])
    assert f"HEAD:refs/heads/{branch}" in push
    assert jobs["notebooks"]["permissions"] == {"contents": "write"}


def test_without_repository_no_launch_buttons_and_every_page_offers_its_notebook(html):
    assert config()["repository"]["url"] == ""
    for name in PAGES:
        page = html / f"{name}.html"
        hrefs = links(page)
        assert not [h for h in hrefs if h.startswith((BINDER, COLAB))], name
        assert f"../_sources/{name}.md" in hrefs, name
        assert f"../_sources/{name}.ipynb" in hrefs or f"_sources/{name}.ipynb" in hrefs, name
        nb = nbformat.read(html / "_sources" / f"{name}.ipynb", as_version=4)
        nbformat.validate(nb)
        source = jupytext.read(ROOT / f"{name}.md")
        code = [c.source for c in source.cells if c.cell_type == "code"]
        assert [c.source for c in nb.cells if c.cell_type == "code"] == code, name
        assert any(c.get("outputs") for c in nb.cells if c.cell_type == "code"), f"{name}: not executed"


def test_colab_cell_comes_first_and_does_nothing_off_colab(tmp_path):
    out = tmp_path / "nb"
    notebooks.write_notebooks(out, SAMPLE, "main")
    for name in PAGES:
        nb = nbformat.read(out / f"{name}.ipynb", as_version=4)
        first, rest = nb.cells[0], nb.cells[1:]
        assert first.metadata["tags"] == ["colab-setup"]
        assert [c.source for c in rest] == [c.source for c in jupytext.read(ROOT / f"{name}.md").cells]
    cell = nb.cells[0].source
    assert f'"{SAMPLE}.git"' in cell.replace("'", '"') and '"main"' in cell.replace("'", '"')
    script = cell + "\nimport os; print(os.getcwd())\n"
    proc = subprocess.run([sys.executable, "-c", script], cwd=tmp_path, capture_output=True, text=True,
                          timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == str(tmp_path)
    assert not Path(notebooks.CLONE).exists()
    for bad in ["", "https://gitlab.com/a/b", "https://github.com/a", "https://github.com/a/b;rm"]:
        with pytest.raises(ValueError, match="repository"):
            notebooks.colab_cell(bad, "main")


def pins(path: Path) -> dict[str, str]:
    found = {}
    for line in path.read_text().splitlines():
        line = line.split("#")[0].strip()
        if line and not line.startswith("-"):
            req = Requirement(line)
            (spec,) = req.specifier
            assert spec.operator == "==", f"{path.name}: {line} is not pinned"
            found[req.name.lower()] = spec.version
    return found


def test_binder_pins_match_the_tested_environment():
    binder, root = pins(ROOT / "binder" / "requirements.txt"), pins(ROOT / "requirements.txt")
    assert {"torch", "torchvision", "jupytext", "ipywidgets", "myst-nb"} <= binder.keys()
    for name, version in binder.items():
        public = version.split("+")[0]
        expected = root.get(name) or importlib.metadata.version(name)   # not in root: what the venv has
        assert public == expected, f"binder pins {name}=={version}, the tested environment has {expected}"
    assert binder["torch"].endswith("+cpu") and binder["torchvision"].endswith("+cpu")
    assert "--extra-index-url https://download.pytorch.org/whl/cpu" in (ROOT / "binder/requirements.txt").read_text()
    post = (ROOT / "binder" / "postBuild").read_text()
    assert "pip install --no-deps -e lib" in post and '"Jupytext Notebook"' in post
    assert os.access(ROOT / "binder" / "postBuild", os.X_OK)
    assert (ROOT / "binder" / "runtime.txt").read_text().strip() == "python-3.11"


@pytest.mark.parametrize("linter", ["zizmor", "check-jsonschema"])
def test_workflows_pass_the_linters(linter):
    files = sorted(str(p) for p in WORKFLOWS.glob("*.yml"))
    assert len(files) == 3
    cmd = {"zizmor": [str(BIN / "zizmor"), "--offline", "--no-progress", str(WORKFLOWS)],
           "check-jsonschema": [str(BIN / "check-jsonschema"), "--builtin-schema", "vendor.github-workflows",
                                *files]}[linter]
    assert shutil.which(cmd[0]), f"{linter} is not installed: pip install -r requirements.txt"
    proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, f"{' '.join(cmd)}:\n{proc.stdout}\n{proc.stderr}"


def test_workflows_do_what_the_readme_says():
    tests = workflow("tests.yml")
    assert set(tests[True]) == {"push", "pull_request"}            # YAML reads `on:` as True
    steps = tests["jobs"]["test"]["steps"]
    assert any(s.get("run") == "bash .ci/run" for s in steps)
    command = (ROOT / ".ci" / "run").read_text().strip().splitlines()[-1]
    assert command in (ROOT / "README.md").read_text()
    cache = next(s for s in steps if s.get("uses", "").startswith("actions/cache@"))
    assert cache["with"]["path"] == "~/.cache/pip" and "requirements.txt" in cache["with"]["key"]

    from ndgm.networks import store
    repro = workflow("reproduce.yml")
    scale = repro[True]["workflow_dispatch"]["inputs"]["scale"]
    assert set(scale["options"]) == set(store.SCALES)
    job = repro["jobs"]["reproduce"]
    assert {"self-hosted", "gpu"} <= set(job["runs-on"])
    runs = "\n".join(s.get("run", "") for s in job["steps"])
    assert 'python -m ndgm.tools.reproduce --scale "$SCALE" --device cuda' in runs
    upload = next(s for s in job["steps"] if s.get("uses", "").startswith("actions/upload-artifact@"))
    assert upload["with"]["path"].split() == ["book/results/", "!book/results/checkpoints/"]

    publish = workflow("publish.yml")["jobs"]
    assert publish["deploy"]["permissions"] == {"pages": "write", "id-token": "write"}
    assert any(s.get("uses", "").startswith("actions/deploy-pages@") for s in publish["deploy"]["steps"])


def test_heavy_pages_offer_their_results_files(tmp_path):
    """site_assets.offer_results puts each `results/<page>-<scale>.json` in the page's download menu."""
    sys.path.insert(0, str(ROOT / "book" / "_ext"))
    import site_assets
    from types import SimpleNamespace

    src, out = tmp_path / "src", tmp_path / "out" / "html"
    (src / "book" / "results").mkdir(parents=True)
    for name in ["heavy-cpu.json", "heavy-smoke.json", "heavyweight-cpu.json", "other-cpu.json"]:
        (src / "book" / "results" / name).write_text(f'{{"file": "{name}"}}')
    app = SimpleNamespace(srcdir=str(src), outdir=str(out))

    def context():
        return {"pathto": lambda target, resource: f"../{target}",
                "header_buttons": [{"label": "download-buttons", "buttons": [{"label": "download-source-button"}]}]}

    ctx = context()
    site_assets.offer_results(app, "book/heavy", "page.html", ctx, doctree=object())
    offered = [b for b in ctx["header_buttons"][0]["buttons"] if b["label"] == "download-results-button"]
    assert [b["text"] for b in offered] == ["heavy-cpu.json", "heavy-smoke.json"]
    assert [b["url"] for b in offered] == [f"../_downloads/results/heavy-{s}.json" for s in ("cpu", "smoke")]
    for b in offered:
        assert (out / "_downloads" / "results" / b["text"]).read_text() == f'{{"file": "{b["text"]}"}}'
    ctx = context()
    site_assets.offer_results(app, "book/light", "page.html", ctx, doctree=object())
    assert len(ctx["header_buttons"][0]["buttons"]) == 1


def test_launch_providers_need_the_repository_url():
    sys.path.insert(0, str(ROOT / "book" / "_ext"))
    import site_assets
    from types import SimpleNamespace

    launch = config()["launch_buttons"]
    assert launch["binderhub_url"] and launch["colab_url"]          # on as soon as a URL is given
    for url, kept in [("", False), ("  ", False), (SAMPLE, True)]:
        cfg = SimpleNamespace(html_theme_options={"repository_url": url, "launch_buttons": dict(launch)})
        site_assets.launch_needs_repository(None, cfg)
        left = cfg.html_theme_options["launch_buttons"]
        assert bool(left.get("binderhub_url")) is kept and bool(left.get("colab_url")) is kept
        assert left["notebook_interface"] == "jupyterlab"


# The data offered under a figure: the page, and the name of the file its link downloads.
FIGURE_DATA = {"book/convergence": "figure1.csv", "book/edge_of_stability": "figure4.csv",
               "book/optimizer_variants": "figure5.csv", "book/lasso_paradox": "paradox_curve.csv",
               "book/relu_vs_gelu": "relu_vs_gelu-{scale}.json", "book/l1_vgg16": "l1_vgg16-{scale}.json",
               "book/what_works": "what_works-{scale}.json"}


def test_figures_offer_their_data_right_below_them(html, site):
    """Each listed figure is followed by a link, in the next cell's output, to a file that the site serves:
    the heavy pages' results file as stored in book/results/, the light pages' plotted arrays as CSV."""
    for name, file in FIGURE_DATA.items():
        soup = BeautifulSoup((html / f"{name}.html").read_text(), "html.parser")
        anchors = [a for a in soup.select(".cell_output a.download[href]") if "_downloads/" in a["href"]]
        assert len(anchors) == 1, f"{name}: {len(anchors)} data links under its figures"
        a = anchors[0]
        above = a.find_parent("div", class_="cell").find_previous_sibling("div", class_="cell")
        assert above is not None and above.select(".cell_output img"), f"{name}: the data link is not under a figure"
        served = urllib.request.urlopen(f"{site}/{posixpath.normpath(posixpath.join(posixpath.dirname(name), a['href']))}").read()
        if file.endswith(".json"):
            scale = re.fullmatch(file.format(scale="(\\w+)"), a["href"].rsplit("/", 1)[-1])
            assert scale, f"{name}: the link {a['href']} is not a results file"
            assert served == (ROOT / "book" / "results" / a["href"].rsplit("/", 1)[-1]).read_bytes(), name
            assert f"{scale[1]} scale" in a.find_parent("p").get_text(), f"{name}: the link does not name the scale"
        else:
            assert a["href"].endswith("/" + file), f"{name}: links {a['href']}"
            rows = list(csv.reader(io.StringIO(served.decode())))
            header, body = rows[0], rows[1:]
            assert len(header) >= 3 and len(body) >= 10, f"{name}: {file} has {len(header)} columns, {len(body)} rows"
            assert all(len(r) == len(header) for r in body), name
            values = [[float(v) for v in r] for r in body]              # every value a number (nan allowed)
            assert any(v == v for r in values for v in r[1:]), f"{name}: {file} holds no finite data"
