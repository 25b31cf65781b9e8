"""Time loading full MNIST: the checks of the four files, reading them, and scaling to [0, 1].

Each round runs in a fresh process (so nothing is cached) and prints the seconds of
``load_mnist("mnist")`` and of its parts; the median over the rounds is the figure to quote.

    .venv/bin/python benchmarks/data_load.py --rounds 5
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys

ONE_ROUND = r"""
import json, time
from pathlib import Path
from vae_helpers.idx import read_idx
from vae_helpers.mnist_files import MNIST_FILES, check_mnist_files, mnist_folder
start = time.perf_counter(); check_mnist_files(); checked = time.perf_counter()
arrays = [read_idx(mnist_folder() / name) for name in MNIST_FILES]; read = time.perf_counter()
from vae_helpers.data import load_mnist
start_load = time.perf_counter(); load_mnist("mnist"); loaded = time.perf_counter()
print(json.dumps({"sha256 checks": checked - start, "read IDX": read - checked, "load_mnist (all of it)": loaded - start_load}))
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    rounds = [json.loads(subprocess.run([sys.executable, "-c", ONE_ROUND], capture_output=True, text=True, check=True).stdout)
              for _ in range(args.rounds)]
    for part in rounds[0]:
        values = [round_[part] for round_ in rounds]
        print(f"{part:24s} median {statistics.median(values):.3f} s  (min {min(values):.3f}, max {max(values):.3f})")


if __name__ == "__main__":
    main()
