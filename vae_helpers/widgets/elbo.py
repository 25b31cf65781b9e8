r"""The ELBO panel of chapter 3: move :math:`q`'s :math:`\mu` and :math:`\sigma`, watch the ELBO and the gap trade.

The model is a :class:`~vae_helpers.elbo.LinearGaussian` with one latent dimension and
two observed ones (``PANEL_MODEL``, observation ``PANEL_X``), so :math:`\log p(x)`, the
posterior, the ELBO and the gap are exact. The panel is an anywidget (see
:mod:`vae_helpers.widgets`) whose front end is ``elbo.js``: the JavaScript computes the
ELBO, the gap :math:`D_{KL}(q \,\|\, p(z \mid x))` and :math:`\log p(x)` (a twin of
:meth:`LinearGaussian.elbo_terms <vae_helpers.elbo.LinearGaussian.elbo_terms>` for one
latent dimension) and draws them, so a slider move redraws at once, in JupyterLab and in
the static book. Python keeps the same quantities as read-only traits, computed by
:mod:`vae_helpers.elbo`; set ``panel.mu`` or ``panel.sigma`` and the plot follows.

The contract with ``src/elbo.js`` is the synced traits of :class:`ElboPanel`, declared once
with their types and ranges: the inputs ``mu`` and ``sigma`` (the sliders read their ranges
from ``ranges``), and the model's fixed, read-only ``weight`` (the column :math:`W`),
``bias`` (:math:`b`), ``noise_std`` (:math:`s`) and ``x`` (the observation). The page shows one ``<output data-quantity=NAME data-value=V>`` for each of ``elbo``,
``gap`` and ``log_marginal``, one ``<input type="range" data-trait=TRAIT data-value=V>``
per input, and sets ``data-state="ready"`` on the widget's element once drawn.
"""

from __future__ import annotations

import numpy as np
import traitlets

from vae_helpers.elbo import LinearGaussian
from vae_helpers.gaussian import normal_pdf
from vae_helpers.widgets._base import BookWidget
from vae_helpers.widgets._traits import Number

__all__ = ["ElboPanel", "PANEL_MODEL", "PANEL_X"]

# One latent number, two observed ones: W = (1.5, -0.8)ᵀ, b = 0, s = 1, and one observation.
PANEL_MODEL = LinearGaussian(weight=[[1.5], [-0.8]], bias=[0.0, 0.0], noise_std=1.0)
PANEL_X = np.array([2.0, -1.0])


class ElboPanel(BookWidget):
    r"""Sliders for :math:`q = \mathcal N(\mu, \sigma^2)`; the ELBO, the gap and :math:`\log p(x)` update live.

    Left, the prior :math:`p(z)`, the true posterior :math:`p(z \mid x)` and :math:`q`. Right,
    one stacked bar, :math:`-\mathrm{ELBO} = -\log p(x) + D_{KL}(q \,\|\, p(z \mid x))`: the
    lower part never moves, only the gap on top does.

    Parameters
    ----------
    mu : float
        The mean of :math:`q`, in [-3, 3].
    sigma : float
        The standard deviation of :math:`q`, in [0.1, 2].

    Attributes
    ----------
    mu, sigma : float
        The sliders' values (traits: set them and the plot follows).
    terms : vae_helpers.elbo.ElboTerms
        ``log_marginal``, ``elbo``, ``gap`` and the ELBO's two terms, in nats (read-only).
    elbo, gap, log_marginal : float
        The same three numbers the page shows (read-only).
    posterior_mean, posterior_sigma : float
        The true posterior's mean and standard deviation.
    z, q_density, posterior_density, prior_density : numpy.ndarray
        The grid (801 points over [-4, 4]) and the three densities on it (``q_density`` read-only).
    """

    module = "elbo"

    mu = Number(0.0, -3, 3, step=0.05).tag(sync=True)
    sigma = Number(1.0, 0.1, 2, step=0.05).tag(sync=True)
    weight = traitlets.List(traitlets.Float(), read_only=True).tag(sync=True)
    bias = traitlets.List(traitlets.Float(), read_only=True).tag(sync=True)
    noise_std = traitlets.Float(1.0, read_only=True).tag(sync=True)
    x = traitlets.List(traitlets.Float(), read_only=True).tag(sync=True)
    terms = traitlets.Any(read_only=True)
    elbo = traitlets.Float(read_only=True)
    gap = traitlets.Float(read_only=True)
    log_marginal = traitlets.Float(read_only=True)
    q_density = traitlets.Any(read_only=True)

    def __init__(self, mu: float = 0.0, sigma: float = 1.0) -> None:
        super().__init__()
        self.model, self.observation = PANEL_MODEL, PANEL_X
        self.set_trait("weight", self.model.weight[:, 0].tolist())
        self.set_trait("bias", self.model.bias.tolist())
        self.set_trait("noise_std", self.model.noise_std)
        self.set_trait("x", self.observation.tolist())
        posterior_mean, posterior_cov = self.model.posterior(self.observation)
        self.posterior_mean, self.posterior_sigma = float(posterior_mean[0]), float(np.sqrt(posterior_cov[0, 0]))
        self.z = np.linspace(-4, 4, 801)
        self.prior_density = normal_pdf(self.z)
        self.posterior_density = normal_pdf(self.z, self.posterior_mean, self.posterior_sigma)
        with self.hold_trait_notifications():
            self.mu, self.sigma = mu, sigma
        self._update()

    @traitlets.observe("mu", "sigma")
    def _update(self, change=None) -> None:
        if not self.x:
            return  # still in the constructor
        terms = self.model.elbo_terms(self.observation, [self.mu], [[self.sigma**2]])
        self.set_trait("terms", terms)
        self.set_trait("elbo", terms.elbo)
        self.set_trait("gap", terms.gap)
        self.set_trait("log_marginal", terms.log_marginal)
        self.set_trait("q_density", normal_pdf(self.z, self.mu, self.sigma))
