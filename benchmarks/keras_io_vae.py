"""keras.io's "Variational AutoEncoder" beside the book's model, on the book's split (issue 28).

Four kinds of run, each in a process of its own (Keras picks its backend at import):

- ``keras_io``: keras.io's examples/generative/vae.py as published (convolutional encoder and
  decoder, 2-D latent, its own ``train_step`` with a ``tf.GradientTape``, Adam at Keras' default
  rate, batch 128), TensorFlow only. It is trained on the book's 55,000 training images instead of
  train + test together, so that the test images stay held out.
- ``book``: the book's ``VAE`` with ``TrainingConfig`` (``vae_helpers.train.train_vae``), once per
  backend (``KERAS_BACKEND`` = tensorflow, jax, torch).
- ``conv``: keras.io's layers with the book's loss, schedule and split: the decoder's last
  convolution outputs logits, the rest is ``TrainingConfig``.
- ``gaussian``: the book's model with a Gaussian decoder of fixed variance s^2
  (``vae_helpers.gaussian_decoder.GaussianVAE``) at a few s^2: the article's "mse_loss" line.

Every model is scored on the 10,000 test images with the book's ``negative_elbo`` (10 draws of z
per image, seed 0); the Gaussian runs report their codes, their bound and a few prior samples.
CPU time is the process's (all threads), wall time the clock's, both for ``fit`` alone.

Usage: ``nice -n 5 python benchmarks/keras_io_vae.py [--epochs 30] [--book-epochs 30]
[--backend-epochs 30] [--gaussian-epochs 10]``; writes ``vae_helpers/results/keras_io_vae.json`` (package data).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import time
from dataclasses import asdict, replace

import numpy as np

from vae_helpers.benchmark_results import RESULTS_DIR

RESULTS = RESULTS_DIR / "keras_io_vae.json"
#: keras.io's published settings and figure (examples/generative/vae.py, Keras 3 version).
KERAS_IO = {"epochs": 30, "batch_size": 128, "latent_dim": 2, "published_training_loss": 146.95,
            "published_data": "MNIST train + test concatenated (70,000 images)"}
BACKENDS = ("tensorflow", "jax", "torch")
GAUSSIAN_VARIANCES = (0.5, 0.05, 0.01)
N_SAMPLES_SHOWN = 10


def _data():
    from vae_helpers.data import load_mnist, split_validation
    from vae_helpers.train import N_VALIDATION, VALIDATION_SEED

    (x_train, y_train), (x_test, y_test) = load_mnist("mnist")
    (x_fit, _), (x_validation, _) = split_validation(x_train, y_train, N_VALIDATION, seed=VALIDATION_SEED)
    return x_fit, x_validation, x_test, y_test


def _timed(fit):
    wall, cpu = time.perf_counter(), time.process_time()
    result = fit()
    return result, time.perf_counter() - wall, time.process_time() - cpu


def _keras_io_model():
    """keras.io's encoder, decoder and VAE, as published (TensorFlow backend only: its train_step uses a GradientTape)."""
    import keras
    import tensorflow as tf
    from keras import layers, ops

    class Sampling(layers.Layer):
        """Uses (z_mean, z_log_var) to sample z, the vector encoding a digit."""

        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.seed_generator = keras.random.SeedGenerator(1337)

        def call(self, inputs):
            z_mean, z_log_var = inputs
            batch = ops.shape(z_mean)[0]
            dim = ops.shape(z_mean)[1]
            epsilon = keras.random.normal(shape=(batch, dim), seed=self.seed_generator)
            return z_mean + ops.exp(0.5 * z_log_var) * epsilon

    latent_dim = 2
    encoder_inputs = keras.Input(shape=(28, 28, 1))
    x = layers.Conv2D(32, 3, activation="relu", strides=2, padding="same")(encoder_inputs)
    x = layers.Conv2D(64, 3, activation="relu", strides=2, padding="same")(x)
    x = layers.Flatten()(x)
    x = layers.Dense(16, activation="relu")(x)
    z_mean = layers.Dense(latent_dim, name="z_mean")(x)
    z_log_var = layers.Dense(latent_dim, name="z_log_var")(x)
    z = Sampling()([z_mean, z_log_var])
    encoder = keras.Model(encoder_inputs, [z_mean, z_log_var, z], name="encoder")

    latent_inputs = keras.Input(shape=(latent_dim,))
    x = layers.Dense(7 * 7 * 64, activation="relu")(latent_inputs)
    x = layers.Reshape((7, 7, 64))(x)
    x = layers.Conv2DTranspose(64, 3, activation="relu", strides=2, padding="same")(x)
    x = layers.Conv2DTranspose(32, 3, activation="relu", strides=2, padding="same")(x)
    decoder_outputs = layers.Conv2DTranspose(1, 3, activation="sigmoid", padding="same")(x)
    decoder = keras.Model(latent_inputs, decoder_outputs, name="decoder")

    class VAE(keras.Model):
        def __init__(self, encoder, decoder, **kwargs):
            super().__init__(**kwargs)
            self.encoder = encoder
            self.decoder = decoder
            self.total_loss_tracker = keras.metrics.Mean(name="total_loss")
            self.reconstruction_loss_tracker = keras.metrics.Mean(name="reconstruction_loss")
            self.kl_loss_tracker = keras.metrics.Mean(name="kl_loss")

        @property
        def metrics(self):
            return [self.total_loss_tracker, self.reconstruction_loss_tracker, self.kl_loss_tracker]

        def train_step(self, data):
            with tf.GradientTape() as tape:
                z_mean, z_log_var, z = self.encoder(data)
                reconstruction = self.decoder(z)
                reconstruction_loss = ops.mean(
                    ops.sum(keras.losses.binary_crossentropy(data, reconstruction), axis=(1, 2))
                )
                kl_loss = -0.5 * (1 + z_log_var - ops.square(z_mean) - ops.exp(z_log_var))
                kl_loss = ops.mean(ops.sum(kl_loss, axis=1))
                total_loss = reconstruction_loss + kl_loss
            grads = tape.gradient(total_loss, self.trainable_weights)
            self.optimizer.apply_gradients(zip(grads, self.trainable_weights))
            self.total_loss_tracker.update_state(total_loss)
            self.reconstruction_loss_tracker.update_state(reconstruction_loss)
            self.kl_loss_tracker.update_state(kl_loss)
            return {
                "loss": self.total_loss_tracker.result(),
                "reconstruction_loss": self.reconstruction_loss_tracker.result(),
                "kl_loss": self.kl_loss_tracker.result(),
            }

    return VAE(encoder, decoder)


def _flat(encoder, decoder, logits_from_last_layer: bool):
    """Encoder and decoder on flat 784-pixel rows, the decoder returning logits: what ``negative_elbo`` reads.

    keras.io's decoder ends in a sigmoid convolution; its logits are that convolution without the
    sigmoid, with the same weights (``logits_from_last_layer``).
    """
    import keras

    x = keras.Input((784,))
    flat_encoder = keras.Model(x, encoder(keras.layers.Reshape((28, 28, 1))(x)), name="flat_encoder")
    z = keras.Input((decoder.inputs[0].shape[-1],))
    if logits_from_last_layer:
        last = decoder.layers[-1]
        linear = keras.layers.Conv2DTranspose.from_config({**last.get_config(), "activation": None, "name": "logits"})
        body = keras.Model(decoder.inputs[0], decoder.layers[-2].output)
        output = linear(body(z))
        linear.set_weights(last.get_weights())
    else:
        output = decoder(z)
    flat_decoder = keras.Model(z, keras.layers.Flatten()(output), name="flat_decoder")
    return flat_encoder, flat_decoder


def run_keras_io(epochs: int) -> dict:
    import keras

    from vae_helpers.model import negative_elbo

    x_fit, _, x_test, _ = _data()
    keras.utils.set_random_seed(0)
    vae = _keras_io_model()
    vae.compile(optimizer=keras.optimizers.Adam())
    images = x_fit.reshape(-1, 28, 28, 1).astype("float32")
    history, seconds, cpu_seconds = _timed(lambda: vae.fit(images, epochs=epochs, batch_size=KERAS_IO["batch_size"], verbose=0))
    encoder, decoder = _flat(vae.encoder, vae.decoder, logits_from_last_layer=True)
    return {
        "epochs": epochs,
        "seconds": seconds,
        "cpu_seconds": cpu_seconds,
        "parameters": int(vae.encoder.count_params() + vae.decoder.count_params()),
        "final_training_loss": float(history.history["loss"][-1]),
        "nats": negative_elbo(encoder, decoder, x_test, n_samples=10, seed=0),
    }


def _conv_parts(seed: int):
    """keras.io's encoder and decoder layers on flat rows, the decoder ending in logits: the book's conv variant."""
    import keras
    from keras import layers

    from vae_helpers.model import Sampling

    init = lambda offset: keras.initializers.GlorotUniform(seed=seed + offset)  # noqa: E731
    x_in = keras.Input((784,), name="x")
    x = layers.Reshape((28, 28, 1))(x_in)
    x = layers.Conv2D(32, 3, activation="relu", strides=2, padding="same", kernel_initializer=init(0))(x)
    x = layers.Conv2D(64, 3, activation="relu", strides=2, padding="same", kernel_initializer=init(1))(x)
    x = layers.Flatten()(x)
    x = layers.Dense(16, activation="relu", kernel_initializer=init(2))(x)
    mu = layers.Dense(2, name="mu", kernel_initializer=init(3))(x)
    log_var = layers.Dense(2, name="log_var", kernel_initializer=init(4))(x)
    encoder = keras.Model(x_in, [mu, log_var, Sampling(seed=seed, name="z")([mu, log_var])], name="encoder")
    z_in = keras.Input((2,), name="z")
    x = layers.Dense(7 * 7 * 64, activation="relu", kernel_initializer=init(5))(z_in)
    x = layers.Reshape((7, 7, 64))(x)
    x = layers.Conv2DTranspose(64, 3, activation="relu", strides=2, padding="same", kernel_initializer=init(6))(x)
    x = layers.Conv2DTranspose(32, 3, activation="relu", strides=2, padding="same", kernel_initializer=init(7))(x)
    x = layers.Conv2DTranspose(1, 3, padding="same", kernel_initializer=init(8))(x)
    decoder = keras.Model(z_in, layers.Flatten(name="logits")(x), name="decoder")
    return encoder, decoder


def run_book(epochs: int, conv: bool = False) -> dict:
    import keras

    import vae_helpers.train as train
    from vae_helpers.model import negative_elbo

    x_fit, _, x_test, _ = _data()
    config = replace(train.TrainingConfig(), epochs=epochs)
    if conv:
        # train_vae builds the MLP; the conv variant swaps in keras.io's layers, everything else the same.
        from vae_helpers import model

        encoder, decoder = _conv_parts(config.seed)
        model.build_encoder = lambda *args, **kwargs: encoder
        model.build_decoder = lambda *args, **kwargs: decoder
    (vae, history), seconds, cpu_seconds = _timed(lambda: train.train_vae(x_fit, None, config))
    return {
        "backend": keras.backend.backend(),
        "jit_compile": bool(vae.jit_compile),
        "steps_per_execution": int(vae.steps_per_execution),
        "epochs": epochs,
        "seconds": seconds,
        "cpu_seconds": cpu_seconds,
        "parameters": int(vae.encoder.count_params() + vae.decoder.count_params()),
        "final_training_loss": float(history.history["loss"][-1]),
        "nats": negative_elbo(vae.encoder, vae.decoder, x_test, n_samples=10, seed=0),
    }


def run_gaussian(epochs: int, variance: float) -> dict:
    import keras

    from vae_helpers.gaussian import kl_to_standard_normal
    from vae_helpers.gaussian_decoder import GaussianVAE
    from vae_helpers.model import build_decoder, build_encoder, decode, encode
    from vae_helpers.train import TrainingConfig

    x_fit, _, x_test, _ = _data()
    config = replace(TrainingConfig(), epochs=epochs)
    keras.utils.set_random_seed(config.seed)
    shape = {"latent_dim": config.latent_dim, "hidden": config.hidden, "seed": config.seed, "depth": config.depth}
    vae = GaussianVAE(build_encoder(**shape), build_decoder(**shape), variance=variance)
    steps = int(np.ceil(len(x_fit) / config.batch_size))
    schedule = keras.optimizers.schedules.CosineDecay(config.learning_rate, epochs * steps, alpha=config.final_learning_rate_fraction)
    vae.compile(optimizer=keras.optimizers.Adam(schedule), jit_compile=True, steps_per_execution=config.steps_per_execution)
    _, seconds, cpu_seconds = _timed(lambda: vae.fit(x_fit, epochs=epochs, batch_size=config.batch_size, verbose=0))
    evaluated = vae.evaluate(x_test, batch_size=1000, verbose=0, return_dict=True)
    mu, log_var = encode(vae.encoder, x_test)
    x_hat = decode(vae.decoder, mu)
    samples = decode(vae.decoder, np.random.default_rng(0).standard_normal((N_SAMPLES_SHOWN, config.latent_dim)))
    return {
        "variance": variance,
        "hidden_beta": 2 * variance,
        "epochs": epochs,
        "seconds": seconds,
        "cpu_seconds": cpu_seconds,
        "negative_elbo": float(evaluated["loss"]),
        "reconstruction_nats": float(evaluated["reconstruction_loss"]),
        "kl_nats": float(kl_to_standard_normal(mu.astype(np.float64), log_var.astype(np.float64)).mean()),
        "kl_per_dimension": kl_to_standard_normal(mu[:, :, None].astype(np.float64), log_var[:, :, None].astype(np.float64)).mean(axis=0).tolist(),
        "squared_error_of_mean_decode": float(((x_test - x_hat) ** 2).sum(axis=1).mean()),
        "code_spread": mu.std(axis=0).tolist(),
        "posterior_sigma_median": float(np.median(np.exp(0.5 * log_var))),
        "prior_samples": np.round(samples, 3).tolist(),
    }


def _child(arguments: list[str], backend: str = "tensorflow") -> dict:
    """Run this script's ``--run`` in a fresh process on ``backend`` and return its JSON."""
    environment = {**os.environ, "KERAS_BACKEND": backend, "TF_CPP_MIN_LOG_LEVEL": "2"}
    result = subprocess.run([sys.executable, __file__, *arguments], env=environment, capture_output=True, text=True)
    if result.returncode:
        raise RuntimeError(f"{arguments} on {backend} failed:\n{result.stderr[-3000:]}")
    figures = json.loads(result.stdout.strip().splitlines()[-1])
    print(arguments, backend, {k: v for k, v in figures.items() if k != "prior_samples"}, flush=True)
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=KERAS_IO["epochs"], help="keras.io's model and the conv variant")
    parser.add_argument("--book-epochs", type=int, default=30, help="the book's model on TensorFlow")
    parser.add_argument("--backend-epochs", type=int, default=30, help="the book's model on JAX and PyTorch")
    parser.add_argument("--gaussian-epochs", type=int, default=10)
    parser.add_argument("--only", nargs="*", default=["book", "keras_io", "conv", "gaussian"], help="which runs (the others are kept from the JSON)")
    parser.add_argument("--backends", nargs="*", default=list(BACKENDS), choices=BACKENDS, help="the book's model on these (the others kept)")
    parser.add_argument("--run", help=argparse.SUPPRESS)
    parser.add_argument("--variance", type=float, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.run:  # a child: one run, its figures as the last line of stdout
        figures = {"keras_io": lambda: run_keras_io(args.epochs), "book": lambda: run_book(args.epochs),
                   "conv": lambda: run_book(args.epochs, conv=True), "gaussian": lambda: run_gaussian(args.epochs, args.variance)}[args.run]()
        print(json.dumps(figures))
        return

    import keras

    from vae_helpers.train import TrainingConfig

    results = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
    results.update(
        data={"n_train": 55000, "n_validation": 5000, "n_test": 10000, "negative_elbo_samples": 10, "negative_elbo_seed": 0},
        training_config=asdict(TrainingConfig()),
        versions={"python": platform.python_version(), "keras": keras.__version__, "numpy": np.__version__},
        machine={"cpus": os.cpu_count(), "load_average_at_start": os.getloadavg()[0], "platform": platform.platform()},
    )
    runs = {
        "book": lambda: {
            **results.get("book", {}),
            **{backend: _child(["--run", "book", "--epochs", str(args.book_epochs if backend == "tensorflow" else args.backend_epochs)], backend)
               for backend in args.backends},
        },
        "keras_io": lambda: {**KERAS_IO, "trained": _child(["--run", "keras_io", "--epochs", str(args.epochs)])},
        "conv": lambda: _child(["--run", "conv", "--epochs", str(args.epochs)]),
        "gaussian": lambda: [
            _child(["--run", "gaussian", "--epochs", str(args.gaussian_epochs), "--variance", str(variance)])
            for variance in GAUSSIAN_VARIANCES
        ],
    }
    for name in args.only:  # each group is written as soon as it is measured
        results[name] = runs[name]()
        RESULTS.write_text(json.dumps(results, indent=1) + "\n")
        print(f"wrote {name} into {RESULTS}", flush=True)


if __name__ == "__main__":
    main()
