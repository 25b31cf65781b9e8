"""The figures the benchmarks measured, as the notebooks read them (``benchmarks/results/*.json``).

The notebooks ask the package, not a ``../benchmarks`` path, so a notebook opened from any
folder finds them while ``vae_helpers`` is installed from the repository (``make`` installs it
in place, ``pip install -e .``).
"""

from __future__ import annotations

import json
from pathlib import Path

__all__ = ["RESULTS_DIR", "benchmark_result"]

#: Where ``benchmarks/*.py`` write their JSON, beside the package in the repository.
#:
#: :meta hide-value:
RESULTS_DIR = Path(__file__).resolve().parents[1] / "benchmarks" / "results"


def benchmark_result(name: str) -> dict:
    """The JSON that ``benchmarks/<name>.py`` wrote, as a dict (``name`` without ``.json``).

    Raises
    ------
    ValueError
        If ``name`` is not a plain file name, or no such result exists (the message lists those that do).
    """
    if not isinstance(name, str) or not name or Path(name).name != name or name.endswith(".json"):
        raise ValueError(f"name must be a benchmark's name without .json, such as 'keras_io_vae': got {name!r}")
    path = RESULTS_DIR / f"{name}.json"
    if not path.is_file():
        found = sorted(p.stem for p in RESULTS_DIR.glob("*.json")) if RESULTS_DIR.is_dir() else []
        raise ValueError(
            f"name must be one of the measured benchmarks {found} in {RESULTS_DIR} (install vae_helpers from the "
            f"repository with pip install -e .): got {name!r}"
        )
    return json.loads(path.read_text())
