"""vae_helpers.bounds and the ELBO panel, against independent computations.

References: scipy.stats (multivariate normal, entropies), numerical integration (quad, a 2-D
grid), Monte Carlo with its standard error, and hand-worked cases.
"""

import json

import numpy as np
import pytest
from scipy import integrate, stats
from scipy.special import expit

from conftest import REPO_ROOT, run_es_module
from vae_helpers.bounds import (
    LinearGaussian,
    aggregate_log_density,
    aggregate_moments,
    binarize,
    continuous_bernoulli_log_normaliser,
    importance_weighted_bound,
    importance_weighted_bounds_by_k,
    log_importance_weights,
    log_mean_exp,
    prior_holes,
    reconstruction_floor,
)



@pytest.fixture
def toy():
    """k = 2 latent, d = 3 observed dimensions, a random W and b, and one observation."""
    rng = np.random.default_rng(1)
    model = LinearGaussian(rng.normal(size=(3, 2)), rng.normal(size=3), noise_std=0.7)
    return model, rng.normal(size=3) * 2


def toy_1d():
    return LinearGaussian([[1.2]], [0.3], noise_std=0.5), np.array([1.0])


# --- the linear-Gaussian model --------------------------------------------------------------


def test_log_marginal_matches_scipy_multivariate_normal(toy):
    model, x = toy
    W, b, s = model.weight, model.bias, model.noise_std
    reference = stats.multivariate_normal(b, W @ W.T + s**2 * np.eye(3))
    assert model.log_marginal(x) == pytest.approx(reference.logpdf(x), abs=1e-12)
    batch = np.stack([x, x + 1, -x])
    np.testing.assert_allclose(model.log_marginal(batch), reference.logpdf(batch), atol=1e-12)


def test_one_dimensional_marginal_and_posterior_by_numerical_integration():
    model, x = toy_1d()

    def joint(z):
        return np.exp(model.log_joint(x, np.array([z])))

    evidence, _ = integrate.quad(joint, -np.inf, np.inf)
    assert model.log_marginal(x) == pytest.approx(np.log(evidence), abs=1e-9)
    mean, cov = model.posterior(x)
    first, _ = integrate.quad(lambda z: z * joint(z) / evidence, -np.inf, np.inf)
    second, _ = integrate.quad(lambda z: (z - first) ** 2 * joint(z) / evidence, -np.inf, np.inf)
    assert mean[0] == pytest.approx(first, abs=1e-9)
    assert cov[0, 0] == pytest.approx(second, abs=1e-9)


def test_one_dimensional_elbo_by_numerical_integration():
    model, x = toy_1d()
    q = stats.norm(0.4, 0.8)
    integrand = lambda z: q.pdf(z) * (model.log_joint(x, np.array([z])) - q.logpdf(z))  # noqa: E731
    elbo, _ = integrate.quad(integrand, -12, 12, points=[0.4])
    assert model.elbo(x, [0.4], [[0.64]]) == pytest.approx(elbo, abs=1e-9)


def test_elbo_plus_kl_to_posterior_is_log_marginal(toy):
    model, x = toy
    rng = np.random.default_rng(2)
    for _ in range(5):
        a = rng.normal(size=(2, 2))
        terms = model.elbo_terms(x, rng.normal(size=2), a @ a.T + 0.1 * np.eye(2))
        assert terms.gap > 0
        assert terms.elbo < terms.log_marginal
        assert terms.elbo + terms.gap == pytest.approx(terms.log_marginal, abs=1e-10)
        assert terms.elbo == pytest.approx(terms.expected_log_likelihood - terms.kl_to_prior, abs=1e-12)


def test_the_gap_is_the_kl_divergence_by_monte_carlo(toy):
    model, x = toy
    q_mean, q_cov = np.array([0.3, -0.2]), np.array([[0.5, 0.1], [0.1, 0.3]])
    post_mean, post_cov = model.posterior(x)
    z = stats.multivariate_normal(q_mean, q_cov).rvs(200_000, random_state=3)
    log_ratio = stats.multivariate_normal(q_mean, q_cov).logpdf(z) - stats.multivariate_normal(post_mean, post_cov).logpdf(z)
    standard_error = log_ratio.std() / np.sqrt(len(z))
    assert abs(model.kl_to_posterior(x, q_mean, q_cov) - log_ratio.mean()) < 4 * standard_error


def test_the_bound_is_tight_at_the_posterior_and_lower_anywhere_else(toy):
    model, x = toy
    mean, cov = model.posterior(x)
    at_posterior = model.elbo_terms(x, mean, cov)
    assert at_posterior.gap == pytest.approx(0.0, abs=1e-12)
    assert at_posterior.elbo == pytest.approx(model.log_marginal(x), abs=1e-12)
    for shift in ([0.05, 0.0], [0.0, -0.05]):
        assert model.elbo(x, mean + shift, cov) < at_posterior.elbo
    assert model.elbo(x, mean, 1.1 * cov) < at_posterior.elbo
    assert model.elbo(x, mean, 0.9 * cov) < at_posterior.elbo


def test_toy_log_weights_average_to_the_elbo_and_are_constant_at_the_posterior(toy):
    model, x = toy
    q_mean, q_cov = np.zeros(2), np.eye(2)
    log_weights = model.log_importance_weights(x, q_mean, q_cov, 100_000, seed=4)
    standard_error = log_weights.std() / np.sqrt(len(log_weights))
    assert abs(log_weights.mean() - model.elbo(x, q_mean, q_cov)) < 4 * standard_error
    at_posterior = model.log_importance_weights(x, *model.posterior(x), 50, seed=4)
    np.testing.assert_allclose(at_posterior, model.log_marginal(x), atol=1e-10)


def test_toy_importance_weighted_bound_rises_with_k_towards_log_marginal(toy):
    model, x = toy
    log_weights = model.log_importance_weights(x, np.zeros(2), 1.5 * np.eye(2), 2**17, seed=5)
    gaps = []
    for k in (1, 4, 64, 1024):
        groups = log_mean_exp(log_weights[: (len(log_weights) // k) * k].reshape(-1, k), axis=1)
        gaps.append(model.log_marginal(x) - groups.mean())
    assert gaps[0] == pytest.approx(model.kl_to_posterior(x, np.zeros(2), 1.5 * np.eye(2)), rel=0.05)
    assert all(later < earlier for earlier, later in zip(gaps, gaps[1:]))
    assert 0 < gaps[-1] < 0.02 * gaps[0]


@pytest.mark.parametrize(
    "arguments, match",
    [
        (([1.0, 2.0], [0.0], 1.0), "weight"),
        (([[1.0]], [0.0, 1.0], 1.0), "bias"),
        (([[1.0]], [0.0], 0.0), "noise_std"),
        (([[np.inf]], [0.0], 1.0), "weight"),
    ],
)
def test_linear_gaussian_rejects_bad_parameters(arguments, match):
    with pytest.raises(ValueError, match=match):
        LinearGaussian(*arguments)


def test_linear_gaussian_rejects_bad_observations_and_q(toy):
    model, x = toy
    with pytest.raises(ValueError, match="x must have shape"):
        model.log_marginal(np.zeros(2))
    with pytest.raises(ValueError, match="x must be finite"):
        model.posterior([np.inf, 0, 0])
    with pytest.raises(ValueError, match="q_mean"):
        model.elbo(x, np.zeros(3), np.eye(2))
    with pytest.raises(ValueError, match="q_cov must have shape"):
        model.elbo(x, np.zeros(2), np.eye(3))
    with pytest.raises(ValueError, match="q_cov must be positive definite"):
        model.elbo(x, np.zeros(2), -np.eye(2))
    with pytest.raises(ValueError, match="q_cov must be a symmetric"):
        model.elbo(x, np.zeros(2), [[1.0, 0.5], [0.0, 1.0]])
    with pytest.raises(ValueError, match="n must be a positive integer"):
        model.log_importance_weights(x, np.zeros(2), np.eye(2), 0)
    with pytest.raises(ValueError, match="z must have shape"):
        model.log_joint(x, np.zeros(3))


# --- log-mean-exp and the bound by K ------------------------------------------------------------


def test_log_mean_exp_is_log_of_the_mean_and_survives_tiny_weights():
    values = np.array([[-1.0, 0.5, 2.0], [0.0, 0.0, 0.0]])
    np.testing.assert_allclose(log_mean_exp(values), np.log(np.exp(values).mean(axis=1)))
    # exp(-1000) is 0 in float64: the naive form gives -inf, the shifted one the exact value.
    assert log_mean_exp([-1000.0, -1000.0 + np.log(3)]) == pytest.approx(-1000.0 + np.log(2))
    assert log_mean_exp(np.full(4, 800.0)) == pytest.approx(800.0)


@pytest.mark.parametrize("values", [[], np.zeros((2, 0)), [np.nan, 1.0]])
def test_log_mean_exp_rejects_empty_or_nan(values):
    with pytest.raises(ValueError, match="log_values"):
        log_mean_exp(values)


def test_bounds_by_k_average_disjoint_groups():
    log_weights = np.log(np.array([[1.0, 3.0, 2.0, 6.0, 5.0]]))
    bounds = importance_weighted_bounds_by_k(log_weights, [1, 2, 5])
    assert bounds[1][0] == pytest.approx(np.log([1, 3, 2, 6, 5]).mean())
    assert bounds[2][0] == pytest.approx((np.log(2.0) + np.log(4.0)) / 2)  # groups (1, 3), (2, 6); 5 left over
    assert bounds[5][0] == pytest.approx(np.log(17 / 5))
    with pytest.raises(ValueError, match="ks must not exceed"):
        importance_weighted_bounds_by_k(log_weights, [6])
    with pytest.raises(ValueError, match="ks must be a positive integer"):
        importance_weighted_bounds_by_k(log_weights, [0])
    with pytest.raises(ValueError, match="log_weights must have shape"):
        importance_weighted_bounds_by_k(np.zeros(5), [1])


# --- the bound on a Keras VAE --------------------------------------------------------------------


@pytest.fixture(scope="module")
def small_vae():
    from vae_helpers.model import build_decoder, build_encoder

    return build_encoder(latent_dim=2, hidden=16, seed=0), build_decoder(latent_dim=2, hidden=16, seed=0)


@pytest.fixture(scope="module")
def images():
    rng = np.random.default_rng(0)
    return (rng.random((3, 784)) < 0.15).astype(np.float32) * rng.random((3, 784)).astype(np.float32)


def log_marginal_by_grid(decoder, x, extent=7.0, n=241):
    """log p(x) = log ∫ p(x | z) p(z) dz on a 2-D grid (the untrained decoder's p(x | z) is smooth in z)."""
    from keras import ops

    from vae_helpers.model import reconstruction_loss

    t = np.linspace(-extent, extent, n)
    z = np.stack(np.meshgrid(t, t), axis=-1).reshape(-1, 2)
    log_prior = stats.multivariate_normal(np.zeros(2), np.eye(2)).logpdf(z)
    logits = decoder(z.astype(np.float32))
    result = []
    for image in x:
        log_likelihood = -ops.convert_to_numpy(reconstruction_loss(np.broadcast_to(image, (len(z), 784)), logits))
        result.append(np.log(np.exp(log_likelihood + log_prior - (log_likelihood + log_prior).max()).sum() * (t[1] - t[0]) ** 2)
                      + (log_likelihood + log_prior).max())
    return np.array(result)


def test_importance_weighted_bound_approaches_log_marginal_by_quadrature(small_vae, images):
    encoder, decoder = small_vae
    exact = log_marginal_by_grid(decoder, images)
    elbo = importance_weighted_bound(encoder, decoder, images, k=1000, seed=0)  # many K: close to log p(x)
    one = log_importance_weights(encoder, decoder, images, 1000, seed=1).mean(axis=1)  # the ELBO, averaged
    assert np.all(one < exact)
    assert np.all(one < elbo)
    np.testing.assert_allclose(elbo, exact, atol=0.05)


def test_k_equal_one_matches_the_elbo_estimator_in_expectation(small_vae, images):
    from vae_helpers.model import negative_elbo

    encoder, decoder = small_vae
    repeats = 1000  # each row of the repeated batch draws its own code: 1,000 independent K = 1 estimates per image
    draws = importance_weighted_bound(encoder, decoder, np.repeat(images, repeats, axis=0), k=1, seed=0)
    draws = draws.reshape(len(images), repeats)
    variance_per_image = draws.var(axis=1, ddof=1)
    n_reference = 300
    reference = -negative_elbo(encoder, decoder, images, n_samples=n_reference, seed=1)  # analytic KL, its own draws
    # Both sides are Monte Carlo averages of the same reconstruction term (the reference's KL is exact,
    # so its variance is at most that of a K = 1 draw): the tolerance covers the noise of both.
    standard_error = np.sqrt((variance_per_image / repeats + variance_per_image / n_reference).sum()) / len(images)
    assert standard_error < 0.2  # tight enough to catch a missing term (log q or log p(z) are nats each)
    assert abs(draws.mean() - reference) < 4 * standard_error


def test_bound_shapes_seeds_and_batching(small_vae, images):
    encoder, decoder = small_vae
    log_weights = log_importance_weights(encoder, decoder, images, 7, seed=3, max_rows=4)  # 2 codes per decoder call
    assert log_weights.shape == (3, 7) and np.isfinite(log_weights).all()
    np.testing.assert_array_equal(log_weights, log_importance_weights(encoder, decoder, images, 7, seed=3, max_rows=4))
    assert importance_weighted_bound(encoder, decoder, images, 5, seed=0).shape == (3,)


def test_bound_rejects_bad_input(small_vae, images):
    from vae_helpers.model import build_decoder

    encoder, decoder = small_vae
    with pytest.raises(ValueError, match="k must be a positive integer"):
        importance_weighted_bound(encoder, decoder, images, 0)
    with pytest.raises(ValueError, match="x must have shape"):
        importance_weighted_bound(encoder, decoder, images.reshape(3, 28, 28), 1)
    bad = images.copy()
    bad[0, 0] = np.inf
    with pytest.raises(ValueError, match="x must hold finite pixel intensities"):
        importance_weighted_bound(encoder, decoder, bad, 1)
    bad[0, 0] = np.nan
    with pytest.raises(ValueError, match="x must not contain NaN"):
        importance_weighted_bound(encoder, decoder, bad, 1)
    with pytest.raises(ValueError, match=r"x must hold pixel intensities in \[0, 1\] \(divide by 255\)"):
        importance_weighted_bound(encoder, decoder, images * 255, 1)
    with pytest.raises(ValueError, match="x must hold at least one image"):
        importance_weighted_bound(encoder, decoder, images[:0], 1)
    with pytest.raises(ValueError, match="decoder must take codes of the encoder's latent size"):
        importance_weighted_bound(encoder, build_decoder(latent_dim=3, hidden=4), images, 1)
    with pytest.raises(ValueError, match="max_rows"):
        log_importance_weights(encoder, decoder, images, 1, max_rows=0)


# --- the aggregate posterior ---------------------------------------------------------------------


@pytest.fixture
def codes():
    rng = np.random.default_rng(6)
    return rng.normal(size=(40, 2)) * [1.5, 0.5] + [0.3, 0.0], rng.normal(-2, 0.5, size=(40, 2))


def test_aggregate_moments_match_samples_of_the_mixture(codes):
    mu, log_var = codes
    rng = np.random.default_rng(7)
    component = rng.integers(len(mu), size=400_000)
    z = mu[component] + np.exp(0.5 * log_var[component]) * rng.standard_normal((len(component), 2))
    mean, cov = aggregate_moments(mu, log_var)
    np.testing.assert_allclose(mean, z.mean(axis=0), atol=0.01)
    np.testing.assert_allclose(cov, np.cov(z.T), atol=0.02)


def test_aggregate_log_density_is_the_mixture_density(codes):
    mu, log_var = codes
    z = np.array([[0.0, 0.0], [1.0, -0.5], [30.0, 30.0]])
    expected = np.log(np.mean([stats.multivariate_normal(m, np.diag(np.exp(v))).pdf(z[:2]) for m, v in zip(mu, log_var)], axis=0))
    result = aggregate_log_density(z, mu, log_var, chunk=2)
    np.testing.assert_allclose(result[:2], expected, rtol=1e-12)
    assert np.isfinite(result[2]) and result[2] < -1000  # far out: tiny, but not log(0)


def test_prior_holes_counts_draws_where_the_aggregate_is_thin(codes):
    mu, log_var = codes
    holes = prior_holes(mu, log_var, n_draws=500, ratio=0.1, seed=8)
    log_ratio = aggregate_log_density(holes.z, mu, log_var) - stats.multivariate_normal(np.zeros(2), np.eye(2)).logpdf(holes.z)
    np.testing.assert_array_equal(holes.in_hole, log_ratio < np.log(0.1))
    assert holes.share == pytest.approx(holes.in_hole.mean())
    assert holes.standard_error == pytest.approx(np.sqrt(holes.share * (1 - holes.share) / 500))
    # When q is the prior itself there are no holes.
    no_holes = prior_holes(np.zeros((1, 2)), np.zeros((1, 2)), n_draws=200, seed=0)
    assert no_holes.share == 0.0


def test_aggregate_helpers_reject_bad_codes(codes):
    mu, log_var = codes
    with pytest.raises(ValueError, match="log_var must have the same shape as mu"):
        aggregate_moments(mu, log_var[:, :1])
    with pytest.raises(ValueError, match="mu must have shape"):
        aggregate_moments(mu[0], log_var[0])
    with pytest.raises(ValueError, match="z must have shape"):
        aggregate_log_density(np.zeros((3, 3)), mu, log_var)
    with pytest.raises(ValueError, match="n_draws"):
        prior_holes(mu, log_var, n_draws=0)
    with pytest.raises(ValueError, match="ratio"):
        prior_holes(mu, log_var, ratio=-1.0)
    with pytest.raises(ValueError, match="mu must be finite"):
        aggregate_moments(np.full((2, 2), np.inf), log_var[:2])


# --- the Bernoulli likelihood on grey levels ---------------------------------------------------


def test_reconstruction_floor_is_the_binary_entropy_and_the_smallest_cross_entropy(images):
    floor = reconstruction_floor(images)
    per_pixel = stats.entropy(np.stack([images, 1 - images]), axis=0)  # scipy's entropy, in nats
    np.testing.assert_allclose(floor, per_pixel.sum(axis=1), rtol=1e-6)
    x = images.astype(np.float64)
    rng = np.random.default_rng(9)
    for _ in range(3):
        x_hat = np.clip(x + rng.normal(0, 0.05, x.shape), 1e-6, 1 - 1e-6)
        cross_entropy = -(x * np.log(x_hat) + (1 - x) * np.log(1 - x_hat)).sum(axis=1)
        assert np.all(cross_entropy > floor)
    assert np.all(reconstruction_floor(binarize(images, seed=0)) == 0)


def test_binarize_draws_each_pixel_with_its_intensity(images):
    draws = np.stack([binarize(images, seed=seed) for seed in range(2000)])
    assert set(np.unique(draws)) <= {0.0, 1.0}
    assert np.abs(draws.mean(axis=0) - images).max() < 5 * np.sqrt(0.25 / 2000)
    np.testing.assert_array_equal(binarize(images, seed=1), binarize(images, seed=1))


def test_continuous_bernoulli_normaliser_makes_a_density_on_zero_one():
    for logit in (-8.0, -1.0, -1e-4, 0.0, 2e-4, 0.5, 12.0):
        lam = expit(logit)
        mass, _ = integrate.quad(lambda t: lam**t * (1 - lam) ** (1 - t), 0, 1)
        assert continuous_bernoulli_log_normaliser(logit) == pytest.approx(-np.log(mass), abs=1e-10)
    assert continuous_bernoulli_log_normaliser(0.0) == pytest.approx(np.log(2))
    near = continuous_bernoulli_log_normaliser(np.array([0.999e-3, 1.001e-3]))
    assert abs(near[1] - near[0]) < 1e-9  # the series and the closed form meet
    with pytest.raises(ValueError, match="logits must be finite"):
        continuous_bernoulli_log_normaliser([np.inf])


@pytest.mark.parametrize("function", [reconstruction_floor, binarize])
def test_pixel_helpers_reject_bad_images(function):
    with pytest.raises(ValueError, match="x must have shape"):
        function(np.zeros((2, 28, 28)))
    with pytest.raises(ValueError, match=r"x must hold pixel intensities in \[0, 1\] \(divide by 255\)"):
        function(np.full((1, 784), 2.0))


# --- the panel (vae_helpers.widgets.elbo) --------------------------------------------------------

WIDGETS = REPO_ROOT / "vae_helpers" / "widgets"


def test_elbo_panel_mu_and_sigma_drive_the_bound_and_the_gap():
    from vae_helpers.widgets import ElboPanel
    from vae_helpers.widgets.elbo import PANEL_MODEL, PANEL_X

    panel = ElboPanel(mu=0.0, sigma=1.0)
    W, b, s = PANEL_MODEL.weight, PANEL_MODEL.bias, PANEL_MODEL.noise_std
    log_marginal = stats.multivariate_normal(b, W @ W.T + s**2 * np.eye(2)).logpdf(PANEL_X)

    panel.mu, panel.sigma = -1.0, 0.4

    q = stats.norm(-1.0, 0.4)
    elbo, _ = integrate.quad(lambda z: q.pdf(z) * (PANEL_MODEL.log_joint(PANEL_X, np.array([z])) - q.logpdf(z)), -8, 6)
    assert panel.elbo == pytest.approx(elbo, abs=1e-8)
    assert panel.log_marginal == pytest.approx(log_marginal, abs=1e-12)
    assert panel.elbo + panel.gap == pytest.approx(log_marginal, abs=1e-10)
    assert panel.terms.elbo == panel.elbo and panel.terms.gap == panel.gap
    np.testing.assert_allclose(panel.q_density, q.pdf(panel.z))
    # What the page computes from: the model's numbers, sent as traits.
    state = panel.get_state()
    assert state["weight"] == [1.5, -0.8] and state["bias"] == [0.0, 0.0] and state["x"] == [2.0, -1.0]
    assert state["noise_std"] == 1.0 and (state["mu"], state["sigma"]) == (-1.0, 0.4)
    assert state["_esm"] == (WIDGETS / "static" / "elbo.js").read_text()
    assert state["ranges"] == {"mu": [-3.0, 3.0, 0.05], "sigma": [0.1, 2.0, 0.05]}


def test_elbo_panel_gap_closes_at_the_posterior():
    from vae_helpers.widgets import ElboPanel

    panel = ElboPanel()
    gaps = []
    for mu in (-1.0, 0.0, panel.posterior_mean):
        panel.mu, panel.sigma = mu, panel.posterior_sigma
        gaps.append(panel.gap)
    assert gaps[0] > gaps[1] > gaps[2] >= 0 and gaps[2] < 1e-12
    np.testing.assert_allclose(panel.posterior_density, stats.norm.pdf(panel.z, panel.posterior_mean, panel.posterior_sigma))


@pytest.mark.parametrize("kwargs, match", [({"mu": 5.0}, "mu"), ({"sigma": 0.0}, "sigma"), ({"sigma": "1"}, "sigma")])
def test_elbo_panel_rejects_bad_arguments(kwargs, match):
    from vae_helpers.widgets import ElboPanel

    with pytest.raises(ValueError, match=match):
        ElboPanel(**kwargs)


def test_elbo_panel_rejects_a_bad_sigma_set_by_code():
    from vae_helpers.widgets import ElboPanel

    panel = ElboPanel(sigma=0.5)
    with pytest.raises(ValueError, match="sigma"):
        panel.sigma = 2.5
    assert panel.sigma == 0.5


# The page's maths, value by value against LinearGaussian, on the panel's model and on others.
JS_MODELS = [
    ([1.5, -0.8], [0.0, 0.0], 1.0, [2.0, -1.0]),
    ([0.3, 2.0, -1.1], [0.5, -0.2, 1.0], 0.7, [1.2, 3.0, -0.4]),
    ([4.0], [1.0], 0.2, [-2.0]),
]
JS_QS = [(0.0, 1.0), (-1.0, 0.4), (2.95, 0.1), (-3.0, 2.0)]


@pytest.mark.parametrize("weight, bias, noise_std, x", JS_MODELS)
def test_the_page_computes_the_elbo_the_gap_and_log_p_x_as_vae_helpers_bounds(weight, bias, noise_std, x):
    from vae_helpers.widgets import ElboPanel

    got = run_es_module(
        WIDGETS / "src" / "maths.js",  # what the page computes
        f"const [w, b, s, x] = {json.dumps([weight, bias, noise_std, x])}; const qs = {json.dumps(JS_QS)};"
        "return {terms: qs.map(([mu, sigma]) => m.elboTerms(w, b, s, x, mu, sigma)), posterior: m.posterior(w, b, s, x)};",
    )
    model = LinearGaussian(weight=np.array(weight)[:, None], bias=bias, noise_std=noise_std)
    for (mu, sigma), terms in zip(JS_QS, got["terms"]):
        expected = model.elbo_terms(x, [mu], [[sigma**2]])
        for js_name, name in [("logMarginal", "log_marginal"), ("elbo", "elbo"), ("gap", "gap"),
                              ("expectedLogLikelihood", "expected_log_likelihood"), ("klToPrior", "kl_to_prior")]:
            assert terms[js_name] == pytest.approx(getattr(expected, name), abs=1e-9), (mu, sigma, name)
    mean, cov = model.posterior(x)
    assert got["posterior"]["mean"] == pytest.approx(mean[0], abs=1e-12)
    assert got["posterior"]["sigma"] == pytest.approx(np.sqrt(cov[0, 0]), abs=1e-12)


def test_the_toy_model_and_the_panel_do_not_load_tensorflow():
    # Only the functions that take a Keras encoder and decoder import Keras, when called.
    import subprocess
    import sys

    code = "import sys, vae_helpers.bounds, vae_helpers.widgets.elbo; print('tensorflow' in sys.modules or 'keras' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "False"
