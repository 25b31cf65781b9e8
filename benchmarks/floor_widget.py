"""The least a widget can do: the floors under benchmarks/widget_latency.py's figures.

A canvas of a widget's size, on which every move clears the canvas and draws one dot; nothing
goes to Python, nothing else on the page changes. Two ways to move it, as the book's widgets
are moved:

- ``control="slider"``: a range input beside the canvas (the panels, the explorer's z sliders);
- ``control="map"``: the canvas itself, pressed and dragged as the explorer's map is: the press
  captures the pointer and takes the keyboard focus (the map's arrow keys work after a click).

What it takes from a pointer move to new pixels is the browser's own part (the wait for a
frame, the frame's work), in whichever home it is shown: what no widget moved that way can do
better there.
"""

from __future__ import annotations

import anywidget
import traitlets

ESM = """
const SIZE = 360;

function render({ model, el }) {
  const control = model.get("control");
  const height = control === "map" ? SIZE : 230;
  const canvas = document.createElement("canvas");
  const ratio = window.devicePixelRatio || 1;
  canvas.width = SIZE * ratio;
  canvas.height = height * ratio;
  canvas.style.cssText = `width:${SIZE}px;height:${height}px;touch-action:none`;
  const context = canvas.getContext("2d");
  context.scale(ratio, ratio);
  const draw = (x, y) => {
    context.clearRect(0, 0, SIZE, height);
    context.fillStyle = "#1f77b4";
    context.beginPath();
    context.arc(x, y, 6, 0, 2 * Math.PI);
    context.fill();
  };
  if (control === "map") {
    canvas.tabIndex = 0;
    let dragging = null;
    const follow = (event) => {
      const box = canvas.getBoundingClientRect();
      draw(event.clientX - box.left, event.clientY - box.top);
    };
    canvas.addEventListener("pointerdown", (event) => {
      if (event.button !== 0) return;
      dragging = event.pointerId;
      canvas.setPointerCapture(event.pointerId);
      canvas.focus({ preventScroll: true });
      follow(event);
      event.preventDefault();
    });
    canvas.addEventListener("pointermove", (event) => {
      if (dragging === event.pointerId) follow(event);
    });
    canvas.addEventListener("pointerup", () => { dragging = null; });
    draw(SIZE / 2, SIZE / 2);
    el.append(canvas);
  } else {
    const row = document.createElement("label");
    row.style.cssText = "display:flex;align-items:center;gap:0.5em;font:14px sans-serif;user-select:none";
    const input = document.createElement("input");
    Object.assign(input, { type: "range", min: 0, max: 1, step: 0.01, value: 0.2 });
    input.style.width = "12em";
    input.dataset.trait = "value";
    row.append("value", input);
    const redraw = () => draw(20 + 320 * Number(input.value), 115);
    input.addEventListener("input", redraw);
    redraw();
    el.append(row, canvas);
  }
  el.classList.add("latency-floor");
  el.dataset.control = control;
  el.dataset.state = "ready";
}
export default { render };
"""


class FloorWidget(anywidget.AnyWidget):
    """One canvas redrawn in the input handler (of a slider or of the canvas), with no state sent anywhere."""

    _esm = ESM
    control = traitlets.Enum(["slider", "map"], default_value="slider").tag(sync=True)

    def __init__(self, control: str = "slider") -> None:
        super().__init__(control=control)
