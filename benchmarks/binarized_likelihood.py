"""The test log-likelihood of every shipped binarized model, by importance sampling (chapter 7 glues it).

For each model of ``vae_helpers.beyond_2d.SHIPPED_BINARIZED``: -log p(x) estimated by the
importance-weighted bound L_K with the model's own q(z|x) as proposal, on the binarized test
images (``binarized_test_images``: one fixed draw), its standard error over the images, and the
time it took: every model with ``--k`` samples on the first ``--images`` images (``subset``, where
the models are compared), and the anchor ``vae-50d`` also as Burda et al. (2015) scored theirs,
with 5,000 samples on all 10,000 test images (``full``; ``--skip-full`` leaves it out). Each model's
figures are written to ``vae_helpers/results/binarized_likelihood.json`` (package data: chapter 7 reads it) as soon
as they are done (with the date, the machine, the command and the sha256 of the weights they measured:
retrained weights start a fresh entry), so an interrupted run keeps what it finished.
Run: ``.venv/bin/python benchmarks/binarized_likelihood.py [--models NAME ...]``.
"""

from __future__ import annotations

import argparse
import datetime
import fcntl
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
from vae_helpers.iwae import importance_weighted_bound  # noqa: E402

RESULT = RESULTS_DIR / "binarized_likelihood.json"
ANCHOR, ANCHOR_K = "vae-50d", 5000
CHUNK = 250  # images per call: 250 x 5,000 log-weights is 10 MB


def bounds(encoder, decoder, x: np.ndarray, k: int, seed: int = 0) -> np.ndarray:
    """L_K per image, in nats; image ``i`` of ``x`` always gets the seed ``seed + i - i % CHUNK``."""
    return np.concatenate([
        importance_weighted_bound(encoder, decoder, x[i:i + CHUNK], k, seed=seed + i) for i in range(0, len(x), CHUNK)
    ])


def summary(k: int, n: int, total: float, total_squares: float, seconds: float) -> dict:
    """-log p(x) as the mean of -L_K over ``n`` images and its standard error, from the sums of L_K and of its squares."""
    variance = (total_squares - total**2 / n) / (n - 1)
    return {
        "importance_samples": k,
        "images": n,
        "test_nats": round(-total / n, 3),
        "standard_error_nats": round(float(np.sqrt(variance / n)), 3),
        "seconds": round(seconds, 1),
    }


def estimate(encoder, decoder, x: np.ndarray, k: int, seed: int = 0) -> dict:
    """-log p(x) by L_K, mean and standard error over the images, in nats; with the seconds it took."""
    start = time.perf_counter()
    values = bounds(encoder, decoder, x, k, seed)
    return summary(k, len(values), float(values.sum()), float((values**2).sum()), time.perf_counter() - start)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--models", nargs="+", choices=SHIPPED_BINARIZED, default=list(SHIPPED_BINARIZED))
    parser.add_argument("--k", type=int, default=500, help="samples per image on the subset")
    parser.add_argument("--images", type=int, default=1000, help="test images in the subset (the first ones)")
    parser.add_argument("--skip-full", action="store_true", help="leave out the anchor's full-test-set estimate")
    parser.add_argument("--full-part", metavar="I/N", help="only the anchor's full estimate, on the I-th of N parts of the "
                        "test set (run the N parts in parallel; the last one to finish writes the whole estimate)")
    args = parser.parse_args()
    x = binarized_test_images()
    if args.full_part:
        _full_part(x, *map(int, args.full_part.split("/")))
        return
    for name in args.models:
        model = load_binarized(name)
        runs = [("subset", args.k, x[: args.images])]
        if name == ANCHOR and not args.skip_full:
            runs.append(("full", ANCHOR_K, x))
        for run, k, images in runs:
            figures = estimate(*model, images, k)
            with _locked_record() as record:
                _entry(record, name)[run] = figures
            print(f"{name:10s} {run:6s} -log p(x) {figures['test_nats']:8.3f} +- {figures['standard_error_nats']:.3f}  "
                  f"(K={k}, {len(images)} images, {figures['seconds']:.0f} s)", flush=True)


def _full_part(x: np.ndarray, part: int, parts: int) -> None:
    """The anchor's full estimate on part ``part`` of ``parts``; the whole once every part is in."""
    if not 1 <= part <= parts:
        raise SystemExit(f"--full-part must be I/N with 1 <= I <= N: got {part}/{parts}")
    start, end = (part - 1) * len(x) // parts, part * len(x) // parts
    began = time.perf_counter()
    values = bounds(*load_binarized(ANCHOR), x[start:end], ANCHOR_K, seed=start)  # the seeds of an unsplit run
    with _locked_record() as record:
        figures = _entry(record, ANCHOR)
        done = figures.setdefault("full_parts", {})
        done[f"{part}/{parts}"] = {"sum": float(values.sum()), "sum_squares": float((values**2).sum()),
                                   "images": len(values), "seconds": time.perf_counter() - began}
        if len([key for key in done if key.endswith(f"/{parts}")]) == parts:
            parts_done = [done[f"{i}/{parts}"] for i in range(1, parts + 1)]
            figures["full"] = summary(ANCHOR_K, sum(p["images"] for p in parts_done), sum(p["sum"] for p in parts_done),
                                      sum(p["sum_squares"] for p in parts_done), max(p["seconds"] for p in parts_done))
            del figures["full_parts"]
            print(f"{ANCHOR} full -log p(x) {figures['full']['test_nats']:.3f} +- {figures['full']['standard_error_nats']:.3f}", flush=True)
    print(f"{ANCHOR} full, part {part}/{parts}: {len(values)} images in {time.perf_counter() - began:.0f} s", flush=True)


def _entry(record: dict, name: str) -> dict:
    """Model ``name``'s figures, restarted when its weights changed: figures always belong to the weights they name."""
    sha256 = binarized_metadata(name)["sha256"]
    if record["models"].get(name, {}).get("sha256") != sha256:
        record["models"][name] = {"sha256": sha256}
    return record["models"][name]


class _locked_record:
    """The results file, read and rewritten under a lock: parallel parts never lose each other's figures."""

    def __enter__(self) -> dict:
        self.lock = open(RESULT.with_suffix(".lock"), "w")
        fcntl.flock(self.lock, fcntl.LOCK_EX)
        self.record = json.loads(RESULT.read_text()) if RESULT.exists() else {"models": {}}
        return self.record

    def __exit__(self, kind, error, traceback) -> None:
        if kind is None:
            _write(self.record)
        self.lock.close()


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
