"""``python -m vae_helpers.train``: train a VAE and write its weights and metadata, as shipped.

The command retrains the 2-D model with the settings of :class:`~vae_helpers.train.TrainingConfig`
on the official training images less a validation set of
:data:`~vae_helpers.train.N_VALIDATION` (55,000 of the 60,000), measures it on the validation
images and on the 10,000 test images, and rewrites the weights and their metadata
(``vae_helpers/weights/``). The validation images are where settings are chosen; the test images
are only reported. ``--output DIR`` writes them elsewhere instead; Part II's options add the
architecture, dynamic binarization, a KL warm-up, free bits, importance-sampled likelihoods, the
conditional model, and ``--continue-from`` (train a shipped model further). The new weights and
metadata replace the old as a pair (:func:`vae_helpers.pretrained.write_pretrained_files`), and
only once training has finished; the folder is locked for the whole run.

Keras is imported only when training starts, so ``--help`` and bad arguments answer at once.
"""

from __future__ import annotations

import argparse
import os
from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from vae_helpers._validation import as_integer_at_least
from vae_helpers.data import SOURCES, load_mnist, split_validation
from vae_helpers.pretrained import CONDITIONAL_DIR, PRETRAINED_DIR, PretrainedWeightsError, writing_lock
from vae_helpers.train import EVALUATION_SEED, N_VALIDATION, VALIDATION_SEED, TrainingConfig, train_vae, write_pretrained

if TYPE_CHECKING:
    from vae_helpers.model import VAE

__all__ = ["main"]


def main(argv: list[str] | None = None) -> None:
    """Command line: train a VAE on the official training set and write its weights and metadata.

    Without options it retrains the shipped 2-D model; Part II's models add the architecture
    (``--latent-dim``, ``--hidden``, ``--activation``), dynamic binarization (``--binarize``), a KL
    warm-up, free bits, and an importance-sampled test log-likelihood (``--importance-samples``).
    """
    parser = argparse.ArgumentParser(prog="python -m vae_helpers.train", description=__doc__.splitlines()[0].split(": ", 1)[1])
    parser.add_argument(
        "--output", type=_writable_folder, default=None,
        help="folder for the weights (default: the package's weights/, or weights/conditional/ with --conditional)",
    )
    parser.add_argument("--epochs", type=int, default=TrainingConfig.epochs)
    parser.add_argument("--seed", type=int, default=TrainingConfig.seed)
    parser.add_argument(
        "--beta", type=float, default=TrainingConfig.beta, help="weight of the KL term (default: 1, the VAE; 0 is an autoencoder)"
    )
    parser.add_argument("--latent-dim", type=int, default=TrainingConfig.latent_dim)
    parser.add_argument("--hidden", type=int, default=TrainingConfig.hidden, help="units per hidden layer")
    parser.add_argument("--depth", type=int, default=TrainingConfig.depth, help="hidden layers in the encoder and in the decoder")
    parser.add_argument("--activation", choices=("relu", "tanh"), default=TrainingConfig.activation)
    parser.add_argument("--learning-rate", type=float, default=TrainingConfig.learning_rate, help="Adam's first learning rate (cosine decay)")
    parser.add_argument("--batch-size", type=int, default=TrainingConfig.batch_size)
    parser.add_argument("--binarize", action="store_true", help="dynamic binarization: a fresh binary draw of each image every epoch")
    parser.add_argument("--warm-up-epochs", type=int, default=0, help="grow beta linearly from 0 over this many epochs")
    parser.add_argument("--free-bits", type=float, default=0.0, help="the least KL, in nats, charged per latent dimension")
    parser.add_argument(
        "--importance-samples", type=int, default=0, metavar="K",
        help="also estimate the validation and test log-likelihood with K importance samples per image",
    )
    parser.add_argument(
        "--conditional", action="store_true", help="the conditional VAE of chapter 8: encoder and decoder also read the digit's label"
    )
    parser.add_argument(
        "--continue-from", type=Path, default=None, metavar="FOLDER",
        help="start from the weights in FOLDER (a model of the same shape) instead of fresh ones; "
        "the metadata records them and joins their validation curve to this run's",
    )
    parser.add_argument("--data", choices=SOURCES, default="mnist", help="the data to train and measure on (default: mnist)")
    parser.add_argument(
        "--validation", type=_count, default=N_VALIDATION, metavar="N",
        help=f"training images kept aside for validation (default: {N_VALIDATION}; 0 trains on them all)",
    )
    args = parser.parse_args(argv)
    try:
        config = TrainingConfig(
            latent_dim=args.latent_dim, hidden=args.hidden, depth=args.depth, activation=args.activation,
            beta=args.beta, binarize=args.binarize, warm_up_epochs=args.warm_up_epochs, free_bits=args.free_bits,
            epochs=args.epochs, batch_size=args.batch_size, learning_rate=args.learning_rate, seed=args.seed,
            conditional=args.conditional,
        )
        as_integer_at_least(args.importance_samples, "--importance-samples", 0)
        if args.conditional and args.importance_samples:
            raise ValueError("--importance-samples is for unconditional models (its bound reads no label): got it with --conditional")
    except ValueError as error:
        parser.error(str(error))
    earlier = _earlier_run(parser, args.continue_from, config)
    if args.output is None:
        args.output = CONDITIONAL_DIR if config.conditional else PRETRAINED_DIR
    # The folder's lock is held from here to the end: a second run into it stops now, not after training.
    try:
        with writing_lock(args.output):
            _train_and_write(parser, args, config, *earlier)
    except PretrainedWeightsError as error:
        parser.exit(1, f"{parser.prog}: error: {error}\n")


def _train_and_write(
    parser: argparse.ArgumentParser, args: argparse.Namespace, config: TrainingConfig, initial_weights: Path | None, earlier: dict | None
) -> None:
    (x_train, y_train), (x_test, y_test) = load_mnist(args.data)
    if args.validation >= len(x_train):
        parser.error(f"--validation must be smaller than the {len(x_train)} training images of {args.data!r}: got {args.validation}")
    data = {"source": args.data, "n_train": len(x_train), "n_test": len(x_test), "pixels": "x / 255"}
    x_validation = y_validation = None
    if args.validation:
        (x_train, y_train), (x_validation, y_validation) = split_validation(x_train, y_train, args.validation, seed=VALIDATION_SEED)
        data.update(n_train=len(x_train), n_validation=len(x_validation), validation_seed=VALIDATION_SEED)
    if config.binarize:
        from vae_helpers.bernoulli import binarize

        data["binarization"] = {"training": "dynamic (a fresh draw every epoch)", "evaluation_seed": EVALUATION_SEED}
        x_test = binarize(x_test, seed=EVALUATION_SEED)
        if x_validation is not None:
            x_validation = binarize(x_validation, seed=EVALUATION_SEED)
    _check_same_data(parser, earlier, data)
    # A binarized model's learning curve is part of what it ships: the validation -ELBO per epoch.
    held_out = config.binarize or config.conditional
    vae, history = train_vae(
        x_train, x_validation if held_out else None, config=config, verbose=2, y_train=y_train,
        y_test=y_validation if held_out else None, initial_weights=initial_weights,
    )
    negative_elbo = _negative_elbo(vae, config)
    extra = {}
    if earlier is not None:
        # The earlier run's own lineage nests inside: the record reaches back to the first fresh weights.
        keep = ("sha256", "training", "held_out_negative_elbo_nats", "continued_from")
        extra["continued_from"] = {"weights": initial_weights.name, **{key: earlier[key] for key in keep if key in earlier}}
    if held_out and x_validation is not None:
        curve = [round(float(v), 3) for v in history.history["val_loss"]]
        extra["validation_negative_elbo_by_epoch"] = (earlier or {}).get("validation_negative_elbo_by_epoch", []) + curve
    if x_validation is not None:
        data["validation_negative_elbo_nats"] = round(negative_elbo(x_validation, y_validation), 3)
    score = negative_elbo(x_test, y_test)
    if args.importance_samples:
        extra["negative_log_likelihood"] = _importance_sampled(vae, args.importance_samples, x_validation, x_test)
    weights = write_pretrained(vae, config, score, args.output, data, extra)
    print(f"held-out -ELBO: {score:.2f} nats; {weights.name} and its metadata written to {args.output}")
    if args.importance_samples:
        print(f"test -log p(x), {args.importance_samples} importance samples: {extra['negative_log_likelihood']['test_nats']:.2f} nats")


#: What a continued run must share with the run it continues: the model's shape and its data.
_SHAPE = ("latent_dim", "hidden", "depth", "activation", "binarize", "conditional")


def _earlier_run(parser: argparse.ArgumentParser, folder: Path | None, config: TrainingConfig) -> tuple[Path | None, dict | None]:
    """The weights file and metadata of ``--continue-from``'s run, checked against this one's shape."""
    if folder is None:
        return None, None
    from vae_helpers.pretrained import verified_weights_path

    try:
        path, metadata = verified_weights_path(folder)
    except PretrainedWeightsError as error:
        parser.error(f"--continue-from: {error}")
    # Settings older metadata lacks had their defaults (the conditional model came later).
    earlier = {**asdict(TrainingConfig()), **metadata.get("training", {})}
    differing = {name: earlier[name] for name in _SHAPE if earlier[name] != getattr(config, name)}
    if differing:
        parser.error(f"--continue-from {folder} holds a model with {differing}: this run's settings differ ({ {n: getattr(config, n) for n in differing} })")
    return path, metadata


def _check_same_data(parser: argparse.ArgumentParser, earlier: dict | None, data: dict) -> None:
    """Refuse to continue a run that was trained on other images or another validation split."""
    for name in ("source", "n_train", "validation_seed"):
        if earlier is not None and earlier["data"].get(name) != data.get(name):
            parser.error(f"--continue-from: that model was trained on other data ({name}: {earlier['data'].get(name)!r}, here {data.get(name)!r})")


def _negative_elbo(vae: VAE, config: TrainingConfig):
    """``score(x, y)``: the model's mean -ELBO on images ``x`` (with their digits ``y`` for a conditional model)."""
    if config.conditional:
        from vae_helpers.cvae import negative_conditional_elbo

        return lambda x, y: negative_conditional_elbo(vae.encoder, vae.decoder, x, y, n_samples=10, seed=0)
    from vae_helpers.model import negative_elbo

    return lambda x, y: negative_elbo(vae.encoder, vae.decoder, x, n_samples=10, seed=0)


def _importance_sampled(vae: VAE, k: int, x_validation: np.ndarray | None, x_test: np.ndarray) -> dict:
    """-log p(x) estimated with ``k`` importance samples per image: means and standard errors, in nats."""
    from vae_helpers.iwae import importance_weighted_bound

    record = {"importance_samples": k, "seed": 0}
    for name, images in (("validation", x_validation), ("test", x_test)):
        if images is not None:
            bound = importance_weighted_bound(vae.encoder, vae.decoder, images, k, seed=0)
            record[f"{name}_nats"] = round(float(-bound.mean()), 3)
            record[f"{name}_standard_error_nats"] = round(float(bound.std(ddof=1) / np.sqrt(len(bound))), 3)
    return record


def _writable_folder(text: str) -> Path:
    """argparse type for --output: a folder that exists or can be made, checked before any training."""
    if not text.strip():
        # An unset $OUT: the current folder is never what was meant.
        raise argparse.ArgumentTypeError("expected a folder: got an empty string (is the variable you passed unset?)")
    path = Path(text)
    if path.exists() and not path.is_dir():
        raise argparse.ArgumentTypeError(f"{path} exists and is not a folder")
    existing = next((parent for parent in (path, *path.parents) if parent.exists()), Path("."))
    if not existing.is_dir():
        raise argparse.ArgumentTypeError(f"{path} cannot be made: {existing} is a file, not a folder")
    if not os.access(existing, os.W_OK | os.X_OK):
        raise argparse.ArgumentTypeError(f"cannot write into {existing}")
    return path


def _count(text: str) -> int:
    """argparse type for --validation: a whole number >= 0."""
    try:
        return as_integer_at_least(int(text), "--validation", 0)
    except ValueError as error:
        raise argparse.ArgumentTypeError(f"expected a whole number >= 0: got {text!r}") from error


if __name__ == "__main__":
    main()
