"""Choose the shipped model's settings on a validation split carved from the training images.

Trains each candidate below for ``EPOCHS`` epochs (a third of the shipped run: enough to
rank them) on the official training images less a stratified validation set of 5,000
(``vae_helpers.data.split_validation``, seed 0) and prints its validation -ELBO
(``negative_elbo``, 10 samples per image, seed 0). The test images are never touched: they
measure only the model finally shipped (``python -m vae_helpers.train``), once.

    .venv/bin/python benchmarks/tune_pretrained.py          # print the table (about 5 minutes on 2 quiet cores)
    .venv/bin/python benchmarks/tune_pretrained.py --save   # also write the JSON chapter 5 reads
"""

from __future__ import annotations

import argparse
import json
import os
import time
from dataclasses import asdict, replace

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

from vae_helpers.benchmark_results import RESULTS_DIR  # noqa: E402
from vae_helpers.data import load_mnist, split_validation  # noqa: E402
from vae_helpers.model import negative_elbo  # noqa: E402
from vae_helpers.train import TrainingConfig, train_vae  # noqa: E402

RESULTS = RESULTS_DIR / "tune_pretrained.json"
N_VALIDATION = 5000
EPOCHS = 10
# Each candidate changes TrainingConfig's defaults (the last one is the shipped setting).
CANDIDATES = {
    "one layer of 128 (the article's shape), learning rate 2e-2": dict(hidden=128, depth=1, learning_rate=2e-2),
    "one layer of 512, learning rate 5e-3": dict(hidden=512, depth=1),
    "two layers of 256, learning rate 5e-3 (TrainingConfig)": dict(),
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--save", action="store_true", help=f"write the figures to {RESULTS.name}")
    args = parser.parse_args()
    (x_train, y_train), _ = load_mnist("mnist")
    (x_fit, _), (x_validation, _) = split_validation(x_train, y_train, N_VALIDATION, seed=0)
    results = {}
    for name, changes in CANDIDATES.items():
        config = replace(TrainingConfig(), epochs=EPOCHS, **changes)
        start = time.perf_counter()
        vae, _ = train_vae(x_fit, config=config)
        seconds = time.perf_counter() - start
        nats = negative_elbo(vae.encoder, vae.decoder, x_validation, n_samples=10, seed=0)
        results[name] = {"config": asdict(config), "validation_nats": nats, "seconds": seconds}
        print(f"{name:58s} {nats:7.2f} nats on validation  ({seconds:5.0f} s)", flush=True)
    if args.save:
        RESULTS.parent.mkdir(exist_ok=True)
        record = {"n_fit": len(x_fit), "n_validation": len(x_validation), "epochs": EPOCHS, "candidates": results,
                  "load_average_at_end": os.getloadavg()[0]}
        RESULTS.write_text(json.dumps(record, indent=2) + "\n")
        print(f"written to {RESULTS}")


if __name__ == "__main__":
    main()
