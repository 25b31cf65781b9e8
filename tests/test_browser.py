"""The built book's pages in a real browser (Debian's headless Chromium, driven by Playwright).

Every page must load with no console error, no failed request and no request to any host but
the local server, with its maths typeset; no page is wider than a phone, every figure is
legible, every display equation fits or shows that it scrolls, and Tab never lands on maths
it need not. The widgets are driven in test_browser_explorer.py and test_browser_panels.py.
Harness and fixtures: tests/browser.py.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from browser import ARTIFACTS, DESKTOP, PHONE, SCROLL_THROUGH, VIEWPORTS, Visit, browser, site, visit  # noqa: F401  (fixtures)
from conftest import toc_files

pytestmark = pytest.mark.slow

EXTRA_PAGES = ["search", "genindex"]


@pytest.mark.parametrize("page", toc_files() + EXTRA_PAGES)
def test_page_loads_only_local_files_without_errors_and_typesets_its_maths(read, page):
    reading = read(page, "desktop")
    assert not reading.problems, "\n".join(reading.problems)
    assert reading.typeset == reading.math, f"{reading.math - reading.typeset} of {reading.math} formulas on {page} were not typeset"


def test_chapter_page_screenshot(visit, built_book):
    chapters = [page for page in toc_files() if page.startswith("book/0")] or ["notebooks/00_mnist_at_a_glance"]
    with_math = [page for page in chapters if "class=\"math" in (built_book.html / f"{page}.html").read_text()]
    page = (with_math or chapters)[0]
    opened = visit(page)
    ARTIFACTS.mkdir(exist_ok=True)
    opened.page.screenshot(path=str(ARTIFACTS / "chapter.png"), full_page=True)
    opened.page.screenshot(path=str(ARTIFACTS / "chapter-top.png"))  # one screenful, for the README
    assert opened.page.locator("mjx-container").count() > 0 or not with_math


# -- reading on a phone and on a laptop ----------------------------------------------------------


def _pages_with_math(built_book) -> list[str]:
    return [page for page in toc_files() if 'class="math' in (built_book.html / f"{page}.html").read_text()]


# A figure's smallest text (tick labels, legends) must render at this size or more, in CSS px.
# Read at about 30 cm, 9 CSS px on a phone looks as large as 12-13 px on a laptop at 50-60 cm:
# the size of matplotlib's default tick labels on a laptop screen.
SMALLEST_FIGURE_TEXT_PX = 9
TEXT_SIZE_KEY = b"vae_helpers:smallest_text_px"  # what vae_helpers.figures writes into each PNG it draws
FIGURES = """() => [...document.querySelectorAll("figure img, .cell_output img")]
  .filter(img => img.getBoundingClientRect().width > 0)
  .map(img => ({src: img.currentSrc || img.src, shown: img.getBoundingClientRect().width, natural: img.naturalWidth}))"""


def _png_text(png: bytes) -> dict[bytes, bytes]:
    """The tEXt entries of a PNG file (keyword -> text), read from its chunks."""
    entries, offset = {}, 8  # after the 8-byte signature: length, type, data, CRC per chunk
    while png[:8] == b"\x89PNG\r\n\x1a\n" and offset + 8 <= len(png):
        length, kind = int.from_bytes(png[offset:offset + 4], "big"), png[offset + 4:offset + 8]
        if kind == b"tEXt":
            keyword, _, text = png[offset + 8:offset + 8 + length].partition(b"\0")
            entries[keyword] = text
        offset += 12 + length
    return entries


def _illegible_figures(opened: Visit) -> list[str]:
    """Each figure on the page whose smallest text renders below SMALLEST_FIGURE_TEXT_PX, or whose PNG does not say."""
    problems = []
    for image in opened.page.evaluate(FIGURES):
        name = image["src"].rsplit("/", 1)[-1]
        recorded = _png_text(opened.page.request.get(image["src"]).body()).get(TEXT_SIZE_KEY)
        if recorded is None:
            problems.append(f"{name} does not record its smallest text (drawn without vae_helpers.figures.use_book_style())")
            continue
        rendered = float(recorded) * image["shown"] / image["natural"]
        if rendered < SMALLEST_FIGURE_TEXT_PX:
            problems.append(f"{name}'s smallest text, {float(recorded):.1f} px in the image, renders at {rendered:.1f} CSS px "
                            f"(the image is shown {image['shown']:.0f} px wide of {image['natural']})")
    return problems


@pytest.mark.parametrize("viewport", VIEWPORTS)
@pytest.mark.parametrize("page", toc_files() + EXTRA_PAGES)
def test_no_page_is_wider_than_the_screen_and_every_figure_is_legible(read, page, viewport):
    reading, screen = read(page, viewport), VIEWPORTS[viewport][0]
    assert reading.width <= screen, f"{page} is {reading.width} px wide on a {screen} px screen: it scrolls sideways"
    problems = reading.illegible_figures
    assert not problems, f"on {page} at {screen} px:\n" + "\n".join(problems)


# For each display equation: whether it is wider than MathJax's container (its scrolling box),
# whether that container scrolls and stays inside the equation's box, and whether the fades
# reading.css draws at either edge are shown.
EQUATIONS = """() => [...document.querySelectorAll("div.math")].map(box => {
  const scroller = box.querySelector(":scope > mjx-container");
  const shown = side => {
    const style = getComputedStyle(box, side);
    return !["none", "normal"].includes(style.content) && style.opacity === "1" && parseFloat(style.width) > 10;
  };
  const boxRect = box.getBoundingClientRect(), rect = scroller.getBoundingClientRect();
  return {
    tex: box.textContent.trim().slice(0, 80),
    overflows: scroller.scrollWidth > scroller.clientWidth + 1,
    scrolls: ["auto", "scroll"].includes(getComputedStyle(scroller).overflowX),
    insideBox: rect.left >= boxRect.left - 1 && rect.right <= boxRect.right + 1,
    moreRight: shown("::after"),
    moreLeft: shown("::before"),
  };
})"""


NO_FADE_ANIMATION = "div.math::before, div.math::after { transition: none !important; }"
# Every equation wider than its box carries the given class.
MARKED = """() => [...document.querySelectorAll("div.math > mjx-container")]
  .filter(s => s.scrollWidth > s.clientWidth + 1).every(s => s.parentElement.classList.contains("%s"))"""


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_every_display_equation_fits_or_shows_that_it_scrolls(read, built_book, viewport):
    overflowing = 0
    for page in _pages_with_math(built_book):
        reading = read(page, viewport)
        for equation in reading.equations:
            where = f"{page}: {equation['tex']!r}"
            assert equation["insideBox"], f"{where} sticks out of its box"
            if not equation["overflows"]:
                assert not equation["moreRight"] and not equation["moreLeft"], f"{where} fits but says it scrolls"
                continue
            overflowing += 1
            assert equation["scrolls"], f"{where} is cut: its container does not scroll"
            assert equation["moreRight"], f"{where} is wider than its box and nothing shows that more lies to the right"
            assert not equation["moreLeft"], f"{where} says more lies to the left before any scroll"
        # Scrolled to the end, the hint moves to the other side.
        for equation in reading.equations_scrolled_to_the_end:
            if equation["overflows"]:
                where = f"{page}: {equation['tex']!r}, scrolled to its end"
                assert not equation["moreRight"] and equation["moreLeft"], where
    if viewport == "phone":
        assert overflowing > 0, "no equation is wider than a phone: this test checks nothing there"


# Every element the Tab key focuses, in order, recorded as it happens; one round of the page.
RECORD_FOCUS = "() => { window.tabStops = []; document.addEventListener('focusin', e => window.tabStops.push(e.target), true); }"
BACK_AT_THE_START = "() => window.tabStops.length > 0 && window.tabStops.indexOf(window.tabStops[0], 1) > 0"
TAB_ROUND = """() => { const stops = window.tabStops, end = stops.indexOf(stops[0], 1);
  return (end > 0 ? stops.slice(0, end) : stops).map(el => { const math = el.closest('.math, mjx-container');
    return {tag: el.tagName, text: (el.textContent || '').trim().slice(0, 60), math: !!math,
            scrolls: !!math && el.scrollWidth > el.clientWidth + 1}; }); }"""


def _tab_stops(page, most: int = 400, batch: int = 10) -> list[dict]:
    """Press Tab until focus comes back to the first element it reached (or ``most`` times); the stops of one round."""
    page.evaluate(RECORD_FOCUS)
    for _ in range(0, most, batch):
        for _ in range(batch):
            page.keyboard.press("Tab")
        if page.evaluate(BACK_AT_THE_START):
            break
    return page.evaluate(TAB_ROUND)


@dataclass
class Reading:
    """What one visit to a page at one screen size saw: the reading tests' evidence."""

    problems: list[str]
    math: int  # formulas on the page
    typeset: int  # of which MathJax typeset
    width: int  # the page's scroll width, CSS px
    illegible_figures: list[str]
    equations: list[dict]  # EQUATIONS as the page opens
    equations_scrolled_to_the_end: list[dict]
    tab_stops: list[dict]
    screenshot: bytes | None  # the full page (phones only)


def _read_page(opened: Visit, page: str, viewport: str) -> Reading:
    # Each page is opened once per screen size for every reading test (the walk over all pages
    # is the slowest part of the suite); what changes the page (Tab, scrolling) comes last.
    has_math = opened.page.locator(".math").count() > 0
    if has_math:
        opened.page.add_style_tag(content=NO_FADE_ANIMATION)  # read each fade's end state, not a step of its transition
    opened.page.evaluate(SCROLL_THROUGH)  # reading.js looks at equations and figures as they come near
    if has_math:
        opened.page.wait_for_function(MARKED % "math-more-right")
    width = opened.page.evaluate("document.scrollingElement.scrollWidth")
    figures = _illegible_figures(opened)
    math, typeset = opened.page.locator(".math").count(), opened.page.locator(".math mjx-container").count()
    equations = opened.page.evaluate(EQUATIONS)
    screenshot = None
    if viewport == "phone":
        folder = ARTIFACTS / "phone"
        folder.mkdir(parents=True, exist_ok=True)
        screenshot = opened.page.screenshot(path=str(folder / f"{page.replace('/', '-')}.png"), full_page=True)
    stops, scrolled = [], []
    if has_math:
        stops = _tab_stops(opened.page)
        opened.page.evaluate("document.querySelectorAll('div.math > mjx-container').forEach(s => s.scrollLeft = s.scrollWidth)")
        opened.page.wait_for_function(MARKED % "math-more-left")  # after the scroll events
        scrolled = opened.page.evaluate(EQUATIONS)
    return Reading(list(opened.problems), math, typeset, width, figures, equations, scrolled, stops, screenshot)


@pytest.fixture(scope="module")
def read(browser, site):
    """``read(page, viewport)``: the page's Reading, from one visit per page and screen size."""
    readings: dict[tuple[str, str], Reading] = {}

    def reading(page: str, viewport: str) -> Reading:
        if (page, viewport) not in readings:
            opened = Visit(browser, f"{site}{page}.html", viewport=VIEWPORTS[viewport])
            try:
                readings[page, viewport] = _read_page(opened, page, viewport)
            finally:
                opened.close()
        return readings[page, viewport]

    return reading


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_tab_lands_on_no_math_expression_except_one_to_scroll(read, built_book, viewport):
    # MathJax makes every formula a Tab stop unless told otherwise (_config.yml). An equation
    # wider than its box is a scrolling region, which Chromium lets the keyboard reach so that
    # the arrow keys can scroll it: that one Tab stop has something to do.
    for page in _pages_with_math(built_book):
        stops = read(page, viewport).tab_stops
        assert stops, f"Tab reaches nothing on {page}"
        idle = [stop for stop in stops if stop["math"] and not stop["scrolls"]]
        assert not idle, f"Tab lands on {len(idle)} math expressions with nothing to do on {page}, e.g. {idle[0]}"
        if viewport == "desktop":
            assert not any(stop["math"] for stop in stops), f"a formula on {page} is a Tab stop on a laptop screen"


SMALL_PHONE = (320, 568)  # the narrowest phones in use: there, a figure drawn for 390 px shows below half its width


def test_shrunken_figures_link_to_their_full_size(visit):
    opened = visit("book/05_keras_vae", viewport=SMALL_PHONE)
    opened.page.evaluate(SCROLL_THROUGH)
    images = opened.page.evaluate(
        """() => [...document.querySelectorAll("figure img, .cell_output img")].map(img => ({
          src: img.src, shown: img.clientWidth, natural: img.naturalWidth,
          link: img.closest("a.figure-full-size")?.href ?? null}))"""
    )
    shrunken = [image for image in images if image["shown"] < 0.5 * image["natural"]]
    assert shrunken, "no figure on the page is shown below half its width on a phone: this test checks nothing"
    for image in shrunken:
        shown = f"{image['src']} is shown {image['shown']} px wide of {image['natural']}"
        assert image["link"] == image["src"], f"{shown}, with no link to its full size"
        assert opened.page.request.get(image["link"]).ok


def test_phone_screenshots(read):
    """One full page per chapter at 390 x 844, for a person to look at (test-artifacts/phone/)."""
    for page in toc_files():
        png = read(page, "phone").screenshot
        assert int.from_bytes(png[16:20], "big") == PHONE[0], f"{page}: the full page is wider than the phone"
