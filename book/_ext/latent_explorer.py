r"""Sphinx extension: the ``{latent-explorer}`` directive, the book's decoder run in the reader's browser.

The rendered book has no Python kernel, so ipywidgets cannot decode there; the decoder is
small (2 -> 128 -> 784), so ``latent-explorer.js`` runs it in the page. At the end of every
HTML build this extension exports, from :func:`vae_helpers.model.load_pretrained` (the
weights the notebooks use), into ``_static/``:

- ``latent-explorer-data.js``: the decoder's Dense layers (float32) and the held-out digits'
  latent means with their labels, base64 in a script, so the page works from ``file://`` too;
- ``latent-explorer-fallback.png``: the map and a grid of decodes, shown when JavaScript is off.

An unchanged export (same weights, same exporter) is not redone, so warm builds stay fast.
"""

from __future__ import annotations

import base64
import hashlib
import json
from pathlib import Path

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.util.docutils import SphinxDirective
from sphinx.util.osutil import relative_uri

STATIC = Path(__file__).resolve().with_name("static")
DATA_SCRIPT = "latent-explorer-data.js"
FALLBACK_IMAGE = "latent-explorer-fallback.png"
EXPORT_VERSION = 1  # of the exported format; with the weights' sha256 and this file's hash, the export's fingerprint
FALLBACK_GRID = 9  # decodes per side in the fallback figure
TAB10 = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"]


class latent_explorer_node(nodes.General, nodes.Element):
    """Where the explorer goes; the HTML writer fills it in."""


def _model_summary() -> dict:
    """Sizes from the shipped weights' metadata, for the caption (no Keras needed)."""
    metadata = json.loads((_weights_folder() / "metadata.json").read_text())
    from vae_helpers.data import N_PIXELS

    latent_dim, hidden = metadata["training"]["latent_dim"], metadata["training"]["hidden"]
    pixels = N_PIXELS
    return {
        "latent_dim": latent_dim,
        "hidden": hidden,
        "pixels": pixels,
        "weights": latent_dim * hidden + hidden + hidden * pixels + pixels,
        "n_test": metadata["data"]["n_test"],
    }


def _weights_folder() -> Path:
    import vae_helpers

    return Path(vae_helpers.__file__).with_name("weights")


class LatentExplorerDirective(SphinxDirective):
    """``{latent-explorer}``: the map, the decoded digit and two sliders, live in the page."""

    has_content = False

    def run(self) -> list[nodes.Node]:
        self.env.note_dependency(str(_weights_folder() / "metadata.json"))
        node = latent_explorer_node()
        node["summary"] = _model_summary()
        return [node]


def visit_latent_explorer_html(translator, node: latent_explorer_node) -> None:
    page = translator.builder.get_target_uri(translator.builder.current_docname)
    fallback = relative_uri(page, f"_static/{FALLBACK_IMAGE}")
    s = node["summary"]
    translator.body.append(f"""
<div class="latent-explorer" data-state="loading">
  <div class="latent-explorer__panels" hidden>
    <div class="latent-explorer__map-panel">
      <canvas class="latent-explorer__map" width="400" height="400" tabindex="0" role="application"
        aria-roledescription="latent map"
        aria-label="Map of latent space: the held-out digits at their means, coloured by label, and a point you can move. Drag the point, click anywhere on the map, or focus the map and use the arrow keys (Shift for larger steps)."></canvas>
      <ul class="latent-explorer__legend" aria-label="Colours of the digits on the map">
        {"".join(f'<li><span style="background:{colour}"></span>{digit}</li>' for digit, colour in enumerate(TAB10))}
      </ul>
    </div>
    <div class="latent-explorer__digit-panel">
      <canvas class="latent-explorer__digit" width="280" height="280" role="img"
        aria-label="The digit the decoder draws at the point"></canvas>
      <output class="latent-explorer__readout" aria-live="polite"></output>
      <label class="latent-explorer__slider">z₁
        <input type="range" data-axis="0" step="0.01" value="0" aria-label="z1, the first latent coordinate">
      </label>
      <label class="latent-explorer__slider">z₂
        <input type="range" data-axis="1" step="0.01" value="0" aria-label="z2, the second latent coordinate">
      </label>
    </div>
  </div>
  <p class="latent-explorer__status" role="status">Loading the decoder&hellip;</p>
  <noscript>
    <img class="latent-explorer__fallback" src="{fallback}" alt="Left: the {s['n_test']:,} held-out digits at their latent means, coloured by label; each digit forms its own region. Right: the digits the decoder draws on a {FALLBACK_GRID} by {FALLBACK_GRID} grid of latent points covering the same square; they change gradually from one digit to the next.">
    <p>With JavaScript on, you can drag a point through this map and watch the decoded digit change.</p>
  </noscript>
  <p class="latent-explorer__caption">The book's trained decoder ({s['latent_dim']} &rarr; {s['hidden']} &rarr; {s['pixels']}, {s['weights']:,} weights) runs in your browser. The map shows the {s['n_test']:,} held-out digits at their encoder means &mu;.</p>
</div>
""")
    raise nodes.SkipNode


def skip_node(translator, node) -> None:
    raise nodes.SkipNode


def add_page_scripts(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    """Load the explorer's data, code and style on the pages that show it, only."""
    if doctree is None or not any(doctree.findall(latent_explorer_node)):
        return
    app.add_css_file("latent-explorer.css")
    app.add_js_file(DATA_SCRIPT, defer="defer")
    app.add_js_file("latent-explorer.js", defer="defer")


def _export_fingerprint() -> str:
    metadata = json.loads((_weights_folder() / "metadata.json").read_text())
    # This file and the explorer module (its map_limit and NumpyDecoder) decide what the export holds.
    code = Path(__file__).read_bytes() + (_weights_folder().parent / "explorer.py").read_bytes()
    return f"{metadata['sha256']}-{EXPORT_VERSION}-{hashlib.sha256(code).hexdigest()[:16]}"


def export(static: Path) -> None:
    """Write the decoder, the held-out means and the fallback figure into ``static``, unless up to date."""
    fingerprint = _export_fingerprint()
    data_path, image_path = static / DATA_SCRIPT, static / FALLBACK_IMAGE
    if image_path.is_file() and data_path.is_file() and fingerprint in data_path.read_text()[:500]:
        return

    import numpy as np

    from vae_helpers.data import load_mnist
    from vae_helpers.explorer import NumpyDecoder, map_limit
    from vae_helpers.model import encode, load_pretrained, pretrained_metadata

    encoder, decoder = load_pretrained()
    metadata = pretrained_metadata()
    (_, _), (x_test, y_test) = load_mnist(metadata["data"]["source"], seed=metadata["data"].get("split_seed", 0))
    means, _ = encode(encoder, x_test)
    limit = map_limit(means)

    chunks, offset = [], 0

    def add(array: np.ndarray) -> dict:
        nonlocal offset
        data = np.ascontiguousarray(array).astype(array.dtype.newbyteorder("<")).tobytes()
        entry = {"offset": offset, "shape": list(array.shape), "dtype": str(array.dtype)}
        chunks.append(data)
        offset += len(data)
        return entry

    # The notebooks' numpy twin of the decoder: its Dense layers, checked to decode as Keras does.
    layers = []
    for index, (kernel, bias, activation) in enumerate(NumpyDecoder.from_keras(decoder).layers):
        if activation not in ("relu", "linear"):
            raise ValueError(f"the in-page decoder runs relu/linear layers only: got {activation!r} in layer {index}")
        kernel, bias = kernel.astype(np.float32), bias.astype(np.float32)
        layers.append({"activation": activation, "kernel": add(kernel), "bias": add(bias)})
    manifest = {
        "fingerprint": fingerprint,
        "about": "The shipped 2-D VAE decoder (Dense layers, logits out; sigmoid gives pixels) and the held-out latent means",
        "weights_sha256": metadata["sha256"],
        "image_shape": [28, 28],
        "layers": layers,
        "output": "sigmoid",
        "means": add(means.astype(np.float32)),
        "labels": add(np.asarray(y_test, dtype=np.uint8)),
        "limit": limit,
    }
    manifest["payload"] = base64.b64encode(b"".join(chunks)).decode("ascii")
    static.mkdir(parents=True, exist_ok=True)
    image_path.write_bytes(_fallback_png(decoder, means, y_test, limit))
    data_path.write_text(f"window.latentExplorerData = {json.dumps(manifest)};\n")


def _fallback_png(decoder, means, labels, limit: float) -> bytes:
    """The map and a grid of decodes over the same square: what the page shows without JavaScript."""
    import io

    import numpy as np
    from matplotlib.figure import Figure

    from vae_helpers.model import decode
    from vae_helpers.plotting import digit_grid, draw_digits

    figure = Figure(figsize=(10, 4.8), dpi=100, layout="constrained")
    map_axes, grid_axes = figure.subplots(1, 2)
    for label in range(10):
        points = means[labels == label]
        map_axes.scatter(points[:, 0], points[:, 1], s=7, color=TAB10[label], alpha=0.75, linewidths=0, label=str(label))
    map_axes.set(xlim=(-limit, limit), ylim=(-limit, limit), xlabel="$z_1$", ylabel="$z_2$", aspect="equal")
    map_axes.set_title("held-out digits at their means $\\mu$", fontsize=10)
    map_axes.legend(title="digit", loc="upper left", bbox_to_anchor=(1.0, 1.0), frameon=False, markerscale=2.5, fontsize=8)
    # Grid cell centres, top row first so that z2 grows upwards as on the map.
    centres = (np.arange(FALLBACK_GRID) + 0.5) / FALLBACK_GRID * 2 * limit - limit
    z = np.array([(z1, z2) for z2 in centres[::-1] for z1 in centres], dtype=np.float32)
    grid = digit_grid(decode(decoder, z), ncols=FALLBACK_GRID, padding=0)
    draw_digits(grid_axes, grid, extent=(-limit, limit, -limit, limit))
    grid_axes.set(xlabel="$z_1$", ylabel="$z_2$")
    grid_axes.set_title(f"decoded on a {FALLBACK_GRID} x {FALLBACK_GRID} grid of $z$", fontsize=10)
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    return buffer.getvalue()


def export_after_build(app: Sphinx, exception: Exception | None) -> None:
    if exception is None and app.builder.format == "html":
        export(Path(app.builder.outdir) / "_static")


def add_static_path(app: Sphinx, config) -> None:
    if str(STATIC) not in config.html_static_path:
        config.html_static_path = [*config.html_static_path, str(STATIC)]


def setup(app: Sphinx) -> dict:
    app.add_node(
        latent_explorer_node,
        html=(visit_latent_explorer_html, None),
        latex=(skip_node, None),
        text=(skip_node, None),
        man=(skip_node, None),
        texinfo=(skip_node, None),
    )
    app.add_directive("latent-explorer", LatentExplorerDirective)
    app.connect("config-inited", add_static_path)
    app.connect("html-page-context", add_page_scripts)
    app.connect("build-finished", export_after_build)
    return {"version": str(EXPORT_VERSION), "parallel_read_safe": True, "parallel_write_safe": True}
