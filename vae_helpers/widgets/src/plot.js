// The widgets' DOM and plotting kit: elements, figures (a legend over a canvas plot), sliders,
// readouts, digits.
// Layout and colours live in the widgets' CSS (panel.css, explorer.css): every colour a canvas
// draws is one of the panel's CSS custom properties (--vae-ink, --vae-p, ...), which follow the
// page's theme, light or dark; `themed` reads them and redraws when the theme or the width changes.

import { mathRuns, writeMath } from "./mathtext.js";
import { roundStep, roundTicks, tickText } from "./ticks.js";

export const DIGIT = 28; // MNIST's side, pixels
const FONT_SIZE = 13; // CSS pixels, the canvas's text
// The colours a panel draws with: the custom property --vae-NAME of each NAME (panel.css).
const COLOR_NAMES = ["ink", "muted", "grid", "background", "p", "q", "posterior", "gap", "evidence",
  "entropy", "cross-entropy", "kl", "reverse-kl", "error"];

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

/** A number with `decimals` decimals and a true minus sign. */
export function number(value, decimals = 3) {
  const text = Math.abs(value).toFixed(decimals);
  return value < 0 && Number(text) !== 0 ? `\u2212${text}` : text;
}

/** A `div.vae-panel__row` (controls side by side, wrapping on a phone). */
export function row(parent, className = "vae-panel__row") {
  const div = element("div", className);
  parent.append(div);
  return div;
}

/** The panel's colours and font, read from its CSS; `redraw` runs again whenever the theme
 * (the book's light/dark switch, the system's preference, JupyterLab's theme) or the panel's
 * width changes, without a reload. Returns { colors, font, stop }. */
export function themed(el, redraw) {
  // `generation` counts the changes of theme or width: a plot measures its canvas again only then,
  // not at every frame of a drag (a measure there would force the page's layout).
  const look = { colors: {}, font: "sans-serif", generation: 0, stop: null };
  const read = () => {
    const style = getComputedStyle(el);
    for (const name of COLOR_NAMES) look.colors[name] = style.getPropertyValue(`--vae-${name}`).trim();
    look.font = style.fontFamily || "sans-serif";
  };
  read();
  let width = el.clientWidth;
  let pending = false;
  const again = (reread) => {
    if (reread) read();
    look.generation++;
    if (pending) return;
    pending = true;
    requestAnimationFrame(() => {
      pending = false;
      redraw();
    });
  };
  const themeObserver = new MutationObserver(() => again(true));
  themeObserver.observe(document.documentElement, { attributes: true, attributeFilter: ["data-theme", "data-mode", "class", "style"] });
  if (document.body) themeObserver.observe(document.body, { attributes: true, attributeFilter: ["data-jp-theme-light", "data-jp-theme-name", "class"] });
  const dark = window.matchMedia("(prefers-color-scheme: dark)");
  const onScheme = () => again(true);
  dark.addEventListener("change", onScheme);
  const sizeObserver = new ResizeObserver(() => {
    if (el.clientWidth !== width) {
      // A panel rendered before it was in the page (no width, no styles to read) reads them once it is.
      const unread = width === 0;
      width = el.clientWidth;
      again(unread);
    }
  });
  sizeObserver.observe(el);
  look.stop = () => {
    themeObserver.disconnect();
    sizeObserver.disconnect();
    dark.removeEventListener("change", onScheme);
  };
  return look;
}

/** A figure in `parent`: a legend of [label, color name, mark] entries (mark "line", "dash" or
 * "box") written above a canvas `height` CSS pixels tall that fills the figure's width, so no
 * legend ever covers the data. Returns the plot: { canvas, context, width, height, margins, look }. */
export function figure(parent, look, { label, height, legend = [] }) {
  const box = element("figure", "vae-panel__figure");
  if (legend.length) {
    const list = element("ul", "vae-panel__legend");
    for (const [name, color, mark = "line"] of legend) {
      const item = element("li");
      const swatch = element("span", `vae-panel__swatch vae-panel__swatch--${mark}`, { "aria-hidden": "true" });
      swatch.style.setProperty("--swatch", `var(--vae-${color})`);
      item.append(swatch, writeMath(element("span"), name));
      list.append(item);
    }
    box.append(list);
  }
  const canvas = element("canvas", "vae-panel__plot", { role: "img", "aria-label": label });
  canvas.style.height = `${height}px`;
  box.append(canvas);
  parent.append(box);
  return { canvas, context: canvas.getContext("2d"), width: 0, ratio: 1, generation: -1, height, left: 52, right: 12, top: 14, bottom: 40, look };
}

/** Size the canvas to its box (sharp on high-density screens) and clear it. */
function fit(plot) {
  const { canvas, height, look } = plot;
  if (plot.generation !== look.generation) {
    plot.generation = look.generation;
    const width = Math.max(canvas.clientWidth, 120);
    const ratio = window.devicePixelRatio || 1;
    if (plot.width !== width || plot.ratio !== ratio) {
      canvas.width = Math.round(width * ratio);
      canvas.height = Math.round(height * ratio);
      Object.assign(plot, { width, ratio });
    }
  }
  plot.context.setTransform(plot.ratio, 0, 0, plot.ratio, 0, 0);
  plot.context.clearRect(0, 0, plot.width, height);
}

/** Draw `label` (mathtext.js's markup) at (x, y) with `align` ("left", "center", "right"),
 * on the text's alphabetic baseline; subscripts smaller and lower. */
export function mathText(plot, label, x, y, align = "center", size = FONT_SIZE) {
  const c = plot.context;
  const runs = mathRuns(label).map((run) => {
    const px = run.sub ? Math.round(size * 0.75) : size;
    const font = `${run.italic ? "italic " : ""}${px}px ${plot.look.font}`;
    c.font = font;
    return { ...run, font, width: c.measureText(run.text).width };
  });
  const total = runs.reduce((sum, run) => sum + run.width, 0);
  let at = align === "center" ? x - total / 2 : align === "right" ? x - total : x;
  c.textAlign = "left";
  c.textBaseline = "alphabetic";
  for (const run of runs) {
    c.font = run.font;
    c.fillText(run.text, at, run.sub ? y + size * 0.3 : y);
    at += run.width;
  }
}

/** Clear the plot; draw its axes with round ticks, grid lines and labels; return the maps from
 * data to canvas coordinates. `xTicks`: false for none (bars label their own), else round ticks.
 * The ticks drawn are in the canvas's data-x-ticks and data-y-ticks (JSON). */
export function axes(plot, xRange, yRange, xLabel, yLabel, { xTicks = true } = {}) {
  fit(plot);
  const { context: c, width, height, left, right, top, bottom, look } = plot;
  const { ink, muted, grid } = look.colors;
  const sx = (x) => left + ((x - xRange[0]) / (xRange[1] - xRange[0])) * (width - left - right);
  const sy = (y) => height - bottom - ((y - yRange[0]) / (yRange[1] - yRange[0])) * (height - top - bottom);
  const yMost = Math.max(3, Math.min(6, Math.floor((height - top - bottom) / 34))); // a tick per 34 px at most
  const yTicks = roundTicks(yRange[0], yRange[1], yMost);
  const yStep = roundStep(yRange[0], yRange[1], yMost);
  c.lineWidth = 1;
  c.strokeStyle = grid;
  c.beginPath();
  for (const y of yTicks) {
    const at = Math.round(sy(y)) + 0.5;
    c.moveTo(left, at);
    c.lineTo(width - right, at);
  }
  c.stroke();
  c.fillStyle = ink;
  c.font = `${FONT_SIZE}px ${look.font}`;
  c.textAlign = "right";
  c.textBaseline = "middle";
  for (const y of yTicks) c.fillText(tickText(y, yStep), left - 6, sy(y));
  plot.canvas.dataset.yTicks = JSON.stringify(yTicks);
  if (xTicks) {
    const most = Math.max(3, Math.min(9, Math.floor((width - left - right) / 45))); // a tick per 45 px at most
    const ticks = roundTicks(xRange[0], xRange[1], most);
    const step = roundStep(xRange[0], xRange[1], most);
    c.strokeStyle = muted;
    c.beginPath();
    for (const x of ticks) {
      const at = Math.round(sx(x)) + 0.5;
      c.moveTo(at, height - bottom);
      c.lineTo(at, height - bottom + 4);
    }
    c.stroke();
    c.textAlign = "center";
    c.textBaseline = "top";
    for (const x of ticks) c.fillText(tickText(x, step), sx(x), height - bottom + 6);
    plot.canvas.dataset.xTicks = JSON.stringify(ticks);
  }
  c.strokeStyle = muted;
  c.beginPath();
  c.moveTo(left + 0.5, top);
  c.lineTo(left + 0.5, height - bottom + 0.5);
  c.lineTo(width - right, height - bottom + 0.5);
  c.stroke();
  c.fillStyle = ink;
  if (xLabel) mathText(plot, xLabel, (left + width - right) / 2, height - 4);
  c.save();
  c.translate(FONT_SIZE + 1, (top + height - bottom) / 2);
  c.rotate(-Math.PI / 2);
  mathText(plot, yLabel, 0, 0);
  c.restore();
  return { sx, sy };
}

/** A polyline through (xs, ys) in the theme's colour `color` (a name: "p", "q", ...). */
export function line(plot, xs, ys, sx, sy, color, width = 2, dash = []) {
  const c = plot.context;
  c.strokeStyle = plot.look.colors[color];
  c.lineWidth = width;
  c.setLineDash(dash);
  c.beginPath();
  xs.forEach((x, i) => (i === 0 ? c.moveTo(sx(x), sy(ys[i])) : c.lineTo(sx(x), sy(ys[i]))));
  c.stroke();
  c.setLineDash([]);
}

/** Bars at integer positions 0..n-1 (x range [-0.5, n-0.5]), shifted by `offset`, in the
 * theme's colours `colors` (one name, or one per bar). */
export function bars(plot, heights, sx, sy, colors, barWidth, offset = 0) {
  const c = plot.context;
  heights.forEach((height, i) => {
    c.fillStyle = plot.look.colors[Array.isArray(colors) ? colors[i] : colors];
    const x0 = sx(i + offset - barWidth / 2);
    const x1 = sx(i + offset + barWidth / 2);
    c.fillRect(x0, sy(Math.max(height, 0)), x1 - x0, Math.abs(sy(height) - sy(0)));
  });
}

/** The width of `label` (mathtext.js's markup) drawn at `size` px. */
function mathWidth(plot, label, size) {
  const c = plot.context;
  return mathRuns(label).reduce((sum, run) => {
    c.font = `${run.italic ? "italic " : ""}${run.sub ? Math.round(size * 0.75) : size}px ${plot.look.font}`;
    return sum + c.measureText(run.text).width;
  }, 0);
}

/** Labels (mathtext.js's markup) under the bars at 0..n-1, smaller when the widest would touch
 * its neighbour (down to 10 px). */
export function tickLabels(plot, labels, sx) {
  const room = labels.length > 1 ? Math.abs(sx(1) - sx(0)) - 8 : Infinity;
  const widest = Math.max(...labels.map((label) => mathWidth(plot, label, FONT_SIZE)));
  const size = widest > room ? Math.max(10, Math.floor((FONT_SIZE * room) / widest)) : FONT_SIZE;
  plot.context.fillStyle = plot.look.colors.ink;
  labels.forEach((label, i) => mathText(plot, label, sx(i), plot.height - plot.bottom + 6 + size, "center", size));
}

/** Text in the theme's ink (mathtext.js's markup) at (x, y), on its baseline. */
export function note(plot, label, x, y, align = "center") {
  plot.context.fillStyle = plot.look.colors.ink;
  mathText(plot, label, x, y, align);
}

/** A cross (+) of half-width `arm` at canvas point [x, y], stroked `width` wide in `colour`
 * over a halo of `halo` (a colour, or null for none) twice as wide: the mean of q(z | x), or a
 * style, on a map of codes, where the halo keeps it apart from the codes' colours. */
export function cross(context, [x, y], arm, colour, width, halo = null) {
  context.beginPath();
  context.moveTo(x - arm, y);
  context.lineTo(x + arm, y);
  context.moveTo(x, y - arm);
  context.lineTo(x, y + arm);
  if (halo) haloStroke(context, halo, 2 * width);
  context.lineWidth = width;
  context.strokeStyle = colour;
  context.stroke();
}

/** Strokes the current path `width` wide in `halo` (the page's background), solid, under the
 * line to come: a mark in the theme's ink stays legible over codes of any label colour. */
export function haloStroke(context, halo, width) {
  context.save();
  context.setLineDash([]);
  context.lineWidth = width;
  context.strokeStyle = halo;
  context.stroke();
  context.restore();
}

/** A legend of the map's label colours: one item per digit, a swatch of `colours[d]` and the
 * digit; `show(d)` marks digit d's item (data-chosen) as the map marks its codes. */
export function labelLegend(parent, colours, label) {
  const list = element("ul", "vae-panel__legend vae-panel__legend--labels", { "aria-label": label });
  const items = colours.map((colour, digit) => {
    const item = element("li", "", { "data-label": String(digit) });
    const swatch = element("span", "vae-panel__swatch vae-panel__swatch--box", { "aria-hidden": "true" });
    swatch.style.setProperty("--swatch", colour);
    item.append(swatch, String(digit));
    list.append(item);
    return item;
  });
  parent.append(list);
  return {
    list,
    show(chosen) {
      items.forEach((item, digit) => item.toggleAttribute("data-chosen", digit === chosen));
    },
  };
}

/** A labelled range input for trait `trait` (entry `index` of a list trait), its range the
 * trait's own as Python declares it (`ranges`); `onInput(value)` runs on every move. */
export function slider(parent, model, { label, trait, index, onInput }) {
  const [min, max, step] = model.get("ranges")[trait];
  // No text selection starts in the row: in JupyterLab a drag that may select text makes Chromium
  // lay out and pre-paint the whole page at every pointer move, before the frame.
  const control = element("label", "vae-panel__control");
  const name = writeMath(element("span", "vae-panel__name"), label);
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
      shown.textContent = number(current, 2);
    },
  };
}

/** A readout: "`label` = " then the text `show` gives (both mathtext.js's markup) for the
 * reader, the full-precision number in data-value. Without a label, the text alone. */
export function readout(parent, quantity, label = "") {
  const output = element("output", "vae-panel__readout", { "data-quantity": quantity });
  const shown = element("span");
  if (label) writeMath(output, `${label} = `);
  output.append(shown);
  parent.append(output);
  return {
    output,
    show(text, value) {
      shown.replaceChildren();
      writeMath(shown, text);
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
