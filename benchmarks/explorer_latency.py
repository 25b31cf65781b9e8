"""Kernel-side latency of one change in the latent explorer, against the naive widget, in one run.

For each widget, the time from setting a slider's value to the updated image's PNG bytes
being ready to send to the browser:

- ``LatentExplorer`` (numpy decoder, images updated in place; the map's marker included);
- the naive widget: ``interact`` around ``decoder.predict`` and a new matplotlib figure,
  rendered to PNG as the inline backend does (:func:`vae_helpers.explorer.naive_explorer`).

The two are measured in alternating rounds, so both see the same load on a shared machine.
Also timed: a click on the map (the message ipyevents sends), and one decode alone by each path.
Run it with the project's environment: ``.venv/bin/python benchmarks/explorer_latency.py``.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import numpy as np  # noqa: E402

from vae_helpers.data import load_mnist  # noqa: E402
from vae_helpers.explorer import LatentExplorer, NumpyDecoder, naive_explorer, time_slider_updates  # noqa: E402
from vae_helpers.model import load_pretrained  # noqa: E402


def milliseconds(seconds: np.ndarray) -> str:
    median, p95 = 1e3 * np.median(seconds), 1e3 * np.percentile(seconds, 95)
    return f"median {median:7.2f} ms   p95 {p95:7.2f} ms   (n={len(seconds)})"


def time_map_clicks(explorer: LatentExplorer, points: np.ndarray) -> np.ndarray:
    """Seconds from a map click message (as ipyevents sends it) to the new digit's bytes."""
    seconds = []
    for z in points:
        x, y = explorer.latent_to_pixel(z)
        message = {"type": "mousedown", "dataX": round(x), "dataY": round(y), "buttons": 1}
        start = time.perf_counter()
        explorer.map_click._handle_mouse_msg(None, message, [])
        explorer.digit_view.value  # noqa: B018 - the bytes are ready once the handler returns
        seconds.append(time.perf_counter() - start)
    return np.array(seconds)


def time_calls(function, repeats: int) -> np.ndarray:
    seconds = []
    for _ in range(repeats):
        start = time.perf_counter()
        function()
        seconds.append(time.perf_counter() - start)
    return np.array(seconds)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=10, help="alternating rounds (default 10)")
    parser.add_argument("--explorer-updates", type=int, default=60, help="explorer updates per round")
    parser.add_argument("--naive-updates", type=int, default=8, help="naive updates per round")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()

    _, (x_test, y_test) = load_mnist()
    encoder, decoder = load_pretrained()
    explorer = LatentExplorer(encoder, decoder, x_test, y_test, seed=args.seed)
    with contextlib.redirect_stdout(io.StringIO()):
        naive = naive_explorer(decoder)  # interact runs its function once on creation
    rng = np.random.default_rng(args.seed)
    # Warm both paths up (the first predict call builds its prediction function).
    time_slider_updates(explorer.z1_slider, lambda: explorer.digit_view.value, [0.1, 0.2])
    with contextlib.redirect_stdout(io.StringIO()):
        time_slider_updates(naive.children[0], lambda: naive.result, [0.1, 0.2])

    ours, theirs, clicks = [], [], []
    for _ in range(args.rounds):
        values = rng.uniform(-3, 3, size=args.explorer_updates)
        ours.append(time_slider_updates(explorer.z1_slider, lambda: explorer.digit_view.value, values))
        clicks.append(time_map_clicks(explorer, rng.uniform(-3, 3, size=(args.explorer_updates, 2))))
        values = rng.uniform(-3, 3, size=args.naive_updates)
        # Outside a kernel, interact's clear_output writes terminal escapes to stdout: keep them out of the report.
        with contextlib.redirect_stdout(io.StringIO()):
            theirs.append(time_slider_updates(naive.children[0], lambda: naive.result, values))
    ours, theirs, clicks = np.concatenate(ours), np.concatenate(theirs), np.concatenate(clicks)

    fast = NumpyDecoder.from_keras(decoder)
    z = np.array([[0.5, -1.0]], dtype=np.float32)
    numpy_decode = time_calls(lambda: fast.decode(z), 500)
    keras_call = time_calls(lambda: decoder(z, training=False), 100)
    keras_predict = time_calls(lambda: decoder.predict(z, verbose=0), 20)

    print("slider change -> updated image bytes ready (kernel side)")
    print(f"  LatentExplorer (numpy decode, images in place):  {milliseconds(ours)}")
    print(f"  naive (interact + predict + new figure):         {milliseconds(theirs)}")
    print(f"  naive / explorer, medians:                       {np.median(theirs) / np.median(ours):7.0f} x")
    p95_ratio = np.percentile(theirs, 95) / np.percentile(ours, 95)
    print(f"  naive / explorer, p95:                           {p95_ratio:7.0f} x")
    print("map click -> updated image bytes ready")
    print(f"  LatentExplorer:                                  {milliseconds(clicks)}")
    print("one decode alone")
    print(f"  NumpyDecoder.decode:                             {milliseconds(numpy_decode)}")
    print(f"  decoder(z, training=False):                      {milliseconds(keras_call)}")
    print(f"  decoder.predict(z):                              {milliseconds(keras_predict)}")


if __name__ == "__main__":
    main()
