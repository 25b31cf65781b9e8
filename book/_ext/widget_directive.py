"""Sphinx extension: ``{widget}``, a live widget of ``vae_helpers.widgets`` in a prose page.

A notebook page shows the widgets its executed notebook displayed: myst-nb embeds their
saved state and the Jupyter widget manager renders it. A prose page has no notebook, so
this directive builds the widget at build time and writes the same two things into the
page: the widget state (with ``drop_defaults=False``, so that the widget's ES module,
``_esm``, is in it) and a view of it. The widget's own JavaScript then computes and draws
in the page, as in JupyterLab::

    ```{widget} CoinPanel
    bias: 0.2
    ```

The argument is a class exported by :mod:`vae_helpers.widgets`; the body, if any, is a
YAML mapping of its constructor's keyword arguments. A bad argument fails the build with
the widget's own ``ValueError``; a warning or a write to stderr while the widget is built
(Python's or a C library's, at the file descriptor) fails it too, with its text, as the same
warning or write in a notebook cell does.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import sys
import tempfile
import warnings
from collections.abc import Iterator

import yaml
from docutils import nodes
from sphinx.application import Sphinx
from sphinx.util.docutils import SphinxDirective

WIDGET_STATE = "application/vnd.jupyter.widget-state+json"
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
MARKER = "vae_widget"  # set on the raw node, so that the page gets the widget manager's scripts


def _script(mime_type: str, data: dict) -> str:
    # "</" inside a script element would end it; "<\/" is the same JSON string.
    text = json.dumps(data).replace("</", "<\\/")
    return f'<script type="{mime_type}">{text}</script>'


def widget_html(widget) -> str:
    """The state of ``widget`` (and of the widgets it holds) and one view of it, as HTML."""
    from ipywidgets.embed import dependency_state

    state = dependency_state([widget], drop_defaults=False)
    manager_state = {"version_major": 2, "version_minor": 0, "state": state}
    view = {"version_major": 2, "version_minor": 0, "model_id": widget.model_id}
    return _script(WIDGET_STATE, manager_state) + _script(WIDGET_VIEW, view)


@contextlib.contextmanager
def captured_stderr() -> Iterator[list[str]]:
    """Collect, into the list it yields, everything written to stderr in the block: by Python and at file descriptor 2."""
    texts: list[str] = []
    python = io.StringIO()
    sys.stderr.flush()
    saved = os.dup(2)
    with tempfile.TemporaryFile() as descriptor_file:
        os.dup2(descriptor_file.fileno(), 2)
        try:
            with contextlib.redirect_stderr(python):
                yield texts
        finally:
            sys.stderr.flush()
            os.dup2(saved, 2)
            os.close(saved)
            descriptor_file.seek(0)
            texts.extend(text for text in (python.getvalue().strip(), descriptor_file.read().decode(errors="replace").strip()) if text)


class WidgetDirective(SphinxDirective):
    required_arguments = 1
    has_content = True

    def run(self) -> list[nodes.Node]:
        name = self.arguments[0]
        kwargs = yaml.safe_load("\n".join(self.content)) or {}
        if not isinstance(kwargs, dict):
            raise self.error(f"the body of {{widget}} must be a YAML mapping of keyword arguments: got {kwargs!r}")
        # The import is inside too: the first {widget} of a build imports the package.
        with captured_stderr() as stderr, warnings.catch_warnings(record=True) as caught:
            # A library's warnings as the process shows them (a notebook's stderr would); the book's own, all of them.
            warnings.filterwarnings("always", module=r"vae_helpers(\.|$)")
            import vae_helpers.widgets

            if name not in vae_helpers.widgets.__all__:
                raise self.error(f"{{widget}} takes one of {', '.join(vae_helpers.widgets.__all__)}: got {name!r}")
            try:
                widget = getattr(vae_helpers.widgets, name)(**kwargs)
            except (TypeError, ValueError) as error:
                raise self.error(f"{name}({kwargs}): {error}") from error
            try:
                html = widget_html(widget)
            finally:
                widget.close()
        problems = [f"{item.category.__name__}: {item.message} ({item.filename}:{item.lineno})" for item in caught]
        problems += [f"stderr: {text}" for text in stderr]
        if problems:
            raise self.error(f"{name}({kwargs}) warned or wrote to stderr while it was built:\n" + "\n".join(problems))
        raw = nodes.raw("", f'<div class="vae-widget-static">{html}</div>', format="html")
        raw[MARKER] = True
        self.set_source_info(raw)
        return [raw]


def add_widget_scripts(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    """Give a page with a ``{widget}`` the scripts myst-nb gives a notebook page with widgets."""
    if doctree is None or not any(node.get(MARKER) for node in doctree.findall(nodes.raw)):
        return
    for path, kwargs in app.config.nb_ipywidgets_js.items():
        app.add_js_file(path, **kwargs)


def setup(app: Sphinx) -> dict:
    app.add_directive("widget", WidgetDirective)
    app.connect("html-page-context", add_widget_scripts)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
