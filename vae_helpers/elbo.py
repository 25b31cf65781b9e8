r"""The evidence lower bound (chapter 3): exact on a toy model, and by quadrature on a 2-D VAE.

- :class:`LinearGaussian`, :class:`ElboTerms`: :math:`p(z) = \mathcal N(0, I)`,
  :math:`p(x \mid z) = \mathcal N(Wz + b, s^2 I)` (probabilistic PCA, Tipping & Bishop 1999),
  where :math:`\log p(x)`, the posterior, the ELBO and the gap are all closed forms.
- :func:`posterior_grids`, :func:`log_marginal_quadrature`: for a decoder with a 2-D latent space,
  :math:`\log p(x) = \log \int p(x \mid z)\, p(z)\, dz` on a grid refined where the posterior lives.
- :func:`gaussian_elbo`: the ELBO of any diagonal Gaussian :math:`q`, by Gauss-Hermite quadrature.
- :func:`best_diagonal_gaussian`: the diagonal Gaussian with the highest ELBO for one image,
  which splits the gap :math:`\log p(x) - \mathrm{ELBO}` into its approximation and amortization
  parts (Cremer, Li & Duvenaud 2018).

Everything is numpy and in nats. Keras is imported only to copy a Keras decoder into numpy.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
from numpy.typing import ArrayLike
from scipy.optimize import minimize
from scipy.special import logsumexp, softmax

from vae_helpers._validation import (
    as_finite_array,
    as_positive_integer,
    as_positive_number,
    as_seed,
    check_image_batch,
)
from vae_helpers.numpy_decoder import NumpyDecoder

__all__ = [
    "LinearGaussian",
    "ElboTerms",
    "PosteriorGrid",
    "posterior_grids",
    "log_marginal_quadrature",
    "gaussian_elbo",
    "best_diagonal_gaussian",
]

_LOG_2PI = np.log(2 * np.pi)


def _gaussian_log_pdf(x: np.ndarray, mean: np.ndarray, cholesky: np.ndarray) -> np.ndarray:
    """log N(x; mean, L Lᵀ) for x of shape (..., d), from the Cholesky factor L of the covariance."""
    from scipy.linalg import solve_triangular

    d = mean.shape[-1]
    residual = (x - mean).reshape(-1, d)
    whitened = solve_triangular(cholesky, residual.T, lower=True)
    log_det = 2 * np.log(np.diag(cholesky)).sum()
    log_pdf = -0.5 * (d * _LOG_2PI + log_det + (whitened**2).sum(axis=0))
    return log_pdf.reshape(x.shape[:-1])


def _cholesky(cov: np.ndarray, name: str) -> np.ndarray:
    if not np.allclose(cov, cov.T, rtol=1e-10, atol=1e-12):
        raise ValueError(f"{name} must be a symmetric covariance matrix: got {cov}")
    try:
        return np.linalg.cholesky(cov)
    except np.linalg.LinAlgError as error:
        raise ValueError(f"{name} must be positive definite: got {cov}") from error


class ElboTerms(NamedTuple):
    r"""The ELBO of one Gaussian :math:`q` for one observation, and its parts, in nats.

    ``log_marginal`` is :math:`\log p(x)`; ``elbo`` is
    ``expected_log_likelihood - kl_to_prior``; ``gap`` is :math:`D_{KL}(q \,\|\, p(z \mid x))`,
    computed from its own closed form, so ``elbo + gap == log_marginal`` is a check.
    """

    log_marginal: float
    elbo: float
    gap: float
    expected_log_likelihood: float
    kl_to_prior: float


class LinearGaussian:
    r"""A latent-variable model where everything is computable: :math:`p(z) = \mathcal N(0, I_k)`,
    :math:`p(x \mid z) = \mathcal N(Wz + b, s^2 I_d)`.

    Its marginal is :math:`p(x) = \mathcal N(b, WW^\top + s^2 I)` and its posterior is
    :math:`p(z \mid x) = \mathcal N(m, S)` with :math:`S = (I + W^\top W / s^2)^{-1}` and
    :math:`m = S W^\top (x - b) / s^2`.

    Parameters
    ----------
    weight : numpy.ndarray
        :math:`W`, of shape ``(d, k)``: from ``k`` latent dimensions to ``d`` observed ones.
    bias : numpy.ndarray
        :math:`b`, of shape ``(d,)``.
    noise_std : float
        :math:`s > 0`, the standard deviation of the observation noise.

    Raises
    ------
    ValueError
        If ``weight`` is not a finite 2-D array, ``bias`` does not have ``d`` entries, or
        ``noise_std`` is not a positive number.
    """

    def __init__(self, weight: ArrayLike, bias: ArrayLike, noise_std: float) -> None:
        self.weight = as_finite_array(weight, "weight")
        if self.weight.ndim != 2:
            raise ValueError(f"weight must be a 2-D array of shape (d, k): got shape {self.weight.shape}")
        self.bias = as_finite_array(bias, "bias")
        if self.bias.shape != (self.data_dim,):
            raise ValueError(f"bias must have shape ({self.data_dim},) to match weight: got {self.bias.shape}")
        self.noise_std = as_positive_number(noise_std, "noise_std")

    @property
    def data_dim(self) -> int:
        return self.weight.shape[0]

    @property
    def latent_dim(self) -> int:
        return self.weight.shape[1]

    # --- validation -------------------------------------------------------------------

    def _check_x(self, x: ArrayLike, batched: bool = False) -> np.ndarray:
        x = as_finite_array(x, "x")
        if x.shape[-1:] != (self.data_dim,) or x.ndim > (2 if batched else 1):
            expected = f"({self.data_dim},)" + (f" or (n, {self.data_dim})" if batched else "")
            raise ValueError(f"x must have shape {expected}: got {x.shape}")
        return x

    def _check_q(self, q_mean: ArrayLike, q_cov: ArrayLike) -> tuple[np.ndarray, np.ndarray]:
        q_mean = as_finite_array(q_mean, "q_mean")
        q_cov = as_finite_array(q_cov, "q_cov")
        k = self.latent_dim
        if q_mean.shape != (k,):
            raise ValueError(f"q_mean must have shape ({k},): got {q_mean.shape}")
        if q_cov.shape != (k, k):
            raise ValueError(f"q_cov must have shape ({k}, {k}): got {q_cov.shape}")
        return q_mean, q_cov

    # --- closed forms -----------------------------------------------------------------

    def marginal(self) -> tuple[np.ndarray, np.ndarray]:
        r"""Mean and covariance of :math:`p(x) = \int p(x \mid z) p(z)\, dz = \mathcal N(b, WW^\top + s^2 I)`."""
        return self.bias.copy(), self.weight @ self.weight.T + self.noise_std**2 * np.eye(self.data_dim)

    def log_marginal(self, x: ArrayLike) -> np.ndarray | float:
        r""":math:`\log p(x)` for ``x`` of shape ``(d,)`` (a float) or ``(n, d)`` (one per row)."""
        x = self._check_x(x, batched=True)
        mean, cov = self.marginal()
        log_pdf = _gaussian_log_pdf(x, mean, np.linalg.cholesky(cov))
        return float(log_pdf) if x.ndim == 1 else log_pdf

    def posterior(self, x: ArrayLike) -> tuple[np.ndarray, np.ndarray]:
        r"""Mean :math:`m` and covariance :math:`S` of the true posterior :math:`p(z \mid x)`, by Bayes' rule."""
        x = self._check_x(x)
        s2 = self.noise_std**2
        cov = np.linalg.inv(np.eye(self.latent_dim) + self.weight.T @ self.weight / s2)
        return cov @ self.weight.T @ (x - self.bias) / s2, cov

    def log_joint(self, x: ArrayLike, z: ArrayLike) -> np.ndarray:
        r""":math:`\log p(x, z) = \log p(z) + \log p(x \mid z)` for codes ``z`` of shape ``(..., k)``."""
        x = self._check_x(x)
        z = as_finite_array(z, "z")
        if z.shape[-1:] != (self.latent_dim,):
            raise ValueError(f"z must have shape (..., {self.latent_dim}): got {z.shape}")
        log_prior = -0.5 * (self.latent_dim * _LOG_2PI + (z**2).sum(axis=-1))
        residual = x - z @ self.weight.T - self.bias
        s2 = self.noise_std**2
        log_likelihood = -0.5 * (self.data_dim * np.log(2 * np.pi * s2) + (residual**2).sum(axis=-1) / s2)
        return log_prior + log_likelihood

    def elbo_terms(self, x: ArrayLike, q_mean: ArrayLike, q_cov: ArrayLike) -> ElboTerms:
        r"""The ELBO of :math:`q = \mathcal N(\mu_q, \Sigma_q)` at ``x``, its two terms and its gap, in closed form.

        .. math::
            \mathbb E_q[\log p(x \mid z)] = -\tfrac d2 \log(2\pi s^2)
                - \frac{\lVert x - W\mu_q - b \rVert^2 + \operatorname{tr}(W \Sigma_q W^\top)}{2 s^2}

        .. math::
            D_{KL}(q \,\|\, p(z)) = \tfrac12\big[\operatorname{tr}\Sigma_q + \mu_q^\top \mu_q - k - \log\det\Sigma_q\big]

        The gap is the KL divergence between the Gaussians :math:`q` and :math:`p(z \mid x)`.

        Raises
        ------
        ValueError
            If ``x``, ``q_mean`` or ``q_cov`` has the wrong shape, or ``q_cov`` is not a
            positive definite covariance matrix.
        """
        x = self._check_x(x)
        q_mean, q_cov = self._check_q(q_mean, q_cov)
        q_cholesky = _cholesky(q_cov, "q_cov")
        q_log_det = 2 * np.log(np.diag(q_cholesky)).sum()
        d, k, s2 = self.data_dim, self.latent_dim, self.noise_std**2
        W = self.weight
        residual = x - W @ q_mean - self.bias
        expected_log_likelihood = -0.5 * d * np.log(2 * np.pi * s2) - (residual @ residual + np.trace(W @ q_cov @ W.T)) / (2 * s2)
        kl_to_prior = 0.5 * (np.trace(q_cov) + q_mean @ q_mean - k - q_log_det)
        post_mean, post_cov = self.posterior(x)
        post_precision = np.linalg.inv(post_cov)
        difference = post_mean - q_mean
        gap = 0.5 * (
            np.trace(post_precision @ q_cov) + difference @ post_precision @ difference - k
            + np.linalg.slogdet(post_cov)[1] - q_log_det
        )
        return ElboTerms(
            log_marginal=self.log_marginal(x),
            elbo=float(expected_log_likelihood - kl_to_prior),
            gap=float(gap),
            expected_log_likelihood=float(expected_log_likelihood),
            kl_to_prior=float(kl_to_prior),
        )

    def elbo(self, x: ArrayLike, q_mean: ArrayLike, q_cov: ArrayLike) -> float:
        r""":math:`\mathrm{ELBO} = \mathbb E_q[\log p(x \mid z)] - D_{KL}(q \,\|\, p(z))`, exact (see :meth:`elbo_terms`)."""
        return self.elbo_terms(x, q_mean, q_cov).elbo

    def kl_to_posterior(self, x: ArrayLike, q_mean: ArrayLike, q_cov: ArrayLike) -> float:
        r""":math:`D_{KL}(q \,\|\, p(z \mid x))`, the gap :math:`\log p(x) - \mathrm{ELBO}`, exact."""
        return self.elbo_terms(x, q_mean, q_cov).gap

    def log_importance_weights(self, x: ArrayLike, q_mean: ArrayLike, q_cov: ArrayLike, n: int,
                               seed: int | None = None) -> np.ndarray:
        r""":math:`\log p(x, z_i) - \log q(z_i)` for ``n`` draws :math:`z_i \sim q`, shape ``(n,)``.

        Their mean estimates the ELBO; :func:`~vae_helpers.iwae.log_mean_exp` of ``K`` of them is the
        importance-weighted bound with ``K`` samples.
        """
        x = self._check_x(x)
        q_mean, q_cov = self._check_q(q_mean, q_cov)
        n = as_positive_integer(n, "n")
        seed = as_seed(seed)
        q_cholesky = _cholesky(q_cov, "q_cov")
        z = q_mean + np.random.default_rng(seed).standard_normal((n, self.latent_dim)) @ q_cholesky.T
        return self.log_joint(x, z) - _gaussian_log_pdf(z, q_mean, q_cholesky)


# --- a 2-D VAE by quadrature: log p(x), the true posterior and the best Gaussian -------------


def _as_numpy_decoder(decoder) -> NumpyDecoder:
    """The decoder as a :class:`NumpyDecoder` (a Keras decoder is copied), with a 2-D latent space."""
    if not isinstance(decoder, NumpyDecoder):
        from vae_helpers.model import check_decoder

        try:
            check_decoder(decoder)
        except ValueError as error:
            raise ValueError(f"decoder must be a Keras decoder or a NumpyDecoder: {error}") from error
        decoder = NumpyDecoder.from_keras(decoder)
    if decoder.latent_dim != 2:
        raise ValueError(
            f"decoder must have a 2-D latent space (quadrature on a grid is exact only in 2-D): "
            f"got latent size {decoder.latent_dim}"
        )
    return decoder


def _log_likelihood(decoder: NumpyDecoder, x: np.ndarray, z: np.ndarray, chunk: int = 4096) -> np.ndarray:
    r""":math:`\log p(x_n \mid z_c) = \sum_j x_{nj} \ell_{cj} - \log(1 + e^{\ell_{cj}})` for images ``(n, 784)``
    and codes ``(c, 2)``: ``(n, c)``. Linear in ``x``, so all images share one decode of the codes."""
    out = np.empty((len(x), len(z)))
    for start in range(0, len(z), chunk):
        logits = decoder.logits(z[start : start + chunk])
        out[:, start : start + chunk] = x @ logits.T - np.logaddexp(0.0, logits).sum(axis=1)
    return out


def _log_prior(z: np.ndarray) -> np.ndarray:
    return -0.5 * (z.shape[-1] * _LOG_2PI + (z**2).sum(axis=-1))


class PosteriorGrid(NamedTuple):
    r"""One image's unnormalised posterior on a quadrature grid.

    ``z`` ``(m, 2)`` are cell midpoints, ``log_area`` ``(m,)`` the log of each cell's area and
    ``log_joint`` ``(m,)`` is :math:`\log p(x \mid z) + \log p(z)` there, so
    :math:`\log p(x) \approx` ``logsumexp(log_joint + log_area)`` and the posterior's mass in
    a cell is ``exp(log_joint + log_area - log_marginal)``.
    """

    z: np.ndarray
    log_area: np.ndarray
    log_joint: np.ndarray
    log_marginal: float


def posterior_grids(decoder, x: ArrayLike, extent: float = 6.0, step: float = 0.05, subdivisions: int = 11,
                    window: float = 20.0, tolerance: float = 0.01, max_subdivisions: int = 88) -> list[PosteriorGrid]:
    r"""Each image's posterior on a grid over :math:`[-\text{extent}, \text{extent}]^2`, refined where it lives.

    A coarse midpoint grid of ``step`` is decoded once for all images (:math:`\log p(x \mid z)` is
    linear in ``x``); then, per image, every cell whose :math:`\log p(x, z)` is within ``window``
    nats of the largest is split into ``subdivisions`` :math:`\times` ``subdivisions`` cells. The
    refinement is checked: a sub-grid half as fine must give the same :math:`\log p(x)` to
    ``tolerance`` nats, else the sub-grid is doubled, up to ``max_subdivisions``; and the
    posterior must not reach the grid's edge.

    Raises
    ------
    ValueError
        If ``decoder`` is not a Keras decoder or :class:`~vae_helpers.numpy_decoder.NumpyDecoder`
        with a 2-D latent space and one logit per pixel of ``x``; ``x`` is not ``(n, 784)``
        intensities in [0, 1]; a setting is not positive (``subdivisions`` an integer >= 2);
        or the grid cannot resolve an image's posterior (two refinements still disagree by
        more than ``tolerance`` at ``max_subdivisions``, or its mass reaches the grid's edge).
    """
    decoder = _as_numpy_decoder(decoder)
    x = check_image_batch(x).astype(np.float64)
    if decoder.output_size != x.shape[1]:
        raise ValueError(f"decoder must give one logit per pixel of x ({x.shape[1]}): got {decoder.output_size}")
    extent = as_positive_number(extent, "extent")
    step = as_positive_number(step, "step")
    subdivisions = as_positive_integer(subdivisions, "subdivisions")
    if subdivisions < 2:
        raise ValueError(f"subdivisions must be an integer >= 2 (the check compares it with half of it): got {subdivisions}")
    max_subdivisions = as_positive_integer(max_subdivisions, "max_subdivisions")
    window = as_positive_number(window, "window")
    tolerance = as_positive_number(tolerance, "tolerance")
    cells_per_axis = int(round(2 * extent / step))
    if cells_per_axis < 3:
        raise ValueError(f"step must be smaller than extent (at least 3 cells across the grid): got step {step}, extent {extent}")
    centres = -extent + step * (np.arange(cells_per_axis) + 0.5)
    coarse = np.stack(np.meshgrid(centres, centres, indexing="ij"), axis=-1).reshape(-1, 2)
    on_edge = (np.abs(coarse) > extent - step).any(axis=1)
    coarse_log_joint = _log_likelihood(decoder, x, coarse) + _log_prior(coarse)
    grids = []
    for index in range(len(x)):
        log_joint = coarse_log_joint[index]
        peak = log_joint.max()
        if log_joint[on_edge].max() > peak - window:
            raise ValueError(
                f"extent must contain image {index}'s posterior: at the grid's edge log p(x, z) is within "
                f"{peak - log_joint[on_edge].max():.1f} nats of its peak (window {window}); use a larger extent"
            )
        refine = log_joint >= peak - window

        def refined(m: int) -> PosteriorGrid:
            offsets = step * ((np.arange(m) + 0.5) / m - 0.5)
            sub = np.stack(np.meshgrid(offsets, offsets, indexing="ij"), axis=-1).reshape(-1, 2)
            z = (coarse[refine][:, None, :] + sub[None]).reshape(-1, 2)
            fine_log_joint = _log_likelihood(decoder, x[index : index + 1], z)[0] + _log_prior(z)
            log_area = np.concatenate([np.full((~refine).sum(), 2 * np.log(step)), np.full(len(z), 2 * np.log(step / m))])
            joint = np.concatenate([log_joint[~refine], fine_log_joint])
            return PosteriorGrid(np.concatenate([coarse[~refine], z]), log_area, joint, float(logsumexp(joint + log_area)))

        coarser, m = refined(subdivisions // 2), subdivisions
        finer = refined(m)
        # A narrow posterior needs finer cells: double the sub-grid until two refinements agree.
        while abs(finer.log_marginal - coarser.log_marginal) > tolerance and 2 * m <= max_subdivisions:
            coarser, m = finer, 2 * m
            finer = refined(m)
        if abs(finer.log_marginal - coarser.log_marginal) > tolerance:
            raise ValueError(
                f"step and subdivisions must resolve image {index}'s posterior: the two finest sub-grids, up to "
                f"{m} per cell, give log p(x) {finer.log_marginal:.4f} and {coarser.log_marginal:.4f} nats "
                f"(tolerance {tolerance}); use a smaller step or a larger max_subdivisions"
            )
        grids.append(finer)
    return grids


def log_marginal_quadrature(decoder, x: ArrayLike, extent: float = 6.0, step: float = 0.05, subdivisions: int = 11,
                            window: float = 20.0, tolerance: float = 0.01, max_subdivisions: int = 88) -> np.ndarray:
    r""":math:`\log p(x) = \log \int p(x \mid z)\, p(z)\, dz` per image, in nats, by quadrature on a 2-D grid.

    The decoder's Bernoulli likelihood on grey levels (minus the binary cross-entropy from its
    logits, as in the ELBO the book trains), :math:`p(z) = \mathcal N(0, I)`. The grid is
    :func:`posterior_grids`'s, whose arguments these are: two refinements agree to ``tolerance``.

    Raises
    ------
    ValueError
        As :func:`posterior_grids`: bad shapes, a decoder whose latent size is not 2, or a grid
        that cannot resolve a posterior.
    """
    grids = posterior_grids(decoder, x, extent, step, subdivisions, window, tolerance, max_subdivisions)
    return np.array([grid.log_marginal for grid in grids])


def _diagonal_gaussian(mu: ArrayLike, log_var: ArrayLike, n: int) -> tuple[np.ndarray, np.ndarray]:
    mu, log_var = as_finite_array(mu, "mu"), as_finite_array(log_var, "log_var")
    for value, name in ((mu, "mu"), (log_var, "log_var")):
        if value.shape != (n, 2):
            raise ValueError(f"{name} must have shape ({n}, 2), one row per image: got {value.shape}")
    return mu, log_var


def gaussian_elbo(decoder, x: ArrayLike, mu: ArrayLike, log_var: ArrayLike, nodes: int = 24) -> np.ndarray:
    r"""The ELBO of :math:`q_n = \mathcal N(\mu_n, \operatorname{diag} e^{\text{log\_var}_n})` for each image, in nats.

    .. math:: \mathrm{ELBO} = \mathbb E_q[\log p(x \mid z)] - D_{KL}(q \,\|\, p(z))

    The expectation by a ``nodes`` :math:`\times` ``nodes`` Gauss-Hermite rule (no sampling
    noise), the KL in closed form. ``(n,)``.

    Raises
    ------
    ValueError
        If the decoder is not a 2-D decoder, ``x`` is not ``(n, 784)`` intensities, ``mu`` or
        ``log_var`` is not finite ``(n, 2)``, or ``nodes`` is not a positive integer.
    """
    decoder = _as_numpy_decoder(decoder)
    x = check_image_batch(x).astype(np.float64)
    mu, log_var = _diagonal_gaussian(mu, log_var, len(x))
    nodes = as_positive_integer(nodes, "nodes")
    points, weights = np.polynomial.hermite_e.hermegauss(nodes)  # for the weight exp(-t²/2)
    weights = weights / np.sqrt(2 * np.pi)
    standard = np.stack(np.meshgrid(points, points, indexing="ij"), axis=-1).reshape(-1, 2)
    weight = np.outer(weights, weights).ravel()
    sigma = np.exp(0.5 * log_var)
    expected_log_likelihood = np.array([
        weight @ _log_likelihood(decoder, x[n : n + 1], mu[n] + sigma[n] * standard)[0] for n in range(len(x))
    ])
    kl_to_prior = 0.5 * (mu**2 + np.exp(log_var) - 1 - log_var).sum(axis=1)
    return expected_log_likelihood - kl_to_prior


def best_diagonal_gaussian(grid: PosteriorGrid) -> tuple[np.ndarray, np.ndarray]:
    r"""``(mu, log_var)``, each ``(2,)``, of the diagonal Gaussian :math:`q` with the highest ELBO on one image's grid.

    The ELBO of any :math:`q` is :math:`\mathbb E_q[\log p(x, z)] + H(q)`: the expectation is the
    grid's quadrature (cells weighted by area times :math:`q`, normalised), so no decoding is
    needed while L-BFGS climbs it, with exact gradients, from the posterior's own mean and
    variances. Evaluate the result with :func:`gaussian_elbo`, independently of the grid.

    Raises
    ------
    ValueError
        If ``grid`` is not a :class:`PosteriorGrid`.
    """
    if not isinstance(grid, PosteriorGrid):
        raise ValueError(f"grid must be a PosteriorGrid (from posterior_grids): got {type(grid).__name__}")
    posterior = softmax(grid.log_joint + grid.log_area)
    mean = posterior @ grid.z
    start = np.concatenate([mean, 0.5 * np.log(posterior @ (grid.z - mean) ** 2)])

    def negative_elbo(parameters: np.ndarray) -> tuple[float, np.ndarray]:
        mu, log_sigma = parameters[:2], parameters[2:]
        scaled = (grid.z - mu) / np.exp(log_sigma)
        weight = softmax(grid.log_area - 0.5 * (scaled**2).sum(axis=1))
        expected = weight @ grid.log_joint
        # d E_w[f] / d theta = E_w[(f - E_w f) d log q / d theta]: the weights' covariance with f.
        centred = weight * (grid.log_joint - expected)
        gradient = np.concatenate([centred @ scaled / np.exp(log_sigma), centred @ (scaled**2 - 1) + 1])
        return -(expected + log_sigma.sum() + 1 + _LOG_2PI), -gradient

    result = minimize(negative_elbo, start, jac=True, method="L-BFGS-B")
    return result.x[:2], 2 * result.x[2:]
