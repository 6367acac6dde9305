"""Test-session set-up: pages as notebooks for nbmake, and the built book served to Chromium.

nbmake runs a notebook with its own folder as the working directory, and collects only .ipynb
files. Before collection (and before xdist starts its workers) every page of _toc.yml is written
as `book/<page>.nbmake.ipynb`, so that `pytest --nbmake book` executes each page with book/ as its
working directory; the copies are removed when the session ends. The book build ignores them.

The book itself is built once, in the background from the start of the session (tests/book_build.py), while
the tests that do not read it run first; the tests that do read it (the `html` fixture) are ordered last.
"""
import json
import os

# One thread per process: the suite runs two xdist workers (and their page kernels) on two cores, and
# PyTorch's and OpenBLAS's thread pools slow down by 5-10x when more threads than cores spin.
os.environ.setdefault("OMP_NUM_THREADS", "1")
import re
import shutil
import signal
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
    # The folder of the session's one book build (`_start_book_build`). Both folders go when the session ends.
    config._made = []
    if "NDGM_LEDGER_CACHE" not in os.environ:
        config._made.append(tempfile.mkdtemp(prefix="ndgm-ledger-"))
        os.environ["NDGM_LEDGER_CACHE"] = os.path.join(config._made[-1], "ledger.pickle")
    # The studies' longest computations (ndgm.memo), shared by the pages run by nbmake, the book build, the
    # ledger and the tests, which ask for many of them with the same arguments.
    if "NDGM_MEMO" not in os.environ:
        config._made.append(tempfile.mkdtemp(prefix="ndgm-memo-"))
        os.environ["NDGM_MEMO"] = config._made[-1]
    if "NDGM_BOOK_BUILD" not in os.environ:
        config._made.append(tempfile.mkdtemp(prefix="ndgm-book-"))
        os.environ["NDGM_BOOK_BUILD"] = config._made[-1]
    for stale in page_notebooks():
        stale.unlink()
    for name in toc_pages():
        page = ROOT / f"{name}.md"
        nbformat.write(jupytext.read(page), page.with_name(page.stem + SUFFIX))


BUILD_PRIORITY = 5
"""How much nicer than the book build the xdist workers (and the kernels and browsers they start) run once they
have collected: the build is the session's longest single task, so it gets a core of its own while the workers
share what is left."""


def _start_book_build() -> Path:
    """Start the session's book build (tests/book_build.py) in the background unless a process already has;
    return its folder. The first caller creates ``started`` (holding the build's pid) in NDGM_BOOK_BUILD."""
    out = Path(os.environ["NDGM_BOOK_BUILD"])
    try:
        fd = os.open(out / "started", os.O_CREAT | os.O_EXCL | os.O_WRONLY)
    except FileExistsError:
        return out
    build = subprocess.Popen([sys.executable, str(ROOT / "tests" / "book_build.py"), str(out)], cwd=ROOT,
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    os.write(fd, str(build.pid).encode())
    os.close(fd)
    return out


@pytest.hookimpl(trylast=True)                # after -k and -m have deselected
def pytest_collection_modifyitems(items):
    """Tests that read the built book run last (a stable sort: every xdist worker collects the same order), and
    when the session has any, the book build starts now, in the background, beside the tests that do not."""
    needs = [("html" in getattr(item, "fixturenames", ())) for item in items]
    items[:] = [item for _, item in sorted(zip(needs, items), key=lambda pair: pair[0])]
    if any(needs):
        _start_book_build()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        os.nice(BUILD_PRIORITY)               # after starting the build, which keeps the normal priority


def pytest_unconfigure(config):
    if hasattr(config, "workerinput"):
        return
    for nb in page_notebooks():
        nb.unlink()
    build = Path(os.environ["NDGM_BOOK_BUILD"])
    if (build / "started").exists() and not (build / "book-build.json").exists():   # the session ended first
        try:
            os.killpg(int((build / "started").read_text()), signal.SIGKILL)
        except (ValueError, ProcessLookupError):
            pass
    for folder in getattr(config, "_made", ()):
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(scope="session")
def html() -> Path:
    """The book built once per session with warnings as errors (tests/book_build.py); its html folder.

    The build starts in the background once collection finds a test that reads it (`pytest_collection_modifyitems`);
    every worker waits here for its record (a lock file alone would leave a worker idle for the build's minutes).
    """
    out = _start_book_build()
    deadline = time.monotonic() + 3600
    while not (out / "book-build.json").exists():
        if time.monotonic() > deadline:
            pytest.fail(f"the book build into {out} did not end within an hour", pytrace=False)
        time.sleep(1)
    result = json.loads((out / "book-build.json").read_text())
    if result["returncode"]:
        pytest.fail(f"`{result['command']}` exited {result['returncode']}; log tail:\n{result['log']}",
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
