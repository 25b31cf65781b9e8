"""Sphinx extension: a change to ``vae_helpers`` re-executes every notebook, whichever command builds the book.

myst-nb's execution cache keys a notebook on its own code only, and Sphinx re-reads a page
only when its source changes. So after an edit to the package (or new shipped weights) a
plain ``jupyter-book build .`` would publish the outputs of the old code. This extension
fingerprints the package the kernels import (every file under it but byte code: modules,
weights, metadata, widget JavaScript) and, when the fingerprint differs from the one of the
last successful build, empties the execution cache and has Sphinx re-read every page.
The fingerprint is recorded only when a build succeeds without a warning, so an
interrupted, failed or warning build is redone in full next time.
"""

from __future__ import annotations

import hashlib
import importlib.util
import shutil
from pathlib import Path

from sphinx.application import Sphinx
from sphinx.config import Config
from sphinx.util import logging

LOGGER = logging.getLogger(__name__)
PACKAGE = "vae_helpers"
STAMP_NAME = ".vae_helpers-fingerprint"


def package_fingerprint(folder: Path) -> str:
    """SHA-256 over the relative paths and bytes of every file under ``folder``, byte code excepted."""
    digest = hashlib.sha256()
    for path in sorted(folder.rglob("*")):
        if not path.is_file() or "__pycache__" in path.parts or path.suffix == ".pyc":
            continue
        digest.update(path.relative_to(folder).as_posix().encode() + b"\0")
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def cache_is_stale(build_folder: Path, fingerprint: str) -> bool:
    """Whether the last successful build in ``build_folder`` (``_build/``) ran another version of the package."""
    stamp = build_folder / STAMP_NAME
    return not stamp.is_file() or stamp.read_text().strip() != fingerprint


def drop_execution_cache(build_folder: Path) -> None:
    """Delete myst-nb's execution cache (``_build/.jupyter_cache``), so every notebook executes again."""
    shutil.rmtree(build_folder / ".jupyter_cache", ignore_errors=True)


def record_fingerprint(build_folder: Path, fingerprint: str) -> None:
    build_folder.mkdir(parents=True, exist_ok=True)
    (build_folder / STAMP_NAME).write_text(fingerprint + "\n")


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
    app.vae_helpers_fingerprint = package_fingerprint(_package_folder())
    app.vae_helpers_stale = cache_is_stale(_build_folder(app), app.vae_helpers_fingerprint)
    if app.vae_helpers_stale:
        LOGGER.info(f"{PACKAGE} changed since the last build: every notebook executes again")
        drop_execution_cache(_build_folder(app))


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
