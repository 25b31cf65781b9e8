"""The latent explorer in a real browser: its bundle on the state Python sends, and in the built book.

The test acts as a reader: drag the point, move the sliders, press an arrow key, swipe on a
phone, and read the digit's pixels back, which must equal what the Keras decoder gives for
that latent point. Harness and fixtures: tests/browser.py.
"""

from __future__ import annotations

import numpy as np
import pytest

from browser import (  # noqa: F401  (browser, site, visit, pretrained, shim_site: fixtures)
    ARTIFACTS, PHONE, PIXEL_TOLERANCE, Reader, _assert_shows_decoder_output, _open, browser, page_decoder_dtype, pretrained,
    shim_site, site, visit,
)

pytestmark = pytest.mark.slow

EXPLORER_PAGE = "book/06_latent_explorer"


def test_explorer_js_decodes_as_numpy_and_keras_at_float32_tolerance(browser, shim_site, pretrained):
    from vae_helpers.model import decode
    from vae_helpers.numpy_decoder import NumpyDecoder

    url, explorer = shim_site
    visit, reader = _open(browser, url)
    z = np.random.default_rng(0).uniform(-explorer.limit, explorer.limit, size=(64, 2)).astype(np.float32)
    decoded = np.array(reader.page.evaluate(
        "points => points.map(([z1, z2]) => document.querySelector('.vae-explorer').latentExplorer.decode(z1, z2))",
        z.tolist(),
    ))
    assert np.abs(decoded - NumpyDecoder.from_keras(pretrained[1]).decode(z)).max() <= PIXEL_TOLERANCE
    assert np.abs(decoded - decode(pretrained[1], z)).max() <= PIXEL_TOLERANCE
    assert not visit.problems, "\n".join(visit.problems)
    visit.close()


def test_explorer_js_dragging_the_ring_draws_the_digit_under_it(browser, shim_site, pretrained):
    url, explorer = shim_site
    visit, reader = _open(browser, url)
    page = reader.page
    page.locator(".vae-explorer").scroll_into_view_if_needed()
    _, _, before = reader.state()
    target = (-0.4 * explorer.limit, 0.25 * explorer.limit)
    page.mouse.move(*reader.screen((0.0, 0.0)))
    page.mouse.down()
    page.mouse.move(*reader.screen(target), steps=8)
    page.mouse.up()
    z, pixels, greys = reader.state()
    box = page.locator(".vae-explorer__map").bounding_box()
    assert np.allclose(z, target, atol=3 * explorer.limit / box["width"])
    assert np.abs(greys - before).max() > 50, "the digit did not change"
    _assert_shows_decoder_output(pretrained[1], z, pixels, greys)
    assert [float(reader.slider(axis).input_value()) for axis in (0, 1)] == pytest.approx(list(z), abs=0.006)
    assert page.evaluate("window.sent.at(-1).z") == pytest.approx(list(z)), "the point was not sent back to Python"
    assert not visit.problems, "\n".join(visit.problems)
    visit.close()


@pytest.mark.parametrize("axis", [0, 1])
def test_explorer_js_moving_a_slider_moves_the_point_and_the_digit(browser, shim_site, pretrained, axis):
    url, _ = shim_site
    visit, reader = _open(browser, url)
    page = reader.page
    page.locator(".vae-explorer").scroll_into_view_if_needed()
    z_before, _, before = reader.state()
    slider = reader.slider(axis)
    box = slider.bounding_box()
    page.mouse.click(box["x"] + 0.85 * box["width"], box["y"] + box["height"] / 2)
    z, pixels, greys = reader.state()
    assert z[axis] == pytest.approx(float(slider.input_value()))
    assert z[axis] > z_before[axis] + 1
    assert z[1 - axis] == z_before[1 - axis]
    assert np.abs(greys - before).max() > 50, "the digit did not change"
    _assert_shows_decoder_output(pretrained[1], z, pixels, greys)
    visit.close()


def test_explorer_js_arrow_keys_interpolation_and_prior(browser, shim_site, pretrained):
    url, explorer = shim_site
    visit, reader = _open(browser, url)
    page = reader.page
    page.locator(".vae-explorer__map").focus()
    z_before, _, _ = reader.state()
    for _ in range(3):
        page.keyboard.press("ArrowRight")
    page.keyboard.press("Shift+ArrowDown")
    z, pixels, greys = reader.state()
    assert z == pytest.approx(z_before + np.array([0.3, -1.0]))
    _assert_shows_decoder_output(pretrained[1], z, pixels, greys)
    page.locator(".vae-explorer__interpolation input[type=range]").fill("0.5")
    z, pixels, greys = reader.state()
    a, b = explorer.endpoint_means
    assert z == pytest.approx((a + b) / 2, abs=1e-6)
    _assert_shows_decoder_output(pretrained[1], z, pixels, greys)
    page.locator(".vae-explorer__prior").click()
    z_prior, pixels, greys = reader.state()
    assert not np.allclose(z_prior, z)
    _assert_shows_decoder_output(pretrained[1], z_prior, pixels, greys)
    assert not visit.problems, "\n".join(visit.problems)
    visit.close()


def _swipe(visit, start: tuple[float, float], dy: float) -> None:
    """A one-finger vertical swipe through Chromium's touch input (upwards for dy < 0)."""
    cdp = visit.context.new_cdp_session(visit.page)
    x, y = start
    cdp.send("Input.dispatchTouchEvent", {"type": "touchStart", "touchPoints": [{"x": x, "y": y}]})
    for k in range(1, 11):
        cdp.send("Input.dispatchTouchEvent", {"type": "touchMove", "touchPoints": [{"x": x, "y": y + dy * k / 10}]})
        visit.page.wait_for_timeout(16)
    cdp.send("Input.dispatchTouchEvent", {"type": "touchEnd", "touchPoints": []})
    visit.page.wait_for_timeout(300)


PHONE_CONTEXT = {"viewport": PHONE, "device_scale_factor": 3}  # Visit adds touch and the mobile viewport for PHONE


def test_on_a_phone_a_swipe_on_the_map_scrolls_the_page_unless_it_starts_on_the_ring(browser, shim_site):
    url, explorer = shim_site
    visit, reader = _open(browser, url, **PHONE_CONTEXT)
    page = reader.page
    page.evaluate("window.scrollTo(0, 400)")
    page.wait_for_timeout(200)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390, "the page scrolls sideways"
    z_before, _, _ = reader.state()
    box = page.locator(".vae-explorer__map").bounding_box()
    # Off the ring (a quarter of the way across, the ring sits at the centre): the page scrolls.
    scroll = page.evaluate("window.scrollY")
    _swipe(visit, (box["x"] + 0.25 * box["width"], box["y"] + 0.8 * box["height"]), -200)
    assert page.evaluate("window.scrollY") > scroll + 100, "a swipe on the map did not scroll the page"
    z_after, _, _ = reader.state()
    assert np.array_equal(z_after, z_before), "a swipe that scrolled the page moved the point"
    # On the ring: the swipe drags the point, the page stays.
    scroll = page.evaluate("window.scrollY")
    start = reader.screen(z_before)
    _swipe(visit, start, -60)
    z_dragged, pixels, greys = reader.state()
    assert page.evaluate("window.scrollY") == scroll, "dragging the ring scrolled the page"
    assert z_dragged[1] > z_before[1] + 0.5 and abs(z_dragged[0] - z_before[0]) < 0.2
    # Sliders sit on screen under the map: one thumb reaches them without scrolling away from it.
    slider_box = reader.slider(1).bounding_box()
    assert slider_box["y"] + slider_box["height"] <= box["y"] + box["height"] + 844
    assert not visit.problems, "\n".join(visit.problems)
    visit.close()


def test_explorer_js_keyboard_focus_goes_only_to_controls(browser, shim_site):
    """Tab visits the map (arrow keys), the sliders, the button, the pad's controls and the lists, in reading order, and nothing else.

    The pad's Resample and Estimate buttons are disabled while the pad is empty, so Tab skips them.
    """
    url, _ = shim_site
    visit, reader = _open(browser, url)
    stops = []
    for _ in range(11):
        reader.page.keyboard.press("Tab")
        stops.append(reader.page.evaluate("(e => e.tagName.toLowerCase() + (e.type ? ':' + e.type : ''))(document.activeElement)"))
    assert stops == [
        "canvas", "input:range", "input:range", "button:button",
        "button:button", "select:select-one", "select:select-one",  # the pad: Clear, a held-out digit, K
        "select:select-one", "select:select-one", "input:range", "body",
    ]
    visit.close()


# -- the latent explorer in the built book ---------------------------------------------------------

EXPLORER_PAGES = [EXPLORER_PAGE, "notebooks/06_latent_explorer"]


@pytest.mark.parametrize("page", EXPLORER_PAGES)
def test_dragging_on_the_books_explorer_draws_the_decoders_digit(visit, pretrained, page):
    opened = visit(page)
    reader = Reader(opened.page)
    # The map, not the whole explorer: taller than the screen, it would leave the map's top
    # under the page's sticky header, where a press lands on the header.
    opened.page.locator(".vae-explorer__map").first.evaluate("map => map.scrollIntoView({block: 'center'})")
    _, _, before = reader.state()
    limit = reader.api("limit")
    target = (-0.4 * limit, 0.25 * limit)
    opened.page.mouse.move(*reader.screen(reader.api("z")))
    opened.page.mouse.down()
    opened.page.mouse.move(*reader.screen(target), steps=8)
    opened.page.mouse.up()
    z, pixels, greys = reader.state()
    box = opened.page.locator(".vae-explorer__map").first.bounding_box()
    assert np.allclose(z, target, atol=3 * limit / box["width"])
    assert np.abs(greys - before).max() > 50, "the digit did not change"
    dtype = page_decoder_dtype(opened.page)
    _assert_shows_decoder_output(pretrained[1], z, pixels, greys, dtype)
    slider = reader.slider(0)
    slider_box = slider.bounding_box()
    opened.page.mouse.click(slider_box["x"] + 0.8 * slider_box["width"], slider_box["y"] + slider_box["height"] / 2)
    z, pixels, greys = reader.state()
    assert z[0] == pytest.approx(float(slider.input_value()))
    _assert_shows_decoder_output(pretrained[1], z, pixels, greys, dtype)
    assert not opened.problems, "\n".join(opened.problems)


def test_the_books_explorer_carries_only_the_state_it_shows(built_book):
    """Notebook 06's page embeds the two explorers it shows, and nothing else of size."""
    import json
    import re

    html = (built_book.html / "notebooks" / "06_latent_explorer.html").read_text()
    states = re.findall(r'<script type="application/vnd.jupyter.widget-state\+json">(.*?)</script>', html, re.S)
    models = {key: value for state in states for key, value in json.loads(state)["state"].items()}
    shown = set(re.findall(r'"model_id": "([0-9a-f]+)"', html))
    unused = {key: len(json.dumps(value)) for key, value in models.items() if key not in shown}
    assert sum(unused.values()) < 5_000, f"state of widgets the page never shows: {unused}"


def test_explorer_screenshot(visit):
    opened = visit(EXPLORER_PAGE)
    reader = Reader(opened.page)
    reader.api("setLatent(2.0, -0.5)")
    reader.next_frame()
    ARTIFACTS.mkdir(exist_ok=True)
    opened.page.locator(".vae-explorer").first.screenshot(path=str(ARTIFACTS / "latent-explorer.png"))
    opened.page.screenshot(path=str(ARTIFACTS / "latent-explorer-page.png"), full_page=True)


def test_chapter_7s_explorer_shows_the_slice_of_the_50d_model_it_names(visit):
    """The explorer of notebook 07 draws what vae-50d's decoder draws in the plane of the two dimensions it names."""
    import re

    from vae_helpers.beyond_2d import load_binarized, slice_2d

    opened = visit("notebooks/07_beyond_2d")
    reader = Reader(opened.page)
    opened.page.locator(".vae-explorer__map").first.evaluate("map => map.scrollIntoView({block: 'center'})")
    # The explorer names the model it shows (its probe, as the page's model switch labels it).
    dims = tuple(int(d) for d in re.fullmatch(r".*vae-50d, dimensions (\d+) and (\d+).*", reader.api("modelName")).groups())
    sliced_decoder = slice_2d(*load_binarized("vae-50d"), dims)[1]
    limit = reader.api("limit")
    opened.page.mouse.click(*reader.screen((0.3 * limit, -0.2 * limit)))
    z, pixels, greys = reader.state()
    _assert_shows_decoder_output(sliced_decoder, z, pixels, greys, page_decoder_dtype(opened.page))
    assert not opened.problems, "\n".join(opened.problems)
