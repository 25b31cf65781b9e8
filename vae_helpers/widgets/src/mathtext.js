// Labels with maths in them, set as the book's formulas are: single-letter symbols (Latin or
// Greek) in italics, names such as log or KL upright, `_{...}` a subscript. One reading of a
// label, drawn on a canvas (plot.js) or written as HTML (legends, readouts).

const LETTER = /\p{L}/u;

/** The runs of `label`: [{ text, italic, sub }], in order; their texts joined are the label without `_{` `}`. */
export function mathRuns(label) {
  const runs = [];
  const push = (text, italic, sub) => {
    const last = runs[runs.length - 1];
    if (last && last.italic === italic && last.sub === sub) last.text += text;
    else runs.push({ text, italic, sub });
  };
  let i = 0;
  while (i < label.length) {
    if (label[i] === "_") {
      const close = label[i + 1] === "{" ? label.indexOf("}", i) : i + 1;
      if (close < 0) throw new Error(`mathRuns: unclosed _{ in ${JSON.stringify(label)}`);
      push(label[i + 1] === "{" ? label.slice(i + 2, close) : label[i + 1], false, true);
      i = close + 1;
      continue;
    }
    if (LETTER.test(label[i])) {
      let j = i;
      while (j < label.length && LETTER.test(label[j])) j++;
      const word = label.slice(i, j);
      push(word, [...word].length === 1, false);
      i = j;
      continue;
    }
    push(label[i], false, false);
    i++;
  }
  return runs;
}

/** `label` as DOM nodes in `parent`: <i> for symbols, <sub> for subscripts, text for the rest. */
export function writeMath(parent, label) {
  for (const { text, italic, sub } of mathRuns(label)) {
    if (!italic && !sub) parent.append(document.createTextNode(text));
    else {
      const node = document.createElement(sub ? "sub" : "i");
      node.textContent = text;
      parent.append(node);
    }
  }
  return parent;
}
