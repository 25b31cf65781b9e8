"""How often a trained 2-D VAE draws each digit at the centre of that digit's codes (issue: full MNIST).

At the centre of each label's held-out codes (the per-coordinate median of the encoder's
means) the decoder should draw that digit, for all ten. This script measures how robust that
is to the run: it trains ``TrainingConfig`` and small changes of it, each once, on the official
training images less the shipped model's validation set (``vae_helpers.train.N_VALIDATION``), and
asks an independent judge (a classifier trained on the same 55,000 images, as
``tests/test_pretrained.py`` does) what the decoder draws at the centre of each digit's
*validation* codes. The test images are never touched. The shipped model
(``python -m vae_helpers.train``) is this script's ``TrainingConfig`` run, chosen here.

    .venv/bin/python benchmarks/centre_check.py          # print (about 4 minutes a row on 2 quiet cores)
    .venv/bin/python benchmarks/centre_check.py --save   # also write vae_helpers/results/centre_check.json
"""

from __future__ import annotations

import argparse
import json
import os
import time
from dataclasses import replace

import numpy as np

import vae_helpers  # noqa: F401  (first: it keeps TensorFlow's start-up lines quiet)
from vae_helpers.benchmark_results import RESULTS_DIR
from vae_helpers.data import load_mnist, split_validation
from vae_helpers.model import decode, encode, negative_elbo
from vae_helpers.train import N_VALIDATION, VALIDATION_SEED, TrainingConfig, train_vae

RESULTS = RESULTS_DIR / "centre_check.json"
# Each run changes TrainingConfig's defaults; the first is TrainingConfig itself.
RUNS = {
    "TrainingConfig": {},
    "hidden 512": {"hidden": 512},
    "depth 3": {"depth": 3},
    "60 epochs": {"epochs": 60},
    "batch size 50": {"batch_size": 50},
}


def judge(x: np.ndarray, y: np.ndarray):
    """A classifier of digits trained on ``x``: what a picture shows, independently of the VAE."""
    import keras

    keras.utils.set_random_seed(0)
    classifier = keras.Sequential([keras.Input((784,)), keras.layers.Dense(256, activation="relu"), keras.layers.Dense(10)])
    classifier.compile("adam", keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    classifier.fit(x, y, epochs=3, batch_size=256, verbose=0)
    return classifier


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--save", action="store_true", help=f"write the figures to {RESULTS.name}")
    args = parser.parse_args()
    (x_train, y_train), _ = load_mnist("mnist")
    (x_fit, y_fit), (x_validation, y_validation) = split_validation(x_train, y_train, N_VALIDATION, seed=VALIDATION_SEED)
    classifier = judge(x_fit, y_fit)
    rows = {}
    for name, changes in RUNS.items():
        start = time.perf_counter()
        vae, _ = train_vae(x_fit, config=replace(TrainingConfig(), **changes))
        seconds = time.perf_counter() - start
        mu, _ = encode(vae.encoder, x_validation)
        centres = np.stack([np.median(mu[y_validation == digit], axis=0) for digit in range(10)])
        drawn = np.asarray(classifier.predict(decode(vae.decoder, centres), verbose=0)).argmax(axis=1)
        nats = negative_elbo(vae.encoder, vae.decoder, x_validation, n_samples=10, seed=0)
        rows[name] = {"changes": changes, "validation_nats": round(float(nats), 2), "drawn_at_centres": drawn.tolist(),
                      "digits_right": int((drawn == np.arange(10)).sum()), "seconds": round(seconds)}
        print(f"{name:16s} {nats:7.2f} nats  drawn at the centres of 0-9: {drawn.tolist()}  ({seconds:4.0f} s)", flush=True)
    if args.save:
        record = {"n_fit": len(x_fit), "n_validation": len(x_validation), "runs": rows, "load_average_at_end": os.getloadavg()[0]}
        RESULTS.write_text(json.dumps(record, indent=2) + "\n")
        print(f"written to {RESULTS}")


if __name__ == "__main__":
    main()
