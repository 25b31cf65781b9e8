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

/** log N(z; 0, I), the prior's log density at a point z of any dimension (vae_helpers.elbo._log_prior). */
export function logStandardNormal(z) {
  let squares = 0;
  for (let d = 0; d < z.length; d++) squares += z[d] * z[d];
  return -0.5 * (z.length * LOG_2PI + squares);
}

// ---- the true posterior of a 2-D model, on a grid (vae_helpers.elbo.posterior_grids) ----------

/** The midpoints of `cells` x `cells` equal cells covering `box` = [z1 from, z1 to, z2 from, z2 to]:
 * cell k = i * cells + j has z1 from column i and z2 from row j (numpy's meshgrid, indexing "ij"). */
function gridMidpoints(box, cells) {
  const [a, b, c, d] = box, w1 = (b - a) / cells, w2 = (d - c) / cells, z = [];
  for (let i = 0; i < cells; i++) for (let j = 0; j < cells; j++) z.push([a + (i + 0.5) * w1, c + (j + 0.5) * w2]);
  return { z, logArea: Math.log(w1 * w2) };
}

/** log sum exp(values), without overflow. */
function logSumExp(values) {
  const top = Math.max(...values);
  let sum = 0;
  for (const v of values) sum += Math.exp(v - top);
  return top + Math.log(sum);
}

/**
 * p(z | x) = p(x, z) / p(x) of a 2-D model on a grid that zooms onto the posterior's mass, and
 * log p(x) = log ∫ p(x, z) dz by the same quadrature, in nats. `logJoint(z)` is log p(x | z) +
 * log p(z) at a point [z1, z2].
 *
 * A `cells` x `cells` midpoint grid covers [-extent, extent]²; the cells within `window` nats of
 * the largest log p(x, z) are boxed (padded by one cell) and the box gets a grid of its own, up
 * to `zooms` times or until the box stops shrinking. The cells left outside a box keep their
 * mass, at their grid's resolution, in log p(x) (as posterior_grids keeps its coarse cells).
 *
 * Returns {box, cells, z, logJoint, mass (each final cell's share of the posterior), logMarginal,
 * mode, mean, reachesEdge (mass within `window` of the peak touches [-extent, extent]²'s edge),
 * evaluations (how many times logJoint ran)}.
 */
export function posteriorGrid(logJoint, extent, { cells = 40, window = 20, zooms = 4 } = {}) {
  let box = [-extent, extent, -extent, extent], outside = [], grid, values, reachesEdge = false, evaluations = 0;
  for (let level = 0; ; level++) {
    grid = gridMidpoints(box, cells);
    values = grid.z.map(logJoint);
    evaluations += values.length;
    const peak = Math.max(...values);
    let iFrom = cells, iTo = -1, jFrom = cells, jTo = -1;
    values.forEach((value, k) => {
      if (value < peak - window) return;
      const i = Math.floor(k / cells), j = k % cells;
      iFrom = Math.min(iFrom, i); iTo = Math.max(iTo, i); jFrom = Math.min(jFrom, j); jTo = Math.max(jTo, j);
    });
    if (level === 0) reachesEdge = iFrom === 0 || jFrom === 0 || iTo === cells - 1 || jTo === cells - 1;
    [iFrom, jFrom] = [Math.max(0, iFrom - 1), Math.max(0, jFrom - 1)];
    [iTo, jTo] = [Math.min(cells - 1, iTo + 1), Math.min(cells - 1, jTo + 1)];
    const shrinks = iTo - iFrom + 1 < cells || jTo - jFrom + 1 < cells;
    if (level === zooms || !shrinks) break;
    values.forEach((value, k) => {
      const i = Math.floor(k / cells), j = k % cells;
      if (i < iFrom || i > iTo || j < jFrom || j > jTo) outside.push(value + grid.logArea);
    });
    const w1 = (box[1] - box[0]) / cells, w2 = (box[3] - box[2]) / cells;
    box = [box[0] + iFrom * w1, box[0] + (iTo + 1) * w1, box[2] + jFrom * w2, box[2] + (jTo + 1) * w2];
  }
  const logMarginal = logSumExp([...values.map((value) => value + grid.logArea), ...outside]);
  const mass = Float64Array.from(values, (value) => Math.exp(value + grid.logArea - logMarginal));
  let top = 0;
  const mean = [0, 0];
  mass.forEach((m, k) => {
    if (m > mass[top]) top = k;
    mean[0] += m * grid.z[k][0];
    mean[1] += m * grid.z[k][1];
  });
  const inside = mass.reduce((sum, m) => sum + m, 0);
  return {
    box, cells, z: grid.z, logJoint: Float64Array.from(values), mass, logMarginal, reachesEdge, evaluations,
    mode: grid.z[top].slice(), mean: [mean[0] / inside, mean[1] / inside],
  };
}

/** For each fraction f, the smallest cell mass among the heaviest cells that together hold f of
 * the total (equal cells: the highest-density region holding f, as a threshold on `mass`). */
export function highestDensityLevels(mass, fractions) {
  const sorted = Float64Array.from(mass).sort().reverse(), total = sorted.reduce((sum, m) => sum + m, 0);
  return fractions.map((fraction) => {
    let held = 0;
    for (const m of sorted) {
      held += m;
      if (held >= fraction * total) return m;
    }
    return sorted[sorted.length - 1];
  });
}
