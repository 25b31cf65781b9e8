/* Bundled by esbuild 0.28.2 from src/dense.js src/encoder.css src/encoder.js src/encoder_view.js src/explorer.css src/explorer.js src/explorer_view.js src/inset.js src/latent_map.js src/map_input.js src/maths.js src/mathtext.js src/pad.js src/plot.js src/send.js src/theme.css src/ticks.js (sha256 0106a688c5b2fca433a20585dd5b81ddefe591e1ca9c2dc044ec8fae61832d2b): edit those, then run make widgets. */

// src/maths.js
var LOG_2PI = Math.log(2 * Math.PI);
function sigmoid(x) {
  return 1 / (1 + Math.exp(-x));
}
function gaussianPair() {
  const radius = Math.sqrt(-2 * Math.log(1 - Math.random())), angle = 2 * Math.PI * Math.random();
  return [radius * Math.cos(angle), radius * Math.sin(angle)];
}
function klToStandardNormal(mu, logVar) {
  let kl = 0;
  for (let d = 0; d < mu.length; d++) kl += 0.5 * (mu[d] * mu[d] + Math.exp(logVar[d]) - logVar[d] - 1);
  return kl;
}
function reconstructionLoss(x, logits) {
  let loss = 0;
  for (let k = 0; k < x.length; k++) {
    const l = logits[k];
    loss += Math.max(l, 0) - x[k] * l + Math.log1p(Math.exp(-Math.abs(l)));
  }
  return loss;
}
function logMeanExp(values) {
  const top = Math.max(...values);
  return top + Math.log(values.reduce((sum, v) => sum + Math.exp(v - top), 0) / values.length);
}
function logStandardNormal(z) {
  let squares = 0;
  for (let d = 0; d < z.length; d++) squares += z[d] * z[d];
  return -0.5 * (z.length * LOG_2PI + squares);
}
function gridMidpoints(box, cells) {
  const [a, b, c, d] = box, w1 = (b - a) / cells, w2 = (d - c) / cells, z = [];
  for (let i = 0; i < cells; i++) for (let j = 0; j < cells; j++) z.push([a + (i + 0.5) * w1, c + (j + 0.5) * w2]);
  return { z, logArea: Math.log(w1 * w2) };
}
function logSumExp(values) {
  const top = Math.max(...values);
  let sum = 0;
  for (const v of values) sum += Math.exp(v - top);
  return top + Math.log(sum);
}
function posteriorGrid(logJoint, extent, { cells = 40, window: window2 = 20, zooms = 4 } = {}) {
  let box = [-extent, extent, -extent, extent], outside = [], grid, values, reachesEdge = false, evaluations = 0;
  for (let level = 0; ; level++) {
    grid = gridMidpoints(box, cells);
    values = grid.z.map(logJoint);
    evaluations += values.length;
    const peak = Math.max(...values);
    let iFrom = cells, iTo = -1, jFrom = cells, jTo = -1;
    values.forEach((value, k) => {
      if (value < peak - window2) return;
      const i = Math.floor(k / cells), j = k % cells;
      iFrom = Math.min(iFrom, i);
      iTo = Math.max(iTo, i);
      jFrom = Math.min(jFrom, j);
      jTo = Math.max(jTo, j);
    });
    if (level === 0) reachesEdge = iFrom === 0 || jFrom === 0 || iTo === cells - 1 || jTo === cells - 1;
    [iFrom, jFrom] = [Math.max(0, iFrom - 1), Math.max(0, jFrom - 1)];
    [iTo, jTo] = [Math.min(cells - 1, iTo + 1), Math.min(cells - 1, jTo + 1)];
    const shrinks = iTo - iFrom + 1 < cells || jTo - jFrom + 1 < cells;
    if (level === zooms || !shrinks) break;
    values.forEach((value, k) => {
      const i = Math.floor(k / cells), j = k % cells;
      if (i < iFrom || i > iTo || j < jFrom || j > jTo) outside.push(value + grid.logArea);
    });
    const w1 = (box[1] - box[0]) / cells, w2 = (box[3] - box[2]) / cells;
    box = [box[0] + iFrom * w1, box[0] + (iTo + 1) * w1, box[2] + jFrom * w2, box[2] + (jTo + 1) * w2];
  }
  const logMarginal = logSumExp([...values.map((value) => value + grid.logArea), ...outside]);
  const mass = Float64Array.from(values, (value) => Math.exp(value + grid.logArea - logMarginal));
  let top = 0;
  const mean = [0, 0];
  mass.forEach((m, k) => {
    if (m > mass[top]) top = k;
    mean[0] += m * grid.z[k][0];
    mean[1] += m * grid.z[k][1];
  });
  const inside = mass.reduce((sum, m) => sum + m, 0);
  return {
    box,
    cells,
    z: grid.z,
    logJoint: Float64Array.from(values),
    mass,
    logMarginal,
    reachesEdge,
    evaluations,
    mode: grid.z[top].slice(),
    mean: [mean[0] / inside, mean[1] / inside]
  };
}
function highestDensityLevels(mass, fractions) {
  const sorted = Float64Array.from(mass).sort().reverse(), total = sorted.reduce((sum, m) => sum + m, 0);
  return fractions.map((fraction) => {
    let held = 0;
    for (const m of sorted) {
      held += m;
      if (held >= fraction * total) return m;
    }
    return sorted[sorted.length - 1];
  });
}

// src/dense.js
function copyBytes(view) {
  return view.buffer.slice(view.byteOffset, view.byteOffset + view.byteLength);
}
function halfToFloat(bits) {
  const exponent = bits >> 10 & 31, fraction = bits & 1023, sign = bits & 32768 ? -1 : 1;
  if (exponent === 0) return sign * fraction * 2 ** -24;
  if (exponent === 31) return fraction ? NaN : sign * Infinity;
  return sign * (1 + fraction / 1024) * 2 ** (exponent - 15);
}
function readWeights(view, dtype) {
  if (dtype !== "float16") return new Float32Array(copyBytes(view));
  const halves = new Uint16Array(copyBytes(view)), out = new Float32Array(halves.length);
  for (let k = 0; k < halves.length; k++) out[k] = halfToFloat(halves[k]);
  return out;
}
function hasWeights(layers) {
  return layers.every((layer) => Boolean(layer.kernel && layer.bias));
}
var ACTIVATIONS = { linear: (x) => x, relu: (x) => x > 0 ? x : 0, sigmoid, tanh: Math.tanh };
var DenseChain = class {
  constructor(layers) {
    this.layers = layers.map((layer) => ({
      kernel: readWeights(layer.kernel, layer.dtype),
      bias: readWeights(layer.bias, layer.dtype),
      inputs: layer.inputs,
      outputs: layer.outputs,
      activation: ACTIVATIONS[layer.activation],
      out: new Float64Array(layer.outputs)
    }));
    this.inputSize = this.layers[0].inputs;
    this.size = this.layers[this.layers.length - 1].outputs;
    this.input = new Float64Array(this.inputSize);
  }
  /** The last layer's outputs (the logits) for the input `x`; a buffer the next call overwrites. */
  forward(x) {
    let h = this.input;
    for (let d = 0; d < this.inputSize; d++) h[d] = x[d];
    for (const layer of this.layers) {
      const { out, kernel, bias, outputs: n } = layer;
      for (let j = 0; j < n; j++) out[j] = bias[j];
      for (let i = 0; i < layer.inputs; i++) {
        const v = h[i];
        if (v === 0) continue;
        const row = i * n;
        for (let j = 0; j < n; j++) out[j] += v * kernel[row + j];
      }
      for (let j = 0; j < n; j++) out[j] = layer.activation(out[j]);
      h = out;
    }
    return h;
  }
  /** Pixel probabilities at `z`, written into `pixels`. */
  decode(z, pixels) {
    const h = this.forward(z);
    for (let k = 0; k < this.size; k++) pixels[k] = sigmoid(h[k]);
    return pixels;
  }
};

// src/plot.js
var DIGIT = 28;
var COLOR_NAMES = [
  "ink",
  "muted",
  "grid",
  "background",
  "p",
  "q",
  "posterior",
  "gap",
  "evidence",
  "entropy",
  "cross-entropy",
  "kl",
  "reverse-kl",
  "error"
];
function element(tag, className = "", attributes = {}) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, value);
  return node;
}
function signed(value) {
  return (value < 0 ? "\u2212" : "+") + Math.abs(value).toFixed(2);
}
function number(value, decimals = 3) {
  const text = Math.abs(value).toFixed(decimals);
  return value < 0 && Number(text) !== 0 ? `\u2212${text}` : text;
}
function themed(el, redraw) {
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
function cross(context, [x, y], arm, colour, width, halo = null) {
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
function haloStroke(context, halo, width) {
  context.save();
  context.setLineDash([]);
  context.lineWidth = width;
  context.strokeStyle = halo;
  context.stroke();
  context.restore();
}
function digitPainter() {
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
function blank(canvas) {
  const context = canvas.getContext("2d");
  context.fillStyle = "#ffffff";
  context.fillRect(0, 0, canvas.width, canvas.height);
}

// src/explorer_view.js
var STRIP_SCALE = 3;
function sliderStep(limit) {
  return String(10 ** Math.floor(Math.log10(limit / 200)));
}
function build(el, model) {
  const limit = model.get("limit");
  const root = element("div", "vae-explorer");
  const top = element("div", "vae-explorer__top");
  const mapPanel = element("div", "vae-explorer__map-panel");
  const map = element("canvas", "vae-explorer__map", {
    tabindex: "0",
    role: "application",
    "aria-roledescription": "latent map",
    "aria-label": "Map of latent space: the held-out digits at their means, coloured by label, and a ring at the point z. Click or tap to move the point, drag the ring, or use the arrow keys (Shift for larger steps)."
  });
  const legend = element("ul", "vae-explorer__legend", { "aria-label": "Colours of the digits on the map" });
  model.get("label_colours").forEach((colour, label) => {
    const item = element("li");
    const swatch = element("span");
    swatch.style.background = colour;
    item.append(swatch, String(label));
    legend.append(item);
  });
  mapPanel.append(map, legend);
  const digitPanel = element("div", "vae-explorer__digit-panel");
  const digit = element("canvas", "vae-explorer__digit", { role: "img", "aria-label": "The digit the decoder draws at z" });
  digit.width = digit.height = DIGIT * model.get("scale");
  const readout = element("output", "vae-explorer__readout", { "aria-live": "polite", "data-quantity": "z" });
  const sliders = [0, 1].map((axis) => {
    const label = element("label", "vae-explorer__slider");
    const input = element("input", "", {
      type: "range",
      min: String(-limit),
      max: String(limit),
      step: sliderStep(limit),
      "data-trait": "z",
      "data-index": String(axis),
      "aria-label": `z${axis + 1}, the ${axis ? "second" : "first"} latent coordinate`
    });
    const value = element("span", "vae-explorer__value", { "aria-hidden": "true" });
    label.append(axis ? "z\u2082" : "z\u2081", input, value);
    return { label, input, value };
  });
  const prior = element("button", "vae-explorer__prior", { type: "button" });
  prior.textContent = "Sample from the prior";
  const controls = element("div", "vae-explorer__controls");
  controls.append(readout, ...sliders.map((s) => s.label), prior);
  digitPanel.append(digit, controls);
  top.append(mapPanel, digitPanel);
  const interpolation = element("div", "vae-explorer__interpolation");
  const heading = element("p", "vae-explorer__heading");
  heading.innerHTML = "<b>Interpolate</b> along the straight line from A's mean to B's mean";
  const selects = ["from A", "to B"].map((name) => {
    const label = element("label", "vae-explorer__endpoint");
    const select = element("select");
    label.append(name + " ", select);
    return { label, select };
  });
  const [tMin, tMax, tStep] = model.get("ranges").t;
  const tLabel = element("label", "vae-explorer__slider");
  const tInput = element("input", "", {
    type: "range",
    min: String(tMin),
    max: String(tMax),
    step: String(tStep),
    "data-trait": "t",
    "aria-label": "t, from A (0) to B (1)"
  });
  const tValue = element("span", "vae-explorer__value", { "aria-hidden": "true" });
  tLabel.append("t", tInput, tValue);
  const strip = element("canvas", "vae-explorer__strip", { role: "img", "aria-label": "Decodes along the line from A (left) to B (right)" });
  const stripLength = model.get("strip_length");
  strip.width = stripLength * (DIGIT + 2) * STRIP_SCALE - 2 * STRIP_SCALE;
  strip.height = DIGIT * STRIP_SCALE;
  const endpointRow = element("div", "vae-explorer__endpoints");
  endpointRow.append(...selects.map((s) => s.label));
  interpolation.append(heading, endpointRow, tLabel, strip);
  root.append(top, interpolation);
  el.append(root);
  return { root, top, mapPanel, digitPanel, map, digit, readout, sliders, prior, selects, tInput, tValue, strip };
}

// src/latent_map.js
var MARGIN = 28;
var RING = 7;
var MARKER = 7;
var MARKER_OFFSET = RING + 3 + MARKER + 2;
var LatentMap = class {
  /** The map on `canvas`, drawn in `look`'s colours (plot.js's `themed`). */
  constructor(canvas, look) {
    this.canvas = canvas;
    this.look = look;
    this.background = element("canvas");
    this.area = null;
    this.drawn = false;
  }
  /** The model shown: its map's half side `limit`, held-out `means` (x, y pairs) and `labels`, `colours` per label. */
  show({ limit, means, labels, colours }) {
    Object.assign(this, { limit, means, labels, colours });
    this.area = null;
  }
  // -- geometry: the plot area in canvas pixels (the backing store follows CSS size and devicePixelRatio)
  // Kept until the next resize: reading clientWidth in an input handler, after the page's text
  // changed, would force the browser to lay the whole page out again there and then.
  plotArea() {
    const canvas = this.canvas;
    if (this.area && this.area.width === canvas.width) return this.area;
    const scale = canvas.width / (canvas.clientWidth || canvas.width);
    const margin = MARGIN * scale;
    const size = Math.min(canvas.width - 1.5 * margin, canvas.height - 1.5 * margin);
    this.area = { left: margin, top: margin / 2, size, scale, width: canvas.width };
    return this.area;
  }
  toCanvas(z) {
    const area = this.plotArea(), limit = this.limit;
    return [area.left + (z[0] + limit) / (2 * limit) * area.size, area.top + (limit - z[1]) / (2 * limit) * area.size];
  }
  fromClient(clientX, clientY) {
    const canvas = this.canvas, rect = canvas.getBoundingClientRect(), area = this.plotArea(), limit = this.limit;
    const x = (clientX - rect.left) / rect.width * canvas.width;
    const y = (clientY - rect.top) / rect.height * canvas.height;
    return [(x - area.left) / area.size * 2 * limit - limit, limit - (y - area.top) / area.size * 2 * limit];
  }
  /** Distance in CSS pixels from a client point to latent point `z` on the map. */
  distance(clientX, clientY, z) {
    const canvas = this.canvas, rect = canvas.getBoundingClientRect();
    const [x, y] = this.toCanvas(z);
    const ratio = rect.width / canvas.width;
    return Math.hypot(rect.left + x * ratio - clientX, rect.top + y * ratio - clientY);
  }
  /** What overlays draw with: canvas pixels per CSS pixel, per latent unit, the plot area, the map, the colours. */
  geometry() {
    const area = this.plotArea();
    return { scale: area.scale, perUnit: area.size / (2 * this.limit), area, toCanvas: (z) => this.toCanvas(z), colors: this.look.colors };
  }
  /** Size the backing store to the canvas's CSS width (sharp on dense screens); true if it changed. */
  fit() {
    const canvas = this.canvas, ratio = window.devicePixelRatio || 1;
    const size = Math.round((canvas.clientWidth || 400) * ratio);
    if (canvas.width === size && this.drawn) return false;
    canvas.width = canvas.height = size;
    this.area = null;
    return true;
  }
  /** A's and B's labels beside their means `ends` (latent points), in canvas pixels:
   * [{ label, x, y, radius, at: [x, y] of the mean }], each pushed away from the other end. */
  markers(ends) {
    const area = this.plotArea(), [a, b] = ends.map((mu) => this.toCanvas(mu));
    return [a, b].map((at, k) => {
      const other = k ? a : b;
      let [dx, dy] = [at[0] - other[0], at[1] - other[1]];
      const length = Math.hypot(dx, dy);
      [dx, dy] = length > 1e-9 ? [dx / length, dy / length] : [0, k ? 1 : -1];
      const offset = MARKER_OFFSET * area.scale, radius = MARKER * area.scale;
      const clamp = (value, low, high) => Math.max(low + radius, Math.min(high - radius, value));
      const x = clamp(at[0] + dx * offset, 0, this.canvas.width);
      const y = clamp(at[1] + dy * offset, 0, this.canvas.height);
      return { label: k ? "B" : "A", x, y, radius, at };
    });
  }
  /** The held-out means, grid, ticks and the interpolation path between `ends`, into the background. */
  drawBackground(ends) {
    const canvas = this.background, area = this.plotArea(), limit = this.limit, { ink, muted, grid, background } = this.look.colors;
    canvas.width = this.canvas.width;
    canvas.height = this.canvas.height;
    const context = canvas.getContext("2d");
    context.fillStyle = background;
    context.fillRect(0, 0, canvas.width, canvas.height);
    context.font = `${Math.round(11 * area.scale)}px ${this.look.font}`;
    context.fillStyle = ink;
    context.lineWidth = area.scale;
    const every = Math.max(1, Math.ceil(limit / 5));
    for (let tick = -Math.floor(limit / every) * every; tick <= limit; tick += every) {
      const x = this.toCanvas([tick, 0])[0], y = this.toCanvas([0, tick])[1];
      context.strokeStyle = tick === 0 ? muted : grid;
      context.beginPath();
      context.moveTo(x, area.top);
      context.lineTo(x, area.top + area.size);
      context.moveTo(area.left, y);
      context.lineTo(area.left + area.size, y);
      context.stroke();
      if (tick / every % 2 === 0) {
        context.textAlign = "center";
        context.textBaseline = "top";
        context.fillText(String(tick), x, area.top + area.size + 3 * area.scale);
        context.textAlign = "right";
        context.textBaseline = "middle";
        context.fillText(String(tick), area.left - 4 * area.scale, y);
      }
    }
    context.strokeStyle = muted;
    context.strokeRect(area.left, area.top, area.size, area.size);
    const radius = 2 * area.scale;
    for (let i = 0; i < this.labels.length; i++) {
      const [x, y] = this.toCanvas([this.means[2 * i], this.means[2 * i + 1]]);
      context.fillStyle = this.colours[this.labels[i] % this.colours.length];
      context.fillRect(x - radius, y - radius, 2 * radius, 2 * radius);
    }
    const markers = this.markers(ends), [a, b] = markers.map((marker) => marker.at);
    context.setLineDash([5 * area.scale, 4 * area.scale]);
    context.strokeStyle = ink;
    context.lineWidth = 1.2 * area.scale;
    context.beginPath();
    context.moveTo(a[0], a[1]);
    context.lineTo(b[0], b[1]);
    context.stroke();
    context.setLineDash([]);
    context.font = `bold ${Math.round(11 * area.scale)}px ${this.look.font}`;
    context.textAlign = "center";
    context.textBaseline = "middle";
    for (const { label, x, y, radius: r, at } of markers) {
      context.beginPath();
      context.arc(at[0], at[1], 2.5 * area.scale, 0, 2 * Math.PI);
      context.fillStyle = ink;
      context.fill();
      context.beginPath();
      context.arc(x, y, r, 0, 2 * Math.PI);
      context.fillStyle = background;
      context.fill();
      context.lineWidth = 0.8 * area.scale;
      context.strokeStyle = ink;
      context.stroke();
      context.fillStyle = ink;
      context.fillText(label, x, y + 0.5 * area.scale);
    }
    this.drawn = true;
  }
  /** The background, the ring at `z`, then each overlay `draw(context, geometry)`. */
  draw(z, overlays) {
    const context = this.canvas.getContext("2d"), geometry = this.geometry(), scale = geometry.scale;
    const [x, y] = this.toCanvas(z);
    context.drawImage(this.background, 0, 0);
    context.beginPath();
    context.arc(x, y, RING * scale, 0, 2 * Math.PI);
    context.lineWidth = 4.5 * scale;
    context.strokeStyle = this.look.colors.background;
    context.stroke();
    context.lineWidth = 2 * scale;
    context.strokeStyle = this.look.colors.ink;
    context.stroke();
    for (const overlay of overlays) overlay(context, geometry);
  }
};

// src/map_input.js
var KEY_STEP = 0.1;
var GRAB = 24;
function listenOnTheMap(explorer, map) {
  let dragging = null;
  let tapScroll = null;
  const follow = (event) => explorer.moveTo(explorer.map.fromClient(event.clientX, event.clientY), map);
  map.addEventListener("pointerdown", (event) => {
    const touch = event.pointerType === "touch";
    tapScroll = touch ? window.scrollY : null;
    if (touch ? explorer.map.distance(event.clientX, event.clientY, explorer.z) > GRAB : event.button !== 0) return;
    dragging = event.pointerId;
    map.setPointerCapture(event.pointerId);
    map.focus({ preventScroll: true });
    if (!touch) follow(event);
    event.preventDefault();
  });
  map.addEventListener(
    "touchstart",
    (event) => {
      if (dragging !== null) event.preventDefault();
    },
    { passive: false }
  );
  map.addEventListener("pointermove", (event) => {
    if (dragging === event.pointerId) follow(event);
  });
  for (const type of ["pointerup", "pointercancel"]) {
    map.addEventListener(type, (event) => {
      if (dragging === event.pointerId) dragging = null;
    });
  }
  map.addEventListener("click", (event) => {
    if (event.pointerType === "touch" && tapScroll === window.scrollY) follow(event);
  });
  map.addEventListener("keydown", (event) => {
    const s = event.shiftKey ? 10 * KEY_STEP : KEY_STEP;
    const move = { ArrowLeft: [-s, 0], ArrowRight: [s, 0], ArrowUp: [0, s], ArrowDown: [0, -s] }[event.key];
    if (!move) return;
    event.preventDefault();
    explorer.moveTo([explorer.z[0] + move[0], explorer.z[1] + move[1]], map);
  });
}

// src/send.js
var SEND_EVERY = 100;
var pressed = /* @__PURE__ */ new Set();
var afterRelease = /* @__PURE__ */ new Set();
if (typeof addEventListener === "function") {
  addEventListener("pointerdown", (event) => pressed.add(event.pointerId), true);
  const release = (event) => {
    pressed.delete(event.pointerId);
    if (pressed.size) return;
    const held = [...afterRelease];
    afterRelease.clear();
    held.forEach((request) => request());
  };
  for (const type of ["pointerup", "pointercancel"]) addEventListener(type, release, true);
  addEventListener("blur", (event) => {
    if (event.target !== window) return;
    pressed.clear();
    release({});
  });
}
function throttledSend(send) {
  let frame = 0;
  let timeout = 0;
  let last = -Infinity;
  const run = () => {
    timeout = 0;
    last = performance.now();
    send();
  };
  const request = () => {
    if (frame || timeout || afterRelease.has(request)) return;
    if (pressed.size) {
      afterRelease.add(request);
      return;
    }
    const wait = last + SEND_EVERY - performance.now();
    if (wait > 0) timeout = setTimeout(run, wait);
    else
      frame = requestAnimationFrame(() => {
        frame = 0;
        timeout = setTimeout(run, 0);
      });
  };
  return {
    request,
    cancel() {
      cancelAnimationFrame(frame);
      clearTimeout(timeout);
      frame = timeout = 0;
      afterRelease.delete(request);
    }
  };
}

// src/pad.js
var PAD = 112;
var PAD_STROKE = 9;
var BOX = 20;
var CENTRE = DIGIT / 2;
function boxWeights(start, length, n) {
  const width = length / n, end = start + length, cells = [];
  for (let k = 0; k < n; k++) {
    const from = start + k * width, to = Math.min(end, from + width), first = Math.floor(from), weights = [];
    for (let p = first; p < to; p++) weights.push((Math.min(to, p + 1) - Math.max(from, p)) / width);
    cells.push({ first, weights });
  }
  return cells;
}
function prepareDigit(ink, side) {
  let top = side, bottom = -1, left = side, right = -1;
  for (let r = 0; r < side; r++) {
    for (let c = 0; c < side; c++) {
      if (ink[r * side + c] > 0) {
        if (r < top) top = r;
        if (r > bottom) bottom = r;
        if (c < left) left = c;
        if (c > right) right = c;
      }
    }
  }
  if (bottom < 0) return null;
  const height = bottom - top + 1, width = right - left + 1, scale = BOX / Math.max(height, width);
  const rows = Math.max(1, Math.round(height * scale)), cols = Math.max(1, Math.round(width * scale));
  const rowCells = boxWeights(top, height, rows), colCells = boxWeights(left, width, cols);
  const narrow = new Float64Array(height * cols);
  for (let r = 0; r < height; r++) {
    colCells.forEach(({ first, weights }, j) => {
      let sum = 0;
      for (let q = 0; q < weights.length; q++) sum += weights[q] * ink[(top + r) * side + first + q];
      narrow[r * cols + j] = sum;
    });
  }
  const small = new Float64Array(rows * cols);
  let mass = 0, rowMoment = 0, colMoment = 0;
  rowCells.forEach(({ first, weights }, i) => {
    for (let j = 0; j < cols; j++) {
      let sum = 0;
      for (let p = 0; p < weights.length; p++) sum += weights[p] * narrow[(first - top + p) * cols + j];
      small[i * cols + j] = sum;
      mass += sum;
      rowMoment += sum * (i + 0.5);
      colMoment += sum * (j + 0.5);
    }
  });
  const rowShift = Math.min(DIGIT - rows, Math.max(0, Math.round(CENTRE - rowMoment / mass)));
  const colShift = Math.min(DIGIT - cols, Math.max(0, Math.round(CENTRE - colMoment / mass)));
  const x = new Float32Array(DIGIT * DIGIT);
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < cols; j++) x[(i + rowShift) * DIGIT + j + colShift] = Math.min(1, small[i * cols + j]);
  }
  return x;
}
var DrawingPad = class {
  constructor(canvas, { onStart = () => {
  }, onInk = () => {
  } } = {}) {
    this.canvas = canvas;
    this.context = canvas.getContext("2d", { willReadFrequently: true });
    this.ink = new Float32Array(PAD * PAD);
    this.onStart = onStart;
    this.onInk = onInk;
    this.drawing = null;
    this.listen();
  }
  listen() {
    const pad = this.canvas;
    let rect = null;
    const at = (event) => [(event.clientX - rect.left) / rect.width * PAD, (event.clientY - rect.top) / rect.height * PAD];
    pad.addEventListener("pointerdown", (event) => {
      if (event.pointerType === "mouse" && event.button !== 0) return;
      rect = pad.getBoundingClientRect();
      this.drawing = event.pointerId;
      pad.setPointerCapture(event.pointerId);
      this.onStart();
      this.last = at(event);
      this.stroke([this.last, this.last]);
      event.preventDefault();
    });
    pad.addEventListener("pointermove", (event) => {
      if (this.drawing !== event.pointerId) return;
      const points = [this.last, ...(event.getCoalescedEvents ? event.getCoalescedEvents() : [event]).map(at)];
      if (points.length === 1) points.push(at(event));
      this.last = points[points.length - 1];
      this.stroke(points);
    });
    for (const type of ["pointerup", "pointercancel"]) {
      pad.addEventListener(type, (event) => {
        if (this.drawing === event.pointerId) this.drawing = null;
      });
    }
  }
  clear() {
    this.context.clearRect(0, 0, PAD, PAD);
    this.ink.fill(0);
  }
  /** Draw a polyline of pad points and read the ink back. */
  stroke(points) {
    const context = this.context;
    context.lineCap = context.lineJoin = "round";
    context.lineWidth = PAD_STROKE;
    context.strokeStyle = "#000000";
    context.beginPath();
    context.moveTo(points[0][0], points[0][1]);
    for (const [x, y] of points.slice(1)) context.lineTo(x, y);
    context.stroke();
    const reach = PAD_STROKE / 2 + 2, xs = points.map((p) => p[0]), ys = points.map((p) => p[1]);
    const left = Math.max(0, Math.floor(Math.min(...xs) - reach)), right = Math.min(PAD, Math.ceil(Math.max(...xs) + reach));
    const top = Math.max(0, Math.floor(Math.min(...ys) - reach)), bottom = Math.min(PAD, Math.ceil(Math.max(...ys) + reach));
    if (right > left && bottom > top) {
      const width = right - left, alpha = context.getImageData(left, top, width, bottom - top).data;
      for (let r = top; r < bottom; r++) {
        for (let c = left; c < right; c++) this.ink[r * PAD + c] = alpha[4 * ((r - top) * width + c - left) + 3] / 255;
      }
    }
    this.onInk();
  }
  /** The ink as a prepared digit, 784 intensities, or null for an empty pad. */
  prepared() {
    return prepareDigit(this.ink, PAD);
  }
};

// src/encoder_view.js
var SMALL_SCALE = 4;
var IW_CHOICES = [10, 100, 1e3];
function buildPad(names, choices) {
  const panel = element("section", "vae-encoder", { "aria-label": "Encode a digit" });
  const heading = element("p", "vae-explorer__heading");
  heading.innerHTML = "<b>Encode a digit</b>: draw one in the box (mouse, finger or pen), or pick a held-out one.";
  const explanation = element("p", "vae-encoder__note");
  explanation.textContent = "The map shows where the encoder puts it: q(z | x), its 1\u03C3 and 2\u03C3 ellipses around \u03BC, magnified in an inset when they are small; a button shades beside it the true posterior p(z | x), computed from the decoder.";
  const switcher = element("fieldset", "vae-encoder__models");
  const legend = element("legend");
  legend.textContent = "Model (the map, the decoder and the encoder change together)";
  switcher.append(legend);
  const group = `vae-model-${Math.random().toString(36).slice(2)}`;
  const radios = names.map((name, k) => {
    const label = element("label");
    const radio = element("input", "", { type: "radio", name: group, value: String(k), "data-trait": "model_index" });
    label.append(radio, " " + name);
    switcher.append(label);
    return radio;
  });
  switcher.hidden = names.length < 2;
  const row = element("div", "vae-encoder__row");
  const padBox = element("div", "vae-encoder__pad-box");
  const pad = element("canvas", "vae-encoder__pad", {
    role: "img",
    "aria-label": "Drawing pad: draw a digit here with the mouse, a finger or a pen"
  });
  pad.width = pad.height = PAD;
  const tools = element("div", "vae-encoder__tools");
  const clear = element("button", "", { type: "button" });
  clear.textContent = "Clear";
  const pickLabel = element("label", "vae-encoder__pick");
  const pick = element("select");
  const none = element("option", "", { value: "" });
  none.textContent = "your drawing";
  pick.append(none);
  choices.forEach((choice, k) => {
    const option = element("option", "", { value: String(k) });
    option.textContent = `a ${choice.label} (held-out #${choice.index})`;
    pick.append(option);
  });
  pickLabel.append("or a held-out digit ", pick);
  tools.append(clear, pickLabel);
  padBox.append(pad, tools);
  const digits = element("div", "vae-encoder__digits");
  const small = (caption, aria) => {
    const figure = element("figure", "vae-encoder__small");
    const canvas = element("canvas", "", { role: "img", "aria-label": aria });
    canvas.width = canvas.height = DIGIT * SMALL_SCALE;
    const text = element("figcaption");
    text.textContent = caption;
    figure.append(canvas, text);
    digits.append(figure);
    return canvas;
  };
  const seen = small("what the encoder sees, x", "The drawing prepared as MNIST's digits were: 28 x 28 pixels");
  const atMu = small("decoded at \u03BC", "The digit decoded at the mean mu of q(z | x)");
  const atZ = small("decoded at z", "The digit decoded at the latest sample z = mu + sigma * eps");
  const side = element("div", "vae-encoder__side");
  const terms = element("div", "vae-encoder__terms");
  const actions = element("div", "vae-encoder__actions");
  side.append(terms, actions);
  const resample = element("button", "", { type: "button" });
  resample.textContent = "Resample \u03B5";
  const quantity = (name, label, parent = actions) => {
    const line = element("div", "vae-encoder__quantity");
    const output = element("output", "", { "data-quantity": name, "data-value": "" });
    line.append(label, output);
    parent.append(line);
    return output;
  };
  const status = element("p", "vae-encoder__status", { "aria-live": "polite" });
  actions.append(status, resample);
  const outputs = {
    mu: quantity("mu", "\u03BC = ", terms),
    sigma: quantity("sigma", "\u03C3 = ", terms),
    z: quantity("sample_z", "z = ", terms),
    reconstruction: quantity("reconstruction", "reconstruction \u2212log p(x | z) = ", terms),
    kl: quantity("kl", "KL(q(z | x) \u2016 p(z)) = ", terms),
    total: quantity("negative_elbo", "sum, \u2212ELBO at this z = ", terms)
  };
  const iwRow = element("div", "vae-encoder__iw");
  const iwButton = element("button", "", { type: "button" });
  iwButton.textContent = "Estimate log p(x)";
  const kLabel = element("label");
  const kSelect = element("select", "", { "aria-label": "K, the number of importance samples" });
  for (const k of IW_CHOICES) {
    const option = element("option", "", { value: String(k) });
    option.textContent = String(k);
    kSelect.append(option);
  }
  kSelect.value = "100";
  kLabel.append("K = ", kSelect);
  iwRow.append(iwButton, kLabel);
  actions.append(iwRow);
  outputs.iw = quantity("log_marginal", "importance-weighted log p(x) \u2248 ");
  const trueRow = element("div", "vae-encoder__true");
  const trueButton = element("button", "", { type: "button" });
  trueButton.textContent = "Draw the true p(z | x)";
  trueRow.append(trueButton);
  actions.append(trueRow);
  outputs.grid = quantity("log_marginal_grid", "log p(x) by quadrature on the grid = ");
  row.append(padBox, digits, side);
  panel.append(heading, switcher, row, explanation);
  return { panel, radios, pad, clear, pick, seen, atMu, atZ, resample, status, outputs, iwButton, kSelect, trueButton };
}

// src/inset.js
var INSET_SIDE = 0.4;
var INSET_MIN_ZOOM = 2;
function insetGeometry(geometry, origin, offsets, avoid) {
  const from = [0, 1].map((i) => Math.min(...offsets.map((p) => p[i])));
  const to = [0, 1].map((i) => Math.max(...offsets.map((p) => p[i])));
  const { area, scale } = geometry, side = Math.round(INSET_SIDE * area.size), gap = 4 * scale;
  const span = 1.3 * Math.max(to[0] - from[0], to[1] - from[1]), perUnit = side / span;
  const zoom = perUnit / geometry.perUnit;
  if (!(zoom >= INSET_MIN_ZOOM && Number.isFinite(zoom))) return null;
  const centre = [(from[0] + to[0]) / 2, (from[1] + to[1]) / 2], [left, top] = [centre[0] - span / 2, centre[1] + span / 2];
  const away = avoid.map((z) => geometry.toCanvas(z)), far = area.size - side - gap;
  const corners = [[gap, gap], [far, gap], [gap, far], [far, far]].map(([dx, dy]) => [area.left + dx, area.top + dy]);
  const clearance = ([cx, cy]) => Math.min(...away.map(([px, py]) => Math.hypot(cx + side / 2 - px, cy + side / 2 - py)));
  const [x, y] = corners.reduce((best, corner) => clearance(corner) > clearance(best) ? corner : best);
  return {
    scale,
    perUnit,
    zoom,
    colors: geometry.colors,
    rect: { x, y, side },
    region: { centre: [origin[0] + centre[0], origin[1] + centre[1]], span },
    toCanvas: (z) => [x + (z[0] - origin[0] - left) * perUnit, y + (top - (z[1] - origin[1])) * perUnit]
  };
}
function drawInset(context, geometry, inset, drawScene) {
  const { x, y, side } = inset.rect, { region } = inset, { ink, muted, background } = inset.colors, scale = inset.scale;
  const [regionX, regionY] = geometry.toCanvas(region.centre);
  const regionSide = Math.max(region.span * geometry.perUnit, 6 * scale);
  context.save();
  context.lineWidth = scale;
  context.strokeStyle = muted;
  context.strokeRect(regionX - regionSide / 2, regionY - regionSide / 2, regionSide, regionSide);
  context.fillStyle = background;
  context.fillRect(x, y, side, side);
  context.beginPath();
  context.rect(x, y, side, side);
  context.clip();
  drawScene(inset);
  context.restore();
  context.save();
  context.lineWidth = scale;
  context.strokeStyle = muted;
  context.strokeRect(x, y, side, side);
  context.font = `${Math.round(11 * scale)}px sans-serif`;
  context.textAlign = "left";
  context.textBaseline = "bottom";
  context.fillStyle = ink;
  const zoom = inset.zoom < 100 ? inset.zoom.toPrecision(2) : inset.zoom < 1e4 ? String(Math.round(inset.zoom)) : inset.zoom.toExponential(1);
  context.fillText(`\xD7${zoom}`, x + 3 * scale, y + side - 2 * scale);
  context.restore();
}

// src/encoder.js
var MAX_SAMPLES = 40;
var GRID_EXTENT = 6;
var ELLIPSE_MASSES = [1, 2].map((k) => 1 - Math.exp(-0.5 * k * k));
var SHADES = [150, 70];
function numberText(value, digits = 1) {
  return Number.isFinite(value) ? value.toFixed(digits).replace("-", "\u2212") : "\u2014";
}
var EncoderPad = class {
  constructor(explorer, model) {
    this.explorer = explorer;
    this.model = model;
    this.view = buildPad(explorer.modelNames, model.get("pad_choices"));
    this.pad = new DrawingPad(this.view.pad, {
      onStart: () => {
        if (this.view.pick.value !== "") this.clearInk();
        this.currentEncoder();
      },
      onInk: () => {
        this.truePosterior = null;
        this.update();
      }
    });
    this.context = this.pad.context;
    this.ink = this.pad.ink;
    this.x = null;
    this.epsilons = [];
    this.pixels = new Float32Array(DIGIT * DIGIT);
    this.encoders = /* @__PURE__ */ new Map();
    this.loadingEncoders = /* @__PURE__ */ new Set();
    this.truePosterior = null;
    explorer.addOverlay((context, geometry) => this.drawOverlay(context, geometry));
    explorer.onModelChange(() => this.follow());
    this.follow();
    this.listen();
  }
  /** The explorer shows another model: encode with its encoder. */
  follow() {
    const { modelIndex } = this.explorer.state();
    this.view.radios.forEach((radio, k) => {
      radio.checked = k === modelIndex;
      radio.dataset.value = String(modelIndex);
    });
    this.truePosterior = null;
    this.update();
  }
  /** The encoder of the model shown, or null while its weights are not in the page (asked for here). */
  currentEncoder() {
    const { modelIndex, encoderLayers } = this.explorer.state();
    if (!this.encoders.has(modelIndex) && hasWeights(encoderLayers)) this.encoders.set(modelIndex, new DenseChain(encoderLayers));
    if (this.encoders.has(modelIndex)) return this.encoders.get(modelIndex);
    if (!this.loadingEncoders.has(modelIndex)) {
      this.loadingEncoders.add(modelIndex);
      this.view.panel.dataset.loading = "encoder";
      this.view.panel.setAttribute("aria-busy", "true");
      this.explorer.encoderLayers(modelIndex).then(
        () => this.loaded(modelIndex),
        (error) => {
          this.loaded(modelIndex);
          this.view.status.textContent = `The encoder could not load (${error.message}). Reload the page to try again.`;
        }
      );
    }
    return null;
  }
  /** The encoder of model `index` arrived (or failed): what is on the pad is encoded now. */
  loaded(index) {
    this.loadingEncoders.delete(index);
    if (this.loadingEncoders.size === 0) {
      delete this.view.panel.dataset.loading;
      this.view.panel.removeAttribute("aria-busy");
    }
    if (index === this.explorer.state().modelIndex) this.update();
  }
  listen() {
    const { clear, pick, resample, iwButton, trueButton, radios } = this.view;
    clear.addEventListener("click", () => {
      this.clearInk();
      this.update();
    });
    pick.addEventListener("change", () => this.showHeldOut());
    resample.addEventListener("click", () => {
      this.epsilons.push(gaussianPair());
      if (this.epsilons.length > MAX_SAMPLES) this.epsilons.shift();
      this.update();
    });
    iwButton.addEventListener("click", () => this.estimate());
    trueButton.addEventListener("click", () => {
      trueButton.disabled = true;
      this.view.outputs.grid.textContent = "computing\u2026";
      requestAnimationFrame(() => setTimeout(() => this.drawTruePosterior(), 0));
    });
    radios.forEach(
      (radio, k) => radio.addEventListener("change", () => {
        if (!radio.checked) return;
        const shown = this.explorer.switchModel(k);
        if (this.explorer.state().modelIndex !== k) this.view.status.textContent = `Loading the model ${this.explorer.modelNames[k]}\u2026`;
        shown.catch((error) => {
          this.view.status.textContent = `The model could not load (${error.message}). Reload the page to try again.`;
        });
      })
    );
  }
  clearInk() {
    this.pad.clear();
    this.view.pick.value = "";
    this.epsilons = [];
    this.truePosterior = null;
  }
  /** A held-out digit: its pixels are x as they are (already prepared), and the pad shows them. */
  showHeldOut() {
    const choice = this.view.pick.value;
    if (choice === "") return;
    const bytes = new Uint8Array(copyBytes(this.model.get("pad_digits")));
    const x = new Float32Array(DIGIT * DIGIT);
    for (let k = 0; k < x.length; k++) x[k] = bytes[Number(choice) * x.length + k] / 255;
    this.context.clearRect(0, 0, PAD, PAD);
    const image = this.context.createImageData(DIGIT, DIGIT);
    for (let k = 0; k < x.length; k++) image.data[4 * k + 3] = Math.round(255 * x[k]);
    const tile = element("canvas");
    tile.width = tile.height = DIGIT;
    tile.getContext("2d").putImageData(image, 0, 0);
    this.context.imageSmoothingEnabled = false;
    this.context.drawImage(tile, 0, 0, PAD, PAD);
    this.ink.fill(0);
    this.epsilons = [];
    this.truePosterior = null;
    this.heldOut = x;
    this.update();
  }
  /** Prepare, encode, decode, measure and draw: what every stroke event costs. */
  update() {
    const view = this.view, drawDigit = this.explorer.drawDigit;
    this.x = this.view.pick.value !== "" ? this.heldOut : prepareDigit(this.ink, PAD);
    if (this.x === null) return this.showNoPosterior("The pad is empty: draw a digit, or pick a held-out one.");
    const encoder = this.currentEncoder();
    if (encoder === null) return this.showNoPosterior("Loading the encoder\u2026 what you draw is encoded when it arrives.");
    view.resample.disabled = view.iwButton.disabled = false;
    view.trueButton.disabled = this.truePosterior !== null;
    if (this.epsilons.length === 0) this.epsilons.push(gaussianPair());
    const out = encoder.forward(this.x);
    const mu = [out[0], out[1]], logVar = [out[2], out[3]];
    const sigma = logVar.map((v) => Math.exp(0.5 * v));
    const eps = this.epsilons[this.epsilons.length - 1];
    const z = [mu[0] + sigma[0] * eps[0], mu[1] + sigma[1] * eps[1]];
    this.posterior = { mu, logVar, sigma, z };
    const decoder = this.explorer.state().decoder, logits = decoder.forward(z);
    const reconstruction = reconstructionLoss(this.x, logits);
    const kl = klToStandardNormal(mu, logVar);
    for (let k = 0; k < logits.length; k++) this.pixels[k] = sigmoid(logits[k]);
    drawDigit(this.pixels, view.atZ);
    drawDigit(this.x, view.seen);
    drawDigit(decoder.decode(mu, this.pixels), view.atMu);
    this.explorer.redraw();
    const show = (output, value, text) => {
      output.textContent = text;
      output.dataset.value = JSON.stringify(value);
    };
    show(view.outputs.mu, mu, `(${signed(mu[0])}, ${signed(mu[1])})`);
    show(view.outputs.sigma, sigma, `(${sigma[0].toFixed(3)}, ${sigma[1].toFixed(3)})`);
    show(view.outputs.z, z, `(${signed(z[0])}, ${signed(z[1])})`);
    show(view.outputs.reconstruction, reconstruction, `${numberText(reconstruction)} nats`);
    show(view.outputs.kl, kl, `${numberText(kl)} nats`);
    show(view.outputs.total, reconstruction + kl, `${numberText(reconstruction + kl)} nats`);
    view.outputs.iw.textContent = "\u2014 (press the button)";
    view.outputs.iw.dataset.value = "";
    if (this.truePosterior === null) {
      view.outputs.grid.textContent = "\u2014 (press the button)";
      view.outputs.grid.dataset.value = "";
    }
    const n = this.epsilons.length;
    view.status.textContent = `${n} sample${n > 1 ? "s" : ""} of z on the map (the newest filled).`;
  }
  /** No q(z | x) to show (an empty pad, or an encoder still loading): the digit seen, if any, and `status`. */
  showNoPosterior(status) {
    const view = this.view;
    this.posterior = null;
    for (const canvas of [view.seen, view.atMu, view.atZ]) blank(canvas);
    if (this.x !== null) this.explorer.drawDigit(this.x, view.seen);
    for (const output of Object.values(view.outputs)) {
      output.textContent = "\u2014";
      output.dataset.value = "";
    }
    view.status.textContent = status;
    view.resample.disabled = view.iwButton.disabled = view.trueButton.disabled = true;
    this.explorer.redraw();
  }
  /** The importance-weighted bound on log p(x) with K draws eps (pairs), in nats:
   * log (1/K) sum_k p(x | z_k) p(z_k) / q(z_k | x), z_k = mu + sigma * eps_k. */
  importanceWeighted(epsilons) {
    const { mu, logVar, sigma } = this.posterior, decoder = this.explorer.state().decoder;
    return logMeanExp(epsilons.map((eps) => {
      const z = [mu[0] + sigma[0] * eps[0], mu[1] + sigma[1] * eps[1]];
      const logLikelihood = -reconstructionLoss(this.x, decoder.forward(z));
      const logPrior = logStandardNormal(z);
      const logQ = -0.5 * (2 * LOG_2PI + logVar[0] + logVar[1] + eps[0] * eps[0] + eps[1] * eps[1]);
      return logLikelihood + logPrior - logQ;
    }));
  }
  /** log p(x | z) + log p(z) for the digit on the pad, with the decoder shown. */
  logJoint() {
    const x = this.x, decoder = this.explorer.state().decoder;
    return (z) => -reconstructionLoss(x, decoder.forward(z)) + logStandardNormal(z);
  }
  /** p(z | x) on a grid, its highest-density regions as an image of its cells, log p(x) shown. */
  drawTruePosterior() {
    if (!this.posterior) return this.update();
    const extent = Math.max(GRID_EXTENT, this.explorer.state().limit);
    const start = performance.now();
    const grid = posteriorGrid(this.logJoint(), extent);
    const milliseconds = performance.now() - start;
    const levels = highestDensityLevels(grid.mass, ELLIPSE_MASSES);
    const n = grid.cells, image = new ImageData(n, n), shaded = [Infinity, -Infinity, Infinity, -Infinity];
    const half = [(grid.box[1] - grid.box[0]) / (2 * n), (grid.box[3] - grid.box[2]) / (2 * n)];
    grid.mass.forEach((mass, k) => {
      const i = Math.floor(k / n), j = k % n, pixel = 4 * ((n - 1 - j) * n + i);
      if (mass < levels[1]) return;
      image.data.set([0, 0, 0, mass >= levels[0] ? SHADES[0] : SHADES[1]], pixel);
      const [z1, z2] = grid.z[k];
      shaded[0] = Math.min(shaded[0], z1 - half[0]);
      shaded[1] = Math.max(shaded[1], z1 + half[0]);
      shaded[2] = Math.min(shaded[2], z2 - half[1]);
      shaded[3] = Math.max(shaded[3], z2 + half[1]);
    });
    const tile = element("canvas");
    tile.width = tile.height = n;
    tile.getContext("2d").putImageData(image, 0, 0);
    this.truePosterior = { ...grid, levels, tile, shaded, milliseconds };
    const output = this.view.outputs.grid;
    output.textContent = `${numberText(grid.logMarginal)} nats`;
    output.dataset.value = JSON.stringify(grid.logMarginal);
    this.view.status.textContent = "Shaded grey, darker inside 39 % of its mass and lighter out to 86 % (as q's ellipses hold of q's): the true p(z | x); \u25C7 its mode." + (grid.reachesEdge ? ` Part of it lies beyond [\u2212${extent}, ${extent}]\xB2: log p(x) misses that part.` : "");
    this.explorer.redraw();
  }
  estimate() {
    if (!this.posterior) return;
    const k = Number(this.view.kSelect.value), draws = [];
    for (let i = 0; i < k; i++) draws.push(gaussianPair());
    const value = this.importanceWeighted(draws);
    this.view.outputs.iw.textContent = `${numberText(value)} nats (K = ${k})`;
    this.view.outputs.iw.dataset.value = JSON.stringify(value);
  }
  /** q(z | x) on the map: 2 sigma and 1 sigma ellipses (axis-aligned: a diagonal Gaussian), in canvas pixels. */
  ellipses(geometry) {
    if (!this.posterior) return [];
    const [x, y] = geometry.toCanvas(this.posterior.mu), [s1, s2] = this.posterior.sigma;
    return [2, 1].map((k) => ({ k, x, y, rx: k * s1 * geometry.perUnit, ry: k * s2 * geometry.perUnit }));
  }
  samples() {
    if (!this.posterior) return [];
    const { mu, sigma } = this.posterior;
    return this.epsilons.map((eps) => [mu[0] + sigma[0] * eps[0], mu[1] + sigma[1] * eps[1]]);
  }
  drawOverlay(context, geometry) {
    this.geometry = geometry;
    this.drawScene(context, geometry);
    if (!this.posterior) {
      this.inset = null;
      return;
    }
    const { mu, sigma } = this.posterior, box = this.truePosterior && this.truePosterior.shaded;
    const offsets = [
      ...this.epsilons.map((eps) => [sigma[0] * eps[0], sigma[1] * eps[1]]),
      [-2 * sigma[0], -2 * sigma[1]],
      [2 * sigma[0], 2 * sigma[1]]
    ];
    if (box) offsets.push([box[0] - mu[0], box[2] - mu[1]], [box[1] - mu[0], box[3] - mu[1]]);
    this.inset = insetGeometry(geometry, mu, offsets, [mu, this.explorer.state().z]);
    if (this.inset) drawInset(context, geometry, this.inset, (inner) => this.drawScene(context, inner));
  }
  /** q's ellipses, the samples and mu, over p(z | x) once computed, in `geometry`'s canvas pixels. */
  drawScene(context, geometry) {
    if (!this.posterior) return;
    const scale = geometry.scale;
    context.save();
    if (this.truePosterior) this.drawTrue(context, geometry);
    const { ink, background } = geometry.colors;
    for (const { k, x, y, rx, ry } of this.ellipses(geometry)) {
      context.beginPath();
      context.ellipse(x, y, rx, ry, 0, 0, 2 * Math.PI);
      haloStroke(context, background, 4 * scale);
      context.setLineDash(k === 1 ? [] : [4 * scale, 3 * scale]);
      context.lineWidth = 1.5 * scale;
      context.strokeStyle = ink;
      context.stroke();
    }
    context.setLineDash([]);
    const [muX, muY] = geometry.toCanvas(this.posterior.mu), sigma = this.posterior.sigma, n = this.epsilons.length;
    this.epsilons.forEach((eps, i) => {
      const x = muX + sigma[0] * eps[0] * geometry.perUnit, y = muY - sigma[1] * eps[1] * geometry.perUnit, latest = i === n - 1;
      context.beginPath();
      context.arc(x, y, (latest ? 4 : 2.5) * scale, 0, 2 * Math.PI);
      context.fillStyle = latest ? ink : background;
      context.fill();
      context.lineWidth = scale;
      context.strokeStyle = ink;
      context.stroke();
    });
    cross(context, geometry.toCanvas(this.posterior.mu), 6 * scale, ink, 2 * scale, background);
    context.restore();
  }
  /** The true posterior's cells (one image, scaled onto its box on the map) and its mode, a diamond:
   * shaded in the theme's ink (grey where the mask is partly opaque), a colour no digit has. */
  drawTrue(context, geometry) {
    const { box, mode } = this.truePosterior, scale = geometry.scale, { ink, background } = geometry.colors;
    const [left, top] = geometry.toCanvas([box[0], box[3]]), [right, bottom] = geometry.toCanvas([box[1], box[2]]);
    context.imageSmoothingEnabled = false;
    context.drawImage(this.shadedTile(ink), left, top, right - left, bottom - top);
    const [x, y] = geometry.toCanvas(mode), arm = 5 * scale;
    context.beginPath();
    context.moveTo(x, y - arm);
    context.lineTo(x + arm, y);
    context.lineTo(x, y + arm);
    context.lineTo(x - arm, y);
    context.closePath();
    context.fillStyle = background;
    context.fill();
    context.lineWidth = scale;
    context.strokeStyle = ink;
    context.stroke();
  }
  /** The true posterior's cells in `colour` (the theme's), kept until the colour or the cells change. */
  shadedTile(colour) {
    const t = this.truePosterior;
    if (t.coloured && t.coloured.colour === colour) return t.coloured.tile;
    const tile = element("canvas");
    tile.width = tile.height = t.cells;
    const context = tile.getContext("2d");
    context.drawImage(t.tile, 0, 0);
    context.globalCompositeOperation = "source-in";
    context.fillStyle = colour;
    context.fillRect(0, 0, tile.width, tile.height);
    t.coloured = { colour, tile };
    return tile;
  }
  /** What the tests and the benchmarks call (root.latentExplorer.encoder). */
  probe() {
    const self = this;
    return {
      get x() {
        return self.x ? Array.from(self.x) : null;
      },
      get ink() {
        return Array.from(self.ink);
      },
      get posterior() {
        return self.posterior ? JSON.parse(JSON.stringify(self.posterior)) : null;
      },
      /** The inset on the map (canvas pixels: x, y, side; its magnification zoom), or null when none is shown. */
      get inset() {
        return self.inset ? { ...self.inset.rect, zoom: self.inset.zoom } : null;
      },
      get truePosterior() {
        const t = self.truePosterior;
        return t && {
          mode: t.mode,
          mean: t.mean,
          logMarginal: t.logMarginal,
          box: t.box,
          cells: t.cells,
          levels: t.levels,
          reachesEdge: t.reachesEdge,
          evaluations: t.evaluations,
          milliseconds: t.milliseconds
        };
      },
      get samples() {
        return self.samples();
      },
      get ellipses() {
        return self.ellipses(self.geometry);
      },
      /** q's ellipses as the inset draws them (canvas pixels), or [] when no inset is shown. */
      get insetEllipses() {
        return self.inset ? self.ellipses(self.inset) : [];
      },
      get modelIndex() {
        return self.explorer.state().modelIndex;
      },
      get means() {
        return Array.from(self.explorer.state().means);
      },
      get limit() {
        return self.explorer.state().limit;
      },
      padSide: PAD,
      encode: (x) => {
        const encoder = self.currentEncoder();
        if (encoder === null) throw new Error("the encoder's weights are still loading");
        return Array.from(encoder.forward(Float32Array.from(x)));
      },
      prepare: (ink) => {
        const x = prepareDigit(Float32Array.from(ink), PAD);
        return x && Array.from(x);
      },
      importanceWeighted: (epsilons) => self.importanceWeighted(epsilons),
      setEpsilon: (e1, e2) => {
        self.epsilons = [[e1, e2]];
        self.update();
      },
      stroke: (points) => self.pad.stroke(points),
      clear: () => {
        self.clearInk();
        self.update();
      },
      nearestLabels: (z1, z2, n) => self.explorer.nearestLabels([z1, z2], n)
    };
  }
};

// src/explorer.js
function readCodes(fields) {
  const limit = fields.limit;
  const codes = new Uint16Array(copyBytes(fields.codes));
  const labels = new Uint8Array(copyBytes(fields.code_labels));
  const means = new Float32Array(codes.length);
  for (let k = 0; k < codes.length; k++) means[k] = codes[k] / 65535 * 2 * limit - limit;
  return { means, labels };
}
var Explorer = class {
  constructor(model, el) {
    this.model = model;
    this.view = build(el, model);
    const own = {
      name: model.get("model_name"),
      limit: model.get("limit"),
      codes: model.get("codes"),
      code_labels: model.get("code_labels"),
      candidates: model.get("candidates"),
      decoder_layers: model.get("decoder_layers"),
      encoder_layers: model.get("encoder_layers")
    };
    this.fields = [own, ...model.get("models")];
    this.decoders = /* @__PURE__ */ new Map();
    this.modelIndex = -1;
    this.z = model.get("z").slice();
    this.t = model.get("t");
    this.clipped = false;
    this.frame = 0;
    this.pending = null;
    this.sender = throttledSend(() => this.send());
    this.pixels = new Float32Array(DIGIT * DIGIT);
    this.drawDigit = digitPainter();
    this.look = { colors: {}, font: "sans-serif", stop() {
    } };
    this.map = new LatentMap(this.view.map, this.look);
    this.followTheme();
    this.overlays = [];
    this.switchListeners = [];
    this.destroyListeners = [];
    this.useModel(model.get("model_index"));
    this.listen();
    this.setEndpoints(model.get("endpoints"), false);
    this.resize();
    this.resizeObserver = new ResizeObserver(() => this.resize());
    this.resizeObserver.observe(this.view.map);
  }
  /** Model `index`'s layers of `kind` ("decoder_layers", "encoder_layers"), once their weights are in the
   * page: at once where they are (JupyterLab), else asked of the host (a static page; `model.request`). */
  weights(index, kind) {
    const fields = this.fields[index];
    if (hasWeights(fields[kind])) return Promise.resolve(fields[kind]);
    if (!this.model.request) return Promise.reject(new Error(`model ${fields.name} has no ${kind} weights`));
    const model = this.model, own = kind === "encoder_layers" ? () => model.request("encoder_layers").then(() => model.get("encoder_layers")) : () => model.request("decoder_layers").then(() => model.get("decoder_layers"));
    const asked = index === 0 ? own() : model.request("models", index - 1).then(() => model.get("models")[index - 1][kind]);
    return asked.then((layers) => {
      if (!hasWeights(layers)) throw new Error(`the page gave no ${kind} weights for model ${fields.name}`);
      fields[kind] = layers;
      return layers;
    });
  }
  /** Show model `index` once its decoder's weights are in the page (at once when they are), marked
   * as loading meanwhile. Resolves to whether it is shown: the reader may have asked for another since. */
  showModel(index) {
    const root = this.view.root;
    this.wanted = index;
    if (hasWeights(this.fields[index].decoder_layers)) {
      delete root.dataset.loading;
      root.removeAttribute("aria-busy");
      this.useModel(index);
      return Promise.resolve(true);
    }
    root.dataset.loading = "model";
    root.setAttribute("aria-busy", "true");
    const done = () => {
      if (this.wanted !== index) return false;
      delete root.dataset.loading;
      root.removeAttribute("aria-busy");
      return true;
    };
    return this.weights(index, "decoder_layers").then(
      () => done() && (this.useModel(index), true),
      (error) => {
        done();
        throw error;
      }
    );
  }
  /** Show model `index`, whose decoder's weights are in the page: its map, its decoder, its sliders' range. */
  useModel(index) {
    this.wanted = index;
    if (index === this.modelIndex) return;
    const fields = this.fields[index];
    if (!this.decoders.has(index)) this.decoders.set(index, new DenseChain(fields.decoder_layers));
    this.decoder = this.decoders.get(index);
    this.modelIndex = index;
    this.limit = fields.limit;
    Object.assign(this, readCodes(fields));
    this.map.show({ limit: this.limit, means: this.means, labels: this.labels, colours: this.model.get("label_colours") });
    this.showCandidates(fields.candidates);
    for (const { input } of this.view.sliders) {
      Object.assign(input, { min: String(-this.limit), max: String(this.limit), step: sliderStep(this.limit) });
    }
    this.stripDirty = true;
    if (this.map.drawn) {
      this.drawBackground();
      this.moveTo(this.z, null);
    }
    for (const listener of this.switchListeners) listener(index);
  }
  /** The digits the interpolation can start or end at, in the endpoints' lists. */
  showCandidates(candidates) {
    this.candidates = new Map(candidates.map((c) => [c.index, c]));
    this.view.selects.forEach(({ select }) => {
      const chosen = select.value;
      select.replaceChildren(...candidates.map((candidate) => {
        const option = element("option", "", { value: String(candidate.index) });
        option.textContent = `a ${candidate.label} (held-out #${candidate.index})`;
        return option;
      }));
      select.value = chosen;
    });
  }
  /** Python's candidates changed (set_endpoints to digits not in the lists). */
  readCandidates() {
    const candidates = this.model.get("candidates");
    if (candidates === this.fields[0].candidates) return;
    this.fields[0].candidates = candidates;
    if (this.modelIndex === 0) this.showCandidates(candidates);
  }
  // -- the point
  moveTo(z, source, extra = {}) {
    const limit = this.limit;
    const inside = [Math.max(-limit, Math.min(limit, z[0])), Math.max(-limit, Math.min(limit, z[1]))];
    this.clipped = inside[0] !== z[0] || inside[1] !== z[1];
    this.z = inside;
    this.pending = { ...this.pending, z: inside.slice(), ...extra };
    this.schedule(source);
  }
  endpointMeans() {
    return this.endpoints.map((index) => this.candidates.get(index).mu);
  }
  along(t) {
    const [a, b] = this.endpointMeans();
    return [(1 - t) * a[0] + t * b[0], (1 - t) * a[1] + t * b[1]];
  }
  setEndpoints(endpoints, send) {
    this.endpoints = endpoints.slice();
    this.view.selects.forEach((s, k) => s.select.value = String(endpoints[k]));
    this.stripDirty = true;
    if (this.map.drawn) this.drawBackground();
    if (send) this.moveTo(this.along(this.t), null, { endpoints: this.endpoints.slice(), t: this.t });
  }
  // -- events
  listen() {
    const { map, sliders, prior, selects, tInput } = this.view;
    sliders.forEach(
      ({ input }, axis) => input.addEventListener("input", () => {
        const z = this.z.slice();
        z[axis] = Number(input.value);
        this.moveTo(z, input);
      })
    );
    tInput.addEventListener("input", () => {
      this.t = Number(tInput.value);
      this.moveTo(this.along(this.t), tInput, { t: this.t });
    });
    selects.forEach(
      ({ select }, k) => select.addEventListener("change", () => {
        const endpoints = this.endpoints.slice();
        endpoints[k] = Number(select.value);
        this.setEndpoints(endpoints, true);
      })
    );
    prior.addEventListener("click", () => this.moveTo(gaussianPair(), null));
    listenOnTheMap(this, map);
    this.onModel = {
      "change:z": () => {
        if (this.pending) return;
        const z = this.model.get("z");
        if (z[0] !== this.z[0] || z[1] !== this.z[1]) {
          this.z = z.slice();
          this.clipped = false;
          this.schedule(null);
        }
      },
      "change:t": () => {
        if (this.pending && "t" in this.pending) return;
        this.t = this.model.get("t");
        this.view.tInput.value = String(this.t);
      },
      "change:endpoints": () => {
        if (this.pending && "endpoints" in this.pending) return;
        const endpoints = this.model.get("endpoints");
        this.readCandidates();
        if (endpoints[0] !== this.endpoints[0] || endpoints[1] !== this.endpoints[1]) this.setEndpoints(endpoints, false);
        this.schedule(null);
      },
      "change:candidates": () => this.readCandidates(),
      "change:model_index": () => {
        if (this.pending && "model_index" in this.pending) return;
        this.showModel(this.model.get("model_index")).catch((error) => console.error(error));
      }
    };
    for (const [name, handler] of Object.entries(this.onModel)) this.model.on(name, handler);
  }
  /** Draw now, at most once per display frame; `source` (a control being moved) is left alone.
   * Chromium hands pointer moves to the page at the start of a frame, so what the handler draws
   * is in that frame. Events that come before the frame is drawn are drawn together in its
   * animation callback. Python hears of the new point after the frame (send.js). */
  schedule(source) {
    this.source = source;
    this.sender.request();
    if (this.frame) {
      this.dirty = true;
      return;
    }
    this.render();
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      if (this.dirty) {
        this.dirty = false;
        this.render();
      }
    });
  }
  send() {
    if (!this.pending) return;
    const { z, t, endpoints, model_index: modelIndex } = this.pending;
    this.pending = null;
    if (z !== void 0) this.model.set("z", z);
    if (t !== void 0) this.model.set("t", t);
    if (endpoints !== void 0) this.model.set("endpoints", endpoints);
    if (modelIndex !== void 0) this.model.set("model_index", modelIndex);
    this.model.save_changes();
  }
  // -- drawing
  render() {
    const z = this.z;
    this.decoder.decode(z, this.pixels);
    this.drawDigit(this.pixels, this.view.digit);
    if (this.stripDirty) this.drawStrip();
    this.drawMap();
    const source = this.source;
    this.view.sliders.forEach(({ input, value }, axis) => {
      if (input !== source) input.value = String(z[axis]);
      value.textContent = signed(z[axis]);
    });
    if (this.view.tInput !== source) this.view.tInput.value = String(this.t);
    this.view.tValue.textContent = number(this.t, 2);
    this.source = null;
    let text = `z = (${signed(z[0])}, ${signed(z[1])})${this.clipped ? " (clipped to the map)" : ""}`;
    text += `
nearest held-out digit: ${this.nearestLabels(z, 1)[0]}`;
    if (this.view.readout.textContent !== text) this.view.readout.textContent = text;
    this.view.readout.dataset.value = JSON.stringify(z);
  }
  drawStrip() {
    this.stripDirty = false;
    const canvas = this.view.strip, n = this.model.get("strip_length");
    blank(canvas);
    const pixels = new Float32Array(DIGIT * DIGIT);
    for (let k = 0; k < n; k++) {
      this.decoder.decode(this.along(k / (n - 1)), pixels);
      this.drawDigit(pixels, canvas, k * (DIGIT + 2) * STRIP_SCALE, DIGIT * STRIP_SCALE);
    }
  }
  /** The labels of the `n` held-out means nearest `z` on the current model's map. */
  nearestLabels(z, n) {
    const means = this.means, labels = this.labels;
    if (n === 1) {
      let best = Infinity, label = -1;
      for (let i = 0; i < labels.length; i++) {
        const dx = means[2 * i] - z[0], dy = means[2 * i + 1] - z[1], distance = dx * dx + dy * dy;
        if (distance < best) [best, label] = [distance, labels[i]];
      }
      return [label];
    }
    const order = Array.from(labels.keys()).map((i) => [Math.hypot(means[2 * i] - z[0], means[2 * i + 1] - z[1]), labels[i]]);
    order.sort((a, b) => a[0] - b[0]);
    return order.slice(0, n).map((pair) => pair[1]);
  }
  /** The map's colours are the page theme's (theme.css): a switch of theme redraws it, without a reload.
   * They are read once the explorer is on the page (a widget may be drawn before it is placed). */
  followTheme() {
    if (this.themeFollowed || !this.view.root.isConnected) return false;
    this.themeFollowed = true;
    this.look = this.map.look = themed(this.view.root, () => this.restyle());
    return true;
  }
  resize() {
    const followed = this.followTheme();
    if (this.map.fit() || followed) this.drawBackground();
    this.render();
  }
  /** The theme or the width changed: everything drawn with the theme's colours, again. */
  restyle() {
    this.map.fit();
    this.drawBackground();
    this.render();
  }
  drawBackground() {
    this.map.drawBackground(this.endpointMeans());
  }
  drawMap() {
    this.map.draw(this.z, this.overlays);
  }
  /** What a part added to the explorer may use (the drawing pad): nothing else of it. */
  api() {
    const self = this;
    return {
      /** The models' names, in the order of `switchModel`'s index. */
      modelNames: self.fields.map((fields) => fields.name),
      /** Read-only: the point, the map's half side, the model shown, its decoder and encoder's layers, its map. */
      state() {
        const fields = self.fields[self.modelIndex];
        return {
          z: self.z.slice(),
          limit: self.limit,
          modelIndex: self.modelIndex,
          modelName: fields.name,
          decoder: self.decoder,
          encoderLayers: fields.encoder_layers,
          means: self.means,
          labels: self.labels
        };
      },
      /** The reader chose model `index`: show it (map, decoder, sliders) once its weights are in the page,
       * and tell Python. Resolves to whether it is shown (the reader may have chosen another since). */
      switchModel(index) {
        if (index === self.modelIndex && self.wanted === index) return Promise.resolve(true);
        return self.showModel(index).then((shown) => {
          if (shown) self.moveTo(self.z, null, { model_index: index });
          return shown;
        });
      },
      /** Model `index`'s encoder layers, once their weights are in the page (asked for on a static page). */
      encoderLayers: (index) => self.weights(index, "encoder_layers"),
      /** `listener(index)` runs after every switch of model, by the reader or by Python. */
      onModelChange: (listener) => self.switchListeners.push(listener),
      /** `draw(context, {scale, perUnit, area, toCanvas, colors})` runs over the map every time it is drawn. */
      addOverlay: (draw) => self.overlays.push(draw),
      /** Draw the map again (an overlay's data changed). */
      redraw: () => self.drawMap(),
      drawDigit: self.drawDigit,
      nearestLabels: (z, n) => self.nearestLabels(z, n),
      /** `listener()` runs when the explorer is taken off the page. */
      onDestroy: (listener) => self.destroyListeners.push(listener)
    };
  }
  /** What the tests and the benchmarks call (`root.latentExplorer`). */
  probe() {
    const self = this;
    return {
      get z() {
        return self.z.slice();
      },
      get pixels() {
        return Array.from(self.pixels);
      },
      get limit() {
        return self.limit;
      },
      /** The name of the model shown (the switch's label). */
      get modelName() {
        return self.fields[self.modelIndex].name;
      },
      /** A's and B's labels on the map, in canvas pixels: [{ label, x, y, radius, at }]. */
      get markers() {
        return self.map.markers(self.endpointMeans());
      },
      ringRadius: RING,
      decode: (z1, z2) => Array.from(self.decoder.decode([z1, z2], new Float32Array(self.decoder.size))),
      setLatent: (z1, z2) => self.moveTo([z1, z2], null),
      renderAt: (z1, z2) => {
        self.z = [z1, z2];
        self.render();
        return self.pixels;
      },
      toCanvas: (z1, z2) => self.map.toCanvas([z1, z2])
    };
  }
  destroy() {
    cancelAnimationFrame(this.frame);
    this.sender.cancel();
    this.resizeObserver.disconnect();
    this.look.stop();
    for (const [name, handler] of Object.entries(this.onModel)) this.model.off(name, handler);
    for (const listener of this.destroyListeners) listener();
  }
};
var explorer_default = {
  render({ model, el }) {
    const explorer = new Explorer(model, el);
    const probe = explorer.probe();
    const pad = new EncoderPad(explorer.api(), model);
    explorer.view.root.insertBefore(pad.view.panel, explorer.view.root.children[1] || null);
    probe.encoder = pad.probe();
    explorer.view.root.latentExplorer = probe;
    explorer.view.root.dataset.state = el.dataset.state = "ready";
    return () => explorer.destroy();
  }
};
export {
  explorer_default as default
};
