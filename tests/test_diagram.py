"""vae_helpers.diagram: the data-flow drawing reads its sizes from the models."""

import matplotlib

matplotlib.use("Agg")

import keras  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402
import pytest  # noqa: E402

from vae_helpers.diagram import model_sizes, plot_data_flow  # noqa: E402
from vae_helpers.model import build_decoder, build_encoder  # noqa: E402


def test_sizes_come_from_the_models():
    sizes = model_sizes(build_encoder(latent_dim=3, hidden=64, depth=1), build_decoder(latent_dim=3, hidden=32, depth=3))
    assert sizes == {"pixels": 784, "encoder_hidden": 64, "encoder_depth": 1, "latent_dim": 3, "decoder_hidden": 32, "decoder_depth": 3}


def test_a_decoder_that_does_not_output_images_is_refused():
    z = keras.Input((2,))
    wrong = keras.Model(z, keras.layers.Dense(10)(keras.layers.Dense(8)(z)))
    with pytest.raises(ValueError, match="decoder must output as many pixels as the encoder reads: got 10 and 784"):
        model_sizes(build_encoder(), wrong)


def test_the_drawing_labels_every_stage_with_its_width():
    figure = plot_data_flow(build_encoder(latent_dim=3, hidden=64), build_decoder(latent_dim=3, hidden=32))
    texts = " ".join(text.get_text() for text in figure.axes[0].texts)
    for label in ("784 pixels", "Dense 64", "Dense 32", "(3)", "logits\n(784)", "KL term", "reconstruction term"):
        assert label in texts
    plt.close(figure)
