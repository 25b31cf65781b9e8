r"""A drawing of the VAE's data flow (chapter 5), with the sizes read from the models themselves.

:func:`plot_data_flow` draws :math:`x \to` encoder :math:`\to (\mu, \log\sigma^2) \to`
sampling :math:`\to z \to` decoder :math:`\to` logits :math:`\to \hat x`, and where the two
loss terms attach. It needs no graphviz: boxes and arrows in matplotlib.
"""

from __future__ import annotations

import keras
import matplotlib.pyplot as plt
from matplotlib.figure import Figure
from matplotlib.patches import FancyBboxPatch

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


def _box(ax, x: float, y: float, text: str, colour: str, width: float = 1.5, height: float = 0.9) -> None:
    ax.add_patch(
        FancyBboxPatch((x - width / 2, y - height / 2), width, height, boxstyle="round,pad=0.05",
                       facecolor=colour, edgecolor="#444444", linewidth=1)
    )
    ax.text(x, y, text, ha="center", va="center", fontsize=9)


def _arrow(ax, start: tuple[float, float], end: tuple[float, float], colour: str = "#444444", style: str = "-|>") -> None:
    ax.annotate("", xy=end, xytext=start, arrowprops=dict(arrowstyle=style, color=colour, lw=1.2, shrinkA=0, shrinkB=0))


def plot_data_flow(encoder: keras.Model, decoder: keras.Model) -> Figure:
    r"""Draw the VAE's data flow from image to reconstruction, and the two terms of its loss.

    Boxes are layers or tensors, labelled with their widths from :func:`model_sizes`;
    blue is the encoder :math:`q(z \mid x)`, orange the decoder :math:`p(x \mid z)`,
    green the latent space; the red arrows feed the loss.

    Raises
    ------
    ValueError
        As :func:`model_sizes`.
    """
    sizes = model_sizes(encoder, decoder)
    figure, ax = plt.subplots(figsize=(12, 4))
    y = 2.0
    xs = [0.8, 2.7, 4.6, 6.5, 8.4, 10.3, 12.2]
    _box(ax, xs[0], y, f"image $x$\n{sizes['pixels']} pixels", "white")
    _box(ax, xs[1], y, _hidden_label(sizes["encoder_hidden"], sizes["encoder_depth"]), _ENCODER)
    _box(ax, xs[2], y + 0.65, f"$\\mu$\n({sizes['latent_dim']})", _ENCODER, height=0.8)
    _box(ax, xs[2], y - 0.65, f"$\\log\\sigma^2$\n({sizes['latent_dim']})", _ENCODER, height=0.8)
    _box(ax, xs[3], y, f"Sampling\n$z = \\mu + \\sigma\\,\\varepsilon$\n({sizes['latent_dim']})", _LATENT, width=1.6, height=1.0)
    _box(ax, xs[4], y, _hidden_label(sizes["decoder_hidden"], sizes["decoder_depth"]), _DECODER)
    _box(ax, xs[5], y, f"logits\n({sizes['pixels']})", _DECODER)
    _box(ax, xs[6], y, f"sigmoid\n$\\hat x$ ({sizes['pixels']})", "white")
    _arrow(ax, (xs[0] + 0.8, y), (xs[1] - 0.8, y))
    for offset in (0.65, -0.65):
        _arrow(ax, (xs[1] + 0.8, y), (xs[2] - 0.8, y + offset))
        _arrow(ax, (xs[2] + 0.8, y + offset), (xs[3] - 0.85, y))
    ax.text(xs[3], y - 1.25, "$\\varepsilon \\sim \\mathcal{N}(0, I)$", ha="center", fontsize=9)
    _arrow(ax, (xs[3], y - 1.05), (xs[3], y - 0.5))
    for left, right in zip(xs[3:], xs[4:]):
        _arrow(ax, (left + 0.8, y), (right - 0.8, y))
    ax.text(xs[1], y + 1.25, "encoder $q(z \\mid x)$", ha="center", fontsize=10, color="#1f4e79")
    ax.text(xs[4] + 0.95, y + 1.25, "decoder $p(x \\mid z)$", ha="center", fontsize=10, color="#8a4b08")
    # The loss: KL from the posterior parameters, reconstruction from the image and the logits.
    ax.text(xs[2], y - 2.0, "KL term: $D_{KL}(q(z\\mid x)\\,\\|\\,\\mathcal{N}(0, I))$", color=_LOSS, ha="center", va="center", fontsize=9)
    _arrow(ax, (xs[2], y - 1.05), (xs[2], y - 1.8), colour=_LOSS)
    ax.text(xs[5], y - 2.0, "reconstruction term: BCE($x$, sigmoid(logits)),\nsummed over pixels", color=_LOSS, ha="center", va="center", fontsize=9)
    _arrow(ax, (xs[5], y - 0.45), (xs[5], y - 1.7), colour=_LOSS)
    ax.plot([xs[0], xs[0], xs[5] - 1.5], [y - 0.45, y - 2.6, y - 2.6], color=_LOSS, lw=1, ls="--")
    _arrow(ax, (xs[5] - 1.5, y - 2.6), (xs[5] - 1.5, y - 2.3), colour=_LOSS)
    ax.set_xlim(-0.1, 13.1)
    ax.set_ylim(-0.8, 3.5)
    ax.set_axis_off()
    return figure
