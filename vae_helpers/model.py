r"""The VAE in Keras 3 (chapters 4 and 5): ``Sampling``, encoder, decoder and ``VAE``.

The decoder outputs **logits**: :math:`\mathrm{sigmoid}(\text{logit})` is the probability
that a pixel is on. The reconstruction term is computed from those logits explicitly,
so nothing depends on Keras reusing a hidden pre-activation tensor.
"""

from __future__ import annotations

import hashlib
import json
import os
import warnings
from pathlib import Path

import keras  # noqa: E402
import numpy as np  # noqa: E402
from keras import ops  # noqa: E402

from vae_helpers._validation import as_positive_integer  # noqa: E402
from vae_helpers.data import N_PIXELS  # noqa: E402
from vae_helpers.gaussian import kl_to_standard_normal_formula  # noqa: E402

__all__ = [
    "Sampling",
    "build_encoder",
    "build_decoder",
    "reconstruction_loss",
    "VAE",
    "encode",
    "decode",
    "negative_elbo",
    "load_pretrained",
    "pretrained_metadata",
    "PretrainedWeightsError",
]

PRETRAINED_DIR = Path(__file__).with_name("weights")
PRETRAINED_WEIGHTS = "vae_mnist_2d.weights.h5"
PRETRAINED_METADATA = "metadata.json"


@keras.saving.register_keras_serializable(package="vae_helpers")
class Sampling(keras.layers.Layer):
    r"""The reparameterization trick: :math:`z = \mu + \sigma \odot \varepsilon`, :math:`\varepsilon \sim \mathcal{N}(0, I)`.

    Called on ``(mu, log_var)``; :math:`\sigma = e^{\frac12 \log\sigma^2}`. The noise comes
    from a seeded ``keras.random.SeedGenerator``, so a fixed ``seed`` repeats the draws.
    """

    def __init__(self, seed: int | None = None, **kwargs):
        super().__init__(**kwargs)
        self.seed = seed
        self.seed_generator = keras.random.SeedGenerator(seed)

    def call(self, inputs):
        mu, log_var = inputs
        epsilon = keras.random.normal(ops.shape(mu), seed=self.seed_generator)
        return mu + ops.exp(0.5 * log_var) * epsilon

    def get_config(self) -> dict:
        return {**super().get_config(), "seed": self.seed}


def _initializer(seed: int | None, offset: int) -> keras.initializers.Initializer:
    return keras.initializers.GlorotUniform(seed=None if seed is None else seed + offset)


def _check_dimensions(latent_dim: int, hidden: int) -> None:
    as_positive_integer(latent_dim, "latent_dim")
    as_positive_integer(hidden, "hidden")


def build_encoder(latent_dim: int = 2, hidden: int = 128, seed: int | None = None) -> keras.Model:
    r"""The encoder :math:`q(z \mid x)`: 784 pixels -> ``hidden`` ReLU -> ``(mu, log_var, z)``.

    ``mu`` and ``log_var`` have shape ``(batch, latent_dim)``; ``z`` is one draw made by
    :class:`Sampling`. ``seed`` fixes the initial weights and the sampling noise.
    """
    _check_dimensions(latent_dim, hidden)
    x = keras.Input(shape=(N_PIXELS,), name="x")
    h = keras.layers.Dense(hidden, activation="relu", kernel_initializer=_initializer(seed, 0), name="hidden")(x)
    mu = keras.layers.Dense(latent_dim, kernel_initializer=_initializer(seed, 1), name="mu")(h)
    log_var = keras.layers.Dense(latent_dim, kernel_initializer=_initializer(seed, 2), name="log_var")(h)
    z = Sampling(seed=seed, name="z")([mu, log_var])
    return keras.Model(x, [mu, log_var, z], name="encoder")


def build_decoder(latent_dim: int = 2, hidden: int = 128, seed: int | None = None) -> keras.Model:
    r"""The decoder :math:`p(x \mid z)`: ``latent_dim`` -> ``hidden`` ReLU -> 784 **logits**.

    No output activation: apply a sigmoid (or :func:`decode`) to get pixel probabilities.
    """
    _check_dimensions(latent_dim, hidden)
    z = keras.Input(shape=(latent_dim,), name="z")
    h = keras.layers.Dense(hidden, activation="relu", kernel_initializer=_initializer(seed, 3), name="hidden")(z)
    logits = keras.layers.Dense(N_PIXELS, kernel_initializer=_initializer(seed, 4), name="logits")(h)
    return keras.Model(z, logits, name="decoder")


def reconstruction_loss(x, logits):
    r"""Per-image reconstruction loss in nats: binary cross-entropy summed over pixels.

    .. math:: -\sum_{j=1}^{784} \big[x_j \log \hat x_j + (1 - x_j) \log(1 - \hat x_j)\big],
              \quad \hat x = \mathrm{sigmoid}(\text{logits})

    Computed from the logits (numerically stable); ``x`` holds pixel intensities in [0, 1].
    """
    return ops.sum(ops.binary_crossentropy(x, logits, from_logits=True), axis=-1)


@keras.saving.register_keras_serializable(package="vae_helpers")
class VAE(keras.Model):
    r"""A VAE trained on the negative ELBO, :math:`\text{reconstruction} + \beta\,D_{KL}(q(z\mid x)\,\|\,\mathcal{N}(0, I))`.

    ``fit`` and ``evaluate`` report ``loss``, ``reconstruction_loss`` and ``kl_loss``,
    each a per-image mean in nats. ``beta=1`` is the VAE; ``beta=0`` drops the KL term
    and leaves a plain autoencoder (with noise); larger ``beta`` trades reconstruction
    for a latent space closer to the prior. Calling the model returns the logits of
    one stochastic reconstruction.
    """

    def __init__(self, encoder: keras.Model, decoder: keras.Model, beta: float = 1.0, **kwargs):
        super().__init__(**kwargs)
        if not np.isscalar(beta) or not np.isfinite(beta) or beta < 0:
            raise ValueError(f"beta must be a finite number >= 0: got {beta!r}")
        self.encoder = encoder
        self.decoder = decoder
        self.beta = float(beta)
        self.loss_tracker = keras.metrics.Mean(name="loss")
        self.reconstruction_tracker = keras.metrics.Mean(name="reconstruction_loss")
        self.kl_tracker = keras.metrics.Mean(name="kl_loss")
        # Encoder and decoder are functional models with known shapes, so the weights exist
        # now: save_weights and load_weights work before the first call.
        self.built = True

    @property
    def metrics(self):
        return [self.loss_tracker, self.reconstruction_tracker, self.kl_tracker]

    def call(self, x, training=False):
        _, _, z = self.encoder(x, training=training)
        return self.decoder(z, training=training)

    def _elbo_terms(self, x, training: bool):
        mu, log_var, z = self.encoder(x, training=training)
        logits = self.decoder(z, training=training)
        reconstruction = ops.mean(reconstruction_loss(x, logits))
        kl = ops.mean(kl_to_standard_normal_formula(mu, log_var, ops=ops))
        return reconstruction + self.beta * kl, reconstruction, kl

    def _track(self, total, reconstruction, kl) -> dict:
        self.loss_tracker.update_state(total)
        self.reconstruction_tracker.update_state(reconstruction)
        self.kl_tracker.update_state(kl)
        return {metric.name: metric.result() for metric in self.metrics}

    def train_step(self, data):
        import tensorflow as tf  # the gradient tape of Keras' TensorFlow backend

        x = data[0] if isinstance(data, tuple) else data
        with tf.GradientTape() as tape:
            total, reconstruction, kl = self._elbo_terms(x, training=True)
        gradients = tape.gradient(total, self.trainable_weights)
        self.optimizer.apply_gradients(zip(gradients, self.trainable_weights))
        return self._track(total, reconstruction, kl)

    def test_step(self, data):
        x = data[0] if isinstance(data, tuple) else data
        return self._track(*self._elbo_terms(x, training=False))

    def fit(self, x=None, *args, **kwargs):
        _check_images(x, "x")
        if isinstance(kwargs.get("validation_data"), np.ndarray):
            _check_images(kwargs["validation_data"], "validation_data")
        return super().fit(x, *args, **kwargs)

    def evaluate(self, x=None, *args, **kwargs):
        _check_images(x, "x")
        return super().evaluate(x, *args, **kwargs)

    def get_config(self) -> dict:
        return {
            **super().get_config(),
            "encoder": keras.saving.serialize_keras_object(self.encoder),
            "decoder": keras.saving.serialize_keras_object(self.decoder),
            "beta": self.beta,
        }

    @classmethod
    def from_config(cls, config: dict):
        encoder = keras.saving.deserialize_keras_object(config.pop("encoder"))
        decoder = keras.saving.deserialize_keras_object(config.pop("decoder"))
        return cls(encoder, decoder, **config)


def _check_images(x, name: str) -> None:
    """Catch the common mistakes (unflattened images, 0-255 pixels) before TensorFlow does."""
    if not isinstance(x, np.ndarray):
        return  # a tf.data pipeline or generator: Keras checks those itself
    if x.ndim != 2 or x.shape[1] != N_PIXELS:
        raise ValueError(
            f"{name} must have shape (n_images, {N_PIXELS}) (flattened 28x28 images, "
            f"load_mnist(flatten=True)): got {x.shape}"
        )
    if x.size and (x.min() < 0 or x.max() > 1):
        raise ValueError(f"{name} must hold pixel intensities in [0, 1] (divide by 255): got range [{x.min()}, {x.max()}]")


def encode(encoder: keras.Model, x) -> tuple[np.ndarray, np.ndarray]:
    """The posterior parameters ``(mu, log_var)`` of images ``x`` ``(n, 784)``, as numpy, each ``(n, latent_dim)``.

    ``mu`` is where the encoder places each image in latent space (no sampling).

    Raises
    ------
    ValueError
        If ``x`` is not ``(n, 784)`` pixel intensities in [0, 1].
    """
    x = np.asarray(x, dtype=np.float32)
    _check_images(x, "x")
    mu, log_var, _ = encoder(x, training=False)
    return keras.ops.convert_to_numpy(mu), keras.ops.convert_to_numpy(log_var)


def decode(decoder: keras.Model, z) -> np.ndarray:
    """Pixel probabilities (sigmoid of the decoder's logits) for latent points ``z``, as numpy.

    ``z`` has shape ``(n, latent_dim)`` or ``(latent_dim,)``; the result ``(n, 784)`` or ``(784,)``.

    Raises
    ------
    ValueError
        If the last axis of ``z`` is not the decoder's latent dimension.
    """
    z = np.asarray(z, dtype=np.float32)
    latent_dim = decoder.inputs[0].shape[-1]
    if z.ndim not in (1, 2) or z.shape[-1] != latent_dim:
        raise ValueError(f"z must have shape (n, {latent_dim}) or ({latent_dim},) for this decoder: got {z.shape}")
    logits = decoder(np.atleast_2d(z), training=False)
    probabilities = keras.ops.convert_to_numpy(ops.sigmoid(logits))
    return probabilities[0] if z.ndim == 1 else probabilities


def negative_elbo(encoder: keras.Model, decoder: keras.Model, x: np.ndarray, n_samples: int = 10, seed: int = 0) -> float:
    r"""Mean negative ELBO per image, in nats: a bound on :math:`-\log p(x)`, lower is better.

    .. math:: -\mathrm{ELBO}(x) = \mathbb{E}_{q(z\mid x)}\big[-\log p(x \mid z)\big] + D_{KL}(q(z\mid x)\,\|\,\mathcal{N}(0, I))

    The expectation is averaged over ``n_samples`` draws of ``z`` per image (seeded); the
    KL term is exact.
    """
    _check_images(np.asarray(x), "x")
    n_samples = as_positive_integer(n_samples, "n_samples")
    mu, log_var, _ = encoder(x, training=False)
    rng = np.random.default_rng(seed)
    sigma = ops.exp(0.5 * log_var)
    reconstruction = 0.0
    for _ in range(n_samples):
        z = mu + sigma * rng.standard_normal(tuple(mu.shape)).astype(np.float32)
        reconstruction += ops.mean(reconstruction_loss(x, decoder(z, training=False)))
    kl = ops.mean(kl_to_standard_normal_formula(mu, log_var, ops=ops))
    return float(reconstruction / n_samples + kl)


class PretrainedWeightsError(ValueError):
    """The pretrained weights are missing, corrupt, or do not fit the model."""


def _sha256(path: Path) -> str:
    """The checksum the metadata records for the weights file (``train.write_pretrained`` writes it)."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


def pretrained_metadata(folder: str | os.PathLike | None = None) -> dict:
    """The metadata of the shipped weights: data split, training settings, held-out -ELBO, versions, sha256.

    Raises
    ------
    PretrainedWeightsError
        If the metadata file is missing or not valid JSON.
    """
    path = Path(folder or PRETRAINED_DIR) / PRETRAINED_METADATA
    try:
        return json.loads(path.read_text())
    except FileNotFoundError as error:
        raise PretrainedWeightsError(
            f"No pretrained metadata at {path}. Recreate the weights with `python -m vae_helpers.train`."
        ) from error
    except json.JSONDecodeError as error:
        raise PretrainedWeightsError(f"{path} is not valid JSON ({error}); restore it from the repository.") from error


def load_pretrained(folder: str | os.PathLike | None = None) -> tuple[keras.Model, keras.Model]:
    """The shipped, trained 2-D VAE as ``(encoder, decoder)``, checksum verified.

    ``folder`` defaults to the package's ``weights/``; pass the ``--output`` folder of
    ``python -m vae_helpers.train`` to load weights you trained yourself.

    Raises
    ------
    PretrainedWeightsError
        If the weights file is missing, its sha256 differs from the metadata (corrupt or
        replaced), or its layers do not fit the architecture the metadata describes.
    """
    folder = Path(folder or PRETRAINED_DIR)
    metadata = pretrained_metadata(folder)
    path = folder / metadata["weights_file"]
    if not path.is_file():
        raise PretrainedWeightsError(
            f"Pretrained weights not found at {path}. Restore them from the repository or "
            "recreate them with `python -m vae_helpers.train`."
        )
    digest = _sha256(path)
    if digest != metadata["sha256"]:
        raise PretrainedWeightsError(
            f"{path} does not match its metadata (sha256 {digest[:12]}..., expected "
            f"{metadata['sha256'][:12]}...): the file is corrupt or was replaced. Restore it, or "
            "retrain with `python -m vae_helpers.train`, which rewrites both files together."
        )
    training = metadata["training"]
    vae = VAE(build_encoder(training["latent_dim"], training["hidden"]), build_decoder(training["latent_dim"], training["hidden"]))
    try:
        with warnings.catch_warnings():
            # Keras only warns when it skips a layer it cannot match, leaving random weights in it.
            warnings.simplefilter("error", UserWarning)
            vae.load_weights(path)
    except (ValueError, OSError, UserWarning) as error:
        raise PretrainedWeightsError(
            f"{path} does not fit a VAE with latent_dim={training['latent_dim']} and hidden={training['hidden']}: {error}"
        ) from error
    return vae.encoder, vae.decoder
