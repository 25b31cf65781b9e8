/* Bundled by esbuild 0.28.2 from src/maths.js src/panel.css src/panels.js src/plot.js src/send.js (sha256 9489a6f3782c3cb87b5992e35792c43323eb3fdbd89c3ab376d8823d613c8b31): edit those, then run make widgets. */

// src/maths.js
var LOG_2PI = Math.log(2 * Math.PI);
function normalLogPdf(x, mu, sigma) {
  const u = (x - mu) / sigma;
  return -0.5 * (LOG_2PI + 2 * Math.log(sigma)) - 0.5 * u * u;
}
function normalPdf(x, mu, sigma) {
  return Math.exp(normalLogPdf(x, mu, sigma));
}
function xlogy(x, y) {
  return x === 0 ? 0 : x * Math.log(y);
}
function normalise(weights) {
  const total = weights.reduce((sum, weight) => sum + weight, 0);
  return weights.map((weight) => weight / total);
}
function entropy(p, base) {
  return -p.reduce((sum, pi) => sum + xlogy(pi, pi), 0) / Math.log(base);
}
function crossEntropy(p, q, base) {
  return -p.reduce((sum, pi, i) => sum + xlogy(pi, q[i]), 0) / Math.log(base);
}
function klDivergence(p, q, base) {
  const extra = p.reduce((sum, pi, i) => sum + (xlogy(pi, pi) - xlogy(pi, q[i])), 0);
  return Math.max(extra, 0) / Math.log(base);
}
function unit(base) {
  if (base === 2) return "bits";
  if (Math.abs(base - Math.E) < 1e-15) return "nats";
  return `log base ${base}`;
}
function klToStandardNormal(mu, logVar) {
  let kl = 0;
  for (let d = 0; d < mu.length; d++) kl += 0.5 * (mu[d] * mu[d] + Math.exp(logVar[d]) - logVar[d] - 1);
  return kl;
}
function klMonteCarlo(mu, logVar, epsilon) {
  const sigma = Math.exp(0.5 * logVar);
  const n = epsilon.length;
  const logRatio = new Float64Array(n);
  let sum = 0;
  for (let s = 0; s < n; s++) {
    const z = mu + sigma * epsilon[s];
    logRatio[s] = normalLogPdf(z, mu, sigma) - normalLogPdf(z, 0, 1);
    sum += logRatio[s];
  }
  const estimate = sum / n;
  let squares = 0;
  for (let s = 0; s < n; s++) squares += (logRatio[s] - estimate) ** 2;
  return { estimate, standardError: Math.sqrt(squares / (n - 1)) / Math.sqrt(n) };
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
function bars(c, heights, sx, sy, colors, barWidth, offset = 0) {
  heights.forEach((height, i) => {
    c.fillStyle = Array.isArray(colors) ? colors[i] : colors;
    const x0 = sx(i + offset - barWidth / 2);
    const x1 = sx(i + offset + barWidth / 2);
    c.fillRect(x0, sy(Math.max(height, 0)), x1 - x0, Math.abs(sy(height) - sy(0)));
  });
}
function tickLabels(plot, labels, sx) {
  const c = plot.context;
  c.fillStyle = INK;
  c.font = FONT;
  c.textAlign = "center";
  c.textBaseline = "top";
  labels.forEach((label, i) => c.fillText(label, sx(i), plot.height - plot.bottom + 3));
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

// src/panels.js
var QUANTITY_COLORS = ["#7f7f7f", "#9467bd", "#d62728", "#e377c2"];
function renderCoin(model, el) {
  const base = model.get("base");
  const control = slider(el, model, { label: "bias \u03B8", trait: "bias", onInput: (value) => setTrait(model, "bias", value) });
  const text = readout(el, "entropy");
  const plot = makeCanvas(el, 480, 260, "The entropy of a coin against its bias, with a dot at the slider's bias");
  const biases = Array.from({ length: 201 }, (_, i) => i / 200);
  const curve = biases.map((b) => entropy([b, 1 - b], base));
  const top = Math.log(2) / Math.log(base);
  function draw() {
    const bias = model.get("bias");
    const h = entropy([bias, 1 - bias], base);
    control.show(bias);
    text.show(`H(${bias.toFixed(2)}) = ${h.toFixed(3)} ${unit(base)}`, h);
    const { sx, sy } = axes(plot, [0, 1], [0, 1.05 * top], "bias \u03B8 = P(heads)", `H(\u03B8), ${unit(base)}`);
    line(plot.context, biases, curve, sx, sy, "#999");
    const c = plot.context;
    c.fillStyle = P_COLOR;
    c.beginPath();
    c.arc(sx(bias), sy(h), 6, 0, 2 * Math.PI);
    c.fill();
  }
  model.on("change:bias", draw);
  draw();
  return () => model.off("change:bias", draw);
}
var QUANTITIES = [
  ["entropy", "H(p)"],
  ["cross_entropy", "H(p, q)"],
  ["kl", "D_KL(p \u2016 q)"],
  ["reverse_kl", "D_KL(q \u2016 p)"]
];
function renderDistributions(model, el) {
  const base = model.get("base");
  const weights = { p: () => model.get("p_weights"), q: () => model.get("q_weights") };
  const n = weights.p().length;
  const outcomes = Array.from({ length: n }, (_, i) => String.fromCharCode(97 + i));
  const columns = row(el);
  const sliders = {};
  for (const name of ["p", "q"]) {
    const column = element("div");
    const title = element("div", "vae-panel__title");
    title.textContent = `weights of ${name}`;
    column.append(title);
    columns.append(column);
    const trait = `${name}_weights`;
    sliders[name] = outcomes.map(
      (outcome, i) => slider(column, model, {
        label: `${name}(${outcome})`,
        trait,
        index: i,
        onInput: (value) => {
          const changed = weights[name]().slice();
          changed[i] = value;
          if (name === "p") setTrait(model, "p_weights", changed);
          else setTrait(model, "q_weights", changed);
        }
      })
    );
  }
  const texts = QUANTITIES.map(([key]) => readout(el, key));
  const plots = row(el);
  const left = makeCanvas(plots, 340, 250, "Bar chart of the probabilities of p and q for each outcome");
  const right = makeCanvas(plots, 360, 250, "Bar chart of H(p), H(p, q) and the KL divergences both ways");
  const maxEntropy = Math.log(n) / Math.log(base);
  function draw() {
    const pWeights = weights.p();
    const qWeights = weights.q();
    pWeights.forEach((w, i) => sliders.p[i].show(w));
    qWeights.forEach((w, i) => sliders.q[i].show(w));
    const p = normalise(pWeights);
    const q = normalise(qWeights);
    const values = [entropy(p, base), crossEntropy(p, q, base), klDivergence(p, q, base), klDivergence(q, p, base)];
    QUANTITIES.forEach(([, label], i) => texts[i].show(`${label} = ${values[i].toFixed(3)} ${unit(base)}`, values[i]));
    let { sx, sy } = axes(left, [-0.5, n - 0.5], [0, 1], "outcome", "probability");
    bars(left.context, p, sx, sy, P_COLOR, 0.4, -0.2);
    bars(left.context, q, sx, sy, Q_COLOR, 0.4, 0.2);
    tickLabels(left, outcomes, sx);
    legend(left, [["p", P_COLOR], ["q", Q_COLOR]], left.width - 50, 10);
    const finite = values.filter(Number.isFinite);
    const top = 1.15 * Math.max(...finite, maxEntropy);
    ({ sx, sy } = axes(right, [-0.5, 3.5], [0, top], "", unit(base)));
    bars(right.context, values, sx, sy, QUANTITY_COLORS, 0.7);
    tickLabels(right, QUANTITIES.map(([, label]) => label), sx);
    const r = right.context;
    r.fillStyle = INK;
    r.textAlign = "center";
    r.textBaseline = "bottom";
    values.forEach((value, i) => r.fillText(value.toFixed(3), sx(i), sy(value) - 2));
  }
  model.on("change:p_weights", draw);
  model.on("change:q_weights", draw);
  draw();
  return () => {
    model.off("change:p_weights", draw);
    model.off("change:q_weights", draw);
  };
}
function renderGaussianKL(model, el) {
  const controls = row(el);
  const mu = slider(controls, model, { label: "\u03BC", trait: "mu", onInput: (value) => setTrait(model, "mu", value) });
  const sigma = slider(controls, model, { label: "\u03C3", trait: "sigma", onInput: (value) => setTrait(model, "sigma", value) });
  const [closedText, estimateText] = ["kl_closed_form", "kl_estimate"].map((key) => readout(el, key));
  const plots = row(el);
  const left = makeCanvas(plots, 420, 250, "The densities of p = N(0, 1) and of q = N(\u03BC, \u03C3\xB2)");
  const right = makeCanvas(plots, 280, 250, "The KL divergence of q from p: closed form and Monte Carlo estimate");
  const xs = Array.from({ length: 601 }, (_, i) => -6 + 12 * i / 600);
  const pDensity = xs.map((x) => normalPdf(x, 0, 1));
  function draw() {
    const m = model.get("mu");
    const s = model.get("sigma");
    const draws = model.get("draws");
    mu.show(m);
    sigma.show(s);
    const logVar = 2 * Math.log(s);
    const closed = klToStandardNormal([m], [logVar]) + 0;
    const { estimate, standardError } = klMonteCarlo(m, logVar, draws);
    closedText.show(`closed form: D_KL(q \u2016 p) = ${closed.toFixed(3)} nats`, closed);
    estimateText.show(
      `Monte Carlo (${draws.length} draws): ${estimate.toFixed(3)} \xB1 ${standardError.toFixed(3)} nats`,
      estimate
    );
    estimateText.output.dataset.standardError = String(standardError);
    const qDensity = xs.map((x) => normalPdf(x, m, s));
    const top = 1.1 * Math.max(...qDensity, ...pDensity);
    let { sx, sy } = axes(left, [-6, 6], [0, top], "x", "density");
    line(left.context, xs, pDensity, sx, sy, P_COLOR);
    line(left.context, xs, qDensity, sx, sy, Q_COLOR);
    legend(left, [["p = N(0, 1)", P_COLOR], ["q = N(\u03BC, \u03C3\xB2)", Q_COLOR]], left.width - 110, 3);
    const low = estimate - 2 * standardError;
    const high = estimate + 2 * standardError;
    const yRange = [Math.min(0, low) * 1.2, 1.2 * Math.max(high, closed, 0.1)];
    ({ sx, sy } = axes(right, [-0.5, 1.5], yRange, "", "D_KL(q \u2016 p), nats"));
    bars(right.context, [closed, estimate], sx, sy, ["#d62728", "#7f7f7f"], 0.6);
    tickLabels(right, ["closed form", "Monte Carlo"], sx);
    const r = right.context;
    line(r, [1, 1], [low, high], sx, sy, "#000", 2);
    r.fillStyle = INK;
    r.textAlign = "center";
    r.textBaseline = "bottom";
    r.fillText(closed.toFixed(3), sx(0), sy(Math.max(closed, 0)) - 2);
    r.fillText(estimate.toFixed(3), sx(1), sy(Math.max(high, 0)) - 2);
  }
  model.on("change:mu", draw);
  model.on("change:sigma", draw);
  model.on("change:draws", draw);
  draw();
  return () => {
    model.off("change:mu", draw);
    model.off("change:sigma", draw);
    model.off("change:draws", draw);
  };
}
var PANELS = { coin: renderCoin, distributions: renderDistributions, gaussian_kl: renderGaussianKL };
function render({ model, el }) {
  const panel = model.get("panel");
  el.classList.add("vae-panel", `vae-panel--${panel}`);
  const cleanup = PANELS[panel](model, el);
  el.dataset.state = "ready";
  return cleanup;
}
var panels_default = { render };
export {
  panels_default as default
};
