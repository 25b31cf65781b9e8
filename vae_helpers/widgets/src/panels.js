// The panels of chapters 1 and 2 (vae_helpers/widgets/panels.py): the browser computes and draws.
// One module for the three panels; `panel` (a trait) says which. The traits are declared in
// panels.py, with the sliders' ranges (`ranges`).

import "./panel.css";
import { crossEntropy, entropy, klDivergence, klMonteCarlo, klToStandardNormal, normalise, normalPdf, unit } from "./maths.js";
import { axes, bars, element, INK, legend, line, makeCanvas, P_COLOR, Q_COLOR, readout, row, slider, tickLabels } from "./plot.js";
import { setTrait } from "./send.js";

const QUANTITY_COLORS = ["#7f7f7f", "#9467bd", "#d62728", "#e377c2"];

function renderCoin(model, el) {
  const base = model.get("base");
  const control = slider(el, model, { label: "bias θ", trait: "bias", onInput: (value) => setTrait(model, "bias", value) });
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
    sliders[name] = outcomes.map((outcome, i) =>
      slider(column, model, {
        label: `${name}(${outcome})`, trait, index: i,
        onInput: (value) => {
          const changed = weights[name]().slice();
          changed[i] = value;
          if (name === "p") setTrait(model, "p_weights", changed);
          else setTrait(model, "q_weights", changed);
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
  const mu = slider(controls, model, { label: "μ", trait: "mu", onInput: (value) => setTrait(model, "mu", value) });
  const sigma = slider(controls, model, { label: "σ", trait: "sigma", onInput: (value) => setTrait(model, "sigma", value) });
  const [closedText, estimateText] = ["kl_closed_form", "kl_estimate"].map((key) => readout(el, key));
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
    const closed = klToStandardNormal([m], [logVar]) + 0; // + 0 turns -0 into 0
    const { estimate, standardError } = klMonteCarlo(m, logVar, draws);
    closedText.show(`closed form: D_KL(q ‖ p) = ${closed.toFixed(3)} nats`, closed);
    estimateText.show(
      `Monte Carlo (${draws.length} draws): ${estimate.toFixed(3)} ± ${standardError.toFixed(3)} nats`, estimate);
    estimateText.output.dataset.standardError = String(standardError);

    const qDensity = xs.map((x) => normalPdf(x, m, s));
    const top = 1.1 * Math.max(...qDensity, ...pDensity);
    let { sx, sy } = axes(left, [-6, 6], [0, top], "x", "density");
    line(left.context, xs, pDensity, sx, sy, P_COLOR);
    line(left.context, xs, qDensity, sx, sy, Q_COLOR);
    legend(left, [["p = N(0, 1)", P_COLOR], ["q = N(μ, σ²)", Q_COLOR]], left.width - 110, 3);

    const low = estimate - 2 * standardError;
    const high = estimate + 2 * standardError;
    const yRange = [Math.min(0, low) * 1.2, 1.2 * Math.max(high, closed, 0.1)];
    ({ sx, sy } = axes(right, [-0.5, 1.5], yRange, "", "D_KL(q ‖ p), nats"));
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

const PANELS = { coin: renderCoin, distributions: renderDistributions, gaussian_kl: renderGaussianKL };

function render({ model, el }) {
  const panel = model.get("panel");
  el.classList.add("vae-panel", `vae-panel--${panel}`);
  const cleanup = PANELS[panel](model, el);
  el.dataset.state = "ready";
  return cleanup;
}

export default { render };
