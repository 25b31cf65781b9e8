/* Bundled by esbuild 0.28.2 from src/maths.js src/mathtext.js src/panel.css src/panels.js src/plot.js src/send.js src/theme.css src/ticks.js (sha256 e0b73c1980f99f0dd7ff789f94a11fef45b343b0bebdbf6c6919fc609611b36c): edit those, then run make widgets. */

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
function bars(plot, heights, sx, sy, colors, barWidth, offset = 0) {
  const c = plot.context;
  heights.forEach((height, i) => {
    c.fillStyle = plot.look.colors[Array.isArray(colors) ? colors[i] : colors];
    const x0 = sx(i + offset - barWidth / 2);
    const x1 = sx(i + offset + barWidth / 2);
    c.fillRect(x0, sy(Math.max(height, 0)), x1 - x0, Math.abs(sy(height) - sy(0)));
  });
}
function mathWidth(plot, label, size) {
  const c = plot.context;
  return mathRuns(label).reduce((sum, run) => {
    c.font = `${run.italic ? "italic " : ""}${run.sub ? Math.round(size * 0.75) : size}px ${plot.look.font}`;
    return sum + c.measureText(run.text).width;
  }, 0);
}
function tickLabels(plot, labels, sx) {
  const room = labels.length > 1 ? Math.abs(sx(1) - sx(0)) - 8 : Infinity;
  const widest = Math.max(...labels.map((label) => mathWidth(plot, label, FONT_SIZE)));
  const size = widest > room ? Math.max(10, Math.floor(FONT_SIZE * room / widest)) : FONT_SIZE;
  plot.context.fillStyle = plot.look.colors.ink;
  labels.forEach((label, i) => mathText(plot, label, sx(i), plot.height - plot.bottom + 6 + size, "center", size));
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

// src/panels.js
function follow(model, traits, look, draw) {
  for (const trait of traits) model.on(`change:${trait}`, draw);
  draw();
  return () => {
    for (const trait of traits) model.off(`change:${trait}`, draw);
    look.stop();
  };
}
function renderCoin(model, el) {
  let draw = () => {
  };
  const look = themed(el, () => draw());
  const base = model.get("base");
  const control = slider(el, model, { label: "bias \u03B8", trait: "bias", onInput: (value) => setTrait(model, "bias", value) });
  const text = readout(el, "entropy");
  const plots = row(el, "vae-panel__figures vae-panel__figures--single");
  const plot = figure(plots, look, { label: "The entropy of a coin against its bias, with a dot at the slider's bias", height: 260 });
  const biases = Array.from({ length: 201 }, (_, i) => i / 200);
  const curve = biases.map((b) => entropy([b, 1 - b], base));
  const top = Math.log(2) / Math.log(base);
  draw = () => {
    const bias = model.get("bias");
    const h = entropy([bias, 1 - bias], base);
    control.show(bias);
    text.show(`H(${bias.toFixed(2)}) = ${h.toFixed(3)} ${unit(base)}`, h);
    const { sx, sy } = axes(plot, [0, 1], [0, 1.1 * top], "bias \u03B8 = P(heads)", `H(\u03B8), ${unit(base)}`);
    line(plot, biases, curve, sx, sy, "muted");
    const c = plot.context;
    c.fillStyle = look.colors.p;
    c.beginPath();
    c.arc(sx(bias), sy(h), 6, 0, 2 * Math.PI);
    c.fill();
  };
  return follow(model, ["bias"], look, draw);
}
var QUANTITIES = [
  ["entropy", "H(p)", "entropy"],
  ["cross_entropy", "H(p, q)", "cross-entropy"],
  ["kl", "D_{KL}(p \u2016 q)", "kl"],
  ["reverse_kl", "D_{KL}(q \u2016 p)", "reverse-kl"]
];
function renderDistributions(model, el) {
  let draw = () => {
  };
  const look = themed(el, () => draw());
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
  const texts = QUANTITIES.map(([key, label]) => readout(el, key, label));
  const plots = row(el, "vae-panel__figures vae-panel__figures--even");
  const left = figure(plots, look, {
    label: "Bar chart of the probabilities of p and q for each outcome",
    height: 250,
    legend: [["p", "p", "box"], ["q", "q", "box"]]
  });
  const right = figure(plots, look, { label: "Bar chart of H(p), H(p, q) and the KL divergences both ways", height: 250 });
  const maxEntropy = Math.log(n) / Math.log(base);
  draw = () => {
    const pWeights = weights.p();
    const qWeights = weights.q();
    pWeights.forEach((w, i) => sliders.p[i].show(w));
    qWeights.forEach((w, i) => sliders.q[i].show(w));
    const p = normalise(pWeights);
    const q = normalise(qWeights);
    const values = [entropy(p, base), crossEntropy(p, q, base), klDivergence(p, q, base), klDivergence(q, p, base)];
    QUANTITIES.forEach((_, i) => texts[i].show(`${number(values[i])} ${unit(base)}`, values[i]));
    let { sx, sy } = axes(left, [-0.5, n - 0.5], [0, 1], "outcome", "probability", { xTicks: false });
    bars(left, p, sx, sy, "p", 0.4, -0.2);
    bars(left, q, sx, sy, "q", 0.4, 0.2);
    tickLabels(left, outcomes, sx);
    const finite = values.filter(Number.isFinite);
    const top = 1.2 * Math.max(...finite, maxEntropy);
    ({ sx, sy } = axes(right, [-0.5, 3.5], [0, top], "", unit(base), { xTicks: false }));
    bars(right, values.map((v) => Number.isFinite(v) ? v : top), sx, sy, QUANTITIES.map(([, , color]) => color), 0.7);
    tickLabels(right, QUANTITIES.map(([, label]) => label), sx);
    values.forEach((value, i) => note(right, Number.isFinite(value) ? value.toFixed(3) : "\u221E", sx(i), sy(Math.min(value, top)) - 3));
  };
  return follow(model, ["p_weights", "q_weights"], look, draw);
}
function renderGaussianKL(model, el) {
  let draw = () => {
  };
  const look = themed(el, () => draw());
  const controls = row(el);
  const mu = slider(controls, model, { label: "\u03BC", trait: "mu", onInput: (value) => setTrait(model, "mu", value) });
  const sigma = slider(controls, model, { label: "\u03C3", trait: "sigma", onInput: (value) => setTrait(model, "sigma", value) });
  const closedText = readout(el, "kl_closed_form", "closed form, D_{KL}(q \u2016 p)");
  const estimateText = readout(el, "kl_estimate", "Monte Carlo estimate");
  const plots = row(el, "vae-panel__figures");
  const left = figure(plots, look, {
    label: "The densities of p = N(0, 1) and of q = N(\u03BC, \u03C3\xB2)",
    height: 250,
    legend: [["p = N(0, 1)", "p"], ["q = N(\u03BC, \u03C3\xB2)", "q"]]
  });
  const right = figure(plots, look, { label: "The KL divergence of q from p: closed form and Monte Carlo estimate", height: 250 });
  const xs = Array.from({ length: 601 }, (_, i) => -6 + 12 * i / 600);
  const pDensity = xs.map((x) => normalPdf(x, 0, 1));
  draw = () => {
    const m = model.get("mu");
    const s = model.get("sigma");
    const draws = model.get("draws");
    mu.show(m);
    sigma.show(s);
    const logVar = 2 * Math.log(s);
    const closed = klToStandardNormal([m], [logVar]) + 0;
    const { estimate, standardError } = klMonteCarlo(m, logVar, draws);
    closedText.show(`${number(closed)} nats`, closed);
    estimateText.show(`${number(estimate)} \xB1 ${standardError.toFixed(3)} nats (${draws.length} draws)`, estimate);
    estimateText.output.dataset.standardError = String(standardError);
    const qDensity = xs.map((x) => normalPdf(x, m, s));
    const top = 1.1 * Math.max(...qDensity, ...pDensity);
    let { sx, sy } = axes(left, [-6, 6], [0, top], "x", "density");
    line(left, xs, pDensity, sx, sy, "p");
    line(left, xs, qDensity, sx, sy, "q");
    const low = estimate - 2 * standardError;
    const high = estimate + 2 * standardError;
    const yRange = [Math.min(0, low) * 1.2, 1.25 * Math.max(high, closed, 0.1)];
    ({ sx, sy } = axes(right, [-0.5, 1.5], yRange, "", "D_{KL}(q \u2016 p), nats", { xTicks: false }));
    bars(right, [closed, estimate], sx, sy, ["kl", "evidence"], 0.6);
    tickLabels(right, ["closed form", "Monte Carlo"], sx);
    line(right, [1, 1], [low, high], sx, sy, "ink", 2);
    note(right, number(closed), sx(0), sy(Math.max(closed, 0)) - 3);
    note(right, number(estimate), sx(1), sy(Math.max(high, 0)) - 3);
  };
  return follow(model, ["mu", "sigma", "draws"], look, draw);
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
