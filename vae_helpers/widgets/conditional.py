"""Chapter 8's conditional explorer: choose the digit, drag the style, write with your own hand.

One widget, two homes, as the others (``README.md`` in this folder): the page runs the
conditional VAE's encoder and decoder itself (``src/conditional.js``), from their Dense layers
sent as little-endian float32 buffers, the label's one-hot vector joined to the input of each
(``[x, one_hot(y)]`` for the encoder, ``[z, one_hot(y)]`` for the decoder). The drawing pad is
chapter 6's (``src/pad.js``). Synced traits: the ``digit`` asked for and the style point ``z``.
"""

from __future__ import annotations

import keras
import numpy as np
import traitlets
from numpy.typing import ArrayLike

from vae_helpers._validation import check_images
from vae_helpers.cvae import check_conditional_parts, decode_digits, encode_style, one_hot
from vae_helpers.data import N_CLASSES
from vae_helpers.palette import LABEL_COLOURS
from vae_helpers.numpy_decoder import ENCODER_HEADS, NumpyDecoder, _dense_weights
from vae_helpers.widgets._base import BookWidget
from vae_helpers.widgets._traits import Integer, Number, NumberList
from vae_helpers.widgets.explorer import LATENT_DIM, _layers, _quantised_codes, map_limit

__all__ = ["ConditionalExplorer", "conditional_chains", "conditional_explorer"]

#: How closely the Dense chains must reproduce Keras (pixel probabilities; means relative to 1 + |mean|).
TOLERANCE = 1e-5


def conditional_chains(encoder: keras.Model, decoder: keras.Model, seed: int = 0) -> tuple[NumpyDecoder, NumpyDecoder]:
    """The conditional encoder and decoder as Dense chains over their joined inputs: ``(encoder's, decoder's)``.

    The encoder's chain reads ``[x, one_hot(y)]`` (794 numbers) and outputs ``[mu, log_var]``;
    the decoder's reads ``[z, one_hot(y)]`` and outputs the logits. Both are checked against
    Keras on 16 random inputs.

    Raises
    ------
    ValueError
        If the parts are not a conditional encoder and decoder with a 2-D code, or their
        Dense layers run in order do not reproduce them.
    """
    check_conditional_parts(encoder, decoder)
    if decoder.inputs[0].shape[-1] != LATENT_DIM:
        raise ValueError(f"decoder must read a 2-D style code (the map is 2-D): got size {decoder.inputs[0].shape[-1]}")
    dense = [layer for layer in encoder.layers if isinstance(layer, keras.layers.Dense)]
    body = [_dense_weights(layer, "encoder") for layer in dense if layer.name not in ENCODER_HEADS]
    heads = [_dense_weights(encoder.get_layer(head), "encoder") for head in ENCODER_HEADS]
    encoder_twin = NumpyDecoder([*body, (np.concatenate([h[0] for h in heads], axis=1), np.concatenate([h[1] for h in heads]), "linear")])
    decoder_twin = NumpyDecoder([_dense_weights(layer, "decoder") for layer in decoder.layers if isinstance(layer, keras.layers.Dense)])
    rng = np.random.default_rng(seed)
    x, labels, z = rng.uniform(0, 1, (16, encoder.inputs[0].shape[-1])), one_hot(rng.integers(0, N_CLASSES, 16)), rng.uniform(-3, 3, (16, LATENT_DIM))
    means = np.concatenate(encode_style(encoder, x, labels), axis=1)
    errors = {
        "encoder": float((np.abs(encoder_twin.logits(np.hstack([x, labels])) - means) / (1 + np.abs(means))).max()),
        "decoder": float(np.abs(decoder_twin.decode(np.hstack([z, labels])) - decode_digits(decoder, z, labels)).max()),
    }
    for name, error in errors.items():
        if not error <= TOLERANCE:
            raise ValueError(f"{name}'s Dense layers, run in order, differ from the model by {error:.2g}: they do not form a simple chain")
    return encoder_twin, decoder_twin


class ConditionalExplorer(BookWidget):
    """Choose a digit, drag the style point on a map of codes, and draw: your handwriting as all ten digits.

    The map shows the style codes (the means of :math:`q(z \\mid x, y)`) of ``images`` written as
    ``labels``, coloured by label. ``digit`` is the label asked for and ``z`` the style point:
    the page decodes ``[z, one_hot(digit)]`` on every move. The drawing pad encodes what you
    draw as ``digit`` and decodes its style with each of the ten labels.

    Raises
    ------
    ValueError
        If the parts are not a conditional encoder and decoder with a 2-D code, ``images`` are
        not ``(n, 784)`` intensities in [0, 1] or ``labels`` not ``n`` digits 0-9.
    """

    module = "conditional"
    digit = Integer(0, 0, N_CLASSES - 1).tag(sync=True)
    z = NumberList([0.0, 0.0], minlen=2, maxlen=2).tag(sync=True)
    limit = Number(4.0, 1e-3, 1e6, read_only=True).tag(sync=True)
    decoder_layers = traitlets.List(traitlets.Dict(), read_only=True).tag(sync=True)
    encoder_layers = traitlets.List(traitlets.Dict(), read_only=True).tag(sync=True)
    codes = traitlets.Bytes(b"", read_only=True).tag(sync=True)
    code_labels = traitlets.Bytes(b"", read_only=True).tag(sync=True)
    label_colours = traitlets.List(traitlets.Unicode(), read_only=True).tag(sync=True)

    def __init__(self, encoder: keras.Model, decoder: keras.Model, images: ArrayLike, labels: ArrayLike, digit: int = 0):
        self._encoder_twin, self._decoder_twin = conditional_chains(encoder, decoder)
        images = check_images(images, "images")
        if np.ndim(labels) != 1 or len(labels) != len(images):
            raise ValueError(f"labels must hold one digit per image ({len(images)}): got shape {np.shape(labels)}")
        labels = one_hot(labels, "labels").argmax(axis=1)
        means = encode_style(encoder, images, labels)[0].astype(np.float64)
        super().__init__()
        limit = map_limit(means)
        codes, code_labels = _quantised_codes(means, labels, limit)
        with self.hold_sync():
            self.set_trait("limit", limit)
            self.set_trait("decoder_layers", _layers(self._decoder_twin))
            self.set_trait("encoder_layers", _layers(self._encoder_twin))
            self.set_trait("codes", codes)
            self.set_trait("code_labels", code_labels)
            self.set_trait("label_colours", list(LABEL_COLOURS))
            self.digit = digit

    def image(self) -> np.ndarray:
        """The digit the page shows: pixel probabilities ``(784,)`` of ``digit`` at ``z``, by the same Dense chain."""
        return self._decoder_twin.decode(np.concatenate([self.z, one_hot(self.digit)]))

    def handwriting(self, x: ArrayLike) -> tuple[np.ndarray, np.ndarray]:
        """What the pad shows for a drawing ``x`` ``(784,)`` written as ``digit``: its style ``mu`` and it drawn as 0-9 ``(10, 784)``.

        Raises
        ------
        ValueError
            If ``x`` is not 784 intensities in [0, 1], or is blank.
        """
        x = check_images(np.reshape(x, (1, -1)) if np.ndim(x) == 1 else x, "x")
        if len(x) != 1 or x.max() == 0:
            raise ValueError(f"x must be one drawing with ink: got {len(x)} image(s), largest intensity {x.max() if x.size else None}")
        mu = self._encoder_twin.logits(np.hstack([x, one_hot([self.digit])]))[0, :LATENT_DIM]
        return mu, self._decoder_twin.decode(np.hstack([np.tile(mu, (N_CLASSES, 1)), np.eye(N_CLASSES)]))


def conditional_explorer(n_codes: int = 2000, digit: int = 0) -> ConditionalExplorer:
    """The explorer on the shipped conditional VAE, its map drawn from the first ``n_codes`` test digits.

    Raises
    ------
    ValueError
        If ``n_codes`` is not between 1 and the number of test digits, or ``digit`` not 0-9.
    """
    from vae_helpers.cvae import load_pretrained
    from vae_helpers.data import load_mnist

    (_, _), (x_test, y_test) = load_mnist()
    if isinstance(n_codes, bool) or not isinstance(n_codes, (int, np.integer)) or not 1 <= n_codes <= len(x_test):
        raise ValueError(f"n_codes must be an integer from 1 to {len(x_test)}: got {n_codes!r}")
    return ConditionalExplorer(*load_pretrained(), x_test[:n_codes], y_test[:n_codes], digit=digit)
