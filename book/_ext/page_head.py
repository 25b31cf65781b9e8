"""Sphinx extension: what a page's head makes a reader wait for before any text shows.

A browser draws nothing until it has every stylesheet of the head and has run every script
that is neither deferred nor async; on a slow phone each is a round trip. The built pages had
fourteen stylesheets (one imported by another, so found a round trip late) and five such
scripts, three of them for a search box that does not use them. Here (``benchmarks/page_load.py``
measures it, Lighthouse's render-blocking audit names what is left):

- **One stylesheet.** The head's stylesheets become one file, their rules in the same order
  (``@import`` taken in where it stood, ``url()`` rewritten for the new place), named by its
  content's hash, so a changed theme is a new name and never a stale cache.
  Rules no page or script of the site can match are left out (``unused_css``: of the theme's
  Bootstrap and Font Awesome, 3,200 rules, 900 stay; the file 71 -> 31 kB gzipped). The
  theme's icons are inline SVG (``site_assets.inline_icons``), so most icons' glyph rules go.
- **No search scripts outside the search page.** pydata-sphinx-theme writes Sphinx's search
  (``searchtools.js``, ``language_data.js`` and the whole index, ``searchindex.js``) into every
  page's head for its search-as-you-type, and runs nothing of it while that option is off (its
  search box then opens ``search.html``, which loads them itself): off, they go.
- **No script file before the text.** ``documentation_options.js`` (a dozen settings, which the
  inline scripts of the theme read as the page is parsed) is written into the page; once the
  search scripts are gone nothing runs during parsing that needs ``doctools.js``, so it is
  deferred like the rest (``site_assets.defer_scripts``).
- **sphinx-design's files only where its components are.** It adds its stylesheet (8 kB gzipped)
  and its tabs' script to every page; a page without one of its components loses both.
- **The theme known before the first paint.** pydata-sphinx-theme's head script sets the theme
  to "auto" and its script resolves it to light or dark when the page is parsed: a new value on
  ``<html>`` that every element's style is computed again for (0.3 s of a slow phone's main
  thread on chapter 3, 11,000 elements), and a dark-mode reader's first paint is light. The head
  script resolves it as the theme's ``setTheme`` does; that later write changes nothing.
"""

from __future__ import annotations

import hashlib
import posixpath
import re
from pathlib import Path

from sphinx.application import Sphinx

import unused_css

# A stylesheet for every medium (one with a media attribute keeps its own link).
STYLESHEET = re.compile(r'[ \t]*<link (?=[^>]*rel="stylesheet")(?![^>]*media=)[^>]*href="([^"]+)"[^>]*/?>\n?')
IMPORT = re.compile(r'@import\s+(?:url\()?"([^"]+)"\)?\s*;')
URL = re.compile(r'url\((["\']?)([^)"\']+)\1\)')
SOURCE_MAP = re.compile(r"/\*# sourceMappingURL=[^*]*\*/")
BUNDLE = "_static/book-{digest}.css"
# Stylesheets kept whole: their classes come from a script the site does not ship (sphinx-thebe's
# live code loads thebe from a CDN when it is turned on), so no page or shipped script names them.
KEPT_WHOLE = {"_static/sphinx-thebe.css"}
CORE_WIDGET = re.compile(r'"model_module":\s*"@jupyter-widgets/controls"')
SEARCH_SCRIPTS = re.compile(
    r'[ \t]*<script src="[./]*(?:_static/searchtools\.js|_static/language_data\.js|searchindex\.js)"></script>\n?')
SEARCH_AS_YOU_TYPE_OFF = "DOCUMENTATION_OPTIONS.search_as_you_type = false;"
SEARCH_PAGE = 'id="search-results"'  # the search page, whose own template loads the search
OPTIONS_SCRIPT = re.compile(r'<script src="([./]*)_static/documentation_options\.js(?:\?v=\w+)?"></script>')
DESIGN_FILES = re.compile(r'[ \t]*<(?:link [^>]*href="[^"]*_static/sphinx-design\.min\.css[^"]*"[^>]*'
                          r'|script [^>]*src="[^"]*_static/design-tabs\.js[^"]*"[^>]*>\s*</script)>\n?')
DESIGN_COMPONENT = re.compile(r'class="(?:[^"]*\s)?sd-')
THEME_SCRIPT = 'document.documentElement.dataset.theme = localStorage.getItem("theme") || "auto";'
# The theme's setTheme(mode): an explicit light or dark mode is the theme; any other ("auto") follows the system.
THEME_RESOLVED = ('document.documentElement.dataset.theme = ["light", "dark"].includes(document.documentElement.dataset.mode)'
                  ' ? document.documentElement.dataset.mode'
                  ' : matchMedia("(prefers-color-scheme: dark)").matches ? "dark" : "light";')
DOCTOOLS = re.compile(r'<script src="([./]*_static/doctools\.js(?:\?v=\w+)?)"></script>')


def _site_path(page: str, href: str) -> str | None:
    """The site path an href of the page at site path ``page`` names; None for another host or data."""
    if re.match(r"^(?:[a-z]+:|//|#)", href):
        return None
    return posixpath.normpath(posixpath.join(posixpath.dirname(page), href.split("?")[0].split("#")[0]))


def stylesheet_text(outdir: Path, path: str, seen: frozenset = frozenset()) -> str:
    """The stylesheet at site path ``path`` with its imports taken in and its URLs made site paths
    (``url(/...)`` relative to the site root, written relative to the bundle later)."""
    if path in seen:
        raise ValueError(f"{path} imports itself")
    css = SOURCE_MAP.sub("", (outdir / path).read_text(encoding="utf-8"))

    def url(match: re.Match) -> str:
        target = _site_path(path, match.group(2))
        return match.group(0) if target is None else f'url("/{target}")'

    css = URL.sub(url, IMPORT.sub(lambda m: stylesheet_text(outdir, _site_path(path, m.group(1)), seen | {path}), css))
    return css.replace("@charset \"UTF-8\";", "")


def names(outdir: Path, pages: dict[Path, str]) -> set[str]:
    """Every word of the site's ``pages`` (their texts by path) and of the scripts they load: the
    classes and ids something may still put on an element. The widget manager (which draws core
    widgets) counts only when a page has a core widget; an anywidget's page never loads it
    (``site_assets``)."""
    scripts = {(path.parent / src.split("?")[0]).resolve() for path, page in pages.items()
               for src in re.findall(r'<script [^>]*src="([^"]+)"', page) if _site_path("", src) is not None}
    if any(CORE_WIDGET.search(page) for page in pages.values()):
        scripts |= {path.resolve() for path in (outdir / "vendor").rglob("*.js")}
    return unused_css.words([*pages.values(), *(path.read_text(encoding="utf-8") for path in scripts if path.is_file())])


def bundle_text(outdir: Path, paths: tuple[str, ...], known: set[str] | None) -> str:
    """The stylesheets at ``paths`` (site paths, in cascade order) as one text, each under a comment
    naming it, without the rules none of the names in ``known`` can match (None: every rule; those
    in ``KEPT_WHOLE`` keep theirs); its URLs relative to ``_static/``."""
    def kept(path: str) -> str:
        css = stylesheet_text(outdir, path)
        return css if known is None or path in KEPT_WHOLE else unused_css.without_unused_rules(css, known)

    text = "\n".join(f"/* {path} */\n{kept(path)}" for path in paths)
    here = posixpath.dirname(BUNDLE)
    return re.sub(r'url\("/([^"]+)"\)', lambda m: f'url("{posixpath.relpath(m.group(1), here)}")', text)


def bundle_stylesheets(outdir: Path, paths: tuple[str, ...], known: set[str]) -> str:
    """Write the stylesheets at ``paths`` as one file (``bundle_text``); its site path."""
    text = bundle_text(outdir, paths, known)
    bundle = BUNDLE.format(digest=hashlib.sha256(text.encode()).hexdigest()[:16])
    (outdir / bundle).write_text(text, encoding="utf-8")
    return bundle


def one_stylesheet(outdir: Path, page_path: str, page: str, bundles: dict, known: set[str]) -> str:
    """``page`` with its head's stylesheets replaced by their bundle (``bundles`` caches them by paths)."""
    head_end = page.find("</head>")
    links = [m for m in STYLESHEET.finditer(page, 0, head_end) if _site_path(page_path, m.group(1))]
    paths = tuple(_site_path(page_path, m.group(1)) for m in links)
    if len(paths) < 2 or any(not (outdir / path).is_file() for path in paths):
        return page
    if paths not in bundles:
        bundles[paths] = bundle_stylesheets(outdir, paths, known)
    href = posixpath.relpath(bundles[paths], posixpath.dirname(page_path))
    first, rest = links[0], links[1:]
    for link in reversed(rest):
        page = page[: link.start()] + page[link.end() :]
    return page[: first.start()] + f'<link rel="stylesheet" type="text/css" href="{href}" />\n' + page[first.end() :]


def without_search_scripts(page: str) -> str:
    """``page`` without Sphinx's search scripts and with doctools.js deferred, when search-as-you-type is off."""
    if SEARCH_AS_YOU_TYPE_OFF not in page or SEARCH_PAGE in page or not SEARCH_SCRIPTS.search(page):
        return page
    page = SEARCH_SCRIPTS.sub("", page)
    return DOCTOOLS.sub(r'<script defer="defer" src="\1"></script>', page)


def without_unused_design(page: str) -> str:
    """``page`` without sphinx-design's stylesheet and script unless it has one of its components."""
    return page if DESIGN_COMPONENT.search(page) else DESIGN_FILES.sub("", page)


def with_theme_resolved(page: str) -> str:
    """``page`` whose head script sets the theme to light or dark, not to "auto" for the theme's script to resolve."""
    return page.replace(THEME_SCRIPT, THEME_RESOLVED, 1)


def with_options_inline(page: str, options: str) -> str:
    """``page`` with documentation_options.js's text in place of the script file."""
    return OPTIONS_SCRIPT.sub(lambda m: f"<script>{options.strip()}</script>", page)


def rewrite_heads(app: Sphinx, exception: Exception | None) -> None:
    if exception is not None or app.builder.format != "html":
        return
    outdir = Path(app.builder.outdir)
    options_file = outdir / "_static" / "documentation_options.js"
    options = options_file.read_text(encoding="utf-8") if options_file.is_file() else None
    bundles: dict[tuple[str, ...], str] = {}
    pages = {path: path.read_text(encoding="utf-8") for path in outdir.rglob("*.html")}
    known = names(outdir, pages)
    used = set()  # the bundles pages link, this build's and those of pages it did not write
    for path, text in pages.items():
        page_path = path.relative_to(outdir).as_posix()
        new = with_theme_resolved(without_unused_design(without_search_scripts(text)))
        new = one_stylesheet(outdir, page_path, new, bundles, known)
        if options is not None:
            new = with_options_inline(new, options)
        if new != text:
            path.write_text(new, encoding="utf-8")
        used |= {_site_path(page_path, href) for href in re.findall(r'href="([^"]*_static/book-\w+\.css)"', new)}
    for old in (outdir / "_static").glob("book-*.css"):
        if f"_static/{old.name}" not in used:
            old.unlink()  # an earlier build's


def setup(app: Sphinx) -> dict:
    # After site_assets' post-processing (priority 500): by then the icons are inline SVG, and the
    # rules kept are those whose classes the pages as served (and their scripts) still name.
    app.connect("build-finished", rewrite_heads, priority=600)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
