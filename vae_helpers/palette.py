"""The colours of the ten digit labels, for every map of the codes: Python's figures and the widgets.

One palette for both themes. Each colour keeps a contrast of at least 3:1 (WCAG 2, success
criterion 1.4.11, graphical objects) against the widgets' light background and their dark one
(``--vae-background`` in ``widgets/src/theme.css``: white, and the book's dark theme's #14181e):
that holds only for colours whose relative luminance lies between about 0.13 and 0.30, so
tab10's hues are kept and its light ones (orange, pink, olive, cyan) darkened into that band.
Its grey (digit 7) is replaced by a violet: every label colour is chromatic, so that the marks
drawn over the codes (the explorer's ring, q(z | x)'s ellipses, the true posterior, the
conditional explorer's cross) can be drawn in the theme's ink with a halo of its background,
a colour no digit has. ``tests/test_palette.py`` checks the contrasts and that the ten stay
apart from one another.

The widgets get the palette through their ``label_colours`` trait, so it is written only here.
"""

from __future__ import annotations

__all__ = ["LABEL_COLOURS"]

# Digit d is drawn in LABEL_COLOURS[d]. tab10's order (blue, orange, green, red, purple, brown,
# pink, [grey ->] violet, olive, cyan), so that a reader who knows matplotlib's maps is not lost.
LABEL_COLOURS: tuple[str, ...] = (
    "#1f77b4",
    "#db6d0c",
    "#2a9a2a",
    "#d62728",
    "#9467bd",
    "#955b50",
    "#d0559f",
    "#8645f7",
    "#8a8b19",
    "#1294a2",
)
