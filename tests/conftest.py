"""Shared fixtures: the repository's paths and one full build of the book per test session."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest
from scipy import integrate, stats

from browser_harness import toc_files  # noqa: F401  (the tests import the book's pages from here)

REPO_ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((REPO_ROOT / "notebooks").glob("*.ipynb"))
JUPYTER_BOOK = Path(sys.executable).with_name("jupyter-book")

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")


@dataclass
class BookBuild:
    returncode: int
    log: str
    html: Path


def build_book(source: Path, output: Path, *extra: str) -> BookBuild:
    """Run ``jupyter-book build`` as ``make book`` does, into ``output`` (a cold execution cache).

    The kernels start without ``TF_CPP_MIN_LOG_LEVEL``, as a reader's JupyterLab does, and the
    build reports any stderr a cell writes (``execute.stderr_output: warn``, an error under
    ``-W``): so a build that succeeds shows that no cell of any notebook writes to stderr.
    """
    command = [str(JUPYTER_BOOK), "build", str(source), "--path-output", str(output), "-W", "--keep-going", *extra]
    environment = {key: value for key, value in os.environ.items() if key != "TF_CPP_MIN_LOG_LEVEL"}
    result = subprocess.run(command, capture_output=True, text=True, timeout=3600, env=environment)
    return BookBuild(result.returncode, result.stdout + result.stderr, output / "_build" / "html")


def kl_by_integration(mu1: float, var1: float, mu2: float, var2: float) -> float:
    """KL(N(mu1, var1) || N(mu2, var2)) in nats by numerical integration: the reference the KL tests check against."""
    p = stats.norm(mu1, np.sqrt(var1))
    q = stats.norm(mu2, np.sqrt(var2))
    value, _ = integrate.quad(lambda x: p.pdf(x) * (p.logpdf(x) - q.logpdf(x)), -np.inf, np.inf)
    return value


@pytest.fixture(scope="session")
def built_book(tmp_path_factory) -> BookBuild:
    """The whole book, built once from a cold cache: every notebook executes.

    While working on the browser tests, ``VAE_BOOK_PREBUILT_HTML=_build/html`` points them at
    a book ``make book`` built instead; the tests that read the build's log then fail.
    """
    prebuilt = os.environ.get("VAE_BOOK_PREBUILT_HTML")
    if prebuilt:
        return BookBuild(0, f"not built: VAE_BOOK_PREBUILT_HTML={prebuilt}", Path(prebuilt).resolve())
    if "PYTEST_XDIST_WORKER" not in os.environ:
        return build_book(REPO_ROOT, tmp_path_factory.mktemp("book"))
    # Under pytest-xdist (make test: each test file on one of two workers) the first worker to need
    # the book builds it (two notebooks at a time, both cores) and the other waits for that build.
    from filelock import FileLock

    shared = tmp_path_factory.getbasetemp().parent / "book"
    record = shared / "build.json"
    with FileLock(f"{shared}.lock"):
        if not record.is_file():
            build = build_book(REPO_ROOT, shared)
            record.write_text(json.dumps({"returncode": build.returncode, "log": build.log}))
    built = json.loads(record.read_text())
    return BookBuild(built["returncode"], built["log"], shared / "_build" / "html")


def run_es_module(module: Path | str, body: str, prelude: str = ""):
    """Run ``body`` (a JavaScript function body that sees the module as ``m``) in Node.js; return its JSON result.

    For the pure functions a widget's ES module exports: ``module`` is its file, or its text
    (a widget's ``_esm``, as the page gets it). ``prelude`` runs before the module is loaded
    (a stand-in for what the page gives it, such as ``window``). Skipped without Node.js,
    which ``make book`` needs anyway.
    """
    import json
    import shutil
    import tempfile

    node = shutil.which("node")
    if node is None:
        pytest.skip("no node on the PATH: install Node.js 18 or newer")
    if isinstance(module, str):
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "module.mjs"
            path.write_text(module, encoding="utf-8")
            return run_es_module(path, body, prelude)
    script = f"{prelude}\nconst m = await import({json.dumps(module.resolve().as_uri())});\n" \
             f"const result = (() => {{ {body} }})();\n" \
             "process.stdout.write(JSON.stringify(result, (key, value) =>" \
             " typeof value === 'number' && !Number.isFinite(value) ? `@${value}@` : value));"
    result = subprocess.run([node, "--input-type=module", "-e", script], capture_output=True, text=True, timeout=60)
    if result.returncode != 0:
        raise AssertionError(f"node failed:\n{result.stderr}")
    # JSON has no Infinity or NaN; Python's json module reads them as bare words.
    return json.loads(result.stdout.replace('"@Infinity@"', "Infinity").replace('"@-Infinity@"', "-Infinity")
                      .replace('"@NaN@"', "NaN"))


@pytest.fixture(scope="session")
def jupyterlab():
    """A JupyterLab on 127.0.0.1 serving copies of the notebooks (benchmarks/lab_harness.py); stopped at the end."""
    from lab_harness import JupyterLab

    lab = JupyterLab.start(NOTEBOOKS)
    yield lab
    lab.stop()


# --- a tiny VAE and grey-level images, shared by test_iwae, test_elbo and test_bernoulli ----------------


@pytest.fixture(scope="module")
def small_vae():
    from vae_helpers.model import build_decoder, build_encoder

    return build_encoder(latent_dim=2, hidden=16, seed=0), build_decoder(latent_dim=2, hidden=16, seed=0)


@pytest.fixture(scope="module")
def images():
    rng = np.random.default_rng(0)
    return (rng.random((3, 784)) < 0.15).astype(np.float32) * rng.random((3, 784)).astype(np.float32)
