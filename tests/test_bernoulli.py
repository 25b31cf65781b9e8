"""vae_helpers.bernoulli: the Bernoulli likelihood on grey levels, against scipy and integration.
"""

import numpy as np
import pytest
from scipy import integrate, stats
from scipy.special import expit

from vae_helpers.bernoulli import binarize, continuous_bernoulli_log_normaliser, reconstruction_floor


# --- the Bernoulli likelihood on grey levels ---------------------------------------------------


def test_reconstruction_floor_is_the_binary_entropy_and_the_smallest_cross_entropy(images):
    floor = reconstruction_floor(images)
    per_pixel = stats.entropy(np.stack([images, 1 - images]), axis=0)  # scipy's entropy, in nats
    np.testing.assert_allclose(floor, per_pixel.sum(axis=1), rtol=1e-6)
    x = images.astype(np.float64)
    rng = np.random.default_rng(9)
    for _ in range(3):
        x_hat = np.clip(x + rng.normal(0, 0.05, x.shape), 1e-6, 1 - 1e-6)
        cross_entropy = -(x * np.log(x_hat) + (1 - x) * np.log(1 - x_hat)).sum(axis=1)
        assert np.all(cross_entropy > floor)
    assert np.all(reconstruction_floor(binarize(images, seed=0)) == 0)


def test_binarize_draws_each_pixel_with_its_intensity(images):
    draws = np.stack([binarize(images, seed=seed) for seed in range(2000)])
    assert set(np.unique(draws)) <= {0.0, 1.0}
    assert np.abs(draws.mean(axis=0) - images).max() < 5 * np.sqrt(0.25 / 2000)
    np.testing.assert_array_equal(binarize(images, seed=1), binarize(images, seed=1))


def test_continuous_bernoulli_normaliser_makes_a_density_on_zero_one():
    for logit in (-8.0, -1.0, -1e-4, 0.0, 2e-4, 0.5, 12.0):
        lam = expit(logit)
        mass, _ = integrate.quad(lambda t: lam**t * (1 - lam) ** (1 - t), 0, 1)
        assert continuous_bernoulli_log_normaliser(logit) == pytest.approx(-np.log(mass), abs=1e-10)
    assert continuous_bernoulli_log_normaliser(0.0) == pytest.approx(np.log(2))
    near = continuous_bernoulli_log_normaliser(np.array([0.999e-3, 1.001e-3]))
    assert abs(near[1] - near[0]) < 1e-9  # the series and the closed form meet
    with pytest.raises(ValueError, match="logits must be finite"):
        continuous_bernoulli_log_normaliser([np.inf])


@pytest.mark.parametrize("function", [reconstruction_floor, binarize])
def test_pixel_helpers_reject_bad_images(function):
    with pytest.raises(ValueError, match="x must have shape"):
        function(np.zeros((2, 28, 28)))
    with pytest.raises(ValueError, match=r"x must hold pixel intensities in \[0, 1\] \(divide by 255\)"):
        function(np.full((1, 784), 2.0))


@pytest.mark.parametrize("seed", [-1, "x"])
def test_binarize_refuses_bad_seeds(images, seed):
    with pytest.raises(ValueError, match="seed must be None or an integer >= 0"):
        binarize(images, seed=seed)
