"""Chapter 6's explorer as a reader sees it: in the theme's colours, light or dark, following a
switch without a reload; on a 390-px phone with touch, the map, the drawing pad and the loss
terms on one screen while a finger draws; the digit square; every slider showing its value;
q(z | x)'s ellipses visible at every beta (magnified in an inset where the map shows them a
pixel wide); A's and B's labels clear of the ring; the model's name read from the probe.

Harness and fixtures: tests/browser.py. Contrast as WCAG 2 defines it, computed here from the
pixels the screen shows.
"""

from __future__ import annotations

import io
import json

import numpy as np
import pytest

from browser import (  # noqa: F401  (browser, site, visit, shim_site, pretrained: fixtures)
    EXPLORER_PAGE, PHONE, Reader, _open, browser, pretrained, run_axe, serve_shim_page, shim_site, site, visit,
)
from browser_harness import draw_stroke, pad_points
from test_browser_panels import TEXT_CONTRAST, _contrast, _luminance, _switch_scheme

pytestmark = pytest.mark.slow

MAP_MARGIN = 26  # CSS pixels left of the map's plot area (latent_map.js draws it at 28): its tick labels
CROSS_ARM = 6  # CSS pixels: the cross at mu (encoder.js) reaches this far; an ellipse no wider hides under it
ONE = [(0.52, 0.12), (0.50, 0.5), (0.47, 0.88)]  # a stroke, in [0, 1] of the pad's box


@pytest.fixture(scope="module")
def three_models(tmp_path_factory):
    """The book's explorer (three models: beta = 1, 0, 10) on its state, served on 127.0.0.1; yields the URL."""
    from vae_helpers.widgets.explorer import pretrained_explorer

    explorer = pretrained_explorer()
    server = serve_shim_page(explorer, tmp_path_factory.mktemp("three-models"))
    yield f"http://127.0.0.1:{server.server_port}/index.html"
    server.shutdown()
    server.server_close()
    explorer.close()


def _screenshot(locator) -> np.ndarray:
    from PIL import Image

    locator.scroll_into_view_if_needed()
    return np.asarray(Image.open(io.BytesIO(locator.screenshot())).convert("RGB"))


def _map_text_contrast(page) -> tuple[float, np.ndarray]:
    """The strongest contrast between a pixel of the map's tick labels (left of its plot area) and the
    map's background (the commonest colour there), as the screen shows them; and that background."""
    map_canvas = page.locator(".vae-explorer__map").first
    pixels = _screenshot(map_canvas)
    scale = pixels.shape[1] / map_canvas.bounding_box()["width"]
    margin = pixels[:, : int(MAP_MARGIN * scale)].reshape(-1, 3)
    colours, counts = np.unique(margin, axis=0, return_counts=True)
    background = colours[counts.argmax()]
    return float(_contrast(margin, background).max()), background


def _ring_contrast(page, reader) -> float:
    """The contrast of the ring's stroke against the map's background, read off the canvas."""
    return page.evaluate(
        """([x, y, r]) => { const c = document.querySelector('.vae-explorer__map').getContext('2d');
          return [Array.from(c.getImageData(x + r, y, 1, 1).data), Array.from(c.getImageData(2, 2, 1, 1).data)]; }""",
        [*reader.api(f"toCanvas({reader.api('z')[0]}, {reader.api('z')[1]})"),
         reader.api("ringRadius") * page.evaluate("document.querySelector('.vae-explorer__map').width")
         / page.locator(".vae-explorer__map").first.bounding_box()["width"]],
    )


@pytest.mark.parametrize("page", [EXPLORER_PAGE, "notebooks/06_latent_explorer"])
def test_the_explorer_draws_with_the_themes_colours_and_follows_a_switch_without_a_reload(visit, page):
    """On the chapter's page and on the notebook's, where the theme puts widgets on a light card unless told not to."""
    opened = visit(page, color_scheme="dark")
    reader = Reader(opened.page)
    assert opened.page.evaluate("() => document.documentElement.dataset.theme") == "dark"
    for scheme, dark in (("dark", True), (None, False)):
        if scheme is None:
            _switch_scheme(opened, "light")
        contrast, background = _map_text_contrast(opened.page)
        page_background = opened.page.evaluate(
            "() => getComputedStyle(document.body).backgroundColor.match(/\\d+/g).slice(0, 3).map(Number)")
        assert list(background) == page_background, (scheme, background, page_background)
        assert (_luminance(background) < 0.05) if dark else (_luminance(background) > 0.8), background
        assert contrast >= TEXT_CONTRAST, f"the map's tick labels are {contrast:.2f}:1 against its background"
        ring, paper = _ring_contrast(opened.page, reader)
        assert _contrast(ring, paper) >= 3, (ring, paper)  # a graphic: WCAG's 3:1
    assert not opened.problems, "\n".join(opened.problems)


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_explorer_passes_axes_color_contrast_rule(visit, scheme):
    opened = visit(EXPLORER_PAGE, color_scheme=scheme)
    Reader(opened.page)
    violations = run_axe(opened.page, ".vae-explorer", ["color-contrast"])
    assert violations == [], violations


def _touch_stroke(opened, box, stroke) -> None:
    cdp = opened.context.new_cdp_session(opened.page)
    points = pad_points(box, stroke)
    for kind, point in [("touchStart", points[0])] + [("touchMove", p) for p in points[1:]] + [("touchEnd", None)]:
        touches = [] if point is None else [{"x": point[0], "y": point[1], "id": 1}]
        cdp.send("Input.dispatchTouchEvent", {"type": kind, "touchPoints": touches})


def test_on_a_phone_the_map_the_pad_and_the_loss_terms_share_one_screen_while_a_finger_draws(visit):
    opened = visit(EXPLORER_PAGE, viewport=PHONE, device_scale_factor=3)
    page = opened.page
    Reader(page)
    # As a reader about to draw: the map's top just under whatever the page keeps fixed at the top.
    page.evaluate("""() => { const map = document.querySelector('.vae-explorer__map');
      const covered = Math.max(0, ...[...document.querySelectorAll('body *')].filter(e => ['fixed', 'sticky'].includes(getComputedStyle(e).position)
        && e.getBoundingClientRect().top <= 0 && e.getBoundingClientRect().height < 200).map(e => e.getBoundingClientRect().bottom));
      window.scrollBy(0, map.getBoundingClientRect().top - covered - 4); }""")
    page.wait_for_timeout(200)
    height = page.evaluate("window.innerHeight")
    boxes = {name: page.locator(selector).first.bounding_box() for name, selector in {
        "map": ".vae-explorer__map", "pad": ".vae-encoder__pad", "reconstruction": 'output[data-quantity="reconstruction"]',
        "kl": 'output[data-quantity="kl"]', "sum": 'output[data-quantity="negative_elbo"]'}.items()}
    for name, box in boxes.items():
        assert box["y"] >= 0 and box["y"] + box["height"] <= height, f"{name} is off the screen: {box}, screen {height} px tall"
    scroll = page.evaluate("window.scrollY")
    _touch_stroke(opened, boxes["pad"], ONE)
    assert page.evaluate("window.scrollY") == scroll, "drawing scrolled the page"
    # The pad's encoder is fetched at the first stroke (a file of its own): its terms once it has arrived.
    page.wait_for_function("""() => !document.querySelector('.vae-explorer[data-loading], .vae-explorer [data-loading]')
      && document.querySelector('output[data-quantity="negative_elbo"]').dataset.value""", timeout=30_000)
    terms = [json.loads(page.locator(f'output[data-quantity="{name}"]').first.get_attribute("data-value"))
             for name in ("reconstruction", "kl", "negative_elbo")]
    assert all(np.isfinite(terms)) and terms[2] == pytest.approx(terms[0] + terms[1])
    for name in ("map", "pad", "kl"):  # nothing moved: still all on the screen
        box = page.locator({"map": ".vae-explorer__map", "pad": ".vae-encoder__pad", "kl": 'output[data-quantity="kl"]'}[name]).first.bounding_box()
        assert box["y"] >= 0 and box["y"] + box["height"] <= height, name
    # Dragging the ring instead: the digit it decodes is on the screen with the map.
    page.locator(".vae-explorer__map").first.evaluate("map => map.scrollIntoView({block: 'end'})")
    digit, map_box = (page.locator(s).first.bounding_box() for s in (".vae-explorer__digit", ".vae-explorer__map"))
    assert map_box["y"] + map_box["height"] - digit["y"] <= height, "the digit and the map do not fit one screen"
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE[0], "the page scrolls sideways"
    assert not opened.problems, "\n".join(opened.problems)


@pytest.mark.parametrize("viewport", ["phone", "desktop"])
def test_the_digit_is_square_and_every_slider_shows_its_value(browser, shim_site, viewport):
    url, explorer = shim_site
    context = {"viewport": PHONE, "device_scale_factor": 3} if viewport == "phone" else {}
    opened, reader = _open(browser, url, **context)
    page = opened.page
    box = page.locator(".vae-explorer__digit").bounding_box()
    assert box["width"] == pytest.approx(box["height"], abs=1) and box["width"] >= 100, box
    page.locator(".vae-explorer__interpolation input[type=range]").fill("0.37")
    reader.api("setLatent(1.5, -0.25)")
    reader.next_frame()
    shown = page.locator(".vae-explorer input[type=range]").evaluate_all(
        "inputs => inputs.map(input => [input.dataset.trait, input.closest('label').querySelector('.vae-explorer__value')?.textContent])")
    minus = "\u2212"
    assert shown == [["z", "+1.50"], ["z", f"{minus}0.25"], ["t", "0.37"]], shown
    for value in page.locator(".vae-explorer__value").all():
        assert value.is_visible()
    assert not opened.problems, "\n".join(opened.problems)
    opened.close()


@pytest.mark.parametrize("index", [0, 1, 2], ids=["beta=1", "beta=0", "beta=10"])
def test_q_s_ellipses_are_wider_than_the_cross_at_every_beta_on_the_map_or_in_its_inset(browser, three_models, index):
    opened, reader = _open(browser, three_models)
    page = opened.page
    page.locator(".vae-encoder__models input").nth(index).check()
    page.evaluate("document.querySelector('.vae-explorer').latentExplorer.encoder.clear()")
    draw_stroke(page, ONE)
    reader.next_frame()
    encoder = "document.querySelector('.vae-explorer').latentExplorer.encoder"
    ellipses = {e["k"]: e for e in page.evaluate(f"{encoder}.ellipses")}
    inset = page.evaluate(f"{encoder}.inset")
    css = page.locator(".vae-explorer__map").bounding_box()["width"] / page.evaluate("document.querySelector('.vae-explorer__map').width")
    on_map = max(ellipses[1]["rx"], ellipses[1]["ry"]) * css
    shown = on_map if inset is None else on_map * inset["zoom"]
    assert shown > 2 * CROSS_ARM, f"the 1 sigma ellipse is {shown:.1f} CSS pixels wide where it is drawn"
    if inset is not None:
        assert on_map < 4 * CROSS_ARM, "an inset where the map shows the ellipses well enough"
        # The 1 sigma ellipse is drawn in the inset, in the theme's ink: beside points along it, a pixel nearer the ink than the paper.
        ellipse = next(e for e in page.evaluate(f"{encoder}.insetEllipses") if e["k"] == 1)
        nearer_ink = page.evaluate(
            """e => { const map = document.querySelector('.vae-explorer__map'), context = map.getContext('2d');
              const colour = name => getComputedStyle(map).getPropertyValue(name).match(/\\d+/g).slice(0, 3).map(Number);
              const ink = colour('--vae-ink'), paper = colour('--vae-background'), far = (a, b) => Math.hypot(...a.map((c, i) => c - b[i]));
              let n = 0;
              for (let i = 0; i < 48; i++) {
                const angle = 2 * Math.PI * i / 48, x = Math.round(e.x + e.rx * Math.cos(angle)), y = Math.round(e.y + e.ry * Math.sin(angle));
                const d = context.getImageData(x - 1, y - 1, 3, 3).data;  // the line is 1.5 px wide, antialiased
                const pixels = [0, 1, 2, 3, 4, 5, 6, 7, 8].map(k => [d[4 * k], d[4 * k + 1], d[4 * k + 2]]);
                if (pixels.some(pixel => far(pixel, ink) < far(pixel, paper))) n++;
              }
              return n; }""", ellipse)
        assert nearer_ink >= 40, f"{nearer_ink} of 48 points along q's 1 sigma ellipse are in the ink in the inset"
        ring = reader.api("toCanvas(...document.querySelector('.vae-explorer').latentExplorer.z)")
        mu = page.evaluate(f"{encoder}.posterior.mu")
        for point in (ring, reader.api(f"toCanvas({mu[0]}, {mu[1]})")):
            inside = inset["x"] <= point[0] <= inset["x"] + inset["side"] and inset["y"] <= point[1] <= inset["y"] + inset["side"]
            assert not inside, f"the inset covers {point}"
    assert not opened.problems, "\n".join(opened.problems)
    opened.close()


@pytest.mark.parametrize("t", [0.0, 1.0])
def test_a_and_b_labels_stay_clear_of_the_ring_at_either_end(browser, shim_site, t):
    url, _ = shim_site
    opened, reader = _open(browser, url)
    page = opened.page
    page.locator(".vae-explorer__interpolation input[type=range]").fill(str(t))
    reader.next_frame()
    z = reader.api("z")
    ring = np.array(reader.api(f"toCanvas({z[0]}, {z[1]})"))
    scale = page.evaluate("document.querySelector('.vae-explorer__map').width") / page.locator(".vae-explorer__map").bounding_box()["width"]
    ring_outer = (reader.api("ringRadius") + 4.5 / 2) * scale  # the ring's radius and half its halo
    markers = reader.api("markers")
    at = np.array(markers[int(t)]["at"])
    assert np.allclose(ring, at, atol=1e-6), "the ring is not at the end's mean"
    for marker in markers:
        gap = np.hypot(marker["x"] - ring[0], marker["y"] - ring[1]) - marker["radius"] - ring_outer
        assert gap > 0, f"{marker['label']}'s label overlaps the ring by {-gap:.1f} canvas pixels"
    opened.close()


def test_the_probe_names_the_model_shown(browser, three_models):
    from vae_helpers.widgets.explorer import beta_name

    opened, reader = _open(browser, three_models)
    names = []
    for index in (1, 2, 0):
        opened.page.locator(".vae-encoder__models input").nth(index).check()
        names.append(reader.api("modelName"))
    assert names == [beta_name(0.0), beta_name(10.0), beta_name(1.0)]
    opened.close()
