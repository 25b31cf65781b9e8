r"""The Bernoulli likelihood on grey-level pixels (chapters 3 and 5): its floor, binary targets, and the
continuous Bernoulli's normaliser.

- :func:`reconstruction_floor`: the smallest binary cross-entropy any decoder can reach on grey levels.
- :func:`binarize`: dynamic binarization, each pixel 1 with probability equal to its intensity.
- :func:`continuous_bernoulli_log_normaliser`: what makes the Bernoulli formula a density on [0, 1].

Everything is numpy and in nats.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike
from scipy.special import xlogy

from vae_helpers._validation import as_finite_array, as_seed, check_image_batch

__all__ = ["reconstruction_floor", "binarize", "continuous_bernoulli_log_normaliser"]


def reconstruction_floor(x: ArrayLike) -> np.ndarray:
    r"""The smallest binary cross-entropy any decoder can reach on images ``x``, per image, in nats.

    .. math:: \min_{\hat x} -\sum_j \big[x_j \log \hat x_j + (1 - x_j) \log(1 - \hat x_j)\big] = \sum_j H(x_j),

    .. math:: H(t) = -t \log t - (1 - t)\log(1 - t)

    The minimum is at :math:`\hat x = x`: the targets' own binary entropy. It is 0 for
    images of 0s and 1s only, and positive for every grey pixel.

    Raises
    ------
    ValueError
        If ``x`` is not ``(n, 784)`` finite intensities in [0, 1].
    """
    x = check_image_batch(x).astype(np.float64)
    return -(xlogy(x, x) + xlogy(1 - x, 1 - x)).sum(axis=1)


def binarize(x: ArrayLike, seed: int | None = None) -> np.ndarray:
    r"""Dynamic binarization: each pixel becomes 1 with probability equal to its intensity, else 0.

    A new draw each call (with a new ``seed``), so a model trained on it sees a fresh binary
    image every epoch. Returns float32 0s and 1s of the shape of ``x``.

    Raises
    ------
    ValueError
        If ``x`` is not ``(n, 784)`` finite intensities in [0, 1], or ``seed`` is neither
        ``None`` nor an integer >= 0.
    """
    x = check_image_batch(x)
    seed = as_seed(seed)
    return (np.random.default_rng(seed).random(x.shape) < x).astype(np.float32)


def continuous_bernoulli_log_normaliser(logits: ArrayLike) -> np.ndarray:
    r"""Log of the continuous Bernoulli's normalising constant, elementwise, at logits :math:`\ell`.

    The continuous Bernoulli (Loaiza-Ganem & Cunningham 2019) makes the Bernoulli formula a
    density on :math:`[0, 1]`: :math:`p(x_j) = C(\lambda)\, \lambda^{x_j}(1 - \lambda)^{1 - x_j}` with

    .. math:: C(\lambda) = \frac{2 \operatorname{artanh}(1 - 2\lambda)}{1 - 2\lambda} = \frac{\ell}{\tanh(\ell / 2)},
              \qquad \lambda = \mathrm{sigmoid}(\ell)

    :math:`C = 2` at :math:`\ell = 0` (where the first form is 0/0) and grows like :math:`|\ell|`.
    So its log-likelihood is minus the binary cross-entropy plus :math:`\sum_j \log C(\ell_j)`.
    """
    logits = as_finite_array(logits, "logits")
    small = np.abs(logits) < 1e-3
    safe = np.where(small, 1.0, logits)
    # Near 0 the ratio is 0/0 in floating point; its Taylor series is 2 + l²/6 - l⁴/360.
    value = np.where(small, 2 + logits**2 / 6 - logits**4 / 360, safe / np.tanh(safe / 2))
    return np.log(value)
