/* Bundled by esbuild 0.28.2 from src/conditional.css src/conditional.js src/dense.js src/maths.js src/mathtext.js src/pad.js src/panel.css src/plot.js src/send.js src/theme.css src/ticks.js (sha256 6550648d22dcdc61bb582bc8cbc8fbd48ca002a23fd219e889d28f8cbfc1ffb3): edit those, then run make widgets. */

// src/maths.js
var LOG_2PI = Math.log(2 * Math.PI);
function sigmoid(x) {
  return 1 / (1 + Math.exp(-x));
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
function labelLegend(parent, colours, label) {
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
    }
  };
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
var sending = /* @__PURE__ */ new WeakMap();
function setTrait(model, name, value) {
  let state = sending.get(model);
  if (!state) {
    const unsent = /* @__PURE__ */ new Map();
    const { request } = throttledSend(() => {
      unsent.clear();
      model.save_changes();
    });
    state = { request, unsent, guarded: /* @__PURE__ */ new Set() };
    sending.set(model, state);
  }
  if (!state.guarded.has(name)) {
    state.guarded.add(name);
    model.on(`change:${name}`, () => {
      if (state.unsent.has(name) && model.get(name) !== state.unsent.get(name)) model.set(name, state.unsent.get(name));
    });
  }
  state.unsent.set(name, value);
  model.set(name, value);
  state.request();
}

// src/conditional.js
var N_LABELS = 10;
var LATENT = 2;
var DIGIT_SCALE = 6;
var SMALL_SCALE = 3;
var MAP_SIDE = 300;
var KEY_STEPS = 40;
function build(el, colours) {
  const root = element("div", "vae-panel vae-cvae", {
    tabindex: "0",
    "data-lm-suppress-shortcuts": "true",
    "aria-label": "Conditional VAE: choose a digit with the keys 0 to 9, move the style point with the arrow keys"
  });
  const heading = element("p", "vae-cvae__heading");
  heading.innerHTML = "<b>Choose the digit</b> (buttons or keys 0\u20139) and <b>drag the style point</b> on the map (or use the arrow keys): the decoder draws that digit in that style.";
  const buttons = element("div", "vae-cvae__digits", { role: "group", "aria-label": "The digit to draw" });
  const digitButtons = [];
  for (let d = 0; d < N_LABELS; d++) {
    const button = element("button", "", { type: "button", "data-trait": "digit", "data-value": String(d), "aria-pressed": "false" });
    button.textContent = String(d);
    buttons.append(button);
    digitButtons.push(button);
  }
  const top = element("div", "vae-cvae__top");
  const mapFigure = element("figure", "vae-cvae__map-figure");
  const map = element("canvas", "vae-cvae__map", { role: "img", "aria-label": "Map of style codes, coloured by label, with the style point" });
  mapFigure.append(map);
  const legend = labelLegend(mapFigure, colours, "Colours of the digits on the map");
  const decoded = element("figure", "vae-cvae__decoded");
  const digitCanvas = element("canvas", "", { role: "img", "aria-label": "The digit the decoder draws" });
  digitCanvas.width = digitCanvas.height = DIGIT * DIGIT_SCALE;
  const caption = element("figcaption");
  const zOutput = element("output", "", { "data-quantity": "z", "data-value": "" });
  caption.append("z = ", zOutput);
  decoded.append(digitCanvas, caption);
  top.append(mapFigure, decoded);
  const writing = element("section", "vae-cvae__writing", { "aria-label": "Write with your own hand" });
  const writeHeading = element("p", "vae-cvae__heading");
  const padBox = element("div", "vae-cvae__pad-box");
  const pad = element("canvas", "vae-cvae__pad", { role: "img", "aria-label": "Drawing pad: draw the chosen digit here with the mouse, a finger or a pen" });
  pad.width = pad.height = PAD;
  const clear = element("button", "", { type: "button" });
  clear.textContent = "Clear";
  padBox.append(pad, clear);
  const yours = element("div", "vae-cvae__yours");
  const small = [];
  for (let d = 0; d < N_LABELS; d++) {
    const figure = element("figure", "vae-cvae__small");
    const canvas = element("canvas", "", { role: "img", "aria-label": `Your handwriting as a ${d}` });
    canvas.width = canvas.height = DIGIT * SMALL_SCALE;
    const caption2 = element("figcaption", "", { "aria-hidden": "true" });
    caption2.textContent = String(d);
    figure.append(canvas, caption2);
    yours.append(figure);
    small.push(canvas);
  }
  const styleOutput = element("output", "", { "data-quantity": "style", "data-value": "" });
  const status = element("p", "vae-cvae__status", { "aria-live": "polite" });
  const side = element("div", "vae-cvae__side");
  side.append(yours, status);
  const row = element("div", "vae-cvae__row");
  row.append(padBox, side);
  writing.append(writeHeading, row);
  root.append(heading, buttons, top, writing);
  el.append(root);
  return { root, digitButtons, map, legend, digitCanvas, zOutput, writeHeading, pad, clear, small, styleOutput, status };
}
function render({ model, el }) {
  const colours = model.get("label_colours");
  const view = build(el, colours);
  const decoder = new DenseChain(model.get("decoder_layers"));
  let encoder = hasWeights(model.get("encoder_layers")) ? new DenseChain(model.get("encoder_layers")) : null;
  let encoderAsked = false;
  const paint = digitPainter();
  const decoderInput = new Float64Array(LATENT + N_LABELS);
  const encoderInput = new Float64Array(DIGIT * DIGIT + N_LABELS);
  const pixels = new Float32Array(DIGIT * DIGIT);
  const quantised = new Uint16Array(copyBytes(model.get("codes")));
  const codeLabels = new Uint8Array(copyBytes(model.get("code_labels")));
  const limit = model.get("limit");
  let z = model.get("z").slice();
  let digit = model.get("digit");
  let style = null;
  let handwriting = [];
  function decodeDigit(point, label, out) {
    decoderInput.fill(0);
    decoderInput[0] = point[0];
    decoderInput[1] = point[1];
    decoderInput[LATENT + label] = 1;
    return decoder.decode(decoderInput, out);
  }
  const scale = window.devicePixelRatio || 1;
  view.map.width = view.map.height = Math.round(MAP_SIDE * scale);
  const side = view.map.width;
  const toCanvas = ([a, b]) => [(a + limit) / (2 * limit) * side, (limit - b) / (2 * limit) * side];
  const dots = element("canvas");
  dots.width = dots.height = side;
  const dotContext = dots.getContext("2d");
  function drawDots() {
    dotContext.globalAlpha = 1;
    dotContext.fillStyle = look.colors.background;
    dotContext.fillRect(0, 0, side, side);
    for (let k = 0; k < codeLabels.length; k++) {
      const [x, y] = toCanvas([quantised[2 * k] / 65535 * 2 * limit - limit, quantised[2 * k + 1] / 65535 * 2 * limit - limit]);
      dotContext.fillStyle = colours[codeLabels[k] % colours.length];
      dotContext.globalAlpha = codeLabels[k] === digit ? 1 : 0.25;
      dotContext.fillRect(x - scale, y - scale, 2 * scale, 2 * scale);
    }
    dotContext.globalAlpha = 1;
  }
  function drawMap() {
    const context = view.map.getContext("2d");
    context.drawImage(dots, 0, 0);
    const [x, y] = toCanvas(z);
    context.beginPath();
    context.arc(x, y, 7 * scale, 0, 2 * Math.PI);
    context.lineWidth = 3 * scale;
    context.strokeStyle = look.colors.ink;
    context.stroke();
    if (style) cross(context, toCanvas(style), 6 * scale, look.colors.ink, 2 * scale, look.colors.background);
  }
  function drawDigit() {
    paint(decodeDigit(z, digit, pixels), view.digitCanvas);
    view.zOutput.textContent = `(${signed(z[0])}, ${signed(z[1])})`;
    view.zOutput.dataset.value = JSON.stringify(z);
    view.digitButtons.forEach((button, d) => {
      button.setAttribute("aria-pressed", String(d === digit));
      button.dataset.value = String(d);
    });
    view.legend.show(digit);
    view.writeHeading.innerHTML = `<b>Write with your own hand</b>: draw a <b>${digit}</b> in the box; the encoder reads your style (the cross on the map) and draws it as all ten digits.`;
  }
  function drawHandwriting() {
    const x = drawingPad.prepared();
    if (x === null) {
      style = null;
      view.small.forEach(blank);
      view.styleOutput.dataset.value = "";
      view.status.textContent = "The pad is empty: draw a digit in it to see your handwriting as all ten.";
      return;
    }
    if (encoder === null) {
      askForEncoder();
      return;
    }
    encoderInput.fill(0);
    encoderInput.set(x);
    encoderInput[encoderInput.length - N_LABELS + digit] = 1;
    const out = encoder.forward(encoderInput);
    style = [out[0], out[1]];
    const drawn = [];
    for (let d = 0; d < N_LABELS; d++) {
      const image = decodeDigit(style, d, new Float32Array(DIGIT * DIGIT));
      paint(image, view.small[d]);
      drawn.push(image);
    }
    view.styleOutput.dataset.value = JSON.stringify(style);
    view.status.textContent = `Your ${digit}'s style: (${signed(style[0])}, ${signed(style[1])}), drawn as 0 to 9.`;
    handwriting = drawn;
  }
  function askForEncoder() {
    view.status.textContent = "Loading the encoder that reads your style\u2026";
    if (encoderAsked) return;
    if (!model.request) {
      view.status.textContent = "This page has no encoder weights: the pad cannot be read.";
      return;
    }
    encoderAsked = true;
    view.root.setAttribute("aria-busy", "true");
    model.request("encoder_layers").then(
      () => {
        encoder = new DenseChain(model.get("encoder_layers"));
        view.root.removeAttribute("aria-busy");
        drawHandwriting();
        drawMap();
      },
      (error) => {
        encoderAsked = false;
        view.root.removeAttribute("aria-busy");
        view.status.textContent = `The encoder could not load (${error.message}): draw again to try again.`;
      }
    );
  }
  function redraw() {
    drawDigit();
    drawMap();
  }
  function setDigit(d) {
    if (d === digit) return;
    digit = d;
    drawDots();
    drawHandwriting();
    redraw();
    setTrait(model, "digit", digit);
  }
  function moveTo(point) {
    z = point.map((v) => Math.max(-limit, Math.min(limit, v)));
    redraw();
    setTrait(model, "z", z);
  }
  const drawingPad = new DrawingPad(view.pad, { onInk: () => {
    drawHandwriting();
    drawMap();
  } });
  view.clear.addEventListener("click", () => {
    drawingPad.clear();
    drawHandwriting();
    drawMap();
  });
  view.digitButtons.forEach((button, d) => button.addEventListener("click", () => setDigit(d)));
  let dragging = null, rect = null;
  const fromEvent = (event) => [
    (event.clientX - rect.left) / rect.width * 2 * limit - limit,
    limit - (event.clientY - rect.top) / rect.height * 2 * limit
  ];
  view.map.addEventListener("pointerdown", (event) => {
    if (event.pointerType === "mouse" && event.button !== 0) return;
    rect = view.map.getBoundingClientRect();
    dragging = event.pointerId;
    view.map.setPointerCapture(event.pointerId);
    moveTo(fromEvent(event));
    event.preventDefault();
  });
  view.map.addEventListener("pointermove", (event) => {
    if (dragging === event.pointerId) moveTo(fromEvent(event));
  });
  for (const type of ["pointerup", "pointercancel"]) {
    view.map.addEventListener(type, (event) => {
      if (dragging === event.pointerId) dragging = null;
    });
  }
  const arrows = { ArrowLeft: [-1, 0], ArrowRight: [1, 0], ArrowUp: [0, 1], ArrowDown: [0, -1] };
  view.root.addEventListener("keydown", (event) => {
    if (event.target.tagName === "BUTTON" && (event.key === "Enter" || event.key === " ")) return;
    if (/^[0-9]$/.test(event.key)) {
      setDigit(Number(event.key));
      event.preventDefault();
    } else if (event.key in arrows) {
      const [dx, dy] = arrows[event.key], step = limit / KEY_STEPS;
      moveTo([z[0] + dx * step, z[1] + dy * step]);
      event.preventDefault();
    }
  });
  const onZ = () => {
    z = model.get("z").slice();
    redraw();
  };
  const onDigit = () => setDigit(model.get("digit"));
  model.on("change:z", onZ);
  model.on("change:digit", onDigit);
  const look = themed(view.root, () => {
    drawDots();
    drawMap();
  });
  drawDots();
  drawHandwriting();
  redraw();
  view.root.conditionalExplorer = {
    decode: (point, label) => Array.from(decodeDigit(point, label, new Float32Array(DIGIT * DIGIT))),
    get pixels() {
      return Array.from(pixels);
    },
    get z() {
      return z.slice();
    },
    get digit() {
      return digit;
    },
    get style() {
      return style && style.slice();
    },
    get handwriting() {
      return handwriting.map((image) => Array.from(image));
    },
    get x() {
      const x = drawingPad.prepared();
      return x && Array.from(x);
    },
    stroke: (points) => drawingPad.stroke(points),
    padSide: PAD
  };
  el.dataset.state = "ready";
  return () => {
    model.off("change:z", onZ);
    model.off("change:digit", onDigit);
    look.stop();
  };
}
var conditional_default = { render };
export {
  conditional_default as default
};
