// The drawing pad's markup (encoder.js draws in it): the model switch, the pad and its tools,
// the three small digits, the readouts, the importance-weighted estimate's controls and the
// true posterior's button.

import { PAD } from "./pad.js";
import { DIGIT, element } from "./plot.js";
const SMALL_SCALE = 4; // screen pixels per digit pixel for the pad's small digits
const IW_CHOICES = [10, 100, 1000];

/** The pad's elements, for models called `names` and held-out digits `choices` ({index, label}). */
export function buildPad(names, choices) {
  const panel = element("section", "vae-encoder", { "aria-label": "Encode a digit" });
  const heading = element("p", "vae-explorer__heading");
  heading.innerHTML = "<b>Encode a digit</b>: draw one in the box (mouse, finger or pen), or pick a held-out one.";
  // The rest of the explanation comes after the pad: on a phone the map, the pad and the loss terms fit one screen.
  const explanation = element("p", "vae-encoder__note");
  explanation.textContent =
    "The map shows where the encoder puts it: q(z | x), its 1\u03c3 and 2\u03c3 ellipses around \u03bc, " +
    "magnified in an inset when they are small; a button shades beside it the true posterior p(z | x), computed from the decoder.";
  const switcher = element("fieldset", "vae-encoder__models");
  const legend = element("legend");
  legend.textContent = "Model (the map, the decoder and the encoder change together)";
  switcher.append(legend);
  const group = `vae-model-${Math.random().toString(36).slice(2)}`; // one radio group per explorer on the page
  const radios = names.map((name, k) => {
    const label = element("label");
    const radio = element("input", "", { type: "radio", name: group, value: String(k), "data-trait": "model_index" });
    label.append(radio, " " + name);
    switcher.append(label);
    return radio;
  });
  switcher.hidden = names.length < 2;

  const row = element("div", "vae-encoder__row");
  const padBox = element("div", "vae-encoder__pad-box");
  const pad = element("canvas", "vae-encoder__pad", {
    role: "img", "aria-label": "Drawing pad: draw a digit here with the mouse, a finger or a pen",
  });
  pad.width = pad.height = PAD;
  const tools = element("div", "vae-encoder__tools");
  const clear = element("button", "", { type: "button" });
  clear.textContent = "Clear";
  const pickLabel = element("label", "vae-encoder__pick");
  const pick = element("select");
  const none = element("option", "", { value: "" });
  none.textContent = "your drawing";
  pick.append(none);
  choices.forEach((choice, k) => {
    const option = element("option", "", { value: String(k) });
    option.textContent = `a ${choice.label} (held-out #${choice.index})`;
    pick.append(option);
  });
  pickLabel.append("or a held-out digit ", pick);
  tools.append(clear, pickLabel);
  padBox.append(pad, tools);

  const digits = element("div", "vae-encoder__digits");
  const small = (caption, aria) => {
    const figure = element("figure", "vae-encoder__small");
    const canvas = element("canvas", "", { role: "img", "aria-label": aria });
    canvas.width = canvas.height = DIGIT * SMALL_SCALE;
    const text = element("figcaption");
    text.textContent = caption;
    figure.append(canvas, text);
    digits.append(figure);
    return canvas;
  };
  const seen = small("what the encoder sees, x", "The drawing prepared as MNIST's digits were: 28 x 28 pixels");
  const atMu = small("decoded at \u03bc", "The digit decoded at the mean mu of q(z | x)");
  const atZ = small("decoded at z", "The digit decoded at the latest sample z = mu + sigma * eps");
  const side = element("div", "vae-encoder__side");
  const terms = element("div", "vae-encoder__terms"); // mu, sigma, z and the loss terms, beside the pad on a phone
  const actions = element("div", "vae-encoder__actions");
  side.append(terms, actions);
  const resample = element("button", "", { type: "button" });
  resample.textContent = "Resample \u03b5";
  const quantity = (name, label, parent = actions) => {
    const line = element("div", "vae-encoder__quantity");
    const output = element("output", "", { "data-quantity": name, "data-value": "" });
    line.append(label, output);
    parent.append(line);
    return output;
  };
  const status = element("p", "vae-encoder__status", { "aria-live": "polite" });
  actions.append(status, resample);
  const outputs = {
    mu: quantity("mu", "\u03bc = ", terms),
    sigma: quantity("sigma", "\u03c3 = ", terms),
    z: quantity("sample_z", "z = ", terms),
    reconstruction: quantity("reconstruction", "reconstruction \u2212log p(x | z) = ", terms),
    kl: quantity("kl", "KL(q(z | x) \u2016 p(z)) = ", terms),
    total: quantity("negative_elbo", "sum, \u2212ELBO at this z = ", terms),
  };
  const iwRow = element("div", "vae-encoder__iw");
  const iwButton = element("button", "", { type: "button" });
  iwButton.textContent = "Estimate log p(x)";
  const kLabel = element("label");
  const kSelect = element("select", "", { "aria-label": "K, the number of importance samples" });
  for (const k of IW_CHOICES) {
    const option = element("option", "", { value: String(k) });
    option.textContent = String(k);
    kSelect.append(option);
  }
  kSelect.value = "100";
  kLabel.append("K = ", kSelect);
  iwRow.append(iwButton, kLabel);
  actions.append(iwRow);
  outputs.iw = quantity("log_marginal", "importance-weighted log p(x) \u2248 ");
  const trueRow = element("div", "vae-encoder__true"); // no rule of its own: a plain block
  const trueButton = element("button", "", { type: "button" });
  trueButton.textContent = "Draw the true p(z | x)";
  trueRow.append(trueButton);
  actions.append(trueRow);
  outputs.grid = quantity("log_marginal_grid", "log p(x) by quadrature on the grid = ");
  row.append(padBox, digits, side);
  panel.append(heading, switcher, row, explanation);
  return { panel, radios, pad, clear, pick, seen, atMu, atZ, resample, status, outputs, iwButton, kSelect, trueButton };
}
