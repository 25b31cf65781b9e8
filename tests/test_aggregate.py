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
