"""Chapter 8's conditional explorer in its second home: notebook 08 run in a real JupyterLab, driven as a reader.

Run the notebook, press a digit key, drag the style point, draw a stroke on the pad, and read the pixels: the
page's digits are the kernel's widget's (``ConditionalExplorer.image``, ``handwriting``), which
tests/test_conditional_widget.py checks against Keras, and the kernel hears of every choice. JupyterLab runs on
127.0.0.1 from a temporary folder (tests/lab_harness.py); the page may request nothing from any other host.
"""

from __future__ import annotations

import json

import numpy as np
import pytest

from browser import browser  # noqa: F401  (a fixture)
from test_browser_conditional import READ, TOLERANCE
from test_jupyterlab import TENSORFLOW_NOTEBOOK_TIMEOUT, lab_page  # noqa: F401  (lab_page: a fixture)

pytestmark = pytest.mark.slow
NOTEBOOK = "08_conditional_vae.ipynb"
WIDGET = ".jp-NotebookPanel:not(.lm-mod-hidden) .vae-cvae"


def _probe(page, expression: str):
    return page.evaluate(f"() => document.querySelector({json.dumps(WIDGET)}).conditionalExplorer.{expression}")


def _kernel(jupyterlab, expression: str):
    """The kernel's value of ``expression``, a JSON-able value (its repr read as JSON)."""
    return json.loads(jupyterlab.kernel_eval(f"__import__('json').dumps({expression})", NOTEBOOK).strip("'"))


def _until_kernel(page, jupyterlab, expression: str, expected, tolerance: float = 0.0):
    """Wait until the kernel holds ``expected`` (the page sends after the frame, a drag when let go); return its value."""
    for _ in range(50):
        value = _kernel(jupyterlab, expression)
        if np.allclose(value, expected, atol=tolerance, rtol=0):
            break
        page.wait_for_timeout(100)
    return value


def test_notebook_08_shows_the_explorer_whose_keys_drag_and_pad_reach_the_kernel(jupyterlab, lab_page):  # noqa: F811
    jupyterlab.open(lab_page, NOTEBOOK)
    jupyterlab.run_all(lab_page, TENSORFLOW_NOTEBOOK_TIMEOUT)
    root = lab_page.locator(WIDGET).first
    root.wait_for(timeout=60_000)
    # What goes wrong from here on, while the reader uses the widget. Not before: on a busy machine anywidget
    # logs "Failed to initialize model" when a model takes over 2 s to start (its own time-out), and the
    # widget still renders (seen once in three runs at a load average of 18).
    problems = []
    lab_page.on("console", lambda message: message.type == "error" and problems.append(message.text))
    lab_page.on("pageerror", lambda error: problems.append(str(error)))
    root.evaluate("root => root.scrollIntoView({block: 'start'})")
    assert _probe(lab_page, "digit") == 7  # as the notebook built it
    cells_before = lab_page.locator(".jp-NotebookPanel:not(.lm-mod-hidden) .jp-MarkdownCell").count()

    # A digit key: the widget's, not JupyterLab's (in a notebook's command mode, 3 makes the cell a heading).
    root.focus()
    lab_page.keyboard.press("3")
    assert _probe(lab_page, "digit") == 3
    assert lab_page.locator(".jp-NotebookPanel:not(.lm-mod-hidden) .jp-MarkdownCell").count() == cells_before
    assert _until_kernel(lab_page, jupyterlab, "explorer.digit", 3) == 3

    # A drag on the map: the page draws the kernel's widget's digit at the point the kernel holds.
    box = lab_page.locator(WIDGET + " .vae-cvae__map").first.bounding_box()
    lab_page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    lab_page.mouse.down()
    lab_page.mouse.move(box["x"] + 0.7 * box["width"], box["y"] + 0.75 * box["height"], steps=6)
    lab_page.mouse.up()
    z = np.array(_probe(lab_page, "z"))
    assert z[0] > 0.5 and z[1] < -0.5, "the point did not follow the drag"
    assert _until_kernel(lab_page, jupyterlab, "[*map(float, explorer.z)]", z, 1e-9) == pytest.approx(list(z), abs=1e-9)
    in_kernel = np.array(_kernel(jupyterlab, "explorer.image().tolist()"))
    greys = np.array(root.evaluate(READ, ".vae-cvae__decoded canvas"))
    assert np.abs(np.array(_probe(lab_page, "pixels")) - in_kernel).max() <= TOLERANCE
    assert np.abs(greys - np.rint(255 * (1 - in_kernel))).max() <= 1  # 8-bit greys: one level of rounding

    # A stroke on the pad: the style the page reads, and the ten digits it draws, are the kernel's for that drawing.
    pad = lab_page.locator(WIDGET + " .vae-cvae__pad").first
    pad.scroll_into_view_if_needed()
    box = pad.bounding_box()
    lab_page.mouse.move(box["x"] + 0.3 * box["width"], box["y"] + 0.3 * box["height"])
    lab_page.mouse.down()
    lab_page.mouse.move(box["x"] + 0.6 * box["width"], box["y"] + 0.2 * box["height"], steps=5)
    lab_page.mouse.move(box["x"] + 0.4 * box["width"], box["y"] + 0.8 * box["height"], steps=8)
    lab_page.mouse.up()
    x, style = _probe(lab_page, "x"), np.array(_probe(lab_page, "style"))
    mu, ten = (np.array(part) for part in _kernel(jupyterlab, f"[part.tolist() for part in explorer.handwriting({x})]"))
    assert np.abs(style - mu).max() <= TOLERANCE * (1 + np.abs(mu).max())
    assert np.abs(np.array(_probe(lab_page, "handwriting")) - ten).max() <= TOLERANCE
    for digit in (3, 9):
        greys = np.array(root.evaluate(READ, f".vae-cvae__small:nth-child({digit + 1}) canvas"))
        assert np.abs(greys - np.rint(255 * (1 - ten[digit]))).max() <= 1
    assert not problems, "\n".join(problems)
    assert not lab_page.off_site, lab_page.off_site
