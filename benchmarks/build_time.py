"""Time a cold build (empty execution cache) and a warm rebuild of the book, side by side.

Prints both wall times, their ratio, and each notebook's execution time from the
Jupyter cache. ``--vs-serial N`` instead times N cold builds as the book builds (notebooks
executed two at a time, ``book/_ext/parallel_execution.py``) alternating with N cold builds
without that extension (one notebook after the other, as myst-nb alone executes them), and
prints the two side by side. Run it with the project's environment:
``.venv/bin/python benchmarks/build_time.py [--vs-serial 2]``.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from jupyter_cache import get_cache

REPO_ROOT = Path(__file__).resolve().parents[1]
JUPYTER_BOOK = Path(sys.executable).with_name("jupyter-book")
PARALLEL_LINE = "    parallel_execution: book/_ext"


def timed_build(output: Path, config: Path | None = None) -> float:
    extra = ["--config", str(config)] if config else []
    start = time.perf_counter()
    subprocess.run(
        [str(JUPYTER_BOOK), "build", str(REPO_ROOT), "--path-output", str(output), "-W", "--keep-going", *extra],
        check=True,
        capture_output=True,
        cwd=REPO_ROOT,
    )
    return time.perf_counter() - start


def serial_config(folder: Path) -> Path:
    """The book's configuration without the extension that executes notebooks side by side.

    Jupyter Book finds local extensions relative to the configuration file: their folder is
    made absolute, since the copy lives elsewhere.
    """
    lines = (REPO_ROOT / "_config.yml").read_text().splitlines(keepends=True)
    kept = [line.replace(": book/_ext", f": {REPO_ROOT / 'book' / '_ext'}") for line in lines if not line.startswith(PARALLEL_LINE)]
    if len(kept) != len(lines) - 1:
        raise SystemExit(f"_config.yml has no line starting {PARALLEL_LINE.strip()!r}: nothing to compare")
    path = folder / "_config.yml"
    path.write_text("".join(kept))
    return path


def versus_serial(rounds: int) -> None:
    times: dict[str, list[float]] = {"two at a time": [], "one at a time": []}
    with tempfile.TemporaryDirectory() as folder:
        config = serial_config(Path(folder))
        for round_ in range(rounds):
            for name, override in (("two at a time", None), ("one at a time", config)):
                with tempfile.TemporaryDirectory() as output:
                    times[name].append(timed_build(Path(output), override))
                print(f"round {round_ + 1}: {name:14s} {times[name][-1]:6.1f} s (load {os.getloadavg()[0]:.1f})", flush=True)
    medians = {name: statistics.median(values) for name, values in times.items()}
    for name, median in medians.items():
        print(f"cold build, notebooks {name}: median {median:6.1f} s of {rounds}")
    print(f"two at a time / one at a time: {medians['two at a time'] / medians['one at a time']:.2f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--vs-serial", type=int, metavar="N", help="N alternating cold builds with and without parallel execution")
    args = parser.parse_args()
    if args.vs_serial:
        versus_serial(args.vs_serial)
        return
    with tempfile.TemporaryDirectory() as folder:
        output = Path(folder)
        cold = timed_build(output)
        warm = timed_build(output)
        print(f"cold build (every notebook executes): {cold:7.1f} s")
        print(f"warm rebuild (execution cache hit):   {warm:7.1f} s")
        print(f"cold / warm:                          {cold / warm:7.1f} x")
        print("\nper-notebook execution time (cold build):")
        for record in sorted(get_cache(output / "_build" / ".jupyter_cache").list_cache_records(), key=lambda r: r.uri):
            seconds = record.data.get("execution_seconds", float("nan"))
            print(f"  {Path(record.uri).name:40s} {seconds:7.1f} s")


if __name__ == "__main__":
    main()
