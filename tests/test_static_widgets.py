"""The widgets of the book's static pages: the small anywidget host and the weights the pages carry.

``book/_ext/static/widgets-offline.js`` renders a saved state of anywidgets without the Jupyter
widget manager; the model it hands a widget's module is checked against the one the manager
hands it (the same probe module, the same state, in Chromium), not against a description of
either. ``book/_ext/site_assets.py`` stores an explorer's own float32 decoder at float16 when its
decodes move by at most ``HALF_PRECISION_TOLERANCE`` over the map: checked against decodes computed
here by hand, and, on the built notebook 06, against the shipped models at float32.
"""

from __future__ import annotations

import base64
import json
import re
import shutil
from pathlib import Path

import numpy as np
import pytest

import site_assets
from browser import _unavailable
from browser_harness import CHROMIUM_ARGS, serve

from vae_helpers.numpy_decoder import HALF_PRECISION_TOLERANCE

STATIC = Path(site_assets.__file__).with_name("static")
WIDGET_STATE = r'<script type="application/vnd.jupyter.widget-state\+json">(.*?)</script>'


# -- float16 weights on the static pages ----------------------------------------------------------

def _buffer(path: list, array: np.ndarray) -> dict:
    return {"path": path, "encoding": "base64", "data": base64.b64encode(array.tobytes()).decode()}


def _explorer(decoder_scale: float = 1.0, inputs: int = 2, seed: int = 0) -> tuple[dict, dict]:
    """A 2-D explorer's saved model (two small Dense chains, a few pad digits) and its float32 weights."""
    rng = np.random.default_rng(seed)
    shapes = {"decoder_layers": [(inputs, 16, "relu"), (16, 784, "linear")],
              "encoder_layers": [(784, 16, "relu"), (16, 4, "linear")]}
    state = {"limit": 4.0}
    buffers, weights = [], {}
    for name, layers in shapes.items():
        state[name] = []
        for index, (n_in, n_out, activation) in enumerate(layers):
            scale = decoder_scale if name == "decoder_layers" else 1.0
            kernel = (scale * rng.standard_normal((n_in, n_out)) / np.sqrt(n_in)).astype("<f4")
            bias = (0.1 * rng.standard_normal(n_out)).astype("<f4")
            state[name].append({"activation": activation, "inputs": n_in, "outputs": n_out, "dtype": "float32",
                                "kernel": None, "bias": None})
            buffers += [_buffer([name, index, "kernel"], kernel), _buffer([name, index, "bias"], bias)]
            weights[name, index] = (kernel, bias, activation)
    digits = rng.integers(0, 256, (5, 784)).astype(np.uint8)
    buffers.append(_buffer(["pad_digits"], digits))
    weights["pad_digits"] = digits
    return {"model_name": "AnyModel", "model_module": "anywidget", "state": state, "buffers": buffers}, weights


def _forward(layers: list, x: np.ndarray) -> np.ndarray:
    """The chain by hand (float64 sums), as the page runs it."""
    h = x
    for kernel, bias, activation in layers:
        h = h @ kernel.astype(np.float64) + bias.astype(np.float64)
        h = np.maximum(h, 0) if activation == "relu" else h
    return h


def _sigmoid(logits: np.ndarray) -> np.ndarray:
    return 1 / (1 + np.exp(-logits))


def _half(layers: list) -> list:
    return [(kernel.astype(np.float16), bias.astype(np.float16), activation) for kernel, bias, activation in layers]


def test_an_explorers_decoder_travels_at_float16_rounded_when_its_decodes_move_little():
    model, weights = _explorer()
    move = site_assets.halve_explorer_weights(model)
    decoder = [weights["decoder_layers", i] for i in range(2)]
    # The move, computed by hand: over a 41 x 41 grid of the map's square.
    axis = np.linspace(-4, 4, 41)
    grid = np.stack(np.meshgrid(axis, axis), axis=-1).reshape(-1, 2)
    by_hand = np.abs(_sigmoid(_forward(_half(decoder), grid)) - _sigmoid(_forward(decoder, grid))).max()
    assert move == pytest.approx(by_hand, rel=1e-9) and 0 < by_hand <= HALF_PRECISION_TOLERANCE
    # Each decoder layer says float16, and its buffers hold its float32 weights rounded to float16,
    # little-endian; the encoder and the pad's digits are left as they were.
    saved = {tuple(buffer["path"]): base64.b64decode(buffer["data"]) for buffer in model["buffers"]}
    for (name, index), (kernel, bias, _activation) in ((key, value) for key, value in weights.items() if key != "pad_digits"):
        dtype = "<f2" if name == "decoder_layers" else "<f4"
        assert model["state"][name][index]["dtype"] == {"<f2": "float16", "<f4": "float32"}[dtype]
        assert saved[name, index, "kernel"] == kernel.astype(dtype).tobytes()
        assert saved[name, index, "bias"] == bias.astype(dtype).tobytes()
    assert saved["pad_digits",] == weights["pad_digits"].tobytes()
    # Done once: a second pass finds no float32 decoder.
    assert site_assets.halve_explorer_weights(model) is None


def test_a_decoder_whose_decodes_float16_moves_too_far_stays_float32():
    # Decoder kernels of a few thousand: float16 keeps 11 bits, so the logits move by whole units.
    model, _weights = _explorer(decoder_scale=3000.0)
    before = json.dumps(model)
    assert site_assets.halve_explorer_weights(model) > HALF_PRECISION_TOLERANCE
    assert json.dumps(model) == before


def test_a_decoder_that_is_not_a_2d_explorers_is_left_alone():
    # A decoder of 12 inputs in a widget that is not the conditional explorer: no map grid to check it on.
    model, _weights = _explorer(inputs=12)
    before = json.dumps(model)
    assert site_assets.halve_explorer_weights(model) is None and json.dumps(model) == before


def test_the_conditional_explorers_decoder_is_checked_on_every_label_before_it_travels_at_float16():
    # Its decoder reads [z, one_hot(label)] (12 inputs); the conditional explorer has code_labels.
    model, weights = _explorer(inputs=12)
    model["buffers"].append(_buffer(["code_labels"], np.arange(10, dtype=np.uint8)))
    move = site_assets.halve_explorer_weights(model)
    decoder = [weights["decoder_layers", i] for i in range(2)]
    axis = np.linspace(-4, 4, 41)
    grid = np.stack(np.meshgrid(axis, axis), axis=-1).reshape(-1, 2)
    inputs = np.vstack([np.hstack([grid, np.tile(np.eye(10)[label], (len(grid), 1))]) for label in range(10)])
    by_hand = np.abs(_sigmoid(_forward(_half(decoder), inputs)) - _sigmoid(_forward(decoder, inputs))).max()
    assert move == pytest.approx(by_hand, rel=1e-9) and 0 < by_hand <= HALF_PRECISION_TOLERANCE
    assert all(layer["dtype"] == "float16" for layer in model["state"]["decoder_layers"])


def test_the_page_beside_file_holds_the_float16_decoder(tmp_path):
    model, weights = _explorer()
    state = {"version_major": 2, "version_minor": 0, "state": {"m": model}}
    page = tmp_path / "06_latent_explorer.html"
    page.write_text(f'<script type="application/vnd.jupyter.widget-state+json">{json.dumps(state)}</script>'
                    '<div><script type="application/vnd.jupyter.widget-view+json">{"model_id": "m"}</script></div>')
    binary, = site_assets.move_buffers_beside(page)
    saved = json.loads(re.search(WIDGET_STATE, page.read_text(), re.S).group(1))["state"]["m"]
    kernel = next(buffer for buffer in saved["buffers"] if buffer["path"] == ["decoder_layers", 1, "kernel"])
    content = binary.read_bytes()[kernel["offset"]:kernel["offset"] + kernel["length"]]
    assert content == weights["decoder_layers", 1][0].astype("<f2").tobytes()
    assert saved["state"]["decoder_layers"][1]["dtype"] == "float16"


def test_a_page_carries_each_widget_modules_code_once(tmp_path):
    code, style = "export default { render() {} };" + " " * 2000, ".a {}" + " " * 2000
    models = {key: {"model_name": "AnyModel", "model_module": "anywidget", "model_module_version": "~0.11.*", "buffers": [],
                    "state": {"_esm": code, "_css": style if key != "c" else ".c {}", "x": key}} for key in ("a", "b", "c")}
    views = "".join(f'<div><script type="application/vnd.jupyter.widget-view+json">{{"model_id": "{key}"}}</script></div>'
                    for key in models)
    page = tmp_path / "01_information_theory.html"
    page.write_text(f'<script type="application/vnd.jupyter.widget-state+json">{json.dumps({"state": models})}</script>{views}')
    assert site_assets.move_buffers_beside(page) == []
    saved = {}
    for text in re.findall(WIDGET_STATE, page.read_text(), re.S):
        saved |= json.loads(text)["state"]
    # The first model keeps the code; the others name it; a short stylesheet stays where it is.
    assert saved["a"]["state"]["_esm"] == code and saved["a"]["state"]["_css"] == style and "shared" not in saved["a"]
    assert saved["b"]["state"]["_esm"] == saved["b"]["state"]["_css"] == "" and saved["b"]["shared"] == {"_esm": "a", "_css": "a"}
    assert saved["c"]["state"]["_css"] == ".c {}" and saved["c"]["shared"] == {"_esm": "a"}
    assert page.read_text().count("export default") == 1
    before = page.read_text()
    assert site_assets.move_buffers_beside(page) == [] and page.read_text() == before


@pytest.mark.slow
def test_notebook_06s_explorers_decode_within_the_tolerance_of_the_shipped_models_at_float32(built_book):
    """Every chain notebook 06's page carries is the shipped model's (at float16: rounded), and moves its decodes <= 0.02:
    over a grid of the map (the decoder), at the means of 1,000 held-out digits (the encoder)."""
    assert built_book.returncode == 0, built_book.log[-3000:]
    from vae_helpers.data import load_mnist
    from vae_helpers.model import load_pretrained
    from vae_helpers.numpy_decoder import NumpyDecoder, half_precision, half_precision_errors
    from vae_helpers.pretrained import beta_folder

    page = built_book.html / "notebooks" / "06_latent_explorer.html"
    states = [json.loads(text) for text in re.findall(WIDGET_STATE, page.read_text(encoding="utf-8"), re.S)]
    # The page's two explorers: the book's VAE (beta = 1), then the autoencoder (beta = 0).
    assert len(states) == 2
    (_, _), (x_test, _) = load_mnist()
    halved = []
    for state, beta in zip(states, (1.0, 0.0)):
        encoder, decoder = load_pretrained(beta_folder(beta))
        shipped = {"decoder_layers": NumpyDecoder.from_keras(decoder), "encoder_layers": NumpyDecoder.from_keras_encoder(encoder)}
        # The widget's own file, then each deferred part's (the pad's encoder: tests/test_deferred_weights.py).
        contents = [(page.parent / file["url"]).read_bytes() for file in [state["buffers_file"], *state.get("deferred_files", [])]]
        model = next(model for model in state["state"].values() if model["model_name"] == "AnyModel")
        buffers = {tuple(buffer["path"]): (contents[1 + buffer.get("deferred", -1)][buffer["offset"]:][:buffer["length"]]
                                           if "offset" in buffer else base64.b64decode(buffer["data"])) for buffer in model["buffers"]}
        for name, twin in shipped.items():
            layers = model["state"][name]
            dtype = {"float32": "<f4", "float16": "<f2"}[layers[0]["dtype"]]
            page_layers = [(np.frombuffer(buffers[name, i, "kernel"], dtype).reshape(layer["inputs"], layer["outputs"]),
                            np.frombuffer(buffers[name, i, "bias"], dtype), layer["activation"]) for i, layer in enumerate(layers)]
            expected = twin if dtype == "<f4" else half_precision(twin)
            for (kernel, bias, _), (want_kernel, want_bias, _) in zip(page_layers, expected.layers):
                np.testing.assert_array_equal(kernel, want_kernel.astype(dtype))
                np.testing.assert_array_equal(bias, want_bias.astype(dtype))
            if dtype == "<f2":
                halved.append((beta, name))
        limit = model["state"]["limit"]
        axis = np.linspace(-limit, limit, 41)
        grid = np.stack(np.meshgrid(axis, axis), axis=-1).reshape(-1, 2)
        page_decoder = half_precision(shipped["decoder_layers"]) if (beta, "decoder_layers") in halved else shipped["decoder_layers"]
        page_encoder = half_precision(shipped["encoder_layers"]) if (beta, "encoder_layers") in halved else shipped["encoder_layers"]
        float32 = shipped["decoder_layers"]
        assert np.abs(page_decoder.decode(grid) - float32.decode(grid)).max() <= HALF_PRECISION_TOLERANCE
        images = x_test[:1000].reshape(-1, 784).astype(np.float64)
        means = shipped["encoder_layers"].logits(images)[:, :2]
        page_means = page_encoder.logits(images)[:, :2]
        assert np.abs(float32.decode(page_means) - float32.decode(means)).max() <= HALF_PRECISION_TOLERANCE
        if beta == 1.0:
            # Why the encoder stays float32 (site_assets.py): at float16 it would move the decode of some
            # of the 10,000 held-out digits by more than the tolerance.
            all_images = x_test.reshape(-1, 784).astype(np.float64)
            assert half_precision_errors(shipped["encoder_layers"], float32, all_images)[1] > HALF_PRECISION_TOLERANCE
    # The book's VAE's decoder travels at float16: a quarter of notebook 06's first load.
    assert (1.0, "decoder_layers") in halved


# -- the host against the manager, in Chromium ------------------------------------------------------

# A widget module that exercises what the book's modules use of their model, and writes what it saw.
PROBE = """
export default {
  initialize({ model }) { model.set("initialized", true); },
  render({ model, el }) {
    const seen = [];
    const kernel = model.get("layers")[0].kernel, codes = model.get("codes");
    const floats = (view) => Array.from(new Float32Array(view.buffer.slice(view.byteOffset, view.byteOffset + view.byteLength)));
    const out = {
      dataViews: [kernel instanceof DataView, codes instanceof DataView],
      kernel: floats(kernel), codes: Array.from(new Uint8Array(codes.buffer, codes.byteOffset, codes.byteLength)).slice(0, 5),
      codesLength: codes.byteLength, x: model.get("x"), initialized: model.get("initialized"),
    };
    const onX = (_model, value) => seen.push(["change:x", value, model.get("x")]);
    model.on("change:x", onX);
    model.on("change:z", (_model, value) => seen.push(["change:z", value]));
    model.set("x", 2);
    seen.push("after set");
    model.set("x", 2);
    model.set("z", [0.5, 1.5]);
    model.set("z", [0.5, 1.5]);
    model.save_changes();
    model.send({ hello: 1 });
    model.off("change:x", onX);
    model.set("x", 3);
    out.seen = seen;
    out.last = model.get("x");
    el.dataset.probe = JSON.stringify(out);
  },
};
"""


def _probe_page(folder: Path, with_manager: bool) -> str:
    """A page with one probe widget, its kernel in a beside file (as site_assets.py writes it), its codes in the state."""
    import hashlib

    kernel = np.arange(1200, dtype="<f4") / 7
    codes = bytes(range(256)) * 40
    content = kernel.tobytes()
    binary = folder / f"probe.{'manager' if with_manager else 'host'}.bin"
    binary.write_bytes(content)
    probe = {"_anywidget_id": "tests.Probe", "_css": ".probe-marker { color: rgb(1, 2, 3); }", "_esm": PROBE,
             "_model_module": "anywidget", "_model_module_version": "~0.11.*", "_model_name": "AnyModel",
             "_view_module": "anywidget", "_view_module_version": "~0.11.*", "_view_name": "AnyView",
             "_dom_classes": [], "_view_count": None, "layout": "IPY_MODEL_layout", "tabbable": None, "tooltip": None,
             "x": 1, "z": [0.5, 1.5], "initialized": False, "layers": [{"kernel": None}], "codes": None}
    models = {
        "probe": {"model_name": "AnyModel", "model_module": "anywidget", "model_module_version": "~0.11.*", "state": probe,
                  "buffers": [{"path": ["layers", 0, "kernel"], "encoding": "base64", "data": "", "offset": 0, "length": len(content)},
                              {"path": ["codes"], "encoding": "base64", "data": base64.b64encode(codes).decode()}]},
        "layout": {"model_name": "LayoutModel", "model_module": "@jupyter-widgets/base", "model_module_version": "2.0.0",
                   "state": {"_model_module": "@jupyter-widgets/base", "_model_module_version": "2.0.0",
                             "_model_name": "LayoutModel", "_view_module": "@jupyter-widgets/base",
                             "_view_module_version": "2.0.0", "_view_name": "LayoutView"}},
    }
    # A second probe whose code is the first's (site_assets.py keeps one copy a page): the loader puts it back.
    twin = json.loads(json.dumps(models["probe"]))
    twin["state"]["_esm"], twin["shared"] = "", {"_esm": "probe"}
    twin["buffers"][1]["data"] = base64.b64encode(codes).decode()
    models["twin"] = twin
    if with_manager:
        # A core widget no view draws: a state the host does not take, so the manager renders it.
        models["other"] = {"model_name": "IntSliderModel", "model_module": "@jupyter-widgets/controls",
                           "model_module_version": "2.0.0", "state": {}}
    state = {"version_major": 2, "version_minor": 0, "state": models,
             "buffers_file": {"url": binary.name, "sha256": hashlib.sha256(content).hexdigest()}}
    name = f"probe_{'manager' if with_manager else 'host'}.html"
    (folder / name).write_text(
        '<!DOCTYPE html><html><head><meta charset="utf-8"><link rel="icon" href="data:,"><span class="probe-marker"></span>'
        f'<script type="application/vnd.jupyter.widget-state+json">{json.dumps(state)}</script>'
        '<script defer src="_static/widgets-offline.js"></script></head><body>'
        + "".join(f'<div class="cell_output"><script type="application/vnd.jupyter.widget-view+json">{{"model_id": "{key}", "version_major": 2, "version_minor": 0}}</script></div>'
                  for key in ("probe", "twin")) +
        "</body></html>")
    return name


@pytest.fixture(scope="module")
def probe_site(tmp_path_factory):
    """The loader from the source tree and the vendored manager (book/_vendor, installed by make book), with two probe pages."""
    vendor = site_assets.VENDOR / "vendor"
    if not (vendor / "html-manager" / "embed-amd.js").is_file():
        pytest.skip("book/_vendor/ is not installed (make book)")
    folder = tmp_path_factory.mktemp("probe_site")
    (folder / "_static").mkdir()
    shutil.copy(STATIC / "widgets-offline.js", folder / "_static" / "widgets-offline.js")
    (folder / "vendor").symlink_to(vendor, target_is_directory=True)
    pages = {kind: _probe_page(folder, kind == "manager") for kind in ("host", "manager")}
    server = serve(folder)
    yield f"http://127.0.0.1:{server.server_port}/", pages
    server.shutdown()
    server.server_close()


def _probe(browser, url: str) -> tuple[dict, str, str, list[str]]:
    context = browser.new_context()
    page = context.new_page()
    problems: list[str] = []
    page.on("console", lambda message: message.type == "error" and problems.append(message.text))
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.on("response", lambda response: response.status >= 400 and problems.append(f"HTTP {response.status}: {response.url}"))
    page.goto(url, wait_until="load")
    page.wait_for_function("() => document.querySelectorAll('[data-probe]').length === 2", timeout=60_000)
    seen, twin = page.evaluate("() => Array.from(document.querySelectorAll('[data-probe]'), el => JSON.parse(el.dataset.probe))")
    assert twin == seen, "the second probe, whose code was the first's, saw another model"
    colour = page.evaluate("() => getComputedStyle(document.querySelector('.probe-marker')).color")
    kind = page.evaluate("() => document.documentElement.dataset.widgetManager")
    in_subarea = page.evaluate("() => document.querySelectorAll('.cell_output > .widget-subarea [data-probe]').length === 2")
    context.close()
    assert in_subarea, "the widget is not drawn in a widget-subarea of its output"
    return seen, colour, kind, problems


@pytest.mark.slow
def test_the_host_gives_a_widget_the_model_the_manager_gives_it(probe_site):
    executable = shutil.which("chromium")
    if executable is None:
        _unavailable("no chromium on the PATH: install Debian's browser with `apt-get install chromium`")
    from playwright.sync_api import sync_playwright

    base, pages = probe_site
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, headless=True, args=CHROMIUM_ARGS)
        host, host_colour, host_kind, host_problems = _probe(browser, base + pages["host"])
        manager, manager_colour, manager_kind, manager_problems = _probe(browser, base + pages["manager"])
        browser.close()
    assert (host_kind, manager_kind) == ("host", "loading"), "each page did not take the path meant for it"
    assert host_problems == [] and manager_problems == []
    assert host == manager
    # And what both give, worked out by hand: buffers as DataViews at their paths (the beside file's
    # and the state's), set() calls change listeners at once and not for an equal value, off() removes.
    assert host["dataViews"] == [True, True]
    assert host["kernel"] == pytest.approx((np.arange(1200, dtype="<f4") / 7).tolist())
    assert (host["codes"], host["codesLength"]) == ([0, 1, 2, 3, 4], 256 * 40)
    assert host["initialized"] is True and host["x"] == 1
    assert host["seen"] == [["change:x", 2, 2], "after set"]
    assert host["last"] == 3
    assert host_colour == manager_colour == "rgb(1, 2, 3)"
