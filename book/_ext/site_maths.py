"""Maths typeset at build time, so that no maths library loads in the reader's browser.

Every formula of a page is turned into MathJax 3's CHTML markup while the page is written
(``typeset_math.cjs``, MathJax's own components in Node). Each page carries, in its head, the CSS of the
characters it uses (a few kB; the CSS of every character, which all pages shared, was 28 kB
gzipped and one more request before any text showed), and asks early for the fonts of the
formulas in its opening, before its stylesheets would have. A formula MathJax cannot read is
a build warning (an error under ``-W``), not red text in a page.

``site_assets.post_process_site`` runs :func:`typeset_site_math` over the written site;
``site_assets`` connects :func:`drop_mathjax` to every page.
"""

from __future__ import annotations

import html
import json
import re
import subprocess
from pathlib import Path

from sphinx.application import Sphinx
from sphinx.errors import ExtensionError
from sphinx.util import logging

from install_web_packages import BUILD_ONLY, VENDOR

logger = logging.getLogger(__name__)

TYPESET_MATH = Path(__file__).resolve().with_name("typeset_math.cjs")
MATHJAX_ES5 = VENDOR / BUILD_ONLY / "mathjax" / "es5"
# Site path of MathJax's fonts; a page's maths stylesheet names them relative to the page.
MATHJAX_FONTS = "vendor/mathjax/output/chtml/fonts/woff-v2"

# Sphinx writes a formula as <span class="math notranslate nohighlight">\(...\)</span> (inline) or
# <div class="math notranslate nohighlight">[<span class="eqno">...</span>]\[...\]</div> (display;
# an amsmath environment comes without \[ \]), its TeX escaped as HTML text.
MATH_ELEMENT = re.compile(r'<(span|div) class="math notranslate nohighlight"([^>]*)>(.*?)</\1>', re.DOTALL)
EQUATION_NUMBER = re.compile(r'^\s*(<span class="eqno">.*?</span>)', re.DOTALL)
DELIMITERS = {r"\(": (r"\)", False), r"\[": (r"\]", True)}


class MathTypesetter:
    """One Node process running MathJax 3 for the whole build (``typeset_math.cjs``); with
    ``every_character``, its stylesheet draws every character of the fonts, not only those typeset."""

    def __init__(self, every_character: bool = False) -> None:
        self.process: subprocess.Popen | None = None
        self.options = ["--every-character"] if every_character else []

    def _ask(self, request: dict) -> dict:
        if self.process is None:
            self.process = subprocess.Popen(
                ["node", str(TYPESET_MATH), str(MATHJAX_ES5), MATHJAX_FONTS, *self.options],
                stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
            )
        self.process.stdin.write(json.dumps(request) + "\n")
        self.process.stdin.flush()
        line = self.process.stdout.readline()
        if not line:
            raise ExtensionError(f"MathJax in Node stopped: {self.process.stderr.read()[-2000:]}")
        return json.loads(line)

    def typeset(self, tex: str, display: bool) -> tuple[str | None, str | None]:
        """CHTML markup of ``tex`` (None if MathJax threw) and MathJax's error message (None when it read the TeX)."""
        answer = self._ask({"tex": tex, "display": display})
        return answer["html"], answer["error"]

    def reset(self) -> None:
        """Start a page: :meth:`stylesheet` covers what is typeset from here on."""
        self._ask({"reset": True})

    def stylesheet(self) -> str:
        """The CSS of the characters typeset since the last :meth:`reset`, fonts named under MATHJAX_FONTS."""
        return self._ask({"stylesheet": True})["css"]

    def close(self) -> None:
        if self.process is not None:
            self.process.stdin.close()
            self.process.wait(timeout=30)
            self.process = None


def _split_tex(text: str) -> tuple[str, bool] | None:
    """The TeX inside a math element's text and whether it is displayed; None if not recognised."""
    text = html.unescape(text).strip()
    for opening, (closing, display) in DELIMITERS.items():
        if text.startswith(opening) and text.endswith(closing):
            return text[len(opening) : -len(closing)], display
    if text.startswith(r"\begin{"):
        return text, True
    return None


def typeset_body(body: str, typesetter: MathTypesetter, pagename: str) -> tuple[str, int]:
    """``body`` with every formula as CHTML markup, and how many formulas it had."""
    count = 0

    def replace(match: re.Match) -> str:
        nonlocal count
        tag, attributes, content = match.groups()
        number = EQUATION_NUMBER.match(content)
        prefix = number.group(1) if number else ""
        rest = content[number.end() :] if number else content
        if rest.lstrip().startswith("<mjx-container"):
            return match.group(0)  # typeset by an earlier build (a page this build did not write)
        found = _split_tex(rest)
        if found is None:
            logger.warning("%s: a math element whose TeX has no delimiters was left as it is: %s", pagename,
                           content[:200])
            return match.group(0)
        tex, display = found
        markup, error = typesetter.typeset(tex, display)
        if error:
            logger.warning("%s: MathJax cannot typeset %r: %s", pagename, tex[:200], error)
        if markup is None:
            return match.group(0)
        count += 1
        return f'<{tag} class="math notranslate nohighlight"{attributes}>{prefix}{markup}</{tag}>'

    return MATH_ELEMENT.sub(replace, body), count


def drop_mathjax(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    """Drop the scripts sphinx.ext.mathjax adds to pages with maths: its configuration and MathJax."""
    context["script_files"] = [
        script for script in context.get("script_files", [])
        if not (script.filename or "").endswith(Path(app.config.mathjax_path or "mathjax.js").name)
        and "window.MathJax" not in (getattr(script, "attributes", {}).get("body") or "")
    ]


# A character's font: its class names the variant (TEX-I: MJXTEX-I), else the formula's own MJXTEX;
# MJXZERO comes first in every variant's list, so the browser fetches it for any formula.
CHARACTER = re.compile(r'<mjx-c class="mjx-c[0-9A-F]+(?: TEX-([A-Z0-9]+))?"')
FONT_FACE = re.compile(r'@font-face[^{]*\{\s*font-family: ([\w-]+);\s*src: url\("([^"]+)"\)')
# A chapter's opening: its text before its first subsection, the first a reader sees.
OPENING = re.compile(r'<article[^>]*>.*?<section[^>]*>(.*?)(?:<section|</article>)', re.DOTALL)


def opening_fonts(page: str, stylesheet: str) -> list[str]:
    """The font files (as the stylesheet names them) of the formulas in the page's opening."""
    files = dict(FONT_FACE.findall(stylesheet))
    opening = OPENING.search(page)
    variants = {match.group(1) for match in CHARACTER.finditer(opening.group(1) if opening else "")}
    if not variants:
        return []
    families = ["MJXZERO"] + sorted(f"MJXTEX-{v}" if v else "MJXTEX" for v in variants)
    return [files[family] for family in families if family in files]


def page_maths_head(page_path: str, stylesheet: str, fonts: list[str]) -> str:
    """The head elements of a page's maths: its fonts asked for early, its stylesheet (fonts relative to the page)."""
    prefix = "../" * page_path.count("/")
    preloads = "".join(f'<link rel="preload" href="{prefix}{font}" as="font" type="font/woff" crossorigin />\n'
                       for font in fonts)
    css = re.sub(r"\n\s*", " ", stylesheet).replace(f'url("{MATHJAX_FONTS}/', f'url("{prefix}{MATHJAX_FONTS}/')
    return f'{preloads}<style class="mathjax-chtml">{css}</style>\n'


def typeset_site_math(outdir: Path) -> None:
    """Typeset every formula of every page (the body, and the page's contents and links, where
    headings with maths appear too); give each page the stylesheet of its own characters."""
    typesetter = MathTypesetter()
    try:
        for path in outdir.rglob("*.html"):
            text = path.read_text(encoding="utf-8")
            if not MATH_ELEMENT.search(text):
                continue  # no formula: nothing to typeset or to ask Node for
            typesetter.reset()
            new, count = typeset_body(text, typesetter, str(path.relative_to(outdir)))
            if count:
                stylesheet = typesetter.stylesheet()
                head = page_maths_head(path.relative_to(outdir).as_posix(), stylesheet, opening_fonts(new, stylesheet))
                new = new.replace("</head>", head + "</head>", 1)
            if new != text:
                path.write_text(new, encoding="utf-8")
    finally:
        typesetter.close()
