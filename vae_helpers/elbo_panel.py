r"""The ELBO panel of chapter 3: move :math:`q`'s :math:`\mu` and :math:`\sigma`, watch the ELBO and the gap trade.

The model is a :class:`~vae_helpers.bounds.LinearGaussian` with one latent dimension and
two observed ones, so :math:`\log p(x)`, the posterior, the ELBO and the gap are exact.
All the maths is :meth:`LinearGaussian.elbo_terms <vae_helpers.bounds.LinearGaussian.elbo_terms>`;
this module only draws it, in the pattern of :mod:`vae_helpers.panels`.
"""

from __future__ import annotations

import numbers

import ipywidgets as widgets
import numpy as np
from matplotlib.figure import Figure

from vae_helpers.bounds import LinearGaussian
from vae_helpers.gaussian import normal_pdf
from vae_helpers.panels import P_COLOR, Q_COLOR, _Panel

__all__ = ["ElboPanel", "PANEL_MODEL", "PANEL_X"]

# One latent number, two observed ones: W = (1.5, -0.8)ᵀ, b = 0, s = 1, and one observation.
PANEL_MODEL = LinearGaussian(weight=[[1.5], [-0.8]], bias=[0.0, 0.0], noise_std=1.0)
PANEL_X = np.array([2.0, -1.0])
POSTERIOR_COLOR, GAP_COLOR = "tab:green", "tab:red"


def _check_in_range(value: float, name: str, limits: tuple[float, float]) -> None:
    if not isinstance(value, numbers.Real) or isinstance(value, bool) or not limits[0] <= value <= limits[1]:
        raise ValueError(f"{name} must be a number in {list(limits)}: got {value!r}")


class ElboPanel(_Panel):
    r"""Sliders for :math:`q = \mathcal N(\mu, \sigma^2)`; the ELBO, the gap and :math:`\log p(x)` update live.

    Left, the prior :math:`p(z)`, the true posterior :math:`p(z \mid x)` and :math:`q`. Right,
    one stacked bar, :math:`-\mathrm{ELBO} = -\log p(x) + D_{KL}(q \,\|\, p(z \mid x))`: the
    lower part never moves, only the gap on top does.

    Attributes
    ----------
    mu, sigma : float
        The slider values.
    terms : vae_helpers.bounds.ElboTerms
        ``log_marginal``, ``elbo``, ``gap`` and the ELBO's two terms, in nats.
    z, q_density, posterior_density, prior_density : numpy.ndarray
        The grid and the three densities drawn on it.
    evidence_bar, gap_bar : matplotlib.patches.Rectangle
        The fixed part (height :math:`-\log p(x)`) and the gap stacked on it.
    """

    MU_RANGE, SIGMA_RANGE = (-3.0, 3.0), (0.1, 2.0)

    def __init__(self, mu: float = 0.0, sigma: float = 1.0) -> None:
        _check_in_range(mu, "mu", self.MU_RANGE)
        _check_in_range(sigma, "sigma", self.SIGMA_RANGE)
        self.model, self.x = PANEL_MODEL, PANEL_X
        self.mu_slider = widgets.FloatSlider(value=mu, min=self.MU_RANGE[0], max=self.MU_RANGE[1], step=0.05, description="mu")
        self.sigma_slider = widgets.FloatSlider(value=sigma, min=self.SIGMA_RANGE[0], max=self.SIGMA_RANGE[1], step=0.05,
                                                description="sigma")
        posterior_mean, posterior_cov = self.model.posterior(self.x)
        self.posterior_mean, self.posterior_sigma = float(posterior_mean[0]), float(np.sqrt(posterior_cov[0, 0]))
        self.log_marginal = self.model.log_marginal(self.x)

        self.figure = Figure(figsize=(9, 3.4), layout="constrained")
        ax_density, ax_bound = self.figure.subplots(1, 2, width_ratios=(1.6, 1))
        self.z = np.linspace(-4, 4, 801)
        self.prior_density = normal_pdf(self.z)
        self.posterior_density = normal_pdf(self.z, self.posterior_mean, self.posterior_sigma)
        ax_density.plot(self.z, self.prior_density, color=P_COLOR, label=r"prior $p(z)$")
        ax_density.plot(self.z, self.posterior_density, color=POSTERIOR_COLOR, label=r"posterior $p(z \mid x)$")
        (self.q_line,) = ax_density.plot(self.z, np.zeros_like(self.z), color=Q_COLOR, label=r"$q = \mathcal{N}(\mu, \sigma^2)$")
        ax_density.set(xlim=(self.z[0], self.z[-1]), xlabel="z", ylabel="density")
        ax_density.legend(loc="upper right", fontsize="small")
        self._ax_density = ax_density

        (self.evidence_bar,) = ax_bound.bar([0], [-self.log_marginal], width=0.7, color="tab:gray", label=r"$-\log p(x)$")
        (self.gap_bar,) = ax_bound.bar([0], [0.0], bottom=[-self.log_marginal], width=0.7, color=GAP_COLOR,
                                       label="gap, $D_{KL}(q\\,\\|\\,p(z \\mid x))$")
        ax_bound.axhline(-self.log_marginal, color="black", linestyle="--", linewidth=1)
        # The bar stands at the left; the legend takes the right, clear of the bar's label.
        ax_bound.set(xticks=[0], xticklabels=[r"$-$ELBO"], xlim=(-0.5, 1.9), ylabel="nats")
        ax_bound.legend(loc="upper right", fontsize="small")
        self.bound_label = ax_bound.text(0, 0, "", ha="center", va="bottom")
        self._ax_bound = ax_bound

        self.image = self._make_image()
        self.widget = widgets.VBox([widgets.HBox([self.mu_slider, self.sigma_slider]), self.image])
        self.mu_slider.observe(self._update, names="value")
        self.sigma_slider.observe(self._update, names="value")
        self._update()

    def _update(self, change=None) -> None:
        self.mu = float(self.mu_slider.value)
        self.sigma = float(self.sigma_slider.value)
        self.terms = self.model.elbo_terms(self.x, [self.mu], [[self.sigma**2]])
        self.q_density = normal_pdf(self.z, self.mu, self.sigma)
        self.q_line.set_ydata(self.q_density)
        self._ax_density.set_ylim(0, 1.1 * max(self.q_density.max(), self.posterior_density.max()))

        self.gap_bar.set_height(self.terms.gap)
        top = -self.terms.elbo
        self.bound_label.set_y(top)
        self.bound_label.set_text(f"{top:.2f}")
        self._ax_bound.set_ylim(0, max(1.25 * top, 1.6 * -self.log_marginal))
        self.figure.suptitle(
            rf"ELBO $= {self.terms.elbo:.3f}$,  gap $= {self.terms.gap:.3f}$,  "
            rf"ELBO + gap $= {self.terms.elbo + self.terms.gap:.3f} = \log p(x)$"
        )
        self._render()
