"""The latent explorer (vae_helpers.widgets.explorer) and its numpy decoder, driven through public methods.

Python side: each test drives the widget (set_z, interpolate, set_endpoints, sample_prior, or
its traits as the browser writes them) and checks what it now holds, and the data it sends
the browser, against an independent computation: the Keras decoder (``model.decode``), the
encoder's means. Browser side: ``explorer.js`` itself, run in Chromium on the state Python
sends, must decode as Keras does, and draw it.
"""

import json

import keras
import matplotlib.pyplot as plt
import numpy as np
import pytest
import traitlets

from vae_helpers.data import load_mnist
from vae_helpers.model import build_decoder, build_encoder, decode, encode, load_pretrained
from vae_helpers.numpy_decoder import NumpyDecoder, UnsupportedDecoderError
from vae_helpers.widgets.explorer import LatentExplorer, map_limit


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


def keras_image(decoder, z) -> np.ndarray:
    return decode(decoder, np.asarray(z, dtype=np.float32)).reshape(28, 28)


# -- the numpy decoder -------------------------------------------------------------------------


def test_numpy_decoder_agrees_with_the_keras_decoder(models):
    decoder = models[1]
    z = np.random.default_rng(0).uniform(-4, 4, size=(200, 2))
    np.testing.assert_allclose(NumpyDecoder.from_keras(decoder).decode(z), decode(decoder, z), atol=1e-5, rtol=0)


def test_numpy_decoder_is_the_forward_pass_written_out():
    w1, b1 = np.array([[1.0, -1.0], [0.5, 2.0]]), np.array([0.0, 1.0])
    w2, b2 = np.array([[2.0], [-1.0]]), np.array([0.5])
    twin = NumpyDecoder([(w1, b1, "relu"), (w2, b2, "linear")])
    z = np.array([1.0, 1.0])
    hidden = np.maximum(z @ w1 + b1, 0)  # (1.5, 2.0)
    assert twin.decode(z) == pytest.approx(1 / (1 + np.exp(-(hidden @ w2 + b2))))
    with pytest.raises(ValueError, match=r"layers\[1\] activation must be one of"):
        NumpyDecoder([(w1, b1, "relu"), (w2, b2, "softmax")])


# -- what Python sends the browser --------------------------------------------------------------


def test_the_browser_gets_the_decoders_weights_as_float32(explorer, models):
    twin = NumpyDecoder.from_keras(models[1])
    assert len(explorer.decoder_layers) == len(twin.layers)
    for sent, (kernel, bias, activation) in zip(explorer.decoder_layers, twin.layers):
        assert sent["activation"] == activation
        got = np.frombuffer(sent["kernel"], "<f4").reshape(sent["inputs"], sent["outputs"])
        np.testing.assert_array_equal(got, kernel.astype(np.float32))
        np.testing.assert_array_equal(np.frombuffer(sent["bias"], "<f4"), bias.astype(np.float32))


def test_the_map_gets_every_held_out_mean_to_within_a_sixty_five_thousandth_of_its_side(explorer, models, held_out):
    images, labels = held_out
    means = encode(models[0], images)[0]
    codes = np.frombuffer(explorer.codes, "<u2").reshape(-1, 2) / 65535 * 2 * explorer.limit - explorer.limit
    assert np.abs(codes - means).max() <= explorer.limit / 65535 + 1e-6
    np.testing.assert_array_equal(np.frombuffer(explorer.code_labels, np.uint8), labels)


def test_the_state_holds_the_numbers_and_little_else(explorer, models):
    """The bytes the page receives: both halves' weights at float32, 4 bytes per mean, 1 per label, the pad's digits, a little JSON."""
    state = explorer.get_state()
    layers = state["decoder_layers"] + state["encoder_layers"]
    numbers = sum(len(layer["kernel"]) + len(layer["bias"]) for layer in layers)
    numbers += len(state["codes"]) + len(state["code_labels"]) + len(state["pad_digits"])
    twins = NumpyDecoder.from_keras(models[1]), NumpyDecoder.from_keras_encoder(models[0])
    weights = sum(kernel.size + bias.size for twin in twins for kernel, bias, _ in twin.layers)
    assert numbers == 4 * weights + 5 * len(explorer.means) + 784 * len(explorer.pad_choices)
    binary = ("decoder_layers", "encoder_layers", "codes", "code_labels", "pad_digits", "_esm", "_css")
    rest = {key: value for key, value in state.items() if key not in binary}
    assert len(json.dumps(rest)) < 6_000


def test_the_map_spans_every_held_out_mean_and_at_least_four_prior_standard_deviations(explorer):
    assert explorer.limit >= 4.0
    assert np.abs(explorer.means).max() <= explorer.limit
    assert map_limit(np.array([[0.1, -9.2]])) == 10.0  # 9.2 * 1.05 = 9.66, up to the next half


# -- driving it from Python ---------------------------------------------------------------------


def test_set_z_shows_the_decoders_digit_for_that_point(explorer, models):
    explorer.set_z([1.25, -0.5])
    assert explorer.z == [1.25, -0.5]
    np.testing.assert_allclose(explorer.image, keras_image(models[1], [1.25, -0.5]), atol=1e-5, rtol=0)


def test_a_point_set_outside_the_map_is_clipped_to_its_edge(explorer):
    explorer.set_z([2 * explorer.limit, -0.5])
    assert explorer.z == [explorer.limit, -0.5] and explorer.clipped
    explorer.set_z([0.0, 0.0])
    assert not explorer.clipped


def test_interpolation_walks_the_line_between_two_held_out_means(explorer, models, held_out):
    images, labels = held_out
    a, b = np.flatnonzero(labels == 7)[:2]
    explorer.set_endpoints(int(a), int(b))
    explorer.interpolate(0.25)
    means = encode(models[0], images[[a, b]])[0]
    np.testing.assert_allclose(explorer.z, 0.75 * means[0] + 0.25 * means[1], atol=1e-5)
    assert explorer.t == 0.25 and explorer.endpoints == [a, b]
    strip = explorer.strip
    np.testing.assert_allclose(strip[0], keras_image(models[1], means[0]), atol=1e-5)
    np.testing.assert_allclose(strip[-1], keras_image(models[1], means[1]), atol=1e-5)
    assert {a, b} <= {candidate["index"] for candidate in explorer.candidates}


def test_the_prior_draws_are_seeded_standard_normal_points(models, held_out):
    first = LatentExplorer(*models, *held_out, seed=5)
    draws = np.array([first.sample_prior() for _ in range(3)])
    np.testing.assert_array_equal(draws, np.random.default_rng(5).standard_normal((3, 2)))
    assert first.z == list(np.clip(draws[-1], -first.limit, first.limit))


def test_a_point_the_browser_writes_is_what_python_reads(explorer, models):
    """The browser writes z as a list of two floats (a drag on the map); image follows it."""
    explorer.set_state({"z": [-1.5, 2.0]})
    np.testing.assert_allclose(explorer.image, keras_image(models[1], [-1.5, 2.0]), atol=1e-5, rtol=0)


def test_any_encoder_decoder_pair_of_the_right_shapes_works(held_out):
    encoder, decoder = build_encoder(seed=1), build_decoder(seed=1)
    explorer = LatentExplorer(encoder, decoder, *held_out, limit=2.5)
    explorer.set_z([-2.0, 0.0])
    np.testing.assert_allclose(explorer.image.ravel(), decode(decoder, [-2.0, 0.0]), atol=1e-5, rtol=0)
    assert explorer.limit == 2.5
    kept = np.frombuffer(explorer.code_labels, np.uint8).size
    assert kept == int((np.abs(explorer.means) <= 2.5).all(axis=1).sum())  # the rest lie off the map
    explorer.close()


def test_a_decoder_that_is_not_dense_layers_is_refused_naming_it(held_out):
    z = keras.Input(shape=(2,))
    hidden = keras.layers.Dense(32, activation="relu")(z)
    logits = keras.layers.Reshape((784,))(keras.layers.Dense(784)(hidden))
    decoder = keras.Model(z, logits)
    with pytest.raises(UnsupportedDecoderError, match="Reshape"):
        NumpyDecoder.from_keras(decoder)
    with pytest.raises(ValueError, match="decoder must be a chain of Dense layers, to run in the browser.*Reshape"):
        LatentExplorer(build_encoder(seed=0), decoder, *held_out)


# -- the traits set directly obey the same rules as the methods (issue 31) ----------------------


def test_z_set_directly_is_clipped_into_the_map_as_set_z_clips_it(explorer):
    explorer.z = np.array([np.float32(2 * explorer.limit), -0.5])
    assert explorer.z == [explorer.limit, -0.5] and explorer.clipped


def test_t_set_directly_moves_the_point_along_the_line(explorer):
    explorer.t = np.float32(0.5)
    a, b = explorer.endpoint_means
    np.testing.assert_allclose(explorer.z, 0.5 * a + 0.5 * b, atol=1e-6)
    for bad in (5, -1, np.nan):
        with pytest.raises(ValueError, match=r"t must be a number in \[0, 1\]"):
            explorer.t = bad
    assert explorer.t == 0.5


def test_endpoints_set_directly_are_offered_in_the_page_and_the_point_follows(explorer, held_out):
    labels = held_out[1]
    a, b = (int(i) for i in np.flatnonzero(labels == 3)[-2:])  # beyond the first few of each label the page lists
    explorer.t = 1.0
    explorer.endpoints = np.array([a, b])
    assert explorer.endpoints == [a, b] and {a, b} <= {candidate["index"] for candidate in explorer.candidates}
    np.testing.assert_allclose(explorer.z, np.clip(explorer.means[b], -explorer.limit, explorer.limit), atol=1e-6)
    for bad, message in (([0, 10**6], r"endpoints\[1\] must be an index into images, 0 to 399"),
                         ([-1, 0], r"endpoints\[0\] must be an index"), (7, "endpoints must be two indices")):
        with pytest.raises(ValueError, match=message):
            explorer.endpoints = bad
    assert explorer.endpoints == [a, b]


def test_what_only_python_writes_is_read_only(explorer):
    for name in ("limit", "scale", "strip_length", "decoder_layers", "codes", "models"):
        with pytest.raises(traitlets.TraitError, match=f"{name}.*read-only"):
            setattr(explorer, name, getattr(explorer, name))


def test_the_model_index_is_one_of_the_models(explorer):
    assert explorer.models == []
    explorer.model_index = np.int64(0)
    for bad in (1, -1, 99, 0.5):
        with pytest.raises(ValueError, match=r"model_index must be an integer in \[0, 0\]"):
            explorer.model_index = bad


# -- bad input: a ValueError naming the argument, before anything is drawn ----------------------


@pytest.mark.parametrize(
    "make_models, message",
    [
        (lambda: (build_encoder(), build_decoder(latent_dim=3)), r"decoder must take a 2-D latent point.*size 3"),
        (lambda: (build_encoder(latent_dim=3), build_decoder()), r"encoder must output 2-D means.*got size 3"),
        (
            lambda: (build_encoder(), keras.Sequential([keras.Input((2,)), keras.layers.Dense(100)])),
            r"decoder must output 784 logits.*got size 100",
        ),
    ],
)
def test_models_of_the_wrong_size_raise_a_clear_error(held_out, make_models, message):
    with pytest.raises(ValueError, match=message):
        LatentExplorer(*make_models(), *held_out)


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda e: e.set_z([1.0, 2.0, 3.0]), r"z must be a list of 2 numbers"),
        (lambda e: e.set_z([np.nan, 0.0]), r"z must not contain NaN"),
        (lambda e: e.set_z([np.inf, 0.0]), r"z must hold finite numbers"),
        (lambda e: e.set_z("north"), r"z must be numeric"),
        (lambda e: e.interpolate(np.inf), r"t must be a finite number"),
        (lambda e: e.set_endpoints(0, 400), r"endpoints\[1\] must be an index into images, 0 to 399"),
    ],
)
def test_bad_points_raise_a_value_error_naming_the_argument(explorer, call, message):
    before = list(explorer.z)
    with pytest.raises(ValueError, match=message):
        call(explorer)
    assert explorer.z == before


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"limit": -1.0}, r"limit must be a number in \[0.001, 1e\+06\]"),
        ({"limit": np.nan}, "limit must be a number"),
        ({"scale": 10**9}, r"scale must be an integer in \[1, 100\]"),
        ({"endpoints": (0, 10_000)}, r"endpoints\[1\] must be an index into images, 0 to 399"),
        ({"endpoints": 3}, r"endpoints must be two indices into images"),
        ({"scale": 0}, r"scale must be an integer in \[1, 100\]"),
        ({"strip_length": 1}, r"strip_length must be an integer in \[2, 100\]"),
        ({"strip_length": -3}, r"strip_length must be an integer in \[2, 100\]"),
        ({"seed": -1}, "seed must be an integer >= 0"),
    ],
)
def test_bad_settings_raise_a_value_error_naming_the_argument(models, held_out, kwargs, message):
    with pytest.raises(ValueError, match=message):
        LatentExplorer(*models, *held_out, **kwargs)


def test_images_and_labels_must_be_digits_and_pair_up(models, held_out):
    images, labels = held_out
    with pytest.raises(ValueError, match=r"labels must be 400 integers, one per image: got int64 \(399,\)"):
        LatentExplorer(*models, images, labels[:-1].astype(np.int64))
    with pytest.raises(ValueError, match=r"images must hold pixel intensities in \[0, 1\]"):
        LatentExplorer(*models, 255 * images, labels)
    with pytest.raises(ValueError, match=r"images must have shape \(n_images, 784\)"):
        LatentExplorer(*models, images.reshape(-1, 28, 28), labels)


# -- pictures -----------------------------------------------------------------------------------


def test_snapshot_draws_the_current_view_with_the_packages_plots(explorer):
    explorer.set_z([1.0, 1.0])
    figure = explorer.snapshot()
    map_panel, digit_panel, strip_panel = figure.axes
    assert map_panel.get_xlim() == (-explorer.limit, explorer.limit)
    np.testing.assert_array_equal(digit_panel.images[0].get_array(), explorer.image)
    assert len(strip_panel.images) == 1
    plt.close(figure)
