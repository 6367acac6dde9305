"""The README's module table names every module of the library's layers (the claims package as one row), and
nothing that is not one."""
import pkgutil
import re

import ndgm
from book_toc import ROOT


def test_the_module_table_matches_the_package():
    readme = (ROOT / "README.md").read_text()
    rows = [line for line in readme.splitlines() if line.startswith("| `ndgm.")]
    named = {m for line in rows for m in re.findall(r"`ndgm\.([a-z_.]+)`", line.split(" | ")[0])}
    found = pkgutil.walk_packages(ndgm.__path__, "ndgm.")
    modules = {m.name.removeprefix("ndgm.") for m in found if not m.ispkg and not m.name.startswith("ndgm.claims.")}
    modules.add("claims")
    assert named == modules, f"missing rows: {sorted(modules - named)}; rows of no module: {sorted(named - modules)}"
