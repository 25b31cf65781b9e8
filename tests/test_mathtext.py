"""Labels with maths (vae_helpers/widgets/src/mathtext.js), run in Node: symbols in italics,
names upright, `_{...}` a subscript, as MathJax sets the same formula in the prose."""

from __future__ import annotations

import json

import pytest

from conftest import REPO_ROOT, run_es_module

MATHTEXT = REPO_ROOT / "vae_helpers" / "widgets" / "src" / "mathtext.js"


def _runs(label: str) -> list[tuple[str, str]]:
    runs = run_es_module(MATHTEXT, f"return m.mathRuns({json.dumps(label)});")
    return [(run["text"], "sub" if run["sub"] else "italic" if run["italic"] else "upright") for run in runs]


def test_the_kl_divergence_has_its_subscript_and_italic_symbols():
    assert _runs("D_{KL}(q ‖ p)") == [("D", "italic"), ("KL", "sub"), ("(", "upright"), ("q", "italic"),
                                      (" ‖ ", "upright"), ("p", "italic"), (")", "upright")]


def test_names_stay_upright_and_greek_symbols_are_italic():
    assert _runs("−log p(x)") == [("−log ", "upright"), ("p", "italic"), ("(", "upright"), ("x", "italic"), (")", "upright")]
    assert _runs("bias θ, bits") == [("bias ", "upright"), ("θ", "italic"), (", bits", "upright")]


def test_a_single_character_subscript_needs_no_braces():
    assert _runs("z_1") == [("z", "italic"), ("1", "sub")]


def test_the_runs_spell_the_label_without_its_markup():
    label = "gap, D_{KL}(q ‖ p(z | x)) = 2.622 nats"
    assert "".join(text for text, _ in _runs(label)) == label.replace("_{", "").replace("KL}", "KL")


def test_an_unclosed_subscript_is_refused():
    with pytest.raises(Exception, match="unclosed"):
        _runs("D_{KL")
