// Runs after require.js and before the widget manager (@jupyter-widgets/html-manager 1.x,
// embed-amd.js), on pages with embedded ipywidgets, so that the widgets render offline.
(function () {
  "use strict";
  // This file is _static/widgets-offline.js; the site's root is one folder up.
  var root = new URL("../", document.currentScript.src).href;

  // Widget modules other than @jupyter-widgets/{base,controls,output} (ipyevents, ...):
  // the manager asks require.js for them by name, which now means vendor/widgets/NAME.js,
  // copied there from their Python packages at build time (site_assets.py).
  // The manager's modules look for their icon fonts next to their own require.js URL; the
  // path below gives its two modules the same folder, where install_web_packages.py puts
  // the fonts: vendor/widgets/@jupyter-widgets/html-manager/dist/.
  window.require.config({
    baseUrl: root + "vendor/widgets/",
    paths: {
      "@jupyter-widgets/html-manager": "@jupyter-widgets/html-manager/dist/index",
      // The longest matching prefix wins: keep libembed-amd where it was.
      "@jupyter-widgets/html-manager/dist/libembed-amd": "@jupyter-widgets/html-manager/dist/libembed-amd",
    },
  });

  // The manager typesets widget labels with MathJax 2's MathJax.Hub.Queue(["Typeset",
  // MathJax.Hub, element]). The book loads MathJax 3, which has no Hub, so every labelled
  // widget would throw. Give whatever window.MathJax holds (the configuration first,
  // MathJax itself once loaded) a Hub that forwards to MathJax 3's typesetPromise, once
  // MathJax has started. Labels write maths as $...$, which the book's MathJax does not
  // read (its prose uses \(...\)), so the label is rewritten first.
  var pending = [];
  function typeset(element) {
    element.textContent = element.textContent.replace(/\$([^$]+)\$/g, "\\($1\\)");
    var mathjax = window.MathJax;
    if (mathjax && mathjax.startup && mathjax.startup.promise && mathjax.typesetPromise) {
      mathjax.startup.promise.then(function () {
        return mathjax.typesetPromise([element]);
      });
    } else {
      pending.push(element); // MathJax (deferred) has not loaded yet
    }
  }
  window.addEventListener("load", function () {
    pending.splice(0).forEach(typeset);
  });
  var hub = {
    Queue: function (command) {
      if (command && command[2] instanceof Element) typeset(command[2]);
    },
  };
  function withHub(value) {
    if (value && typeof value === "object" && !value.Hub) {
      // Not enumerable: MathJax 3 copies the enumerable keys of its configuration.
      Object.defineProperty(value, "Hub", { value: hub, enumerable: false });
    }
    return value;
  }
  var current = withHub(window.MathJax);
  Object.defineProperty(window, "MathJax", {
    configurable: true,
    enumerable: true,
    get: function () {
      return current;
    },
    set: function (value) {
      current = withHub(value);
    },
  });
})();
