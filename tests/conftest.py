"""Test-session set-up: the book's MyST pages become notebooks beside themselves for nbmake.

nbmake runs a notebook with its own folder as the working directory, and collects only .ipynb
files. Before collection (and before xdist starts its workers) every page of _toc.yml is written
as `book/<page>.nbmake.ipynb`, so that `pytest --nbmake book` executes each page with book/ as its
working directory; the copies are removed when the session ends. The book build ignores them.
"""
import jupytext
import nbformat

from book_toc import ROOT, toc_pages

BOOK = ROOT / "book"
SUFFIX = ".nbmake.ipynb"


def page_notebooks():
    return sorted(BOOK.glob(f"*{SUFFIX}"))


def pytest_configure(config):
    if hasattr(config, "workerinput"):      # an xdist worker: the controller has done it
        return
    for stale in page_notebooks():
        stale.unlink()
    for name in toc_pages():
        page = ROOT / f"{name}.md"
        nbformat.write(jupytext.read(page), page.with_name(page.stem + SUFFIX))


def pytest_unconfigure(config):
    if hasattr(config, "workerinput"):
        return
    for nb in page_notebooks():
        nb.unlink()
