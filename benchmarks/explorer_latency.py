"""What the reader waits for: from a pointer event to the new digit on screen, four latent explorers in one run.

Headless Chromium (Playwright) moves the pointer and times, in the page, from the pointer
event's timestamp to the first animation frame whose digit differs (a canvas's pixels, or an
``<img>``'s source): the frame that draws it. Measured, in alternating rounds:

- the latent explorer (``vae_helpers.widgets.explorer``, one anywidget decoding in the
  browser), dragged on its map: in the book's chapter 6 page, in notebook 06's page, and in
  JupyterLab (a real server on 127.0.0.1);
- in the same JupyterLab, the ipywidgets explorer the book had before (its code taken from
  git at run time: ``git show 6ae8a33:vae_helpers/explorer.py``), and the naive explorer
  (``interact`` + ``decoder.predict`` + a new inline figure), each moved by its z1 slider;
  for these two, the clock stops at the first frame after any of their images changed.

Also timed: the kernel-side part of the two kernel explorers (setting the slider's value to
the new PNG's bytes, in this process) and the browser-side part of the anywidget explorer
(decode + draw of one frame, in the page). Results go to ``benchmarks/results/explorer_latency.json``,
which chapter 6 and the README quote.

Run it with the project's environment after ``make book``:
``.venv/bin/python benchmarks/explorer_latency.py`` (about 3 minutes).
"""

from __future__ import annotations

import argparse
import functools
import http.server
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import numpy as np  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests"))
from lab_session import JupyterLab, open_notebook  # noqa: E402

RESULTS = REPO / "benchmarks" / "results" / "explorer_latency.json"
OLD_COMMIT = "6ae8a33"  # the last commit with the ipywidgets explorer
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"]

# In the page: `arm(signature)` remembers what the digit looks like; the next pointer event
# starts the clock, and the first animation frame whose digit differs stops it. The frame is
# requested from the window's bubbling listeners, after the widget's own handlers requested
# theirs, so a widget that draws in that frame is caught in it.
PROBE = """
window.latencyProbe = (() => {
  const probe = { samples: [], armed: false, start: null, signature: null, before: null };
  const check = () => {
    if (!probe.armed) return;
    if (probe.signature() !== probe.before) {
      probe.samples.push(performance.now() - probe.start);
      probe.armed = false;
    } else requestAnimationFrame(check);
  };
  const started = (event) => { if (probe.armed && probe.start === null) probe.start = event.timeStamp; };
  const follow = () => { if (probe.armed && probe.start !== null) requestAnimationFrame(check); };
  for (const type of ["pointerdown", "pointermove"]) window.addEventListener(type, started, true);
  for (const type of ["pointerdown", "pointermove", "input"]) window.addEventListener(type, follow, false);
  probe.arm = (signature) => {
    probe.signature = signature; probe.before = signature(); probe.start = null; probe.armed = true;
  };
  return probe;
})();
"""
CANVAS_SIGNATURE = """(root) => () => {
  const canvas = root.querySelector(".vae-explorer__digit");
  const data = canvas.getContext("2d").getImageData(0, 0, canvas.width, canvas.height).data;
  let sum = 0;
  for (let k = 0; k < data.length; k += 4 * 7) sum = (sum * 31 + data[k]) % 1000000007;
  return sum;
}"""
IMAGE_SIGNATURE = """(root) => () =>
  [...root.querySelectorAll("img")].map((image) => image.src.length + ":" + image.src.slice(-80)).join("|")"""

NOTEBOOK_CELLS = [
    "import sys, types\n"
    "try:\n    import ipyevents\n"
    "except ImportError:  # the old explorer's map listener; the benchmark moves its slider only\n"
    "    sys.modules['ipyevents'] = types.SimpleNamespace(Event=None)\n"
    "import old_explorer\n"
    "from vae_helpers.data import load_mnist\n"
    "from vae_helpers.model import load_pretrained\n"
    "from vae_helpers.widgets.explorer import LatentExplorer\n"
    "(_, _), (x_test, y_test) = load_mnist()\n"
    "encoder, decoder = load_pretrained()",
    "LatentExplorer(encoder, decoder, x_test, y_test)",
    "old_explorer.LatentExplorer(encoder, decoder, x_test, y_test).widget",
    # The naive explorer as a reader writes it: a new inline figure per change.
    "import matplotlib.pyplot as plt, numpy as np\n"
    "from ipywidgets import FloatSlider, interact\n"
    "from scipy.special import expit\n"
    "@interact(z1=FloatSlider(min=-4, max=4, step=0.01), z2=FloatSlider(min=-4, max=4, step=0.01))\n"
    "def show(z1=0.0, z2=0.0):\n"
    "    logits = decoder.predict(np.array([[z1, z2]], dtype=np.float32), verbose=0)\n"
    "    plt.figure(figsize=(3, 3))\n"
    "    plt.imshow(expit(logits).reshape(28, 28), cmap='gray_r', vmin=0, vmax=1)\n"
    "    plt.axis('off')\n"
    "    plt.show()",
]


def summary(label: str, milliseconds: list[float], what: str) -> dict:
    values = np.asarray(milliseconds)
    return {
        "label": label,
        "what": what,
        "median_ms": round(float(np.median(values)), 3),
        "p95_ms": round(float(np.percentile(values, 95)), 3),
        "n": int(values.size),
    }


def old_explorer_source() -> str:
    return subprocess.run(
        ["git", "show", f"{OLD_COMMIT}:vae_helpers/explorer.py"], cwd=REPO, check=True, capture_output=True, text=True
    ).stdout


class Home:
    """One page holding one explorer: how to arm the probe and how to move it."""

    def __init__(self, page, root_selector: str, signature: str):
        self.page, self.root = page, page.locator(root_selector).first
        self.root.scroll_into_view_if_needed()
        page.evaluate(PROBE)
        self.signature = signature

    def measure(self, move) -> float | None:
        self.page.evaluate(f"root => window.latencyProbe.arm(({self.signature})(root))", self.root.element_handle())
        move()
        try:
            self.page.wait_for_function("!window.latencyProbe.armed", timeout=5_000, polling=10)
        except Exception:  # noqa: BLE001 - a move that changed nothing: no sample
            self.page.evaluate("window.latencyProbe.armed = false")
            return None
        return self.page.evaluate("window.latencyProbe.samples.at(-1)")


def map_drag(home: Home, n: int, rng: np.random.Generator) -> list[float]:
    """Press on the map's centre, then ``n`` moves to random points of it, one at a time."""
    box = home.root.locator(".vae-explorer__map").bounding_box()
    page = home.page
    centre = (box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.mouse.move(*centre)
    page.mouse.down()
    samples = []
    for _ in range(n):
        x, y = rng.uniform(0.15, 0.85, size=2)
        sample = home.measure(lambda: page.mouse.move(box["x"] + x * box["width"], box["y"] + y * box["height"]))
        if sample is not None:
            samples.append(sample)
    page.mouse.up()
    return samples


def slider_drag(home: Home, n: int) -> list[float]:
    """Hold the z1 slider's handle and move it back and forth, a few pixels a move."""
    page = home.page
    handle = home.root.locator(".widget-slider .noUi-handle, .slider-container .noUi-handle").first
    track = home.root.locator(".widget-slider .noUi-target, .slider-container .noUi-target").first.bounding_box()
    box = handle.bounding_box()
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    page.mouse.move(x, y)
    page.mouse.down()
    samples, offset = [], 0.0
    for k in range(n):
        offset = (k % 10 + 1) * 0.03 * track["width"] * (1 if (k // 10) % 2 == 0 else -1)
        sample = home.measure(lambda: page.mouse.move(x + offset, y))
        if sample is not None:
            samples.append(sample)
    page.mouse.up()
    return samples


def serve(folder: Path):
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(folder))
    handler.log_message = lambda *args: None
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def kernel_side(n: int) -> dict:
    """The kernel's part of one slider move for the two kernel explorers, in this process."""
    folder = tempfile.mkdtemp(prefix="old-explorer-")
    Path(folder, "old_explorer.py").write_text(old_explorer_source())
    sys.path.insert(0, folder)
    try:
        import ipyevents  # noqa: F401
    except ImportError:
        import types

        sys.modules["ipyevents"] = types.SimpleNamespace(Event=None)
    import old_explorer

    from vae_helpers.data import load_mnist
    from vae_helpers.model import load_pretrained

    (_, _), (x_test, y_test) = load_mnist()
    encoder, decoder = load_pretrained()
    old = old_explorer.LatentExplorer(encoder, decoder, x_test, y_test)
    naive = old_explorer.naive_explorer(decoder)
    values = np.random.default_rng(1).uniform(-3, 3, size=n)
    ours = old_explorer.time_slider_updates(old.z1_slider, lambda: old.digit_view.value, values)
    theirs = old_explorer.time_slider_updates(naive.children[0], lambda: naive.result, values[: max(5, n // 4)])
    shutil.rmtree(folder)
    return {
        "ipywidgets_kernel": summary(
            "ipywidgets explorer: kernel side (slider value to PNG bytes)", list(1e3 * ours), "kernel"
        ),
        "naive_kernel": summary(
            "naive interact + predict: kernel side (slider value to PNG bytes)", list(1e3 * theirs), "kernel"
        ),
    }


def browser_frame(page, n: int) -> dict:
    """The anywidget explorer's own work for one frame: decode and draw, in the page."""
    times = page.evaluate(
        """(n) => {
          const explorer = document.querySelector(".vae-explorer").latentExplorer, times = [];
          for (let k = 0; k < n; k++) {
            const z1 = Math.sin(k) * 3, z2 = Math.cos(1.7 * k) * 3, start = performance.now();
            explorer.renderAt(z1, z2);
            times.push(performance.now() - start);
          }
          return times;
        }""",
        n,
    )
    return {"render": summary("anywidget explorer: decode + draw one frame in the browser", times, "browser")}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--book", type=Path, default=REPO / "_build" / "html", help="the built book")
    parser.add_argument("--moves", type=int, default=20, help="moves per widget per round")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    pages = {"page": "book/06_latent_explorer.html", "notebook_page": "notebooks/06_latent_explorer.html"}
    for page in pages.values():
        if not (args.book / page).is_file():
            sys.exit(f"No built book at {args.book / page}: run `make book` first.")

    from playwright.sync_api import sync_playwright

    rng = np.random.default_rng(args.seed)
    samples: dict[str, list[float]] = {key: [] for key in ("page", "notebook_page", "lab", "ipywidgets_lab", "naive_lab")}
    with tempfile.TemporaryDirectory(prefix="explorer-latency-") as folder:
        root = Path(folder)
        (root / "old_explorer.py").write_text(old_explorer_source())
        import nbformat

        notebook = nbformat.v4.new_notebook(
            cells=[nbformat.v4.new_code_cell(code) for code in NOTEBOOK_CELLS],
            metadata={"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}},
        )
        nbformat.write(notebook, root / "latency.ipynb")
        server = serve(args.book)
        with sync_playwright() as playwright, JupyterLab(root) as lab:
            browser = playwright.chromium.launch(executable_path=shutil.which("chromium"), args=CHROMIUM_ARGS)
            context = browser.new_context(viewport={"width": 1280, "height": 1000})
            homes = {}
            for key, page_path in pages.items():
                page = context.new_page()
                page.goto(f"http://127.0.0.1:{server.server_port}/{page_path}", wait_until="load")
                page.wait_for_selector(".vae-explorer[data-state=ready]", timeout=60_000)
                homes[key] = Home(page, ".vae-explorer", CANVAS_SIGNATURE)
            lab_page = context.new_page()
            open_notebook(lab_page, lab, "latency.ipynb")
            lab_page.wait_for_selector(".vae-explorer[data-state=ready]", timeout=120_000)
            cells = lab_page.locator(".jp-Notebook .jp-CodeCell")
            homes["lab"] = Home(lab_page, ".vae-explorer", CANVAS_SIGNATURE)
            lab_page.wait_for_selector(".jp-CodeCell:nth-child(3) img", timeout=60_000)
            homes["ipywidgets_lab"] = Home(lab_page, ".jp-Notebook .jp-CodeCell >> nth=2", IMAGE_SIGNATURE)
            homes["naive_lab"] = Home(lab_page, ".jp-Notebook .jp-CodeCell >> nth=3", IMAGE_SIGNATURE)
            del cells
            for round_ in range(args.rounds):
                for key, home in homes.items():
                    home.root.scroll_into_view_if_needed()
                    home.page.bring_to_front()
                    if key in ("page", "notebook_page", "lab"):
                        samples[key] += map_drag(home, args.moves, rng)
                    else:
                        samples[key] += slider_drag(home, args.moves)
                print(f"round {round_ + 1}/{args.rounds}: " + ", ".join(f"{k} {np.median(v):.1f} ms" for k, v in samples.items() if v))
            frame = browser_frame(homes["page"].page, 300)
            browser.close()
        server.shutdown()
    labels = {
        "page": "anywidget explorer, chapter 6's page: map drag to new digit on screen",
        "notebook_page": "anywidget explorer, notebook 06's page: map drag to new digit on screen",
        "lab": "anywidget explorer, JupyterLab: map drag to new digit on screen",
        "ipywidgets_lab": "ipywidgets explorer (before), JupyterLab: slider move to new digit on screen",
        "naive_lab": "naive interact + predict, JupyterLab: slider move to new digit on screen",
    }
    missing = [key for key, values in samples.items() if not values]
    if missing:
        sys.exit(f"no sample for {missing}: their widgets did not change on screen")
    rows = {key: summary(labels[key], values, "screen") for key, values in samples.items()}
    rows.update(frame)
    rows.update(kernel_side(60))
    result = {
        "about": __doc__.splitlines()[0],
        "how": "headless Chromium (Playwright), software rendering; from the pointer event's timestamp to the "
        "first animation frame whose digit differs; kernel side in this process",
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f} at the end",
        "date": time.strftime("%Y-%m-%d"),
        "rows": rows,
    }
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(result, indent=1) + "\n")
    for row in rows.values():
        print(f"{row['label']:<80} median {row['median_ms']:8.2f} ms   p95 {row['p95_ms']:8.2f} ms   (n={row['n']})")
    print(f"written to {RESULTS.relative_to(REPO)}")


if __name__ == "__main__":
    main()
