"""The gap between the ELBO and log p(x) of the shipped VAE, taken apart on test images (Cremer et al. 2018).

For each image of chapter 3's subset (the same seeded draw of 200 test images, first ``--images`` of them):

- ``log_p``: log p(x) by quadrature on a refined 2-D grid (``vae_helpers.elbo.log_marginal_quadrature``);
- ``elbo_encoder``: the ELBO of the encoder's q(z|x), by Gauss-Hermite quadrature (no sampling noise);
- ``elbo_best``: the ELBO of the best diagonal Gaussian for that image alone;
- ``iw_encoder[K]``, ``iw_best[K]``: importance-weighted estimates L_K with either q as proposal.

approximation gap = log_p - elbo_best (the Gaussian family); amortization gap = elbo_best - elbo_encoder
(one encoder for all images). Writes ``vae_helpers/results/gap_decomposition.json`` (package data) with the date, the
machine and the command. Run: ``nice -n 5 .venv/bin/python benchmarks/gap_decomposition.py --images 200``.
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
from vae_helpers.data import load_mnist  # noqa: E402
from vae_helpers.elbo import best_diagonal_gaussian, gaussian_elbo, posterior_grids  # noqa: E402
from vae_helpers.iwae import importance_weighted_bounds_by_k, log_importance_weights_gaussian  # noqa: E402
from vae_helpers.model import encode, load_pretrained  # noqa: E402
from vae_helpers.numpy_decoder import NumpyDecoder  # noqa: E402

SUBSET_SEED, SUBSET_SIZE = 0, 200  # notebooks/03_elbo.ipynb's subset of the test images
NODES = 24
KS = (1, 10, 100, 1000)
RESULT = RESULTS_DIR / "gap_decomposition.json"


def decompose(encoder, decoder, x: np.ndarray, seed: int = 0) -> dict[str, list]:
    """Per-image figures, in nats (lists, for JSON)."""
    twin = NumpyDecoder.from_keras(decoder)
    grids = posterior_grids(twin, x)  # the defaults: two refinements agree to 0.01 nats, or it refuses
    mu, log_var = encode(encoder, x)
    best = [best_diagonal_gaussian(grid) for grid in grids]
    best_mu, best_log_var = np.array([b[0] for b in best]), np.array([b[1] for b in best])
    figures = {
        "log_p": [grid.log_marginal for grid in grids],
        "elbo_encoder": gaussian_elbo(twin, x, mu, log_var, nodes=NODES).tolist(),
        "elbo_best": gaussian_elbo(twin, x, best_mu, best_log_var, nodes=NODES).tolist(),
    }
    for name, (m, v) in (("encoder", (mu, log_var)), ("best", (best_mu, best_log_var))):
        weights = log_importance_weights_gaussian(decoder, x, m, v, max(KS), seed=seed)
        for k, bound in importance_weighted_bounds_by_k(weights, KS).items():
            figures[f"iw_{name}_{k}"] = bound.tolist()
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--images", type=int, default=SUBSET_SIZE)
    args = parser.parse_args()
    (_, _), (x_test, _) = load_mnist()
    subset = np.random.default_rng(SUBSET_SEED).choice(len(x_test), size=SUBSET_SIZE, replace=False)[: args.images]
    encoder, decoder = load_pretrained()
    start = time.perf_counter()
    figures = decompose(encoder, decoder, x_test[subset])
    seconds = time.perf_counter() - start
    log_p, best, enc = (np.array(figures[key]) for key in ("log_p", "elbo_best", "elbo_encoder"))
    means = {key: float(np.mean(value)) for key, value in figures.items()}
    means["approximation_gap"] = float(np.mean(log_p - best))
    means["amortization_gap"] = float(np.mean(best - enc))
    record = {
        "date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, {platform.python_version()}",
        "command": " ".join([Path(sys.executable).name, *sys.argv]),
        "seconds": round(seconds, 1),
        "test_indices": subset.tolist(),
        "grid": "posterior_grids defaults (step 0.05 on [-6, 6]^2, cells within 20 nats sub-divided 11x11 or finer, 0.01 nats)",
        "gauss_hermite_nodes": NODES,
        "means": means,
        "per_image": figures,
    }
    RESULT.write_text(json.dumps(record, indent=1) + "\n")
    for key, value in means.items():
        print(f"{key:>20}: {value:9.3f}")
    print(f"{len(subset)} images in {seconds:.0f} s; written to {RESULT}")


if __name__ == "__main__":
    main()
