"""The notebooks: committed clean, quiet where TensorFlow starts, and a raising cell fails the book build."""

import re
import shutil

import nbformat
import pytest

from conftest import NOTEBOOKS, REPO_ROOT, build_book


def test_there_are_notebooks():
    assert NOTEBOOKS, "notebooks/ holds no notebook"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda path: path.name)
def test_notebook_is_committed_without_outputs(path):
    notebook = nbformat.read(path, as_version=4)
    dirty = [
        index
        for index, cell in enumerate(notebook.cells)
        if cell.cell_type == "code" and (cell.get("outputs") or cell.get("execution_count") is not None)
    ]
    assert not dirty, f"{path.name}: cells {dirty} carry outputs or execution counts; clear them before committing"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda path: path.name)
def test_notebook_opens_with_a_title_and_imports_the_package(path):
    notebook = nbformat.read(path, as_version=4)
    assert notebook.cells[0].cell_type == "markdown" and notebook.cells[0].source.startswith("# ")
    assert any("vae_helpers" in cell.source for cell in notebook.cells if cell.cell_type == "code")


def test_a_raising_cell_a_false_claim_or_a_warning_fails_the_book_build(tmp_path):
    # The real configuration with its extensions and assets, but a toc of planted notebooks:
    # one raises, one states a claim the computation contradicts, one runs package code that
    # warns, one calls a library that warns. One build checks all four: the real configuration
    # stops at the first failing notebook (raise_on_error), so here each failure is a warning
    # with its traceback, and -W --keep-going reports them all and fails the build at the end.
    # test_the_configuration_stops_the_build_at_a_failing_cell checks the real setting.
    source = tmp_path / "book"
    shutil.copytree(
        REPO_ROOT,
        source,
        ignore=shutil.ignore_patterns(".venv", "_build", ".git", "notebooks", "tests", "benchmarks", "test-artifacts", ".*cache*"),
    )
    (source / "notebooks").mkdir()
    config = (source / "_config.yml").read_text()
    assert config.count("raise_on_error: true") == 2  # execute.raise_on_error and nb_execution_raise_on_error
    config = config.replace("raise_on_error: true", "raise_on_error: false")
    (source / "_config.yml").write_text(config.replace("  config:\n", "  config:\n    nb_execution_show_tb: true\n", 1))
    (source / "_toc.yml").write_text(
        "format: jb-book\nroot: book/planted_intro\nchapters:\n  - file: notebooks/planted\n  - file: notebooks/planted_claim\n"
        "  - file: notebooks/planted_warning\n  - file: notebooks/planted_library_warning\n"
    )
    (source / "book" / "planted_intro.md").write_text("# Intro\n")
    notebook = nbformat.read(NOTEBOOKS[0], as_version=4)
    notebook.cells.insert(1, nbformat.v4.new_code_cell('raise RuntimeError("planted failure")'))
    nbformat.write(notebook, source / "notebooks" / "planted.ipynb")
    planted = {
        "planted_claim": (
            "A false claim",
            "from vae_helpers.claims import claim\n"
            "entropy_bits = 1.0\n"
            'claim(entropy_bits < 0.5, "a fair coin carries less than half a bit", entropy_bits=entropy_bits)',
        ),
        # A function whose code lives in vae_helpers.info, as if the package had a line that warns.
        "planted_warning": (
            "A warning of the package",
            "import vae_helpers.info\n"
            "exec('import warnings\\ndef planted():\\n    warnings.warn(\"planted warning from vae_helpers\")',"
            " vars(vae_helpers.info))\n"
            "vae_helpers.info.planted()",
        ),
        "planted_library_warning": (
            "A library's warning",
            "import numpy as np\nnp.mean(np.array([]))  # numpy warns: mean of an empty slice",
        ),
    }
    for name, (title, code) in planted.items():
        cells = [nbformat.v4.new_markdown_cell(f"# {title}"), nbformat.v4.new_code_cell(code)]
        nbformat.write(nbformat.v4.new_notebook(cells=cells, metadata=notebook.metadata), source / "notebooks" / f"{name}.ipynb")

    build = build_book(source, tmp_path / "out")

    assert build.returncode != 0, build.log[-3000:]
    failures = build.log.split("Executing notebook failed")[1:]
    assert len(failures) == 3, build.log[-5000:]
    assert "planted failure" in failures[0]  # the cell's own error is reported
    assert "a fair coin carries less than half a bit" in failures[1]
    # The package's warning was raised in the kernel as an error, with its traceback.
    assert "UserWarning" in failures[2] and "planted warning from vae_helpers" in failures[2]
    # A library's warning is not raised in the kernel, but it reaches the cell's stderr: a build warning.
    assert "stderr was found in the cell outputs" in build.log and "planted_library_warning" in build.log


def test_the_configuration_stops_the_build_at_a_failing_cell_and_shows_stderr():
    import yaml

    config = yaml.safe_load((REPO_ROOT / "_config.yml").read_text())
    assert config["execute"]["raise_on_error"] is True
    assert config["sphinx"]["config"]["nb_execution_raise_on_error"] is True
    assert config["execute"]["stderr_output"] == "warn"  # a library's warning is a build warning
    assert {"execution_cache", "strict_warnings"} <= set(config["sphinx"]["local_extensions"])


# -- quiet notebooks -------------------------------------------------------------------------


@pytest.mark.slow
def test_no_cell_of_any_notebook_writes_to_stderr(built_book):
    # The cold build's kernels ran as a reader's JupyterLab runs them, without
    # TF_CPP_MIN_LOG_LEVEL (conftest.build_book), and the build turns any stderr into an error.
    assert built_book.returncode == 0 and "build succeeded" in built_book.log, built_book.log[-5000:]
    assert "stderr was found in the cell outputs" not in built_book.log
    imports_tensorflow = re.compile(r"^(import|from) (keras|tensorflow)\b", re.MULTILINE)
    tensorflow_users = [
        path.name
        for path in NOTEBOOKS
        if any(imports_tensorflow.search(cell.source) for cell in nbformat.read(path, as_version=4).cells)
    ]
    assert len(tensorflow_users) >= 3, f"only {tensorflow_users} import TensorFlow: the build would check little"
