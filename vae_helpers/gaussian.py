r"""Gaussian densities and the KL divergences a VAE needs (chapter 2).

Variances are :math:`\sigma^2`; ``log_var`` is :math:`\log \sigma^2`, the quantity a
VAE encoder predicts. Divergences are in nats (natural logarithm).
"""

from __future__ import annotations

from types import ModuleType
from typing import Any, NamedTuple

import numpy as np
from numpy.typing import ArrayLike

from vae_helpers._validation import as_float_array, as_integer_at_least, as_positive, check_same_shape

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


def normal_log_pdf(x: ArrayLike, mu: ArrayLike = 0.0, sigma: ArrayLike = 1.0) -> np.ndarray:
    r"""Log density of :math:`\mathcal{N}(\mu, \sigma^2)` at ``x``, elementwise (broadcasts).

    .. math:: \log f(x) = -\tfrac12 \log(2\pi\sigma^2) - \frac{(x-\mu)^2}{2\sigma^2}

    Raises
    ------
    ValueError
        If ``sigma`` (the standard deviation) is not positive.
    """
    x = as_float_array(x, "x")
    mu = as_float_array(mu, "mu")
    sigma = as_positive(sigma, "sigma")
    return -0.5 * (_LOG_2PI + 2 * np.log(sigma)) - 0.5 * ((x - mu) / sigma) ** 2


def normal_pdf(x: ArrayLike, mu: ArrayLike = 0.0, sigma: ArrayLike = 1.0) -> np.ndarray:
    r"""Density of :math:`\mathcal{N}(\mu, \sigma^2)` at ``x``, elementwise (broadcasts).

    .. math:: f(x) = \frac{1}{\sigma\sqrt{2\pi}} e^{-\frac12 \left(\frac{x-\mu}{\sigma}\right)^2}

    The standard normal is ``mu=0, sigma=1``.

    Raises
    ------
    ValueError
        If ``sigma`` (the standard deviation) is not positive.
    """
    return np.exp(normal_log_pdf(x, mu, sigma))


def kl_normal(mu1: ArrayLike, var1: ArrayLike, mu2: ArrayLike, var2: ArrayLike) -> np.ndarray:
    r"""KL divergence between univariate normals, elementwise (broadcasts), in nats.

    .. math::
        D_{KL}\big(\mathcal{N}(\mu_1, \sigma_1^2) \,\|\, \mathcal{N}(\mu_2, \sigma_2^2)\big)
        = \log\frac{\sigma_2}{\sigma_1} + \frac{\sigma_1^2 + (\mu_1-\mu_2)^2}{2\sigma_2^2} - \frac12

    Raises
    ------
    ValueError
        If ``var1`` or ``var2`` (variances, not standard deviations) is not positive.
    """
    mu1 = as_float_array(mu1, "mu1")
    mu2 = as_float_array(mu2, "mu2")
    var1 = as_positive(var1, "var1")
    var2 = as_positive(var2, "var2")
    return 0.5 * (np.log(var2 / var1) + (var1 + (mu1 - mu2) ** 2) / var2 - 1.0)


def kl_to_standard_normal_formula(mu: Any, log_var: Any, ops: ModuleType = np) -> Any:
    r"""The closed form of :func:`kl_to_standard_normal`, on any array library.

    ``ops`` is a module with numpy's names (``numpy`` or ``keras.ops``), so the VAE's
    loss and the book's numbers share this one line. It checks nothing: call
    :func:`kl_to_standard_normal` for validated numpy input.
    """
    return -0.5 * ops.sum(1.0 + log_var - ops.square(mu) - ops.exp(log_var), axis=-1)


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
    result has shape ``(...)``. Any real ``log_var`` is a valid variance.

    Raises
    ------
    ValueError
        If the shapes differ or ``mu`` is a scalar.
    """
    mu, log_var = _posterior_parameters(mu, log_var)
    return kl_to_standard_normal_formula(mu, log_var)


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
        If the shapes differ, ``mu`` is a scalar, or ``n_samples`` is not an integer >= 2.
    """
    mu, log_var = _posterior_parameters(mu, log_var)
    n_samples = as_integer_at_least(n_samples, "n_samples", 2, " (a standard error needs two samples)")
    sigma = np.exp(0.5 * log_var)
    rng = np.random.default_rng(seed)
    z = mu + sigma * rng.standard_normal((n_samples, *mu.shape))
    log_ratio = (normal_log_pdf(z, mu, sigma) - normal_log_pdf(z)).sum(axis=-1)
    return MonteCarloEstimate(
        estimate=log_ratio.mean(axis=0),
        standard_error=log_ratio.std(axis=0, ddof=1) / np.sqrt(n_samples),
    )
