r"""Two Monte Carlo estimators of a gradient through sampling (chapter 4).

The target is :math:`\frac{\partial}{\partial\mu}\,\mathbb{E}_{z \sim \mathcal{N}(\mu, \sigma^2)}[f(z)]`.
Both estimators average terms computed from draws :math:`z = \mu + \sigma\varepsilon`,
:math:`\varepsilon \sim \mathcal{N}(0, 1)`:

- **reparameterized** (pathwise): :math:`f'(\mu + \sigma\varepsilon)`, the derivative of the
  sample itself, which the reparameterization trick makes possible;
- **score function** (REINFORCE): :math:`f(z)\,\frac{\partial}{\partial\mu}\log q(z) = f(z)\,\frac{z - \mu}{\sigma^2}`,
  which needs only values of :math:`f`, not its derivative.

Both are unbiased; their variances differ a lot. This module is numpy only; the
TensorFlow version of the pathwise gradient is the ``Sampling`` layer of
:mod:`vae_helpers.model` under a ``tf.GradientTape``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple

import numpy as np

from vae_helpers._validation import as_finite_number, as_integer_at_least, as_positive_number, as_seed
from vae_helpers.gaussian import MonteCarloEstimate

__all__ = [
    "Objective",
    "SQUARE",
    "reparameterized_gradient",
    "score_function_gradient",
    "estimator_variance",
    "ESTIMATORS",
]


class Objective(NamedTuple):
    r"""A function :math:`f`, its derivative, and the exact gradient of its mean.

    ``exact_gradient(mu, sigma)`` is :math:`\frac{\partial}{\partial\mu}\mathbb{E}[f(z)]` for
    :math:`z \sim \mathcal{N}(\mu, \sigma^2)`, worked out by hand, to check the estimators.
    """

    name: str
    f: Callable[[np.ndarray], np.ndarray]
    derivative: Callable[[np.ndarray], np.ndarray]
    exact_gradient: Callable[[float, float], float]


def _square(z: np.ndarray) -> np.ndarray:
    return z**2


def _square_derivative(z: np.ndarray) -> np.ndarray:
    return 2 * z


def _square_exact_gradient(mu: float, sigma: float) -> float:
    # E[z^2] = mu^2 + sigma^2, so its derivative in mu is 2 mu.
    return 2 * mu


SQUARE = Objective("z^2", _square, _square_derivative, _square_exact_gradient)
"""The book's example, :math:`f(z) = z^2`, with :math:`\\frac{\\partial}{\\partial\\mu}\\mathbb{E}[z^2] = 2\\mu`."""

ESTIMATORS = ("reparameterized", "score_function")


def _check(
    objective: Objective, mu: float, sigma: float, n_samples: int, seed: int | None, minimum_samples: int = 2
) -> None:
    if not isinstance(objective, Objective):
        raise ValueError(f"objective must be an Objective (f, derivative, exact gradient): got {type(objective).__name__}")
    as_finite_number(mu, "mu")
    as_positive_number(sigma, "sigma", " (a standard deviation)")
    as_integer_at_least(n_samples, "n_samples", minimum_samples)
    as_seed(seed)


def _finite(*values: float, mu: float, sigma: float) -> None:
    """Refuse a result float64 could not hold (f(z) overflows for huge mu or sigma), instead of an inf or NaN."""
    if not np.isfinite(values).all():
        raise ValueError(
            f"mu and sigma are too large for this objective in float64 (its terms overflow): got mu={mu!r}, sigma={sigma!r}"
        )


def _gradient_terms(
    estimator: str, objective: Objective, mu: float, sigma: float, shape: tuple[int, ...], seed: int | None
) -> np.ndarray:
    """One gradient term per draw, for an array of draws of the given shape."""
    epsilon = np.random.default_rng(seed).standard_normal(shape)
    z = mu + sigma * epsilon
    if estimator == "reparameterized":
        return objective.derivative(z)
    # (z - mu) / sigma^2 = epsilon / sigma: the score of N(mu, sigma^2) with respect to mu.
    return objective.f(z) * epsilon / sigma


def _estimate(estimator: str, objective: Objective, mu: float, sigma: float, n_samples: int, seed) -> MonteCarloEstimate:
    with np.errstate(over="ignore", invalid="ignore"):
        terms = _gradient_terms(estimator, objective, float(mu), float(sigma), (n_samples,), seed)
        estimate = MonteCarloEstimate(float(terms.mean()), float(terms.std(ddof=1) / np.sqrt(len(terms))))
    _finite(*estimate, mu=mu, sigma=sigma)
    return estimate


def reparameterized_gradient(
    objective: Objective, mu: float, sigma: float, n_samples: int, seed: int | None = None
) -> MonteCarloEstimate:
    r"""Pathwise estimate of :math:`\frac{\partial}{\partial\mu}\mathbb{E}[f(z)]`, with its standard error.

    .. math:: \frac{1}{n}\sum_{s=1}^{n} f'(\mu + \sigma\varepsilon_s), \qquad \varepsilon_s \sim \mathcal{N}(0, 1)

    Raises
    ------
    ValueError
        If ``sigma`` is not a positive number, ``mu`` is not a finite number, ``n_samples`` < 2,
        ``seed`` is not ``None`` or an integer >= 0, or the terms overflow float64.
    """
    _check(objective, mu, sigma, n_samples, seed)
    return _estimate("reparameterized", objective, mu, sigma, n_samples, seed)


def score_function_gradient(
    objective: Objective, mu: float, sigma: float, n_samples: int, seed: int | None = None
) -> MonteCarloEstimate:
    r"""Score-function (REINFORCE) estimate of :math:`\frac{\partial}{\partial\mu}\mathbb{E}[f(z)]`, with its standard error.

    .. math:: \frac{1}{n}\sum_{s=1}^{n} f(z_s)\,\frac{z_s - \mu}{\sigma^2}, \qquad z_s \sim \mathcal{N}(\mu, \sigma^2)

    Uses only values of :math:`f`, never its derivative.

    Raises
    ------
    ValueError
        If ``sigma`` is not a positive number, ``mu`` is not a finite number, ``n_samples`` < 2,
        ``seed`` is not ``None`` or an integer >= 0, or the terms overflow float64.
    """
    _check(objective, mu, sigma, n_samples, seed)
    return _estimate("score_function", objective, mu, sigma, n_samples, seed)


def estimator_variance(
    estimator: str,
    objective: Objective,
    mu: float,
    sigma: float,
    n_samples: int,
    n_repeats: int = 1000,
    seed: int | None = None,
) -> float:
    r"""Variance of an ``n_samples``-draw gradient estimate, measured over ``n_repeats`` repeats.

    Each repeat is an independent estimate (``n_samples=1`` is the single draw a VAE
    typically uses per image), as :func:`reparameterized_gradient` or
    :func:`score_function_gradient` would return; the result is their sample variance.
    For an average of :math:`n` independent terms it falls as :math:`1/n`.

    Parameters
    ----------
    estimator : {"reparameterized", "score_function"}
        Which estimator to repeat.

    Raises
    ------
    ValueError
        If ``estimator`` is unknown, ``sigma`` is not positive, ``n_samples`` < 1, ``n_repeats`` < 2,
        or the terms overflow float64.
    """
    if not isinstance(estimator, str) or estimator not in ESTIMATORS:
        raise ValueError(f"estimator must be one of {ESTIMATORS}: got {estimator!r}")
    _check(objective, mu, sigma, n_samples, seed, minimum_samples=1)
    as_integer_at_least(n_repeats, "n_repeats", 2)
    with np.errstate(over="ignore", invalid="ignore"):
        terms = _gradient_terms(estimator, objective, float(mu), float(sigma), (n_repeats, n_samples), seed)
        variance = float(terms.mean(axis=1).var(ddof=1))
    _finite(variance, mu=mu, sigma=sigma)
    return variance
