// The explorer's drawing pad: the encoder in the page, q(z | x) on the map (chapter 6).
//
// It uses the explorer only through the API the explorer gives it (explorer.js, `Explorer.api`:
// its state, switching the model, an overlay on the map) and reads its own traits, `pad_digits`
// and `pad_choices`, declared in explorer.py.
//
// The pad itself (strokes, ink, the digit prepared as MNIST's were) is pad.js's DrawingPad.
// Each stroke event prepares, encodes, decodes and draws at once. On a static page the encoder's
// weights arrive only when the reader first presses on the pad (or picks a digit): the pad says it
// is loading until then, keeps what is drawn meanwhile, and encodes it when they arrive.
//
// The true posterior p(z | x) is computed on a press (a few thousand decodes, about half a
// second): a grid of log p(x | z) + log p(z) zoomed onto its mass (maths.js, posteriorGrid), shaded
// on the map where it holds as much mass as q's 1 sigma and 2 sigma ellipses hold of q's.

import "./encoder.css";
import { copyBytes, DenseChain, hasWeights } from "./dense.js";
import {
  gaussianPair, highestDensityLevels, klToStandardNormal, LOG_2PI, logMeanExp, logStandardNormal, posteriorGrid,
  reconstructionLoss, sigmoid,
} from "./maths.js";
import { blank, cross, DIGIT, element, haloStroke, signed } from "./plot.js";
import { buildPad } from "./encoder_view.js";
import { drawInset, insetGeometry } from "./inset.js";
import { DrawingPad, PAD, prepareDigit } from "./pad.js";

const MAX_SAMPLES = 40; // points z = mu + sigma * eps kept on the map
const GRID_EXTENT = 6; // the true posterior's first grid covers at least [-6, 6]² (posterior_grids' default)
// A diagonal Gaussian holds 1 - exp(-k²/2) of its mass inside its k sigma ellipse: the true
// posterior is shaded where its highest-density regions hold as much (k = 1, 2).
const ELLIPSE_MASSES = [1, 2].map((k) => 1 - Math.exp(-0.5 * k * k));
const SHADES = [150, 70]; // the true posterior's opacity (of 255) inside its 39 % and 86 % regions

function numberText(value, digits = 1) {
  return Number.isFinite(value) ? value.toFixed(digits).replace("-", "\u2212") : "\u2014";
}

/** The pad, beside an explorer whose API (explorer.js) is `explorer`; `model` gives its own traits. */
export class EncoderPad {
  constructor(explorer, model) {
    this.explorer = explorer;
    this.model = model;
    this.view = buildPad(explorer.modelNames, model.get("pad_choices"));
    this.pad = new DrawingPad(this.view.pad, {
      onStart: () => {
        if (this.view.pick.value !== "") this.clearInk(); // a held-out digit was shown: start afresh
        this.currentEncoder(); // asked for now, on a static page, so that it is there soon after the stroke
      },
      onInk: () => {
        this.truePosterior = null; // the digit changed
        this.update();
      },
    });
    this.context = this.pad.context;
    this.ink = this.pad.ink;
    this.x = null; // the prepared digit, or null for an empty pad
    this.epsilons = []; // the draws eps of the points on the map; z = mu + sigma * eps follows the drawing
    this.pixels = new Float32Array(DIGIT * DIGIT);
    this.encoders = new Map(); // model index -> its Dense chain, made when first used
    this.loadingEncoders = new Set(); // model indices whose encoder's weights were asked for
    this.truePosterior = null; // p(z | x) of the digit and model shown, once the button was pressed
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
        },
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
      // Let the page paint the line above before the half second of decoding.
      requestAnimationFrame(() => setTimeout(() => this.drawTruePosterior(), 0));
    });
    radios.forEach((radio, k) =>
      radio.addEventListener("change", () => {
        if (!radio.checked) return;
        const shown = this.explorer.switchModel(k);
        if (this.explorer.state().modelIndex !== k) this.view.status.textContent = `Loading the model ${this.explorer.modelNames[k]}\u2026`;
        shown.catch((error) => {
          this.view.status.textContent = `The model could not load (${error.message}). Reload the page to try again.`;
        });
      }),
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
    // Its weights are on their way: the drawing is kept, and encoded when they arrive (loaded()).
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
    for (let k = 0; k < logits.length; k++) this.pixels[k] = sigmoid(logits[k]); // one decoder pass for z
    drawDigit(this.pixels, view.atZ);
    drawDigit(this.x, view.seen);
    drawDigit(decoder.decode(mu, this.pixels), view.atMu);
    this.explorer.redraw(); // before the text below changes: drawing reads no layout then
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
    if (!this.posterior) return this.update(); // the pad was cleared meanwhile
    const extent = Math.max(GRID_EXTENT, this.explorer.state().limit);
    const start = performance.now();
    const grid = posteriorGrid(this.logJoint(), extent);
    const milliseconds = performance.now() - start;
    const levels = highestDensityLevels(grid.mass, ELLIPSE_MASSES);
    const n = grid.cells, image = new ImageData(n, n), shaded = [Infinity, -Infinity, Infinity, -Infinity];
    const half = [(grid.box[1] - grid.box[0]) / (2 * n), (grid.box[3] - grid.box[2]) / (2 * n)];
    grid.mass.forEach((mass, k) => {
      const i = Math.floor(k / n), j = k % n, pixel = 4 * ((n - 1 - j) * n + i); // z2 grows upwards
      if (mass < levels[1]) return;
      image.data.set([0, 0, 0, mass >= levels[0] ? SHADES[0] : SHADES[1]], pixel); // coloured when drawn (the theme's)
      const [z1, z2] = grid.z[k];
      shaded[0] = Math.min(shaded[0], z1 - half[0]); shaded[1] = Math.max(shaded[1], z1 + half[0]);
      shaded[2] = Math.min(shaded[2], z2 - half[1]); shaded[3] = Math.max(shaded[3], z2 + half[1]);
    });
    const tile = element("canvas");
    tile.width = tile.height = n;
    tile.getContext("2d").putImageData(image, 0, 0);
    this.truePosterior = { ...grid, levels, tile, shaded, milliseconds };
    const output = this.view.outputs.grid;
    output.textContent = `${numberText(grid.logMarginal)} nats`;
    output.dataset.value = JSON.stringify(grid.logMarginal);
    this.view.status.textContent =
      "Shaded grey, darker inside 39 % of its mass and lighter out to 86 % (as q's ellipses hold of q's): the true p(z | x); \u25c7 its mode." +
      (grid.reachesEdge ? ` Part of it lies beyond [\u2212${extent}, ${extent}]\u00b2: log p(x) misses that part.` : "");
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
    // What the inset frames, as offsets from mu: q's 2 sigma box, the samples, and p(z | x)'s shaded cells once computed.
    const { mu, sigma } = this.posterior, box = this.truePosterior && this.truePosterior.shaded;
    const offsets = [...this.epsilons.map((eps) => [sigma[0] * eps[0], sigma[1] * eps[1]]),
      [-2 * sigma[0], -2 * sigma[1]], [2 * sigma[0], 2 * sigma[1]]];
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
    // q in the theme's ink over a halo of its background: the codes beneath are in the ten label
    // colours (vae_helpers/palette.py), all chromatic, so no digit shares q's colour.
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
    // Each sample at mu's place plus sigma * eps: in the inset at beta = 0, mu + sigma * eps would round to mu.
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
    context.globalCompositeOperation = "source-in"; // the mask's opacity, the theme's colour
    context.fillStyle = colour;
    context.fillRect(0, 0, tile.width, tile.height);
    t.coloured = { colour, tile };
    return tile;
  }

  /** What the tests and the benchmarks call (root.latentExplorer.encoder). */
  probe() {
    const self = this;
    return {
      get x() { return self.x ? Array.from(self.x) : null; },
      get ink() { return Array.from(self.ink); },
      get posterior() { return self.posterior ? JSON.parse(JSON.stringify(self.posterior)) : null; },
      /** The inset on the map (canvas pixels: x, y, side; its magnification zoom), or null when none is shown. */
      get inset() { return self.inset ? { ...self.inset.rect, zoom: self.inset.zoom } : null; },
      get truePosterior() {
        const t = self.truePosterior;
        return t && { mode: t.mode, mean: t.mean, logMarginal: t.logMarginal, box: t.box, cells: t.cells,
          levels: t.levels, reachesEdge: t.reachesEdge, evaluations: t.evaluations, milliseconds: t.milliseconds };
      },
      get samples() { return self.samples(); },
      get ellipses() { return self.ellipses(self.geometry); },
      /** q's ellipses as the inset draws them (canvas pixels), or [] when no inset is shown. */
      get insetEllipses() { return self.inset ? self.ellipses(self.inset) : []; },
      get modelIndex() { return self.explorer.state().modelIndex; },
      get means() { return Array.from(self.explorer.state().means); },
      get limit() { return self.explorer.state().limit; },
      padSide: PAD,
      encode: (x) => {
        const encoder = self.currentEncoder();
        if (encoder === null) throw new Error("the encoder's weights are still loading");
        return Array.from(encoder.forward(Float32Array.from(x)));
      },
      prepare: (ink) => { const x = prepareDigit(Float32Array.from(ink), PAD); return x && Array.from(x); },
      importanceWeighted: (epsilons) => self.importanceWeighted(epsilons),
      setEpsilon: (e1, e2) => { self.epsilons = [[e1, e2]]; self.update(); },
      stroke: (points) => self.pad.stroke(points),
      clear: () => { self.clearInk(); self.update(); },
      nearestLabels: (z1, z2, n) => self.explorer.nearestLabels([z1, z2], n),
    };
  }
}
