"""vae_helpers.glued: several numbers glued in one call, each under its name and the suffix."""

import numpy as np
import pytest

from vae_helpers.glued import glue_numbers


@pytest.fixture
def glued(monkeypatch):
    """What myst-nb's glue receives, as (key, value, display) triples."""
    import myst_nb

    calls = []
    monkeypatch.setattr(myst_nb, "glue", lambda key, value, display=True: calls.append((key, value, display)))
    return calls


def test_each_number_is_glued_hidden_under_its_name_and_suffix(glued):
    returned = glue_numbers("_beta1", kl=np.float32(3.5), n_codes=np.int64(10_000), sigma=0.25)
    assert glued == [("kl_beta1", 3.5, False), ("n_codes_beta1", 10_000, False), ("sigma_beta1", 0.25, False)]
    assert returned == {"kl_beta1": 3.5, "n_codes_beta1": 10_000, "sigma_beta1": 0.25}
    assert type(returned["kl_beta1"]) is float and type(returned["n_codes_beta1"]) is int


def test_without_suffix_the_name_is_the_key(glued):
    glue_numbers(limit=4.0)
    assert glued == [("limit", 4.0, False)]


@pytest.mark.parametrize(
    ("suffix", "values", "message"),
    [
        (1, {"kl": 1.0}, "suffix must be a string"),
        ("-beta", {"kl": 1.0}, "each key must be letters, digits and underscores: got 'kl-beta'"),
        ("", {"kl": "3"}, "kl must be one real number"),
        ("", {"kl": np.array([1.0, 2.0])}, "kl must be one real number"),
        ("", {"kl": True}, "kl must be one real number"),
    ],
)
def test_bad_input_is_refused_by_name(glued, suffix, values, message):
    with pytest.raises(ValueError, match=message):
        glue_numbers(suffix, **values)
    assert glued == []


def test_a_claim_glues_its_numbers_and_names_them_when_it_fails(glued):
    from vae_helpers.claims import ClaimError, claim

    claim(1.0 < 2.0, "one is less than two", **glue_numbers(smaller=1.0, larger=2.0))
    assert glued == [("smaller", 1.0, False), ("larger", 2.0, False)]
    with pytest.raises(ClaimError, match=r"'three is less than two'.*\(three=3, two=2\)"):
        claim(3.0 < 2.0, "three is less than two", **glue_numbers(three=3.0, two=2.0))
