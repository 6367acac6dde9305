"""Every page as a reader sees it: full-page screenshots at desktop and phone width, and two checks.

The screenshots go to `<build folder>/screenshots/<width>px/<page>.png` (the build folder is the
`_build` that holds the session's `html`), for a person to look at. At each width the test also checks
that the page never scrolls sideways as a whole (a wide table or figure must scroll in its own box),
that the static explorers' axis and tick labels are drawn at least as large as the body text
(rcParams["font.size"]) of the matplotlib figures on the same page at the same width, and that at
phone width no matplotlib figure is shrunk so far that its body text falls below LEGIBLE_PX.
"""
import io

import matplotlib
import pytest
from PIL import Image

from book_toc import toc_pages

pytestmark = pytest.mark.xdist_group("book")

PAGES = toc_pages()
WIDTHS = {"desktop": 1280, "phone": 390}
MPL_TEXT_PT = matplotlib.rcParamsDefault["font.size"]
LEGIBLE_PX = 10.0   # the smallest body text of a matplotlib figure that a phone reader is expected to read

# Rendered size in CSS px of the explorers' axis texts (tick labels, axis labels), and of matplotlib's
# body text in each figure image: font.size (pt) at the image's dpi, scaled as the image is displayed.
MEASURE = """() => {
  const svgText = [...document.querySelectorAll('svg.ndgm-panel .ndgm-axes text')].map(t => {
    const svg = t.ownerSVGElement, vb = svg.viewBox.baseVal;
    return parseFloat(getComputedStyle(t).fontSize) * svg.getBoundingClientRect().width / vb.width;
  });
  const images = [...document.querySelectorAll('.cell_output img')]
    .filter(i => i.naturalWidth > 0 && i.getBoundingClientRect().width > 0)
    .map(i => ({src: i.currentSrc, shown: i.getBoundingClientRect().width, natural: i.naturalWidth}));
  return {svgText, images, scrollWidth: document.documentElement.scrollWidth, innerWidth: window.innerWidth};
}"""


def png_dpi(data: bytes) -> float:
    dpi = Image.open(io.BytesIO(data)).info.get("dpi")
    return float(dpi[0]) if dpi else 72.0


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("name", PAGES)
def test_page_screenshot_and_legibility(name, width, html, site, browser):
    context = browser.new_context(viewport={"width": WIDTHS[width], "height": 900},
                                  device_scale_factor=1)
    try:
        page = context.new_page()
        page.goto(f"{site}/{name}.html", wait_until="networkidle")
        page.evaluate("() => document.querySelectorAll('img').forEach(i => i.loading = 'eager')")
        page.wait_for_function("() => [...document.images].every(i => i.complete)")
        page.evaluate("() => document.fonts.ready.then(() => true)")
        if page.locator(".math").count():
            page.wait_for_function("() => window.MathJax?.startup?.promise")
            page.evaluate("() => MathJax.startup.promise")     # typeset before the screenshot
        shot = html.parent / "screenshots" / f"{WIDTHS[width]}px" / f"{name.replace('/', '__')}.png"
        shot.parent.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=shot, full_page=True)
        m = page.evaluate(MEASURE)
        mpl = []
        for img in m["images"]:
            if img["src"].endswith(".png"):
                dpi = png_dpi(page.request.get(img["src"]).body())
                mpl.append((MPL_TEXT_PT * dpi / 72 * img["shown"] / img["natural"], img["src"]))
    finally:
        context.close()

    assert m["scrollWidth"] <= m["innerWidth"], (
        f"{name} at {WIDTHS[width]} px scrolls sideways: {m['scrollWidth']} px wide (see {shot})")
    if width == "phone":
        small = [f"{src.rsplit('/', 1)[-1]} {px:.1f} px" for px, src in mpl if px < LEGIBLE_PX]
        assert not small, (f"{name} at {WIDTHS[width]} px: figures shrunk until their text is below "
                           f"{LEGIBLE_PX:g} px: {', '.join(small)} (see {shot})")
    if m["svgText"] and mpl:
        smallest, reference = min(m["svgText"]), max(px for px, _ in mpl)
        assert smallest >= reference - 0.05, (
            f"{name} at {WIDTHS[width]} px: explorer axis text {smallest:.1f} px, smaller than "
            f"matplotlib's body text {reference:.1f} px (see {shot})")
