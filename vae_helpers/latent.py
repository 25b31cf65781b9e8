r"""Views of a 2-D latent space (chapter 5): where the encoder puts digits, and what the decoder draws.

Grids of latent points come as arrays of shape ``(n * n, 2)`` in **reading order**: the
first row of the grid is the top row of the picture (largest :math:`z_2`), and within a
row :math:`z_1` grows from left to right. So ``digit_grid(decode(decoder, points), n)``
is the decoded manifold with the usual axes (:math:`z_1` right, :math:`z_2` up).

- :func:`square_grid`: evenly spaced points on the square :math:`[-e, e]^2`.
- :func:`prior_grid`: points through the inverse CDF of :math:`\mathcal N(0, 1)`, each
  the centre of a cell of equal prior probability.
- :func:`manifold`: the decoded grid as one image; :func:`plot_manifold` draws it.
- :func:`plot_latent_scatter`: held-out posterior means coloured by label.
- :func:`reconstruct`, :func:`plot_reconstructions`, :func:`sample_prior`, :func:`plot_prior_samples`.
- :func:`plot_beta_comparison`: one row per model (per value of β): its codes beside its prior draws.
- :func:`kl_per_dimension`: how much each latent dimension is used (posterior collapse).

Every ``plot_*`` function draws into ``ax`` (a new figure when ``ax`` is ``None``) and
returns the figure. A new figure is at most :data:`~vae_helpers.figures.MAX_WIDTH_INCHES`
wide, so that its text stays legible on a phone (:mod:`vae_helpers.figures`).
"""

from __future__ import annotations

from collections.abc import Mapping

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from numpy.typing import ArrayLike
from scipy.stats import norm

from vae_helpers._validation import (
    check_memory,
    as_finite_array,
    as_positive_integer,
    as_positive_number,
    as_seed,
    check_axes,
    check_images,
    check_title,
)
from vae_helpers.data import IMAGE_SHAPE
from vae_helpers.figures import MAX_WIDTH_INCHES
from vae_helpers.gaussian import kl_to_standard_normal
from vae_helpers.model import check_decoder, check_encoder, decode, encode
from vae_helpers.palette import LABEL_COLOURS
from vae_helpers.plotting import digit_grid, draw_digits, show_digit_grid

__all__ = [
    "square_grid",
    "prior_grid",
    "manifold",
    "plot_manifold",
    "plot_latent_scatter",
    "reconstruct",
    "plot_reconstructions",
    "sample_prior",
    "plot_prior_samples",
    "plot_beta_comparison",
    "kl_per_dimension",
]

_ROW_LABELS_INCHES = 1.3  # "reconstruction" beside a row of digits, at the book's type size


def _reading_order(z1: np.ndarray, z2: np.ndarray) -> np.ndarray:
    """All pairs (z1, z2) with z2 decreasing by row and z1 increasing within a row."""
    rows, cols = np.meshgrid(z2[::-1], z1, indexing="ij")
    return np.column_stack([cols.ravel(), rows.ravel()]).astype(np.float32)


def square_grid(n: int, extent: float = 3.0) -> np.ndarray:
    r"""``n * n`` evenly spaced latent points on :math:`[-\text{extent}, \text{extent}]^2`, in reading order.

    Returns an array of shape ``(n * n, 2)``; column 0 is :math:`z_1`, column 1 is :math:`z_2`.

    Raises
    ------
    ValueError
        If ``n`` is not a positive integer or ``extent`` is not a positive number.
    """
    n = as_positive_integer(n, "n")
    extent = as_positive_number(extent, "extent")
    check_memory((n * n, 2), f"n={n}", copies=2)  # the mesh and the stacked points
    axis = np.linspace(-extent, extent, n) if n > 1 else np.zeros(1)
    return _reading_order(axis, axis)


def prior_grid(n: int) -> np.ndarray:
    r"""``n * n`` latent points of equal prior weight: :math:`t_m = \Phi^{-1}\big(\frac{m + 1/2}{n}\big)` on each axis.

    :math:`\Phi^{-1}` is the inverse CDF of :math:`\mathcal N(0, 1)` (``scipy.stats.norm.ppf``).
    The grid cuts the prior :math:`\mathcal N(0, I)` into ``n * n`` cells of probability
    :math:`1/n^2` each and returns their centres (in probability), so the points crowd
    near the origin where the prior puts its mass. Shape ``(n * n, 2)``, reading order.

    Raises
    ------
    ValueError
        If ``n`` is not a positive integer.
    """
    n = as_positive_integer(n, "n")
    axis = norm.ppf((np.arange(n) + 0.5) / n)
    return _reading_order(axis, axis)


def _check_two_dimensional(decoder) -> None:
    check_decoder(decoder)
    latent_dim = decoder.inputs[0].shape[-1]
    if latent_dim != 2:
        raise ValueError(f"decoder must have a 2-D latent space for a manifold: got latent_dim={latent_dim}")


def manifold(decoder, points: ArrayLike) -> np.ndarray:
    """Decode a square grid of latent points (from :func:`square_grid` or :func:`prior_grid`) into one image.

    Returns a 2-D array of pixel probabilities, ``n`` digits of 28 x 28 on a side, with
    no padding, so that it reads like a continuous map of the latent square.

    Raises
    ------
    ValueError
        If the decoder's latent space is not 2-D, or ``points`` is not ``(n * n, 2)``.
    """
    _check_two_dimensional(decoder)
    points = as_finite_array(points, "points")
    n = int(round(np.sqrt(len(points)))) if points.ndim == 2 else 0
    if points.ndim != 2 or points.shape[1] != 2 or n * n != len(points) or n == 0:
        raise ValueError(f"points must have shape (n * n, 2), a square grid: got {points.shape}")
    return digit_grid(decode(decoder, points), ncols=n, padding=0)


def plot_manifold(decoder, points: ArrayLike, ax: Axes | None = None, title: str | None = None) -> Figure:
    """Draw :func:`manifold` with its axes labelled in latent coordinates (:math:`z_1`, :math:`z_2`).

    Each tick sits under the centre of a digit and shows that digit's latent coordinate.

    Raises
    ------
    ValueError
        As :func:`manifold`, or if ``ax`` is not an ``Axes`` or ``title`` not a string.
    """
    check_axes(ax)
    check_title(title)
    image = manifold(decoder, points)
    n = image.shape[0] // IMAGE_SHAPE[0]
    ax = ax if ax is not None else plt.subplots(figsize=(MAX_WIDTH_INCHES, MAX_WIDTH_INCHES), layout="constrained")[1]
    draw_digits(ax, image)
    centres = (np.arange(n) + 0.5) * IMAGE_SHAPE[0]
    step = max(1, n // 7)
    z1 = np.asarray(points)[:n, 0]
    z2 = np.asarray(points)[::n, 1]
    ax.set_xticks(centres[::step], [f"{value:.1f}" for value in z1[::step]])
    ax.set_yticks(centres[::step], [f"{value:.1f}" for value in z2[::step]])
    ax.set_xlabel("$z_1$")
    ax.set_ylabel("$z_2$")
    if title:
        ax.set_title(title)
    return ax.figure


def plot_latent_scatter(
    mu: ArrayLike,
    labels: ArrayLike,
    ax: Axes | None = None,
    title: str | None = None,
    limit: float | None = None,
    legend: bool = True,
) -> Figure:
    r"""Scatter 2-D latent points (posterior means :math:`\mu`, from :func:`~vae_helpers.model.encode`), coloured by digit.

    ``limit``, if given, fixes both axes to :math:`[-\text{limit}, \text{limit}]`, so that
    scatters of different models compare at the same scale. ``legend=False`` leaves out the
    legend of the digits' colours (a figure of several scatters shows it once).

    Raises
    ------
    ValueError
        If ``mu`` is not ``(n, 2)`` finite numbers, ``labels`` are not ``n`` digits 0-9,
        ``limit`` is not a positive number, ``legend`` not a bool, ``ax`` not an ``Axes`` or ``title``
        not a string.
    """
    mu = as_finite_array(mu, "mu")
    labels = as_finite_array(labels, "labels")
    if mu.ndim != 2 or mu.shape[1] != 2:
        raise ValueError(f"mu must have shape (n, 2): got {mu.shape}")
    if labels.shape != (len(mu),):
        raise ValueError(f"labels must have shape ({len(mu)},), one per point of mu: got {labels.shape}")
    if labels.size and not (np.all(labels == np.round(labels)) and labels.min() >= 0 and labels.max() <= 9):
        raise ValueError(f"labels must be digits, integers 0-9: got values from {labels.min()} to {labels.max()}")
    labels = labels.astype(int)
    if not isinstance(legend, bool):
        raise ValueError(f"legend must be True or False: got {legend!r}")
    if limit is not None:
        limit = as_positive_number(limit, "limit", " (half the side of the square shown)")
    check_axes(ax)
    check_title(title)
    ax = ax if ax is not None else plt.subplots(figsize=(MAX_WIDTH_INCHES, 4.8), layout="constrained")[1]
    for digit in np.unique(labels):
        chosen = labels == digit
        colour = LABEL_COLOURS[int(digit) % len(LABEL_COLOURS)]
        ax.scatter(mu[chosen, 0], mu[chosen, 1], s=6, color=colour, label=str(digit))
    if legend:
        ax.legend(title="digit", markerscale=2.5, loc="center left", bbox_to_anchor=(1.0, 0.5))
    if limit is not None:
        ax.set_xlim(-limit, limit)
        ax.set_ylim(-limit, limit)
    ax.set_aspect("equal")
    ax.set_xlabel("$z_1$")
    ax.set_ylabel("$z_2$")
    if title:
        ax.set_title(title)
    return ax.figure


def reconstruct(encoder, decoder, x: ArrayLike) -> np.ndarray:
    r"""Reconstructions of images ``x`` ``(n, 784)``: the decoded posterior means, :math:`\mathrm{decode}(\mu(x))`.

    Decoding :math:`\mu` rather than a sampled :math:`z` shows the model's best guess
    without the sampling noise. Returns pixel probabilities of shape ``(n, 784)``.

    Raises
    ------
    ValueError
        As :func:`~vae_helpers.model.encode` and :func:`~vae_helpers.model.decode`.
    """
    mu, _ = encode(encoder, x)
    return decode(decoder, mu)


def plot_reconstructions(encoder, decoder, x: ArrayLike, ax: Axes | None = None, title: str | None = None) -> Figure:
    """Originals (top row) above their reconstructions (bottom row), one column per image of ``x``.

    Raises
    ------
    ValueError
        If ``x`` is not ``(n, 784)`` images in [0, 1] with n >= 1, or as :func:`reconstruct`.
    """
    check_axes(ax)
    check_title(title)
    x = check_images(x, "x")
    if len(x) == 0:
        raise ValueError("x must hold at least one image: got shape (0, 784)")
    grid = digit_grid(np.concatenate([x, reconstruct(encoder, decoder, x)]), ncols=len(x))
    # At most 0.6 inches a digit, narrower when the row and its labels would not fit MAX_WIDTH_INCHES.
    size = min(0.6, (MAX_WIDTH_INCHES - _ROW_LABELS_INCHES) / len(x))
    ax = ax if ax is not None else plt.subplots(figsize=(_ROW_LABELS_INCHES + size * len(x), 2.5 * size))[1]
    draw_digits(ax, grid)
    ax.set_xticks([])
    ax.set_yticks([IMAGE_SHAPE[0] / 2, 1.5 * IMAGE_SHAPE[0] + 1], ["original", "reconstruction"])
    ax.tick_params(length=0)
    for side in ax.spines.values():
        side.set_visible(False)
    if title:
        ax.set_title(title)
    return ax.figure


def sample_prior(decoder, n: int, seed: int = 0) -> np.ndarray:
    r"""Decode ``n`` latent points drawn from the prior :math:`\mathcal N(0, I)`: new digits, as ``(n, 784)`` probabilities.

    Raises
    ------
    ValueError
        If ``decoder`` is not a decoder, ``n`` is not a positive integer or ``seed`` not an integer >= 0.
    """
    check_decoder(decoder)
    n = as_positive_integer(n, "n")
    as_seed(seed)
    latent_dim = decoder.inputs[0].shape[-1]
    z = np.random.default_rng(seed).standard_normal((n, latent_dim)).astype(np.float32)
    return decode(decoder, z)



def plot_prior_samples(
    decoder, n: int = 30, ncols: int = 10, seed: int = 0, ax: Axes | None = None, title: str | None = None
) -> Figure:
    """Draw :func:`sample_prior` of ``n`` digits, ``ncols`` per row, on the same grey scale as the data.

    Raises
    ------
    ValueError
        As :func:`sample_prior` and :func:`~vae_helpers.plotting.show_digit_grid`.
    """
    check_axes(ax)
    check_title(title)
    as_positive_integer(ncols, "ncols")
    return show_digit_grid(sample_prior(decoder, n, seed=seed), ncols=ncols, title=title, ax=ax)


def plot_beta_comparison(
    means: Mapping[float, ArrayLike], decoders: Mapping, labels: ArrayLike, n: int = 20, seed: int = 0
) -> Figure:
    r"""One row per value of :math:`\beta`: the codes (left) and the decoder's means at ``n`` prior draws (right).

    ``means`` maps each :math:`\beta` to that model's posterior means ``(m, 2)`` of the images
    labelled ``labels``; ``decoders`` maps the same :math:`\beta` to its decoder. Each map has
    its own axis range and the circle of radius 2 dashed (the prior puts 86 % of its mass
    inside it); the digits' colours are in one legend above the rows. The prior draws are
    the same ``seed`` for every model, five digits to a row. One column of rows, so that the
    figure keeps its type size on a phone as on a laptop.

    Raises
    ------
    ValueError
        If ``means`` is empty or its keys differ from those of ``decoders``, or as
        :func:`plot_latent_scatter` and :func:`plot_prior_samples`.
    """
    if not isinstance(means, Mapping) or not isinstance(decoders, Mapping) or not means:
        raise ValueError(f"means and decoders must be non-empty mappings from beta: got {type(means).__name__} and {type(decoders).__name__}")
    if list(means) != list(decoders):
        raise ValueError(f"means and decoders must have the same betas in the same order: got {list(means)} and {list(decoders)}")
    n = as_positive_integer(n, "n")
    figure = plt.figure(figsize=(MAX_WIDTH_INCHES, 0.6 + 3.0 * len(means)), layout="constrained")
    grid = figure.add_gridspec(len(means), 2, width_ratios=(3.0, 2.3))
    for row, (beta, mu) in enumerate(means.items()):
        codes, samples = figure.add_subplot(grid[row, 0]), figure.add_subplot(grid[row, 1])
        plot_latent_scatter(mu, labels, ax=codes, title=f"β = {beta:g}: test codes", legend=False)
        codes.add_patch(plt.Circle((0, 0), 2, fill=False, linestyle="--", color="gray"))
        plot_prior_samples(decoders[beta], n=n, ncols=5, seed=seed, ax=samples, title="decoded prior draws")
    handles, names = codes.get_legend_handles_labels()
    figure.legend(handles, names, title="digit", loc="outside upper center", ncols=len(names), markerscale=2.5,
                  handletextpad=0.0, columnspacing=0.7)
    return figure


def kl_per_dimension(encoder, x: ArrayLike) -> np.ndarray:
    r"""Mean KL divergence from the posterior to the prior, per latent dimension, over images ``x``, in nats.

    .. math:: \frac{1}{n}\sum_{m=1}^{n} D_{KL}\big(\mathcal N(\mu_{mi}, \sigma^2_{mi}) \,\|\, \mathcal N(0, 1)\big)
              \quad\text{for each dimension } i

    The entries add up to the model's mean KL term. A dimension whose KL is near 0 has a
    posterior equal to the prior for every image: it carries no information about the
    image (*posterior collapse*). Whether the decoder has learned to ignore it is a separate
    question: redraw that coordinate and measure how the decoded images change.
    Shape ``(latent_dim,)``.

    Raises
    ------
    ValueError
        As :func:`~vae_helpers.model.encode`, or if ``x`` holds no image.
    """
    check_encoder(encoder)
    mu, log_var = encode(encoder, x)
    if len(mu) == 0:
        raise ValueError("x must hold at least one image (a mean over none is undefined): got shape (0, 784)")
    # One KL per dimension: each is its own one-dimensional Gaussian, so the last axis is a batch of one.
    return kl_to_standard_normal(mu[..., None], log_var[..., None]).mean(axis=0)
