"""Chapter 8's conditional explorer in the built book, driven as a reader would: press a digit, drag the
style point, draw a stroke, and read the pixels back, which must be what Keras draws. Harness: tests/browser.py.
"""

from __future__ import annotations

import numpy as np
import pytest

from browser import PHONE, browser, site, visit  # noqa: F401  (fixtures)

pytestmark = pytest.mark.slow

PAGE = "book/08_conditional_vae"
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


def _widget(visit, **options):
    page_visit = visit(PAGE, **options)
    page = page_visit.page
    root = page.locator(".vae-cvae").first
    root.scroll_into_view_if_needed()
    page.wait_for_function("() => document.querySelector('.vae-cvae') && document.querySelector('.vae-cvae').conditionalExplorer")
    return page_visit, page, root


def _probe(page, expression: str):
    return page.evaluate(f"() => document.querySelector('.vae-cvae').conditionalExplorer.{expression}")


def _greys(page, selector: str) -> np.ndarray:
    return np.array(page.locator(".vae-cvae").first.evaluate(READ, selector))


def test_the_page_decodes_every_digit_as_keras_does(visit, shipped):
    from vae_helpers.cvae import decode_digits

    page_visit, page, _ = _widget(visit)
    rng = np.random.default_rng(0)
    z, digits = rng.uniform(-3, 3, (40, 2)).astype(np.float32), rng.integers(0, 10, 40)
    decoded = np.array(page.evaluate(
        "cases => cases.map(([z, d]) => document.querySelector('.vae-cvae').conditionalExplorer.decode(z, d))",
        [[point.tolist(), int(d)] for point, d in zip(z, digits)],
    ))
    assert np.abs(decoded - decode_digits(shipped[1], z, digits)).max() <= TOLERANCE
    assert not page_visit.problems, "\n".join(page_visit.problems)


def test_a_key_chooses_the_digit_and_a_drag_moves_the_style_and_the_digit_drawn_is_keras(visit, shipped):
    from vae_helpers.cvae import decode_digits

    page_visit, page, root = _widget(visit)
    root.focus()
    page.keyboard.press("7")
    assert _probe(page, "digit") == 7
    assert page.locator(".vae-cvae__digits button[aria-pressed=true]").inner_text() == "7"
    before = _greys(page, ".vae-cvae__decoded canvas")
    box = page.locator(".vae-cvae__map").bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.mouse.down()
    page.mouse.move(box["x"] + 0.2 * box["width"], box["y"] + 0.3 * box["height"], steps=6)
    page.mouse.up()
    z = np.array(_probe(page, "z"))
    assert z[0] < -1 and z[1] > 1, "the point did not follow the drag"
    greys = _greys(page, ".vae-cvae__decoded canvas")
    expected = decode_digits(shipped[1], z.astype(np.float32), 7)
    assert np.abs(np.array(_probe(page, "pixels")) - expected).max() <= TOLERANCE
    assert np.abs(greys - np.rint(255 * (1 - expected))).max() <= 1  # 8-bit greys: one level of rounding
    assert np.abs(greys - before).max() > 50, "the digit did not change"
    page.keyboard.press("ArrowRight")
    assert _probe(page, "z")[0] > z[0]
    page.locator(".vae-cvae__digits button", has_text="3").click()
    assert _probe(page, "digit") == 3
    assert not page_visit.problems, "\n".join(page_visit.problems)


def test_a_stroke_on_the_pad_is_read_as_the_chosen_digit_and_drawn_as_all_ten(visit, shipped):
    from vae_helpers.cvae import decode_digits, encode_style

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
    expected = decode_digits(shipped[1], style.astype(np.float32), np.arange(10))
    assert np.abs(ten - expected).max() <= TOLERANCE
    for digit in (0, 8):
        greys = _greys(page, f".vae-cvae__yours canvas:nth-child({digit + 1})")
        assert np.abs(greys - np.rint(255 * (1 - expected[digit]))).max() <= 1
    assert "style" in page.locator(".vae-cvae__status").inner_text()
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
