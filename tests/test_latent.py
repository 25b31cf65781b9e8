"""vae_helpers.latent: latent grids, the decoded manifold, scatters, reconstructions, prior samples."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from scipy.special import expit  # noqa: E402

from vae_helpers.latent import (  # noqa: E402
    kl_per_dimension,
    manifold,
    plot_latent_scatter,
    plot_manifold,
    plot_prior_samples,
    plot_reconstructions,
    prior_grid,
    reconstruct,
    sample_prior,
    square_grid,
)
from vae_helpers.model import build_decoder, build_encoder  # noqa: E402


@pytest.fixture(scope="module")
def decoder():
    return build_decoder(seed=0)


@pytest.fixture(scope="module")
def encoder():
    return build_encoder(seed=0)


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def test_square_grid_is_in_reading_order():
    points = square_grid(3, extent=2.0)
    expected = [[-2, 2], [0, 2], [2, 2], [-2, 0], [0, 0], [2, 0], [-2, -2], [0, -2], [2, -2]]
    np.testing.assert_array_equal(points, expected)


def test_prior_grid_uses_the_quantiles_of_the_standard_normal():
    # Phi^-1(3/4) = 0.6744897501960817 and Phi^-1(5/6) = 0.9674215661017008 (tables).
    q = 0.6744897501960817
    np.testing.assert_allclose(prior_grid(2), [[-q, q], [q, q], [-q, -q], [q, -q]], atol=1e-6)
    np.testing.assert_allclose(np.unique(prior_grid(3)[:, 0]), [-0.967422, 0.0, 0.967422], atol=1e-6)


def test_prior_grid_points_split_a_prior_sample_into_equal_shares():
    # Each grid value is the centre of 1/n of the prior's mass: the fraction of draws below it is (k + 1/2)/n.
    n = 5
    axis = np.unique(prior_grid(n)[:, 0])
    draws = np.random.default_rng(0).standard_normal(200_000)
    np.testing.assert_allclose([(draws < value).mean() for value in axis], (np.arange(n) + 0.5) / n, atol=0.005)


@pytest.mark.parametrize("bad", [0, -1, 2.5, True])
def test_grids_refuse_a_bad_size(bad):
    with pytest.raises(ValueError, match="n must be a positive integer"):
        square_grid(bad)
    with pytest.raises(ValueError, match="n must be a positive integer"):
        prior_grid(bad)


def test_square_grid_refuses_a_bad_extent():
    with pytest.raises(ValueError, match="extent must be a positive number"):
        square_grid(3, extent=0)


def test_manifold_tiles_each_decoded_point_in_its_place(decoder):
    points = square_grid(4, extent=2.0)
    image = manifold(decoder, points)
    assert image.shape == (4 * 28, 4 * 28)
    row, col = 1, 3
    logits = decoder(points[row * 4 + col][None]).numpy()[0]
    np.testing.assert_allclose(image[row * 28 : (row + 1) * 28, col * 28 : (col + 1) * 28], expit(logits).reshape(28, 28), rtol=1e-5)


def test_manifold_refuses_points_that_are_not_a_square_grid(decoder):
    with pytest.raises(ValueError, match=r"points must have shape \(n \* n, 2\)"):
        manifold(decoder, np.zeros((6, 2)))


def test_manifold_needs_a_two_dimensional_latent_space():
    with pytest.raises(ValueError, match="2-D latent space.*latent_dim=3"):
        manifold(build_decoder(latent_dim=3, seed=0), np.zeros((4, 3)))


def test_manifold_ticks_show_the_latent_coordinates(decoder):
    figure = plot_manifold(decoder, prior_grid(3))
    ax = figure.axes[0]
    assert [label.get_text() for label in ax.get_xticklabels()] == ["-1.0", "0.0", "1.0"]
    assert [label.get_text() for label in ax.get_yticklabels()] == ["1.0", "0.0", "-1.0"]
    np.testing.assert_allclose(ax.get_xticks(), [14, 42, 70])


def test_latent_scatter_draws_one_group_per_label():
    mu = np.array([[0.0, 1.0], [2.0, 3.0], [4.0, 5.0]])
    figure = plot_latent_scatter(mu, np.array([7, 1, 7]), limit=6)
    groups = figure.axes[0].collections
    assert len(groups) == 2
    np.testing.assert_array_equal(groups[0].get_offsets(), [[2.0, 3.0]])  # label 1 first
    np.testing.assert_array_equal(groups[1].get_offsets(), [[0.0, 1.0], [4.0, 5.0]])
    assert figure.axes[0].get_xlim() == (-6, 6)


def test_latent_scatter_refuses_mismatched_labels():
    with pytest.raises(ValueError, match=r"labels must have shape \(3,\)"):
        plot_latent_scatter(np.zeros((3, 2)), np.zeros(2))
    with pytest.raises(ValueError, match=r"mu must have shape \(n, 2\)"):
        plot_latent_scatter(np.zeros((3, 3)), np.zeros(3))


def test_reconstruct_decodes_the_posterior_mean_without_sampling(encoder, decoder):
    x = np.random.default_rng(0).uniform(size=(5, 784)).astype(np.float32)
    mu, _, _ = encoder(x)
    expected = expit(decoder(mu).numpy())
    np.testing.assert_allclose(reconstruct(encoder, decoder, x), expected, rtol=1e-5)
    np.testing.assert_array_equal(reconstruct(encoder, decoder, x), reconstruct(encoder, decoder, x))


def test_reconstructions_figure_puts_originals_above_reconstructions(encoder, decoder):
    x = np.random.default_rng(1).uniform(size=(3, 784)).astype(np.float32)
    image = plot_reconstructions(encoder, decoder, x).axes[0].images[0].get_array()
    np.testing.assert_allclose(image[:28, 29:57], x[1].reshape(28, 28))
    np.testing.assert_allclose(image[29:57, :28], reconstruct(encoder, decoder, x[:1])[0].reshape(28, 28), rtol=1e-5)


def test_sample_prior_decodes_seeded_standard_normal_draws(decoder):
    z = np.random.default_rng(4).standard_normal((6, 2)).astype(np.float32)
    np.testing.assert_allclose(sample_prior(decoder, 6, seed=4), expit(decoder(z).numpy()), rtol=1e-5)
    with pytest.raises(ValueError, match="n must be a positive integer"):
        sample_prior(decoder, 0)


def test_prior_samples_figure_shows_the_samples_in_rows(decoder):
    image = plot_prior_samples(decoder, n=4, ncols=2, seed=5).axes[0].images[0].get_array()
    samples = sample_prior(decoder, 4, seed=5)
    assert image.shape == (2 * 28 + 1, 2 * 28 + 1)
    np.testing.assert_allclose(image[29:57, 29:57], samples[3].reshape(28, 28), rtol=1e-6)


def test_kl_per_dimension_adds_up_to_the_kl_term(encoder):
    x = np.random.default_rng(6).uniform(size=(50, 784)).astype(np.float32)
    mu, log_var, _ = (tensor.numpy().astype(np.float64) for tensor in encoder(x))
    per_image = 0.5 * (np.exp(log_var) + mu**2 - 1 - log_var).sum(axis=1)
    per_dimension = kl_per_dimension(encoder, x)
    assert per_dimension.shape == (2,)
    assert per_dimension.sum() == pytest.approx(per_image.mean(), rel=1e-5)


def test_beta_comparison_draws_one_row_per_beta_with_its_codes_and_prior_draws(decoder):
    from vae_helpers.latent import plot_beta_comparison

    rng = np.random.default_rng(2)
    labels = np.array([3, 1, 4, 1, 5, 9, 2, 6] * 5)
    means = {0.0: 20 * rng.standard_normal((40, 2)), 1.0: rng.standard_normal((40, 2))}
    figure = plot_beta_comparison(means, {0.0: decoder, 1.0: decoder}, labels, n=20, seed=3)
    codes, samples = figure.axes[0::2], figure.axes[1::2]
    assert [ax.get_title() for ax in codes] == ["β = 0: test codes", "β = 1: test codes"]
    for ax, mu in zip(codes, means.values()):
        drawn = np.concatenate([group.get_offsets() for group in ax.collections])
        np.testing.assert_array_equal(drawn[np.lexsort(drawn.T)], mu[np.lexsort(mu.T)])
        circle = ax.patches[0]
        assert circle.get_radius() == 2 and tuple(circle.center) == (0, 0)
        assert ax.get_legend() is None
    assert len(figure.legends) == 1  # the colours, once, for every row
    assert [text.get_text() for text in figure.legends[0].get_texts()] == ["1", "2", "3", "4", "5", "6", "9"]
    for ax in samples:  # four rows of five digits: the same prior draws for each decoder
        grid = ax.images[0].get_array()
        assert grid.shape == (4 * 29 - 1, 5 * 29 - 1)
        np.testing.assert_allclose(grid[29:57, :28], sample_prior(decoder, 20, seed=3)[5].reshape(28, 28), rtol=1e-5)
    with pytest.raises(ValueError, match="same betas"):
        plot_beta_comparison(means, {1.0: decoder}, labels)
