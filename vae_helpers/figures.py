r"""Figures that stay legible on a phone: the book's type sizes and widths, and a record of each image's smallest text.

A page shows a figure at most as wide as its column: on a phone held upright (390 CSS px)
the book's column is :data:`PHONE_COLUMN_PX` wide. A text of :math:`s` points in a figure
:math:`w` inches wide then renders at

.. math:: s \cdot \frac{1}{72} \cdot \frac{\text{column}}{w} \quad \text{CSS px},

whatever the dpi. So the book letters every text at :data:`SMALLEST_TEXT_PT` points or more
and draws its figures at most :data:`MAX_WIDTH_INCHES` wide (:data:`MAX_IMAGE_INCHES` once
cropped with a margin): then their smallest text renders
at :data:`SMALLEST_TEXT_PX` CSS px or more on a phone, and at its natural size
(:data:`SMALLEST_TEXT_PT` points at 100 dpi, about 15 px) on a laptop, where the column is
wider than the figure.

:func:`use_book_style` applies the type sizes to every figure drawn afterwards and, in a
notebook, writes into each PNG a ``tEXt`` entry :data:`TEXT_SIZE_KEY`: the height of its
smallest text in the image's own pixels, which the book's browser tests read back.
"""

from __future__ import annotations

import struct
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from io import BytesIO

import matplotlib as mpl
from matplotlib.figure import Figure

__all__ = [
    "BOOK_STYLE",
    "MAX_IMAGE_INCHES",
    "MAX_WIDTH_INCHES",
    "PHONE_COLUMN_PX",
    "SMALLEST_TEXT_PT",
    "SMALLEST_TEXT_PX",
    "TEXT_SIZE_KEY",
    "figure_png",
    "smallest_text_points",
    "use_book_style",
]

#: The width in CSS px of a chapter's figure on a 390 px wide phone (a notebook page's output is 358).
PHONE_COLUMN_PX = 342
#: The smallest size in CSS px at which a figure's text (tick labels, legends) may render on a phone.
SMALLEST_TEXT_PX = 9
#: The smallest type in the book's figures, in points.
SMALLEST_TEXT_PT = 11.0
#: The widest saved image, in inches, whose :data:`SMALLEST_TEXT_PT` text renders at :data:`SMALLEST_TEXT_PX` on a phone (5.81).
MAX_IMAGE_INCHES = SMALLEST_TEXT_PT / 72 * PHONE_COLUMN_PX / SMALLEST_TEXT_PX
_PAD_INCHES = 0.1  # the margin a tight crop leaves around what the figure draws
#: The widest figure, in inches, whose tight crop adds a margin on each side (:data:`MAX_IMAGE_INCHES`, less the margins and 2 %).
MAX_WIDTH_INCHES = 5.5
#: The ``tEXt`` keyword of a PNG's smallest text, in the image's pixels.
TEXT_SIZE_KEY = "vae_helpers:smallest_text_px"

#: The book's matplotlib settings. Every text at :data:`SMALLEST_TEXT_PT` or more (matplotlib's defaults go down
#: to 8.3 pt, a "small" legend), and figures :data:`MAX_WIDTH_INCHES` wide unless told otherwise.
BOOK_STYLE = {
    "figure.dpi": 100,
    "savefig.pad_inches": _PAD_INCHES,
    "figure.figsize": (MAX_WIDTH_INCHES, 3.8),
    "font.size": SMALLEST_TEXT_PT,
    "axes.labelsize": SMALLEST_TEXT_PT,
    "axes.titlesize": SMALLEST_TEXT_PT + 1,
    "figure.titlesize": SMALLEST_TEXT_PT + 2,
    "xtick.labelsize": SMALLEST_TEXT_PT,
    "ytick.labelsize": SMALLEST_TEXT_PT,
    "legend.fontsize": SMALLEST_TEXT_PT,
    "legend.title_fontsize": SMALLEST_TEXT_PT,
}


@contextmanager
def _recording_text_sizes() -> Iterator[list[float]]:
    """Within the block, every non-empty text an Agg renderer draws adds its size in points to the list yielded."""
    from matplotlib.backends.backend_agg import RendererAgg

    sizes: list[float] = []
    draw_text = RendererAgg.draw_text

    def recording_draw_text(self, gc, x, y, s, prop, angle, ismath=False, mtext=None):
        if s.strip():
            sizes.append(prop.get_size_in_points())
        return draw_text(self, gc, x, y, s, prop, angle, ismath=ismath, mtext=mtext)

    RendererAgg.draw_text = recording_draw_text
    try:
        yield sizes
    finally:
        RendererAgg.draw_text = draw_text


def _check_figure(figure: Figure) -> None:
    if not isinstance(figure, Figure):
        raise ValueError(f"figure must be a matplotlib Figure: got {type(figure).__name__}")


def smallest_text_points(figure: Figure) -> float:
    """The size in points of the smallest text ``figure`` draws (tick labels, legends, titles, annotations).

    Draws the figure once and records the size of every non-empty text the renderer is asked
    to draw: hidden texts and the tick labels of an axis turned off do not count. (A
    subscript in mathtext is drawn smaller than its text's size; it counts at that size.)
    ``inf`` when the figure draws no text.

    Raises
    ------
    ValueError
        If ``figure`` is not a matplotlib ``Figure``.
    """
    from matplotlib.backends.backend_agg import RendererAgg

    _check_figure(figure)
    with _recording_text_sizes() as sizes:
        figure.draw(RendererAgg(*figure.bbox.size, figure.dpi))
    return float(min(sizes, default=float("inf")))


def _with_text_chunk(png: bytes, keyword: str, text: str) -> bytes:
    """``png`` with a ``tEXt`` chunk ``keyword``: ``text`` after its header (the PNG specification's layout)."""
    header_end = 8 + 4 + 4 + 13 + 4  # signature, then IHDR: length, type, 13 bytes of data, CRC
    data = keyword.encode("latin-1") + b"\0" + text.encode("latin-1")
    chunk = struct.pack(">I", len(data)) + b"tEXt" + data + struct.pack(">I", zlib.crc32(b"tEXt" + data))
    return png[:header_end] + chunk + png[header_end:]


def figure_png(figure: Figure, dpi: float | None = None, **savefig) -> bytes:
    """``figure`` as PNG bytes, cropped to what it draws, with :data:`TEXT_SIZE_KEY` in its metadata.

    The entry is the smallest text's size in the image's pixels (points times dpi / 72),
    recorded while the figure is saved: the figure is drawn no more often than by ``savefig``.

    Raises
    ------
    ValueError
        If ``figure`` is not a matplotlib ``Figure``.
    """
    _check_figure(figure)
    dpi = figure.dpi if dpi is None else dpi
    buffer = BytesIO()
    with _recording_text_sizes() as sizes:
        figure.savefig(buffer, format="png", dpi=dpi, **{"bbox_inches": "tight", **savefig})
    points = min(sizes, default=float("inf"))
    return _with_text_chunk(buffer.getvalue(), TEXT_SIZE_KEY, f"{points * dpi / 72:.3f}")


def _inline_png(figure: Figure, **savefig) -> str | None:
    """The notebook's PNG of ``figure`` (base64, as IPython's own printer returns), stamped with its smallest text."""
    from base64 import b64encode

    if not figure.axes and not figure.lines:
        return None  # as IPython: an empty figure shows nothing
    return b64encode(figure_png(figure, **savefig)).decode("ascii")


def use_book_style() -> None:
    """Letter every figure drawn from now on at :data:`SMALLEST_TEXT_PT` or more; in IPython, stamp each PNG.

    The stamp, :data:`TEXT_SIZE_KEY` in the PNG's metadata, lets a browser test compute the
    size at which the smallest text of each figure renders on a page.
    """
    mpl.rcParams.update(BOOK_STYLE)
    try:
        from IPython import get_ipython
    except ImportError:
        return
    shell = get_ipython()
    if shell is None:
        return
    # The inline backend registers its own PNG printer for figures when it starts: start it
    # first, so that the printer registered here is the one that stays.
    import matplotlib.pyplot as plt

    plt.close(plt.figure())
    shell.display_formatter.formatters["image/png"].for_type(Figure, _inline_png)
