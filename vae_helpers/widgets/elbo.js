// The ELBO panel of chapter 3 (vae_helpers/widgets/elbo.py): the browser computes and draws.
// Run by anywidget in JupyterLab and in the static book; the contract with Python (trait names,
// what the page shows) is in elbo.py's docstring. The maths below is vae_helpers.elbo's
// LinearGaussian for one latent dimension; the tests check it value by value.
// The parts it shares with panels.js (normalPdf, makeCanvas, axes, line, slider, readout, row,
// update) are in _panel.js, which comes before this text in the module.

// ---- maths (pure functions, exported for the tests) ----------------------------------------

function dot(a, b) {
  return a.reduce((sum, ai, i) => sum + ai * b[i], 0);
}

/** Mean and standard deviation of p(z | x) for p(z) = N(0, 1), p(x | z) = N(w z + b, s² I). */
export function posterior(weight, bias, noiseStd, x) {
  const s2 = noiseStd * noiseStd;
  const variance = 1 / (1 + dot(weight, weight) / s2);
  const residual = x.map((xi, i) => xi - bias[i]);
  return { mean: (variance * dot(weight, residual)) / s2, sigma: Math.sqrt(variance) };
}

/** log p(x), p(x) = N(b, w wᵀ + s² I): determinant lemma and Sherman-Morrison, no matrices. */
export function logMarginal(weight, bias, noiseStd, x) {
  const s2 = noiseStd * noiseStd;
  const d = x.length;
  const wtw = dot(weight, weight);
  const r = x.map((xi, i) => xi - bias[i]);
  const wr = dot(weight, r);
  const logDet = d * Math.log(s2) + Math.log(1 + wtw / s2);
  const quadratic = (dot(r, r) - (wr * wr) / (s2 + wtw)) / s2;
  return -0.5 * (d * LOG_2PI + logDet + quadratic);
}

/** The ELBO of q = N(mu, sigma²) at x, its two terms, its gap KL(q || p(z | x)) and log p(x), in nats. */
export function elboTerms(weight, bias, noiseStd, x, mu, sigma) {
  const s2 = noiseStd * noiseStd;
  const d = x.length;
  const variance = sigma * sigma;
  const residual = x.map((xi, i) => xi - weight[i] * mu - bias[i]);
  const expectedLogLikelihood =
    -0.5 * d * Math.log(2 * Math.PI * s2) - (dot(residual, residual) + dot(weight, weight) * variance) / (2 * s2);
  const klToPrior = 0.5 * (variance + mu * mu - 1 - Math.log(variance));
  const post = posterior(weight, bias, noiseStd, x);
  const postVariance = post.sigma * post.sigma;
  const gap =
    0.5 * ((variance + (post.mean - mu) ** 2) / postVariance - 1 + Math.log(postVariance) - Math.log(variance));
  return {
    logMarginal: logMarginal(weight, bias, noiseStd, x),
    elbo: expectedLogLikelihood - klToPrior,
    gap,
    expectedLogLikelihood,
    klToPrior,
  };
}

// ---- drawing -------------------------------------------------------------------------------

const POSTERIOR_COLOR = "#2ca02c";
const GAP_COLOR = "#d62728";
const EVIDENCE_COLOR = "#7f7f7f";

function legend(plot, entries, x0) {
  const c = plot.context;
  c.font = FONT;
  c.textAlign = "left";
  c.textBaseline = "middle";
  entries.forEach(([name, color], i) => {
    c.fillStyle = color;
    c.fillRect(x0, 16 + 16 * i, 12, 8);
    c.fillStyle = "#222";
    c.fillText(name, x0 + 16, 20 + 16 * i);
  });
}

// ---- the panel -----------------------------------------------------------------------------

function render({ model, el }) {
  el.classList.add("vae-panel", "vae-panel--elbo");
  const [weight, bias, noiseStd, x] = ["weight", "bias", "noise_std", "x"].map((name) => model.get(name));
  const controls = row(el);
  const mu = slider(controls, {
    label: "μ", trait: "mu", min: -3, max: 3, step: 0.05, value: model.get("mu"),
    onInput: (value) => update(model, "mu", value),
  });
  const sigma = slider(controls, {
    label: "σ", trait: "sigma", min: 0.1, max: 2, step: 0.05, value: model.get("sigma"),
    onInput: (value) => update(model, "sigma", value),
  });
  const texts = ["elbo", "gap", "log_marginal"].map((key) => readout(el, key));
  const plots = row(el);
  const left = makeCanvas(plots, 440, 260, "The densities over z of the prior, the posterior p(z | x) and q = N(μ, σ²)");
  const right = makeCanvas(plots, 300, 260,
    "One bar, minus the ELBO: a fixed grey part, minus log p(x), and the gap on top in red");
  const zs = Array.from({ length: 801 }, (_, i) => -4 + (8 * i) / 800);
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
    texts[1].show(`gap, D_KL(q ‖ p(z | x)) = ${terms.gap.toFixed(3)} nats`, terms.gap);
    texts[2].show(`ELBO + gap = log p(x) = ${terms.logMarginal.toFixed(3)} nats`, terms.logMarginal);

    const q = zs.map((z) => normalPdf(z, m, s));
    const top = 1.1 * Math.max(...q, ...posteriorDensity);
    let { sx, sy } = axes(left, [-4, 4], [0, top], "z", "density");
    line(left.context, zs, prior, sx, sy, P_COLOR);
    line(left.context, zs, posteriorDensity, sx, sy, POSTERIOR_COLOR);
    line(left.context, zs, q, sx, sy, Q_COLOR);
    legend(left, [["prior p(z)", P_COLOR], ["posterior p(z | x)", POSTERIOR_COLOR], ["q = N(μ, σ²)", Q_COLOR]],
      left.width - 140);

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
    r.fillStyle = "#222";
    r.font = FONT;
    r.textAlign = "center";
    r.textBaseline = "bottom";
    r.fillText(loss.toFixed(2), sx(0), sy(loss) - 2);
    r.textBaseline = "top";
    r.fillText("−ELBO", sx(0), right.height - right.bottom + 3);
    legend(right, [["−log p(x)", EVIDENCE_COLOR], ["gap", GAP_COLOR]], sx(0.55));
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

export default { render };
