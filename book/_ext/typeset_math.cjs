// Typesets the book's TeX at build time, so that no maths library loads in the reader's browser.
//
// Usage: node typeset_math.cjs MATHJAX_ES5_DIR FONT_URL
// Reads one JSON request a line on stdin, {"tex": "...", "display": true|false}, and writes one
// JSON answer a line on stdout, {"html": "<mjx-container ...>", "error": "..."|null}, in order.
// A request {"stylesheet": true} answers {"css": "..."}: the CSS of every kind of MathJax element
// and of the characters typeset since the last {"reset": true} (answered {}), which starts a page:
// each page carries only its own characters. (MathJax's adaptive CSS alone leaves out the rules an
// element inherits from a kind the page does not use: x_i without any x_i^2 lost mjx-script's
// padding.) With --every-character (a third argument), the stylesheet has every character of
// MathJax's TeX fonts, as one stylesheet for all pages would.
// MathJax 3's own components (the pinned npm package site_assets.py serves) run in Node with
// its lite DOM; assistive MathML goes beside each formula, for screen readers.
"use strict";

const path = require("path");
const readline = require("readline");

const [es5, fontURL, every] = process.argv.slice(2);
if (!es5 || !fontURL) {
  console.error("usage: node typeset_math.cjs MATHJAX_ES5_DIR FONT_URL");
  process.exit(2);
}
// MathJax's loader prints notes on stdout ("No version information ..."): stdout carries answers only.
const answer = (object) => process.stdout.write(JSON.stringify(object) + "\n");
console.log = console.error;

require(path.resolve(es5, "node-main.js"))
  .init({
    loader: { load: ["input/tex", "output/chtml", "adaptors/liteDOM", "a11y/assistive-mml"] },
    chtml: { fontURL, adaptiveCSS: every !== "--every-character" },
  })
  .then((MathJax) => {
    const adaptor = MathJax.startup.adaptor;
    const lines = readline.createInterface({ input: process.stdin });
    lines.on("line", (line) => {
      const request = JSON.parse(line);
      if (request.reset) {
        MathJax.startup.output.clearCache();
        answer({});
        return;
      }
      if (request.stylesheet) {
        const output = MathJax.startup.output;
        Object.keys(output.factory.node).forEach((kind) => output.wrapperUsage.add(kind));
        answer({ css: adaptor.textContent(MathJax.chtmlStylesheet()) });
        return;
      }
      let node;
      try {
        node = MathJax.tex2chtml(request.tex, { display: request.display });
      } catch (thrown) {
        // Some TeX errors are thrown rather than drawn: the page keeps the TeX, the build warns.
        answer({ html: null, error: String((thrown && thrown.message) || thrown).split("\n")[0].slice(0, 300) });
        return;
      }
      const error = adaptor.tags(node, "mjx-merror").map((e) => adaptor.getAttribute(e, "data-mjx-error") || adaptor.textContent(e));
      answer({ html: adaptor.outerHTML(node), error: error.length ? error.join("; ") : null });
    });
  })
  .catch((error) => {
    console.error(String(error && error.stack ? error.stack : error));
    process.exit(1);
  });
