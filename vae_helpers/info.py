r"""Information theory for discrete distributions (chapter 1).

Every function takes probability vectors as numpy arrays whose **last axis is the
distribution**, so a batch of distributions is a 2-D array. ``base`` picks the unit:
2 gives bits, ``numpy.e`` gives nats. The convention :math:`0 \log 0 = 0` holds
throughout.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike
from scipy.special import xlogy

from vae_helpers._validation import as_probability, as_probability_vector, check_base, check_same_shape

__all__ = ["information_content", "entropy", "cross_entropy", "kl_divergence"]


def information_content(p: ArrayLike, base: float = 2) -> np.ndarray | float:
    r"""Information content (surprisal) of an event of probability ``p``.

    .. math:: I(p) = -\log_b p

    An event of probability :math:`1/2^n` carries :math:`n` bits. Elementwise;
    ``p = 0`` gives ``inf`` (an impossible event would be infinitely surprising).

    Raises
    ------
    ValueError
        If ``p`` is outside [0, 1] or ``base`` is not a valid logarithm base.
    """
    base = check_base(base)
    p = as_probability(p, "p")
    with np.errstate(divide="ignore"):
        return -np.log(p) / np.log(base)


def entropy(p: ArrayLike, base: float = 2) -> np.ndarray | float:
    r"""Entropy, the expected information content of one draw from ``p``.

    .. math:: H(p) = -\sum_i p_i \log_b p_i

    Returns one value per distribution (the last axis is summed).

    Raises
    ------
    ValueError
        If ``p`` has a negative entry or does not sum to 1, or ``base`` is not a valid
        logarithm base (a finite real number > 0, other than 1).
    """
    base = check_base(base)
    p = as_probability_vector(p, "p")
    # + 0.0 turns the -0.0 of a certain outcome into 0.0.
    return -xlogy(p, p).sum(axis=-1) / np.log(base) + 0.0


def _distribution_pair(p: ArrayLike, q: ArrayLike, base: float) -> tuple[np.ndarray, np.ndarray, float]:
    """Validate two distributions over the same outcomes, and the logarithm base."""
    p = as_probability_vector(p, "p")
    q = as_probability_vector(q, "q")
    check_same_shape(p, q, "p", "q")
    return p, q, check_base(base)


def cross_entropy(p: ArrayLike, q: ArrayLike, base: float = 2) -> np.ndarray | float:
    r"""Cross-entropy: the average code length for data from ``p`` coded for ``q``.

    .. math:: H(p, q) = -\sum_i p_i \log_b q_i

    ``inf`` where some :math:`q_i = 0 < p_i`.

    Raises
    ------
    ValueError
        If ``p`` or ``q`` is not a probability vector, their shapes differ, or ``base`` is
        not a valid logarithm base.
    """
    p, q, base = _distribution_pair(p, q, base)
    with np.errstate(divide="ignore"):
        return -xlogy(p, q).sum(axis=-1) / np.log(base)


def kl_divergence(p: ArrayLike, q: ArrayLike, base: float = 2) -> np.ndarray | float:
    r"""Kullback-Leibler divergence of ``p`` from ``q``: the extra code length of coding ``p`` with ``q``.

    .. math:: D_{KL}(p \,\|\, q) = \sum_i p_i \log_b \frac{p_i}{q_i} = H(p, q) - H(p)

    Never negative, zero only when ``p == q``, not symmetric, and ``inf`` where
    some :math:`q_i = 0 < p_i`.

    Raises
    ------
    ValueError
        If ``p`` or ``q`` is not a probability vector, their shapes differ, or ``base`` is
        not a valid logarithm base.
    """
    p, q, base = _distribution_pair(p, q, base)
    with np.errstate(divide="ignore"):
        extra = xlogy(p, p) - xlogy(p, q)
    # Rounding can leave -1e-17 for identical inputs; the divergence is never negative.
    return np.maximum(extra.sum(axis=-1), 0.0) / np.log(base)
