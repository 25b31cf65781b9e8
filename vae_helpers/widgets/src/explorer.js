// The latent explorer (chapter 6, vae_helpers/widgets/explorer.py): the browser decodes and draws.
// Its traits, with their types and ranges, are declared in explorer.py (LatentExplorer).
//
// An input event moves z and draws at once (at most once per display frame); Python hears of it
// after the frame (send.js). The explorer offers the drawing pad (encoder.js), and any other
// part added to it, a small API (`Explorer.api`, below): read its state, switch the model, draw
// an overlay on the map. The root element's `latentExplorer` property is what the tests and
// the benchmarks call (`Explorer.probe`). Its parts: the markup (explorer_view.js), the map's
// geometry and drawing in the theme's colours (latent_map.js), the pointer and keys on the map
// (map_input.js), the drawing pad (encoder.js).

import "./explorer.css";
import { DenseChain, copyBytes, hasWeights } from "./dense.js";
import { gaussianPair } from "./maths.js";
import { blank, DIGIT, digitPainter, element, number, signed, themed } from "./plot.js";
import { build, sliderStep, STRIP_SCALE } from "./explorer_view.js";
import { LatentMap, RING } from "./latent_map.js";
import { listenOnTheMap } from "./map_input.js";
import { throttledSend } from "./send.js";
import { EncoderPad } from "./encoder.js";


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
    this.sender = throttledSend(() => this.send());
    this.pixels = new Float32Array(DIGIT * DIGIT);
    this.drawDigit = digitPainter();
    this.look = { colors: {}, font: "sans-serif", stop() {} }; // the page's colours, once the explorer is on it
    this.map = new LatentMap(this.view.map, this.look);
    this.followTheme();
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

  /** Model `index`'s layers of `kind` ("decoder_layers", "encoder_layers"), once their weights are in the
   * page: at once where they are (JupyterLab), else asked of the host (a static page; `model.request`). */
  weights(index, kind) {
    const fields = this.fields[index];
    if (hasWeights(fields[kind])) return Promise.resolve(fields[kind]);
    if (!this.model.request) return Promise.reject(new Error(`model ${fields.name} has no ${kind} weights`));
    const model = this.model, own = kind === "encoder_layers"
      ? () => model.request("encoder_layers").then(() => model.get("encoder_layers"))
      : () => model.request("decoder_layers").then(() => model.get("decoder_layers"));
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
      (error) => { done(); throw error; },
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
    this.view.selects.forEach((s, k) => (s.select.value = String(endpoints[k])));
    this.stripDirty = true;
    if (this.map.drawn) this.drawBackground();
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

    listenOnTheMap(this, map);

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
        this.showModel(this.model.get("model_index")).catch((error) => console.error(error));
      },
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
    this.view.sliders.forEach(({ input, value }, axis) => {
      if (input !== source) input.value = String(z[axis]);
      value.textContent = signed(z[axis]);
    });
    if (this.view.tInput !== source) this.view.tInput.value = String(this.t);
    this.view.tValue.textContent = number(this.t, 2);
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
        return { z: self.z.slice(), limit: self.limit, modelIndex: self.modelIndex, modelName: fields.name, decoder: self.decoder,
          encoderLayers: fields.encoder_layers, means: self.means, labels: self.labels };
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
      /** The name of the model shown (the switch's label). */
      get modelName() { return self.fields[self.modelIndex].name; },
      /** A's and B's labels on the map, in canvas pixels: [{ label, x, y, radius, at }]. */
      get markers() { return self.map.markers(self.endpointMeans()); },
      ringRadius: RING,
      decode: (z1, z2) => Array.from(self.decoder.decode([z1, z2], new Float32Array(self.decoder.size))),
      setLatent: (z1, z2) => self.moveTo([z1, z2], null),
      renderAt: (z1, z2) => { self.z = [z1, z2]; self.render(); return self.pixels; },
      toCanvas: (z1, z2) => self.map.toCanvas([z1, z2]),
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
