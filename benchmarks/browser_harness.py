"""What the tests and the benchmarks share to open the book in Chromium: its pages, a local server, the shim page, a pen.

One home for both: a benchmark run as ``python benchmarks/x.py`` finds this module beside it, and
pytest finds it through ``pythonpath`` in pyproject.toml; no ``sys.path`` is edited by hand.
The pytest fixtures built on it live in ``tests/browser.py``; the JupyterLab harness beside it,
``lab_harness.py``. Everything is served on 127.0.0.1.
"""

from __future__ import annotations

import base64
import functools
import http.server
import json
import socket
import threading
from pathlib import Path

import yaml

REPO_ROOT = Path(__file__).resolve().parents[1]
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


def toc_files() -> list[str]:
    """Every document the table of contents lists, as paths without suffix."""
    toc = yaml.safe_load((REPO_ROOT / "_toc.yml").read_text())
    files = [toc["root"]]

    def walk(entries):
        for entry in entries:
            if "file" in entry:
                files.append(entry["file"])
            walk(entry.get("sections", []))
            walk(entry.get("chapters", []))

    walk(toc.get("parts", []))
    walk(toc.get("chapters", []))
    return files


def free_port() -> int:
    """A port of 127.0.0.1 that nothing listens on now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:
        pass


def serve(folder: Path) -> http.server.ThreadingHTTPServer:
    """``folder`` served on 127.0.0.1 by a threaded http.server (``server.server_port``); ``server.shutdown()`` stops it."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_QuietHandler, directory=str(folder)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


# -- the latent explorer's JavaScript on the state Python sends (no book build needed) -------------

# A page that mounts the explorer's bundle (vae_helpers/widgets/static/explorer.js) on a widget's state through a minimal
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
  save_changes: () => { window.sent.push(JSON.parse(JSON.stringify(
    { z: state.z, t: state.t, endpoints: state.endpoints, model_index: state.model_index }))); },
};
widget.render({ model, el: document.getElementById("root") });
</script></body></html>"""


def explorer_state(explorer) -> dict:
    """The explorer's synced state without its module and style, buffers as base64 at their paths (SHIM_PAGE's state.json)."""
    from ipywidgets.widgets.widget import _remove_buffers

    state, paths, buffers = _remove_buffers(explorer.get_state())
    state = {key: value for key, value in state.items() if key not in ("_esm", "_css")}
    encoded = [{"path": path, "data": base64.b64encode(bytes(buffer)).decode()} for path, buffer in zip(paths, buffers)]
    return {"state": state, "buffers": encoded}


def write_shim_page(explorer, folder: Path) -> str:
    """SHIM_PAGE on ``explorer``'s state, written into ``folder``; the page's file name."""
    # The widget's module and style as the page gets them: the bundle anywidget sends as _esm and _css.
    (folder / "explorer.js").write_text(explorer._esm)
    (folder / "explorer.css").write_text(explorer._css)
    (folder / "state.json").write_text(json.dumps(explorer_state(explorer)))
    (folder / "index.html").write_text(SHIM_PAGE)
    return "index.html"


# -- the explorer's drawing pad --------------------------------------------------------------------

PAD = ".vae-encoder__pad"  # the drawing pad's canvas (vae_helpers/widgets/src/pad.js)


def pad_points(box: dict, stroke) -> list[tuple[float, float]]:
    """``stroke``'s points, (u, v) in [0, 1] of the pad's box, as page coordinates in CSS pixels.

    Parameters
    ----------
    box : dict
        The pad's bounding box as Playwright gives it (``x``, ``y``, ``width``, ``height``).
    stroke : sequence of (float, float)
        The pen's path, u from the pad's left edge, v from its top.
    """
    return [(box["x"] + u * box["width"], box["y"] + v * box["height"]) for u, v in stroke]


def draw_stroke(page, stroke, *, steps: int = 3) -> None:
    """One stroke drawn with the mouse on the explorer's drawing pad (scrolled into view first).

    Parameters
    ----------
    page : playwright.sync_api.Page
        A page with the explorer on it.
    stroke : sequence of (float, float)
        The pen's path, (u, v) in [0, 1] of the pad's box; at least one point.
    steps : int
        Mouse moves Playwright sends between two points (1: straight to the point, as a fast pen).
    """
    if len(stroke) == 0:
        raise ValueError("stroke: expected at least one (u, v) point, got an empty stroke")
    pad = page.locator(PAD).first
    pad.scroll_into_view_if_needed()
    points = pad_points(pad.bounding_box(), stroke)
    page.mouse.move(*points[0])
    page.mouse.down()
    for point in points[1:]:
        page.mouse.move(*point, steps=steps)
    page.mouse.up()
