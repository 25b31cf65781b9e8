// The panels of chapters 1 and 2 (vae_helpers/widgets/panels.py): the browser computes and draws.
// One ES module for the three panels, run by anywidget in JupyterLab and in the static book;
// the parts it shares with elbo.js (normalPdf, makeCanvas, axes, line, slider, readout, row,
// update) are in _panel.js, which comes before this text in the module.
// The contract with Python (trait names, what the page shows) is in panels.py's docstring.
// The maths below mirrors vae_helpers.info and vae_helpers.gaussian; the tests check it value by value.

// ---- maths (pure functions, exported for the tests) ----------------------------------------

/** x log y with 0 log y = 0, as scipy.special.xlogy. */
function xlogy(x, y) {
  return x === 0 ? 0 : x * Math.log(y);
}

/** Weights divided by their sum: a distribution. */
export function normalise(weights) {
  const total = weights.reduce((sum, weight) => sum + weight, 0);
  return weights.map((weight) => weight / total);
}

/** H(p) = -sum p log p, in log base `base`. */
export function entropy(p, base) {
  return -p.reduce((sum, pi) => sum + xlogy(pi, pi), 0) / Math.log(base);
}

/** H(p, q) = -sum p log q. */
export function crossEntropy(p, q, base) {
  return -p.reduce((sum, pi, i) => sum + xlogy(pi, q[i]), 0) / Math.log(base);
}

/** D_KL(p || q) = sum p log(p / q), never negative. */
export function klDivergence(p, q, base) {
  const extra = p.reduce((sum, pi, i) => sum + (xlogy(pi, pi) - xlogy(pi, q[i])), 0);
  return Math.max(extra, 0) / Math.log(base);
}

/** D_KL(N(mu, exp(logVar)) || N(0, 1)) in nats, the closed form. */
export function klToStandardNormal(mu, logVar) {
  return -0.5 * (1 + logVar - mu * mu - Math.exp(logVar));
}

/** Monte Carlo estimate of klToStandardNormal from standard-normal draws `epsilon` (z = mu + sigma epsilon). */
export function klMonteCarlo(mu, logVar, epsilon) {
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

export function unit(base) {
  if (base === 2) return "bits";
  if (Math.abs(base - Math.E) < 1e-15) return "nats";
  return `log base ${base}`;
}

// ---- drawing -------------------------------------------------------------------------------

const QUANTITY_COLORS = ["#7f7f7f", "#9467bd", "#d62728", "#e377c2"];

/** Bars at integer positions 0..n-1 (x range [-0.5, n-0.5]), shifted by `offset`, labelled below. */
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
  c.fillStyle = "#222";
  c.font = FONT;
  c.textAlign = "center";
  c.textBaseline = "top";
  labels.forEach((label, i) => c.fillText(label, sx(i), plot.height - plot.bottom + 3));
}

// ---- the three panels -----------------------------------------------------------------------

function renderCoin(model, el) {
  const base = model.get("base");
  const control = slider(el, {
    label: "bias θ", trait: "bias", min: 0, max: 1, step: 0.01, value: model.get("bias"),
    onInput: (value) => update(model, "bias", value),
  });
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
    const { sx, sy } = axes(plot, [0, 1], [0, 1.05 * top], "bias θ = P(heads)", `H(θ), ${unit(base)}`);
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

const QUANTITIES = [
  ["entropy", "H(p)"],
  ["cross_entropy", "H(p, q)"],
  ["kl", "D_KL(p ‖ q)"],
  ["reverse_kl", "D_KL(q ‖ p)"],
];

function renderDistributions(model, el) {
  const base = model.get("base");
  const n = model.get("p_weights").length;
  const outcomes = Array.from({ length: n }, (_, i) => String.fromCharCode(97 + i));
  const columns = row(el);
  const sliders = {};
  for (const name of ["p", "q"]) {
    const column = document.createElement("div");
    const title = document.createElement("div");
    title.textContent = `weights of ${name}`;
    title.style.font = "bold 14px sans-serif";
    column.append(title);
    columns.append(column);
    const trait = `${name}_weights`;
    sliders[name] = outcomes.map((outcome, i) =>
      slider(column, {
        label: `${name}(${outcome})`, trait, index: i, min: 0.01, max: 1, step: 0.01, value: model.get(trait)[i],
        onInput: (value) => {
          const weights = model.get(trait).slice();
          weights[i] = value;
          update(model, trait, weights);
        },
      }),
    );
  }
  const texts = QUANTITIES.map(([key]) => readout(el, key));
  const plots = row(el);
  const left = makeCanvas(plots, 340, 250, "Bar chart of the probabilities of p and q for each outcome");
  const right = makeCanvas(plots, 360, 250, "Bar chart of H(p), H(p, q) and the KL divergences both ways");
  const maxEntropy = Math.log(n) / Math.log(base);

  function draw() {
    const pWeights = model.get("p_weights");
    const qWeights = model.get("q_weights");
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
    const c = left.context;
    c.textAlign = "left";
    c.textBaseline = "middle";
    [["p", P_COLOR], ["q", Q_COLOR]].forEach(([name, color], i) => {
      c.fillStyle = color;
      c.fillRect(left.width - 50, 18 + 16 * i, 12, 10);
      c.fillStyle = "#222";
      c.fillText(name, left.width - 34, 23 + 16 * i);
    });

    const finite = values.filter(Number.isFinite);
    const top = 1.15 * Math.max(...finite, maxEntropy);
    ({ sx, sy } = axes(right, [-0.5, 3.5], [0, top], "", unit(base)));
    bars(right.context, values, sx, sy, QUANTITY_COLORS, 0.7);
    tickLabels(right, QUANTITIES.map(([, label]) => label), sx);
    const r = right.context;
    r.fillStyle = "#222";
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
  const mu = slider(controls, {
    label: "μ", trait: "mu", min: -3, max: 3, step: 0.05, value: model.get("mu"),
    onInput: (value) => update(model, "mu", value),
  });
  const sigma = slider(controls, {
    label: "σ", trait: "sigma", min: 0.1, max: 3, step: 0.05, value: model.get("sigma"),
    onInput: (value) => update(model, "sigma", value),
  });
  const texts = ["kl_closed_form", "kl_estimate"].map((key) => readout(el, key));
  const plots = row(el);
  const left = makeCanvas(plots, 420, 250, "The densities of p = N(0, 1) and of q = N(μ, σ²)");
  const right = makeCanvas(plots, 280, 250, "The KL divergence of q from p: closed form and Monte Carlo estimate");
  const xs = Array.from({ length: 601 }, (_, i) => -6 + (12 * i) / 600);
  const pDensity = xs.map((x) => normalPdf(x, 0, 1));

  function draw() {
    const m = model.get("mu");
    const s = model.get("sigma");
    const draws = model.get("draws");
    mu.show(m);
    sigma.show(s);
    const logVar = 2 * Math.log(s);
    const closed = klToStandardNormal(m, logVar) + 0; // + 0 turns -0 into 0
    const { estimate, standardError } = klMonteCarlo(m, logVar, draws);
    texts[0].show(`closed form: D_KL(q ‖ p) = ${closed.toFixed(3)} nats`, closed);
    texts[1].show(
      `Monte Carlo (${draws.length} draws): ${estimate.toFixed(3)} ± ${standardError.toFixed(3)} nats`, estimate);
    el.querySelector('[data-quantity="kl_estimate"]').dataset.standardError = String(standardError);

    const qDensity = xs.map((x) => normalPdf(x, m, s));
    const top = 1.1 * Math.max(...qDensity, ...pDensity);
    let { sx, sy } = axes(left, [-6, 6], [0, top], "x", "density");
    line(left.context, xs, pDensity, sx, sy, P_COLOR);
    line(left.context, xs, qDensity, sx, sy, Q_COLOR);
    const c = left.context;
    c.textAlign = "left";
    c.textBaseline = "middle";
    [["p = N(0, 1)", P_COLOR], ["q = N(μ, σ²)", Q_COLOR]].forEach(([name, color], i) => {
      c.fillStyle = color;
      c.fillRect(left.width - 110, 18 + 16 * i, 12, 3);
      c.fillStyle = "#222";
      c.fillText(name, left.width - 94, 20 + 16 * i);
    });

    const low = estimate - 2 * standardError;
    const high = estimate + 2 * standardError;
    const yRange = [Math.min(0, low) * 1.2, 1.2 * Math.max(high, closed, 0.1)];
    ({ sx, sy } = axes(right, [-0.5, 1.5], yRange, "", "D_KL(q ‖ p), nats"));
    bars(right.context, [closed, estimate], sx, sy, ["#d62728", "#7f7f7f"], 0.6);
    tickLabels(right, ["closed form", "Monte Carlo"], sx);
    const r = right.context;
    line(r, [1, 1], [low, high], sx, sy, "#000", 2);
    r.fillStyle = "#222";
    r.textAlign = "center";
    r.textBaseline = "bottom";
    r.fillText(closed.toFixed(3), sx(0), sy(Math.max(closed, 0)) - 2);
    r.fillText(estimate.toFixed(3), sx(1), sy(Math.max(high, 0)) - 2);
  }
  for (const name of ["mu", "sigma", "draws"]) model.on(`change:${name}`, draw);
  draw();
  return () => ["mu", "sigma", "draws"].forEach((name) => model.off(`change:${name}`, draw));
}

const PANELS = { coin: renderCoin, distributions: renderDistributions, gaussian_kl: renderGaussianKL };

function render({ model, el }) {
  const panel = model.get("panel");
  el.classList.add("vae-panel", `vae-panel--${panel}`);
  const cleanup = PANELS[panel](model, el);
  el.dataset.state = "ready";
  return cleanup;
}

export default { render };
