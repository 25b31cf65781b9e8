// Round ticks for a plot's axes: steps of 1, 2 or 5 times a power of ten, as a careful figure has,
// the finest such step that keeps the ticks few enough to read.
// Pure functions (no DOM): tested in Node (tests/test_panel_figures.py).

const MANTISSAS = [1, 2, 5];

/** How many multiples of `step` lie in [low, high] (a hair of rounding forgiven). */
function multiples(low, high, step) {
  return Math.floor(high / step + 1e-9) - Math.ceil(low / step - 1e-9) + 1;
}

/** The finest step of 1, 2 or 5 x 10^k with at most `most` multiples in [low, high]. */
export function roundStep(low, high, most = 6) {
  const span = high - low;
  if (!(span > 0) || !Number.isFinite(span)) throw new Error(`roundStep: need low < high, got [${low}, ${high}]`);
  // Finer than span / most cannot do; start one decade below it and go up.
  for (let power = Math.floor(Math.log10(span / Math.max(most, 1))) - 1; ; power++) {
    for (const mantissa of MANTISSAS) {
      const step = mantissa * 10 ** power;
      if (multiples(low, high, step) <= most) return step;
    }
  }
}

/** The multiples of the round step in [low, high], low to high (at most `most` of them). */
export function roundTicks(low, high, most = 6) {
  const step = roundStep(low, high, most);
  const ticks = [];
  // Integer multiples, each computed from its index: no drift (0.30000000000000004).
  for (let k = Math.ceil(low / step - 1e-9); k * step <= high + 1e-9 * step; k++) {
    ticks.push(Number((k * step).toPrecision(12)) + 0); // + 0: no -0
  }
  return ticks;
}

/** A tick's text: as many decimals as the step needs, a true minus sign. */
export function tickText(value, step) {
  const decimals = Math.max(0, -Math.floor(Math.log10(step) + 1e-9));
  const text = Math.abs(value).toFixed(decimals);
  return value < 0 && Number(text) !== 0 ? `\u2212${text}` : text;
}
