r"""The latent explorer (chapter 6): drag a point through a 2-D latent space, watch the digit change.

:class:`LatentExplorer` is one `anywidget <https://anywidget.dev>`_: its JavaScript
(``src/explorer.js`` and the drawing pad's ``src/encoder.js``, bundled into ``static/explorer.js``)
decodes and draws in the browser, so the same module runs in JupyterLab and in the book's
static pages, and a drag never waits for Python. The contract is the synced traits of
:class:`LatentExplorer`, declared once below with their types and checks; Python writes the
read-only ones once, in ``LatentExplorer._send_data``:

- the decoder's Dense layers, float32 binary buffers (:class:`~vae_helpers.numpy_decoder.NumpyDecoder`
  copies them out of Keras and checks them);
- the encoder's Dense layers the same way, its heads ``mu`` and ``log_var`` as one layer
  (:meth:`~vae_helpers.numpy_decoder.NumpyDecoder.from_keras_encoder`), for the drawing pad
  (``src/encoder.js``);
- the held-out means for the map, quantised to 16 bits on the map's square (an error of at
  most ``limit / 65535``, far below a screen pixel), with their labels as bytes;
- a few held-out digits for the pad's list, as bytes;
- optionally other models to switch to (``models``: the same fields per model, their weights
  at float16, which :data:`~vae_helpers.numpy_decoder.HALF_PRECISION_TOLERANCE` bounds).

Every layer is ``{activation, inputs, outputs, kernel, bias, dtype}``: ``dtype`` is
``"float32"`` or ``"float16"``, little-endian, the kernel row-major ``(inputs, outputs)``.

Both halves must be chains of Dense layers, to run in the browser: the explorer refuses
others with a ``ValueError``.
"""

from __future__ import annotations


import keras
import matplotlib.pyplot as plt
import numpy as np
import traitlets
from numpy.typing import ArrayLike

from vae_helpers._validation import as_integer_at_least, check_images
from vae_helpers.data import IMAGE_SHAPE, N_PIXELS
from vae_helpers.figures import MAX_WIDTH_INCHES, SMALLEST_TEXT_PT
from vae_helpers.latent import plot_latent_scatter
from vae_helpers.palette import LABEL_COLOURS
from vae_helpers.model import encode
# Keras-free, so that the book's build checks the weights it halves with the same functions.
from vae_helpers.numpy_decoder import (
    HALF_PRECISION_TOLERANCE, NumpyDecoder, UnsupportedDecoderError, half_precision, half_precision_errors,
)
from vae_helpers.plotting import digit_grid, draw_digits
from vae_helpers.pretrained import SHIPPED_BETAS, beta_folder
from vae_helpers.widgets._base import BookWidget
from vae_helpers.widgets._traits import Integer, Number, NumberList

__all__ = [
    "LATENT_DIM", "PRIOR_LIMIT", "HALF_PRECISION_TOLERANCE", "half_precision", "half_precision_errors", "map_limit",
    "LatentExplorer", "pretrained_explorer", "beta_name", "switchable_layers",
]

LATENT_DIM = 2
PRIOR_LIMIT = 4.0  # the sliders reach at least 4 prior standard deviations from the origin
_CODE_LEVELS = 65535  # the map's means as uint16 on [-limit, limit]
_PAD_DIGITS_PER_LABEL = 2  # held-out digits the pad's list offers, per label


def map_limit(means: np.ndarray) -> float:
    """Half the side of the square the map and the sliders span, for latent means ``(n, 2)``.

    At least ``PRIOR_LIMIT``, widened to hold every mean (an autoencoder's codes can lie far
    out), rounded up to a multiple of 0.5.
    """
    reach = float(np.abs(means).max()) * 1.05
    return max(PRIOR_LIMIT, float(np.ceil(2 * reach)) / 2)


def _latent_size(model: keras.Model, name: str, end: str) -> int:
    tensors = getattr(model, end, None)
    if not tensors:
        raise ValueError(f"{name} must be a Keras functional model with known {end}: got {type(model).__name__}")
    return int(np.prod(tensors[0].shape[1:]))


def _check_models(encoder: keras.Model, decoder: keras.Model) -> None:
    expected = {
        ("decoder", "inputs"): (LATENT_DIM, "a 2-D latent point (the explorer has two sliders and a 2-D map)"),
        ("decoder", "outputs"): (N_PIXELS, "784 logits, one per pixel of a 28x28 image"),
        ("encoder", "inputs"): (N_PIXELS, "784 pixels (flattened 28x28 images)"),
        ("encoder", "outputs"): (LATENT_DIM, "2-D means (mu, log_var, z)"),
    }
    for (name, end), (size, what) in expected.items():
        got = _latent_size(encoder if name == "encoder" else decoder, name, end)
        if got != size:
            verb = "take" if end == "inputs" else "output"
            raise ValueError(f"{name} must {verb} {what}: got size {got}")


def _layers(twin: NumpyDecoder, dtype: str = "<f4") -> list[dict]:
    """A Dense chain's layers as the JavaScript reads them (little-endian ``dtype`` buffers)."""
    name = {"<f4": "float32", "<f2": "float16"}[dtype]
    return [
        {"activation": activation, "inputs": kernel.shape[0], "outputs": kernel.shape[1], "dtype": name,
         "kernel": kernel.astype(dtype).tobytes(), "bias": bias.astype(dtype).tobytes()}
        for kernel, bias, activation in twin.layers
    ]


def switchable_layers(encoder: keras.Model, decoder: keras.Model, images: np.ndarray) -> tuple[list[dict], list[dict]]:
    """The decoder's and the encoder's layers as the page gets them for a model it switches to.

    Each half travels at float16 when :func:`~vae_helpers.numpy_decoder.half_precision_errors` on ``images`` stays within
    :data:`~vae_helpers.numpy_decoder.HALF_PRECISION_TOLERANCE`, else at float32.

    Raises
    ------
    UnsupportedDecoderError
        If either half is not a chain of Dense layers.
    """
    decoder_twin, encoder_twin = NumpyDecoder.from_keras(decoder), NumpyDecoder.from_keras_encoder(encoder)
    errors = half_precision_errors(encoder_twin, decoder_twin, np.asarray(images, dtype=np.float64))
    return tuple(
        _layers(twin, "<f2" if error <= HALF_PRECISION_TOLERANCE else "<f4")
        for twin, error in zip((decoder_twin, encoder_twin), errors)
    )


def _quantised_codes(means: np.ndarray, labels: np.ndarray, limit: float) -> tuple[bytes, bytes]:
    inside = (np.abs(means) <= limit).all(axis=1)
    quantised = np.rint((means[inside] + limit) / (2 * limit) * _CODE_LEVELS).astype("<u2")
    return quantised.tobytes(), labels[inside].astype(np.uint8).tobytes()


def _dense_chains(encoder: keras.Model, decoder: keras.Model) -> tuple[NumpyDecoder, NumpyDecoder]:
    """Both halves as Dense chains, for the browser: (encoder's, decoder's)."""
    twins = []
    for name, make, model in (("encoder", NumpyDecoder.from_keras_encoder, encoder), ("decoder", NumpyDecoder.from_keras, decoder)):
        try:
            twins.append(make(model))
        except UnsupportedDecoderError as error:
            raise ValueError(f"{name} must be a chain of Dense layers, to run in the browser: {error}") from error
    return tuple(twins)


class _NotNone(traitlets.Any):
    """Any value its validator accepts, None included in what it checks: ``Any`` lets None past every validator."""

    allow_none = False


class LatentExplorer(BookWidget):
    """Explore a 2-D latent space live: sliders, the decoded digit, a clickable map, interpolation.

    Display it as the last expression of a cell. Moving a slider, clicking or dragging on the
    map, moving the interpolation's ``t`` or pressing "Sample from the prior" moves one latent
    point ``z``; the digit decoded there, the ring on the map and the readout follow. Code
    drives it through :meth:`set_z`, :meth:`interpolate`, :meth:`sample_prior` and the traits
    ``z``, ``t`` and ``endpoints``, which the browser also writes back.

    Parameters
    ----------
    encoder, decoder
        A Keras encoder ``(n, 784) -> (mu, log_var, z)`` and decoder ``(n, 2) -> (n, 784)``
        logits, such as :func:`vae_helpers.model.load_pretrained` returns or
        :func:`vae_helpers.train.train_vae` trains (any ``beta``).
    images, labels
        Held-out digits ``(n, 784)`` in [0, 1] and their labels ``(n,)``, integers 0-255: the map
        shows their means ``mu``, coloured by label; the interpolation picks its endpoints among them.
    limit
        The sliders and the map span ``[-limit, limit]`` on both axes. Default: at least
        ``PRIOR_LIMIT`` (4), widened to hold every held-out mean. Means outside are left off the map.
    scale
        Screen pixels per digit pixel.
    endpoints
        Indices into ``images`` of the interpolation's two digits. Default: the first held-out
        1 and the first held-out 0.
    seed
        Seeds :meth:`sample_prior` (the page's button draws with the browser's generator).
    strip_length
        How many decodes the interpolation strip shows, from ``t = 0`` to ``t = 1``.
    name
        What the page calls this model in its model switch (shown only with ``models``).
    models
        Other models the page can switch to, ``{name: (encoder, decoder)}`` of the same shapes:
        the map (their held-out means), the decoder and the pad's encoder change together.
        Their weights travel at float16 when their decodes stay within
        :data:`~vae_helpers.numpy_decoder.HALF_PRECISION_TOLERANCE` of float32's, else at float32.

    Raises
    ------
    ValueError
        If the models do not have the shapes above, ``images`` or ``labels`` are malformed, or
        ``limit``, ``scale``, ``endpoints``, ``seed`` or ``strip_length`` are out of range;
        before anything is drawn.
    """

    module = "explorer"

    # Read and written by the browser (the reader's moves), and by code: each checked by its trait or below.
    z = NumberList([0.0, 0.0], minlen=2, maxlen=2).tag(sync=True)  # clipped into the map by _inside_the_map
    t = Number(0.0, 0, 1, step=0.01).tag(sync=True)
    endpoints = _NotNone([0, 0]).tag(sync=True)  # two indices into images: _valid_endpoints
    # Which model the page shows: 0 for this one, k for models[k - 1].
    model_index = Integer(0, 0, high=lambda explorer: len(explorer.models)).tag(sync=True)
    # Written once, by _send_data.
    limit = Number(PRIOR_LIMIT, 1e-3, 1e6, read_only=True).tag(sync=True)
    scale = Integer(10, 1, 100, read_only=True).tag(sync=True)
    strip_length = Integer(9, 2, 100, read_only=True).tag(sync=True)
    decoder_layers = traitlets.List(traitlets.Dict(), read_only=True).tag(sync=True)
    encoder_layers = traitlets.List(traitlets.Dict(), read_only=True).tag(sync=True)
    codes = traitlets.Bytes(b"", read_only=True).tag(sync=True)
    code_labels = traitlets.Bytes(b"", read_only=True).tag(sync=True)
    label_colours = traitlets.List(traitlets.Unicode(), read_only=True).tag(sync=True)
    candidates = traitlets.List(traitlets.Dict(), read_only=True).tag(sync=True)
    pad_digits = traitlets.Bytes(b"", read_only=True).tag(sync=True)
    pad_choices = traitlets.List(traitlets.Dict(), read_only=True).tag(sync=True)
    model_name = traitlets.Unicode("", read_only=True).tag(sync=True)
    models = traitlets.List(traitlets.Dict(), read_only=True).tag(sync=True)

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
        name: str = "this model",
        models: dict[str, tuple[keras.Model, keras.Model]] | None = None,
    ):
        _check_models(encoder, decoder)
        if not isinstance(name, str) or not name.strip():
            raise ValueError(f"name must be a non-empty string: got {name!r}")
        models = dict(models or {})
        for key, pair in models.items():
            if not isinstance(key, str) or not isinstance(pair, tuple) or len(pair) != 2:
                raise ValueError(f"models must map names to (encoder, decoder) pairs: got {key!r}: {type(pair).__name__}")
            _check_models(*pair)
        images = check_images(images, "images")
        labels = np.asarray(labels)
        if labels.shape != (len(images),) or not np.issubdtype(labels.dtype, np.integer):
            raise ValueError(f"labels must be {len(images)} integers, one per image: got {labels.dtype} {labels.shape}")
        if labels.size and (labels.min() < 0 or labels.max() > 255):
            raise ValueError(f"labels must lie in 0-255: got range [{labels.min()}, {labels.max()}]")
        scale = type(self).scale.validate(self, scale)
        strip_length = type(self).strip_length.validate(self, strip_length)
        seed = as_integer_at_least(seed, "seed", 0)
        if endpoints is not None:
            endpoints = self._check_endpoints(endpoints, len(images))
        means = encode(encoder, images)[0].astype(np.float64)
        self.means: np.ndarray = means
        self.labels: np.ndarray = labels
        self.clipped = False
        self._rng = np.random.default_rng(seed)
        self._encoder_twin, self._twin = _dense_chains(encoder, decoder)
        self._decode = self._twin.decode
        self._images = images
        super().__init__()
        self._send_data(
            limit=map_limit(means) if limit is None else type(self).limit.validate(self, limit),
            scale=scale,
            strip_length=strip_length,
            endpoints=self._default_endpoints() if endpoints is None else endpoints,
            name=name,
            models=models,
        )

    # -- set-up -------------------------------------------------------------------------------

    @staticmethod
    def _check_endpoints(endpoints, n: int) -> list[int]:
        try:
            pair = list(endpoints)
        except TypeError:
            pair = []
        if len(pair) != 2:
            raise ValueError(f"endpoints must be two indices into images: got {endpoints!r}")
        for name, index in zip(("endpoints[0]", "endpoints[1]"), pair):
            if isinstance(index, bool) or not isinstance(index, (int, np.integer)) or not 0 <= index < n:
                raise ValueError(f"{name} must be an index into images, 0 to {n - 1}: got {index!r}")
        return [int(index) for index in pair]

    def _default_endpoints(self) -> list[int]:
        firsts = {int(label): int(np.flatnonzero(self.labels == label)[0]) for label in np.unique(self.labels)}
        if 1 in firsts and 0 in firsts:
            return [firsts[1], firsts[0]]
        return [0, 1] if len(self.labels) > 1 else [0, 0]

    def _candidates(self, endpoints: list[int], per_label: int = 3, means: np.ndarray | None = None) -> list[dict]:
        means = self.means if means is None else means
        chosen = {int(i) for label in np.unique(self.labels) for i in np.flatnonzero(self.labels == label)[:per_label]}
        chosen |= set(endpoints)
        order = sorted(chosen, key=lambda i: (self.labels[i], i))
        return [{"index": i, "label": int(self.labels[i]), "mu": means[i].tolist()} for i in order]

    def _pad_choices(self) -> tuple[bytes, list[dict]]:
        """The first few held-out digits of each label, for the pad's list: uint8 intensities and their indices."""
        chosen = [int(i) for label in np.unique(self.labels) for i in np.flatnonzero(self.labels == label)[:_PAD_DIGITS_PER_LABEL]]
        digits = np.rint(255 * self._images[chosen]).astype(np.uint8)
        return digits.tobytes(), [{"index": i, "label": int(self.labels[i])} for i in chosen]

    def _other_model(self, name: str, encoder: keras.Model, decoder: keras.Model, endpoints: list[int]) -> dict:
        """One entry of ``models``: what the page needs to show another model's map, decodes and encodes."""
        means = encode(encoder, self._images)[0].astype(np.float64)
        limit = map_limit(means)
        codes, code_labels = _quantised_codes(means, self.labels, limit)
        entry = {"name": name, "limit": limit, "codes": codes, "code_labels": code_labels,
                 "candidates": self._candidates(endpoints, means=means)}
        try:
            entry["decoder_layers"], entry["encoder_layers"] = switchable_layers(encoder, decoder, self._images)
        except UnsupportedDecoderError as error:
            raise ValueError(f"models[{name!r}] must be an encoder and a decoder made of Dense layers: {error}") from error
        return entry

    def _send_data(self, *, limit: float, scale: int, strip_length: int, endpoints: list[int], name: str, models: dict) -> None:
        """Write every read-only field the JavaScript reads, in one update."""
        codes, code_labels = _quantised_codes(self.means, self.labels, limit)
        pad_digits, pad_choices = self._pad_choices()
        fields = {
            "limit": limit, "scale": scale, "strip_length": strip_length,
            "decoder_layers": _layers(self._twin), "encoder_layers": _layers(self._encoder_twin),
            "pad_digits": pad_digits, "pad_choices": pad_choices, "model_name": name,
            "models": [self._other_model(key, *pair, endpoints) for key, pair in models.items()],
            "codes": codes, "code_labels": code_labels, "label_colours": list(LABEL_COLOURS),
            "candidates": self._candidates(endpoints),
        }
        with self.hold_sync():
            for key, value in fields.items():
                self.set_trait(key, value)
            self.endpoints = endpoints
            self.z = [0.0, 0.0]

    # -- the checks every value of z, endpoints and t goes through, from code or the browser --------

    @traitlets.validate("z")
    def _inside_the_map(self, proposal) -> list[float]:
        point = np.asarray(proposal["value"])
        inside = np.clip(point, -self.limit, self.limit)
        self.clipped = bool((inside != point).any())
        return inside.tolist()

    @traitlets.validate("endpoints")
    def _valid_endpoints(self, proposal) -> list[int]:
        return self._check_endpoints(proposal["value"], len(self.means))

    @traitlets.observe("endpoints")
    def _endpoints_moved(self, change: dict) -> None:
        """Code moved the endpoints: the page's lists must hold them, and the point follows ``t``."""
        if "endpoints" in self._property_lock:
            return  # the browser moved them, and sends its point too
        known = {candidate["index"] for candidate in self.candidates}
        with self.hold_sync():
            if not set(self.endpoints) <= known:
                self.set_trait("candidates", self._candidates(self.endpoints))
            self._follow_t()

    @traitlets.observe("t")
    def _t_moved(self, change: dict) -> None:
        if "t" not in self._property_lock:  # else the browser moved it, and sends its point too
            self._follow_t()

    def _follow_t(self) -> None:
        a, b = self.endpoint_means
        self.z = (1 - self.t) * a + self.t * b

    # -- the point ----------------------------------------------------------------------------

    @property
    def endpoint_means(self) -> tuple[np.ndarray, np.ndarray]:
        """The latent means of the interpolation's two digits, A and B."""
        return self.means[self.endpoints[0]], self.means[self.endpoints[1]]

    @property
    def image(self) -> np.ndarray:
        """The digit decoded at ``z``: pixel probabilities ``(28, 28)``, as the page draws them."""
        return self._decode(np.asarray(self.z)).reshape(IMAGE_SHAPE)

    @property
    def strip(self) -> np.ndarray:
        """The interpolation strip's decodes from A (``t = 0``) to B (``t = 1``), ``(strip_length, 28, 28)``."""
        a, b = self.endpoint_means
        t = np.linspace(0.0, 1.0, self.strip_length)[:, None]
        return self._decode((1 - t) * a + t * b).reshape(-1, *IMAGE_SHAPE)

    def set_z(self, z: ArrayLike) -> None:
        """Move the point to ``z`` ``(2,)``, clipped into the map's ``[-limit, limit]`` square (as ``explorer.z = z``).

        Raises
        ------
        ValueError
            If ``z`` is not two finite numbers.
        """
        self.z = z

    def sample_prior(self) -> np.ndarray:
        r"""Move the point to a draw from the prior :math:`\mathcal{N}(0, I)` (seeded); return the draw."""
        draw = self._rng.standard_normal(LATENT_DIM)
        self.set_z(draw)
        return draw

    def interpolate(self, t: float) -> None:
        r"""Move the point to :math:`(1 - t)\,\mu_A + t\,\mu_B`, ``t`` clipped into [0, 1]; the ``t`` slider follows.

        Raises
        ------
        ValueError
            If ``t`` is not a finite number.
        """
        if isinstance(t, bool) or not np.isscalar(t) or not np.isfinite(t):
            raise ValueError(f"t must be a finite number in [0, 1]: got {t!r}")
        t = float(np.clip(t, 0.0, 1.0))
        with self.hold_sync():
            if t == self.t:
                self._follow_t()
            self.t = t

    def set_endpoints(self, a: int, b: int) -> None:
        """Interpolate between held-out digits ``a`` and ``b`` (indices into ``images``); the point follows ``t``.

        Raises
        ------
        ValueError
            If ``a`` or ``b`` is not an index into ``images``.
        """
        self.endpoints = [a, b]

    # -- pictures -----------------------------------------------------------------------------

    def snapshot(self) -> plt.Figure:
        """A static figure of the current view, drawn by the package's plotting functions: map, digit, strip."""
        # One column, the map on top, so that it fits a phone's width legibly (vae_helpers.figures).
        figure = plt.figure(figsize=(MAX_WIDTH_INCHES, 5.6), layout="constrained")
        grid = figure.add_gridspec(2, 2, width_ratios=(1.4, 4.1), height_ratios=(4.0, 1.3))
        map_panel = figure.add_subplot(grid[0, :])
        digit_panel, strip_panel = figure.add_subplot(grid[1, 0]), figure.add_subplot(grid[1, 1])
        plot_latent_scatter(self.means, self.labels, ax=map_panel, limit=self.limit)
        map_panel.set_title("held-out digits at their means $\\mu$")
        a, b = self.endpoint_means
        map_panel.plot([a[0], b[0]], [a[1], b[1]], "--", color="black", linewidth=1.2)
        for name, point in zip("AB", (a, b)):
            map_panel.text(*point, name, fontsize=SMALLEST_TEXT_PT, fontweight="bold", ha="center", va="center",
                           bbox={"boxstyle": "circle,pad=0.15", "facecolor": "white", "edgecolor": "black"})
        map_panel.plot(*self.z, "o", markersize=13, markerfacecolor="none", markeredgecolor="black", markeredgewidth=2)
        draw_digits(digit_panel, self.image)
        digit_panel.set(xticks=[], yticks=[])
        digit_panel.set_title(f"decoded at\nz = ({self.z[0]:+.2f}, {self.z[1]:+.2f})")
        draw_digits(strip_panel, digit_grid(self.strip, ncols=self.strip_length, padding=2))
        strip_panel.set_axis_off()
        strip_panel.set_title("from A (t = 0) to B (t = 1)")
        return figure



def pretrained_explorer(betas: tuple[float, ...] = SHIPPED_BETAS, **settings) -> LatentExplorer:
    """The explorer on the book's shipped VAE and the held-out digits it was trained without.

    What the book's prose page shows. ``betas`` are the shipped models the page can switch
    between (:data:`~vae_helpers.pretrained.SHIPPED_BETAS`; the book's VAE, beta = 1, comes
    first whatever the order); ``settings`` go to :class:`LatentExplorer` (``limit``,
    ``scale``, ``endpoints``, ``seed``, ``strip_length``).

    Raises
    ------
    ValueError
        If a beta is not a shipped model's.
    """
    from vae_helpers.data import load_mnist
    from vae_helpers.model import load_pretrained
    from vae_helpers.pretrained import pretrained_metadata

    folders = {float(beta): beta_folder(beta) for beta in betas}
    data = pretrained_metadata()["data"]
    # The official split is fixed; only the bundled one has a seed.
    (_, _), (x_test, y_test) = load_mnist(data["source"], seed=data.get("split_seed", 0))
    others = {beta_name(beta): load_pretrained(folder) for beta, folder in sorted(folders.items()) if beta != 1.0}
    return LatentExplorer(*load_pretrained(), x_test, y_test, name=beta_name(1.0), models=others or None, **settings)


def beta_name(beta: float) -> str:
    """What the page's model switch calls the shipped model trained with ``beta``."""
    what = {0.0: " (an autoencoder)", 1.0: " (the book's VAE)"}.get(float(beta), "")
    return f"\N{GREEK SMALL LETTER BETA} = {float(beta):g}{what}"
