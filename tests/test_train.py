"""vae_helpers.train and the shipped weights: reproducible, verified, and clear when broken."""

import json
import math
import re
import shutil
from dataclasses import replace

import numpy as np
import pytest

from vae_helpers.data import load_mnist
from vae_helpers.model import decode, load_pretrained
from vae_helpers.pretrained import pretrained_metadata
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
    from vae_helpers.train_command import main

    main(["--data", "bundled", "--epochs", "1", "--validation", "500", "--output", str(tmp_path)])
    data = pretrained_metadata(tmp_path)["data"]
    assert {key: data[key] for key in ("source", "n_train", "n_validation", "validation_seed", "n_test")} == {
        "source": "bundled", "n_train": 3500, "n_validation": 500, "validation_seed": 0, "n_test": 1000}
    assert 0 < data["validation_negative_elbo_nats"] < 784 * np.log(2)  # better than a coin flip per pixel


def test_a_continued_run_starts_from_the_earlier_weights_and_records_them(tmp_path):
    from vae_helpers.data import load_mnist
    from vae_helpers.model import load_pretrained, negative_elbo
    from vae_helpers.pretrained import pretrained_metadata
    from vae_helpers.train_command import main

    shape = ["--data", "bundled", "--binarize", "--latent-dim", "3", "--hidden", "16", "--validation", "500"]
    main([*shape, "--epochs", "1", "--output", str(tmp_path / "first")])
    main([*shape, "--epochs", "1", "--learning-rate", "1e-12", "--seed", "1",
          "--continue-from", str(tmp_path / "first"), "--output", str(tmp_path / "second")])
    first, second = (pretrained_metadata(tmp_path / name) for name in ("first", "second"))
    assert second["continued_from"]["sha256"] == first["sha256"]
    assert second["continued_from"]["training"] == first["training"]
    # Its learning curve is the earlier run's, then its own epoch.
    assert second["validation_negative_elbo_by_epoch"][:1] == first["validation_negative_elbo_by_epoch"]
    assert len(second["validation_negative_elbo_by_epoch"]) == 2
    # A learning rate of 1e-12 leaves the weights where the first run left them: they were loaded.
    (x, _), _ = load_mnist("bundled")
    models = [load_pretrained(tmp_path / name) for name in ("first", "second")]
    before, after = (negative_elbo(encoder, decoder, x[:200], seed=0) for encoder, decoder in models)
    assert after == pytest.approx(before, abs=1e-3)


def test_a_run_cannot_continue_a_model_of_another_shape(tmp_path):
    from vae_helpers.train_command import main

    shape = ["--data", "bundled", "--binarize", "--hidden", "16", "--validation", "500", "--epochs", "1"]
    main([*shape, "--latent-dim", "3", "--output", str(tmp_path / "first")])
    run = run_command(*shape, "--latent-dim", "4", "--continue-from", str(tmp_path / "first"), "--output", str(tmp_path / "second"))
    assert run.returncode == 2 and "'latent_dim': 3" in run.stderr and "'latent_dim': 4" in run.stderr, run.stderr
    missing = run_command(*shape, "--continue-from", str(tmp_path / "nowhere"))
    assert missing.returncode == 2 and "--continue-from" in missing.stderr and "Traceback" not in missing.stderr
    assert not (tmp_path / "second").exists()


# --- Bad settings refused before training, divergence stopped at once (issue 31) ---------------

import subprocess
import sys

from hypothesis import given, settings
from hypothesis import strategies as st


def run_command(*arguments):
    return subprocess.run([sys.executable, "-m", "vae_helpers.train", *arguments], capture_output=True, text=True, timeout=120)


def test_the_command_line_refuses_an_output_that_cannot_be_a_folder_before_loading_data(tmp_path):
    a_file = tmp_path / "file"
    a_file.write_text("x")
    empty = run_command("--output", "")
    assert empty.returncode == 2 and "got an empty string" in empty.stderr
    below_a_file = run_command("--output", str(a_file / "sub" / "deeper"))
    assert below_a_file.returncode == 2 and f"{a_file} is a file, not a folder" in below_a_file.stderr
    for run in (empty, below_a_file):
        assert "Traceback" not in run.stderr
    assert sorted(path.name for path in tmp_path.iterdir()) == ["file"]  # nothing made


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (("--beta", "1e308"), "beta must be at most 1e\\+06"),
        (("--beta", "nan"), "beta must be a finite number >= 0"),
        (("--free-bits", "inf"), "free_bits must be a finite number >= 0"),
        (("--learning-rate", "1e308"), "learning_rate must be a positive number <= 1"),
        (("--importance-samples", "-1"), "--importance-samples must be an integer >= 0"),
    ],
)
def test_the_command_line_refuses_absurd_settings_up_front(arguments, message):
    run = run_command(*arguments)
    assert run.returncode == 2, run.stderr
    assert re.search(message, run.stderr), run.stderr


def test_a_diverging_run_stops_at_the_first_non_finite_batch_naming_the_loss_and_the_settings():
    from vae_helpers.train import _stop_on_nan

    stop = _stop_on_nan(TrainingConfig(beta=5.0, learning_rate=0.5))
    stop.on_train_batch_end(0, {"loss": 3.0})  # finite: nothing happens
    with pytest.raises(FloatingPointError, match=r"the loss became inf at batch 7 \(beta=5.0, learning_rate=0.5\); lower the learning rate or beta"):
        stop.on_train_batch_end(7, {"loss": float("inf")})


def test_training_stops_in_the_batch_the_loss_turns_nan(data, monkeypatch):
    """A planted NaN in the third batch's loss: training stops there, not at the end of the epoch."""
    from vae_helpers import model

    seen = []
    original = model.VAE.compute_loss

    def poisoned(self, *args, **kwargs):
        loss = original(self, *args, **kwargs)
        return loss * float("nan") if len(seen) >= 2 else loss

    class Count(__import__("keras").callbacks.Callback):
        def on_train_batch_begin(self, batch, logs=None):
            seen.append(batch)

    original_compile = model.VAE.compile
    monkeypatch.setattr(model.VAE, "compute_loss", poisoned)
    # Eagerly, so that the Python count above is read at every batch, not once when the step is traced.
    monkeypatch.setattr(model.VAE, "compile", lambda self, **options: original_compile(self, **{**options, "run_eagerly": True}))
    (x_train, _), _ = data
    config = replace(SHORT, steps_per_execution=1)
    with pytest.raises(FloatingPointError, match="the loss became nan at batch 2"):
        train_vae(x_train[:1000], config=config, callbacks=[Count()])
    assert seen == [0, 1, 2]


def test_a_save_that_writes_nothing_leaves_the_trained_pair_in_place(trained, tmp_path, monkeypatch):
    from vae_helpers import model
    from vae_helpers.pretrained import PretrainedWeightsError, verified_weights_path

    vae, _, folder = trained
    before = verified_weights_path(folder)
    monkeypatch.setattr(model.VAE, "save_weights", lambda self, path: None)
    with pytest.raises(PretrainedWeightsError, match="wrote nothing"):
        write_pretrained(vae, SHORT, 99.0, folder)
    assert verified_weights_path(folder) == before


def test_weights_that_load_back_different_are_not_committed(trained, monkeypatch):
    from vae_helpers import train
    from vae_helpers.pretrained import PretrainedWeightsError, verified_weights_path

    vae, _, folder = trained
    before = verified_weights_path(folder)
    other, _ = train_vae(np.random.default_rng(5).random((200, 784), dtype=np.float32), config=replace(SHORT, seed=5))
    real_check = train._loads_back
    # The file holds vae's weights, but the check compares with another model's: a save that lost its values.
    monkeypatch.setattr(train, "_loads_back", lambda model_, config, path: real_check(other, config, path))
    with pytest.raises(PretrainedWeightsError, match="do not load back.*differs from the trained one"):
        write_pretrained(vae, SHORT, 99.0, folder)
    assert verified_weights_path(folder) == before


def test_train_vae_refuses_zero_images():
    with pytest.raises(ValueError, match="x_train must hold at least one image"):
        train_vae(np.zeros((0, 784), np.float32), config=SHORT)


@pytest.mark.parametrize(
    ("history", "message"),
    [
        ({"loss": [2.0, 1.0]}, "history must hold a 'reconstruction_loss' per epoch"),
        ({"loss": [2.0, 1.0], "reconstruction_loss": [1.0, 0.5]}, "history must hold a 'kl_loss' per epoch"),
        ({"loss": [2.0, 1.0], "reconstruction_loss": [1.0], "kl_loss": [1.0, 0.5]}, r"history\['reconstruction_loss'\] must hold one value per epoch, 2"),
        ({"loss": [2.0, 1.0], "reconstruction_loss": [1.0, 0.5], "kl_loss": [1.0, 0.5], "val_loss": [3.0]}, r"history\['val_loss'\]"),
        ({"loss": [2.0, 1.0], "reconstruction_loss": [1.0, 0.5], "kl_loss": 3.0}, r"history\['kl_loss'\]"),
    ],
)
def test_a_partial_history_is_refused_naming_what_is_missing(history, message):
    from vae_helpers.train import plot_training_curves

    with pytest.raises(ValueError, match=message):
        plot_training_curves(history)


NUMERIC_FIELDS = ["latent_dim", "hidden", "depth", "epochs", "batch_size", "steps_per_execution", "seed", "warm_up_epochs",
                  "learning_rate", "beta", "free_bits", "final_learning_rate_fraction"]
ANY_VALUE = st.one_of(st.floats(allow_nan=True, allow_infinity=True), st.integers(-10**30, 10**30), st.booleans(), st.none(),
                      st.text(max_size=3), st.complex_numbers(max_magnitude=10), st.lists(st.integers(), max_size=2))


@given(field=st.sampled_from(NUMERIC_FIELDS), value=ANY_VALUE)
@settings(max_examples=400, deadline=None)
def test_any_setting_is_taken_or_refused_with_a_value_error_naming_it(field, value):
    try:
        config = replace(TrainingConfig(), **{field: value})
    except ValueError as error:
        assert field in str(error).split(" must ")[0].split(" (")[0], str(error)
        return
    accepted = getattr(config, field)
    assert isinstance(accepted, (int, float, np.integer, np.floating)) and not isinstance(accepted, bool)
    assert math.isfinite(accepted) and accepted >= 0
    assert config.weight_count() <= 10**9 and config.seed < 2**32
    if field in ("beta", "free_bits"):
        assert accepted <= 1e6
    if field == "learning_rate":
        assert 0 < accepted <= 1


@pytest.mark.parametrize("shape", [{}, {"latent_dim": 50, "hidden": 200, "activation": "tanh"}, {"depth": 3, "hidden": 64}])
def test_the_weight_count_that_bounds_a_config_is_the_models(shape):
    from vae_helpers.model import build_decoder, build_encoder

    config = TrainingConfig(**shape)
    layers = {"hidden": config.hidden, "depth": config.depth, "activation": config.activation}
    keras_count = build_encoder(config.latent_dim, **layers).count_params() + build_decoder(config.latent_dim, **layers).count_params()
    assert config.weight_count() == keras_count


@pytest.mark.parametrize(("changes", "message"), [({"hidden": 10**6}, r"\(2, 1000000, 2\) make 2,001,578,000,788 weights \(8.01e\+03 GB in float32\), more than the 1,000,000,000"), ({"seed": 2**32}, "seed must be an integer in")])
def test_a_model_too_big_for_memory_or_a_seed_numpy_cannot_take_is_refused_up_front(changes, message):
    with pytest.raises(ValueError, match=message):
        TrainingConfig(**changes)


def test_first_epoch_batches_are_each_batchs_losses_at_the_schedules_rates(data):
    """Weights that barely move (a learning rate of 1e-9): each batch's KL is the initial encoder's mean KL over
    its 100 images, so the batches average to that KL over all 300 images, computed here from encode."""
    from vae_helpers.gaussian import kl_to_standard_normal
    from vae_helpers.model import build_encoder, encode
    from vae_helpers.train import first_epoch_batches

    (x_train, _), _ = data
    x = x_train[:300]
    config = replace(SHORT, batch_size=100, epochs=4, learning_rate=1e-9)
    batches = first_epoch_batches(x, config)
    assert {name: len(values) for name, values in batches.items()} == dict.fromkeys(
        ("loss", "reconstruction_loss", "kl_loss", "learning_rate"), 3)
    encoder = build_encoder(config.latent_dim, hidden=config.hidden, seed=config.seed, depth=config.depth)
    initial_kl = kl_to_standard_normal(*encode(encoder, x))
    assert batches["kl_loss"].mean() == pytest.approx(float(initial_kl.mean()), rel=1e-4)
    assert np.ptp(batches["kl_loss"]) > 1e-4 * batches["kl_loss"].mean()  # batch values, not the epoch's running mean
    np.testing.assert_allclose(batches["loss"], batches["reconstruction_loss"] + batches["kl_loss"], rtol=1e-5)
    # The cosine schedule over 4 epochs of 3 steps, at steps 0, 1 and 2.
    expected = [1e-9 * (config.final_learning_rate_fraction + (1 - config.final_learning_rate_fraction)
                        * 0.5 * (1 + math.cos(math.pi * step / 12))) for step in range(3)]
    np.testing.assert_allclose(batches["learning_rate"], expected, rtol=1e-5)


def test_first_epoch_batches_refuses_a_config_that_is_not_a_training_config(data):
    from vae_helpers.train import first_epoch_batches

    with pytest.raises(ValueError, match="config must be a TrainingConfig: got dict"):
        first_epoch_batches(data[0][0][:100], {"epochs": 1})
