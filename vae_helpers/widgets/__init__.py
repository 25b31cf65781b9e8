"""The book's widgets: each one is an anywidget whose ES module computes and draws in the browser.

One widget, two homes: the same module runs in JupyterLab (a live kernel) and in the static
book (no kernel), so a slider move redraws at once in both. How they are built and how to add
one, end to end: ``vae_helpers/widgets/README.md``.

The contract between Python and JavaScript, for every widget here:

- **One bundle per widget.** The JavaScript is a graph of ES modules in ``src/`` (the widget's
  own ``src/NAME.js`` imports what it shares: ``maths.js``, each formula the page computes,
  once; ``plot.js``, the DOM and plotting kit; ``send.js``, when Python hears of a move;
  ``dense.js``, a Dense chain). ``make widgets`` bundles each with esbuild into
  ``static/NAME.js`` (and its CSS into ``static/NAME.css``), shipped in the package. The Python
  class derives from ``BookWidget`` (``_base.py``) and names it
  (``module = "NAME"``); anywidget sends the bundle as ``_esm``, so the saved widget state
  carries the code. The module exports ``default { render }``, where ``render({ model, el })``
  builds all of its own markup inside ``el`` (Python writes no HTML) and returns a clean-up.
- **Traits are the only channel, declared once, in Python.** Each synced trait is declared in
  the widget's class with its type and range (``_traits.py``); the page
  reads it (``model.get("name")``), listens (``model.on("change:name", ...)``) and, for the
  reader's inputs, writes it (``model.set`` then ``model.save_changes``). The sliders' ranges
  come from the ``ranges`` trait, never from constants in the JavaScript. A test reads every
  trait name in each bundle and checks it is a synced trait of that widget.
- **Every value is checked, wherever it comes from.** The constructor, a setter, a direct
  assignment and the browser go through the same trait checks: a bad value raises a
  ``ValueError`` naming the trait before anything is sent or drawn; numpy scalars and arrays
  are taken where a number or a list is meant. What only Python writes is read-only.
- **Draw first, then tell Python.** A widget draws in the input handler; Python hears of the
  move after the frame, and of a drag when it is let go (``src/send.js``: in JupyterLab every
  message makes the page show the kernel busy, then idle, in the frames the drag waits for).
  Arrays travel as little-endian binary buffers, never as JSON lists. Quantities Python
  computes for code and tests (entropies, divergences) are read-only traits that are *not*
  synced: the page computes its own, and the tests check that both agree.
- **What the page shows is readable back**: every number shown is an
  ``<output data-quantity=NAME data-value=FULL_PRECISION>`` (NAME as the Python trait), every
  control carries ``data-trait=NAME`` and its trait's ``data-value``, and
  ``el.dataset.state`` becomes ``"ready"`` after the first draw. Browser tests and benchmarks
  use these, not the inner layout.
- **In the static book** ``book/_ext/static/widgets-offline.js`` renders the state that the
  executed notebook saved (notebook pages) or that the ``{widget}`` directive writes (prose
  pages, ``book/_ext/widget_directive.py``): it hosts the module itself, with the part of
  anywidget's front end a module uses (``get``, ``set``, ``on``/``off``, ``save_changes``,
  ``send``, buffers as ``DataView``), without the Jupyter widget manager. An explorer's weights
  may arrive there at float16 (the layer's ``dtype`` says so): read both dtypes. Weights the
  reader may never use (the explorer's encoder, the models of its switch) may arrive only when
  asked for: their buffers are ``null`` until ``model.request(trait, index)`` (absent in
  JupyterLab, where every trait is whole) resolves and ``change:TRAIT`` fires; ask at the first
  use and say that it is loading meanwhile (``src/dense.js``'s ``hasWeights``).
  Without a kernel, ``save_changes`` sends nothing and the module's own maths keeps the plot in step.

Modules: :mod:`~vae_helpers.widgets.panels` (chapters 1-2), :mod:`~vae_helpers.widgets.elbo` (chapter 3),
:mod:`~vae_helpers.widgets.explorer` (chapter 6's latent explorer; it imports Keras, so it loads only when asked for),
:mod:`~vae_helpers.widgets.conditional` (chapter 8's conditional explorer, likewise).
"""

from vae_helpers.widgets.elbo import ElboPanel
from vae_helpers.widgets.panels import CoinPanel, DistributionPanel, GaussianKLPanel

__all__ = [
    "CoinPanel", "DistributionPanel", "GaussianKLPanel", "ElboPanel", "LatentExplorer", "pretrained_explorer",
    "ConditionalExplorer", "conditional_explorer",
]


def __getattr__(name: str):
    # The explorers import TensorFlow (seconds): the panels' pages should not pay for it.
    if name in ("LatentExplorer", "pretrained_explorer"):
        from vae_helpers.widgets import explorer

        return getattr(explorer, name)
    if name in ("ConditionalExplorer", "conditional_explorer"):
        from vae_helpers.widgets import conditional

        return getattr(conditional, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
