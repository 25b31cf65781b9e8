"""Sphinx extension: a warning raised by the book's own code while the notebooks execute fails the build.

The kernels that execute the notebooks inherit ``PYTHONWARNINGS`` from the build, which
this extension sets before any kernel starts: every warning attributed to a module of
``vae_helpers`` or to a notebook's own cells (``__main__``) is raised as an error, so the
cell fails and ``execute.raise_on_error`` fails the build, with or without ``-W``. A
warning from a library goes to the cell's stderr, which ``execute.stderr_output: warn``
shows on the page and reports as a Sphinx warning (an error under ``-W``, as ``make book``
and the tests build). Library noise that is understood is ignored by name, with the reason:
Python warnings in ``UNDERSTOOD_LIBRARY_WARNINGS``, lines a library writes from C++ (which
the kernel copies into the cell's stderr) in ``UNDERSTOOD_STDERR_LINES``.

Only the build's kernels are affected: ``jupyter lab`` started by hand shows warnings as usual.
"""

from __future__ import annotations

import importlib.util
import os
import re
from pathlib import Path

from sphinx.application import Sphinx
from sphinx.config import Config

PACKAGE = "vae_helpers"

# "action:message:category:module" entries (Python's -W syntax; the module matches exactly).
# None is needed today: no library warns while the notebooks execute.
UNDERSTOOD_LIBRARY_WARNINGS: list[str] = []

# Whole lines a library writes to the process's stderr from C++, which the kernel copies into
# the cell's stderr. Removed from the page and not reported; anything else on stderr is.
UNDERSTOOD_STDERR_LINES = [
    # TensorFlow's start-up log, once per kernel at `import tensorflow`: informational lines
    # written through absl before absl::InitializeLog, which TF_CPP_MIN_LOG_LEVEL does not reach.
    r"WARNING: All log messages before absl::InitializeLog\(\) is called are written to STDERR",
    r"I\d{4} [\d:.]+ +\d+ port\.cc:\d+\] oneDNN custom operations are on\. .*",
    r"I\d{4} [\d:.]+ +\d+ cpu_feature_guard\.cc:\d+\] This TensorFlow binary is optimized .*",
    r"To enable the following instructions: .*, in other operations, rebuild TensorFlow with the appropriate compiler flags\.",
]
_UNDERSTOOD = re.compile("|".join(f"(?:{line})" for line in UNDERSTOOD_STDERR_LINES))


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


def without_understood_noise(text: str) -> str:
    """``text`` (a cell's stderr) without the lines of ``UNDERSTOOD_STDERR_LINES``."""
    return "".join(line for line in text.splitlines(keepends=True) if not _UNDERSTOOD.fullmatch(line.rstrip("\n")))


def _render_stderr_without_understood_noise() -> None:
    # myst-nb has no setting to filter stderr by content, so its renderer's stderr method is
    # wrapped: the understood lines go, and what remains is shown and reported as before.
    from myst_nb.core.render import NbElementRenderer

    render_stderr = NbElementRenderer.render_stderr
    if getattr(render_stderr, "filters_understood_noise", False):
        return

    def filtered(self, output, *args, **kwargs):
        text = without_understood_noise(output["text"])
        if not text.strip():
            return []
        return render_stderr(self, type(output)({**output, "text": text}), *args, **kwargs)

    filtered.filters_understood_noise = True
    NbElementRenderer.render_stderr = filtered


def setup(app: Sphinx) -> dict:
    _render_stderr_without_understood_noise()
    app.connect("config-inited", make_own_warnings_errors)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
