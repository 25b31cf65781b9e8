// An inset on the latent map (encoder.js draws q(z | x) in it): a square in a corner of the map that
// shows a small region magnified. At beta = 1 the encoder's ellipses are a pixel or two on the map,
// under the cross at mu; in the inset they are as wide as the region allows.

const INSET_SIDE = 0.4; // of the plot area's side
const INSET_MIN_ZOOM = 2; // magnifications below this show nothing the map does not

/** The inset framing the latent points `origin + offsets` (with a margin) on the map of `geometry`
 * (latent_map.js's), in the corner farthest from the latent points `avoid` (mu, the ring), or null
 * when it would magnify less than INSET_MIN_ZOOM times. Offsets, not points: at beta = 0 sigma is
 * about 1e-9 and mu up to hundreds, so mu + sigma * eps rounds to mu in float64 while the offset
 * sigma * eps does not. Returns a geometry like the map's (scale, perUnit, colors, toCanvas, which
 * maps a point z by its offset z - origin) plus its rect {x, y, side} in canvas pixels, its zoom,
 * and the region it shows, {centre, span}, in latent units. */
export function insetGeometry(geometry, origin, offsets, avoid) {
  const from = [0, 1].map((i) => Math.min(...offsets.map((p) => p[i])));
  const to = [0, 1].map((i) => Math.max(...offsets.map((p) => p[i])));
  const { area, scale } = geometry, side = Math.round(INSET_SIDE * area.size), gap = 4 * scale;
  const span = 1.3 * Math.max(to[0] - from[0], to[1] - from[1]), perUnit = side / span;
  const zoom = perUnit / geometry.perUnit;
  if (!(zoom >= INSET_MIN_ZOOM && Number.isFinite(zoom))) return null;
  const centre = [(from[0] + to[0]) / 2, (from[1] + to[1]) / 2], [left, top] = [centre[0] - span / 2, centre[1] + span / 2];
  const away = avoid.map((z) => geometry.toCanvas(z)), far = area.size - side - gap;
  const corners = [[gap, gap], [far, gap], [gap, far], [far, far]].map(([dx, dy]) => [area.left + dx, area.top + dy]);
  const clearance = ([cx, cy]) => Math.min(...away.map(([px, py]) => Math.hypot(cx + side / 2 - px, cy + side / 2 - py)));
  const [x, y] = corners.reduce((best, corner) => (clearance(corner) > clearance(best) ? corner : best));
  return { scale, perUnit, zoom, colors: geometry.colors, rect: { x, y, side },
    region: { centre: [origin[0] + centre[0], origin[1] + centre[1]], span },
    toCanvas: (z) => [x + (z[0] - origin[0] - left) * perUnit, y + (top - (z[1] - origin[1])) * perUnit] };
}

/** The inset on the map: the region it shows marked where it is, then the inset's paper, what
 * `drawScene(inset)` draws in it (clipped to it), its frame and its magnification. */
export function drawInset(context, geometry, inset, drawScene) {
  const { x, y, side } = inset.rect, { region } = inset, { ink, muted, background } = inset.colors, scale = inset.scale;
  const [regionX, regionY] = geometry.toCanvas(region.centre);
  const regionSide = Math.max(region.span * geometry.perUnit, 6 * scale); // visible even when it is a fraction of a pixel
  context.save();
  context.lineWidth = scale;
  context.strokeStyle = muted;
  context.strokeRect(regionX - regionSide / 2, regionY - regionSide / 2, regionSide, regionSide);
  context.fillStyle = background;
  context.fillRect(x, y, side, side);
  context.beginPath();
  context.rect(x, y, side, side);
  context.clip();
  drawScene(inset);
  context.restore();
  context.save();
  context.lineWidth = scale;
  context.strokeStyle = muted;
  context.strokeRect(x, y, side, side);
  context.font = `${Math.round(11 * scale)}px sans-serif`;
  context.textAlign = "left";
  context.textBaseline = "bottom";
  context.fillStyle = ink;
  const zoom = inset.zoom < 100 ? inset.zoom.toPrecision(2) : inset.zoom < 1e4 ? String(Math.round(inset.zoom)) : inset.zoom.toExponential(1);
  context.fillText(`\u00d7${zoom}`, x + 3 * scale, y + side - 2 * scale);
  context.restore();
}
