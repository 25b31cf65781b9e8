// Chapter 8's conditional explorer: choose the digit (ten buttons, or keys 0-9), drag the style
// point on the map of codes (or move it with the arrow keys), and the decoder, run here, redraws
// the digit on every move. Below, chapter 6's drawing pad (pad.js): draw the chosen digit, the
// encoder reads your style, and the ten digits redraw in your handwriting as you draw.
//
// The conditional decoder reads [z, one_hot(digit)], the encoder [x, one_hot(digit)]: the one-hot
// vector is joined to each chain's input (ConditionalExplorer in conditional.py sends the chains).
//
// The map, its marks and every text take the theme's colours (panel.css's custom properties, read
// by plot.js's `themed`), light or dark, and follow a switch without a reload; the digits stay dark
// ink on white paper, as MNIST's images and the notebooks' figures show them, framed in the theme's colours.

import "./panel.css";
import "./conditional.css";
import { copyBytes, DenseChain, hasWeights } from "./dense.js";
import { DrawingPad, PAD } from "./pad.js";
import { blank, cross, DIGIT, digitPainter, element, labelLegend, signed, themed } from "./plot.js";
import { setTrait } from "./send.js";

const N_LABELS = 10;
const LATENT = 2;
const DIGIT_SCALE = 6; // screen pixels per digit pixel: the decoded digit
const SMALL_SCALE = 3; // the ten digits in your handwriting
const MAP_SIDE = 300; // the map's canvas, in CSS pixels (it shrinks with the page)
const KEY_STEPS = 40; // an arrow key moves the point by 1/40 of the map's half-width

function build(el, colours) {
  // In JupyterLab, 0-9 in a notebook's command mode are shortcuts (3 makes the cell a heading): the handler
  // below prevents their default, and data-lm-suppress-shortcuts keeps them from JupyterLab's shortcuts
  // even where those see a key before the widget does.
  const root = element("div", "vae-panel vae-cvae", {
    tabindex: "0", "data-lm-suppress-shortcuts": "true",
    "aria-label": "Conditional VAE: choose a digit with the keys 0 to 9, move the style point with the arrow keys",
  });
  const heading = element("p", "vae-cvae__heading");
  heading.innerHTML = "<b>Choose the digit</b> (buttons or keys 0\u20139) and <b>drag the style point</b> on the map (or use the arrow keys): " +
    "the decoder draws that digit in that style.";
  const buttons = element("div", "vae-cvae__digits", { role: "group", "aria-label": "The digit to draw" });
  const digitButtons = [];
  for (let d = 0; d < N_LABELS; d++) {
    const button = element("button", "", { type: "button", "data-trait": "digit", "data-value": String(d), "aria-pressed": "false" });
    button.textContent = String(d);
    buttons.append(button);
    digitButtons.push(button);
  }
  const top = element("div", "vae-cvae__top");
  const mapFigure = element("figure", "vae-cvae__map-figure");
  const map = element("canvas", "vae-cvae__map", { role: "img", "aria-label": "Map of style codes, coloured by label, with the style point" });
  mapFigure.append(map);
  const legend = labelLegend(mapFigure, colours, "Colours of the digits on the map");
  const decoded = element("figure", "vae-cvae__decoded");
  const digitCanvas = element("canvas", "", { role: "img", "aria-label": "The digit the decoder draws" });
  digitCanvas.width = digitCanvas.height = DIGIT * DIGIT_SCALE;
  const caption = element("figcaption");
  const zOutput = element("output", "", { "data-quantity": "z", "data-value": "" });
  caption.append("z = ", zOutput);
  decoded.append(digitCanvas, caption);
  top.append(mapFigure, decoded);

  const writing = element("section", "vae-cvae__writing", { "aria-label": "Write with your own hand" });
  const writeHeading = element("p", "vae-cvae__heading");
  const padBox = element("div", "vae-cvae__pad-box");
  const pad = element("canvas", "vae-cvae__pad", { role: "img", "aria-label": "Drawing pad: draw the chosen digit here with the mouse, a finger or a pen" });
  pad.width = pad.height = PAD;
  const clear = element("button", "", { type: "button" });
  clear.textContent = "Clear";
  padBox.append(pad, clear);
  const yours = element("div", "vae-cvae__yours");
  const small = [];
  for (let d = 0; d < N_LABELS; d++) {
    const figure = element("figure", "vae-cvae__small");
    const canvas = element("canvas", "", { role: "img", "aria-label": `Your handwriting as a ${d}` });
    canvas.width = canvas.height = DIGIT * SMALL_SCALE;
    const caption = element("figcaption", "", { "aria-hidden": "true" });
    caption.textContent = String(d);
    figure.append(canvas, caption);
    yours.append(figure);
    small.push(canvas);
  }
  const styleOutput = element("output", "", { "data-quantity": "style", "data-value": "" });
  const status = element("p", "vae-cvae__status", { "aria-live": "polite" });
  const side = element("div", "vae-cvae__side");
  side.append(yours, status);
  const row = element("div", "vae-cvae__row");
  row.append(padBox, side);
  writing.append(writeHeading, row);
  root.append(heading, buttons, top, writing);
  el.append(root);
  return { root, digitButtons, map, legend, digitCanvas, zOutput, writeHeading, pad, clear, small, styleOutput, status };
}

function render({ model, el }) {
  const colours = model.get("label_colours");
  const view = build(el, colours);
  const decoder = new DenseChain(model.get("decoder_layers"));
  // The pad's encoder: here at once in JupyterLab; on a static page its weights are asked of the host
  // at the pad's first ink (book/_ext/site_assets.py defers them: half the widget's bytes), and what is
  // drawn meanwhile is read when they arrive.
  let encoder = hasWeights(model.get("encoder_layers")) ? new DenseChain(model.get("encoder_layers")) : null;
  let encoderAsked = false;
  const paint = digitPainter();
  const decoderInput = new Float64Array(LATENT + N_LABELS);
  const encoderInput = new Float64Array(DIGIT * DIGIT + N_LABELS);
  const pixels = new Float32Array(DIGIT * DIGIT);
  const quantised = new Uint16Array(copyBytes(model.get("codes")));
  const codeLabels = new Uint8Array(copyBytes(model.get("code_labels")));
  const limit = model.get("limit");
  let z = model.get("z").slice();
  let digit = model.get("digit");
  let style = null; // the mean of q(z | x, digit) for the pad's drawing, or null for an empty pad
  let handwriting = []; // the pad's style drawn as 0-9

  /** Pixel probabilities of `label` drawn in style `point`, written into `out`. */
  function decodeDigit(point, label, out) {
    decoderInput.fill(0);
    decoderInput[0] = point[0];
    decoderInput[1] = point[1];
    decoderInput[LATENT + label] = 1;
    return decoder.decode(decoderInput, out);
  }

  // The map: codes as dots, drawn once into an offscreen canvas; the point on top, on every move.
  const scale = window.devicePixelRatio || 1;
  view.map.width = view.map.height = Math.round(MAP_SIDE * scale);
  const side = view.map.width;
  const toCanvas = ([a, b]) => [((a + limit) / (2 * limit)) * side, ((limit - b) / (2 * limit)) * side];
  const dots = element("canvas");
  dots.width = dots.height = side;
  const dotContext = dots.getContext("2d");
  /** The codes as dots, the chosen digit's stronger than the others'. */
  function drawDots() {
    dotContext.globalAlpha = 1;
    dotContext.fillStyle = look.colors.background;
    dotContext.fillRect(0, 0, side, side);
    for (let k = 0; k < codeLabels.length; k++) {
      const [x, y] = toCanvas([(quantised[2 * k] / 65535) * 2 * limit - limit, (quantised[2 * k + 1] / 65535) * 2 * limit - limit]);
      dotContext.fillStyle = colours[codeLabels[k] % colours.length];
      dotContext.globalAlpha = codeLabels[k] === digit ? 1 : 0.25; // the chosen digit opaque: its colour keeps 3:1 (palette.py)
      dotContext.fillRect(x - scale, y - scale, 2 * scale, 2 * scale);
    }
    dotContext.globalAlpha = 1;
  }

  function drawMap() {
    const context = view.map.getContext("2d");
    context.drawImage(dots, 0, 0);
    const [x, y] = toCanvas(z);
    context.beginPath();
    context.arc(x, y, 7 * scale, 0, 2 * Math.PI);
    context.lineWidth = 3 * scale;
    context.strokeStyle = look.colors.ink;
    context.stroke();
    // The style in the theme's ink with a halo: no digit's label colour (vae_helpers/palette.py).
    if (style) cross(context, toCanvas(style), 6 * scale, look.colors.ink, 2 * scale, look.colors.background);
  }

  function drawDigit() {
    paint(decodeDigit(z, digit, pixels), view.digitCanvas);
    view.zOutput.textContent = `(${signed(z[0])}, ${signed(z[1])})`;
    view.zOutput.dataset.value = JSON.stringify(z);
    view.digitButtons.forEach((button, d) => {
      button.setAttribute("aria-pressed", String(d === digit));
      button.dataset.value = String(d);
    });
    view.legend.show(digit);
    view.writeHeading.innerHTML = `<b>Write with your own hand</b>: draw a <b>${digit}</b> in the box; the encoder reads your style ` +
      "(the cross on the map) and draws it as all ten digits.";
  }

  /** Encode the pad's drawing as `digit`, and draw its style as all ten digits. */
  function drawHandwriting() {
    const x = drawingPad.prepared();
    if (x === null) {
      style = null;
      view.small.forEach(blank);
      view.styleOutput.dataset.value = "";
      view.status.textContent = "The pad is empty: draw a digit in it to see your handwriting as all ten.";
      return;
    }
    if (encoder === null) {
      askForEncoder();
      return;
    }
    encoderInput.fill(0);
    encoderInput.set(x);
    encoderInput[encoderInput.length - N_LABELS + digit] = 1;
    const out = encoder.forward(encoderInput);
    style = [out[0], out[1]];
    const drawn = [];
    for (let d = 0; d < N_LABELS; d++) {
      const image = decodeDigit(style, d, new Float32Array(DIGIT * DIGIT));
      paint(image, view.small[d]);
      drawn.push(image);
    }
    view.styleOutput.dataset.value = JSON.stringify(style);
    view.status.textContent = `Your ${digit}'s style: (${signed(style[0])}, ${signed(style[1])}), drawn as 0 to 9.`;
    handwriting = drawn;
  }

  /** Ask the host once for the encoder's weights; the pad's drawing is read when they arrive. */
  function askForEncoder() {
    view.status.textContent = "Loading the encoder that reads your style\u2026";
    if (encoderAsked) return;
    if (!model.request) {
      view.status.textContent = "This page has no encoder weights: the pad cannot be read.";
      return;
    }
    encoderAsked = true;
    view.root.setAttribute("aria-busy", "true");
    model.request("encoder_layers").then(
      () => {
        encoder = new DenseChain(model.get("encoder_layers"));
        view.root.removeAttribute("aria-busy");
        drawHandwriting();
        drawMap();
      },
      (error) => {
        encoderAsked = false;
        view.root.removeAttribute("aria-busy");
        view.status.textContent = `The encoder could not load (${error.message}): draw again to try again.`;
      },
    );
  }

  function redraw() {
    drawDigit();
    drawMap();
  }

  function setDigit(d) {
    if (d === digit) return;
    digit = d;
    // The chosen digit's codes stand out on the map, and the drawing is read again as this digit.
    drawDots();
    drawHandwriting();
    redraw();
    setTrait(model, "digit", digit);
  }

  function moveTo(point) {
    z = point.map((v) => Math.max(-limit, Math.min(limit, v)));
    redraw();
    setTrait(model, "z", z);
  }

  const drawingPad = new DrawingPad(view.pad, { onInk: () => { drawHandwriting(); drawMap(); } });
  view.clear.addEventListener("click", () => {
    drawingPad.clear();
    drawHandwriting();
    drawMap();
  });
  view.digitButtons.forEach((button, d) => button.addEventListener("click", () => setDigit(d)));

  // The map: press anywhere (mouse, pen, touch) and drag; the point follows.
  let dragging = null, rect = null;
  const fromEvent = (event) => [
    ((event.clientX - rect.left) / rect.width) * 2 * limit - limit,
    limit - ((event.clientY - rect.top) / rect.height) * 2 * limit,
  ];
  view.map.addEventListener("pointerdown", (event) => {
    if (event.pointerType === "mouse" && event.button !== 0) return;
    rect = view.map.getBoundingClientRect();
    dragging = event.pointerId;
    view.map.setPointerCapture(event.pointerId);
    moveTo(fromEvent(event));
    event.preventDefault();
  });
  view.map.addEventListener("pointermove", (event) => {
    if (dragging === event.pointerId) moveTo(fromEvent(event));
  });
  for (const type of ["pointerup", "pointercancel"]) {
    view.map.addEventListener(type, (event) => {
      if (dragging === event.pointerId) dragging = null;
    });
  }
  const arrows = { ArrowLeft: [-1, 0], ArrowRight: [1, 0], ArrowUp: [0, 1], ArrowDown: [0, -1] };
  view.root.addEventListener("keydown", (event) => {
    if (event.target.tagName === "BUTTON" && (event.key === "Enter" || event.key === " ")) return;
    if (/^[0-9]$/.test(event.key)) {
      setDigit(Number(event.key));
      event.preventDefault();
    } else if (event.key in arrows) {
      const [dx, dy] = arrows[event.key], step = limit / KEY_STEPS;
      moveTo([z[0] + dx * step, z[1] + dy * step]);
      event.preventDefault();
    }
  });

  const onZ = () => {
    z = model.get("z").slice();
    redraw();
  };
  const onDigit = () => setDigit(model.get("digit"));
  model.on("change:z", onZ);
  model.on("change:digit", onDigit);
  // The theme's colours, read again (and the map redrawn) when the theme changes.
  const look = themed(view.root, () => {
    drawDots();
    drawMap();
  });
  drawDots();
  drawHandwriting();
  redraw();
  // What the tests call: decode and encode as the page does, and read what it shows.
  view.root.conditionalExplorer = {
    decode: (point, label) => Array.from(decodeDigit(point, label, new Float32Array(DIGIT * DIGIT))),
    get pixels() { return Array.from(pixels); },
    get z() { return z.slice(); },
    get digit() { return digit; },
    get style() { return style && style.slice(); },
    get handwriting() { return handwriting.map((image) => Array.from(image)); },
    get x() { const x = drawingPad.prepared(); return x && Array.from(x); },
    stroke: (points) => drawingPad.stroke(points),
    padSide: PAD,
  };
  el.dataset.state = "ready";
  return () => {
    model.off("change:z", onZ);
    model.off("change:digit", onDigit);
    look.stop();
  };
}

export default { render };
