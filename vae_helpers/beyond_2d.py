r"""Part II: VAEs beyond two dimensions, measured on the literature's benchmark (chapter 7).

The benchmark is **dynamically binarized MNIST** (Burda, Grosse and Salakhutdinov, 2015): each
pixel is drawn as 1 with probability equal to its grey level, afresh for every training batch,
and once with a fixed seed (:data:`~vae_helpers.train.EVALUATION_SEED`) for the validation and
test figures. The models are Burda et al.'s MLP, 784-200-200-(mu, log sigma^2) with tanh units, trained
by ``python -m vae_helpers.train --binarize ...``.

- :data:`BURDA_2015_ONE_LAYER`: the literature's table; :func:`binarized_test_images`: the images
  every binarized model is scored on.
- :data:`SHIPPED_BINARIZED`: the trained models the package ships, loaded by
  :func:`load_binarized` and described by :func:`binarized_metadata`.
- :func:`active_units`: how many latent dimensions a model uses (beside
  :func:`vae_helpers.latent.kl_per_dimension`, what each costs).
- :func:`rate_and_distortion`: the two terms of the negative ELBO (Alemi et al., 2018).
- :func:`decoded_change_per_dimension`: how much the decoder's output moves when one coordinate does.
- :func:`slice_2d`: a 2-D slice of a many-dimensional model, as a 2-D model the explorer shows.
"""

from __future__ import annotations

from pathlib import Path
from typing import NamedTuple

import numpy as np
from numpy.typing import ArrayLike

from vae_helpers._validation import as_float_array, as_positive_number
from vae_helpers.pretrained import PRETRAINED_DIR, pretrained_metadata

__all__ = [
    "BURDA_2015_ONE_LAYER",
    "BURDA_2015_TRAINING",
    "ACTIVITY_THRESHOLD",
    "SHIPPED_BINARIZED",
    "BINARIZED_DIR",
    "binarized_folder",
    "binarized_metadata",
    "training_epochs",
    "load_binarized",
    "binarized_test_images",
    "active_units",
    "ActiveUnits",
    "rate_and_distortion",
    "RateDistortion",
    "decoded_change_per_dimension",
    "slice_2d",
]

#: Burda, Grosse and Salakhutdinov (2015), Table 1, MNIST, one stochastic layer (784-200-200-50, tanh),
#: dynamic binarization: test log-likelihood in nats, estimated with 5,000 importance samples, by
#: training objective and its number of samples k. (As tabulated by the paper; v1 and v2 of the paper
#: differ, see the authors' repository yburda/iwae.)
BURDA_2015_ONE_LAYER = {
    "VAE": {1: -86.76, 5: -86.47, 50: -86.35},
    "IWAE": {1: -86.76, 5: -85.54, 50: -84.78},
}
#: Burda et al. (2015) trained those models for 3,280 passes (3^i epochs at each of 8 stepwise learning
#: rates) in batches of 20, on 59,600 of MNIST's 60,000 training images and the other 400 kept for
#: validation (their code, yburda/iwae, and its README).
BURDA_2015_TRAINING = {"passes": 3280, "batch_size": 20, "training_images": 59600}
#: The activity threshold of Burda et al. (2015), the value in their code. A latent dimension is
#: active when the variance over the data of its posterior mean,
#: :math:`\mathrm{Cov}_x(\mathbb E_{q(z\mid x)}[z_u])`, exceeds it.
ACTIVITY_THRESHOLD = 1e-2

#: The folder of the binarized models (one folder per model, weights and metadata, as the 2-D model's).
#:
#: :meta hide-value:
BINARIZED_DIR = PRETRAINED_DIR / "binarized"
#: The shipped models, each trained by ``python -m vae_helpers.train --binarize --hidden 200 --depth 2
#: --activation tanh`` and one change: ``vae-50d`` is Burda et al.'s model trained for long
#: (``vae-50d-600`` for 600 epochs, then ``--continue-from`` it for more); the others are
#: 50-epoch runs that differ from ``latent-50`` in one setting each (the latent size, a KL warm-up,
#: free bits, or beta). Their metadata holds the exact command's settings.
SHIPPED_BINARIZED = (
    "vae-50d", "vae-50d-600", "latent-2", "latent-5", "latent-10", "latent-20", "latent-50",
    "warm-up", "free-bits", "beta-0.5", "beta-2", "beta-4",
)


def binarized_folder(name: str) -> Path:
    """The folder of the shipped binarized model ``name``, one of :data:`SHIPPED_BINARIZED`.

    Raises
    ------
    ValueError
        If ``name`` is not a shipped model's name.
    """
    if name not in SHIPPED_BINARIZED:
        raise ValueError(f"name must be one of the shipped binarized models {', '.join(SHIPPED_BINARIZED)}: got {name!r}")
    return BINARIZED_DIR / name


def binarized_metadata(name: str) -> dict:
    """The metadata of shipped model ``name``: data, binarization, settings, learning curve, likelihood, versions."""
    return pretrained_metadata(binarized_folder(name))


def training_epochs(metadata: dict) -> int:
    """Every epoch a model was trained for: its run's and those of the runs it continued (``--continue-from``)."""
    epochs = 0
    while metadata:
        epochs += metadata["training"]["epochs"]
        metadata = metadata.get("continued_from")
    return epochs


def load_binarized(name: str):
    """The shipped binarized model ``name`` as ``(encoder, decoder)``, checksum verified (see ``load_pretrained``)."""
    from vae_helpers.model import load_pretrained

    return load_pretrained(binarized_folder(name))


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


def slice_2d(encoder, decoder, dims: tuple[int, int]):
    r"""The plane of latent dimensions ``dims = (a, b)`` through the prior's mean, as a 2-D ``(encoder, decoder)``.

    The sliced decoder maps :math:`(z_1, z_2)` to what ``decoder`` draws at the code with
    :math:`z_a = z_1`, :math:`z_b = z_2` and every other coordinate 0: its first layer keeps rows
    ``a`` and ``b`` of the original weights, exactly. The sliced encoder gives each image's
    :math:`(\mu_a, \mu_b)` and :math:`(\log\sigma^2_a, \log\sigma^2_b)`. Both are ordinary 2-D models
    of the book's architecture, so chapter 6's explorer shows the slice unchanged.

    Raises
    ------
    ValueError
        If the models are not two halves of one VAE with at least two latent dimensions, or
        ``dims`` is not two different dimensions of it.
    """
    from vae_helpers.model import build_decoder, build_encoder, check_vae_parts

    check_vae_parts(encoder, decoder)
    latent_dim = decoder.input_shape[-1]
    if (not isinstance(dims, (tuple, list)) or len(dims) != 2
            or not all(isinstance(u, (int, np.integer)) and not isinstance(u, bool) and 0 <= u < latent_dim for u in dims)
            or dims[0] == dims[1]):
        raise ValueError(f"dims must be two different latent dimensions in [0, {latent_dim}): got {dims!r}")
    rows = list(map(int, dims))
    hidden_layers = [layer for layer in decoder.layers if layer.name.startswith("hidden_")]
    shape = {"hidden": hidden_layers[0].units, "depth": len(hidden_layers), "activation": hidden_layers[0].activation.__name__}
    sliced_encoder, sliced_decoder = build_encoder(2, **shape), build_decoder(2, **shape)
    for layer in encoder.layers:
        weights = layer.get_weights()
        if layer.name in ("mu", "log_var"):
            weights = [weights[0][:, rows], weights[1][rows]]
        if weights:
            sliced_encoder.get_layer(layer.name).set_weights(weights)
    for layer in decoder.layers:
        weights = layer.get_weights()
        if layer.name == "hidden_1":
            weights = [weights[0][rows], weights[1]]  # the other coordinates are 0: their rows add nothing
        if weights:
            sliced_decoder.get_layer(layer.name).set_weights(weights)
    return sliced_encoder, sliced_decoder
