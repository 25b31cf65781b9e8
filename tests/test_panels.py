"""vae_helpers.panels, driven like a reader: set a slider, check what is computed and drawn.

Expected values come from scipy (entropies, densities) and numerical integration, not from
vae_helpers itself.
"""

import json
import subprocess
import sys

import numpy as np
import pytest
from scipy import stats

from conftest import REPO_ROOT, kl_by_integration
from vae_helpers.panels import CoinPanel, DistributionPanel, GaussianKLPanel

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def bar_heights(bars):
    return np.array([bar.get_height() for bar in bars])


# --- CoinPanel -------------------------------------------------------------------------


def test_coin_panel_follows_its_slider():
    panel = CoinPanel(bias=0.2)
    before = bytes(panel.image.value)

    panel.slider.value = 0.3

    assert panel.bias == 0.3
    assert panel.entropy == pytest.approx(stats.entropy([0.3, 0.7], base=2))
    np.testing.assert_allclose(panel.marker.get_xdata(), [0.3])
    np.testing.assert_allclose(panel.marker.get_ydata(), [stats.entropy([0.3, 0.7], base=2)])
    assert bytes(panel.image.value) != before and bytes(panel.image.value).startswith(PNG_SIGNATURE)


@pytest.mark.parametrize("bias, expected", [(0.5, 1.0), (0.0, 0.0), (1.0, 0.0)])
def test_coin_panel_entropy_peaks_at_one_half_and_vanishes_at_the_ends(bias, expected):
    panel = CoinPanel()
    panel.slider.value = bias
    assert panel.entropy == pytest.approx(expected, abs=1e-12)


def test_coin_panel_in_nats():
    panel = CoinPanel(bias=0.5, base=np.e)
    assert panel.entropy == pytest.approx(np.log(2))


def test_coin_panel_rejects_a_bias_outside_zero_one():
    with pytest.raises(ValueError, match="bias"):
        CoinPanel(bias=1.5)


# --- DistributionPanel -----------------------------------------------------------------


def test_distribution_panel_starts_from_its_weights():
    panel = DistributionPanel(p=[0.5, 0.25, 0.125, 0.125], q=[0.25, 0.25, 0.25, 0.25])
    assert panel.entropy == pytest.approx(1.75)  # hand-worked: 0.5*1 + 0.25*2 + 2*0.125*3
    assert panel.cross_entropy == pytest.approx(2.0)
    assert panel.kl == pytest.approx(0.25)
    np.testing.assert_allclose(bar_heights(panel.p_bars), [0.5, 0.25, 0.125, 0.125])


def test_distribution_panel_sliders_drive_the_quantities_and_the_bars():
    panel = DistributionPanel(p=[0.5, 0.25, 0.125, 0.125], q=[0.25, 0.25, 0.25, 0.25])
    before = bytes(panel.image.value)

    panel.p_sliders[0].value = 0.9
    panel.q_sliders[3].value = 0.05

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
    np.testing.assert_allclose(bar_heights(panel.p_bars), p)
    np.testing.assert_allclose(bar_heights(panel.q_bars), q)
    np.testing.assert_allclose(bar_heights(panel.quantity_bars), expected)
    assert [label.get_text() for label in panel.quantity_labels] == [f"{value:.3f}" for value in expected]
    assert bytes(panel.image.value) != before


def test_distribution_panel_shows_zero_divergence_when_q_equals_p():
    panel = DistributionPanel(p=[0.2, 0.3, 0.5], q=[0.5, 0.5, 0.5])
    for slider, weight in zip(panel.q_sliders, [0.2, 0.3, 0.5]):
        slider.value = weight
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
    [([0.5, 0.5], [0.3, 0.3, 0.4], "outcomes"), ([0.0, 1.0], [0.5, 0.5], "p must hold weights"), ([1.0], [1.0], "2 to 8")],
)
def test_distribution_panel_rejects_bad_weights(p, q, match):
    with pytest.raises(ValueError, match=match):
        DistributionPanel(p=p, q=q)


# --- GaussianKLPanel -------------------------------------------------------------------


def test_gaussian_panel_sliders_drive_the_densities_and_the_divergences():
    panel = GaussianKLPanel(mu=1.0, sigma=0.5, n_samples=2000, seed=3)
    before = bytes(panel.image.value)

    panel.mu_slider.value = -1.5
    panel.sigma_slider.value = 1.5

    assert (panel.mu, panel.sigma) == (-1.5, 1.5)
    np.testing.assert_allclose(panel.q_line.get_ydata(), stats.norm.pdf(panel.x, -1.5, 1.5))
    np.testing.assert_allclose(panel.q_density, stats.norm.pdf(panel.x, -1.5, 1.5))
    np.testing.assert_allclose(panel.p_line.get_ydata(), stats.norm.pdf(panel.x))
    assert panel.kl_closed_form == pytest.approx(kl_by_integration(-1.5, 1.5**2, 0.0, 1.0), abs=1e-8)
    assert abs(panel.kl_estimate - panel.kl_closed_form) < 4 * panel.kl_standard_error
    np.testing.assert_allclose(bar_heights(panel.kl_bars), [panel.kl_closed_form, panel.kl_estimate])
    low, high = panel.error_bar.get_ydata()
    assert (low, high) == pytest.approx((panel.kl_estimate - 2 * panel.kl_standard_error,
                                         panel.kl_estimate + 2 * panel.kl_standard_error))
    assert bytes(panel.image.value) != before


def test_gaussian_panel_at_the_prior_shows_exactly_zero():
    panel = GaussianKLPanel()
    panel.mu_slider.value = 0.0
    panel.sigma_slider.value = 1.0
    assert panel.kl_closed_form == 0.0
    assert panel.kl_estimate == 0.0 and panel.kl_standard_error == 0.0
    np.testing.assert_allclose(panel.q_line.get_ydata(), panel.p_line.get_ydata())


def test_gaussian_panel_monte_carlo_is_repeatable_with_its_seed():
    first, second = GaussianKLPanel(seed=7), GaussianKLPanel(seed=7)
    assert first.kl_estimate == second.kl_estimate


@pytest.mark.parametrize(
    "kwargs, match", [({"sigma": 0.0}, "sigma"), ({"mu": 10.0}, "mu"), ({"n_samples": 1}, "n_samples")]
)
def test_gaussian_panel_rejects_bad_arguments(kwargs, match):
    with pytest.raises(ValueError, match=match):
        GaussianKLPanel(**kwargs)


def test_a_snapshot_is_a_png_of_the_current_view():
    panel = GaussianKLPanel()
    snapshot = panel.snapshot()
    assert snapshot.data.startswith(PNG_SIGNATURE)
    panel.mu_slider.value = 2.0
    assert panel.snapshot().data != snapshot.data


def test_a_panel_displays_as_its_widget():
    panel = CoinPanel()
    bundle = panel._repr_mimebundle_()
    assert "application/vnd.jupyter.widget-view+json" in bundle


def test_the_panels_and_chapters_1_and_2_do_not_load_tensorflow():
    # Importing TensorFlow costs seconds per notebook; chapters 1-2 never need it.
    code = "import sys, vae_helpers.panels; print('tensorflow' in sys.modules or 'keras' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip() == "False"
    for name in ("01_information_theory", "02_kl_gaussians"):
        notebook = json.loads((REPO_ROOT / "notebooks" / f"{name}.ipynb").read_text())
        sources = "".join("".join(cell["source"]) for cell in notebook["cells"] if cell["cell_type"] == "code")
        assert "tensorflow" not in sources and "keras" not in sources and "vae_helpers.model" not in sources
