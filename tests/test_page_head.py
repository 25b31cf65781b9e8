"""What a page's head makes a reader wait for (``book/_ext/page_head.py``): one stylesheet, the
search scripts only on the search page, no script file before the text.

The parts are checked on small sites written here; the built book's heads after them.
"""

from __future__ import annotations

import re

import pytest

import page_head  # book/_ext/ is on pytest's pythonpath (pyproject.toml)
import page_load


def _site(tmp_path):
    (tmp_path / "_static" / "styles").mkdir(parents=True)
    (tmp_path / "_static" / "fonts").mkdir()
    (tmp_path / "_static" / "basic.css").write_text("p { margin: 0; }\n")
    (tmp_path / "_static" / "styles" / "theme.css").write_text('@import "../basic.css";\nh1 { color: red; }\n')
    (tmp_path / "_static" / "styles" / "icons.css").write_text(
        '@charset "UTF-8";\n@font-face { src: url(../fonts/a.woff); }\n'
        'i { background: url("data:image/svg+xml;utf8,<svg/>"); }\n/*# sourceMappingURL=icons.css.map */\n')
    (tmp_path / "_static" / "reading.css").write_text("h1 { color: blue; }\n")
    return tmp_path


HEAD = """<html><head>
<link href="{up}_static/styles/theme.css?digest=1" rel="stylesheet" />
<link href="{up}_static/styles/icons.css?digest=1" rel="stylesheet" />
    <link rel="stylesheet" type="text/css" href="{up}_static/reading.css?v=2" />
<link rel="stylesheet" href="{up}_static/print.css" media="print" />
</head><body><link rel="stylesheet" href="late.css" /></body></html>"""


def test_a_heads_stylesheets_become_one_file_with_the_same_rules_in_the_same_order(tmp_path):
    site = _site(tmp_path)
    bundles = {}
    page = page_head.one_stylesheet(site, "book/page.html", HEAD.format(up="../"), bundles, set())
    head = page.split("</head>")[0]
    links = re.findall(r'<link [^>]*rel="stylesheet"[^>]*>', head)
    # One bundle where the first stylesheet stood; a stylesheet for print keeps its own link; the body is untouched.
    assert len(links) == 2 and 'media="print"' in links[1]
    assert 'href="late.css"' in page
    bundle = re.search(r'href="\.\./(_static/book-\w+\.css)"', links[0]).group(1)
    css = (site / bundle).read_text()
    # The import taken in where it stood, the rules in cascade order (reading.css's blue after the theme's red).
    assert css.index("margin: 0") < css.index("color: red") < css.index("color: blue")
    assert "@import" not in css and "@charset" not in css and "sourceMappingURL" not in css
    # URLs still name the same files, now from _static/; data URLs stay.
    assert 'url("fonts/a.woff")' in css and (site / "_static" / "fonts").is_dir()
    assert 'url("data:image/svg+xml;utf8,<svg/>")' in css
    # A page at the root with the same stylesheets shares the file; written again, a page is unchanged.
    root = page_head.one_stylesheet(site, "index.html", HEAD.format(up=""), bundles, set())
    assert f'href="{bundle}"' in root and len(list((site / "_static").glob("book-*.css"))) == 1
    assert page_head.one_stylesheet(site, "book/page.html", page, bundles, set()) == page


def test_a_changed_stylesheet_is_a_new_bundle_name(tmp_path):
    site = _site(tmp_path)
    first = page_head.one_stylesheet(site, "index.html", HEAD.format(up=""), {}, set())
    (site / "_static" / "reading.css").write_text("h1 { color: green; }\n")
    second = page_head.one_stylesheet(site, "index.html", HEAD.format(up=""), {}, set())
    assert re.search(r"book-\w+", first).group(0) != re.search(r"book-\w+", second).group(0)


def test_a_bundle_keeps_the_glyph_rules_of_icons_something_names_and_every_other_rule():
    css = ('/* fa */.fa-sun:before{content:"\\f185"}.fa-moon:before,.fa-x::before{content:"\\f186"}'
           '.theme .fa-sun:before{content:"a"}\n.fa-lg{font-size:1.25em}.fa-gear:before{content:"\\f013"}')
    kept = page_head.without_unused_icons(css, {"fa-moon"})
    assert kept == ('/* fa */.fa-moon:before,.fa-x::before{content:"\\f186"}'
                    '.theme .fa-sun:before{content:"a"}\n.fa-lg{font-size:1.25em}')


SEARCH = """<script src="../_static/documentation_options.js?v=9eb32ce0"></script>
<script src="../_static/doctools.js?v=9a2dae69"></script>
<script>DOCUMENTATION_OPTIONS.search_as_you_type = false;</script>
<script src="../_static/searchtools.js"></script>
<script src="../_static/language_data.js"></script>
<script src="../searchindex.js"></script>"""


def test_search_scripts_leave_every_page_but_the_search_page_and_nothing_blocks_the_text():
    page = page_head.with_options_inline(page_head.without_search_scripts(SEARCH), "const DOCUMENTATION_OPTIONS = {};\n")
    assert "search" not in page.replace("search_as_you_type", "")
    assert page_load.blocking_scripts(page) == []
    assert page.index("const DOCUMENTATION_OPTIONS = {};") < page.index("search_as_you_type = false")
    # The search page keeps them (its own template loads them, doctools.js first), and so does a
    # site whose search box searches as the reader types.
    search_page = SEARCH + '<div id="search-results"></div>'
    assert page_head.without_search_scripts(search_page) == search_page
    typing = SEARCH.replace("= false", "= true")
    assert page_head.without_search_scripts(typing) == typing


@pytest.mark.slow
def test_every_page_of_the_book_waits_for_one_stylesheet_and_no_script_file(built_book):
    for html in sorted(built_book.html.rglob("*.html")):
        name = html.relative_to(built_book.html).as_posix()
        page = html.read_text(encoding="utf-8")
        head = page.split("</head>")[0]
        if "<html" not in head:
            continue  # a theme's template macros (_static/sbt-webpack-macros.html), not a page
        sheets = re.findall(r'<link [^>]*rel="stylesheet"[^>]*href="([^"]+)"', head)
        assert len(sheets) == 1 and re.search(r"_static/book-\w+\.css$", sheets[0]), f"{name}: {sheets}"
        assert (html.parent / sheets[0]).is_file()
        blocking = page_load.blocking_scripts(page)
        if 'id="search-results"' in page:
            assert "searchindex.js" in " ".join(blocking)  # the search page needs its index
        else:
            assert blocking == [], f"{name} waits for {blocking}"
            assert "searchindex.js" not in page
