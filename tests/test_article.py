"""vae_helpers.article: the article's model in Keras 3, and the softmax bug it carries."""

import keras
import numpy as np
import pytest
from scipy.special import expit

from vae_helpers.article import (
    article_loss_terms,
    build_article_vae,
    logits_decoder,
    train_article_vae,
    true_reconstruction_loss,
)
from vae_helpers.data import load_mnist


def bce_by_hand(x, p):
    return -(x * np.log(p) + (1 - x) * np.log(1 - p)).sum(axis=-1)


@pytest.fixture(scope="module")
def images():
    (x_train, _), (x_test, _) = load_mnist("bundled")
    return x_train[:1000], x_test[:100]


@pytest.fixture(scope="module")
def trained_pair(images):
    """The sigmoid and the softmax model, trained with the same seed on the same images."""
    x_train, x_test = images
    return {
        activation: train_article_vae(x_train, x_test, activation, epochs=8, seed=0)
        for activation in ("sigmoid", "softmax")
    }


def test_architecture_is_the_articles():
    vae = build_article_vae("softmax", seed=0)
    assert [layer.units for layer in vae.encoder.layers if isinstance(layer, keras.layers.Dense)] == [128, 2, 2]
    assert [layer.units for layer in vae.decoder.layers if isinstance(layer, keras.layers.Dense)] == [128, 784]
    assert vae.decoder.get_layer("probabilities").activation is keras.activations.softmax


def test_unknown_output_activation_is_refused():
    with pytest.raises(ValueError, match="output_activation must be one of .*got 'relu'"):
        build_article_vae("relu")


def test_softmax_decodes_sum_to_one_per_image(trained_pair, images):
    vae, _ = trained_pair["softmax"]
    probabilities = vae.decoder(np.random.default_rng(0).normal(size=(20, 2)).astype(np.float32)).numpy()
    np.testing.assert_allclose(probabilities.sum(axis=1), 1.0, rtol=1e-5)
    assert probabilities.max() < 0.5  # no pixel can be confidently on


def test_sigmoid_reconstruction_term_equals_the_cross_entropy_by_hand():
    vae = build_article_vae("sigmoid", seed=1)
    rng = np.random.default_rng(1)
    x = rng.uniform(size=(6, 784)).astype(np.float32)
    mu, log_var = rng.normal(size=(2, 6, 2)).astype(np.float32)
    outputs = vae.decoder(mu)
    reconstruction, kl = article_loss_terms(x, outputs, mu, log_var)
    np.testing.assert_allclose(reconstruction.numpy(), bce_by_hand(x, outputs.numpy().astype(np.float64)), rtol=1e-4)
    kl_by_hand = 0.5 * (np.exp(log_var) + mu**2 - 1 - log_var).sum(axis=-1)
    np.testing.assert_allclose(kl.numpy(), kl_by_hand, rtol=1e-5)


def test_softmax_reconstruction_term_silently_uses_the_hidden_logits_with_a_sigmoid():
    vae = build_article_vae("softmax", seed=2)
    rng = np.random.default_rng(2)
    x = (rng.uniform(size=(6, 784)) > 0.8).astype(np.float32)
    z = rng.normal(size=(6, 2)).astype(np.float32)
    reconstruction, _ = article_loss_terms(x, vae.decoder(z), z, z)
    logits = logits_decoder(vae.decoder)(z).numpy().astype(np.float64)
    np.testing.assert_allclose(reconstruction.numpy(), bce_by_hand(x, expit(logits)), rtol=1e-4)


def test_softmax_and_sigmoid_models_train_identically(trained_pair):
    sigmoid, softmax = (trained_pair[name][1].history for name in ("sigmoid", "softmax"))
    for name in ("loss", "val_loss", "reconstruction_loss"):
        np.testing.assert_allclose(softmax[name], sigmoid[name], rtol=1e-5)


def test_true_loss_of_the_softmax_model_is_far_above_what_keras_reports(trained_pair, images):
    _, x_test = images
    vae, history = trained_pair["softmax"]
    mu, _, _ = vae.encoder(x_test)
    true = true_reconstruction_loss(x_test, vae.decoder(mu).numpy()).mean()
    reported = history.history["val_reconstruction_loss"][-1]
    assert true > 2 * reported
    # Each on-pixel costs at least -log(1/784) nats when 784 probabilities share a total of 1.
    assert true > (x_test > 0.5).sum(axis=1).mean() * 0.9 * np.log(784) / 2


def test_true_reconstruction_loss_hand_worked_case():
    x = np.array([[1.0, 0.0, 0.5]])
    p = np.array([[0.5, 0.25, 0.5]])
    assert true_reconstruction_loss(x, p)[0] == pytest.approx(np.log(2) - np.log(0.75) + np.log(2))


def test_true_reconstruction_loss_clips_certain_mistakes_like_keras():
    loss = true_reconstruction_loss(np.array([[1.0]]), np.array([[0.0]]))
    assert loss[0] == pytest.approx(-np.log(1e-7))


def test_true_reconstruction_loss_refuses_bad_input():
    with pytest.raises(ValueError, match="same shape as x"):
        true_reconstruction_loss(np.zeros((2, 3)), np.zeros((2, 4)))
    with pytest.raises(ValueError, match=r"must lie in \[0, 1\]"):
        true_reconstruction_loss(np.zeros((1, 2)), np.array([[0.5, 1.5]]))


def test_logits_decoder_shares_the_weights_of_the_sigmoid_decoder():
    vae = build_article_vae("sigmoid", seed=3)
    z = np.random.default_rng(3).normal(size=(5, 2)).astype(np.float32)
    np.testing.assert_allclose(expit(logits_decoder(vae.decoder)(z).numpy()), vae.decoder(z).numpy(), rtol=1e-5)


def test_training_refuses_unscaled_images():
    with pytest.raises(ValueError, match=r"x_train must hold pixel intensities in \[0, 1\]"):
        train_article_vae(np.full((10, 784), 255.0, np.float32), epochs=1)
