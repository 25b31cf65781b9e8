// The drawing pad, shared by chapter 6's encoder (encoder.js) and chapter 8's conditional
// explorer (conditional.js): strokes of a mouse, a finger or a pen inked on a canvas, the ink
// read back, and prepared as a 28 x 28 digit.
//
// The drawing is prepared the way MNIST's digits were (LeCun et al.): its bounding box is
// scaled into a 20 x 20 box keeping its aspect ratio, each pixel the mean of the ink it
// covers (anti-aliasing), and the result is placed in the 28 x 28 frame with its centre of
// mass in the middle.

import { DIGIT } from "./plot.js";

export const PAD = 112; // the pad's ink: 4 x 4 samples per MNIST pixel
const PAD_STROKE = 9; // pad pixels: about 2 MNIST pixels when the digit fills 3/4 of the pad's height
const BOX = 20; // MNIST: the bounding box is scaled into 20 x 20 ...
const CENTRE = DIGIT / 2; // ... and the centre of mass put at the middle of the 28 x 28 frame

/** For each of `n` cells covering source pixels [start, start + length), the first source pixel
 * and the weight of each source pixel in the cell's mean (its overlap with the cell). */
function boxWeights(start, length, n) {
  const width = length / n, end = start + length, cells = [];
  for (let k = 0; k < n; k++) {
    // `to` is clipped at the end: k * width can overshoot it by a rounding error, and a weight for
    // the pixel past the ink's box would read outside the ink (NaN, which blanked the whole digit).
    const from = start + k * width, to = Math.min(end, from + width), first = Math.floor(from), weights = [];
    for (let p = first; p < to; p++) weights.push((Math.min(to, p + 1) - Math.max(from, p)) / width);
    cells.push({ first, weights });
  }
  return cells;
}

/** The pad's ink (side x side, values in [0, 1]) prepared as MNIST's digits were: 784 intensities,
 * or null for an empty pad. */
export function prepareDigit(ink, side) {
  let top = side, bottom = -1, left = side, right = -1;
  for (let r = 0; r < side; r++) {
    for (let c = 0; c < side; c++) {
      if (ink[r * side + c] > 0) {
        if (r < top) top = r;
        if (r > bottom) bottom = r;
        if (c < left) left = c;
        if (c > right) right = c;
      }
    }
  }
  if (bottom < 0) return null;
  const height = bottom - top + 1, width = right - left + 1, scale = BOX / Math.max(height, width);
  const rows = Math.max(1, Math.round(height * scale)), cols = Math.max(1, Math.round(width * scale));
  const rowCells = boxWeights(top, height, rows), colCells = boxWeights(left, width, cols);
  // Columns first (each ink row to `cols` means), then rows: the box filter is separable.
  const narrow = new Float64Array(height * cols);
  for (let r = 0; r < height; r++) {
    colCells.forEach(({ first, weights }, j) => {
      let sum = 0;
      for (let q = 0; q < weights.length; q++) sum += weights[q] * ink[(top + r) * side + first + q];
      narrow[r * cols + j] = sum;
    });
  }
  const small = new Float64Array(rows * cols);
  let mass = 0, rowMoment = 0, colMoment = 0;
  rowCells.forEach(({ first, weights }, i) => {
    for (let j = 0; j < cols; j++) {
      let sum = 0;
      for (let p = 0; p < weights.length; p++) sum += weights[p] * narrow[(first - top + p) * cols + j];
      small[i * cols + j] = sum;
      mass += sum;
      rowMoment += sum * (i + 0.5);
      colMoment += sum * (j + 0.5);
    }
  });
  // Shift by whole pixels so that the centre of mass lands nearest the frame's middle, the box inside the frame.
  const rowShift = Math.min(DIGIT - rows, Math.max(0, Math.round(CENTRE - rowMoment / mass)));
  const colShift = Math.min(DIGIT - cols, Math.max(0, Math.round(CENTRE - colMoment / mass)));
  const x = new Float32Array(DIGIT * DIGIT);
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < cols; j++) x[(i + rowShift) * DIGIT + j + colShift] = Math.min(1, small[i * cols + j]);
  }
  return x;
}

/** Strokes on `canvas` (PAD x PAD) by mouse, touch or pen; `onStart()` before a stroke begins,
 * `onInk()` after each stroke event has been inked and read back into `ink`. */
export class DrawingPad {
  constructor(canvas, { onStart = () => {}, onInk = () => {} } = {}) {
    this.canvas = canvas;
    this.context = canvas.getContext("2d", { willReadFrequently: true });
    this.ink = new Float32Array(PAD * PAD);
    this.onStart = onStart;
    this.onInk = onInk;
    this.drawing = null;
    this.listen();
  }

  listen() {
    const pad = this.canvas;
    let rect = null; // the pad's box, measured once per stroke: no layout read on every move
    const at = (event) => [((event.clientX - rect.left) / rect.width) * PAD, ((event.clientY - rect.top) / rect.height) * PAD];
    pad.addEventListener("pointerdown", (event) => {
      if (event.pointerType === "mouse" && event.button !== 0) return;
      rect = pad.getBoundingClientRect();
      this.drawing = event.pointerId;
      pad.setPointerCapture(event.pointerId);
      this.onStart();
      this.last = at(event);
      this.stroke([this.last, this.last]);
      event.preventDefault();
    });
    pad.addEventListener("pointermove", (event) => {
      if (this.drawing !== event.pointerId) return;
      // Every pointer position since the last event (coalesced: a fast pen or finger gives several).
      const points = [this.last, ...(event.getCoalescedEvents ? event.getCoalescedEvents() : [event]).map(at)];
      if (points.length === 1) points.push(at(event));
      this.last = points[points.length - 1];
      this.stroke(points);
    });
    for (const type of ["pointerup", "pointercancel"]) {
      pad.addEventListener(type, (event) => {
        if (this.drawing === event.pointerId) this.drawing = null;
      });
    }
  }

  clear() {
    this.context.clearRect(0, 0, PAD, PAD);
    this.ink.fill(0);
  }

  /** Draw a polyline of pad points and read the ink back. */
  stroke(points) {
    const context = this.context;
    context.lineCap = context.lineJoin = "round";
    context.lineWidth = PAD_STROKE;
    context.strokeStyle = "#000000";
    context.beginPath();
    context.moveTo(points[0][0], points[0][1]);
    for (const [x, y] of points.slice(1)) context.lineTo(x, y);
    context.stroke();
    // Read back only the rectangle the stroke can have touched.
    const reach = PAD_STROKE / 2 + 2, xs = points.map((p) => p[0]), ys = points.map((p) => p[1]);
    const left = Math.max(0, Math.floor(Math.min(...xs) - reach)), right = Math.min(PAD, Math.ceil(Math.max(...xs) + reach));
    const top = Math.max(0, Math.floor(Math.min(...ys) - reach)), bottom = Math.min(PAD, Math.ceil(Math.max(...ys) + reach));
    if (right > left && bottom > top) {
      const width = right - left, alpha = context.getImageData(left, top, width, bottom - top).data;
      for (let r = top; r < bottom; r++) {
        for (let c = left; c < right; c++) this.ink[r * PAD + c] = alpha[4 * ((r - top) * width + c - left) + 3] / 255;
      }
    }
    this.onInk();
  }

  /** The ink as a prepared digit, 784 intensities, or null for an empty pad. */
  prepared() {
    return prepareDigit(this.ink, PAD);
  }
}
