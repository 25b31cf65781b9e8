r"""Gaussian densities and the KL divergences a VAE needs (chapter 2).

Variances are :math:`\sigma^2`; ``log_var`` is :math:`\log \sigma^2`, the quantity a
VAE encoder predicts. Divergences are in nats (natural logarithm).
"""

from __future__ import annotations

from types import ModuleType
from typing import Any, NamedTuple

import numpy as np
from numpy.typing import ArrayLike

from vae_helpers._validation import (
    check_memory,
    as_finite_array,
    as_float_array,
    as_integer_at_least,
    as_positive,
    as_seed,
    check_same_shape,
)

__all__ = [
    "normal_log_pdf",
    "normal_pdf",
    "kl_normal",
    "kl_to_standard_normal",
    "kl_to_standard_normal_formula",
    "kl_monte_carlo",
    "MonteCarloEstimate",
]

_LOG_2PI = np.log(2 * np.pi)


def _broadcast(names: str, *arrays: np.ndarray) -> None:
    """Raise a ``ValueError`` naming the arguments when their shapes do not broadcast together."""
    try:
        np.broadcast_shapes(*(array.shape for array in arrays))
    except ValueError:
        shapes = ", ".join(str(array.shape) for array in arrays)
        raise ValueError(f"{names} must have shapes that broadcast together: got {shapes}") from None


def _finite_positive(value: ArrayLike, name: str, what: str) -> np.ndarray:
    array = as_positive(value, name)
    if not np.isfinite(array).all():
        raise ValueError(f"{name} must be finite ({what}): got {array}")
    return array


def normal_log_pdf(x: ArrayLike, mu: ArrayLike = 0.0, sigma: ArrayLike = 1.0) -> np.ndarray:
    r"""Log density of :math:`\mathcal{N}(\mu, \sigma^2)` at ``x``, elementwise (broadcasts).

    .. math:: \log f(x) = -\tfrac12 \log(2\pi\sigma^2) - \frac{(x-\mu)^2}{2\sigma^2}

    ``x`` may be infinite (the density there is 0, its log ``-inf``).

    Raises
    ------
    ValueError
        If ``sigma`` (the standard deviation) is not a finite positive number, ``mu`` is not
        finite, or the shapes do not broadcast.
    """
    x = as_float_array(x, "x")
    mu = as_finite_array(mu, "mu")
    sigma = _finite_positive(sigma, "sigma", "a standard deviation")
    _broadcast("x, mu and sigma", x, mu, sigma)
    return -0.5 * (_LOG_2PI + 2 * np.log(sigma)) - 0.5 * ((x - mu) / sigma) ** 2


def normal_pdf(x: ArrayLike, mu: ArrayLike = 0.0, sigma: ArrayLike = 1.0) -> np.ndarray:
    r"""Density of :math:`\mathcal{N}(\mu, \sigma^2)` at ``x``, elementwise (broadcasts).

    .. math:: f(x) = \frac{1}{\sigma\sqrt{2\pi}} e^{-\frac12 \left(\frac{x-\mu}{\sigma}\right)^2}

    The standard normal is ``mu=0, sigma=1``.

    Raises
    ------
    ValueError
        As :func:`normal_log_pdf`.
    """
    return np.exp(normal_log_pdf(x, mu, sigma))


def kl_normal(mu1: ArrayLike, var1: ArrayLike, mu2: ArrayLike, var2: ArrayLike) -> np.ndarray:
    r"""KL divergence between univariate normals, elementwise (broadcasts), in nats.

    .. math::
        D_{KL}\big(\mathcal{N}(\mu_1, \sigma_1^2) \,\|\, \mathcal{N}(\mu_2, \sigma_2^2)\big)
        = \log\frac{\sigma_2}{\sigma_1} + \frac{\sigma_1^2 + (\mu_1-\mu_2)^2}{2\sigma_2^2} - \frac12

    Computed in logs, so that variances as far apart as
    :math:`10^{-320}` and :math:`10^{200}` still give the right, finite answer.

    Raises
    ------
    ValueError
        If ``var1`` or ``var2`` (variances, not standard deviations) is not a finite positive
        number, a mean is not finite, or the shapes do not broadcast.
    """
    mu1 = as_finite_array(mu1, "mu1")
    mu2 = as_finite_array(mu2, "mu2")
    var1 = _finite_positive(var1, "var1", "a variance")
    var2 = _finite_positive(var2, "var2", "a variance")
    _broadcast("mu1, var1, mu2 and var2", mu1, var1, mu2, var2)
    sigma2 = np.sqrt(var2)
    with np.errstate(over="ignore"):
        difference = mu1 - mu2
        # mu1 - mu2 overflows only when both are huge; scaled first, the ratio is still finite.
        scaled = np.where(np.isfinite(difference), difference / sigma2, mu1 / sigma2 - mu2 / sigma2)
        # log(var1 / var2) as a difference of logs, since the ratio itself can overflow or
        # underflow; through log1p when the two are close, where that difference cancels.
        relative_difference = (var1 - var2) / var2
        log_ratio = np.where(
            np.abs(relative_difference) < 0.5, np.log1p(np.clip(relative_difference, -0.5, 0.5)), np.log(var1) - np.log(var2)
        )
    return _kl_in_logs(log_ratio, scaled)


def _kl_in_logs(log_ratio: np.ndarray, scaled_difference: np.ndarray) -> np.ndarray:
    r"""The Gaussian KL from :math:`t = \log(\sigma_1^2/\sigma_2^2)` and :math:`d = (\mu_1 - \mu_2)/\sigma_2`.

    .. math:: D_{KL} = \tfrac12\big[(e^{t} - 1 - t) + d^2\big]

    Nothing divides two variances, so nothing overflows before the answer does. For
    :math:`|t| < 0.01`, :math:`e^t - 1 - t` is summed as its series, since ``expm1(t) - t``
    cancels there (to 0 for :math:`t = 10^{-20}`, where the answer is :math:`5 \cdot 10^{-41}`).
    """
    t = log_ratio
    with np.errstate(over="ignore", invalid="ignore"):
        series = t * t * (1 / 2 + t * (1 / 6 + t * (1 / 24 + t * (1 / 120 + t / 720))))
        excess = np.where(np.abs(t) < 0.01, series, np.expm1(t) - t)
        return 0.5 * (np.maximum(excess, 0.0) + scaled_difference**2)


def kl_to_standard_normal_formula(mu: Any, log_var: Any, ops: ModuleType | None = None, axis: int | None = -1) -> Any:
    r"""The closed form of :func:`kl_to_standard_normal`, on any array library.

    ``ops`` is a module with numpy's names (``keras.ops`` for the VAE's loss; ``None``
    means ``numpy``), so the training loss and the book's numbers share this one line.
    ``axis`` is the latent axis summed over; ``None`` keeps one term per dimension. It
    checks nothing: call :func:`kl_to_standard_normal` for validated numpy input, computed
    in a form that stays accurate for extreme log-variances.
    """
    ops = np if ops is None else ops
    per_dimension = -0.5 * (1.0 + log_var - ops.square(mu) - ops.exp(log_var))
    return per_dimension if axis is None else ops.sum(per_dimension, axis=axis)


def _posterior_parameters(mu: ArrayLike, log_var: ArrayLike) -> tuple[np.ndarray, np.ndarray]:
    """Validate a diagonal Gaussian's ``mu`` and ``log_var``: same shape, with a last axis."""
    mu = as_float_array(mu, "mu")
    log_var = as_float_array(log_var, "log_var")
    if mu.ndim == 0:
        raise ValueError(f"mu must have a last axis (the latent dimensions): got a scalar {mu}")
    check_same_shape(mu, log_var, "mu", "log_var")
    return mu, log_var


def kl_to_standard_normal(mu: ArrayLike, log_var: ArrayLike) -> np.ndarray:
    r"""KL divergence of a diagonal Gaussian from :math:`\mathcal{N}(0, I)`, in nats.

    .. math::
        D_{KL}\big(\mathcal{N}(\mu, \operatorname{diag}\sigma^2) \,\|\, \mathcal{N}(0, I)\big)
        = -\frac12 \sum_{i=1}^{k} \left(1 + \log\sigma_i^2 - \mu_i^2 - \sigma_i^2\right)

    ``mu`` and ``log_var`` have shape ``(..., k)``; the last axis is summed, so the
    result has shape ``(...)``. Any real ``log_var`` is a valid variance. Infinite values
    are the limits they stand for: ``log_var = +inf`` (an infinitely wide posterior),
    ``log_var = -inf`` (a point mass) and ``mu = ±inf`` all give ``inf``, never NaN.
    Computed in logs, as :func:`kl_normal`; never negative.

    Raises
    ------
    ValueError
        If the shapes differ, ``mu`` is a scalar, or an entry is NaN.
    """
    mu, log_var = _posterior_parameters(mu, log_var)
    infinite = np.isinf(mu) | np.isinf(log_var)
    with np.errstate(invalid="ignore"):
        per_dimension = np.where(infinite, np.inf, _kl_in_logs(log_var, mu))
    return per_dimension.sum(axis=-1)


class MonteCarloEstimate(NamedTuple):
    """A Monte Carlo estimate with its standard error (same shape)."""

    estimate: np.ndarray
    standard_error: np.ndarray


def kl_monte_carlo(
    mu: ArrayLike, log_var: ArrayLike, n_samples: int, seed: int | None = None
) -> MonteCarloEstimate:
    r"""Monte Carlo estimate of :func:`kl_to_standard_normal`, with its standard error.

    Draws :math:`z^{(s)} \sim q = \mathcal{N}(\mu, \operatorname{diag}\sigma^2)` and averages
    :math:`\log q(z) - \log p(z)` with :math:`p = \mathcal{N}(0, I)`. The standard error is
    the sample standard deviation over :math:`\sqrt{n}`, so the estimate lies within a few
    standard errors of the closed form.

    Raises
    ------
    ValueError
        If the shapes differ, ``mu`` is a scalar or not finite, ``log_var`` is not finite,
        ``n_samples`` is not an integer >= 2, ``seed`` is not ``None`` or an integer >= 0, or
        the draws overflow float64 (a variance near :math:`e^{700}`).
    """
    mu, log_var = _posterior_parameters(mu, log_var)
    for name, array in (("mu", mu), ("log_var", log_var)):
        if not np.isfinite(array).all():
            raise ValueError(f"{name} must be finite for a Monte Carlo estimate: got {array}")
    n_samples = as_integer_at_least(n_samples, "n_samples", 2, " (a standard error needs two samples)")
    # epsilon, z, their squares and the log ratio exist at once.
    check_memory((n_samples, *mu.shape), f"n_samples={n_samples} and mu of shape {mu.shape}", copies=4)
    rng = np.random.default_rng(as_seed(seed))
    epsilon = rng.standard_normal((n_samples, *mu.shape))
    with np.errstate(over="ignore", invalid="ignore"):
        z = mu + np.exp(0.5 * log_var) * epsilon
        # log q(z) - log p(z) per dimension, with (z - mu) / sigma = epsilon: no division by a
        # sigma that underflows to 0 when log_var is very negative.
        log_ratio = (0.5 * (z**2 - epsilon**2 - log_var)).sum(axis=-1)
        estimate = log_ratio.mean(axis=0)
        # Scaled first: the squares inside std overflow long before the terms do (variance e^350).
        scale = np.maximum(np.abs(log_ratio).max(axis=0), np.finfo(float).tiny)
        standard_error = scale * (log_ratio / scale).std(axis=0, ddof=1) / np.sqrt(n_samples)
    if not (np.isfinite(estimate).all() and np.isfinite(standard_error).all()):
        raise ValueError(
            f"mu and log_var are too large for a Monte Carlo estimate in float64 (the draws overflow): "
            f"got mu {mu} and log_var {log_var}"
        )
    return MonteCarloEstimate(estimate=estimate, standard_error=standard_error)
