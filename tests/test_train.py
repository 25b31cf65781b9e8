"""vae_helpers.train and the shipped weights: reproducible, verified, and clear when broken."""

import json
import shutil
from dataclasses import replace

import numpy as np
import pytest

from vae_helpers.data import load_mnist
from vae_helpers.model import decode, load_pretrained, pretrained_metadata
from vae_helpers.train import TrainingConfig, train_vae, write_pretrained

SHORT = TrainingConfig(epochs=2, batch_size=200, jit_compile=False)


@pytest.fixture(scope="module")
def data():
    return load_mnist("bundled")  # small and fast: these tests check training, not the shipped model


@pytest.fixture(scope="module")
def trained(data, tmp_path_factory):
    (x_train, _), (x_test, _) = data
    vae, history = train_vae(x_train[:1000], x_test[:200], SHORT)
    folder = tmp_path_factory.mktemp("weights")
    write_pretrained(vae, SHORT, 123.0, folder)
    return vae, history, folder


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


def test_a_failed_write_keeps_the_previous_pair(trained, monkeypatch):
    """Interrupted after the new weights are written, before the metadata switches: the old pair still loads."""
    from vae_helpers import pretrained

    vae, _, folder = trained
    before = pretrained_metadata(folder)
    _, old_decoder = load_pretrained(folder)

    def interrupted(path, text):
        raise KeyboardInterrupt

    monkeypatch.setattr(pretrained, "_replace_text", interrupted)
    retrained, _ = train_vae(np.random.default_rng(3).random((200, 784), dtype=np.float32), config=replace(SHORT, seed=3))
    with pytest.raises(KeyboardInterrupt):
        write_pretrained(retrained, SHORT, 99.0, folder)
    assert pretrained_metadata(folder) == before
    _, decoder = load_pretrained(folder)
    z = np.random.default_rng(1).normal(size=(4, 2))
    np.testing.assert_array_equal(decode(decoder, z), decode(old_decoder, z))


def test_a_completed_write_switches_the_pair_and_removes_the_old_weights(trained, tmp_path):
    vae, _, _ = trained
    folder = tmp_path / "weights"
    first = write_pretrained(vae, SHORT, 123.0, folder)
    retrained, _ = train_vae(np.random.default_rng(4).random((200, 784), dtype=np.float32), config=replace(SHORT, seed=4))
    second = write_pretrained(retrained, SHORT, 99.0, folder)
    assert first != second and not first.exists()
    assert sorted(path.name for path in folder.iterdir()) == sorted(["metadata.json", second.name])
    assert pretrained_metadata(folder)["held_out_negative_elbo_nats"] == 99.0


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"learning_rate": float("nan")}, "learning_rate must be a positive number"),
        ({"learning_rate": -1e-3}, "learning_rate must be a positive number"),
        ({"batch_size": 0}, "batch_size must be a positive integer"),
        ({"epochs": 0}, "epochs must be a positive integer"),
        ({"epochs": 2.5}, "epochs must be a positive integer"),
        ({"beta": -1.0}, "beta must be a finite number >= 0"),
        ({"final_learning_rate_fraction": 2.0}, r"final_learning_rate_fraction must be a number in \[0, 1\]"),
        ({"seed": -1}, "seed must be an integer >= 0"),
        ({"jit_compile": "yes"}, "jit_compile must be True or False"),
    ],
)
def test_a_bad_training_setting_is_refused_before_any_training(changes, message):
    with pytest.raises(ValueError, match=message):
        replace(TrainingConfig(), **changes)


def test_train_vae_refuses_a_config_that_is_not_a_training_config():
    with pytest.raises(ValueError, match="config must be a TrainingConfig: got dict"):
        train_vae(np.zeros((10, 784), np.float32), config={"epochs": 1})


def test_the_command_line_answers_help_and_bad_output_before_importing_tensorflow(tmp_path):
    import subprocess
    import sys

    help_run = subprocess.run([sys.executable, "-m", "vae_helpers.train", "--help"], capture_output=True, text=True)
    assert help_run.returncode == 0 and "--output" in help_run.stdout
    not_a_folder = tmp_path / "file"
    not_a_folder.write_text("x")
    bad = subprocess.run([sys.executable, "-m", "vae_helpers.train", "--output", str(not_a_folder)], capture_output=True, text=True)
    assert bad.returncode == 2 and "exists and is not a folder" in bad.stderr
    bad_epochs = subprocess.run([sys.executable, "-m", "vae_helpers.train", "--epochs", "0"], capture_output=True, text=True)
    assert bad_epochs.returncode == 2 and "epochs must be a positive integer" in bad_epochs.stderr
    for count in ("-1", "many"):
        bad_validation = subprocess.run([sys.executable, "-m", "vae_helpers.train", "--validation", count], capture_output=True, text=True)
        assert bad_validation.returncode == 2 and "--validation: expected a whole number >= 0" in bad_validation.stderr
    too_many = subprocess.run([sys.executable, "-m", "vae_helpers.train", "--data", "bundled", "--validation", "4000"],
                              capture_output=True, text=True)
    assert too_many.returncode == 2 and "--validation must be smaller than the 4000 training images of 'bundled'" in too_many.stderr
    probe = "import sys, vae_helpers.train; print('tensorflow' in sys.modules)"
    imported = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True)
    assert imported.stdout.strip() == "False"


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


def test_the_command_line_trains_on_the_training_images_less_a_stratified_validation_set(tmp_path):
    from vae_helpers.pretrained import pretrained_metadata
    from vae_helpers.train import main

    main(["--data", "bundled", "--epochs", "1", "--validation", "500", "--output", str(tmp_path)])
    data = pretrained_metadata(tmp_path)["data"]
    assert {key: data[key] for key in ("source", "n_train", "n_validation", "validation_seed", "n_test")} == {
        "source": "bundled", "n_train": 3500, "n_validation": 500, "validation_seed": 0, "n_test": 1000}
    assert 0 < data["validation_negative_elbo_nats"] < 784 * np.log(2)  # better than a coin flip per pixel
