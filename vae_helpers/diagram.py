r"""A drawing of the VAE's data flow (chapter 5), with the sizes read from the models themselves.

:func:`plot_data_flow` draws :math:`x \to` encoder :math:`\to (\mu, \log\sigma^2) \to`
sampling :math:`\to z \to` decoder :math:`\to` logits :math:`\to \hat x`, and where the two
loss terms attach, on two lines so that it fits a phone's screen. It needs no graphviz:
boxes and arrows in matplotlib.
"""

from __future__ import annotations

import keras
import matplotlib.pyplot as plt
from matplotlib.figure import Figure
from matplotlib.patches import FancyBboxPatch

from vae_helpers.figures import MAX_WIDTH_INCHES, SMALLEST_TEXT_PT
from vae_helpers.model import check_vae_parts

__all__ = ["model_sizes", "plot_data_flow"]

_ENCODER = "#dbe9f6"
_DECODER = "#fde4cf"
_LATENT = "#e3f1dc"
_LOSS = "#b03a2e"


def model_sizes(encoder: keras.Model, decoder: keras.Model) -> dict[str, int]:
    """The widths of the data flow: ``pixels``, ``encoder_hidden``, ``latent_dim``, ``decoder_hidden``, and depths.

    Read from the models (the first Dense layer of each, the encoder's first output; the
    depths ``encoder_depth`` and ``decoder_depth`` count their ReLU Dense layers), so a
    drawing made from them cannot disagree with what is trained.

    Raises
    ------
    ValueError
        If ``encoder`` and ``decoder`` are not the two halves of one VAE in that order
        (:func:`~vae_helpers.model.check_vae_parts`), or either has no Dense layer.
    """
    check_vae_parts(encoder, decoder)
    hidden, depth = {}, {}
    for name, model in (("encoder", encoder), ("decoder", decoder)):
        dense = [layer for layer in model.layers if isinstance(layer, keras.layers.Dense)]
        if not dense:
            raise ValueError(f"{name} must have a Dense layer (its hidden layer, drawn in the diagram): got layers {[layer.name for layer in model.layers]}")
        hidden[name] = dense[0].units
        depth[name] = sum(layer.get_config().get("activation") == "relu" for layer in dense)
    return {
        "pixels": encoder.inputs[0].shape[-1],
        "encoder_hidden": hidden["encoder"],
        "encoder_depth": depth["encoder"],
        "latent_dim": encoder.outputs[0].shape[-1],
        "decoder_hidden": hidden["decoder"],
        "decoder_depth": depth["decoder"],
    }


def _hidden_label(units: int, depth: int) -> str:
    return (f"{depth} × " if depth > 1 else "") + f"Dense {units}\nReLU"


def _box(ax, x: float, y: float, text: str, colour: str, width: float = 1.2, height: float = 0.8) -> None:
    ax.add_patch(
        FancyBboxPatch((x - width / 2, y - height / 2), width, height, boxstyle="round,pad=0.04",
                       facecolor=colour, edgecolor="#444444", linewidth=1)
    )
    ax.text(x, y, text, ha="center", va="center", fontsize=SMALLEST_TEXT_PT)


def _arrow(ax, *points: tuple[float, float], colour: str = "#444444") -> None:
    """An arrow through ``points``: straight segments, the head at the last point."""
    for start, end in zip(points[:-2], points[1:-1]):
        ax.plot(*zip(start, end), color=colour, lw=1.2, solid_capstyle="butt")
    ax.annotate("", xy=points[-1], xytext=points[-2],
                arrowprops=dict(arrowstyle="-|>", color=colour, lw=1.2, shrinkA=0, shrinkB=0))


def plot_data_flow(encoder: keras.Model, decoder: keras.Model) -> Figure:
    r"""Draw the VAE's data flow from image to reconstruction, and the two terms of its loss.

    Boxes are layers or tensors, labelled with their widths from :func:`model_sizes`;
    blue is the encoder :math:`q(z \mid x)`, orange the decoder :math:`p(x \mid z)`,
    green the latent space; the red arrows feed the loss. The flow reads as two lines of
    text do: the encoder's half on the first, the decoder's on the second, so that the
    drawing is no wider than :data:`~vae_helpers.figures.MAX_WIDTH_INCHES` and its labels
    keep the book's type size on a phone.

    Raises
    ------
    ValueError
        As :func:`model_sizes`.
    """
    sizes = model_sizes(encoder, decoder)
    latent = f"({sizes['latent_dim']})"
    # Coordinates in inches: 1 data unit is 1 inch of the figure.
    width, height = MAX_WIDTH_INCHES, 4.5
    figure = plt.figure(figsize=(width, height))
    ax = figure.add_axes((0, 0, 1, 1), xlim=(0, width), ylim=(0, height))
    columns = (0.68, 1.98, 3.26, 4.7)
    top, lane, bottom = 3.45, 2.36, 1.72  # the encoder's line, the way z goes down, the decoder's line
    # The encoder's line: x -> hidden layers -> (mu, log sigma^2) -> sampling.
    _box(ax, columns[0], top, f"image $x$\n{sizes['pixels']} pixels", "white", width=1.1)
    _box(ax, columns[1], top, _hidden_label(sizes["encoder_hidden"], sizes["encoder_depth"]), _ENCODER, width=1.24)
    _box(ax, columns[2], top + 0.42, f"$\\mu$ {latent}", _ENCODER, width=0.9, height=0.6)
    _box(ax, columns[2], top - 0.42, f"$\\log\\sigma^2$ {latent}", _ENCODER, width=0.9, height=0.6)
    _box(ax, columns[3], top, f"Sampling\n$z = \\mu + \\sigma\\,\\varepsilon$\n{latent}", _LATENT, width=1.48, height=1.05)
    ax.text(columns[1], top + 0.75, "encoder $q(z \\mid x)$", ha="center", fontsize=SMALLEST_TEXT_PT + 1, color="#1f4e79")
    ax.text(columns[3], top + 0.9, "$\\varepsilon \\sim \\mathcal{N}(0, I)$", ha="center", fontsize=SMALLEST_TEXT_PT)
    _arrow(ax, (columns[3], top + 0.85), (columns[3], top + 0.57))
    _arrow(ax, (columns[0] + 0.59, top), (columns[1] - 0.66, top))
    for offset in (0.42, -0.42):
        _arrow(ax, (columns[1] + 0.67, top), (columns[2] - 0.49, top + offset))
        _arrow(ax, (columns[2] + 0.49, top + offset), (columns[3] - 0.79, top))
    # z goes down to the decoder's line, as a line of text wraps.
    _arrow(ax, (columns[3], top - 0.57), (columns[3], lane), (columns[0], lane), (columns[0], bottom + 0.44))
    ax.text(columns[3] + 0.1, (top - 0.57 + lane) / 2, f"$z$ {latent}", va="center", fontsize=SMALLEST_TEXT_PT)
    # The decoder's line: hidden layers -> logits -> x hat.
    _box(ax, columns[0], bottom, _hidden_label(sizes["decoder_hidden"], sizes["decoder_depth"]), _DECODER, width=1.24)
    _box(ax, columns[1], bottom, f"logits\n({sizes['pixels']})", _DECODER, width=1.1)
    _box(ax, columns[2], bottom, f"sigmoid\n$\\hat x$ ({sizes['pixels']})", "white", width=1.1)
    _arrow(ax, (columns[0] + 0.66, bottom), (columns[1] - 0.59, bottom))
    _arrow(ax, (columns[1] + 0.59, bottom), (columns[2] - 0.59, bottom))
    ax.text(columns[0], bottom - 0.75, "decoder $p(x \\mid z)$", ha="center", fontsize=SMALLEST_TEXT_PT + 1, color="#8a4b08")
    # The loss: KL from the posterior parameters, reconstruction from the image and the logits.
    ax.text(columns[3] - 0.05, bottom, "KL term:\n$D_{KL}(q(z\\mid x)\\,\\|\\,\\mathcal{N}(0, I))$", color=_LOSS,
            ha="center", va="center", fontsize=SMALLEST_TEXT_PT)
    _arrow(ax, (columns[2] + 0.3, top - 0.74), (columns[3] - 0.3, bottom + 0.36), colour=_LOSS)
    ax.text(columns[1] + 0.45, 0.45, "reconstruction term: BCE(image $x$, sigmoid(logits)),\nsummed over pixels",
            color=_LOSS, ha="center", va="center", fontsize=SMALLEST_TEXT_PT)
    _arrow(ax, (columns[1], bottom - 0.42), (columns[1], 0.78), colour=_LOSS)
    ax.set_axis_off()
    return figure
