"""Sphinx extension: a change to anything the notebooks read re-executes every notebook, whichever command builds the book.

myst-nb's execution cache keys a notebook on its own code only, and Sphinx re-reads a page
only when its source changes. So after an edit to the package (or new shipped weights, a new
benchmark result a notebook glues, another data source) a plain ``jupyter-book build .`` would
publish the outputs of the old inputs. This extension fingerprints what the kernels read
besides the notebook itself (:func:`execution_fingerprint`): every file of the package but byte
code (modules, weights, metadata, widget JavaScript, and the benchmark results the notebooks
glue, which the package ships in ``vae_helpers/results/``) and the environment variables that
choose their data (:data:`INPUT_VARIABLES`). Nothing outside the package is read: a notebook
downloaded alone runs with the package installed, so ``benchmarks/results/`` (the engineering
figures no chapter reads) is not fingerprinted, and re-running a benchmark re-executes nothing.

Two stamps sit beside the cache, in ``_build/``:

- :data:`CACHE_STAMP`, what the cached outputs were computed with. When the fingerprint
  differs from it, the cache is emptied and the stamp rewritten *before* anything executes,
  so a build that then fails leaves outputs described by the stamp: restoring the old
  package afterwards is a change again, and nothing computed by the failed code is published.
- :data:`STAMP_NAME`, the fingerprint of the last build that succeeded without a warning.
  When it differs, every page is read again (a failed or warning build is redone in full,
  from the outputs still valid in the cache).
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
import shutil
from collections.abc import Mapping
from pathlib import Path

from sphinx.application import Sphinx
from sphinx.config import Config
from sphinx.util import logging

LOGGER = logging.getLogger(__name__)
PACKAGE = "vae_helpers"
STAMP_NAME = ".vae_helpers-fingerprint"
CACHE_STAMP = ".execution-cache-fingerprint"
#: Environment variables that change what the notebooks compute: the data source (vae_helpers.data).
INPUT_VARIABLES = ("VAE_BOOK_DATA",)


def package_fingerprint(folder: Path) -> str:
    """SHA-256 over the relative paths and bytes of every file under ``folder``, byte code excepted."""
    digest = hashlib.sha256()
    for path in sorted(folder.rglob("*")):
        if not path.is_file() or "__pycache__" in path.parts or path.suffix == ".pyc" or path.name.startswith(".write.lock"):
            continue
        digest.update(path.relative_to(folder).as_posix().encode() + b"\0")
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def execution_fingerprint(package_folder: Path, environ: Mapping[str, str] = os.environ) -> str:
    """SHA-256 of everything a notebook reads besides its own code: the package (its results included), :data:`INPUT_VARIABLES`."""
    digest = hashlib.sha256(package_fingerprint(package_folder).encode())
    for name in INPUT_VARIABLES:
        # Unset and set to "" differ from each other and from every value.
        value = environ.get(name)
        digest.update(f"variable\0{name}\0{'unset' if value is None else 'set:' + value}\0".encode())
    return digest.hexdigest()


def _stamp_differs(build_folder: Path, name: str, fingerprint: str) -> bool:
    stamp = build_folder / name
    return not stamp.is_file() or stamp.read_text().strip() != fingerprint


def cache_is_stale(build_folder: Path, fingerprint: str) -> bool:
    """Whether the execution cache in ``build_folder`` (``_build/``) holds outputs computed from other inputs."""
    return _stamp_differs(build_folder, CACHE_STAMP, fingerprint)


def pages_are_stale(build_folder: Path, fingerprint: str) -> bool:
    """Whether the last build without a warning in ``build_folder`` read other inputs (or none succeeded)."""
    return _stamp_differs(build_folder, STAMP_NAME, fingerprint)


def drop_execution_cache(build_folder: Path) -> None:
    """Delete myst-nb's execution cache (``_build/.jupyter_cache``), so every notebook executes again."""
    cache = build_folder / ".jupyter_cache"
    if cache.exists():
        shutil.rmtree(cache)  # not ignore_errors: a cache half deleted would still hold old outputs


def _record(build_folder: Path, name: str, fingerprint: str) -> None:
    build_folder.mkdir(parents=True, exist_ok=True)
    partial = build_folder / f"{name}.partial"
    partial.write_text(fingerprint + "\n")
    os.replace(partial, build_folder / name)


def record_fingerprint(build_folder: Path, fingerprint: str) -> None:
    """Record ``fingerprint`` as the inputs of a build that succeeded without a warning."""
    _record(build_folder, STAMP_NAME, fingerprint)


def start_cache(build_folder: Path, fingerprint: str) -> None:
    """Empty the execution cache and record that what it will hold is computed from ``fingerprint``."""
    drop_execution_cache(build_folder)
    _record(build_folder, CACHE_STAMP, fingerprint)


def _package_folder() -> Path:
    # The package the kernels will import (an editable install points at the checkout).
    spec = importlib.util.find_spec(PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError(f"{PACKAGE} is not installed: run `make book`, which installs it into .venv/")
    return Path(next(iter(spec.submodule_search_locations)))


def _build_folder(app: Sphinx) -> Path:
    # myst-nb keeps its cache beside the HTML folder: <output>/_build/.jupyter_cache.
    return Path(app.outdir).parent


def check_fingerprint(app: Sphinx, config: Config) -> None:
    fingerprint = execution_fingerprint(_package_folder())
    build_folder = _build_folder(app)
    app.vae_helpers_fingerprint = fingerprint
    cache_stale = cache_is_stale(build_folder, fingerprint)
    if cache_stale:
        LOGGER.info(f"{PACKAGE} (its results included) or the data source changed since the cached outputs: every notebook executes again")
        start_cache(build_folder, fingerprint)
    app.vae_helpers_stale = cache_stale or pages_are_stale(build_folder, fingerprint)


def reread_everything(app: Sphinx, env, added, changed, removed) -> list[str]:
    # Notebook pages hold the old outputs and prose pages the old glued values.
    return sorted(env.found_docs - added - changed) if app.vae_helpers_stale else []


def record_on_success(app: Sphinx, exception: Exception | None) -> None:
    # A build that warned counts as failed: `-W --keep-going` exits 1 after it, yet an
    # incremental build would not re-read its pages and would then pass.
    if exception is None and getattr(app, "_warncount", 0) == 0:
        record_fingerprint(_build_folder(app), app.vae_helpers_fingerprint)


def setup(app: Sphinx) -> dict:
    app.connect("config-inited", check_fingerprint)
    app.connect("env-get-outdated", reread_everything)
    app.connect("build-finished", record_on_success)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
