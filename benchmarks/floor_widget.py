"""The least a slider widget can do: the floor under benchmarks/widget_latency.py's figures.

One range input and one canvas of a panel's size; on every move the canvas is cleared and a
dot drawn at the slider's value. Nothing goes to Python, nothing else on the page changes.
What it takes from a pointer move to new pixels is the browser's own part (the wait for a
frame, the frame's work), in whichever home it is shown: what no widget can do better there.
"""

from __future__ import annotations

import anywidget

ESM = """
function render({ el }) {
  const row = document.createElement("label");
  row.style.cssText = "display:flex;align-items:center;gap:0.5em;font:14px sans-serif;user-select:none";
  const input = document.createElement("input");
  Object.assign(input, { type: "range", min: 0, max: 1, step: 0.01, value: 0.2 });
  input.style.width = "12em";
  input.dataset.trait = "value";
  row.append("value", input);
  const canvas = document.createElement("canvas");
  const ratio = window.devicePixelRatio || 1;
  canvas.width = 360 * ratio;
  canvas.height = 230 * ratio;
  canvas.style.width = "360px";
  const context = canvas.getContext("2d");
  context.scale(ratio, ratio);
  const draw = () => {
    context.clearRect(0, 0, 360, 230);
    context.fillStyle = "#1f77b4";
    context.beginPath();
    context.arc(20 + 320 * Number(input.value), 115, 6, 0, 2 * Math.PI);
    context.fill();
  };
  input.addEventListener("input", draw);
  draw();
  el.classList.add("latency-floor");
  el.dataset.state = "ready";
  el.append(row, canvas);
}
export default { render };
"""


class FloorWidget(anywidget.AnyWidget):
    """One slider and one canvas redrawn in the input handler, with no state sent anywhere."""

    _esm = ESM
