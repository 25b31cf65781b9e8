"""vae_helpers.train and the shipped weights: reproducible, verified, and clear when broken."""

import json
import shutil
from dataclasses import replace

import numpy as np
import pytest

from vae_helpers.data import load_mnist
from vae_helpers.model import (
    PRETRAINED_DIR,
    PretrainedWeightsError,
    decode,
    load_pretrained,
    negative_elbo,
    pretrained_metadata,
)
from vae_helpers.train import TrainingConfig, train_vae, write_pretrained

SHORT = TrainingConfig(epochs=2, batch_size=200, jit_compile=False)


@pytest.fixture(scope="module")
def data():
    return load_mnist()


@pytest.fixture(scope="module")
def trained(data, tmp_path_factory):
    (x_train, _), (x_test, _) = data
    vae, history = train_vae(x_train[:1000], x_test[:200], SHORT)
    folder = tmp_path_factory.mktemp("weights")
    write_pretrained(vae, SHORT, 123.0, folder)
    return vae, history, folder


def test_shipped_weights_reproduce_the_held_out_elbo_in_their_metadata(data):
    _, (x_test, _) = data
    encoder, decoder = load_pretrained()
    metadata = pretrained_metadata()
    score = negative_elbo(encoder, decoder, x_test, metadata["negative_elbo_samples_per_image"], metadata["negative_elbo_seed"])
    assert score == pytest.approx(metadata["held_out_negative_elbo_nats"], abs=0.05)
    assert score < 170  # the article's model, trained 40 epochs, reaches about 170


def test_training_reports_train_and_held_out_losses_per_epoch(trained):
    _, history, _ = trained
    for name in ("loss", "reconstruction_loss", "kl_loss", "val_loss", "val_reconstruction_loss", "val_kl_loss"):
        assert len(history.history[name]) == SHORT.epochs
    assert history.history["loss"][-1] < history.history["loss"][0]


def test_training_is_reproducible_with_the_same_seed(data, trained):
    (x_train, _), (x_test, _) = data
    vae, _, _ = trained
    again, _ = train_vae(x_train[:1000], x_test[:200], SHORT)
    z = np.random.default_rng(0).normal(size=(8, 2))
    np.testing.assert_allclose(decode(again.decoder, z), decode(vae.decoder, z), atol=1e-6)


def test_written_weights_round_trip_through_load_pretrained(trained):
    vae, _, folder = trained
    encoder, decoder = load_pretrained(folder)
    z = np.random.default_rng(1).normal(size=(8, 2))
    np.testing.assert_array_equal(decode(decoder, z), decode(vae.decoder, z))
    metadata = pretrained_metadata(folder)
    assert metadata["training"]["epochs"] == 2 and metadata["held_out_negative_elbo_nats"] == 123.0
    assert set(metadata["versions"]) >= {"keras", "tensorflow", "numpy"}


@pytest.fixture
def copied_weights(tmp_path):
    folder = tmp_path / "weights"
    shutil.copytree(PRETRAINED_DIR, folder)
    return folder


def test_missing_weights_file_names_the_path_and_the_fix(copied_weights):
    (copied_weights / "vae_mnist_2d.weights.h5").unlink()
    with pytest.raises(PretrainedWeightsError, match=r"not found at .*vae_mnist_2d.weights.h5.*python -m vae_helpers.train"):
        load_pretrained(copied_weights)


def test_missing_metadata_names_the_path(tmp_path):
    with pytest.raises(PretrainedWeightsError, match=r"No pretrained metadata at .*metadata.json"):
        load_pretrained(tmp_path)


def test_corrupt_weights_fail_the_checksum(copied_weights):
    path = copied_weights / "vae_mnist_2d.weights.h5"
    data = bytearray(path.read_bytes())
    data[-100] ^= 0xFF
    path.write_bytes(bytes(data))
    with pytest.raises(PretrainedWeightsError, match="does not match its metadata.*corrupt or was replaced"):
        load_pretrained(copied_weights)


def test_weights_that_do_not_fit_the_architecture_say_so(copied_weights):
    metadata_path = copied_weights / "metadata.json"
    metadata = json.loads(metadata_path.read_text())
    metadata["training"]["hidden"] = 64
    metadata_path.write_text(json.dumps(metadata))
    with pytest.raises(PretrainedWeightsError, match="does not fit a VAE with latent_dim=2 and hidden=64"):
        load_pretrained(copied_weights)


def test_a_failed_write_keeps_the_previous_weights(trained, tmp_path):
    vae, _, folder = trained
    before = (folder / "vae_mnist_2d.weights.h5").read_bytes()
    with pytest.raises(TypeError):
        write_pretrained(vae, SHORT, "not a number", folder)  # fails after the staging copy is written
    assert (folder / "vae_mnist_2d.weights.h5").read_bytes() == before
    load_pretrained(folder)


def test_steps_per_execution_changes_speed_not_the_trained_weights(data):
    (x_train, _), _ = data
    one_at_a_time, _ = train_vae(x_train[:600], config=replace(SHORT, steps_per_execution=1))
    many, _ = train_vae(x_train[:600], config=replace(SHORT, steps_per_execution=100))  # more than an epoch has
    for a, b in zip(one_at_a_time.get_weights(), many.get_weights()):
        np.testing.assert_allclose(a, b, rtol=1e-4, atol=1e-5)


def test_learning_rate_decays_from_its_start_to_the_final_fraction_by_the_last_step():
    config = replace(TrainingConfig(), epochs=3, batch_size=100)
    vae, _ = train_vae(np.zeros((200, 784), np.float32), config=config)
    assert int(vae.optimizer.iterations) == 3 * 2
    schedule = vae.optimizer._learning_rate  # the CosineDecay schedule itself
    assert float(schedule(0)) == pytest.approx(config.learning_rate)
    assert float(schedule(3)) == pytest.approx(config.learning_rate * (1 + config.final_learning_rate_fraction) / 2)
    assert float(vae.optimizer.learning_rate) == pytest.approx(config.learning_rate * config.final_learning_rate_fraction)


def test_history_records_the_learning_rate_at_the_end_of_each_epoch():
    config = replace(TrainingConfig(), epochs=2, batch_size=100)
    _, history = train_vae(np.zeros((200, 784), np.float32), config=config)
    halfway = config.learning_rate * (1 + config.final_learning_rate_fraction) / 2  # cos(pi/2) = 0
    final = config.learning_rate * config.final_learning_rate_fraction
    np.testing.assert_allclose(history.history["learning_rate"], [halfway, final], rtol=1e-5)


def test_training_curves_plot_the_history_per_epoch(trained):
    import matplotlib

    matplotlib.use("Agg")
    from vae_helpers.train import plot_training_curves

    _, history, _ = trained
    figure = plot_training_curves(history)
    total, _, kl, rate = figure.axes
    training, held_out = total.get_lines()
    np.testing.assert_array_equal(training.get_xdata(), [1, 2])
    np.testing.assert_allclose(training.get_ydata(), history.history["loss"])
    np.testing.assert_allclose(held_out.get_ydata(), history.history["val_loss"])
    np.testing.assert_allclose(kl.get_lines()[0].get_ydata(), history.history["kl_loss"])
    np.testing.assert_allclose(rate.get_lines()[0].get_ydata(), history.history["learning_rate"])
    without_rate = {"loss": [3.0, 2.0], "reconstruction_loss": [2.0, 1.5], "kl_loss": [1.0, 0.5]}
    assert len(plot_training_curves(without_rate).axes) == 3
    with pytest.raises(ValueError, match="history must hold a 'loss' per epoch"):
        plot_training_curves({"val_loss": [1.0]})


def test_chapter_4_benchmark_results_describe_the_shipped_training():
    """The chapter glues the benchmark's stored figures: they must come from today's TrainingConfig."""
    import json

    from conftest import REPO_ROOT

    results = json.loads((REPO_ROOT / "benchmarks" / "results" / "train_vs_reference.json").read_text())
    metadata = pretrained_metadata()
    assert metadata["training"]["epochs"] == TrainingConfig().epochs == 40
    assert results["helpers"]["40"]["nats"] == pytest.approx(metadata["held_out_negative_elbo_nats"], abs=0.01)
