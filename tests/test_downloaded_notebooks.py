"""A notebook downloaded alone from its page runs with only ``vae_helpers`` installed.

The page's download button gives the reader one ``.ipynb``, without the repository around it:
a notebook must read its data (MNIST, through the package's cache) and the benchmarks'
figures (package data, :mod:`vae_helpers.benchmark_results`) through the package, never
through a path into the repository. Every notebook is checked statically; the book's build
executes every notebook in a temporary folder outside the repository (``execute.run_in_temp``,
checked here to take effect), so the suite's cold build runs each one as a downloaded one runs;
and the package's wheel is checked to carry the figures they read.
"""

from __future__ import annotations

import ast
import re
import shutil
import subprocess
import sys
import types
import zipfile
from pathlib import Path

import nbformat
import parallel_execution  # book/_ext/, on pytest's pythonpath (pyproject.toml)
import pytest
import yaml

from conftest import NOTEBOOKS, REPO_ROOT
from vae_helpers.benchmark_results import RESULTS_DIR

# The repository's own folders and files: a notebook that names one depends on the repository's layout.
REPOSITORY_NAMES = sorted(path.name for path in REPO_ROOT.iterdir() if not path.name.startswith("."))


def repository_paths(source: str) -> list[str]:
    """The string literals of a code cell that point into the repository: a relative ``../`` path,
    or a path that starts with one of the repository's top-level names (``benchmarks/``, ...).

    ``__file__`` counts too: a notebook has none, and code that uses it finds the repository.
    """
    # IPython's magics and shell lines are not Python: drop them before parsing.
    python = "\n".join("" if line.lstrip().startswith(("%", "!")) else line for line in source.splitlines())
    found = []
    for node in ast.walk(ast.parse(python)):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            text = node.value
            first = re.split(r"[/\\]", text.lstrip("./"), maxsplit=1)[0]
            if ".." in re.split(r"[/\\]", text) or ("/" in text and first in REPOSITORY_NAMES):
                found.append(text)
        elif isinstance(node, ast.Name) and node.id == "__file__":
            found.append("__file__")
    return found


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ('record = json.loads(Path("../benchmarks/results/gap_decomposition.json").read_text())',
         ["../benchmarks/results/gap_decomposition.json"]),
        ('open("benchmarks/results/r.json")', ["benchmarks/results/r.json"]),
        ('Path("..") / "vae_helpers" / "results"', [".."]),
        ("here = Path(__file__).parent", ["__file__"]),
        ('%matplotlib inline\nrecord = benchmark_result("gap_decomposition")', []),
        ('print("a/b ratio", 1 / 2)', []),
    ],
)
def test_the_check_finds_a_path_into_the_repository_and_only_that(source, expected):
    assert repository_paths(source) == expected


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda path: path.name)
def test_no_notebook_reads_a_path_into_the_repository(path):
    notebook = nbformat.read(path, as_version=4)
    found = {index: repository_paths(cell.source) for index, cell in enumerate(notebook.cells) if cell.cell_type == "code"}
    found = {index: paths for index, paths in found.items() if paths}
    assert not found, (f"{path.name} reads the repository's files (cell: paths) {found}; read them through the package "
                       "(vae_helpers.benchmark_results.benchmark_result, vae_helpers.data.load_mnist)")


def test_the_book_executes_every_notebook_in_a_temporary_folder():
    # So the build itself runs each notebook as a downloaded one runs: no folder of the repository around it.
    config = yaml.safe_load((REPO_ROOT / "_config.yml").read_text())
    assert config["execute"]["run_in_temp"] is True


@pytest.mark.parametrize("in_temp", [False, True])
def test_a_notebook_that_reads_beside_itself_fails_the_books_execution(tmp_path, in_temp):
    # The build's own executor (book/_ext/parallel_execution.py, myst-nb's way) on a notebook that reads
    # ../benchmarks/results as notebooks 03, 05 and 06 once did: found beside the file, not in a temporary folder.
    (tmp_path / "benchmarks" / "results").mkdir(parents=True)
    (tmp_path / "benchmarks" / "results" / "r.json").write_text('{"value": 1}')
    path = tmp_path / "notebooks" / "planted.ipynb"
    path.parent.mkdir()
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(
        "import json, os\nfrom pathlib import Path\nprint(os.getcwd())\n"
        "print(json.loads(Path('../benchmarks/results/r.json').read_text())['value'])")])
    nbformat.write(notebook, path)
    config = types.SimpleNamespace(execution_in_temp=in_temp, execution_timeout=120, execution_allow_errors=False)
    result = parallel_execution.execute_notebook(nbformat.read(path, as_version=4), path, config)
    if in_temp:
        assert result.err is not None and "FileNotFoundError" in repr(result.err) + str(result.err)
    else:
        assert result.err is None
        cwd, value = result.nb.cells[0].outputs[0]["text"].split()
        assert (Path(cwd), value) == (path.parent, "1")


def test_every_figure_a_notebook_reads_is_shipped_by_the_package():
    read = set()
    for path in NOTEBOOKS:
        for cell in nbformat.read(path, as_version=4).cells:
            if cell.cell_type == "code":
                read |= set(re.findall(r"""benchmark_result\(\s*["']([^"']+)["']""", cell.source))
    assert read, "no notebook reads a benchmark figure: the pattern above no longer matches how they do"
    assert read <= {path.stem for path in RESULTS_DIR.glob("*.json")}


@pytest.mark.slow
def test_the_wheel_carries_the_figures_the_notebooks_read(tmp_path):
    # Built from a copy of the files git tracks, so that setuptools' build/ and egg-info stay out of the repository.
    source = tmp_path / "source"
    tracked = subprocess.run(["git", "ls-files", "-z"], cwd=REPO_ROOT, capture_output=True, text=True, check=True)
    for name in filter(None, tracked.stdout.split("\0")):
        if (REPO_ROOT / name).is_file() and not name.startswith(("notebooks/", "book/", "tests/", "benchmarks/")):
            (source / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(REPO_ROOT / name, source / name)
    wheels = tmp_path / "wheels"
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "--quiet",
                    "--wheel-dir", str(wheels), str(source)], check=True, capture_output=True, text=True, timeout=600)
    (wheel,) = wheels.glob("vae_helpers-*.whl")
    inside = set(zipfile.ZipFile(wheel).namelist())
    expected = {f"vae_helpers/results/{path.name}" for path in RESULTS_DIR.glob("*.json")}
    assert expected and expected <= inside, f"missing from the wheel: {sorted(expected - inside)}"
    assert "vae_helpers/benchmark_results.py" in inside
