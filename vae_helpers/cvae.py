r"""The conditional VAE (chapter 8): encoder :math:`q(z \mid x, y)`, decoder :math:`p(x \mid z, y)`, and their model.

The label :math:`y` (a digit 0-9, given as a one-hot vector) is fed to both halves beside
their usual input, and the prior stays :math:`p(z) = \mathcal{N}(0, I)`. Training maximizes
the conditional ELBO,

.. math:: \log p(x \mid y) \ge \mathbb{E}_{q(z \mid x, y)}[\log p(x \mid z, y)] - D_{KL}(q(z \mid x, y)\,\|\,p(z)),

so the loss is :class:`vae_helpers.model.VAE`'s, computed by the same ``compute_loss``; only
what the two halves read changes. The layers are :mod:`vae_helpers.model`'s.
"""

from __future__ import annotations

import os
from pathlib import Path

import keras
import numpy as np
from keras import ops
from numpy.typing import ArrayLike

from vae_helpers._validation import as_finite_array, as_float_array, as_positive_integer, as_seed, check_images
from vae_helpers.data import N_CLASSES, N_PIXELS
from vae_helpers.gaussian import kl_to_standard_normal_formula
from vae_helpers.model import VAE, Sampling, _check_dimensions, _hidden_layers, _initializer, _load_verified, reconstruction_loss
from vae_helpers.pretrained import CONDITIONAL_DIR, PretrainedWeightsError, pretrained_metadata

__all__ = [
    "one_hot",
    "build_conditional_encoder",
    "build_conditional_decoder",
    "ConditionalVAE",
    "check_conditional_parts",
    "encode_style",
    "decode_digits",
    "negative_conditional_elbo",
    "label_accuracy_from_codes",
    "load_pretrained",
]

def one_hot(y: ArrayLike, name: str = "y") -> np.ndarray:
    """The one-hot vectors of digits ``y`` (a digit, or ``(n,)`` digits 0-9): float32, shape ``(10,)`` or ``(n, 10)``.

    Raises
    ------
    ValueError
        If ``y`` holds anything but whole numbers 0-9 (``name`` is the argument named in the message).
    """
    labels = as_float_array(y, name)
    if labels.ndim > 1:
        raise ValueError(f"{name} must be a digit or a 1-D array of digits 0-9: got shape {labels.shape}")
    if labels.size and (not np.isfinite(labels).all() or np.any(labels != np.round(labels)) or labels.min() < 0 or labels.max() >= N_CLASSES):
        raise ValueError(f"{name} must hold the digits 0-{N_CLASSES - 1}: got {_describe_values(labels)}")
    return np.eye(N_CLASSES, dtype=np.float32)[labels.astype(np.int64)]


def _describe_values(values: np.ndarray) -> str:
    bad = values[~np.isin(values, np.arange(N_CLASSES))]
    return f"{bad.ravel()[0]!r}" if bad.size else "no digit"


def _check_label_vectors(y: ArrayLike, name: str, n: int | None = None) -> np.ndarray:
    """``y`` as float32 ``(n, 10)``: one-hot vectors, or any mix of labels (entries in [0, 1]) the exercises feed the decoder."""
    vectors = as_finite_array(y, name)
    if vectors.ndim == 1:
        vectors = vectors[None, :]
    if vectors.ndim != 2 or vectors.shape[1] != N_CLASSES:
        raise ValueError(f"{name} must be one-hot vectors of length {N_CLASSES}, shape (n, {N_CLASSES}) (one_hot(digits)): got shape {vectors.shape}")
    if vectors.size and (vectors.min() < 0 or vectors.max() > 1):
        raise ValueError(f"{name} must hold entries in [0, 1] (one_hot(digits)): got range [{vectors.min()}, {vectors.max()}]")
    if n is not None and len(vectors) not in (1, n):
        raise ValueError(f"{name} must hold one label vector, or one per row ({n}): got {len(vectors)}")
    return vectors.astype(np.float32)


def build_conditional_encoder(
    latent_dim: int = 2, hidden: int = 256, seed: int | None = None, depth: int = 2, activation: str = "relu"
) -> keras.Model:
    r"""The encoder :math:`q_\phi(z \mid x, y)`: ``[x, one_hot(y)]`` (784 + 10 inputs) -> hidden layers -> ``(mu, log_var, z)``.

    :func:`vae_helpers.model.build_encoder` with the label joined to the pixels at the input.

    Raises
    ------
    ValueError
        As :func:`vae_helpers.model.build_encoder`.
    """
    _check_dimensions(latent_dim, hidden, depth, seed, activation)
    x = keras.Input(shape=(N_PIXELS,), name="x")
    y = keras.Input(shape=(N_CLASSES,), name="y")
    h = _hidden_layers(keras.layers.Concatenate(name="x_and_y")([x, y]), hidden, depth, seed, offset=0, activation=activation)
    mu = keras.layers.Dense(latent_dim, kernel_initializer=_initializer(seed, 1), name="mu")(h)
    log_var = keras.layers.Dense(latent_dim, kernel_initializer=_initializer(seed, 2), name="log_var")(h)
    z = Sampling(seed=seed, name="z")([mu, log_var])
    return keras.Model([x, y], [mu, log_var, z], name="conditional_encoder")


def build_conditional_decoder(
    latent_dim: int = 2, hidden: int = 256, seed: int | None = None, depth: int = 2, activation: str = "relu"
) -> keras.Model:
    r"""The decoder :math:`p_\theta(x \mid z, y)`: ``[z, one_hot(y)]`` -> hidden layers -> 784 **logits**.

    Raises
    ------
    ValueError
        As :func:`vae_helpers.model.build_decoder`.
    """
    _check_dimensions(latent_dim, hidden, depth, seed, activation)
    z = keras.Input(shape=(latent_dim,), name="z")
    y = keras.Input(shape=(N_CLASSES,), name="y")
    h = _hidden_layers(keras.layers.Concatenate(name="z_and_y")([z, y]), hidden, depth, seed, offset=3, activation=activation)
    logits = keras.layers.Dense(N_PIXELS, kernel_initializer=_initializer(seed, 4), name="logits")(h)
    return keras.Model([z, y], logits, name="conditional_decoder")


def check_conditional_parts(encoder: keras.Model, decoder: keras.Model) -> None:
    """Check that ``encoder`` reads ``[x, y]`` and ``decoder`` reads ``[z, y]``, ``y`` of length 10.

    Raises
    ------
    ValueError
        If either half does not read a label beside its usual input (an unconditional part).
    """
    _check_part(encoder, "encoder")
    _check_part(decoder, "decoder")


def _check_part(part: keras.Model, name: str) -> None:
    inputs = getattr(part, "inputs", None) if isinstance(part, keras.Model) else None
    outputs = getattr(part, "outputs", None) if inputs else None
    # The encoder reads 784 pixels and gives (mu, log_var, z); the decoder gives one output of 784 logits.
    fits = name == "encoder" and inputs and inputs[0].shape[-1] == N_PIXELS and len(outputs) == 3
    fits = fits or (name == "decoder" and inputs and len(outputs) == 1 and outputs[0].shape[-1] == N_PIXELS)
    if not fits or len(inputs) != 2 or inputs[1].shape[-1] != N_CLASSES:
        first = "x (784 pixels)" if name == "encoder" else "z"
        got = f"a {type(part).__name__}" if not inputs else f"a model with inputs of widths {[tensor.shape[-1] for tensor in inputs]}"
        raise ValueError(f"{name} must read [{first}, one_hot(y)], y of length {N_CLASSES} (build_conditional_{name}()): got {got}")


@keras.saving.register_keras_serializable(package="vae_helpers")
class ConditionalVAE(VAE):
    r"""The conditional VAE: :class:`~vae_helpers.model.VAE`'s loss, with both halves reading the label.

    Called (and fitted) on ``[x, one_hot(y)]``; returns ``(mu, log_var, logits, x)`` as ``VAE``
    does, so ``compute_loss`` is ``VAE``'s: the negative conditional ELBO,
    reconstruction :math:`+\ \beta\,D_{KL}(q(z \mid x, y)\,\|\,\mathcal{N}(0, I))`, per image in nats.

    Raises
    ------
    ValueError
        If the parts are not a conditional encoder and decoder that fit together, or
        ``binarize`` is asked for (this model trains on grey levels, as chapter 5's).
    """

    def __init__(self, encoder: keras.Model, decoder: keras.Model, beta: float = 1.0, seed: int | None = None, **kwargs):
        check_conditional_parts(encoder, decoder)
        if kwargs.get("binarize"):
            raise ValueError("binarize must be False for a ConditionalVAE (it trains on grey levels): got True")
        super().__init__(encoder, decoder, beta=beta, seed=seed, **kwargs)

    def call(self, inputs, training=False):
        x, y = inputs
        mu, log_var, z = self.encoder([x, y], training=training)
        return mu, log_var, self.decoder([z, y], training=training), x

    # Images and labels are checked here, then handed to keras.Model's own fit: VAE.fit knows images alone.
    def fit(self, x=None, *args, **kwargs):
        x = _checked_inputs(x, "x")
        if kwargs.get("validation_data") is not None:
            # Keras reads a pair as (inputs, targets): the two inputs travel as one element.
            kwargs["validation_data"] = (_checked_inputs(kwargs["validation_data"], "validation_data"),)
        return keras.Model.fit(self, x, *args, **kwargs)

    def evaluate(self, x=None, *args, **kwargs):
        return keras.Model.evaluate(self, _checked_inputs(x, "x"), *args, **kwargs)


def _checked_inputs(inputs, name: str) -> list[np.ndarray]:
    """``[images, one-hot labels]`` checked: ``(n, 784)`` in [0, 1] and ``(n, 10)``."""
    if not isinstance(inputs, (list, tuple)) or len(inputs) != 2:
        raise ValueError(f"{name} must be [images, one_hot(labels)]: got {type(inputs).__name__}")
    images = check_images(inputs[0], f"{name}[0]")
    labels = _check_label_vectors(inputs[1], f"{name}[1]")
    if len(labels) != len(images):
        raise ValueError(f"{name}[1] must hold one label vector per image ({len(images)}): got {len(labels)}")
    return [images, labels]


def _label_vectors(y: ArrayLike, name: str, n: int) -> np.ndarray:
    """Digits (one, or ``(n,)``) made one-hot, or label vectors ``(n, 10)`` checked; broadcast to ``n`` rows."""
    if np.ndim(y) == 2:
        vectors = _check_label_vectors(y, name, n)
    else:
        vectors = np.atleast_2d(one_hot(y, name))
        if len(vectors) not in (1, n):
            raise ValueError(f"{name} must hold one digit, or one per row ({n}): got {len(vectors)}")
    return np.broadcast_to(vectors, (n, N_CLASSES)).astype(np.float32)


def encode_style(encoder: keras.Model, x: ArrayLike, y: ArrayLike) -> tuple[np.ndarray, np.ndarray]:
    """The style codes ``(mu, log_var)`` of images ``x`` ``(n, 784)`` written as digits ``y``, as numpy ``(n, latent_dim)``.

    ``y`` is a digit, ``(n,)`` digits, or ``(n, 10)`` one-hot vectors.

    Raises
    ------
    ValueError
        If ``encoder`` is not a conditional encoder, ``x`` is not ``(n, 784)`` intensities in
        [0, 1] or holds a blank image (a drawing with no ink has no style to read), or ``y``
        is not digits 0-9 or one-hot vectors of length 10.
    """
    _check_part(encoder, "encoder")
    x = check_images(x, "x")
    blank = np.flatnonzero(x.max(axis=1) == 0) if len(x) else []
    if len(blank):
        raise ValueError(f"x must hold drawings with ink: image {blank[0]} is blank (all pixels 0)")
    mu, log_var, _ = encoder([x, _label_vectors(y, "y", len(x))], training=False)
    return ops.convert_to_numpy(mu), ops.convert_to_numpy(log_var)


def decode_digits(decoder: keras.Model, z: ArrayLike, y: ArrayLike) -> np.ndarray:
    """Pixel probabilities of digits ``y`` drawn in styles ``z``: ``(n, 784)``, or ``(784,)`` for one ``z`` and one digit.

    ``z`` is ``(n, latent_dim)`` or ``(latent_dim,)``; ``y`` a digit, ``(n,)`` digits, or
    ``(n, 10)`` label vectors (one-hot, or the exercises' mixes with entries in [0, 1]).
    One ``z`` with ``n`` labels (or one label with ``n`` codes) is broadcast.

    Raises
    ------
    ValueError
        If ``decoder`` is not a conditional decoder, ``z`` is not finite or its last axis is
        not the decoder's latent size, or ``y`` is not digits 0-9 or vectors of length 10.
    """
    _check_part(decoder, "decoder")
    latent_dim = decoder.inputs[0].shape[-1]
    z = as_finite_array(z, "z")
    if z.ndim not in (1, 2) or z.shape[-1] != latent_dim:
        raise ValueError(f"z must have shape (n, {latent_dim}) or ({latent_dim},), the decoder's style latent: got {z.shape}")
    single = z.ndim == 1 and np.ndim(y) == 0
    z = np.atleast_2d(z).astype(np.float32)
    n = max(len(z), len(y) if np.ndim(y) == 2 else np.size(y))
    if len(z) not in (1, n):
        raise ValueError(f"z must hold one code, or one per label ({n}): got {len(z)}")
    labels = _label_vectors(y, "y", n)
    logits = decoder([np.broadcast_to(z, (n, latent_dim)).copy(), labels.copy()], training=False)
    probabilities = ops.convert_to_numpy(ops.sigmoid(logits))
    return probabilities[0] if single else probabilities


def negative_conditional_elbo(
    encoder: keras.Model, decoder: keras.Model, x: ArrayLike, y: ArrayLike, n_samples: int = 10, seed: int = 0
) -> float:
    r"""Mean negative conditional ELBO per image, in nats: a bound on :math:`-\log p(x \mid y)`, lower is better.

    .. math:: \mathbb{E}_{q(z \mid x, y)}[-\log p(x \mid z, y)] + D_{KL}(q(z \mid x, y)\,\|\,\mathcal{N}(0, I))

    As :func:`vae_helpers.model.negative_elbo`: ``n_samples`` seeded draws of ``z`` per image, exact KL.

    Raises
    ------
    ValueError
        If the parts are not a conditional encoder and decoder, ``x`` is not ``(n, 784)``
        intensities in [0, 1], ``y`` not ``n`` digits, or ``n_samples``/``seed`` are invalid.
    """
    check_conditional_parts(encoder, decoder)
    x = check_images(x, "x")
    labels = _label_vectors(y, "y", len(x))
    n_samples = as_positive_integer(n_samples, "n_samples")
    if as_seed(seed) is None:
        raise ValueError("seed must be an integer >= 0 (the score is reproducible): got None")
    mu, log_var, _ = encoder([x, labels], training=False)
    mu, log_var = ops.convert_to_numpy(mu), ops.convert_to_numpy(log_var)
    rng = np.random.default_rng(seed)
    reconstruction = 0.0
    for _ in range(n_samples):
        z = (mu + np.exp(0.5 * log_var) * rng.standard_normal(mu.shape)).astype(np.float32)
        reconstruction += float(ops.convert_to_numpy(ops.mean(reconstruction_loss(x, decoder([z, labels], training=False)))))
    kl = float(kl_to_standard_normal_formula(mu.astype(np.float64), log_var.astype(np.float64)).mean())
    return reconstruction / n_samples + kl


def label_accuracy_from_codes(
    codes_train: ArrayLike, y_train: ArrayLike, codes_test: ArrayLike, y_test: ArrayLike, neighbours: int = 25
) -> float:
    """How well codes predict the digit: the share of ``codes_test`` whose label a vote of their ``neighbours`` nearest ``codes_train`` gets right.

    A k-nearest-neighbour classifier (Euclidean distance, majority vote) fitted on
    ``(codes_train, y_train)`` and scored on ``(codes_test, y_test)``; codes are ``(n, latent_dim)``.

    Raises
    ------
    ValueError
        If the codes are not finite 2-D arrays of one width, the labels are not digits 0-9,
        one per code, or ``neighbours`` is not a positive integer at most the training codes' number.
    """
    from sklearn.neighbors import KNeighborsClassifier

    codes = {name: as_finite_array(value, name) for name, value in (("codes_train", codes_train), ("codes_test", codes_test))}
    for name, value in codes.items():
        if value.ndim != 2 or value.shape[1] != codes["codes_train"].shape[1] or not len(value):
            raise ValueError(f"{name} must be (n, latent_dim) codes, n >= 1, as wide as codes_train: got shape {value.shape}")
    labels = {}
    for name, value, n in (("y_train", y_train, len(codes["codes_train"])), ("y_test", y_test, len(codes["codes_test"]))):
        labels[name] = one_hot(value, name).argmax(axis=-1)
        if np.ndim(value) != 1 or len(labels[name]) != n:
            raise ValueError(f"{name} must hold one digit per code ({n}): got shape {np.shape(value)}")
    neighbours = as_positive_integer(neighbours, "neighbours")
    if neighbours > len(codes["codes_train"]):
        raise ValueError(f"neighbours must be at most the number of training codes ({len(codes['codes_train'])}): got {neighbours}")
    vote = KNeighborsClassifier(neighbours).fit(codes["codes_train"], labels["y_train"])
    return float(np.mean(vote.predict(codes["codes_test"]) == labels["y_test"]))


def load_pretrained(folder: str | os.PathLike | None = None) -> tuple[keras.Model, keras.Model]:
    """The shipped conditional VAE as ``(encoder, decoder)``, checksum verified; the decoder takes ``[z, one_hot(y)]``.

    ``folder`` defaults to the package's ``weights/conditional/``; pass the ``--output`` folder of
    ``python -m vae_helpers.train --conditional`` to load weights you trained yourself.

    Raises
    ------
    PretrainedWeightsError
        If the weights are missing, corrupt, or not a conditional model's.
    """
    folder = CONDITIONAL_DIR if folder is None else folder
    if not pretrained_metadata(folder)["training"].get("conditional"):
        raise PretrainedWeightsError(f"{Path(folder)} holds an unconditional VAE: load it with vae_helpers.model.load_pretrained")
    return _load_verified(folder, lambda shape: ConditionalVAE(build_conditional_encoder(**shape), build_conditional_decoder(**shape)))
