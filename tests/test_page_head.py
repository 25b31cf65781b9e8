"""What a page's head makes a reader wait for (``book/_ext/page_head.py``): one stylesheet, the
search scripts only on the search page, sphinx-design's files only where its components are, no
script file before the text, the theme known before the first paint.

The parts are checked on small sites written here; the built book's heads after them.
"""

from __future__ import annotations

import re

import pytest

import page_head  # book/_ext/ is on pytest's pythonpath (pyproject.toml)
import page_load
from browser import browser, site  # noqa: F401  (fixtures)


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


def test_a_stylesheet_whose_classes_come_from_a_script_the_site_does_not_ship_is_kept_whole(tmp_path):
    site = _site(tmp_path)
    (site / "_static" / "sphinx-thebe.css").write_text(".thebelab-cell { margin: 0; }\n")
    (site / "_static" / "other.css").write_text(".thebelab-cell { margin: 0; }\n")
    text = page_head.bundle_text(site, ("_static/sphinx-thebe.css", "_static/other.css"), set())
    assert text.count(".thebelab-cell") == 1 and text.index(".thebelab-cell") < text.index("_static/other.css")


def test_a_changed_stylesheet_is_a_new_bundle_name(tmp_path):
    site = _site(tmp_path)
    first = page_head.one_stylesheet(site, "index.html", HEAD.format(up=""), {}, set())
    (site / "_static" / "reading.css").write_text("h1 { color: green; }\n")
    second = page_head.one_stylesheet(site, "index.html", HEAD.format(up=""), {}, set())
    assert re.search(r"book-\w+", first).group(0) != re.search(r"book-\w+", second).group(0)


def test_a_bundle_keeps_every_rule_a_name_in_the_site_can_match():
    css = ('/* fa */.fa-sun:before{content:"\\f185"}.fa-moon:before,.fa-x::before{content:"\\f186"}\n'
           '.theme .fa-sun:before{content:"a"}\n@media (min-width: 2px) { .gone { a: b } .bs-tooltip-top { c: d } }\n'
           '@media print { .gone { a: b } }\n@font-face { font-family: x; }\n'
           'a:not(.gone), [href$=".pdf"], p { color: red }\n.str::after { content: "}" } .dark .x\\:y { e: f }')
    kept = page_head.unused_css.without_unused_rules(css, {"fa-moon", "bs-", "str"})
    assert kept == ('.fa-moon:before,.fa-x::before{content:"\\f186"}\n'
                    '@media (min-width: 2px) { .bs-tooltip-top { c: d } }\n'
                    '@font-face { font-family: x; }\n'
                    'a:not(.gone), [href$=".pdf"], p { color: red }\n.str::after { content: "}" }')


def test_sphinx_designs_files_stay_only_on_a_page_with_one_of_its_components():
    head = ('<link rel="stylesheet" type="text/css" href="../_static/sphinx-design.min.css?v=95c83b7e" />\n'
            '<link rel="stylesheet" type="text/css" href="../_static/reading.css?v=2" />\n'
            '    <script data-sd-tabs-storage-prefix="sphinx-design-tab-id-" defer="defer" '
            'src="../_static/design-tabs.js?v=fcb327ea"></script>\n')
    plain = head + '<p class="admonition">text, and the word sd-tab-set</p>'
    assert page_head.without_unused_design(plain) == (
        '<link rel="stylesheet" type="text/css" href="../_static/reading.css?v=2" />\n'
        '<p class="admonition">text, and the word sd-tab-set</p>')
    with_tabs = head + '<div class="sd-tab-set docutils">'
    assert page_head.without_unused_design(with_tabs) == with_tabs
    with_card = head + '<div class="sd-card sd-shadow-sm">'
    assert page_head.without_unused_design(with_card) == with_card


# Each style rule of a stylesheet (inside its @media/@supports) by its text; those whose selector,
# without its pseudo-classes and attribute tests (any state, any theme), matches an element of the page.
RULES = """(css) => {
  const rules = (list, context) => [...list].flatMap((rule) => rule.cssRules && !(rule instanceof CSSStyleRule)
    ? rules(rule.cssRules, context + (rule.conditionText ?? "") + "{") : rule instanceof CSSStyleRule ? [[context, rule]] : []);
  const served = [...document.styleSheets].filter((sheet) => /_static\\/book-\\w+\\.css/.test(sheet.href ?? ""));
  const kept = new Set(served.flatMap((sheet) => rules(sheet.cssRules, "")).map(([context, rule]) => context + rule.cssText));
  const whole = new CSSStyleSheet();
  whole.replaceSync(css);
  const skeleton = (selector) => selector.replace(/(^|[\\s>+~,(])(?=[:[])/g, "$1*")
    .replace(/::?[\\w-]+(\\((?:[^()]|\\([^()]*\\))*\\))?/g, "").replace(/\\[[^\\]]*\\]/g, "");
  const matches = (selector) => { try { return document.querySelector(skeleton(selector)) !== null; } catch (error) { return true; } };
  return {served: served.length, kept: kept.size, missing: rules(whole.cssRules, "")
    .filter(([context, rule]) => matches(rule.selectorText) && !kept.has(context + rule.cssText))
    .map(([context, rule]) => context + rule.selectorText)};
}"""


@pytest.mark.slow
def test_every_rule_that_can_match_an_element_of_a_built_page_is_in_its_stylesheet(browser, site, built_book):
    """The rules left out of the bundle match no element of any page, in any state or theme."""
    context = browser.new_context()
    try:
        page = context.new_page()
        for html in sorted(built_book.html.rglob("*.html")):
            name = html.relative_to(built_book.html).as_posix()
            head = html.read_text(encoding="utf-8").split("</head>")[0]
            bundle = re.search(r'href="((?:\.\./)*_static/book-\w+\.css)"', head)
            if bundle is None:
                continue  # a theme's template macros, not a page
            sources = re.findall(r"^/\* (_static/\S+) \*/$", (html.parent / bundle.group(1)).read_text(), re.M)
            whole = page_head.bundle_text(built_book.html, tuple(sources), None)
            page.goto(f"{site}{name}", wait_until="load")
            found = page.evaluate(RULES, whole)
            assert found["served"] == 1 and found["kept"] > 100, (name, found)
            assert found["missing"] == [], f"{name}: rules left out that match: {found['missing'][:10]}"
    finally:
        context.close()


THEME_HEAD = """<html><head><script>
    document.documentElement.dataset.mode = localStorage.getItem("mode") || "auto";
    document.documentElement.dataset.theme = localStorage.getItem("theme") || "auto";
</script></head><body></body></html>"""


@pytest.mark.slow
@pytest.mark.parametrize("scheme, stored_mode, theme", [
    ("light", None, "light"), ("dark", None, "dark"), ("dark", "auto", "dark"),
    ("light", "dark", "dark"), ("dark", "light", "light"), ("dark", "bogus", "dark")])
def test_the_head_script_sets_the_theme_the_themes_script_will_set(browser, tmp_path, scheme, stored_mode, theme):
    """Before the first paint <html> carries the theme pydata-sphinx-theme's setTheme resolves to
    later (from the stored mode, else the system's), so that write changes nothing."""
    page = page_head.with_theme_resolved(THEME_HEAD)
    assert page_head.THEME_SCRIPT not in page
    (tmp_path / "page.html").write_text(page)
    context = browser.new_context(color_scheme=scheme)
    if stored_mode:
        context.add_init_script(f"localStorage.setItem('mode', {stored_mode!r})")
    try:
        opened = context.new_page()
        with page_load.serve(tmp_path) as base:
            opened.goto(f"{base}page.html")
            assert opened.evaluate("() => document.documentElement.dataset.theme") == theme
    finally:
        context.close()


@pytest.mark.slow
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_a_built_pages_theme_never_changes_while_it_loads(browser, site, scheme):
    """Every value <html> takes for data-theme, from before the page's first script to after load:
    one (a second would have every element's style computed again)."""
    context = browser.new_context(color_scheme=scheme)
    context.add_init_script("""window.themes = [];
      new MutationObserver(() => window.themes.push(document.documentElement.dataset.theme))
        .observe(document, {subtree: true, attributes: true, attributeFilter: ["data-theme"]});""")
    try:
        page = context.new_page()
        page.goto(f"{site}book/03_elbo.html", wait_until="load")
        page.wait_for_timeout(500)
        themes = page.evaluate("window.themes")
        assert themes and set(themes) == {scheme}, themes
    finally:
        context.close()


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
        assert page_head.THEME_SCRIPT not in page, f"{name}: the theme is resolved only by the theme's script"
        assert ("sphinx-design" in head) == bool(page_head.DESIGN_COMPONENT.search(page)), name
