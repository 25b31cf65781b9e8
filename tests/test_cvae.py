"""vae_helpers.cvae: the conditional VAE's parts, its loss, the shipped model, and bad input refused."""

import numpy as np
import pytest
from scipy.special import expit

from vae_helpers.cvae import (
    ConditionalVAE,
    build_conditional_decoder,
    build_conditional_encoder,
    decode_digits,
    encode_style,
    load_pretrained,
    negative_conditional_elbo,
    one_hot,
)
from vae_helpers.data import load_mnist
from vae_helpers.pretrained import PRETRAINED_DIR, PretrainedWeightsError


@pytest.fixture(scope="module")
def shipped():
    return load_pretrained()


@pytest.fixture(scope="module")
def small():
    encoder = build_conditional_encoder(latent_dim=2, hidden=16, seed=1)
    decoder = build_conditional_decoder(latent_dim=2, hidden=16, seed=2)
    return encoder, decoder


@pytest.fixture(scope="module")
def digits():
    (_, _), (x_test, y_test) = load_mnist("bundled")
    return x_test[:200], y_test[:200]


def numpy_logits(decoder, z, labels):
    """The decoder's Dense layers by hand, on z and the one-hot label joined: the independent reference."""
    h = np.concatenate([z, labels], axis=1).astype(np.float64)
    layers = [layer for layer in decoder.layers if layer.weights]
    for index, layer in enumerate(layers):
        kernel, bias = (np.asarray(w, dtype=np.float64) for w in layer.get_weights())
        h = h @ kernel + bias
        if index < len(layers) - 1:
            h = np.maximum(h, 0.0)
    return h


def test_one_hot_is_the_identity_rows_of_the_digits():
    assert one_hot([3, 0]).tolist() == [[0, 0, 0, 1, 0, 0, 0, 0, 0, 0], [1, 0, 0, 0, 0, 0, 0, 0, 0, 0]]
    assert one_hot(9).tolist() == [0] * 9 + [1]


@pytest.mark.parametrize("label", [10, -1, 2.5, [[1, 2]], np.nan, "seven"])
def test_one_hot_refuses_anything_but_digits_naming_the_argument(label):
    with pytest.raises(ValueError, match="^y must"):
        one_hot(label)


def test_the_decoder_is_dense_layers_over_z_joined_with_the_label(small):
    _, decoder = small
    z = np.array([[0.3, -1.2], [2.0, 0.5]])
    expected = expit(numpy_logits(decoder, z, one_hot([4, 7])))
    np.testing.assert_allclose(decode_digits(decoder, z, [4, 7]), expected, atol=1e-5)


def test_one_code_is_drawn_as_every_digit_asked_for(small):
    _, decoder = small
    z = np.array([0.5, -0.5])
    drawn = decode_digits(decoder, z, np.arange(10))
    expected = expit(numpy_logits(decoder, np.tile(z, (10, 1)), np.eye(10)))
    np.testing.assert_allclose(drawn, expected, atol=1e-5)
    assert decode_digits(decoder, z, 3).shape == (784,)


def test_the_model_loss_is_the_negative_conditional_elbo(small, digits):
    """compute_loss on a batch equals reconstruction + KL recomputed in numpy from the same encoder outputs and draw."""
    encoder, decoder = small
    x, y = digits
    vae = ConditionalVAE(encoder, decoder)
    mu, log_var, logits, seen = (np.asarray(t, dtype=np.float64) for t in vae([x, one_hot(y)]))
    loss = float(vae.compute_loss(y_pred=(mu.astype(np.float32), log_var.astype(np.float32), logits.astype(np.float32), seen)))
    p = expit(logits)
    bce = -(x * np.log(p) + (1 - x) * np.log1p(-p)).sum(axis=1).mean()
    kl = (0.5 * (np.exp(log_var) + mu**2 - 1 - log_var)).sum(axis=1).mean()
    assert loss == pytest.approx(bce + kl, rel=1e-4)


def test_training_two_steps_lowers_the_loss_and_the_bound_is_a_coin_flip_or_better(small, digits):
    x, y = digits
    vae = ConditionalVAE(build_conditional_encoder(hidden=16, seed=3), build_conditional_decoder(hidden=16, seed=4))
    import keras

    vae.compile(optimizer=keras.optimizers.Adam(1e-2))
    history = vae.fit([x, one_hot(y)], epochs=2, batch_size=100, verbose=0, validation_data=[x, one_hot(y)])
    assert history.history["loss"][1] < history.history["loss"][0]
    assert 0 < negative_conditional_elbo(vae.encoder, vae.decoder, x, y, n_samples=2) < 784 * np.log(2)


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda e, d, x: decode_digits(d, [0.0, 0.0], 10), "^y must hold the digits 0-9"),
        (lambda e, d, x: decode_digits(d, [0.0, 0.0], np.ones((1, 9))), r"^y must be one-hot vectors of length 10.*\(1, 9\)"),
        (lambda e, d, x: decode_digits(d, [0.0, 0.0, 0.0], 3), r"^z must have shape \(n, 2\) or \(2,\).*\(3,\)"),
        (lambda e, d, x: decode_digits(d, [np.nan, 0.0], 3), "^z must"),
        (lambda e, d, x: encode_style(e, np.zeros((1, 784)), 3), "^x must hold drawings with ink: image 0 is blank"),
        (lambda e, d, x: encode_style(e, x[:2], [1, 2, 3]), r"^y must hold one digit, or one per row \(2\): got 3"),
        (lambda e, d, x: encode_style(d, x[:2], 1), "^encoder must read"),
        (lambda e, d, x: decode_digits(e, [0.0, 0.0], 1), "^decoder must read"),
        (lambda e, d, x: ConditionalVAE(d, e), "^encoder must read"),
    ],
)
def test_bad_input_is_refused_naming_the_argument(small, digits, call, message):
    encoder, decoder = small
    with pytest.raises(ValueError, match=message):
        call(encoder, decoder, digits[0])


def test_an_unconditional_model_is_refused_as_a_part():
    from vae_helpers.model import build_decoder, build_encoder

    with pytest.raises(ValueError, match=r"^encoder must read \[x \(784 pixels\), one_hot\(y\)\].*got a model with inputs of widths \[784\]"):
        ConditionalVAE(build_encoder(), build_decoder())


def test_the_shipped_model_reads_z_and_a_one_hot_label(shipped):
    encoder, decoder = shipped
    assert [tuple(t.shape[1:]) for t in decoder.inputs] == [(2,), (10,)]
    assert [tuple(t.shape[1:]) for t in encoder.inputs] == [(784,), (10,)]


def test_the_shipped_model_bounds_its_test_digits_better_than_its_metadata_says_it_was_trained_to(shipped, digits):
    """The bundled digits are MNIST test digits: their -ELBO is near the metadata's, far below a coin flip per pixel."""
    from vae_helpers.pretrained import pretrained_metadata
    from vae_helpers.pretrained import CONDITIONAL_DIR

    x, y = digits
    recorded = pretrained_metadata(CONDITIONAL_DIR)["held_out_negative_elbo_nats"]
    assert negative_conditional_elbo(*shipped, x, y) == pytest.approx(recorded, abs=10)


def test_the_unconditional_weights_are_refused_by_the_conditional_loader_and_back():
    from vae_helpers.pretrained import CONDITIONAL_DIR
    from vae_helpers.model import load_pretrained as load_unconditional

    with pytest.raises(PretrainedWeightsError, match="holds an unconditional VAE"):
        load_pretrained(PRETRAINED_DIR)
    with pytest.raises(PretrainedWeightsError, match="does not fit a VAE"):
        load_unconditional(CONDITIONAL_DIR)


def test_the_command_line_trains_the_conditional_model_into_its_folder(tmp_path):
    from vae_helpers.pretrained import pretrained_metadata
    from vae_helpers.train_command import main

    main(["--conditional", "--data", "bundled", "--epochs", "1", "--validation", "500", "--batch-size", "1750", "--output", str(tmp_path)])
    metadata = pretrained_metadata(tmp_path)
    assert metadata["training"]["conditional"] is True
    assert len(metadata["validation_negative_elbo_by_epoch"]) == 1
    encoder, decoder = load_pretrained(tmp_path)
    assert decode_digits(decoder, [0.0, 0.0], 7).shape == (784,)


def test_the_conditional_weight_count_is_the_models():
    from vae_helpers.train import TrainingConfig

    config = TrainingConfig(conditional=True)
    keras_count = build_conditional_encoder().count_params() + build_conditional_decoder().count_params()
    assert config.weight_count() == keras_count


def test_codes_that_separate_the_digits_predict_them_and_codes_that_do_not_are_at_chance():
    from vae_helpers.cvae import label_accuracy_from_codes

    rng = np.random.default_rng(0)
    y_train, y_test = rng.integers(0, 10, 2000), rng.integers(0, 10, 500)
    # Hand-built: each digit's codes around its own centre, far apart, are read exactly; codes that ignore the digit are read
    # at about a tenth (a binomial share of 500 within 4 standard errors of 0.1).
    centres = 10.0 * np.stack([np.arange(10), np.zeros(10)], axis=1)
    separated = label_accuracy_from_codes(centres[y_train] + rng.standard_normal((2000, 2)), y_train,
                                          centres[y_test] + rng.standard_normal((500, 2)), y_test)
    blind = label_accuracy_from_codes(rng.standard_normal((2000, 2)), y_train, rng.standard_normal((500, 2)), y_test)
    assert separated == 1.0
    assert abs(blind - 0.1) < 4 * np.sqrt(0.09 / 500)


@pytest.mark.parametrize(("arguments", "message"), [
    ((np.zeros((5, 2)), [0, 1, 2, 3, 4], np.zeros((2, 3)), [0, 1]), r"^codes_test must be \(n, latent_dim\)"),
    ((np.zeros((5, 2)), [0, 1, 2, 3, 11], np.zeros((2, 2)), [0, 1]), "^y_train must hold the digits"),
    ((np.zeros((5, 2)), [0, 1, 2, 3], np.zeros((2, 2)), [0, 1]), r"^y_train must hold one digit per code \(5\)"),
])
def test_the_code_probe_refuses_mismatched_input(arguments, message):
    from vae_helpers.cvae import label_accuracy_from_codes

    with pytest.raises(ValueError, match=message):
        label_accuracy_from_codes(*arguments, neighbours=3)
