"""`pip install ./lib` alone gives an ndgm whose every module imports, or names the extra it needs.

A fresh virtual environment (no system site-packages, so nothing of the main .venv) gets a copy of
lib/ installed without extras, pinned to requirements.txt's versions so that pip reuses what the
main install fetched. Each module that pkgutil finds in the installed package is then imported: a
core module must import; a module that needs an optional dependency must raise ImportError naming
`pip install 'ndgm[<extra>]'`, where <extra> is declared in lib/pyproject.toml and lists the
distribution whose module was missing. Imports inside functions (scikit-learn in ndgm.studies.lasso, torch
in ndgm.studies.kinks) are checked too: each must be installed by `./lib` alone or by a declared extra.
"""
import ast
import json
import re
import shutil
import subprocess
import sys
import tomllib
from importlib.metadata import packages_distributions

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from book_toc import ROOT

pytestmark = pytest.mark.xdist_group("packaging")

LIB = ROOT / "lib"
PROBE = """
import importlib, importlib.util, json, pkgutil, sys
import ndgm

def missing_module(err):
    while err is not None and not isinstance(err, ModuleNotFoundError):
        err = err.__cause__ or err.__context__
    return None if err is None else err.name.split(".")[0]

modules = {}
for info in pkgutil.walk_packages(ndgm.__path__, "ndgm."):
    try:
        importlib.import_module(info.name)
        modules[info.name] = None
    except ImportError as err:
        modules[info.name] = {"message": str(err), "missing": missing_module(err)}
available = {name: importlib.util.find_spec(name) is not None for name in json.loads(sys.argv[1])}
print(json.dumps({"file": ndgm.__file__, "modules": modules, "available": available}))
"""
NUMPY_NETWORK_MODULES = {"ndgm.networks.store", "ndgm.networks.run_records", "ndgm.networks.analysis",
                         "ndgm.networks.sparsity_check"}
"""The modules of ndgm.networks that read results and weights with numpy alone (no PyTorch)."""
EXTRA = re.compile(r"pip install 'ndgm\[([\w-]+)\]'")


def distributions(extras: dict, extra: str) -> set:
    """The distributions that `pip install 'ndgm[extra]'` adds, following ndgm[...] references."""
    names = set()
    for line in extras[extra]:
        req = Requirement(line)
        if canonicalize_name(req.name) == "ndgm":
            names |= set().union(*(distributions(extras, e) for e in req.extras))
        else:
            names.add(canonicalize_name(req.name))
    return names


def third_party_imports(package) -> dict:
    """Per module of `package` (a folder), the top-level names it imports from outside the standard
    library and ndgm, anywhere in the module (imports inside functions included)."""
    found = {}
    for path in sorted(package.rglob("*.py")):
        names = set()
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Import):
                names |= {alias.name.split(".")[0] for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.level == 0:
                names.add(node.module.split(".")[0])
        found[".".join(path.relative_to(package).with_suffix("").parts)] = names - set(sys.stdlib_module_names) - {"ndgm"}
    return found


def provided_by(module: str) -> set:
    """The distributions that provide the top-level `module` in the main .venv (which has every extra)."""
    return {canonicalize_name(d) for d in packages_distributions().get(module, [module])}


def pins() -> str:
    """requirements.txt's `name==version` lines, as a pip constraints file."""
    lines = (ROOT / "requirements.txt").read_text().splitlines()
    return "\n".join(line for line in lines if "==" in line and not line.startswith("#")) + "\n"


def test_lib_alone_imports_or_names_the_missing_extra(tmp_path):
    extras = tomllib.loads((LIB / "pyproject.toml").read_text())["project"]["optional-dependencies"]
    source = shutil.copytree(LIB, tmp_path / "lib",
                             ignore=shutil.ignore_patterns("build", "*.egg-info", "__pycache__"))
    (tmp_path / "pins.txt").write_text(pins())
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", venv], check=True, timeout=120)
    python = venv / "bin" / "python"
    subprocess.run([python, "-m", "pip", "install", "-q", "-c", tmp_path / "pins.txt", source],
                   check=True, timeout=300)
    imports = third_party_imports(source / "ndgm")
    probe = subprocess.run([python, "-c", PROBE, json.dumps(sorted(set().union(*imports.values())))],
                           cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert probe.returncode == 0, probe.stderr
    report = json.loads(probe.stdout)

    assert report["file"].startswith(str(venv))                  # the installed copy, not lib/
    assert set(report["modules"]) == {".".join(("ndgm",) + p.relative_to(source / "ndgm").with_suffix("").parts)
                                      .removesuffix(".__init__") for p in (source / "ndgm").rglob("*.py")} - {"ndgm"}
    core = {f"ndgm.{p.stem}" for p in (source / "ndgm").glob("*.py")} - {"ndgm.__init__"}
    without_torch = [m for m in report["modules"] if m in core or m.startswith("ndgm.studies")
                     or m in NUMPY_NETWORK_MODULES]
    assert [m for m in without_torch if report["modules"][m] is not None] == []   # torch is not installed here
    optional = set().union(*(distributions(extras, extra) for extra in extras))
    for name, modules in imports.items():
        for module in sorted(modules):
            assert report["available"][module] or provided_by(module) & optional, \
                f"ndgm.{name} imports {module!r}, which neither `pip install ./lib` nor any extra installs"
    for name, failure in report["modules"].items():
        if failure is None:
            continue
        extra = EXTRA.search(failure["message"])
        assert extra, f"{name} needs {failure['missing']!r}, which neither the core dependencies " \
                      f"nor its ImportError ({failure['message']!r}) names as an extra"
        assert extra[1] in extras, f"{name} names extra {extra[1]!r}, not in lib/pyproject.toml"
        assert provided_by(failure["missing"]) & distributions(extras, extra[1]), \
            f"{name} misses {failure['missing']!r}, which extra {extra[1]!r} does not install"
    widgets = report["modules"]["ndgm.figures.widgets"]          # ipywidgets is not installed: it must say so
    assert widgets is not None and EXTRA.search(widgets["message"])[1] == "widgets"
