// The ELBO panel of chapter 3 (vae_helpers/widgets/elbo.py): the browser computes and draws.
// The maths is vae_helpers.elbo's LinearGaussian for one latent dimension (maths.js); the
// traits are declared in elbo.py, with the sliders' ranges (`ranges`).

import "./panel.css";
import { elboTerms, normalPdf, posterior } from "./maths.js";
import { axes, figure, line, note, number, readout, row, slider, themed } from "./plot.js";
import { setTrait } from "./send.js";

function render({ model, el }) {
  el.classList.add("vae-panel", "vae-panel--elbo");
  let draw = () => {};
  const look = themed(el, () => draw());
  const weight = model.get("weight"), bias = model.get("bias"), noiseStd = model.get("noise_std"), x = model.get("x");
  const controls = row(el);
  const mu = slider(controls, model, { label: "μ", trait: "mu", onInput: (value) => setTrait(model, "mu", value) });
  const sigma = slider(controls, model, { label: "σ", trait: "sigma", onInput: (value) => setTrait(model, "sigma", value) });
  const texts = [
    readout(el, "elbo", "ELBO"),
    readout(el, "gap", "gap, D_{KL}(q ‖ p(z | x))"),
    readout(el, "log_marginal", "ELBO + gap = log p(x)"),
  ];
  const plots = row(el, "vae-panel__figures");
  const left = figure(plots, look, {
    label: "The densities over z of the prior, the posterior p(z | x) and q = N(μ, σ²)", height: 260,
    legend: [["prior p(z)", "p", "dash"], ["posterior p(z | x)", "posterior"], ["q = N(μ, σ²)", "q"]],
  });
  const right = figure(plots, look, {
    label: "One bar, minus the ELBO: a fixed grey part, minus log p(x), and the gap on top in red", height: 260,
    legend: [["−log p(x)", "evidence", "box"], ["gap", "gap", "box"]],
  });
  const zs = Array.from({ length: 801 }, (_, i) => -4 + (8 * i) / 800);
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
    line(left, zs, prior, sx, sy, "p", 2, [6, 4]); // dashed and on top: at q = N(0, 1) the two coincide

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
    // The dashed line's value beside it, right of the bar: never on the axis's ticks.
    note(right, `−log p(x) = ${number(evidence)}`, sx(0.45), sy(evidence) + 16, "left");
    note(right, number(loss), sx(0), sy(loss) - 3);
    note(right, "−ELBO", sx(0), right.height - right.bottom + 19);
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

export default { render };
