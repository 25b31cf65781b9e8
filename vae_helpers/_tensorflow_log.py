"""TensorFlow without its start-up log lines: the notebooks show only what they compute.

Importing TensorFlow (``import keras`` does) writes informational lines straight to file
descriptor 2: oneDNN, cpu_feature_guard, and with TF 2.17+ absl's "All log messages before
absl::InitializeLog() is called are written to STDERR". JupyterLab shows them as red stderr
boxes. ``TF_CPP_MIN_LOG_LEVEL=2`` silences TensorFlow's own logging (the XLA lines of the
first training step, cpu_feature_guard) but not the lines absl writes before its logging is
initialised, and ``TF_ENABLE_ONEDNN_OPTS=0`` would change the numerics. So the first import
of TensorFlow runs with descriptor 2 sent to a temporary file, and every line that is not an
informational start-up line is written back to ``sys.stderr`` afterwards: warnings, errors
and tracebacks still show.

:func:`quiet_tensorflow_import` is called by ``vae_helpers/__init__.py``, which Python runs
before any module of the package, so everything that imports Keras through the package is
covered; a notebook imports ``vae_helpers`` before ``tensorflow`` or ``keras``.
"""

from __future__ import annotations

import contextlib
import importlib.abc
import importlib.machinery
import os
import re
import sys
import tempfile
from collections.abc import Iterator

# What TensorFlow writes at start-up and nothing else: an INFO record of its C++ logging, in
# absl's format (TF >= 2.17: "I0000 00:00:1712345678.123456   1234 port.cc:153] ...", the
# seconds counted from 1970 before logging is initialised) or
# TSL's (TF 2.16: "2024-05-01 10:00:00.123456: I tensorflow/core/util/port.cc:113] ..."),
# absl's notice before the first of them, and cpu_feature_guard's second line.
START_UP_LINE = re.compile(
    r"I\d{4} \d\d:\d\d:\d+\.\d+ +\d+ \S+:\d+\] "
    r"|\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d+: I \S+:\d+\] "
    r"|WARNING: All log messages before absl::InitializeLog\(\) is called are written to STDERR"
    r"|To enable the following instructions: .* rebuild TensorFlow with the appropriate compiler flags\."
)


def without_start_up_lines(text: str) -> str:
    """``text`` without the lines TensorFlow writes when it starts (see ``START_UP_LINE``)."""
    return "".join(line for line in text.splitlines(keepends=True) if not START_UP_LINE.match(line))


@contextlib.contextmanager
def start_up_lines_removed() -> Iterator[None]:
    """Send file descriptor 2 to a temporary file, then write back all but TensorFlow's start-up lines."""
    sys.stderr.flush()
    saved = os.dup(2)
    with tempfile.TemporaryFile(mode="w+b") as captured:
        os.dup2(captured.fileno(), 2)
        try:
            yield
        finally:
            sys.stderr.flush()  # in a script, Python's own stderr writes went to the file too
            os.dup2(saved, 2)
            os.close(saved)
            captured.seek(0)
            kept = without_start_up_lines(captured.read().decode(errors="replace"))
            if kept:
                sys.stderr.write(kept)
                sys.stderr.flush()


class _QuietLoader(importlib.abc.Loader):
    """Runs TensorFlow's package ``__init__`` (which loads its libraries) inside ``start_up_lines_removed``."""

    def __init__(self, loader: importlib.abc.Loader):
        self.loader = loader

    def create_module(self, spec):
        return self.loader.create_module(spec)

    def exec_module(self, module) -> None:
        module.__loader__ = module.__spec__.loader = self.loader  # the module keeps its real loader
        with start_up_lines_removed():
            self.loader.exec_module(module)


class _QuietFinder(importlib.abc.MetaPathFinder):
    """Finds ``tensorflow`` once, as the other finders do, and wraps its loader."""

    def find_spec(self, name, path=None, target=None):
        if name != "tensorflow":
            return None
        sys.meta_path.remove(self)
        spec = importlib.machinery.PathFinder.find_spec(name, path)
        if spec is not None and spec.loader is not None:
            spec.loader = _QuietLoader(spec.loader)
        return spec


def quiet_tensorflow_import() -> None:
    """Make the first import of TensorFlow in this process quiet (does nothing once it is imported)."""
    # Read by TensorFlow's C++ logging when its library loads: hide INFO and WARNING records.
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    if "tensorflow" in sys.modules or any(isinstance(finder, _QuietFinder) for finder in sys.meta_path):
        return
    sys.meta_path.insert(0, _QuietFinder())
