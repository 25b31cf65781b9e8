// The parts the panels share (panels.js, chapters 1-2; elbo.js, chapter 3): the Gaussian
// density, canvas plots, sliders, readouts, and setting a trait from a slider.
// Not a module of its own: anywidget loads a widget's module from a string, which cannot
// import, so BookWidget (_base.py) puts this text in front of the panel's file in `_esm`,
// after _send.js (`module = ("_send.js", "_panel.js", "panels.js")`). Its top-level names
// are the panel file's too.

// ---- maths (exported for the tests, with the panel's own) ----------------------------------

const LOG_2PI = Math.log(2 * Math.PI);

/** log N(x; mu, sigma^2). */
export function normalLogPdf(x, mu, sigma) {
  const u = (x - mu) / sigma;
  return -0.5 * (LOG_2PI + 2 * Math.log(sigma)) - 0.5 * u * u;
}

export function normalPdf(x, mu, sigma) {
  return Math.exp(normalLogPdf(x, mu, sigma));
}

// ---- drawing -------------------------------------------------------------------------------

const P_COLOR = "#1f77b4";
const Q_COLOR = "#ff7f0e";
const FONT = "12px sans-serif";

/** A canvas of `width` x `height` CSS pixels, sharp on high-density screens, with plot margins. */
function makeCanvas(parent, width, height, label) {
  const canvas = document.createElement("canvas");
  const ratio = window.devicePixelRatio || 1;
  canvas.width = Math.round(width * ratio);
  canvas.height = Math.round(height * ratio);
  canvas.style.width = `${width}px`;
  canvas.style.maxWidth = "100%";
  canvas.setAttribute("role", "img");
  canvas.setAttribute("aria-label", label);
  parent.append(canvas);
  const context = canvas.getContext("2d");
  context.scale(ratio, ratio);
  return { canvas, context, width, height, left: 48, right: 10, top: 12, bottom: 34 };
}

/** Clear the plot, draw its axes, and return functions mapping data to canvas coordinates. */
function axes(plot, xRange, yRange, xLabel, yLabel) {
  const { context: c, width, height, left, right, top, bottom } = plot;
  c.clearRect(0, 0, width, height);
  const sx = (x) => left + ((x - xRange[0]) / (xRange[1] - xRange[0])) * (width - left - right);
  const sy = (y) => height - bottom - ((y - yRange[0]) / (yRange[1] - yRange[0])) * (height - top - bottom);
  c.strokeStyle = "#444";
  c.lineWidth = 1;
  c.beginPath();
  c.moveTo(left, top);
  c.lineTo(left, height - bottom);
  c.lineTo(width - right, height - bottom);
  c.stroke();
  c.fillStyle = "#222";
  c.font = FONT;
  c.textAlign = "center";
  c.textBaseline = "alphabetic";
  c.fillText(xLabel, (left + width - right) / 2, height - 4);
  c.save();
  c.translate(12, (top + height - bottom) / 2);
  c.rotate(-Math.PI / 2);
  c.fillText(yLabel, 0, 0);
  c.restore();
  c.textAlign = "right";
  c.textBaseline = "middle";
  for (const y of [yRange[0], (yRange[0] + yRange[1]) / 2, yRange[1]]) c.fillText(y.toFixed(2), left - 4, sy(y));
  return { sx, sy };
}

function line(c, xs, ys, sx, sy, color, width = 2, dash = []) {
  c.strokeStyle = color;
  c.lineWidth = width;
  c.setLineDash(dash);
  c.beginPath();
  xs.forEach((x, i) => (i === 0 ? c.moveTo(sx(x), sy(ys[i])) : c.lineTo(sx(x), sy(ys[i]))));
  c.stroke();
  c.setLineDash([]);
}

// ---- controls and readouts -----------------------------------------------------------------

/** A labelled range input for trait `trait` (entry `index` of a list trait); `onInput(value)` runs on every move. */
function slider(parent, { label, trait, index, min, max, step, value, onInput }) {
  const row = document.createElement("label");
  row.className = "vae-panel__control";
  // No text selection starts in the row: in JupyterLab a drag that may select text makes Chromium
  // lay out and pre-paint the whole page at every pointer move, before the frame.
  row.style.cssText = "display:flex;align-items:center;gap:0.5em;margin:0.15em 0;font:14px sans-serif;user-select:none";
  const name = document.createElement("span");
  name.textContent = label;
  name.style.minWidth = "4.5em";
  const input = document.createElement("input");
  Object.assign(input, { type: "range", min, max, step });
  input.value = String(value);
  input.style.width = "12em";
  // JupyterLab takes arrow keys for its own shortcuts unless told not to: keep them for the slider.
  input.setAttribute("data-lm-suppress-shortcuts", "true");
  input.dataset.trait = trait;
  if (index !== undefined) input.dataset.index = String(index);
  const shown = document.createElement("span");
  shown.style.cssText = "min-width:3em;font-variant-numeric:tabular-nums";
  row.append(name, input, shown);
  parent.append(row);
  input.addEventListener("input", () => onInput(Number(input.value)));
  return {
    input,
    show(current) {
      input.value = String(current);
      input.dataset.value = String(current); // the trait's value: input.value is rounded to the step
      shown.textContent = current.toFixed(2);
    },
  };
}

/** A readout: text for the reader, the full-precision number in data-value. */
function readout(parent, quantity) {
  const output = document.createElement("output");
  output.className = "vae-panel__readout";
  output.dataset.quantity = quantity;
  output.style.cssText = "display:block;font:14px sans-serif;font-variant-numeric:tabular-nums";
  parent.append(output);
  return {
    show(text, value) {
      output.textContent = text;
      output.dataset.value = String(value);
    },
  };
}

function row(parent) {
  const div = document.createElement("div");
  div.style.cssText = "display:flex;flex-wrap:wrap;gap:1em;align-items:flex-start";
  parent.append(div);
  return div;
}

// ---- the model -----------------------------------------------------------------------------

const sending = new WeakMap(); // model -> {request, unsent, guarded}: the model's sends (_send.js), what they will carry

/** Set a trait from a control: the panel's change listeners redraw at once, in the input handler,
 * and Python hears of it (anywidget's save_changes) when _send.js says: after the frame, a drag when it is let go. */
function update(model, name, value) {
  let state = sending.get(model);
  if (!state) {
    const unsent = new Map();
    const { request } = throttledSend(() => {
      unsent.clear();
      model.save_changes();
    });
    state = { request, unsent, guarded: new Set() };
    sending.set(model, state);
  }
  if (!state.guarded.has(name)) {
    // The kernel's echo of an earlier send may arrive while a newer value waits to be sent:
    // the reader's value stays, and the next send carries it.
    state.guarded.add(name);
    model.on(`change:${name}`, () => {
      if (state.unsent.has(name) && model.get(name) !== state.unsent.get(name)) model.set(name, state.unsent.get(name));
    });
  }
  state.unsent.set(name, value);
  model.set(name, value);
  state.request();
}
