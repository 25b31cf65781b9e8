r"""The decoder's Dense layers run in numpy: the twin of the Keras decoder that the latent explorer uses.

The encoder is such a chain too once its two heads, ``mu`` and ``log_var``, are read as one
Dense layer of ``2 * latent_dim`` outputs: :meth:`NumpyDecoder.from_keras_encoder` copies it,
and its :meth:`~NumpyDecoder.logits` are then ``[mu, log_var]``.

:class:`NumpyDecoder` computes :math:`h \mapsto f(h W + b)` layer by layer, then the sigmoid,
exactly like :func:`vae_helpers.model.decode`, for one latent point in microseconds. The
explorer's JavaScript computes the same layers in the browser from the same weights
(float32), so this module is also the reference the browser is checked against.

Keras is imported only by :meth:`NumpyDecoder.from_keras`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import ArrayLike
from scipy.special import expit

from vae_helpers._validation import as_finite_array, as_positive_number

if TYPE_CHECKING:
    import keras

__all__ = [
    "ACTIVATIONS", "HALF_PRECISION_TOLERANCE", "NumpyDecoder", "UnsupportedDecoderError", "half_precision",
    "half_precision_errors",
]

ENCODER_HEADS = ("mu", "log_var")  # the names build_encoder gives the two heads

ACTIVATIONS: dict[str, Callable[[np.ndarray], np.ndarray]] = {
    "linear": lambda x: x,
    "relu": lambda x: np.maximum(x, 0.0),
    "sigmoid": expit,
    "tanh": np.tanh,
}


#: The latent explorer's weights travel at float16 (the models it switches to; in the static book,
#: its own model too) when neither the decodes (float16 decoder) nor the decodes at the means
#: (float16 encoder) move a pixel probability by more than this (5 grey levels of 255) from
#: float32's; else at float32.
HALF_PRECISION_TOLERANCE = 0.02


class UnsupportedDecoderError(ValueError):
    """The Keras decoder is not a plain chain of Dense layers, so it has no numpy twin."""


class NumpyDecoder:
    r"""A decoder made of Dense layers, run in numpy: one latent point in microseconds.

    Each layer computes :math:`h \mapsto f(h W + b)`; the last layer gives the 784 logits and
    :meth:`decode` applies the sigmoid, exactly like :func:`vae_helpers.model.decode`.

    Parameters
    ----------
    layers
        ``(kernel, bias, activation)`` per layer, in order: ``kernel`` of shape
        ``(inputs, outputs)``, ``bias`` of shape ``(outputs,)``, ``activation`` one of
        ``"linear"``, ``"relu"``, ``"sigmoid"``, ``"tanh"``.
    """

    def __init__(self, layers: Sequence[tuple[ArrayLike, ArrayLike, str]]):
        if isinstance(layers, (str, bytes)) or not isinstance(layers, Sequence):
            raise ValueError(f"layers must be a list of (kernel, bias, activation) triples: got {type(layers).__name__}")
        if not layers:
            raise ValueError("layers must hold at least one (kernel, bias, activation) triple: got none")
        self.layers: list[tuple[np.ndarray, np.ndarray, str]] = []
        width = None
        for index, layer in enumerate(layers):
            if isinstance(layer, (str, bytes)) or not isinstance(layer, Sequence) or len(layer) != 3:
                raise ValueError(f"layers[{index}] must be a (kernel, bias, activation) triple: got {type(layer).__name__} {str(layer)[:80]}")
            kernel, bias, activation = layer
            kernel = as_finite_array(kernel, f"layers[{index}] kernel")
            bias = as_finite_array(bias, f"layers[{index}] bias")
            if kernel.ndim != 2 or 0 in kernel.shape or bias.shape != kernel.shape[1:] or (width is not None and kernel.shape[0] != width):
                raise ValueError(
                    f"layers[{index}] must have a kernel (inputs, outputs) matching the previous layer's "
                    f"outputs ({width}) and a bias (outputs,): got {kernel.shape} and {bias.shape}"
                )
            if not isinstance(activation, str) or activation not in ACTIVATIONS:
                raise ValueError(
                    f"layers[{index}] activation must be one of {sorted(ACTIVATIONS)}: got {activation!r}"
                )
            self.layers.append((kernel, bias, activation))
            width = kernel.shape[1]

    @classmethod
    def from_keras(cls, decoder: keras.Model, tolerance: float = 1e-5, seed: int = 0) -> NumpyDecoder:
        """Copy the weights of a Keras decoder made of Dense layers, and check it decodes alike.

        The copy is checked against the Keras model on 16 random latent points: the pixel
        probabilities must agree to ``tolerance``.

        Raises
        ------
        UnsupportedDecoderError
            If ``decoder`` has a layer other than Dense (or an activation not listed above),
            or its numpy copy disagrees with it (the layers do not form a simple chain).
        """
        import keras

        from vae_helpers.model import decode

        _check_model(decoder, "decoder", tolerance)
        layers = [_dense_weights(layer, "decoder") for layer in decoder.layers if not isinstance(layer, keras.layers.InputLayer)]
        twin = cls(layers)
        z = np.random.default_rng(seed).uniform(-3, 3, size=(16, twin.latent_dim))
        difference = float(np.abs(twin.decode(z) - decode(decoder, z)).max())
        if not difference <= tolerance:
            raise UnsupportedDecoderError(
                f"decoder's Dense layers, run in order, differ from the model by {difference:.2g} "
                f"(tolerance {tolerance:g}): the layers do not form a simple chain"
            )
        return twin

    @classmethod
    def from_keras_encoder(cls, encoder: keras.Model, tolerance: float = 1e-5, seed: int = 0) -> NumpyDecoder:
        """Copy a Keras encoder made of Dense layers (:func:`~vae_helpers.model.build_encoder`'s), and check it.

        The hidden layers are copied in order; the heads ``mu`` and ``log_var`` become one
        linear layer whose outputs are ``[mu, log_var]``, which :meth:`logits` returns. The
        copy is checked against :func:`vae_helpers.model.encode` on 16 random images, to
        ``tolerance`` relative to ``1 + |output|``.

        Raises
        ------
        UnsupportedDecoderError
            If ``encoder`` has a layer other than Dense before its heads, lacks the heads
            ``mu`` and ``log_var``, or its copy disagrees with it by more than ``tolerance``.
        """
        import keras

        from vae_helpers.model import encode

        _check_model(encoder, "encoder", tolerance)
        names = [layer.name for layer in encoder.layers]
        if not all(head in names for head in ENCODER_HEADS):
            raise UnsupportedDecoderError(f"encoder must have Dense heads named {ENCODER_HEADS}: got layers {names}")
        heads = [_dense_weights(encoder.get_layer(head), "encoder") for head in ENCODER_HEADS]
        body = [layer for layer in encoder.layers[: min(names.index(head) for head in ENCODER_HEADS)]
                if not isinstance(layer, keras.layers.InputLayer)]
        layers = [_dense_weights(layer, "encoder") for layer in body]
        if any(activation != "linear" for _, _, activation in heads):
            raise UnsupportedDecoderError(f"encoder's heads {ENCODER_HEADS} must be linear: got {[a for _, _, a in heads]}")
        layers.append((np.concatenate([heads[0][0], heads[1][0]], axis=1), np.concatenate([heads[0][1], heads[1][1]]), "linear"))
        twin = cls(layers)
        x = np.random.default_rng(seed).uniform(0, 1, size=(16, twin.latent_dim))
        expected = np.concatenate(encode(encoder, x), axis=1)
        # Relative: an autoencoder's means can lie hundreds of units out, where float32 rounding is larger.
        difference = float((np.abs(twin.logits(x) - expected) / (1 + np.abs(expected))).max())
        if not difference <= tolerance:
            raise UnsupportedDecoderError(
                f"encoder's Dense layers, run in order, differ from the model by {difference:.2g} "
                f"(tolerance {tolerance:g}): the layers do not form a simple chain"
            )
        return twin

    @property
    def latent_dim(self) -> int:
        """The size of a latent point, the first layer's inputs."""
        return self.layers[0][0].shape[0]

    @property
    def output_size(self) -> int:
        """The number of logits, the last layer's outputs (784 for MNIST)."""
        return self.layers[-1][0].shape[1]

    def logits(self, z: np.ndarray) -> np.ndarray:
        """The decoder's output (logits) for ``z`` of shape ``(n, latent_dim)``, as ``(n, output_size)``."""
        h = z
        for kernel, bias, activation in self.layers:
            h = ACTIVATIONS[activation](h @ kernel + bias)
        return h

    def decode(self, z: ArrayLike) -> np.ndarray:
        """Pixel probabilities at ``z`` of shape ``(n, latent_dim)`` or ``(latent_dim,)``, like ``model.decode``.

        Raises
        ------
        ValueError
            If the last axis of ``z`` is not ``latent_dim``, ``z`` holds NaN or inf, or it is so
            large that a layer overflows.
        """
        z = as_finite_array(z, "z")
        if z.ndim not in (1, 2) or z.shape[-1] != self.latent_dim:
            raise ValueError(f"z must have shape (n, {self.latent_dim}) or ({self.latent_dim},): got {z.shape}")
        with np.errstate(over="ignore", invalid="ignore"):
            logits = self.logits(np.atleast_2d(z))
        if not np.isfinite(logits).all():
            # A huge z (1e308) overflows a layer: inf - inf is NaN, and NaN pixels would be drawn without a word.
            row = int(np.argwhere(~np.isfinite(logits))[0, 0])
            raise ValueError(f"z is too large for the decoder: its layers overflow at z = {np.atleast_2d(z)[row].tolist()} "
                             f"(the largest |z| is {np.abs(z).max():.3g})")
        probabilities = expit(logits)
        return probabilities[0] if z.ndim == 1 else probabilities


def _check_model(model, name: str, tolerance: float) -> None:
    """Refuse a ``model`` that is not a Keras model, or a ``tolerance`` that is not a positive number, before any copying."""
    import keras

    if not isinstance(model, keras.Model):
        raise ValueError(f"{name} must be a Keras model ({name} of vae_helpers.model.load_pretrained()): got {type(model).__name__}")
    as_positive_number(tolerance, "tolerance", " (the largest difference allowed)")


def _dense_weights(layer, name: str) -> tuple[np.ndarray, np.ndarray, str]:
    """``(kernel, bias, activation)`` of a Keras Dense layer; ``UnsupportedDecoderError`` for any other layer."""
    import keras

    activation = layer.get_config().get("activation") if isinstance(layer, keras.layers.Dense) else None
    if not isinstance(activation, str) or activation not in ACTIVATIONS:
        raise UnsupportedDecoderError(
            f"{name} must consist of Dense layers with a {sorted(ACTIVATIONS)} activation: "
            f"got layer {layer.name!r} ({type(layer).__name__}, activation {activation!r})"
        )
    weights = [keras.ops.convert_to_numpy(w) for w in layer.weights]
    bias = weights[1] if layer.use_bias else np.zeros(weights[0].shape[1])
    return weights[0], bias, activation


def half_precision(twin: NumpyDecoder) -> NumpyDecoder:
    """The same chain with its weights rounded to float16, as a page gets them when they travel at half precision."""
    return NumpyDecoder([(k.astype(np.float16), b.astype(np.float16), a) for k, b, a in twin.layers])


def half_precision_errors(encoder: NumpyDecoder, decoder: NumpyDecoder, images: np.ndarray) -> tuple[float, float]:
    """How far float16 weights move the decodes at the held-out means of ``images``: (decoder's, encoder's).

    The first is the largest change in a pixel probability when the decoder's weights are
    float16; the second, when the encoder's are (the means move, the float32 decoder decodes them).
    """
    means = encoder.logits(images)[:, :decoder.latent_dim]
    half_means = half_precision(encoder).logits(images)[:, :decoder.latent_dim]
    pixels = decoder.decode(means)
    return float(np.abs(half_precision(decoder).decode(means) - pixels).max()), float(np.abs(decoder.decode(half_means) - pixels).max())
