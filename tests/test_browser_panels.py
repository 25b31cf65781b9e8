"""The panels of chapters 1-3 in the built book, in a real browser: every slider moves its plot,
and every number shown is the one the Python panel gives for the same inputs; the panels draw
with the theme's colours, light or dark, and follow a switch; and they are drawn as a careful
figure is (round ticks, labelled axes, legends off the data, maths typeset, finger-sized
targets, the width used on a laptop and a clean column on a phone).

PANEL_PAGES lists the pages and the panels each shows: a new page with a panel goes there.
Harness and fixtures: tests/browser.py.
"""

from __future__ import annotations

import pytest

import io
import math

import numpy as np

from browser import DESKTOP, PHONE, browser, run_axe, site, visit  # noqa: F401  (fixtures)

pytestmark = pytest.mark.slow

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
        assert f"{expected + 0.0:.3f}" in text.replace("\u2212", "-"), (kind, quantity, text)
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


# -- light and dark --------------------------------------------------------------------------

BOOK_PANEL_PAGES = {page: kinds for page, kinds in PANEL_PAGES.items() if page.startswith("book/")}
TEXT_CONTRAST = 4.5  # WCAG AA for text, as axe's color-contrast rule
# Text pixels read off a canvas, left of the y axis: the tick labels and the axis's name.
LEFT_MARGIN = 44  # CSS pixels (plot.js draws the y axis at 52)


def _luminance(rgb) -> np.ndarray:
    """WCAG 2's relative luminance of sRGB colours (0-255, last axis RGB)."""
    c = np.asarray(rgb, dtype=float)[..., :3] / 255
    linear = np.where(c <= 0.04045, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)
    return linear @ np.array([0.2126, 0.7152, 0.0722])


def _contrast(a, b) -> np.ndarray:
    la, lb = _luminance(a), _luminance(b)
    return (np.maximum(la, lb) + 0.05) / (np.minimum(la, lb) + 0.05)


def _open_panels(visit, page: str, **context):
    opened = visit(page, **context)
    for kind in PANEL_PAGES[page]:
        opened.page.locator(f".vae-panel--{kind}[data-state=ready]").first.wait_for(timeout=PANEL_TIMEOUT)
    return opened


def _canvas_text_contrast(canvas) -> tuple[float, np.ndarray]:
    """The strongest contrast between a pixel of the canvas's left margin (its axis text) and the
    background behind the canvas, both as the screen shows them (a screenshot), and that background."""
    from PIL import Image

    canvas.scroll_into_view_if_needed()
    pixels = np.asarray(Image.open(io.BytesIO(canvas.screenshot())).convert("RGB"))
    scale = pixels.shape[1] / canvas.bounding_box()["width"]
    margin = pixels[:, : int(LEFT_MARGIN * scale)].reshape(-1, 3)
    colours, counts = np.unique(margin, axis=0, return_counts=True)
    background = colours[counts.argmax()]  # the margin is mostly empty: the page shows through
    return float(_contrast(margin, background).max()), background


def _switch_scheme(opened, scheme: str) -> None:
    """The system's preference changes, as when a phone turns dark at night: no reload."""
    opened.page.emulate_media(color_scheme=scheme)
    opened.page.wait_for_function("theme => document.documentElement.dataset.theme === theme", arg=scheme)
    opened.page.evaluate("() => new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)))")


@pytest.mark.parametrize("page", list(BOOK_PANEL_PAGES))
def test_the_panels_draw_with_the_themes_colours_and_follow_a_switch_without_a_reload(visit, page):
    opened = _open_panels(visit, page, color_scheme="dark")
    assert opened.page.evaluate("() => document.documentElement.dataset.theme") == "dark"
    canvases = opened.page.locator(".vae-panel canvas")
    assert canvases.count() >= 1
    dark = {}
    for number in range(canvases.count()):
        contrast, background = _canvas_text_contrast(canvases.nth(number))
        assert _luminance(background) < 0.05, f"canvas {number}: the page behind it is not dark ({background})"
        assert contrast >= TEXT_CONTRAST, f"canvas {number}: its axis text is {contrast:.2f}:1 against the dark page"
        dark[number] = background
    _switch_scheme(opened, "light")
    for number in range(canvases.count()):
        contrast, background = _canvas_text_contrast(canvases.nth(number))
        assert _luminance(background) > 0.8, f"canvas {number}: the page behind it did not turn light ({background})"
        assert contrast >= TEXT_CONTRAST, f"canvas {number}: after the switch its axis text is {contrast:.2f}:1"
    assert not opened.problems, "\n".join(opened.problems)


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("page", list(BOOK_PANEL_PAGES))
def test_every_panel_passes_axes_contrast_and_target_size_rules(visit, page, scheme):
    opened = _open_panels(visit, page, color_scheme=scheme)
    violations = run_axe(opened.page, ".vae-panel", ["color-contrast", "target-size"])
    assert violations == [], violations


@pytest.mark.parametrize("page", list(BOOK_PANEL_PAGES))
def test_the_panels_data_colours_stand_out_from_the_page_in_both_themes(visit, page):
    """Lines and bars (graphics, not text) need 3:1 against the background (WCAG 1.4.11)."""
    opened = _open_panels(visit, page, color_scheme="dark")
    read = """el => { const style = getComputedStyle(el);
      const colour = name => { const probe = document.createElement("span"); probe.style.color = style.getPropertyValue(name);
        el.append(probe); const rgb = getComputedStyle(probe).color; probe.remove(); return rgb.match(/\\d+/g).slice(0, 3).map(Number); };
      return Object.fromEntries(["--vae-background", "--vae-ink", "--vae-p", "--vae-q", "--vae-posterior", "--vae-gap",
        "--vae-evidence", "--vae-cross-entropy", "--vae-kl", "--vae-reverse-kl"].map(name => [name, colour(name)])); }"""
    for scheme in ("dark", "light"):
        if scheme == "light":
            _switch_scheme(opened, "light")
        colours = opened.page.locator(".vae-panel").first.evaluate(read)
        background = colours.pop("--vae-background")
        page_background = opened.page.evaluate(
            "() => getComputedStyle(document.body).backgroundColor.match(/\\d+/g).slice(0, 3).map(Number)")
        assert background == page_background, (scheme, background, page_background)
        for name, colour in colours.items():
            need = TEXT_CONTRAST if name == "--vae-ink" else 3
            assert _contrast(colour, background) >= need, (scheme, name, colour, background)


# -- drawn as a careful figure ----------------------------------------------------------------

def _is_round(ticks: list[float]) -> bool:
    """At least two ticks, evenly spaced by 1, 2 or 5 times a power of ten, each a multiple of it."""
    if len(ticks) < 2:
        return False
    step = ticks[1] - ticks[0]
    mantissa = step / 10 ** math.floor(math.log10(step))
    return (any(abs(mantissa - m) < 1e-9 for m in (1, 2, 5))
            and all(abs(t / step - round(t / step)) < 1e-6 for t in ticks)
            and np.allclose(np.diff(ticks), step))


def _figure_boxes(panel) -> dict:
    return panel.evaluate("""el => {
      const box = node => { const r = node.getBoundingClientRect(); return [r.left, r.top, r.right, r.bottom]; };
      return {
        panel: box(el), scrolls: el.scrollWidth > el.clientWidth + 1,
        figures: [...el.querySelectorAll(".vae-panel__figure")].map(f => ({
          canvas: box(f.querySelector("canvas")), legend: f.querySelector(".vae-panel__legend") && box(f.querySelector(".vae-panel__legend")),
          xTicks: f.querySelector("canvas").dataset.xTicks ? JSON.parse(f.querySelector("canvas").dataset.xTicks) : null,
          yTicks: JSON.parse(f.querySelector("canvas").dataset.yTicks) })),
        text: el.textContent, subscripts: [...el.querySelectorAll("sub")].map(s => s.textContent),
        targets: [...el.querySelectorAll("input")].map(i => { const r = i.getBoundingClientRect(); return [r.width, r.height]; }),
      }; }""")


# The plots with a continuous x axis (their ticks are round numbers), and among them the densities,
# where the reader must see where mu is: ticks either side of 0.
X_AXIS_FIGURES = {"coin": [0], "gaussian_kl": [0], "elbo": [0]}
MU_AXIS_KINDS = ("gaussian_kl", "elbo")


@pytest.mark.parametrize("viewport", ["desktop", "phone"])
@pytest.mark.parametrize("page", list(BOOK_PANEL_PAGES))
def test_every_panel_is_drawn_as_a_careful_figure(visit, page, viewport):
    opened = _open_panels(visit, page, viewport=DESKTOP if viewport == "desktop" else PHONE)
    panels = opened.page.locator(".vae-panel")
    for index, kind in enumerate(PANEL_PAGES[page]):
        panel = panels.nth(index)
        panel.scroll_into_view_if_needed()
        view = _figure_boxes(panel)
        left, top, right, bottom = view["panel"]
        assert not view["scrolls"], f"{kind} at {viewport}: the panel scrolls sideways"
        for number, figure in enumerate(view["figures"]):
            assert _is_round(figure["yTicks"]), (kind, number, figure["yTicks"])
            if number in X_AXIS_FIGURES.get(kind, []):
                assert figure["xTicks"] and _is_round(figure["xTicks"]), (kind, number, figure["xTicks"])
                if kind in MU_AXIS_KINDS:
                    assert min(figure["xTicks"]) < 0 < max(figure["xTicks"]) and 0 in figure["xTicks"], (kind, figure["xTicks"])
            canvas = figure["canvas"]
            assert left - 1 <= canvas[0] and canvas[2] <= right + 1, f"{kind} at {viewport}: figure {number} overflows"
            if figure["legend"]:  # above the plot, never over its data
                assert figure["legend"][3] <= canvas[1] + 1, (kind, number, figure["legend"], canvas)
        canvases = [figure["canvas"] for figure in view["figures"]]
        if viewport == "desktop" and len(canvases) > 1:
            # Side by side on one row, the panel's width used.
            assert len({round(c[3]) for c in canvases}) == 1, f"{kind}: the figures are not on one row {canvases}"
            assert sum(c[2] - c[0] for c in canvases) >= 0.85 * (right - left), (kind, canvases, view["panel"])
        if viewport == "phone":
            # One column: each figure below the one before, each the panel's width.
            for above, below in zip(canvases, canvases[1:]):
                assert below[1] >= above[3], f"{kind}: figures overlap on a phone {canvases}"
            for canvas in canvases:
                assert canvas[2] - canvas[0] >= 0.9 * (right - left), (kind, canvas, view["panel"])
        # Maths typeset: no TeX underscore; the KL divergence's subscript is a subscript.
        assert "_" not in view["text"], (kind, view["text"])
        if kind in ("distributions", "gaussian_kl", "elbo"):
            assert "KL" in view["subscripts"], (kind, view["subscripts"])
        for width, height in view["targets"]:
            assert height >= 24 and width >= 24, f"{kind}: a slider is {width:.0f} x {height:.0f} px"
    width = opened.page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
    assert width <= 0, f"{page} at {viewport} scrolls sideways by {width} px"
    assert not opened.problems, "\n".join(opened.problems)
