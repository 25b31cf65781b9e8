"""Sphinx extension: a note at the top of every notebook page on how to run it locally.

One place for the text, rather than a copy in every notebook.
"""

from __future__ import annotations

from docutils import nodes
from sphinx.application import Sphinx

NOTE = (
    "This page is a Jupyter notebook, executed when the book was built. To run it yourself, "
    "clone the repository, run ``make book`` once (it creates ``.venv/`` with everything "
    "installed), then ``.venv/bin/jupyter lab {path}``. The download button at the top "
    "gives you the ``.ipynb`` file."
)
# Binder installs the package from binder/requirements.txt; Colab opens the bare notebook, whose
# first code cell would fail on ``import vae_helpers`` without this.
COLAB = (
    " On Colab, first run ``%pip install git+{repository}`` in a new cell (it installs the "
    "book's package), and restart the session if Colab asks."
)


def add_run_locally_note(app: Sphinx, doctree: nodes.document) -> None:
    docname = app.env.docname
    if not docname.startswith("notebooks/"):
        return
    section = next(iter(doctree.findall(nodes.section)), None)
    if section is None:
        return
    note = nodes.note()
    paragraph = nodes.paragraph()
    note_text = NOTE.format(path=f"{docname}.ipynb")
    repository = app.config.html_theme_options.get("repository_url")
    if repository and app.config.html_theme_options.get("launch_buttons", {}).get("colab_url"):
        note_text += COLAB.format(repository=repository)
    for index, text in enumerate(note_text.split("``")):
        paragraph += nodes.literal(text, text) if index % 2 else nodes.Text(text)
    note += paragraph
    title_index = next(i for i, child in enumerate(section.children) if isinstance(child, nodes.title))
    section.insert(title_index + 1, note)


def setup(app: Sphinx) -> dict:
    app.connect("doctree-read", add_run_locally_note)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
