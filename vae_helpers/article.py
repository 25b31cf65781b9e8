r"""The article's VAE, ported faithfully to Keras 3: the reference the book measures against.

The article builds a 784-128-2 encoder and a 2-128-784 decoder whose last layer is a
**softmax**, and a loss made of Keras' built-in ``binary_crossentropy`` on the decoder's
*probabilities* (times 784) plus the KL term, trained with Adam at batch size 100. This
module keeps all of that, with ``output_activation`` as a parameter ("softmax" as in the
article, "sigmoid" as it should be), and changes only what Keras 3 forces to change:
``keras.ops`` instead of ``keras.backend``, and a ``compute_loss`` instead of ``add_loss``.

On the TensorFlow backend the sigmoid and softmax activations attach their input (the
logits) to their output, and ``binary_crossentropy`` silently uses those logits with a
*sigmoid* cross-entropy. So the softmax model trains exactly like the sigmoid one and
reports the same loss, while its decoded pixels sum to 1. :func:`true_reconstruction_loss`
computes the loss the article's formula describes, from the probabilities themselves.
"""

from __future__ import annotations

import numpy as np

from vae_helpers._validation import (
    as_probability,
    as_positive_integer,
    as_positive_number,
    as_seed,
    check_images,
    is_real_number,
)
from vae_helpers.data import N_PIXELS
from vae_helpers.model import VAE, Sampling, check_decoder

import keras  # noqa: E402  (vae_helpers.model has quieted TensorFlow's start-up log)
from keras import ops  # noqa: E402

__all__ = [
    "OUTPUT_ACTIVATIONS",
    "ArticleVAE",
    "build_article_vae",
    "train_article_vae",
    "logits_decoder",
    "article_loss_terms",
    "true_reconstruction_loss",
]

OUTPUT_ACTIVATIONS = ("sigmoid", "softmax")
INTERMEDIATE_DIM = 128
LATENT_DIM = 2


class ArticleVAE(VAE):
    r"""The article's VAE as a Keras 3 model: the book's :class:`~vae_helpers.model.VAE` with the article's loss.

    .. math:: \text{loss} = 784 \cdot \mathrm{mean}_j\,\mathrm{BCE}(x_j, \hat x_j)
              \;-\; \tfrac12 \sum_{i} \big(1 + \log\sigma_i^2 - \mu_i^2 - \sigma_i^2\big)

    averaged over the batch, in nats, with ``keras.losses.binary_crossentropy`` applied to
    the decoder's output exactly as the article does (:func:`article_loss_terms`). The
    training step is the Keras 3 one of ``VAE``; ``fit`` and ``evaluate`` report ``loss``,
    ``reconstruction_loss`` and ``kl_loss``.
    """

    def _elbo_terms(self, x, mu, log_var, outputs):
        reconstruction, kl = article_loss_terms(x, outputs, mu, log_var)
        return ops.mean(reconstruction + kl), ops.mean(reconstruction), ops.mean(kl)


def article_loss_terms(x, outputs, mu, log_var):
    """The article's two loss terms per image, ``(reconstruction, kl)``, in the article's own form.

    ``outputs`` is what the decoder returns (probabilities). The reconstruction term is
    ``keras.losses.binary_crossentropy(x, outputs) * 784``, as in the article; on the
    TensorFlow backend it reads the logits hidden in ``outputs`` when there are any.
    """
    reconstruction = keras.losses.binary_crossentropy(x, outputs) * N_PIXELS
    kl = -0.5 * ops.sum(1 + log_var - ops.square(mu) - ops.exp(log_var), axis=-1)
    return reconstruction, kl


def build_article_vae(output_activation: str = "softmax", seed: int = 0) -> ArticleVAE:
    """The article's model: encoder 784-128-(mu, log_var, z) in 2-D, decoder 2-128-784.

    The decoder's last Dense layer (named ``"logits"``) is followed by an activation layer
    named ``"probabilities"``: ``"softmax"`` as in the article, or ``"sigmoid"``. Keeping
    them apart changes nothing in training and lets :func:`logits_decoder` read the logits.

    Raises
    ------
    ValueError
        If ``output_activation`` is not ``"sigmoid"`` or ``"softmax"``, or ``seed`` is not an
        integer >= 0.
    """
    if not isinstance(output_activation, str) or output_activation not in OUTPUT_ACTIVATIONS:
        raise ValueError(f"output_activation must be one of {OUTPUT_ACTIVATIONS}: got {output_activation!r}")
    _check_seed(seed)
    glorot = [keras.initializers.GlorotUniform(seed=seed + offset) for offset in range(5)]
    inputs = keras.Input((N_PIXELS,), name="x")
    h = keras.layers.Dense(INTERMEDIATE_DIM, activation="relu", kernel_initializer=glorot[0], name="hidden")(inputs)
    mu = keras.layers.Dense(LATENT_DIM, kernel_initializer=glorot[1], name="z_mean")(h)
    log_var = keras.layers.Dense(LATENT_DIM, kernel_initializer=glorot[2], name="z_log_var")(h)
    z = Sampling(seed=seed, name="z")([mu, log_var])
    encoder = keras.Model(inputs, [mu, log_var, z], name="encoder")

    latent = keras.Input((LATENT_DIM,), name="z")
    h = keras.layers.Dense(INTERMEDIATE_DIM, activation="relu", kernel_initializer=glorot[3], name="hidden")(latent)
    logits = keras.layers.Dense(N_PIXELS, kernel_initializer=glorot[4], name="logits")(h)
    outputs = keras.layers.Activation(output_activation, name="probabilities")(logits)
    decoder = keras.Model(latent, outputs, name="decoder")
    return ArticleVAE(encoder, decoder, name="vae_mlp")


def train_article_vae(
    x_train: np.ndarray,
    x_test: np.ndarray | None = None,
    output_activation: str = "softmax",
    epochs: int = 40,
    batch_size: int = 100,
    learning_rate: float = 1e-3,
    seed: int = 0,
    verbose: int = 0,
) -> tuple[ArticleVAE, keras.callbacks.History]:
    """Train the article's model as the article does: Adam (constant ``learning_rate``), batch 100.

    The compile step keeps Keras' defaults (``jit_compile="auto"``), as a straightforward
    port would. ``x_test``, if given, is evaluated after every epoch (``val_`` metrics).

    Raises
    ------
    ValueError
        If the images are not ``(n, 784)`` finite in [0, 1], ``output_activation`` is unknown,
        ``epochs``, ``batch_size`` are not positive integers, ``learning_rate`` is not a
        positive number, ``seed`` is not an integer >= 0, or ``verbose`` is not 0, 1 or 2.
    """
    x_train = check_images(x_train, "x_train")
    if x_test is not None:
        x_test = check_images(x_test, "x_test")
    if not isinstance(output_activation, str) or output_activation not in OUTPUT_ACTIVATIONS:
        raise ValueError(f"output_activation must be one of {OUTPUT_ACTIVATIONS}: got {output_activation!r}")
    as_positive_integer(epochs, "epochs")
    as_positive_integer(batch_size, "batch_size")
    as_positive_number(learning_rate, "learning_rate")
    _check_seed(seed)
    if not isinstance(verbose, int) or isinstance(verbose, bool) or verbose not in (0, 1, 2):
        raise ValueError(f"verbose must be 0, 1 or 2 (Keras' fit): got {verbose!r}")
    keras.utils.set_random_seed(seed)
    vae = build_article_vae(output_activation, seed=seed)
    vae.compile(optimizer=keras.optimizers.Adam(learning_rate))
    history = vae.fit(x_train, epochs=epochs, batch_size=batch_size, validation_data=x_test, verbose=verbose)
    return vae, history


def _check_seed(seed: int) -> None:
    """The article's model needs a seed: its initializers are seeded ``seed + offset``."""
    if as_seed(seed) is None:
        raise ValueError("seed must be an integer >= 0 (the article's model is seeded): got None")


def logits_decoder(decoder: keras.Model) -> keras.Model:
    """The article decoder cut before its output activation: latent points -> 784 logits.

    For the sigmoid model this is exactly the decoder :func:`vae_helpers.model.negative_elbo`
    and :func:`vae_helpers.model.decode` expect. It shares the decoder's weights.

    Raises
    ------
    ValueError
        If ``decoder`` is not a decoder with a layer named ``"logits"`` (:func:`build_article_vae`'s).
    """
    check_decoder(decoder)
    if "logits" not in [layer.name for layer in decoder.layers]:
        raise ValueError(
            f"decoder must have a layer named 'logits' (the article's decoder, build_article_vae().decoder): "
            f"got layers {[layer.name for layer in decoder.layers]}"
        )
    return keras.Model(decoder.inputs[0], decoder.get_layer("logits").output, name="decoder_logits")


def true_reconstruction_loss(x: np.ndarray, probabilities: np.ndarray, epsilon: float = 1e-7) -> np.ndarray:
    r"""Binary cross-entropy summed over pixels, from the probabilities themselves, in nats per image.

    .. math:: -\sum_{j=1}^{784} \big[x_j \log \hat x_j + (1 - x_j) \log(1 - \hat x_j)\big]

    ``probabilities`` (``(n, 784)``, the decoder's output) are clipped to
    ``[epsilon, 1 - epsilon]`` as Keras does when it has no logits to fall back on, so
    ``epsilon`` lies strictly between 0 (no clipping: a certain wrong pixel costs an
    infinite loss) and 1/2 (beyond, the two bounds cross). This is the loss the article's
    formula describes; for a softmax decoder it is far larger than what Keras reports.

    Raises
    ------
    ValueError
        If ``x`` or ``probabilities`` lie outside [0, 1], their shapes differ, or ``epsilon``
        is not in (0, 1/2).
    """
    x = as_probability(x, "x")
    p = as_probability(probabilities, "probabilities")
    if x.ndim == 0 or x.shape != p.shape:
        raise ValueError(f"probabilities must have the same shape as x, with a last axis of pixels: got {x.shape} and {p.shape}")
    if not is_real_number(epsilon) or not 0 < epsilon < 0.5:
        raise ValueError(f"epsilon must be a number strictly between 0 and 0.5 (the clip bounds epsilon, 1 - epsilon): got {epsilon!r}")
    # 1 - p is clipped too: for epsilon below 1e-16, 1 - epsilon rounds to 1 and log(1 - p) would be -inf.
    return -(x * np.log(np.clip(p, epsilon, 1 - epsilon)) + (1 - x) * np.log(np.clip(1 - p, epsilon, 1 - epsilon))).sum(axis=-1)
