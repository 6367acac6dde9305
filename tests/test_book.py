"""The book builds with warnings as errors, is fully self-hosted, and renders offline in Chromium.

The build, the server and the browser are session fixtures in conftest.py.
"""

import re
from html.parser import HTMLParser

import pytest

from book_toc import toc_pages

OFF_SITE = re.compile(r"^\s*(https?:)?//", re.I)
CSS_OFF_SITE = re.compile(r"""(url\(|@import)\s*['"]?\s*(https?:)?//""", re.I)
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
def test_page_renders_offline(name, site, offline_page, tmp_path_factory):
    """Open a page with every off-site request blocked; maths, images and widgets must render."""
    page = offline_page
    page.goto(f"{site}/{name}.html", wait_until="load")
    problems = page.problems + rendering_problems(page)
    shots = tmp_path_factory.getbasetemp() / "screenshots"
    shots.mkdir(exist_ok=True)
    page.screenshot(path=shots / f"{name.replace('/', '__')}.png", full_page=True)
    assert not problems, f"{name}:\n" + "\n".join(problems)
