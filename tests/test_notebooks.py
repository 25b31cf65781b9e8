"""The notebooks: committed clean, and a raising cell fails the book build."""

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
