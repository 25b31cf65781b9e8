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
(() => {
  "use strict";

  const SHRUNK = 0.5; // shown at less than this fraction of its pixel width: link the full image

  function markEquation(box, scroller) {
    const hidden = scroller.scrollWidth - scroller.clientWidth;
    box.classList.toggle("math-scrolls", hidden > 1);
    box.classList.toggle("math-more-left", hidden > 1 && scroller.scrollLeft > 1);
    box.classList.toggle("math-more-right", hidden > 1 && hidden - scroller.scrollLeft > 1);
    // The fades sit over the scrolling part only, not over an equation number beside it.
    const boxRect = box.getBoundingClientRect();
    const scrollerRect = scroller.getBoundingClientRect();
    box.style.setProperty("--math-scroller-left", `${scrollerRect.left - boxRect.left}px`);
    box.style.setProperty("--math-scroller-right", `${boxRect.right - scrollerRect.right}px`);
  }

  function watchEquations() {
    const pairs = [];
    for (const box of document.querySelectorAll("div.math")) {
      const scroller = box.querySelector(":scope > mjx-container");
      if (scroller) pairs.push([box, scroller]);
    }
    const markAll = () => pairs.forEach(([box, scroller]) => markEquation(box, scroller));
    for (const [box, scroller] of pairs) {
      scroller.addEventListener("scroll", () => markEquation(box, scroller), { passive: true });
    }
    // Next frame, not inside the observer: changing the page there can loop ("ResizeObserver loop").
    new ResizeObserver(() => requestAnimationFrame(markAll)).observe(document.documentElement);
    markAll();
  }

  function linkShrunkFigures() {
    for (const image of document.querySelectorAll("figure img, .cell_output img")) {
      const shrunk = image.naturalWidth > 0 && image.clientWidth < SHRUNK * image.naturalWidth;
      if (!shrunk || image.closest("a")) continue;
      const link = document.createElement("a");
      link.className = "figure-full-size";
      link.href = image.currentSrc || image.src;
      link.title = "Open the figure at full size";
      image.replaceWith(link);
      link.append(image);
    }
  }

  function whenTypeset(callback) {
    const startup = window.MathJax && window.MathJax.startup;
    if (startup && startup.promise) startup.promise.then(callback);
    else callback();
  }

  window.addEventListener("load", () => {
    whenTypeset(watchEquations);
    linkShrunkFigures();
    new ResizeObserver(() => requestAnimationFrame(linkShrunkFigures)).observe(document.documentElement);
    // Figures load lazily, as the reader scrolls near them: look again as each arrives.
    document.addEventListener("load", (event) => event.target.tagName === "IMG" && linkShrunkFigures(), true);
  });
})();
