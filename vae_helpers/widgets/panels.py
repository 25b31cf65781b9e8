r"""The interactive panels of chapters 1 and 2: sliders whose plots the browser computes and draws.

Each panel is an anywidget (see :mod:`vae_helpers.widgets`) whose front end is
``panels.js``: the JavaScript computes the entropies, divergences and densities and draws
them on a canvas, so a slider move redraws at once, in JupyterLab and in the static book
alike. Python keeps the same quantities as read-only traits, computed by
:mod:`vae_helpers.info` and :mod:`vae_helpers.gaussian`, so code and tests read what the
reader sees; set a panel's inputs (``panel.bias = 0.3``) and the plot follows.

The contract with ``src/panels.js`` is the synced traits below, declared once with their
types and ranges (the page's sliders read the ranges from the ``ranges`` trait); ``panel``
says which of the three panels the page draws. The page shows one ``<output class="vae-panel__readout" data-quantity=NAME data-value=V>``
per quantity (NAME is the Python trait's name, V the full-precision number), one
``<input type="range" data-trait=TRAIT [data-index=I] data-value=V>`` per input (V is the
trait's value, which the slider's own ``value`` rounds to its step), and sets
``data-state="ready"`` on the widget's element once drawn. The Monte Carlo draws come from
Python so that the page's estimate is the estimate :func:`~vae_helpers.gaussian.kl_monte_carlo`
gives for the same seed; the page only does the arithmetic.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import traitlets

from vae_helpers._validation import check_base
from vae_helpers.gaussian import kl_monte_carlo, kl_to_standard_normal, normal_pdf
from vae_helpers.info import cross_entropy, entropy, kl_divergence
from vae_helpers.widgets._base import BookWidget
from vae_helpers.widgets._traits import Integer, Number, NumberList

__all__ = ["CoinPanel", "DistributionPanel", "GaussianKLPanel"]


class _Panel(BookWidget):
    module = "panels"
    panel = traitlets.Unicode(read_only=True).tag(sync=True)


class CoinPanel(_Panel):
    r"""A coin with a bias slider and its entropy :math:`H(\theta) = -\theta\log \theta - (1-\theta)\log(1-\theta)`.

    The curve of :math:`H` over every bias stays fixed; a dot marks the slider's bias.

    Parameters
    ----------
    bias : float
        The probability of heads, :math:`\theta`, in [0, 1].
    base : float
        2 for bits, ``numpy.e`` for nats.

    Attributes
    ----------
    bias : float
        The slider's bias (a trait: set it and the dot moves).
    entropy : float
        :math:`H(\theta)` in the unit of ``base`` (read-only).
    """

    panel = traitlets.Unicode("coin", read_only=True).tag(sync=True)
    bias = Number(0.2, 0, 1, step=0.01).tag(sync=True)
    base = traitlets.Float(2.0, read_only=True).tag(sync=True)
    entropy = traitlets.Float(read_only=True)

    def __init__(self, bias: float = 0.2, base: float = 2) -> None:
        base = check_base(base)
        super().__init__()
        self.set_trait("base", base)
        self.bias = bias
        self._update()

    @traitlets.observe("bias")
    def _update(self, change=None) -> None:
        self.set_trait("entropy", float(entropy([self.bias, 1 - self.bias], base=self.base)))


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
    p_weights, q_weights : list of float
        The sliders' weights (traits: set them and the bars move).
    p, q : numpy.ndarray
        The normalised distributions (read-only).
    entropy, cross_entropy, kl, reverse_kl : float
        :math:`H(p)`, :math:`H(p, q)`, :math:`D_{KL}(p\,\|\,q)`, :math:`D_{KL}(q\,\|\,p)` (read-only).
    """

    MIN_WEIGHT = 0.01
    panel = traitlets.Unicode("distributions", read_only=True).tag(sync=True)
    p_weights = NumberList([0.5, 0.5], MIN_WEIGHT, 1, step=0.01, minlen=2, maxlen=8).tag(sync=True)
    q_weights = NumberList([0.5, 0.5], MIN_WEIGHT, 1, step=0.01, minlen=2, maxlen=8).tag(sync=True)
    base = traitlets.Float(2.0, read_only=True).tag(sync=True)
    p = traitlets.Any(read_only=True)
    q = traitlets.Any(read_only=True)
    entropy = traitlets.Float(read_only=True)
    cross_entropy = traitlets.Float(read_only=True)
    kl = traitlets.Float(read_only=True)
    reverse_kl = traitlets.Float(read_only=True)

    def __init__(
        self,
        p: Sequence[float] = (0.5, 0.25, 0.125, 0.125),
        q: Sequence[float] = (0.25, 0.25, 0.25, 0.25),
        base: float = 2,
    ) -> None:
        p_weights = type(self).p_weights.check(p, "p")
        q_weights = type(self).q_weights.check(q, "q")
        if len(q_weights) != len(p_weights):
            raise ValueError(f"q must have as many outcomes as p: got {len(q_weights)} and {len(p_weights)}")
        base = check_base(base)
        super().__init__()
        self.set_trait("base", base)
        with self.hold_trait_notifications():  # checked together: the same number of outcomes
            self.p_weights, self.q_weights = p_weights, q_weights

    @traitlets.validate("p_weights", "q_weights")
    def _same_outcomes(self, proposal) -> list[float]:
        name, value = proposal["trait"].name, proposal["value"]
        other = self.q_weights if name == "p_weights" else self.p_weights
        if len(value) != len(other):
            raise ValueError(f"{name} must have as many outcomes as the other distribution: got {len(value)} and {len(other)}")
        return value

    @traitlets.observe("p_weights", "q_weights")
    def _update(self, change=None) -> None:
        p = np.array(self.p_weights) / sum(self.p_weights)
        q = np.array(self.q_weights) / sum(self.q_weights)
        self.set_trait("p", p)
        self.set_trait("q", q)
        self.set_trait("entropy", float(entropy(p, self.base)))
        self.set_trait("cross_entropy", float(cross_entropy(p, q, self.base)))
        self.set_trait("kl", float(kl_divergence(p, q, self.base)))
        self.set_trait("reverse_kl", float(kl_divergence(q, p, self.base)))


class GaussianKLPanel(_Panel):
    r"""Drag :math:`\mu` and :math:`\sigma` of :math:`q = \mathcal{N}(\mu, \sigma^2)` and see its KL from :math:`p = \mathcal{N}(0, 1)`.

    The left chart overlays the two densities; the right chart shows the closed form of
    :math:`D_{KL}(q\,\|\,p)` next to a Monte Carlo estimate from ``n_samples`` draws of
    :math:`q`, with a bar of plus or minus two standard errors. The draws reuse one
    ``seed``, so the estimate moves smoothly as you drag. Divergences are in nats.

    Parameters
    ----------
    mu : float
        The mean of :math:`q`, in [-3, 3].
    sigma : float
        The standard deviation of :math:`q`, in [0.1, 3].
    n_samples : int
        Monte Carlo draws, 2 to a million.
    seed : int
        The seed of the draws.

    Attributes
    ----------
    mu, sigma : float
        The sliders' values (traits: set them and the plot follows).
    draws : list of float
        The ``n_samples`` standard-normal draws of ``numpy.random.default_rng(seed)`` (read-only).
    x : numpy.ndarray
        The grid the densities are drawn on, 601 points over [-6, 6].
    q_density, p_density : numpy.ndarray
        The densities of :math:`q` and :math:`p` on ``x`` (read-only).
    kl_closed_form, kl_estimate, kl_standard_error : float
        The exact divergence, its Monte Carlo estimate and that estimate's standard error (read-only).
    """

    panel = traitlets.Unicode("gaussian_kl", read_only=True).tag(sync=True)
    mu = Number(1.0, -3, 3, step=0.05).tag(sync=True)
    sigma = Number(0.5, 0.1, 3, step=0.05).tag(sync=True)
    draws = traitlets.List(traitlets.Float(), read_only=True).tag(sync=True)
    # Not synced: the page gets their draws. Set either and the draws, the page's estimate and Python's follow.
    n_samples = Integer(1000, 2, 10**6)
    seed = Integer(0, 0)
    q_density = traitlets.Any(read_only=True)
    kl_closed_form = traitlets.Float(read_only=True)
    kl_estimate = traitlets.Float(read_only=True)
    kl_standard_error = traitlets.Float(read_only=True)

    def __init__(self, mu: float = 1.0, sigma: float = 0.5, n_samples: int = 1000, seed: int = 0) -> None:
        super().__init__()
        self.x = np.linspace(-6, 6, 601)
        self.p_density = normal_pdf(self.x)
        with self.hold_trait_notifications():
            self.mu, self.sigma, self.n_samples, self.seed = mu, sigma, n_samples, seed
        self._draw()

    @traitlets.observe("n_samples", "seed")
    def _draw(self, change=None) -> None:
        # The draws kl_monte_carlo makes for this seed: z = mu + sigma * epsilon.
        epsilon = np.random.default_rng(self.seed).standard_normal(self.n_samples)
        self.set_trait("draws", epsilon.tolist())
        self._update()

    @traitlets.observe("mu", "sigma")
    def _update(self, change=None) -> None:
        if len(self.draws) != self.n_samples:
            return  # still in the constructor
        mu, log_var = np.array([self.mu]), np.array([2 * np.log(self.sigma)])
        self.set_trait("q_density", normal_pdf(self.x, self.mu, self.sigma))
        # + 0.0 turns the formula's -0.0 at q = p into a plain 0.0 for display.
        self.set_trait("kl_closed_form", float(kl_to_standard_normal(mu, log_var)) + 0.0)
        estimate = kl_monte_carlo(mu, log_var, self.n_samples, seed=self.seed)
        self.set_trait("kl_estimate", float(estimate.estimate))
        self.set_trait("kl_standard_error", float(estimate.standard_error))
