r"""The live latent explorer (chapter 6): drag a point through a 2-D latent space, watch the digit change.

:class:`LatentExplorer` is an ipywidgets app: two sliders for :math:`z = (z_1, z_2)`, the
decoded digit, a map of held-out digits in latent space that you can click and drag on, an
interpolation panel and a button that samples from the prior.

It stays fast enough to drag because an update creates no figure and calls no Keras model:
:class:`NumpyDecoder` runs the decoder's Dense layers in numpy (microseconds for one point),
and the two images are PNG bytes written into ``ipywidgets.Image`` widgets in place: the digit
upscaled with ``np.repeat`` (crisp, nearest-neighbour), the map a background rendered once by
matplotlib with the marker stamped on. :func:`naive_explorer` is the obvious alternative
(``interact``, ``decoder.predict`` and a new figure per change), kept for the comparison.
"""

from __future__ import annotations

import io
import time
import warnings
from collections.abc import Callable, Iterable, Sequence

import ipywidgets as widgets
import keras
import matplotlib.pyplot as plt
import numpy as np
from ipyevents import Event
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from numpy.typing import ArrayLike
from PIL import Image
from scipy.special import expit

from vae_helpers._validation import as_integer_at_least, as_positive_number
from vae_helpers.data import IMAGE_SHAPE, N_PIXELS
from vae_helpers.latent import plot_latent_scatter
from vae_helpers.model import decode, encode
from vae_helpers.plotting import digit_grid, draw_digits

__all__ = [
    "LATENT_DIM",
    "PRIOR_LIMIT",
    "map_limit",
    "NumpyDecoder",
    "UnsupportedDecoderError",
    "LatentExplorer",
    "digit_pixels",
    "naive_explorer",
    "time_slider_updates",
]

LATENT_DIM = 2
PRIOR_LIMIT = 4.0  # the sliders reach at least 4 prior standard deviations from the origin

_ACTIVATIONS: dict[str, Callable[[np.ndarray], np.ndarray]] = {
    "linear": lambda x: x,
    "relu": lambda x: np.maximum(x, 0.0),
    "sigmoid": expit,
    "tanh": np.tanh,
}
_MARKER_INDEX, _HALO_INDEX = 254, 255  # palette slots kept free for the marker
_MAP_COLOURS = 254


class UnsupportedDecoderError(ValueError):
    """The Keras decoder is not a plain chain of Dense layers, so it has no numpy twin."""


class NumpyDecoder:
    r"""A decoder made of Dense layers, run in numpy: one latent point in microseconds.

    Each layer computes :math:`h \mapsto f(h W + b)`; the last layer gives the 784 logits and
    :meth:`decode` applies the sigmoid, exactly like :func:`vae_helpers.model.decode`.

    Parameters
    ----------
    layers
        ``(kernel, bias, activation)`` per layer, in order: ``kernel`` of shape
        ``(inputs, outputs)``, ``bias`` of shape ``(outputs,)``, ``activation`` one of
        ``"linear"``, ``"relu"``, ``"sigmoid"``, ``"tanh"``.
    """

    def __init__(self, layers: Sequence[tuple[ArrayLike, ArrayLike, str]]):
        if not layers:
            raise ValueError("layers must hold at least one (kernel, bias, activation) triple: got none")
        self.layers: list[tuple[np.ndarray, np.ndarray, str]] = []
        width = None
        for index, (kernel, bias, activation) in enumerate(layers):
            kernel = np.asarray(kernel, dtype=np.float64)
            bias = np.asarray(bias, dtype=np.float64)
            if kernel.ndim != 2 or bias.shape != kernel.shape[1:] or (width is not None and kernel.shape[0] != width):
                raise ValueError(
                    f"layers[{index}] must have a kernel (inputs, outputs) matching the previous layer's "
                    f"outputs ({width}) and a bias (outputs,): got {kernel.shape} and {bias.shape}"
                )
            if activation not in _ACTIVATIONS:
                raise ValueError(
                    f"layers[{index}] activation must be one of {sorted(_ACTIVATIONS)}: got {activation!r}"
                )
            self.layers.append((kernel, bias, activation))
            width = kernel.shape[1]

    @classmethod
    def from_keras(cls, decoder: keras.Model, tolerance: float = 1e-5, seed: int = 0) -> NumpyDecoder:
        """Copy the weights of a Keras decoder made of Dense layers, and check it decodes alike.

        The copy is checked against the Keras model on 16 random latent points: the pixel
        probabilities must agree to ``tolerance``.

        Raises
        ------
        UnsupportedDecoderError
            If ``decoder`` has a layer other than Dense (or an activation not listed above),
            or its numpy copy disagrees with it (the layers do not form a simple chain).
        """
        layers = []
        for layer in decoder.layers:
            if isinstance(layer, keras.layers.InputLayer):
                continue
            activation = layer.get_config().get("activation") if isinstance(layer, keras.layers.Dense) else None
            if not isinstance(activation, str) or activation not in _ACTIVATIONS:
                raise UnsupportedDecoderError(
                    f"decoder must consist of Dense layers with a {sorted(_ACTIVATIONS)} activation: "
                    f"got layer {layer.name!r} ({type(layer).__name__}, activation {activation!r})"
                )
            weights = [keras.ops.convert_to_numpy(w) for w in layer.weights]
            bias = weights[1] if layer.use_bias else np.zeros(weights[0].shape[1])
            layers.append((weights[0], bias, activation))
        twin = cls(layers)
        z = np.random.default_rng(seed).uniform(-3, 3, size=(16, twin.latent_dim))
        difference = float(np.abs(twin.decode(z) - decode(decoder, z)).max())
        if not difference <= tolerance:
            raise UnsupportedDecoderError(
                f"decoder's Dense layers, run in order, differ from the model by {difference:.2g} "
                f"(tolerance {tolerance:g}): the layers do not form a simple chain"
            )
        return twin

    @property
    def latent_dim(self) -> int:
        """The size of a latent point, the first layer's inputs."""
        return self.layers[0][0].shape[0]

    @property
    def output_size(self) -> int:
        """The number of logits, the last layer's outputs (784 for MNIST)."""
        return self.layers[-1][0].shape[1]

    def logits(self, z: np.ndarray) -> np.ndarray:
        """The decoder's output (logits) for ``z`` of shape ``(n, latent_dim)``, as ``(n, output_size)``."""
        h = z
        for kernel, bias, activation in self.layers:
            h = _ACTIVATIONS[activation](h @ kernel + bias)
        return h

    def decode(self, z: ArrayLike) -> np.ndarray:
        """Pixel probabilities at ``z`` of shape ``(n, latent_dim)`` or ``(latent_dim,)``, like ``model.decode``.

        Raises
        ------
        ValueError
            If the last axis of ``z`` is not ``latent_dim``.
        """
        z = np.asarray(z, dtype=np.float64)
        if z.ndim not in (1, 2) or z.shape[-1] != self.latent_dim:
            raise ValueError(f"z must have shape (n, {self.latent_dim}) or ({self.latent_dim},): got {z.shape}")
        probabilities = expit(self.logits(np.atleast_2d(z)))
        return probabilities[0] if z.ndim == 1 else probabilities


def digit_pixels(image: ArrayLike, scale: int) -> np.ndarray:
    """Grey levels (uint8, dark ink on white) of an image of probabilities, each pixel a ``scale`` x ``scale`` block.

    ``np.repeat`` upscales without interpolation, so every one of the 28 x 28 pixels stays a crisp square.
    """
    ink = np.rint(255.0 * (1.0 - np.asarray(image, dtype=np.float64))).astype(np.uint8)
    return np.repeat(np.repeat(ink, scale, axis=0), scale, axis=1)


def _png(pixels: np.ndarray, palette: list[int] | None = None) -> bytes:
    """PNG bytes of a 2-D uint8 array: grey levels, or palette indices if ``palette`` is given."""
    image = Image.fromarray(pixels)
    if palette is not None:
        image.putpalette(palette)
    with io.BytesIO() as buffer:
        image.save(buffer, format="PNG", compress_level=1)  # fast: the images are small and flat
        return buffer.getvalue()


def _marker_stamp(radius: float = 6.5) -> tuple[np.ndarray, np.ndarray]:
    """Masks of a ring (the marker) and its white halo, centred in a small square."""
    half = int(radius) + 3
    offsets = np.arange(-half, half + 1)
    distance = np.hypot(*np.meshgrid(offsets, offsets))
    ring = np.abs(distance - radius) <= 1.1
    halo = (np.abs(distance - radius) <= 2.3) & ~ring
    return ring, halo


def _latent_size(model: keras.Model, name: str, end: str) -> int:
    tensors = getattr(model, end, None)
    if not tensors:
        raise ValueError(f"{name} must be a Keras functional model with known {end}: got {type(model).__name__}")
    return int(np.prod(tensors[0].shape[1:]))


def _check_models(encoder: keras.Model, decoder: keras.Model) -> None:
    decoder_inputs = _latent_size(decoder, "decoder", "inputs")
    if decoder_inputs != LATENT_DIM:
        raise ValueError(
            f"decoder must take a {LATENT_DIM}-D latent point (the explorer has two sliders and a 2-D map): "
            f"got latent size {decoder_inputs}"
        )
    decoder_outputs = _latent_size(decoder, "decoder", "outputs")
    if decoder_outputs != N_PIXELS:
        raise ValueError(
            f"decoder must output {N_PIXELS} logits, one per pixel of a 28x28 image: got {decoder_outputs}"
        )
    encoder_inputs = _latent_size(encoder, "encoder", "inputs")
    if encoder_inputs != N_PIXELS:
        raise ValueError(f"encoder must take {N_PIXELS} pixels (flattened 28x28 images): got {encoder_inputs}")
    encoder_outputs = _latent_size(encoder, "encoder", "outputs")
    if encoder_outputs != LATENT_DIM:
        raise ValueError(f"encoder must output {LATENT_DIM}-D means (mu, log_var, z): got size {encoder_outputs}")


def map_limit(means: np.ndarray) -> float:
    """Half the side of the square the map and the sliders span, for latent means ``(n, 2)``.

    At least ``PRIOR_LIMIT``, widened to hold every mean (an autoencoder's codes can lie far
    out), rounded up to a multiple of 0.5. The in-page explorer of the book uses it too.
    """
    reach = float(np.abs(means).max()) * 1.05
    return max(PRIOR_LIMIT, float(np.ceil(2 * reach)) / 2)


def _slider_step(limit: float) -> float:
    """A round step giving a few hundred positions over [-limit, limit]: 0.01 for the VAE's +-4."""
    return float(10.0 ** np.floor(np.log10(limit / 200)))


class LatentExplorer:
    """Explore a 2-D latent space live: sliders, the decoded digit, a clickable map, interpolation.

    Display it as the last expression of a cell. Moving a slider, clicking or dragging on the
    map, moving the interpolation's ``t`` or pressing "Sample from the prior" moves one latent
    point ``z``; the digit decoded there, the marker on the map and the readout follow at once.

    Parameters
    ----------
    encoder, decoder
        A Keras encoder ``(n, 784) -> (mu, log_var, z)`` and decoder ``(n, 2) -> (n, 784)``
        logits, such as :func:`vae_helpers.model.load_pretrained` returns or
        :func:`vae_helpers.train.train_vae` trains (any ``beta``).
    images, labels
        Held-out digits ``(n, 784)`` in [0, 1] and their labels ``(n,)``: the map shows their
        means ``mu``, coloured by label; the interpolation picks its endpoints among them.
    limit
        The sliders and the map span ``[-limit, limit]`` on both axes. Default: at least
        ``PRIOR_LIMIT`` (4), widened to hold every held-out mean (an autoencoder's codes
        spread much further).
    scale
        Screen pixels per digit pixel.
    endpoints
        Indices into ``images`` of the interpolation's two digits. Default: the first held-out
        1 and the first held-out 0.
    seed
        Seeds the "Sample from the prior" button.
    strip_length
        How many decodes the interpolation strip shows, from ``t = 0`` to ``t = 1``.

    Attributes
    ----------
    z : numpy.ndarray
        The current latent point, shape ``(2,)``.
    image : numpy.ndarray
        The displayed digit's pixel probabilities at ``z``, shape ``(28, 28)``.
    marker : tuple of float
        The marker's position on the map image, ``(x, y)`` in pixels from the top left.
    means : numpy.ndarray
        The held-out digits' latent means, shape ``(n, 2)``.
    strip : numpy.ndarray
        The interpolation strip's decodes, shape ``(strip_length, 28, 28)``.
    clipped : bool
        Whether the last :meth:`set_z` moved its point inside the map.

    Raises
    ------
    ValueError
        If the models do not have the shapes above, ``images`` or ``labels`` are malformed, or
        ``limit``, ``scale``, ``endpoints`` or ``strip_length`` are out of range.
    """

    def __init__(
        self,
        encoder: keras.Model,
        decoder: keras.Model,
        images: ArrayLike,
        labels: ArrayLike,
        *,
        limit: float | None = None,
        scale: int = 10,
        endpoints: tuple[int, int] | None = None,
        seed: int = 0,
        strip_length: int = 9,
    ):
        _check_models(encoder, decoder)
        labels = np.asarray(labels)
        self.means, _ = encode(encoder, images)
        self.means = self.means.astype(np.float64)
        if labels.shape != (len(self.means),):
            raise ValueError(f"labels must have shape ({len(self.means)},), one per image: got {labels.shape}")
        self.labels = labels
        self.limit = self._check_limit(limit)
        self.scale = as_integer_at_least(scale, "scale", 1)
        self.strip_length = as_integer_at_least(strip_length, "strip_length", 2)
        self._decode = self._fast_decoder(decoder)
        self._rng = np.random.default_rng(seed)
        self._syncing = False
        self.clipped = False
        self._ring, self._halo = _marker_stamp()
        self._build_widgets(self._default_endpoints() if endpoints is None else endpoints)
        self._draw_map()
        self._show(np.zeros(LATENT_DIM))

    # -- set-up ---------------------------------------------------------------------------

    def _check_limit(self, limit: float | None) -> float:
        if limit is None:
            return map_limit(self.means)
        return as_positive_number(limit, "limit")

    @staticmethod
    def _fast_decoder(decoder: keras.Model) -> Callable[[np.ndarray], np.ndarray]:
        try:
            return NumpyDecoder.from_keras(decoder).decode
        except UnsupportedDecoderError as error:
            message = f"{error}; the explorer calls the Keras decoder instead, about 100x slower per update"
            warnings.warn(message, stacklevel=3)
            return lambda z: decode(decoder, z)

    def _default_endpoints(self) -> tuple[int, int]:
        firsts = {label: int(np.flatnonzero(self.labels == label)[0]) for label in np.unique(self.labels)}
        if 1 in firsts and 0 in firsts:
            return firsts[1], firsts[0]
        return (0, 1) if len(self.labels) > 1 else (0, 0)

    def _endpoint_options(self, endpoints: Iterable[int], per_label: int = 3) -> list[tuple[str, int]]:
        chosen = {int(i) for label in np.unique(self.labels) for i in np.flatnonzero(self.labels == label)[:per_label]}
        chosen |= set(endpoints)
        return [(f"a {self.labels[i]} (held-out #{i})", i) for i in sorted(chosen, key=lambda i: (self.labels[i], i))]

    def _build_widgets(self, endpoints: tuple[int, int]) -> None:
        for name, index in zip(("endpoints[0]", "endpoints[1]"), endpoints):
            if isinstance(index, bool) or not isinstance(index, (int, np.integer)) or not 0 <= index < len(self.means):
                raise ValueError(f"{name} must be an index into images, 0 to {len(self.means) - 1}: got {index!r}")
        step = _slider_step(self.limit)
        digits = len(str(step).split(".")[1]) if step < 1 else 0
        self.z1_slider, self.z2_slider = (
            widgets.FloatSlider(
                value=0.0, min=-self.limit, max=self.limit, step=step, description=name,
                continuous_update=True, readout_format=f".{digits}f", layout=widgets.Layout(width="300px"),
            )
            for name in ("z₁", "z₂")
        )
        self.readout = widgets.HTML()
        size = IMAGE_SHAPE[0] * self.scale
        self.digit_view = widgets.Image(
            format="png", layout=widgets.Layout(width=f"{size}px", height=f"{size}px", border="1px solid #ddd")
        )
        self.map_view = widgets.Image(format="png")
        self.prior_button = widgets.Button(
            description="Sample from the prior", icon="random", layout=widgets.Layout(width="200px")
        )
        options = self._endpoint_options(endpoints)
        self.start_dropdown = widgets.Dropdown(options=options, value=int(endpoints[0]), description="from A")
        self.end_dropdown = widgets.Dropdown(options=options, value=int(endpoints[1]), description="to B")
        self.t_slider = widgets.FloatSlider(
            value=0.0, min=0.0, max=1.0, step=0.01, description="t", continuous_update=True,
            layout=widgets.Layout(width="420px"),
        )
        self.strip_view = widgets.Image(format="png")

        for slider in (self.z1_slider, self.z2_slider):
            slider.observe(self._on_slider, names="value")
        self.t_slider.observe(self._on_t, names="value")
        for dropdown in (self.start_dropdown, self.end_dropdown):
            dropdown.observe(self._on_endpoints, names="value")
        self.prior_button.on_click(lambda _: self.sample_prior())
        self._map_events: tuple[Event, Event] | None = None

        controls = widgets.VBox(
            [self.digit_view, self.readout, self.z1_slider, self.z2_slider, self.prior_button],
            layout=widgets.Layout(align_items="center", min_width="320px"),
        )
        interpolation = widgets.VBox([
            widgets.HTML("<b>Interpolate</b> along the straight line from A's mean to B's mean"),
            widgets.HBox([self.start_dropdown, self.end_dropdown]),
            self.t_slider,
            self.strip_view,
        ])
        top = widgets.HBox([self.map_view, controls], layout=widgets.Layout(flex_flow="row wrap", align_items="center"))
        self.widget = widgets.VBox([top, interpolation])

    def _draw_map(self) -> None:
        """Render the map's background once: the held-out means by label, the axes, the legend, the path."""
        figure = Figure(figsize=(5.4, 4.5), dpi=100)
        FigureCanvasAgg(figure)
        ax = figure.add_axes((0.14, 0.12, 0.62, 0.8))
        plot_latent_scatter(self.means, self.labels, ax=ax, limit=self.limit)
        ax.set_title("held-out digits at their means $\\mu$", fontsize=10)
        (self._path_line,) = ax.plot([], [], "--", color="black", linewidth=1.2)
        self._path_ends = [
            ax.text(0, 0, name, fontsize=11, fontweight="bold", ha="center", va="center") for name in "AB"
        ]
        self._map_figure, self._map_axes = figure, ax
        self._update_path()

    def _update_path(self) -> None:
        """Draw the interpolation path into the map's background and decode the strip."""
        a, b = self.endpoint_means
        self._path_line.set_data([a[0], b[0]], [a[1], b[1]])
        for text, point in zip(self._path_ends, (a, b)):
            text.set_position(point)
            text.set_bbox({"boxstyle": "circle,pad=0.15", "facecolor": "white", "edgecolor": "black", "linewidth": 0.8})
        self._map_figure.canvas.draw()
        rgb = np.asarray(self._map_figure.canvas.buffer_rgba())[..., :3]
        indexed = Image.fromarray(rgb).quantize(_MAP_COLOURS, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE)
        palette = (indexed.getpalette() or [])[: 3 * _MAP_COLOURS]
        self._palette = palette + [0] * (3 * _MAP_COLOURS - len(palette)) + [0, 0, 0, 255, 255, 255]
        self._map_background = np.asarray(indexed).copy()
        corners = self._map_axes.transData.transform([(-self.limit, -self.limit), (self.limit, self.limit)])
        height, width = rgb.shape[:2]
        self.map_view.layout.width, self.map_view.layout.height = f"{width}px", f"{height}px"
        self._pixel_left, self._pixel_right = corners[:, 0]
        self._pixel_bottom, self._pixel_top = height - corners[:, 1]
        t = np.linspace(0.0, 1.0, self.strip_length)[:, None]
        self.strip = self._decode((1 - t) * a + t * b).reshape(-1, *IMAGE_SHAPE)
        self.strip_view.value = _png(digit_pixels(digit_grid(self.strip, ncols=self.strip_length, padding=2), 3))

    # -- the point ----------------------------------------------------------------------------

    @property
    def endpoint_means(self) -> tuple[np.ndarray, np.ndarray]:
        """The latent means of the interpolation's two digits, A and B."""
        return self.means[self.start_dropdown.value], self.means[self.end_dropdown.value]

    def set_z(self, z: ArrayLike) -> None:
        """Move the point to ``z`` ``(2,)``, clipped into the map's ``[-limit, limit]`` square.

        Raises
        ------
        ValueError
            If ``z`` is not two finite numbers.
        """
        try:
            point = np.asarray(z, dtype=np.float64)
        except (TypeError, ValueError) as error:
            raise ValueError(f"z must be two numbers (z1, z2): got {z!r}") from error
        if point.shape != (LATENT_DIM,) or not np.isfinite(point).all():
            raise ValueError(f"z must be two finite numbers (z1, z2): got {point!r}")
        inside = np.clip(point, -self.limit, self.limit)
        self.clipped = bool((inside != point).any())
        self._show(inside)

    def sample_prior(self) -> np.ndarray:
        r"""Move the point to a draw from the prior :math:`\mathcal{N}(0, I)` (seeded); return the draw."""
        draw = self._rng.standard_normal(LATENT_DIM)
        self.set_z(draw)
        return draw

    def interpolate(self, t: float) -> None:
        r"""Move the point to :math:`(1 - t)\,\mu_A + t\,\mu_B`, ``t`` clipped into [0, 1]; the ``t`` slider follows."""
        if not np.isscalar(t) or not np.isfinite(t):
            raise ValueError(f"t must be a finite number in [0, 1]: got {t!r}")
        t = float(np.clip(t, 0.0, 1.0))
        if self.t_slider.value == t:
            self._on_t({"new": t})
        self.t_slider.value = t

    def latent_to_pixel(self, z: ArrayLike) -> tuple[float, float]:
        """Where latent point ``z`` lies on the map image: ``(x, y)`` in pixels from the top left."""
        fraction = (np.asarray(z, dtype=np.float64) + self.limit) / (2 * self.limit)
        x = self._pixel_left + fraction[0] * (self._pixel_right - self._pixel_left)
        y = self._pixel_bottom + fraction[1] * (self._pixel_top - self._pixel_bottom)
        return float(x), float(y)

    def pixel_to_latent(self, x: float, y: float) -> np.ndarray:
        """The latent point under pixel ``(x, y)`` of the map image (not clipped)."""
        z1 = (x - self._pixel_left) / (self._pixel_right - self._pixel_left)
        z2 = (y - self._pixel_bottom) / (self._pixel_top - self._pixel_bottom)
        return np.array([z1, z2]) * 2 * self.limit - self.limit

    @property
    def map_array(self) -> np.ndarray:
        """The map as displayed now, with the marker, as RGB ``(height, width, 3)`` uint8."""
        palette = np.asarray(self._palette, dtype=np.uint8).reshape(-1, 3)
        return palette[self._map_with_marker()]

    def _show(self, z: np.ndarray) -> None:
        self.z = z
        self._syncing = True
        try:
            self.z1_slider.value, self.z2_slider.value = float(z[0]), float(z[1])
        finally:
            self._syncing = False
        self.image = self._decode(z).reshape(IMAGE_SHAPE)
        self.digit_view.value = _png(digit_pixels(self.image, self.scale))
        self.marker = self.latent_to_pixel(z)
        self.map_view.value = _png(self._map_with_marker(), self._palette)
        note = " <i>(clipped to the map)</i>" if self.clipped else ""
        self.readout.value = f"<code>z = ({z[0]:+.2f}, {z[1]:+.2f})</code>{note}"

    def _map_with_marker(self) -> np.ndarray:
        pixels = self._map_background.copy()
        half = self._ring.shape[0] // 2
        column, row = (int(np.floor(v)) for v in self.marker)
        top, left = row - half, column - half
        # Crop the stamp where it would leave the image.
        r0, c0 = max(0, -top), max(0, -left)
        r1 = min(self._ring.shape[0], pixels.shape[0] - top)
        c1 = min(self._ring.shape[1], pixels.shape[1] - left)
        if r0 < r1 and c0 < c1:
            window = pixels[top + r0 : top + r1, left + c0 : left + c1]
            window[self._halo[r0:r1, c0:c1]] = _HALO_INDEX
            window[self._ring[r0:r1, c0:c1]] = _MARKER_INDEX
        return pixels

    # -- events -------------------------------------------------------------------------------

    def _on_slider(self, change: dict) -> None:
        if self._syncing:
            return
        self.clipped = False
        self._show(np.array([self.z1_slider.value, self.z2_slider.value]))

    def _on_t(self, change: dict) -> None:
        a, b = self.endpoint_means
        t = change["new"]
        self.set_z((1 - t) * a + t * b)

    def _on_endpoints(self, change: dict) -> None:
        self._update_path()
        self._on_t({"new": self.t_slider.value})

    def _on_map_event(self, event: dict) -> None:
        """A mouse event from ipyevents: a press moves the point, a move with the button held drags it."""
        kind = event.get("type")
        if kind == "mousemove" and not int(event.get("buttons", 0)) & 1:
            return
        x = event.get("dataX", event.get("relativeX"))
        y = event.get("dataY", event.get("relativeY"))
        if x is None or y is None:
            return
        z = self.pixel_to_latent(float(x), float(y))
        outside = np.abs(z) > self.limit * 1.02
        if kind == "mousedown" and outside.any():
            return  # a click on the legend or the labels, not on the map
        self.set_z(np.clip(z, -self.limit, self.limit))

    # -- display ------------------------------------------------------------------------------

    def _listen_to_map(self) -> tuple[Event, Event]:
        """The map's mouse listeners (ipyevents), created on first display.

        Created late so that an explorer only driven from code, as the book's build does, adds
        no third-party widget to the page. Two listeners: clicks are never dropped; moves are
        throttled, so that a drag cannot flood the kernel.
        """
        if self._map_events is None:
            click = Event(source=self.map_view, watched_events=["mousedown"], prevent_default_action=True)
            drag = Event(
                source=self.map_view, watched_events=["mousemove"], prevent_default_action=True,
                throttle_or_debounce="throttle", wait=20,
            )
            for listener in (click, drag):
                listener.on_dom_event(self._on_map_event)
            self._map_events = (click, drag)
        return self._map_events

    @property
    def map_click(self) -> Event:
        """The ipyevents listener for mouse presses on the map."""
        return self._listen_to_map()[0]

    @property
    def map_drag(self) -> Event:
        """The ipyevents listener for mouse moves on the map (throttled to one per 20 ms)."""
        return self._listen_to_map()[1]

    def _repr_mimebundle_(self, **kwargs):
        self._listen_to_map()
        return self.widget._repr_mimebundle_(**kwargs)

    def snapshot(self) -> plt.Figure:
        """A static figure of the current view, for pages without a kernel: the map, the digit, the strip."""
        height, width = self._map_background.shape
        figure = plt.figure(figsize=(9.0, 5.4), layout="constrained")
        grid = figure.add_gridspec(2, 2, width_ratios=(width / height, 0.7), height_ratios=(4.0, 1.0))
        map_panel, digit_panel = figure.add_subplot(grid[0, 0]), figure.add_subplot(grid[0, 1])
        strip_panel = figure.add_subplot(grid[1, :])
        map_panel.imshow(self.map_array)
        map_panel.set_axis_off()
        draw_digits(digit_panel, self.image)
        digit_panel.set(xticks=[], yticks=[])
        digit_panel.set_title(f"decoded at z = ({self.z[0]:+.2f}, {self.z[1]:+.2f})", fontsize=10)
        strip = digit_grid(self.strip, ncols=self.strip_length, padding=2)
        draw_digits(strip_panel, strip)
        strip_panel.set_axis_off()
        strip_panel.set_title("from A to B: t = 0 (left) to t = 1 (right)", fontsize=10)
        return figure

    def close(self) -> None:
        """Close every widget of the explorer (frees their front-end models)."""
        for widget in (
            *(self._map_events or ()), self.z1_slider, self.z2_slider, self.readout, self.digit_view, self.map_view,
            self.prior_button, self.start_dropdown, self.end_dropdown, self.t_slider, self.strip_view, self.widget,
        ):
            widget.close()


def naive_explorer(decoder: keras.Model, limit: float = PRIOR_LIMIT) -> widgets.interactive:
    """The obvious explorer, for comparison: ``interact`` with ``decoder.predict`` and a new figure per change.

    Its function returns the PNG bytes the inline backend would send (``result`` of the
    returned widget). Every change pays for a Keras ``predict`` call and a whole matplotlib
    figure; :class:`LatentExplorer` avoids both.
    """
    from IPython.core.pylabtools import print_figure

    def show(z1: float = 0.0, z2: float = 0.0) -> bytes:
        logits = decoder.predict(np.array([[z1, z2]], dtype=np.float32), verbose=0)
        figure, ax = plt.subplots(figsize=(3, 3))
        ax.imshow(expit(logits).reshape(IMAGE_SHAPE), cmap="gray_r", vmin=0, vmax=1)
        ax.set_axis_off()
        png = print_figure(figure, "png", bbox_inches="tight")  # what the inline backend does with a new figure
        plt.close(figure)
        return png

    def slider() -> widgets.FloatSlider:
        return widgets.FloatSlider(value=0.0, min=-limit, max=limit, step=0.01, continuous_update=True)

    return widgets.interactive(show, z1=slider(), z2=slider())


def time_slider_updates(
    slider: widgets.FloatSlider, image_bytes: Callable[[], bytes], values: Iterable[float]
) -> np.ndarray:
    """Seconds from setting ``slider.value`` to the new image's bytes being ready, one per value.

    ``image_bytes`` returns the bytes the widget now shows; each update must change them
    (a value equal to the current one triggers nothing and raises).

    Raises
    ------
    ValueError
        If an update leaves the image bytes unchanged.
    """
    seconds = []
    for value in values:
        before = image_bytes()
        start = time.perf_counter()
        slider.value = value
        after = image_bytes()
        seconds.append(time.perf_counter() - start)
        if after is before or after == before:
            raise ValueError(f"values must each change the image: setting {value!r} did not")
    return np.array(seconds)
