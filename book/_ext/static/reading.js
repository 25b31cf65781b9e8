// Reading on any screen, phones included (reading.css draws what this marks).
//
// A display equation wider than its box scrolls sideways inside MathJax's container
// (`div.math mjx-container`, `overflow: auto`), but nothing shows that it does: the equation
// looks cut. Each such box gets the class `math-scrolls`, plus `math-more-right` and
// `math-more-left` while part of the equation is hidden on that side; the CSS fades that edge
// and points an arrow at it. The classes follow scrolling and resizing.
//
// A figure shown at less than half its pixel width (a wide figure on a phone) becomes a link
// to the full-size image, marked by a badge, so its labels can be read.
//
// Both are looked at only as they come within a screen of the viewport, all of a frame's reads
// before its writes: measuring every equation of a long chapter as it opened, each read after
// the last one's write, laid the page out once per equation (1.6 s of a slow phone's main
// thread on chapter 3).
(() => {
  "use strict";

  const SHRUNK = 0.5; // shown at less than this fraction of its pixel width: link the full image
  const NEAR = "100% 0px"; // within a screen above or below the viewport

  // An equation's box: what to read (layout) and then what to write (classes, fade positions).
  function measureEquation(box) {
    const scroller = box.querySelector(":scope > mjx-container");
    const hidden = scroller.scrollWidth - scroller.clientWidth;
    const boxRect = box.getBoundingClientRect();
    const scrollerRect = scroller.getBoundingClientRect();
    const left = scroller.scrollLeft;
    return () => {
      box.classList.toggle("math-scrolls", hidden > 1);
      box.classList.toggle("math-more-left", hidden > 1 && left > 1);
      box.classList.toggle("math-more-right", hidden > 1 && hidden - left > 1);
      // The fades sit over the scrolling part only, not over an equation number beside it.
      box.style.setProperty("--math-scroller-left", `${scrollerRect.left - boxRect.left}px`);
      box.style.setProperty("--math-scroller-right", `${boxRect.right - scrollerRect.right}px`);
    };
  }

  function measureFigure(image) {
    const shrunk = image.naturalWidth > 0 && image.clientWidth < SHRUNK * image.naturalWidth;
    return () => {
      if (!shrunk || image.closest("a")) return;
      const link = document.createElement("a");
      link.className = "figure-full-size";
      link.href = image.currentSrc || image.src;
      link.title = "Open the figure at full size";
      image.replaceWith(link);
      link.append(image);
    };
  }

  // Elements waiting to be looked at, each with its measure; one frame looks at them all.
  const pending = new Map();
  let frame = 0;
  function lookAt(element, measure) {
    pending.set(element, measure);
    frame ||= requestAnimationFrame(() => {
      frame = 0;
      const writes = [...pending].map(([each, measureIt]) => measureIt(each)); // reads first...
      pending.clear();
      writes.forEach((write) => write()); // ...then writes: one layout for the frame
    });
  }

  function watch(elements, measure) {
    const near = new Set();
    const observer = new IntersectionObserver((entries) => {
      for (const entry of entries) {
        if (entry.isIntersecting) {
          near.add(entry.target);
          lookAt(entry.target, measure);
        } else near.delete(entry.target);
      }
    }, { rootMargin: NEAR });
    elements.forEach((element) => observer.observe(element));
    // A new width changes what overflows: look again at what is near (the rest, when it comes near).
    new ResizeObserver(() => near.forEach((element) => lookAt(element, measure))).observe(document.documentElement);
  }

  function watchEquations() {
    const boxes = [...document.querySelectorAll("div.math")].filter((box) => box.querySelector(":scope > mjx-container"));
    watch(boxes, measureEquation);
    for (const box of boxes) {
      const scroller = box.querySelector(":scope > mjx-container");
      scroller.addEventListener("scroll", () => lookAt(box, measureEquation), { passive: true });
    }
  }

  function watchFigures() {
    watch(document.querySelectorAll("figure img, .cell_output img"), measureFigure);
    // Figures load lazily, as the reader scrolls near them: look again as each arrives.
    document.addEventListener("load", (event) => event.target.tagName === "IMG" && lookAt(event.target, measureFigure), true);
  }

  window.addEventListener("load", () => {
    watchEquations();
    watchFigures();
  });
})();
