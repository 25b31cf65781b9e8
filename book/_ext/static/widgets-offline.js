// The widget manager (@jupyter-widgets/html-manager 1.x) typesets widget labels with
// MathJax 2's MathJax.Hub.Queue(["Typeset", MathJax.Hub, element]). The book loads
// MathJax 3, which has no Hub, so every labelled widget would throw. Give whatever
// window.MathJax holds (the configuration first, MathJax itself once loaded) a Hub
// that forwards to MathJax 3's typesetPromise.
(function () {
  "use strict";
  var hub = {
    Queue: function (command) {
      var mathjax = window.MathJax;
      if (mathjax && mathjax.startup && mathjax.startup.promise && mathjax.typesetPromise) {
        mathjax.startup.promise.then(function () {
          return mathjax.typesetPromise([command[2]]);
        });
      }
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
