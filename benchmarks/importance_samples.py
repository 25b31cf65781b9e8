"""How many importance samples the test log-likelihood needs: the bound L_K against K for a shipped model.

For the first ``--images`` binarized test images (``vae_helpers.beyond_2d.binarized_test_images``),
one set of ``max(KS)`` importance weights per image is drawn with the model's own q(z|x) as proposal
and cut into groups of K (``importance_weighted_bounds_by_k``): for each K the mean of -L_K over the
images, its standard error over the images, and the time K samples per image cost. Writes
``vae_helpers/results/importance_samples.json`` (package data) with the date, the machine and the command; chapter 7
glues from it. Run: ``.venv/bin/python benchmarks/importance_samples.py --model vae-50d --images 1000``.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import sys
import time
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import numpy as np  # noqa: E402

from vae_helpers.benchmark_results import RESULTS_DIR  # noqa: E402
from vae_helpers.beyond_2d import SHIPPED_BINARIZED, binarized_metadata, binarized_test_images, load_binarized  # noqa: E402
from vae_helpers.iwae import importance_weighted_bounds_by_k, log_importance_weights  # noqa: E402

KS = (1, 2, 5, 10, 50, 100, 500, 1000, 5000)
RESULT = RESULTS_DIR / "importance_samples.json"


def bounds_against_k(encoder, decoder, x: np.ndarray, seed: int = 0) -> dict:
    """Per-K figures in nats: mean -L_K, its standard error over the images, and seconds for K samples per image."""
    figures = {}
    for offset, k in enumerate(KS):
        # Timed on its own draw of K samples: the cost of estimating with K, all images.
        start = time.perf_counter()
        log_importance_weights(encoder, decoder, x, k=k, seed=seed + 1 + offset)
        figures[k] = {"seconds": time.perf_counter() - start}
    weights = log_importance_weights(encoder, decoder, x, k=max(KS), seed=seed)
    for k, bound in importance_weighted_bounds_by_k(weights, KS).items():
        figures[k].update(
            negative_bound_nats=float(-bound.mean()),
            standard_error_nats=float(bound.std(ddof=1) / np.sqrt(len(bound))),
        )
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", choices=SHIPPED_BINARIZED, default="vae-50d")
    parser.add_argument("--images", type=int, default=1000)
    args = parser.parse_args()
    x = binarized_test_images()[: args.images]
    encoder, decoder = load_binarized(args.model)
    figures = bounds_against_k(encoder, decoder, x)
    record = {
        "date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, {platform.python_version()}",
        "command": " ".join([Path(sys.executable).name, *sys.argv]),
        "model": args.model,
        "sha256": binarized_metadata(args.model)["sha256"],  # the weights measured: retrained ones make this record stale
        "images": len(x),
        "by_k": {str(k): {key: round(value, 4) for key, value in row.items()} for k, row in figures.items()},
    }
    RESULT.write_text(json.dumps(record, indent=1) + "\n")
    for k, row in figures.items():
        print(f"K={k:5d}  -L_K {row['negative_bound_nats']:8.3f} +- {row['standard_error_nats']:.3f}  {row['seconds']:7.2f} s")
    print(f"{len(x)} images; written to {RESULT}")


if __name__ == "__main__":
    main()
