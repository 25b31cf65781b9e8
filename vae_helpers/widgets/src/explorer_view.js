// The latent explorer's markup (explorer.js draws in it): the map and its legend, the digit,
// the sliders and the prior's button, the interpolation's lists, t and strip.

import { DIGIT, element } from "./plot.js";

export const STRIP_SCALE = 3; // screen pixels per digit pixel in the interpolation strip

/** A few hundred slider positions across [-limit, limit]. */
export function sliderStep(limit) {
  return String(10 ** Math.floor(Math.log10(limit / 200)));
}

/** The explorer's elements inside `el`, for `model`'s traits. */
export function build(el, model) {
  const limit = model.get("limit");
  const root = element("div", "vae-explorer");
  const top = element("div", "vae-explorer__top");
  const mapPanel = element("div", "vae-explorer__map-panel");
  const map = element("canvas", "vae-explorer__map", {
    tabindex: "0",
    role: "application",
    "aria-roledescription": "latent map",
    "aria-label":
      "Map of latent space: the held-out digits at their means, coloured by label, and a ring at the point z. " +
      "Click or tap to move the point, drag the ring, or use the arrow keys (Shift for larger steps).",
  });
  const legend = element("ul", "vae-explorer__legend", { "aria-label": "Colours of the digits on the map" });
  model.get("label_colours").forEach((colour, label) => {
    const item = element("li");
    const swatch = element("span");
    swatch.style.background = colour;
    item.append(swatch, String(label));
    legend.append(item);
  });
  mapPanel.append(map, legend);

  const digitPanel = element("div", "vae-explorer__digit-panel");
  const digit = element("canvas", "vae-explorer__digit", { role: "img", "aria-label": "The digit the decoder draws at z" });
  digit.width = digit.height = DIGIT * model.get("scale");
  const readout = element("output", "vae-explorer__readout", { "aria-live": "polite", "data-quantity": "z" });
  const sliders = [0, 1].map((axis) => {
    const label = element("label", "vae-explorer__slider");
    const input = element("input", "", {
      type: "range", min: String(-limit), max: String(limit), step: sliderStep(limit), "data-trait": "z",
      "data-index": String(axis), "aria-label": `z${axis + 1}, the ${axis ? "second" : "first"} latent coordinate`,
    });
    const value = element("span", "vae-explorer__value", { "aria-hidden": "true" }); // the input itself tells a screen reader
    label.append(axis ? "z\u2082" : "z\u2081", input, value);
    return { label, input, value };
  });
  const prior = element("button", "vae-explorer__prior", { type: "button" });
  prior.textContent = "Sample from the prior";
  const controls = element("div", "vae-explorer__controls");
  controls.append(readout, ...sliders.map((s) => s.label), prior);
  digitPanel.append(digit, controls);
  top.append(mapPanel, digitPanel);

  const interpolation = element("div", "vae-explorer__interpolation");
  const heading = element("p", "vae-explorer__heading");
  heading.innerHTML = "<b>Interpolate</b> along the straight line from A's mean to B's mean";
  const selects = ["from A", "to B"].map((name) => {
    const label = element("label", "vae-explorer__endpoint");
    const select = element("select");
    label.append(name + " ", select);
    return { label, select };
  });
  const [tMin, tMax, tStep] = model.get("ranges").t;
  const tLabel = element("label", "vae-explorer__slider");
  const tInput = element("input", "", {
    type: "range", min: String(tMin), max: String(tMax), step: String(tStep), "data-trait": "t",
    "aria-label": "t, from A (0) to B (1)",
  });
  const tValue = element("span", "vae-explorer__value", { "aria-hidden": "true" });
  tLabel.append("t", tInput, tValue);
  const strip = element("canvas", "vae-explorer__strip", { role: "img", "aria-label": "Decodes along the line from A (left) to B (right)" });
  const stripLength = model.get("strip_length");
  strip.width = stripLength * (DIGIT + 2) * STRIP_SCALE - 2 * STRIP_SCALE;
  strip.height = DIGIT * STRIP_SCALE;
  const endpointRow = element("div", "vae-explorer__endpoints");
  endpointRow.append(...selects.map((s) => s.label));
  interpolation.append(heading, endpointRow, tLabel, strip);
  root.append(top, interpolation);
  el.append(root);
  return { root, top, mapPanel, digitPanel, map, digit, readout, sliders, prior, selects, tInput, tValue, strip };
}
