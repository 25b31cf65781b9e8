// The latent map's input (explorer.js): the pointer (mouse, pen, touch) and the arrow keys move
// the explorer's point. On a phone a swipe on the map scrolls the page unless it starts on the ring.

const KEY_STEP = 0.1; // latent units per arrow key press; Shift multiplies by 10
const GRAB = 24; // a touch this close to the ring (CSS pixels) drags it; elsewhere it scrolls the page

/** Move `explorer`'s point (its `moveTo`, `map` and `z`) from events on the `map` canvas. */
export function listenOnTheMap(explorer, map) {
  let dragging = null; // the pointer that drags the point, if any
  let tapScroll = null; // the page's scroll when a touch began: a tap leaves it unchanged
  const follow = (event) => explorer.moveTo(explorer.map.fromClient(event.clientX, event.clientY), map);
  // Mouse and pen: press anywhere on the map and drag. Touch: a swipe scrolls the page,
  // unless it starts on the ring (then it drags the ring); a tap moves the point there.
  // (Chromium sends pointerdown before touchstart, and captures a touch pointer by itself:
  // hence the explicit `dragging`.)
  map.addEventListener("pointerdown", (event) => {
    const touch = event.pointerType === "touch";
    tapScroll = touch ? window.scrollY : null;
    if (touch ? explorer.map.distance(event.clientX, event.clientY, explorer.z) > GRAB : event.button !== 0) return;
    dragging = event.pointerId;
    map.setPointerCapture(event.pointerId);
    map.focus({ preventScroll: true }); // the arrow keys work after a click
    if (!touch) follow(event); // a finger on the ring picks it up where it is
    event.preventDefault();
  });
  map.addEventListener(
    "touchstart",
    (event) => {
      if (dragging !== null) event.preventDefault(); // this touch drags the ring: the page does not scroll
    },
    { passive: false },
  );
  map.addEventListener("pointermove", (event) => {
    if (dragging === event.pointerId) follow(event);
  });
  for (const type of ["pointerup", "pointercancel"]) {
    map.addEventListener(type, (event) => {
      if (dragging === event.pointerId) dragging = null;
    });
  }
  // A tap off the ring moves the point there (a swipe that scrolled the page is no tap).
  map.addEventListener("click", (event) => {
    if (event.pointerType === "touch" && tapScroll === window.scrollY) follow(event);
  });
  map.addEventListener("keydown", (event) => {
    const s = event.shiftKey ? 10 * KEY_STEP : KEY_STEP;
    const move = { ArrowLeft: [-s, 0], ArrowRight: [s, 0], ArrowUp: [0, s], ArrowDown: [0, -s] }[event.key];
    if (!move) return;
    event.preventDefault(); // the arrows move the point, not the page
    explorer.moveTo([explorer.z[0] + move[0], explorer.z[1] + move[1]], map);
  });
}
