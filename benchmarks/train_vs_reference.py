"""Train the book's VAE and the article's reference side by side, and print wall time and test -ELBO.

In one process, on two data sets:

- full MNIST: the official training images less the validation set the shipped model keeps
  aside (55,000), measured on the official 10,000 test images: the helpers' model with its
  ``TrainingConfig`` (the shipped model's training, exactly) against the article's model
  ported to Keras 3 (sigmoid output, Adam at 1e-3, batch 100, Keras' default compile) for
  the article's 40 epochs; ``--mnist-rounds`` rounds (default 1: each run takes minutes);
- the bundled 4,000 / 1,000 split: the same two for 40 and 150 epochs, and an ablation at
  40 epochs that adds the helpers' changes to the reference one at a time.

Wall time is the whole training call (building, tracing and XLA compilation included),
after one warm-up run that pays TensorFlow's start-up; CPU time is the processor time the
process used meanwhile (all its threads), which other jobs on a shared machine disturb far
less. The held-out -ELBO is ``vae_helpers.model.negative_elbo`` with 10 samples per image,
seed 0. Every run is repeated ``--rounds`` times, interleaved, and the fastest kept; read the
ratios, measured side by side.

    .venv/bin/python benchmarks/train_vs_reference.py          # print the table
    .venv/bin/python benchmarks/train_vs_reference.py --save   # also write the JSON chapter 5 reads
    .venv/bin/python benchmarks/train_vs_reference.py --only mnist --save   # re-measure one data set, keep the other's figures
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import time
from dataclasses import asdict, replace

import numpy as np

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

from vae_helpers.article import logits_decoder, train_article_vae  # noqa: E402
from vae_helpers.benchmark_results import RESULTS_DIR  # noqa: E402
from vae_helpers.data import load_mnist, split_validation  # noqa: E402
from vae_helpers.model import negative_elbo  # noqa: E402
from vae_helpers.train import N_VALIDATION, VALIDATION_SEED, TrainingConfig, train_vae  # noqa: E402

RESULTS = RESULTS_DIR / "train_vs_reference.json"
EPOCHS = (40, 150)
ARTICLE_EPOCHS = 40
# The helpers' changes, added to the article's settings one at a time (40 epochs each).
ABLATION = {
    "reference settings (Adam 1e-3 constant)": dict(
        learning_rate=1e-3, final_learning_rate_fraction=1.0, jit_compile=False, steps_per_execution=1
    ),
    "+ cosine decay from the book's rate": dict(jit_compile=False, steps_per_execution=1),
    "+ XLA (jit_compile)": dict(steps_per_execution=1),
    "+ 40 steps per execution (TrainingConfig)": dict(),
}


def timed(train) -> tuple[float, float, object]:
    """Wall time and CPU time (all threads of this process) of ``train()``, and its result."""
    start, start_cpu = time.perf_counter(), time.process_time()
    result = train()
    return time.perf_counter() - start, time.process_time() - start_cpu, result


def helpers(x_train: np.ndarray, config: TrainingConfig):
    """A training of the book's model, as a function of no argument returning (encoder, decoder)."""

    def train():
        vae, _ = train_vae(x_train, config=config)
        return vae.encoder, vae.decoder

    return train


def reference(x_train: np.ndarray, epochs: int):
    """A training of the article's model (sigmoid output), as a function of no argument returning (encoder, decoder)."""

    def train():
        vae, _ = train_article_vae(x_train, output_activation="sigmoid", epochs=epochs)
        return vae.encoder, logits_decoder(vae.decoder)

    return train


def bundled_runs(x_train: np.ndarray) -> dict[tuple[str, str], object]:
    """Every training on the bundled split, by (group, name)."""
    table = {}
    for epochs in EPOCHS:
        table["helpers", str(epochs)] = helpers(x_train, replace(TrainingConfig(), epochs=epochs))
        table["reference", str(epochs)] = reference(x_train, epochs)
    for name, changes in ABLATION.items():
        table["ablation", name] = helpers(x_train, replace(TrainingConfig(), epochs=EPOCHS[0], **changes))
    return table


def mnist_runs(x_train: np.ndarray) -> dict[tuple[str, str], object]:
    """The two trainings on full MNIST: the shipped model's, and the article's settings for its 40 epochs."""
    return {
        ("helpers", str(TrainingConfig().epochs)): helpers(x_train, TrainingConfig()),
        ("reference", str(ARTICLE_EPOCHS)): reference(x_train, ARTICLE_EPOCHS),
    }


def run(table: dict, x_test: np.ndarray, rounds: int, label: str) -> dict:
    """Time every training ``rounds`` times, interleaved, and keep the fastest of each (the least disturbed)."""
    results: dict = {}
    for round_ in range(rounds):
        for (group, name), train in table.items():
            seconds, cpu_seconds, (encoder, decoder) = timed(train)
            if round_ == 0:  # training is deterministic: the figure is the same every round
                nats = negative_elbo(encoder, decoder, x_test, 10, 0)
                results.setdefault(group, {})[name] = {"seconds": seconds, "cpu_seconds": cpu_seconds, "nats": nats}
            figures = results[group][name]
            figures["seconds"] = min(seconds, figures["seconds"])
            figures["cpu_seconds"] = min(cpu_seconds, figures["cpu_seconds"])
            print(f"{label} round {round_ + 1}, {group:9s} {name:42s} {seconds:6.1f} s wall {cpu_seconds:6.1f} s CPU"
                  f"  {figures['nats']:7.2f} nats", flush=True)
    return results


def summarise(results: dict) -> dict:
    helpers, reference = results["helpers"], results["reference"]
    short, long = (str(epochs) for epochs in EPOCHS)
    return {
        "time_ratio_helpers_to_reference_same_epochs": {
            e: helpers[e]["seconds"] / reference[e]["seconds"] for e in (short, long)
        },
        "cpu_time_ratio_helpers_to_reference_same_epochs": {
            e: helpers[e]["cpu_seconds"] / reference[e]["cpu_seconds"] for e in (short, long)
        },
        "nats_gain_same_epochs": {e: reference[e]["nats"] - helpers[e]["nats"] for e in (short, long)},
        # From the two run lengths: the cost of one more epoch, and what is paid once (tracing, compiling).
        "seconds_per_epoch": {
            group: (times[long]["seconds"] - times[short]["seconds"]) / (int(long) - int(short))
            for group, times in (("helpers", helpers), ("reference", reference))
        },
        "speedup_helpers_short_vs_reference_long": reference[long]["seconds"] / helpers[short]["seconds"],
        "cpu_speedup_helpers_short_vs_reference_long": reference[long]["cpu_seconds"] / helpers[short]["cpu_seconds"],
        "nats_gain_helpers_short_vs_reference_long": reference[long]["nats"] - helpers[short]["nats"],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3, help="time the bundled runs this many times, keep the fastest")
    parser.add_argument("--mnist-rounds", type=int, default=1, help="the same for the full-MNIST runs")
    parser.add_argument("--only", choices=("mnist", "bundled"), help="run one data set; --save keeps the other's saved figures")
    parser.add_argument("--save", action="store_true", help=f"write the figures to {RESULTS.relative_to(RESULTS.parents[2])}")
    args = parser.parse_args()
    import keras
    import tensorflow as tf

    machine = {"cpus": os.cpu_count(), "load_average_at_start": os.getloadavg()[0], "platform": platform.platform()}
    (x_small, _), (x_small_test, _) = load_mnist("bundled")
    # Warm up TensorFlow's and XLA's one-time start-up, so that the first timed run does not pay it.
    train_vae(x_small[:200], config=replace(TrainingConfig(), epochs=1))
    train_article_vae(x_small[:200], output_activation="sigmoid", epochs=1)
    record = json.loads(RESULTS.read_text()) if args.only and RESULTS.exists() else {}
    if args.only != "bundled":
        (x_train, y_train), (x_test, _) = load_mnist("mnist")
        (x_fit, _), _ = split_validation(x_train, y_train, N_VALIDATION, seed=VALIDATION_SEED)
        full = run(mnist_runs(x_fit), x_test, args.mnist_rounds, "mnist")
        (helpers_epochs, helpers_figures), = full["helpers"].items()
        (reference_epochs, reference_figures), = full["reference"].items()
        print(f"\nfull MNIST: TrainingConfig ({helpers_epochs} epochs) {helpers_figures['nats']:.2f} nats in "
              f"{helpers_figures['seconds']:.0f} s; article's settings ({reference_epochs} epochs) "
              f"{reference_figures['nats']:.2f} nats in {reference_figures['seconds']:.0f} s")
        record["mnist"] = {**full, "n_train": len(x_fit), "n_validation": N_VALIDATION, "n_test": len(x_test),
                           "rounds": args.mnist_rounds, "machine": machine}
    if args.only != "mnist":
        small = run(bundled_runs(x_small), x_small_test, args.rounds, "bundled")
        summary = summarise(small)
        short, long = EPOCHS
        print("bundled, same epochs, helpers' time / reference's time: "
              + ", ".join(f"{e} epochs {r:.2f}" for e, r in summary["time_ratio_helpers_to_reference_same_epochs"].items())
              + " (CPU time: "
              + ", ".join(f"{r:.2f}" for r in summary["cpu_time_ratio_helpers_to_reference_same_epochs"].values()) + ")")
        print("bundled, same epochs, reference's -ELBO - helpers' (nats): "
              + ", ".join(f"{e} epochs {d:+.2f}" for e, d in summary["nats_gain_same_epochs"].items()))
        print(f"bundled, helpers at {short} epochs vs reference at {long}: {summary['speedup_helpers_short_vs_reference_long']:.1f}x "
              f"faster ({summary['cpu_speedup_helpers_short_vs_reference_long']:.1f}x less CPU time), "
              f"{summary['nats_gain_helpers_short_vs_reference_long']:+.2f} nats better")
        record["bundled"] = {**small, "summary": summary, "epochs": list(EPOCHS), "rounds": args.rounds, "machine": machine}
    if args.save:
        RESULTS.parent.mkdir(exist_ok=True)
        earlier_machine = record.pop("machine", None)  # older files kept one for both data sets
        for data in ("mnist", "bundled"):
            if data in record and earlier_machine:
                record[data].setdefault("machine", earlier_machine)
        record["training_config"] = asdict(TrainingConfig())
        record["versions"] = {"python": platform.python_version(), "keras": keras.__version__, "tensorflow": tf.__version__}
        RESULTS.write_text(json.dumps(record, indent=2) + "\n")
        print(f"written to {RESULTS}")


if __name__ == "__main__":
    main()
