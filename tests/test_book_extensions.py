"""The book's own Sphinx extensions that keep the build honest, tested on temporary folders."""

import sys
import warnings

import pytest

from conftest import NOTEBOOKS, REPO_ROOT

sys.path.insert(0, str(REPO_ROOT / "book" / "_ext"))

import execution_cache  # noqa: E402
import parallel_execution  # noqa: E402
import strict_warnings  # noqa: E402


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


def test_a_changed_package_drops_the_execution_cache_until_a_build_succeeds(tmp_path):
    package = _package(tmp_path / "vae_helpers")
    build = tmp_path / "_build"
    (build / ".jupyter_cache" / "executed").mkdir(parents=True)
    fingerprint = execution_cache.package_fingerprint(package)

    assert execution_cache.cache_is_stale(build, fingerprint)  # never built with this check
    execution_cache.record_fingerprint(build, fingerprint)
    assert not execution_cache.cache_is_stale(build, fingerprint)

    (package / "info.py").write_text("def entropy(p):\n    return 2\n")
    changed = execution_cache.package_fingerprint(package)
    assert execution_cache.cache_is_stale(build, changed)
    execution_cache.drop_execution_cache(build)
    assert not (build / ".jupyter_cache").exists()
    assert execution_cache.cache_is_stale(build, changed)  # still stale: no build has succeeded yet


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
