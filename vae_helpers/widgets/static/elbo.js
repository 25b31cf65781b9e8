/* Bundled by esbuild 0.28.2 from src/elbo.js src/maths.js src/mathtext.js src/panel.css src/plot.js src/send.js src/theme.css src/ticks.js (sha256 1e98e1d3b3991c94a37a23736d4952dbb39c15e9251e23c5c47fd30a54f9f5de): edit those, then run make widgets. */

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

// src/mathtext.js
var LETTER = /\p{L}/u;
function mathRuns(label) {
  const runs = [];
  const push = (text, italic, sub) => {
    const last = runs[runs.length - 1];
    if (last && last.italic === italic && last.sub === sub) last.text += text;
    else runs.push({ text, italic, sub });
  };
  let i = 0;
  while (i < label.length) {
    if (label[i] === "_") {
      const close = label[i + 1] === "{" ? label.indexOf("}", i) : i + 1;
      if (close < 0) throw new Error(`mathRuns: unclosed _{ in ${JSON.stringify(label)}`);
      push(label[i + 1] === "{" ? label.slice(i + 2, close) : label[i + 1], false, true);
      i = close + 1;
      continue;
    }
    if (LETTER.test(label[i])) {
      let j = i;
      while (j < label.length && LETTER.test(label[j])) j++;
      const word = label.slice(i, j);
      push(word, [...word].length === 1, false);
      i = j;
      continue;
    }
    push(label[i], false, false);
    i++;
  }
  return runs;
}
function writeMath(parent, label) {
  for (const { text, italic, sub } of mathRuns(label)) {
    if (!italic && !sub) parent.append(document.createTextNode(text));
    else {
      const node = document.createElement(sub ? "sub" : "i");
      node.textContent = text;
      parent.append(node);
    }
  }
  return parent;
}

// src/ticks.js
var MANTISSAS = [1, 2, 5];
function multiples(low, high, step) {
  return Math.floor(high / step + 1e-9) - Math.ceil(low / step - 1e-9) + 1;
}
function roundStep(low, high, most = 6) {
  const span = high - low;
  if (!(span > 0) || !Number.isFinite(span)) throw new Error(`roundStep: need low < high, got [${low}, ${high}]`);
  for (let power = Math.floor(Math.log10(span / Math.max(most, 1))) - 1; ; power++) {
    for (const mantissa of MANTISSAS) {
      const step = mantissa * 10 ** power;
      if (multiples(low, high, step) <= most) return step;
    }
  }
}
function roundTicks(low, high, most = 6) {
  const step = roundStep(low, high, most);
  const ticks = [];
  for (let k = Math.ceil(low / step - 1e-9); k * step <= high + 1e-9 * step; k++) {
    ticks.push(Number((k * step).toPrecision(12)) + 0);
  }
  return ticks;
}
function tickText(value, step) {
  const decimals = Math.max(0, -Math.floor(Math.log10(step) + 1e-9));
  const text = Math.abs(value).toFixed(decimals);
  return value < 0 && Number(text) !== 0 ? `\u2212${text}` : text;
}

// src/plot.js
var FONT_SIZE = 13;
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
function number(value, decimals = 3) {
  const text = Math.abs(value).toFixed(decimals);
  return value < 0 && Number(text) !== 0 ? `\u2212${text}` : text;
}
function row(parent, className = "vae-panel__row") {
  const div = element("div", className);
  parent.append(div);
  return div;
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
function figure(parent, look, { label, height, legend = [] }) {
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
function mathText(plot, label, x, y, align = "center", size = FONT_SIZE) {
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
function axes(plot, xRange, yRange, xLabel, yLabel, { xTicks = true } = {}) {
  fit(plot);
  const { context: c, width, height, left, right, top, bottom, look } = plot;
  const { ink, muted, grid } = look.colors;
  const sx = (x) => left + (x - xRange[0]) / (xRange[1] - xRange[0]) * (width - left - right);
  const sy = (y) => height - bottom - (y - yRange[0]) / (yRange[1] - yRange[0]) * (height - top - bottom);
  const yMost = Math.max(3, Math.min(6, Math.floor((height - top - bottom) / 34)));
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
    const most = Math.max(3, Math.min(9, Math.floor((width - left - right) / 45)));
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
function line(plot, xs, ys, sx, sy, color, width = 2, dash = []) {
  const c = plot.context;
  c.strokeStyle = plot.look.colors[color];
  c.lineWidth = width;
  c.setLineDash(dash);
  c.beginPath();
  xs.forEach((x, i) => i === 0 ? c.moveTo(sx(x), sy(ys[i])) : c.lineTo(sx(x), sy(ys[i])));
  c.stroke();
  c.setLineDash([]);
}
function note(plot, label, x, y, align = "center") {
  plot.context.fillStyle = plot.look.colors.ink;
  mathText(plot, label, x, y, align);
}
function slider(parent, model, { label, trait, index, onInput }) {
  const [min, max, step] = model.get("ranges")[trait];
  const control = element("label", "vae-panel__control");
  const name = writeMath(element("span", "vae-panel__name"), label);
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
      shown.textContent = number(current, 2);
    }
  };
}
function readout(parent, quantity, label = "") {
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
function render({ model, el }) {
  el.classList.add("vae-panel", "vae-panel--elbo");
  let draw = () => {
  };
  const look = themed(el, () => draw());
  const weight = model.get("weight"), bias = model.get("bias"), noiseStd = model.get("noise_std"), x = model.get("x");
  const controls = row(el);
  const mu = slider(controls, model, { label: "\u03BC", trait: "mu", onInput: (value) => setTrait(model, "mu", value) });
  const sigma = slider(controls, model, { label: "\u03C3", trait: "sigma", onInput: (value) => setTrait(model, "sigma", value) });
  const texts = [
    readout(el, "elbo", "ELBO"),
    readout(el, "gap", "gap, D_{KL}(q \u2016 p(z | x))"),
    readout(el, "log_marginal", "ELBO + gap = log p(x)")
  ];
  const plots = row(el, "vae-panel__figures");
  const left = figure(plots, look, {
    label: "The densities over z of the prior, the posterior p(z | x) and q = N(\u03BC, \u03C3\xB2)",
    height: 260,
    legend: [["prior p(z)", "p", "dash"], ["posterior p(z | x)", "posterior"], ["q = N(\u03BC, \u03C3\xB2)", "q"]]
  });
  const right = figure(plots, look, {
    label: "One bar, minus the ELBO: a fixed grey part, minus log p(x), and the gap on top in red",
    height: 260,
    legend: [["\u2212log p(x)", "evidence", "box"], ["gap", "gap", "box"]]
  });
  const zs = Array.from({ length: 801 }, (_, i) => -4 + 8 * i / 800);
  const post = posterior(weight, bias, noiseStd, x);
  const prior = zs.map((z) => normalPdf(z, 0, 1));
  const posteriorDensity = zs.map((z) => normalPdf(z, post.mean, post.sigma));
  draw = () => {
    const m = model.get("mu");
    const s = model.get("sigma");
    mu.show(m);
    sigma.show(s);
    const terms = elboTerms(weight, bias, noiseStd, x, m, s);
    texts[0].show(`${number(terms.elbo)} nats`, terms.elbo);
    texts[1].show(`${number(terms.gap)} nats`, terms.gap);
    texts[2].show(`${number(terms.logMarginal)} nats`, terms.logMarginal);
    const q = zs.map((z) => normalPdf(z, m, s));
    const top = 1.1 * Math.max(...q, ...posteriorDensity);
    let { sx, sy } = axes(left, [-4, 4], [0, top], "z", "density");
    line(left, zs, posteriorDensity, sx, sy, "posterior");
    line(left, zs, q, sx, sy, "q");
    line(left, zs, prior, sx, sy, "p", 2, [6, 4]);
    const evidence = -terms.logMarginal;
    const loss = -terms.elbo;
    ({ sx, sy } = axes(right, [-0.5, 1.9], [0, Math.max(1.25 * loss, 1.6 * evidence)], "", "nats", { xTicks: false }));
    const c = right.context;
    const x0 = sx(-0.35);
    const x1 = sx(0.35);
    c.fillStyle = look.colors.evidence;
    c.fillRect(x0, sy(evidence), x1 - x0, sy(0) - sy(evidence));
    c.fillStyle = look.colors.gap;
    c.fillRect(x0, sy(loss), x1 - x0, sy(evidence) - sy(loss));
    line(right, [-0.5, 1.9], [evidence, evidence], sx, sy, "ink", 1, [5, 4]);
    note(right, `\u2212log p(x) = ${number(evidence)}`, sx(0.45), sy(evidence) + 16, "left");
    note(right, number(loss), sx(0), sy(loss) - 3);
    note(right, "\u2212ELBO", sx(0), right.height - right.bottom + 19);
  };
  model.on("change:mu", draw);
  model.on("change:sigma", draw);
  draw();
  el.dataset.state = "ready";
  return () => {
    model.off("change:mu", draw);
    model.off("change:sigma", draw);
    look.stop();
  };
}
var elbo_default = { render };
export {
  elbo_default as default
};
