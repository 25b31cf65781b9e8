// The latent explorer (chapter 6): one anywidget module, the same file in JupyterLab and in
// the book's static pages.
//
// What it reads from the model (written by explorer.py, LatentExplorer._send_data, only):
//   decoder_layers  [{activation, inputs, outputs, kernel, bias, dtype}]: little-endian
//                   buffers of `dtype` ("float32", or "float16" for models switched to),
//                   kernel row-major (inputs, outputs); empty when Python decodes
//   decoding        "browser" (this file decodes) or "python" (Python sends `pixels`)
//   decoding_note   why Python decodes, shown under the digit
//   pixels, strip_pixels  grey levels (uint8, 255 = white) decoded in Python; "python" only
//   codes, code_labels    the map: held-out means quantised to uint16 on [-limit, limit], labels uint8
//   label_colours   one CSS colour per label (the palette of vae_helpers.latent)
//   candidates      [{index, label, mu: [z1, z2]}]: the digits the interpolation can start or end at
//   limit, strip_length, scale
// What it reads and writes: z ([z1, z2]), t, endpoints ([index A, index B]).
//
// An input event moves z and draws at once (at most once per display frame); Python hears of it
// after the frame (_send.js, which comes before this file in the widget's module).
// The root element gets a `latentExplorer` property that the tests and the benchmark use.
// encoder.js (the drawing pad) follows this file in the widget's module: it registers itself
// in EXTENSIONS and draws on the map through `overlays`.

const KEY_STEP = 0.1; // latent units per arrow key press; Shift multiplies by 10
const MARGIN = 28; // CSS pixels left of and below the plot area, for the tick labels
const RING = 7; // the ring's radius, CSS pixels
const GRAB = 24; // a touch this close to the ring (CSS pixels) drags it; elsewhere it scrolls the page
const STRIP_SCALE = 3;
const DIGIT = 28;

// -- the model ------------------------------------------------------------------------------

function copyBytes(view) {
  // A fresh ArrayBuffer: the widget message's buffer may start at an offset not divisible by 4.
  return view.buffer.slice(view.byteOffset, view.byteOffset + view.byteLength);
}

/* IEEE 754 half-precision bits to a number (the browsers' Float16Array is too recent to rely on). */
function halfToFloat(bits) {
  const exponent = (bits >> 10) & 0x1f, fraction = bits & 0x3ff, sign = bits & 0x8000 ? -1 : 1;
  if (exponent === 0) return sign * fraction * 2 ** -24;
  if (exponent === 31) return fraction ? NaN : sign * Infinity;
  return sign * (1 + fraction / 1024) * 2 ** (exponent - 15);
}

/* A weights buffer as float32, whatever the dtype it travelled in. */
function readWeights(view, dtype) {
  if (dtype !== "float16") return new Float32Array(copyBytes(view));
  const halves = new Uint16Array(copyBytes(view)), out = new Float32Array(halves.length);
  for (let k = 0; k < halves.length; k++) out[k] = halfToFloat(halves[k]);
  return out;
}

const ACTIVATIONS = {
  linear: (x) => x,
  relu: (x) => (x > 0 ? x : 0),
  sigmoid: (x) => 1 / (1 + Math.exp(-x)),
  tanh: Math.tanh,
};

/* A chain of Dense layers, h -> f(h W + b), then a sigmoid: vae_helpers.numpy_decoder.NumpyDecoder.
 * Sums run in double precision over the float32 weights. `forward` alone runs the encoder
 * (its last layer gives [mu, log_var]). */
export class Decoder {
  constructor(layers) {
    this.layers = layers.map((layer) => ({
      kernel: readWeights(layer.kernel, layer.dtype),
      bias: readWeights(layer.bias, layer.dtype),
      inputs: layer.inputs,
      outputs: layer.outputs,
      activation: ACTIVATIONS[layer.activation],
      out: new Float64Array(layer.outputs),
    }));
    this.latentDim = this.layers[0].inputs;
    this.size = this.layers[this.layers.length - 1].outputs;
    this.input = new Float64Array(this.latentDim);
  }

  /* The last layer's outputs (the logits) for the input `z`; a buffer the next call overwrites. */
  forward(z) {
    let h = this.input;
    for (let d = 0; d < this.latentDim; d++) h[d] = z[d];
    for (const layer of this.layers) {
      const { out, kernel, bias, outputs: n } = layer;
      for (let j = 0; j < n; j++) out[j] = bias[j];
      for (let i = 0; i < layer.inputs; i++) {
        const v = h[i];
        if (v === 0) continue; // ReLU zeros: about half the hidden units, skipped for free
        const row = i * n;
        for (let j = 0; j < n; j++) out[j] += v * kernel[row + j];
      }
      for (let j = 0; j < n; j++) out[j] = layer.activation(out[j]);
      h = out;
    }
    return h;
  }

  decode(z, pixels) {
    const h = this.forward(z);
    for (let k = 0; k < this.size; k++) pixels[k] = 1 / (1 + Math.exp(-h[k]));
    return pixels;
  }
}

/* The held-out means, back from uint16 to latent units. */
function readCodes(model) {
  const limit = model.get("limit");
  const codes = new Uint16Array(copyBytes(model.get("codes")));
  const labels = new Uint8Array(copyBytes(model.get("code_labels")));
  const means = new Float32Array(codes.length);
  for (let k = 0; k < codes.length; k++) means[k] = (codes[k] / 65535) * 2 * limit - limit;
  return { means, labels };
}

function signed(value) {
  return (value < 0 ? "\u2212" : "+") + Math.abs(value).toFixed(2);
}

function element(tag, className, attributes = {}) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, value);
  return node;
}

// -- the view -------------------------------------------------------------------------------

function build(el, model) {
  const limit = model.get("limit");
  const step = 10 ** Math.floor(Math.log10(limit / 200)); // a few hundred slider positions
  const root = element("div", "vae-explorer");
  const top = element("div", "vae-explorer__top");
  const mapPanel = element("div", "vae-explorer__map-panel");
  const map = element("canvas", "vae-explorer__map", {
    tabindex: "0",
    role: "application",
    "aria-roledescription": "latent map",
    "aria-label":
      "Map of latent space: the held-out digits at their means, coloured by label, and a ring at the point z. " +
      "Click or tap to move the point, drag the ring, or use the arrow keys (Shift for larger steps).",
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
      type: "range", min: String(-limit), max: String(limit), step: String(step),
      "aria-label": `z${axis + 1}, the ${axis ? "second" : "first"} latent coordinate`,
    });
    label.append(axis ? "z\u2082" : "z\u2081", input);
    return { label, input };
  });
  const prior = element("button", "vae-explorer__prior", { type: "button" });
  prior.textContent = "Sample from the prior";
  const note = element("p", "vae-explorer__note");
  const controls = element("div", "vae-explorer__controls");
  controls.append(readout, ...sliders.map((s) => s.label), prior);
  digitPanel.append(digit, controls);
  top.append(mapPanel, digitPanel);

  const interpolation = element("div", "vae-explorer__interpolation");
  const heading = element("p", "vae-explorer__heading");
  heading.innerHTML = "<b>Interpolate</b> along the straight line from A's mean to B's mean";
  const choices = model.get("candidates");
  const selects = ["from A", "to B"].map((name) => {
    const label = element("label", "vae-explorer__endpoint");
    const select = element("select");
    for (const candidate of choices) {
      const option = element("option", "", { value: String(candidate.index) });
      option.textContent = `a ${candidate.label} (held-out #${candidate.index})`;
      select.append(option);
    }
    label.append(name + " ", select);
    return { label, select };
  });
  const tLabel = element("label", "vae-explorer__slider");
  const tInput = element("input", "", { type: "range", min: "0", max: "1", step: "0.01", "aria-label": "t, from A (0) to B (1)" });
  tLabel.append("t", tInput);
  const strip = element("canvas", "vae-explorer__strip", { role: "img", "aria-label": "Decodes along the line from A (left) to B (right)" });
  const stripLength = model.get("strip_length");
  strip.width = stripLength * (DIGIT + 2) * STRIP_SCALE - 2 * STRIP_SCALE;
  strip.height = DIGIT * STRIP_SCALE;
  const endpointRow = element("div", "vae-explorer__endpoints");
  endpointRow.append(...selects.map((s) => s.label));
  interpolation.append(heading, endpointRow, tLabel, strip);
  root.append(top, interpolation, note);
  el.append(root);
  return { root, map, digit, readout, sliders, prior, note, selects, tInput, strip, limit };
}

class Explorer {
  constructor(model, el) {
    this.model = model;
    this.view = build(el, model);
    this.limit = this.view.limit;
    this.z = model.get("z").slice();
    this.t = model.get("t");
    this.clipped = false;
    this.frame = 0;
    this.pending = null; // what Python hears of after the frame
    this.dragging = null; // the pointer that drags the point, if any
    this.browser = model.get("decoding") === "browser";
    // _send.js; when Python decodes, it must hear of a drag as it goes to draw it
    this.sender = throttledSend(() => this.send(), { duringDrags: !this.browser });
    this.decoder = this.browser ? new Decoder(model.get("decoder_layers")) : null;
    this.pixels = new Float32Array(DIGIT * DIGIT);
    Object.assign(this, readCodes(model));
    this.candidates = new Map(model.get("candidates").map((c) => [c.index, c]));
    this.tile = element("canvas");
    this.tile.width = this.tile.height = DIGIT;
    this.tileContext = this.tile.getContext("2d");
    this.image = this.tileContext.createImageData(DIGIT, DIGIT);
    this.background = element("canvas");
    this.overlays = []; // functions (context, scale) that draw over the map, after the ring
    this.view.note.textContent = this.browser ? "" : model.get("decoding_note");
    this.view.note.hidden = this.browser;
    this.listen();
    this.setEndpoints(model.get("endpoints"), false);
    this.resize();
    this.resizeObserver = new ResizeObserver(() => this.resize());
    this.resizeObserver.observe(this.view.map);
  }

  // -- geometry: the plot area in canvas pixels (the backing store follows CSS size and devicePixelRatio)
  // Kept until the next resize: reading clientWidth in an input handler, after the page's text
  // changed, would force the browser to lay the whole page out again there and then.
  plotArea() {
    const canvas = this.view.map;
    if (this.area && this.area.width === canvas.width) return this.area;
    const scale = canvas.width / (canvas.clientWidth || canvas.width);
    const margin = MARGIN * scale;
    const size = Math.min(canvas.width - 1.5 * margin, canvas.height - 1.5 * margin);
    this.area = { left: margin, top: margin / 2, size, scale, width: canvas.width };
    return this.area;
  }

  toCanvas(z) {
    const area = this.plotArea(), limit = this.limit;
    return [area.left + ((z[0] + limit) / (2 * limit)) * area.size, area.top + ((limit - z[1]) / (2 * limit)) * area.size];
  }

  fromClient(clientX, clientY) {
    const canvas = this.view.map, rect = canvas.getBoundingClientRect(), area = this.plotArea(), limit = this.limit;
    const x = ((clientX - rect.left) / rect.width) * canvas.width;
    const y = ((clientY - rect.top) / rect.height) * canvas.height;
    return [((x - area.left) / area.size) * 2 * limit - limit, limit - ((y - area.top) / area.size) * 2 * limit];
  }

  /* Distance in CSS pixels from a client point to the ring. */
  distanceToRing(clientX, clientY) {
    const canvas = this.view.map, rect = canvas.getBoundingClientRect();
    const [x, y] = this.toCanvas(this.z);
    const ratio = rect.width / canvas.width;
    return Math.hypot(rect.left + x * ratio - clientX, rect.top + y * ratio - clientY);
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
    const [a, b] = this.endpoints.map((index) => this.candidates.get(index).mu);
    return [a, b];
  }

  along(t) {
    const [a, b] = this.endpointMeans();
    return [(1 - t) * a[0] + t * b[0], (1 - t) * a[1] + t * b[1]];
  }

  setEndpoints(endpoints, send) {
    this.endpoints = endpoints.slice();
    this.view.selects.forEach((s, k) => (s.select.value = String(endpoints[k])));
    this.stripDirty = true;
    if (this.backgroundDrawn) this.drawBackground();
    if (send) {
      this.moveTo(this.along(this.t), null, { endpoints: this.endpoints.slice(), t: this.t });
    }
  }

  // -- events
  listen() {
    const { map, sliders, prior, selects, tInput } = this.view;
    sliders.forEach(({ input }, axis) =>
      input.addEventListener("input", () => {
        const z = this.z.slice();
        z[axis] = Number(input.value);
        this.moveTo(z, input);
      }),
    );
    tInput.addEventListener("input", () => {
      this.t = Number(tInput.value);
      this.moveTo(this.along(this.t), tInput, { t: this.t });
    });
    selects.forEach(({ select }, k) =>
      select.addEventListener("change", () => {
        const endpoints = this.endpoints.slice();
        endpoints[k] = Number(select.value);
        this.setEndpoints(endpoints, true);
      }),
    );
    prior.addEventListener("click", () => {
      // Box-Muller: two independent draws from N(0, 1).
      const radius = Math.sqrt(-2 * Math.log(1 - Math.random())), angle = 2 * Math.PI * Math.random();
      this.moveTo([radius * Math.cos(angle), radius * Math.sin(angle)], null);
    });

    // Mouse and pen: press anywhere on the map and drag. Touch: a swipe scrolls the page,
    // unless it starts on the ring (then it drags the ring); a tap moves the point there.
    // (Chromium sends pointerdown before touchstart, and captures a touch pointer by itself:
    // hence the explicit `dragging`.)
    map.addEventListener("pointerdown", (event) => {
      const touch = event.pointerType === "touch";
      this.tapScroll = touch ? window.scrollY : null;
      if (touch ? this.distanceToRing(event.clientX, event.clientY) > GRAB : event.button !== 0) return;
      this.dragging = event.pointerId;
      map.setPointerCapture(event.pointerId);
      map.focus({ preventScroll: true }); // the arrow keys work after a click
      if (!touch) this.follow(event); // a finger on the ring picks it up where it is
      event.preventDefault();
    });
    map.addEventListener(
      "touchstart",
      (event) => {
        if (this.dragging !== null) event.preventDefault(); // this touch drags the ring: the page does not scroll
      },
      { passive: false },
    );
    map.addEventListener("pointermove", (event) => {
      if (this.dragging === event.pointerId) this.follow(event);
    });
    for (const type of ["pointerup", "pointercancel"]) {
      map.addEventListener(type, (event) => {
        if (this.dragging === event.pointerId) this.dragging = null;
      });
    }
    // A tap off the ring moves the point there (a swipe that scrolled the page is no tap).
    map.addEventListener("click", (event) => {
      if (event.pointerType === "touch" && this.tapScroll === window.scrollY) this.follow(event);
    });
    map.addEventListener("keydown", (event) => {
      const s = event.shiftKey ? 10 * KEY_STEP : KEY_STEP;
      const move = { ArrowLeft: [-s, 0], ArrowRight: [s, 0], ArrowUp: [0, s], ArrowDown: [0, -s] }[event.key];
      if (!move) return;
      event.preventDefault(); // the arrows move the point, not the page
      this.moveTo([this.z[0] + move[0], this.z[1] + move[1]], map);
    });

    // From Python (set_z, sample_prior, interpolate) or, in Python-decoding mode, new pixels.
    this.onModel = {
      "change:z": () => {
        if (this.pending) return; // an echo of an earlier send: the reader's newer point waits to be sent
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
        if (endpoints[0] !== this.endpoints[0] || endpoints[1] !== this.endpoints[1]) this.setEndpoints(endpoints, false);
        this.schedule(null);
      },
      "change:pixels": () => this.schedule(null),
      "change:strip_pixels": () => {
        this.stripDirty = true;
        this.schedule(null);
      },
    };
    for (const [name, handler] of Object.entries(this.onModel)) this.model.on(name, handler);
  }

  follow(event) {
    this.moveTo(this.fromClient(event.clientX, event.clientY), this.view.map);
  }

  /* Draw now, at most once per display frame; `source` (a control being moved) is left alone.
   * Chromium hands pointer moves to the page at the start of a frame, so what the handler draws
   * is in that frame. Events that come before the frame is drawn are drawn together in its
   * animation callback. Python hears of the new point after the frame (_send.js). */
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
    for (const [name, value] of Object.entries(this.pending)) this.model.set(name, value);
    this.pending = null;
    this.model.save_changes();
  }

  // -- drawing
  render() {
    const z = this.z;
    if (this.browser) this.decoder.decode(z, this.pixels);
    else {
      const greys = new Uint8Array(copyBytes(this.model.get("pixels")));
      for (let k = 0; k < greys.length; k++) this.pixels[k] = 1 - greys[k] / 255;
    }
    this.drawDigit(this.pixels, this.view.digit, 0, this.view.digit.width);
    if (this.stripDirty) this.drawStrip();
    this.drawMap();
    const source = this.source;
    this.view.sliders.forEach(({ input }, axis) => {
      if (input !== source) input.value = String(z[axis]);
    });
    if (this.view.tInput !== source) this.view.tInput.value = String(this.t);
    this.source = null;
    let text = `z = (${signed(z[0])}, ${signed(z[1])})${this.clipped ? " (clipped to the map)" : ""}`;
    text += `\nnearest held-out digit: ${this.nearestLabel(z)}`;
    if (this.view.readout.textContent !== text) this.view.readout.textContent = text;
    this.view.readout.dataset.value = JSON.stringify(z);
  }

  drawDigit(pixels, canvas, left, side) {
    const data = this.image.data;
    for (let k = 0; k < DIGIT * DIGIT; k++) {
      const grey = Math.round(255 * (1 - pixels[k])); // dark ink on white, like the notebooks' figures
      data[4 * k] = data[4 * k + 1] = data[4 * k + 2] = grey;
      data[4 * k + 3] = 255;
    }
    this.tileContext.putImageData(this.image, 0, 0);
    const context = canvas.getContext("2d");
    context.imageSmoothingEnabled = false;
    context.drawImage(this.tile, left, 0, side, side);
  }

  drawStrip() {
    this.stripDirty = false;
    const canvas = this.view.strip, n = this.model.get("strip_length");
    const context = canvas.getContext("2d");
    context.fillStyle = "#ffffff";
    context.fillRect(0, 0, canvas.width, canvas.height);
    const pixels = new Float32Array(DIGIT * DIGIT);
    const greys = this.browser ? null : new Uint8Array(copyBytes(this.model.get("strip_pixels")));
    for (let k = 0; k < n; k++) {
      if (this.browser) this.decoder.decode(this.along(k / (n - 1)), pixels);
      else for (let p = 0; p < pixels.length; p++) pixels[p] = 1 - greys[k * pixels.length + p] / 255;
      this.drawDigit(pixels, canvas, k * (DIGIT + 2) * STRIP_SCALE, DIGIT * STRIP_SCALE);
    }
  }

  nearestLabel(z) {
    let best = Infinity, label = -1;
    const means = this.means;
    for (let i = 0; i < this.labels.length; i++) {
      const dx = means[2 * i] - z[0], dy = means[2 * i + 1] - z[1], distance = dx * dx + dy * dy;
      if (distance < best) {
        best = distance;
        label = this.labels[i];
      }
    }
    return label;
  }

  resize() {
    this.area = null;
    const canvas = this.view.map, ratio = window.devicePixelRatio || 1;
    const size = Math.round((canvas.clientWidth || 400) * ratio);
    if (canvas.width !== size || !this.backgroundDrawn) {
      canvas.width = canvas.height = size;
      this.drawBackground();
      this.backgroundDrawn = true;
    }
    this.render();
  }

  /* The held-out means, grid, ticks and interpolation path: drawn once, copied every frame. */
  drawBackground() {
    const canvas = this.background, area = this.plotArea(), limit = this.limit;
    canvas.width = this.view.map.width;
    canvas.height = this.view.map.height;
    const context = canvas.getContext("2d");
    context.fillStyle = "#ffffff";
    context.fillRect(0, 0, canvas.width, canvas.height);
    context.font = `${Math.round(11 * area.scale)}px sans-serif`;
    context.fillStyle = "#444444";
    context.lineWidth = area.scale;
    const every = Math.max(1, Math.ceil(limit / 5));
    for (let tick = -Math.floor(limit / every) * every; tick <= limit; tick += every) {
      const x = this.toCanvas([tick, 0])[0], y = this.toCanvas([0, tick])[1];
      context.strokeStyle = tick === 0 ? "#b0b0b0" : "#ececec";
      context.beginPath();
      context.moveTo(x, area.top);
      context.lineTo(x, area.top + area.size);
      context.moveTo(area.left, y);
      context.lineTo(area.left + area.size, y);
      context.stroke();
      if ((tick / every) % 2 === 0) {
        context.textAlign = "center";
        context.textBaseline = "top";
        context.fillText(String(tick), x, area.top + area.size + 3 * area.scale);
        context.textAlign = "right";
        context.textBaseline = "middle";
        context.fillText(String(tick), area.left - 4 * area.scale, y);
      }
    }
    context.strokeStyle = "#888888";
    context.strokeRect(area.left, area.top, area.size, area.size);
    const colours = this.model.get("label_colours"), radius = 2 * area.scale;
    context.globalAlpha = 0.7;
    for (let i = 0; i < this.labels.length; i++) {
      const [x, y] = this.toCanvas([this.means[2 * i], this.means[2 * i + 1]]);
      context.fillStyle = colours[this.labels[i] % colours.length];
      context.fillRect(x - radius, y - radius, 2 * radius, 2 * radius);
    }
    context.globalAlpha = 1;
    // The interpolation path, dashed, with its ends A and B.
    const [a, b] = this.endpointMeans().map((mu) => this.toCanvas(mu));
    context.setLineDash([5 * area.scale, 4 * area.scale]);
    context.strokeStyle = "#000000";
    context.lineWidth = 1.2 * area.scale;
    context.beginPath();
    context.moveTo(a[0], a[1]);
    context.lineTo(b[0], b[1]);
    context.stroke();
    context.setLineDash([]);
    context.font = `bold ${Math.round(11 * area.scale)}px sans-serif`;
    context.textAlign = "center";
    context.textBaseline = "middle";
    [a, b].forEach(([x, y], k) => {
      context.fillStyle = "#ffffff";
      context.beginPath();
      context.arc(x, y, 7 * area.scale, 0, 2 * Math.PI);
      context.fill();
      context.lineWidth = 0.8 * area.scale;
      context.stroke();
      context.fillStyle = "#000000";
      context.fillText(k ? "B" : "A", x, y + 0.5 * area.scale);
    });
  }

  drawMap() {
    const context = this.view.map.getContext("2d"), scale = this.plotArea().scale;
    const [x, y] = this.toCanvas(this.z);
    context.drawImage(this.background, 0, 0);
    context.beginPath();
    context.arc(x, y, RING * scale, 0, 2 * Math.PI);
    context.lineWidth = 4.5 * scale;
    context.strokeStyle = "#ffffff";
    context.stroke();
    context.lineWidth = 2 * scale;
    context.strokeStyle = "#000000";
    context.stroke();
    for (const overlay of this.overlays) overlay(context, scale);
  }

  /* What the tests and the benchmark call. */
  api() {
    const self = this;
    return {
      get z() { return self.z.slice(); },
      get pixels() { return Array.from(self.pixels); },
      get decoding() { return self.browser ? "browser" : "python"; },
      limit: self.limit,
      decode: (z1, z2) => Array.from(self.decoder.decode([z1, z2], new Float32Array(self.decoder.size))),
      setLatent: (z1, z2) => self.moveTo([z1, z2], null),
      renderAt: (z1, z2) => { self.z = [z1, z2]; self.render(); return self.pixels; },
      toCanvas: (z1, z2) => self.toCanvas([z1, z2]),
    };
  }

  destroy() {
    cancelAnimationFrame(this.frame);
    this.sender.cancel();
    this.resizeObserver.disconnect();
    for (const [name, handler] of Object.entries(this.onModel)) this.model.off(name, handler);
  }
}

const EXTENSIONS = []; // functions (explorer) that add a part to every explorer: encoder.js's pad

export default {
  render({ model, el }) {
    const explorer = new Explorer(model, el);
    explorer.view.root.latentExplorer = explorer.api();
    for (const extend of EXTENSIONS) extend(explorer);
    explorer.view.root.dataset.state = el.dataset.state = "ready";
    return () => explorer.destroy();
  },
};
