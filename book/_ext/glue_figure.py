"""Sphinx extension: ``{glue:figure}`` that also pastes a figure glued in *another* notebook.

myst-nb 1.4 resolves ``{glue:text}`` across documents (``path/to/nb.ipynb::key``) but its
``{glue:figure}`` only looks in the current document. With this extension a prose page in
``book/`` can write::

    ```{glue:figure} ../notebooks/01_information_theory.ipynb::coin_figure
    :alt: What the figure shows, for a reader who cannot see it.
    :name: fig-coin-entropy

    The caption.
    ```

and get a real, numbered figure with its caption and alt text. Without ``::`` the
directive is myst-nb's own, unchanged.

It also mends ``{glue:text}`` of another document without a format spec
(``{glue:text}`../notebooks/05_keras_vae.ipynb::key` ``): myst-nb 1.4 cuts the text at its last
colon first, so the key became ``'../notebooks/05_keras_vae.ipynb:'`` and a missing key was
reported under that garbled name. Read as ``doc::key:s``, a missing key is reported with
the document and the key.
"""

from __future__ import annotations

from binascii import a2b_base64
from pathlib import Path

from docutils import nodes
from myst_nb.ext.glue.crossref import read_glue_cache
from myst_nb.ext.glue.directives import PasteFigureDirective
from myst_nb.ext.glue.roles import PasteTextRole
from myst_nb.ext.glue.utils import PendingGlueReferenceError, create_pending_glue_ref, glue_warning
from sphinx.application import Sphinx
from sphinx.transforms.post_transforms import SphinxPostTransform

ALT_ATTRIBUTE = "glue_alt"
SOURCE_ATTRIBUTE = "glue_source"  # (refdoc, key) of the glued image


class CrossDocumentGlueFigure(PasteFigureDirective):
    """``{glue:figure} doc::key``: a figure whose image is glued in another notebook."""

    def run(self):
        if "::" not in self.arguments[0]:
            return super().run()
        doc, key = self.arguments[0].split("::", 1)
        try:
            reference = create_pending_glue_ref(self.document, self.source, self.line, doc, key)
        except PendingGlueReferenceError as error:
            return [glue_warning(str(error), self.document, self.line)]
        figure = nodes.figure("", reference)
        figure[SOURCE_ATTRIBUTE] = (reference.refdoc, key)
        self.set_source_info(figure)
        if "alt" in self.options:
            figure[ALT_ATTRIBUTE] = self.options["alt"]
        for option, attribute in (("figwidth", "width"), ("align", "align")):
            if option in self.options:
                figure[attribute] = self.options[option]
        figure["classes"] += self.options.get("figclass", [])
        self.add_name(figure)
        if self.content:
            parsed = nodes.Element()
            self.state.nested_parse(self.content, self.content_offset, parsed)
            first = parsed[0]
            if not isinstance(first, nodes.paragraph):
                return [figure, glue_warning("Figure caption must be a paragraph.", self.document, self.lineno)]
            caption = nodes.caption(first.rawsource, "", *first.children)
            caption.source, caption.line = first.source, first.line
            figure += caption
            if len(parsed) > 1:
                figure += nodes.legend("", *parsed[1:])
        return [figure]


class CrossDocumentGlueText(PasteTextRole):
    """``{glue:text}`doc::key` `` with no format spec reads as ``doc::key:s``, as ``doc::key:.2f`` reads."""

    def run(self):
        if "::" in self.text and ":" not in self.text.split("::", 1)[1]:
            self.text = f"{self.text}:s"
        return super().run()


class ApplyGluedFigureAlt(SphinxPostTransform):
    """Give the image pasted into a cross-document glue figure its ``:alt:`` text."""

    default_priority = 6  # right after myst-nb replaces the pending glue references (priority 5)

    def run(self, **kwargs) -> None:
        for figure in self.document.findall(nodes.figure):
            if ALT_ATTRIBUTE in figure:
                for image in figure.findall(nodes.image):
                    image["alt"] = figure[ALT_ATTRIBUTE]


class WriteGluedFigureImages(SphinxPostTransform):
    """Write the image file a cross-document glue figure points at.

    myst-nb 1.4 gives the pasted image a path in the build's ``_images/`` but never writes
    the file there (the page shows a broken image, the server answers 404).
    """

    default_priority = 6

    def run(self, **kwargs) -> None:
        page_folder = Path(self.app.builder.outdir, self.env.docname).parent
        for figure in self.document.findall(nodes.figure):
            if SOURCE_ATTRIBUTE not in figure:
                continue
            refdoc, key = figure[SOURCE_ATTRIBUTE]
            data = read_glue_cache(self.env.mystnb_config.output_folder, refdoc).get(key, {}).get("data", {})
            for image in figure.findall(nodes.image):
                path = (page_folder / image["uri"]).resolve()
                mime = f"image/{path.suffix.lstrip('.')}"
                if not path.exists() and mime in data:
                    path.parent.mkdir(parents=True, exist_ok=True)
                    path.write_bytes(a2b_base64(data[mime]))


def setup(app: Sphinx) -> dict:
    app.setup_extension("myst_nb")
    app.add_directive_to_domain("glue", "figure", CrossDocumentGlueFigure, override=True)
    app.add_role_to_domain("glue", "text", CrossDocumentGlueText(), override=True)
    app.add_post_transform(ApplyGluedFigureAlt)
    app.add_post_transform(WriteGluedFigureImages)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
