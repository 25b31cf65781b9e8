r"""Interactive panels of chapters 1 and 2: sliders driving a live matplotlib figure.

Each panel owns one matplotlib ``Figure`` whose artists are updated in place
(``set_height``, ``set_data``) when a slider moves; the figure is then rendered to PNG
into an ``ipywidgets.Image``. That needs no extra Jupyter extension, works in
JupyterLab and keeps its last picture in a saved notebook. Display a panel by leaving
it as the last expression of a cell; its ``widget`` attribute is the ipywidgets box.

Every quantity a panel shows is also an attribute (``panel.kl``, ``panel.q_density``,
...), so code and tests can read what the reader sees. ``panel.snapshot()`` returns a
still PNG of the current view, for pages where no kernel runs.
"""

from __future__ import annotations

import io
from collections.abc import Sequence

import ipywidgets as widgets
from IPython.display import Image as IPythonImage
import numpy as np
from matplotlib.figure import Figure
from numpy.typing import ArrayLike

from vae_helpers._validation import as_float_array, as_integer_at_least, check_base
from vae_helpers.gaussian import kl_monte_carlo, kl_to_standard_normal, normal_pdf
from vae_helpers.info import cross_entropy, entropy, kl_divergence

__all__ = ["CoinPanel", "DistributionPanel", "GaussianKLPanel"]

P_COLOR, Q_COLOR = "tab:blue", "tab:orange"
_UNIT = {2.0: "bits", float(np.e): "nats"}


class _Panel:
    """A figure rendered into an ``ipywidgets.Image`` under a row of controls."""

    DPI = 96
    figure: Figure
    image: widgets.Image
    widget: widgets.Box

    def _make_image(self) -> widgets.Image:
        # Shown at the PNG's own size: stretched to the page width, it would look blurred.
        width = f"{self.figure.get_figwidth() * self.DPI:.0f}px"
        return widgets.Image(format="png", layout=widgets.Layout(width=width, max_width="100%"))

    def _png(self, dpi: int) -> bytes:
        buffer = io.BytesIO()
        self.figure.savefig(buffer, format="png", dpi=dpi)
        return buffer.getvalue()

    def _render(self) -> None:
        self.image.value = self._png(dpi=self.DPI)

    def snapshot(self, dpi: int = 110) -> IPythonImage:
        """A still PNG of the panel's current view, for a static page (``glue`` it or display it)."""
        return IPythonImage(data=self._png(dpi), format="png")

    def _repr_mimebundle_(self, **kwargs):
        return self.widget._repr_mimebundle_(**kwargs)


def _unit(base: float) -> str:
    return _UNIT.get(base, f"log base {base:g}")


class CoinPanel(_Panel):
    r"""A coin with a bias slider and its entropy :math:`H(\theta) = -\theta\log \theta - (1-\theta)\log(1-\theta)`.

    The curve of :math:`H` over every bias stays fixed; a marker shows the slider's bias.

    Attributes
    ----------
    bias : float
        The probability of heads, :math:`\theta`, as set by ``slider``.
    entropy : float
        :math:`H(\theta)` in the unit of ``base``.
    marker : matplotlib.lines.Line2D
        The point :math:`(\theta, H(\theta))` on the curve.
    """

    def __init__(self, bias: float = 0.2, base: float = 2) -> None:
        if not np.isscalar(bias) or not 0 <= bias <= 1:
            raise ValueError(f"bias must be a probability in [0, 1]: got {bias!r}")
        self.base = check_base(base)
        self.slider = widgets.FloatSlider(value=bias, min=0.0, max=1.0, step=0.01, description="bias θ")
        self.figure = Figure(figsize=(5, 3), layout="constrained")
        ax = self.figure.add_subplot()
        biases = np.linspace(0, 1, 201)
        ax.plot(biases, entropy(np.stack([biases, 1 - biases], axis=-1), base=self.base), color="gray")
        (self.marker,) = ax.plot([], [], "o", color=P_COLOR, markersize=9)
        ax.set(xlabel="bias θ = P(heads)", ylabel=f"entropy H(θ), {_unit(self.base)}", xlim=(0, 1))
        ax.set_ylim(bottom=0)
        self.title = ax.set_title("")
        self.image = self._make_image()
        self.widget = widgets.VBox([self.slider, self.image])
        self.slider.observe(self._update, names="value")
        self._update()

    def _update(self, change=None) -> None:
        self.bias = float(self.slider.value)
        self.entropy = float(entropy([self.bias, 1 - self.bias], base=self.base))
        self.marker.set_data([self.bias], [self.entropy])
        self.title.set_text(f"H({self.bias:.2f}) = {self.entropy:.3f} {_unit(self.base)}")
        self._render()


class DistributionPanel(_Panel):
    r"""Two discrete distributions :math:`p` and :math:`q` set by sliders, and what separates them.

    Each outcome has one slider per distribution holding a *weight*; the weights are
    divided by their sum, so the probabilities always add up to 1. The left chart shows
    :math:`p` and :math:`q` side by side; the right chart shows :math:`H(p)`,
    :math:`H(p, q)`, :math:`D_{KL}(p\,\|\,q)` and :math:`D_{KL}(q\,\|\,p)`.

    Parameters
    ----------
    p, q : sequence of float
        Initial weights, one per outcome (same length, 2 to 8 outcomes, each in [0.01, 1]).
    base : float
        2 for bits, ``numpy.e`` for nats.

    Attributes
    ----------
    p, q : numpy.ndarray
        The normalised distributions.
    entropy, cross_entropy, kl, reverse_kl : float
        :math:`H(p)`, :math:`H(p, q)`, :math:`D_{KL}(p\,\|\,q)`, :math:`D_{KL}(q\,\|\,p)`.
    p_sliders, q_sliders : list of ipywidgets.FloatSlider
        The weights.
    p_bars, q_bars, quantity_bars : matplotlib.container.BarContainer
        The bars drawn for ``p``, ``q`` and the four quantities (in that order).
    """

    QUANTITIES = (r"$H(p)$", r"$H(p, q)$", r"$D_{KL}(p\,\|\,q)$", r"$D_{KL}(q\,\|\,p)$")
    MIN_WEIGHT = 0.01

    def __init__(
        self,
        p: Sequence[float] = (0.5, 0.25, 0.125, 0.125),
        q: Sequence[float] = (0.25, 0.25, 0.25, 0.25),
        base: float = 2,
    ) -> None:
        p_weights = self._check_weights(p, "p")
        q_weights = self._check_weights(q, "q")
        if p_weights.shape != q_weights.shape:
            raise ValueError(f"q must have as many outcomes as p: got {len(q_weights)} and {len(p_weights)}")
        self.base = check_base(base)
        self.outcomes = [chr(ord("a") + index) for index in range(len(p_weights))]
        self.p_sliders = self._make_sliders(p_weights, "p")
        self.q_sliders = self._make_sliders(q_weights, "q")

        self.figure = Figure(figsize=(9, 3.4), layout="constrained")
        ax_dist, ax_info = self.figure.subplots(1, 2, width_ratios=(1, 1.2))
        positions = np.arange(len(self.outcomes))
        self.p_bars = ax_dist.bar(positions - 0.2, np.zeros(len(positions)), 0.4, color=P_COLOR, label="p")
        self.q_bars = ax_dist.bar(positions + 0.2, np.zeros(len(positions)), 0.4, color=Q_COLOR, label="q")
        ax_dist.set(xticks=positions, xticklabels=self.outcomes, ylim=(0, 1), xlabel="outcome", ylabel="probability")
        ax_dist.legend(loc="upper right")
        colors = ("tab:gray", "tab:purple", "tab:red", "tab:pink")
        self.quantity_bars = ax_info.bar(self.QUANTITIES, np.zeros(4), color=colors)
        self.quantity_labels = [ax_info.text(index, 0, "", ha="center", va="bottom") for index in range(4)]
        ax_info.set_ylabel(_unit(self.base))
        self._ax_info = ax_info

        self.image = self._make_image()
        columns = [widgets.VBox([widgets.Label(f"weights of {name}"), *sliders])
                   for name, sliders in (("p", self.p_sliders), ("q", self.q_sliders))]
        self.widget = widgets.VBox([widgets.HBox(columns), self.image])
        for slider in self.p_sliders + self.q_sliders:
            slider.observe(self._update, names="value")
        self._update()

    def _check_weights(self, weights: Sequence[float], name: str) -> np.ndarray:
        weights = as_float_array(weights, name)
        if weights.ndim != 1 or not 2 <= len(weights) <= 8:
            raise ValueError(f"{name} must be a sequence of 2 to 8 weights: got shape {weights.shape}")
        if ((weights < self.MIN_WEIGHT) | (weights > 1)).any():
            raise ValueError(f"{name} must hold weights in [{self.MIN_WEIGHT}, 1]: got {weights}")
        return weights

    def _make_sliders(self, weights: np.ndarray, name: str) -> list[widgets.FloatSlider]:
        return [
            widgets.FloatSlider(value=weight, min=self.MIN_WEIGHT, max=1.0, step=0.01, description=f"{name}({outcome})")
            for weight, outcome in zip(weights, self.outcomes)
        ]

    def _update(self, change=None) -> None:
        p_weights = np.array([slider.value for slider in self.p_sliders])
        q_weights = np.array([slider.value for slider in self.q_sliders])
        self.p = p_weights / p_weights.sum()
        self.q = q_weights / q_weights.sum()
        self.entropy = float(entropy(self.p, self.base))
        self.cross_entropy = float(cross_entropy(self.p, self.q, self.base))
        self.kl = float(kl_divergence(self.p, self.q, self.base))
        self.reverse_kl = float(kl_divergence(self.q, self.p, self.base))
        for bar, height in zip(self.p_bars, self.p):
            bar.set_height(height)
        for bar, height in zip(self.q_bars, self.q):
            bar.set_height(height)
        values = (self.entropy, self.cross_entropy, self.kl, self.reverse_kl)
        for bar, label, value in zip(self.quantity_bars, self.quantity_labels, values):
            bar.set_height(value)
            label.set_y(value)
            label.set_text(f"{value:.3f}")
        self._ax_info.set_ylim(0, 1.15 * max(max(values), np.log(len(self.p)) / np.log(self.base)))
        self._render()


class GaussianKLPanel(_Panel):
    r"""Drag :math:`\mu` and :math:`\sigma` of :math:`q = \mathcal{N}(\mu, \sigma^2)` and see its KL from :math:`p = \mathcal{N}(0, 1)`.

    The left chart overlays the two densities; the right chart shows the closed form of
    :math:`D_{KL}(q\,\|\,p)` next to a Monte Carlo estimate from ``n_samples`` draws of
    :math:`q`, with a bar of plus or minus two standard errors. The draws reuse one
    ``seed``, so the estimate moves smoothly as you drag. Divergences are in nats.

    Attributes
    ----------
    mu, sigma : float
        The slider values.
    x : numpy.ndarray
        The grid the densities are drawn on.
    q_density, p_density : numpy.ndarray
        The densities of :math:`q` and :math:`p` on ``x``.
    kl_closed_form, kl_estimate, kl_standard_error : float
        The exact divergence, its Monte Carlo estimate and that estimate's standard error.
    q_line, p_line : matplotlib.lines.Line2D
        The drawn densities.
    kl_bars : matplotlib.container.BarContainer
        Closed form, then Monte Carlo.
    error_bar : matplotlib.lines.Line2D
        The vertical segment from estimate - 2 SE to estimate + 2 SE.
    """

    def __init__(self, mu: float = 1.0, sigma: float = 0.5, n_samples: int = 1000, seed: int = 0) -> None:
        if not np.isscalar(mu) or not -3 <= mu <= 3:
            raise ValueError(f"mu must be a number in [-3, 3]: got {mu!r}")
        if not np.isscalar(sigma) or not 0.1 <= sigma <= 3:
            raise ValueError(f"sigma must be a number in [0.1, 3]: got {sigma!r}")
        self.n_samples = as_integer_at_least(n_samples, "n_samples", 2)
        self.seed = seed
        self.mu_slider = widgets.FloatSlider(value=mu, min=-3.0, max=3.0, step=0.05, description="mu")
        self.sigma_slider = widgets.FloatSlider(value=sigma, min=0.1, max=3.0, step=0.05, description="sigma")

        self.figure = Figure(figsize=(9, 3.4), layout="constrained")
        ax_density, ax_kl = self.figure.subplots(1, 2, width_ratios=(1.6, 1))
        self.x = np.linspace(-6, 6, 601)
        self.p_density = normal_pdf(self.x)
        (self.p_line,) = ax_density.plot(self.x, self.p_density, color=P_COLOR, label=r"$p = \mathcal{N}(0, 1)$")
        (self.q_line,) = ax_density.plot(self.x, np.zeros_like(self.x), color=Q_COLOR, label=r"$q = \mathcal{N}(\mu, \sigma^2)$")
        ax_density.set(xlim=(self.x[0], self.x[-1]), xlabel="x", ylabel="density")
        ax_density.legend(loc="upper right")
        self._ax_density = ax_density
        self.kl_bars = ax_kl.bar(["closed form", f"Monte Carlo\n({self.n_samples} draws)"], [0, 0],
                                 color=("tab:red", "tab:gray"))
        (self.error_bar,) = ax_kl.plot([1, 1], [0, 0], color="black", linewidth=2)
        self.kl_labels = [ax_kl.text(index, 0, "", ha="center", va="bottom") for index in range(2)]
        ax_kl.set_ylabel(r"$D_{KL}(q\,\|\,p)$, nats")
        self._ax_kl = ax_kl

        self.image = self._make_image()
        self.widget = widgets.VBox([widgets.HBox([self.mu_slider, self.sigma_slider]), self.image])
        self.mu_slider.observe(self._update, names="value")
        self.sigma_slider.observe(self._update, names="value")
        self._update()

    def _update(self, change=None) -> None:
        self.mu = float(self.mu_slider.value)
        self.sigma = float(self.sigma_slider.value)
        mu, log_var = np.array([self.mu]), np.array([2 * np.log(self.sigma)])
        self.q_density = normal_pdf(self.x, self.mu, self.sigma)
        # + 0.0 turns the formula's -0.0 at q = p into a plain 0.0 for display.
        self.kl_closed_form = float(kl_to_standard_normal(mu, log_var)) + 0.0
        estimate = kl_monte_carlo(mu, log_var, self.n_samples, seed=self.seed)
        self.kl_estimate = float(estimate.estimate)
        self.kl_standard_error = float(estimate.standard_error)

        self.q_line.set_ydata(self.q_density)
        self._ax_density.set_ylim(0, 1.1 * max(self.q_density.max(), self.p_density.max()))
        low, high = self.kl_estimate - 2 * self.kl_standard_error, self.kl_estimate + 2 * self.kl_standard_error
        self.error_bar.set_data([1, 1], [low, high])
        for bar, label, value in zip(self.kl_bars, self.kl_labels, (self.kl_closed_form, self.kl_estimate)):
            bar.set_height(value)
            label.set_y(max(value, 0))
            label.set_text(f"{value:.3f}")
        self.kl_labels[1].set_y(max(high, 0))
        self._ax_kl.set_ylim(min(0, low) * 1.2, 1.2 * max(high, self.kl_closed_form, 0.1))
        self.figure.suptitle(rf"$\mu = {self.mu:.2f}$, $\sigma = {self.sigma:.2f}$")
        self._render()
