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
"""

from __future__ import annotations

from docutils import nodes
from myst_nb.ext.glue.directives import PasteFigureDirective
from myst_nb.ext.glue.utils import PendingGlueReferenceError, create_pending_glue_ref, glue_warning
from sphinx.application import Sphinx
from sphinx.transforms.post_transforms import SphinxPostTransform

ALT_ATTRIBUTE = "glue_alt"


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


class ApplyGluedFigureAlt(SphinxPostTransform):
    """Give the image pasted into a cross-document glue figure its ``:alt:`` text."""

    default_priority = 6  # right after myst-nb replaces the pending glue references (priority 5)

    def run(self, **kwargs) -> None:
        for figure in self.document.findall(nodes.figure):
            if ALT_ATTRIBUTE in figure:
                for image in figure.findall(nodes.image):
                    image["alt"] = figure[ALT_ATTRIBUTE]


def setup(app: Sphinx) -> dict:
    app.setup_extension("myst_nb")
    app.add_directive_to_domain("glue", "figure", CrossDocumentGlueFigure, override=True)
    app.add_post_transform(ApplyGluedFigureAlt)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
