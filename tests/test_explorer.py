"""vae_helpers.explorer: the live latent explorer, driven as a reader would drive it.

Each test sets a widget (slider, map click, button, dropdown) and checks what the explorer
now shows against an independent computation: the Keras decoder (``model.decode``), the
encoder's means, the pixel positions of the map's axes read off the map image itself.
"""

import io
import warnings

import keras
import numpy as np
import pytest
from PIL import Image

from vae_helpers.data import load_mnist
from vae_helpers.explorer import (
    LatentExplorer,
    NumpyDecoder,
    UnsupportedDecoderError,
    naive_explorer,
    time_slider_updates,
)
from vae_helpers.model import build_decoder, build_encoder, decode, encode, load_pretrained


@pytest.fixture(scope="module")
def models():
    return load_pretrained()


@pytest.fixture(scope="module")
def held_out():
    _, (x_test, y_test) = load_mnist("bundled")
    return x_test[:400], y_test[:400]


@pytest.fixture()
def explorer(models, held_out):
    explorer = LatentExplorer(*models, *held_out, seed=3)
    yield explorer
    explorer.close()


def png_pixels(data: bytes) -> np.ndarray:
    """What the front end shows: the PNG bytes of an Image widget, decoded (grey levels or RGB)."""
    image = Image.open(io.BytesIO(data))
    return np.asarray(image.convert("RGB" if image.mode == "P" else "L"))


def axes_box(rgb: np.ndarray) -> tuple[float, float, float, float]:
    """The map's axes frame found in its pixels: (left, right, top, bottom) centres of the four dark spines."""
    dark = rgb.astype(int).sum(axis=2) < 300

    def two_lines(counts):
        lines = np.flatnonzero(counts > 0.5 * counts.max())
        groups = np.split(lines, np.flatnonzero(np.diff(lines) > 1) + 1)
        assert len(groups) == 2, f"expected two spines, found {len(groups)}"
        # A spine's pixel column c spans [c, c + 1): its centre is c + 0.5.
        return [float(np.average(group, weights=counts[group])) + 0.5 for group in groups]

    left, right = two_lines(dark.sum(axis=0))
    top, bottom = two_lines(dark.sum(axis=1))
    return left, right, top, bottom


def press(explorer, x, y):
    """The message ipyevents sends for a mouse press on the map (dataX, dataY: image pixels)."""
    explorer.map_click._handle_mouse_msg(None, {"type": "mousedown", "dataX": x, "dataY": y, "buttons": 1}, [])


def move(explorer, x, y, buttons):
    explorer.map_drag._handle_mouse_msg(None, {"type": "mousemove", "dataX": x, "dataY": y, "buttons": buttons}, [])


def pixel_of(z, limit, box):
    """Where latent z should sit on the map: linear between the spines, z2 upwards."""
    left, right, top, bottom = box
    return left + (z[0] + limit) / (2 * limit) * (right - left), bottom - (z[1] + limit) / (2 * limit) * (bottom - top)


def test_numpy_decoder_agrees_with_the_keras_decoder(models):
    _, decoder = models
    z = np.random.default_rng(0).uniform(-6, 6, size=(500, 2))
    np.testing.assert_allclose(NumpyDecoder.from_keras(decoder).decode(z), decode(decoder, z), atol=1e-5, rtol=0)
    np.testing.assert_allclose(NumpyDecoder.from_keras(decoder).decode(z[7]), decode(decoder, z[7]), atol=1e-5, rtol=0)


def test_numpy_decoder_is_the_forward_pass_written_out():
    kernel1, bias1 = np.array([[1.0, -2.0, 0.5]]), np.array([0.0, 1.0, -1.0])
    kernel2, bias2 = np.array([[1.0], [1.0], [2.0]]), np.array([-0.5])
    decoder = NumpyDecoder([(kernel1, bias1, "relu"), (kernel2, bias2, "linear")])
    # z = 1: hidden = relu(1, -1, -0.5) = (1, 0, 0); logit = 1 - 0.5 = 0.5.
    assert decoder.decode([1.0])[0] == pytest.approx(1 / (1 + np.exp(-0.5)))


def test_setting_the_sliders_shows_the_decoders_digit_for_that_point(explorer, models):
    _, decoder = models
    explorer.z1_slider.value = 1.3
    explorer.z2_slider.value = -0.7
    expected = decode(decoder, [1.3, -0.7]).reshape(28, 28)
    np.testing.assert_array_equal(explorer.z, [1.3, -0.7])
    np.testing.assert_allclose(explorer.image, expected, atol=1e-5, rtol=0)
    shown = png_pixels(explorer.digit_view.value).astype(int)
    assert shown.shape == (280, 280)
    blocks = shown.reshape(28, 10, 28, 10)
    assert (blocks == blocks[:, :1, :, :1]).all(), "each digit pixel must be a crisp 10x10 block"
    np.testing.assert_allclose(blocks[:, 0, :, 0], 255 * (1 - expected), atol=1)
    assert "+1.30, -0.70" in explorer.readout.value


def test_the_map_marker_moves_to_the_point(explorer):
    explorer.set_z([-3.0, -4.0])
    before = png_pixels(explorer.map_view.value)
    box = axes_box(before)
    explorer.set_z([3.0, -3.5])
    after = png_pixels(explorer.map_view.value)
    changed = np.argwhere((before != after).any(axis=2))
    new_position = np.array(pixel_of([3.0, -3.5], explorer.limit, box))
    near_new = changed[np.hypot(*(changed[:, ::-1] + 0.5 - new_position).T) < 15]
    assert len(near_new) > 30, "no marker drawn near the new point"
    np.testing.assert_allclose(near_new[:, ::-1].mean(axis=0) + 0.5, new_position, atol=1.0)
    np.testing.assert_allclose(explorer.marker, new_position, atol=1.0)


def test_a_click_on_a_digits_position_on_the_map_sets_the_sliders_there(explorer, held_out, models):
    encoder, decoder = models
    images, labels = held_out
    seven = int(np.flatnonzero(labels == 7)[0])
    mu, _ = encode(encoder, images[[seven]])
    box = axes_box(png_pixels(explorer.map_view.value))
    x, y = pixel_of(mu[0], explorer.limit, box)
    press(explorer, round(x), round(y))  # ipyevents reports whole pixels
    latent_per_pixel = 2 * explorer.limit / (box[1] - box[0])
    np.testing.assert_allclose([explorer.z1_slider.value, explorer.z2_slider.value], mu[0], atol=latent_per_pixel)
    np.testing.assert_allclose(explorer.image.ravel(), decode(decoder, explorer.z), atol=1e-5, rtol=0)


def test_dragging_on_the_map_moves_the_point_only_while_the_button_is_held(explorer):
    box = axes_box(png_pixels(explorer.map_view.value))
    centre = pixel_of([0.0, 0.0], explorer.limit, box)
    press(explorer, *centre)
    for step in range(1, 6):
        move(explorer, centre[0] + 10 * step, centre[1], buttons=1)
    dragged = explorer.z.copy()
    assert dragged[0] == pytest.approx(50 * 2 * explorer.limit / (box[1] - box[0]), abs=0.05)
    move(explorer, 5, 5, buttons=0)
    np.testing.assert_array_equal(explorer.z, dragged)


def test_a_click_on_the_legend_does_not_move_the_point(explorer):
    explorer.set_z([0.5, 0.5])
    width = png_pixels(explorer.map_view.value).shape[1]
    press(explorer, width - 20, 100)
    np.testing.assert_array_equal(explorer.z, [0.5, 0.5])


def test_interpolation_walks_the_line_between_two_held_out_means(explorer, held_out, models):
    encoder, decoder = models
    images, labels = held_out
    a, b = int(np.flatnonzero(labels == 4)[0]), int(np.flatnonzero(labels == 9)[1])
    explorer.start_dropdown.value, explorer.end_dropdown.value = a, b
    mu_a, mu_b = encode(encoder, images[[a, b]])[0]
    explorer.t_slider.value = 0.0
    np.testing.assert_allclose(explorer.z, mu_a, atol=1e-6)
    np.testing.assert_allclose(explorer.image.ravel(), decode(decoder, mu_a), atol=1e-5, rtol=0)
    explorer.t_slider.value = 1.0
    np.testing.assert_allclose(explorer.z, mu_b, atol=1e-6)
    np.testing.assert_allclose(explorer.image.ravel(), decode(decoder, mu_b), atol=1e-5, rtol=0)
    explorer.interpolate(0.25)
    np.testing.assert_allclose(explorer.z, 0.75 * mu_a + 0.25 * mu_b, atol=1e-6)
    assert explorer.t_slider.value == 0.25
    np.testing.assert_allclose(explorer.strip[0].ravel(), decode(decoder, mu_a), atol=1e-5, rtol=0)
    np.testing.assert_allclose(explorer.strip[-1].ravel(), decode(decoder, mu_b), atol=1e-5, rtol=0)
    strip = png_pixels(explorer.strip_view.value)
    assert strip.shape == (28 * 3, (9 * 28 + 8 * 2) * 3)


def test_changing_an_endpoint_redraws_the_path_on_the_map(explorer, held_out):
    _, labels = held_out
    before = png_pixels(explorer.map_view.value)
    explorer.end_dropdown.value = int(np.flatnonzero(labels == 7)[0])
    assert (before != png_pixels(explorer.map_view.value)).any(axis=2).sum() > 100


def test_the_prior_button_draws_seeded_standard_normal_points(explorer):
    draws = np.random.default_rng(3).standard_normal((2, 2))
    explorer.prior_button.click()
    np.testing.assert_allclose(explorer.z, draws[0])
    explorer.prior_button.click()
    np.testing.assert_allclose(explorer.z, draws[1])


def test_a_point_set_outside_the_map_is_clipped_to_its_edge(explorer, models):
    _, decoder = models
    limit = explorer.limit
    explorer.set_z([100.0, -2.0 * limit])
    np.testing.assert_array_equal(explorer.z, [limit, -limit])
    assert explorer.clipped and "clipped" in explorer.readout.value
    assert (explorer.z1_slider.value, explorer.z2_slider.value) == (limit, -limit)
    np.testing.assert_allclose(explorer.image.ravel(), decode(decoder, [limit, -limit]), atol=1e-5, rtol=0)
    explorer.z1_slider.value = 0.0
    assert not explorer.clipped and "clipped" not in explorer.readout.value


def test_the_map_spans_every_held_out_mean_and_at_least_four_prior_standard_deviations(explorer):
    assert explorer.limit >= 4.0
    assert np.abs(explorer.means).max() <= explorer.limit


def test_any_encoder_decoder_pair_of_the_right_shapes_works(held_out):
    encoder, decoder = build_encoder(seed=1), build_decoder(seed=1)
    explorer = LatentExplorer(encoder, decoder, *held_out, limit=2.5)
    explorer.z1_slider.value = -2.0
    np.testing.assert_allclose(explorer.image.ravel(), decode(decoder, [-2.0, 0.0]), atol=1e-5, rtol=0)
    assert explorer.z1_slider.max == 2.5
    explorer.close()


def test_a_decoder_that_is_not_dense_layers_falls_back_to_keras(held_out):
    z = keras.Input(shape=(2,))
    hidden = keras.layers.Dense(32, activation="relu")(z)
    logits = keras.layers.Reshape((784,))(keras.layers.Dense(784)(hidden))
    decoder = keras.Model(z, logits)
    with pytest.raises(UnsupportedDecoderError, match="Reshape"):
        NumpyDecoder.from_keras(decoder)
    with pytest.warns(UserWarning, match="calls the Keras decoder instead"):
        explorer = LatentExplorer(build_encoder(seed=0), decoder, *held_out)
    explorer.set_z([0.3, 0.4])
    np.testing.assert_allclose(explorer.image.ravel(), decode(decoder, [0.3, 0.4]), atol=1e-6, rtol=0)
    explorer.close()


@pytest.mark.parametrize(
    "make_models, message",
    [
        (lambda: (build_encoder(), build_decoder(latent_dim=3)), r"decoder must take a 2-D latent point.*size 3"),
        (lambda: (build_encoder(latent_dim=3), build_decoder()), r"encoder must output 2-D means.*got size 3"),
        (
            lambda: (build_encoder(), keras.Sequential([keras.Input((2,)), keras.layers.Dense(100)])),
            r"decoder must output 784 logits.*got 100",
        ),
    ],
)
def test_models_of_the_wrong_size_raise_a_clear_error(held_out, make_models, message):
    with pytest.raises(ValueError, match=message):
        LatentExplorer(*make_models(), *held_out)


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda e: e.set_z([1.0, 2.0, 3.0]), r"z must be two finite numbers"),
        (lambda e: e.set_z([np.nan, 0.0]), r"z must be two finite numbers"),
        (lambda e: e.set_z("north"), r"z must be two numbers"),
        (lambda e: e.interpolate(np.inf), r"t must be a finite number"),
    ],
)
def test_bad_points_raise_a_value_error_naming_the_argument(explorer, call, message):
    with pytest.raises(ValueError, match=message):
        call(explorer)


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"limit": -1.0}, "limit must be a positive number"),
        ({"endpoints": (0, 10_000)}, r"endpoints\[1\] must be an index into images, 0 to 399"),
        ({"scale": 0}, "scale must be an integer >= 1"),
        ({"strip_length": 1}, "strip_length must be an integer >= 2"),
    ],
)
def test_bad_settings_raise_a_value_error_naming_the_argument(models, held_out, kwargs, message):
    with pytest.raises(ValueError, match=message):
        LatentExplorer(*models, *held_out, **kwargs)


def test_labels_must_pair_up_with_images(models, held_out):
    images, labels = held_out
    with pytest.raises(ValueError, match=r"labels must have shape \(400,\), one per image: got \(399,\)"):
        LatentExplorer(*models, images, labels[:-1])


def test_the_explorer_displays_as_one_widget(explorer):
    bundle = explorer._repr_mimebundle_()
    assert bundle["application/vnd.jupyter.widget-view+json"]["model_id"] == explorer.widget.model_id


def test_snapshot_draws_the_same_view_as_a_static_figure(explorer):
    explorer.set_z([1.0, 1.0])
    figure = explorer.snapshot()
    map_panel, digit_panel, _ = figure.axes
    np.testing.assert_array_equal(map_panel.images[0].get_array(), explorer.map_array)
    np.testing.assert_array_equal(digit_panel.images[0].get_array(), explorer.image)
    import matplotlib.pyplot as plt

    plt.close(figure)


def test_timing_reports_one_duration_per_update_and_the_naive_widget_returns_a_png(explorer, models):
    seconds = time_slider_updates(explorer.z1_slider, lambda: explorer.digit_view.value, [0.5, -0.5, 1.5])
    assert seconds.shape == (3,) and (seconds > 0).all()
    naive = naive_explorer(models[1])
    naive.children[0].value = 1.0
    assert naive.result.startswith(b"\x89PNG")
    with pytest.raises(ValueError, match="values must each change the image"):
        time_slider_updates(explorer.z1_slider, lambda: explorer.digit_view.value, [1.5])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        naive.close()
