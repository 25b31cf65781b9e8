"""The built book in a real browser (Debian's headless Chromium, driven by Playwright).

Every page must load with no console error, no failed request and no request to any host but
the local server, with its maths typeset. On the explorer page the test acts as a reader:
drag the point, move the sliders, press an arrow key, and read the digit's pixels back, which
must equal what the Keras decoder gives for that latent point.

Needs ``chromium`` on the PATH (``apt-get install chromium``): skipped without it, except in
CI (``CI`` set), where a missing browser fails.
"""

from __future__ import annotations

import functools
import http.server
import os
import shutil
import threading
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlparse

import numpy as np
import pytest

from conftest import REPO_ROOT, toc_files

pytestmark = pytest.mark.slow

EXPLORER_PAGE = "book/06_latent_explorer"
EXTRA_PAGES = ["search", "genindex"]
ARTIFACTS = REPO_ROOT / "test-artifacts"
# As the machine notes advise for headless Chromium as root on a closed network.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
PHONE, DESKTOP = (390, 844), (1280, 900)  # CSS pixels: a phone held upright, a laptop
VIEWPORTS = {"phone": PHONE, "desktop": DESKTOP}
PIXEL_TOLERANCE = 1e-5
SCALE = 10  # screen pixels per digit pixel on the digit canvas
WAKE_WIDGETS = """async () => {
  const view = document.querySelector('script[type="application/vnd.jupyter.widget-view+json"]');
  if (!view) return;
  view.parentElement.scrollIntoView();
  for (let frame = 0; frame < 600 && !document.documentElement.dataset.widgetManager; frame++)
    await new Promise(done => requestAnimationFrame(done));
  window.scrollTo(0, 0);
}"""
# Figures load lazily as a reader scrolls near them: the tests read every figure, so load them all.
LOAD_FIGURES = "() => document.querySelectorAll('img[loading=lazy]').forEach(image => { image.loading = 'eager'; })"


def _unavailable(reason: str) -> None:
    if os.environ.get("CI"):
        pytest.fail(f"{reason} (CI must run the browser tests)")
    pytest.skip(reason)


@pytest.fixture(scope="module")
def browser():
    executable = shutil.which("chromium")
    if executable is None:
        _unavailable("no chromium on the PATH: install Debian's browser with `apt-get install chromium`")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("playwright is not installed: `pip install -e '.[test]'`")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:
        pass


@pytest.fixture(scope="module")
def site(browser, built_book):
    """The built HTML served on 127.0.0.1 by a threaded http.server; yields the base URL."""
    assert built_book.returncode == 0, built_book.log[-3000:]
    handler = functools.partial(_QuietHandler, directory=str(built_book.html))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/"
    server.shutdown()
    server.server_close()


class Visit:
    """One page in a fresh browser context, with everything that went wrong while it loaded."""

    def __init__(self, browser, url: str, javascript: bool = True, viewport: tuple[int, int] = DESKTOP, **context):
        width, height = viewport
        # A phone viewport also gets touch and the mobile meta viewport; **context may override any of it.
        options = {"viewport": {"width": width, "height": height}, "is_mobile": viewport == PHONE,
                   "has_touch": viewport == PHONE, **context}
        self.context = browser.new_context(java_script_enabled=javascript, **options)
        self.problems: list[str] = []
        self.javascript = javascript
        self.closed = False
        self.context.route("**/*", self._only_local)
        self.page = self.context.new_page()
        self.page.on("console", lambda message: message.type == "error" and self.problems.append(f"console error: {message.text}"))
        self.page.on("pageerror", lambda error: self.problems.append(f"uncaught exception: {error}"))
        self.page.on("requestfailed", self._failed)
        self.page.on("response", lambda response: response.status >= 400 and self.problems.append(f"HTTP {response.status}: {response.url}"))
        self.page.goto(url, wait_until="load")
        if javascript:
            # The widget manager loads when a widget comes near the viewport (widgets-offline.js):
            # bring the first widget there, as a reader scrolling would, and back to the top.
            self.page.evaluate(WAKE_WIDGETS)
            self.page.evaluate(LOAD_FIGURES)
            # MathJax typesets after load; its startup promise settles when it is done.
            self.page.evaluate("() => window.MathJax && MathJax.startup ? MathJax.startup.promise.then(() => true) : false")
        self.page.wait_for_load_state("networkidle")

    def _failed(self, request) -> None:
        if not self.javascript and request.resource_type == "script":
            return  # blocked on purpose
        self.problems.append(f"failed request: {request.url} ({request.failure})")

    def _only_local(self, route) -> None:
        url = urlparse(route.request.url)
        if url.scheme in ("http", "https") and url.hostname != "127.0.0.1":
            self.problems.append(f"request to another host: {route.request.url}")
            route.abort()
        else:
            route.continue_()

    def close(self) -> None:
        if not self.closed:
            self.context.close()
            self.closed = True


@pytest.fixture
def visit(browser, site):
    opened = []

    def open_page(page: str, javascript: bool = True, viewport: tuple[int, int] = DESKTOP) -> Visit:
        opened.append(Visit(browser, f"{site}{page}.html", javascript, viewport))
        return opened[-1]

    yield open_page
    for page in opened:
        page.close()


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
        opened.page.wait_for_function(MARKED % "math-more-right")  # reading.js marks the boxes once MathJax is done
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


# -- the in-page explorer ----------------------------------------------------------------------


# -- the latent explorer's JavaScript on the state Python sends (no book build needed) -------------

# A page that mounts vae_helpers/widgets/explorer.js on a widget's state through a minimal
# model (get, set, on, off, save_changes), as anywidget does, with tall blocks above and below
# so that the page can scroll. Buffers come back as DataViews at their paths, as the
# widget managers give them.
SHIM_PAGE = """<!doctype html><html><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="stylesheet" href="explorer.css"></head>
<body style="margin: 0 16px"><div style="height: 600px">text above</div><div id="root"></div>
<div style="height: 1500px">text below</div>
<script type="module">
import widget from "./explorer.js";
const saved = await (await fetch("state.json")).json();
const state = saved.state;
for (const { path, data } of saved.buffers) {
  const bytes = Uint8Array.from(atob(data), (c) => c.charCodeAt(0));
  let target = state;
  for (const key of path.slice(0, -1)) target = target[key];
  target[path[path.length - 1]] = new DataView(bytes.buffer);
}
const listeners = {};
window.sent = [];
const model = {
  get: (name) => state[name],
  set: (name, value) => { state[name] = value; },
  on: (name, callback) => { (listeners[name] = listeners[name] || []).push(callback); },
  off: () => {},
  save_changes: () => { window.sent.push(JSON.parse(JSON.stringify({ z: state.z, t: state.t, endpoints: state.endpoints }))); },
};
widget.render({ model, el: document.getElementById("root") });
</script></body></html>"""


def _explorer_state(explorer) -> dict:
    import base64

    from ipywidgets.widgets.widget import _remove_buffers

    state, paths, buffers = _remove_buffers(explorer.get_state())
    state = {key: value for key, value in state.items() if key not in ("_esm", "_css")}
    encoded = [{"path": path, "data": base64.b64encode(bytes(buffer)).decode()} for path, buffer in zip(paths, buffers)]
    return {"state": state, "buffers": encoded}


@pytest.fixture(scope="module")
def pretrained():
    from vae_helpers.model import load_pretrained

    return load_pretrained()


@pytest.fixture(scope="module")
def shim_site(tmp_path_factory, pretrained):
    """explorer.js, its CSS and the pretrained explorer's state on 127.0.0.1; yields (URL, explorer)."""
    from vae_helpers.data import load_mnist
    from vae_helpers.widgets.explorer import LatentExplorer

    (_, _), (x_test, y_test) = load_mnist()
    explorer = LatentExplorer(*pretrained, x_test, y_test)
    server = serve_shim_page(explorer, tmp_path_factory.mktemp("explorer-shim"))
    yield f"http://127.0.0.1:{server.server_port}/index.html", explorer
    server.shutdown()
    server.server_close()


def serve_shim_page(explorer, folder: Path) -> http.server.ThreadingHTTPServer:
    """SHIM_PAGE on ``explorer``'s state, served from ``folder`` on 127.0.0.1 (``server.server_port``)."""
    import json

    # The widget's module and style as the page gets them: explorer.js with encoder.js after it.
    (folder / "explorer.js").write_text(explorer._esm)
    (folder / "explorer.css").write_text(explorer._css)
    (folder / "state.json").write_text(json.dumps(_explorer_state(explorer)))
    (folder / "index.html").write_text(SHIM_PAGE)
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_QuietHandler, directory=str(folder)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


class Reader:
    """The explorer in a page: where its parts are, what it shows, and how to act on it."""

    def __init__(self, page):
        self.page = page
        page.wait_for_selector(".vae-explorer[data-state=ready]", timeout=15_000)
        self.root = "document.querySelector('.vae-explorer')"

    def api(self, expression: str):
        return self.page.evaluate(f"{self.root}.latentExplorer.{expression}")

    def next_frame(self) -> None:
        self.page.evaluate("() => new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)))")

    def state(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The point, the page's pixel probabilities, and the grey levels read off the digit canvas."""
        self.next_frame()
        z, pixels, greys = self.page.evaluate(
            """root => {
              const canvas = root.querySelector(".vae-explorer__digit");
              const data = canvas.getContext("2d").getImageData(0, 0, canvas.width, canvas.height).data;
              const cell = canvas.width / 28, greys = [];
              for (let row = 0; row < 28; row++)
                for (let col = 0; col < 28; col++)
                  greys.push(data[4 * (Math.floor((row + 0.5) * cell) * canvas.width + Math.floor((col + 0.5) * cell))]);
              return [root.latentExplorer.z, root.latentExplorer.pixels, greys];
            }""",
            self.page.locator(".vae-explorer").first.element_handle(),
        )
        return np.array(z), np.array(pixels), np.array(greys)

    def screen(self, z) -> tuple[float, float]:
        """Where latent point z is on the screen, in CSS pixels of the viewport."""
        box = self.page.locator(".vae-explorer__map").first.bounding_box()
        x, y = self.api(f"toCanvas({z[0]}, {z[1]})")
        scale = box["width"] / self.page.evaluate(f"{self.root}.querySelector('.vae-explorer__map').width")
        return box["x"] + x * scale, box["y"] + y * scale

    def slider(self, axis: int):
        return self.page.locator(".vae-explorer").first.locator(".vae-explorer__slider input").nth(axis)


def _assert_shows_decoder_output(decoder, z, pixels, greys) -> None:
    from vae_helpers.model import decode

    expected = decode(decoder, z.astype(np.float32))
    assert np.abs(pixels - expected).max() <= PIXEL_TOLERANCE
    # The canvas holds dark ink on white, 8 bits: one grey level of rounding either way.
    assert np.abs(greys - np.rint(255 * (1 - expected))).max() <= 1


def _open(browser, url: str, **context) -> tuple[Visit, Reader]:
    visit = Visit(browser, url, **context)
    return visit, Reader(visit.page)


def test_explorer_js_decodes_as_numpy_and_keras_at_float32_tolerance(browser, shim_site, pretrained):
    from vae_helpers.model import decode
    from vae_helpers.numpy_decoder import NumpyDecoder

    url, explorer = shim_site
    visit, reader = _open(browser, url)
    z = np.random.default_rng(0).uniform(-explorer.limit, explorer.limit, size=(64, 2)).astype(np.float32)
    decoded = np.array(reader.page.evaluate(
        "points => points.map(([z1, z2]) => document.querySelector('.vae-explorer').latentExplorer.decode(z1, z2))",
        z.tolist(),
    ))
    assert np.abs(decoded - NumpyDecoder.from_keras(pretrained[1]).decode(z)).max() <= PIXEL_TOLERANCE
    assert np.abs(decoded - decode(pretrained[1], z)).max() <= PIXEL_TOLERANCE
    assert not visit.problems, "\n".join(visit.problems)
    visit.close()


def test_explorer_js_dragging_the_ring_draws_the_digit_under_it(browser, shim_site, pretrained):
    url, explorer = shim_site
    visit, reader = _open(browser, url)
    page = reader.page
    page.locator(".vae-explorer").scroll_into_view_if_needed()
    _, _, before = reader.state()
    target = (-0.4 * explorer.limit, 0.25 * explorer.limit)
    page.mouse.move(*reader.screen((0.0, 0.0)))
    page.mouse.down()
    page.mouse.move(*reader.screen(target), steps=8)
    page.mouse.up()
    z, pixels, greys = reader.state()
    box = page.locator(".vae-explorer__map").bounding_box()
    assert np.allclose(z, target, atol=3 * explorer.limit / box["width"])
    assert np.abs(greys - before).max() > 50, "the digit did not change"
    _assert_shows_decoder_output(pretrained[1], z, pixels, greys)
    assert [float(reader.slider(axis).input_value()) for axis in (0, 1)] == pytest.approx(list(z), abs=0.006)
    assert page.evaluate("window.sent.at(-1).z") == pytest.approx(list(z)), "the point was not sent back to Python"
    assert not visit.problems, "\n".join(visit.problems)
    visit.close()


@pytest.mark.parametrize("axis", [0, 1])
def test_explorer_js_moving_a_slider_moves_the_point_and_the_digit(browser, shim_site, pretrained, axis):
    url, _ = shim_site
    visit, reader = _open(browser, url)
    page = reader.page
    page.locator(".vae-explorer").scroll_into_view_if_needed()
    z_before, _, before = reader.state()
    slider = reader.slider(axis)
    box = slider.bounding_box()
    page.mouse.click(box["x"] + 0.85 * box["width"], box["y"] + box["height"] / 2)
    z, pixels, greys = reader.state()
    assert z[axis] == pytest.approx(float(slider.input_value()))
    assert z[axis] > z_before[axis] + 1
    assert z[1 - axis] == z_before[1 - axis]
    assert np.abs(greys - before).max() > 50, "the digit did not change"
    _assert_shows_decoder_output(pretrained[1], z, pixels, greys)
    visit.close()


def test_explorer_js_arrow_keys_interpolation_and_prior(browser, shim_site, pretrained):
    url, explorer = shim_site
    visit, reader = _open(browser, url)
    page = reader.page
    page.locator(".vae-explorer__map").focus()
    z_before, _, _ = reader.state()
    for _ in range(3):
        page.keyboard.press("ArrowRight")
    page.keyboard.press("Shift+ArrowDown")
    z, pixels, greys = reader.state()
    assert z == pytest.approx(z_before + np.array([0.3, -1.0]))
    _assert_shows_decoder_output(pretrained[1], z, pixels, greys)
    page.locator(".vae-explorer__interpolation input[type=range]").fill("0.5")
    z, pixels, greys = reader.state()
    a, b = explorer.endpoint_means
    assert z == pytest.approx((a + b) / 2, abs=1e-6)
    _assert_shows_decoder_output(pretrained[1], z, pixels, greys)
    page.locator(".vae-explorer__prior").click()
    z_prior, pixels, greys = reader.state()
    assert not np.allclose(z_prior, z)
    _assert_shows_decoder_output(pretrained[1], z_prior, pixels, greys)
    assert not visit.problems, "\n".join(visit.problems)
    visit.close()


def _swipe(visit, start: tuple[float, float], dy: float) -> None:
    """A one-finger vertical swipe through Chromium's touch input (upwards for dy < 0)."""
    cdp = visit.context.new_cdp_session(visit.page)
    x, y = start
    cdp.send("Input.dispatchTouchEvent", {"type": "touchStart", "touchPoints": [{"x": x, "y": y}]})
    for k in range(1, 11):
        cdp.send("Input.dispatchTouchEvent", {"type": "touchMove", "touchPoints": [{"x": x, "y": y + dy * k / 10}]})
        visit.page.wait_for_timeout(16)
    cdp.send("Input.dispatchTouchEvent", {"type": "touchEnd", "touchPoints": []})
    visit.page.wait_for_timeout(300)


PHONE_CONTEXT = {"viewport": PHONE, "device_scale_factor": 3}  # Visit adds touch and the mobile viewport for PHONE


def test_on_a_phone_a_swipe_on_the_map_scrolls_the_page_unless_it_starts_on_the_ring(browser, shim_site):
    url, explorer = shim_site
    visit, reader = _open(browser, url, **PHONE_CONTEXT)
    page = reader.page
    page.evaluate("window.scrollTo(0, 400)")
    page.wait_for_timeout(200)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390, "the page scrolls sideways"
    z_before, _, _ = reader.state()
    box = page.locator(".vae-explorer__map").bounding_box()
    # Off the ring (a quarter of the way across, the ring sits at the centre): the page scrolls.
    scroll = page.evaluate("window.scrollY")
    _swipe(visit, (box["x"] + 0.25 * box["width"], box["y"] + 0.8 * box["height"]), -200)
    assert page.evaluate("window.scrollY") > scroll + 100, "a swipe on the map did not scroll the page"
    z_after, _, _ = reader.state()
    assert np.array_equal(z_after, z_before), "a swipe that scrolled the page moved the point"
    # On the ring: the swipe drags the point, the page stays.
    scroll = page.evaluate("window.scrollY")
    start = reader.screen(z_before)
    _swipe(visit, start, -60)
    z_dragged, pixels, greys = reader.state()
    assert page.evaluate("window.scrollY") == scroll, "dragging the ring scrolled the page"
    assert z_dragged[1] > z_before[1] + 0.5 and abs(z_dragged[0] - z_before[0]) < 0.2
    # Sliders sit on screen under the map: one thumb reaches them without scrolling away from it.
    slider_box = reader.slider(1).bounding_box()
    assert slider_box["y"] + slider_box["height"] <= box["y"] + box["height"] + 844
    assert not visit.problems, "\n".join(visit.problems)
    visit.close()


def test_explorer_js_keyboard_focus_goes_only_to_controls(browser, shim_site):
    """Tab visits the map (arrow keys), the sliders, the button, the pad's controls and the lists, in reading order, and nothing else.

    The pad's Resample and Estimate buttons are disabled while the pad is empty, so Tab skips them.
    """
    url, _ = shim_site
    visit, reader = _open(browser, url)
    stops = []
    for _ in range(11):
        reader.page.keyboard.press("Tab")
        stops.append(reader.page.evaluate("(e => e.tagName.toLowerCase() + (e.type ? ':' + e.type : ''))(document.activeElement)"))
    assert stops == [
        "canvas", "input:range", "input:range", "button:button",
        "button:button", "select:select-one", "select:select-one",  # the pad: Clear, a held-out digit, K
        "select:select-one", "select:select-one", "input:range", "body",
    ]
    visit.close()


# -- the latent explorer in the built book ---------------------------------------------------------

EXPLORER_PAGES = [EXPLORER_PAGE, "notebooks/06_latent_explorer"]


@pytest.mark.parametrize("page", EXPLORER_PAGES)
def test_dragging_on_the_books_explorer_draws_the_decoders_digit(visit, pretrained, page):
    opened = visit(page)
    reader = Reader(opened.page)
    # The map, not the whole explorer: taller than the screen, it would leave the map's top
    # under the page's sticky header, where a press lands on the header.
    opened.page.locator(".vae-explorer__map").first.evaluate("map => map.scrollIntoView({block: 'center'})")
    _, _, before = reader.state()
    limit = reader.api("limit")
    target = (-0.4 * limit, 0.25 * limit)
    opened.page.mouse.move(*reader.screen(reader.api("z")))
    opened.page.mouse.down()
    opened.page.mouse.move(*reader.screen(target), steps=8)
    opened.page.mouse.up()
    z, pixels, greys = reader.state()
    box = opened.page.locator(".vae-explorer__map").first.bounding_box()
    assert np.allclose(z, target, atol=3 * limit / box["width"])
    assert np.abs(greys - before).max() > 50, "the digit did not change"
    _assert_shows_decoder_output(pretrained[1], z, pixels, greys)
    slider = reader.slider(0)
    slider_box = slider.bounding_box()
    opened.page.mouse.click(slider_box["x"] + 0.8 * slider_box["width"], slider_box["y"] + slider_box["height"] / 2)
    z, pixels, greys = reader.state()
    assert z[0] == pytest.approx(float(slider.input_value()))
    _assert_shows_decoder_output(pretrained[1], z, pixels, greys)
    assert not opened.problems, "\n".join(opened.problems)


def test_the_books_explorer_carries_only_the_state_it_shows(built_book):
    """Notebook 06's page embeds the two explorers it shows, and nothing else of size."""
    import json
    import re

    html = (built_book.html / "notebooks" / "06_latent_explorer.html").read_text()
    states = re.findall(r'<script type="application/vnd.jupyter.widget-state\+json">(.*?)</script>', html, re.S)
    models = {key: value for state in states for key, value in json.loads(state)["state"].items()}
    shown = set(re.findall(r'"model_id": "([0-9a-f]+)"', html))
    unused = {key: len(json.dumps(value)) for key, value in models.items() if key not in shown}
    assert sum(unused.values()) < 5_000, f"state of widgets the page never shows: {unused}"


def test_explorer_screenshot(visit):
    opened = visit(EXPLORER_PAGE)
    reader = Reader(opened.page)
    reader.api("setLatent(2.0, -0.5)")
    reader.next_frame()
    ARTIFACTS.mkdir(exist_ok=True)
    opened.page.locator(".vae-explorer").first.screenshot(path=str(ARTIFACTS / "latent-explorer.png"))
    opened.page.screenshot(path=str(ARTIFACTS / "latent-explorer-page.png"), full_page=True)


# -- the panels of chapters 1-3 (vae_helpers.widgets.panels and vae_helpers.widgets.elbo) --------

PANEL_PAGES = {
    "book/01_information_theory": ["coin", "distributions"],
    "notebooks/01_information_theory": ["coin", "distributions"],
    "book/02_kl_gaussians": ["gaussian_kl"],
    "notebooks/02_kl_gaussians": ["gaussian_kl"],
    "book/03_elbo": ["elbo"],
    "notebooks/03_elbo": ["elbo"],
}
PANEL_TIMEOUT = 20_000  # milliseconds for the widget manager to render a page's panels
CLOSED_FORM_TOLERANCE = 1e-9


def _panel_view(panel) -> dict:
    """What a panel shows: its inputs' values, its readouts, and a checksum of each canvas's pixels."""
    return panel.evaluate(
        """el => ({
          inputs: [...el.querySelectorAll("input[type=range]")].map(i =>
            [i.dataset.trait, i.dataset.index === undefined ? null : Number(i.dataset.index), Number(i.dataset.value)]),
          readouts: Object.fromEntries([...el.querySelectorAll("output[data-quantity]")].map(o =>
            [o.dataset.quantity, [Number(o.dataset.value), o.textContent]])),
          canvases: [...el.querySelectorAll("canvas")].map(c => {
            const data = c.getContext("2d").getImageData(0, 0, c.width, c.height).data;
            let sum = 0;
            for (let i = 0; i < data.length; i++) sum = (sum * 31 + data[i] * (i % 97 + 1)) % 2147483647;
            return sum;
          }),
        })"""
    )


def _python_panel(kind: str, inputs: list):
    """The Python panel for the inputs the page shows (the Gaussian panel: 1,000 draws of seed 0, as both pages)."""
    from vae_helpers.widgets import CoinPanel, DistributionPanel, ElboPanel, GaussianKLPanel

    values = {}
    for trait, index, value in inputs:
        if index is None:
            values[trait] = value
        else:
            values.setdefault(trait, {})[index] = value
    if kind == "coin":
        return CoinPanel(bias=values["bias"])
    if kind == "distributions":
        p, q = ([weights[i] for i in sorted(weights)] for weights in (values["p_weights"], values["q_weights"]))
        return DistributionPanel(p=p, q=q)
    if kind == "elbo":
        return ElboPanel(mu=values["mu"], sigma=values["sigma"])
    return GaussianKLPanel(mu=values["mu"], sigma=values["sigma"], n_samples=1000, seed=0)


def _assert_shows_what_python_gives(kind: str, view: dict) -> None:
    python = _python_panel(kind, view["inputs"])
    for quantity, (value, text) in view["readouts"].items():
        expected = getattr(python, quantity)
        assert value == pytest.approx(expected, abs=CLOSED_FORM_TOLERANCE), (kind, quantity)
        assert f"{expected + 0.0:.3f}" in text, (kind, quantity, text)
    if kind == "gaussian_kl":
        assert f"{python.kl_standard_error:.3f}" in view["readouts"]["kl_estimate"][1]
    python.close()


@pytest.mark.parametrize("page", list(PANEL_PAGES))
def test_every_panel_follows_each_of_its_sliders_and_shows_what_python_gives(visit, page):
    opened = visit(page)
    panels = opened.page.locator(".vae-panel")
    for kind in PANEL_PAGES[page]:
        opened.page.locator(f".vae-panel--{kind}[data-state=ready]").first.wait_for(timeout=PANEL_TIMEOUT)
    kinds = panels.evaluate_all("els => els.map(el => [...el.classList].find(c => c.startsWith('vae-panel--')).slice(11))")
    assert kinds == PANEL_PAGES[page], f"{page} shows panels {kinds}"

    for index, kind in enumerate(kinds):
        panel = panels.nth(index)
        panel.scroll_into_view_if_needed()
        view = _panel_view(panel)
        _assert_shows_what_python_gives(kind, view)
        sliders = panel.locator("input[type=range]")
        for number in range(sliders.count()):
            slider = sliders.nth(number)
            slider.focus()
            for _ in range(3):
                opened.page.keyboard.press("ArrowRight")
            moved = _panel_view(panel)
            assert moved["inputs"][number][2] != view["inputs"][number][2], f"{kind}: slider {number} did not move"
            assert moved["canvases"] != view["canvases"], f"{kind}: slider {number} moved and no canvas changed"
            _assert_shows_what_python_gives(kind, moved)
            view = moved
    assert not opened.problems, "\n".join(opened.problems)
