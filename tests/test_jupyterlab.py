"""The notebooks' widgets in a real JupyterLab, driven as a reader: run the notebook, move a slider, read it back.

JupyterLab runs on 127.0.0.1 from a temporary folder (benchmarks/lab_harness.py); Debian's headless
Chromium (Playwright) is the reader. The page may request nothing from any other host.
"""

from __future__ import annotations

from urllib.parse import urlparse

import numpy as np
import pytest
from scipy import stats

from browser import Reader, _assert_shows_decoder_output, browser, pretrained  # noqa: F401  (browser, pretrained: fixtures)

pytestmark = pytest.mark.slow
WIDGET_TIMEOUT = 60_000  # milliseconds: the panel renders once Run All reaches its cell
NOTEBOOK = "01_information_theory.ipynb"


@pytest.fixture(scope="module")
def lab_page(browser, jupyterlab):  # noqa: F811
    """Notebook 01 opened and run in JupyterLab, in a browser page that refuses requests to other hosts and records them.

    One page for the module: opening and running a notebook is most of a test's time.
    """
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    off_site: list[str] = []

    def only_local(route) -> None:
        url = urlparse(route.request.url)
        if url.scheme in ("http", "https", "ws", "wss") and url.hostname != "127.0.0.1":
            off_site.append(route.request.url)
            route.abort()
        else:
            route.continue_()

    context.route("**/*", only_local)
    page = context.new_page()
    page.off_site = off_site
    jupyterlab.open(page, NOTEBOOK)
    jupyterlab.run_all(page)
    yield page
    context.close()


def _wait_for(page, function: str, argument=None) -> None:
    page.wait_for_function(function, arg=argument, timeout=10_000)


def test_the_coin_panel_follows_its_slider_and_the_kernel_reads_it_back(jupyterlab, lab_page):
    notebook = NOTEBOOK
    panel = lab_page.locator(".vae-panel--coin[data-state=ready]").first
    panel.wait_for(timeout=WIDGET_TIMEOUT)
    panel.scroll_into_view_if_needed()
    readout = panel.locator("output[data-quantity=entropy]")
    assert float(readout.get_attribute("data-value")) == pytest.approx(stats.entropy([0.2, 0.8], base=2), abs=1e-12)

    slider = panel.locator("input[type=range]")
    slider.focus()
    for _ in range(5):
        lab_page.keyboard.press("ArrowRight")  # 0.2 -> 0.25 in steps of 0.01

    expected = stats.entropy([0.25, 0.75], base=2)
    assert float(readout.get_attribute("data-value")) == pytest.approx(expected, abs=1e-12)
    assert "0.25" in readout.text_content()
    # The move reached Python: the kernel's panel holds the new bias and computes the same entropy.
    for _ in range(50):
        if jupyterlab.kernel_eval("coin.bias", notebook) == "0.25":
            break
        lab_page.wait_for_timeout(100)
    assert jupyterlab.kernel_eval("coin.bias", notebook) == "0.25"
    assert float(jupyterlab.kernel_eval("coin.entropy", notebook)) == pytest.approx(expected, abs=1e-12)

    # A click on the track, as a mouse would: the page and the kernel agree on wherever it lands.
    box = slider.bounding_box()
    lab_page.mouse.click(box["x"] + 0.7 * box["width"], box["y"] + box["height"] / 2)
    bias = float(slider.input_value())
    assert bias != 0.25
    assert float(readout.get_attribute("data-value")) == pytest.approx(stats.entropy([bias, 1 - bias], base=2), abs=1e-12)
    for _ in range(50):
        if float(jupyterlab.kernel_eval("coin.bias", notebook)) == bias:
            break
        lab_page.wait_for_timeout(100)
    assert float(jupyterlab.kernel_eval("coin.entropy", notebook)) == pytest.approx(float(readout.get_attribute("data-value")), abs=1e-12)

    # A drag: the panel follows every move; Python hears of it once, when the reader lets go
    # (sends during a drag set off JupyterLab's re-renders in the frames the reader waits for).
    before = jupyterlab.kernel_eval("coin.bias", notebook)
    lab_page.mouse.move(box["x"] + 0.7 * box["width"], box["y"] + box["height"] / 2)
    lab_page.mouse.down()
    for step in range(1, 6):
        lab_page.mouse.move(box["x"] + (0.7 - 0.08 * step) * box["width"], box["y"] + box["height"] / 2)
    dragged = float(slider.input_value())
    assert dragged < bias
    assert float(readout.get_attribute("data-value")) == pytest.approx(stats.entropy([dragged, 1 - dragged], base=2), abs=1e-12)
    lab_page.wait_for_timeout(500)  # five send periods (src/send.js)
    assert jupyterlab.kernel_eval("coin.bias", notebook) == before
    lab_page.mouse.up()
    for _ in range(50):
        if float(jupyterlab.kernel_eval("coin.bias", notebook)) == dragged:
            break
        lab_page.wait_for_timeout(100)
    assert float(jupyterlab.kernel_eval("coin.bias", notebook)) == dragged

    # And the other way: code sets the bias, the page's panel follows.
    jupyterlab.kernel_execute("coin.bias = 0.5", notebook)
    _wait_for(lab_page, "(output) => output.dataset.value === '1'", readout.element_handle())
    assert slider.input_value() == "0.5"
    assert not lab_page.off_site, lab_page.off_site


def test_the_elbo_panel_follows_a_drag_and_code_and_agrees_with_the_kernel(jupyterlab, lab_page):
    """Chapter 3's panel in a cell added to notebook 01's running kernel (notebook 03 would import Keras: a minute)."""
    lab_page.locator(".jp-NotebookPanel:not(.lm-mod-hidden) .jp-Cell .jp-InputPrompt").last.click()
    lab_page.keyboard.press("Escape")
    lab_page.keyboard.press("b")  # a new cell below, as a reader adds one
    lab_page.keyboard.press("Enter")
    lab_page.keyboard.insert_text("from vae_helpers.widgets import ElboPanel; elbo = ElboPanel(mu=-1.0, sigma=0.4); elbo")
    lab_page.keyboard.press("Shift+Enter")
    panel = lab_page.locator(".vae-panel--elbo[data-state=ready]").first
    panel.wait_for(timeout=WIDGET_TIMEOUT)
    panel.scroll_into_view_if_needed()

    def shown() -> dict:
        return {quantity: float(panel.locator(f"output[data-quantity={quantity}]").get_attribute("data-value"))
                for quantity in ("elbo", "gap", "log_marginal")}

    def in_kernel() -> dict:
        return {quantity: float(jupyterlab.kernel_eval(f"elbo.{quantity}", NOTEBOOK)) for quantity in shown()}

    assert shown() == pytest.approx(in_kernel(), abs=1e-9)
    # Drag mu's slider from 30 % to 70 % of its track: the page redraws, and Python hears of it.
    slider = panel.locator('input[data-trait="mu"]')
    box = slider.bounding_box()
    lab_page.mouse.move(box["x"] + 0.3 * box["width"], box["y"] + box["height"] / 2)
    lab_page.mouse.down()
    lab_page.mouse.move(box["x"] + 0.7 * box["width"], box["y"] + box["height"] / 2, steps=8)
    lab_page.mouse.up()
    mu = float(slider.get_attribute("data-value"))
    assert 0.5 < mu < 1.5  # 70 % of [-3, 3]
    for _ in range(50):
        if float(jupyterlab.kernel_eval("elbo.mu", NOTEBOOK)) == mu:
            break
        lab_page.wait_for_timeout(100)
    assert float(jupyterlab.kernel_eval("elbo.mu", NOTEBOOK)) == mu
    assert shown() == pytest.approx(in_kernel(), abs=1e-9)

    # And code moves sigma: the page's panel follows and still agrees with vae_helpers.elbo.
    readout = panel.locator("output[data-quantity=elbo]")
    before = readout.get_attribute("data-value")
    jupyterlab.kernel_execute("elbo.sigma = 1.2", NOTEBOOK)
    _wait_for(lab_page, "([output, before]) => output.dataset.value !== before", [readout.element_handle(), before])
    assert panel.locator('input[data-trait="sigma"]').get_attribute("data-value") == "1.2"
    assert shown() == pytest.approx(in_kernel(), abs=1e-9)
    assert not lab_page.off_site, lab_page.off_site


TENSORFLOW_NOTEBOOK_TIMEOUT = 600_000  # milliseconds: Run All imports TensorFlow and builds the explorers


def test_in_jupyterlab_notebook_06_runs_and_a_drag_on_the_map_reaches_python(jupyterlab, lab_page, pretrained):  # noqa: F811
    """Run notebook 06 in the same JupyterLab, drag on the explorer's map, and read the point back from the kernel."""
    notebook = "06_latent_explorer.ipynb"
    problems = []
    lab_page.on("console", lambda message: message.type == "error" and problems.append(message.text))
    lab_page.on("pageerror", lambda error: problems.append(str(error)))
    jupyterlab.open(lab_page, notebook)
    jupyterlab.run_all(lab_page, TENSORFLOW_NOTEBOOK_TIMEOUT)
    explorer = lab_page.locator(".jp-NotebookPanel:not(.lm-mod-hidden) .vae-explorer").first
    explorer.locator(".vae-explorer__map").evaluate("map => map.scrollIntoView({block: 'center'})")
    reader = Reader(lab_page)
    limit = reader.api("limit")
    target = (0.3 * limit, -0.35 * limit)
    lab_page.mouse.move(*reader.screen(reader.api("z")))
    lab_page.mouse.down()
    lab_page.mouse.move(*reader.screen(target), steps=6)
    lab_page.mouse.up()
    z, pixels, greys = reader.state()
    box = explorer.locator(".vae-explorer__map").first.bounding_box()
    assert np.allclose(z, target, atol=3 * limit / box["width"])
    _assert_shows_decoder_output(pretrained[1], z, pixels, greys)
    for _ in range(50):  # the point travels to the kernel after the frame
        in_python = [float(value) for value in jupyterlab.kernel_eval("[*map(float, explorer.z)]", notebook).strip("[]").split(",")]
        if in_python == pytest.approx(list(z), abs=1e-9):
            break
        lab_page.wait_for_timeout(100)
    assert in_python == pytest.approx(list(z), abs=1e-9)
    assert float(jupyterlab.kernel_eval("float(explorer.image.sum())", notebook)) == pytest.approx(float(pixels.sum()), rel=1e-5)
    assert not problems, "\n".join(problems)
    assert not lab_page.off_site, lab_page.off_site
