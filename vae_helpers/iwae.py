r"""The importance-weighted bound (chapter 3): tighter than the ELBO, and an estimate of :math:`\log p(x)`.

- :func:`log_mean_exp`: the stable log of a mean of exponentials.
- :func:`log_importance_weights` (the encoder's :math:`q` as proposal) and
  :func:`log_importance_weights_gaussian` (any diagonal Gaussian): the weights, per image and sample.
- :func:`importance_weighted_bound`, :func:`importance_weighted_bounds_by_k`: the bound
  :math:`\mathcal L_K` for one or several ``K``.

Everything is in nats. Only the functions that take a Keras encoder or decoder import Keras, when called.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike
from scipy.special import logsumexp

from vae_helpers._validation import as_finite_array, as_float_array, as_positive_integer, as_seed, check_image_batch

__all__ = [
    "log_mean_exp",
    "log_importance_weights",
    "log_importance_weights_gaussian",
    "importance_weighted_bound",
    "importance_weighted_bounds_by_k",
]

_LOG_2PI = np.log(2 * np.pi)


def log_mean_exp(log_values: ArrayLike, axis: int = -1) -> np.ndarray | float:
    r""":math:`\log \frac1K \sum_k e^{a_k}` along ``axis``, without overflow or underflow.

    Computed as :math:`m + \log \frac1K \sum_k e^{a_k - m}` with :math:`m = \max_k a_k`
    (``scipy.special.logsumexp``), so log-weights of -500 nats, whose exponentials are
    0 in floating point, still give the right answer.

    Raises
    ------
    ValueError
        If ``log_values`` has NaN, or no entries along ``axis``.
    """
    log_values = as_float_array(log_values, "log_values")
    if log_values.ndim == 0 or log_values.shape[axis] == 0:
        raise ValueError(f"log_values must have at least one entry along axis {axis}: got shape {log_values.shape}")
    return logsumexp(log_values, axis=axis) - np.log(log_values.shape[axis])


# Decoding speed of the shipped 2-128-784 decoder on these 2 cores (benchmarks/iwae_bound.py: about
# 0.5 million codes a second, vectorised): enough to say, before starting, how long a call would take.
_CODES_PER_SECOND = 5e5
_MAX_LOG_WEIGHT_BYTES = 2**31  # 2 GiB of float64 log-weights: beyond that a call is a mistake, not a bound


def _check_budget(n_images: int, k: int) -> None:
    """Refuse, with the figures, a call whose log-weights would not fit in memory."""
    n_bytes = 8 * n_images * k
    if n_bytes > _MAX_LOG_WEIGHT_BYTES:
        seconds = n_images * k / _CODES_PER_SECOND
        raise ValueError(
            f"k must keep the log-weights (8 bytes x {n_images} images x k) within {_MAX_LOG_WEIGHT_BYTES / 1e9:.1f} GB: "
            f"got k = {k}, which needs {n_bytes / 1e9:.3g} GB and about {seconds / 3600:.3g} hours of decoding "
            f"(at ~{_CODES_PER_SECOND:.0e} codes per second); use k <= {_MAX_LOG_WEIGHT_BYTES // (8 * n_images)}"
        )


def log_importance_weights_gaussian(decoder, x: ArrayLike, mu: ArrayLike, log_var: ArrayLike, k: int,
                                    seed: int | None = None, max_rows: int = 8192) -> np.ndarray:
    r"""Log importance weights :math:`\log p(x \mid z_i) + \log p(z_i) - \log q(z_i)` with any diagonal Gaussian proposal.

    For image ``n``, ``k`` codes :math:`z_i \sim q_n = \mathcal N(\mu_n, \operatorname{diag} e^{\text{log\_var}_n})`;
    :math:`p(x \mid z)` is the decoder's Bernoulli (minus the binary cross-entropy from its
    logits), :math:`p(z) = \mathcal N(0, I)`. Shape ``(n, k)``. The decoder runs on at most
    ``max_rows`` codes at a time, so memory stays bounded whatever ``n`` and ``k``.

    Raises
    ------
    ValueError
        If ``decoder`` is not a decoder, ``x`` is not ``(n, 784)`` finite intensities in [0, 1],
        ``mu`` and ``log_var`` are not finite ``(n, latent_dim)``, ``k`` or ``max_rows`` is not a
        positive integer, ``k`` would need more than 2 GB of log-weights, or ``seed`` is neither
        ``None`` nor an integer >= 0.
    """
    from keras import ops

    from vae_helpers.model import check_decoder, reconstruction_loss

    check_decoder(decoder)
    x = check_image_batch(x)
    latent_dim = int(decoder.inputs[0].shape[-1])
    mu, log_var = (_proposal_parameter(value, name, len(x), latent_dim) for value, name in ((mu, "mu"), (log_var, "log_var")))
    k = as_positive_integer(k, "k")
    max_rows = as_positive_integer(max_rows, "max_rows")
    seed = as_seed(seed)
    _check_budget(len(x), k)
    sigma = np.exp(0.5 * log_var)
    rng = np.random.default_rng(seed)
    n = len(x)
    log_weights = np.empty((n, k))
    images_per_call = max(1, max_rows // k)
    samples_per_call = min(k, max_rows)
    for start in range(0, n, images_per_call):
        rows = slice(start, min(start + images_per_call, n))
        for first in range(0, k, samples_per_call):
            columns = slice(first, min(first + samples_per_call, k))
            epsilon = rng.standard_normal((rows.stop - rows.start, columns.stop - columns.start, latent_dim))
            z = mu[rows, None] + sigma[rows, None] * epsilon
            targets = np.repeat(x[rows], epsilon.shape[1], axis=0)
            logits = decoder(z.reshape(-1, latent_dim).astype(np.float32), training=False)
            log_likelihood = -ops.convert_to_numpy(reconstruction_loss(targets, logits)).reshape(epsilon.shape[:2])
            log_prior = -0.5 * (latent_dim * _LOG_2PI + (z**2).sum(axis=-1))
            # log q(z) at z = mu + sigma * epsilon: the squared distance is epsilon's.
            log_q = -0.5 * (latent_dim * _LOG_2PI + log_var[rows, None].sum(axis=-1) + (epsilon**2).sum(axis=-1))
            log_weights[rows, columns] = log_likelihood + log_prior - log_q
    return log_weights


def _proposal_parameter(value: ArrayLike, name: str, n: int, latent_dim: int) -> np.ndarray:
    array = as_finite_array(value, name)
    if array.shape != (n, latent_dim):
        raise ValueError(f"{name} must have shape ({n}, {latent_dim}), one row per image: got {array.shape}")
    return array


def log_importance_weights(encoder, decoder, x: ArrayLike, k: int, seed: int | None = None,
                           max_rows: int = 8192) -> np.ndarray:
    r"""Log importance weights with the encoder's :math:`q(z \mid x)` as proposal, shape ``(n, k)``.

    :func:`log_importance_weights_gaussian` with ``mu, log_var`` from the encoder.

    Raises
    ------
    ValueError
        If ``encoder`` and ``decoder`` are not the two halves of one VAE in that order (swapped,
        or not Keras models), or as :func:`log_importance_weights_gaussian`.
    """
    from vae_helpers.model import check_vae_parts, encode

    check_vae_parts(encoder, decoder)
    x = check_image_batch(x)
    k = as_positive_integer(k, "k")
    _check_budget(len(x), k)  # before encoding: a refused call should cost nothing
    mu, log_var = encode(encoder, x)
    return log_importance_weights_gaussian(decoder, x, mu, log_var, k, seed=seed, max_rows=max_rows)


def importance_weighted_bound(encoder, decoder, x: ArrayLike, k: int, seed: int | None = None) -> np.ndarray:
    r"""The importance-weighted bound on :math:`\log p(x)` with ``k`` samples, one per image, in nats.

    .. math:: \mathcal L_K(x) = \log \frac1K \sum_{i=1}^K \frac{p(x, z_i)}{q(z_i \mid x)}, \qquad z_i \sim q(z \mid x)

    Its expectation is a lower bound on :math:`\log p(x)` that rises with ``K``
    (Burda, Grosse and Salakhutdinov, ICLR 2016); ``k=1`` is the one-sample ELBO estimator. Built on
    :func:`log_importance_weights` and :func:`log_mean_exp`.

    Raises
    ------
    ValueError
        As :func:`log_importance_weights`: a ``k`` whose log-weights would exceed 2 GB is refused
        with the memory and time it would take.
    """
    return log_mean_exp(log_importance_weights(encoder, decoder, x, k, seed=seed), axis=-1)


def importance_weighted_bounds_by_k(log_weights: ArrayLike, ks) -> dict[int, np.ndarray]:
    r"""The bound for several ``K`` from one array of log-weights ``(n, n_samples)``: ``{K: (n,)}``.

    For each ``K``, the samples are cut into :math:`\lfloor n_\text{samples} / K \rfloor`
    disjoint groups of ``K``; each group gives an independent :math:`\mathcal L_K`, and
    their mean is returned per image. Small ``K`` thus use every draw, too.

    Raises
    ------
    ValueError
        If ``log_weights`` is not 2-D, or a ``K`` is not an integer in ``[1, n_samples]``.
    """
    log_weights = as_float_array(log_weights, "log_weights")
    if log_weights.ndim != 2:
        raise ValueError(f"log_weights must have shape (n_images, n_samples): got {log_weights.shape}")
    n, n_samples = log_weights.shape
    bounds = {}
    for k in ks:
        k = as_positive_integer(k, "ks")
        if k > n_samples:
            raise ValueError(f"ks must not exceed the {n_samples} samples per image: got {k}")
        groups = n_samples // k
        bounds[k] = log_mean_exp(log_weights[:, : groups * k].reshape(n, groups, k), axis=-1).mean(axis=1)
    return bounds
