"""The book's widgets: each one is an anywidget whose ES module computes and draws in the browser.

One widget, two homes: the same ``.js`` file runs in JupyterLab (a live kernel) and in the
static book (no kernel), so a slider move redraws at once in both.

The contract between Python and JavaScript, for every widget here:

- **One module per widget family**, ``vae_helpers/widgets/NAME.js`` beside ``NAME.py``. The
  Python class derives from ``vae_helpers.widgets._base.BookWidget`` and names it
  (``module = "NAME.js"``); its text becomes the ``_esm`` trait, so the saved widget state
  carries the code. The module is self-contained (no imports: anywidget loads it from a
  string): the panels share their plotting and controls in ``_panel.js``, and every widget
  that sends a reader's drag to Python shares when it sends in ``_send.js``; ``_esm`` holds
  their texts in front of the widget's own (``module = ("_send.js", "_panel.js", "NAME.js")``). It
  exports ``default { render }``, where ``render({ model, el })`` builds all of
  its own markup inside ``el`` (Python writes no HTML) and returns a clean-up function. It
  also exports its pure functions by name, so the tests run them against the Python ones.
  A widget whose module grows a second part keeps it in a file of its own, joined after the
  first the same way (the explorer's drawing pad: ``module = ("explorer.js", "encoder.js")``):
  one ES module in the page, two files to read.
- **Traits are the only channel.** A trait tagged ``sync=True`` is the data the JavaScript
  reads (``model.get(name)``) and, for the reader's inputs, writes (``model.set(name, value)``
  then ``model.save_changes()``); it listens with ``model.on("change:NAME", callback)``.
  A widget draws in the input handler and calls ``save_changes`` once the frame is drawn, so
  that the pixels never wait for the message to Python; during a drag, when the reader lets
  go (``_send.js``: in JupyterLab every message makes the page show the kernel busy, then
  idle, in the frames the drag waits for). Python's traits hold a drag's value from then on.
  Arrays travel as little-endian binary buffers (``bytes`` traits, or inside lists of dicts),
  never as JSON lists: weights as float32, or float16 where the widget states and tests a
  tolerance (the explorer's switchable models), with a ``dtype`` field saying which.
  Quantities Python computes for code and tests (entropies, divergences) are read-only
  traits that are *not* synchronised: the page computes its own, and the tests check that
  both agree. Each module documents its traits in its Python module's docstring.
- **Inputs are checked in Python**: the constructor raises ``ValueError`` naming the argument
  before anything is sent or drawn, and setting a trait to a bad value raises the same.
- **What the page shows is readable back**: every number shown is an
  ``<output data-quantity=NAME data-value=FULL_PRECISION>`` (NAME as the Python trait), every
  control carries ``data-trait=NAME`` and its trait's ``data-value``, and
  ``el.dataset.state`` becomes ``"ready"`` after the first draw. Browser tests and benchmarks
  use these, not the inner layout.
- **In the static book** the Jupyter widget manager renders the state that the executed
  notebook saved (notebook pages) or that the ``{widget}`` directive writes (prose pages,
  ``book/_ext/widget_directive.py``), with anywidget's front end served from the book itself
  (``vendor/widgets/anywidget.js``). Without a kernel, ``save_changes`` sends nothing and
  the module's own maths keeps the plot in step.

Modules: :mod:`~vae_helpers.widgets.panels` (chapters 1-2), :mod:`~vae_helpers.widgets.elbo` (chapter 3),
:mod:`~vae_helpers.widgets.explorer` (chapter 6's latent explorer; it imports Keras, so it loads only when asked for).
"""

from vae_helpers.widgets.elbo import ElboPanel
from vae_helpers.widgets.panels import CoinPanel, DistributionPanel, GaussianKLPanel

__all__ = ["CoinPanel", "DistributionPanel", "GaussianKLPanel", "ElboPanel", "LatentExplorer", "pretrained_explorer"]


def __getattr__(name: str):
    # The explorer imports TensorFlow (seconds): the panels' pages should not pay for it.
    if name in ("LatentExplorer", "pretrained_explorer"):
        from vae_helpers.widgets import explorer

        return getattr(explorer, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
