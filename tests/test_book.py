"""The book builds with warnings as errors, is fully self-hosted, and renders offline in Chromium.

The book is built once per session into a temporary folder. Under `pytest -n 2 --dist loadgroup`
the `xdist_group("book")` mark should keep these tests on one worker; pytest 9.2 with xdist 3.8
ignores the mark (pytest-xdist#1386), so the workers also share the one build through a lock.
"""

import fcntl
import json
import os
import re
import socket
import subprocess
import sys
import time
from html.parser import HTMLParser
from pathlib import Path

import pytest

from book_toc import ROOT, toc_pages

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
]
# Known harmless theme noise: sphinx-thebe's inline config is emitted twice on every page, and
# the pydata theme resets an unset colour mode.
HARMLESS = re.compile(r"THEBE_JS_URL'? has already been declared|Got invalid theme mode")
OFF_SITE = re.compile(r"^\s*(https?:)?//", re.I)
CSS_OFF_SITE = re.compile(r"""(url\(|@import)\s*['"]?\s*(https?:)?//""", re.I)
ANSI = re.compile(r"\x1b\[[0-9;]*m")
RAW_TEX = re.compile(r"\\\(|\\\[|\$\$|\\begin\{|\$[^$\n]+\$")

pytestmark = pytest.mark.xdist_group("book")


PAGES = toc_pages()


class FetchedUrls(HTMLParser):
    """Collect the URLs a page makes the browser fetch (scripts, styles, fonts, images, media)."""

    SOURCES = {"script": "src", "img": "src", "source": "src", "video": "src", "audio": "src",
               "track": "src", "iframe": "src", "embed": "src", "object": "data", "input": "src"}

    def __init__(self):
        super().__init__()
        self.urls: list[str] = []
        self.styles: list[str] = []
        self._in_style = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "link" and attrs.get("rel") != "canonical":
            self.urls.append(attrs.get("href") or "")
        if tag in self.SOURCES:
            self.urls.append(attrs.get(self.SOURCES[tag]) or "")
        for srcset in (attrs.get("srcset"), attrs.get("imagesrcset")):
            self.urls += [part.split()[0] for part in (srcset or "").split(",") if part.strip()]
        if tag == "video" and attrs.get("poster"):
            self.urls.append(attrs["poster"])
        if attrs.get("style"):
            self.styles.append(attrs["style"])
        self._in_style = tag == "style"

    def handle_endtag(self, tag):
        self._in_style = False

    def handle_data(self, data):
        if self._in_style:
            self.styles.append(data)


@pytest.fixture(scope="session")
def html(tmp_path_factory) -> Path:
    """Build the book once per session with warnings as errors; return its html folder."""
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


def test_build_produces_every_toc_page(html):
    """The `-W` build (checked by the fixture) wrote a page for every _toc.yml entry."""
    missing = [page for page in PAGES if not (html / f"{page}.html").is_file()]
    assert not missing, f"pages in _toc.yml with no HTML: {missing}"


def test_no_off_site_assets(html):
    """No built page or stylesheet points the browser at another site."""
    offenders = []
    for page in sorted(html.rglob("*.html")):
        parser = FetchedUrls()
        parser.feed(page.read_text(encoding="utf-8"))
        where = page.relative_to(html)
        offenders += [f"{where}: {url}" for url in parser.urls if OFF_SITE.match(url)]
        offenders += [f"{where}: {css[:120]}" for css in parser.styles if CSS_OFF_SITE.search(css)]
    for sheet in sorted(html.rglob("*.css")):
        for match in CSS_OFF_SITE.finditer(sheet.read_text(encoding="utf-8", errors="replace")):
            offenders.append(f"{sheet.relative_to(html)}: {match.group(0)}")
    assert not offenders, "off-site assets:\n" + "\n".join(offenders)


UNTYPESET = """() => [...document.querySelectorAll('.math')]
    .filter(e => !e.querySelector('mjx-container')).map(e => e.textContent)"""
PROSE = """() => { const copy = (document.querySelector('article') || document.body).cloneNode(true);
    copy.querySelectorAll('pre, code, script, style, mjx-container').forEach(e => e.remove());
    return copy.textContent; }"""
WIDGET_VIEWS = "script[type='application/vnd.jupyter.widget-view+json']"
WIDGETS_RENDERED = f"""() => [...document.querySelectorAll("{WIDGET_VIEWS}")]
    .every(s => s.previousElementSibling?.classList.contains('widget-subarea')
                && s.previousElementSibling.childElementCount > 0)"""
BROKEN_IMAGES = "() => [...document.images].filter(i => i.naturalWidth === 0).map(i => i.src)"


def rendering_problems(page) -> list[str]:
    """Wait for maths, widgets and images on a loaded page; describe what did not render."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    problems = []

    def waited(condition: str, what: str) -> bool:
        try:
            page.wait_for_function(condition)
            return True
        except PlaywrightTimeout:
            problems.append(f"timed out waiting for {what}")
            return False

    if page.locator(".math").count() and waited("() => window.MathJax?.startup?.promise", "MathJax"):
        page.evaluate("() => MathJax.startup.promise")
        if untypeset := page.evaluate(UNTYPESET):
            problems.append(f"maths not typeset: {untypeset}")
    if raw := RAW_TEX.search(page.evaluate(PROSE)):
        problems.append(f"raw TeX left in the text: {raw.group(0)!r}")
    if page.locator(WIDGET_VIEWS).count():
        waited(WIDGETS_RENDERED, "the embedded widgets to render")
    page.evaluate("() => document.querySelectorAll('img').forEach(i => i.loading = 'eager')")
    if waited("() => [...document.images].every(i => i.complete)", "images"):
        if broken := page.evaluate(BROKEN_IMAGES):
            problems.append(f"images that did not load: {broken}")
    page.evaluate("() => document.fonts.ready.then(() => true)")
    page.wait_for_load_state("networkidle")
    return problems


@pytest.mark.parametrize("name", PAGES)
def test_page_renders_offline(name, site, browser, tmp_path_factory):
    """Open a page with every off-site request blocked; maths, images and widgets must render."""
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
    page.on("console", on_console)
    page.on("pageerror", on_page_error)
    page.on("requestfailed", lambda req: problems.append(f"failed request: {req.url} ({req.failure})"))
    page.on("response", on_response)
    try:
        page.goto(f"{site}/{name}.html", wait_until="load")
        problems += rendering_problems(page)
        shots = tmp_path_factory.getbasetemp() / "screenshots"
        shots.mkdir(exist_ok=True)
        page.screenshot(path=shots / f"{name.replace('/', '__')}.png", full_page=True)
    finally:
        context.close()
    assert not problems, f"{name}:\n" + "\n".join(problems)
