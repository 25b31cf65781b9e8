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
