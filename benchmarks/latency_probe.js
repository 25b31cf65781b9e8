// From a pointer event to new pixels, in the page: the clock of benchmarks/widget_latency.py
// and widget_frames.py, which add this file to every page before its own scripts
// (add_init_script) as `window.__latency`.
// - A move: `arm(root)` remembers what the widget shows; the next pointer event starts the clock
//   (its timeStamp), and from then on every display frame is checked in its ResizeObserver step,
//   after the frame's animation callbacks and layout: the first frame whose pixels differ stops
//   it (`result(timeout)`).
// - A steady drag: `track(root)`, then every pointer move is timed the same way; `tracked()`.
(() => {
  const probe = window.__latency = { armed: false };
  const signature = (root) => {
    // FNV-1a over whole pixels: cheap enough to run in every frame of a steady drag.
    let hash = 2166136261;
    for (const canvas of root.querySelectorAll("canvas")) {
      if (!canvas.width || !canvas.height) continue;
      const image = canvas.getContext("2d").getImageData(0, 0, canvas.width, canvas.height);
      const pixels = new Uint32Array(image.data.buffer);
      for (let k = 0; k < pixels.length; k++) hash = Math.imul(hash ^ pixels[k], 16777619);
    }
    return hash + "|" + [...root.querySelectorAll("img")].map((image) => image.src.length + image.src.slice(-64)).join("|");
  };
  let sentinel = null, wide = false;
  const nextFrame = () => requestAnimationFrame(() => {
    wide = !wide;
    sentinel.style.width = wide ? "2px" : "1px";
  });
  // A steady drag (`track`): every pointer move, each one the browser coalesced into a
  // pointermove included, is timed to the first frame whose pixels differ.
  let tracking = null;
  const frame = () => {
    const now = performance.now();
    if (tracking && tracking.pending.length) {
      const after = signature(tracking.root);
      if (after !== tracking.before) {
        tracking.before = after;
        for (const stamp of tracking.pending) tracking.found.push(now - stamp);
        tracking.pending = [];
      } else nextFrame();
    }
    if (!probe.armed || probe.start === null) return;
    if (signature(probe.root) !== probe.before) probe.finish([now - probe.start, probe.queue]);
    else nextFrame();
  };
  const started = (event) => {
    if (tracking && event.type === "pointermove") {
      const moves = event.getCoalescedEvents();
      for (const move of moves.length ? moves : [event]) tracking.pending.push(move.timeStamp);
      nextFrame();
    }
    if (!probe.armed || probe.start !== null) return;
    probe.start = event.timeStamp;
    probe.queue = performance.now() - event.timeStamp;
    nextFrame();
  };
  for (const type of ["pointerdown", "pointermove"]) window.addEventListener(type, started, true);
  const observeFrames = () => {
    if (sentinel) return;
    sentinel = document.createElement("div");
    sentinel.style.cssText = "position:fixed;left:0;top:0;width:1px;height:1px;visibility:hidden;pointer-events:none";
    document.body.append(sentinel);
    new ResizeObserver(frame).observe(sentinel);
  };
  probe.arm = (root) => {
    observeFrames();
    probe.root = root;
    probe.before = signature(root);
    probe.start = null;
    probe.armed = true;
    probe.done = new Promise((resolve) => { probe.finish = (result) => { probe.armed = false; resolve(result); }; });
  };
  probe.track = (root) => {
    observeFrames();
    tracking = { root, before: signature(root), pending: [], found: [] };
  };
  // The steady drag's times, in ms; moves still waiting for new pixels are left out.
  probe.tracked = () => {
    const found = tracking.found;
    tracking = null;
    return found;
  };
  // [pointer event to new pixels on screen, time the event waited before the page saw it], or null.
  probe.result = (timeout) => Promise.race([probe.done, new Promise((resolve) => setTimeout(() => {
    probe.armed = false;
    resolve(null);
  }, timeout))]);
})();
