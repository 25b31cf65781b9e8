"""Time the in-page latent explorer in headless Chromium: one decode-and-draw per latent point.

Serves the built book (``_build/html``; run ``make book`` first) on 127.0.0.1, opens the
explorer page and, for 1,000 seeded random latent points over the map, times with
``performance.now()``:

- decode: the decoder's forward pass alone (2 -> 128 -> 784, sigmoid);
- decode + draw: what the page does once per frame while you drag (decode, the 28 x 28
  image scaled onto the digit canvas, the map redrawn with its marker, sliders and readout);
- the same, flushed: plus reading one pixel back, which makes Chromium rasterize the
  canvases now instead of at the next frame.

It prints the median and the 95th percentile of each. The server sends the cross-origin
isolation headers, which give ``performance.now()`` a 5 microsecond resolution instead of
100. Needs Debian's ``chromium``. Run: ``.venv/bin/python benchmarks/browser_decode.py [HTML_FOLDER]``
(default ``_build/html``).
"""

from __future__ import annotations

import functools
import http.server
import shutil
import sys
import threading
from pathlib import Path

import numpy as np
from playwright.sync_api import sync_playwright

REPO_ROOT = Path(__file__).resolve().parents[1]
HTML = REPO_ROOT / "_build" / "html"
PAGE = "book/06_latent_explorer.html"
N_POINTS = 1000
WARM_UP = 100
SEED = 0
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"]

TIMING = """([points, warmUp]) => {
  const explorer = document.querySelector(".latent-explorer").latentExplorer;
  const canvas = document.querySelector(".latent-explorer__digit");
  const context = canvas.getContext("2d", { willReadFrequently: false });
  const runs = {
    "decode": ([z1, z2]) => explorer.decode(z1, z2),
    "decode + draw": ([z1, z2]) => explorer.renderAt(z1, z2),
    "decode + draw, flushed": ([z1, z2]) => { explorer.renderAt(z1, z2); context.getImageData(140, 140, 1, 1); },
  };
  const results = {};
  for (const [name, run] of Object.entries(runs)) {
    points.slice(0, warmUp).forEach(run);
    results[name] = points.map(point => {
      const start = performance.now();
      run(point);
      return performance.now() - start;
    });
  }
  return { crossOriginIsolated: window.crossOriginIsolated, results };
}"""


class IsolatedHandler(http.server.SimpleHTTPRequestHandler):
    """Static files with the headers that make the page cross-origin isolated (finer timers)."""

    def end_headers(self) -> None:
        self.send_header("Cross-Origin-Opener-Policy", "same-origin")
        self.send_header("Cross-Origin-Embedder-Policy", "require-corp")
        super().end_headers()

    def log_message(self, *args) -> None:
        pass


def main() -> None:
    html = Path(sys.argv[1]) if len(sys.argv) > 1 else HTML
    if not (html / PAGE).is_file():
        sys.exit(f"No built book with the explorer at {html / PAGE}: run `make book` first.")
    chromium = shutil.which("chromium")
    if chromium is None:
        sys.exit("Needs Debian's chromium: apt-get install chromium")
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(IsolatedHandler, directory=str(html)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=chromium, headless=True, args=CHROMIUM_ARGS)
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            page.goto(f"http://127.0.0.1:{server.server_port}/{PAGE}", wait_until="load")
            page.wait_for_selector(".latent-explorer[data-state=ready]")
            limit = page.evaluate("document.querySelector('.latent-explorer').latentExplorer.limit")
            points = np.random.default_rng(SEED).uniform(-limit, limit, size=(N_POINTS, 2))
            measured = page.evaluate(TIMING, [points.tolist(), WARM_UP])
            version = browser.version
            browser.close()
    finally:
        server.shutdown()
    print(f"Chromium {version}, headless, software rendering; cross-origin isolated: {measured['crossOriginIsolated']}")
    print(f"{N_POINTS:,} random latent points in [-{limit}, {limit}]^2 (seed {SEED}), after {WARM_UP} warm-up calls\n")
    print(f"{'per latent point':26s} {'median':>10s} {'p95':>10s}")
    for name, times in measured["results"].items():
        milliseconds = np.array(times)
        print(f"{name:26s} {np.median(milliseconds):7.3f} ms {np.percentile(milliseconds, 95):7.3f} ms")


if __name__ == "__main__":
    main()
