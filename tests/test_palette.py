"""The digits' label colours (vae_helpers/palette.py) against WCAG 2's contrast for graphics, in both themes.

The contrast ratio and CIELAB are computed here from their definitions (WCAG 2.x "relative
luminance" and "contrast ratio"; CIE 1976 L*a*b* with the D65 white), with hand-worked cases;
the backgrounds and the ink are read from the widgets' own theme.css, so a change there is
checked too.
"""

from __future__ import annotations

import itertools
import re
from pathlib import Path

import numpy as np
import pytest

from vae_helpers.palette import LABEL_COLOURS

THEME_CSS = Path(__file__).resolve().parents[1] / "vae_helpers" / "widgets" / "src" / "theme.css"
GRAPHICS_CONTRAST = 3.0  # WCAG 2.1, success criterion 1.4.11 (non-text contrast)
APART = 25.0  # CIE76 colour difference between any two labels; tab10's closest pair (purple, pink) is 27.7
CHROMATIC = 25.0  # CIELAB chroma of every label colour at least (the brown is the least, 28): none passes for the ink
NEUTRAL = 10.0  # the ink's and the paper's chroma at most: the marks drawn in ink are no digit's colour


def srgb(colour: str) -> np.ndarray:
    assert re.fullmatch(r"#[0-9a-fA-F]{6}", colour), colour
    return np.array([int(colour[k:k + 2], 16) / 255 for k in (1, 3, 5)])


def linear(colour: str) -> np.ndarray:
    c = srgb(colour)
    return np.where(c <= 0.04045, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)


def luminance(colour: str) -> float:
    return float(linear(colour) @ [0.2126, 0.7152, 0.0722])


def contrast(a: str, b: str) -> float:
    darker, lighter = sorted([luminance(a), luminance(b)])
    return (lighter + 0.05) / (darker + 0.05)


def lab(colour: str) -> np.ndarray:
    to_xyz = np.array([[0.4124564, 0.3575761, 0.1804375], [0.2126729, 0.7151522, 0.0721750], [0.0193339, 0.1191920, 0.9503041]])
    xyz = to_xyz @ linear(colour) / np.array([0.95047, 1.0, 1.08883])
    f = np.where(xyz > (6 / 29) ** 3, np.cbrt(xyz), xyz / (3 * (6 / 29) ** 2) + 4 / 29)
    return np.array([116 * f[1] - 16, 500 * (f[0] - f[1]), 200 * (f[1] - f[2])])


def theme_pair(name: str) -> tuple[str, str]:
    """The light and the dark value of --vae-NAME as theme.css writes it, light-dark(light, dark)."""
    match = re.search(rf"--vae-{name}:[^;]*light-dark\((#[0-9a-fA-F]{{6}}), (#[0-9a-fA-F]{{6}})\)", THEME_CSS.read_text())
    assert match, f"--vae-{name} in theme.css is not written as light-dark(#light, #dark)"
    return match.group(1), match.group(2)


def test_the_formulas_on_hand_worked_cases():
    assert contrast("#000000", "#ffffff") == pytest.approx(21.0)
    assert contrast("#777777", "#ffffff") == pytest.approx(4.48, abs=0.005)  # WCAG's grey that just fails 4.5:1
    assert contrast("#ffffff", "#ffffff") == 1.0
    np.testing.assert_allclose(lab("#ffffff"), [100, 0, 0], atol=0.01)
    np.testing.assert_allclose(lab("#ff0000"), [53.24, 80.09, 67.20], atol=0.05)  # sRGB red, as colour references give it


def test_the_palette_has_ten_distinct_colours_written_as_hex():
    assert len(LABEL_COLOURS) == 10
    assert len({colour.lower() for colour in LABEL_COLOURS}) == 10
    for colour in LABEL_COLOURS:
        assert re.fullmatch(r"#[0-9a-f]{6}", colour), colour


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_every_label_colour_has_3_to_1_against_the_widgets_background(theme):
    background = theme_pair("background")[theme == "dark"]
    ratios = {digit: contrast(colour, background) for digit, colour in enumerate(LABEL_COLOURS)}
    low = {digit: round(ratio, 2) for digit, ratio in ratios.items() if ratio < GRAPHICS_CONTRAST}
    assert not low, f"label colours under {GRAPHICS_CONTRAST}:1 against {background}: {low}"


def test_tab10_fails_where_the_palette_passes():
    """The check can fail: four of matplotlib's tab10 colours are under 3:1 on white (issue 29)."""
    tab10 = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"]
    assert sum(contrast(colour, "#ffffff") < GRAPHICS_CONTRAST for colour in tab10) == 4


def test_any_two_labels_stay_apart():
    distances = {(a, b): float(np.linalg.norm(lab(LABEL_COLOURS[a]) - lab(LABEL_COLOURS[b])))
                 for a, b in itertools.combinations(range(10), 2)}
    closest = min(distances, key=distances.get)
    assert distances[closest] >= APART, f"digits {closest} are only {distances[closest]:.1f} apart (CIE76)"


def test_no_label_colour_can_pass_for_the_marks_in_ink():
    """The ring, q's ellipses, the true posterior and the styles' cross are drawn in the theme's ink with a
    halo of its background: both neutral, every label colour chromatic."""
    for colour in LABEL_COLOURS:
        assert np.hypot(*lab(colour)[1:]) >= CHROMATIC, colour
    for colour in (*theme_pair("ink"), *theme_pair("background")):
        assert np.hypot(*lab(colour)[1:]) <= NEUTRAL, colour


def test_the_maps_of_codes_use_the_palette():
    import matplotlib.pyplot as plt
    from matplotlib.colors import to_hex

    from vae_helpers.latent import plot_latent_scatter

    labels = np.arange(10).repeat(2)
    figure = plot_latent_scatter(np.random.default_rng(0).normal(size=(20, 2)), labels, legend=False)
    colours = [to_hex(collection.get_facecolor()[0]) for collection in figure.axes[0].collections]
    plt.close(figure)
    assert colours == list(LABEL_COLOURS)
