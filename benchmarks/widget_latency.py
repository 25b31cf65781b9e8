"""From the pointer event to new pixels on screen: every widget of the book, in JupyterLab and in a static page, in one run.

Headless Chromium (Playwright) drags each widget as a reader would, in alternating rounds (the
first not recorded):

- the book's widgets (``vae_helpers.widgets``, anywidgets that compute and draw in the
  browser): the coin, two-distributions and Gaussian KL panels (chapters 1-2), the ELBO panel
  (chapter 3), each moved by one slider, and the latent explorer (chapter 6), dragged on its map
  and moved by its z1 slider (just after its map: its cell already active); in JupyterLab once
  more on its map with the editors' cursor blink switched off by a style (``WITHOUT_BLINK``):
  a cell that becomes active restarts CodeMirror's blink in every editor, and while it runs
  moves wait for the next frame (the count of blinks running as each drag's moves begin is in
  the JSON);
- the widgets they replaced, taken from git history at run time: the ipywidgets + matplotlib
  panels (``vae_helpers/panels.py`` before its removal), the ipywidgets explorer (``git show
  6ae8a33:vae_helpers/explorer.py``) and the naive explorer (``interact`` + ``decoder.predict``
  + a new figure), each moved by a slider;

in two homes: JupyterLab (benchmarks/lab_harness.py: a real server on 127.0.0.1 and a kernel, one
notebook showing all of them) and a static page built as the book builds a prose page (the
widget state written by ``book/_ext/widget_directive.py``, the book's vendored widget manager,
anywidget's front end and ``widgets-offline.js``), where the old widgets have no kernel.

and, under them, the floors (``benchmarks/floor_widget.py``): one canvas redrawn with nothing
sent to Python, moved by a slider (under the panels) or dragged on as the explorer's map is,
the press taking the keyboard focus (under the map): what no widget moved that way can beat in
that home, measured in the same run.

One measure for all: from the pointer event's ``timeStamp`` (when the browser received the
input) to the first display frame whose pixels differ (any canvas or image of the widget),
taken in that frame's ResizeObserver step, which comes after every animation-frame callback
and layout, just before paint. Two ways of moving:

- a move: one move after a random pause of up to one frame (16.7 ms, seeded), as a reader's
  moves fall anywhere between two frames. Also recorded: how long the event waited in
  Chromium before the page saw it (Chromium hands pointer moves to the page at the start of a
  display frame) and the rest (from the page seeing the event to the pixels: the widget's part);
- a steady drag: moves at a USB mouse's rate (125 a second), sent to Chromium's DevTools socket
  without waiting for each to be handled, every one timed, those Chromium coalesced included;

plus the browser's decode + draw of one explorer frame, and the kernel's part of one slider
move of the two kernel explorers (in this process).

Headless Chromium has no screen: when a page is idle it starts a frame as soon as a move
arrives. A screen's frames come at its refresh rate, and a move at a random moment waits for
the next one, 8.3 ms on average at 60 Hz, before any page can show it. On 2 cores with software
rendering a steady drag keeps the browser's threads busy, so its figures are this machine's;
the floor's, beside them, say how much of them is the browser's.

Results go to ``benchmarks/results/widget_latency.json``, the one source the README and
chapter 6 quote; the script also prints the README's table. Needs Debian's ``chromium`` and
``book/_vendor`` (``make book`` installs it). Run it on a quiet machine (the load average
goes into the JSON): ``.venv/bin/python benchmarks/widget_latency.py`` (about 13 minutes).
"""

from __future__ import annotations

import argparse
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
import types
from collections.abc import Iterator
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import nbformat  # noqa: E402
import numpy as np  # noqa: E402

import browser_harness  # noqa: E402  (this and the next two: beside this script)
import lab_harness  # noqa: E402
from floor_widget import FloorWidget  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "book" / "_ext"))  # the book's Sphinx extensions: the static page as the book renders it
from widget_directive import widget_html  # noqa: E402

RESULTS = REPO / "benchmarks" / "results" / "widget_latency.json"
VENDOR = REPO / "book" / "_vendor"
OLD_PANELS = "vae_helpers/panels.py"  # the ipywidgets + matplotlib panels, as they were before their removal
OLD_EXPLORER_COMMIT = "6ae8a33"  # the last commit with the ipywidgets explorer
DEVTOOLS_PORT = browser_harness.free_port()  # on 127.0.0.1: RawMouse's way in
CHROMIUM_ARGS = [*browser_harness.CHROMIUM_ARGS, f"--remote-debugging-port={DEVTOOLS_PORT}"]
STEP_PIXELS = 6  # per slider move: at least one step of every slider
FRAME_MS = 1000 / 60  # Chromium's frame clock in the traces (benchmarks/widget_frames.py)
REPORT_RATE_HZ = 125  # a steady drag's pointer moves per second: a USB mouse's default report rate
IN_THE_PAGE = ("anywidget", "floor")  # implementations that draw in the browser, no kernel needed
NEVER_MOVES = 3  # moves given to a widget that never redraws (an old widget in the static page)
# A drag's moves are timed from this long after the press, for every widget alike: the press
# may move the value, and in JupyterLab it makes the widget's cell the active one, which
# sets off JupyterLab's own work (the toolbars re-rendered, the cell's editor measured, every
# editor's cursor blink restarted: 1.2 s of frames, see the README).
PRESS_SETTLES_MS = 300
HOME_SETTLES_MS = 1_500  # before the first drag in a home (in_turn)

# name: (constructor call, the new widget's slider or None for the explorer's map, the old one's call or None)
PANELS = {
    "coin": ("CoinPanel(bias=0.2)", 'input[data-trait="bias"]', "CoinPanel(bias=0.2)"),
    "distributions": ("DistributionPanel()", 'input[data-trait="p_weights"][data-index="0"]', "DistributionPanel()"),
    "gaussian_kl": ("GaussianKLPanel(mu=-2.0, sigma=0.5)", 'input[data-trait="mu"]', "GaussianKLPanel(mu=-2.0, sigma=0.5)"),
    "elbo": ("ElboPanel(mu=-1.0, sigma=0.4)", 'input[data-trait="mu"]', None),
}
TITLES = {"floor": "the floor: one slider, one canvas", "floor_end": "the floor, at the end of the notebook",
          "map_floor": "the floor for a map: one canvas, dragged on",
          "explorer_slider": "latent explorer (ch. 6), by its z\u2081 slider",
          "explorer_without_blink": "latent explorer (ch. 6), the editors' cursor blink switched off",
          "coin": "coin entropy (ch. 1)", "distributions": "two distributions (ch. 1)",
          "gaussian_kl": "Gaussian KL (ch. 2)", "elbo": "ELBO (ch. 3)", "explorer": "latent explorer (ch. 6)"}

# How many of CodeMirror's cursor-blink animations are running (JupyterLab's editors; none in a static page).
BLINKING = "document.getAnimations().filter(a => String(a.animationName).startsWith('cm-blink')).length"
ADD_STYLE = """css => {
  const style = document.createElement("style");
  style.id = "latency-page-style";
  style.textContent = css;
  document.head.append(style);
}"""
REMOVE_STYLE = "() => document.getElementById('latency-page-style').remove()"
# CodeMirror's cursor blink switched off: what the explorer's map measures in JupyterLab without it.
WITHOUT_BLINK = ".cm-cursorLayer { animation: none !important; }"

# Injected into every page before its own scripts: `window.__latency` (see the file).
PROBE = (REPO / "benchmarks" / "latency_probe.js").read_text()


def git_show(revision: str, path: str) -> str:
    return subprocess.run(["git", "show", f"{revision}:{path}"], cwd=REPO, check=True, capture_output=True,
                          text=True).stdout


def old_panels_source() -> str:
    """The ipywidgets + matplotlib panels as they were before the anywidget ones (from git history)."""
    deleting = subprocess.run(["git", "rev-list", "-n", "1", "HEAD", "--", OLD_PANELS], cwd=REPO,
                              capture_output=True, text=True, check=True).stdout.strip()
    return git_show(f"{deleting}^" if deleting else "HEAD", OLD_PANELS)


def load_module(name: str, path: Path) -> types.ModuleType:
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def without_ipyevents() -> None:
    """The old explorer imports ipyevents for its map; the benchmark moves its slider only."""
    try:
        import ipyevents  # noqa: F401
    except ImportError:
        sys.modules["ipyevents"] = types.SimpleNamespace(Event=None)


class RawMouse:
    """Mouse events sent to a page's DevTools socket without waiting for Chromium to answer.

    Playwright waits for each event to be handled, and Chromium handles a move only when a
    frame starts: its moves would come in step with the frames, each just after one starts.
    A hand's come at the mouse's own rate, at any moment of a frame.
    """

    def __init__(self, page) -> None:
        import urllib.request

        import websocket  # websocket-client, which jupyter_server brings

        targets = json.load(urllib.request.urlopen(f"http://127.0.0.1:{DEVTOOLS_PORT}/json"))
        address = next(t["webSocketDebuggerUrl"] for t in targets if t.get("type") == "page" and t["url"] == page.url)
        self.socket = websocket.create_connection(address, suppress_origin=True)
        self.sent = 0
        threading.Thread(target=self._drain, daemon=True).start()

    def _drain(self) -> None:
        try:
            while self.socket.connected:
                self.socket.recv()
        except Exception:  # noqa: BLE001 - the socket closed: nothing more to read
            pass

    def __call__(self, kind: str, x: float, y: float) -> None:
        self.sent += 1
        self.socket.send(json.dumps({"id": self.sent, "method": "Input.dispatchMouseEvent", "params": {
            "type": kind, "x": x, "y": y, "button": "left", "buttons": 0 if kind == "mouseReleased" else 1,
            "clickCount": 1}}))

    def close(self) -> None:
        self.socket.close()


class Series:
    """One widget in one home: where it is on the page and how a reader moves it."""

    def __init__(self, key: str, widget: str, home: str, implementation: str, page, root: str, control: str,
                 moves: int, timeout_ms: int, page_style: str = ""):
        self.key, self.widget, self.home, self.implementation = key, widget, home, implementation
        self.page, self.root, self.control = page, page.locator(root).first, control
        self.moves, self.timeout_ms = moves, timeout_ms
        self.to_screen: list[float] = []
        self.queue: list[float] = []
        self.misses = 0
        self.dragged: list[float] = []  # a steady drag's moves, pointer to new pixels (ms)
        self.drag_rate_hz: list[float] = []  # the rate the moves came at
        self.page_style = page_style  # CSS added to the page for this widget's drags only
        self.blinks: list[int] = []  # CodeMirror cursor-blink animations running as the moves start

    @property
    def on_a_map(self) -> bool:
        """Dragged on a canvas (the explorer's map, the map floor), not by a slider."""
        return self.control.startswith("canvas")

    def _map_box(self) -> dict:
        """The canvas dragged, scrolled into view as a slider is, and where it is on the page."""
        map_ = self.root.locator(self.control).first
        map_.scroll_into_view_if_needed()
        return map_.bounding_box()

    def _measure(self, move, rng: np.random.Generator) -> None:
        self.page.evaluate("root => window.__latency.arm(root)", self.root.element_handle())
        # A reader's move falls anywhere between two ticks of the frame clock; without this pause
        # every move would come a fixed round trip after the last frame, at the same place on it.
        self.page.wait_for_timeout(float(rng.uniform(0, FRAME_MS)))
        move()
        result = self.page.evaluate(f"window.__latency.result({self.timeout_ms})")
        if result is None:
            self.misses += 1
        else:
            self.to_screen.append(result[0])
            self.queue.append(result[1])

    def _style(self, on: bool) -> None:
        """Add ``page_style`` to the page for this widget's drag, or take it away."""
        if not self.page_style:
            return
        if on:
            self.page.evaluate(ADD_STYLE, self.page_style)
        else:
            self.page.evaluate(REMOVE_STYLE)

    def _blinking(self) -> None:
        """Count the editors' cursor-blink animations running now (JupyterLab restarts them when a cell becomes active)."""
        self.blinks.append(self.page.evaluate(BLINKING))

    def drag(self, rng: np.random.Generator) -> None:
        self.page.bring_to_front()
        self._style(True)
        self.root.scroll_into_view_if_needed()
        page, moves = self.page, self.moves if self.to_screen or not self.misses else NEVER_MOVES
        if self.on_a_map:  # press on the map's centre, then move to random points of it
            box = self._map_box()
            page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
            page.mouse.down()
            page.wait_for_timeout(PRESS_SETTLES_MS)
            self._blinking()
            for _ in range(moves):
                x, y = rng.uniform(0.15, 0.85, size=2)
                self._measure(lambda: page.mouse.move(box["x"] + x * box["width"], box["y"] + y * box["height"]), rng)
        else:  # a slider: hold it, move right, then back to the press, a few pixels a move (each a new place)
            control = self.root.locator(self.control).first
            control.scroll_into_view_if_needed()
            box = control.bounding_box()
            start = 0.3 if self.implementation == "anywidget" else 0.5
            x, y = box["x"] + start * box["width"], box["y"] + box["height"] / 2
            page.mouse.move(x, y)
            page.mouse.down()
            page.wait_for_timeout(PRESS_SETTLES_MS)
            self._blinking()
            for move in range(1, moves + 1):
                self._measure(lambda: page.mouse.move(x + STEP_PIXELS * min(move, moves - move), y), rng)
                if self.misses >= NEVER_MOVES and not self.to_screen:
                    break  # nothing redraws it (an old widget in the static page)
        page.mouse.up()
        page.wait_for_timeout(200)
        self._style(False)

    def drag_steadily(self, moves: int) -> None:
        """A reader's drag: ``moves`` pointer moves at a mouse's report rate, each timed to new pixels."""
        page = self.page
        page.bring_to_front()
        self._style(True)
        self.root.scroll_into_view_if_needed()
        if self.on_a_map:  # round the map's centre, STEP_PIXELS a move
            box = self._map_box()
            radius = 0.3 * min(box["width"], box["height"])
            angles = np.arange(moves + 1) * STEP_PIXELS / radius
            path = list(zip(box["x"] + box["width"] / 2 + radius * np.cos(angles),
                            box["y"] + box["height"] / 2 + radius * np.sin(angles)))
        else:  # along the slider and back, STEP_PIXELS a move, between a tenth and nine tenths of it
            control = self.root.locator(self.control).first
            control.scroll_into_view_if_needed()
            box = control.bounding_box()
            span = int(0.8 * box["width"] / STEP_PIXELS)  # moves from one end to the other
            steps = [k % span if k % (2 * span) < span else span - k % span for k in range(moves + 1)]
            y = box["y"] + box["height"] / 2
            path = [(box["x"] + 0.1 * box["width"] + STEP_PIXELS * step, y) for step in steps]
        mouse = RawMouse(page)
        mouse("mousePressed", *path[0])
        page.wait_for_timeout(PRESS_SETTLES_MS)
        page.evaluate("root => window.__latency.track(root)", self.root.element_handle())
        start = due = time.perf_counter()
        for point in path[1:]:
            mouse("mouseMoved", *point)
            due += 1 / REPORT_RATE_HZ
            time.sleep(max(0.0, due - time.perf_counter()))
        self.drag_rate_hz.append(moves / (time.perf_counter() - start))
        page.wait_for_timeout(200)
        self.dragged += page.evaluate("window.__latency.tracked()")
        mouse("mouseReleased", *path[-1])
        page.wait_for_timeout(200)
        mouse.close()
        self._style(False)

    def forget(self) -> None:
        """Drop the moves timed so far (a warm-up round); a widget that never redrew stays known as such."""
        if self.to_screen:
            self.misses = 0
        self.to_screen.clear()
        self.queue.clear()
        self.blinks.clear()

    def row(self) -> dict:
        label = f"{TITLES[self.widget]}, {self.implementation}, {self.home}"
        row = {"label": label, "widget": self.widget, "home": self.home, "implementation": self.implementation,
               "what": "screen", "moves_without_new_pixels": self.misses}
        if not self.to_screen:
            return {**row, "median_ms": None, "p95_ms": None, "n": 0}
        after_queue = np.subtract(self.to_screen, self.queue)  # from the page seeing the event to the pixels
        row = {**row, **summary(self.to_screen), "in_queue_median_ms": round(float(np.median(self.queue)), 2),
               "page_to_screen_median_ms": round(float(np.median(after_queue)), 2),
               "cursor_blinks_at_first_move_median": int(np.median(self.blinks))}
        if self.dragged:
            steady = summary(self.dragged)
            row.update({f"steady_drag_{key}": value for key, value in steady.items()},
                       steady_drag_rate_hz=round(float(np.median(self.drag_rate_hz)), 1))
        return row


def in_turn(every: list[Series]) -> Iterator[Series]:
    """The series one by one, with a pause before the first and at each change of home.

    The home left may still be busy: the naive explorer, last in JupyterLab, may still be
    drawing figures, on the same two cores. Without the pause the static page's floor, first
    in each round, measured 7.6 and 8.6 ms in two rounds of one run, against 1.7-3.1 ms with
    the static page alone in Chromium; with it, 4.6 ms in each of three rounds (its moves
    waiting 3.6 ms for a frame: not explained).
    """
    page = None
    for series in every:
        if series.page is not page:
            series.page.wait_for_timeout(HOME_SETTLES_MS)
            page = series.page
        yield series


def summary(milliseconds: list[float]) -> dict:
    values = np.asarray(milliseconds)
    return {"median_ms": round(float(np.median(values)), 2), "p95_ms": round(float(np.percentile(values, 95)), 2),
            "n": int(values.size)}


def static_page(folder: Path, old_panels: types.ModuleType, data: tuple) -> None:
    """A page like the book's prose pages: the vendored scripts and the embedded state of every widget."""
    import vae_helpers.widgets as widgets

    shutil.copytree(VENDOR / "vendor", folder / "vendor")
    (folder / "_static").mkdir()
    shutil.copy(REPO / "book" / "_ext" / "static" / "widgets-offline.js", folder / "_static")
    body = [f"<h2>floor</h2><div>{widget_html(FloorWidget())}</div>",
            f"<h2>map floor</h2><div>{widget_html(FloorWidget(control='map'))}</div>"]
    for name, (call, _, old_call) in PANELS.items():
        body.append(f"<h2>{name}</h2><div>{widget_html(eval(call, vars(widgets)))}</div>")
        if old_call:
            old = eval(old_call, vars(old_panels))
            old.widget.add_class(f"old-{name}")
            body.append(f"<div>{widget_html(old.widget)}</div>")
    body.append(f"<h2>explorer</h2><div>{widget_html(widgets.LatentExplorer(*data))}</div>")
    scripts = ('<script src="vendor/requirejs/require.js"></script><script src="_static/widgets-offline.js"></script>'
               '<script src="vendor/html-manager/embed-amd.js" data-jupyter-widgets-cdn="vendor/widgets/"></script>')
    (folder / "index.html").write_text(f"<!doctype html><html><head><meta charset='utf-8'>{scripts}</head>"
                                       f"<body>{''.join(body)}</body></html>")


def lab_notebook(path: Path) -> None:
    cells = [
        "import sys, types\n"
        "try:\n    import ipyevents\n"
        "except ImportError:  # the old explorer's map listener; the benchmark moves its slider only\n"
        "    sys.modules['ipyevents'] = types.SimpleNamespace(Event=None)\n"
        "import floor_widget, old_explorer, old_panels\n"
        "from vae_helpers.data import load_mnist\n"
        "from vae_helpers.model import load_pretrained\n"
        "from vae_helpers.widgets import CoinPanel, DistributionPanel, ElboPanel, GaussianKLPanel, LatentExplorer\n"
        "(_, _), (x_test, y_test) = load_mnist()\n"
        "encoder, decoder = load_pretrained()",
        "floor_widget.FloorWidget()",
        "floor_widget.FloorWidget(control='map')",
        *[f"new_{name} = {call}\nnew_{name}" for name, (call, _, _) in PANELS.items()],
        "explorer = LatentExplorer(encoder, decoder, x_test, y_test)\nexplorer",
        *[f"old_{name} = old_panels.{old}\nold_{name}.widget.add_class('old-{name}')\nold_{name}.widget"
          for name, (_, _, old) in PANELS.items() if old],
        "old = old_explorer.LatentExplorer(encoder, decoder, x_test, y_test)\n"
        "old.widget.add_class('old-explorer')\nold.widget",
        # The naive explorer as a reader writes it: a new inline figure per change.
        "import matplotlib.pyplot as plt, numpy as np\n"
        "from ipywidgets import FloatSlider, interactive\n"
        "from scipy.special import expit\n"
        "def show(z1=0.0, z2=0.0):\n"
        "    logits = decoder.predict(np.array([[z1, z2]], dtype=np.float32), verbose=0)\n"
        "    plt.figure(figsize=(3, 3))\n"
        "    plt.imshow(expit(logits).reshape(28, 28), cmap='gray_r', vmin=0, vmax=1)\n"
        "    plt.axis('off')\n"
        "    plt.show()\n"
        "naive = interactive(show, z1=FloatSlider(min=-4, max=4, step=0.01), z2=FloatSlider(min=-4, max=4, step=0.01))\n"
        "naive.add_class('naive-explorer')\nnaive",
        # The floor again, below every other widget: JupyterLab's page does more work down there.
        "floor_at_end = floor_widget.FloorWidget()\nfloor_at_end.add_class('floor-at-end')\nfloor_at_end",
    ]
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(source) for source in cells])
    # Without a kernelspec JupyterLab asks which kernel to start.
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3 (ipykernel)", "language": "python"}
    nbformat.write(notebook, path)


def copy_beside_notebook(work: Path, folder: Path) -> None:
    """What the benchmark's notebook imports, from ``work`` into ``folder``: the old widgets and the floor."""
    for name in ("old_panels.py", "old_explorer.py"):
        shutil.copy(work / name, folder / name)
    shutil.copy(REPO / "benchmarks" / "floor_widget.py", folder)


def series_for(page, home: str, moves: int) -> list[Series]:
    timeout = 1_000 if home == "static page" else 5_000
    suffix = "lab" if home == "JupyterLab" else "static"
    found = [Series(f"floor_{suffix}", "floor", home, "floor", page,
                    ".latency-floor[data-control=slider][data-state=ready]", 'input[data-trait="value"]', moves, timeout),
             Series(f"map_floor_{suffix}", "map_floor", home, "floor", page,
                    ".latency-floor[data-control=map][data-state=ready]", "canvas", moves, timeout)]
    for name, (_, slider, old) in PANELS.items():
        found.append(Series(f"{name}_{suffix}", name, home, "anywidget", page,
                            f".vae-panel--{name}[data-state=ready]", slider, moves, timeout))
        if old:
            found.append(Series(f"{name}_{suffix}_ipywidgets", name, home,
                                "ipywidgets + matplotlib", page, f".old-{name}", ".noUi-handle", moves, timeout))
    found.append(Series(f"explorer_{suffix}", "explorer", home, "anywidget", page, ".vae-explorer[data-state=ready]",
                        "canvas.vae-explorer__map", moves, timeout))
    found.append(Series(f"explorer_slider_{suffix}", "explorer_slider", home, "anywidget", page,
                        ".vae-explorer[data-state=ready]", ".vae-explorer__slider input", moves, timeout))
    if home == "JupyterLab":
        found.append(Series("floor_end_lab", "floor_end", home, "floor", page, ".floor-at-end[data-state=ready]",
                            'input[data-trait="value"]', moves, timeout))
        found.append(Series("explorer_without_blink_lab", "explorer_without_blink", home, "anywidget", page,
                            ".vae-explorer[data-state=ready]", "canvas.vae-explorer__map", moves, timeout,
                            page_style=WITHOUT_BLINK))
        found += [
            Series("explorer_lab_ipywidgets", "explorer", home, "ipywidgets, numpy decoder, PNG", page,
                   ".old-explorer", ".widget-slider .noUi-handle", moves, timeout),
            Series("explorer_lab_naive", "explorer", home, "interact + decoder.predict + new figure", page,
                   ".naive-explorer", ".widget-slider .noUi-handle", moves, timeout),
        ]
    return found


def kernel_side(old_explorer: types.ModuleType, data: tuple, n: int) -> dict:
    """The kernel's part of one slider move of the two kernel explorers, in this process."""
    encoder, decoder, x_test, y_test = data
    old = old_explorer.LatentExplorer(encoder, decoder, x_test, y_test)
    naive = old_explorer.naive_explorer(decoder)
    values = np.random.default_rng(1).uniform(-3, 3, size=n)
    ours = old_explorer.time_slider_updates(old.z1_slider, lambda: old.digit_view.value, values)
    theirs = old_explorer.time_slider_updates(naive.children[0], lambda: naive.result, values[: max(5, n // 4)])
    return {
        "explorer_kernel_ipywidgets": {"label": "ipywidgets explorer: kernel side (slider value to PNG bytes)",
                                       "what": "kernel", **summary(list(1e3 * ours))},
        "explorer_kernel_naive": {"label": "naive interact + predict: kernel side (slider value to PNG bytes)",
                                  "what": "kernel", **summary(list(1e3 * theirs))},
    }


def browser_frame(page, n: int) -> dict:
    """The explorer's own work for one frame: decode and draw, in the page."""
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
    return {"explorer_render": {"label": "latent explorer: decode + draw one frame in the browser", "what": "browser",
                                **summary(times)}}


def readme_table(rows: dict) -> str:
    def move(key: str) -> str:
        row = rows.get(key)
        if row is None:
            return "-"
        if row["median_ms"] is None:
            return "never: no kernel"
        page_part = (f" ({row['page_to_screen_median_ms']:.1f} ms)" if row["implementation"] in IN_THE_PAGE
                     else "")
        return f"{row['median_ms']:.1f} ms{page_part}"

    def steady(key: str) -> str:
        row = rows.get(key, {})
        return f"{row['steady_drag_median_ms']:.1f} ms" if "steady_drag_median_ms" in row else "-"

    # A move: the whole time (the part after the page sees the move); a steady drag: the whole time.
    lines = ["| widget | JupyterLab, a move | static page, a move | JupyterLab, steady drag | static page, steady drag "
             "| JupyterLab, before | static page, before |",
             "| --- | --- | --- | --- | --- | --- | --- |"]
    for name in ["floor", "floor_end", "map_floor", *PANELS, "explorer", "explorer_slider", "explorer_without_blink"]:
        before = f"{name}_lab_ipywidgets"
        lines.append(f"| {TITLES[name]} | {move(f'{name}_lab')} | {move(f'{name}_static')} | {steady(f'{name}_lab')} | "
                     f"{steady(f'{name}_static')} | {move(before)} | "
                     f"{move(f'{name}_static_ipywidgets') if name in PANELS else '-'} |")
    naive = rows["explorer_lab_naive"]["median_ms"]
    lines.append(f"| latent explorer, naive `interact` + `predict` | - | - | - | - | {naive:.0f} ms | - |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--moves", type=int, default=20, help="moves per widget per round")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--steady-moves", type=int, default=150,
                        help=f"moves per widget per round of steady drags, {REPORT_RATE_HZ} a second")
    args = parser.parse_args()
    chromium = shutil.which("chromium")
    if chromium is None:
        sys.exit("Needs Debian's chromium: apt-get install chromium")
    if not (VENDOR / ".installed").is_file():
        sys.exit("Needs book/_vendor: run `make book` (or python book/_ext/install_web_packages.py) first.")
    from playwright.sync_api import sync_playwright

    load_at_start = os.getloadavg()
    rng = np.random.default_rng(args.seed)
    work = Path(tempfile.mkdtemp(prefix="widget-latency-"))
    (work / "old_panels.py").write_text(old_panels_source())
    (work / "old_explorer.py").write_text(git_show(OLD_EXPLORER_COMMIT, "vae_helpers/explorer.py"))
    without_ipyevents()
    old_panels = load_module("old_panels", work / "old_panels.py")
    old_explorer = load_module("old_explorer", work / "old_explorer.py")

    site = work / "site"
    site.mkdir()
    from vae_helpers.data import load_mnist
    from vae_helpers.model import load_pretrained

    (_, _), (x_test, y_test) = load_mnist()
    data = (*load_pretrained(), x_test, y_test)  # as the notebook loads them
    static_page(site, old_panels, data)
    server = browser_harness.serve(site)

    notebook = work / "widget_latency.ipynb"
    lab_notebook(notebook)
    lab_harness.KERNEL_TIMEOUT = 600_000  # Run All imports TensorFlow and builds two explorers
    lab = lab_harness.JupyterLab.start([notebook])
    copy_beside_notebook(work, lab.folder / "notebooks")
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=chromium, headless=True, args=CHROMIUM_ARGS)
            version = browser.version
            pages = []
            for _ in range(2):  # one context (and renderer process) per home
                context = browser.new_context(viewport={"width": 1280, "height": 900})
                context.add_init_script(PROBE)
                pages.append(context.new_page())
            static, in_lab = pages
            static.goto(f"http://127.0.0.1:{server.server_port}/index.html", wait_until="load")
            static.wait_for_selector(".vae-explorer[data-state=ready]", timeout=120_000)
            lab.open(in_lab, notebook.name)
            lab.run_all(in_lab)
            in_lab.wait_for_selector(".vae-explorer[data-state=ready]", timeout=120_000)
            in_lab.wait_for_selector(".old-explorer img", timeout=120_000)
            every = series_for(static, "static page", args.moves) + series_for(in_lab, "JupyterLab", args.moves)
            # A round not recorded: the first drags after Run All meet pages still settling (in
            # JupyterLab the floor's first round measured 2-3 times its later ones).
            for series in in_turn(every):
                series.drag(rng)
                series.forget()
            for round_ in range(args.rounds):
                for series in in_turn(every):
                    series.drag(rng)
                print(f"round {round_ + 1}/{args.rounds}: " + ", ".join(
                    f"{s.key} {np.median(s.to_screen):.1f}" for s in every if s.to_screen), flush=True)
            steady = [s for s in every if s.implementation in IN_THE_PAGE] if args.steady_moves else []
            for round_ in range(args.rounds):
                for series in in_turn(steady):
                    series.drag_steadily(args.steady_moves)
                print(f"steady drags, round {round_ + 1}/{args.rounds}: " + ", ".join(
                    f"{s.key} {np.median(s.dragged):.1f}" for s in steady if s.dragged), flush=True)
            frame = browser_frame(static, 300)
            browser.close()
    finally:
        lab.stop()
        server.shutdown()
    rows = {series.key: series.row() for series in every}
    without_kernel = [s for s in every if s.home == "static page" and s.implementation not in IN_THE_PAGE]
    missing = [s.key for s in every if not s.to_screen and s not in without_kernel]
    if missing:
        sys.exit(f"no sample for {missing}: their widgets did not change on screen")
    rows.update(frame)
    rows.update(kernel_side(old_explorer, data, 60))
    shutil.rmtree(work, ignore_errors=True)
    load_at_end = os.getloadavg()
    result = {
        "about": __doc__.splitlines()[0],
        "how": "headless Chromium (Playwright), software rendering; from the pointer event's timeStamp to the "
               "ResizeObserver step of the first display frame whose canvas or image pixels differ; "
               f"{args.rounds} rounds of {args.moves} moves per widget after one round not recorded, "
               "each move after a random pause of up to a frame, "
               f"and {args.rounds} steady drags of {args.steady_moves} moves at {REPORT_RATE_HZ} a second "
               "(every move timed, the coalesced ones included); kernel side in this process; "
               "benchmarks/widget_latency.py",
        "chromium": version,
        "machine": f"{platform.machine()}, {os.cpu_count()} cores",
        "load_average": {"at_start_1_5_15_min": [round(v, 2) for v in load_at_start],
                         "at_end_1_5_15_min": [round(v, 2) for v in load_at_end]},
        "date": time.strftime("%Y-%m-%d"),
        "rows": rows,
    }
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(result, indent=1) + "\n")
    print(f"\nChromium {version}, headless; load average {load_at_start[0]:.1f} at the start, "
          f"{load_at_end[0]:.1f} at the end\n")
    for row in rows.values():
        median = "never" if row["median_ms"] is None else f"{row['median_ms']:8.2f} ms"
        queue = (f"   in queue {row['in_queue_median_ms']:5.2f}, then {row['page_to_screen_median_ms']:5.2f} ms"
                 if "in_queue_median_ms" in row else "")
        steady = (f"   steady drag {row['steady_drag_median_ms']:5.2f} ms (n={row['steady_drag_n']}, "
                  f"{row['steady_drag_rate_hz']:.0f}/s)" if "steady_drag_median_ms" in row else "")
        print(f"{row['label']:<78} median {median:>11}   p95 {row.get('p95_ms')}   (n={row['n']}){queue}{steady}")
    print("\n" + readme_table(rows))
    print(f"\nwritten to {RESULTS.relative_to(REPO)}")


if __name__ == "__main__":
    main()
