"""What a stroke on the explorer's drawing pad costs: prepare, encode, decode and draw, per pointer event, in the static page.

Headless Chromium (Playwright) draws digits on the pad of chapter 6's explorer with the mouse.
In the page, a capturing listener on the window notes the time when each ``pointermove``
reaches the page and a bubbling one when its handlers are done: the pad's handler does all
its work in between (reads the ink back, prepares the 28 x 28 image, runs the encoder, decodes
at mu and at z, computes the loss terms, redraws the three small digits and the map with its
ellipses). The browser paints the canvases at the next frame, which is not counted. Target:
2 ms per event. Results go to ``benchmarks/results/encoder_latency.json``, which chapter 6 quotes.

Run it with the project's environment after ``make book``:
``.venv/bin/python benchmarks/encoder_latency.py`` (under a minute). Without a built book,
``--shim`` mounts the same widget state on a bare page instead.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import numpy as np  # noqa: E402

from browser_harness import CHROMIUM_ARGS, draw_stroke, serve, write_shim_page  # noqa: E402  (beside this script)
from widget_latency import summary  # noqa: E402

REPO = Path(__file__).resolve().parents[1]

RESULTS = REPO / "benchmarks" / "results" / "encoder_latency.json"
PAGE = "book/06_latent_explorer.html"
TARGET_MS = 2.0

PROBE = """
(() => {
  const pad = document.querySelector(".vae-encoder__pad"), probe = { times: [], start: null };
  window.addEventListener("pointermove", (event) => { if (event.target === pad) probe.start = performance.now(); }, true);
  window.addEventListener("pointermove", (event) => {
    if (event.target === pad && probe.start !== null) probe.times.push(performance.now() - probe.start);
    probe.start = null;
  });
  window.strokeProbe = probe;
})();
"""


def digit_strokes(rng: np.random.Generator) -> list[list[tuple[float, float]]]:
    """A 2, a 0 and a 7 in the pad's unit square, a little jittered, 30-60 points each."""
    t = np.linspace(0, 1, 40)
    two = [(0.3 + 0.4 * np.sin(np.pi * u), 0.25 - 0.1 * np.cos(np.pi * u)) for u in t[:15]]
    two += [(0.7 - 0.45 * u, 0.3 + 0.5 * u) for u in t[:15]] + [(0.25 + 0.5 * u, 0.8) for u in t[:10]]
    zero = [(0.5 + 0.25 * np.sin(a), 0.5 - 0.35 * np.cos(a)) for a in np.linspace(0, 2 * np.pi, 60)]
    seven = [(0.25 + 0.5 * u, 0.2) for u in t[:15]] + [(0.75 - 0.3 * u, 0.2 + 0.65 * u) for u in t[:30]]
    return [[(u + rng.normal(0, 0.005), v + rng.normal(0, 0.005)) for u, v in stroke] for stroke in (two, zero, seven)]


def shim_folder(folder: Path) -> str:
    """The chapter's widget (pretrained_explorer) on a bare page, as tests/browser.py mounts it."""
    from vae_helpers.widgets.explorer import pretrained_explorer

    return write_shim_page(pretrained_explorer(), folder)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--book", type=Path, default=REPO / "_build" / "html", help="the built book")
    parser.add_argument("--shim", action="store_true", help="a bare page with the widget's state instead of the built book")
    parser.add_argument("--rounds", type=int, default=3, help="times the three digits are drawn")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    rng = np.random.default_rng(args.seed)
    with tempfile.TemporaryDirectory(prefix="encoder-latency-") as folder:
        if args.shim:
            root, page_path, where = Path(folder), shim_folder(Path(folder)), "a bare page with the widget's state"
        else:
            if not (args.book / PAGE).is_file():
                sys.exit(f"No built book at {args.book / PAGE}: run `make book` first, or pass --shim.")
            root, page_path, where = args.book, PAGE, "chapter 6's page"
        server = serve(root)
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=shutil.which("chromium"), args=CHROMIUM_ARGS)
            page = browser.new_page(viewport={"width": 1280, "height": 1000})
            page.goto(f"http://127.0.0.1:{server.server_port}/{page_path}", wait_until="load")
            page.wait_for_selector(".vae-explorer[data-state=ready]", timeout=60_000)
            page.evaluate(PROBE)
            for _ in range(args.rounds):
                for stroke in digit_strokes(rng):
                    page.locator(".vae-encoder button").first.click()  # Clear
                    draw_stroke(page, stroke, steps=1)  # one pointermove per point, as the figures were measured
            times = page.evaluate("window.strokeProbe.times")
            browser.close()
        server.shutdown()
    if not times:
        sys.exit("no stroke event reached the pad")
    row = {"label": f"drawing pad, {where}: prepare + encode + decode + draw, per pointer event", "what": "browser",
           **summary(times)}
    result = {
        "about": __doc__.splitlines()[0],
        "how": "headless Chromium (Playwright), software rendering; the pad's pointermove handlers, from a capturing "
        "listener on the window to a bubbling one, mouse strokes of a 2, a 0 and a 7",
        "target_ms": TARGET_MS,
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f} at the end",
        "date": time.strftime("%Y-%m-%d"),
        "rows": {"stroke": row},
    }
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(result, indent=1) + "\n")
    print(f"{row['label']}: median {row['median_ms']:.2f} ms, p95 {row['p95_ms']:.2f} ms (n={row['n']}; target {TARGET_MS} ms)")
    print(f"written to {RESULTS.relative_to(REPO)}")


if __name__ == "__main__":
    main()
