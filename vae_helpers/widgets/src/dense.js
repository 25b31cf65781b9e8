// A chain of Dense layers in the page: the JavaScript twin of vae_helpers.numpy_decoder.NumpyDecoder.
// Python sends each layer as {activation, inputs, outputs, kernel, bias, dtype}: little-endian
// buffers of `dtype` ("float32", or "float16" for the models the explorer switches to), the
// kernel row-major (inputs, outputs).

import { sigmoid } from "./maths.js";

/** A fresh ArrayBuffer: a widget message's buffer may start at an offset not divisible by 4. */
export function copyBytes(view) {
  return view.buffer.slice(view.byteOffset, view.byteOffset + view.byteLength);
}

/** IEEE 754 half-precision bits to a number (the browsers' Float16Array is too recent to rely on). */
function halfToFloat(bits) {
  const exponent = (bits >> 10) & 0x1f, fraction = bits & 0x3ff, sign = bits & 0x8000 ? -1 : 1;
  if (exponent === 0) return sign * fraction * 2 ** -24;
  if (exponent === 31) return fraction ? NaN : sign * Infinity;
  return sign * (1 + fraction / 1024) * 2 ** (exponent - 15);
}

/** A weights buffer as float32, whatever the dtype it travelled in. */
function readWeights(view, dtype) {
  if (dtype !== "float16") return new Float32Array(copyBytes(view));
  const halves = new Uint16Array(copyBytes(view)), out = new Float32Array(halves.length);
  for (let k = 0; k < halves.length; k++) out[k] = halfToFloat(halves[k]);
  return out;
}

/** Whether every layer of `layers` holds its weights. On a static page, weights the reader may never
 * use (the pad's encoder, the models of the switch) arrive when asked for: until then their buffers
 * are null (book/_ext/static/widgets-offline.js, `model.request`). In JupyterLab they are all there. */
export function hasWeights(layers) {
  return layers.every((layer) => Boolean(layer.kernel && layer.bias));
}

const ACTIVATIONS = { linear: (x) => x, relu: (x) => (x > 0 ? x : 0), sigmoid, tanh: Math.tanh };

/** h -> f(h W + b) layer by layer; `decode` adds the decoder's sigmoid. Sums run in double
 * precision over the float32 weights. `forward` alone runs the encoder (its last layer gives
 * [mu, log_var]). */
export class DenseChain {
  constructor(layers) {
    this.layers = layers.map((layer) => ({
      kernel: readWeights(layer.kernel, layer.dtype),
      bias: readWeights(layer.bias, layer.dtype),
      inputs: layer.inputs,
      outputs: layer.outputs,
      activation: ACTIVATIONS[layer.activation],
      out: new Float64Array(layer.outputs),
    }));
    this.inputSize = this.layers[0].inputs;
    this.size = this.layers[this.layers.length - 1].outputs;
    this.input = new Float64Array(this.inputSize);
  }

  /** The last layer's outputs (the logits) for the input `x`; a buffer the next call overwrites. */
  forward(x) {
    let h = this.input;
    for (let d = 0; d < this.inputSize; d++) h[d] = x[d];
    for (const layer of this.layers) {
      const { out, kernel, bias, outputs: n } = layer;
      for (let j = 0; j < n; j++) out[j] = bias[j];
      for (let i = 0; i < layer.inputs; i++) {
        const v = h[i];
        if (v === 0) continue; // ReLU zeros: about half the hidden units, skipped for free
        const row = i * n;
        for (let j = 0; j < n; j++) out[j] += v * kernel[row + j];
      }
      for (let j = 0; j < n; j++) out[j] = layer.activation(out[j]);
      h = out;
    }
    return h;
  }

  /** Pixel probabilities at `z`, written into `pixels`. */
  decode(z, pixels) {
    const h = this.forward(z);
    for (let k = 0; k < this.size; k++) pixels[k] = sigmoid(h[k]);
    return pixels;
  }
}
