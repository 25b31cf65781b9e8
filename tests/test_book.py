"""The whole book builds, warning-free, with every notebook executed and every glue resolved."""

import re
import sys

import pytest

from conftest import REPO_ROOT, toc_files

pytestmark = pytest.mark.slow


def page_text(html: str) -> str:
    """The visible text of a page: tags dropped, whitespace collapsed."""
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def test_book_builds_without_warnings(built_book):
    assert built_book.returncode == 0, built_book.log[-5000:]
    assert "build succeeded" in built_book.log


@pytest.mark.parametrize("page", toc_files())
def test_every_page_of_the_toc_is_rendered(built_book, page):
    assert (built_book.html / f"{page}.html").is_file()


@pytest.mark.parametrize("page", [page for page in toc_files() if page.startswith("notebooks/")])
def test_notebook_pages_carry_executed_outputs_and_no_traceback(built_book, page):
    html = (built_book.html / f"{page}.html").read_text()
    assert 'class="cell_output' in html, f"{page} has no outputs: was it executed?"
    assert "Traceback" not in html and "ipythontb" not in html
    assert not re.search(r"\{glue:[a-z]*\}", html), f"{page} shows an unresolved glue role"


@pytest.mark.parametrize("page", [page for page in toc_files() if page.startswith("notebooks/")])
def test_notebook_pages_say_how_to_run_them_and_offer_launch_and_download(built_book, page):
    html = (built_book.html / f"{page}.html").read_text()
    assert f".venv/bin/jupyter lab {page}.ipynb" in page_text(html)
    assert "mybinder.org/v2/gh/" in html and "colab.research.google.com/github/" in html
    assert f"_sources/{page}.ipynb" in html


def test_api_reference_is_generated_from_the_docstrings(built_book):
    import vae_helpers.info

    html = (built_book.html / "book" / "api" / "maths.html").read_text()
    for name in vae_helpers.info.__all__:
        assert f'id="vae_helpers.info.{name}"' in html
    assert "Information content (surprisal)" in html  # the first docstring line, verbatim


def test_every_public_module_has_its_place_in_the_api_reference():
    package = REPO_ROOT / "vae_helpers"
    public = {".".join(path.relative_to(REPO_ROOT).with_suffix("").parts)
              for path in [*package.glob("*.py"), *(package / "widgets").glob("*.py")] if not path.name.startswith("_")}
    pages = "".join(page.read_text() for page in (REPO_ROOT / "book" / "api").glob("*.md"))
    documented = re.findall(r"^\.\. automodule:: ([\w.]+)$", pages, re.M)
    assert sorted(documented) == sorted(public | {"vae_helpers.widgets"})  # each once; the widgets' package too


def test_bibliography_lists_the_papers(built_book):
    text = page_text((built_book.html / "book" / "references.html").read_text()).lower()
    for title in ("auto-encoding variational bayes", "tutorial on variational autoencoders", "beta-vae"):
        assert title in text


def test_no_page_shows_a_path_of_the_build_machine(built_book):
    # A default value printed by autodoc (ops=<module 'numpy' from '/.../.venv/...'>) once did.
    folders = {str(REPO_ROOT), str(built_book.html.parents[1]), sys.prefix}
    leaks = [
        f"{path.relative_to(built_book.html)}: {folder}"
        for path in built_book.html.rglob("*")
        if path.suffix in {".html", ".js", ".txt", ".json", ".ipynb", ".md"} and path.is_file()
        for folder in folders
        if folder in path.read_text(errors="replace")
    ]
    assert not leaks, leaks[:10]
