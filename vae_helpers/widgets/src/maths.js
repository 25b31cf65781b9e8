// What the widgets compute in the page, each formula once. Every function here has a Python
// twin in vae_helpers (named beside it); the tests (test_panels.py, test_elbo.py,
// test_encoder.py) run both on the same inputs in Node.js.

export const LOG_2PI = Math.log(2 * Math.PI);

/** log N(x; mu, sigma^2) (vae_helpers.gaussian.normal_pdf, in logs). */
export function normalLogPdf(x, mu, sigma) {
  const u = (x - mu) / sigma;
  return -0.5 * (LOG_2PI + 2 * Math.log(sigma)) - 0.5 * u * u;
}

export function normalPdf(x, mu, sigma) {
  return Math.exp(normalLogPdf(x, mu, sigma));
}

export function sigmoid(x) {
  return 1 / (1 + Math.exp(-x));
}

/** Two independent N(0, 1) draws (Box-Muller), from the browser's generator. */
export function gaussianPair() {
  const radius = Math.sqrt(-2 * Math.log(1 - Math.random())), angle = 2 * Math.PI * Math.random();
  return [radius * Math.cos(angle), radius * Math.sin(angle)];
}

// ---- information (vae_helpers.info) ------------------------------------------------------------

/** x log y with 0 log y = 0, as scipy.special.xlogy. */
function xlogy(x, y) {
  return x === 0 ? 0 : x * Math.log(y);
}

/** Weights divided by their sum: a distribution. */
export function normalise(weights) {
  const total = weights.reduce((sum, weight) => sum + weight, 0);
  return weights.map((weight) => weight / total);
}

/** H(p) = -sum p log p, in log base `base` (vae_helpers.info.entropy). */
export function entropy(p, base) {
  return -p.reduce((sum, pi) => sum + xlogy(pi, pi), 0) / Math.log(base);
}

/** H(p, q) = -sum p log q (vae_helpers.info.cross_entropy). */
export function crossEntropy(p, q, base) {
  return -p.reduce((sum, pi, i) => sum + xlogy(pi, q[i]), 0) / Math.log(base);
}

/** D_KL(p || q) = sum p log(p / q), never negative (vae_helpers.info.kl_divergence). */
export function klDivergence(p, q, base) {
  const extra = p.reduce((sum, pi, i) => sum + (xlogy(pi, pi) - xlogy(pi, q[i])), 0);
  return Math.max(extra, 0) / Math.log(base);
}

export function unit(base) {
  if (base === 2) return "bits";
  if (Math.abs(base - Math.E) < 1e-15) return "nats";
  return `log base ${base}`;
}

// ---- Gaussians (vae_helpers.gaussian) ----------------------------------------------------------

/** D_KL(N(mu, diag exp(logVar)) || N(0, I)) in nats, the closed form summed over the dimensions
 * of the arrays `mu` and `logVar` (vae_helpers.gaussian.kl_to_standard_normal). */
export function klToStandardNormal(mu, logVar) {
  let kl = 0;
  for (let d = 0; d < mu.length; d++) kl += 0.5 * (mu[d] * mu[d] + Math.exp(logVar[d]) - logVar[d] - 1);
  return kl;
}

/** Monte Carlo estimate of the one-dimensional KL above from standard-normal draws `epsilon`
 * (z = mu + sigma epsilon), with its standard error (vae_helpers.gaussian.kl_monte_carlo). */
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

// ---- the linear-Gaussian model, one latent dimension (vae_helpers.elbo.LinearGaussian) -------

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
  const klToPrior = klToStandardNormal([mu], [Math.log(variance)]);
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

// ---- a VAE's terms (vae_helpers.model, vae_helpers.iwae) --------------------------------------

/** -log p(x | z) for a Bernoulli decoder from its logits: the binary cross-entropy summed over
 * pixels, stable for large logits (vae_helpers.model.reconstruction_loss). */
export function reconstructionLoss(x, logits) {
  let loss = 0;
  for (let k = 0; k < x.length; k++) {
    const l = logits[k];
    loss += Math.max(l, 0) - x[k] * l + Math.log1p(Math.exp(-Math.abs(l)));
  }
  return loss;
}

/** log of the mean of exp(values), without overflow (vae_helpers.iwae.log_mean_exp). */
export function logMeanExp(values) {
  const top = Math.max(...values);
  return top + Math.log(values.reduce((sum, v) => sum + Math.exp(v - top), 0) / values.length);
}
