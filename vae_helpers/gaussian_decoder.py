r"""A Gaussian decoder (chapter 5): what the article's "mse_loss or xent_loss" line means as a likelihood.

A decoder whose :math:`p(x \mid z)` is the Gaussian :math:`\mathcal N(x;\, \hat x, s^2 I)` around its
output :math:`\hat x` costs, per image of :math:`D` pixels,

.. math:: -\log \mathcal N(x;\, \hat x, s^2 I) = \frac{\lVert x - \hat x \rVert^2}{2 s^2} + \frac D2 \log(2\pi s^2).

The second term does not depend on the weights. So training on the squared error
:math:`\lVert x - \hat x \rVert^2` plus :math:`\beta` times the KL is, after multiplying by
:math:`1/(2s^2)`, the Gaussian VAE with :math:`s^2 = \beta / 2`: mean-squared error fixes a
variance, and with it a hidden :math:`\beta = 2 s^2` between the two terms.
"""

from __future__ import annotations

import numpy as np
from keras import ops

from vae_helpers._validation import is_real_number
from vae_helpers.model import VAE

import keras  # noqa: E402

__all__ = ["gaussian_reconstruction_loss", "GaussianVAE"]

_LOG_2PI = float(np.log(2 * np.pi))


def _check_variance(variance) -> float:
    if not is_real_number(variance) or not np.isfinite(variance) or variance <= 0:
        raise ValueError(f"variance must be a finite number > 0 (the decoder's s^2): got {variance!r}")
    return float(variance)


def gaussian_reconstruction_loss(x, x_hat, variance: float):
    r"""Per-image :math:`-\log \mathcal N(x;\, \hat x, s^2 I)` in nats, summed over the pixels.

    .. math:: \frac{\lVert x - \hat x \rVert^2}{2 s^2} + \frac D2 \log(2\pi s^2)

    ``x`` and ``x_hat`` are ``(..., D)``; ``variance`` is :math:`s^2`. A density, not a
    probability: these nats are not comparable with the Bernoulli decoder's.

    Raises
    ------
    ValueError
        If ``variance`` is not a finite number > 0, or the last axes of ``x`` and ``x_hat`` differ.
    """
    variance = _check_variance(variance)
    x_hat = ops.convert_to_tensor(x_hat)
    x = ops.cast(x, x_hat.dtype)
    if x.shape[-1:] != x_hat.shape[-1:]:
        raise ValueError(f"x_hat must have as many pixels as x on the last axis: got shapes {tuple(x.shape)} and {tuple(x_hat.shape)}")
    pixels = x.shape[-1]
    return ops.sum(ops.square(x - x_hat), axis=-1) / (2 * variance) + 0.5 * pixels * (_LOG_2PI + float(np.log(variance)))


@keras.saving.register_keras_serializable(package="vae_helpers")
class GaussianVAE(VAE):
    r"""The book's :class:`~vae_helpers.model.VAE` with a Gaussian decoder of fixed variance ``variance`` (:math:`s^2`).

    The decoder's mean is :math:`\hat x = \mathrm{sigmoid}(\text{logits})`, so the same
    :func:`~vae_helpers.model.build_decoder` and :func:`~vae_helpers.model.decode` serve it;
    only the reconstruction term changes, to :func:`gaussian_reconstruction_loss`.

    Raises
    ------
    ValueError
        As :class:`~vae_helpers.model.VAE`, or if ``variance`` is not a finite number > 0.
    """

    def __init__(self, encoder: keras.Model, decoder: keras.Model, variance: float, **kwargs):
        self.variance = _check_variance(variance)
        super().__init__(encoder, decoder, **kwargs)

    def _reconstruction_term(self, x, logits):
        return gaussian_reconstruction_loss(x, ops.sigmoid(logits), self.variance)

    def get_config(self) -> dict:
        return {**super().get_config(), "variance": self.variance}

