// On pages with embedded widgets: renders each widget when it comes within a screen's height of
// the viewport, so a reader who never scrolls to one never downloads it, and the page's text shows
// without waiting for it. Each widget's models (its saved state and its buffers) load and render
// as that widget comes near, not the page's all at once. A state whose models are all anywidgets
// (every widget of the book's pages) renders with the small host below, in this file; any other
// loads the Jupyter widget manager (@jupyter-widgets/html-manager 1.x, embed-amd.js, 3.6 MB, and
// require.js before it) from the book's own files. Deferred, so it runs once the page is parsed;
// site_assets.py adds it to every page with widgets.
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
  // beside the page, are fetched, checked against their sha256 and handed over first (as
  // DataViews to the host, as base64 to the manager, each what it reads); those of a deferred part
  // (deferred_files: the explorer's encoder, the models of its switch) only when the widget asks
  // for them (the host's request(), below; the manager gets them all at once). Until then its
  // script has another type, so that the manager's own render of the page (when embed-amd.js
  // loads) leaves it alone; this file renders it.
  var STATE_TYPE = "application/vnd.jupyter.widget-state+json";
  var LATER_TYPE = STATE_TYPE + ";rendered-by=widgets-offline";
  function toBase64(view) {
    var bytes = new Uint8Array(view.buffer, view.byteOffset, view.byteLength), text = "";
    for (var i = 0; i < bytes.length; i += 0x8000) {
      text += String.fromCharCode.apply(null, bytes.subarray(i, i + 0x8000));
    }
    return btoa(text);
  }
  function fromBase64(text) {
    var binary = atob(text), bytes = new Uint8Array(binary.length);
    for (var i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
    return bytes.buffer;
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
  function eachBuffer(state, visit) {
    Object.keys(state.state).forEach(function (id) {
      (state.state[id].buffers || []).forEach(visit);
    });
  }
  // Deferred part k of the state (site_assets.py's deferred_files: weights a widget may never use),
  // fetched and checked once: its buffers then get their DataViews (buffer.view).
  function readPart(state, k) {
    var part = state.deferred_files[k];
    if (!part.read) {
      part.read = fetchBuffers(part).then(function (content) {
        eachBuffer(state, function (buffer) {
          if (buffer.deferred === k) buffer.view = new DataView(content.slice(buffer.offset, buffer.offset + buffer.length));
        });
      });
    }
    return part.read;
  }
  // Every buffer of the state as a DataView (buffer.view), wherever it travelled: in the state
  // (base64) or in the state's file; those of its deferred parts too when `deferred` (for the
  // manager, which reads every trait at once), else only when the widget asks (the host's request).
  function readBuffers(state, deferred) {
    var file = state.buffers_file, parts = deferred ? (state.deferred_files || []).map(function (_, k) { return readPart(state, k); }) : [];
    return Promise.all([file ? fetchBuffers(file) : null].concat(parts)).then(function (read) {
      eachBuffer(state, function (buffer) {
        if (buffer.deferred !== undefined) return;
        buffer.view = new DataView(buffer.length === undefined ? fromBase64(buffer.data)
          : read[0].slice(buffer.offset, buffer.offset + buffer.length));
      });
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
  // script. The manager reads buffers as base64 in the state.
  function render(modules, state, views) {
    Object.keys(state.state).forEach(function (id) {
      (state.state[id].buffers || []).forEach(function (buffer) {
        buffer.data = toBase64(buffer.view);
        ["view", "offset", "length", "deferred"].forEach(function (key) { delete buffer[key]; });
      });
    });
    delete state.buffers_file;
    delete state.deferred_files;
    var widgets = new modules.html.HTMLManager({ loader: modules.embed.requireLoader });
    return widgets.set_state(state).then(function (models) {
      return Promise.all(views.map(function (view) {
        var id = JSON.parse(view.textContent).model_id;
        var model = models.find(function (m) { return m.model_id === id; });
        if (!model) return null;
        return widgets.create_view(model).then(function (created) { return widgets.display_view(created, subarea(view)); });
      }));
    });
  }
  function subarea(view) {
    var area = document.createElement("div");
    area.className = "widget-subarea";
    view.parentElement.insertBefore(area, view);
    return area;
  }

  // ----------------------------------------------------------------------------------------------
  // The small host. Every widget of the book's pages is an anywidget (AnyModel, with a LayoutModel
  // that no view draws), and an anywidget's module needs of the manager only a model to read and
  // write: so a state of those models alone renders without the manager (require.js, embed-amd.js:
  // 0.9 MB gzipped, most of a widget page's first load). What follows is the part of anywidget's
  // front end (anywidget/src/widget.ts, model-proxy.ts) and of the manager's Backbone model that
  // a module sees. A state with any other model goes to the manager.
  var HOSTED = { AnyModel: "anywidget", LayoutModel: "@jupyter-widgets/base" };
  function hostable(state) {
    return Object.keys(state.state).every(function (id) {
      var model = state.state[id];
      return HOSTED[model.model_name] === model.model_module;
    });
  }
  // Backbone's _.isEqual, for what traits hold (JSON values and DataViews): set() fires no change
  // for an equal value, as in the manager.
  function equal(a, b) {
    if (a === b) return true;
    if (!a || !b || typeof a !== "object" || typeof b !== "object" || a instanceof DataView || b instanceof DataView) return false;
    if (Array.isArray(a) !== Array.isArray(b)) return false;
    var keys = Object.keys(a);
    if (keys.length !== Object.keys(b).length) return false;
    return keys.every(function (key) { return Object.prototype.hasOwnProperty.call(b, key) && equal(a[key], b[key]); });
  }
  // The model a module's render({model, el}) gets: its traits, with each buffer as a DataView at its
  // path (as the manager puts them back), and Backbone's events: set() calls the "change:NAME"
  // listeners at once, then "change" ones, with (model, value). Without a kernel, save_changes()
  // and send() have no one to tell: the module's own maths keeps the page in step.
  //
  // A buffer of a deferred part (`parts`: [{trait, index, read()}]) is null at its path until the
  // module asks for it: request(trait, index) (index: the item of a list trait) fetches the part,
  // puts its buffers in place and fires "change:TRAIT", then resolves; at once for a trait with
  // nothing deferred. The manager has no request(): there, as in JupyterLab, every trait is whole.
  function HostModel(model, parts) {
    var attributes = model.state, listeners = {};
    function place(buffer) {
      var holder = attributes, path = buffer.path;
      for (var i = 0; i < path.length - 1; i++) holder = holder[path[i]];
      holder[path[path.length - 1]] = buffer.view;
    }
    (model.buffers || []).forEach(function (buffer) {
      if (buffer.view) place(buffer);
    });
    function fire(name, value) {
      (listeners[name] || []).slice().forEach(function (listener) { listener(self, value); });
    }
    var self = {
      request: function (trait, index) {
        var part = parts.filter(function (p) { return p.trait === trait && (p.index === null || p.index === index); })[0];
        if (!part) return Promise.resolve();
        if (!part.placed) {
          part.placed = part.read().then(function () {
            (model.buffers || []).forEach(function (buffer) {
              if (buffer.deferred === part.k) place(buffer);
            });
            fire("change:" + trait, attributes[trait]);
            fire("change", undefined);
          });
        }
        return part.placed;
      },
      get: function (name) { return attributes[name]; },
      set: function (name, value) {
        var changes = {};
        if (typeof name === "object") changes = name; else changes[name] = value;
        var changed = Object.keys(changes).filter(function (key) {
          if (equal(attributes[key], changes[key])) return false;
          attributes[key] = changes[key];
          return true;
        });
        changed.forEach(function (key) { fire("change:" + key, attributes[key]); });
        if (changed.length) fire("change", undefined);
      },
      on: function (names, listener) {
        names.split(/\s+/).forEach(function (name) { (listeners[name] = listeners[name] || []).push(listener); });
      },
      off: function (names, listener) {
        (names ? names.split(/\s+/) : Object.keys(listeners)).forEach(function (name) {
          listeners[name] = listener ? (listeners[name] || []).filter(function (l) { return l !== listener; }) : [];
        });
      },
      save_changes: function () {},
      send: function () {},
    };
    return self;
  }
  // One instance of a module per page (as one <script type=module> would be): two explorers share
  // it. anywidget imports its _esm text through a Blob URL, or a URL as it is.
  var modules = {};
  function importModule(esm) {
    if (!modules[esm]) {
      var href = /^https?:\/\//.test(esm);
      var url = href ? esm : URL.createObjectURL(new Blob([esm], { type: "text/javascript" }));
      modules[esm] = import(url).then(function (module) {
        if (!href) URL.revokeObjectURL(url);
        var widget = module.default || module;
        return typeof widget === "function" ? widget() : widget;
      });
    }
    return modules[esm];
  }
  function addStyle(css, id) {
    if (!css || document.getElementById(id)) return;
    var style = document.createElement("style");
    style.id = id;
    style.textContent = css;
    document.head.appendChild(style);
  }
  function host(state, views) {
    var models = {};
    return Promise.all(Object.keys(state.state).map(function (id) {
      var saved = state.state[id];
      if (saved.model_name !== "AnyModel") return null;
      var parts = (state.deferred_files || []).map(function (part, k) {
        return { k: k, trait: part.trait, index: part.index, model: part.model, read: function () { return readPart(state, k); } };
      }).filter(function (part) { return part.model === id; });
      var model = (models[id] = HostModel(saved, parts));
      addStyle(model.get("_css"), model.get("_anywidget_id"));
      return importModule(model.get("_esm")).then(function (widget) {
        models[id] = { model: model, widget: widget };
        return widget.initialize && widget.initialize({ model: model });
      });
    })).then(function () {
      return Promise.all(views.map(function (view) {
        var hosted = models[JSON.parse(view.textContent).model_id];
        if (!hosted || !hosted.widget.render) return null;
        // The element the manager gives a view: a div in the widget-subarea.
        var el = document.createElement("div");
        el.className = "jupyter-widgets";
        subarea(view).appendChild(el);
        return hosted.widget.render({ model: hosted.model, el: el });
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
  // A model whose code is another's (site_assets.py keeps one copy a page) gets it back.
  function shareCode(state) {
    Object.keys(state.state).forEach(function (id) {
      var model = state.state[id], shared = model.shared || {};
      Object.keys(shared).forEach(function (trait) {
        var source = groups.map(function (other) { return other.state.state[shared[trait]]; }).filter(Boolean)[0];
        model.state[trait] = source.state[trait];
      });
      delete model.shared;
    });
  }
  function start(group) {
    if (group.started) return;
    group.started = true;
    shareCode(group.state);
    var hosted = hostable(group.state);
    // For tests and benchmarks: when the page began to render its widgets, and with what.
    if (hosted && !document.documentElement.dataset.widgetManager) document.documentElement.dataset.widgetManager = "host";
    Promise.all([readBuffers(group.state, !hosted), hosted ? null : loadManager()])
      .then(function (ready) { return hosted ? host(ready[0], group.views) : render(ready[1], ready[0], group.views); })
      .catch(function (error) {
        console.error(error);
        explain(error, group.views);
      });
    // The states without a file of their own (the panels: a few kB each, nothing to fetch) render
    // with the first one, as the page's single state did: only the models wait until they come near.
    groups.forEach(function (other) {
      if (!other.state.buffers_file && !other.state.deferred_files) start(other);
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
