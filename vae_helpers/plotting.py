"""Figures the chapters share: grids of digits."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.image import AxesImage
from numpy.typing import ArrayLike

from vae_helpers.data import IMAGE_SHAPE, N_PIXELS

__all__ = ["draw_digits", "digit_grid", "show_digit_grid"]


def draw_digits(ax: Axes, pixels: ArrayLike, **kwargs) -> AxesImage:
    """Draw a digit or a tiled grid of digits (2-D, intensities in [0, 1]) on ``ax``.

    Ink is black on white, on the fixed scale 0-1 (so faint decodes look faint), and pixels
    stay crisp squares. ``kwargs`` go to ``imshow`` (``extent=``, for example).
    """
    return ax.imshow(pixels, **{"cmap": "gray_r", "vmin": 0, "vmax": 1, "interpolation": "nearest", **kwargs})


def digit_grid(images: ArrayLike, ncols: int, padding: int = 1) -> np.ndarray:
    """Tile images into one 2-D array, row by row, with ``padding`` blank pixels between.

    ``images`` has shape ``(n, 784)`` or ``(n, 28, 28)``; a row left short stays blank.

    Raises
    ------
    ValueError
        If an image does not have 784 pixels, or ``ncols`` is not positive.
    """
    images = np.asarray(images, dtype=np.float32)
    if images.ndim < 2 or images[0].size != N_PIXELS:
        raise ValueError(f"images must have shape (n, {N_PIXELS}) or (n, 28, 28): got {images.shape}")
    if ncols < 1:
        raise ValueError(f"ncols must be a positive integer: got {ncols!r}")
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
    """Draw :func:`digit_grid` of ``images`` on ``ax``, or in a new figure of ``size`` inches per digit."""
    grid = digit_grid(images, ncols)
    if ax is None:
        nrows = -(-len(np.asarray(images)) // ncols)
        ax = plt.subplots(figsize=(ncols * size, nrows * size + (0.4 if title else 0)))[1]
    draw_digits(ax, grid)
    ax.set_axis_off()
    if title:
        ax.set_title(title)
    return ax.figure
