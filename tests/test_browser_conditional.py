"""Chapter 8's conditional explorer in the built book, driven as a reader would: press a digit, drag the
style point, draw a stroke, and read the pixels back, which must be what Keras draws (with the decoder's weights
rounded to float16 where the page carries them so: within 0.02 of Keras everywhere); its map, legend and frames
in the theme's colours, light or dark, following a switch without a reload. Harness: tests/browser.py.
"""

from __future__ import annotations

import numpy as np
import pytest

from browser import PHONE, browser, page_decoder_dtype, run_axe, site, visit  # noqa: F401  (fixtures)
from test_browser_panels import TEXT_CONTRAST, _contrast, _luminance, _switch_scheme

pytestmark = pytest.mark.slow

PAGE = "book/08_conditional_vae"
# The same widget in its two static homes: the chapter ({widget} directive) and notebook 08's page (its saved state).
PAGES = [PAGE, "notebooks/08_conditional_vae"]
TOLERANCE = 1e-4  # pixel probabilities and style codes, the page's float64 sums of float32 weights against Keras
READ = """(root, selector) => {
  const canvas = root.querySelector(selector);
  const data = canvas.getContext("2d").getImageData(0, 0, canvas.width, canvas.height).data;
  const cell = canvas.width / 28, greys = [];
  for (let row = 0; row < 28; row++)
    for (let col = 0; col < 28; col++)
      greys.push(data[4 * (Math.floor((row + 0.5) * cell) * canvas.width + Math.floor((col + 0.5) * cell))]);
  return greys;
}"""


@pytest.fixture(scope="module")
def shipped():
    from vae_helpers.cvae import load_pretrained

    return load_pretrained()


@pytest.fixture(scope="module")
def page_decoder(shipped):
    """``decode(page, z, digits)``: what a page draws, the shipped decoder at the precision the page
    carries it in (float16 where that moves its decodes by <= 0.02: book/_ext/site_assets.py)."""
    from vae_helpers.cvae import decode_digits
    from vae_helpers.numpy_decoder import half_precision
    from vae_helpers.widgets.conditional import conditional_chains

    halved = half_precision(conditional_chains(*shipped)[1])

    def decode(page, z, digits):
        dtype = page_decoder_dtype(page, "code_labels")
        if dtype != "float16":
            return decode_digits(shipped[1], z, digits)
        z, digits = np.asarray(z, np.float64), np.asarray(digits)
        points, labels = np.atleast_2d(z), np.atleast_1d(digits)
        n = max(len(points), len(labels))
        out = halved.decode(np.hstack([np.broadcast_to(points, (n, points.shape[1])), np.eye(10)[np.broadcast_to(labels, (n,))]]))
        return out[0] if z.ndim == 1 and digits.ndim == 0 else out

    return decode


@pytest.fixture(scope="module")
def book_explorer():
    """The widget the page shows, built as the {widget} directive builds it: its codes, labels and colours."""
    from vae_helpers.widgets.conditional import conditional_explorer

    return conditional_explorer()


def _widget(visit, page=PAGE, **options):
    page_visit = visit(page, **options)
    page = page_visit.page
    root = page.locator(".vae-cvae").first
    root.scroll_into_view_if_needed()
    page.wait_for_function("() => document.querySelector('.vae-cvae') && document.querySelector('.vae-cvae').conditionalExplorer")
    return page_visit, page, root


def _probe(page, expression: str):
    return page.evaluate(f"() => document.querySelector('.vae-cvae').conditionalExplorer.{expression}")


def _greys(page, selector: str) -> np.ndarray:
    return np.array(page.locator(".vae-cvae").first.evaluate(READ, selector))


@pytest.mark.parametrize("home", PAGES)
def test_the_page_decodes_every_digit_as_keras_does(visit, shipped, page_decoder, home):
    page_visit, page, _ = _widget(visit, home)
    rng = np.random.default_rng(0)
    z, digits = rng.uniform(-3, 3, (40, 2)).astype(np.float32), rng.integers(0, 10, 40)
    decoded = np.array(page.evaluate(
        "cases => cases.map(([z, d]) => document.querySelector('.vae-cvae').conditionalExplorer.decode(z, d))",
        [[point.tolist(), int(d)] for point, d in zip(z, digits)],
    ))
    assert np.abs(decoded - page_decoder(page, z, digits)).max() <= TOLERANCE
    from vae_helpers.cvae import decode_digits
    from vae_helpers.numpy_decoder import HALF_PRECISION_TOLERANCE

    assert np.abs(decoded - decode_digits(shipped[1], z, digits)).max() <= HALF_PRECISION_TOLERANCE
    assert not page_visit.problems, "\n".join(page_visit.problems)


@pytest.mark.parametrize("home", PAGES)
def test_a_key_chooses_the_digit_and_a_drag_moves_the_style_and_the_digit_drawn_is_keras(visit, page_decoder, home):
    page_visit, page, root = _widget(visit, home)
    root.focus()
    page.keyboard.press("5")
    assert _probe(page, "digit") == 5
    assert page.locator(".vae-cvae__digits button[aria-pressed=true]").inner_text() == "5"
    before = _greys(page, ".vae-cvae__decoded canvas")
    box = page.locator(".vae-cvae__map").bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.mouse.down()
    page.mouse.move(box["x"] + 0.2 * box["width"], box["y"] + 0.3 * box["height"], steps=6)
    page.mouse.up()
    z = np.array(_probe(page, "z"))
    assert z[0] < -1 and z[1] > 1, "the point did not follow the drag"
    greys = _greys(page, ".vae-cvae__decoded canvas")
    expected = page_decoder(page, z.astype(np.float32), 5)
    assert np.abs(np.array(_probe(page, "pixels")) - expected).max() <= TOLERANCE
    assert np.abs(greys - np.rint(255 * (1 - expected))).max() <= 1  # 8-bit greys: one level of rounding
    assert np.abs(greys - before).max() > 50, "the digit did not change"
    page.keyboard.press("ArrowRight")
    assert _probe(page, "z")[0] > z[0]
    page.locator(".vae-cvae__digits button", has_text="3").click()
    assert _probe(page, "digit") == 3
    assert not page_visit.problems, "\n".join(page_visit.problems)


def test_a_stroke_on_the_pad_is_read_as_the_chosen_digit_and_drawn_as_all_ten(visit, shipped, page_decoder, book_explorer):
    from vae_helpers.cvae import encode_style

    page_visit, page, root = _widget(visit)
    assert "empty" in page.locator(".vae-cvae__status").inner_text()
    page.locator(".vae-cvae__digits button", has_text="1").click()
    pad = page.locator(".vae-cvae__pad").bounding_box()
    page.mouse.move(pad["x"] + 0.55 * pad["width"], pad["y"] + 0.15 * pad["height"])
    page.mouse.down()
    page.mouse.move(pad["x"] + 0.45 * pad["width"], pad["y"] + 0.85 * pad["height"], steps=10)
    page.mouse.up()
    x = np.array(_probe(page, "x"))
    style = np.array(_probe(page, "style"))
    expected_style = encode_style(shipped[0], x[None, :], 1)[0][0]
    assert np.abs(style - expected_style).max() <= TOLERANCE * (1 + np.abs(expected_style).max())
    ten = np.array(_probe(page, "handwriting"))
    expected = page_decoder(page, style.astype(np.float32), np.arange(10))
    assert np.abs(ten - expected).max() <= TOLERANCE
    for digit in (0, 8):
        greys = _greys(page, f".vae-cvae__small:nth-child({digit + 1}) canvas")
        assert np.abs(greys - np.rint(255 * (1 - expected[digit]))).max() <= 1
    assert "style" in page.locator(".vae-cvae__status").inner_text()
    # The style's cross on the map, at the style, in the theme's ink (no digit's colour: vae_helpers/palette.py).
    limit = book_explorer.limit
    column, row = (int(np.floor(300 * (limit + sign * value) / (2 * limit))) for sign, value in ((1, style[0]), (-1, style[1])))
    at_cross = page.locator(".vae-cvae__map").first.evaluate(
        "(canvas, [x, y]) => Array.from(canvas.getContext('2d').getImageData(x, y, 1, 1).data).slice(0, 3)", [column, row])
    ink = root.evaluate("root => { const probe = document.createElement('span'); probe.style.color = 'var(--vae-ink)'; root.append(probe);"
                        " const rgb = getComputedStyle(probe).color; probe.remove(); return rgb.match(/\\d+/g).slice(0, 3).map(Number); }")
    assert at_cross == ink, f"the map shows {at_cross} at the style {style}, not the cross's {ink}"
    assert not page_visit.problems, "\n".join(page_visit.problems)


def test_on_a_phone_the_widget_fits_the_screen_and_a_finger_draws(visit):
    page_visit, page, root = _widget(visit, viewport=PHONE)
    assert page.evaluate("() => { const r = document.querySelector('.vae-cvae'); return r.scrollWidth <= r.clientWidth + 1; }")
    for selector in (".vae-cvae__map", ".vae-cvae__pad", ".vae-cvae__decoded canvas"):
        box = page.locator(selector).bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE[0], f"{selector} reaches off the screen"
    buttons = page.locator(".vae-cvae__digits button")
    assert all(buttons.nth(k).bounding_box()["height"] >= 36 for k in range(10)), "a digit button is too small for a finger"
    pad = page.locator(".vae-cvae__pad").bounding_box()
    cdp = page_visit.context.new_cdp_session(page)
    x, y = pad["x"] + pad["width"] / 2, pad["y"] + 0.2 * pad["height"]
    cdp.send("Input.dispatchTouchEvent", {"type": "touchStart", "touchPoints": [{"x": x, "y": y}]})
    for k in range(1, 9):
        cdp.send("Input.dispatchTouchEvent", {"type": "touchMove", "touchPoints": [{"x": x, "y": y + 0.6 * pad["height"] * k / 8}]})
    cdp.send("Input.dispatchTouchEvent", {"type": "touchEnd", "touchPoints": []})
    page.wait_for_timeout(100)
    assert _probe(page, "style") is not None, "a finger's stroke drew nothing"
    assert not page_visit.problems, "\n".join(page_visit.problems)


# -- the map's colours, its legend, light and dark ---------------------------------------------------

MAP_PIXELS = """canvas => Array.from(canvas.getContext("2d").getImageData(0, 0, canvas.width, canvas.height).data)"""
ALPHA = {"chosen": 1.0, "other": 0.25}  # conditional.js: the chosen digit's codes opaque, the others faint


def _hex_rgb(colour: str) -> np.ndarray:
    return np.array([int(colour[k:k + 2], 16) for k in (1, 3, 5)], dtype=float)


def _page_background(page) -> np.ndarray:
    return np.array(page.evaluate("() => getComputedStyle(document.body).backgroundColor.match(/\\d+/g).slice(0, 3).map(Number)"), dtype=float)


def _isolated_dots(explorer, side: int) -> list[tuple[int, int, int]]:
    """Codes whose dot no other dot nor the style point's ring touches: (column, row, label) of the pixel at its centre.

    Positions from the state Python sends (16-bit codes over [-limit, limit]), as the page maps them onto its canvas.
    """
    quantised = np.frombuffer(explorer.codes, "<u2").reshape(-1, 2) / 65535
    labels = np.frombuffer(explorer.code_labels, np.uint8)
    at = np.column_stack([quantised[:, 0] * side, (1 - quantised[:, 1]) * side])
    distance = np.hypot(*(at[:, None, :] - at[None, :, :]).transpose(2, 0, 1))
    np.fill_diagonal(distance, np.inf)
    ring = np.hypot(*(at - side / 2).T)  # the style point starts at z = (0, 0), the map's centre
    alone = (distance.min(axis=1) > 4) & (ring > 14)
    return [(int(x), int(y), int(label)) for (x, y), label in zip(at[alone], labels[alone])]


def _assert_map_draws_each_label_in_its_legend_colour(page, explorer, chosen: int) -> np.ndarray:
    """Every isolated dot of the map is its label's colour (the legend's) over the page's background; returns the background."""
    background = _page_background(page)
    map_canvas = page.locator(".vae-cvae__map").first
    side = map_canvas.evaluate("canvas => canvas.width")
    assert side == 300, "the test reads the map at one canvas pixel per CSS pixel"
    pixels = np.array(map_canvas.evaluate(MAP_PIXELS)).reshape(side, side, 4)[..., :3]
    colours, counts = np.unique(pixels.reshape(-1, 3), axis=0, return_counts=True)
    assert np.abs(colours[counts.argmax()] - background).max() <= 1, "the map's empty space is not the page's background"
    legend = page.locator(".vae-cvae .vae-panel__legend--labels li")
    legend_colours = legend.evaluate_all(
        "items => items.map(item => getComputedStyle(item.querySelector('span')).backgroundColor.match(/\\d+/g).slice(0, 3).map(Number))")
    assert legend.all_inner_texts() == [str(d) for d in range(10)]
    np.testing.assert_array_equal(np.array(legend_colours), [_hex_rgb(c) for c in explorer.label_colours])
    dots = _isolated_dots(explorer, side)
    assert len({label for _, _, label in dots}) == 10, "too few isolated dots to see every label"
    for x, y, label in dots:
        alpha = ALPHA["chosen" if label == chosen else "other"]
        expected = alpha * np.array(legend_colours[label]) + (1 - alpha) * background
        assert np.abs(pixels[y, x] - expected).max() <= 2, f"the dot of a {label} at ({x}, {y}) is {pixels[y, x]}, not {expected}"
    return background


@pytest.mark.parametrize("home", PAGES)
def test_the_map_draws_each_digit_in_its_legend_colour_on_the_themes_background_and_follows_a_switch(visit, book_explorer, home):
    """On the notebook's page too, where the theme would set a widget on a light card in dark mode."""
    page_visit, page, root = _widget(visit, home, color_scheme="dark")
    assert page.evaluate("() => document.documentElement.dataset.theme") == "dark"
    root.focus()
    page.keyboard.press("4")
    assert page.locator(".vae-cvae .vae-panel__legend--labels li[data-chosen]").all_inner_texts() == ["4"]
    dark = _assert_map_draws_each_label_in_its_legend_colour(page, book_explorer, chosen=4)
    assert _luminance(dark) < 0.05, f"the page is not dark: {dark}"
    # The ring at the style point, in the theme's ink: as legible as text on the map.
    ring = np.array(page.locator(".vae-cvae__map").first.evaluate(  # z = (0, 0), the centre; the ring's radius is 7 px
        "canvas => Array.from(canvas.getContext('2d').getImageData(150 + 7, 150, 1, 1).data).slice(0, 3)"))
    assert _contrast(ring, dark) >= TEXT_CONTRAST, f"the ring {ring} is hard to see on {dark}"
    _switch_scheme(page_visit, "light")
    light = _assert_map_draws_each_label_in_its_legend_colour(page, book_explorer, chosen=4)
    assert _luminance(light) > 0.8, f"the map did not turn light: {light}"
    assert not page_visit.problems, "\n".join(page_visit.problems)


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("home", PAGES)
def test_the_widget_passes_axes_contrast_and_target_size_rules_and_frames_its_digits(visit, scheme, home):
    page_visit, page, root = _widget(visit, home, color_scheme=scheme)
    pad = page.locator(".vae-cvae__pad").bounding_box()  # ink on the pad: the status and the ten digits show
    page.mouse.move(pad["x"] + 0.5 * pad["width"], pad["y"] + 0.2 * pad["height"])
    page.mouse.down()
    page.mouse.move(pad["x"] + 0.5 * pad["width"], pad["y"] + 0.8 * pad["height"], steps=5)
    page.mouse.up()
    assert run_axe(page, ".vae-cvae", ["color-contrast", "target-size"]) == []
    background = _page_background(page)
    frames = page.evaluate("""() => [".vae-cvae__map", ".vae-cvae__decoded canvas", ".vae-cvae__pad", ".vae-cvae__small canvas"]
      .map(selector => getComputedStyle(document.querySelector(selector)).borderTopColor.match(/\\d+/g).slice(0, 3).map(Number))""")
    for frame in frames:  # a frame is a graphic: 3:1 (WCAG 1.4.11)
        assert _contrast(frame, background) >= 3, f"{scheme}: a frame {frame} on {background}"
    # The digits themselves stay ink on white paper, as MNIST's images are.
    paper = _greys(page, ".vae-cvae__small:nth-child(1) canvas")
    assert paper.max() == 255
    assert not page_visit.problems, "\n".join(page_visit.problems)


def test_on_a_phone_the_legend_reads_in_two_rows_of_five_under_the_map(visit):
    page_visit, page, root = _widget(visit, viewport=PHONE)
    items = page.locator(".vae-cvae .vae-panel__legend--labels li")
    boxes = [items.nth(k).bounding_box() for k in range(10)]
    rows = sorted({round(box["y"]) for box in boxes})
    assert len(rows) == 2 and [round(box["y"]) for box in boxes] == [rows[0]] * 5 + [rows[1]] * 5
    assert all(0 <= box["x"] and box["x"] + box["width"] <= PHONE[0] for box in boxes)
    map_box = page.locator(".vae-cvae__map").bounding_box()
    assert rows[0] >= map_box["y"] + map_box["height"], "the legend is not under the map"
    assert items.first.evaluate("item => parseFloat(getComputedStyle(item).fontSize)") >= 13
    assert not page_visit.problems, "\n".join(page_visit.problems)
