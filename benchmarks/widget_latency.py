"""Time the panels of chapters 1-2 as a reader feels them: from a pointer move on a slider to new pixels.

Headless Chromium (Playwright) drags one slider of each panel (the coin's bias, p(a) of the
two distributions, mu of the Gaussian KL) in ``N_MOVES`` mouse moves, in two homes, in one run:

- JupyterLab (tests/lab_harness.py: a real server on 127.0.0.1 and a kernel), where a notebook
  shows the old panels (ipywidgets + matplotlib, the module as it was before the anywidget
  panels, taken from git history with ``git show`` at run time) and the new ones
  (``vae_helpers.widgets``, anywidget);
- the static page, built as the book builds a prose page (``book/_ext/widget_directive.py``,
  the book's vendored widget manager and anywidget front end), where the old panels are
  pictures that no kernel redraws.

For each move the page records when the pointer event reaches the page (a capturing listener
on the document: the time Chromium spends queueing input for the next frame is the same for
any widget and is left out), then the time the panel's pixels changed: the last canvas drawing call after the event (new panels) or the change of the
image's ``src`` (old panels, a MutationObserver), and the next animation frame after that.
It prints the median and 95th percentile per panel, home and implementation, and writes
them to ``benchmarks/results/widget_latency.json``, the one source the README and chapters
quote. Needs Debian's ``chromium`` and ``book/_vendor`` (``make book`` installs it).
Run: ``.venv/bin/python benchmarks/widget_latency.py``.
"""

from __future__ import annotations

import functools
import http.server
import importlib.util
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

import nbformat
import numpy as np
from playwright.sync_api import sync_playwright

REPO_ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(REPO_ROOT / "tests"), str(REPO_ROOT / "book" / "_ext")]
from lab_harness import JupyterLab  # noqa: E402
from widget_directive import widget_html  # noqa: E402

RESULTS = REPO_ROOT / "benchmarks" / "results" / "widget_latency.json"
VENDOR = REPO_ROOT / "book" / "_vendor"
OLD_MODULE = "vae_helpers/panels.py"
N_MOVES = 20
STEP_PIXELS = 6  # per move: at least one slider step on every panel's slider
UPDATE_TIMEOUT = 3000  # milliseconds to wait for new pixels after a move
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]
PANELS = {  # name: (constructor call, the new panel's slider, the old panel's slider index)
    "coin": ("CoinPanel(bias=0.2)", 'input[data-trait="bias"]', 0),
    "distributions": ("DistributionPanel()", 'input[data-trait="p_weights"][data-index="0"]', 0),
    "gaussian_kl": ("GaussianKLPanel(mu=-2.0, sigma=0.5)", 'input[data-trait="mu"]', 0),
}

# Injected into every page before its own scripts: time stamps of pointer events and of new pixels.
PROBE = """(() => {
  const probe = window.__latency = { pointer: 0, pixels: [], };
  for (const type of ["pointerdown", "pointermove"])
    document.addEventListener(type, () => { probe.pointer = performance.now(); }, true);
  const context = CanvasRenderingContext2D.prototype;
  for (const name of ["fill", "stroke", "fillRect", "fillText", "clearRect", "drawImage", "putImageData"]) {
    const original = context[name];
    context[name] = function (...args) {
      const result = original.apply(this, args);
      probe.pixels.push(performance.now());
      return result;
    };
  }
  new MutationObserver((records) => {
    if (records.some((record) => record.target.tagName === "IMG")) probe.pixels.push(performance.now());
  }).observe(document, { attributes: true, attributeFilter: ["src"], subtree: true });
  // Resolves with [pointer -> last pixel change, pointer -> next frame], or null if nothing changed.
  probe.result = (timeout) => new Promise((resolve) => {
    const start = performance.now();
    const check = () => {
      const after = probe.pixels.filter((t) => t >= probe.pointer);
      if (after.length) {
        // Drawing happens in one task; the frame after it shows it.
        const last = Math.max(...after);
        requestAnimationFrame((frame) => resolve([last - probe.pointer, Math.max(frame, last) - probe.pointer]));
      } else if (performance.now() - start > timeout) resolve(null);
      else setTimeout(check, 1);
    };
    check();
  });
})();"""


def old_panels_source() -> str:
    """The ipywidgets + matplotlib panels as they were before the anywidget ones (from git history)."""
    deleting = subprocess.run(["git", "rev-list", "-n", "1", "HEAD", "--", OLD_MODULE], cwd=REPO_ROOT,
                              capture_output=True, text=True, check=True).stdout.strip()
    revision = f"{deleting}^" if deleting else "HEAD"
    return subprocess.run(["git", "show", f"{revision}:{OLD_MODULE}"], cwd=REPO_ROOT,
                          capture_output=True, text=True, check=True).stdout


def drag(page, slider, n_moves: int, start: float) -> dict:
    """Press on the slider at ``start`` (a fraction of its width), move right then back; time each move's new pixels."""
    slider.scroll_into_view_if_needed()
    box = slider.bounding_box()
    x, y = box["x"] + start * box["width"], box["y"] + box["height"] / 2
    page.mouse.move(x, y)
    page.mouse.down()
    page.evaluate("window.__latency.result(%d)" % UPDATE_TIMEOUT)  # the press itself may move the value
    pixels, frames, missed = [], [], 0
    for move in range(1, n_moves + 1):
        page.mouse.move(x + STEP_PIXELS * min(move, n_moves - move), y)  # right, then back
        result = page.evaluate("window.__latency.result(%d)" % UPDATE_TIMEOUT)
        if result is None:
            missed += 1
            if missed == 3 and not pixels:
                break  # nothing redraws it (a picture in a static page): no need to wait out every move
        else:
            pixels.append(result[0])
            frames.append(result[1])
    page.mouse.up()
    return {"to_pixels_ms": pixels, "to_frame_ms": frames, "moves": len(pixels) + missed, "no_update": missed}


def summary(times: list[float]) -> dict:
    if not times:
        return {"median": None, "p95": None}
    return {"median": float(np.median(times)), "p95": float(np.percentile(times, 95))}


def static_page(folder: Path, old_panels) -> None:
    """A page like the book's prose pages: the vendored scripts and the embedded state of every panel."""
    import vae_helpers.widgets as new_panels

    shutil.copytree(VENDOR / "vendor", folder / "vendor")
    (folder / "_static").mkdir()
    shutil.copy(REPO_ROOT / "book" / "_ext" / "static" / "widgets-offline.js", folder / "_static")
    body = []
    for name, (call, _, _) in PANELS.items():
        new = eval(call, vars(new_panels))
        old = eval(call, vars(old_panels))
        old.widget.add_class(f"old-{name}")
        body += [f'<h2>{name}</h2><div>{widget_html(new)}</div>', f"<div>{widget_html(old.widget)}</div>"]
    scripts = ('<script src="vendor/requirejs/require.js"></script><script src="_static/widgets-offline.js"></script>'
               '<script src="vendor/html-manager/embed-amd.js" data-jupyter-widgets-cdn="vendor/widgets/"></script>')
    (folder / "index.html").write_text(f"<!doctype html><html><head><meta charset='utf-8'>{scripts}</head>"
                                       f"<body>{''.join(body)}</body></html>")


def lab_notebook(path: Path) -> None:
    cells = [
        "from vae_helpers.widgets import CoinPanel, DistributionPanel, GaussianKLPanel\nimport old_panels",
        *[f"new_{name} = {call}\nnew_{name}" for name, (call, _, _) in PANELS.items()],
        *[f"old_{name} = old_panels.{call}\nold_{name}.widget.add_class('old-{name}')\nold_{name}"
          for name, (call, _, _) in PANELS.items()],
    ]
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(source) for source in cells])
    # Without a kernelspec JupyterLab asks which kernel to start.
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3 (ipykernel)", "language": "python"}
    nbformat.write(notebook, path)


def measure(page, home: str) -> dict:
    results = {}
    for name, (_, new_slider, old_index) in PANELS.items():
        new = page.locator(f".vae-panel--{name}[data-state=ready]").first
        new.wait_for(timeout=60_000)
        old = page.locator(f".old-{name}").first
        old.wait_for(timeout=60_000)
        results[name] = {
            "anywidget": drag(page, new.locator(new_slider), N_MOVES, start=0.3),
            "ipywidgets + matplotlib": drag(page, old.locator(".noUi-handle").nth(old_index), N_MOVES, start=0.5),
        }
        for implementation, measured in results[name].items():
            print(f"  {home:10s} {name:14s} {implementation:24s} {summary(measured['to_pixels_ms'])['median']}")
    return results


def main() -> None:
    chromium = shutil.which("chromium")
    if chromium is None:
        sys.exit("Needs Debian's chromium: apt-get install chromium")
    if not (VENDOR / ".installed").is_file():
        sys.exit("Needs book/_vendor: run `make book` (or python book/_ext/install_web_packages.py) first.")
    work = Path(tempfile.mkdtemp(prefix="widget-latency-"))
    old_file = work / "old_panels.py"
    old_file.write_text(old_panels_source())
    spec = importlib.util.spec_from_file_location("old_panels", old_file)
    old_panels = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(old_panels)

    site = work / "site"
    site.mkdir()
    static_page(site, old_panels)
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(site))
    http.server.SimpleHTTPRequestHandler.log_message = lambda *args: None
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()

    notebook = work / "widget_latency.ipynb"
    lab_notebook(notebook)
    lab = JupyterLab.start([notebook])
    shutil.copy(old_file, lab.folder / "notebooks" / "old_panels.py")
    results = {}
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=chromium, headless=True, args=CHROMIUM_ARGS)
            version = browser.version
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            page.add_init_script(PROBE)
            page.goto(f"http://127.0.0.1:{server.server_port}/index.html", wait_until="load")
            results["static page"] = measure(page, "static")
            page.close()

            page = browser.new_page(viewport={"width": 1280, "height": 900})
            page.add_init_script(PROBE)
            lab.open(page, notebook.name)
            lab.run_all(page)
            results["JupyterLab"] = measure(page, "JupyterLab")
            browser.close()
    finally:
        lab.stop()
        server.shutdown()
        shutil.rmtree(work, ignore_errors=True)

    table = {home: {name: {implementation: {"pointer_to_pixels_ms": summary(m["to_pixels_ms"]),
                                            "pointer_to_next_frame_ms": summary(m["to_frame_ms"]),
                                            "moves": m["moves"], "moves_without_update": m["no_update"]}
                           for implementation, m in panels.items()}
                    for name, panels in homes.items()}
             for home, homes in results.items()}
    output = {
        "what": "one slider move to new pixels (median and p95 over the moves that updated), "
                f"{N_MOVES} mouse moves per panel; benchmarks/widget_latency.py",
        "chromium": version,
        "machine": f"{platform.machine()}, {platform.system()}, headless, software rendering",
        "date": time.strftime("%Y-%m-%d"),
        "load_average_1_min_at_end": os.getloadavg()[0],
        "cpus": os.cpu_count(),
        "results": table,
    }
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text(json.dumps(output, indent=2) + "\n")

    print(f"\nChromium {version}, headless; {N_MOVES} moves per slider; milliseconds, median (p95); "
          f"load average {output['load_average_1_min_at_end']:.1f} on {output['cpus']} CPUs\n")
    print(f"{'home':12s} {'panel':14s} {'implementation':24s} {'to pixels':>18s} {'to next frame':>18s} {'no update':>10s}")
    for home, homes in table.items():
        for name, panels in homes.items():
            for implementation, row in panels.items():
                cells = []
                for key in ("pointer_to_pixels_ms", "pointer_to_next_frame_ms"):
                    value = row[key]
                    cells.append("never" if value["median"] is None else f"{value['median']:.2f} ({value['p95']:.2f})")
                print(f"{home:12s} {name:14s} {implementation:24s} {cells[0]:>18s} {cells[1]:>18s} "
                      f"{row['moves_without_update']:>4d}/{row['moves']}")
    print(f"\nWritten to {RESULTS.relative_to(REPO_ROOT)}")


if __name__ == "__main__":
    main()
