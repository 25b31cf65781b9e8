r"""Two Monte Carlo estimators of a gradient through sampling (chapter 4).

The target is :math:`\frac{\partial}{\partial\mu}\,\mathbb{E}_{z \sim \mathcal{N}(\mu, \sigma^2)}[f(z)]`.
Both estimators average terms computed from draws :math:`z = \mu + \sigma\varepsilon`,
:math:`\varepsilon \sim \mathcal{N}(0, 1)`:

- **reparameterized** (pathwise): :math:`f'(\mu + \sigma\varepsilon)`, the derivative of the
  sample itself, which the reparameterization trick makes possible;
- **score function** (REINFORCE): :math:`f(z)\,\frac{\partial}{\partial\mu}\log q(z) = f(z)\,\frac{z - \mu}{\sigma^2}`,
  which needs only values of :math:`f`, not its derivative.

Both are unbiased; their variances differ a lot. This module is numpy only; the
Keras version of the pathwise gradient is the ``Sampling`` layer of
:mod:`vae_helpers.model`, differentiated by whichever backend Keras trains on
(TensorFlow, JAX or PyTorch).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple

import numpy as np

from vae_helpers._validation import as_finite_number, as_integer_at_least, as_positive_number, as_seed, check_memory
from vae_helpers.gaussian import MonteCarloEstimate

__all__ = [
    "Objective",
    "SQUARE",
    "reparameterized_gradient",
    "score_function_gradient",
    "estimator_variance",
    "exact_variance_square",
    "exact_variance_ratio_square",
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
    check_memory((n_samples,), f"n_samples={n_samples}", copies=3)
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
    check_memory((n_repeats, n_samples), f"n_repeats={n_repeats} and n_samples={n_samples}", copies=3)  # draws, terms, their product
    with np.errstate(over="ignore", invalid="ignore"):
        terms = _gradient_terms(estimator, objective, float(mu), float(sigma), (n_repeats, n_samples), seed)
        variance = float(terms.mean(axis=1).var(ddof=1))
    _finite(variance, mu=mu, sigma=sigma)
    return variance


def exact_variance_square(
    estimator: str, mu: float, sigma: float, n_samples: int = 1, baseline: float = 0.0
) -> float:
    r"""Exact variance of an ``n_samples``-draw estimate of :math:`\frac{\partial}{\partial\mu}\mathbb{E}[z^2]`.

    For :math:`f(z) = z^2` both variances have a closed form. Write :math:`z = \mu + \sigma\varepsilon`
    and use the moments of the standard normal, :math:`\mathbb{E}[\varepsilon] = \mathbb{E}[\varepsilon^3]
    = \mathbb{E}[\varepsilon^5] = 0`, :math:`\mathbb{E}[\varepsilon^2] = 1`, :math:`\mathbb{E}[\varepsilon^4] = 3`,
    :math:`\mathbb{E}[\varepsilon^6] = 15`.

    - **Reparameterized.** One term is :math:`f'(z) = 2z`, so its variance is :math:`4\sigma^2`.
    - **Score function** with a constant baseline :math:`b` (``baseline``; 0 is the plain
      estimator). With :math:`c = \mu^2 - b`, one term is

      .. math:: g = (z^2 - b)\,\frac{\varepsilon}{\sigma}
               = \frac{c}{\sigma}\,\varepsilon + 2\mu\,\varepsilon^2 + \sigma\,\varepsilon^3 .

      Its mean is :math:`2\mu`, and squaring and taking expectations term by term,

      .. math:: \mathbb{E}[g^2] = \frac{c^2}{\sigma^2} + 12\mu^2 + 15\sigma^2 + 6c,
               \qquad \operatorname{Var}[g] = \frac{c^2}{\sigma^2} + 8\mu^2 + 15\sigma^2 + 6c .

      Without a baseline (:math:`c = \mu^2`) that is :math:`\mu^4/\sigma^2 + 14\mu^2 + 15\sigma^2`.

    An average of :math:`n` independent terms has :math:`1/n` of that variance. A constant
    baseline leaves :math:`f'` unchanged, so it does not change the reparameterized variance.

    Parameters
    ----------
    estimator : {"reparameterized", "score_function"}
        Which estimator.
    n_samples
        Number of draws averaged in one estimate.
    baseline
        The constant :math:`b` subtracted from :math:`f(z)` by the score-function estimator.

    Raises
    ------
    ValueError
        If ``estimator`` is unknown, ``sigma`` is not positive, ``mu`` or ``baseline`` is not a
        finite number, or ``n_samples`` < 1.
    """
    if estimator not in ESTIMATORS:
        raise ValueError(f"estimator must be one of {ESTIMATORS}: got {estimator!r}")
    _check(SQUARE, mu, sigma, n_samples, None, minimum_samples=1)
    if not np.isscalar(baseline) or not np.isfinite(baseline):
        raise ValueError(f"baseline must be a finite number: got {baseline!r}")
    if estimator == "reparameterized":
        return float(4 * sigma**2 / n_samples)
    c = mu**2 - baseline
    return float((c**2 / sigma**2 + 8 * mu**2 + 15 * sigma**2 + 6 * c) / n_samples)


def exact_variance_ratio_square(mu: float, sigma: float) -> float:
    r"""How many times larger the score-function variance is than the reparameterized one, for :math:`f(z) = z^2`.

    .. math:: \frac{\mu^4/\sigma^2 + 14\mu^2 + 15\sigma^2}{4\sigma^2}

    The ratio of the two variances of :func:`exact_variance_square` (no baseline). Both fall
    as :math:`1/n`, so the ratio is the same for every number of samples :math:`n`.

    Raises
    ------
    ValueError
        If ``sigma`` is not positive or ``mu`` is not a finite number.
    """
    return exact_variance_square("score_function", mu, sigma) / exact_variance_square("reparameterized", mu, sigma)
