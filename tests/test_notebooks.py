"""The notebooks: committed clean, quiet where TensorFlow starts, and a raising cell fails the book build."""

import os
import re
import shutil

import nbformat
import pytest
from nbclient import NotebookClient

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


def test_a_raising_cell_or_a_false_claim_fails_the_book_build(tmp_path):
    # The real configuration with its extensions and assets, but a toc of two planted notebooks:
    # one raises, one states a claim the computation contradicts. One build checks both.
    source = tmp_path / "book"
    shutil.copytree(
        REPO_ROOT,
        source,
        ignore=shutil.ignore_patterns(".venv", "_build", ".git", "notebooks", "tests", "benchmarks", "test-artifacts", ".*cache*"),
    )
    (source / "notebooks").mkdir()
    (source / "_toc.yml").write_text(
        "format: jb-book\nroot: book/planted_intro\nchapters:\n  - file: notebooks/planted\n  - file: notebooks/planted_claim\n"
    )
    (source / "book" / "planted_intro.md").write_text("# Intro\n")
    notebook = nbformat.read(NOTEBOOKS[0], as_version=4)
    notebook.cells.insert(1, nbformat.v4.new_code_cell('raise RuntimeError("planted failure")'))
    nbformat.write(notebook, source / "notebooks" / "planted.ipynb")
    claim_notebook = nbformat.v4.new_notebook(
        cells=[
            nbformat.v4.new_markdown_cell("# A false claim"),
            nbformat.v4.new_code_cell(
                "from vae_helpers.claims import claim\n"
                "entropy_bits = 1.0\n"
                'claim(entropy_bits < 0.5, "a fair coin carries less than half a bit", entropy_bits=entropy_bits)'
            ),
        ],
        metadata=notebook.metadata,
    )
    nbformat.write(claim_notebook, source / "notebooks" / "planted_claim.ipynb")

    build = build_book(source, tmp_path / "out")

    assert build.returncode != 0, build.log[-3000:]
    assert "planted failure" in build.log  # the cell's own error is reported
    assert "ExecutionError" in build.log and "planted.ipynb" in build.log
    assert "a fair coin carries less than half a bit" in build.log and "planted_claim.ipynb" in build.log


# -- quiet notebooks -------------------------------------------------------------------------

IMPORT_CELL = re.compile(r"^(import|from) \S+", re.MULTILINE)
TRAINING_CELL = re.compile(r"\btrain_(article_)?vae\(")


@pytest.mark.slow
@pytest.mark.parametrize("name", ["05_keras_vae.ipynb", "06_latent_explorer.ipynb"])
def test_import_and_training_cells_write_nothing_to_stderr(name):
    # As a reader's JupyterLab runs them: a kernel started without TF_CPP_MIN_LOG_LEVEL.
    notebook = nbformat.read(REPO_ROOT / "notebooks" / name, as_version=4)
    watched = [
        index
        for index, cell in enumerate(notebook.cells)
        if cell.cell_type == "code" and (IMPORT_CELL.search(cell.source) or TRAINING_CELL.search(cell.source))
    ]
    training = [index for index in watched if TRAINING_CELL.search(notebook.cells[index].source)]
    assert training, f"{name} has no training cell any more: the test would check nothing"
    notebook.cells = notebook.cells[: watched[-1] + 1]  # what follows the last watched cell need not run
    environment = {key: value for key, value in os.environ.items() if key != "TF_CPP_MIN_LOG_LEVEL"}
    client = NotebookClient(notebook, timeout=1800, resources={"metadata": {"path": str(REPO_ROOT / "notebooks")}})
    client.execute(env=environment)
    written = {
        index: "".join(
            output.get("text", "") for output in notebook.cells[index].outputs if output.get("name") == "stderr"
        )
        for index in watched
    }
    noisy = {index: text for index, text in written.items() if text}
    report = (f"cell {index}:\n{notebook.cells[index].source[:200]}\nwrote:\n{text}" for index, text in noisy.items())
    assert not noisy, "\n".join(report)
