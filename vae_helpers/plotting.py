"""Figures the chapters share: grids of digits."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.image import AxesImage
from numpy.typing import ArrayLike

from vae_helpers._validation import (
    as_float_array,
    as_integer_at_least,
    as_positive_integer,
    as_positive_number,
    check_axes,
    check_title,
)
from vae_helpers.data import IMAGE_SHAPE, N_PIXELS

__all__ = ["draw_digits", "digit_grid", "show_digit_grid"]


def _as_intensities(pixels: ArrayLike, name: str) -> np.ndarray:
    """Pixels as intensities in [0, 1] (float64): 0-255 pixels would draw all black on the fixed 0-1 scale."""
    array = as_float_array(pixels, name)
    if array.size and not (array.min() >= 0 and array.max() <= 1):
        raise ValueError(
            f"{name} must hold pixel intensities in [0, 1] (divide 0-255 pixels by 255): got range [{array.min()}, {array.max()}]"
        )
    return array


def draw_digits(ax: Axes, pixels: ArrayLike, **kwargs) -> AxesImage:
    """Draw a digit or a tiled grid of digits (2-D, intensities in [0, 1]) on ``ax``.

    Ink is black on white, on the fixed scale 0-1 (so faint decodes look faint), and pixels
    stay crisp squares. ``kwargs`` go to ``imshow`` (``extent=``, for example).

    Raises
    ------
    ValueError
        If ``ax`` is not an ``Axes``, or ``pixels`` is not a non-empty 2-D array of intensities in [0, 1].
    """
    check_axes(ax, allow_none=False)
    pixels = _as_intensities(pixels, "pixels")
    if pixels.ndim != 2 or pixels.size == 0:
        raise ValueError(f"pixels must be a non-empty 2-D array (one digit, or a grid from digit_grid): got shape {pixels.shape}")
    return ax.imshow(pixels, **{"cmap": "gray_r", "vmin": 0, "vmax": 1, "interpolation": "nearest", **kwargs})


def digit_grid(images: ArrayLike, ncols: int, padding: int = 1) -> np.ndarray:
    """Tile images into one 2-D array, row by row, with ``padding`` blank pixels between.

    ``images`` has shape ``(n, 784)`` or ``(n, 28, 28)``, intensities in [0, 1]; a row left
    short stays blank.

    Raises
    ------
    ValueError
        If there is no image, an image does not have 784 pixels, the intensities are not in
        [0, 1], ``ncols`` is not a positive integer or ``padding`` not an integer >= 0.
    """
    images = _as_intensities(images, "images").astype(np.float32)
    if images.ndim not in (2, 3) or images.shape[0] == 0 or images[0].size != N_PIXELS:
        raise ValueError(f"images must have shape (n, {N_PIXELS}) or (n, 28, 28), n >= 1: got {images.shape}")
    ncols = as_positive_integer(ncols, "ncols")
    padding = as_integer_at_least(padding, "padding", 0)
    images = images.reshape(-1, *IMAGE_SHAPE)
    nrows = -(-len(images) // ncols)
    height, width = (size + padding for size in IMAGE_SHAPE)
    grid = np.zeros((nrows * height - padding, ncols * width - padding), dtype=np.float32)
    for index, image in enumerate(images):
        row, col = divmod(index, ncols)
        grid[row * height : row * height + IMAGE_SHAPE[0], col * width : col * width + IMAGE_SHAPE[1]] = image
    return grid


def show_digit_grid(
    images: ArrayLike, ncols: int = 10, title: str | None = None, size: float = 0.6, ax: Axes | None = None
) -> Figure:
    """Draw :func:`digit_grid` of ``images`` on ``ax``, or in a new figure of ``size`` inches per digit.

    Raises
    ------
    ValueError
        As :func:`digit_grid`, or if ``size`` is not a positive number, ``title`` not a
        string or ``ax`` not an ``Axes``.
    """
    check_title(title)
    check_axes(ax)
    size = as_positive_number(size, "size", " (inches per digit)")
    grid = digit_grid(images, ncols)
    if ax is None:
        nrows = -(-len(np.asarray(images)) // ncols)
        ax = plt.subplots(figsize=(ncols * size, nrows * size + (0.4 if title else 0)))[1]
    draw_digits(ax, grid)
    ax.set_axis_off()
    if title:
        ax.set_title(title)
    return ax.figure
