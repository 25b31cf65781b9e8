"""The explorer's drawing pad (vae_helpers/widgets/src/encoder.js): the encoder in the page, q(z | x) on the map.

Python side: the encoder's Dense chain that the page gets, and the other models' float16
weights. Browser side (headless Chromium on the state Python sends, as in test_browser_explorer.py): the
page's encoder against Keras, the MNIST-style preparation of a drawing against a numpy
reference written here, strokes of a 1 and a 0 drawn with the mouse, the ellipses against mu and
sigma, the loss terms against vae_helpers, the model switch, an empty pad.
"""

from __future__ import annotations

import json
import shutil

import numpy as np
import pytest

from vae_helpers.data import load_mnist
from vae_helpers.gaussian import kl_to_standard_normal_formula
from vae_helpers.model import decode, encode, load_pretrained, reconstruction_loss
from vae_helpers.numpy_decoder import NumpyDecoder
from vae_helpers.pretrained import beta_folder
from vae_helpers.widgets.explorer import HALF_PRECISION_TOLERANCE, beta_name, half_precision, pretrained_explorer

from browser import CHROMIUM_ARGS, serve_shim_page
from browser_harness import draw_stroke

ENCODER_TOLERANCE = 1e-4  # float32 weights; the page sums in float64, Keras in float32


@pytest.fixture(scope="module")
def held_out():
    _, (x_test, y_test) = load_mnist("mnist")
    return x_test, y_test


@pytest.fixture(scope="module")
def explorer():
    explorer = pretrained_explorer()
    yield explorer
    explorer.close()


@pytest.fixture(scope="module")
def shipped():
    return {beta: load_pretrained(beta_folder(beta)) for beta in (0.0, 1.0, 10.0)}


# -- a numpy reference for the preparation ------------------------------------------------------


def _box_weights(start: int, length: int, n: int) -> np.ndarray:
    """(n, length): the weight of each source pixel in each of n cells of equal width covering it."""
    edges = np.arange(n + 1) * (length / n)
    pixels = np.arange(length)
    overlap = np.clip(np.minimum(edges[1:, None], pixels + 1) - np.maximum(edges[:-1, None], pixels), 0, None)
    return overlap / (length / n)


def prepare_like_mnist(ink: np.ndarray) -> np.ndarray | None:
    """Bounding box scaled into 20 x 20 (aspect kept, area means), then centre of mass to the middle of 28 x 28."""
    rows, cols = np.nonzero(ink > 0)
    if rows.size == 0:
        return None
    top, left = rows.min(), cols.min()
    height, width = rows.max() - top + 1, cols.max() - left + 1
    scale = 20 / max(height, width)
    n_rows, n_cols = (max(1, int(np.floor(side * scale + 0.5))) for side in (height, width))
    box = ink[top : top + height, left : left + width]
    small = _box_weights(top, height, n_rows) @ box @ _box_weights(left, width, n_cols).T
    centre_row = (small.sum(axis=1) @ (np.arange(n_rows) + 0.5)) / small.sum()
    centre_col = (small.sum(axis=0) @ (np.arange(n_cols) + 0.5)) / small.sum()
    shift_row = int(np.clip(np.floor(14 - centre_row + 0.5), 0, 28 - n_rows))
    shift_col = int(np.clip(np.floor(14 - centre_col + 0.5), 0, 28 - n_cols))
    x = np.zeros((28, 28))
    x[shift_row : shift_row + n_rows, shift_col : shift_col + n_cols] = np.minimum(small, 1)
    return x.ravel()


def test_the_reference_preparation_puts_a_square_into_20_by_20_centred():
    ink = np.zeros((112, 112))
    ink[10:50, 60:70] = 1.0  # 40 tall, 10 wide: 20 x 5 after scaling
    x = prepare_like_mnist(ink).reshape(28, 28)
    rows, cols = np.nonzero(x)
    # Centre of mass 10 and 2.5 pixels into the box: shifted by 14 - 10 = 4 rows, and 14 - 2.5 = 11.5, rounded to 12, columns.
    assert (rows.min(), rows.max(), cols.min(), cols.max()) == (4, 23, 12, 16)
    np.testing.assert_allclose(x[4:24, 12:17], 1.0)
    assert prepare_like_mnist(np.zeros((112, 112))) is None


# -- what Python sends ---------------------------------------------------------------------------


def test_the_encoders_dense_chain_gives_mu_and_log_var_like_keras(shipped, held_out):
    encoder = shipped[1.0][0]
    chain = NumpyDecoder.from_keras_encoder(encoder)
    assert [kernel.shape for kernel, _, _ in chain.layers][-1] == (256, 4)
    x = held_out[0][:500]
    np.testing.assert_allclose(chain.logits(x.astype(np.float64)), np.concatenate(encode(encoder, x), axis=1), atol=1e-4, rtol=0)


def test_the_page_gets_the_encoder_at_float32_and_the_other_models_at_float16_within_tolerance(explorer, shipped, held_out):
    chain = NumpyDecoder.from_keras_encoder(shipped[1.0][0])
    for sent, (kernel, bias, activation) in zip(explorer.encoder_layers, chain.layers):
        assert sent["dtype"] == "float32" and sent["activation"] == activation
        np.testing.assert_array_equal(np.frombuffer(sent["kernel"], "<f4").reshape(kernel.shape), kernel.astype(np.float32))
    assert [model["name"] for model in explorer.models] == [beta_name(0.0), beta_name(10.0)]
    images = held_out[0]
    halves = 0
    for model, beta in zip(explorer.models, (0.0, 10.0)):
        encoder, decoder = shipped[beta]
        means = encode(encoder, images)[0]
        expected = decode(decoder, means)  # Keras, float32
        half_means = half_precision(NumpyDecoder.from_keras_encoder(encoder)).logits(images.astype(np.float64))[:, :2]
        errors = {
            "decoder_layers": np.abs(half_precision(NumpyDecoder.from_keras(decoder)).decode(means) - expected).max(),
            "encoder_layers": np.abs(decode(decoder, half_means) - expected).max(),
        }
        for key, error in errors.items():
            dtypes = {layer["dtype"] for layer in model[key]}
            assert dtypes == ({"float16"} if error <= HALF_PRECISION_TOLERANCE - 1e-4 else {"float32"} if error > HALF_PRECISION_TOLERANCE + 1e-4 else dtypes)
            halves += dtypes == {"float16"}
    assert halves >= 3  # the check lets float16 through where it can


# -- the page ----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def page(explorer, tmp_path_factory):
    executable = shutil.which("chromium")
    if executable is None:
        pytest.skip("no chromium on the PATH")
    from playwright.sync_api import sync_playwright

    server = serve_shim_page(explorer, tmp_path_factory.mktemp("encoder-shim"))
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, headless=True, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        errors = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.goto(f"http://127.0.0.1:{server.server_port}/index.html")
        page.wait_for_selector(".vae-explorer[data-state=ready]", timeout=20_000)
        page.errors = errors
        yield page
        browser.close()
    server.shutdown()
    server.server_close()


def pad(page, expression: str):
    return page.evaluate(f"document.querySelector('.vae-explorer').latentExplorer.encoder.{expression}")


def draw(page, strokes) -> None:
    """Strokes as lists of (x, y) in [0, 1] of the pad's box, drawn with the mouse."""
    pad(page, "clear()")
    for stroke in strokes:
        draw_stroke(page, stroke)


def switch(page, index: int) -> None:
    page.locator(".vae-encoder__models input").nth(index).check()


def no_nan_on_the_page(page) -> bool:
    return "NaN" not in page.evaluate("document.body.innerText") and not page.errors


def test_the_page_encodes_held_out_digits_as_keras_does(page, shipped, held_out):
    switch(page, 0)
    x = held_out[0][:20]
    got = np.array([pad(page, f"encode({json.dumps(image.tolist())})") for image in x])
    np.testing.assert_allclose(got, np.concatenate(encode(shipped[1.0][0], x), axis=1), atol=ENCODER_TOLERANCE, rtol=0)


ONE = [[(0.52, 0.12), (0.50, 0.5), (0.47, 0.88)]]
ZERO = [[(0.5 + 0.28 * np.sin(a), 0.5 - 0.38 * np.cos(a)) for a in np.linspace(0, 2 * np.pi, 40)]]


@pytest.mark.parametrize("strokes, label", [(ONE, 1), (ZERO, 0)], ids=["one", "zero"])
def test_a_drawn_digit_lands_among_its_kind(page, strokes, label):
    switch(page, 0)
    draw(page, strokes)
    mu = pad(page, "posterior")["mu"]
    neighbours = pad(page, f"nearestLabels({mu[0]}, {mu[1]}, 25)")
    assert np.bincount(neighbours, minlength=10).argmax() == label, neighbours
    assert no_nan_on_the_page(page)


def test_the_drawing_is_prepared_like_mnist_and_the_ellipses_are_mu_and_sigma(page, shipped):
    switch(page, 0)
    draw(page, ZERO)
    ink = np.array(pad(page, "ink")).reshape(112, 112)
    x = np.array(pad(page, "x"))
    np.testing.assert_allclose(x, prepare_like_mnist(ink), atol=1e-6)
    assert x.max() > 0.9  # strokes as dark as MNIST's cores
    mu, log_var = (array[0] for array in encode(shipped[1.0][0], x[None]))
    sigma = np.exp(0.5 * log_var)
    posterior = pad(page, "posterior")
    np.testing.assert_allclose(posterior["mu"], mu, atol=ENCODER_TOLERANCE)
    np.testing.assert_allclose(posterior["sigma"], sigma, rtol=1e-4)
    root = "document.querySelector('.vae-explorer').latentExplorer"
    centre = page.evaluate(f"{root}.toCanvas({mu[0]}, {mu[1]})")
    per_unit = page.evaluate(f"{root}.toCanvas(1, 0)[0] - {root}.toCanvas(0, 0)[0]")
    ellipses = {e["k"]: e for e in pad(page, "ellipses")}
    assert set(ellipses) == {1, 2}
    for k, ellipse in ellipses.items():
        np.testing.assert_allclose([ellipse["x"], ellipse["y"]], centre, atol=1e-2)
        np.testing.assert_allclose([ellipse["rx"], ellipse["ry"]], k * sigma * per_unit, rtol=1e-3)


def test_the_loss_terms_are_vae_helpers_ones(page, shipped):
    encoder, decoder = shipped[1.0]
    switch(page, 0)
    draw(page, ONE)
    pad(page, "setEpsilon(0.7, -1.3)")
    x = np.array(pad(page, "x"), dtype=np.float32)[None]
    mu, log_var = encode(encoder, x)
    z = mu + np.exp(0.5 * log_var) * np.array([[0.7, -1.3]])
    shown = {name: json.loads(page.locator(f'output[data-quantity="{name}"]').get_attribute("data-value"))
             for name in ("reconstruction", "kl", "negative_elbo", "sample_z")}
    np.testing.assert_allclose(shown["sample_z"], z[0], atol=1e-4)
    expected_reconstruction = float(reconstruction_loss(x, decoder(z.astype(np.float32)))[0])
    expected_kl = float(kl_to_standard_normal_formula(mu, log_var)[0])
    assert shown["reconstruction"] == pytest.approx(expected_reconstruction, abs=0.05)
    assert shown["kl"] == pytest.approx(expected_kl, abs=1e-3)
    assert shown["negative_elbo"] == pytest.approx(shown["reconstruction"] + shown["kl"], abs=1e-9)


def test_the_importance_weighted_estimate_is_vae_helpers_one_with_the_same_draws(page, shipped):
    from vae_helpers.iwae import importance_weighted_bound

    encoder, decoder = shipped[1.0]
    switch(page, 0)
    draw(page, ZERO)
    x = np.array(pad(page, "x"), dtype=np.float32)[None]
    k, seed = 64, 5
    # importance_weighted_bound draws eps for one image as standard_normal((1, k, 2)) from default_rng(seed).
    epsilons = np.random.default_rng(seed).standard_normal((1, k, 2))[0]
    got = pad(page, f"importanceWeighted({json.dumps(epsilons.tolist())})")
    assert got == pytest.approx(float(importance_weighted_bound(encoder, decoder, x, k, seed=seed)[0]), abs=0.05)
    page.locator(".vae-encoder__iw button").click()
    shown = page.locator('output[data-quantity="log_marginal"]')
    assert np.isfinite(json.loads(shown.get_attribute("data-value")))


@pytest.mark.parametrize("index, beta", [(1, 0.0), (2, 10.0), (0, 1.0)])
def test_the_model_switch_shows_that_models_codes_and_encoder(page, shipped, held_out, index, beta):
    draw(page, ONE)
    switch(page, index)
    assert pad(page, "modelIndex") == index
    encoder = shipped[beta][0]
    limit = page.evaluate("document.querySelector('.vae-explorer').latentExplorer.encoder.limit")
    means = np.array(pad(page, "means")).reshape(-1, 2)
    np.testing.assert_allclose(means, encode(encoder, held_out[0])[0], atol=limit / 65535 + 1e-3)
    x = np.array(pad(page, "x"), dtype=np.float32)[None]
    np.testing.assert_allclose(pad(page, "posterior")["mu"], encode(encoder, x)[0][0], atol=0.02)  # float16 weights
    assert no_nan_on_the_page(page)


def test_an_empty_pad_draws_nothing_and_says_so(page):
    switch(page, 0)
    pad(page, "clear()")
    assert pad(page, "posterior") is None and pad(page, "ellipses") == [] and pad(page, "samples") == []
    assert "empty" in page.locator(".vae-encoder__status").inner_text()
    values = page.locator(".vae-encoder output").evaluate_all("outputs => outputs.map(o => o.textContent)")
    assert values and all(value.startswith("\u2014") for value in values)
    assert page.locator(".vae-encoder__iw button").is_disabled()
    assert no_nan_on_the_page(page)


def test_a_finger_draws_on_the_pad_and_does_not_scroll_the_page(page):
    """Touch events as a phone sends them (Chrome DevTools Protocol): the stroke draws a 1, the page stays put."""
    context = page.context.browser.new_context(viewport={"width": 390, "height": 844}, has_touch=True, is_mobile=True)
    phone = context.new_page()
    try:
        phone.goto(page.url)
        phone.wait_for_selector(".vae-explorer[data-state=ready]", timeout=20_000)
        pad_box = phone.locator(".vae-encoder__pad")
        pad_box.scroll_into_view_if_needed()
        box, scrolled = pad_box.bounding_box(), phone.evaluate("window.scrollY")
        cdp = context.new_cdp_session(phone)
        points = [(box["x"] + box["width"] * 0.5, box["y"] + box["height"] * v) for v in np.linspace(0.12, 0.88, 12)]
        for kind, point in [("touchStart", points[0])] + [("touchMove", p) for p in points[1:]] + [("touchEnd", None)]:
            touches = [] if point is None else [{"x": point[0], "y": point[1], "id": 1}]
            cdp.send("Input.dispatchTouchEvent", {"type": kind, "touchPoints": touches})
        assert phone.evaluate("window.scrollY") == scrolled
        mu = pad(phone, "posterior")["mu"]
        neighbours = pad(phone, f"nearestLabels({mu[0]}, {mu[1]}, 25)")
        assert np.bincount(neighbours, minlength=10).argmax() == 1, neighbours
    finally:
        context.close()


def test_the_button_draws_the_true_posterior_of_the_drawn_digit_where_quadrature_puts_it(page, shipped):
    from scipy.special import softmax

    from vae_helpers.elbo import posterior_grids

    switch(page, 0)
    draw(page, ZERO)
    button = page.locator(".vae-encoder button", has_text="true p(z | x)")
    assert pad(page, "truePosterior") is None and button.is_enabled()
    root = "document.querySelector('.vae-explorer').latentExplorer"
    x = np.array(pad(page, "x"), dtype=np.float64)[None]
    grid = posterior_grids(NumpyDecoder.from_keras(shipped[1.0][1]), x)[0]
    mode = grid.z[np.argmax(grid.log_joint)]
    # The map's pixels around the mode (its diamond and the shading), and the inset's shaded pixels: the theme's
    # ink over its background at the two opacities of encoder.js's SHADES, computed here from the two colours.
    around = f"(() => {{ const [x, y] = {root}.toCanvas({mode[0]}, {mode[1]});" \
             " return Array.from(document.querySelector('.vae-explorer__map').getContext('2d').getImageData(x - 6, y - 6, 13, 13).data); })()"
    ink, background = (np.array(page.evaluate(
        f"getComputedStyle(document.querySelector('.vae-explorer')).getPropertyValue('--vae-{name}').match(/\\d+/g).slice(0, 3).map(Number)"))
        for name in ("ink", "background"))
    shades = [np.rint(alpha / 255 * ink + (1 - alpha / 255) * background).tolist() for alpha in (150, 70)]
    shaded = f"(() => {{ const inset = {root}.encoder.inset; if (!inset) return null; const shades = {json.dumps(shades)};" \
             " const d = document.querySelector('.vae-explorer__map').getContext('2d')" \
             ".getImageData(inset.x, inset.y, inset.side, inset.side).data; let n = 0;" \
             " for (let k = 0; k < d.length; k += 4) if (shades.some(s => s.every((c, i) => Math.abs(d[k + i] - c) <= 3))) n++; return n; })()"
    before = np.array(page.evaluate(around))
    count = page.evaluate(shaded)
    # No inset, or q alone in it: q is drawn in the same ink, so a few dozen of its anti-aliased edge pixels match.
    assert count is None or count < 200
    button.click()
    shown = page.locator('output[data-quantity="log_marginal_grid"]')
    page.wait_for_function("el => el.dataset.value !== ''", arg=shown.element_handle(), timeout=30_000)
    true_posterior = pad(page, "truePosterior")
    np.testing.assert_allclose(true_posterior["mode"], mode, atol=0.03)  # a cell or two of either grid
    np.testing.assert_allclose(true_posterior["mean"], softmax(grid.log_joint + grid.log_area) @ grid.z, atol=2e-3)
    assert json.loads(shown.get_attribute("data-value")) == pytest.approx(grid.log_marginal, abs=0.01)
    assert not true_posterior["reachesEdge"] and button.is_disabled()
    changed = (np.array(page.evaluate(around)) != before).reshape(-1, 4).any(axis=1).sum()
    assert changed > 10  # the diamond and the shading on the map, beneath q's cross
    # The shaded regions, in the inset: hundreds of pixels, not a diamond's few dozen nor q's edges.
    assert page.evaluate(shaded) > max(500, 5 * (count or 0))
    draw(page, ONE)  # another digit: the shading goes, the button comes back
    assert pad(page, "truePosterior") is None and button.is_enabled()
    assert no_nan_on_the_page(page)
