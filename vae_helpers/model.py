r"""The VAE in Keras 3 (chapters 4 and 5): ``Sampling``, encoder, decoder and ``VAE``.

The decoder outputs **logits**: :math:`\mathrm{sigmoid}(\text{logit})` is the probability
that a pixel is on. The reconstruction term is computed from those logits explicitly,
so nothing depends on Keras reusing a hidden pre-activation tensor.
"""

from __future__ import annotations

import os
import warnings
from pathlib import Path

import keras
import numpy as np
from keras import ops

from vae_helpers._validation import (
    as_finite_array,
    as_positive_integer,
    as_seed,
    check_images,
    is_real_number,
)
from vae_helpers.data import N_PIXELS
from vae_helpers.gaussian import kl_to_standard_normal_formula
from vae_helpers.pretrained import PretrainedWeightsError, verified_weights_path

__all__ = [
    "Sampling",
    "build_encoder",
    "build_decoder",
    "reconstruction_loss",
    "VAE",
    "encode",
    "decode",
    "negative_elbo",
    "check_encoder",
    "check_decoder",
    "check_vae_parts",
    "load_pretrained",
]



@keras.saving.register_keras_serializable(package="vae_helpers")
class Sampling(keras.layers.Layer):
    r"""The reparameterization trick: :math:`z = \mu + \sigma \odot \varepsilon`, :math:`\varepsilon \sim \mathcal{N}(0, I)`.

    Called on ``(mu, log_var)``; :math:`\sigma = e^{\frac12 \log\sigma^2}`. The noise comes
    from a seeded ``keras.random.SeedGenerator``, so a fixed ``seed`` repeats the draws.
    """

    def __init__(self, seed: int | None = None, **kwargs):
        super().__init__(**kwargs)
        self.seed = as_seed(seed)
        self.seed_generator = keras.random.SeedGenerator(seed)

    def call(self, inputs):
        mu, log_var = inputs
        epsilon = keras.random.normal(ops.shape(mu), seed=self.seed_generator)
        return mu + ops.exp(0.5 * log_var) * epsilon

    def get_config(self) -> dict:
        return {**super().get_config(), "seed": self.seed}


def _initializer(seed: int | None, offset: int) -> keras.initializers.Initializer:
    return keras.initializers.GlorotUniform(seed=None if seed is None else seed + offset)


#: The hidden layers' activations: the book's ReLU, and the tanh of Burda et al. (2015) in Part II.
ACTIVATIONS = ("relu", "tanh")


def _check_dimensions(latent_dim: int, hidden: int, depth: int, seed: int | None, activation: str) -> None:
    as_positive_integer(latent_dim, "latent_dim")
    as_positive_integer(hidden, "hidden")
    as_positive_integer(depth, "depth")
    as_seed(seed)
    if activation not in ACTIVATIONS:
        raise ValueError(f"activation must be one of {ACTIVATIONS}: got {activation!r}")


def _hidden_layers(h, hidden: int, depth: int, seed: int | None, offset: int, activation: str):
    """``depth`` Dense layers of ``hidden`` units, named ``hidden_1`` ... ``hidden_<depth>``."""
    for index in range(depth):
        # The first layer keeps the seed offset it had when the models had one hidden layer.
        initializer = _initializer(seed, offset if index == 0 else 10 * offset + 10 + index)
        h = keras.layers.Dense(hidden, activation=activation, kernel_initializer=initializer, name=f"hidden_{index + 1}")(h)
    return h


def build_encoder(
    latent_dim: int = 2, hidden: int = 256, seed: int | None = None, depth: int = 2, activation: str = "relu"
) -> keras.Model:
    r"""The encoder :math:`q_\phi(z \mid x)`: 784 pixels -> ``depth`` layers of ``hidden`` units -> ``(mu, log_var, z)``.

    ``mu`` and ``log_var`` have shape ``(batch, latent_dim)``; ``z`` is one draw made by
    :class:`Sampling`. ``seed`` fixes the initial weights and the sampling noise. The
    defaults are the book's model (:class:`~vae_helpers.train.TrainingConfig`);
    ``activation`` is one of ``ACTIVATIONS`` (``"relu"``, ``"tanh"``).

    Raises
    ------
    ValueError
        If ``latent_dim``, ``hidden`` or ``depth`` is not a positive integer, ``seed`` is
        not ``None`` or an integer >= 0, or ``activation`` is unknown.
    """
    _check_dimensions(latent_dim, hidden, depth, seed, activation)
    x = keras.Input(shape=(N_PIXELS,), name="x")
    h = _hidden_layers(x, hidden, depth, seed, offset=0, activation=activation)
    mu = keras.layers.Dense(latent_dim, kernel_initializer=_initializer(seed, 1), name="mu")(h)
    log_var = keras.layers.Dense(latent_dim, kernel_initializer=_initializer(seed, 2), name="log_var")(h)
    z = Sampling(seed=seed, name="z")([mu, log_var])
    return keras.Model(x, [mu, log_var, z], name="encoder")


def build_decoder(
    latent_dim: int = 2, hidden: int = 256, seed: int | None = None, depth: int = 2, activation: str = "relu"
) -> keras.Model:
    r"""The decoder :math:`p_\theta(x \mid z)`: ``latent_dim`` -> ``depth`` layers of ``hidden`` units -> 784 **logits**.

    No output activation: apply a sigmoid (or :func:`decode`) to get pixel probabilities.

    Raises
    ------
    ValueError
        As :func:`build_encoder`.
    """
    _check_dimensions(latent_dim, hidden, depth, seed, activation)
    z = keras.Input(shape=(latent_dim,), name="z")
    h = _hidden_layers(z, hidden, depth, seed, offset=3, activation=activation)
    logits = keras.layers.Dense(N_PIXELS, kernel_initializer=_initializer(seed, 4), name="logits")(h)
    return keras.Model(z, logits, name="decoder")


def reconstruction_loss(x, logits):
    r"""Per-image reconstruction loss in nats: binary cross-entropy summed over pixels.

    .. math:: -\sum_{j=1}^{784} \big[x_j \log \hat x_j + (1 - x_j) \log(1 - \hat x_j)\big],
              \quad \hat x = \mathrm{sigmoid}(\text{logits})

    Computed from the logits (numerically stable); ``x`` holds pixel intensities in [0, 1],
    in any float dtype (it is cast to the logits' dtype). It runs inside the training graph,
    so it checks only what is known there: the shapes.

    Raises
    ------
    ValueError
        If the last axes of ``x`` and ``logits`` (the pixels) differ.
    """
    logits = ops.convert_to_tensor(logits)
    x = ops.cast(x, logits.dtype)
    if x.shape[-1:] != logits.shape[-1:]:
        raise ValueError(f"logits must have as many pixels as x on the last axis: got shapes {tuple(x.shape)} and {tuple(logits.shape)}")
    return ops.sum(ops.binary_crossentropy(x, logits, from_logits=True), axis=-1)


@keras.saving.register_keras_serializable(package="vae_helpers")
class VAE(keras.Model):
    r"""A VAE trained on the negative ELBO, :math:`\text{reconstruction} + \beta\,D_{KL}(q(z\mid x)\,\|\,\mathcal{N}(0, I))`.

    ``fit`` and ``evaluate`` report ``loss``, ``reconstruction_loss`` and ``kl_loss``,
    each a per-image mean in nats. ``beta=1`` is the VAE; ``beta=0`` drops the KL term
    and leaves a plain autoencoder (with noise); larger ``beta`` trades reconstruction
    for a latent space closer to the prior. ``free_bits`` :math:`\lambda` (Kingma et al.
    2016) charges each latent dimension at least :math:`\lambda` nats of KL, averaged over
    the batch, so that training gains nothing by closing a dimension below it; ``0`` is the
    plain ELBO. ``binarize=True`` trains on dynamically binarized images (Burda et al. 2015): each
    training batch is drawn afresh, pixel :math:`j` set to 1 with probability :math:`x_j`, inside the
    compiled step (``seed`` fixes the draws); evaluation uses the images as given. Calling the
    model returns ``(mu, log_var, logits, x_seen)`` for one stochastic reconstruction, ``x_seen``
    being the images the encoder was given.

    The loss lives in ``compute_loss``, the hook Keras 3 calls from its own training and
    test steps on every backend (TensorFlow, JAX, PyTorch), so nothing here names a backend.
    """

    def __init__(
        self,
        encoder: keras.Model,
        decoder: keras.Model,
        beta: float = 1.0,
        free_bits: float = 0.0,
        binarize: bool = False,
        seed: int | None = None,
        **kwargs,
    ):
        check_vae_parts(encoder, decoder)
        for name, value in (("beta", beta), ("free_bits", free_bits)):
            if not is_real_number(value) or not np.isfinite(value) or value < 0:
                raise ValueError(f"{name} must be a finite number >= 0: got {value!r}")
        if not isinstance(binarize, bool):
            raise ValueError(f"binarize must be True or False: got {binarize!r}")
        super().__init__(**kwargs)
        self.encoder = encoder
        self.decoder = decoder
        self.beta = float(beta)
        self.free_bits = float(free_bits)
        self.binarize = binarize
        self.seed = as_seed(seed)
        if binarize:
            self.binarization_seed = keras.random.SeedGenerator(seed)
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
        if self.binarize and training:
            x = ops.cast(keras.random.uniform(ops.shape(x), seed=self.binarization_seed) < x, "float32")
        mu, log_var, z = self.encoder(x, training=training)
        return mu, log_var, self.decoder(z, training=training), x

    def _reconstruction_term(self, x, logits):
        # -log p(x | z) per image: the Bernoulli decoder's; GaussianVAE puts its Gaussian here.
        return reconstruction_loss(x, logits)

    def _elbo_terms(self, x, mu, log_var, logits):
        reconstruction = ops.mean(self._reconstruction_term(x, logits))
        kl_per_dimension = ops.mean(kl_to_standard_normal_formula(mu, log_var, ops=ops, axis=None), axis=0)
        kl = ops.sum(kl_per_dimension)
        # Free bits: below lambda nats a dimension's KL costs lambda, so there is no gain in closing it.
        charged = ops.sum(ops.maximum(kl_per_dimension, self.free_bits)) if self.free_bits else kl
        return reconstruction + self.beta * charged, reconstruction, kl

    def compute_loss(self, x=None, y=None, y_pred=None, sample_weight=None, training=True):
        mu, log_var, logits, x_seen = y_pred
        total, reconstruction, kl = self._elbo_terms(x_seen, mu, log_var, logits)
        self.loss_tracker.update_state(total)
        self.reconstruction_tracker.update_state(reconstruction)
        self.kl_tracker.update_state(kl)
        return total

    def compute_metrics(self, x, y, y_pred, sample_weight=None):
        # The trackers were updated with the loss; Keras' compiled metrics have nothing to add.
        return {metric.name: metric.result() for metric in self.metrics}

    # Arrays are checked and cast to float32 here; a tf.data pipeline or a generator is
    # left to Keras, which checks those itself.
    def fit(self, x=None, *args, **kwargs):
        if isinstance(x, np.ndarray):
            x = check_images(x, "x")
        validation = kwargs.get("validation_data")
        if isinstance(validation, tuple) and validation and isinstance(validation[0], (np.ndarray, list)):
            kwargs["validation_data"] = (check_images(validation[0], "validation_data"), *validation[1:])
        elif isinstance(validation, (np.ndarray, list)):
            # A list of images is checked as the array it stands for, not handed to Keras to blame ``x``.
            kwargs["validation_data"] = check_images(validation, "validation_data")
        return super().fit(x, *args, **kwargs)

    def evaluate(self, x=None, *args, **kwargs):
        if isinstance(x, np.ndarray):
            x = check_images(x, "x")
        return super().evaluate(x, *args, **kwargs)

    def get_config(self) -> dict:
        return {
            **super().get_config(),
            "encoder": keras.saving.serialize_keras_object(self.encoder),
            "decoder": keras.saving.serialize_keras_object(self.decoder),
            "beta": self.beta,
            "free_bits": self.free_bits,
            "binarize": self.binarize,
            "seed": self.seed,
        }

    @classmethod
    def from_config(cls, config: dict):
        encoder = keras.saving.deserialize_keras_object(config.pop("encoder"))
        decoder = keras.saving.deserialize_keras_object(config.pop("decoder"))
        return cls(encoder, decoder, **config)


def _width(model: keras.Model, end: str) -> int | None:
    """The last axis of a functional model's first input or output (``end``), or ``None`` when unknown."""
    return getattr(model, end)[0].shape[-1]


def _check_part(model, name: str, outputs: int) -> None:
    if not isinstance(model, keras.Model) or not getattr(model, "inputs", None) or not getattr(model, "outputs", None):
        raise ValueError(f"{name} must be a functional Keras model (build_{name}()): got {type(model).__name__}")
    if len(model.outputs) != outputs:
        what = "three outputs (mu, log_var, z)" if outputs == 3 else "one output (the pixels)"
        raise ValueError(
            f"{name} must have {what}: got a model with {len(model.outputs)} output(s) (are encoder and decoder swapped?)"
        )


def check_encoder(encoder: keras.Model) -> None:
    """Check that ``encoder`` is a functional Keras model returning ``(mu, log_var, z)``.

    Raises
    ------
    ValueError
        If it is not (a decoder passed in its place, for one).
    """
    _check_part(encoder, "encoder", 3)


def check_decoder(decoder: keras.Model) -> None:
    """Check that ``decoder`` is a functional Keras model with one input (``z``) and one output (the pixels).

    Raises
    ------
    ValueError
        If it is not (an encoder passed in its place, for one).
    """
    _check_part(decoder, "decoder", 1)


def check_vae_parts(encoder: keras.Model, decoder: keras.Model) -> None:
    """Check that ``encoder`` and ``decoder`` are the two halves of one VAE, in that order.

    Besides :func:`check_encoder` and :func:`check_decoder`: the decoder reads the
    encoder's latent size and returns as many pixels as the encoder reads.

    Raises
    ------
    ValueError
        If either is not what it should be, or they do not fit together.
    """
    check_encoder(encoder)
    check_decoder(decoder)
    if _width(decoder, "inputs") != _width(encoder, "outputs"):
        raise ValueError(
            f"decoder must read the encoder's latent points: got latent sizes {_width(decoder, 'inputs')} "
            f"and {_width(encoder, 'outputs')}"
        )
    if _width(decoder, "outputs") != _width(encoder, "inputs"):
        raise ValueError(
            f"decoder must output as many pixels as the encoder reads: got {_width(decoder, 'outputs')} "
            f"and {_width(encoder, 'inputs')}"
        )


def encode(encoder: keras.Model, x) -> tuple[np.ndarray, np.ndarray]:
    """The posterior parameters ``(mu, log_var)`` of images ``x`` ``(n, 784)``, as numpy, each ``(n, latent_dim)``.

    ``mu`` is where the encoder places each image in latent space (no sampling).

    Raises
    ------
    ValueError
        If ``encoder`` is not an encoder, or ``x`` is not ``(n, 784)`` finite pixel
        intensities in [0, 1] (any integer or float dtype).
    """
    check_encoder(encoder)
    x = check_images(x, "x")
    mu, log_var, _ = encoder(x, training=False)
    return keras.ops.convert_to_numpy(mu), keras.ops.convert_to_numpy(log_var)


def decode(decoder: keras.Model, z) -> np.ndarray:
    """Pixel probabilities (sigmoid of the decoder's logits) for latent points ``z``, as numpy.

    ``z`` has shape ``(n, latent_dim)`` or ``(latent_dim,)``; the result ``(n, 784)`` or ``(784,)``.

    Raises
    ------
    ValueError
        If ``decoder`` is not a decoder, the last axis of ``z`` is not its latent dimension,
        ``z`` is not finite or does not fit in float32, or it lies so far out that float32
        arithmetic breaks down in the decoder (NaN pixels).
    """
    check_decoder(decoder)
    z = as_finite_array(z, "z")
    latent_dim = decoder.inputs[0].shape[-1]
    if z.ndim not in (1, 2) or z.shape[-1] != latent_dim:
        raise ValueError(f"z must have shape (n, {latent_dim}) or ({latent_dim},) for this decoder: got {z.shape}")
    if z.size and np.abs(z).max() > np.finfo(np.float32).max:
        raise ValueError(f"z must fit in float32, the decoder's dtype (|z| <= 3.4e38): got largest |entry| {np.abs(z).max():.3g}")
    logits = decoder(np.atleast_2d(z).astype(np.float32), training=False)
    probabilities = keras.ops.convert_to_numpy(ops.sigmoid(logits))
    if np.isnan(probabilities).any():
        # A coordinate near 1e38 overflows float32 inside the Dense layers (inf - inf).
        raise ValueError(
            f"z must lie within reach of float32 arithmetic: decoding gives NaN pixels for z with largest "
            f"|entry| {np.abs(z).max():.3g}"
        )
    return probabilities[0] if z.ndim == 1 else probabilities


def negative_elbo(encoder: keras.Model, decoder: keras.Model, x: np.ndarray, n_samples: int = 10, seed: int = 0) -> float:
    r"""Mean negative ELBO per image, in nats: a bound on :math:`-\log p(x)`, lower is better.

    .. math:: -\mathrm{ELBO}(x) = \mathbb{E}_{q(z\mid x)}\big[-\log p(x \mid z)\big] + D_{KL}(q(z\mid x)\,\|\,\mathcal{N}(0, I))

    The expectation is averaged over ``n_samples`` draws of ``z`` per image (seeded); the
    KL term is exact. ``x`` may have any integer or float dtype (``x / 255.`` is float64).

    Raises
    ------
    ValueError
        If ``encoder`` and ``decoder`` are not the two halves of one VAE, ``x`` is not
        ``(n, 784)`` finite pixel intensities in [0, 1], ``n_samples`` is not a positive
        integer, or ``seed`` is not an integer >= 0.
    """
    check_vae_parts(encoder, decoder)
    x = check_images(x, "x")
    n_samples = as_positive_integer(n_samples, "n_samples")
    if as_seed(seed) is None:
        raise ValueError("seed must be an integer >= 0 (the score is reproducible): got None")
    # As numpy at once: the noise is numpy's on every backend, and PyTorch tensors that carry
    # gradients refuse to mix with numpy arrays.
    mu, log_var = encode(encoder, x)
    rng = np.random.default_rng(seed)
    sigma = np.exp(0.5 * log_var)
    reconstruction = 0.0
    for _ in range(n_samples):
        z = (mu + sigma * rng.standard_normal(mu.shape)).astype(np.float32)
        reconstruction += float(ops.convert_to_numpy(ops.mean(reconstruction_loss(x, decoder(z, training=False)))))
    kl = float(kl_to_standard_normal_formula(mu.astype(np.float64), log_var.astype(np.float64)).mean())
    return reconstruction / n_samples + kl


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
    return _load_verified(folder, lambda shape: VAE(build_encoder(**shape), build_decoder(**shape)))


def _load_verified(folder: str | os.PathLike | None, make_vae) -> tuple[keras.Model, keras.Model]:
    """:func:`load_pretrained`'s checks around ``make_vae(shape)``, the model the metadata's shape describes."""
    path, metadata = verified_weights_path(folder)
    training = metadata["training"]
    try:
        shape = {
            "latent_dim": training.get("latent_dim"),
            "hidden": training.get("hidden"),
            "depth": training.get("depth", 1),
            "activation": training.get("activation", "relu"),
        }
        vae = make_vae(shape)
    except ValueError as error:
        raise PretrainedWeightsError(f"The metadata beside {path} describes no valid model ({error}); restore it from the repository.") from error
    try:
        with warnings.catch_warnings():
            # Keras only warns when it skips a layer it cannot match, leaving random weights in it.
            warnings.simplefilter("error", UserWarning)
            vae.load_weights(path)
    except OSError as error:  # h5py: not an HDF5 file, or a damaged one (its checksum was recorded that way)
        raise PretrainedWeightsError(
            f"{path} is not a readable weights file ({error}), although it matches its recorded sha256: "
            "restore both files from the repository, or retrain with `python -m vae_helpers.train`."
        ) from error
    except (ValueError, UserWarning) as error:
        raise PretrainedWeightsError(
            f"{path} does not fit a VAE with latent_dim={training['latent_dim']}, hidden={training['hidden']} "
            f"and depth={training.get('depth', 1)}: {error}"
        ) from error
    return vae.encoder, vae.decoder
