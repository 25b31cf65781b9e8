"""The book's own Sphinx extensions that keep the build honest, tested on temporary folders."""

import warnings

import pytest

import execution_cache  # the book's extensions (book/_ext/), on pytest's pythonpath (pyproject.toml)
import parallel_execution
import strict_warnings
from conftest import NOTEBOOKS, REPO_ROOT


def _package(folder):
    (folder / "weights").mkdir(parents=True)
    (folder / "__init__.py").write_text("")
    (folder / "info.py").write_text("def entropy(p):\n    return 0\n")
    (folder / "weights" / "model.weights.h5").write_bytes(b"\x00weights")
    (folder / "__pycache__").mkdir()
    (folder / "__pycache__" / "info.cpython-311.pyc").write_bytes(b"byte code")
    return folder


def test_the_fingerprint_changes_with_code_or_weights_and_not_with_byte_code(tmp_path):
    package = _package(tmp_path / "vae_helpers")
    before = execution_cache.package_fingerprint(package)
    (package / "__pycache__" / "info.cpython-311.pyc").write_bytes(b"other byte code")
    assert execution_cache.package_fingerprint(package) == before
    (package / "info.py").write_text("def entropy(p):\n    return 1\n")
    after_code = execution_cache.package_fingerprint(package)
    assert after_code != before
    (package / "weights" / "model.weights.h5").write_bytes(b"\x00retrained")
    assert execution_cache.package_fingerprint(package) not in (before, after_code)
    # Moving a file is a change too, even with the same bytes.
    (package / "info.py").rename(package / "entropy.py")
    assert execution_cache.package_fingerprint(package) not in (before, after_code)


def test_a_changed_package_drops_the_execution_cache_and_is_recorded_as_the_caches_inputs(tmp_path):
    package = _package(tmp_path / "vae_helpers")
    build = tmp_path / "_build"
    (build / ".jupyter_cache" / "executed").mkdir(parents=True)
    fingerprint = execution_cache.package_fingerprint(package)

    assert execution_cache.cache_is_stale(build, fingerprint)  # never built with this check
    execution_cache.start_cache(build, fingerprint)
    assert not execution_cache.cache_is_stale(build, fingerprint)

    (package / "info.py").write_text("def entropy(p):\n    return 2\n")
    changed = execution_cache.package_fingerprint(package)
    assert execution_cache.cache_is_stale(build, changed)
    execution_cache.start_cache(build, changed)
    assert not (build / ".jupyter_cache").exists()
    assert execution_cache.pages_are_stale(build, changed)  # every page is read again until a build succeeds


def test_the_kernel_warning_options_make_the_books_own_warnings_errors(tmp_path):
    package = _package(tmp_path / "vae_helpers")
    (package / "widgets").mkdir()
    (package / "widgets" / "__init__.py").write_text("")
    modules = strict_warnings.own_modules(package)
    assert modules == ["vae_helpers", "vae_helpers.info", "vae_helpers.widgets"]
    options = strict_warnings.warning_options(modules, inherited="ignore::DeprecationWarning")
    # Python's own parser of -W options applies them as the kernel will.
    with warnings.catch_warnings():
        warnings.resetwarnings()
        for option in options.split(","):
            warnings._setoption(option)
        for module in ("vae_helpers.info", "__main__"):
            raised = False
            try:
                warnings.warn_explicit("planted", UserWarning, "x.py", 1, module=module)
            except UserWarning:
                raised = True
            assert raised, module
        with warnings.catch_warnings(record=True) as caught:
            warnings.warn_explicit("library noise", UserWarning, "x.py", 1, module="numpy.core")
            warnings.warn_explicit("inherited", DeprecationWarning, "x.py", 1, module="jupyter_client.session")
        assert [str(item.message) for item in caught] == ["library noise"]



def test_the_cold_build_runs_the_notebooks_side_by_side_and_reads_every_result_from_the_cache(built_book):
    if parallel_execution.WORKERS < 2:
        pytest.skip("one core: the notebooks execute one after the other, as myst-nb reads them")
    assert f"executing {len(NOTEBOOKS)} notebooks, 2 at a time" in built_book.log
    # myst-nb found each result in its cache and executed nothing itself.
    assert built_book.log.count("Using cached notebook") == len(NOTEBOOKS), built_book.log[-3000:]
    assert "Executing notebook using" not in built_book.log


# --- Small books: each way the build could publish something false, planted and caught (issue 31) ---

import json
import os
import shutil
import textwrap

import nbformat

from conftest import build_book

EXTENSIONS = ("glue_figure", "execution_cache", "parallel_execution", "strict_warnings", "widget_directive")

# Planted in the all-problems build only: a widget of vae_helpers that warns and writes to stderr (at
# the file descriptor, as a C library would) while the {widget} directive builds it.
PLANT = '''
import os, warnings
from pathlib import Path

def setup(app):
    if (Path(app.srcdir) / "PLANT").exists():
        import vae_helpers.widgets

        original = vae_helpers.widgets.CoinPanel.__init__

        def noisy(self, *args, **kwargs):
            warnings.warn("planted widget warning", UserWarning)
            os.write(2, b"planted widget stderr\\n")
            original(self, *args, **kwargs)

        vae_helpers.widgets.CoinPanel.__init__ = noisy
    return {"parallel_read_safe": True}
'''

# Each notebook reads a result file the package ships, as the chapters read vae_helpers/results/
# (the small book's package is a copy of vae_helpers on PYTHONPATH: see small_book).
READ = ("import importlib.util, json\nfrom pathlib import Path\n"
        "result = json.loads((Path(importlib.util.find_spec('vae_helpers').origin).parent / 'results' / 'r.json').read_text())")
CELLS = {
    "a": [f"import os, sys\nfrom myst_nb import glue\n{READ}",
          "glue('value', result['value'])\nprint('data source:', os.environ.get('VAE_BOOK_DATA', 'unset'))",
          "if result['fail']:\n    print('planted stderr from a', file=sys.stderr)"],
    "b": [READ, "if result['fail']:\n    raise RuntimeError('planted error in b')"],
    "c": [READ, "if result['fail']:\n    raise ZeroDivisionError('planted error in c')"],
}


def small_book(root):
    extensions = {name: str(REPO_ROOT / "book" / "_ext") for name in EXTENSIONS}
    config = {
        "title": "small", "only_build_toc_files": True,
        "execute": {"execute_notebooks": "cache", "timeout": 120, "raise_on_error": True, "stderr_output": "warn"},
        "sphinx": {"local_extensions": {**extensions, "plant": str(root)},
                   "config": {"nb_execution_raise_on_error": True, "nb_merge_streams": True}},
    }
    root.mkdir(parents=True)
    (root / "_config.yml").write_text(json.dumps(config))  # JSON is YAML
    (root / "_toc.yml").write_text("format: jb-book\nroot: index\nchapters:\n- file: a\n- file: b\n- file: c\n")
    (root / "plant.py").write_text(PLANT)
    # A copy of the package, found before the installed one by the build and its kernels alike,
    # whose results the test changes (the weights left out: no notebook here loads a model).
    shutil.copytree(REPO_ROOT / "vae_helpers", root.parent / "site-packages" / "vae_helpers",
                    ignore=shutil.ignore_patterns("weights", "__pycache__"))
    for name, cells in CELLS.items():
        notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell(f"# Notebook {name}"),
                                                   *(nbformat.v4.new_code_cell(source) for source in cells)])
        notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
        nbformat.write(notebook, root / f"{name}.ipynb")
    return root


def write_inputs(root, value, fail=False, glued_key="value", plant=False):
    (root.parent / "site-packages" / "vae_helpers" / "results" / "r.json").write_text(json.dumps({"value": value, "fail": fail}))
    glue = f"{{glue:text}}`a.ipynb::{glued_key}`"  # no format spec
    (root / "index.md").write_text(f"# Small\n\nThe value is {glue}.\n\n```{{widget}} CoinPanel\nbias: 0.25\n```\n")
    (root / "PLANT").unlink(missing_ok=True)
    if plant:
        (root / "PLANT").write_text("")


def page(build, name):
    return (build.html / f"{name}.html").read_text()


def glued_value(build):
    return __import__("re").search(r'The value is <span class="pasted-text">([^<]*)</span>', page(build, "index")).group(1)


@pytest.mark.slow
def test_the_build_publishes_only_what_the_current_inputs_compute_and_names_every_problem(tmp_path, monkeypatch):
    if parallel_execution.WORKERS < 2:
        pytest.skip("one core: the notebooks execute one after the other, as myst-nb reads them")
    root, output = small_book(tmp_path / "book"), tmp_path / "out"
    monkeypatch.delenv("VAE_BOOK_DATA", raising=False)
    monkeypatch.setenv("PYTHONPATH", str(root.parent / "site-packages"))

    write_inputs(root, value=1)
    first = build_book(root, output)
    assert first.returncode == 0, first.log[-3000:]
    assert glued_value(first) == "1" and "data source: unset" in page(first, "a")

    # Every notebook's problem at once: a changed result file makes b and c fail and a write to stderr.
    write_inputs(root, value=2, fail=True)
    second = build_book(root, output)
    assert second.returncode != 0, "a changed result file of the package was not re-executed"
    for text in ("planted error in b", "planted error in c", "planted stderr from a"):  # each with its text
        assert text in second.log, f"{text!r} not reported:\n{second.log[-5000:]}"

    # The inputs restored exactly: a's output cached by the failed build (value 2) must not be published.
    write_inputs(root, value=1)
    third = build_book(root, output)
    assert third.returncode == 0, third.log[-3000:]
    assert glued_value(third) == "1", "the failed build's cached output was published"

    # Another data source is another input: every notebook executes again.
    monkeypatch.setenv("VAE_BOOK_DATA", "bundled")
    fourth = build_book(root, output)
    assert fourth.returncode == 0, fourth.log[-3000:]
    assert "data source: bundled" in page(fourth, "a")

    # The prose page's problems (myst-nb stops the build at a failing notebook before them): its
    # widget warns and writes to stderr, and it glues a key that the notebook does not glue.
    write_inputs(root, value=1, glued_key="missing_key", plant=True)
    fifth = build_book(root, output)
    assert fifth.returncode != 0
    for text in ("planted widget warning", "planted widget stderr", "Glue reference 'missing_key' not found in doc 'a'"):
        assert text in fifth.log, f"{text!r} not reported:\n{fifth.log[-5000:]}"
    assert "ipynb:'" not in fifth.log  # the garbled key of myst-nb's own parsing


def test_the_fingerprint_covers_the_results_the_package_ships_and_the_data_source(tmp_path):
    """The notebooks glue vae_helpers/results/*.json (vae_helpers.benchmark_results): a change there re-executes them;
    the benchmarks' own results beside the package (benchmarks/results/) are read by no notebook and change nothing."""
    package = _package(tmp_path / "vae_helpers")
    (package / "results").mkdir()
    (package / "results" / "r.json").write_text("{}")
    benchmarks = tmp_path / "benchmarks" / "results"
    benchmarks.mkdir(parents=True)
    (benchmarks / "latency.json").write_text("{}")
    prints = {
        "before": execution_cache.execution_fingerprint(package, {}),
        "data source set": execution_cache.execution_fingerprint(package, {"VAE_BOOK_DATA": "bundled"}),
        "data source empty": execution_cache.execution_fingerprint(package, {"VAE_BOOK_DATA": ""}),
        "unrelated variable": execution_cache.execution_fingerprint(package, {"HOME": "/elsewhere"}),
    }
    (benchmarks / "latency.json").write_text('{"median_ms": 0.5}')
    prints["benchmark result changed"] = execution_cache.execution_fingerprint(package, {})
    (package / "results" / "r.json").write_text('{"seconds": 987.6}')
    prints["result changed"] = execution_cache.execution_fingerprint(package, {})
    (package / "results" / "new.json").write_text("{}")
    prints["result added"] = execution_cache.execution_fingerprint(package, {})
    assert prints["unrelated variable"] == prints["before"]
    assert prints["benchmark result changed"] == prints["before"]
    del prints["unrelated variable"], prints["benchmark result changed"]
    assert len(set(prints.values())) == len(prints), prints


def test_the_cache_stamp_is_written_before_execution_and_the_page_stamp_only_on_success(tmp_path):
    build = tmp_path / "_build"
    (build / ".jupyter_cache").mkdir(parents=True)
    execution_cache.start_cache(build, "new")
    assert not (build / ".jupyter_cache").exists()
    assert not execution_cache.cache_is_stale(build, "new")  # the outputs to come are computed from "new"
    assert execution_cache.cache_is_stale(build, "old")  # going back is a change too
    assert execution_cache.pages_are_stale(build, "new")  # no build has succeeded with it yet
    execution_cache.record_fingerprint(build, "new")
    assert not execution_cache.pages_are_stale(build, "new")
