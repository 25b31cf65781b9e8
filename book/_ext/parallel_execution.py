"""Sphinx extension: execute the notebooks a build must run side by side, before Sphinx reads them.

myst-nb's ``cache`` mode executes each notebook when Sphinx reads its page, one after the
other, and Jupyter Book 1 reads pages one at a time. Half of a notebook's time is spent on
one core (starting a kernel, importing TensorFlow, drawing figures), so on a machine with two
cores two notebooks can run at once. Before Sphinx reads, this extension executes every
notebook that has no record in myst-nb's execution cache, :data:`WORKERS` at a time, exactly
as myst-nb would (the same function, working folder, timeout and error setting), and stores
each result in the cache the way myst-nb does. myst-nb then finds them there when it reads
the pages. A notebook that fails here is not stored: myst-nb executes it again while reading
and reports the error as it always does, so a failing build fails in the same way, later.

myst-nb stops at the first notebook that fails, so this extension reports, as a build warning
(an error under ``-W``), every failing notebook with its error and every stderr write of every
notebook it executed with its text: one build names every problem.
"""

from __future__ import annotations

import json
import os
import re
from concurrent.futures import ThreadPoolExecutor
from contextlib import nullcontext
from pathlib import Path
from tempfile import TemporaryDirectory

import nbformat
from jupyter_cache import get_cache
from jupyter_cache.base import CacheBundleIn
from jupyter_cache.executors.utils import single_nb_execution
from sphinx.application import Sphinx
from sphinx.util import logging
from sphinx.util.matching import Matcher

LOGGER = logging.getLogger(__name__)
#: Notebooks executed at once: one per core, at most two (each kernel's TensorFlow uses every core).
WORKERS = max(1, min(2, os.cpu_count() or 1))
#: Beside the execution cache, which a change to vae_helpers empties: how long each notebook took last time.
SECONDS_FILE = ".notebook-seconds.json"
#: A clean build's times (seconds per notebook, 2 cores), the order's guess before a build has its own.
TYPICAL_SECONDS = Path(__file__).with_name("notebook_seconds.json")


def notebooks_to_execute(app: Sphinx, docnames: list[str]) -> dict[Path, nbformat.NotebookNode]:
    """The notebooks among ``docnames`` that myst-nb would execute (not in its cache, not excluded), by path."""
    config = app.env.mystnb_config
    if config.execution_mode != "cache":
        return {}
    cache = get_cache(config.execution_cache_path)
    excluded = Matcher(config.execution_excludepatterns)
    notebooks = {}
    for docname in docnames:
        path = Path(app.env.doc2path(docname))
        if path.suffix != ".ipynb" or excluded(docname):
            continue
        notebook = nbformat.read(path, as_version=4)
        try:
            cache.match_cache_notebook(notebook)
        except KeyError:
            notebooks[path] = notebook
    return notebooks


#: Lines of a failing cell's traceback shown in the build's log (its end: the error and where it was raised).
TRACEBACK_LINES = 40
_ANSI = re.compile(r"\x1b\[[0-9;]*m")


def error_report(error: BaseException) -> str:
    """The end of a notebook's error (a CellExecutionError holds the cell and its traceback), colour codes removed."""
    lines = _ANSI.sub("", str(error)).strip().splitlines()
    shown = lines[-TRACEBACK_LINES:]
    return "\n".join((["..."] if len(lines) > len(shown) else []) + shown) or type(error).__name__


def stderr_writes(notebook: nbformat.NotebookNode) -> list[tuple[int, str]]:
    """``(cell number from 1, text)`` of every stderr stream among an executed notebook's outputs."""
    writes = []
    for number, cell in enumerate(notebook.cells, start=1):
        for output in cell.get("outputs", []):
            if output.get("output_type") == "stream" and output.get("name") == "stderr":
                writes.append((number, _ANSI.sub("", "".join(output.get("text", ""))).strip()))
    return writes


def execute_notebook(notebook: nbformat.NotebookNode, path: Path, config):
    """Execute ``notebook`` (read from ``path``) as myst-nb's cache mode does: in a temporary folder when
    ``execute.run_in_temp`` is set (the book's setting: a notebook runs without the repository around it,
    as one downloaded from its page does), else beside its file."""
    # The kernel is a process of its own; the calling thread only waits on it.
    with TemporaryDirectory() if config.execution_in_temp else nullcontext(str(path.parent)) as cwd:
        return single_nb_execution(notebook, cwd=os.path.abspath(cwd), timeout=config.execution_timeout,
                                   allow_errors=config.execution_allow_errors, meta_override=True)


def execute_into_cache(app: Sphinx, env, docnames: list[str]) -> None:
    notebooks = notebooks_to_execute(app, docnames)
    if len(notebooks) < 2 or WORKERS < 2:
        return  # nothing to gain: myst-nb executes them as it reads
    config = app.env.mystnb_config

    def execute(path: Path):
        return execute_notebook(notebooks[path], path, config)

    # Longest first, so that the short ones fill in: by the last build's times, else by a clean
    # build's (TYPICAL_SECONDS, committed: a cold build has no times of its own), else by size.
    # Ordered by size, a clean clone started notebook 08 (37 s) last and took 112 s instead of 105.
    seconds_file = Path(config.execution_cache_path).parent / SECONDS_FILE
    typical = json.loads(TYPICAL_SECONDS.read_text()) if TYPICAL_SECONDS.is_file() else {}
    seconds = {**typical, **(json.loads(seconds_file.read_text()) if seconds_file.is_file() else {})}
    paths = sorted(notebooks, key=lambda path: (seconds.get(path.name, 0), path.stat().st_size), reverse=True)
    LOGGER.info(f"executing {len(paths)} notebooks, {WORKERS} at a time")
    with ThreadPoolExecutor(WORKERS) as pool:
        results = dict(zip(paths, pool.map(execute, paths)))
    cache = get_cache(config.execution_cache_path)
    for path, result in results.items():
        for number, text in stderr_writes(result.nb):
            LOGGER.warning(f"{path.name}, cell {number} wrote to stderr:\n{text}", location=str(path), type="vae_book", subtype="stderr")
        if result.err is not None:
            LOGGER.warning(f"{path.name} failed ({result.err.__class__.__name__}); it runs again as its page is read:\n"
                           f"{error_report(result.err)}", location=str(path), type="vae_book", subtype="execution")
            continue
        record = cache.add_nb_to_project(str(path))
        cache.cache_notebook_bundle(CacheBundleIn(result.nb, record.uri, data={"execution_seconds": result.time}),
                                    check_validity=False, overwrite=True)
        LOGGER.info(f"executed {path.name} in {result.time:.1f} s")
        seconds[path.name] = round(result.time, 1)
    seconds_file.write_text(json.dumps(seconds, indent=1, sort_keys=True) + "\n")


def setup(app: Sphinx) -> dict:
    app.connect("env-before-read-docs", execute_into_cache)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
