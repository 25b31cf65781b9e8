"""vae_helpers.elbo and the ELBO panel, against independent computations.

References: scipy.stats (multivariate normal), numerical integration (quad, dblquad, a 2-D grid),
Monte Carlo with its standard error, and hand-worked cases.
"""

import json

import numpy as np
import pytest
from scipy import integrate, stats

from conftest import REPO_ROOT, run_es_module
from vae_helpers.elbo import LinearGaussian
from vae_helpers.iwae import importance_weighted_bounds_by_k, log_mean_exp


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
def test_the_page_computes_the_elbo_the_gap_and_log_p_x_as_vae_helpers_elbo(weight, bias, noise_std, x):
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
    # Only the functions that take a Keras encoder or decoder import Keras, when called.
    import subprocess
    import sys

    code = "import sys, vae_helpers.elbo, vae_helpers.aggregate, vae_helpers.bernoulli, vae_helpers.iwae, vae_helpers.widgets.elbo; print('tensorflow' in sys.modules or 'keras' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "False"


# --- a 2-D decoder by quadrature (log_marginal_quadrature, gaussian_elbo, best_diagonal_gaussian) ----------


def tiny_decoder(scale: float, latent_dim: int = 2):
    """2 -> 3 (tanh) -> 784 logits: small enough for scipy to integrate p(x | z) p(z) independently."""
    from vae_helpers.numpy_decoder import NumpyDecoder

    rng = np.random.default_rng(4)
    return NumpyDecoder([(rng.normal(0, scale, (latent_dim, 3)), rng.normal(0, 0.3, 3), "tanh"),
                         (rng.normal(0, 1.0, (3, 784)), rng.normal(-1.0, 0.5, 784), "linear")])


def log_joint_by_hand(decoder, image, z1, z2):
    logits = decoder.logits(np.array([[z1, z2]]))[0]
    log_likelihood = float(np.sum(image * logits - np.logaddexp(0, logits)))
    return log_likelihood - 0.5 * (z1**2 + z2**2) - np.log(2 * np.pi)  # + log N(z; 0, I), by hand: scipy's is slower per point


@pytest.mark.parametrize("scale", [0.5, 3.0])  # a broad posterior, and one a few tenths wide
def test_log_marginal_quadrature_matches_scipy_dblquad(images, scale):
    from scipy.special import softmax

    from vae_helpers.elbo import posterior_grids

    decoder = tiny_decoder(scale)
    for image, grid in zip(images[:1].astype(np.float64), posterior_grids(decoder, images[:1], extent=7.0, step=0.05, subdivisions=10)):
        # scipy integrates, adaptively, over the posterior's mean +- 8 of its standard deviations.
        weight = softmax(grid.log_joint + grid.log_area)
        mean = weight @ grid.z
        half = 8 * np.sqrt(weight @ (grid.z - mean) ** 2)
        low, high = np.maximum(mean - half, -7), np.minimum(mean + half, 7)
        top = log_joint_by_hand(decoder, image, *mean)
        mass, _ = integrate.dblquad(lambda z2, z1: np.exp(log_joint_by_hand(decoder, image, z1, z2) - top),
                                    low[0], high[0], low[1], high[1], epsabs=1e-8, epsrel=1e-6)
        assert grid.log_marginal == pytest.approx(top + np.log(mass), abs=1e-4)


def test_log_marginal_quadrature_accepts_a_keras_decoder_and_refuses_bad_input(images, small_vae):
    from vae_helpers.elbo import log_marginal_quadrature
    from vae_helpers.model import build_decoder

    encoder, decoder = small_vae
    # Untrained, its posterior is nearly the prior: the grid must reach 8, where the prior is 32 nats down.
    assert log_marginal_quadrature(decoder, images[:1], extent=8.0, step=0.2, subdivisions=4).shape == (1,)
    with pytest.raises(ValueError, match="extent must contain"):
        log_marginal_quadrature(decoder, images[:1], window=30.0)  # at 6 the prior is only 18 nats down
    with pytest.raises(ValueError, match="x must have shape"):
        log_marginal_quadrature(tiny_decoder(1.0), images.reshape(3, 28, 28))
    with pytest.raises(ValueError, match="decoder must have a 2-D latent space"):
        log_marginal_quadrature(tiny_decoder(1.0, latent_dim=3), images)
    with pytest.raises(ValueError, match="decoder must have a 2-D latent space"):
        log_marginal_quadrature(build_decoder(latent_dim=3, hidden=4), images)
    with pytest.raises(ValueError, match="decoder must be a Keras decoder or a NumpyDecoder"):
        log_marginal_quadrature(encoder, images)  # the halves swapped
    with pytest.raises(ValueError, match="decoder must be a Keras decoder or a NumpyDecoder"):
        log_marginal_quadrature("decoder", images)
    with pytest.raises(ValueError, match="step and subdivisions must resolve"):
        log_marginal_quadrature(tiny_decoder(20.0), images, step=1.5, subdivisions=2, max_subdivisions=2, tolerance=1e-3)
    with pytest.raises(ValueError, match="extent must contain"):
        log_marginal_quadrature(tiny_decoder(1.0), images, extent=0.5, step=0.05)  # the prior reaches past 0.5
    with pytest.raises(ValueError, match="subdivisions must be an integer >= 2"):
        log_marginal_quadrature(tiny_decoder(1.0), images, subdivisions=1)


def test_gaussian_elbo_matches_monte_carlo_and_the_best_gaussian_is_best(images):
    from vae_helpers.elbo import best_diagonal_gaussian, gaussian_elbo, posterior_grids

    decoder = tiny_decoder(3.0)
    x = images[:1].astype(np.float64)
    grid = posterior_grids(decoder, x, extent=7.0, step=0.05, subdivisions=10)[0]
    mu, log_var = best_diagonal_gaussian(grid)
    best = gaussian_elbo(decoder, x, mu[None], log_var[None])[0]
    # Monte Carlo, independently: E_q[log p(x, z) - log q(z)] with 20,000 draws.
    rng = np.random.default_rng(0)
    z = mu + np.exp(0.5 * log_var) * rng.standard_normal((20000, 2))
    log_q = stats.multivariate_normal(mu, np.diag(np.exp(log_var))).logpdf(z)
    terms = np.array([log_joint_by_hand(decoder, x[0], *point) for point in z[:4000]]) - log_q[:4000]
    assert best == pytest.approx(terms.mean(), abs=4 * terms.std() / np.sqrt(len(terms)))
    assert best <= grid.log_marginal
    for shift, scale in ((0.05, 1.0), (0.0, 1.5), (0.0, 0.6), (-0.05, 1.2)):
        other = gaussian_elbo(decoder, x, (mu + shift)[None], (log_var + 2 * np.log(scale))[None])[0]
        assert other < best
    with pytest.raises(ValueError, match="mu must have shape"):
        gaussian_elbo(decoder, x, mu, log_var)
    with pytest.raises(ValueError, match="grid must be a PosteriorGrid"):
        best_diagonal_gaussian((grid.z, grid.log_area))


# --- the true posterior in the page (maths.js posteriorGrid), against posterior_grids ---------------------


GAUSSIAN_POSTERIORS = [([0.7, -1.2], [0.3, 0.1], -42.0), ([-2.5, 3.0], [0.02, 0.05], 17.0), ([1.0, -0.5], [0.6, 0.8], 0.0),
                       ([0.0, 0.0], [2.0, 2.0], 0.0)]  # the last reaches the grid's edge: log p(x) misses a little


@pytest.mark.parametrize("mean, std, log_marginal", GAUSSIAN_POSTERIORS)
def test_the_pages_posterior_grid_finds_a_gaussians_mass_mean_and_highest_density_regions(mean, std, log_marginal):
    """log p(x, z) = log_marginal + log N(z; mean, diag std²): every answer is known in closed form."""
    fractions = [1 - np.exp(-0.5), 1 - np.exp(-2.0), 0.5]
    got = run_es_module(
        WIDGETS / "src" / "maths.js",
        f"const [mean, std, c] = {json.dumps([mean, std, log_marginal])};"
        "const logJoint = (z) => c + m.normalLogPdf(z[0], mean[0], std[0]) + m.normalLogPdf(z[1], mean[1], std[1]);"
        f"const grid = m.posteriorGrid(logJoint, 6); const levels = m.highestDensityLevels(grid.mass, {json.dumps(fractions)});"
        "return {logMarginal: grid.logMarginal, mean: grid.mean, mode: grid.mode, edge: grid.reachesEdge, box: grid.box,"
        " cells: grid.cells, ratios: levels.map((level) => level / Math.max(...grid.mass))};",
    )
    assert got["edge"] == (max(std) > 1)  # N(0, 2² I) is 4.5 nats down at the edge, inside the 20-nat window
    if got["edge"]:
        # What the grid misses is the mass outside [-6, 6]², known in closed form.
        inside = (stats.norm.cdf(6, 0, std[0]) - stats.norm.cdf(-6, 0, std[0])) ** 2
        assert got["logMarginal"] == pytest.approx(log_marginal + np.log(inside), abs=1e-3)
        return
    assert got["logMarginal"] == pytest.approx(log_marginal, abs=1e-3)
    np.testing.assert_allclose(got["mean"], mean, atol=1e-3 * max(std))
    cell = np.array([got["box"][1] - got["box"][0], got["box"][3] - got["box"][2]]) / got["cells"]
    assert np.all(np.abs(np.array(got["mode"]) - mean) <= cell)
    # A 2-D Gaussian's region holding f of its mass is bounded where the density is (1 - f) of its peak.
    np.testing.assert_allclose(got["ratios"], [1 - f for f in fractions], atol=0.03)


def test_the_pages_true_posterior_matches_posterior_grids_on_the_shipped_decoder(tmp_path):
    import base64

    from scipy.special import softmax

    from vae_helpers.data import load_mnist
    from vae_helpers.elbo import posterior_grids
    from vae_helpers.model import load_pretrained
    from vae_helpers.numpy_decoder import NumpyDecoder
    from vae_helpers.widgets.explorer import _layers

    decoder = NumpyDecoder.from_keras(load_pretrained()[1])
    x = load_mnist("bundled")[1][0][:2].astype(np.float64)  # two held-out digits
    # The page's Dense chain reads the very bytes the explorer sends (float32), from a file: too long for argv.
    layers = [{**layer, "kernel": base64.b64encode(layer["kernel"]).decode(), "bias": base64.b64encode(layer["bias"]).decode()}
              for layer in _layers(decoder)]
    (tmp_path / "inputs.json").write_text(json.dumps({"layers": layers, "x": x.tolist()}))
    prelude = (
        "const fs = await import('node:fs');"
        f"const dense = await import({json.dumps((WIDGETS / 'src' / 'dense.js').as_uri())});"
        f"const inputs = JSON.parse(fs.readFileSync({json.dumps(str(tmp_path / 'inputs.json'))}, 'utf8'));"
        "const chain = new dense.DenseChain(inputs.layers.map((l) => ({...l, kernel: Buffer.from(l.kernel, 'base64'), bias: Buffer.from(l.bias, 'base64')})));"
    )
    got = run_es_module(
        WIDGETS / "src" / "maths.js",
        "return inputs.x.map((x) => m.posteriorGrid((z) => -m.reconstructionLoss(x, chain.forward(z)) + m.logStandardNormal(z), 6));",
        prelude,
    )
    for page, grid in zip(got, posterior_grids(decoder, x)):
        weight = softmax(grid.log_joint + grid.log_area)
        assert page["logMarginal"] == pytest.approx(grid.log_marginal, abs=0.01)  # the twin's own tolerance
        np.testing.assert_allclose(page["mean"], weight @ grid.z, atol=2e-3)
        np.testing.assert_allclose(page["mode"], grid.z[np.argmax(grid.log_joint)], atol=0.03)  # within a cell or two
        assert not page["reachesEdge"]
