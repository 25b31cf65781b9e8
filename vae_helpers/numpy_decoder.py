r"""The decoder's Dense layers run in numpy: the twin of the Keras decoder that the latent explorer uses.

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

if TYPE_CHECKING:
    import keras

__all__ = ["ACTIVATIONS", "NumpyDecoder", "UnsupportedDecoderError"]

ACTIVATIONS: dict[str, Callable[[np.ndarray], np.ndarray]] = {
    "linear": lambda x: x,
    "relu": lambda x: np.maximum(x, 0.0),
    "sigmoid": expit,
    "tanh": np.tanh,
}


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
        if not layers:
            raise ValueError("layers must hold at least one (kernel, bias, activation) triple: got none")
        self.layers: list[tuple[np.ndarray, np.ndarray, str]] = []
        width = None
        for index, (kernel, bias, activation) in enumerate(layers):
            kernel = np.asarray(kernel, dtype=np.float64)
            bias = np.asarray(bias, dtype=np.float64)
            if kernel.ndim != 2 or bias.shape != kernel.shape[1:] or (width is not None and kernel.shape[0] != width):
                raise ValueError(
                    f"layers[{index}] must have a kernel (inputs, outputs) matching the previous layer's "
                    f"outputs ({width}) and a bias (outputs,): got {kernel.shape} and {bias.shape}"
                )
            if activation not in ACTIVATIONS:
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

        layers = []
        for layer in decoder.layers:
            if isinstance(layer, keras.layers.InputLayer):
                continue
            activation = layer.get_config().get("activation") if isinstance(layer, keras.layers.Dense) else None
            if not isinstance(activation, str) or activation not in ACTIVATIONS:
                raise UnsupportedDecoderError(
                    f"decoder must consist of Dense layers with a {sorted(ACTIVATIONS)} activation: "
                    f"got layer {layer.name!r} ({type(layer).__name__}, activation {activation!r})"
                )
            weights = [keras.ops.convert_to_numpy(w) for w in layer.weights]
            bias = weights[1] if layer.use_bias else np.zeros(weights[0].shape[1])
            layers.append((weights[0], bias, activation))
        twin = cls(layers)
        z = np.random.default_rng(seed).uniform(-3, 3, size=(16, twin.latent_dim))
        difference = float(np.abs(twin.decode(z) - decode(decoder, z)).max())
        if not difference <= tolerance:
            raise UnsupportedDecoderError(
                f"decoder's Dense layers, run in order, differ from the model by {difference:.2g} "
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
            If the last axis of ``z`` is not ``latent_dim``.
        """
        z = np.asarray(z, dtype=np.float64)
        if z.ndim not in (1, 2) or z.shape[-1] != self.latent_dim:
            raise ValueError(f"z must have shape (n, {self.latent_dim}) or ({self.latent_dim},): got {z.shape}")
        probabilities = expit(self.logits(np.atleast_2d(z)))
        return probabilities[0] if z.ndim == 1 else probabilities
