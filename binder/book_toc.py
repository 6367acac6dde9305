"""The book's pages, in the order of _toc.yml."""
import re
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent


def toc_pages(root: Path = ROOT) -> list[str]:
    """The docnames listed in `root`/_toc.yml (e.g. "book/intro"), root first; binder/notebooks.py and the
    tests (through tests/conftest.py, which puts binder/ on the path) read the book's pages here."""
    toc = yaml.safe_load((root / "_toc.yml").read_text())

    def walk(node):
        if isinstance(node, list):
            for item in node:
                yield from walk(item)
        elif isinstance(node, dict):
            if "file" in node:
                yield node["file"]
            for value in node.values():
                yield from walk(value)

    return [re.sub(r"\.(md|ipynb)$", "", f) for f in [toc["root"], *walk(toc)]]
