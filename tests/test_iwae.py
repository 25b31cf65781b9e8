"""vae_helpers.iwae: the importance-weighted bound, against hand-worked cases and quadrature.
"""

import numpy as np
import pytest
from scipy import stats

from vae_helpers.iwae import (
    importance_weighted_bound,
    importance_weighted_bounds_by_k,
    log_importance_weights,
    log_importance_weights_gaussian,
    log_mean_exp,
)


# --- log-mean-exp and the bound by K ------------------------------------------------------------


def test_log_mean_exp_is_log_of_the_mean_and_survives_tiny_weights():
    values = np.array([[-1.0, 0.5, 2.0], [0.0, 0.0, 0.0]])
    np.testing.assert_allclose(log_mean_exp(values), np.log(np.exp(values).mean(axis=1)))
    # exp(-1000) is 0 in float64: the naive form gives -inf, the shifted one the exact value.
    assert log_mean_exp([-1000.0, -1000.0 + np.log(3)]) == pytest.approx(-1000.0 + np.log(2))
    assert log_mean_exp(np.full(4, 800.0)) == pytest.approx(800.0)


@pytest.mark.parametrize("values", [[], np.zeros((2, 0)), [np.nan, 1.0]])
def test_log_mean_exp_rejects_empty_or_nan(values):
    with pytest.raises(ValueError, match="log_values"):
        log_mean_exp(values)


def test_bounds_by_k_average_disjoint_groups():
    log_weights = np.log(np.array([[1.0, 3.0, 2.0, 6.0, 5.0]]))
    bounds = importance_weighted_bounds_by_k(log_weights, [1, 2, 5])
    assert bounds[1][0] == pytest.approx(np.log([1, 3, 2, 6, 5]).mean())
    assert bounds[2][0] == pytest.approx((np.log(2.0) + np.log(4.0)) / 2)  # groups (1, 3), (2, 6); 5 left over
    assert bounds[5][0] == pytest.approx(np.log(17 / 5))
    with pytest.raises(ValueError, match="ks must not exceed"):
        importance_weighted_bounds_by_k(log_weights, [6])
    with pytest.raises(ValueError, match="ks must be a positive integer"):
        importance_weighted_bounds_by_k(log_weights, [0])
    with pytest.raises(ValueError, match="log_weights must have shape"):
        importance_weighted_bounds_by_k(np.zeros(5), [1])


# --- the bound on a Keras VAE --------------------------------------------------------------------


def log_marginal_by_grid(decoder, x, extent=7.0, n=241):
    """log p(x) = log ∫ p(x | z) p(z) dz on a 2-D grid (the untrained decoder's p(x | z) is smooth in z)."""
    from keras import ops

    from vae_helpers.model import reconstruction_loss

    t = np.linspace(-extent, extent, n)
    z = np.stack(np.meshgrid(t, t), axis=-1).reshape(-1, 2)
    log_prior = stats.multivariate_normal(np.zeros(2), np.eye(2)).logpdf(z)
    logits = decoder(z.astype(np.float32))
    result = []
    for image in x:
        log_likelihood = -ops.convert_to_numpy(reconstruction_loss(np.broadcast_to(image, (len(z), 784)), logits))
        result.append(np.log(np.exp(log_likelihood + log_prior - (log_likelihood + log_prior).max()).sum() * (t[1] - t[0]) ** 2)
                      + (log_likelihood + log_prior).max())
    return np.array(result)


def test_importance_weighted_bound_approaches_log_marginal_by_quadrature(small_vae, images):
    encoder, decoder = small_vae
    exact = log_marginal_by_grid(decoder, images)
    elbo = importance_weighted_bound(encoder, decoder, images, k=1000, seed=0)  # many K: close to log p(x)
    one = log_importance_weights(encoder, decoder, images, 1000, seed=1).mean(axis=1)  # the ELBO, averaged
    assert np.all(one < exact)
    assert np.all(one < elbo)
    np.testing.assert_allclose(elbo, exact, atol=0.05)


def test_k_equal_one_matches_the_elbo_estimator_in_expectation(small_vae, images):
    from vae_helpers.model import negative_elbo

    encoder, decoder = small_vae
    repeats = 1000  # each row of the repeated batch draws its own code: 1,000 independent K = 1 estimates per image
    draws = importance_weighted_bound(encoder, decoder, np.repeat(images, repeats, axis=0), k=1, seed=0)
    draws = draws.reshape(len(images), repeats)
    variance_per_image = draws.var(axis=1, ddof=1)
    n_reference = 300
    reference = -negative_elbo(encoder, decoder, images, n_samples=n_reference, seed=1)  # analytic KL, its own draws
    # Both sides are Monte Carlo averages of the same reconstruction term (the reference's KL is exact,
    # so its variance is at most that of a K = 1 draw): the tolerance covers the noise of both.
    standard_error = np.sqrt((variance_per_image / repeats + variance_per_image / n_reference).sum()) / len(images)
    assert standard_error < 0.2  # tight enough to catch a missing term (log q or log p(z) are nats each)
    assert abs(draws.mean() - reference) < 4 * standard_error


def test_bound_shapes_seeds_and_batching(small_vae, images):
    encoder, decoder = small_vae
    log_weights = log_importance_weights(encoder, decoder, images, 7, seed=3, max_rows=4)  # 2 codes per decoder call
    assert log_weights.shape == (3, 7) and np.isfinite(log_weights).all()
    np.testing.assert_array_equal(log_weights, log_importance_weights(encoder, decoder, images, 7, seed=3, max_rows=4))
    assert importance_weighted_bound(encoder, decoder, images, 5, seed=0).shape == (3,)


def test_bound_rejects_bad_input(small_vae, images):
    from vae_helpers.model import build_decoder

    encoder, decoder = small_vae
    with pytest.raises(ValueError, match="k must be a positive integer"):
        importance_weighted_bound(encoder, decoder, images, 0)
    with pytest.raises(ValueError, match="x must have shape"):
        importance_weighted_bound(encoder, decoder, images.reshape(3, 28, 28), 1)
    bad = images.copy()
    bad[0, 0] = np.inf
    with pytest.raises(ValueError, match="x must hold finite pixel intensities"):
        importance_weighted_bound(encoder, decoder, bad, 1)
    bad[0, 0] = np.nan
    with pytest.raises(ValueError, match="x must not contain NaN"):
        importance_weighted_bound(encoder, decoder, bad, 1)
    with pytest.raises(ValueError, match=r"x must hold pixel intensities in \[0, 1\] \(divide by 255\)"):
        importance_weighted_bound(encoder, decoder, images * 255, 1)
    with pytest.raises(ValueError, match="x must hold at least one image"):
        importance_weighted_bound(encoder, decoder, images[:0], 1)
    with pytest.raises(ValueError, match="decoder must read the encoder's latent points"):
        importance_weighted_bound(encoder, build_decoder(latent_dim=3, hidden=4), images, 1)
    with pytest.raises(ValueError, match="max_rows"):
        log_importance_weights(encoder, decoder, images, 1, max_rows=0)


def test_a_huge_k_is_refused_up_front_with_its_memory_and_time(small_vae, images):
    encoder, decoder = small_vae
    with pytest.raises(ValueError, match=r"k must keep the log-weights .* needs 24 GB and about .* hours"):
        importance_weighted_bound(encoder, decoder, images, 10**9)


@pytest.mark.parametrize("seed", [-1, "x", 1.5, True])
def test_bad_seeds_are_refused_by_the_package(small_vae, images, seed):
    encoder, decoder = small_vae
    with pytest.raises(ValueError, match="seed must be None or an integer >= 0"):
        importance_weighted_bound(encoder, decoder, images, 2, seed=seed)


def test_swapped_halves_or_a_non_model_are_refused(small_vae, images):
    encoder, decoder = small_vae
    with pytest.raises(ValueError, match="encoder must have three outputs"):
        importance_weighted_bound(decoder, encoder, images, 2)
    with pytest.raises(ValueError, match="encoder must be a functional Keras model"):
        importance_weighted_bound("encoder", decoder, images, 2)


def test_any_gaussian_proposal_gives_the_encoders_weights_when_given_the_encoders_q(small_vae, images):
    from vae_helpers.model import encode

    encoder, decoder = small_vae
    mu, log_var = encode(encoder, images)
    np.testing.assert_allclose(log_importance_weights_gaussian(decoder, images, mu, log_var, 5, seed=2),
                               log_importance_weights(encoder, decoder, images, 5, seed=2))
    with pytest.raises(ValueError, match=r"log_var must have shape \(3, 2\)"):
        log_importance_weights_gaussian(decoder, images, mu, log_var[:1], 5)
