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
PIXEL_TOLERANCE = 1e-5
SCALE = 10  # screen pixels per digit pixel on the digit canvas


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

    def __init__(self, browser, url: str, javascript: bool = True):
        self.context = browser.new_context(viewport={"width": 1280, "height": 900}, java_script_enabled=javascript)
        self.problems: list[str] = []
        self.javascript = javascript
        self.context.route("**/*", self._only_local)
        self.page = self.context.new_page()
        self.page.on("console", lambda message: message.type == "error" and self.problems.append(f"console error: {message.text}"))
        self.page.on("pageerror", lambda error: self.problems.append(f"uncaught exception: {error}"))
        self.page.on("requestfailed", self._failed)
        self.page.on("response", lambda response: response.status >= 400 and self.problems.append(f"HTTP {response.status}: {response.url}"))
        self.page.goto(url, wait_until="load")
        if javascript:
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
        self.context.close()


@pytest.fixture
def visit(browser, site):
    opened = []

    def open_page(page: str, javascript: bool = True) -> Visit:
        opened.append(Visit(browser, f"{site}{page}.html", javascript))
        return opened[-1]

    yield open_page
    for page in opened:
        page.close()


@pytest.mark.parametrize("page", toc_files() + EXTRA_PAGES)
def test_page_loads_only_local_files_without_errors_and_typesets_its_maths(visit, page):
    opened = visit(page)
    assert not opened.problems, "\n".join(opened.problems)
    math = opened.page.locator(".math").count()
    typeset = opened.page.locator(".math mjx-container").count()
    assert typeset == math, f"{math - typeset} of {math} formulas on {page} were not typeset"


def test_chapter_page_screenshot(visit, built_book):
    chapters = [page for page in toc_files() if page.startswith("book/0")] or ["notebooks/00_mnist_at_a_glance"]
    with_math = [page for page in chapters if "class=\"math" in (built_book.html / f"{page}.html").read_text()]
    page = (with_math or chapters)[0]
    opened = visit(page)
    ARTIFACTS.mkdir(exist_ok=True)
    opened.page.screenshot(path=str(ARTIFACTS / "chapter.png"), full_page=True)
    opened.page.screenshot(path=str(ARTIFACTS / "chapter-top.png"))  # one screenful, for the README
    assert opened.page.locator("mjx-container").count() > 0 or not with_math


# -- the in-page explorer ----------------------------------------------------------------------


@pytest.fixture(scope="module")
def keras_decoder():
    from vae_helpers.model import load_pretrained

    return load_pretrained()[1]


@pytest.fixture
def explorer(visit, keras_decoder):
    from vae_helpers.model import pretrained_metadata

    opened = visit(EXPLORER_PAGE)
    opened.page.wait_for_selector(".latent-explorer[data-state=ready]", timeout=10_000)
    exported = opened.page.evaluate("window.latentExplorerData.weights_sha256")
    assert exported == pretrained_metadata()["sha256"], "the weights changed since the book was built: rebuild it"
    opened.page.locator(".latent-explorer").scroll_into_view_if_needed()
    return opened


def _next_frame(page) -> None:
    page.evaluate("() => new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)))")


def _state(page) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The point, the page's pixel probabilities, and the grey levels read off the digit canvas."""
    _next_frame(page)
    z, pixels, greys = page.evaluate(
        """() => {
          const root = document.querySelector(".latent-explorer");
          const canvas = root.querySelector(".latent-explorer__digit");
          const data = canvas.getContext("2d").getImageData(0, 0, canvas.width, canvas.height).data;
          const greys = [];
          for (let row = 0; row < 28; row++)
            for (let col = 0; col < 28; col++)
              greys.push(data[4 * ((row * %d + %d) * canvas.width + col * %d + %d)]);
          return [root.latentExplorer.z, Array.from(root.latentExplorer.pixels), greys];
        }"""
        % (SCALE, SCALE // 2, SCALE, SCALE // 2)
    )
    return np.array(z), np.array(pixels), np.array(greys)


def _assert_shows_decoder_output(keras_decoder, z, pixels, greys) -> None:
    from vae_helpers.model import decode

    expected = decode(keras_decoder, z.astype(np.float32))
    assert np.abs(pixels - expected).max() <= PIXEL_TOLERANCE
    # The canvas holds dark ink on white, 8 bits: one grey level of rounding either way.
    expected_greys = np.rint(255 * (1 - expected))
    assert np.abs(greys - expected_greys).max() <= 1


def _slider(page, axis: int):
    return page.locator(f".latent-explorer input[data-axis='{axis}']")


def test_dragging_the_point_decodes_the_digit_under_it(explorer, keras_decoder):
    page = explorer.page
    _, _, before = _state(page)
    limit = page.evaluate("document.querySelector('.latent-explorer').latentExplorer.limit")
    start, target = (0.0, 0.0), (-0.4 * limit, 0.25 * limit)
    box = page.locator(".latent-explorer__map").bounding_box()
    ratio = page.evaluate("window.devicePixelRatio")

    def screen(z):
        x, y = page.evaluate(f"document.querySelector('.latent-explorer').latentExplorer.toCanvas({z[0]}, {z[1]})")
        return box["x"] + x / ratio, box["y"] + y / ratio

    page.mouse.move(*screen(start))
    page.mouse.down()
    page.mouse.move(*screen(target), steps=8)
    page.mouse.up()
    z, pixels, greys = _state(page)
    css_pixel = 2 * limit / (0.85 * box["width"])  # latent units per CSS pixel, about (the plot area is most of the map)
    assert np.allclose(z, target, atol=1.5 * css_pixel)
    assert np.abs(greys - before).max() > 50, "the digit did not change"
    _assert_shows_decoder_output(keras_decoder, z, pixels, greys)
    assert [float(_slider(page, axis).input_value()) for axis in (0, 1)] == pytest.approx(list(z), abs=0.006)


@pytest.mark.parametrize("axis", [0, 1])
def test_moving_a_slider_moves_the_point_and_the_digit(explorer, keras_decoder, axis):
    page = explorer.page
    z_before, _, before = _state(page)
    slider = _slider(page, axis)
    box = slider.bounding_box()
    page.mouse.click(box["x"] + 0.85 * box["width"], box["y"] + box["height"] / 2)
    z, pixels, greys = _state(page)
    assert z[axis] == pytest.approx(float(slider.input_value()))
    assert z[axis] > z_before[axis] + 1
    assert z[1 - axis] == z_before[1 - axis]
    assert np.abs(greys - before).max() > 50, "the digit did not change"
    _assert_shows_decoder_output(keras_decoder, z, pixels, greys)


def test_arrow_keys_move_the_point(explorer, keras_decoder):
    page = explorer.page
    page.locator(".latent-explorer__map").focus()
    z_before, _, before = _state(page)
    for _ in range(3):
        page.keyboard.press("ArrowRight")
    page.keyboard.press("Shift+ArrowDown")
    z, pixels, greys = _state(page)
    assert z == pytest.approx(z_before + np.array([0.3, -1.0]))
    assert np.abs(greys - before).max() > 20, "the digit did not change"
    _assert_shows_decoder_output(keras_decoder, z, pixels, greys)


def test_page_decoder_matches_keras_across_the_map(explorer, keras_decoder):
    from vae_helpers.model import decode

    page = explorer.page
    limit = page.evaluate("document.querySelector('.latent-explorer').latentExplorer.limit")
    z = np.random.default_rng(0).uniform(-limit, limit, size=(64, 2)).astype(np.float32)
    decoded = np.array(
        page.evaluate(
            "points => points.map(([z1, z2]) => Array.from(document.querySelector('.latent-explorer').latentExplorer.decode(z1, z2)))",
            z.tolist(),
        )
    )
    assert np.abs(decoded - decode(keras_decoder, z)).max() <= PIXEL_TOLERANCE


def test_page_and_notebook_explorers_span_the_same_map(built_book, keras_decoder):
    import json

    from vae_helpers.data import load_mnist
    from vae_helpers.explorer import LatentExplorer
    from vae_helpers.model import load_pretrained

    script = (built_book.html / "_static" / "latent-explorer-data.js").read_text()
    exported = json.loads(script[script.index("{") : script.rindex("}") + 1])
    from vae_helpers.pretrained import pretrained_metadata

    (_, _), (x_test, y_test) = load_mnist(pretrained_metadata()["data"]["source"])
    notebook_explorer = LatentExplorer(load_pretrained()[0], keras_decoder, x_test, y_test)
    try:
        assert exported["limit"] == notebook_explorer.limit
    finally:
        notebook_explorer.close()


def test_explorer_screenshot(explorer):
    explorer.page.evaluate("document.querySelector('.latent-explorer').latentExplorer.setLatent(2.0, -0.5)")
    _next_frame(explorer.page)
    ARTIFACTS.mkdir(exist_ok=True)
    explorer.page.locator(".latent-explorer").screenshot(path=str(ARTIFACTS / "latent-explorer.png"))
    explorer.page.screenshot(path=str(ARTIFACTS / "latent-explorer-page.png"), full_page=True)


def test_without_javascript_the_explorer_shows_its_fallback_image(visit):
    opened = visit(EXPLORER_PAGE, javascript=False)
    assert not opened.problems, "\n".join(opened.problems)
    image = opened.page.locator("noscript img.latent-explorer__fallback, img.latent-explorer__fallback").first
    assert image.get_attribute("alt")
    assert image.evaluate("img => img.complete && img.naturalWidth > 0")
    assert opened.page.locator(".latent-explorer__panels").is_hidden()


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
