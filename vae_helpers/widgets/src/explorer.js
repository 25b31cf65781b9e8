// The latent explorer (chapter 6, vae_helpers/widgets/explorer.py): the browser decodes and draws.
// Its traits, with their types and ranges, are declared in explorer.py (LatentExplorer).
//
// An input event moves z and draws at once (at most once per display frame); Python hears of it
// after the frame (send.js). The explorer offers the drawing pad (encoder.js), and any other
// part added to it, a small API (`Explorer.api`, below): read its state, switch the model, draw
// an overlay on the map. The root element's `latentExplorer` property is what the tests and
// the benchmarks call (`Explorer.probe`).

import "./explorer.css";
import { DenseChain, copyBytes } from "./dense.js";
import { gaussianPair } from "./maths.js";
import { blank, DIGIT, digitPainter, element, signed } from "./plot.js";
import { build, sliderStep, STRIP_SCALE } from "./explorer_view.js";
import { throttledSend } from "./send.js";
import { EncoderPad } from "./encoder.js";

const KEY_STEP = 0.1; // latent units per arrow key press; Shift multiplies by 10
const MARGIN = 28; // CSS pixels left of and below the plot area, for the tick labels
const RING = 7; // the ring's radius, CSS pixels
const GRAB = 24; // a touch this close to the ring (CSS pixels) drags it; elsewhere it scrolls the page

/** The held-out means of one model, back from uint16 on [-limit, limit] to latent units. */
function readCodes(fields) {
  const limit = fields.limit;
  const codes = new Uint16Array(copyBytes(fields.codes));
  const labels = new Uint8Array(copyBytes(fields.code_labels));
  const means = new Float32Array(codes.length);
  for (let k = 0; k < codes.length; k++) means[k] = (codes[k] / 65535) * 2 * limit - limit;
  return { means, labels };
}

class Explorer {
  constructor(model, el) {
    this.model = model;
    this.view = build(el, model);
    // Model 0 is the one whose fields are the explorer's own traits; k, models[k - 1].
    const own = {
      name: model.get("model_name"), limit: model.get("limit"), codes: model.get("codes"),
      code_labels: model.get("code_labels"), candidates: model.get("candidates"),
      decoder_layers: model.get("decoder_layers"), encoder_layers: model.get("encoder_layers"),
    };
    this.fields = [own, ...model.get("models")];
    this.decoders = new Map(); // model index -> its DenseChain, made when first shown
    this.modelIndex = -1;
    this.z = model.get("z").slice();
    this.t = model.get("t");
    this.clipped = false;
    this.frame = 0;
    this.pending = null; // what Python hears of after the frame
    this.dragging = null; // the pointer that drags the point, if any
    this.sender = throttledSend(() => this.send());
    this.pixels = new Float32Array(DIGIT * DIGIT);
    this.drawDigit = digitPainter();
    this.background = element("canvas");
    this.overlays = []; // functions (context, geometry) that draw over the map, after the ring
    this.switchListeners = [];
    this.destroyListeners = [];
    this.useModel(model.get("model_index"));
    this.listen();
    this.setEndpoints(model.get("endpoints"), false);
    this.resize();
    this.resizeObserver = new ResizeObserver(() => this.resize());
    this.resizeObserver.observe(this.view.map);
  }

  /** Show model `index`: its map, its decoder, its sliders' range. */
  useModel(index) {
    if (index === this.modelIndex) return;
    const fields = this.fields[index];
    if (!this.decoders.has(index)) this.decoders.set(index, new DenseChain(fields.decoder_layers));
    this.decoder = this.decoders.get(index);
    this.modelIndex = index;
    this.limit = fields.limit;
    Object.assign(this, readCodes(fields));
    this.showCandidates(fields.candidates);
    for (const { input } of this.view.sliders) {
      Object.assign(input, { min: String(-this.limit), max: String(this.limit), step: sliderStep(this.limit) });
    }
    this.area = null;
    this.stripDirty = true;
    if (this.backgroundDrawn) {
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

  /** Distance in CSS pixels from a client point to the ring. */
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
    return this.endpoints.map((index) => this.candidates.get(index).mu);
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
    if (send) this.moveTo(this.along(this.t), null, { endpoints: this.endpoints.slice(), t: this.t });
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
    prior.addEventListener("click", () => this.moveTo(gaussianPair(), null));

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

    // From Python (set_z, sample_prior, interpolate, set_endpoints, a model_index set by code).
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
        this.readCandidates(); // new endpoints may come with new candidates, in either order
        if (endpoints[0] !== this.endpoints[0] || endpoints[1] !== this.endpoints[1]) this.setEndpoints(endpoints, false);
        this.schedule(null);
      },
      "change:candidates": () => this.readCandidates(),
      "change:model_index": () => {
        if (this.pending && "model_index" in this.pending) return;
        this.useModel(this.model.get("model_index"));
      },
    };
    for (const [name, handler] of Object.entries(this.onModel)) this.model.on(name, handler);
  }

  follow(event) {
    this.moveTo(this.fromClient(event.clientX, event.clientY), this.view.map);
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
    if (z !== undefined) this.model.set("z", z);
    if (t !== undefined) this.model.set("t", t);
    if (endpoints !== undefined) this.model.set("endpoints", endpoints);
    if (modelIndex !== undefined) this.model.set("model_index", modelIndex);
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
    this.view.sliders.forEach(({ input }, axis) => {
      if (input !== source) input.value = String(z[axis]);
    });
    if (this.view.tInput !== source) this.view.tInput.value = String(this.t);
    this.source = null;
    let text = `z = (${signed(z[0])}, ${signed(z[1])})${this.clipped ? " (clipped to the map)" : ""}`;
    text += `\nnearest held-out digit: ${this.nearestLabels(z, 1)[0]}`;
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
    if (n === 1) { // every frame: one pass, no sort
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

  /** The held-out means, grid, ticks and interpolation path: drawn once, copied every frame. */
  drawBackground() {
    const canvas = this.background, area = this.plotArea(), limit = this.limit;
    canvas.width = this.view.map.width;
    canvas.height = this.view.map.height;
    const context = canvas.getContext("2d");
    blank(canvas);
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
    const context = this.view.map.getContext("2d"), area = this.plotArea(), scale = area.scale;
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
    const geometry = { scale, perUnit: area.size / (2 * this.limit), toCanvas: (z) => this.toCanvas(z) };
    for (const overlay of this.overlays) overlay(context, geometry);
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
        return { z: self.z.slice(), limit: self.limit, modelIndex: self.modelIndex, decoder: self.decoder,
          encoderLayers: fields.encoder_layers, means: self.means, labels: self.labels };
      },
      /** The reader chose model `index`: show it (map, decoder, sliders) and tell Python. */
      switchModel(index) {
        if (index === self.modelIndex) return;
        self.useModel(index);
        self.moveTo(self.z, null, { model_index: index });
      },
      /** `listener(index)` runs after every switch of model, by the reader or by Python. */
      onModelChange: (listener) => self.switchListeners.push(listener),
      /** `draw(context, {scale, perUnit, toCanvas})` runs over the map every time it is drawn. */
      addOverlay: (draw) => self.overlays.push(draw),
      /** Draw the map again (an overlay's data changed). */
      redraw: () => self.drawMap(),
      drawDigit: self.drawDigit,
      nearestLabels: (z, n) => self.nearestLabels(z, n),
      /** `listener()` runs when the explorer is taken off the page. */
      onDestroy: (listener) => self.destroyListeners.push(listener),
    };
  }

  /** What the tests and the benchmarks call (`root.latentExplorer`). */
  probe() {
    const self = this;
    return {
      get z() { return self.z.slice(); },
      get pixels() { return Array.from(self.pixels); },
      get limit() { return self.limit; },
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
    for (const listener of this.destroyListeners) listener();
  }
}

export default {
  render({ model, el }) {
    const explorer = new Explorer(model, el);
    const probe = explorer.probe();
    const pad = new EncoderPad(explorer.api(), model);
    explorer.view.root.insertBefore(pad.view.panel, explorer.view.root.children[1] || null);
    probe.encoder = pad.probe();
    explorer.view.root.latentExplorer = probe;
    explorer.view.root.dataset.state = el.dataset.state = "ready";
    return () => explorer.destroy();
  },
};
