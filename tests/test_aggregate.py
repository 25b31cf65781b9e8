"""vae_helpers.aggregate: the aggregate posterior, against samples of the mixture and scipy.
"""

import numpy as np
import pytest
from scipy import stats

from vae_helpers.aggregate import aggregate_log_density, aggregate_moments, prior_holes


# --- the aggregate posterior ---------------------------------------------------------------------


@pytest.fixture
def codes():
    rng = np.random.default_rng(6)
    return rng.normal(size=(40, 2)) * [1.5, 0.5] + [0.3, 0.0], rng.normal(-2, 0.5, size=(40, 2))


def test_aggregate_moments_match_samples_of_the_mixture(codes):
    mu, log_var = codes
    rng = np.random.default_rng(7)
    component = rng.integers(len(mu), size=400_000)
    z = mu[component] + np.exp(0.5 * log_var[component]) * rng.standard_normal((len(component), 2))
    mean, cov = aggregate_moments(mu, log_var)
    np.testing.assert_allclose(mean, z.mean(axis=0), atol=0.01)
    np.testing.assert_allclose(cov, np.cov(z.T), atol=0.02)


def test_aggregate_log_density_is_the_mixture_density(codes):
    mu, log_var = codes
    z = np.array([[0.0, 0.0], [1.0, -0.5], [30.0, 30.0]])
    expected = np.log(np.mean([stats.multivariate_normal(m, np.diag(np.exp(v))).pdf(z[:2]) for m, v in zip(mu, log_var)], axis=0))
    result = aggregate_log_density(z, mu, log_var, chunk=2)
    np.testing.assert_allclose(result[:2], expected, rtol=1e-12)
    assert np.isfinite(result[2]) and result[2] < -1000  # far out: tiny, but not log(0)


def test_prior_holes_counts_draws_where_the_aggregate_is_thin(codes):
    mu, log_var = codes
    holes = prior_holes(mu, log_var, n_draws=500, ratio=0.1, seed=8)
    log_ratio = aggregate_log_density(holes.z, mu, log_var) - stats.multivariate_normal(np.zeros(2), np.eye(2)).logpdf(holes.z)
    np.testing.assert_array_equal(holes.in_hole, log_ratio < np.log(0.1))
    assert holes.share == pytest.approx(holes.in_hole.mean())
    assert holes.standard_error == pytest.approx(np.sqrt(holes.share * (1 - holes.share) / 500))
    # When q is the prior itself there are no holes.
    no_holes = prior_holes(np.zeros((1, 2)), np.zeros((1, 2)), n_draws=200, seed=0)
    assert no_holes.share == 0.0


def test_aggregate_helpers_reject_bad_codes(codes):
    mu, log_var = codes
    with pytest.raises(ValueError, match="log_var must have the same shape as mu"):
        aggregate_moments(mu, log_var[:, :1])
    with pytest.raises(ValueError, match="mu must have shape"):
        aggregate_moments(mu[0], log_var[0])
    with pytest.raises(ValueError, match="z must have shape"):
        aggregate_log_density(np.zeros((3, 3)), mu, log_var)
    with pytest.raises(ValueError, match="n_draws"):
        prior_holes(mu, log_var, n_draws=0)
    with pytest.raises(ValueError, match="ratio"):
        prior_holes(mu, log_var, ratio=-1.0)
    with pytest.raises(ValueError, match="mu must be finite"):
        aggregate_moments(np.full((2, 2), np.inf), log_var[:2])


@pytest.mark.filterwarnings("error")  # and no RuntimeWarning: the overflows are the answer, not an accident
def test_a_vanishing_variance_gives_no_nan():
    # log_var = -1000: exp(1000) overflows; the density is a spike at mu, -inf elsewhere, never NaN.
    mu = np.array([[0.0, 0.0], [1.0, -1.0]])
    log_var = np.full((2, 2), -1000.0)
    z = np.array([[0.5, 0.5], [0.0, 0.0]])
    density = aggregate_log_density(z, mu, log_var)
    assert not np.isnan(density).any()
    assert density[0] == -np.inf and density[1] > 900  # at a mean: log(1/2) + 1000 - log(2 pi)
    assert density[1] == pytest.approx(np.log(0.5) - np.log(2 * np.pi) + 1000)


def test_narrow_codes_take_the_direct_form_and_agree_with_scipy():
    rng = np.random.default_rng(3)
    mu, log_var = rng.normal(size=(5, 2)) * 3, np.full((5, 2), -40.0)
    z = mu[:2] + 1e-9
    expected = [np.log(np.mean([stats.multivariate_normal(m, np.diag(np.exp(v))).pdf(point) for m, v in zip(mu, log_var)]))
                for point in z]
    np.testing.assert_allclose(aggregate_log_density(z, mu, log_var), expected, rtol=1e-9)


def test_elbo_surgery_adds_up_and_matches_a_hand_worked_case():
    from vae_helpers.aggregate import elbo_surgery

    # Two images with the prior itself as q: no information, no marginal KL.
    same = elbo_surgery(np.zeros((2, 2)), np.zeros((2, 2)), seed=0)
    assert same.average_kl == 0 and abs(same.mutual_information) < 1e-12 and abs(same.marginal_kl) < 1e-12
    # Two far-apart, narrow codes: the code tells the image apart, I = log 2.
    # 1,000 images, half with each of two far-apart narrow codes: the code says which half, I = log 2.
    apart = elbo_surgery(np.repeat([[-5.0, 0.0], [5.0, 0.0]], 500, axis=0), np.full((1000, 2), -8.0), seed=0)
    assert apart.mutual_information == pytest.approx(np.log(2), abs=4 * apart.marginal_kl_standard_error)
    assert apart.average_kl == pytest.approx(apart.mutual_information + apart.marginal_kl)
    with pytest.raises(ValueError, match="seed"):
        elbo_surgery(np.zeros((2, 2)), np.zeros((2, 2)), seed=-1)


@pytest.mark.parametrize("seed", [-1, "x"])
def test_prior_holes_refuses_bad_seeds(codes, seed):
    with pytest.raises(ValueError, match="seed must be None or an integer >= 0"):
        prior_holes(*codes, seed=seed)
