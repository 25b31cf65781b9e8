"""The test log-likelihood of every shipped binarized model, by importance sampling (chapter 7 glues it).

For each model of ``vae_helpers.beyond_2d.SHIPPED_BINARIZED``: -log p(x) estimated by the
importance-weighted bound L_K with the model's own q(z|x) as proposal, on the binarized test
images (``binarized_test_images``: one fixed draw), its standard error over the images, and the
time it took: every model with ``--k`` samples on the first ``--images`` images (``subset``, where
the models are compared), and the anchor ``vae-50d`` also as Burda et al. (2015) scored theirs,
with 5,000 samples on all 10,000 test images (``full``; ``--skip-full`` leaves it out). Each model's
figures are written to ``benchmarks/results/binarized_likelihood.json`` as soon as they are done
(with the date, the machine and the command), so an interrupted run keeps what it finished.
Run: ``.venv/bin/python benchmarks/binarized_likelihood.py [--models NAME ...]``.
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

from vae_helpers.beyond_2d import SHIPPED_BINARIZED, binarized_test_images, load_binarized  # noqa: E402
from vae_helpers.iwae import importance_weighted_bound  # noqa: E402

RESULT = Path(__file__).parent / "results" / "binarized_likelihood.json"
ANCHOR, ANCHOR_K = "vae-50d", 5000
CHUNK = 250  # images per call: 250 x 5,000 log-weights is 10 MB


def estimate(encoder, decoder, x: np.ndarray, k: int, seed: int = 0) -> dict:
    """-log p(x) by L_K, mean and standard error over the images, in nats; with the seconds it took."""
    start = time.perf_counter()
    bounds = np.concatenate([
        importance_weighted_bound(encoder, decoder, x[i:i + CHUNK], k, seed=seed + i) for i in range(0, len(x), CHUNK)
    ])
    return {
        "importance_samples": k,
        "images": len(x),
        "test_nats": round(float(-bounds.mean()), 3),
        "standard_error_nats": round(float(bounds.std(ddof=1) / np.sqrt(len(bounds))), 3),
        "seconds": round(time.perf_counter() - start, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--models", nargs="+", choices=SHIPPED_BINARIZED, default=list(SHIPPED_BINARIZED))
    parser.add_argument("--k", type=int, default=500, help="samples per image on the subset")
    parser.add_argument("--images", type=int, default=1000, help="test images in the subset (the first ones)")
    parser.add_argument("--skip-full", action="store_true", help="leave out the anchor's full-test-set estimate")
    args = parser.parse_args()
    x = binarized_test_images()
    record = json.loads(RESULT.read_text()) if RESULT.exists() else {"models": {}}
    for name in args.models:
        model = load_binarized(name)
        runs = [("subset", args.k, x[: args.images])]
        if name == ANCHOR and not args.skip_full:
            runs.append(("full", ANCHOR_K, x))
        for run, k, images in runs:
            figures = estimate(*model, images, k)
            record["models"].setdefault(name, {})[run] = figures
            _write(record)
            print(f"{name:10s} {run:6s} -log p(x) {figures['test_nats']:8.3f} +- {figures['standard_error_nats']:.3f}  "
                  f"(K={k}, {len(images)} images, {figures['seconds']:.0f} s)", flush=True)


def _write(record: dict) -> None:
    """Date, machine and command, then an atomic replace: a reader never sees half a file."""
    record.update(
        date=datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
        machine=f"{platform.machine()}, {os.cpu_count()} cores, {platform.python_version()}",
        command=" ".join([Path(sys.executable).name, *sys.argv]),
        binarization="vae_helpers.beyond_2d.binarized_test_images (the evaluation seed)",
    )
    temporary = RESULT.with_suffix(".json.tmp")
    temporary.write_text(json.dumps(record, indent=1) + "\n")
    temporary.replace(RESULT)


if __name__ == "__main__":
    main()
