"""vae_helpers.info against scipy and hand-worked cases."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from scipy import special, stats

from vae_helpers.info import cross_entropy, entropy, information_content, kl_divergence

P = np.array([0.5, 0.25, 0.125, 0.125])
Q = np.array([0.25, 0.25, 0.25, 0.25])


def probability_vectors(size: int):
    """Random probability vectors with some exact zeros."""
    weights = arrays(np.float64, size, elements=st.floats(0, 10)).filter(lambda w: w.sum() > 1e-3)
    return weights.map(lambda w: w / w.sum())


@pytest.mark.parametrize("n", [1, 3, 10])
def test_information_content_of_one_in_two_to_the_n_is_n_bits(n):
    assert information_content(1 / 2**n) == pytest.approx(n)


def test_information_content_in_nats_and_of_impossible_event():
    assert information_content(np.exp(-2.0), base=np.e) == pytest.approx(2.0)
    assert information_content(0.0) == np.inf
    assert information_content(1.0) == 0.0


def test_entropy_matches_scipy_in_bits_and_nats():
    assert entropy(P) == pytest.approx(1.75)  # hand-worked: 0.5*1 + 0.25*2 + 2*0.125*3
    assert entropy(P, base=np.e) == pytest.approx(stats.entropy(P))
    assert entropy(P, base=2) == pytest.approx(stats.entropy(P, base=2))


def test_entropy_treats_zero_log_zero_as_zero():
    assert entropy([1.0, 0.0]) == 0.0
    assert entropy([0.5, 0.5, 0.0]) == pytest.approx(1.0)


def test_entropy_of_uniform_is_log_n_and_maximal():
    assert entropy(np.full(8, 1 / 8)) == pytest.approx(3.0)
    assert entropy(P) < entropy(Q)


def test_entropy_works_on_a_batch_along_the_last_axis():
    batch = np.stack([P, Q])
    np.testing.assert_allclose(entropy(batch), [1.75, 2.0])


def test_cross_entropy_is_entropy_plus_kl_and_matches_scipy():
    assert cross_entropy(P, Q) == pytest.approx(2.0)  # every symbol costs 2 bits under uniform Q
    assert cross_entropy(P, Q) == pytest.approx(stats.entropy(P, base=2) + stats.entropy(P, Q, base=2))


def test_cross_entropy_is_infinite_where_q_is_zero_and_p_is_not():
    assert cross_entropy([0.5, 0.5], [1.0, 0.0]) == np.inf


def test_kl_matches_scipy_rel_entr_and_is_asymmetric():
    assert kl_divergence(P, Q, base=np.e) == pytest.approx(special.rel_entr(P, Q).sum())
    assert kl_divergence(Q, P, base=np.e) == pytest.approx(stats.entropy(Q, P))


def test_kl_is_asymmetric_on_a_hand_worked_pair():
    biased, fair = [0.9, 0.1], [0.5, 0.5]
    assert kl_divergence(biased, fair) == pytest.approx(1 - (-0.9 * np.log2(0.9) - 0.1 * np.log2(0.1)))
    assert kl_divergence(fair, biased) == pytest.approx(0.5 * np.log2(0.5 / 0.9) + 0.5 * np.log2(0.5 / 0.1))
    assert kl_divergence(biased, fair) < kl_divergence(fair, biased)


def test_kl_of_identical_distributions_is_zero():
    assert kl_divergence(P, P) == 0.0


def test_kl_is_infinite_where_q_is_zero_and_p_is_not_but_finite_the_other_way():
    assert kl_divergence([0.5, 0.5], [1.0, 0.0]) == np.inf
    assert kl_divergence([1.0, 0.0], [0.5, 0.5]) == pytest.approx(1.0)


@settings(max_examples=200, deadline=None)
@given(probability_vectors(5), probability_vectors(5))
def test_kl_is_never_negative_and_agrees_with_scipy(p, q):
    kl = kl_divergence(p, q, base=np.e)
    assert kl >= 0
    np.testing.assert_allclose(kl, stats.entropy(p, q), rtol=1e-9, atol=1e-12)


@settings(max_examples=200, deadline=None)
@given(probability_vectors(6))
def test_entropy_lies_between_zero_and_log_n(p):
    assert 0 <= entropy(p) <= np.log2(6) + 1e-12


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda: entropy([0.5, 0.6]), "p must sum to 1"),
        (lambda: entropy([1.5, -0.5]), "p must be non-negative"),
        (lambda: entropy(0.5), "p must be a probability vector"),
        (lambda: entropy(P, base=1), "base must be a positive number other than 1"),
        (lambda: cross_entropy(P, [0.5, 0.5]), r"q must have the same shape as p: got \(4,\) and \(2,\)"),
        (lambda: kl_divergence(P, [0.5, 0.6, -0.1, 0.0]), "q must be non-negative"),
        (lambda: information_content(1.5), r"p must lie in \[0, 1\]"),
        (lambda: entropy([np.nan, 1.0]), "p must not contain NaN"),
        (lambda: entropy("abc"), "p must be numeric"),
    ],
)
def test_bad_input_raises_a_value_error_naming_the_argument(call, message):
    with pytest.raises(ValueError, match=message):
        call()
