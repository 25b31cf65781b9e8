"""vae_helpers.model: shapes, the loss, a few training steps, reproducibility, saving."""

import keras
import numpy as np
import pytest
from scipy.special import expit

from vae_helpers.data import load_mnist
from vae_helpers.gaussian import kl_to_standard_normal
from vae_helpers.model import VAE, Sampling, build_decoder, build_encoder, decode, encode, negative_elbo, reconstruction_loss


@pytest.fixture(scope="module")
def images():
    (x_train, _), (x_test, _) = load_mnist("bundled")
    return x_train[:500], x_test[:200]


def make_vae(beta=1.0, seed=0, latent_dim=2):
    vae = VAE(build_encoder(latent_dim, seed=seed), build_decoder(latent_dim, seed=seed), beta=beta)
    vae.compile(optimizer=keras.optimizers.Adam(1e-3))
    return vae


def test_encoder_and_decoder_shapes():
    mu, log_var, z = build_encoder(latent_dim=3, hidden=16, seed=0)(np.zeros((5, 784), np.float32))
    assert mu.shape == log_var.shape == z.shape == (5, 3)
    logits = build_decoder(latent_dim=3, hidden=16, seed=0)(np.zeros((5, 3), np.float32))
    assert logits.shape == (5, 784)


def test_decoder_outputs_unbounded_logits_not_probabilities():
    decoder = build_decoder(seed=0)
    assert decoder.layers[-1].activation is keras.activations.linear
    assert decode(decoder, np.zeros(2)).shape == (784,)
    np.testing.assert_allclose(decode(decoder, [[0.5, -1.0]])[0], expit(decoder(np.array([[0.5, -1.0]])).numpy()[0]), rtol=1e-6)


def test_encode_returns_the_posterior_parameters_without_sampling(images):
    encoder = build_encoder(seed=0)
    mu, log_var = encode(encoder, images[1][:10])
    first_mu, first_log_var, _ = encoder(images[1][:10])
    np.testing.assert_array_equal(mu, first_mu.numpy())
    np.testing.assert_array_equal(log_var, first_log_var.numpy())
    np.testing.assert_array_equal(encode(encoder, images[1][:10])[0], mu)


def test_reconstruction_loss_is_the_bernoulli_negative_log_likelihood_summed_over_pixels():
    rng = np.random.default_rng(0)
    x = rng.uniform(size=(4, 784))
    logits = rng.normal(size=(4, 784)) * 3
    p = expit(logits)
    by_hand = -(x * np.log(p) + (1 - x) * np.log(1 - p)).sum(axis=-1)
    np.testing.assert_allclose(keras.ops.convert_to_numpy(reconstruction_loss(x, logits)), by_hand, rtol=1e-6)


def test_sampling_is_reproducible_with_a_seed_and_follows_mu_and_sigma():
    mu = np.full((20_000, 2), [1.0, -2.0], np.float32)
    log_var = np.full((20_000, 2), np.log([0.25, 4.0]), np.float32)
    first = Sampling(seed=3)([mu, log_var]).numpy()
    np.testing.assert_array_equal(first, Sampling(seed=3)([mu, log_var]).numpy())
    np.testing.assert_allclose(first.mean(axis=0), [1.0, -2.0], atol=0.05)
    np.testing.assert_allclose(first.std(axis=0), [0.5, 2.0], rtol=0.03)


def test_losses_reported_by_evaluate_match_an_independent_computation(images):
    _, x_test = images
    vae = make_vae(beta=2.5)
    results = vae.evaluate(x_test, batch_size=len(x_test), verbose=0, return_dict=True)
    mu, log_var, _ = (t.numpy() for t in vae.encoder(x_test))
    assert results["kl_loss"] == pytest.approx(kl_to_standard_normal(mu, log_var).mean(), rel=1e-4)
    assert results["loss"] == pytest.approx(results["reconstruction_loss"] + 2.5 * results["kl_loss"], rel=1e-5)


def test_a_few_training_steps_lower_the_loss(images):
    x_train, x_test = images
    keras.utils.set_random_seed(0)
    vae = make_vae()
    before = vae.evaluate(x_test, verbose=0, return_dict=True)["loss"]
    vae.fit(x_train, epochs=3, batch_size=50, verbose=0)
    after = vae.evaluate(x_test, verbose=0, return_dict=True)["loss"]
    assert after < before - 50
    assert negative_elbo(vae.encoder, vae.decoder, x_test) == pytest.approx(after, rel=0.05)


def test_beta_zero_trains_without_the_kl_term(images):
    x_train, _ = images
    history = make_vae(beta=0.0).fit(x_train, epochs=1, batch_size=100, verbose=0).history
    assert history["loss"][0] == pytest.approx(history["reconstruction_loss"][0], rel=1e-6)


def test_weights_save_and_load_round_trip_to_identical_decodes(tmp_path):
    vae = make_vae(seed=1)
    path = tmp_path / "vae.weights.h5"
    vae.save_weights(path)
    restored = make_vae(seed=2)
    z = np.random.default_rng(0).normal(size=(16, 2))
    assert not np.allclose(decode(restored.decoder, z), decode(vae.decoder, z))
    restored.load_weights(path)
    np.testing.assert_array_equal(decode(restored.decoder, z), decode(vae.decoder, z))


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda x: make_vae().fit(x.reshape(-1, 28, 28), verbose=0), r"x must have shape \(n_images, 784\).*got \(500, 28, 28\)"),
        (lambda x: make_vae().fit(x * 255, verbose=0), r"x must hold pixel intensities in \[0, 1\] \(divide by 255\)"),
        (lambda x: make_vae().evaluate(x[:, :100], verbose=0), r"x must have shape \(n_images, 784\)"),
        (lambda x: decode(build_decoder(), np.zeros((3, 5))), r"z must have shape \(n, 2\) or \(2,\).*got \(3, 5\)"),
        (lambda x: VAE(build_encoder(), build_decoder(), beta=-1), "beta must be a finite number >= 0"),
        (lambda x: build_encoder(latent_dim=0), "latent_dim must be a positive integer"),
        (lambda x: negative_elbo(build_encoder(), build_decoder(), x, n_samples=0), "n_samples must be a positive integer"),
    ],
)
def test_bad_input_raises_a_value_error_naming_the_problem(images, call, message):
    with pytest.raises(ValueError, match=message):
        call(images[0])


@pytest.mark.parametrize("validation", [[[0.5] * 783], ([[0.5] * 783],), np.full((2, 784), 2.0)])
def test_fit_refuses_bad_validation_data_by_its_name_in_any_form(validation):
    vae = VAE(build_encoder(2, 8, seed=0), build_decoder(2, 8, seed=0))
    vae.compile(optimizer="adam")
    with pytest.raises(ValueError, match="validation_data"):
        vae.fit(np.zeros((10, 784)), validation_data=validation, epochs=1, verbose=0)
