"""Sphinx extension: the built book requests nothing from any host but its own.

Jupyter Book's defaults load MathJax, require.js and the Jupyter widget manager from CDNs,
so offline the maths shows as raw TeX and embedded widgets stay blank. Here they come
from ``book/_vendor/`` (installed from the npm registry by ``install_web_packages.py``;
``make book`` runs it), copied to the site root through ``html_extra_path`` rather than
``_static/``: Jupyter Book would add every ``.js`` file under ``_static/`` to every page,
MathJax's lazily loaded components included, which breaks MathJax. Third-party widget
modules (ipyevents) are copied from their installed Python packages into ``vendor/widgets/``,
and ``static/widgets-offline.js`` points the widget manager there.

anywidget's front end, which runs the ES module of every widget in ``vae_helpers.widgets``,
comes from npm like the rest (pinned and checked by hash in ``web_packages.json``, served as
``vendor/widgets/anywidget.js``); the build stops if the installed Python package is of
another minor version, whose saved widget state that front end might not read.

It also fixes two console errors every page had: the theme's ``default_mode`` (a template
variable, hence ``html_context``) left empty makes sphinx-book-theme log "Got invalid theme
mode", and sphinx-thebe's inline ``const THEBE_JS_URL = ...`` script, registered twice,
throws "Identifier 'THEBE_JS_URL' has already been declared".
"""

from __future__ import annotations

import importlib.metadata
import importlib.resources
import importlib.util
import json
import shutil
from pathlib import Path

from sphinx.application import Sphinx
from sphinx.config import Config
from sphinx.errors import ConfigError

from install_web_packages import PACKAGES, VENDOR, is_installed

STATIC = Path(__file__).resolve().with_name("static")

# Sphinx resolves a script's relative path against _static/, hence the "../".
MATHJAX = "../vendor/mathjax/tex-mml-chtml.js"
WIDGET_SCRIPTS = {
    "../vendor/requirejs/require.js": {},
    "widgets-offline.js": {},
    # A widget module missing from vendor/widgets/ would be fetched from this "CDN" (a
    # relative URL, so a 404 on this site) instead of jsDelivr: no call to another host.
    "../vendor/html-manager/embed-amd.js": {"data-jupyter-widgets-cdn": "vendor/widgets/"},
}
# Third-party widget modules the notebooks use: module name -> (Python package, its AMD bundle).
# The bundle comes from the installed package, so it matches the widget state's version.
WIDGET_MODULES = {"ipyevents": ("ipyevents", "nbextension/static/index.js")}


def use_vendored_assets(app: Sphinx, config: Config) -> None:
    if not is_installed():
        raise ConfigError(
            f"The book's JavaScript is not installed in {VENDOR}: run `make book`, or "
            "`python book/_ext/install_web_packages.py` (it needs npm once)."
        )
    check_anywidget_version()
    config.html_extra_path = [*config.html_extra_path, str(VENDOR)]
    if str(STATIC) not in config.html_static_path:
        config.html_static_path = [*config.html_static_path, str(STATIC)]
    config.mathjax_path = MATHJAX
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


def copy_widget_modules(app: Sphinx, exception: Exception | None) -> None:
    """Copy each installed third-party widget's AMD bundle and licence to vendor/widgets/."""
    if exception is not None or app.builder.format != "html":
        return
    folder = Path(app.builder.outdir) / "vendor" / "widgets"
    for module, (package, bundle) in WIDGET_MODULES.items():
        if importlib.util.find_spec(package) is None:
            continue
        folder.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(importlib.resources.files(package) / bundle, folder / f"{module}.js")
        files = importlib.metadata.files(package) or []
        licences = [file for file in files if "LICEN" in file.name.upper() and ".dist-info" in str(file)]
        for licence in licences[:1]:
            shutil.copyfile(licence.locate(), folder / f"{module}-{licence.name}")


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


def setup(app: Sphinx) -> dict:
    app.connect("config-inited", use_vendored_assets)
    app.connect("build-finished", copy_widget_modules)
    # Late, so that scripts the other extensions add to this page are seen too.
    app.connect("html-page-context", drop_repeated_scripts, priority=900)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
