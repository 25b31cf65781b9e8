/* The in-page latent explorer: the book's VAE decoder, run in the reader's browser.
 *
 * latent_explorer.py exports the decoder's Dense layers and the held-out digits' latent
 * means into window.latentExplorerData (latent-explorer-data.js). This file decodes a
 * latent point z = (z1, z2) into 28 x 28 pixel probabilities and draws the map, the digit
 * and the sliders. Input events only move z; the decode and the drawing run once per
 * display frame (requestAnimationFrame), however fast the pointer moves.
 *
 * Each explorer element gets a `latentExplorer` property (z, pixels, decode, setLatent,
 * renderAt) that the browser tests and benchmarks/browser_decode.py use.
 */
(function () {
  "use strict";

  var COLOURS = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"];
  var KEY_STEP = 0.1; // latent units per arrow key press; Shift multiplies by 10
  var MARGIN = 28; // CSS pixels around the map's plot area, for the tick labels

  /* -- the model ------------------------------------------------------------------------ */

  function base64Bytes(text) {
    var binary = atob(text);
    var bytes = new Uint8Array(binary.length);
    for (var i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
    return bytes.buffer;
  }

  function view(buffer, entry) {
    var length = entry.shape.reduce(function (a, b) { return a * b; }, 1);
    if (entry.dtype === "float32") return new Float32Array(buffer, entry.offset, length);
    if (entry.dtype === "uint8") return new Uint8Array(buffer, entry.offset, length);
    throw new Error("latent explorer: unknown dtype " + entry.dtype);
  }

  /* A chain of Dense layers, h -> activation(h W + b), then a sigmoid on the last output.
   * Sums run in double precision over the float32 weights; the result is stored as float32. */
  function Decoder(data) {
    var buffer = base64Bytes(data.payload);
    this.layers = data.layers.map(function (layer) {
      return {
        kernel: view(buffer, layer.kernel),
        bias: view(buffer, layer.bias),
        inputs: layer.kernel.shape[0],
        outputs: layer.kernel.shape[1],
        relu: layer.activation === "relu",
        out: new Float64Array(layer.kernel.shape[1]),
      };
    });
    this.means = view(buffer, data.means);
    this.labels = view(buffer, data.labels);
    this.latentDim = this.layers[0].inputs;
    this.size = this.layers[this.layers.length - 1].outputs;
    this.input = new Float64Array(this.latentDim);
  }

  Decoder.prototype.decode = function (z, pixels) {
    var h = this.input;
    for (var d = 0; d < this.latentDim; d++) h[d] = z[d];
    for (var l = 0; l < this.layers.length; l++) {
      var layer = this.layers[l], out = layer.out, kernel = layer.kernel, n = layer.outputs;
      for (var j = 0; j < n; j++) out[j] = layer.bias[j];
      for (var i = 0; i < layer.inputs; i++) {
        var v = h[i];
        if (v === 0) continue; // ReLU zeros: about half the hidden units, skipped for free
        var row = i * n;
        for (j = 0; j < n; j++) out[j] += v * kernel[row + j];
      }
      if (layer.relu) for (j = 0; j < n; j++) if (out[j] < 0) out[j] = 0;
      h = out;
    }
    for (var k = 0; k < this.size; k++) pixels[k] = 1 / (1 + Math.exp(-h[k]));
    return pixels;
  };

  /* The label of the held-out digit whose mean is nearest to z. */
  Decoder.prototype.nearestLabel = function (z) {
    var best = Infinity, label = -1, means = this.means;
    for (var i = 0; i < this.labels.length; i++) {
      var dx = means[2 * i] - z[0], dy = means[2 * i + 1] - z[1], distance = dx * dx + dy * dy;
      if (distance < best) { best = distance; label = this.labels[i]; }
    }
    return label;
  };

  /* -- one explorer ------------------------------------------------------------------------ */

  function Explorer(root, decoder, limit) {
    this.root = root;
    this.decoder = decoder;
    this.limit = limit;
    this.z = [0, 0];
    this.pixels = new Float32Array(decoder.size);
    this.mapCanvas = root.querySelector(".latent-explorer__map");
    this.digitCanvas = root.querySelector(".latent-explorer__digit");
    this.readout = root.querySelector(".latent-explorer__readout");
    this.sliders = Array.prototype.slice.call(root.querySelectorAll("input[type=range]"));
    this.frame = 0;

    var side = Math.round(Math.sqrt(decoder.size));
    this.tile = document.createElement("canvas");
    this.tile.width = this.tile.height = side;
    this.tileContext = this.tile.getContext("2d");
    this.image = this.tileContext.createImageData(side, side);
    this.digitContext = this.digitCanvas.getContext("2d");
    this.mapContext = this.mapCanvas.getContext("2d");
    this.background = document.createElement("canvas");

    var self = this;
    this.sliders.forEach(function (slider) {
      slider.min = String(-limit);
      slider.max = String(limit);
      slider.addEventListener("input", function () {
        self.z[Number(slider.dataset.axis)] = Number(slider.value);
        self.schedule(slider);
      });
    });
    this.bindMap();
    root.querySelector(".latent-explorer__panels").hidden = false;
    this.resize();
    if (window.ResizeObserver) new ResizeObserver(function () { self.resize(); }).observe(this.mapCanvas);
  }

  /* The map's plot area in canvas pixels (the backing store follows the CSS size and devicePixelRatio). */
  Explorer.prototype.plotArea = function () {
    var scale = this.mapCanvas.width / (this.mapCanvas.clientWidth || this.mapCanvas.width);
    var margin = MARGIN * scale;
    return { left: margin, top: margin / 2, size: Math.min(this.mapCanvas.width - 1.5 * margin, this.mapCanvas.height - 1.5 * margin), scale: scale };
  };

  Explorer.prototype.toCanvas = function (z) {
    var area = this.plotArea(), limit = this.limit;
    return [area.left + (z[0] + limit) / (2 * limit) * area.size, area.top + (limit - z[1]) / (2 * limit) * area.size];
  };

  Explorer.prototype.fromEvent = function (event) {
    var rect = this.mapCanvas.getBoundingClientRect(), area = this.plotArea(), limit = this.limit;
    var x = (event.clientX - rect.left) / rect.width * this.mapCanvas.width;
    var y = (event.clientY - rect.top) / rect.height * this.mapCanvas.height;
    return [(x - area.left) / area.size * 2 * limit - limit, limit - (y - area.top) / area.size * 2 * limit];
  };

  Explorer.prototype.moveTo = function (z1, z2, source) {
    var limit = this.limit;
    this.z[0] = Math.max(-limit, Math.min(limit, z1));
    this.z[1] = Math.max(-limit, Math.min(limit, z2));
    this.schedule(source);
  };

  Explorer.prototype.bindMap = function () {
    var self = this, canvas = this.mapCanvas;
    function follow(event) {
      var z = self.fromEvent(event);
      self.moveTo(z[0], z[1], canvas);
    }
    canvas.addEventListener("pointerdown", function (event) {
      if (event.button !== 0) return;
      canvas.setPointerCapture(event.pointerId);
      canvas.focus({ preventScroll: true, focusVisible: false }); // keys work after a click; no focus ring
      follow(event);
      event.preventDefault();
    });
    canvas.addEventListener("pointermove", function (event) {
      if (canvas.hasPointerCapture(event.pointerId)) follow(event);
    });
    canvas.addEventListener("keydown", function (event) {
      var step = event.shiftKey ? 10 * KEY_STEP : KEY_STEP;
      var moves = { ArrowLeft: [-step, 0], ArrowRight: [step, 0], ArrowUp: [0, step], ArrowDown: [0, -step] };
      var move = moves[event.key];
      if (!move) return;
      event.preventDefault(); // the arrows move the point, not the page
      self.moveTo(self.z[0] + move[0], self.z[1] + move[1], canvas);
    });
  };

  /* Draw later, once per display frame; `source` (a slider being dragged) is left alone. */
  Explorer.prototype.schedule = function (source) {
    var self = this;
    this.source = source;
    if (this.frame) return;
    this.frame = requestAnimationFrame(function () {
      self.frame = 0;
      self.render();
    });
  };

  /* Decode z and draw everything now. */
  Explorer.prototype.render = function () {
    var z = this.z, pixels = this.decoder.decode(z, this.pixels), data = this.image.data;
    for (var k = 0; k < pixels.length; k++) {
      var grey = Math.round(255 * (1 - pixels[k])); // dark ink on white, like the notebooks
      data[4 * k] = data[4 * k + 1] = data[4 * k + 2] = grey;
      data[4 * k + 3] = 255;
    }
    this.tileContext.putImageData(this.image, 0, 0);
    this.digitContext.imageSmoothingEnabled = false;
    this.digitContext.drawImage(this.tile, 0, 0, this.digitCanvas.width, this.digitCanvas.height);
    this.drawMap();
    var source = this.source;
    this.sliders.forEach(function (slider) {
      if (slider !== source) slider.value = String(z[Number(slider.dataset.axis)]);
    });
    this.source = null;
    var text = "z = (" + signed(z[0]) + ", " + signed(z[1]) + ")\nnearest held-out digit: " + this.decoder.nearestLabel(z);
    if (this.readout.textContent !== text) this.readout.textContent = text;
  };

  function signed(value) {
    return (value < 0 ? "\u2212" : "+") + Math.abs(value).toFixed(2);
  }

  Explorer.prototype.resize = function () {
    var ratio = window.devicePixelRatio || 1, css = this.mapCanvas.clientWidth || 400;
    var size = Math.round(css * ratio);
    if (this.mapCanvas.width !== size || !this.backgroundDrawn) {
      this.mapCanvas.width = this.mapCanvas.height = size;
      this.drawBackground();
      this.backgroundDrawn = true;
    }
    this.render();
  };

  /* The held-out means, the grid and the tick labels: drawn once, copied every frame. */
  Explorer.prototype.drawBackground = function () {
    var canvas = this.background, area = this.plotArea(), limit = this.limit, self = this;
    canvas.width = this.mapCanvas.width;
    canvas.height = this.mapCanvas.height;
    var context = canvas.getContext("2d");
    context.fillStyle = "#ffffff";
    context.fillRect(0, 0, canvas.width, canvas.height);
    context.font = Math.round(11 * area.scale) + "px sans-serif";
    context.fillStyle = "#444444";
    context.lineWidth = area.scale;
    for (var tick = -Math.floor(limit); tick <= limit; tick++) {
      var x = this.toCanvas([tick, 0])[0], y = this.toCanvas([0, tick])[1];
      context.strokeStyle = tick === 0 ? "#b0b0b0" : "#ececec";
      context.beginPath();
      context.moveTo(x, area.top); context.lineTo(x, area.top + area.size);
      context.moveTo(area.left, y); context.lineTo(area.left + area.size, y);
      context.stroke();
      if (tick % 2 === 0) {
        context.textAlign = "center"; context.textBaseline = "top";
        context.fillText(String(tick), x, area.top + area.size + 3 * area.scale);
        context.textAlign = "right"; context.textBaseline = "middle";
        context.fillText(String(tick), area.left - 4 * area.scale, y);
      }
    }
    context.strokeStyle = "#888888";
    context.strokeRect(area.left, area.top, area.size, area.size);
    var means = this.decoder.means, labels = this.decoder.labels, radius = 2.2 * area.scale;
    context.globalAlpha = 0.75;
    for (var i = 0; i < labels.length; i++) {
      var point = self.toCanvas([means[2 * i], means[2 * i + 1]]);
      context.fillStyle = COLOURS[labels[i] % COLOURS.length];
      context.beginPath();
      context.arc(point[0], point[1], radius, 0, 2 * Math.PI);
      context.fill();
    }
    context.globalAlpha = 1;
  };

  Explorer.prototype.drawMap = function () {
    var context = this.mapContext, scale = this.plotArea().scale, point = this.toCanvas(this.z);
    context.drawImage(this.background, 0, 0);
    context.lineWidth = 4.5 * scale;
    context.strokeStyle = "#ffffff";
    context.beginPath();
    context.arc(point[0], point[1], 7 * scale, 0, 2 * Math.PI);
    context.stroke();
    context.lineWidth = 2 * scale;
    context.strokeStyle = "#000000";
    context.stroke();
  };

  /* What tests and benchmarks call. */
  Explorer.prototype.api = function () {
    var self = this;
    return {
      get z() { return self.z.slice(); },
      get pixels() { return self.pixels; },
      limit: self.limit,
      decode: function (z1, z2) { return self.decoder.decode([z1, z2], new Float32Array(self.decoder.size)); },
      setLatent: function (z1, z2) { self.moveTo(z1, z2, null); },
      renderAt: function (z1, z2) { self.z[0] = z1; self.z[1] = z2; self.render(); return self.pixels; },
      toCanvas: function (z1, z2) { return self.toCanvas([z1, z2]); },
    };
  };

  /* -- start ------------------------------------------------------------------------------- */

  function start() {
    var roots = document.querySelectorAll(".latent-explorer");
    if (!roots.length) return;
    var data = window.latentExplorerData, decoder;
    try {
      if (!data) throw new Error("latent-explorer-data.js did not load");
      decoder = new Decoder(data);
    } catch (error) {
      roots.forEach(function (root) {
        root.dataset.state = "error";
        root.querySelector(".latent-explorer__status").textContent = "The explorer could not start: " + error.message;
      });
      throw error;
    }
    roots.forEach(function (root) {
      var explorer = new Explorer(root, decoder, data.limit);
      root.latentExplorer = explorer.api();
      root.querySelector(".latent-explorer__status").hidden = true;
      root.dataset.state = "ready";
    });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
