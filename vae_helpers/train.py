"""Train the book's VAE: its settings, the training loop, its curves, and the shipped files it writes.

:class:`TrainingConfig` holds everything that determines a run; :func:`train_vae` trains on the
images it is given; :func:`write_pretrained` writes the weights and their metadata as a pair. The
command that reproduces the shipped weights, ``python -m vae_helpers.train``, lives in
:mod:`vae_helpers.train_command`. Keras is imported only when training starts.
"""

from __future__ import annotations

import os
import platform
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from vae_helpers._validation import as_integer_at_least, as_positive_integer, as_positive_number, check_images, is_finite_number, is_real_number
from vae_helpers.pretrained import write_pretrained_files

if TYPE_CHECKING:
    import keras

    from vae_helpers.model import VAE

__all__ = ["N_VALIDATION", "VALIDATION_SEED", "EVALUATION_SEED", "TrainingConfig", "LearningRateHistory", "train_vae", "first_epoch_batches", "plot_training_curves", "write_pretrained"]

#: Training images kept aside (stratified, :func:`~vae_helpers.data.split_validation`) to choose
#: settings on, so that the test images are used only to report.
N_VALIDATION = 5000
VALIDATION_SEED = 0
#: The largest beta and free_bits accepted. The book's models use beta 0 to 10; the loss is
#: float32 (largest 3.4e38), and beta = 1e308 turns it into inf at the first batch.
MAX_BETA = 1e6
#: The most weights a model may have: 1e9 float32 weights are 4 GB, before the optimiser's two copies.
MAX_WEIGHTS = 10**9
#: Seeds numpy's and Keras' global generators take (keras.utils.set_random_seed).
MAX_SEED = 2**32 - 1
#: The largest learning rate accepted: Adam's steps are about this size, and the book's start at 5e-3.
MAX_LEARNING_RATE = 1.0


@dataclass(frozen=True)
class TrainingConfig:
    r"""Everything that determines a training run: the model's shape, the optimiser, the seed.

    The defaults are the shipped model's. They were chosen on a validation split carved
    from the training images (``benchmarks/tune_pretrained.py``), never on the test images:

    - ``depth`` 2 hidden layers of ``hidden`` 256 units in the encoder and in the decoder:
      one layer of 128 (the article's) or of 512 levels off well above;
    - ``learning_rate`` 5e-3 with cosine decay to ``final_learning_rate_fraction`` of it:
      big steps early, fine ones late (``benchmarks/train_vs_reference.py``, chapter 5);
    - ``jit_compile``: XLA fuses the small model's operations into one compiled program;
    - ``steps_per_execution``: 40 batches per call into that program, instead of one
      Python round trip per batch of 100 images.

    Part II's models add: ``activation`` ``"tanh"`` (Burda et al. 2015's MLP);
    ``binarize``, dynamic binarization (each training batch a fresh binary draw of its images,
    made by :class:`~vae_helpers.model.VAE` inside the compiled step); ``warm_up_epochs``, a KL warm-up in which
    :math:`\beta` grows linearly from 0 to ``beta`` over that many epochs (Bowman et al. 2016);
    and ``free_bits`` :math:`\lambda`, the least KL charged per latent dimension (Kingma et al. 2016).
    Chapter 8's ``conditional`` model (:class:`~vae_helpers.cvae.ConditionalVAE`) reads the digit's
    label in its encoder and decoder; it is trained on the labels as well as the images.
    """

    latent_dim: int = 2
    hidden: int = 256
    depth: int = 2
    activation: str = "relu"
    beta: float = 1.0
    binarize: bool = False
    warm_up_epochs: int = 0
    free_bits: float = 0.0
    epochs: int = 30
    batch_size: int = 100
    learning_rate: float = 5e-3
    final_learning_rate_fraction: float = 0.01
    seed: int = 0
    jit_compile: bool = True
    steps_per_execution: int = 40
    conditional: bool = False

    def __post_init__(self):
        # A bad setting fails here, before minutes of training, not as NaN weights at the end.
        as_positive_integer(self.latent_dim, "latent_dim")
        as_positive_integer(self.hidden, "hidden")
        as_positive_integer(self.depth, "depth")
        as_positive_integer(self.epochs, "epochs")
        as_positive_integer(self.batch_size, "batch_size")
        as_positive_integer(self.steps_per_execution, "steps_per_execution")
        as_integer_at_least(self.seed, "seed", 0)
        if self.seed > MAX_SEED:
            raise ValueError(f"seed must be an integer in [0, 2**32 - 1] (what keras.utils.set_random_seed takes): got {self.seed!r}")
        weights = self.weight_count()
        if weights > MAX_WEIGHTS:
            raise ValueError(
                f"latent_dim, hidden and depth ({self.latent_dim}, {self.hidden}, {self.depth}) make {weights:,} weights "
                f"({4 * weights / 1e9:.3g} GB in float32), more than the {MAX_WEIGHTS:,} accepted"
            )
        as_integer_at_least(self.warm_up_epochs, "warm_up_epochs", 0)
        as_positive_number(self.learning_rate, "learning_rate")
        if self.learning_rate > MAX_LEARNING_RATE:
            raise ValueError(f"learning_rate must be a positive number <= {MAX_LEARNING_RATE:g} (the book's start at 5e-3): got {self.learning_rate!r}")
        for name in ("beta", "free_bits"):
            value = getattr(self, name)
            if not is_finite_number(value) or value < 0:
                raise ValueError(f"{name} must be a finite number >= 0: got {value!r}")
            if value > MAX_BETA:
                raise ValueError(f"{name} must be at most {MAX_BETA:g} (the book's models use 0 to 10; the loss is float32): got {value!r}")
        if self.activation not in ("relu", "tanh"):
            raise ValueError(f"activation must be 'relu' or 'tanh': got {self.activation!r}")
        for name in ("binarize", "conditional"):
            if not isinstance(getattr(self, name), bool):
                raise ValueError(f"{name} must be True or False: got {getattr(self, name)!r}")
        if self.conditional and self.binarize:
            raise ValueError("binarize must be False for a conditional model (chapter 8's trains on grey levels): got True")
        fraction = self.final_learning_rate_fraction
        if not is_real_number(fraction) or not 0 <= fraction <= 1:
            raise ValueError(f"final_learning_rate_fraction must be a number in [0, 1]: got {fraction!r}")
        if not isinstance(self.jit_compile, bool):
            raise ValueError(f"jit_compile must be True or False: got {self.jit_compile!r}")


    def weight_count(self) -> int:
        """The number of weights of the encoder and the decoder together (Dense kernels and biases)."""
        from vae_helpers.data import N_CLASSES, N_PIXELS

        def dense(inputs: int, outputs: int) -> int:
            return (inputs + 1) * outputs

        hidden_layers = (self.depth - 1) * dense(self.hidden, self.hidden)
        encoder = dense(N_PIXELS, self.hidden) + hidden_layers + 2 * dense(self.hidden, self.latent_dim)  # mu and log_var
        decoder = dense(self.latent_dim, self.hidden) + hidden_layers + dense(self.hidden, N_PIXELS)
        if self.conditional:  # the one-hot label joins each half's first layer
            encoder, decoder = encoder + N_CLASSES * self.hidden, decoder + N_CLASSES * self.hidden
        return encoder + decoder


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
    y_train: np.ndarray | None = None,
    y_test: np.ndarray | None = None,
    initial_weights: str | os.PathLike | None = None,
) -> tuple[VAE, keras.callbacks.History]:
    """Train a VAE on ``x_train`` with Adam and a cosine learning-rate decay.

    The learning rate falls from ``config.learning_rate`` to
    ``final_learning_rate_fraction`` times it over the run: large steps early, fine ones
    late. ``x_test``, if given, is evaluated after every epoch (``val_`` metrics). The
    history also holds the ``learning_rate`` at the end of each epoch;
    ``callbacks`` are passed on to ``fit``. A ``config.conditional`` model also needs the
    digits ``y_train`` (and ``y_test`` with ``x_test``). ``initial_weights``, a weights file
    of a model of ``config``'s shape, continues that model's training instead of starting
    from fresh weights (the optimiser's state and the schedule start afresh).

    Raises
    ------
    ValueError
        If ``config`` is not a :class:`TrainingConfig`, the images are not ``(n, 784)``
        pixel intensities in [0, 1], or a conditional model's labels are missing.
    """
    import keras

    if not isinstance(config, TrainingConfig):
        raise ValueError(f"config must be a TrainingConfig: got {type(config).__name__}")
    x_train = check_images(x_train, "x_train")
    if len(x_train) == 0:
        raise ValueError("x_train must hold at least one image: got none")
    if x_test is not None:
        x_test = check_images(x_test, "x_test")
    keras.utils.set_random_seed(config.seed)  # also seeds the shuffling of each epoch
    vae = _build_vae(config, config.seed, beta=_beta_at(config, 0), free_bits=config.free_bits, binarize=config.binarize, seed=config.seed)
    if initial_weights is not None:
        vae.load_weights(initial_weights)
    if config.conditional:
        from vae_helpers.cvae import one_hot

        if y_train is None or (x_test is not None and y_test is None):
            raise ValueError("y_train (and y_test with x_test) must be given for a conditional model: got None")
        x_train = [x_train, one_hot(y_train, "y_train")]
        x_test = None if x_test is None else [x_test, one_hot(y_test, "y_test")]
    steps_per_epoch = int(np.ceil(len(x_train[1] if config.conditional else x_train) / config.batch_size))
    schedule = keras.optimizers.schedules.CosineDecay(
        config.learning_rate, decay_steps=config.epochs * steps_per_epoch, alpha=config.final_learning_rate_fraction
    )
    torch = keras.backend.backend() == "torch"
    vae.compile(
        optimizer=keras.optimizers.Adam(schedule),
        # On PyTorch jit_compile=True is torch.compile, which needs a C++ toolchain; Keras' own
        # choice there is eager, and Keras runs one step per call. XLA's random numbers on a CPU
        # made a binarized step 4-5x slower (22 against 5 ms per batch of 100, measured on
        # 2 cores), so a binarized run is not compiled by XLA.
        jit_compile=config.jit_compile and not torch and not config.binarize,
        # More steps per call than an epoch has would only confuse the progress bar.
        steps_per_execution=1 if torch else min(config.steps_per_execution, steps_per_epoch),
    )
    callbacks = [__getattr__("LearningRateHistory")(), _stop_on_nan(config), *(callbacks or [])]
    if config.binarize and x_test is not None:
        from vae_helpers.bernoulli import binarize

        x_test = binarize(x_test, seed=config.seed)  # one fixed draw: the held-out curve compares like with like
    if not config.warm_up_epochs:
        history = vae.fit(
            x_train, epochs=config.epochs, batch_size=config.batch_size, validation_data=x_test, verbose=verbose, callbacks=callbacks
        )
        return vae, history
    # The warm-up changes beta, a constant of the compiled step, between epochs: one fit per epoch.
    history = keras.callbacks.History()
    history.history = {}
    for epoch in range(config.epochs):
        beta = _beta_at(config, epoch)
        if beta != vae.beta:
            vae.beta = beta
            vae.train_function = vae.test_function = None
        run = vae.fit(
            x_train, initial_epoch=epoch, epochs=epoch + 1, batch_size=config.batch_size,
            validation_data=x_test, verbose=verbose, callbacks=callbacks,
        )
        for name, values in {**run.history, "beta": [beta]}.items():
            history.history.setdefault(name, []).extend(values)
    return vae, history


def _build_vae(config: TrainingConfig, weights_seed: int | None = None, **settings) -> VAE:
    """A fresh model of ``config``'s shape: :class:`~vae_helpers.model.VAE`, or the conditional one."""
    if config.conditional:
        from vae_helpers.cvae import ConditionalVAE as model, build_conditional_decoder as decoder, build_conditional_encoder as encoder
    else:
        from vae_helpers.model import VAE as model, build_decoder as decoder, build_encoder as encoder
    shape = {"hidden": config.hidden, "seed": weights_seed, "depth": config.depth, "activation": config.activation}
    return model(encoder(config.latent_dim, **shape), decoder(config.latent_dim, **shape), **settings)


def _beta_at(config: TrainingConfig, epoch: int) -> float:
    """The KL weight in ``epoch`` (from 0): ``beta`` after the warm-up, ``beta * epoch / warm_up_epochs`` during it."""
    if epoch >= config.warm_up_epochs:
        return float(config.beta)
    return float(config.beta) * epoch / config.warm_up_epochs


def _stop_on_nan(config: TrainingConfig):
    import keras

    class StopOnNaN(keras.callbacks.Callback):
        """Stop at the first batch whose loss is not finite, naming the settings that drove it there."""

        def on_train_batch_end(self, batch, logs=None):
            loss = (logs or {}).get("loss")
            if loss is not None and not np.isfinite(float(loss)):
                raise FloatingPointError(
                    f"training diverged: the loss became {float(loss)} at batch {batch} (beta={config.beta}, "
                    f"learning_rate={config.learning_rate}); lower the learning rate or beta"
                )

    return StopOnNaN()


def first_epoch_batches(x_train: np.ndarray, config: TrainingConfig = TrainingConfig()) -> dict[str, np.ndarray]:
    r"""The losses of every batch of the first epoch of ``train_vae(x_train, config=config)``, nats per image.

    The run is :func:`train_vae`'s own (the same seed, initial weights, shuffling and
    learning-rate schedule), stopped after its first epoch and run one batch per call, so
    that each batch is seen. Keras reports running means over the epoch,
    :math:`m_b = \frac{1}{b + 1} \sum_{i \le b} \ell_i`, so batch :math:`b`'s loss is
    :math:`\ell_b = (b + 1)\, m_b - b\, m_{b - 1}`; each is computed on the batch before its step.

    Returns ``{"loss", "reconstruction_loss", "kl_loss", "learning_rate"}``, each ``(batches,)``.

    Raises
    ------
    ValueError
        As :func:`train_vae`.
    """
    import keras

    if not isinstance(config, TrainingConfig):
        raise ValueError(f"config must be a TrainingConfig: got {type(config).__name__}")
    names = ("loss", "reconstruction_loss", "kl_loss")
    means = {name: [] for name in names}
    rates = []

    class Batches(keras.callbacks.Callback):
        def on_train_batch_begin(self, batch, logs=None):
            # The rate this batch's step uses: the schedule at the step count before it.
            rates.append(float(keras.ops.convert_to_numpy(self.model.optimizer.learning_rate)))

        def on_train_batch_end(self, batch, logs=None):
            for name in names:
                means[name].append(float(logs[name]))

        def on_epoch_end(self, epoch, logs=None):
            self.model.stop_training = True

    train_vae(x_train, None, replace(config, steps_per_execution=1), callbacks=[Batches()])
    counts = np.arange(1, len(means["loss"]) + 1)
    batches = {name: np.diff(np.concatenate([[0.0], counts * np.array(values)])) for name, values in means.items()}
    return {**batches, "learning_rate": np.array(rates)}


_CURVES = ("loss", "reconstruction_loss", "kl_loss", "val_loss", "val_reconstruction_loss", "val_kl_loss", "learning_rate")


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
    n_epochs = len(curves["loss"])
    for name in ("reconstruction_loss", "kl_loss"):
        if name not in curves:
            raise ValueError(f"history must hold a {name!r} per epoch beside 'loss' (what train_vae records): got keys {sorted(curves)}")
    for name, values in curves.items():
        if name in _CURVES and (not hasattr(values, "__len__") or len(values) != n_epochs):
            raise ValueError(f"history[{name!r}] must hold one value per epoch, {n_epochs} like 'loss': got {values!r}")
    epochs = np.arange(1, n_epochs + 1)
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
    vae: VAE,
    config: TrainingConfig,
    held_out_negative_elbo: float,
    output: Path,
    data: dict | None = None,
    extra: dict | None = None,
) -> Path:
    """Write the weights and their metadata into ``output``; the pair replaces the old one atomically.

    ``data`` describes the training and test data (source, sizes); ``extra`` adds entries to
    the metadata (Part II's likelihood estimates and learning curves). Returns the weights path.
    """
    from importlib.metadata import version

    import keras

    held_out_negative_elbo = as_positive_number(held_out_negative_elbo, "held_out_negative_elbo")
    backend = keras.backend.backend()
    metadata = {
        "data": data or {"source": "mnist", "n_train": 60000, "n_test": 10000, "pixels": "x / 255"},
        "training": asdict(config),
        "held_out_negative_elbo_nats": round(held_out_negative_elbo, 3),
        "negative_elbo_samples_per_image": 10,
        "negative_elbo_seed": 0,
        **(extra or {}),
        "versions": {
            "python": platform.python_version(),
            "keras": keras.__version__,
            "backend": backend,
            # The version of the backend's package: tensorflow(-cpu), jax or torch.
            backend: version({"tensorflow": "tensorflow-cpu" if platform.system() != "Darwin" else "tensorflow"}.get(backend, backend)),
            "numpy": np.__version__,
        },
    }
    # A fresh, uncompiled VAE over the same layers saves no optimizer state: a third the size.
    bare = type(vae)(vae.encoder, vae.decoder)
    return write_pretrained_files(bare.save_weights, metadata, output, check=lambda path: _loads_back(bare, config, path))


def _loads_back(vae: VAE, config: TrainingConfig, path: Path) -> None:
    """Raise unless ``path`` loads into a fresh VAE of ``config``'s shape with exactly ``vae``'s weights."""
    fresh = _build_vae(config)
    fresh.load_weights(path)
    for index, (saved, expected) in enumerate(zip(fresh.get_weights(), vae.get_weights())):
        if not np.array_equal(saved, expected):
            raise ValueError(f"weight {index} read back differs from the trained one")


#: The seed of the one binarization of the validation and test images that every score of a
#: binarized model is measured on (training draws a fresh one for every batch).
EVALUATION_SEED = 2015


if __name__ == "__main__":
    # `python -m vae_helpers.train`, the name the book has always used, runs the command module
    # as the main program: this file, run as __main__, is not the vae_helpers.train it imports.
    import runpy

    runpy.run_module("vae_helpers.train_command", run_name="__main__", alter_sys=True)
