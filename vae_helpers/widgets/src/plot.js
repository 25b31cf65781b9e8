// The widgets' DOM and plotting kit: elements, canvas plots, sliders, readouts, digits.
// Layout and colours of the markup live in the widgets' CSS (panel.css, explorer.css); what is
// drawn on a canvas takes its colours from here.

export const P_COLOR = "#1f77b4";
export const Q_COLOR = "#ff7f0e";
export const INK = "#222";
export const FONT = "12px sans-serif";
export const DIGIT = 28; // MNIST's side, pixels

/** `<tag class=className ...attributes>`. */
export function element(tag, className = "", attributes = {}) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, value);
  return node;
}

/** A signed number with two decimals and a true minus sign, for readouts. */
export function signed(value) {
  return (value < 0 ? "\u2212" : "+") + Math.abs(value).toFixed(2);
}

/** A `div.vae-panel__row` (controls or plots side by side, wrapping on a phone). */
export function row(parent) {
  const div = element("div", "vae-panel__row");
  parent.append(div);
  return div;
}

/** A canvas of `width` x `height` CSS pixels, sharp on high-density screens, with plot margins. */
export function makeCanvas(parent, width, height, label) {
  const canvas = element("canvas", "vae-panel__plot", { role: "img", "aria-label": label });
  const ratio = window.devicePixelRatio || 1;
  canvas.width = Math.round(width * ratio);
  canvas.height = Math.round(height * ratio);
  canvas.style.width = `${width}px`;
  parent.append(canvas);
  const context = canvas.getContext("2d");
  context.scale(ratio, ratio);
  return { canvas, context, width, height, left: 48, right: 10, top: 12, bottom: 34 };
}

/** Clear the plot, draw its axes, and return functions mapping data to canvas coordinates. */
export function axes(plot, xRange, yRange, xLabel, yLabel) {
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
  c.fillStyle = INK;
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

export function line(c, xs, ys, sx, sy, color, width = 2, dash = []) {
  c.strokeStyle = color;
  c.lineWidth = width;
  c.setLineDash(dash);
  c.beginPath();
  xs.forEach((x, i) => (i === 0 ? c.moveTo(sx(x), sy(ys[i])) : c.lineTo(sx(x), sy(ys[i]))));
  c.stroke();
  c.setLineDash([]);
}

/** Bars at integer positions 0..n-1 (x range [-0.5, n-0.5]), shifted by `offset`. */
export function bars(c, heights, sx, sy, colors, barWidth, offset = 0) {
  heights.forEach((height, i) => {
    c.fillStyle = Array.isArray(colors) ? colors[i] : colors;
    const x0 = sx(i + offset - barWidth / 2);
    const x1 = sx(i + offset + barWidth / 2);
    c.fillRect(x0, sy(Math.max(height, 0)), x1 - x0, Math.abs(sy(height) - sy(0)));
  });
}

/** Labels under the bars at 0..n-1. */
export function tickLabels(plot, labels, sx) {
  const c = plot.context;
  c.fillStyle = INK;
  c.font = FONT;
  c.textAlign = "center";
  c.textBaseline = "top";
  labels.forEach((label, i) => c.fillText(label, sx(i), plot.height - plot.bottom + 3));
}

/** A legend of [name, color] entries from `x0`, a swatch `swatchHeight` tall beside each name. */
export function legend(plot, entries, x0, swatchHeight = 8) {
  const c = plot.context;
  c.font = FONT;
  c.textAlign = "left";
  c.textBaseline = "middle";
  entries.forEach(([name, color], i) => {
    c.fillStyle = color;
    c.fillRect(x0, 20 + 16 * i - swatchHeight / 2, 12, swatchHeight);
    c.fillStyle = INK;
    c.fillText(name, x0 + 16, 20 + 16 * i);
  });
}

/** A labelled range input for trait `trait` (entry `index` of a list trait), its range the
 * trait's own as Python declares it (`ranges`); `onInput(value)` runs on every move. */
export function slider(parent, model, { label, trait, index, onInput }) {
  const [min, max, step] = model.get("ranges")[trait];
  // No text selection starts in the row: in JupyterLab a drag that may select text makes Chromium
  // lay out and pre-paint the whole page at every pointer move, before the frame.
  const control = element("label", "vae-panel__control");
  const name = element("span", "vae-panel__name");
  name.textContent = label;
  // JupyterLab takes arrow keys for its own shortcuts unless told not to: keep them for the slider.
  const input = element("input", "", { type: "range", min, max, step, "data-lm-suppress-shortcuts": "true" });
  input.dataset.trait = trait;
  if (index !== undefined) input.dataset.index = String(index);
  const shown = element("span", "vae-panel__value");
  control.append(name, input, shown);
  parent.append(control);
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
export function readout(parent, quantity) {
  const output = element("output", "vae-panel__readout", { "data-quantity": quantity });
  parent.append(output);
  return {
    output,
    show(text, value) {
      output.textContent = text;
      output.dataset.value = String(value);
    },
  };
}

/** Draws 28 x 28 pixel probabilities (dark ink on white, like the notebooks' figures) as a
 * `side`-pixel square at `left` on a canvas; one tile reused for every digit. */
export function digitPainter() {
  const tile = element("canvas");
  tile.width = tile.height = DIGIT;
  const tileContext = tile.getContext("2d");
  const image = tileContext.createImageData(DIGIT, DIGIT);
  return (pixels, canvas, left = 0, side = canvas.width) => {
    const data = image.data;
    for (let k = 0; k < DIGIT * DIGIT; k++) {
      const grey = Math.round(255 * (1 - pixels[k]));
      data[4 * k] = data[4 * k + 1] = data[4 * k + 2] = grey;
      data[4 * k + 3] = 255;
    }
    tileContext.putImageData(image, 0, 0);
    const context = canvas.getContext("2d");
    context.imageSmoothingEnabled = false;
    context.drawImage(tile, left, 0, side, side);
  };
}

/** Fill a canvas with white. */
export function blank(canvas) {
  const context = canvas.getContext("2d");
  context.fillStyle = "#ffffff";
  context.fillRect(0, 0, canvas.width, canvas.height);
}
