// On pages with embedded widgets: loads the Jupyter widget manager (@jupyter-widgets/html-manager
// 1.x, embed-amd.js, 3.6 MB, and require.js before it) from the book's own files, and only when
// a widget comes within a screen's height of the viewport: a reader who never scrolls to one
// never downloads it, and the page's text shows without waiting for it. Each widget's models
// (its saved state and its buffers) load and render as that widget comes near, not the page's
// all at once. Deferred, so it runs
// once the page is parsed; site_assets.py adds it to every page with widgets.
(function () {
  "use strict";
  // This file is _static/widgets-offline.js; the site's root is one folder up.
  var root = new URL("../", document.currentScript.src).href;
  var NEAR = "100% 0px"; // a screen's height above and below the viewport
  var views = document.querySelectorAll('script[type="application/vnd.jupyter.widget-view+json"]');

  // Widget modules other than @jupyter-widgets/{base,controls,output} (anywidget): the manager
  // asks require.js for them by name, which now means vendor/widgets/NAME.js. The manager's
  // modules look for their icon fonts next to their own require.js URL; the path below gives its
  // two modules the same folder, where install_web_packages.py puts the fonts:
  // vendor/widgets/@jupyter-widgets/html-manager/dist/.
  function configure() {
    window.require.config({
      baseUrl: root + "vendor/widgets/",
      paths: {
        "@jupyter-widgets/html-manager": "@jupyter-widgets/html-manager/dist/index",
        // The longest matching prefix wins: keep libembed-amd where it was.
        "@jupyter-widgets/html-manager/dist/libembed-amd": "@jupyter-widgets/html-manager/dist/libembed-amd",
      },
    });
  }
  // A page that loads require.js and the manager itself, before this script and the widgets
  // (benchmarks/widget_latency.py's): configure require.js for it, and leave the loading to it.
  if (window.require && window.require.config) {
    configure();
    return;
  }
  if (views.length === 0) return;

  function load(src, attributes) {
    return new Promise(function (resolve, reject) {
      var script = document.createElement("script");
      script.src = src;
      Object.keys(attributes || {}).forEach(function (name) {
        script.setAttribute(name, attributes[name]);
      });
      script.onload = resolve;
      script.onerror = function () {
        reject(new Error("could not load " + src));
      };
      document.head.appendChild(script);
    });
  }

  // Each saved state (site_assets.py splits a page's into one per widget) renders when one of
  // its widgets comes near: its large buffers, which site_assets.py moved into a binary file
  // beside the page, are fetched, checked against their sha256 and put back (base64, where the
  // manager reads them) first. Until then its script has another type, so that the manager's
  // own render of the page (when embed-amd.js loads) leaves it alone; this file renders it.
  var STATE_TYPE = "application/vnd.jupyter.widget-state+json";
  var LATER_TYPE = STATE_TYPE + ";rendered-by=widgets-offline";
  function toBase64(bytes) {
    var text = "";
    for (var i = 0; i < bytes.length; i += 0x8000) {
      text += String.fromCharCode.apply(null, bytes.subarray(i, i + 0x8000));
    }
    return btoa(text);
  }
  function hex(buffer) {
    return Array.prototype.map.call(new Uint8Array(buffer), function (b) { return b.toString(16).padStart(2, "0"); }).join("");
  }
  function fetchBuffers(file) {
    return fetch(new URL(file.url, document.baseURI))
      .then(function (response) {
        if (!response.ok) throw new Error("HTTP " + response.status);
        return response.arrayBuffer();
      })
      .then(function (content) {
        if (!(window.crypto && crypto.subtle)) return content;
        return crypto.subtle.digest("SHA-256", content).then(function (digest) {
          if (hex(digest) !== file.sha256) throw new Error(file.url + " is not the file this page was built with");
          return content;
        });
      });
  }
  function restoreBuffers(state) {
    var file = state.buffers_file;
    if (!file) return Promise.resolve(state);
    return fetchBuffers(file).then(function (content) {
      Object.keys(state.state).forEach(function (id) {
        (state.state[id].buffers || []).forEach(function (buffer) {
          if (buffer.length === undefined) return;
          buffer.data = toBase64(new Uint8Array(content, buffer.offset, buffer.length));
          delete buffer.offset;
          delete buffer.length;
        });
      });
      delete state.buffers_file;
      return state;
    });
  }
  // Where a widget will not render, say why and what to do, in its place.
  function explain(error, where) {
    var local = location.protocol === "file:";
    where.forEach(function (view) {
      var note = document.createElement("p");
      note.className = "widget-load-error";
      note.setAttribute("role", "status");
      note.textContent = local
        ? "This interactive figure reads its data from a file beside this page, which a browser does not " +
          "do for a page opened from your disk. Serve the book's folder instead: run `make serve` in the " +
          "repository (or `python -m http.server` in _build/html) and open http://127.0.0.1:8000/."
        : "This interactive figure could not load (" + error.message + "). Reload the page to try again.";
      view.parentElement.insertBefore(note, view);
    });
  }

  var manager = null;
  function loadManager() {
    if (manager) return manager;
    // For tests and benchmarks: when the page asked for the manager.
    document.documentElement.dataset.widgetManager = "loading";
    // A widget module missing from vendor/widgets/ would be fetched from this "CDN" (a relative
    // URL, so a 404 on this site) instead of jsDelivr: no call to another host.
    manager = load(root + "vendor/requirejs/require.js")
      .then(function () {
        configure();
        return load(root + "vendor/html-manager/embed-amd.js", { "data-jupyter-widgets-cdn": "vendor/widgets/" });
      })
      .then(function () {
        return new Promise(function (resolve, reject) {
          window.require(["@jupyter-widgets/html-manager", "@jupyter-widgets/html-manager/dist/libembed-amd"],
            function (html, embed) { resolve({ html: html, embed: embed }); }, reject);
        });
      });
    return manager;
  }
  // What the manager's renderWidgets does for one state (html-manager 1.x, libembed.ts): a
  // manager of its own, its models, and each of its views in a widget-subarea before the view's
  // script.
  function render(modules, state, views) {
    var widgets = new modules.html.HTMLManager({ loader: modules.embed.requireLoader });
    return widgets.set_state(state).then(function (models) {
      return Promise.all(views.map(function (view) {
        var id = JSON.parse(view.textContent).model_id;
        var model = models.find(function (m) { return m.model_id === id; });
        if (!model) return null;
        var area = document.createElement("div");
        area.className = "widget-subarea";
        view.parentElement.insertBefore(area, view);
        return widgets.create_view(model).then(function (created) { return widgets.display_view(created, area); });
      }));
    });
  }

  // Each state and the views of its models.
  var groups = Array.prototype.map.call(document.querySelectorAll('script[type="' + STATE_TYPE + '"]'), function (script) {
    var state = JSON.parse(script.textContent);
    script.type = LATER_TYPE;
    var mine = Array.prototype.filter.call(views, function (view) {
      return Object.prototype.hasOwnProperty.call(state.state, JSON.parse(view.textContent).model_id);
    });
    return { state: state, views: mine, started: false };
  });
  function start(group) {
    if (group.started) return;
    group.started = true;
    Promise.all([restoreBuffers(group.state), loadManager()])
      .then(function (ready) { return render(ready[1], ready[0], group.views); })
      .catch(function (error) {
        console.error(error);
        explain(error, group.views);
      });
    // The states without a file of their own (the panels: a few kB each, nothing to fetch) render
    // with the first one, as the page's single state did: only the models wait until they come near.
    groups.forEach(function (other) {
      if (!other.state.buffers_file) start(other);
    });
  }

  if (!("IntersectionObserver" in window)) {
    groups.forEach(start);
    return;
  }
  var observer = new IntersectionObserver(
    function (entries) {
      entries.forEach(function (entry) {
        if (!entry.isIntersecting) return;
        groups.forEach(function (group) {
          if (group.views.some(function (view) { return view.parentElement === entry.target; })) start(group);
        });
        observer.unobserve(entry.target);
      });
    },
    { rootMargin: NEAR }
  );
  // The view's <script> is not rendered; the element that holds it is where the widget will be.
  groups.forEach(function (group) {
    group.views.forEach(function (view) { observer.observe(view.parentElement); });
  });
})();
