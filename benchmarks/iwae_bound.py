"""Speed of the importance-weighted bound: vectorised over K against a plain Python loop over K, in one run.

Both compute the same estimate for the same test images and the same K with the pretrained VAE:

- ``importance_weighted_bound`` (vae_helpers.iwae): all K codes of a batch of images in one
  decoder call (at most 8,192 codes per call), then a log-mean-exp;
- the loop: for k in range(K), draw one code per image, decode the batch, keep the log weight;
  then the same log-mean-exp.

Reported as images x K per second, fastest of ``--rounds`` alternating rounds. Run it with the
project's environment: ``.venv/bin/python benchmarks/iwae_bound.py``.
"""

from __future__ import annotations

import argparse
import os
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import numpy as np  # noqa: E402
from keras import ops  # noqa: E402

from vae_helpers.iwae import importance_weighted_bound, log_mean_exp  # noqa: E402
from vae_helpers.data import load_mnist  # noqa: E402
from vae_helpers.model import encode, load_pretrained, reconstruction_loss  # noqa: E402


def loop_over_k(encoder, decoder, x: np.ndarray, k: int, seed: int) -> np.ndarray:
    """The straightforward version: one decoder call per sample index, K calls in all."""
    mu, log_var = encode(encoder, x)
    mu, log_var = mu.astype(np.float64), log_var.astype(np.float64)
    rng = np.random.default_rng(seed)
    log_weights = []
    for _ in range(k):
        epsilon = rng.standard_normal(mu.shape)
        z = mu + np.exp(0.5 * log_var) * epsilon
        log_likelihood = -ops.convert_to_numpy(reconstruction_loss(x, decoder(z.astype(np.float32), training=False)))
        log_prior = -0.5 * (np.log(2 * np.pi) * z.shape[1] + (z**2).sum(axis=1))
        log_q = -0.5 * (np.log(2 * np.pi) * z.shape[1] + log_var.sum(axis=1) + (epsilon**2).sum(axis=1))
        log_weights.append(log_likelihood + log_prior - log_q)
    return log_mean_exp(np.stack(log_weights, axis=1), axis=1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--images", type=int, default=100)
    parser.add_argument("--k", type=int, nargs="+", default=[100, 1000, 5000])
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()

    (_, _), (x_test, _) = load_mnist()
    x = x_test[: args.images]
    encoder, decoder = load_pretrained()
    importance_weighted_bound(encoder, decoder, x[:2], 2, seed=0)  # warm-up: trace the models once
    loop_over_k(encoder, decoder, x[:2], 2, seed=0)
    print(f"{len(x)} test images, pretrained VAE, fastest of {args.rounds} alternating rounds")
    print(f"{'K':>6} {'vectorised':>22} {'loop over K':>22} {'ratio':>7}   -L_K (vectorised, loop)")
    for k in args.k:
        best = {"vectorised": np.inf, "loop": np.inf}
        for round_ in range(args.rounds):
            for name, function in (("vectorised", importance_weighted_bound), ("loop", loop_over_k)):
                start = time.perf_counter()
                estimate = function(encoder, decoder, x, k, seed=round_)
                best[name] = min(best[name], time.perf_counter() - start)
                if round_ == 0:
                    best[f"{name}_estimate"] = float(-np.mean(estimate))
        rates = {name: len(x) * k / best[name] for name in ("vectorised", "loop")}
        print(f"{k:>6} {rates['vectorised']:>12,.0f} codes/s ({best['vectorised']:5.2f} s) "
              f"{rates['loop']:>12,.0f} codes/s ({best['loop']:5.2f} s) {rates['vectorised'] / rates['loop']:>6.1f}x"
              f"   {best['vectorised_estimate']:.2f}, {best['loop_estimate']:.2f}")


if __name__ == "__main__":
    main()
