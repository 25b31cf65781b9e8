"""Train the book's VAE, and reproduce the shipped pretrained weights.

``python -m vae_helpers.train`` retrains the 2-D model with the settings of
:class:`TrainingConfig` on the official training images less a validation set of
:data:`N_VALIDATION` (55,000 of the 60,000), measures it on the validation images and on the
10,000 test images, and rewrites the weights and their metadata (``vae_helpers/weights/``).
The validation images are where settings are chosen; the test images are only reported.
``--output DIR`` writes them elsewhere instead. The new weights and metadata replace the
old as a pair (:func:`vae_helpers.pretrained.write_pretrained_files`), and only once
training has finished.

Keras is imported only when training starts, so ``--help`` and bad arguments answer at once.
"""

from __future__ import annotations

import argparse
import os
import platform
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from vae_helpers._validation import as_integer_at_least, as_positive_integer, as_positive_number
from vae_helpers.data import SOURCES, load_mnist, split_validation
from vae_helpers.pretrained import PRETRAINED_DIR, write_pretrained_files

if TYPE_CHECKING:
    import keras

    from vae_helpers.model import VAE

__all__ = ["N_VALIDATION", "VALIDATION_SEED", "TrainingConfig", "LearningRateHistory", "train_vae", "plot_training_curves", "write_pretrained", "main"]

#: Training images kept aside (stratified, :func:`~vae_helpers.data.split_validation`) to choose
#: settings on, so that the test images are used only to report.
N_VALIDATION = 5000
VALIDATION_SEED = 0


@dataclass(frozen=True)
class TrainingConfig:
    """Everything that determines a training run: the model's shape, the optimiser, the seed.

    The defaults are the shipped model's. They were chosen on a validation split carved
    from the training images (``benchmarks/tune_pretrained.py``), never on the test images:

    - ``depth`` 2 hidden layers of ``hidden`` 256 units in the encoder and in the decoder:
      one layer of 128 (the article's) or of 512 levels off well above;
    - ``learning_rate`` 5e-3 with cosine decay to ``final_learning_rate_fraction`` of it:
      big steps early, fine ones late (``benchmarks/train_vs_reference.py``, chapter 5);
    - ``jit_compile``: XLA fuses the small model's operations into one compiled program;
    - ``steps_per_execution``: 40 batches per call into that program, instead of one
      Python round trip per batch of 100 images.
    """

    latent_dim: int = 2
    hidden: int = 256
    depth: int = 2
    beta: float = 1.0
    epochs: int = 30
    batch_size: int = 100
    learning_rate: float = 5e-3
    final_learning_rate_fraction: float = 0.01
    seed: int = 0
    jit_compile: bool = True
    steps_per_execution: int = 40

    def __post_init__(self):
        # A bad setting fails here, before minutes of training, not as NaN weights at the end.
        as_positive_integer(self.latent_dim, "latent_dim")
        as_positive_integer(self.hidden, "hidden")
        as_positive_integer(self.depth, "depth")
        as_positive_integer(self.epochs, "epochs")
        as_positive_integer(self.batch_size, "batch_size")
        as_positive_integer(self.steps_per_execution, "steps_per_execution")
        as_integer_at_least(self.seed, "seed", 0)
        as_positive_number(self.learning_rate, "learning_rate")
        if isinstance(self.beta, bool) or not np.isscalar(self.beta) or not np.isfinite(self.beta) or self.beta < 0:
            raise ValueError(f"beta must be a finite number >= 0: got {self.beta!r}")
        fraction = self.final_learning_rate_fraction
        if isinstance(fraction, bool) or not np.isscalar(fraction) or not 0 <= fraction <= 1:
            raise ValueError(f"final_learning_rate_fraction must be a number in [0, 1]: got {fraction!r}")
        if not isinstance(self.jit_compile, bool):
            raise ValueError(f"jit_compile must be True or False: got {self.jit_compile!r}")


def _learning_rate_history_class():
    import keras

    class LearningRateHistory(keras.callbacks.Callback):
        """Record the optimizer's learning rate at the end of every epoch, as ``learning_rate`` in the history."""

        def on_epoch_end(self, epoch, logs=None):
            if logs is not None:
                logs["learning_rate"] = float(keras.ops.convert_to_numpy(self.model.optimizer.learning_rate))

    return LearningRateHistory


def __getattr__(name: str):
    # The Keras callback class is made on first use, so that importing this module (and
    # `python -m vae_helpers.train --help`) does not import TensorFlow.
    if name == "LearningRateHistory":
        globals()[name] = _learning_rate_history_class()
        return globals()[name]
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def train_vae(
    x_train: np.ndarray,
    x_test: np.ndarray | None = None,
    config: TrainingConfig = TrainingConfig(),
    verbose: int = 0,
    callbacks: list | None = None,
) -> tuple[VAE, keras.callbacks.History]:
    """Train a VAE on ``x_train`` with Adam and a cosine learning-rate decay.

    The learning rate falls from ``config.learning_rate`` to
    ``final_learning_rate_fraction`` times it over the run: large steps early, fine ones
    late. ``x_test``, if given, is evaluated after every epoch (``val_`` metrics). The
    history also holds the ``learning_rate`` at the end of each epoch;
    ``callbacks`` are passed on to ``fit``.

    Raises
    ------
    ValueError
        If ``config`` is not a :class:`TrainingConfig`, or the images are not ``(n, 784)``
        pixel intensities in [0, 1].
    """
    import keras

    from vae_helpers.model import VAE, build_decoder, build_encoder

    if not isinstance(config, TrainingConfig):
        raise ValueError(f"config must be a TrainingConfig: got {type(config).__name__}")
    keras.utils.set_random_seed(config.seed)  # also seeds the shuffling of each epoch
    vae = VAE(
        build_encoder(config.latent_dim, config.hidden, seed=config.seed, depth=config.depth),
        build_decoder(config.latent_dim, config.hidden, seed=config.seed, depth=config.depth),
        beta=config.beta,
    )
    steps_per_epoch = int(np.ceil(len(x_train) / config.batch_size))
    schedule = keras.optimizers.schedules.CosineDecay(
        config.learning_rate, decay_steps=config.epochs * steps_per_epoch, alpha=config.final_learning_rate_fraction
    )
    vae.compile(
        optimizer=keras.optimizers.Adam(schedule),
        jit_compile=config.jit_compile,
        # More steps per call than an epoch has would only confuse the progress bar.
        steps_per_execution=min(config.steps_per_execution, steps_per_epoch),
    )
    history = vae.fit(
        x_train,
        epochs=config.epochs,
        batch_size=config.batch_size,
        validation_data=x_test,
        verbose=verbose,
        callbacks=[__getattr__("LearningRateHistory")(), *(callbacks or [])],
    )
    return vae, history


def plot_training_curves(history: keras.callbacks.History | dict, title: str | None = None):
    """Total, reconstruction and KL loss per epoch, training (solid) and held out (dashed), in nats per image.

    ``history`` is what :func:`train_vae` returns (or its ``.history`` dict). Held-out
    curves are drawn when the run had ``x_test`` (``val_`` metrics), and a fourth panel
    shows the learning rate when the history has one. The panels sit two to a row, in reading
    order, so that the figure is no wider than :data:`~vae_helpers.figures.MAX_WIDTH_INCHES`.

    Raises
    ------
    ValueError
        If ``history`` has no ``loss`` per epoch.
    """
    import matplotlib.pyplot as plt

    from vae_helpers.figures import MAX_WIDTH_INCHES

    curves = history if isinstance(history, dict) else getattr(history, "history", None)
    if not isinstance(curves, dict):
        raise ValueError(f"history must be what train_vae returns (a keras History) or its .history dict: got {type(history).__name__}")
    if not curves.get("loss"):
        raise ValueError(f"history must hold a 'loss' per epoch: got keys {sorted(curves)}")
    epochs = np.arange(1, len(curves["loss"]) + 1)
    has_rate = "learning_rate" in curves
    figure, axes = plt.subplots(2, 2, figsize=(MAX_WIDTH_INCHES, 5.2), layout="constrained")
    axes = axes.ravel()
    if not has_rate:
        axes[3].remove()
    for ax, name, label in zip(axes, ("loss", "reconstruction_loss", "kl_loss"), ("total (-ELBO)", "reconstruction", "KL")):
        ax.plot(epochs, curves[name], label="training")
        if f"val_{name}" in curves:
            ax.plot(epochs, curves[f"val_{name}"], "--", label="held out")
        ax.set_title(label)
        ax.set_xlabel("epoch")
    if has_rate:
        axes[3].plot(epochs, curves["learning_rate"], color="gray")
        axes[3].set_title("learning rate (end of epoch)")
        axes[3].set_xlabel("epoch")
    axes[0].set_ylabel("nats per image")
    axes[2].set_ylabel("nats per image")
    axes[0].legend()
    if title:
        figure.suptitle(title)
    return figure


def write_pretrained(
    vae: VAE, config: TrainingConfig, held_out_negative_elbo: float, output: Path, data: dict | None = None
) -> Path:
    """Write the weights and their metadata into ``output``; the pair replaces the old one atomically.

    ``data`` describes the training and test data (source, sizes); returns the weights path.
    """
    import keras
    import tensorflow as tf

    from vae_helpers.model import VAE

    held_out_negative_elbo = as_positive_number(held_out_negative_elbo, "held_out_negative_elbo")
    metadata = {
        "data": data or {"source": "mnist", "n_train": 60000, "n_test": 10000, "pixels": "x / 255"},
        "training": asdict(config),
        "held_out_negative_elbo_nats": round(held_out_negative_elbo, 3),
        "negative_elbo_samples_per_image": 10,
        "negative_elbo_seed": 0,
        "versions": {
            "python": platform.python_version(),
            "keras": keras.__version__,
            "tensorflow": tf.__version__,
            "numpy": np.__version__,
        },
    }
    # A fresh, uncompiled VAE over the same layers saves no optimizer state: a third the size.
    bare = VAE(vae.encoder, vae.decoder)
    return write_pretrained_files(lambda path: bare.save_weights(path), metadata, output)


def _writable_folder(text: str) -> Path:
    """argparse type for --output: a folder that exists or can be made, checked before any training."""
    path = Path(text)
    if path.exists() and not path.is_dir():
        raise argparse.ArgumentTypeError(f"{path} exists and is not a folder")
    existing = next((parent for parent in (path, *path.parents) if parent.exists()), Path("."))
    if not os.access(existing, os.W_OK):
        raise argparse.ArgumentTypeError(f"cannot write into {existing}")
    return path


def _count(text: str) -> int:
    """argparse type for --validation: a whole number >= 0."""
    try:
        return as_integer_at_least(int(text), "--validation", 0)
    except ValueError as error:
        raise argparse.ArgumentTypeError(f"expected a whole number >= 0: got {text!r}") from error


def main(argv: list[str] | None = None) -> None:
    """Command line: retrain the pretrained 2-D VAE on the official training set and write its weights and metadata."""
    parser = argparse.ArgumentParser(prog="python -m vae_helpers.train", description=__doc__.splitlines()[0])
    parser.add_argument("--output", type=_writable_folder, default=PRETRAINED_DIR, help="folder for the weights (default: the package's)")
    parser.add_argument("--epochs", type=int, default=TrainingConfig.epochs)
    parser.add_argument("--seed", type=int, default=TrainingConfig.seed)
    parser.add_argument(
        "--beta", type=float, default=TrainingConfig.beta, help="weight of the KL term (default: 1, the VAE; 0 is an autoencoder)"
    )
    parser.add_argument("--data", choices=SOURCES, default="mnist", help="the data to train and measure on (default: mnist)")
    parser.add_argument(
        "--validation", type=_count, default=N_VALIDATION, metavar="N",
        help=f"training images kept aside for validation (default: {N_VALIDATION}; 0 trains on them all)",
    )
    args = parser.parse_args(argv)
    try:
        config = TrainingConfig(epochs=args.epochs, seed=args.seed, beta=args.beta)
    except ValueError as error:
        parser.error(str(error))
    (x_train, y_train), (x_test, _) = load_mnist(args.data)
    if args.validation >= len(x_train):
        parser.error(f"--validation must be smaller than the {len(x_train)} training images of {args.data!r}: got {args.validation}")
    from vae_helpers.model import negative_elbo

    data = {"source": args.data, "n_train": len(x_train), "n_test": len(x_test), "pixels": "x / 255"}
    x_validation = None
    if args.validation:
        (x_train, _), (x_validation, _) = split_validation(x_train, y_train, args.validation, seed=VALIDATION_SEED)
        data.update(n_train=len(x_train), n_validation=len(x_validation), validation_seed=VALIDATION_SEED)
    vae, _ = train_vae(x_train, config=config, verbose=2)
    if x_validation is not None:
        data["validation_negative_elbo_nats"] = round(negative_elbo(vae.encoder, vae.decoder, x_validation, n_samples=10, seed=0), 3)
    score = negative_elbo(vae.encoder, vae.decoder, x_test, n_samples=10, seed=0)
    weights = write_pretrained(vae, config, score, args.output, data)
    print(f"held-out -ELBO: {score:.2f} nats; {weights.name} and its metadata written to {args.output}")


if __name__ == "__main__":
    main()
