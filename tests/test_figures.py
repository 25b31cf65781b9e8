"""vae_helpers.figures: the book's type sizes and widths, and the smallest text recorded in each PNG."""

import io

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from PIL import Image  # noqa: E402

from vae_helpers.figures import (  # noqa: E402
    BOOK_STYLE,
    MAX_IMAGE_INCHES,
    MAX_WIDTH_INCHES,
    PHONE_COLUMN_PX,
    SMALLEST_TEXT_PT,
    SMALLEST_TEXT_PX,
    TEXT_SIZE_KEY,
    figure_png,
    smallest_text_points,
)
from vae_helpers.model import build_decoder, build_encoder  # noqa: E402


@pytest.fixture(autouse=True)
def book_style():
    with matplotlib.rc_context(BOOK_STYLE):
        yield
    plt.close("all")


def test_the_smallest_text_is_the_smallest_drawn():
    figure, ax = plt.subplots()
    ax.plot([0, 1])
    ax.set_title("title", fontsize=14)
    ax.text(0.5, 0.5, "small", fontsize=7.5)
    ax.text(0.5, 0.2, "hidden", fontsize=5).set_visible(False)
    ax.text(0.5, 0.3, " ", fontsize=4)  # draws nothing
    assert smallest_text_points(figure) == 7.5


def test_tick_labels_of_an_axis_turned_off_do_not_count():
    figure, ax = plt.subplots()
    ax.tick_params(labelsize=6)
    ax.imshow(np.zeros((2, 2)))
    ax.set_axis_off()
    assert smallest_text_points(figure) == float("inf")
    ax.set_title("a title", fontsize=13)
    assert smallest_text_points(figure) == 13


def test_the_book_style_letters_every_text_at_its_smallest_size_or_more():
    figure, ax = plt.subplots()
    ax.plot([0, 1], label="a line")
    ax.set(xlabel="x", ylabel="y", title="t")
    ax.legend(title="legend")
    figure.colorbar(ax.imshow(np.zeros((2, 2))), label="colour")
    assert smallest_text_points(figure) == SMALLEST_TEXT_PT


def test_the_png_records_the_smallest_text_in_its_own_pixels():
    figure, ax = plt.subplots(figsize=(3, 2), dpi=80)
    ax.plot([0, 1])
    ax.set_xlabel("x", fontsize=9)
    ax.tick_params(labelsize=12)
    image = Image.open(io.BytesIO(figure_png(figure, dpi=150)))
    assert float(image.text[TEXT_SIZE_KEY]) == pytest.approx(9 * 150 / 72, abs=1e-3)


def test_a_figure_of_the_largest_width_renders_its_smallest_text_at_the_threshold_on_a_phone():
    assert MAX_WIDTH_INCHES + 0.2 <= MAX_IMAGE_INCHES
    # s points in an image w inches wide shown c px wide: s / 72 * c / w CSS px, whatever the dpi.
    assert SMALLEST_TEXT_PT / 72 * PHONE_COLUMN_PX / MAX_IMAGE_INCHES == pytest.approx(SMALLEST_TEXT_PX)


def _book_figures():
    from vae_helpers.diagram import plot_data_flow
    from vae_helpers.latent import (plot_beta_comparison, plot_latent_scatter, plot_manifold, plot_prior_samples,
                                    plot_reconstructions, prior_grid)
    from vae_helpers.train import plot_training_curves

    encoder, decoder = build_encoder(hidden=256, depth=2, seed=0), build_decoder(hidden=256, depth=2, seed=0)
    rng = np.random.default_rng(0)
    mu, labels = 4 * rng.standard_normal((500, 2)), rng.integers(0, 10, 500)
    history = {name: list(rng.uniform(size=5)) for name in
               ("loss", "reconstruction_loss", "kl_loss", "val_loss", "val_reconstruction_loss", "val_kl_loss", "learning_rate")}
    return {
        "data flow": lambda: plot_data_flow(encoder, decoder),
        "training curves": lambda: plot_training_curves(history),
        "latent scatter": lambda: plot_latent_scatter(mu, labels, title="Test digits in latent space (pretrained VAE)"),
        "manifold": lambda: plot_manifold(decoder, prior_grid(15), title="Inverse-CDF grid of the prior"),
        "reconstructions": lambda: plot_reconstructions(encoder, decoder, rng.uniform(size=(12, 784))),
        "prior samples": lambda: plot_prior_samples(decoder, n=30, ncols=10, title="Decoder means at z ~ N(0, I)"),
        "beta comparison": lambda: plot_beta_comparison({0.0: 10 * mu, 1.0: mu, 10.0: mu / 4}, dict.fromkeys((0.0, 1.0, 10.0), decoder), labels),
    }


@pytest.mark.parametrize("name", list(_book_figures()))
def test_each_figure_the_package_draws_fits_a_phone_at_the_book_type_size(name):
    """Width of the cropped PNG and its recorded smallest text give the size it renders at in a phone's column."""
    image = Image.open(io.BytesIO(figure_png(_book_figures()[name]())))
    width_inches = image.size[0] / BOOK_STYLE["figure.dpi"]
    rendered = float(image.text[TEXT_SIZE_KEY]) * min(1.0, PHONE_COLUMN_PX / image.size[0])
    assert width_inches <= MAX_IMAGE_INCHES, f"{name}: {width_inches:.2f} in wide"
    assert rendered >= SMALLEST_TEXT_PX, f"{name}: smallest text renders at {rendered:.2f} CSS px on a phone"
