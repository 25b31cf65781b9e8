"""Checks shared by the public functions: one clear ``ValueError`` at the boundary."""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

_SUM_TOLERANCE = 1e-6


def as_float_array(value: ArrayLike, name: str) -> np.ndarray:
    """Return ``value`` as a float64 array, refusing NaN and non-numeric input."""
    try:
        array = np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError) as error:
        raise ValueError(f"{name} must be numeric: got {value!r}") from error
    if np.isnan(array).any():
        raise ValueError(f"{name} must not contain NaN: got {array}")
    return array


def as_probability_vector(value: ArrayLike, name: str) -> np.ndarray:
    """Return ``value`` as probability vectors along the last axis.

    Raises
    ------
    ValueError
        If it is a scalar, has a negative entry, or a distribution does not sum to 1.
    """
    p = as_float_array(value, name)
    if p.ndim == 0:
        raise ValueError(f"{name} must be a probability vector (last axis is the distribution): got a scalar {p}")
    if (p < 0).any():
        raise ValueError(f"{name} must be non-negative: got {p}")
    sums = p.sum(axis=-1)
    if not np.allclose(sums, 1.0, atol=_SUM_TOLERANCE, rtol=0):
        raise ValueError(f"{name} must sum to 1 along its last axis: got sums {sums}")
    return p


def as_probability(value: ArrayLike, name: str) -> np.ndarray:
    """Return ``value`` as probabilities in [0, 1], elementwise."""
    p = as_float_array(value, name)
    if ((p < 0) | (p > 1)).any():
        raise ValueError(f"{name} must lie in [0, 1]: got {p}")
    return p


def as_positive(value: ArrayLike, name: str) -> np.ndarray:
    """Return ``value`` as a float array whose entries are all > 0."""
    array = as_float_array(value, name)
    if (array <= 0).any():
        raise ValueError(f"{name} must be positive: got {array}")
    return array


def _is_integer(value) -> bool:
    return isinstance(value, (int, np.integer)) and not isinstance(value, bool)


def as_positive_integer(value: int, name: str) -> int:
    """Return ``value`` as an ``int`` if it is an integer >= 1 (``True`` is not an integer here)."""
    if not _is_integer(value) or value < 1:
        raise ValueError(f"{name} must be a positive integer: got {value!r}")
    return int(value)


def as_integer_at_least(value: int, name: str, minimum: int, reason: str = "") -> int:
    """Return ``value`` as an ``int`` if it is an integer >= ``minimum``; ``reason`` says why, in the message."""
    if not _is_integer(value) or value < minimum:
        raise ValueError(f"{name} must be an integer >= {minimum}{reason}: got {value!r}")
    return int(value)


def as_positive_number(value: float, name: str, reason: str = "") -> float:
    """Return ``value`` as a ``float`` if it is one finite number > 0; ``reason`` says what it is, in the message."""
    if not np.isscalar(value) or not np.isfinite(value) or value <= 0:
        raise ValueError(f"{name} must be a positive number{reason}: got {value!r}")
    return float(value)


def check_base(base: float) -> float:
    """Return ``base`` if it is a valid logarithm base (> 0 and != 1)."""
    if not np.isscalar(base) or base <= 0 or base == 1:
        raise ValueError(f"base must be a positive number other than 1 (2 for bits, e for nats): got {base!r}")
    return float(base)


def check_same_shape(a: np.ndarray, b: np.ndarray, name_a: str, name_b: str) -> None:
    """Raise if two arrays that pair up entry by entry differ in shape."""
    if a.shape != b.shape:
        raise ValueError(f"{name_b} must have the same shape as {name_a}: got {a.shape} and {b.shape}")


def check_images(x: np.ndarray, name: str, n_pixels: int = 784) -> None:
    """Catch the common mistakes with images (unflattened, 0-255 pixels) before TensorFlow does."""
    if x.ndim != 2 or x.shape[1] != n_pixels:
        raise ValueError(
            f"{name} must have shape (n_images, {n_pixels}) (flattened 28x28 images, "
            f"load_mnist(flatten=True)): got {x.shape}"
        )
    if x.size and not (np.isfinite(x).all() and x.min() >= 0 and x.max() <= 1):
        raise ValueError(f"{name} must hold pixel intensities in [0, 1] (divide by 255): got range [{x.min()}, {x.max()}]")
