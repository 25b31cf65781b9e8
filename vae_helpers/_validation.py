"""Checks shared by the public functions: one clear ``ValueError`` at the boundary.

Numbers are real: booleans, complex numbers and strings are refused rather than
converted (``True`` as a probability, a dropped imaginary part or ``"2"`` as a base are
slips, not data). Any integer or floating dtype is accepted and computed in float64.
"""

from __future__ import annotations

import math
import numbers

import numpy as np
from numpy.typing import ArrayLike

#: MNIST's images, the only ones the package checks: 28 x 28 pixels, flattened to 784.
IMAGE_SHAPE = (28, 28)
N_PIXELS = IMAGE_SHAPE[0] * IMAGE_SHAPE[1]


_SUM_TOLERANCE = 1e-6
#: The most memory one call may ask for at once: beyond it numpy ends in a bare MemoryError (or the machine swaps).
MAX_BYTES = 2 * 10**9


def _describe(value) -> str:
    """A short account of a bad value for an error message: its type, and its dtype and shape if it is an array."""
    if isinstance(value, np.ndarray):
        return f"an array of dtype {value.dtype} and shape {value.shape}"
    text = repr(value)
    return f"{type(value).__name__} {text[:80] + '...' if len(text) > 80 else text}"


def as_float_array(value: ArrayLike, name: str) -> np.ndarray:
    """Return ``value`` as a float64 array of real numbers, refusing NaN, booleans, complex numbers and text."""
    if value is None or isinstance(value, (str, bytes)):
        raise ValueError(f"{name} must be numeric: got {_describe(value)}")
    try:
        array = np.asarray(value)
    except (TypeError, ValueError, OverflowError) as error:  # ragged nested lists, for one
        raise ValueError(f"{name} must be a number or a rectangular array of numbers: got {_describe(value)}") from error
    kind = array.dtype.kind
    if kind == "b":
        raise ValueError(f"{name} must hold numbers, not booleans: got {_describe(value)}")
    if kind == "c" or (kind == "O" and any(isinstance(item, complex) for item in array.flat)):
        raise ValueError(f"{name} must hold real numbers: got complex {_describe(value)}")
    if kind in "USVMm" or (kind == "O" and any(item is None for item in array.flat)):  # None would become NaN
        raise ValueError(f"{name} must be numeric: got {_describe(value)}")
    try:
        array = array.astype(np.float64)
    except (TypeError, ValueError, OverflowError) as error:
        raise ValueError(f"{name} must be numeric: got {_describe(value)}") from error
    if np.isnan(array).any():
        raise ValueError(f"{name} must not contain NaN: got {array}")
    return array


def as_finite_array(value: ArrayLike, name: str) -> np.ndarray:
    """Return ``value`` as a float64 array of finite real numbers."""
    array = as_float_array(value, name)
    if not np.isfinite(array).all():
        raise ValueError(f"{name} must be finite (no inf): got {array}")
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
    if p.shape[-1] == 0:
        raise ValueError(f"{name} must have at least one outcome on its last axis: got shape {p.shape}")
    if (p < 0).any():
        raise ValueError(f"{name} must be non-negative: got {p}")
    sums = p.sum(axis=-1)
    if not np.allclose(sums, 1.0, atol=_SUM_TOLERANCE, rtol=0):
        raise ValueError(f"{name} must sum to 1 along its last axis: got sums {sums}")
    # The sum's tolerance lets an entry reach 1 + 1e-6, where -p log p < 0: rounding, not data.
    return np.minimum(p, 1.0)


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


def is_real_number(value) -> bool:
    """Whether ``value`` is one real number (a Python or numpy int or float, not a bool)."""
    return isinstance(value, numbers.Real) and not isinstance(value, (bool, np.bool_))


def is_finite_number(value) -> bool:
    """Whether ``value`` is one finite real number; a Python int too large for a float is finite too."""
    if not is_real_number(value):
        return False
    if _is_integer(value):
        return True
    try:
        return bool(np.isfinite(float(value)))
    except (OverflowError, TypeError, ValueError):
        return False


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


def as_seed(value: int | None, name: str = "seed") -> int | None:
    """Return ``value`` if it is ``None`` or an integer >= 0 (what numpy's and Keras' generators take)."""
    if value is not None and (not _is_integer(value) or value < 0):
        raise ValueError(f"{name} must be None or an integer >= 0: got {value!r}")
    return value


def as_legacy_seed(value: int, name: str = "seed") -> int:
    """Return ``value`` if it is an integer in [0, 2**32 - 1], what scikit-learn's ``random_state`` and ``np.random.seed`` take."""
    if not _is_integer(value) or not 0 <= value < 2**32:
        raise ValueError(f"{name} must be an integer in [0, 2**32 - 1]: got {value!r}")
    return int(value)


def as_finite_number(value: float, name: str, reason: str = "") -> float:
    """Return ``value`` as a ``float`` if it is one finite real number; ``reason`` says what it is, in the message."""
    if not is_finite_number(value):
        raise ValueError(f"{name} must be a finite number{reason}: got {value!r}")
    return float(value)


def as_positive_number(value: float, name: str, reason: str = "") -> float:
    """Return ``value`` as a ``float`` if it is one finite number > 0; ``reason`` says what it is, in the message."""
    if not is_finite_number(value) or value <= 0:
        raise ValueError(f"{name} must be a positive number{reason}: got {value!r}")
    return float(value)


def check_base(base: float) -> float:
    """Return ``base`` if it is a valid logarithm base: a finite real number > 0 and != 1."""
    if not is_finite_number(base) or base <= 0 or base == 1:
        raise ValueError(f"base must be a positive number other than 1 (2 for bits, e for nats), finite and real: got {base!r}")
    return float(base)


def check_same_shape(a: np.ndarray, b: np.ndarray, name_a: str, name_b: str) -> None:
    """Raise if two arrays that pair up entry by entry differ in shape."""
    if a.shape != b.shape:
        raise ValueError(f"{name_b} must have the same shape as {name_a}: got {a.shape} and {b.shape}")


def check_images(x: ArrayLike, name: str) -> np.ndarray:
    """Return images ``x`` as a float32 array ``(n_images, 784)`` of pixel intensities in [0, 1].

    Catches the common mistakes (unflattened images, 0-255 pixels, NaN) before TensorFlow
    does. Any integer or floating dtype is accepted (``x / 255.`` is float64); booleans,
    complex numbers and text are not.

    Raises
    ------
    ValueError
        If ``x`` is not numeric, not of shape ``(n_images, 784)``, not finite, or outside [0, 1].
    """
    array = as_float_array(x, name)
    if array.ndim != 2 or array.shape[1] != N_PIXELS:
        raise ValueError(
            f"{name} must have shape (n_images, {N_PIXELS}) (flattened 28x28 images, "
            f"load_mnist(flatten=True)): got {array.shape}"
        )
    if not np.isfinite(array).all():
        raise ValueError(f"{name} must hold finite pixel intensities: got {np.count_nonzero(~np.isfinite(array))} inf values")
    if array.size and (array.min() < 0 or array.max() > 1):
        raise ValueError(
            f"{name} must hold pixel intensities in [0, 1] (divide by 255): got range [{array.min()}, {array.max()}]"
        )
    return array.astype(np.float32)


def check_image_batch(x: ArrayLike, name: str = "x") -> np.ndarray:
    """:func:`check_images`, and at least one image: a figure averaged over no image is not a number."""
    images = check_images(x, name)
    if len(images) == 0:
        raise ValueError(f"{name} must hold at least one image: got shape {images.shape}")
    return images


def check_axes(ax, name: str = "ax", allow_none: bool = True) -> None:
    """Refuse anything but a matplotlib ``Axes`` (or ``None``, a new figure, when ``allow_none``)."""
    from matplotlib.axes import Axes  # here, not at the top: the numeric modules do not need matplotlib

    if not isinstance(ax, Axes) and not (allow_none and ax is None):
        expected = "a matplotlib Axes or None (a new figure)" if allow_none else "a matplotlib Axes"
        raise ValueError(f"{name} must be {expected}: got {type(ax).__name__}")


def check_title(title) -> None:
    """Refuse a title that is not a string or ``None``."""
    if title is not None and not isinstance(title, str):
        raise ValueError(f"title must be a string or None: got {type(title).__name__} {title!r}")


def as_number_in_range(value: float, name: str, low: float, high: float) -> float:
    """Return ``value`` as a ``float`` if it is one real number (not a bool) in ``[low, high]``: a slider's value."""
    if not isinstance(value, (int, float, np.integer, np.floating)) or isinstance(value, bool) or not low <= value <= high:
        raise ValueError(f"{name} must be a number in [{low:g}, {high:g}]: got {value!r}")
    return float(value)


def check_memory(shape: tuple[int, ...], names: str, copies: int = 1, bytes_per_value: int = 8) -> None:
    """Refuse a computation whose arrays of ``shape`` (``copies`` of them at once, float64) would exceed :data:`MAX_BYTES`.

    ``names`` are the arguments that set the shape, named in the message with the memory they ask for.
    """
    values = math.prod(shape)
    needed = values * copies * bytes_per_value
    if needed > MAX_BYTES:
        raise ValueError(
            f"{names} would need arrays of shape {shape} ({values:,} values, about {needed / 1e9:.3g} GB with the "
            f"computation's {copies} float64 copies), more than the {MAX_BYTES / 1e9:g} GB allowed: use fewer"
        )
