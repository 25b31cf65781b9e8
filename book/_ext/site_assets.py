"""Sphinx extension: the built book requests nothing from any host but its own, and little from it.

Jupyter Book's defaults load MathJax, require.js and the Jupyter widget manager from CDNs,
so offline the maths shows as raw TeX and embedded widgets stay blank. Here everything comes
from ``book/_vendor/`` (installed from the npm registry by ``install_web_packages.py``;
``make book`` runs it), copied to the site root through ``html_extra_path`` rather than
``_static/`` (Jupyter Book would add every ``.js`` file under ``_static/`` to every page).

What a reader's first load carries (``benchmarks/page_load.py`` measures it, before and after):

- **Maths typeset at build time** (``site_maths.py``): no maths library in the browser; each
  page carries the CSS of its own characters.
- **Icons as inline SVG.** The theme's icons (``<i class="fa-solid fa-sun">``) are replaced by
  the SVG of the same Font Awesome version, and its ``fontawesome.js`` (1.49 MB, which drew
  them at read time) is not loaded; the few glyphs the theme's CSS draws come from a subset of
  its icon font.
- **Figures load as the reader comes near them** (``loading="lazy"``), not all with the page,
  with their intrinsic ``width`` and ``height`` so the text around them does not move when they
  arrive (``reading.css`` keeps their aspect when the column is narrower), and a figure of at most 256 colours is written with a palette (the same pixels, a byte each).
- **No script blocks the text.** The page's script files are deferred (all but Sphinx's
  ``documentation_options.js`` and ``doctools.js``, which others read as the page is parsed;
  ``page_head.py`` writes the first into the page and defers the second where nothing else
  needs it, and leaves the head one stylesheet).
- **No widget manager for anywidgets.** Pages with widgets get one small deferred script,
  ``static/widgets-offline.js``, which renders each widget when it comes within a screen of the
  viewport. Every widget of the book is an anywidget: the script hosts its module itself (the
  part of anywidget's front end and of the manager's model a module uses), so require.js and the
  widget manager (``embed-amd.js``, 3.6 MB, 0.9 MB gzipped) load only for a state with another
  kind of widget (none today; ``benchmarks/widget_latency.py``'s page loads them itself).
- **Widget buffers beside the page, each widget's apart.** A widget's large binary traits (the
  explorer's weights) leave the page's saved state, where they were base64 text (a third
  larger, and read before any text could show), for a binary file beside the page, which the
  loader fetches and checks against its sha256. A page's saved state is split, one per widget
  (myst-nb saves one for the whole notebook), each with its own file, so a widget's models load
  only when the reader comes near that widget: notebook 06's second explorer (the autoencoder's
  models) no longer loads with its first.
- **Weights the reader may never use, only when asked for.** The explorer's drawing-pad encoder
  (notebook 06's, float32: 1.07 MB, half its first load), the conditional explorer's (chapter 8's,
  1.08 MB) and the models of the explorer's switch (chapter 6's beta = 0 and beta = 10) travel in
  files of their own, fetched when the widget asks (``model.request`` of the loader's host): at the
  first stroke on a pad, at the switch.
- **An explorer's decoder at float16** where that moves its decodes by at most 0.02 (measured at
  build time, over a grid of the map's square): a quarter of notebook 06's first load.

anywidget's front end (for the widget manager, which runs the ES module of an anywidget),
comes from npm like the rest (pinned and checked by hash in ``web_packages.json``, served as
``vendor/widgets/anywidget.js``); the build stops if the installed Python package is of
another minor version, whose saved widget state that front end might not read.

It also fixes two console errors every page had: the theme's ``default_mode`` (a template
variable, hence ``html_context``) left empty makes sphinx-book-theme log "Got invalid theme
mode", and sphinx-thebe's inline ``const THEBE_JS_URL = ...`` script, registered twice,
throws "Identifier 'THEBE_JS_URL' has already been declared".

Every page also gets ``static/reading.css`` and ``static/reading.js``: comfortable reading on a
phone (display equations that show they scroll sideways, long words and signatures that wrap,
shrunken figures linked to their full size).
"""

from __future__ import annotations

import base64
import hashlib
import html
import importlib.metadata
import io
import json
import re
from pathlib import Path
from typing import TYPE_CHECKING

from sphinx.application import Sphinx
from sphinx.config import Config
from sphinx.errors import ConfigError
from sphinx.util import logging

from install_web_packages import BUILD_ONLY, PACKAGES, VENDOR, is_installed
from site_maths import drop_mathjax, typeset_site_math

if TYPE_CHECKING:
    from vae_helpers.numpy_decoder import NumpyDecoder

logger = logging.getLogger(__name__)

STATIC = Path(__file__).resolve().with_name("static")
ICONS = VENDOR / BUILD_ONLY / "fontawesome"
# On pages with widgets (myst-nb's notebook pages, and prose pages with a {widget}): the loader
# only. It is deferred, finds its own URL, and fetches require.js and the manager when needed.
WIDGET_SCRIPTS = {"widgets-offline.js": {"defer": "defer"}}


def use_vendored_assets(app: Sphinx, config: Config) -> None:
    if not is_installed():
        raise ConfigError(
            f"The book's JavaScript is not installed in {VENDOR}: run `make book`, or "
            "`python book/_ext/install_web_packages.py` (it needs npm once)."
        )
    check_anywidget_version()
    config.html_extra_path = [*config.html_extra_path, str(VENDOR)]
    # Build-time tools (MathJax for Node, the icons' SVG files) stay out of the site.
    config.exclude_patterns = [*config.exclude_patterns, BUILD_ONLY, f"{BUILD_ONLY}/**"]
    if str(STATIC) not in config.html_static_path:
        config.html_static_path = [*config.html_static_path, str(STATIC)]
    config.nb_ipywidgets_js = WIDGET_SCRIPTS
    config.html_context = {"default_mode": "auto", **config.html_context}


def _minor(version: str) -> tuple[str, ...]:
    return tuple(version.split(".")[:2])


def check_anywidget_version() -> None:
    """Refuse to build when the anywidget front end served differs in minor version from the Python package."""
    pinned = next(package["version"] for package in json.loads(PACKAGES.read_text())["packages"]
                  if package["name"] == "anywidget")
    installed = importlib.metadata.version("anywidget")
    if _minor(installed) != _minor(pinned):
        raise ConfigError(
            f"anywidget {installed} is installed but the book serves anywidget {pinned}'s front end "
            f"({PACKAGES.name}): pin the same minor version in both, then `make book`."
        )


def drop_repeated_scripts(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    """Keep the first of scripts with the same file and attributes (inline body included)."""
    seen = set()
    unique = []
    for script in context.get("script_files", []):
        key = (script.filename or "", tuple(sorted(getattr(script, "attributes", {}).items())))
        if key not in seen:
            seen.add(key)
            unique.append(script)
    context["script_files"] = unique


# Scripts others read as the page is parsed: inline scripts of the theme's templates read
# DOCUMENTATION_OPTIONS, and the search scripts the templates write at the end of the body (not
# deferred) call doctools.js's _ready().
PARSED_WITH_THE_PAGE = ("documentation_options.js", "doctools.js")


def defer_scripts(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    """Defer the page's script files: they run in the same order, once the page is parsed, and the
    text shows without waiting for them (none writes into the page as it is parsed)."""
    deferred = []
    for script in context.get("script_files", []):
        attributes = dict(getattr(script, "attributes", {}))
        name = str(script.filename or "").split("?")[0]
        if name and not name.endswith(PARSED_WITH_THE_PAGE) and not {"async", "defer"} & attributes.keys():
            script = type(script)(script.filename, priority=script.priority, **attributes, defer="defer")
        deferred.append(script)
    context["script_files"] = deferred


# ---------------------------------------------------------------------------------------------
# Icons as inline SVG

# <i class="fa-solid fa-sun fa-lg"></i> (or a <span>, or "fas"/"fab"), empty: an icon the theme's
# fontawesome.js would have drawn.
ICON = re.compile(r'<(i|span) class="([^"]*\bfa[bs]?-[^"]*)"([^>]*)>\s*</\1>')
FAMILIES = {"fa-solid": "solid", "fas": "solid", "fa-brands": "brands", "fab": "brands"}
# Font Awesome 5 names the theme still writes, and their names in the 6.x files.
RENAMED = {"pencil-alt": "pencil", "search": "magnifying-glass"}
# Style classes, not icon names; the sizes stay on the SVG.
SIZES = {"fa-lg", "fa-xl", "fa-2xl", "fa-sm", "fa-xs", "fa-fw", "fa-1x", "fa-2x", "fa-3x", "fa-4x", "fa-5x"}
MODIFIERS = SIZES | {"fa-solid", "fa-regular", "fa-brands"}
SVG_BODY = re.compile(r'viewBox="([^"]+)".*?(<path [^>]*/>)', re.DOTALL)
FONTAWESOME_SCRIPT = re.compile(r'<(script|link)[^>]*_static/scripts/fontawesome\.js[^>]*>(\s*</script>)?\s*')


def _icon_svg(family: str, name: str) -> tuple[str, str]:
    """The viewBox and the path element of one icon's SVG file."""
    path = ICONS / family / f"{RENAMED.get(name, name)}.svg"
    if not path.is_file():
        raise FileNotFoundError(path)
    viewbox, svg_path = SVG_BODY.search(path.read_text()).groups()
    return viewbox, svg_path


def inline_icons(page: str) -> tuple[str, list[str]]:
    """``page`` with Font Awesome's ``<i>`` icons as inline SVG and without fontawesome.js; icons not found."""
    missing = []

    def replace(match: re.Match) -> str:
        _tag, classes, attributes = match.groups()
        names = classes.split()
        family = next((FAMILIES[name] for name in names if name in FAMILIES), "solid")
        icon = next((name[3:] for name in names if name.startswith("fa-") and name not in MODIFIERS), None)
        if icon is None:
            return match.group(0)
        try:
            viewbox, svg_path = _icon_svg(family, icon)
        except FileNotFoundError:
            missing.append(icon)
            return match.group(0)
        # The icon's Font Awesome classes would give the SVG their glyph in the icon font (a
        # ::before) and so load the font: keep the theme's other classes and the sizes, name the
        # icon, and add Font Awesome's own class for an inline SVG icon (1em high, on the baseline).
        kept = [name for name in names if not (name in FAMILIES or name.startswith("fa-")) or name in SIZES]
        return (f'<svg class="{" ".join([*kept, f"icon-{icon}", "svg-inline--fa"])}" aria-hidden="true" '
                f'focusable="false" role="img" viewBox="{viewbox}"{attributes}>{svg_path}</svg>')

    page = ICON.sub(replace, page)
    return FONTAWESOME_SCRIPT.sub("", page), missing


# The theme's CSS still draws a few icons as glyphs of Font Awesome's solid font (admonition
# titles, external links, breadcrumbs): a copy of that font with only those glyphs replaces the
# whole one (156 kB), by an @font-face of the same family and weight later in reading.css.
THEME_FONT = "_static/vendor/fontawesome/webfonts/fa-solid-900.ttf"
THEME_FONT_SUBSET = "_static/vendor/fontawesome/webfonts/fa-solid-900-theme.woff"
THEME_CSS = ["_static/styles/pydata-sphinx-theme.css", "_static/styles/sphinx-book-theme.css"]
CSS_RULE = re.compile(r"([^{}]+)\{([^{}]*)\}")
# A glyph in a CSS string: escaped ("\f071") or the private-use character itself.
GLYPH = re.compile('"(?:\\\\(f[0-9a-f]{3})|([\uf000-\uf8ff]))"')


def theme_glyphs(css: str) -> set[int]:
    """The icon-font code points the theme's CSS uses outside Font Awesome's own ``.fa-*`` classes."""
    return {int(escaped, 16) if escaped else ord(character) for selector, body in CSS_RULE.findall(css)
            if ".fa-" not in selector for escaped, character in GLYPH.findall(body)}


def subset_theme_font(outdir: Path) -> None:
    from fontTools import subset

    glyphs = set().union(*(theme_glyphs((outdir / css).read_text(encoding="utf-8")) for css in THEME_CSS))
    options = subset.Options()
    options.flavor = "woff"
    font = subset.load_font(str(outdir / THEME_FONT), options)
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=sorted(glyphs))
    subsetter.subset(font)
    subset.save_font(font, str(outdir / THEME_FONT_SUBSET), options)


# An image without a loading attribute (the figures of a page).
EAGER_IMAGE = re.compile(r"<img (?![^>]*\bloading=)")
IMAGE_TAG = re.compile(r"<img\b[^>]*>")
ATTRIBUTE = re.compile(r'\s(width|height|src)="([^"]*)"')


def _intrinsic_size(path: Path) -> tuple[int, int] | None:
    """The pixel size of the image file at ``path`` (its header only), or None if it is not one."""
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(path) as image:
            return image.size
    except (OSError, UnidentifiedImageError):
        return None


def sized_image(tag: str, folder: Path) -> str:
    """``tag`` (an ``<img>``) with ``width`` and ``height``: the intrinsic size of its file, found
    relative to ``folder``, so the browser keeps the figure's place before the file arrives (no
    layout shift when a lazy figure loads). A tag with a width and no height gets the height of
    the same aspect; a tag with both, a tag whose file is elsewhere, or a width not in pixels is
    left as it is."""
    attributes = dict(ATTRIBUTE.findall(tag))
    source = attributes.get("src", "")
    if "height" in attributes or not source or re.match(r"[a-z]+:|/", source):
        return tag
    size = _intrinsic_size(folder / html.unescape(source).split("?")[0].split("#")[0])
    if size is None:
        return tag
    width, height = size
    if "width" in attributes:
        if not attributes["width"].isdigit():
            return tag
        width, height = int(attributes["width"]), round(int(attributes["width"]) * height / width)
        return tag.replace("<img ", f'<img height="{height}" ', 1)
    return tag.replace("<img ", f'<img width="{width}" height="{height}" ', 1)


def lazy_images(page: str, folder: Path | None = None) -> str:
    """``page`` with its images loaded only as the reader scrolls near them (``loading="lazy"``),
    each sized (``sized_image``) when ``folder``, the page's folder, is given."""
    page = EAGER_IMAGE.sub('<img loading="lazy" decoding="async" ', page)
    if folder is None:
        return page
    return IMAGE_TAG.sub(lambda match: sized_image(match.group(0), folder), page)


def inline_icons_in_site(outdir: Path) -> None:
    """Icons as inline SVG and figures loaded lazily with their size, in every page the build wrote."""
    for path in outdir.rglob("*.html"):
        text = path.read_text(encoding="utf-8")
        new, missing = inline_icons(lazy_images(text, path.parent))
        for icon in sorted(set(missing)):
            logger.warning("%s: no SVG for the icon %r in Font Awesome's files (%s)", path, icon, ICONS)
        if new != text:
            path.write_text(new, encoding="utf-8")


# ---------------------------------------------------------------------------------------------
# Figures: the same pixels in fewer bytes

PALETTE_SIZE = 256


def palette_png(path: Path) -> bool:
    """Rewrite the PNG at ``path`` with a palette when it has at most 256 colours (alpha included).

    Lossless: every pixel keeps its exact RGBA value; the text entries (``vae_helpers.figures``
    records each figure's smallest text there) and the resolution are kept. Matplotlib writes
    RGBA, four bytes a pixel; a figure of few colours (a grid of grey digits) takes a byte.
    Returns whether the file was rewritten (only when smaller).
    """
    import numpy as np
    from PIL import Image, PngImagePlugin

    with Image.open(path) as image:
        if image.mode == "P":
            return False
        pixels = np.asarray(image.convert("RGBA"))
        text, dpi = dict(getattr(image, "text", {})), image.info.get("dpi")
    colours, index = np.unique(pixels.reshape(-1, 4).view(np.uint32).ravel(), return_inverse=True)
    if len(colours) > PALETTE_SIZE:
        return False
    palette = colours.view(np.uint8).reshape(-1, 4)
    indexed = Image.fromarray(index.reshape(pixels.shape[:2]).astype(np.uint8), mode="P")
    indexed.putpalette(palette[:, :3].ravel().tolist())
    info = PngImagePlugin.PngInfo()
    for key, value in text.items():
        info.add_text(key, value)
    options = {"pnginfo": info, "optimize": True, **({"dpi": dpi} if dpi else {})}
    if (palette[:, 3] < 255).any():
        options["transparency"] = bytes(palette[:, 3].tolist())
    buffer = io.BytesIO()
    indexed.save(buffer, "PNG", **options)
    if buffer.tell() >= path.stat().st_size:
        return False
    path.write_bytes(buffer.getvalue())
    return True


def palette_figures(outdir: Path) -> None:
    for path in (outdir / "_images").glob("*.png"):
        palette_png(path)


# ---------------------------------------------------------------------------------------------
# Widget buffers beside the page

WIDGET_STATE = re.compile(r'(<script type="application/vnd.jupyter.widget-state\+json">)(.*?)(</script>)', re.DOTALL)
WIDGET_VIEW = re.compile(r'<script type="application/vnd.jupyter.widget-view\+json">(.*?)</script>', re.DOTALL)
MODEL_REFERENCE = re.compile(r"IPY_MODEL_([0-9a-f]+)")
BESIDE = 4096  # base64 characters: a buffer longer than this travels in the page's binary file


def _state_script(state: dict) -> str:
    # "</" inside a script element would end it; "<\/" is the same JSON string.
    return ('<script type="application/vnd.jupyter.widget-state+json">'
            + json.dumps(state).replace("</", "<\\/") + "</script>")


def widget_groups(state: dict, view_ids: list[str]) -> list[set[str]]:
    """The models of ``state`` in groups that render apart: each view's model with every model it refers to.

    Views that share a model are one group. Models no view reaches go with the first group.
    """
    models = state.get("state", {})

    def closure(model_id: str) -> set[str]:
        seen, todo = set(), [model_id]
        while todo:
            current = todo.pop()
            if current in seen or current not in models:
                continue
            seen.add(current)
            todo.extend(MODEL_REFERENCE.findall(json.dumps(models[current].get("state", {}))))
        return seen

    groups: list[set[str]] = []
    for view_id in dict.fromkeys(view_ids):  # in page order, once each
        group = closure(view_id)
        if not group:
            continue
        for other in [other for other in groups if other & group]:
            groups.remove(other)
            group |= other
        groups.append(group)
    if groups:
        groups[0] |= set(models) - set().union(*groups)
    return groups


def split_widget_state(page_html: str) -> str:
    """``page_html`` with each saved widget state split into one state per :func:`widget_groups` group.

    myst-nb saves one state for every widget of a notebook; split, each widget's models (and so
    its buffers, in a file of their own) load only when that widget comes near the reader
    (``static/widgets-offline.js``). A state that is one group already is left as it is.
    """
    view_ids = [json.loads(view).get("model_id", "") for view in WIDGET_VIEW.findall(page_html)]

    def replace(match: re.Match) -> str:
        state = json.loads(match.group(2))
        groups = widget_groups(state, view_ids)
        if len(groups) < 2:
            return match.group(0)
        models = state["state"]
        return "".join(
            _state_script({**state, "state": {model_id: models[model_id] for model_id in models if model_id in group}})
            for group in groups
        )

    return WIDGET_STATE.sub(replace, page_html)


# The explorer's own weights are float32 (what JupyterLab's kernel sends it); on a static page its
# decoder travels at float16, half the bytes, when that moves its decodes by at most
# HALF_PRECISION_TOLERANCE over a grid of the map's square (every z the reader can reach; for the
# conditional explorer, every z with every label, which its decoder reads after z, one-hot); its
# layers then say so (``dtype: "float16"``), as those of the models it switches to already do
# (Python chose those), and the widget reads either. The encoder stays float32: the page holds
# no digits to check it on, and for the book's VAE float16 would move the decode of 2 of the
# 10,000 held-out digits by more than 0.02 (0.030 at most; tests/test_static_widgets.py).
HALVED = "decoder_layers"
Z_GRID = 41  # points per axis over [-limit, limit]: 0.2 apart on the book's map
LATENT = 2  # the explorers' maps
CONDITIONAL = "code_labels"  # a trait of the conditional explorer only: its decoder reads [z, one_hot(label)]


def _chain(state: dict, buffers: dict, name: str) -> NumpyDecoder | None:
    """The Dense chain ``state[name]`` as float32 weights from its base64 buffers; None if it is not one."""
    import numpy as np
    from vae_helpers.numpy_decoder import NumpyDecoder

    layers = []
    for index, layer in enumerate(state.get(name) or []):
        found = [buffers.get((name, index, part)) for part in ("kernel", "bias")]
        if layer.get("dtype") != "float32" or not all(buffer and buffer.get("data") for buffer in found):
            return None
        kernel, bias = (np.frombuffer(base64.b64decode(buffer["data"]), "<f4") for buffer in found)
        layers.append((kernel.reshape(layer["inputs"], layer["outputs"]), bias, layer["activation"]))
    return NumpyDecoder(layers) if layers else None


def half_precision_move(state: dict, buffers: dict) -> float | None:
    """How far float16 weights move a 2-D explorer's decodes: the largest change of a pixel
    probability over a ``Z_GRID`` x ``Z_GRID`` grid of the map's square (with each label, for the
    conditional explorer).

    ``state`` is the widget's traits, ``buffers`` its buffers by path (tuples) with base64 data.
    None for a widget that is not a 2-D explorer with a float32 decoder.
    """
    import numpy as np
    from vae_helpers.numpy_decoder import half_precision

    decoder = _chain(state, buffers, HALVED)
    if decoder is None or not state.get("limit"):
        return None
    labels = decoder.latent_dim - LATENT if (CONDITIONAL,) in buffers else 0
    if decoder.latent_dim != LATENT + labels:
        return None
    axis = np.linspace(-state["limit"], state["limit"], Z_GRID)
    grid = np.stack(np.meshgrid(axis, axis), axis=-1).reshape(-1, LATENT)
    if labels:
        grid = np.concatenate([np.tile(grid, (labels, 1)), np.repeat(np.eye(labels), len(grid), axis=0)], axis=1)
    return float(np.abs(half_precision(decoder).decode(grid) - decoder.decode(grid)).max())


def halve_explorer_weights(model: dict, pagename: str = "") -> float | None:
    """Store a 2-D explorer's own float32 decoder at float16 in ``model``'s buffers when that moves its
    decodes by at most ``HALF_PRECISION_TOLERANCE`` (:func:`half_precision_move`), its layers' ``dtype``
    then ``"float16"``.

    ``model`` is one model of a saved widget state (``state``, ``buffers``). Returns the move
    measured (None when there is no such decoder), whether or not the decoder was halved.
    """
    import numpy as np
    from vae_helpers.numpy_decoder import HALF_PRECISION_TOLERANCE

    buffers = {tuple(buffer["path"]): buffer for buffer in model.get("buffers", []) if buffer.get("encoding") == "base64"}
    move = half_precision_move(model.get("state", {}), buffers)
    if move is None:
        return None
    if move > HALF_PRECISION_TOLERANCE:
        logger.info("%s: the explorer's decoder stays float32: float16 moves its decodes by %.3g", pagename, move)
        return move
    for index, layer in enumerate(model["state"][HALVED]):
        layer["dtype"] = "float16"
        for part in ("kernel", "bias"):
            buffer = buffers[(HALVED, index, part)]
            single = np.frombuffer(base64.b64decode(buffer["data"]), "<f4")
            buffer["data"] = base64.b64encode(single.astype("<f2").tobytes()).decode("ascii")
    return move


# An anywidget's saved state carries its module's code (``_esm``, ``_css``): notebook 06's two
# explorers carry the same 67 kB twice, 19 kB gzipped each (gzip's window cannot reach the first
# copy). A later model with the same code names the first model instead (``shared``); the loader
# puts the code back before either the host or the manager reads the state.
SHARED_TRAITS = ("_esm", "_css")
SHARED_AT_LEAST = 1000  # characters: shorter code is not worth a reference


def share_repeated_code(model_id: str, model: dict, seen: dict[tuple[str, str], str]) -> bool:
    """Replace ``model``'s code traits already held by a model in ``seen`` (``(trait, text)`` to its id) by a reference.

    Records ``model``'s own code in ``seen`` otherwise. Returns whether ``model`` changed.
    """
    traits = model.get("state", {})
    changed = False
    for trait in SHARED_TRAITS:
        text = traits.get(trait)
        if not isinstance(text, str) or len(text) < SHARED_AT_LEAST:
            continue
        if (trait, text) in seen:
            traits[trait] = ""
            model.setdefault("shared", {})[trait] = seen[trait, text]
            changed = True
        else:
            seen[trait, text] = model_id
    return changed


# Weights a reader may never use load only when the widget asks for them (``model.request`` in
# static/widgets-offline.js): the drawing pad's encoder (notebook 06's first explorer: 1.07 MB at
# float32, most of the page's first load; chapter 8's conditional explorer: 1.08 MB, half its
# widget's) when the reader first touches the pad, and each model of the explorer's switch
# (chapter 6's beta = 0 and beta = 10) when the reader switches to it. Each such part is a file of
# its own beside the page. Only for the widgets whose modules ask for them, each known by a trait
# only it has: the traits it asks for (a list trait by item, with the item's traits it asks for).
DEFERRED_TRAITS = {
    "pad_choices": {"encoder_layers": None, "models": ("decoder_layers", "encoder_layers")},  # LatentExplorer
    CONDITIONAL: {"encoder_layers": None},  # ConditionalExplorer
}


def deferred_part(model: dict, path: list) -> tuple[str, int | None] | None:
    """The deferred part (trait, index) a buffer at ``path`` of ``model`` travels in; None if it loads with the widget."""
    # A trait of bytes travels as a buffer: it is named by a buffer's path, not a key of the state.
    traits = set(model.get("state", {})) | {buffer["path"][0] for buffer in model.get("buffers", []) if buffer.get("path")}
    deferred = next((deferred for marker, deferred in DEFERRED_TRAITS.items() if marker in traits), {})
    if not path or path[0] not in deferred:
        return None
    within = deferred[path[0]]
    if within is None:
        return path[0], None
    if len(path) > 2 and isinstance(path[1], int) and path[2] in within:
        return path[0], path[1]
    return None


def _write_beside(page: Path, content: bytes) -> tuple[Path, dict]:
    """``content`` in a file beside ``page`` named by its sha256; the file and its ``{url, sha256}``."""
    digest = hashlib.sha256(content).hexdigest()
    binary = page.with_name(f"{page.stem}.{digest[:16]}.bin")
    binary.write_bytes(content)
    return binary, {"url": binary.name, "sha256": digest}


def move_buffers_beside(page: Path) -> list[Path]:
    """Move each saved widget state's large buffers (base64) into binary files of its own beside the page.

    Each buffer keeps its place in the state with ``data`` empty and its ``offset`` and ``length``
    in its file. The buffers the widget needs at once go in one file, the state's ``buffers_file``:
    the file's name (relative to the page, named by its content's sha256) and that sha256.
    ``static/widgets-offline.js`` fetches it when one of the state's widgets comes near the reader
    and puts the buffers back before the widget reads the state. Those of each deferred part
    (:func:`deferred_part`) go in a file of their own, listed in the state's ``deferred_files``
    (``{model, trait, index, url, sha256}``), each such buffer naming its entry (``deferred``):
    the loader fetches it when the widget asks for that trait. The page's states are first split,
    one per widget (:func:`split_widget_state`). Returns the files written: none for a page
    already done.
    """
    from vae_helpers.numpy_decoder import HALF_PRECISION_TOLERANCE

    original = page.read_text(encoding="utf-8")
    text = split_widget_state(original)
    binaries: list[Path] = []
    seen: dict[tuple[str, str], str] = {}  # the code of the page's models so far, in page order

    def replace(match: re.Match) -> str:
        state = json.loads(match.group(2))
        # (model, trait, index) of a deferred part, or None for the widget's own file: its buffers and bytes.
        parts: dict[tuple[str, str, int | None] | None, list[tuple[dict, bytes]]] = {}
        changed = False
        for model_id, model in state.get("state", {}).items():
            changed |= share_repeated_code(model_id, model, seen)
            move = halve_explorer_weights(model, page.name)
            changed |= move is not None and move <= HALF_PRECISION_TOLERANCE
            for buffer in model.get("buffers", []):
                if buffer.get("encoding") == "base64" and len(buffer.get("data", "")) > BESIDE:
                    part = deferred_part(model, buffer["path"])
                    key = None if part is None else (model_id, *part)
                    parts.setdefault(key, []).append((buffer, base64.b64decode(buffer["data"])))
        if not parts:
            return _state_script(state) if changed else match.group(0)
        deferred = []
        for key, buffers in sorted(parts.items(), key=lambda item: item[0] is not None):
            size = 0
            for buffer, data in buffers:
                buffer.update(data="", offset=size, length=len(data))
                if key is not None:
                    buffer["deferred"] = len(deferred)
                size += len(data)
            binary, file = _write_beside(page, b"".join(data for _, data in buffers))
            binaries.append(binary)
            if key is None:
                state["buffers_file"] = file
            else:
                model_id, trait, index = key
                deferred.append({"model": model_id, "trait": trait, "index": index, **file})
        if deferred:
            state["deferred_files"] = deferred
        return _state_script(state)

    new = WIDGET_STATE.sub(replace, text)
    if new != original:
        page.write_text(new, encoding="utf-8")
    return binaries


def move_widget_buffers_in_site(outdir: Path) -> None:
    for page in outdir.rglob("*.html"):
        if "application/vnd.jupyter.widget-state+json" not in page.read_text(encoding="utf-8"):
            continue
        # No file for a page an earlier build wrote and this one did not: its files are still right.
        binaries = move_buffers_beside(page)
        if binaries:
            for old in page.parent.glob(f"{page.stem}.*.bin"):
                if old not in binaries:
                    old.unlink()  # an earlier build's


def post_process_site(app: Sphinx, exception: Exception | None) -> None:
    """Everything done to the written site, in order; each step leaves a page it already did as it is."""
    if exception is not None or app.builder.format != "html":
        return
    outdir = Path(app.builder.outdir)
    typeset_site_math(outdir)
    inline_icons_in_site(outdir)
    subset_theme_font(outdir)
    move_widget_buffers_in_site(outdir)
    palette_figures(outdir)


def setup(app: Sphinx) -> dict:
    app.connect("config-inited", use_vendored_assets)
    # Late, so that scripts the other extensions add to this page are seen too.
    app.connect("html-page-context", drop_repeated_scripts, priority=900)
    app.connect("html-page-context", drop_mathjax, priority=950)
    app.connect("html-page-context", defer_scripts, priority=960)
    app.connect("build-finished", post_process_site)
    app.add_css_file("reading.css")
    app.add_js_file("reading.js")
    return {"parallel_read_safe": True, "parallel_write_safe": True}
