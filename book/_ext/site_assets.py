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


def setup(app: Sphinx) -> dict:
    """Register the vendoring step ahead of Sphinx's ``html_static_path`` check (priority 800)."""
    app.connect("config-inited", ensure_vendored, priority=100)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
