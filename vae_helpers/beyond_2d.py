r"""Part II: VAEs beyond two dimensions, measured on the literature's benchmark (chapter 7).

The benchmark is **dynamically binarized MNIST** (Burda, Grosse and Salakhutdinov, 2015): each
pixel is drawn as 1 with probability equal to its grey level, afresh for every training batch,
and once with a fixed seed (:data:`~vae_helpers.train.EVALUATION_SEED`) for the validation and
test figures. The models are Burda et al.'s MLP, 784-200-200-(mu, log sigma^2) with tanh units, trained
by ``python -m vae_helpers.train --binarize ...``.

- :data:`BURDA_2015_ONE_LAYER`: the literature's table; :func:`binarized_test_images`: the images
  every binarized model is scored on.
- :func:`active_units`: how many latent dimensions a model uses (beside
  :func:`vae_helpers.latent.kl_per_dimension`, what each costs).
- :func:`rate_and_distortion`: the two terms of the negative ELBO (Alemi et al., 2018).
- :func:`decoded_change_per_dimension`: how much the decoder's output moves when one coordinate does.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
from numpy.typing import ArrayLike

from vae_helpers._validation import as_float_array, as_positive_number

__all__ = [
    "BURDA_2015_ONE_LAYER",
    "ACTIVITY_THRESHOLD",
    "binarized_test_images",
    "active_units",
    "ActiveUnits",
    "rate_and_distortion",
    "RateDistortion",
    "decoded_change_per_dimension",
]

#: Burda, Grosse and Salakhutdinov (2015), Table 1, MNIST, one stochastic layer (784-200-200-50, tanh),
#: dynamic binarization: test log-likelihood in nats, estimated with 5,000 importance samples, by
#: training objective and its number of samples k. (As tabulated by the paper; v1 and v2 of the paper
#: differ, see the authors' repository yburda/iwae.)
BURDA_2015_ONE_LAYER = {
    "VAE": {1: -86.76, 5: -86.47, 50: -86.35},
    "IWAE": {1: -86.76, 5: -85.54, 50: -84.78},
}
#: The activity threshold of Burda et al. (2015), the value in their code. A latent dimension is
#: active when the variance over the data of its posterior mean,
#: :math:`\mathrm{Cov}_x(\mathbb E_{q(z\mid x)}[z_u])`, exceeds it.
ACTIVITY_THRESHOLD = 1e-2


def binarized_test_images(source: str = "mnist") -> np.ndarray:
    """The test images of ``source``, binarized once with the seed every shipped model is scored with.

    Returns float32 0s and 1s of shape ``(n, 784)``: the same bits for every call.
    """
    from vae_helpers.bernoulli import binarize
    from vae_helpers.data import load_mnist
    from vae_helpers.train import EVALUATION_SEED

    _, (x_test, _) = load_mnist(source)
    return binarize(x_test, seed=EVALUATION_SEED)


class ActiveUnits(NamedTuple):
    """How many latent dimensions are active, and the statistic each was judged on."""

    count: int
    #: Variance over the images of each dimension's posterior mean, shape ``(latent_dim,)``.
    activity: np.ndarray
    #: Which dimensions are active, shape ``(latent_dim,)``.
    active: np.ndarray


def active_units(mu: ArrayLike, threshold: float = ACTIVITY_THRESHOLD) -> ActiveUnits:
    r"""Burda et al.'s active units: dimensions with :math:`\mathrm{Var}_x(\mathbb E_{q(z\mid x)}[z_u]) > ` ``threshold``.

    ``mu`` holds the encoder's posterior means for many images, shape ``(n, latent_dim)``.

    Raises
    ------
    ValueError
        If ``mu`` is not a finite ``(n, latent_dim)`` array with ``n >= 2``, or ``threshold`` is not > 0.
    """
    mu = as_float_array(mu, "mu")
    if mu.ndim != 2 or len(mu) < 2 or not np.isfinite(mu).all():
        raise ValueError(f"mu must be a finite array of shape (n_images, latent_dim) with at least 2 images: got {mu.shape}")
    threshold = as_positive_number(threshold, "threshold")
    activity = mu.var(axis=0)
    active = activity > threshold
    return ActiveUnits(int(active.sum()), activity, active)


class RateDistortion(NamedTuple):
    """The negative ELBO's two terms, per-image means in nats: ``rate + distortion`` is the -ELBO."""

    rate: float
    distortion: float


def rate_and_distortion(encoder, decoder, x: ArrayLike, n_samples: int = 10, seed: int = 0) -> RateDistortion:
    r"""Rate :math:`R = \mathbb E_x D_{KL}(q(z\mid x)\,\|\,p(z))` and distortion :math:`D = \mathbb E_x \mathbb E_q[-\log p(x\mid z)]`.

    The distortion is :func:`~vae_helpers.model.negative_elbo` less the exact KL term, so
    ``rate + distortion`` is that function's figure, with its ``n_samples`` and ``seed``.

    Raises
    ------
    ValueError
        As :func:`~vae_helpers.model.negative_elbo`.
    """
    from vae_helpers.gaussian import kl_to_standard_normal
    from vae_helpers.model import encode, negative_elbo

    total = negative_elbo(encoder, decoder, x, n_samples=n_samples, seed=seed)
    mu, log_var = encode(encoder, x)
    rate = float(kl_to_standard_normal(mu, log_var).mean())
    return RateDistortion(rate, total - rate)


def decoded_change_per_dimension(decoder, z: ArrayLike, step: float = 2.0) -> np.ndarray:
    r"""How far the decoded image moves when one latent coordinate moves by ``step``: shape ``(latent_dim,)``.

    For each dimension :math:`u`, the mean over the codes ``z`` ``(n, latent_dim)`` of the summed
    absolute change of the 784 pixel probabilities when :math:`z_u` becomes :math:`z_u + ` ``step``.
    A dimension the decoder ignores scores about 0.

    Raises
    ------
    ValueError
        If ``z`` is not a finite ``(n, latent_dim)`` array for this decoder, or ``step`` is not > 0.
    """
    from vae_helpers.model import decode

    z = as_float_array(z, "z")
    step = as_positive_number(step, "step")
    if z.ndim != 2:
        raise ValueError(f"z must have shape (n, latent_dim): got {z.shape}")
    base = decode(decoder, z)
    changes = np.empty(z.shape[1])
    for u in range(z.shape[1]):
        moved = z.copy()
        moved[:, u] += step
        changes[u] = np.abs(decode(decoder, moved) - base).sum(axis=1).mean()
    return changes
