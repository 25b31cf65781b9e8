r"""A digit classifier, to read what a decoder draws (chapter 6).

Whether a model's prior draws "decode to digits" is a question about many images, too many
to judge by eye. A small classifier trained on MNIST's labelled training images reads each
decode as a digit, with a probability: the label mix of a model's prior draws can then be
set against the data's own label proportions, and its confidence against the confidence it
has on real test digits.
"""

from __future__ import annotations

from collections.abc import Mapping

import keras
import matplotlib.pyplot as plt
import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from numpy.typing import ArrayLike

from vae_helpers._validation import as_float_array, as_positive_integer, as_seed, check_axes, check_images, check_title
from vae_helpers.figures import MAX_WIDTH_INCHES

__all__ = ["N_LABELS", "train_digit_classifier", "classify", "label_proportions", "total_variation", "plot_label_mix"]

#: MNIST's labels are the digits 0-9.
N_LABELS = 10


def _check_labels(y: ArrayLike, name: str, n_images: int | None = None) -> np.ndarray:
    labels = as_float_array(y, name)
    if labels.ndim != 1 or (n_images is not None and len(labels) != n_images):
        expected = "a 1-D array" if n_images is None else f"a 1-D array of {n_images} labels, one per image"
        raise ValueError(f"{name} must be {expected}: got shape {labels.shape}")
    if labels.size and (np.any(labels != np.round(labels)) or labels.min() < 0 or labels.max() >= N_LABELS):
        raise ValueError(f"{name} must hold the digits 0-{N_LABELS - 1}: got range [{labels.min()}, {labels.max()}]")
    return labels.astype(np.int64)


def train_digit_classifier(x: ArrayLike, y: ArrayLike, hidden: int = 128, epochs: int = 2, seed: int = 0) -> keras.Model:
    """A classifier of 28x28 digits: 784 pixels -> ``hidden`` ReLU units -> 10 softmax probabilities.

    Trained with Adam on the cross-entropy of ``y`` for ``epochs`` passes over ``x``
    (batches of 128, shuffled with ``seed``, which also fixes the initial weights).

    Parameters
    ----------
    x
        Images ``(n, 784)``, pixel intensities in [0, 1].
    y
        Their labels ``(n,)``, digits 0-9.

    Raises
    ------
    ValueError
        If ``x`` is not ``(n, 784)`` intensities in [0, 1], ``y`` is not ``n`` digits,
        ``hidden`` or ``epochs`` is not a positive integer, or ``seed`` is not an integer >= 0.
    """
    x = check_images(x, "x")
    y = _check_labels(y, "y", len(x))
    hidden = as_positive_integer(hidden, "hidden")
    epochs = as_positive_integer(epochs, "epochs")
    if as_seed(seed) is None:
        raise ValueError("seed must be an integer >= 0 (the classifier is reproducible): got None")
    keras.utils.set_random_seed(seed)  # the shuffling of the batches; the initial weights take their own seeds
    classifier = keras.Sequential(
        [
            keras.Input(shape=(x.shape[1],)),
            keras.layers.Dense(hidden, activation="relu", kernel_initializer=keras.initializers.GlorotUniform(seed)),
            keras.layers.Dense(N_LABELS, activation="softmax", kernel_initializer=keras.initializers.GlorotUniform(seed + 1)),
        ],
        name="digit_classifier",
    )
    classifier.compile(optimizer=keras.optimizers.Adam(1e-3), loss="sparse_categorical_crossentropy")
    classifier.fit(x, y, batch_size=128, epochs=epochs, shuffle=True, verbose=0)
    return classifier


def classify(classifier: keras.Model, x: ArrayLike) -> np.ndarray:
    """The classifier's probabilities of the 10 digits for images ``x`` ``(n, 784)``: shape ``(n, 10)``, rows sum to 1.

    The label it reads is ``classify(classifier, x).argmax(axis=1)``; its confidence, the row's maximum.

    Raises
    ------
    ValueError
        If ``x`` is not ``(n, 784)`` pixel intensities in [0, 1].
    """
    x = check_images(x, "x")
    return keras.ops.convert_to_numpy(classifier(x, training=False)).astype(np.float64)


def label_proportions(labels: ArrayLike) -> np.ndarray:
    """The share of each digit 0-9 among ``labels`` ``(n,)``: shape ``(10,)``, summing to 1.

    Raises
    ------
    ValueError
        If ``labels`` is not a non-empty 1-D array of the digits 0-9.
    """
    labels = _check_labels(labels, "labels")
    if labels.size == 0:
        raise ValueError("labels must hold at least one label: got an empty array")
    return np.bincount(labels, minlength=N_LABELS) / labels.size


def _check_mix(value: ArrayLike, name: str) -> np.ndarray:
    mix = as_float_array(value, name)
    if mix.shape != (N_LABELS,) or mix.min() < 0 or not np.isclose(mix.sum(), 1.0):
        raise ValueError(f"{name} must be {N_LABELS} non-negative proportions summing to 1: got {mix!r}")
    return mix


def total_variation(p: ArrayLike, q: ArrayLike) -> float:
    r"""Total variation distance between two label mixes, :math:`\frac12 \sum_k |p_k - q_k|`, in [0, 1].

    The share of the draws that would have to change label for ``p``'s mix to become ``q``'s.

    Raises
    ------
    ValueError
        If ``p`` or ``q`` is not a probability vector of 10 entries (non-negative, summing to 1).
    """
    return float(0.5 * np.abs(_check_mix(p, "p") - _check_mix(q, "q")).sum())


def plot_label_mix(mixes: Mapping[str, ArrayLike], ax: Axes | None = None, title: str | None = None) -> Figure:
    """Label mixes side by side: for each digit 0-9, one bar per entry of ``mixes`` (its name in the legend).

    Raises
    ------
    ValueError
        If ``mixes`` is not a non-empty mapping of names to :func:`label_proportions`-like
        vectors, ``ax`` is not a matplotlib ``Axes`` or ``None``, or ``title`` is not a string.
    """
    if not isinstance(mixes, Mapping) or not mixes:
        raise ValueError(f"mixes must be a non-empty mapping from a name to a label mix: got {type(mixes).__name__}")
    checked = {name: _check_mix(mix, f"mixes[{name!r}]") for name, mix in mixes.items()}
    check_axes(ax)
    check_title(title)
    own_figure = ax is None
    figure, ax = plt.subplots(figsize=(MAX_WIDTH_INCHES, 3.4), layout="constrained") if own_figure else (ax.figure, ax)
    width = 0.8 / len(checked)
    for index, (name, mix) in enumerate(checked.items()):
        ax.bar(np.arange(N_LABELS) + (index - (len(checked) - 1) / 2) * width, 100 * mix, width, label=name)
    ax.set(xticks=range(N_LABELS), xlabel="digit", ylabel="share (%)")
    # Above the axes when the figure is ours: inside, the legend would hide the tallest bars.
    if own_figure:
        figure.legend(loc="outside upper center", ncols=2)
    else:
        ax.legend(ncols=2)
    if title:
        ax.set_title(title)
    return figure
