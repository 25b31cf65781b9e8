"""Chapter 8's conditional explorer (vae_helpers/widgets/conditional.py): its Dense chains against Keras, what it shows, bad input."""

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from vae_helpers.cvae import build_conditional_decoder, build_conditional_encoder, decode_digits, encode_style, load_pretrained
from vae_helpers.data import load_mnist
from vae_helpers.widgets.conditional import ConditionalExplorer, conditional_chains


@pytest.fixture(scope="module")
def shipped():
    return load_pretrained()


@pytest.fixture(scope="module")
def digits():
    (_, _), (x_test, y_test) = load_mnist("bundled")
    return x_test[:300], y_test[:300]


@pytest.fixture(scope="module")
def explorer(shipped, digits):
    return ConditionalExplorer(*shipped, *digits)


def test_the_page_decodes_the_digit_asked_for_at_the_style_point_as_keras_does(explorer, shipped):
    for digit, z in ((3, [0.5, -1.0]), (7, [-2.0, 1.5]), (0, [0.0, 0.0])):
        explorer.digit, explorer.z = digit, z
        np.testing.assert_allclose(explorer.image(), decode_digits(shipped[1], np.array(z), digit), atol=1e-5)


def test_a_drawing_is_read_as_the_chosen_digit_and_its_style_drawn_as_all_ten(explorer, shipped, digits):
    x, y = digits
    explorer.digit = int(y[0])
    mu, ten = explorer.handwriting(x[0])
    expected_mu = encode_style(shipped[0], x[:1], y[:1])[0][0]
    np.testing.assert_allclose(mu, expected_mu, rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(ten, decode_digits(shipped[1], expected_mu, np.arange(10)), atol=1e-5)


def test_the_chains_sent_to_the_page_are_the_models_layers_with_the_label_joined_to_the_input(shipped):
    encoder_twin, decoder_twin = conditional_chains(*shipped)
    assert (encoder_twin.latent_dim, encoder_twin.output_size) == (784 + 10, 4)  # [x, one-hot] -> [mu, log_var]
    assert (decoder_twin.latent_dim, decoder_twin.output_size) == (2 + 10, 784)  # [z, one-hot] -> logits


def test_the_map_holds_one_code_per_digit_and_little_else(explorer, digits):
    assert len(explorer.codes) == 4 * len(digits[0]) and len(explorer.code_labels) == len(digits[0])
    weights = sum(len(layer["kernel"]) + len(layer["bias"]) for layer in explorer.decoder_layers + explorer.encoder_layers)
    assert weights < 2.5e6  # float32 weights of both halves, about 2.2 MB: the state's bulk


@pytest.mark.parametrize(("make", "message"), [
    (lambda e, d, x, y: ConditionalExplorer(d, e, x, y), "^encoder must read"),
    (lambda e, d, x, y: ConditionalExplorer(e, d, x, y[:-1]), r"^labels must hold one digit per image \(300\)"),
    (lambda e, d, x, y: ConditionalExplorer(e, d, x, np.full(len(y), 10)), "^labels must hold the digits 0-9"),
    (lambda e, d, x, y: ConditionalExplorer(e, d, 255 * x, y), "^images must hold pixel intensities in"),
    (lambda e, d, x, y: ConditionalExplorer(build_conditional_encoder(latent_dim=3), build_conditional_decoder(latent_dim=3), x, y),
     r"^decoder must read a 2-D style code"),
])
def test_bad_parts_or_data_are_refused_naming_the_argument(shipped, digits, make, message):
    with pytest.raises(ValueError, match=message):
        make(*shipped, *digits)


def test_an_empty_drawing_is_refused_naming_it(explorer):
    with pytest.raises(ValueError, match="^x must be one drawing with ink"):
        explorer.handwriting(np.zeros(784))


@given(digit=st.one_of(st.integers(-5, 15), st.floats(allow_nan=True), st.none(), st.text(max_size=2)))
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_the_digit_is_taken_when_0_to_9_and_refused_naming_it_otherwise(explorer, digit):
    try:
        explorer.digit = digit
    except ValueError as error:
        assert str(error).startswith("digit"), str(error)
        return
    assert explorer.digit in range(10) and explorer.digit == digit


@given(z=st.one_of(st.lists(st.floats(allow_nan=True, allow_infinity=True), max_size=3), st.none(), st.floats()))
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_the_style_point_is_two_finite_numbers_or_refused_naming_it(explorer, z):
    try:
        explorer.z = z
    except ValueError as error:
        assert str(error).startswith("z"), str(error)
        return
    assert len(explorer.z) == 2 and np.isfinite(explorer.z).all()


def test_the_pad_prepares_a_tall_stroke_whose_cells_overshoot_its_box_as_the_numpy_reference_does():
    """Rows 12-99 in 20 cells: 20 * 4.4 rounds past 88, and the pad once read the pixel past the box (NaN: a blank digit)."""
    from conftest import REPO_ROOT, run_es_module
    from test_encoder import prepare_like_mnist

    ink = np.zeros((112, 112))
    ink[12:100, 45:67] = 0.8
    x = run_es_module(REPO_ROOT / "vae_helpers/widgets/src/pad.js",
                      f"return Array.from(m.prepareDigit(Float32Array.from({ink.ravel().tolist()}), m.PAD));")
    assert np.isfinite(x).all() and max(x) > 0
    np.testing.assert_allclose(x, prepare_like_mnist(ink), atol=1e-6)
