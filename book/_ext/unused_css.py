"""A stylesheet without the rules nothing in the site can match (used by ``page_head``).

The theme's stylesheet is Bootstrap's whole framework and Font Awesome's every icon: 3,200 rules
and 45 kB gzipped that a phone downloads before it shows any text, most of them for classes no
page of this book has. A rule goes when every selector in its list names a class or an id that
no page and no script the pages load names, the test PurgeCSS uses: a class a script adds (the
theme's ``show``, ``dropdown-menu-dark``) is named in its text, so its rules stay; one a script
builds from parts (Bootstrap's ``"bs-" + placement``) stays through its prefix (``bs-``).
Rules inside ``@media``/``@supports`` are judged the same way; ``@font-face`` and ``@keyframes``
stay (a browser fetches only the fonts it uses). What is kept is the text as written.
"""

from __future__ import annotations

import re

WORD = re.compile(r"[\w-]+")
GROUPING = ("media", "supports", "container", "layer")
# Classes and ids a selector needs: after attribute selectors (``[href$=".pdf"]`` names no class) and
# the arguments of functional pseudo-classes (``:not(.a)`` needs no ``.a``) are taken out.
NAME = re.compile(r"[.#](-?[_a-zA-Z\\][\w\\-]*)")
PSEUDO_CALL = re.compile(r":[\w-]+\(")
COMMENT = re.compile(r"/\*.*?\*/", re.S)


def words(texts: list[str]) -> set[str]:
    """Every word (letters, digits, ``_`` and ``-``) of ``texts``: the names a class or id may have."""
    return set().union(*(WORD.findall(text) for text in texts))


def _rules(css: str) -> list[tuple[int, int | None, int]]:
    """(start, brace, end) of each top-level rule of ``css``, brace None for a statement (``@import ...;``).
    Comments and strings are skipped, so a brace in ``content: "{"`` is not a block."""
    rules, start, depth, brace, i = [], 0, 0, None, 0
    while i < len(css):
        char = css[i]
        if css.startswith("/*", i):
            end = css.find("*/", i + 2)
            i = len(css) if end < 0 else end + 2
            continue
        if char in "\"'":
            i += 1
            while i < len(css) and css[i] != char:
                i += 2 if css[i] == "\\" else 1
        elif char == "{":
            brace = i if depth == 0 else brace
            depth += 1
        elif char == "}":
            depth -= 1
            if depth == 0:
                rules.append((start, brace, i + 1))
                start = i + 1
        elif char == ";" and depth == 0:
            rules.append((start, None, i + 1))
            start = i + 1
        i += 1
    return rules


def _split(selectors: str) -> list[str]:
    """A selector list's selectors (commas inside ``:is(a, b)`` or ``[x="a,b"]`` do not split it)."""
    parts, depth, start = [], 0, 0
    for i, char in enumerate(selectors):
        depth += char in "([" and 1 or char in ")]" and -1 or 0
        if char == "," and depth == 0:
            parts.append(selectors[start:i])
            start = i + 1
    return [*parts, selectors[start:]]


def _without_calls(selector: str) -> str:
    """``selector`` without the arguments of its functional pseudo-classes."""
    while match := PSEUDO_CALL.search(selector):
        depth, i = 1, match.end()
        while i < len(selector) and depth:
            depth += {"(": 1, ")": -1}.get(selector[i], 0)
            i += 1
        selector = selector[: match.start()] + selector[i:]
    return selector


def _named(name: str, known: set[str]) -> bool:
    """Whether ``name`` is in ``known``, or built from a prefix there (``bs-`` for ``bs-tooltip-auto``)."""
    return name in known or any(name[: i + 1] in known for i, char in enumerate(name) if char == "-" and i > 0)


def can_match(selector: str, known: set[str]) -> bool:
    """Whether every class and id ``selector`` needs is named in ``known`` (an escaped name counts as named)."""
    flat = _without_calls(re.sub(r"\[[^\]]*\]", "", COMMENT.sub("", selector)))
    return all("\\" in name or _named(name, known) for name in NAME.findall(flat))


def without_unused_rules(css: str, known: set[str]) -> str:
    """``css`` without the style rules none of whose selectors ``can_match`` with the names in ``known``."""
    kept, last = [], 0
    for start, brace, end in _rules(css):
        head = COMMENT.sub("", css[start:brace if brace is not None else end]).strip()
        keep = css[start:end]
        if brace is not None and head.startswith("@"):
            if head[1:].split(None, 1)[0].lower() in GROUPING:
                inner = without_unused_rules(css[brace + 1 : end - 1], known)
                keep = css[start : brace + 1] + inner + "}" if inner.strip() else ""
        elif brace is not None and not any(can_match(selector, known) for selector in _split(head)):
            keep = ""
        kept.append(keep)
        last = end
    return "".join(kept) + css[last:]
