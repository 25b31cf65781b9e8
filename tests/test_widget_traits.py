"""Every synced trait of every widget, driven by hypothesis: a value is either held as its rule says, or refused.

A synced trait is what the page and Python exchange. For each one the test knows the rule a
held value obeys (RULES, written here from the widget's docstring, not read from its code) and
throws values of every kind at it: floats with NaN and infinities, huge integers, booleans,
numpy scalars and arrays, lists, text, None. An accepted value must obey the rule (a numpy
value held as a plain float or int); a refused one must raise a ValueError naming the trait,
or, for a trait only Python writes, a read-only error; either way nothing else changes. A
synced trait without a rule here fails the test, so a new trait cannot skip its check.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
import traitlets
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from vae_helpers.widgets import CoinPanel, DistributionPanel, ElboPanel, GaussianKLPanel
from vae_helpers.widgets._base import BookWidget

# Traits every anywidget has (its module, style, layout): not the widgets' contract.
BASE = (set(BookWidget.class_traits(sync=True)) - {"ranges"}) | {"_esm", "_css", "_anywidget_id"}

numbers = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True), st.floats(-5, 5), st.integers(-10**12, 10**12),
    st.integers(-3, 10), st.booleans(),
    st.floats(-5, 5, width=32).map(np.float32), st.integers(-3, 10).map(np.int64),
)
values = st.one_of(
    numbers, st.none(), st.text(max_size=3),
    st.lists(numbers, max_size=9), st.lists(st.floats(0, 1), min_size=2, max_size=9).map(np.array),
    st.lists(st.integers(-2, 500), min_size=2, max_size=2), st.lists(st.integers(-2, 500), min_size=2, max_size=2).map(np.array),
)


def number_in(low, high):
    return lambda value: type(value) is float and low <= value <= high


def numbers_in(low, high, lengths):
    return lambda value: type(value) is list and len(value) in lengths and all(number_in(low, high)(v) for v in value)


READ_ONLY = "read-only"
RULES = {
    CoinPanel: {"bias": number_in(0, 1), "base": READ_ONLY, "panel": READ_ONLY, "ranges": READ_ONLY},
    DistributionPanel: {
        "p_weights": numbers_in(0.01, 1, {4}), "q_weights": numbers_in(0.01, 1, {4}),  # as many as the other
        "base": READ_ONLY, "panel": READ_ONLY, "ranges": READ_ONLY,
    },
    GaussianKLPanel: {"mu": number_in(-3, 3), "sigma": number_in(0.1, 3), "draws": READ_ONLY, "panel": READ_ONLY,
                      "ranges": READ_ONLY},
    ElboPanel: {"mu": number_in(-3, 3), "sigma": number_in(0.1, 2), "weight": READ_ONLY, "bias": READ_ONLY,
                "noise_std": READ_ONLY, "x": READ_ONLY, "ranges": READ_ONLY},
}


def _explorer_rules(explorer) -> dict:
    n, limit = len(explorer.means), explorer.limit
    rules = {
        "z": numbers_in(-limit, limit, {2}),
        "t": number_in(0, 1),
        "endpoints": lambda value: type(value) is list and len(value) == 2 and all(type(i) is int and 0 <= i < n for i in value),
        "model_index": lambda value: type(value) is int and 0 <= value <= len(explorer.models),
    }
    written_once = set(type(explorer).class_traits(sync=True)) - BASE - set(rules)
    return rules | dict.fromkeys(written_once, READ_ONLY)


def _check(widget, name: str, rule, value) -> None:
    before = widget.get_state()
    try:
        setattr(widget, name, value)
    except traitlets.TraitError as error:
        assert rule is READ_ONLY and "read-only" in str(error), f"{name} = {value!r}: {error}"
    except ValueError as error:
        assert rule is not READ_ONLY and name.split("_")[0] in str(error), f"{name} = {value!r}: {error}"
    else:
        assert rule is not READ_ONLY, f"{name} is written by Python only, yet {value!r} was taken"
        held = getattr(widget, name)
        assert rule(held), f"{name} = {value!r} was taken and held as {held!r}"
        return
    assert widget.get_state() == before, f"a refused {name} = {value!r} changed the widget"


@pytest.mark.parametrize("cls", list(RULES), ids=lambda cls: cls.__name__)
def test_every_synced_trait_has_a_rule(cls):
    assert set(cls.class_traits(sync=True)) - BASE == set(RULES[cls])


@pytest.mark.parametrize("cls", list(RULES), ids=lambda cls: cls.__name__)
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_every_synced_trait_of_a_panel_holds_only_what_its_rule_allows(cls, data):
    widget = cls()
    name = data.draw(st.sampled_from(sorted(RULES[cls])))
    _check(widget, name, RULES[cls][name], data.draw(values))
    widget.close()


@pytest.fixture(scope="module")
def explorer():
    from vae_helpers.model import build_decoder, build_encoder
    from vae_helpers.widgets.explorer import LatentExplorer

    rng = np.random.default_rng(0)
    explorer = LatentExplorer(build_encoder(seed=0), build_decoder(seed=0), rng.random((40, 784)), np.arange(40) % 10)
    yield explorer
    explorer.close()


def test_every_synced_trait_of_the_explorer_has_a_rule(explorer):
    assert {"z", "t", "endpoints", "model_index", "limit", "codes", "decoder_layers"} <= set(_explorer_rules(explorer))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_every_synced_trait_of_the_explorer_holds_only_what_its_rule_allows(explorer, data):
    rules = _explorer_rules(explorer)
    name = data.draw(st.sampled_from(sorted(rules)))
    _check(explorer, name, rules[name], data.draw(values))


def test_the_rules_can_fail():
    assert not number_in(0, 1)(np.float32(0.5)) and not number_in(0, 1)(math.nan) and number_in(0, 1)(0.5)
