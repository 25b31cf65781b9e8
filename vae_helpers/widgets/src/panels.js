// The panels of chapters 1 and 2 (vae_helpers/widgets/panels.py): the browser computes and draws.
// One module for the three panels; `panel` (a trait) says which. The traits are declared in
// panels.py, with the sliders' ranges (`ranges`). Labels use mathtext.js's markup (D_{KL}).

import "./panel.css";
import { crossEntropy, entropy, klDivergence, klMonteCarlo, klToStandardNormal, normalise, normalPdf, unit } from "./maths.js";
import { axes, bars, element, figure, line, note, number, readout, row, slider, themed, tickLabels } from "./plot.js";
import { setTrait } from "./send.js";

/** Draw on every change of `traits` and of the theme or width; returns the cleanup. */
function follow(model, traits, look, draw) {
  for (const trait of traits) model.on(`change:${trait}`, draw);
  draw();
  return () => {
    for (const trait of traits) model.off(`change:${trait}`, draw);
    look.stop();
  };
}

function renderCoin(model, el) {
  let draw = () => {};
  const look = themed(el, () => draw());
  const base = model.get("base");
  const control = slider(el, model, { label: "bias θ", trait: "bias", onInput: (value) => setTrait(model, "bias", value) });
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
    const { sx, sy } = axes(plot, [0, 1], [0, 1.1 * top], "bias θ = P(heads)", `H(θ), ${unit(base)}`);
    line(plot, biases, curve, sx, sy, "muted");
    const c = plot.context;
    c.fillStyle = look.colors.p;
    c.beginPath();
    c.arc(sx(bias), sy(h), 6, 0, 2 * Math.PI);
    c.fill();
  };
  return follow(model, ["bias"], look, draw);
}

const QUANTITIES = [
  ["entropy", "H(p)", "entropy"],
  ["cross_entropy", "H(p, q)", "cross-entropy"],
  ["kl", "D_{KL}(p ‖ q)", "kl"],
  ["reverse_kl", "D_{KL}(q ‖ p)", "reverse-kl"],
];

function renderDistributions(model, el) {
  let draw = () => {};
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
  const texts = QUANTITIES.map(([key, label]) => readout(el, key, label));
  const plots = row(el, "vae-panel__figures vae-panel__figures--even");
  const left = figure(plots, look, {
    label: "Bar chart of the probabilities of p and q for each outcome", height: 250,
    legend: [["p", "p", "box"], ["q", "q", "box"]],
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
    bars(right, values.map((v) => (Number.isFinite(v) ? v : top)), sx, sy, QUANTITIES.map(([, , color]) => color), 0.7);
    tickLabels(right, QUANTITIES.map(([, label]) => label), sx);
    values.forEach((value, i) => note(right, Number.isFinite(value) ? value.toFixed(3) : "∞", sx(i), sy(Math.min(value, top)) - 3));
  };
  return follow(model, ["p_weights", "q_weights"], look, draw);
}

function renderGaussianKL(model, el) {
  let draw = () => {};
  const look = themed(el, () => draw());
  const controls = row(el);
  const mu = slider(controls, model, { label: "μ", trait: "mu", onInput: (value) => setTrait(model, "mu", value) });
  const sigma = slider(controls, model, { label: "σ", trait: "sigma", onInput: (value) => setTrait(model, "sigma", value) });
  const closedText = readout(el, "kl_closed_form", "closed form, D_{KL}(q ‖ p)");
  const estimateText = readout(el, "kl_estimate", "Monte Carlo estimate");
  const plots = row(el, "vae-panel__figures");
  const left = figure(plots, look, {
    label: "The densities of p = N(0, 1) and of q = N(μ, σ²)", height: 250,
    legend: [["p = N(0, 1)", "p"], ["q = N(μ, σ²)", "q"]],
  });
  const right = figure(plots, look, { label: "The KL divergence of q from p: closed form and Monte Carlo estimate", height: 250 });
  const xs = Array.from({ length: 601 }, (_, i) => -6 + (12 * i) / 600);
  const pDensity = xs.map((x) => normalPdf(x, 0, 1));

  draw = () => {
    const m = model.get("mu");
    const s = model.get("sigma");
    const draws = model.get("draws");
    mu.show(m);
    sigma.show(s);
    const logVar = 2 * Math.log(s);
    const closed = klToStandardNormal([m], [logVar]) + 0; // + 0 turns -0 into 0
    const { estimate, standardError } = klMonteCarlo(m, logVar, draws);
    closedText.show(`${number(closed)} nats`, closed);
    estimateText.show(`${number(estimate)} ± ${standardError.toFixed(3)} nats (${draws.length} draws)`, estimate);
    estimateText.output.dataset.standardError = String(standardError);

    const qDensity = xs.map((x) => normalPdf(x, m, s));
    const top = 1.1 * Math.max(...qDensity, ...pDensity);
    let { sx, sy } = axes(left, [-6, 6], [0, top], "x", "density");
    line(left, xs, pDensity, sx, sy, "p");
    line(left, xs, qDensity, sx, sy, "q");

    const low = estimate - 2 * standardError;
    const high = estimate + 2 * standardError;
    const yRange = [Math.min(0, low) * 1.2, 1.25 * Math.max(high, closed, 0.1)];
    ({ sx, sy } = axes(right, [-0.5, 1.5], yRange, "", "D_{KL}(q ‖ p), nats", { xTicks: false }));
    bars(right, [closed, estimate], sx, sy, ["kl", "evidence"], 0.6);
    tickLabels(right, ["closed form", "Monte Carlo"], sx);
    line(right, [1, 1], [low, high], sx, sy, "ink", 2);
    note(right, number(closed), sx(0), sy(Math.max(closed, 0)) - 3);
    note(right, number(estimate), sx(1), sy(Math.max(high, 0)) - 3);
  };
  return follow(model, ["mu", "sigma", "draws"], look, draw);
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
