"""Sphinx extension: a warning raised by the book's own code while the notebooks execute fails the build.

The kernels that execute the notebooks inherit ``PYTHONWARNINGS`` from the build, which
this extension sets before any kernel starts: every warning attributed to a module of
``vae_helpers`` or to a notebook's own cells (``__main__``) is raised as an error, so the
cell fails and ``execute.raise_on_error`` fails the build, with or without ``-W``. A
warning from a library goes to the cell's stderr, which ``execute.stderr_output: warn``
shows on the page and reports as a Sphinx warning (an error under ``-W``, as ``make book``
and the tests build). Python warnings of a library that are understood are ignored by name,
with the reason, in ``UNDERSTOOD_LIBRARY_WARNINGS``. Nothing is taken off a cell's stderr:
TensorFlow's start-up lines are kept out of it by ``vae_helpers`` itself
(``vae_helpers/_tensorflow_log.py``), as in the reader's JupyterLab, so a line that reaches
it fails the build.

Only the build's kernels are affected: ``jupyter lab`` started by hand shows warnings as usual.
"""

from __future__ import annotations

import importlib.util
import os
from pathlib import Path

from sphinx.application import Sphinx
from sphinx.config import Config

PACKAGE = "vae_helpers"

# "action:message:category:module" entries (Python's -W syntax; the module matches exactly).
# None is needed today: no library warns while the notebooks execute.
UNDERSTOOD_LIBRARY_WARNINGS: list[str] = []

def own_modules(package_folder: Path, package: str = PACKAGE) -> list[str]:
    """The dotted names of every module under ``package_folder``, the package itself included."""
    names = []
    for path in sorted(package_folder.rglob("*.py")):
        parts = path.relative_to(package_folder).with_suffix("").parts
        if parts[-1] == "__init__":
            parts = parts[:-1]
        names.append(".".join((package, *parts)))
    return names


def warning_options(modules: list[str], inherited: str = "") -> str:
    """A ``PYTHONWARNINGS`` value: the inherited options, the understood noise, then errors for ``modules``.

    Python applies the last matching option, so the errors come last and win.
    """
    options = [option for option in inherited.split(",") if option]
    options += UNDERSTOOD_LIBRARY_WARNINGS
    options += [f"error::Warning:{module}" for module in ("__main__", *modules)]
    return ",".join(dict.fromkeys(options))  # once each, should the build set it twice


def make_own_warnings_errors(app: Sphinx, config: Config) -> None:
    spec = importlib.util.find_spec(PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError(f"{PACKAGE} is not installed: run `make book`, which installs it into .venv/")
    folder = Path(next(iter(spec.submodule_search_locations)))
    os.environ["PYTHONWARNINGS"] = warning_options(own_modules(folder), os.environ.get("PYTHONWARNINGS", ""))


def setup(app: Sphinx) -> dict:
    app.connect("config-inited", make_own_warnings_errors)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
