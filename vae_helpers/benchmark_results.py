"""The figures the benchmarks measured that the notebooks glue, shipped in the package (``vae_helpers/results/``).

The benchmarks that a chapter quotes (``benchmarks/gap_decomposition.py``, ``train_vs_reference.py``, ...)
write their JSON here, into the package, and the package ships it as package data: a notebook
downloaded from the book's page and run in any folder reads the same figures as the book, with
``vae_helpers`` installed from a wheel or in place. The engineering figures (page weight, widget
latency) stay in ``benchmarks/results/``: no chapter reads them.
"""

from __future__ import annotations

import json
from pathlib import Path

__all__ = ["RESULTS_DIR", "benchmark_result"]

#: The folder of the figures that the benchmarks write and the notebooks read, inside the package.
#:
#: :meta hide-value:
RESULTS_DIR = Path(__file__).resolve().parent / "results"


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
        found = sorted(p.stem for p in RESULTS_DIR.glob("*.json"))
        raise ValueError(f"name must be one of the benchmarks whose figures the package ships, {found}: got {name!r}")
    return json.loads(path.read_text())
