"""The book's model on every Keras 3 backend: TensorFlow, JAX and PyTorch (issue 28).

Keras picks its backend once, at import, from ``KERAS_BACKEND``; so each backend runs the same
probe (:func:`probe`, this file run as a script) in a subprocess of its own, and the tests
compare what the probes report: with the TensorFlow backend's answers, with an independent
numpy computation, and with what the book says. One probe costs about 10-30 s of CPU
(importing the backend and compiling two training steps), so a backend is probed once per
session.
"""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from scipy.special import expit, softmax

BACKENDS = ("tensorflow", "jax", "torch")
#: The probe's bad inputs: each must be refused with a ValueError, with the same message on every backend.
BAD_INPUTS = (
    "fit_images_28x28",
    "fit_pixels_0_255",
    "evaluate_100_pixels",
    "decode_wrong_latent_size",
    "decode_nan",
    "encode_nan",
    "negative_elbo_zero_samples",
    "vae_negative_beta",
    "vae_parts_swapped",
    "reconstruction_loss_shapes",
)
#: Pixel logits where a probability clipped to [1e-7, 1 - 1e-7] and the logit itself give different losses.
PROBE_LOGITS = [[20.0, -20.0, 3.0, -3.0]]
PROBE_TARGETS = [[0.0, 1.0, 1.0, 0.0]]


def _bad_input_calls(x):
    """The calls of BAD_INPUTS, by name (run in the probe, after the backend is chosen)."""
    from vae_helpers.model import VAE, build_decoder, build_encoder, decode, encode, negative_elbo, reconstruction_loss

    def vae():
        return VAE(build_encoder(seed=0), build_decoder(seed=0))

    nan_images = x[:3].copy()
    nan_images[0, 0] = np.nan
    return {
        "fit_images_28x28": lambda: vae().fit(x.reshape(-1, 28, 28), verbose=0),
        "fit_pixels_0_255": lambda: vae().fit(x * 255, verbose=0),
        "evaluate_100_pixels": lambda: vae().evaluate(x[:, :100], verbose=0),
        "decode_wrong_latent_size": lambda: decode(build_decoder(), np.zeros((3, 5))),
        "decode_nan": lambda: decode(build_decoder(), np.array([[0.0, np.nan]])),
        "encode_nan": lambda: encode(build_encoder(), nan_images),
        "negative_elbo_zero_samples": lambda: negative_elbo(build_encoder(), build_decoder(), x, n_samples=0),
        "vae_negative_beta": lambda: VAE(build_encoder(), build_decoder(), beta=-1),
        "vae_parts_swapped": lambda: VAE(build_decoder(), build_encoder()),
        "reconstruction_loss_shapes": lambda: reconstruction_loss(x[:2, :100], np.zeros((2, 784), np.float32)),
    }


def _hidden_logits_losses(keras) -> dict:
    """Binary cross-entropy that Keras reports for sigmoid and softmax outputs, eagerly and in ``evaluate``.

    The outputs are made from PROBE_LOGITS; the caller compares each loss with the loss of those
    logits and with the loss of the clipped probabilities, to see which one Keras used.
    """
    logits = np.array(PROBE_LOGITS, dtype=np.float32)
    targets = np.array(PROBE_TARGETS, dtype=np.float32)
    losses = {}
    for activation in ("sigmoid", "softmax"):
        eager = keras.losses.binary_crossentropy(targets, keras.activations.get(activation)(logits))
        losses[f"eager_{activation}"] = float(keras.ops.convert_to_numpy(eager)[0])
        # An identity Dense layer makes the inputs the logits, as a decoder's last Dense layer does.
        model = keras.Sequential([
            keras.Input((4,)),
            keras.layers.Dense(4, use_bias=False, kernel_initializer="identity", activation=activation),
        ])
        model.compile(loss="binary_crossentropy")
        losses[f"evaluate_{activation}"] = float(model.evaluate(logits, targets, verbose=0))
    return losses


def probe(output: Path) -> None:
    """Everything the tests ask of one backend, written to ``output`` (JSON) and ``output.npz``."""
    import keras

    from vae_helpers.iwae import importance_weighted_bound
    from vae_helpers.data import load_mnist
    from vae_helpers.gaussian import kl_to_standard_normal
    from vae_helpers.model import VAE, build_decoder, build_encoder, encode, load_pretrained, negative_elbo

    (x_train, _), (x_test, _) = load_mnist("bundled")
    x_fit, x_held = x_train[:200], x_test[:200]
    report = {"backend": keras.backend.backend()}

    keras.utils.set_random_seed(0)
    vae = VAE(build_encoder(seed=0), build_decoder(seed=0))
    vae.compile(optimizer=keras.optimizers.Adam(1e-3))
    before = [np.array(weight) for weight in vae.get_weights()]
    history = vae.fit(x_fit, batch_size=100, epochs=1, shuffle=False, verbose=0)  # two training steps
    report["steps_trained"] = int(vae.optimizer.iterations.numpy() if hasattr(vae.optimizer.iterations, "numpy")
                                  else keras.ops.convert_to_numpy(vae.optimizer.iterations))
    report["train_metrics"] = {name: float(values[-1]) for name, values in history.history.items()}
    report["weights_changed"] = [bool(not np.array_equal(a, b)) for a, b in zip(before, vae.get_weights())]
    evaluated = vae.evaluate(x_held, batch_size=len(x_held), verbose=0, return_dict=True)
    mu, log_var = encode(vae.encoder, x_held)
    report["evaluate"] = {name: float(value) for name, value in evaluated.items()}
    report["numpy_kl"] = float(kl_to_standard_normal(mu.astype(np.float64), log_var.astype(np.float64)).mean())

    # The book's training command, TrainingConfig's settings (XLA, 40 steps per call) for one short epoch.
    from vae_helpers.train import TrainingConfig, train_vae

    _, trained = train_vae(x_fit, x_held, TrainingConfig(epochs=1))
    report["train_vae"] = {name: float(values[-1]) for name, values in trained.history.items()}

    # A save and load on this backend gives back the same decodes.
    path = output.with_suffix(".weights.h5")
    vae.save_weights(path)
    restored = VAE(build_encoder(seed=1), build_decoder(seed=1))
    restored.load_weights(path)
    z = np.random.default_rng(0).normal(size=(16, 2)).astype(np.float32)
    report["round_trip_max_difference"] = float(np.abs(
        keras.ops.convert_to_numpy(restored.decoder(z)) - keras.ops.convert_to_numpy(vae.decoder(z))
    ).max())

    encoder, decoder = load_pretrained()
    mu, log_var = encode(encoder, x_held)
    logits = keras.ops.convert_to_numpy(decoder(z, training=False))
    np.savez(output.with_suffix(".npz"), mu=mu, log_var=log_var, logits=logits)
    report["negative_elbo"] = negative_elbo(encoder, decoder, x_held, n_samples=10, seed=0)
    report["importance_weighted_bound"] = float(importance_weighted_bound(encoder, decoder, x_held, k=20, seed=0).mean())

    report["hidden_logits"] = _hidden_logits_losses(keras)

    report["bad_inputs"] = {}
    for name, call in _bad_input_calls(x_held).items():
        try:
            call()
            report["bad_inputs"][name] = {"error": None, "message": None}
        except Exception as error:  # the test reports any other kind of error by name
            report["bad_inputs"][name] = {"error": type(error).__name__, "message": str(error)}
    output.write_text(json.dumps(report, indent=1))


@pytest.fixture(scope="module")
def probes(tmp_path_factory) -> dict:
    """Each backend's probe report, run once per test session (``None`` when its process failed)."""
    folder = tmp_path_factory.mktemp("backends")
    reports = {}
    for backend in BACKENDS:
        output = folder / f"{backend}.json"
        environment = {**os.environ, "KERAS_BACKEND": backend, "TF_CPP_MIN_LOG_LEVEL": "2"}
        result = subprocess.run(
            [sys.executable, __file__, str(output)], env=environment, capture_output=True, text=True, timeout=900
        )
        reports[backend] = {
            "returncode": result.returncode,
            "stderr": result.stderr[-3000:],
            "report": json.loads(output.read_text()) if output.exists() else None,
            "arrays": dict(np.load(output.with_suffix(".npz"))) if output.with_suffix(".npz").exists() else None,
        }
    return reports


def _report(probes, backend) -> dict:
    run = probes[backend]
    assert run["returncode"] == 0 and run["report"] is not None, f"the {backend} probe failed:\n{run['stderr']}"
    return run["report"]


@pytest.mark.parametrize("backend", BACKENDS)
def test_the_backend_package_is_installed(backend):
    # jax and torch are test dependencies (pyproject.toml): a missing one is a broken install, not a skip.
    package = {"tensorflow": "tensorflow"}.get(backend, backend)
    assert importlib.util.find_spec(package) is not None, f"{package} is not installed: run `make test` (pip install -e '.[test]')"


@pytest.mark.parametrize("backend", BACKENDS)
def test_the_probe_ran_on_its_backend(probes, backend):
    assert _report(probes, backend)["backend"] == backend


@pytest.mark.parametrize("backend", BACKENDS)
def test_two_training_steps_change_every_weight_and_report_finite_losses(probes, backend):
    report = _report(probes, backend)
    assert report["steps_trained"] == 2
    assert all(report["weights_changed"])
    metrics = report["train_metrics"]
    assert set(metrics) == {"loss", "reconstruction_loss", "kl_loss"}
    assert all(np.isfinite(value) and value > 0 for value in metrics.values())
    # The total is the two terms (beta = 1), each averaged over the same images.
    assert metrics["loss"] == pytest.approx(metrics["reconstruction_loss"] + metrics["kl_loss"], rel=1e-5)


@pytest.mark.parametrize("backend", BACKENDS)
def test_the_books_training_command_runs_with_training_config(probes, backend):
    history = _report(probes, backend)["train_vae"]
    assert {"loss", "val_loss", "learning_rate"} <= set(history)
    assert all(np.isfinite(value) for value in history.values())


@pytest.mark.parametrize("backend", BACKENDS)
def test_compute_loss_reports_the_kl_of_the_encoders_gaussians(probes, backend):
    # The KL is exact, so evaluate's kl_loss (computed in compute_loss, in float32, by the backend) must
    # equal scipy-free float64 numpy arithmetic on the same encoder outputs.
    report = _report(probes, backend)
    assert report["evaluate"]["kl_loss"] == pytest.approx(report["numpy_kl"], rel=1e-5)
    assert report["evaluate"]["loss"] == pytest.approx(
        report["evaluate"]["reconstruction_loss"] + report["evaluate"]["kl_loss"], rel=1e-5
    )


@pytest.mark.parametrize("backend", BACKENDS)
def test_weights_saved_and_loaded_on_the_backend_decode_identically(probes, backend):
    assert _report(probes, backend)["round_trip_max_difference"] == 0.0


@pytest.mark.parametrize("backend", ("jax", "torch"))
def test_the_shipped_weights_give_the_tensorflow_outputs(probes, backend):
    _report(probes, "tensorflow")
    _report(probes, backend)
    reference, arrays = probes["tensorflow"]["arrays"], probes[backend]["arrays"]
    for name in ("mu", "log_var", "logits"):
        np.testing.assert_allclose(arrays[name], reference[name], rtol=0, atol=1e-5, err_msg=f"{name} on {backend}")


@pytest.mark.parametrize("backend", ("jax", "torch"))
@pytest.mark.parametrize("bound", ("negative_elbo", "importance_weighted_bound"))
def test_the_bounds_of_the_shipped_model_match_tensorflows(probes, backend, bound):
    # The same images and the same numpy noise: only float32 arithmetic differs between backends.
    assert _report(probes, backend)[bound] == pytest.approx(_report(probes, "tensorflow")[bound], abs=1e-3)


def _loss_from_logits() -> float:
    logits, targets = np.array(PROBE_LOGITS[0]), np.array(PROBE_TARGETS[0])
    return float(np.mean(np.logaddexp(0, logits) - targets * logits))


def _loss_from_probabilities(probabilities: np.ndarray) -> float:
    # Keras clips to [1e-7, 1 - 1e-7] in float32, where 1 - 1e-7 rounds to 1 - 1.19e-7.
    p = np.clip(probabilities.astype(np.float32), np.float32(1e-7), np.float32(1) - np.float32(1e-7)).astype(np.float64)
    targets = np.array(PROBE_TARGETS[0])
    return float(-np.mean(targets * np.log(p) + (1 - targets) * np.log(1 - p)))


def _which_loss(reported: float, activation: str) -> str:
    logits = np.array(PROBE_LOGITS[0])
    probabilities = expit(logits) if activation == "sigmoid" else softmax(logits)
    candidates = {"hidden logits": _loss_from_logits(), "probabilities": _loss_from_probabilities(probabilities)}
    found = [name for name, value in candidates.items() if abs(value - reported) < 1e-3]
    assert len(found) == 1, f"reported {reported}, neither or both of {candidates}"
    return found[0]


#: What the probes found (Keras 3.15): only the TensorFlow backend hands binary_crossentropy the logits
#: hidden in a sigmoid or softmax output, eagerly and inside a compiled step (evaluate) alike; JAX
#: and PyTorch compute the loss from the clipped probabilities. Chapter 5 states this table.
HIDDEN_LOGITS = {
    "tensorflow": dict.fromkeys(("eager_sigmoid", "eager_softmax", "evaluate_sigmoid", "evaluate_softmax"), "hidden logits"),
    "jax": dict.fromkeys(("eager_sigmoid", "eager_softmax", "evaluate_sigmoid", "evaluate_softmax"), "probabilities"),
    "torch": dict.fromkeys(("eager_sigmoid", "eager_softmax", "evaluate_sigmoid", "evaluate_softmax"), "probabilities"),
}


@pytest.mark.parametrize("backend", BACKENDS)
def test_which_backends_hide_logits_in_sigmoid_and_softmax_outputs(probes, backend):
    losses = _report(probes, backend)["hidden_logits"]
    found = {name: _which_loss(value, name.split("_")[1]) for name, value in losses.items()}
    assert found == HIDDEN_LOGITS[backend]


@pytest.mark.parametrize("backend", ("jax", "torch"))
def test_bad_input_is_refused_with_the_tensorflow_backends_errors(probes, backend):
    reference = _report(probes, "tensorflow")["bad_inputs"]
    assert set(reference) == set(BAD_INPUTS)
    assert all(entry["error"] == "ValueError" for entry in reference.values()), reference
    assert _report(probes, backend)["bad_inputs"] == reference


if __name__ == "__main__":
    probe(Path(sys.argv[1]))
