import keras
import numpy as np
import pytest
from scipy import stats
from scipy.special import expit

from vae_helpers.data import load_mnist
from vae_helpers.gaussian import kl_to_standard_normal
from vae_helpers.gaussian_decoder import GaussianVAE, gaussian_reconstruction_loss
from vae_helpers.model import build_decoder, build_encoder, encode


def test_the_loss_is_the_negative_log_density_of_scipys_gaussian():
    rng = np.random.default_rng(0)
    x, x_hat = rng.uniform(size=(3, 784)), rng.uniform(size=(3, 784))
    for variance in (0.5, 0.01):
        expected = -stats.norm(x_hat, np.sqrt(variance)).logpdf(x).sum(axis=1)
        loss = keras.ops.convert_to_numpy(gaussian_reconstruction_loss(x, x_hat.astype(np.float32), variance))
        np.testing.assert_allclose(loss, expected, rtol=1e-5)


def test_squared_error_plus_beta_kl_is_the_gaussian_elbo_at_variance_beta_over_two():
    # Hand-worked: ||x - x_hat||^2 + beta KL = 2 s^2 (Gaussian loss + KL) - 2 s^2 * const, with s^2 = beta / 2.
    rng = np.random.default_rng(1)
    x, x_hat, kl, beta = rng.uniform(size=(2, 784)), rng.uniform(size=(2, 784)), 3.7, 0.02
    variance = beta / 2
    gaussian = keras.ops.convert_to_numpy(gaussian_reconstruction_loss(x, x_hat.astype(np.float32), variance))
    constant = 0.5 * 784 * np.log(2 * np.pi * variance)
    np.testing.assert_allclose(((x - x_hat) ** 2).sum(axis=1) + beta * kl, 2 * variance * (gaussian - constant + kl), rtol=1e-5)


def test_evaluate_reports_the_gaussian_loss_of_the_decoders_sigmoid_mean_and_the_exact_kl():
    (x, _), _ = load_mnist("bundled")
    x = x[:300]
    vae = GaussianVAE(build_encoder(seed=0), build_decoder(seed=0), variance=0.05)
    vae.compile(optimizer="adam")
    metrics = vae.evaluate(x, batch_size=300, verbose=0, return_dict=True)
    mu, log_var = encode(vae.encoder, x)
    assert metrics["kl_loss"] == pytest.approx(kl_to_standard_normal(mu.astype(float), log_var.astype(float)).mean(), rel=1e-5)
    # The reconstruction uses one sampled z; its value at the mean z bounds what a draw can give only
    # loosely, so check its constant part: with s^2 = 0.05 every image pays 392 log(2 pi 0.05) < 0.
    assert metrics["reconstruction_loss"] > 0.5 * 784 * np.log(2 * np.pi * 0.05)
    x_hat = expit(keras.ops.convert_to_numpy(vae.decoder(mu)))
    at_mean = -stats.norm(x_hat, np.sqrt(0.05)).logpdf(x).sum(axis=1).mean()
    assert metrics["reconstruction_loss"] == pytest.approx(at_mean, rel=0.05)


def test_a_larger_variance_trains_codes_with_less_kl():
    # s^2 is a hidden beta: at s^2 = 0.5 (plain MSE + KL) the KL term dominates a few steps of training.
    (x, _), _ = load_mnist("bundled")
    kls = []
    for variance in (0.5, 0.005):
        keras.utils.set_random_seed(0)
        vae = GaussianVAE(build_encoder(seed=0), build_decoder(seed=0), variance=variance)
        vae.compile(optimizer=keras.optimizers.Adam(5e-3))
        vae.fit(x[:2000], batch_size=100, epochs=2, verbose=0)
        mu, log_var = encode(vae.encoder, x[2000:2500])
        kls.append(kl_to_standard_normal(mu.astype(float), log_var.astype(float)).mean())
    assert 2 * kls[0] < kls[1], kls


@pytest.mark.parametrize("variance", [0, -1, np.nan, np.inf, "0.1", None])
def test_a_variance_that_is_not_a_positive_number_is_refused(variance):
    with pytest.raises(ValueError, match="variance must be a finite number > 0"):
        GaussianVAE(build_encoder(), build_decoder(), variance=variance)
    with pytest.raises(ValueError, match="variance must be a finite number > 0"):
        gaussian_reconstruction_loss(np.zeros((1, 784)), np.zeros((1, 784), np.float32), variance)


def test_pixels_that_do_not_match_are_refused():
    with pytest.raises(ValueError, match=r"x_hat must have as many pixels as x.*\(2, 100\) and \(2, 784\)"):
        gaussian_reconstruction_loss(np.zeros((2, 100)), np.zeros((2, 784), np.float32), 0.1)


def test_the_model_round_trips_through_its_config():
    vae = GaussianVAE(build_encoder(seed=0), build_decoder(seed=0), variance=0.05, beta=2.0)
    restored = GaussianVAE.from_config(vae.get_config())
    assert (restored.variance, restored.beta) == (0.05, 2.0)
