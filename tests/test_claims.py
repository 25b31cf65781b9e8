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
