"""vae_helpers.reparameterization against exact gradients and hand-derived variances.

For f(z) = z^2 and z = mu + sigma * eps:
- reparameterized term 2z has variance 4 sigma^2;
- score-function term z^2 eps / sigma has mean 2 mu and variance mu^4 / sigma^2 + 14 mu^2 + 15 sigma^2
  (expand (mu^2 eps + 2 mu sigma eps^2 + sigma^2 eps^3)^2 / sigma^2 with E[eps^2, eps^4, eps^6] = 1, 3, 15).
"""

import numpy as np
import pytest
from scipy import integrate, stats

from vae_helpers.reparameterization import (
    SQUARE,
    Objective,
    estimator_variance,
    exact_variance_ratio_square,
    exact_variance_square,
    reparameterized_gradient,
    score_function_gradient,
)

SINE = Objective("sin z", np.sin, np.cos, lambda mu, sigma: np.cos(mu) * np.exp(-(sigma**2) / 2))


def expectation_by_integration(f, mu, sigma):
    value, _ = integrate.quad(lambda z: f(z) * stats.norm.pdf(z, mu, sigma), -np.inf, np.inf)
    return value


def gradient_by_finite_differences(f, mu, sigma, step=1e-4):
    upper = expectation_by_integration(f, mu + step, sigma)
    lower = expectation_by_integration(f, mu - step, sigma)
    return (upper - lower) / (2 * step)


def score_variance_of_square(mu, sigma):
    return mu**4 / sigma**2 + 14 * mu**2 + 15 * sigma**2


@pytest.mark.parametrize("objective", [SQUARE, SINE], ids=lambda objective: objective.name)
@pytest.mark.parametrize("mu, sigma", [(1.0, 0.5), (-0.7, 1.3)])
def test_exact_gradients_match_finite_differences_of_the_integral(objective, mu, sigma):
    expected = gradient_by_finite_differences(objective.f, mu, sigma)
    assert objective.exact_gradient(mu, sigma) == pytest.approx(expected, abs=1e-6)


@pytest.mark.parametrize("estimator", [reparameterized_gradient, score_function_gradient])
@pytest.mark.parametrize("objective", [SQUARE, SINE], ids=lambda objective: objective.name)
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_both_estimators_are_unbiased_within_four_standard_errors(estimator, objective, seed):
    mu, sigma = 2.0, 0.5
    estimate, standard_error = estimator(objective, mu, sigma, n_samples=20_000, seed=seed)
    assert abs(estimate - objective.exact_gradient(mu, sigma)) < 4 * standard_error


def test_standard_errors_match_the_hand_derived_variances():
    mu, sigma, n = 2.0, 0.5, 100_000
    _, pathwise_se = reparameterized_gradient(SQUARE, mu, sigma, n, seed=0)
    _, score_se = score_function_gradient(SQUARE, mu, sigma, n, seed=0)
    assert pathwise_se == pytest.approx(np.sqrt(4 * sigma**2 / n), rel=0.02)
    assert score_se == pytest.approx(np.sqrt(score_variance_of_square(mu, sigma) / n), rel=0.1)


@pytest.mark.parametrize("mu, sigma", [(1.0, 1.0), (2.0, 0.5)])
def test_single_sample_variances_match_the_hand_derived_values(mu, sigma):
    pathwise = estimator_variance("reparameterized", SQUARE, mu, sigma, n_samples=1, n_repeats=200_000, seed=0)
    score = estimator_variance("score_function", SQUARE, mu, sigma, n_samples=1, n_repeats=200_000, seed=0)
    assert pathwise == pytest.approx(4 * sigma**2, rel=0.02)
    assert score == pytest.approx(score_variance_of_square(mu, sigma), rel=0.1)


def test_variance_falls_like_one_over_n():
    single = 4 * 0.5**2
    for n in (10, 100):
        variance = estimator_variance("reparameterized", SQUARE, 2.0, 0.5, n_samples=n, n_repeats=20_000, seed=1)
        assert variance == pytest.approx(single / n, rel=0.05)


def test_reparameterized_variance_is_much_smaller():
    for n in (1, 10, 100):
        pathwise = estimator_variance("reparameterized", SQUARE, 2.0, 0.5, n, n_repeats=2000, seed=2)
        score = estimator_variance("score_function", SQUARE, 2.0, 0.5, n, n_repeats=2000, seed=2)
        assert score > 50 * pathwise  # hand-derived ratio: 123.75


def term_variance_by_integration(term, mu):
    """Var[term(eps)] for eps ~ N(0, 1), by numerical integration; the mean of every term is 2 mu."""
    value, _ = integrate.quad(lambda eps: (term(eps) - 2 * mu) ** 2 * stats.norm.pdf(eps), -np.inf, np.inf)
    return value


@pytest.mark.parametrize("mu, sigma", [(2.0, 0.5), (1.0, 1.0), (-0.7, 1.3), (2.0, 0.1)])
@pytest.mark.parametrize("baseline", [0.0, 4.0, -1.5])
def test_exact_variances_match_numerical_integration(mu, sigma, baseline):
    def score_term(eps):
        return (SQUARE.f(mu + sigma * eps) - baseline) * eps / sigma

    def pathwise_term(eps):
        return SQUARE.derivative(mu + sigma * eps)

    score = exact_variance_square("score_function", mu, sigma, baseline=baseline)
    assert score == pytest.approx(term_variance_by_integration(score_term, mu), rel=1e-8)
    pathwise = exact_variance_square("reparameterized", mu, sigma, baseline=baseline)
    assert pathwise == pytest.approx(term_variance_by_integration(pathwise_term, mu), rel=1e-8)


def test_exact_variances_fall_like_one_over_n_and_their_ratio_does_not():
    for estimator in ("reparameterized", "score_function"):
        assert exact_variance_square(estimator, 2.0, 0.5, n_samples=40) == pytest.approx(
            exact_variance_square(estimator, 2.0, 0.5) / 40
        )
    assert exact_variance_ratio_square(2.0, 0.5) == pytest.approx((16 / 0.25 + 14 * 4 + 15 * 0.25) / (4 * 0.25))
    assert exact_variance_ratio_square(2.0, 0.5) == 123.75  # the book's example, worked by hand


def test_exact_ratio_matches_a_large_monte_carlo():
    # Ten million single-draw terms of each estimator, from the same draws; the sample variance of the
    # score-function terms has a standard error of about 0.1 %, so 1 % is a loose but failing bound.
    mu, sigma = 2.0, 0.5
    eps = np.random.default_rng(7).standard_normal(10_000_000)
    z = mu + sigma * eps
    ratio = (SQUARE.f(z) * eps / sigma).var() / SQUARE.derivative(z).var()
    assert ratio == pytest.approx(exact_variance_ratio_square(mu, sigma), rel=0.01)


def test_estimates_repeat_with_a_seed():
    assert reparameterized_gradient(SQUARE, 1.0, 0.5, 100, seed=4) == reparameterized_gradient(SQUARE, 1.0, 0.5, 100, seed=4)
    assert score_function_gradient(SQUARE, 1.0, 0.5, 100, seed=4) != score_function_gradient(SQUARE, 1.0, 0.5, 100, seed=5)


@pytest.mark.parametrize(
    "call, match",
    [
        (lambda: reparameterized_gradient(SQUARE, 0.0, 0.0, 10), "sigma"),
        (lambda: score_function_gradient(SQUARE, 0.0, -1.0, 10), "sigma"),
        (lambda: reparameterized_gradient(SQUARE, np.nan, 1.0, 10), "mu"),
        (lambda: reparameterized_gradient(SQUARE, 0.0, 1.0, 1), "n_samples"),
        (lambda: reparameterized_gradient(np.square, 0.0, 1.0, 10), "objective"),
        (lambda: estimator_variance("pathwise", SQUARE, 0.0, 1.0, 10), "estimator"),
        (lambda: estimator_variance("score_function", SQUARE, 0.0, 1.0, 0), "n_samples"),
        (lambda: estimator_variance("score_function", SQUARE, 0.0, 1.0, 10, n_repeats=1), "n_repeats"),
        (lambda: exact_variance_square("pathwise", 0.0, 1.0), "estimator"),
        (lambda: exact_variance_square("score_function", 0.0, 0.0), "sigma"),
        (lambda: exact_variance_square("score_function", 0.0, 1.0, n_samples=0), "n_samples"),
        (lambda: exact_variance_square("score_function", 0.0, 1.0, baseline=np.inf), "baseline"),
        (lambda: exact_variance_ratio_square(np.nan, 1.0), "mu"),
    ],
)
def test_bad_arguments_raise_a_value_error_naming_them(call, match):
    with pytest.raises(ValueError, match=match):
        call()


def test_gradient_tape_through_the_sampling_layer_gives_the_pathwise_derivatives():
    import tensorflow as tf

    from vae_helpers.model import Sampling

    mu = tf.Variable(np.full(5000, 1.0, dtype=np.float32))
    log_var = tf.Variable(np.full(5000, np.log(0.25), dtype=np.float32))
    with tf.GradientTape(persistent=True) as tape:
        z = Sampling(seed=0)([mu, log_var])
        loss = tf.reduce_mean(z**2)
    # dz/dmu = 1 and dz/dlog_var = sigma * eps / 2 = (z - mu) / 2, draw by draw.
    np.testing.assert_allclose(tape.gradient(z, mu).numpy(), 1.0)
    np.testing.assert_allclose(tape.gradient(z, log_var).numpy(), (z - mu).numpy() / 2, rtol=1e-5, atol=1e-6)
    # d/dmu E[z^2] = 2 mu = 2; the per-draw gradient of the mean loss is 2 z / n, so its sum estimates it.
    total = tape.gradient(loss, mu).numpy().sum()
    assert abs(total - 2.0) < 4 * np.sqrt(4 * 0.25 / 5000)
