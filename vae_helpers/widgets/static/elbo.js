/* Bundled by esbuild 0.28.2 from src/elbo.js src/maths.js src/panel.css src/plot.js src/send.js (sha256 26fbfa0992b34ced94c5d85d172f8a88a400c212700023f49820065f37dc02e2): edit those, then run make widgets. */

// src/maths.js
var LOG_2PI = Math.log(2 * Math.PI);
function normalLogPdf(x, mu, sigma) {
  const u = (x - mu) / sigma;
  return -0.5 * (LOG_2PI + 2 * Math.log(sigma)) - 0.5 * u * u;
}
function normalPdf(x, mu, sigma) {
  return Math.exp(normalLogPdf(x, mu, sigma));
}
function klToStandardNormal(mu, logVar) {
  let kl = 0;
  for (let d = 0; d < mu.length; d++) kl += 0.5 * (mu[d] * mu[d] + Math.exp(logVar[d]) - logVar[d] - 1);
  return kl;
}
function dot(a, b) {
  return a.reduce((sum, ai, i) => sum + ai * b[i], 0);
}
function posterior(weight, bias, noiseStd, x) {
  const s2 = noiseStd * noiseStd;
  const variance = 1 / (1 + dot(weight, weight) / s2);
  const residual = x.map((xi, i) => xi - bias[i]);
  return { mean: variance * dot(weight, residual) / s2, sigma: Math.sqrt(variance) };
}
function logMarginal(weight, bias, noiseStd, x) {
  const s2 = noiseStd * noiseStd;
  const d = x.length;
  const wtw = dot(weight, weight);
  const r = x.map((xi, i) => xi - bias[i]);
  const wr = dot(weight, r);
  const logDet = d * Math.log(s2) + Math.log(1 + wtw / s2);
  const quadratic = (dot(r, r) - wr * wr / (s2 + wtw)) / s2;
  return -0.5 * (d * LOG_2PI + logDet + quadratic);
}
function elboTerms(weight, bias, noiseStd, x, mu, sigma) {
  const s2 = noiseStd * noiseStd;
  const d = x.length;
  const variance = sigma * sigma;
  const residual = x.map((xi, i) => xi - weight[i] * mu - bias[i]);
  const expectedLogLikelihood = -0.5 * d * Math.log(2 * Math.PI * s2) - (dot(residual, residual) + dot(weight, weight) * variance) / (2 * s2);
  const klToPrior = klToStandardNormal([mu], [Math.log(variance)]);
  const post = posterior(weight, bias, noiseStd, x);
  const postVariance = post.sigma * post.sigma;
  const gap = 0.5 * ((variance + (post.mean - mu) ** 2) / postVariance - 1 + Math.log(postVariance) - Math.log(variance));
  return {
    logMarginal: logMarginal(weight, bias, noiseStd, x),
    elbo: expectedLogLikelihood - klToPrior,
    gap,
    expectedLogLikelihood,
    klToPrior
  };
}

// src/plot.js
var P_COLOR = "#1f77b4";
var Q_COLOR = "#ff7f0e";
var INK = "#222";
var FONT = "12px sans-serif";
function element(tag, className = "", attributes = {}) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, value);
  return node;
}
function row(parent) {
  const div = element("div", "vae-panel__row");
  parent.append(div);
  return div;
}
function makeCanvas(parent, width, height, label) {
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
function axes(plot, xRange, yRange, xLabel, yLabel) {
  const { context: c, width, height, left, right, top, bottom } = plot;
  c.clearRect(0, 0, width, height);
  const sx = (x) => left + (x - xRange[0]) / (xRange[1] - xRange[0]) * (width - left - right);
  const sy = (y) => height - bottom - (y - yRange[0]) / (yRange[1] - yRange[0]) * (height - top - bottom);
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
function line(c, xs, ys, sx, sy, color, width = 2, dash = []) {
  c.strokeStyle = color;
  c.lineWidth = width;
  c.setLineDash(dash);
  c.beginPath();
  xs.forEach((x, i) => i === 0 ? c.moveTo(sx(x), sy(ys[i])) : c.lineTo(sx(x), sy(ys[i])));
  c.stroke();
  c.setLineDash([]);
}
function legend(plot, entries, x0, swatchHeight = 8) {
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
function slider(parent, model, { label, trait, index, onInput }) {
  const [min, max, step] = model.get("ranges")[trait];
  const control = element("label", "vae-panel__control");
  const name = element("span", "vae-panel__name");
  name.textContent = label;
  const input = element("input", "", { type: "range", min, max, step, "data-lm-suppress-shortcuts": "true" });
  input.dataset.trait = trait;
  if (index !== void 0) input.dataset.index = String(index);
  const shown = element("span", "vae-panel__value");
  control.append(name, input, shown);
  parent.append(control);
  input.addEventListener("input", () => onInput(Number(input.value)));
  return {
    input,
    show(current) {
      input.value = String(current);
      input.dataset.value = String(current);
      shown.textContent = current.toFixed(2);
    }
  };
}
function readout(parent, quantity) {
  const output = element("output", "vae-panel__readout", { "data-quantity": quantity });
  parent.append(output);
  return {
    output,
    show(text, value) {
      output.textContent = text;
      output.dataset.value = String(value);
    }
  };
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

// src/elbo.js
var POSTERIOR_COLOR = "#2ca02c";
var GAP_COLOR = "#d62728";
var EVIDENCE_COLOR = "#7f7f7f";
function render({ model, el }) {
  el.classList.add("vae-panel", "vae-panel--elbo");
  const weight = model.get("weight"), bias = model.get("bias"), noiseStd = model.get("noise_std"), x = model.get("x");
  const controls = row(el);
  const mu = slider(controls, model, { label: "\u03BC", trait: "mu", onInput: (value) => setTrait(model, "mu", value) });
  const sigma = slider(controls, model, { label: "\u03C3", trait: "sigma", onInput: (value) => setTrait(model, "sigma", value) });
  const texts = ["elbo", "gap", "log_marginal"].map((key) => readout(el, key));
  const plots = row(el);
  const left = makeCanvas(plots, 440, 260, "The densities over z of the prior, the posterior p(z | x) and q = N(\u03BC, \u03C3\xB2)");
  const right = makeCanvas(
    plots,
    300,
    260,
    "One bar, minus the ELBO: a fixed grey part, minus log p(x), and the gap on top in red"
  );
  const zs = Array.from({ length: 801 }, (_, i) => -4 + 8 * i / 800);
  const post = posterior(weight, bias, noiseStd, x);
  const prior = zs.map((z) => normalPdf(z, 0, 1));
  const posteriorDensity = zs.map((z) => normalPdf(z, post.mean, post.sigma));
  function draw() {
    const m = model.get("mu");
    const s = model.get("sigma");
    mu.show(m);
    sigma.show(s);
    const terms = elboTerms(weight, bias, noiseStd, x, m, s);
    texts[0].show(`ELBO = ${terms.elbo.toFixed(3)} nats`, terms.elbo);
    texts[1].show(`gap, D_KL(q \u2016 p(z | x)) = ${terms.gap.toFixed(3)} nats`, terms.gap);
    texts[2].show(`ELBO + gap = log p(x) = ${terms.logMarginal.toFixed(3)} nats`, terms.logMarginal);
    const q = zs.map((z) => normalPdf(z, m, s));
    const top = 1.1 * Math.max(...q, ...posteriorDensity);
    let { sx, sy } = axes(left, [-4, 4], [0, top], "z", "density");
    line(left.context, zs, prior, sx, sy, P_COLOR);
    line(left.context, zs, posteriorDensity, sx, sy, POSTERIOR_COLOR);
    line(left.context, zs, q, sx, sy, Q_COLOR);
    legend(
      left,
      [["prior p(z)", P_COLOR], ["posterior p(z | x)", POSTERIOR_COLOR], ["q = N(\u03BC, \u03C3\xB2)", Q_COLOR]],
      left.width - 140
    );
    const evidence = -terms.logMarginal;
    const loss = -terms.elbo;
    ({ sx, sy } = axes(right, [-0.5, 1.9], [0, Math.max(1.25 * loss, 1.6 * evidence)], "", "nats"));
    const r = right.context;
    const x0 = sx(-0.35);
    const x1 = sx(0.35);
    r.fillStyle = EVIDENCE_COLOR;
    r.fillRect(x0, sy(evidence), x1 - x0, sy(0) - sy(evidence));
    r.fillStyle = GAP_COLOR;
    r.fillRect(x0, sy(loss), x1 - x0, sy(evidence) - sy(loss));
    line(r, [-0.5, 1.9], [evidence, evidence], sx, sy, "#000", 1, [5, 4]);
    r.fillStyle = INK;
    r.font = FONT;
    r.textAlign = "center";
    r.textBaseline = "bottom";
    r.fillText(loss.toFixed(2), sx(0), sy(loss) - 2);
    r.textBaseline = "top";
    r.fillText("\u2212ELBO", sx(0), right.height - right.bottom + 3);
    legend(right, [["\u2212log p(x)", EVIDENCE_COLOR], ["gap", GAP_COLOR]], sx(0.55));
  }
  model.on("change:mu", draw);
  model.on("change:sigma", draw);
  draw();
  el.dataset.state = "ready";
  return () => {
    model.off("change:mu", draw);
    model.off("change:sigma", draw);
  };
}
var elbo_default = { render };
export {
  elbo_default as default
};
