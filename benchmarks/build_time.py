"""Time a cold build (empty execution cache) and a warm rebuild of the book, side by side.

Prints both wall times, their ratio, and each notebook's execution time from the
Jupyter cache. Run it with the project's environment: ``.venv/bin/python benchmarks/build_time.py``.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import time
from pathlib import Path

from jupyter_cache import get_cache

REPO_ROOT = Path(__file__).resolve().parents[1]
JUPYTER_BOOK = Path(sys.executable).with_name("jupyter-book")


def timed_build(output: Path) -> float:
    start = time.perf_counter()
    subprocess.run(
        [str(JUPYTER_BOOK), "build", str(REPO_ROOT), "--path-output", str(output), "-W", "--keep-going"],
        check=True,
        capture_output=True,
    )
    return time.perf_counter() - start


def main() -> None:
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
