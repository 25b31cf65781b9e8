"""The browser tests' shared harness: Debian's headless Chromium, a local HTTP server, a page visit.

Imported by the browser tests (tests/test_browser*.py, test_encoder.py, test_jupyterlab.py), whose
fixtures it defines (``browser``, ``site``, ``visit``, ``pretrained``, ``shim_site``: import them by
name). What the benchmarks drive the same pages with (Chromium's arguments, the local server, the
book's pages, the explorer's shim page) is ``benchmarks/browser_harness.py``, imported here.
Everything is served on 127.0.0.1; a request to any other host is refused and reported.

Needs ``chromium`` on the PATH (``apt-get install chromium``): skipped without it, except in
CI (``CI`` set), where a missing browser fails.
"""

from __future__ import annotations

import http.server
import os
import shutil
from pathlib import Path
from urllib.parse import urlparse

import numpy as np
import pytest

from browser_harness import CHROMIUM_ARGS, REPO_ROOT, serve, write_shim_page

EXPLORER_PAGE = "book/06_latent_explorer"
EXTRA_PAGES = ["search", "genindex"]
ARTIFACTS = REPO_ROOT / "test-artifacts"
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
# reading.js looks at each equation and figure as it comes near the viewport, as a reader scrolls:
# down the page a screen at a time, a few frames at each stop, and back to the top.
SCROLL_THROUGH = """async () => {
  const frames = async n => { for (let i = 0; i < n; i++) await new Promise(done => requestAnimationFrame(done)); };
  for (let y = 0; y < document.documentElement.scrollHeight; y += window.innerHeight) {
    window.scrollTo(0, y);
    await frames(3);
  }
  window.scrollTo(0, 0);
  await frames(3);
}"""


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


@pytest.fixture(scope="module")
def site(browser, built_book):
    """The built HTML served on 127.0.0.1 by a threaded http.server; yields the base URL."""
    assert built_book.returncode == 0, built_book.log[-3000:]
    server = serve(built_book.html)
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

    def open_page(page: str, javascript: bool = True, viewport: tuple[int, int] = DESKTOP, **context) -> Visit:
        opened.append(Visit(browser, f"{site}{page}.html", javascript, viewport, **context))
        return opened[-1]

    yield open_page
    for page in opened:
        page.close()



# axe-core, the accessibility rules Lighthouse runs, from npm (package.json; `npm ci`, as `make widgets` runs it).
AXE = REPO_ROOT / "node_modules" / "axe-core" / "axe.min.js"


def run_axe(page, selector: str, rules: list[str]) -> list[dict]:
    """axe-core's ``rules`` on the elements matching ``selector``: the violations, each with its nodes' summaries."""
    if not AXE.is_file():
        _unavailable(f"axe-core is not installed at {AXE}: run `npm ci`")
    if not page.evaluate("() => Boolean(window.axe)"):
        page.add_script_tag(path=str(AXE))
    return page.evaluate(
        """async ([selector, rules]) => {
          const result = await axe.run({ include: [[selector]] }, { runOnly: { type: "rule", values: rules } });
          return result.violations.map(v => ({ rule: v.id, nodes: v.nodes.map(n => n.failureSummary + " @ " + n.target.join(" ")) }));
        }""",
        [selector, rules],
    )


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
    """The shim page (browser_harness.SHIM_PAGE) on ``explorer``'s state, served from ``folder`` on 127.0.0.1."""
    write_shim_page(explorer, folder)
    return serve(folder)



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


def _assert_shows_decoder_output(decoder, z, pixels, greys, dtype: str = "float32") -> None:
    """The page's digit is ``decoder``'s at ``z``: Keras's at float32, or, for a decoder the page carries at
    float16 (``page_decoder_dtype``), the same Dense chain with its weights rounded to float16."""
    from vae_helpers.model import decode
    from vae_helpers.numpy_decoder import NumpyDecoder, half_precision

    if dtype == "float16":
        expected = half_precision(NumpyDecoder.from_keras(decoder)).decode(z.astype(np.float64))
    else:
        expected = decode(decoder, z.astype(np.float32))
    assert np.abs(pixels - expected).max() <= PIXEL_TOLERANCE
    # The canvas holds dark ink on white, 8 bits: one grey level of rounding either way.
    assert np.abs(greys - np.rint(255 * (1 - expected))).max() <= 1


# The dtype a widget's decoder has in a built page's saved state: the book's build stores it at float16
# where that moves its decodes by at most 0.02 (book/_ext/site_assets.py). The widget is the first
# whose state has the trait ``marker`` (inline or, deferred, as a buffer); ``path`` leads to the dtype.
DECODER_DTYPE = """([marker, path]) => {
  for (const script of document.querySelectorAll('script[type^="application/vnd.jupyter.widget-state+json"]'))
    for (const model of Object.values(JSON.parse(script.textContent).state))
      if (marker in model.state || (model.buffers || []).some((buffer) => buffer.path[0] === marker))
        return path.reduce((value, key) => value?.[key], model.state) ?? null;
  return null;
}"""


def page_decoder_dtype(page, marker: str = "decoder_layers", path: tuple = ("decoder_layers", 0, "dtype")) -> str | None:
    """The dtype of the decoder at ``path`` in the saved state of the page's first widget with trait ``marker``."""
    return page.evaluate(DECODER_DTYPE, [marker, list(path)])


def _open(browser, url: str, **context) -> tuple[Visit, Reader]:
    visit = Visit(browser, url, **context)
    return visit, Reader(visit.page)

