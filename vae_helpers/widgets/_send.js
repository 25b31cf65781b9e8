// When Python hears of the reader's moves: shared by the panels (_panel.js) and the latent
// explorer (explorer.js). Not a module of its own: BookWidget (_base.py) puts this text in
// front of the widget's files in `_esm` (`module = ("_send.js", "_panel.js", "panels.js")`).
//
// A widget draws in the input handler and calls `request()` there; `send` runs after the frame
// that shows the move, off the reader's path, and during a drag at most every SEND_EVERY ms,
// the last move included (a send carries whatever is newest when it runs). In JupyterLab the
// kernel's replies to each message set off several milliseconds of JupyterLab's own work in
// the page (React renders), which a frame must not wait for.

const SEND_EVERY = 100; // milliseconds: how often Python hears of a control being dragged

/** `{ request, cancel }`: `request()` asks for one call of `send` as described above (exported for the tests). */
export function throttledSend(send) {
  let frame = 0; // the animation frame a send waits for, 0 if none
  let timeout = 0; // the timeout that runs it, 0 if none
  let last = -Infinity; // when the last send ran
  const run = () => {
    timeout = 0;
    last = performance.now();
    send();
  };
  return {
    request() {
      if (frame || timeout) return; // a send is due: it carries this move too
      const wait = last + SEND_EVERY - performance.now();
      // After the frame: an animation-frame callback asked for in an input handler runs in
      // that handler's frame, before layout and paint; the timeout then runs after them.
      if (wait > 0) timeout = setTimeout(run, wait);
      else
        frame = requestAnimationFrame(() => {
          frame = 0;
          timeout = setTimeout(run, 0);
        });
    },
    cancel() {
      // Two counters: a frame's id may equal some other timeout's, so each is cancelled by its own kind.
      cancelAnimationFrame(frame);
      clearTimeout(timeout);
      frame = timeout = 0;
    },
  };
}
