"""Weights a reader may never use load when the widget asks for them (issue 29).

On a static page the explorer's drawing pad's encoder (notebook 06: 1.07 MB at float32, most of
its first load), the conditional explorer's (chapter 8: 1.08 MB, half its widget's) and the models
of the explorer's switch (chapter 6's beta = 0 and beta = 10) travel in files
of their own beside the page (``book/_ext/site_assets.py``, ``deferred_part``), which the loader
(``book/_ext/static/widgets-offline.js``) fetches when the widget asks (``model.request``): the
encoder at the first press on the pad, a model when the reader switches to it. Checked here: the
files the build writes (against the bytes of the saved state), and in Chromium against the build
(``VAE_BOOK_PREBUILT_HTML=_build/html`` while working): what is fetched when, and that what arrives
encodes and decodes as the shipped models do.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re

import numpy as np
import pytest

import site_assets  # book/_ext/ is on pytest's pythonpath (pyproject.toml)
from browser import (  # noqa: F401  (browser, site, visit, pretrained: fixtures)
    Reader, browser, page_decoder_dtype, pretrained, site, visit,
)
from browser_harness import draw_stroke

WIDGET_STATE = r'<script type="application/vnd.jupyter.widget-state\+json">(.*?)</script>'
ENCODER_TOLERANCE = 1e-4  # mu and log_var: float32 weights, sums in double precision (test_encoder.py's)


def _buffer(path: list, data: bytes) -> dict:
    return {"path": path, "encoding": "base64", "data": base64.b64encode(data).decode()}


def _explorer_state(rng) -> tuple[dict, dict]:
    """An explorer's saved model (its pad's choices, so its own encoder and its other models' weights are
    deferred), with one other model; and the bytes of each buffer by path."""
    paths = [["codes"], ["decoder_layers", 0, "kernel"], ["encoder_layers", 0, "kernel"], ["encoder_layers", 0, "bias"],
             ["models", 0, "codes"], ["models", 0, "decoder_layers", 0, "kernel"], ["models", 0, "encoder_layers", 0, "kernel"],
             ["models", 1, "decoder_layers", 0, "kernel"]]
    data = {tuple(path): rng.integers(0, 256, 4000 + 8 * k, dtype=np.uint8).tobytes() for k, path in enumerate(paths)}
    data[("tiny",)] = b"\x01\x02"
    state = {"pad_choices": [{"label": 1, "index": 0}], "encoder_layers": [{"kernel": None}],
             "decoder_layers": [{"kernel": None}], "models": [{}, {}]}
    model = {"model_name": "AnyModel", "model_module": "anywidget", "state": state,
             "buffers": [_buffer(list(path), content) for path, content in data.items()]}
    return model, data


def _saved_buffers(page) -> tuple[dict, dict]:
    """The page's one state, and each buffer's bytes by path, read back from the files it names."""
    saved = json.loads(re.search(WIDGET_STATE, page.read_text(), re.S).group(1))
    files = [saved["buffers_file"], *saved.get("deferred_files", [])]
    contents = []
    for file in files:
        content = (page.parent / file["url"]).read_bytes()
        assert hashlib.sha256(content).hexdigest() == file["sha256"]
        contents.append(content)
    out = {}
    for buffer in saved["state"]["m"]["buffers"]:
        if "offset" not in buffer:
            out[tuple(buffer["path"])] = base64.b64decode(buffer["data"])
            continue
        content = contents[0 if "deferred" not in buffer else 1 + buffer["deferred"]]
        out[tuple(buffer["path"])] = content[buffer["offset"]:][:buffer["length"]]
    return saved, out


def test_the_pads_encoder_and_each_other_model_travel_in_a_file_of_their_own(tmp_path):
    model, data = _explorer_state(np.random.default_rng(0))
    page = tmp_path / "06_latent_explorer.html"
    page.write_text(f'<script type="application/vnd.jupyter.widget-state+json">{json.dumps({"state": {"m": model}})}</script>'
                    '<div><script type="application/vnd.jupyter.widget-view+json">{"model_id": "m"}</script></div>')
    binaries = site_assets.move_buffers_beside(page)
    saved, read_back = _saved_buffers(page)
    assert read_back == data  # every buffer's bytes, wherever they went
    assert len(binaries) == 4 and all(binary.is_file() for binary in binaries)
    parts = [(part["model"], part["trait"], part["index"]) for part in saved["deferred_files"]]
    assert parts == [("m", "encoder_layers", None), ("m", "models", 0), ("m", "models", 1)]
    by_part = {}
    for buffer in saved["state"]["m"]["buffers"]:
        by_part.setdefault(buffer.get("deferred"), []).append(buffer["path"])
    # What the widget shows at once stays in its own file: the maps' codes (its own and the other models').
    assert by_part[None] == [["codes"], ["decoder_layers", 0, "kernel"], ["models", 0, "codes"], ["tiny"]]
    assert by_part[0] == [["encoder_layers", 0, "kernel"], ["encoder_layers", 0, "bias"]]
    assert by_part[1] == [["models", 0, "decoder_layers", 0, "kernel"], ["models", 0, "encoder_layers", 0, "kernel"]]
    assert by_part[2] == [["models", 1, "decoder_layers", 0, "kernel"]]
    before = page.read_text()
    assert site_assets.move_buffers_beside(page) == [] and page.read_text() == before


def test_the_conditional_explorers_encoder_travels_apart_and_a_widget_that_asks_for_nothing_gets_everything(tmp_path):
    """The conditional explorer (known by its code_labels) asks for its pad's encoder only; another
    widget with traits of these names gets every buffer with its state."""
    model, data = _explorer_state(np.random.default_rng(1))
    del model["state"]["pad_choices"]
    model["buffers"].append(_buffer(["code_labels"], b"\x07\x02"))  # bytes travel as a buffer, not in the state
    data[("code_labels",)] = b"\x07\x02"
    page = tmp_path / "08_conditional_vae.html"
    html = ('<script type="application/vnd.jupyter.widget-state+json">{}</script>'
            '<div><script type="application/vnd.jupyter.widget-view+json">{{"model_id": "m"}}</script></div>')
    page.write_text(html.format(json.dumps({"state": {"m": model}})))
    assert len(site_assets.move_buffers_beside(page)) == 2
    saved, read_back = _saved_buffers(page)
    assert read_back == data
    assert [(part["trait"], part["index"]) for part in saved["deferred_files"]] == [("encoder_layers", None)]
    # Without the marker: one file, nothing deferred.
    model, data = _explorer_state(np.random.default_rng(2))
    del model["state"]["pad_choices"]
    other = tmp_path / "other.html"
    other.write_text(html.format(json.dumps({"state": {"m": model}})))
    assert len(site_assets.move_buffers_beside(other)) == 1
    saved, read_back = _saved_buffers(other)
    assert read_back == data and "deferred_files" not in saved


# -- in Chromium, against the build ---------------------------------------------------------------

def _deferred_urls(page, site_url: str, name: str) -> dict:
    """The deferred files of the page's first state that has any, by part ("encoder_layers", "models 0" ...), as absolute URLs."""
    states = page.evaluate("""() => [...document.querySelectorAll('script[type^="application/vnd.jupyter.widget-state+json"]')]
      .map(script => JSON.parse(script.textContent))""")
    parts = next(state["deferred_files"] for state in states if state.get("deferred_files"))
    folder = site_url + name.rsplit("/", 1)[0] + "/"
    return {f"{part['trait']}{'' if part['index'] is None else ' ' + str(part['index'])}": folder + part["url"] for part in parts}


def _fetched(page) -> list[str]:
    """Every URL the page has fetched so far (the browser's resource timing: from the navigation on)."""
    return page.evaluate("() => performance.getEntriesByType('resource').map(entry => entry.name)")


def _loaded(page) -> None:
    """Wait until the explorer and its pad ask for nothing more (site: data-loading on either while weights travel)."""
    page.wait_for_function("() => !document.querySelector('.vae-explorer[data-loading], .vae-explorer [data-loading]')",
                           timeout=30_000)


@pytest.mark.slow
def test_notebook_06s_encoder_loads_at_the_first_press_on_the_pad_and_encodes_as_before(visit, site, pretrained):
    from vae_helpers.numpy_decoder import NumpyDecoder

    name = "notebooks/06_latent_explorer"
    opened = visit(name)
    reader = Reader(opened.page)
    urls = _deferred_urls(opened.page, site, name)
    assert set(urls) == {"encoder_layers"}, urls
    # Loaded, the explorer drawn and moved: no byte of the encoder yet.
    reader.api("setLatent(0.5, -0.5)")
    reader.next_frame()
    assert urls["encoder_layers"] not in _fetched(opened.page)
    assert opened.page.evaluate("document.querySelector('.vae-encoder').dataset.loading") is None
    # The encoder's file is held on its way until the stroke is drawn: the pad says it is loading,
    # keeps the stroke, and encodes it once the file arrives.
    held = []
    opened.page.route(urls["encoder_layers"], lambda route: held.append(route))
    draw_stroke(opened.page, [(0.52, 0.12), (0.50, 0.5), (0.47, 0.88)])
    opened.page.wait_for_timeout(300)
    assert len(held) == 1, "the press on the pad did not ask for the encoder"
    assert opened.page.evaluate("document.querySelector('.vae-encoder').dataset.loading") == "encoder"
    assert "Loading the encoder" in opened.page.locator(".vae-encoder").inner_text()
    probe = "document.querySelector('.vae-explorer').latentExplorer.encoder"
    assert opened.page.evaluate(f"{probe}.posterior") is None and opened.page.evaluate(f"{probe}.x") is not None
    held[0].continue_()
    _loaded(opened.page)
    assert _fetched(opened.page).count(urls["encoder_layers"]) == 1, "the press on the pad did not fetch the encoder"
    x = np.array(opened.page.evaluate(f"{probe}.x"))
    posterior = opened.page.evaluate(f"{probe}.posterior")
    assert posterior is not None, "the stroke drawn while the encoder loaded was not encoded when it arrived"
    # The encoder travels at float32: the shipped model's mu and log_var for the drawn digit.
    expected = NumpyDecoder.from_keras_encoder(pretrained[0]).logits(x[None].astype(np.float64))[0]
    np.testing.assert_allclose(posterior["mu"], expected[:2], atol=ENCODER_TOLERANCE)
    np.testing.assert_allclose(posterior["logVar"], expected[2:], atol=ENCODER_TOLERANCE)
    assert not opened.problems, "\n".join(opened.problems)


@pytest.mark.slow
def test_chapter_6s_beta_0_model_loads_when_the_reader_switches_to_it_and_draws(visit, site):
    from vae_helpers.model import load_pretrained
    from vae_helpers.numpy_decoder import NumpyDecoder, half_precision
    from vae_helpers.pretrained import beta_folder
    from vae_helpers.widgets.explorer import beta_name

    name = "book/06_latent_explorer"
    opened = visit(name)
    reader = Reader(opened.page)
    urls = _deferred_urls(opened.page, site, name)
    assert set(urls) == {"encoder_layers", "models 0", "models 1"}, urls
    assert not set(urls.values()) & set(_fetched(opened.page))
    # Held on its way: the explorer says it is loading and shows beta = 1 until the file arrives.
    held = []
    opened.page.route(urls["models 0"], lambda route: held.append(route))
    opened.page.locator(".vae-encoder__models input").nth(1).check()
    opened.page.wait_for_timeout(300)
    assert len(held) == 1, "switching to beta = 0 did not ask for its model"
    assert opened.page.evaluate("document.querySelector('.vae-explorer').dataset.loading") == "model"
    assert reader.api("modelName") == beta_name(1.0)
    assert "Loading the model" in opened.page.locator(".vae-encoder").inner_text()
    held[0].continue_()
    _loaded(opened.page)
    fetched = _fetched(opened.page)
    assert fetched.count(urls["models 0"]) == 1, "switching to beta = 0 did not fetch its model"
    assert reader.api("modelName") == beta_name(0.0)
    assert urls["models 1"] not in fetched and urls["encoder_layers"] not in fetched
    # What it draws is beta = 0's decoder (at the dtype the page carries it in).
    dtype = page_decoder_dtype(opened.page, "models", ("models", 0, "decoder_layers", 0, "dtype"))
    decoder = NumpyDecoder.from_keras(load_pretrained(beta_folder(0.0))[1])
    decoder = half_precision(decoder) if dtype == "float16" else decoder
    reader.api("setLatent(0.3, -0.2)")
    z, pixels, _ = reader.state()
    np.testing.assert_allclose(pixels, decoder.decode(z[None].astype(np.float64))[0], atol=1e-5)
    assert not opened.problems, "\n".join(opened.problems)


@pytest.mark.slow
def test_chapter_8s_encoder_loads_at_the_first_stroke_and_reads_the_style_as_before(visit, site):
    from vae_helpers.cvae import encode_style, load_pretrained

    name = "book/08_conditional_vae"
    opened = visit(name)
    page = opened.page
    page.locator(".vae-cvae").first.scroll_into_view_if_needed()
    page.wait_for_function("() => document.querySelector('.vae-cvae')?.conditionalExplorer")
    urls = _deferred_urls(page, site, name)
    assert set(urls) == {"encoder_layers"}, urls
    # Drawn and answering (a digit chosen, the point moved): no byte of the encoder yet.
    page.locator(".vae-cvae__digits button", has_text="1").click()
    page.locator(".vae-cvae").first.focus()
    page.keyboard.press("ArrowRight")
    assert urls["encoder_layers"] not in _fetched(page)
    # Held on its way: the pad says it is loading and keeps the stroke; it is read when the file arrives.
    held = []
    page.route(urls["encoder_layers"], lambda route: held.append(route))
    pad = page.locator(".vae-cvae__pad").bounding_box()
    page.mouse.move(pad["x"] + 0.55 * pad["width"], pad["y"] + 0.15 * pad["height"])
    page.mouse.down()
    page.mouse.move(pad["x"] + 0.45 * pad["width"], pad["y"] + 0.85 * pad["height"], steps=10)
    page.mouse.up()
    page.wait_for_timeout(300)
    assert len(held) == 1, "the stroke did not ask for the encoder"
    assert "Loading the encoder" in page.locator(".vae-cvae__status").inner_text()
    probe = "document.querySelector('.vae-cvae').conditionalExplorer"
    assert page.evaluate(f"{probe}.style") is None and page.evaluate(f"{probe}.x") is not None
    held[0].continue_()
    page.wait_for_function(f"() => {probe}.style !== null", timeout=30_000)
    assert _fetched(page).count(urls["encoder_layers"]) == 1
    # The encoder travels at float32: the shipped encoder's style for the drawn 1.
    x = np.array(page.evaluate(f"{probe}.x"))
    expected = encode_style(load_pretrained()[0], x[None, :], 1)[0][0]
    np.testing.assert_allclose(page.evaluate(f"{probe}.style"), expected, atol=ENCODER_TOLERANCE * (1 + np.abs(expected).max()))
    assert "style" in page.locator(".vae-cvae__status").inner_text()
    assert not opened.problems, "\n".join(opened.problems)
