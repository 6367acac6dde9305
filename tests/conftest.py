"""Test-session set-up: pages as notebooks for nbmake, and the built book served to Chromium.

nbmake runs a notebook with its own folder as the working directory, and collects only .ipynb
files. Before collection (and before xdist starts its workers) every page of _toc.yml is written
as `book/<page>.nbmake.ipynb`, so that `pytest --nbmake book` executes each page with book/ as its
working directory; the copies are removed when the session ends. The book build ignores them.
"""
import fcntl
import json
import os

# One thread per process: the suite runs two xdist workers (and their page kernels) on two cores, and
# PyTorch's and OpenBLAS's thread pools slow down by 5-10x when more threads than cores spin.
os.environ.setdefault("OMP_NUM_THREADS", "1")
import re
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import jupytext
import nbformat
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "binder"))   # binder/book_toc.py
from book_toc import ROOT, toc_pages  # noqa: E402

BOOK = ROOT / "book"
SUFFIX = ".nbmake.ipynb"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
]
ANSI = re.compile(r"\x1b\[[0-9;]*m")
# Known harmless theme noise: sphinx-thebe's inline config is emitted twice on every page, and
# the pydata theme resets an unset colour mode.
HARMLESS = re.compile(r"THEBE_JS_URL'? has already been declared|Got invalid theme mode")


def page_notebooks():
    return sorted(BOOK.glob(f"*{SUFFIX}"))


def pytest_configure(config):
    if hasattr(config, "workerinput"):      # an xdist worker: the controller has done it
        return
    # One claims ledger for the whole session: tests/test_claims.py, the book build and the executed ledger
    # page all read it from here (ndgm.claims.ledger's cache, keyed by the sources and the results).
    os.environ.setdefault("NDGM_LEDGER_CACHE", os.path.join(tempfile.mkdtemp(prefix="ndgm-ledger-"), "ledger.pickle"))
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


@pytest.fixture(scope="session")
def html(tmp_path_factory) -> Path:
    """Build the book once per session with warnings as errors; return its html folder.

    Under `pytest -n 2` both workers share the one build through a lock file (the `xdist_group`
    mark alone does not keep them together with pytest 9.2 and xdist 3.8, pytest-xdist#1386).
    """
    shared = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        shared = shared.parent  # the session's folder, above each worker's own
    out, record = shared / "book", shared / "book-build.json"
    cmd = [str(Path(sys.executable).with_name("jupyter-book")), "build", str(ROOT),
           "--path-output", str(out), "-W", "-n", "--keep-going"]
    with open(shared / "book-build.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not record.exists():
            proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
            log = ANSI.sub("", proc.stdout + proc.stderr)[-6000:]
            record.write_text(json.dumps({"returncode": proc.returncode, "log": log}))
    result = json.loads(record.read_text())
    if result["returncode"]:
        pytest.fail(f"`{' '.join(cmd)}` exited {result['returncode']}; log tail:\n{result['log']}",
                    pytrace=False)
    return out / "_build" / "html"


@pytest.fixture(scope="session")
def site(html):
    """Serve the built site on 127.0.0.1 with `python -m http.server`; yield its origin."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    server = subprocess.Popen(
        [sys.executable, "-m", "http.server", str(port), "--bind", "127.0.0.1",
         "--directory", str(html)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 15
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(f"http.server did not start on port {port}", pytrace=False)
                time.sleep(0.1)
        yield f"http://127.0.0.1:{port}"
    finally:
        server.terminate()
        server.wait(timeout=10)


@pytest.fixture(scope="session")
def browser():
    """Launch Debian's headless Chromium through Playwright."""
    if not CHROMIUM.exists():
        pytest.fail(
            f"Chromium not found at {CHROMIUM}: install Debian's chromium with "
            "`apt-get update && apt-get install -y chromium` (do not run `playwright install`)",
            pytrace=False,
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def offline_page(site, browser):
    """A new Chromium page on which every request off the site is blocked; `page.problems` lists
    blocked requests, console and page errors, failed requests and HTTP errors."""
    problems: list[str] = []

    def guard(route):
        if route.request.url.startswith(site + "/"):
            route.continue_()
        else:
            problems.append(f"off-site request: {route.request.url}")
            route.abort()

    def on_console(msg):
        if msg.type == "error" and not HARMLESS.search(msg.text):
            problems.append(f"console error: {msg.text} ({msg.location.get('url')})")

    def on_page_error(error):
        if not HARMLESS.search(str(error)):
            problems.append(f"page error: {error}")

    def on_response(response):
        if response.status >= 400:
            problems.append(f"HTTP {response.status}: {response.url}")

    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.set_default_timeout(20_000)
    context.route("**/*", guard)
    page = context.new_page()
    page.problems = problems
    page.on("console", on_console)
    page.on("pageerror", on_page_error)
    page.on("requestfailed", lambda req: problems.append(f"failed request: {req.url} ({req.failure})"))
    page.on("response", on_response)
    yield page
    context.close()
