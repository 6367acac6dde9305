"""The pages as notebooks for Colab, and the config overlay that turns the launch buttons on.

Colab opens only .ipynb files from a GitHub repository, and the pages are MyST Markdown. The
publish workflow (.github/workflows/publish.yml) runs

    python binder/notebooks.py --repository https://github.com/OWNER/REPO --branch main \
        --notebooks _build/notebooks --overlay _build/publish-config.yml

which writes every page of _toc.yml as ``<notebooks>/book/<page>.ipynb`` (a jupytext conversion
with one cell put first: on Colab, and only there, it clones the repository, installs the library
and changes into book/ as the page expects), and a copy of _config.yml whose ``repository`` names the
given URL and branch. The workflow builds the book with ``--config`` that overlay, so the launch
buttons appear, and commits the notebooks to the branch that the Colab buttons open (``colab_branch``
in _config.yml, ``notebooks``). tests/test_publish.py builds the book the same way and checks that
every launch link points to a file this script writes or a page in the repository.
"""
from __future__ import annotations

import argparse
import re
from pathlib import Path

import jupytext
import nbformat
import yaml

from book_toc import toc_pages  # binder/book_toc.py, the one reader of _toc.yml (the tests use it too)

ROOT = Path(__file__).resolve().parent.parent
CLONE = "/content/gd-doesnt-make-the-cut"   # where the Colab cell clones the repository

COLAB_CELL = '''\
# On Google Colab only: fetch this book's code and stored results, install its library `ndgm`,
# and work from book/ as the page expects. Anywhere else (Jupyter, Binder) this cell does nothing.
import os, subprocess, sys
if "google.colab" in sys.modules:
    if not os.path.isdir({clone!r}):
        subprocess.run(["git", "clone", "--depth", "1", "--branch", {branch!r}, {repository!r}, {clone!r}],
                       check=True)
        subprocess.run([sys.executable, "-m", "pip", "install", "-q", {clone!r} + "/lib", "myst-nb"], check=True)
    os.chdir({clone!r} + "/book")
    from google.colab import output
    output.enable_custom_widget_manager()   # ipywidgets 8 controls in Colab
'''


def check_repository(repository: str) -> str:
    """Return a GitHub repository URL without a trailing slash; reject anything else."""
    url = repository.strip().rstrip("/")
    if not re.fullmatch(r"https://github\.com/[\w.-]+/[\w.-]+", url):
        raise ValueError(f"repository must be https://github.com/OWNER/REPO, got {repository!r}")
    return url


def colab_cell(repository: str, branch: str) -> nbformat.NotebookNode:
    """The set-up cell put first in every notebook: it acts only when run on Colab."""
    source = COLAB_CELL.format(clone=CLONE, branch=branch, repository=check_repository(repository) + ".git")
    return nbformat.v4.new_code_cell(source, metadata={"tags": ["colab-setup"]})


def write_notebooks(out: Path, repository: str, branch: str, root: Path = ROOT) -> list[Path]:
    """Write every page as ``out/<docname>.ipynb`` with the Colab cell first; return the paths."""
    written = []
    for name in toc_pages(root):
        nb = jupytext.read(root / f"{name}.md")
        nb.cells.insert(0, colab_cell(repository, branch))
        target = Path(out) / f"{name}.ipynb"
        target.parent.mkdir(parents=True, exist_ok=True)
        nbformat.write(nb, target)
        written.append(target)
    return written


def write_overlay(out: Path, repository: str, branch: str, root: Path = ROOT) -> Path:
    """Write _config.yml with ``repository: url/branch`` set, for ``jupyter-book build --config``."""
    config = yaml.safe_load((root / "_config.yml").read_text())
    config.setdefault("repository", {}).update(url=check_repository(repository), branch=branch)
    # Jupyter Book finds local extensions relative to the config file: name them absolutely
    extensions = config.get("sphinx", {}).get("local_extensions") or {}
    for name, folder in extensions.items():
        extensions[name] = str((root / folder).resolve())
    Path(out).parent.mkdir(parents=True, exist_ok=True)
    Path(out).write_text(yaml.safe_dump(config, sort_keys=False, allow_unicode=True))
    return Path(out)


def main(argv=None) -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--repository", required=True, help="https://github.com/OWNER/REPO")
    p.add_argument("--branch", required=True, help="the branch Binder and the Colab cell use")
    p.add_argument("--notebooks", type=Path, help="folder to write book/<page>.ipynb into")
    p.add_argument("--overlay", type=Path, help="file to write the overlay _config.yml to")
    args = p.parse_args(argv)
    if args.notebooks:
        for path in write_notebooks(args.notebooks, args.repository, args.branch):
            print(path)
    if args.overlay:
        print(write_overlay(args.overlay, args.repository, args.branch))


if __name__ == "__main__":
    main()
