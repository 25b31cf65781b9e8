"""vae_helpers.claims: a true claim passes, a false one names itself, bad input is refused."""

import numpy as np
import pytest

from vae_helpers.claims import ClaimError, claim


def test_a_true_claim_passes():
    assert claim(2 > 1, "two is more than one") is None
    assert claim(np.float64(0.3) < 0.5, "a numpy comparison") is None
    assert claim(np.array(True), "a 0-d boolean array") is None


def test_a_false_claim_names_the_sentence_and_the_values():
    with pytest.raises(ClaimError, match=r"'the codes spread wider than the prior'.*spread=0\.9"):
        claim(0.9 > 1.0, "the codes spread wider than the prior", spread=0.9)


def test_a_false_claim_is_an_assertion_error():
    # Notebooks that already assert keep working; a ClaimError is an AssertionError too.
    with pytest.raises(AssertionError):
        claim(False, "false")


@pytest.mark.parametrize("condition", [1, 0, 0.0, "yes", None, [True], np.array([True, False]), np.array([True]), np.float64(1)])
def test_a_condition_that_is_not_a_boolean_is_refused(condition):
    with pytest.raises(ValueError, match="condition must be a bool"):
        claim(condition, "a claim")


@pytest.mark.parametrize("statement", ["", "   ", None, 3])
def test_an_empty_or_missing_statement_is_refused(statement):
    with pytest.raises(ValueError, match="statement must be a non-empty string"):
        claim(True, statement)


NAN = float("nan")


@pytest.mark.parametrize(
    ("condition", "values"),
    [
        (NAN != 0, {"err": NAN}),  # true, and meaningless
        (not (NAN > 0.1), {"err": NAN}),
        (True, {"gap": np.float32("nan"), "spread": 1.0}),
        (True, {"curve": np.array([1.0, NAN])}),
        (False, {"err": NAN}),
    ],
    ids=["!= 0", "not >", "float32", "array", "false too"],
)
def test_a_claim_whose_shown_values_are_nan_fails_naming_the_value(condition, values):
    name = next(name for name, value in values.items() if np.isnan(np.asarray(value)).any())
    with pytest.raises(ClaimError, match=rf"{name} is NaN: the computation failed"):
        claim(condition, "a sentence", **values)


from hypothesis import given, settings
from hypothesis import strategies as st


@given(value=st.one_of(st.floats(allow_nan=True), st.integers(), st.text(max_size=4), st.none(),
                       st.lists(st.floats(allow_nan=True), max_size=4)),
       condition=st.booleans())
@settings(max_examples=300, deadline=None)
def test_a_claim_passes_exactly_when_it_is_true_and_its_values_hold_no_nan(value, condition):
    holds_nan = isinstance(value, (float, list)) and np.isnan(np.asarray(value, dtype=float)).any()
    if condition and not holds_nan:
        claim(condition, "a sentence", value=value)
    else:
        with pytest.raises(ClaimError, match="'a sentence'"):
            claim(condition, "a sentence", value=value)
