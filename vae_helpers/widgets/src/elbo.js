// The ELBO panel of chapter 3 (vae_helpers/widgets/elbo.py): the browser computes and draws.
// The maths is vae_helpers.elbo's LinearGaussian for one latent dimension (maths.js); the
// traits are declared in elbo.py, with the sliders' ranges (`ranges`).

import "./panel.css";
import { elboTerms, normalPdf, posterior } from "./maths.js";
import { axes, FONT, INK, legend, line, makeCanvas, P_COLOR, Q_COLOR, readout, row, slider } from "./plot.js";
import { setTrait } from "./send.js";

const POSTERIOR_COLOR = "#2ca02c";
const GAP_COLOR = "#d62728";
const EVIDENCE_COLOR = "#7f7f7f";

function render({ model, el }) {
  el.classList.add("vae-panel", "vae-panel--elbo");
  const weight = model.get("weight"), bias = model.get("bias"), noiseStd = model.get("noise_std"), x = model.get("x");
  const controls = row(el);
  const mu = slider(controls, model, { label: "μ", trait: "mu", onInput: (value) => setTrait(model, "mu", value) });
  const sigma = slider(controls, model, { label: "σ", trait: "sigma", onInput: (value) => setTrait(model, "sigma", value) });
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
    r.fillStyle = INK;
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
