"""Round ticks for the panels' axes (vae_helpers/widgets/src/ticks.js), run in Node, against
hand-worked cases and a brute-force search over every candidate step."""

from __future__ import annotations

import json
import math

import pytest

from conftest import REPO_ROOT, run_es_module

TICKS = REPO_ROOT / "vae_helpers" / "widgets" / "src" / "ticks.js"


def _ticks(low: float, high: float, most: int) -> list[float]:
    return run_es_module(TICKS, f"return m.roundTicks({low}, {high}, {most});")


@pytest.mark.parametrize("low, high, most, expected", [
    (0, 1.05, 6, [0, 0.2, 0.4, 0.6, 0.8, 1.0]),  # the coin's entropy in bits: not 0.53 and 1.05
    (-6, 6, 7, [-6, -4, -2, 0, 2, 4, 6]),
    (0, 3.8, 5, [0, 1, 2, 3]),
    (0, 7.23, 4, [0, 2, 4, 6]),
    (-0.24, 0.9, 6, [-0.2, 0, 0.2, 0.4, 0.6, 0.8]),
    (0.3, 0.44, 4, [0.3, 0.35, 0.4]),
])
def test_ticks_are_the_hand_worked_round_numbers(low, high, most, expected):
    assert _ticks(low, high, most) == pytest.approx(expected, abs=1e-12)


def _brute_force(low: float, high: float, most: int) -> list[float]:
    """The multiples in [low, high] of the finest step of 1, 2 or 5 x 10^k that has at most `most` of them."""
    candidates = sorted(m * 10.0 ** k for k in range(-6, 7) for m in (1, 2, 5))
    for step in candidates:
        first, last = math.ceil(low / step - 1e-9), math.floor(high / step + 1e-9)
        if last - first + 1 <= most:
            return [k * step for k in range(first, last + 1)]
    raise AssertionError("no step")


def test_ticks_agree_with_a_brute_force_search_over_many_ranges():
    cases = [(-a, b, most) for a in (0, 0.013, 0.5, 3, 47) for b in (0.07, 1, 2.2, 9.9, 130) for most in (3, 4, 6, 9)]
    got = run_es_module(TICKS, f"return {json.dumps(cases)}.map(([l, h, n]) => m.roundTicks(l, h, n));")
    for (low, high, most), ticks in zip(cases, got):
        expected = _brute_force(low, high, most)
        assert ticks == pytest.approx(expected, rel=1e-9, abs=1e-12), (low, high, most)
        assert len(ticks) <= most and all(low - 1e-9 <= t <= high + 1e-9 for t in ticks)


@pytest.mark.parametrize("value, step, text", [(0.4, 0.2, "0.4"), (-2, 2, "\u22122"), (0, 0.5, "0.0"), (0.35, 0.05, "0.35"),
                                               (-0.0, 1, "0"), (1500, 500, "1500")])
def test_a_ticks_text_has_the_decimals_of_its_step_and_a_true_minus(value, step, text):
    assert run_es_module(TICKS, f"return m.tickText({value}, {step});") == text


def test_an_empty_range_is_refused():
    with pytest.raises(Exception, match="low < high"):
        run_es_module(TICKS, "return m.roundTicks(1, 1, 5);")
