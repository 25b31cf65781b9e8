"""The shared base of the book's widgets: an anywidget whose front end is a bundle in ``static/``."""

from __future__ import annotations

from pathlib import Path

import anywidget
import traitlets

HERE = Path(__file__).resolve().parent
STATIC = HERE / "static"


def bundle_path(name: str, suffix: str = ".js") -> Path:
    """The bundle ``static/NAME.js`` (or ``.css``) that ``make widgets`` builds from ``src/NAME.js``.

    Raises
    ------
    ValueError
        If there is no such bundle.
    """
    path = STATIC / f"{name}{suffix}"
    if path.parent != STATIC or not path.is_file():
        raise ValueError(f"name must name a bundle in {STATIC} (run make widgets): got {name!r}")
    return path


class BookWidget(anywidget.AnyWidget):
    """An anywidget whose front end is the bundle named by the subclass's ``module`` attribute.

    Subclasses write ``module = "NAME"``: ``_esm`` and ``_css`` become the paths of
    ``static/NAME.js`` and ``static/NAME.css``. anywidget sends their text (so the saved widget
    state carries the code, and the static book can run it) and, with ``ANYWIDGET_HMR=1`` and
    the package installed from a checkout, reloads them in JupyterLab when they change.

    Every synced trait declared with a range (:mod:`vae_helpers.widgets._traits`) publishes it in
    ``ranges``, ``{name: [low, high, step]}``: the page's sliders read their ranges there.
    """

    module: str = ""
    ranges = traitlets.Dict(read_only=True).tag(sync=True)

    def __init_subclass__(cls, **kwargs) -> None:
        # Only where `module` is written: ipywidgets subclasses each instance's class to add
        # traits. Before anywidget's own hook, which turns the paths into watched file contents.
        if "module" in cls.__dict__:
            cls._esm = bundle_path(cls.module)
            cls._css = bundle_path(cls.module, ".css")
        super().__init_subclass__(**kwargs)

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        ranges = {}
        for name, trait in self.traits(sync=True).items():
            span = getattr(trait, "slider_range", lambda: None)()
            if span is not None:
                ranges[name] = span
        self.set_trait("ranges", ranges)
