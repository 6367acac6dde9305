"""Vendor the pages' view-time JavaScript (MathJax, RequireJS, Jupyter widgets) at build time.

The pins live in ``book/_assets/assets.json``. At ``config-inited`` (before Sphinx checks
``html_static_path``) each pinned npm package is fetched with ``npm pack``, its tarball is checked
against the pinned sha512 integrity, and the listed files are unpacked into
``book/_vendor/<dest>/``, which ``html_static_path`` serves. A complete copy of the same pin is
left untouched, so builds after the first need no network.
"""

from __future__ import annotations

import base64
import fcntl
import fnmatch
import hashlib
import json
import shutil
import subprocess
import tarfile
import tempfile
from pathlib import Path

from sphinx.application import Sphinx
from sphinx.config import Config
from sphinx.errors import ExtensionError
from sphinx.util import logging

BOOK = Path(__file__).resolve().parent.parent
PINS = BOOK / "_assets" / "assets.json"
VENDOR = BOOK / "_vendor"
MANIFEST = ".vendored.json"  # dotfile: Sphinx does not copy it to the site

logger = logging.getLogger(__name__)


def integrity(path: Path) -> str:
    """Return the npm-style ``sha512-<base64>`` integrity string of a file."""
    return "sha512-" + base64.b64encode(hashlib.sha512(path.read_bytes()).digest()).decode()


def is_complete(pin: dict) -> bool:
    """Tell whether ``_vendor/<dest>`` holds every file vendored for exactly this pin."""
    manifest = VENDOR / pin["dest"] / MANIFEST
    try:
        recorded = json.loads(manifest.read_text())
    except (OSError, ValueError):
        return False
    return recorded.get("pin") == pin and all(
        (manifest.parent / name).is_file() for name in recorded.get("files", [])
    )


def npm_pack(spec: str, workdir: Path) -> Path:
    """Download the tarball of ``spec`` into ``workdir`` with ``npm pack``; return its path."""
    try:
        proc = subprocess.run(
            ["npm", "pack", "--json", "--ignore-scripts", spec],
            cwd=workdir, capture_output=True, text=True, check=False,
        )
    except FileNotFoundError:
        raise ExtensionError(
            f"site_assets: cannot fetch {spec}: `npm` is not on PATH "
            "(install Node.js and npm, e.g. `apt-get install -y npm`)"
        ) from None
    if proc.returncode:
        raise ExtensionError(
            f"site_assets: `npm pack {spec}` failed (exit {proc.returncode}):\n{proc.stderr[-2000:]}"
        )
    return workdir / json.loads(proc.stdout)[0]["filename"]


def unpack(tarball: Path, spec: str, globs: list[str], dest: Path) -> list[str]:
    """Extract the package files matching ``globs`` (never ``*.map``) into ``dest``."""
    names = []
    with tarfile.open(tarball) as tar:
        for member in tar.getmembers():
            name = member.name.removeprefix("package/")
            if (
                member.isfile()
                and not name.endswith(".map")
                and any(fnmatch.fnmatchcase(name, g) for g in globs)
            ):
                member.name = name
                tar.extract(member, dest, filter="data")
                names.append(name)
    unmatched = [g for g in globs if not any(fnmatch.fnmatchcase(n, g) for n in names)]
    if unmatched:
        raise ExtensionError(f"site_assets: {spec}: no file in the package matches {unmatched}")
    return sorted(names)


def vendor(pin: dict) -> None:
    """Fetch, verify and unpack one pinned package into ``_vendor/<dest>``, replacing it."""
    spec = f"{pin['name']}@{pin['version']}"
    target = VENDOR / pin["dest"]
    logger.info(f"site_assets: vendoring {spec} into {target}")
    with tempfile.TemporaryDirectory(dir=VENDOR, prefix=".tmp-") as tmp:
        tarball = npm_pack(spec, Path(tmp))
        got = integrity(tarball)
        if got != pin["integrity"]:
            raise ExtensionError(
                f"site_assets: {spec}: sha512 mismatch: pinned {pin['integrity']}, downloaded {got}"
            )
        staged = Path(tmp) / "staged"
        files = unpack(tarball, spec, pin["files"], staged)
        (staged / MANIFEST).write_text(json.dumps({"pin": pin, "files": files}, indent=1))
        shutil.rmtree(target, ignore_errors=True)
        staged.rename(target)


def ensure_vendored(app: Sphinx, config: Config) -> None:
    """Vendor every pinned package whose copy in ``_vendor/`` is missing or incomplete."""
    VENDOR.mkdir(exist_ok=True)
    with open(VENDOR / ".lock", "w") as lock:  # builds running side by side vendor in turn
        fcntl.flock(lock, fcntl.LOCK_EX)
        for pin in json.loads(PINS.read_text())["packages"]:
            if not is_complete(pin):
                vendor(pin)


# Launch buttons and notebook downloads (sphinx-book-theme 1.3). The theme draws Binder and Colab
# buttons from `launch_buttons` and the one `repository: url:` of _config.yml; with that URL empty it
# would fail on every page (it unpacks the missing repository parts), so the providers are dropped
# then and no launch button is drawn. Colab opens only .ipynb files, which the publish workflow
# (.github/workflows/publish.yml, binder/notebooks.py) commits to the branch `colab_branch` at
# book/<page>.ipynb; the Colab link is pointed there. The theme offers a page's .ipynb for download
# only when a launch button is configured; `offer_ipynb` offers it on every notebook page.
LAUNCH_PROVIDERS = ("binderhub_url", "jupyterhub_url", "colab_url", "deepnote_url", "jupyterlite_url")


def launch_needs_repository(app: Sphinx, config: Config) -> None:
    """Without a repository URL, configure no launch provider (and so draw no launch button)."""
    options = config.html_theme_options
    if not str(options.get("repository_url") or "").strip():
        launch = dict(options.get("launch_buttons") or {})
        for key in LAUNCH_PROVIDERS:
            launch.pop(key, None)
        options["launch_buttons"] = launch


def offer_ipynb(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    """Copy the executed notebook of a MyST notebook page to ``_sources/`` and offer it as .ipynb.

    Runs before the theme's header buttons (priority 501), which add the ".ipynb" download entry
    when ``ipynb_source`` is set.
    """
    if doctree is None or "kernelspec" not in app.env.metadata.get(pagename, {}):
        return
    if not context.get("sourcename", "").endswith((".md", ".md.txt")):
        return
    executed = Path(app.outdir).parent / "jupyter_execute" / f"{pagename}.ipynb"
    if not executed.is_file():
        raise ExtensionError(f"site_assets: no executed notebook for {pagename} at {executed}")
    target = Path(app.outdir) / "_sources" / f"{pagename}.ipynb"
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy2(executed, target)
    context["ipynb_source"] = f"{pagename}.ipynb"


def colab_opens_ipynb(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    """Point the theme's Colab button at ``book/<page>.ipynb`` on the notebooks branch."""
    for group in context.get("header_buttons", []):
        if group.get("label") != "launch-buttons":
            continue
        for button in group.get("buttons", []):
            if button.get("text") == "Colab":
                head, sep, _ = button["url"].partition("/blob/")
                if not sep:
                    raise ExtensionError(f"site_assets: unexpected Colab URL {button['url']}")
                root = app.config.html_theme_options.get("path_to_docs", "").strip("/")
                path = f"{root}/{pagename}.ipynb" if root else f"{pagename}.ipynb"
                button["url"] = f"{head}/blob/{app.config.colab_branch}/{path}"


def offer_results(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    """Offer the merged results files of a heavy page (``results/<page>-<scale>.json`` beside it,
    written by ``ndgm.tools.reproduce`` or by the page itself), from which its figures and tables are drawn,
    in the page's download menu, one entry per scale found; they are copied to ``_downloads/results/``.
    """
    if doctree is None:
        return
    page = Path(app.srcdir) / pagename
    files = sorted(page.parent.joinpath("results").glob(f"{page.name}-*.json"))
    group = next((g for g in context.get("header_buttons", []) if g.get("label") == "download-buttons"), None)
    if not files or group is None:
        return
    target = Path(app.outdir) / "_downloads" / "results"
    target.mkdir(parents=True, exist_ok=True)
    for path in files:
        shutil.copy2(path, target / path.name)
        group["buttons"].append({
            "type": "link",
            "url": context["pathto"](f"_downloads/results/{path.name}", 1),
            "text": path.name,
            "tooltip": "The results behind this page's figures and tables (JSON)",
            "icon": "fas fa-file-code",
            "label": "download-results-button",
        })


def publish_ledger(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    """Put the claims ledger that the ledger page wrote (``book/_generated/claims.json``) and its JSON
    Schema next to the page's HTML, where the page links them, and offer both in its download menu."""
    if doctree is None or Path(pagename).name != "ledger":
        return
    ledger = BOOK / "_generated" / "claims.json"
    if not ledger.is_file():
        raise ExtensionError(f"site_assets: the ledger page did not write {ledger}")
    import ndgm.claims

    target = Path(app.outdir) / Path(pagename).parent
    target.mkdir(parents=True, exist_ok=True)
    shutil.copy2(ledger, target / "claims.json")
    shutil.copy2(ndgm.claims.SCHEMA, target / "claims.schema.json")
    group = next((g for g in context.get("header_buttons", []) if g.get("label") == "download-buttons"), None)
    for name, tip in (("claims.json", "Every claim as data (JSON)"), ("claims.schema.json", "The ledger's JSON Schema")):
        if group is not None:
            group["buttons"].append({"type": "link", "url": context["pathto"](str(Path(pagename).parent / name), 1),
                                     "text": name, "tooltip": tip, "icon": "fas fa-file-code",
                                     "label": "download-ledger-button"})


def setup(app: Sphinx) -> dict:
    """Register the vendoring step ahead of Sphinx's ``html_static_path`` check (priority 800),
    and the launch and download hooks around the theme's (priority 501)."""
    app.add_config_value("colab_branch", "notebooks", "html", [str])
    app.connect("config-inited", ensure_vendored, priority=100)
    app.connect("config-inited", launch_needs_repository)
    app.connect("html-page-context", offer_ipynb, priority=500)
    app.connect("html-page-context", colab_opens_ipynb, priority=502)
    app.connect("html-page-context", offer_results, priority=502)
    app.connect("html-page-context", publish_ledger, priority=502)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
