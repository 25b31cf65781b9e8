"""vae_helpers.gaussian against scipy.stats and numerical integration."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import integrate, stats

from conftest import kl_by_integration
from vae_helpers.gaussian import kl_monte_carlo, kl_normal, kl_to_standard_normal, normal_log_pdf, normal_pdf


def test_normal_pdf_matches_scipy():
    x = np.linspace(-4, 6, 41)
    np.testing.assert_allclose(normal_pdf(x, 1.0, 2.0), stats.norm.pdf(x, loc=1.0, scale=2.0), rtol=1e-12)
    np.testing.assert_allclose(normal_log_pdf(x, -1.0, 0.3), stats.norm.logpdf(x, loc=-1.0, scale=0.3), rtol=1e-12)


def test_standard_normal_has_sigma_one_and_integrates_to_one():
    assert normal_pdf(0.0) == pytest.approx(1 / np.sqrt(2 * np.pi))
    total, _ = integrate.quad(normal_pdf, -np.inf, np.inf)
    assert total == pytest.approx(1.0)


@pytest.mark.parametrize("mu1, var1, mu2, var2", [(0, 1, 0, 1), (1, 2, -0.5, 0.7), (3, 0.1, 0, 1), (0, 4, 0, 1)])
def test_kl_normal_matches_numerical_integration(mu1, var1, mu2, var2):
    assert kl_normal(mu1, var1, mu2, var2) == pytest.approx(kl_by_integration(mu1, var1, mu2, var2), abs=1e-7)


def test_kl_normal_is_zero_for_identical_and_asymmetric_otherwise():
    assert kl_normal(0.3, 2.0, 0.3, 2.0) == pytest.approx(0.0, abs=1e-15)
    assert kl_normal(0, 1, 0, 4) != pytest.approx(kl_normal(0, 4, 0, 1))


def test_kl_to_standard_normal_sums_the_univariate_terms_over_the_last_axis():
    mu = np.array([[0.5, -1.0, 2.0], [0.0, 0.0, 0.0]])
    log_var = np.array([[0.2, -1.0, 0.7], [0.0, 0.0, 0.0]])
    expected = kl_normal(mu, np.exp(log_var), 0.0, 1.0).sum(axis=-1)
    np.testing.assert_allclose(kl_to_standard_normal(mu, log_var), expected, rtol=1e-12)
    assert kl_to_standard_normal(mu, log_var)[1] == 0.0


def test_kl_to_standard_normal_uses_sigma_i_in_each_term_not_sigma_1():
    # The article's sum used sigma_1 in every term; that would give the same value for both.
    assert kl_to_standard_normal([0.0, 0.0], [0.0, 2.0]) != pytest.approx(kl_to_standard_normal([0.0, 0.0], [0.0, 0.0]))
    assert kl_to_standard_normal([0.0, 0.0], [0.0, 2.0]) == pytest.approx(kl_normal(0, np.exp(2.0), 0, 1))


@settings(max_examples=200, deadline=None)
@given(
    st.floats(-10, 10), st.floats(0.01, 100), st.floats(-10, 10), st.floats(0.01, 100),
)
def test_kl_normal_is_never_negative(mu1, var1, mu2, var2):
    assert kl_normal(mu1, var1, mu2, var2) >= -1e-12


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_kl_monte_carlo_agrees_with_the_closed_form_within_four_standard_errors(seed):
    mu = np.array([0.8, -0.4])
    log_var = np.array([-0.5, 0.9])
    estimate, standard_error = kl_monte_carlo(mu, log_var, n_samples=20_000, seed=seed)
    assert abs(estimate - kl_to_standard_normal(mu, log_var)) < 4 * standard_error
    assert 0 < standard_error < 0.05


def test_kl_monte_carlo_is_reproducible_with_a_seed_and_batches():
    mu = np.zeros((3, 2))
    first = kl_monte_carlo(mu, mu + 0.5, 100, seed=7)
    second = kl_monte_carlo(mu, mu + 0.5, 100, seed=7)
    np.testing.assert_array_equal(first.estimate, second.estimate)
    assert first.estimate.shape == (3,)


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda: normal_pdf(0.0, 0.0, 0.0), "sigma must be positive"),
        (lambda: normal_pdf(0.0, 0.0, -1.0), "sigma must be positive"),
        (lambda: kl_normal(0, -1.0, 0, 1), "var1 must be positive"),
        (lambda: kl_normal(0, 1, 0, 0.0), "var2 must be positive"),
        (lambda: kl_to_standard_normal([0.0, 1.0], [0.0]), r"log_var must have the same shape as mu: got \(2,\) and \(1,\)"),
        (lambda: kl_to_standard_normal(0.0, 0.0), "mu must have a last axis"),
        (lambda: kl_monte_carlo([0.0], [0.0], n_samples=1), "n_samples must be an integer >= 2"),
        (lambda: kl_monte_carlo([0.0], [0.0, 1.0], n_samples=10), "log_var must have the same shape as mu"),
    ],
)
def test_bad_input_raises_a_value_error_naming_the_argument(call, message):
    with pytest.raises(ValueError, match=message):
        call()
