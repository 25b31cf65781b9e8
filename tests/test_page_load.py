"""A reader's first load: what each page carries, what blocks it, and the site-level parts that make it light.

The parts (``book/_ext/site_assets.py``, ``site_maths.py``) are checked against an independent reading: MathJax's
own markup for a formula, Font Awesome's own SVG file for an icon, the HTML parser for blocking
scripts. The built book is then opened in Debian's Chromium, served gzipped from 127.0.0.1 as a
web host serves it (``benchmarks/page_load.py``, whose measures these are), on every page of the
table of contents: the bytes Chromium counts before the reader touches anything, no request to
another host, no console error. The timings on the slow profile are the benchmark's (a timed
test would be flaky here).
"""

from __future__ import annotations

import json
import re
import shutil

import pytest

import page_load  # benchmarks/ and book/_ext/ are on pytest's pythonpath (pyproject.toml)
import site_assets
import site_maths
from browser import _unavailable
from browser_harness import serve, toc_files

# Every page of the book: each within 500 kB on first load, chapter 6 and notebook 06 (the explorer
# and its models) within 1.5 MB.
CHAPTER_6 = ["book/06_latent_explorer", "notebooks/06_latent_explorer"]
LOADED_PAGES = toc_files()
# What a page used to load at once, and must not now before the reader comes near a widget.
HEAVY = ["fontawesome.js", "tex-mml-chtml.js", "embed-amd.js"]


def _installed() -> None:
    if not (site_maths.MATHJAX_ES5 / "node-main.js").is_file() or shutil.which("node") is None:
        pytest.skip("book/_vendor/ is not installed (make book) or node is missing")


# -- the parts, without a build --------------------------------------------------------------

def test_inline_icons_draw_font_awesomes_own_svg_and_drop_its_script():
    _installed()
    page = ('<head><script defer src="../_static/scripts/fontawesome.js?digest=1"></script>'
            '<link rel="preload" as="script" href="../_static/scripts/fontawesome.js?digest=1" /></head>'
            '<button><i class="theme-switch fa-solid fa-sun fa-lg" data-mode="light"></i></button>'
            '<a><i class="fas fa-pencil-alt"></i></a><a><i class="fab fa-github"></i></a>')
    new, missing = site_assets.inline_icons(page)
    assert missing == []
    assert "fontawesome.js" not in new and "<i " not in new
    svgs = re.findall(r'<svg class="([^"]*)"[^>]*viewBox="([^"]+)"[^>]*>(<path [^>]*/>)</svg>', new)
    # No Font Awesome family or icon class is left to give the SVG a glyph of the icon font.
    assert [classes.split() for classes, _, _ in svgs] == [
        ["theme-switch", "fa-lg", "icon-sun", "svg-inline--fa"],
        ["icon-pencil-alt", "svg-inline--fa"], ["icon-github", "svg-inline--fa"]]
    assert 'data-mode="light"' in new  # the theme's switch shows the icon of the mode by it
    # Each is the file Font Awesome ships for that name (pencil-alt is 5.x's name of pencil).
    for (_, viewbox, path), file in zip(svgs, ["solid/sun", "solid/pencil", "brands/github"]):
        shipped = (site_assets.ICONS / f"{file}.svg").read_text()
        assert f'viewBox="{viewbox}"' in shipped and path in shipped


def test_an_icon_font_awesome_does_not_have_is_reported_and_left():
    _installed()
    page = '<i class="fa-solid fa-no-such-icon"></i>'
    new, missing = site_assets.inline_icons(page)
    assert new == page and missing == ["no-such-icon"]


def test_the_theme_font_keeps_the_glyphs_the_theme_css_draws_and_not_the_icon_classes():
    css = ('.fa-sun:before{content:"\\f185"}.fa-solid,.fas{font-family:"Font Awesome 6 Free"}'
           ':root{--pst-icon-bell:"\uf0f3";--pst-icon-x:"\\f057"}.admonition-title:after{content:var(--pst-icon-bell)}')
    assert site_assets.theme_glyphs(css) == {0xF0F3, 0xF057}


def test_figures_load_lazily_unless_a_page_says_otherwise():
    page = '<img alt="a" src="a.png" /><img loading="eager" src="b.png">'
    assert site_assets.lazy_images(page) == ('<img loading="lazy" decoding="async" alt="a" src="a.png" />'
                                             '<img loading="eager" src="b.png">')
    assert site_assets.lazy_images(site_assets.lazy_images(page)) == site_assets.lazy_images(page)


def test_a_lazy_figure_carries_the_size_of_its_file_so_the_text_does_not_move_when_it_arrives(tmp_path):
    from PIL import Image

    (tmp_path / "_images").mkdir()
    Image.new("RGB", (553, 1111), "white").save(tmp_path / "_images" / "grid.png")
    Image.new("RGB", (800, 300), "white").save(tmp_path / "_images" / "wide.png")
    page_folder = tmp_path / "book"
    page_folder.mkdir()
    page = ('<img alt="a grid" src="../_images/grid.png" />'
            '<img alt="shown at 400 px" width="400" src="../_images/wide.png" />'
            '<img alt="sized by the author" width="10" height="20" src="../_images/wide.png" />'
            '<img alt="elsewhere" src="https://example.org/x.png" /><img alt="missing" src="../_images/none.png" />')
    sized = site_assets.lazy_images(page, page_folder)
    tags = re.findall(r"<img [^>]*>", sized)
    assert 'width="553" height="1111"' in tags[0]  # the file's pixels, as PIL reads them
    assert 'height="150"' in tags[1] and 'width="400"' in tags[1]  # 400 x 300 / 800: the same aspect
    assert 'width="10" height="20"' in tags[2] and tags[2].count("height=") == 1
    assert "width=" not in tags[3] and "width=" not in tags[4]
    assert all('loading="lazy"' in tag for tag in tags)
    assert site_assets.lazy_images(sized, page_folder) == sized


def test_a_figure_of_few_colours_keeps_every_pixel_and_its_text_in_a_palette(tmp_path):
    import numpy as np
    from PIL import Image, PngImagePlugin

    rng = np.random.default_rng(0)
    greys = rng.integers(0, 200, size=(60, 80), dtype=np.uint8)
    pixels = np.dstack([greys, greys, greys, np.where(greys > 100, 255, 128).astype(np.uint8)])
    info = PngImagePlugin.PngInfo()
    info.add_text("vae_helpers:smallest_text_px", "9.5")
    figure = tmp_path / "figure.png"
    Image.fromarray(pixels, mode="RGBA").save(figure, pnginfo=info)
    before = figure.stat().st_size
    assert site_assets.palette_png(figure)
    with Image.open(figure) as image:
        assert image.mode == "P" and image.text["vae_helpers:smallest_text_px"] == "9.5"
        assert np.array_equal(np.asarray(image.convert("RGBA")), pixels)
    assert figure.stat().st_size < before
    # A figure of more colours than a palette holds is left as it is.
    many = tmp_path / "many.png"
    Image.fromarray(rng.integers(0, 256, size=(40, 40, 4), dtype=np.uint8), mode="RGBA").save(many)
    assert not site_assets.palette_png(many)


@pytest.fixture(scope="module")
def typesetter():
    _installed()
    typesetter = site_maths.MathTypesetter()
    yield typesetter
    typesetter.close()


def test_formulas_are_typeset_as_mathjax_typesets_them_alone(typesetter):
    body = ('<p>A <span class="math notranslate nohighlight">\\(x &lt; y\\)</span> and</p>'
            '<div class="math notranslate nohighlight" id="equation-kl"><span class="eqno">(1)'
            '<a class="headerlink" href="#equation-kl">#</a></span>\\[D_{\\mathrm{KL}}(p \\,\\|\\, q) \\ge 0\\]</div>'
            '<div class="math notranslate nohighlight">\n\\begin{align}a &amp;= b\\\\ c &amp;= d\\end{align}</div>')
    new, count = site_maths.typeset_body(body, typesetter, "page")
    assert count == 3
    assert "\\(" not in new and "\\[" not in new and "\\begin" not in new
    # The TeX was read unescaped (x < y), and each formula is MathJax's markup for that TeX alone.
    for tex, display in [("x < y", False), ("D_{\\mathrm{KL}}(p \\,\\|\\, q) \\ge 0", True),
                         ("\\begin{align}a &= b\\\\ c &= d\\end{align}", True)]:
        markup, error = typesetter.typeset(tex, display)
        assert error is None and markup in new
    assert '<span class="eqno">(1)' in new  # the equation's number and link stay beside it
    assert new.count("<mjx-assistive-mml") == 3  # what a screen reader reads


def test_a_formula_mathjax_cannot_read_is_a_build_warning(typesetter, caplog):
    body = '<span class="math notranslate nohighlight">\\(\\frac{a}{\\)</span>'
    with caplog.at_level("WARNING"):
        _, count = site_maths.typeset_body(body, typesetter, "page")
    assert count == 1
    assert any("cannot typeset" in record.getMessage() for record in caplog.records)


def test_a_pages_maths_stylesheet_holds_its_own_characters_and_its_opening_asks_for_their_fonts(typesetter):
    typesetter.reset()
    typesetter.typeset("\\mathcal{L} = \\sum_i x_i", False)
    stylesheet = typesetter.stylesheet()
    typesetter.reset()
    typesetter.typeset("1 + 1", False)
    alone = typesetter.stylesheet()
    # Each page's CSS draws its characters and no others: x and the calligraphic L are not in "1 + 1"'s.
    assert "mjx-c1D465" in stylesheet and "mjx-c4C.TEX-C" in stylesheet
    assert "mjx-c31" in alone and "mjx-c1D465" not in alone and "mjx-c4C" not in alone
    # Every rule of MathJax's complete stylesheet that is not a character's is there (x_i needs mjx-script's padding,
    # which MathJax's adaptive CSS files under x_i^2's kind of element).
    complete = site_maths.MathTypesetter(every_character=True)
    try:
        everything = complete.stylesheet()
    finally:
        complete.close()
    rules = lambda css: {re.sub(r"\s+", " ", rule).strip()  # (strings emptied: content: "{" is no brace)
                         for rule in re.findall(r"[^{}]+\{[^{}]*\}", re.sub(r'"[^"]*"', '""', css))}
    characters = lambda css: {rule for rule in rules(css) if re.search(r"\.mjx-c[0-9A-F]+\b", rule.split("{")[0])}
    assert rules(alone) - characters(alone) == rules(everything) - characters(everything)
    assert len(characters(everything)) > 50 * len(characters(stylesheet))
    markup, _ = typesetter.typeset("\\mathcal{L} = x", False)
    page = f"<html><head></head><body><article><section><h1>T</h1><p>{markup}</p><section><p>later</p></section></section></article>"
    fonts = site_maths.opening_fonts(page, stylesheet)
    assert [font.rsplit("/", 1)[1] for font in fonts] == ["MathJax_Zero.woff", "MathJax_Main-Regular.woff",
                                                          "MathJax_Calligraphic-Regular.woff", "MathJax_Math-Italic.woff"]
    # Maths only after the opening: nothing asked for early (the fonts come when the subsection is drawn).
    later = f"<html><head></head><body><article><section><h1>T</h1><p>text</p><section><p>{markup}</p></section></section></article>"
    assert site_maths.opening_fonts(later, stylesheet) == []
    # In a page one folder down, the fonts are named relative to it.
    head = site_maths.page_maths_head("book/page.html", stylesheet, fonts)
    assert f'href="../{site_maths.MATHJAX_FONTS}/MathJax_Zero.woff" as="font"' in head
    assert f'url("../{site_maths.MATHJAX_FONTS}/MathJax_Math-Italic.woff")' in head and "\n" not in head.split("<style")[1][:-2]


def test_large_widget_buffers_move_beside_the_page_and_small_ones_stay(tmp_path):
    import base64
    import hashlib

    import numpy as np

    weights = np.random.default_rng(0).standard_normal(3000).astype("<f4").tobytes()
    codes = bytes(range(256)) * 20
    small = b"\x01\x02"
    state = {"version_major": 2, "version_minor": 0, "state": {"m1": {
        "model_name": "AnyModel", "model_module": "anywidget", "model_module_version": "~0.11.*", "state": {},
        "buffers": [{"path": ["decoder_layers", 0, "kernel"], "encoding": "base64", "data": base64.b64encode(weights).decode()},
                    {"path": ["tiny"], "encoding": "base64", "data": base64.b64encode(small).decode()},
                    {"path": ["codes"], "encoding": "base64", "data": base64.b64encode(codes).decode()}]}}}
    page = tmp_path / "06_latent_explorer.html"
    page.write_text('<p>text</p><script type="application/vnd.jupyter.widget-state+json">'
                    f'{json.dumps(state)}</script><script type="application/vnd.jupyter.widget-view+json">{{}}</script>')
    binary, = site_assets.move_buffers_beside(page)
    content = binary.read_bytes()
    assert content == weights + codes
    saved = json.loads(re.search(r'widget-state\+json">(.*?)</script>', page.read_text(), re.S).group(1))
    assert saved["buffers_file"] == {"url": binary.name, "sha256": hashlib.sha256(content).hexdigest()}
    kernel, tiny, moved_codes = saved["state"]["m1"]["buffers"]
    assert (kernel["offset"], kernel["length"], kernel["data"]) == (0, len(weights), "")
    assert content[moved_codes["offset"]:][:moved_codes["length"]] == codes
    assert base64.b64decode(tiny["data"]) == small and "offset" not in tiny
    # A page whose buffers are already beside it (an unchanged page of an incremental build) is left alone.
    assert site_assets.move_buffers_beside(page) == [] and binary.read_bytes() == content


def _anymodel(refs: list[str], kernel: bytes | None = None) -> dict:
    import base64

    buffers = [] if kernel is None else [{"path": ["kernel"], "encoding": "base64", "data": base64.b64encode(kernel).decode()}]
    return {"model_name": "AnyModel", "model_module": "anywidget", "model_module_version": "~0.11.*",
            "state": {"layout": f"IPY_MODEL_{refs[0]}" if refs else None, "children": [f"IPY_MODEL_{r}" for r in refs[1:]]},
            "buffers": buffers}


def test_each_widget_of_a_page_gets_its_own_state_and_buffers_file(tmp_path):
    import hashlib

    # Two explorers as myst-nb saves them, in one state: each with its layout; a third view
    # shares a model ("c0") with the second, so the two render together; "orphan" is no view's.
    first, second = bytes(range(256)) * 20, bytes(reversed(range(256))) * 30
    models = {"a": _anymodel(["a0"], first), "a0": _anymodel([]), "b": _anymodel(["b0", "c0"], second), "b0": _anymodel([]),
              "c": _anymodel(["c0"]), "c0": _anymodel([]), "orphan": _anymodel([])}
    state = {"version_major": 2, "version_minor": 0, "state": models}
    views = "".join(f'<div><script type="application/vnd.jupyter.widget-view+json">{{"model_id": "{m}"}}</script></div>'
                    for m in ("a", "b", "c"))
    page = tmp_path / "06_latent_explorer.html"
    page.write_text(f'<head><script type="application/vnd.jupyter.widget-state+json">{json.dumps(state)}</script></head>'
                    f"<body>{views}</body>")
    binaries = site_assets.move_buffers_beside(page)
    states = [json.loads(text) for text in re.findall(r'widget-state\+json">(.*?)</script>', page.read_text(), re.S)]
    assert [sorted(saved["state"]) for saved in states] == [["a", "a0", "orphan"], ["b", "b0", "c", "c0"]]
    # Each state's large buffers in a file of its own, named and checked by its own sha256.
    assert [binary.read_bytes() for binary in binaries] == [first, second]
    for saved, binary in zip(states, binaries):
        assert saved["buffers_file"] == {"url": binary.name, "sha256": hashlib.sha256(binary.read_bytes()).hexdigest()}
        assert all(model == {**models[key], "buffers": model["buffers"]} for key, model in saved["state"].items())
    # Done once: a second pass changes nothing.
    before = page.read_text()
    assert site_assets.move_buffers_beside(page) == [] and page.read_text() == before


def test_blocking_scripts_are_those_without_async_defer_or_module():
    page = ('<script src="a.js?v=1"></script><script defer src="b.js"></script><script async src="c.js"></script>'
            '<script type="module" src="d.js"></script><script>inline()</script>'
            '<script type="application/vnd.jupyter.widget-state+json">{}</script><script src="e.js"></script>')
    assert page_load.blocking_scripts(page) == ["a.js", "e.js"]


# -- the built book in Chromium ----------------------------------------------------------------

@pytest.fixture(scope="module")
def site_browser():
    executable = shutil.which("chromium")
    if executable is None:
        _unavailable("no chromium on the PATH: install Debian's browser with `apt-get install chromium`")
    from playwright.sync_api import sync_playwright

    # The browser tests' arguments, and every host but 127.0.0.1 unreachable.
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, headless=True, args=page_load.CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture(scope="module")
def first_loads(site_browser, built_book):
    assert built_book.returncode == 0, built_book.log[-3000:]
    # Four pages open at once: their quiet seconds overlap (the bytes do not depend on it).
    return page_load.measure_site(site_browser, built_book.html, LOADED_PAGES, slow_pages=[], at_once=4)


@pytest.mark.slow
@pytest.mark.parametrize("page", LOADED_PAGES)
def test_a_first_load_is_local_and_quiet(first_loads, page):
    assert first_loads[page]["external_requests"] == []
    assert first_loads[page]["console_errors"] == []


# Notebook 06 displays two explorers, the book's VAE (near the top: on a phone its place is 1,670 px
# down, within the screen's height of margin at which its widget renders) and the autoencoder (far
# down), each with its models in a file of its own that loads when the reader comes near it.
# Measured on 2026-12-07 (benchmarks/page_load.py, first load, gzipped): 3,519 kB with the widget
# manager (embed-amd.js, 0.92 MB) and the first explorer's float32 model (2.20 MB); 2,020 kB with
# the small anywidget host of widgets-offline.js instead of the manager (scripts -0.94 MB), the
# decoder at float16 (-0.54 MB; its decodes move by at most 0.0044 over the map), the explorer's
# code once in the page (-0.02 MB). The encoder's float32 weights (1.07 MB; at float16 they would
# move the decode of 2 of the 10,000 held-out digits by more than 0.02) now load only when the
# reader first presses on the drawing pad (tests/test_deferred_weights.py), and chapter 6's
# beta = 0 and beta = 10 models when the reader switches to them.
WITHIN_BUDGET = LOADED_PAGES


@pytest.mark.slow
@pytest.mark.parametrize("page", WITHIN_BUDGET)
def test_a_first_load_is_within_its_budget(first_loads, page):
    load = first_loads[page]
    budget = page_load.GOALS["bytes_chapter_6"] if page in CHAPTER_6 else page_load.GOALS["bytes"]
    assert load["bytes"] <= budget, f"{page}: {load['bytes']:,} bytes gzipped on first load ({load['bytes_by_type']})"


@pytest.mark.slow
@pytest.mark.parametrize("page", CHAPTER_6)
def test_the_explorers_page_carries_no_model_itself(first_loads, built_book, page):
    html = (built_book.html / f"{page}.html").read_text(encoding="utf-8")
    assert not re.search(r'"data": "[A-Za-z0-9+/=]{4097,}"', html), "a large base64 buffer is still in the page"
    assert first_loads[page]["bytes_by_type"]["Document"] <= 100_000


@pytest.mark.slow
def test_notebook_06_loads_the_models_of_the_explorer_near_the_reader_only(first_loads, built_book):
    """Each explorer's models in a file of their own; the first load fetches the first explorer's, not the second's."""
    page = built_book.html / "notebooks" / "06_latent_explorer.html"
    states = [json.loads(state) for state in re.findall(r'<script type="application/vnd.jupyter.widget-state\+json">(.*?)</script>',
                                                        page.read_text(encoding="utf-8"), re.S)]
    sizes = [(page.parent / state["buffers_file"]["url"]).stat().st_size for state in states]
    assert len(sizes) == 2, f"one state per explorer (the book's VAE, the autoencoder): got files of {sizes} bytes"
    # float32 weights hardly compress: the gzipped bytes fetched are close to the file's.
    fetched = first_loads["notebooks/06_latent_explorer"]["bytes_by_type"].get("Fetch", 0)
    assert 0.5 * sizes[0] < fetched < sizes[0] + 0.5 * sizes[1], f"fetched {fetched:,} bytes for files of {sizes} bytes"


@pytest.mark.slow
def test_no_page_blocks_on_a_heavy_script(built_book):
    for html in sorted(built_book.html.rglob("*.html")):
        blocking = page_load.blocking_scripts(html.read_text(encoding="utf-8"))
        heavy = [script for script in blocking if any(name in script for name in HEAVY + ["require.js"])]
        assert not heavy, f"{html.relative_to(built_book.html)} blocks on {heavy}"
        assert "fontawesome.js" not in html.read_text(encoding="utf-8")


@pytest.mark.slow
def test_every_widget_module_a_page_names_is_served(built_book):
    """The widget manager finds each module by name: only its own and anywidget remain (ipyevents is gone)."""
    served = {"@jupyter-widgets/base", "@jupyter-widgets/controls", "@jupyter-widgets/output"}
    served |= {path.stem for path in (built_book.html / "vendor" / "widgets").glob("*.js")}
    named = set()
    for html in built_book.html.rglob("*.html"):
        for state in re.findall(r'<script type="application/vnd.jupyter.widget-state\+json">(.*?)</script>',
                                html.read_text(encoding="utf-8"), re.S):
            for model in json.loads(state)["state"].values():
                named |= {model["model_module"], model["state"].get("_view_module") or model["model_module"]}
    assert named and named <= served, f"modules named but not served: {named - served}"
    assert not (built_book.html / "vendor" / "widgets" / "ipyevents.js").exists()


@pytest.mark.slow
def test_a_page_with_maths_loads_no_maths_library(built_book):
    page = (built_book.html / "book" / "02_kl_gaussians.html").read_text(encoding="utf-8")
    assert "<mjx-container" in page and "\\(" not in page
    assert "mathjax" not in "".join(re.findall(r"<script[^>]*>", page)).lower()
    assert "window.MathJax" not in page
    # The page's own stylesheet draws every character its formulas use.
    css = re.search(r'<style class="mathjax-chtml">(.*?)</style>', page, re.S).group(1)
    used = set(re.findall(r'<mjx-c class="(mjx-c[0-9A-F]+)', page))
    assert used and all(f"mjx-c.{name}" in css for name in used)
    assert not (built_book.html / site_assets.BUILD_ONLY).exists()  # MathJax for Node and the icons stay out


@pytest.mark.slow
def test_the_icon_font_a_page_loads_holds_only_the_glyphs_the_theme_draws(built_book):
    from fontTools.ttLib import TTFont

    glyphs = set().union(*(site_assets.theme_glyphs((built_book.html / css).read_text(encoding="utf-8"))
                           for css in site_assets.THEME_CSS))
    subset = set(TTFont(built_book.html / site_assets.THEME_FONT_SUBSET).getBestCmap())
    whole = set(TTFont(built_book.html / site_assets.THEME_FONT).getBestCmap())
    assert subset == glyphs & whole and len(subset) < len(whole) / 50


# Google's threshold of a good cumulative layout shift; the intro measured 0.2 before its lazy
# figures carried their size (Lighthouse, 2026-12-06).
GOOD_LAYOUT_SHIFT = 0.1
SCROLL_LAYOUT_SHIFT = """async () => {
  let shift = 0;
  new PerformanceObserver(list => { for (const entry of list.getEntries()) if (!entry.hadRecentInput) shift += entry.value; })
    .observe({ type: "layout-shift", buffered: true });
  const frame = () => new Promise(done => requestAnimationFrame(() => setTimeout(done, 30)));
  // Down the page a screen at a time, as a reader scrolls (no input: every shift counts), letting
  // each figure that comes near arrive before the next step.
  for (let y = 0; y < document.documentElement.scrollHeight; y += window.innerHeight / 2) {
    window.scrollTo(0, y);
    await frame();
    await Promise.all([...document.images].filter(image => !image.complete).map(image =>
      new Promise(done => { image.onload = image.onerror = done; })));
    await frame();
  }
  const figures = [...document.querySelectorAll("img[loading=lazy]")].map(image => ({
    src: image.getAttribute("src"), sized: image.hasAttribute("width") && image.hasAttribute("height"),
    shown: image.clientWidth / image.clientHeight, natural: image.naturalWidth / image.naturalHeight }));
  return { shift, figures };
}"""


@pytest.mark.slow
@pytest.mark.parametrize("viewport", [(390, 844), (1280, 900)])
def test_lazy_figures_keep_their_place_so_the_text_does_not_move_as_they_arrive(site_browser, built_book, viewport):
    assert built_book.returncode == 0, built_book.log[-3000:]
    server = serve(built_book.html)
    try:
        context = site_browser.new_context(viewport={"width": viewport[0], "height": viewport[1]})
        page = context.new_page()
        page.goto(f"http://127.0.0.1:{server.server_port}/book/intro.html", wait_until="load")
        result = page.evaluate(SCROLL_LAYOUT_SHIFT)
        context.close()
    finally:
        server.shutdown()
        server.server_close()
    assert result["figures"], "the intro has no lazy figure"
    for figure in result["figures"]:
        assert figure["sized"], f"{figure['src']} has no width and height"
        # Shown at its own aspect, whatever the column's width (reading.css's height: auto).
        assert figure["shown"] == pytest.approx(figure["natural"], rel=0.02), figure
    assert result["shift"] < GOOD_LAYOUT_SHIFT, f"the intro's layout shifted by {result['shift']:.3f} as its figures arrived"


# Every widget of the book is an anywidget: the loader's host draws them all, and no page loads the
# widget manager (require.js, embed-amd.js) even once every widget has been brought into view.
RENDER_EVERY_WIDGET = """async () => {
  const views = [...document.querySelectorAll('script[type="application/vnd.jupyter.widget-view+json"]')];
  for (const view of views) {
    view.parentElement.scrollIntoView();
    for (let frame = 0; frame < 30; frame++) await new Promise(done => requestAnimationFrame(done));
  }
  for (let wait = 0; wait < 600 && document.querySelectorAll('.widget-subarea').length < views.length; wait++)
    await new Promise(done => setTimeout(done, 50));
  const drawn = [...document.querySelectorAll('.widget-subarea > .jupyter-widgets')].filter(el => el.children.length);
  return { views: views.length, drawn: drawn.length,
           how: document.documentElement.dataset.widgetManager || null };
}"""


@pytest.mark.slow
def test_every_widget_of_the_book_renders_without_the_widget_manager(site_browser, built_book):
    assert built_book.returncode == 0, built_book.log[-3000:]
    pages = [html for html in sorted(built_book.html.rglob("*.html")) if "widget-view+json" in html.read_text(encoding="utf-8")]
    assert pages, "no page with a widget"
    server = serve(built_book.html)
    try:
        for html in pages:
            context = site_browser.new_context(viewport={"width": 1280, "height": 900})
            page = context.new_page()
            requested, problems = [], []
            page.on("request", lambda request: requested.append(request.url))
            page.on("console", lambda message: message.type == "error" and problems.append(message.text))
            page.on("pageerror", lambda error: problems.append(str(error)))
            page.goto(f"http://127.0.0.1:{server.server_port}/{html.relative_to(built_book.html).as_posix()}", wait_until="load")
            result = page.evaluate(RENDER_EVERY_WIDGET)
            context.close()
            name = html.relative_to(built_book.html)
            assert result["how"] == "host" and result["drawn"] == result["views"], f"{name}: {result}"
            assert not [url for url in requested if url.endswith(("require.js", "embed-amd.js", "anywidget.js"))], name
            assert problems == [], f"{name}: {problems}"
    finally:
        server.shutdown()
        server.server_close()


# Every formula's box, in page order: its size says whether each character and element was drawn
# as MathJax draws it (a missing rule moves or resizes what it styles).
FORMULA_BOXES = """() => [...document.querySelectorAll("mjx-container")].map(formula => {
  const box = formula.querySelector("mjx-math").getBoundingClientRect();
  return [Math.round(box.width * 10) / 10, Math.round(box.height * 10) / 10];
})"""


@pytest.mark.slow
@pytest.mark.parametrize("name", ["book/03_elbo", "book/08_conditional_vae", "book/notation"])
def test_each_pages_own_maths_stylesheet_draws_every_formula_as_the_complete_one(site_browser, built_book, name):
    assert built_book.returncode == 0, built_book.log[-3000:]
    _installed()
    complete = site_maths.MathTypesetter(every_character=True)
    try:
        everything = complete.stylesheet()
    finally:
        complete.close()
    server = serve(built_book.html)
    try:
        context = site_browser.new_context(viewport={"width": 390, "height": 844})
        page = context.new_page()
        page.goto(f"http://127.0.0.1:{server.server_port}/{name}.html", wait_until="load")
        page.evaluate("document.fonts.ready")
        own = page.evaluate(FORMULA_BOXES)
        head = site_maths.page_maths_head(f"{name}.html", everything, [])
        page.evaluate("css => { document.querySelector('style.mathjax-chtml').textContent = css; }",
                      re.search(r"<style[^>]*>(.*)</style>", head, re.S).group(1))
        page.evaluate("document.fonts.ready")
        drawn = page.evaluate(FORMULA_BOXES)
        context.close()
    finally:
        server.shutdown()
        server.server_close()
    assert len(own) > 20
    moved = [(index, a, b) for index, (a, b) in enumerate(zip(own, drawn)) if a != b]
    assert not moved, f"{len(moved)} of {len(own)} formulas on {name} differ from the complete stylesheet's, e.g. {moved[:3]}"
