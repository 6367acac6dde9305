"""The library's shape (issue 18): its modules form layers, each importing only from its own layer or those
below; the import graph has no circle; and an import inside a function only defers a heavy package (torch,
matplotlib, ipywidgets), never a module of ndgm. Each check also runs on a made-up package that breaks it."""
import ast
from pathlib import Path

LIB = Path(__file__).resolve().parent.parent / "lib" / "ndgm"

LAYERS = {
    "core": (0, {"__init__", "validation", "paper", "grids", "losses", "optim", "problems", "run", "swing", "stats",
                 "machine", "labels", "memo"}),
    "studies": (1, {"studies"}),
    "networks": (1, {"networks"}),
    "figures": (2, {"figures"}),
    "claims": (2, {"claims"}),
    "tools": (3, {"tools"}),
}
"""Layer of each core module and of each subpackage, with its rank: a module imports from lower ranks or its
own layer. The core is flat; every other layer is a subpackage of the same name."""
DEFERRABLE = ("torch", "torchvision", "matplotlib", "ipywidgets")


def module_name(lib: Path, path: Path) -> str:
    return ".".join(path.relative_to(lib).with_suffix("").parts).removesuffix(".__init__")


def layer_of(module: str) -> str | None:
    top = module.split(".")[0]
    return next((name for name, (_, members) in LAYERS.items() if top in members), None)


def resolve(lib: Path, package: str, name: str) -> str:
    """`from <package> import <name>`: the module <package>.<name> if there is one, else <package> itself."""
    candidate = ".".join(p for p in (package, name) if p)
    rel = Path(*candidate.split("."))
    if (lib / rel).with_suffix(".py").exists() or (lib / rel / "__init__.py").exists():
        return candidate
    return package or "__init__"


def imports(lib: Path, path: Path):
    """[(imported ndgm module, line, inside a function)], [(external package imported inside a function, line)]."""
    here = module_name(lib, path)
    package = here if path.name == "__init__.py" else here.rpartition(".")[0]
    package = "" if package == "__init__" else package
    found, deferred = [], []

    def visit(node, in_function):
        for child in ast.iter_child_nodes(node):
            inside = in_function or isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda))
            if isinstance(child, ast.ImportFrom) and child.level:
                parts = package.split(".") if package else []
                base = ".".join(parts[:len(parts) - (child.level - 1)])
                source = ".".join(p for p in (base, child.module) if p)
                found.extend((resolve(lib, source, a.name), child.lineno, inside) for a in child.names)
            elif isinstance(child, ast.ImportFrom) and child.module.split(".")[0] == "ndgm":
                source = child.module.removeprefix("ndgm").lstrip(".")
                found.extend((resolve(lib, source, a.name), child.lineno, inside) for a in child.names)
            elif isinstance(child, (ast.Import, ast.ImportFrom)) and inside:
                names = [a.name for a in child.names] if isinstance(child, ast.Import) else [child.module]
                deferred.extend((n, child.lineno) for n in names)
            visit(child, inside)

    visit(ast.parse(path.read_text()), False)
    return found, deferred


def modules(lib: Path) -> list:
    return sorted(lib.rglob("*.py"))


def layer_problems(lib: Path) -> list:
    out = []
    for path in modules(lib):
        here = module_name(lib, path)
        if layer_of(here) is None:
            out.append(f"ndgm.{here} belongs to no layer")
            continue
        for target, line, _ in imports(lib, path)[0]:
            there = layer_of(target)
            if there is None:
                out.append(f"ndgm.{here}:{line} imports ndgm.{target}, which belongs to no layer")
            elif there != layer_of(here) and LAYERS[there][0] >= LAYERS[layer_of(here)][0]:
                out.append(f"ndgm.{here}:{line} imports ndgm.{target}, a layer above or beside its own")
    return out


def deferral_problems(lib: Path) -> list:
    out = []
    for path in modules(lib):
        found, deferred = imports(lib, path)
        here = module_name(lib, path)
        out += [f"ndgm.{here}:{line} imports ndgm.{t} inside a function" for t, line, inside in found if inside]
        out += [f"ndgm.{here}:{line} defers {n}" for n, line in deferred if n.split(".")[0] not in DEFERRABLE]
    return out


def circle(lib: Path) -> list:
    """One import circle of ndgm modules (as a list of names, first = last), or []."""
    graph = {module_name(lib, p): {t for t, _, _ in imports(lib, p)[0]} for p in modules(lib)}
    state = {}

    def visit(node, trail):
        if state.get(node) == "open":
            return trail[trail.index(node):] + [node]
        if state.get(node) == "done":
            return []
        state[node] = "open"
        for nxt in sorted(graph.get(node, ()) - {node}):
            if nxt in graph and (found := visit(nxt, trail + [node])):
                return found
        state[node] = "done"
        return []

    for node in sorted(graph):
        if found := visit(node, []):
            return found
    return []


def test_each_module_imports_only_its_own_layer_or_lower():
    assert layer_problems(LIB) == []


def test_imports_inside_functions_only_defer_heavy_packages():
    assert deferral_problems(LIB) == []


def test_the_import_graph_has_no_circle():
    assert circle(LIB) == []


def test_the_checks_fail_on_a_package_that_breaks_them(tmp_path):
    lib = tmp_path / "ndgm"
    lib.mkdir()
    (lib / "__init__.py").write_text("")
    (lib / "grids.py").write_text("from .figures import plots\n")               # core importing a figure module
    (lib / "figures").mkdir()
    (lib / "figures" / "__init__.py").write_text("")
    (lib / "figures" / "plots.py").write_text("from ..grids import nearest\n\ndef f():\n    from .. import run\n"
                                              "    import scipy\n")
    (lib / "run.py").write_text("import numpy\n")
    (lib / "mystery.py").write_text("")
    assert "ndgm.grids:1 imports ndgm.figures.plots, a layer above or beside its own" in layer_problems(lib)
    assert "ndgm.mystery belongs to no layer" in layer_problems(lib)
    assert deferral_problems(lib) == ["ndgm.figures.plots:4 imports ndgm.run inside a function",
                                      "ndgm.figures.plots:5 defers scipy"]
    assert circle(lib) == ["figures.plots", "grids", "figures.plots"]
