"""The shared base of the book's widgets: an anywidget whose ES module is a sibling ``.js`` file."""

from __future__ import annotations

from pathlib import Path

import anywidget

HERE = Path(__file__).resolve().parent


def module_source(filename: str) -> str:
    """The text of the ES module ``filename`` in ``vae_helpers/widgets/`` (what ``_esm`` holds).

    Raises
    ------
    ValueError
        If there is no such file beside this module.
    """
    path = HERE / filename
    if path.parent != HERE or not path.is_file():
        raise ValueError(f"filename must name a .js file in {HERE}: got {filename!r}")
    return path.read_text(encoding="utf-8")


class BookWidget(anywidget.AnyWidget):
    """An anywidget whose front end is the ES module named by the subclass's ``module`` attribute.

    Subclasses write ``module = "name.js"``, or a tuple of files whose texts are joined in
    that order into one module (``("_send.js", "_panel.js", "panels.js")``: when Python hears of
    a move, the parts the panels share, then the panel's own). The text goes into ``_esm`` (a
    string, not a path, so that the saved widget state carries the code and the static book
    can run it).
    """

    module: str | tuple[str, ...] = ""

    def __init_subclass__(cls, **kwargs) -> None:
        super().__init_subclass__(**kwargs)
        # Only where `module` is written: ipywidgets subclasses each instance's class to add
        # traits, and `_esm` is a trait there.
        if "module" in cls.__dict__:
            files = (cls.module,) if isinstance(cls.module, str) else cls.module
            cls._esm = "\n".join(module_source(filename) for filename in files)
