// When Python hears of the reader's moves: every widget draws first, then sends.
//
// A widget draws in the input handler and calls `request()` there; `send` runs after the frame
// that shows the move, off the reader's path, at most every SEND_EVERY ms, carrying whatever is
// newest when it runs. While a pointer is pressed in the page (a drag) the send waits until it
// is let go, as an ipywidgets slider with `continuous_update=False` does: in JupyterLab each
// message to the kernel makes it report busy, then idle, and JupyterLab re-renders its toolbar,
// status bar and tab icon for each (React), work in the very frames a dragging reader waits
// for (benchmarks/widget_latency.py). Keys and clicks are heard at once.

const SEND_EVERY = 100; // milliseconds: how often Python hears of a control moved by keys

const pressed = new Set(); // the pointers pressed in the page now (pointerId)
const afterRelease = new Set(); // requests of sends held until no pointer is pressed

// Follow the page's pointers from the module's start (a drag's first move may be the widget's
// first); at the last release, the held requests go ahead. (Node.js, where tests run this, has no window.)
if (typeof addEventListener === "function") {
  // Capture phase on the window: before any handler of the page can stop the event.
  addEventListener("pointerdown", (event) => pressed.add(event.pointerId), true);
  const release = (event) => {
    pressed.delete(event.pointerId);
    if (pressed.size) return;
    const held = [...afterRelease];
    afterRelease.clear();
    held.forEach((request) => request());
  };
  for (const type of ["pointerup", "pointercancel"]) addEventListener(type, release, true);
  // A release outside a window that lost the focus may never arrive (an element's blur is no such loss).
  addEventListener("blur", (event) => {
    if (event.target !== window) return;
    pressed.clear();
    release({});
  });
}

/** `{ request, cancel }`: `request()` asks for one call of `send` as described above. */
export function throttledSend(send) {
  let frame = 0; // the animation frame a send waits for, 0 if none
  let timeout = 0; // the timeout that runs it, 0 if none
  let last = -Infinity; // when the last send ran
  const run = () => {
    timeout = 0;
    last = performance.now();
    send();
  };
  const request = () => {
    if (frame || timeout || afterRelease.has(request)) return; // a send is due: it carries this move too
    if (pressed.size) {
      afterRelease.add(request);
      return;
    }
    const wait = last + SEND_EVERY - performance.now();
    // After the frame: an animation-frame callback asked for in an input handler runs in
    // that handler's frame, before layout and paint; the timeout then runs after them.
    if (wait > 0) timeout = setTimeout(run, wait);
    else
      frame = requestAnimationFrame(() => {
        frame = 0;
        timeout = setTimeout(run, 0);
      });
  };
  return {
    request,
    cancel() {
      // Two counters: a frame's id may equal some other timeout's, so each is cancelled by its own kind.
      cancelAnimationFrame(frame);
      clearTimeout(timeout);
      frame = timeout = 0;
      afterRelease.delete(request);
    },
  };
}

const sending = new WeakMap(); // model -> {request, unsent, guarded}: the model's sends, what they will carry

/** Set trait `name` from a control: the widget's change listeners redraw at once, in the input
 * handler, and Python hears of it (anywidget's save_changes) when `throttledSend` says. */
export function setTrait(model, name, value) {
  let state = sending.get(model);
  if (!state) {
    const unsent = new Map();
    const { request } = throttledSend(() => {
      unsent.clear();
      model.save_changes();
    });
    state = { request, unsent, guarded: new Set() };
    sending.set(model, state);
  }
  if (!state.guarded.has(name)) {
    // The kernel's echo of an earlier send may arrive while a newer value waits to be sent:
    // the reader's value stays, and the next send carries it.
    state.guarded.add(name);
    model.on(`change:${name}`, () => {
      if (state.unsent.has(name) && model.get(name) !== state.unsent.get(name)) model.set(name, state.unsent.get(name));
    });
  }
  state.unsent.set(name, value);
  model.set(name, value);
  state.request();
}
