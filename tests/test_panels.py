"""vae_helpers.widgets.panels: the Python traits and the JavaScript maths, each against an independent reference.

The Python side is driven like code would drive it (set a trait, read the quantities) and
checked against scipy and numerical integration. The JavaScript module's pure functions run
in Node.js and are checked value by value against vae_helpers.info and vae_helpers.gaussian.
The pages that show the panels are driven in tests/test_browser.py and tests/test_jupyterlab.py.
"""

import json
import subprocess
import sys

import numpy as np
import pytest
from scipy import stats

from conftest import REPO_ROOT, kl_by_integration, run_es_module
from vae_helpers.gaussian import kl_monte_carlo, kl_to_standard_normal, normal_pdf
from vae_helpers.info import cross_entropy, entropy, kl_divergence
from vae_helpers.widgets import CoinPanel, DistributionPanel, GaussianKLPanel

WIDGETS = REPO_ROOT / "vae_helpers" / "widgets"
MATHS = WIDGETS / "src" / "maths.js"  # what the page computes, each formula once
CLOSED_FORM_TOLERANCE = 1e-9


# --- CoinPanel -------------------------------------------------------------------------


def test_coin_panel_follows_its_bias():
    panel = CoinPanel(bias=0.2)
    panel.bias = 0.3
    assert panel.entropy == pytest.approx(stats.entropy([0.3, 0.7], base=2))


@pytest.mark.parametrize("bias, expected", [(0.5, 1.0), (0.0, 0.0), (1.0, 0.0)])
def test_coin_panel_entropy_peaks_at_one_half_and_vanishes_at_the_ends(bias, expected):
    panel = CoinPanel()
    panel.bias = bias
    assert panel.entropy == pytest.approx(expected, abs=1e-12)


def test_coin_panel_in_nats():
    assert CoinPanel(bias=0.5, base=np.e).entropy == pytest.approx(np.log(2))


@pytest.mark.parametrize("kwargs, match", [({"bias": 1.5}, "bias"), ({"bias": "a"}, "bias"), ({"base": 1}, "base")])
def test_coin_panel_rejects_bad_arguments(kwargs, match):
    with pytest.raises(ValueError, match=match):
        CoinPanel(**kwargs)


def test_coin_panel_rejects_a_bad_bias_set_by_code():
    panel = CoinPanel(bias=0.2)
    with pytest.raises(ValueError, match="bias"):
        panel.bias = -0.1
    assert panel.bias == 0.2


# --- DistributionPanel -----------------------------------------------------------------


def test_distribution_panel_starts_from_its_weights():
    panel = DistributionPanel(p=[0.5, 0.25, 0.125, 0.125], q=[0.25, 0.25, 0.25, 0.25])
    assert panel.entropy == pytest.approx(1.75)  # hand-worked: 0.5*1 + 0.25*2 + 2*0.125*3
    assert panel.cross_entropy == pytest.approx(2.0)
    assert panel.kl == pytest.approx(0.25)
    np.testing.assert_allclose(panel.p, [0.5, 0.25, 0.125, 0.125])


def test_distribution_panel_weights_drive_the_quantities():
    panel = DistributionPanel(p=[0.5, 0.25, 0.125, 0.125], q=[0.25, 0.25, 0.25, 0.25])
    panel.p_weights = [0.9, 0.25, 0.125, 0.125]
    panel.q_weights = [0.25, 0.25, 0.25, 0.05]

    p = np.array([0.9, 0.25, 0.125, 0.125]) / 1.4
    q = np.array([0.25, 0.25, 0.25, 0.05]) / 0.8
    np.testing.assert_allclose(panel.p, p)
    np.testing.assert_allclose(panel.q, q)
    expected = [
        stats.entropy(p, base=2),
        stats.entropy(p, base=2) + stats.entropy(p, q, base=2),
        stats.entropy(p, q, base=2),
        stats.entropy(q, p, base=2),
    ]
    np.testing.assert_allclose([panel.entropy, panel.cross_entropy, panel.kl, panel.reverse_kl], expected)


def test_distribution_panel_shows_zero_divergence_when_q_equals_p():
    panel = DistributionPanel(p=[0.2, 0.3, 0.5], q=[0.5, 0.5, 0.5])
    panel.q_weights = [0.2, 0.3, 0.5]
    assert panel.kl == pytest.approx(0.0, abs=1e-12)
    assert panel.reverse_kl == pytest.approx(0.0, abs=1e-12)
    assert panel.cross_entropy == pytest.approx(stats.entropy([0.2, 0.3, 0.5], base=2))


def test_distribution_panel_is_asymmetric_and_works_in_nats():
    panel = DistributionPanel(p=[0.9, 0.05, 0.05], q=[1.0, 1.0, 1.0], base=np.e)
    assert panel.kl == pytest.approx(stats.entropy([0.9, 0.05, 0.05], [1 / 3] * 3))
    assert panel.reverse_kl == pytest.approx(stats.entropy([1 / 3] * 3, [0.9, 0.05, 0.05]))
    assert panel.kl != pytest.approx(panel.reverse_kl)


@pytest.mark.parametrize(
    "p, q, match",
    [([0.5, 0.5], [0.3, 0.3, 0.4], "outcomes"), ([0.0, 1.0], [0.5, 0.5], r"p must hold finite numbers in \[0.01, 1\]"), ([1.0], [1.0], "2 to 8")],
)
def test_distribution_panel_rejects_bad_weights(p, q, match):
    with pytest.raises(ValueError, match=match):
        DistributionPanel(p=p, q=q)


def test_distribution_panel_rejects_weights_set_by_code_for_another_number_of_outcomes():
    panel = DistributionPanel(p=[0.5, 0.5], q=[0.3, 0.7])
    with pytest.raises(ValueError, match="q_weights must have as many outcomes"):
        panel.q_weights = [0.2, 0.3, 0.5]


# --- GaussianKLPanel -------------------------------------------------------------------


def test_gaussian_panel_mu_and_sigma_drive_the_densities_and_the_divergences():
    panel = GaussianKLPanel(mu=1.0, sigma=0.5, n_samples=2000, seed=3)
    panel.mu, panel.sigma = -1.5, 1.5

    np.testing.assert_allclose(panel.q_density, stats.norm.pdf(panel.x, -1.5, 1.5))
    np.testing.assert_allclose(panel.p_density, stats.norm.pdf(panel.x))
    assert panel.kl_closed_form == pytest.approx(kl_by_integration(-1.5, 1.5**2, 0.0, 1.0), abs=1e-8)
    assert abs(panel.kl_estimate - panel.kl_closed_form) < 4 * panel.kl_standard_error


def test_gaussian_panel_at_the_prior_shows_exactly_zero():
    panel = GaussianKLPanel()
    panel.mu, panel.sigma = 0.0, 1.0
    assert panel.kl_closed_form == 0.0
    assert panel.kl_estimate == 0.0 and panel.kl_standard_error == 0.0


def test_gaussian_panel_sends_the_draws_of_its_seed():
    panel = GaussianKLPanel(n_samples=50, seed=7)
    np.testing.assert_array_equal(panel.draws, np.random.default_rng(7).standard_normal(50))
    assert GaussianKLPanel(seed=7).kl_estimate == GaussianKLPanel(seed=7).kl_estimate


@pytest.mark.parametrize(
    "kwargs, match",
    [({"sigma": 0.0}, "sigma"), ({"mu": 10.0}, "mu"), ({"n_samples": 1}, "n_samples"), ({"seed": -1}, "seed")],
)
def test_gaussian_panel_rejects_bad_arguments(kwargs, match):
    with pytest.raises(ValueError, match=match):
        GaussianKLPanel(**kwargs)


def test_a_panel_displays_as_an_anywidget_carrying_its_module():
    panel = CoinPanel()
    bundle = panel._repr_mimebundle_()
    bundle = bundle[0] if isinstance(bundle, tuple) else bundle
    assert "application/vnd.jupyter.widget-view+json" in bundle
    state = panel.get_state()
    assert state["_model_module"] == "anywidget"
    # The module the page runs: the panels' bundle, and its style; the sliders' ranges as declared in Python.
    assert state["_esm"] == (WIDGETS / "static" / "panels.js").read_text()
    assert state["_css"] == (WIDGETS / "static" / "panels.css").read_text()
    assert state["panel"] == "coin" and state["bias"] == 0.2
    assert state["ranges"] == {"bias": [0.0, 1.0, 0.01]}


# --- the JavaScript maths, value by value against the Python -----------------------------


def _js(body: str):
    return run_es_module(MATHS, body)


DISTRIBUTIONS = [
    ([0.5, 0.25, 0.125, 0.125], [0.25, 0.25, 0.25, 0.25]),
    ([0.9, 0.05, 0.05], [0.2, 0.3, 0.5]),
    ([0.0, 0.3, 0.7], [0.1, 0.1, 0.8]),
    ([0.01, 0.99], [0.99, 0.01]),
]


@pytest.mark.parametrize("base", [2, np.e])
def test_the_page_computes_entropy_cross_entropy_and_kl_as_vae_helpers_info(base):
    got = _js(
        f"const cases = {json.dumps(DISTRIBUTIONS)}; const base = {base!r};"
        "return cases.map(([p, q]) => [m.entropy(p, base), m.crossEntropy(p, q, base),"
        " m.klDivergence(p, q, base), m.klDivergence(q, p, base)]);"
    )
    for (p, q), values in zip(DISTRIBUTIONS, got):
        expected = [entropy(p, base), cross_entropy(p, q, base), kl_divergence(p, q, base), kl_divergence(q, p, base)]
        np.testing.assert_allclose(values, expected, rtol=0, atol=CLOSED_FORM_TOLERANCE)


def test_the_page_normalises_weights_as_the_panel():
    weights = [0.9, 0.25, 0.125, 0.125]
    got = _js(f"return m.normalise({json.dumps(weights)});")
    np.testing.assert_allclose(got, DistributionPanel(p=weights, q=[1, 1, 1, 1]).p, rtol=0, atol=1e-15)


GAUSSIANS = [(1.0, 0.5), (-1.5, 1.5), (0.0, 1.0), (3.0, 0.1), (-2.95, 3.0)]


def test_the_page_computes_the_gaussian_kl_closed_form_and_densities_as_vae_helpers_gaussian():
    x = np.linspace(-6, 6, 13)
    got = _js(
        f"const cases = {json.dumps(GAUSSIANS)}; const xs = {json.dumps(x.tolist())};"
        "return cases.map(([mu, sigma]) => [m.klToStandardNormal([mu], [2 * Math.log(sigma)]),"
        " xs.map((x) => m.normalPdf(x, mu, sigma))]);"
    )
    for (mu, sigma), (closed_form, densities) in zip(GAUSSIANS, got):
        expected = kl_to_standard_normal(np.array([mu]), np.array([2 * np.log(sigma)]))
        assert closed_form == pytest.approx(float(expected), abs=CLOSED_FORM_TOLERANCE)
        np.testing.assert_allclose(densities, normal_pdf(x, mu, sigma), rtol=1e-12, atol=0)


@pytest.mark.parametrize("seed, n_samples", [(0, 1000), (7, 2)])
def test_the_page_monte_carlo_estimate_equals_kl_monte_carlo_for_the_same_seed(seed, n_samples):
    draws = GaussianKLPanel(n_samples=n_samples, seed=seed).draws
    got = _js(
        f"const cases = {json.dumps(GAUSSIANS)}; const draws = {json.dumps(draws)};"
        "return cases.map(([mu, sigma]) => m.klMonteCarlo(mu, 2 * Math.log(sigma), draws));"
    )
    for (mu, sigma), value in zip(GAUSSIANS, got):
        expected = kl_monte_carlo(np.array([mu]), np.array([2 * np.log(sigma)]), n_samples, seed=seed)
        assert value["estimate"] == pytest.approx(float(expected.estimate[()]), abs=CLOSED_FORM_TOLERANCE)
        assert value["standardError"] == pytest.approx(float(expected.standard_error[()]), abs=CLOSED_FORM_TOLERANCE)


def test_numpy_scalars_and_arrays_are_taken_where_numbers_and_lists_are_meant():
    coin = CoinPanel(bias=np.float32(0.25))
    assert coin.bias == 0.25 and coin.entropy == pytest.approx(stats.entropy([0.25, 0.75], base=2))
    gaussian = GaussianKLPanel(mu=np.int64(1), sigma=np.float16(0.5))
    assert (gaussian.mu, gaussian.sigma) == (1.0, 0.5)
    panel = DistributionPanel(p=np.array([0.5, 0.5]), q=(0.25, 0.75))
    panel.q_weights = np.array([0.5, 0.25])
    assert panel.q_weights == [0.5, 0.25] and type(panel.q_weights[0]) is float


@pytest.mark.parametrize("name, value", [("bias", np.nan), ("bias", np.inf), ("bias", True), ("bias", "0.3"), ("bias", [0.3])])
def test_a_coin_refuses_what_is_not_a_bias_however_it_is_set(name, value):
    panel = CoinPanel(bias=0.2)
    with pytest.raises(ValueError, match=name):
        setattr(panel, name, value)
    with pytest.raises(ValueError, match=name):
        CoinPanel(**{name: value})
    assert panel.bias == 0.2


def test_the_gaussian_panel_estimate_follows_n_samples_and_seed_set_after_construction():
    panel = GaussianKLPanel(mu=1.0, sigma=0.5, n_samples=1000, seed=0)
    panel.n_samples, panel.seed = 37, 4
    expected = kl_monte_carlo(np.array([1.0]), np.array([2 * np.log(0.5)]), 37, seed=4)
    assert len(panel.draws) == 37 and panel.kl_estimate == pytest.approx(float(expected.estimate[()]), abs=1e-12)
    page = _js(f"return m.klMonteCarlo(1.0, 2 * Math.log(0.5), {json.dumps(panel.draws)});")
    assert page["estimate"] == pytest.approx(panel.kl_estimate, abs=CLOSED_FORM_TOLERANCE)
    with pytest.raises(ValueError, match="n_samples"):
        panel.n_samples = 1
    assert len(panel.draws) == 37


def test_the_panels_and_chapters_1_and_2_do_not_load_tensorflow():
    # Importing TensorFlow costs seconds per notebook; chapters 1-2 never need it.
    code = "import sys, vae_helpers.widgets; print('tensorflow' in sys.modules or 'keras' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip() == "False"
    for name in ("01_information_theory", "02_kl_gaussians"):
        notebook = json.loads((REPO_ROOT / "notebooks" / f"{name}.ipynb").read_text())
        sources = "".join("".join(cell["source"]) for cell in notebook["cells"] if cell["cell_type"] == "code")
        assert "tensorflow" not in sources and "keras" not in sources and "vae_helpers.model" not in sources
