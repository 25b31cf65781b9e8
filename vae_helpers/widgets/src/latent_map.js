// The latent explorer's map (explorer.js): its geometry (latent units <-> canvas pixels) and its
// drawing, in the page theme's colours (theme.css, read by plot.js's `themed`): the held-out means
// coloured by label, the grid and ticks, the interpolation's dashed path with its ends A and B,
// the ring at the point z, and the overlays added to the explorer (the drawing pad's q(z | x)).

import { element } from "./plot.js";

const MARGIN = 28; // CSS pixels left of and below the plot area, for the tick labels
export const RING = 7; // the ring's radius, CSS pixels
const MARKER = 7; // the radius of A's and B's labels, CSS pixels
// A's and B's labels sit beside their means, this far from them (CSS pixels): outside the ring
// (its radius and half its halo) when the point is at either end, so they never cover it.
const MARKER_OFFSET = RING + 3 + MARKER + 2;

export class LatentMap {
  /** The map on `canvas`, drawn in `look`'s colours (plot.js's `themed`). */
  constructor(canvas, look) {
    this.canvas = canvas;
    this.look = look;
    this.background = element("canvas"); // the map without the ring and overlays: drawn once, copied every frame
    this.area = null;
    this.drawn = false;
  }

  /** The model shown: its map's half side `limit`, held-out `means` (x, y pairs) and `labels`, `colours` per label. */
  show({ limit, means, labels, colours }) {
    Object.assign(this, { limit, means, labels, colours });
    this.area = null;
  }

  // -- geometry: the plot area in canvas pixels (the backing store follows CSS size and devicePixelRatio)
  // Kept until the next resize: reading clientWidth in an input handler, after the page's text
  // changed, would force the browser to lay the whole page out again there and then.
  plotArea() {
    const canvas = this.canvas;
    if (this.area && this.area.width === canvas.width) return this.area;
    const scale = canvas.width / (canvas.clientWidth || canvas.width);
    const margin = MARGIN * scale;
    const size = Math.min(canvas.width - 1.5 * margin, canvas.height - 1.5 * margin);
    this.area = { left: margin, top: margin / 2, size, scale, width: canvas.width };
    return this.area;
  }

  toCanvas(z) {
    const area = this.plotArea(), limit = this.limit;
    return [area.left + ((z[0] + limit) / (2 * limit)) * area.size, area.top + ((limit - z[1]) / (2 * limit)) * area.size];
  }

  fromClient(clientX, clientY) {
    const canvas = this.canvas, rect = canvas.getBoundingClientRect(), area = this.plotArea(), limit = this.limit;
    const x = ((clientX - rect.left) / rect.width) * canvas.width;
    const y = ((clientY - rect.top) / rect.height) * canvas.height;
    return [((x - area.left) / area.size) * 2 * limit - limit, limit - ((y - area.top) / area.size) * 2 * limit];
  }

  /** Distance in CSS pixels from a client point to latent point `z` on the map. */
  distance(clientX, clientY, z) {
    const canvas = this.canvas, rect = canvas.getBoundingClientRect();
    const [x, y] = this.toCanvas(z);
    const ratio = rect.width / canvas.width;
    return Math.hypot(rect.left + x * ratio - clientX, rect.top + y * ratio - clientY);
  }

  /** What overlays draw with: canvas pixels per CSS pixel, per latent unit, the plot area, the map, the colours. */
  geometry() {
    const area = this.plotArea();
    return { scale: area.scale, perUnit: area.size / (2 * this.limit), area, toCanvas: (z) => this.toCanvas(z), colors: this.look.colors };
  }

  /** Size the backing store to the canvas's CSS width (sharp on dense screens); true if it changed. */
  fit() {
    const canvas = this.canvas, ratio = window.devicePixelRatio || 1;
    const size = Math.round((canvas.clientWidth || 400) * ratio);
    if (canvas.width === size && this.drawn) return false;
    canvas.width = canvas.height = size;
    this.area = null;
    return true;
  }

  /** A's and B's labels beside their means `ends` (latent points), in canvas pixels:
   * [{ label, x, y, radius, at: [x, y] of the mean }], each pushed away from the other end. */
  markers(ends) {
    const area = this.plotArea(), [a, b] = ends.map((mu) => this.toCanvas(mu));
    return [a, b].map((at, k) => {
      const other = k ? a : b;
      let [dx, dy] = [at[0] - other[0], at[1] - other[1]];
      const length = Math.hypot(dx, dy);
      [dx, dy] = length > 1e-9 ? [dx / length, dy / length] : [0, k ? 1 : -1]; // the same point: A above, B below
      const offset = MARKER_OFFSET * area.scale, radius = MARKER * area.scale;
      const clamp = (value, low, high) => Math.max(low + radius, Math.min(high - radius, value));
      const x = clamp(at[0] + dx * offset, 0, this.canvas.width);
      const y = clamp(at[1] + dy * offset, 0, this.canvas.height);
      return { label: k ? "B" : "A", x, y, radius, at };
    });
  }

  /** The held-out means, grid, ticks and the interpolation path between `ends`, into the background. */
  drawBackground(ends) {
    const canvas = this.background, area = this.plotArea(), limit = this.limit, { ink, muted, grid, background } = this.look.colors;
    canvas.width = this.canvas.width;
    canvas.height = this.canvas.height;
    const context = canvas.getContext("2d");
    context.fillStyle = background;
    context.fillRect(0, 0, canvas.width, canvas.height);
    context.font = `${Math.round(11 * area.scale)}px ${this.look.font}`;
    context.fillStyle = ink;
    context.lineWidth = area.scale;
    const every = Math.max(1, Math.ceil(limit / 5));
    for (let tick = -Math.floor(limit / every) * every; tick <= limit; tick += every) {
      const x = this.toCanvas([tick, 0])[0], y = this.toCanvas([0, tick])[1];
      context.strokeStyle = tick === 0 ? muted : grid;
      context.beginPath();
      context.moveTo(x, area.top);
      context.lineTo(x, area.top + area.size);
      context.moveTo(area.left, y);
      context.lineTo(area.left + area.size, y);
      context.stroke();
      if ((tick / every) % 2 === 0) {
        context.textAlign = "center";
        context.textBaseline = "top";
        context.fillText(String(tick), x, area.top + area.size + 3 * area.scale);
        context.textAlign = "right";
        context.textBaseline = "middle";
        context.fillText(String(tick), area.left - 4 * area.scale, y);
      }
    }
    context.strokeStyle = muted;
    context.strokeRect(area.left, area.top, area.size, area.size);
    const radius = 2 * area.scale;
    // Opaque: a code drawn partly transparent blends towards the paper and falls under the
    // 3:1 contrast its label colour keeps (vae_helpers/palette.py).
    for (let i = 0; i < this.labels.length; i++) {
      const [x, y] = this.toCanvas([this.means[2 * i], this.means[2 * i + 1]]);
      context.fillStyle = this.colours[this.labels[i] % this.colours.length];
      context.fillRect(x - radius, y - radius, 2 * radius, 2 * radius);
    }
    // The interpolation path, dashed, from A's mean to B's; each end a dot, its letter beside it.
    const markers = this.markers(ends), [a, b] = markers.map((marker) => marker.at);
    context.setLineDash([5 * area.scale, 4 * area.scale]);
    context.strokeStyle = ink;
    context.lineWidth = 1.2 * area.scale;
    context.beginPath();
    context.moveTo(a[0], a[1]);
    context.lineTo(b[0], b[1]);
    context.stroke();
    context.setLineDash([]);
    context.font = `bold ${Math.round(11 * area.scale)}px ${this.look.font}`;
    context.textAlign = "center";
    context.textBaseline = "middle";
    for (const { label, x, y, radius: r, at } of markers) {
      context.beginPath();
      context.arc(at[0], at[1], 2.5 * area.scale, 0, 2 * Math.PI);
      context.fillStyle = ink;
      context.fill();
      context.beginPath();
      context.arc(x, y, r, 0, 2 * Math.PI);
      context.fillStyle = background;
      context.fill();
      context.lineWidth = 0.8 * area.scale;
      context.strokeStyle = ink;
      context.stroke();
      context.fillStyle = ink;
      context.fillText(label, x, y + 0.5 * area.scale);
    }
    this.drawn = true;
  }

  /** The background, the ring at `z`, then each overlay `draw(context, geometry)`. */
  draw(z, overlays) {
    const context = this.canvas.getContext("2d"), geometry = this.geometry(), scale = geometry.scale;
    const [x, y] = this.toCanvas(z);
    context.drawImage(this.background, 0, 0);
    context.beginPath();
    context.arc(x, y, RING * scale, 0, 2 * Math.PI);
    context.lineWidth = 4.5 * scale;
    context.strokeStyle = this.look.colors.background; // a halo: the ring stands out on any cluster
    context.stroke();
    context.lineWidth = 2 * scale;
    context.strokeStyle = this.look.colors.ink;
    context.stroke();
    for (const overlay of overlays) overlay(context, geometry);
  }
}
