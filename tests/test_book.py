"""The whole book builds, warning-free, with every notebook executed and every glue resolved."""

import re

import pytest

from conftest import toc_files

pytestmark = pytest.mark.slow


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
