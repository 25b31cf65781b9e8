"""Bad input gets a clear error from the package itself; valid extremes get finite, correct values.

Generated bad inputs (wrong dtypes, shapes, NaN and inf, wrong types, out-of-range values) go
to every public function of info, gaussian, reparameterization, plotting, latent, article,
diagram, _validation and the non-pretrained part of model, and each must raise a
``ValueError`` whose traceback ends inside ``vae_helpers`` and whose message names the
argument: not a numpy, Keras or TensorFlow error from deep inside, not a NaN, not a silently
wrong answer. Generated valid extremes go to the numerical functions, checked against scipy
or against the closed forms evaluated in 200-digit decimal arithmetic.
"""

from __future__ import annotations

import decimal
from decimal import Decimal

import numpy as np
import pytest
import scipy.special
import scipy.stats
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from vae_helpers import _validation, gaussian, info, plotting, reparameterization
from vae_helpers.reparameterization import SQUARE

FAST = settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
FEW = settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])


def raises_from_package(call, name: str) -> ValueError:
    """Call ``call`` and check it raises a ValueError from vae_helpers' own code, naming ``name``."""
    with pytest.raises(ValueError) as caught:
        call()
    path = str(caught.traceback[-1].path)
    assert "/vae_helpers/" in path, f"raised from {path}, not by the package: {caught.value!r}"
    assert name in str(caught.value), f"the message does not name {name}: {caught.value}"
    return caught.value


# --- bad values ---------------------------------------------------------------------------

NOT_NUMBERS = st.sampled_from(["0.5", "abc", b"1", None, {"p": 1}, object(), [[0.5, 0.5], [1.0]]])


def _with_nan(array: np.ndarray, index: int) -> np.ndarray:
    array = array.astype(np.float64).copy()
    array.flat[index % array.size] = np.nan
    return array


def bad_arrays(shape: tuple[int, ...] = (3,)) -> st.SearchStrategy:
    """Arrays of the right shape that hold no real numbers: complex, boolean, NaN, text, other objects."""
    return st.one_of(
        hnp.arrays(np.complex128, shape, elements=st.complex_numbers(min_magnitude=0.1, max_magnitude=1).filter(lambda c: c.imag != 0)),
        hnp.arrays(np.bool_, shape),
        st.builds(_with_nan, hnp.arrays(np.float64, shape, elements=st.floats(0, 1)), st.integers(0, 100)),
        hnp.arrays(np.dtype("U3"), shape, elements=st.sampled_from(["0.5", "a", "1"])),
        NOT_NUMBERS,
    )


BAD_BASES = st.one_of(
    st.sampled_from(["2", None, True, 1, 1.0, 0, -2.0, np.nan, np.inf, -np.inf, 2j, [2], np.array([2.0, 3.0])]),
    st.floats(max_value=0, allow_nan=False),
)
BAD_COUNTS = st.one_of(st.sampled_from([0, -1, 2.5, True, "3", None, np.nan, [3]]), st.integers(max_value=0))
BAD_SEEDS = st.sampled_from([-1, 1.5, "0", True, [0], np.nan])
# For array arguments; a scalar argument also refuses a list (BAD_POSITIVE_NUMBER, BAD_FINITE_NUMBER).
BAD_POSITIVE = st.one_of(st.sampled_from([0, -1.0, np.nan, np.inf, "1", None, True, 1j]), st.floats(max_value=0, allow_nan=False))
BAD_FINITE = st.sampled_from([np.nan, np.inf, -np.inf, "1", None, True, 1j])
BAD_POSITIVE_NUMBER = st.one_of(BAD_POSITIVE, st.sampled_from([[1.0], np.array([1.0, 2.0])]))
BAD_FINITE_NUMBER = st.one_of(BAD_FINITE, st.sampled_from([[1.0], np.array([1.0, 2.0])]))
P = np.array([0.25, 0.75])


# --- info ---------------------------------------------------------------------------------

@FAST
@given(p=bad_arrays((2,)), function=st.sampled_from([info.information_content, info.entropy]))
def test_info_refuses_a_p_that_is_not_real_numbers(p, function):
    raises_from_package(lambda: function(p), "p")


@FAST
@given(base=BAD_BASES, function=st.sampled_from([info.information_content, info.entropy]))
def test_info_refuses_a_bad_base(base, function):
    raises_from_package(lambda: function(P, base=base), "base")


@FAST
@given(base=BAD_BASES, function=st.sampled_from([info.cross_entropy, info.kl_divergence]))
def test_divergences_refuse_a_bad_base(base, function):
    raises_from_package(lambda: function(P, P, base=base), "base")


@FAST
@given(
    bad=st.one_of(bad_arrays((2,)), st.sampled_from([[0.5, 0.6], [-0.5, 1.5], [1.0, 0.0, 0.0], 1.0, []])),
    which=st.sampled_from(["p", "q"]),
    function=st.sampled_from([info.cross_entropy, info.kl_divergence]),
)
def test_divergences_refuse_a_bad_distribution(bad, which, function):
    arguments = {"p": P, "q": P, which: bad}
    raises_from_package(lambda: function(**arguments), which)


@FAST
@given(p=st.one_of(st.floats(min_value=1.0, exclude_min=True), st.floats(max_value=0.0, exclude_max=True)))
def test_information_content_refuses_a_probability_outside_0_1(p):
    raises_from_package(lambda: info.information_content(p), "p")


# --- gaussian -----------------------------------------------------------------------------

@FAST
@given(bad=st.one_of(bad_arrays((2,)), BAD_POSITIVE), which=st.sampled_from(["var1", "var2"]))
def test_kl_normal_refuses_a_bad_variance(bad, which):
    arguments = {"mu1": 0.0, "var1": 1.0, "mu2": 0.0, "var2": 1.0, which: bad}
    raises_from_package(lambda: gaussian.kl_normal(**arguments), which)


@FAST
@given(bad=st.one_of(bad_arrays((2,)), BAD_FINITE), which=st.sampled_from(["mu1", "mu2"]))
def test_kl_normal_refuses_a_bad_mean(bad, which):
    arguments = {"mu1": 0.0, "var1": 1.0, "mu2": 0.0, "var2": 1.0, which: bad}
    raises_from_package(lambda: gaussian.kl_normal(**arguments), which)


def test_gaussian_functions_refuse_shapes_that_do_not_broadcast():
    raises_from_package(lambda: gaussian.kl_normal(np.zeros(2), np.ones(3), 0.0, 1.0), "broadcast")
    raises_from_package(lambda: gaussian.normal_log_pdf(np.zeros(2), np.zeros(3)), "broadcast")
    raises_from_package(lambda: gaussian.kl_to_standard_normal(np.zeros(2), np.zeros(3)), "log_var")
    raises_from_package(lambda: gaussian.kl_to_standard_normal(0.0, 0.0), "mu")


@FAST
@given(
    bad=st.one_of(bad_arrays((2,)), BAD_POSITIVE),
    function=st.sampled_from([gaussian.normal_log_pdf, gaussian.normal_pdf]),
)
def test_normal_densities_refuse_a_bad_sigma(bad, function):
    raises_from_package(lambda: function(np.zeros(2), 0.0, bad), "sigma")


@FAST
@given(bad=bad_arrays((3,)), which=st.sampled_from(["mu", "log_var"]))
def test_kl_to_standard_normal_refuses_what_is_not_real_numbers(bad, which):
    arguments = {"mu": np.zeros(3), "log_var": np.zeros(3), which: bad}
    raises_from_package(lambda: gaussian.kl_to_standard_normal(**arguments), which)


@FAST
@given(
    case=st.one_of(
        st.tuples(st.just("n_samples"), BAD_COUNTS.filter(lambda n: n != 1) | st.just(1)),
        st.tuples(st.just("seed"), BAD_SEEDS),
        st.tuples(st.just("log_var"), st.sampled_from([np.array([np.inf]), np.array([-np.inf]), np.array([np.nan])])),
        st.tuples(st.just("mu"), st.sampled_from([np.array([np.inf]), 0.0, np.array([1 + 1j])])),
    )
)
def test_kl_monte_carlo_refuses_bad_arguments(case):
    name, bad = case
    arguments = {"mu": np.zeros(1), "log_var": np.zeros(1), "n_samples": 10, "seed": 0, name: bad}
    raises_from_package(lambda: gaussian.kl_monte_carlo(**arguments), name)


def test_kl_monte_carlo_of_a_tiny_variance_does_not_mention_a_sigma_nobody_passed():
    estimate = gaussian.kl_monte_carlo([0.0], [-1e4], 1000, seed=0)
    assert np.isfinite(estimate.estimate)
    raises_from_package(lambda: gaussian.kl_monte_carlo([0.0], [1e4], 10, seed=0), "log_var")


# --- reparameterization -------------------------------------------------------------------

ESTIMATE = st.sampled_from([reparameterization.reparameterized_gradient, reparameterization.score_function_gradient])


@FAST
@given(
    function=ESTIMATE,
    case=st.one_of(
        st.tuples(st.just("mu"), BAD_FINITE_NUMBER),
        st.tuples(st.just("sigma"), BAD_POSITIVE_NUMBER),
        st.tuples(st.just("n_samples"), BAD_COUNTS),
        st.tuples(st.just("seed"), BAD_SEEDS),
        st.tuples(st.just("objective"), st.sampled_from([None, "z^2", lambda z: z**2, (1, 2, 3, 4)])),
    ),
)
def test_gradient_estimators_refuse_bad_arguments(function, case):
    name, bad = case
    arguments = {"objective": SQUARE, "mu": 0.0, "sigma": 1.0, "n_samples": 10, "seed": 0, name: bad}
    raises_from_package(lambda: function(**arguments), name)


@FAST
@given(
    case=st.one_of(
        st.tuples(st.just("estimator"), st.sampled_from(["pathwise", None, 1, ["reparameterized"]])),
        st.tuples(st.just("n_repeats"), st.sampled_from([1, 0, 2.5, True, "10"])),
        st.tuples(st.just("n_samples"), st.sampled_from([0, -3, 1.5, None])),
    )
)
def test_estimator_variance_refuses_bad_arguments(case):
    name, bad = case
    arguments = {"estimator": "reparameterized", "objective": SQUARE, "mu": 0.0, "sigma": 1.0, "n_samples": 1, "n_repeats": 10, name: bad}
    raises_from_package(lambda: reparameterization.estimator_variance(**arguments), name)


@pytest.mark.parametrize("function", [reparameterization.reparameterized_gradient, reparameterization.score_function_gradient])
def test_gradient_estimators_refuse_an_overflow_rather_than_return_inf_or_nan(function):
    raises_from_package(lambda: function(SQUARE, 1e200, 1e200, 10, seed=0), "mu and sigma")


# --- plotting, latent grids and scatter (numpy and matplotlib only) ----------------------

IMAGES = np.full((3, 784), 0.5)


@FAST
@given(
    images=st.one_of(
        bad_arrays((2, 784)),
        st.sampled_from([np.zeros((0, 784)), np.zeros((2, 783)), np.full((2, 784), 255.0), np.zeros(784), np.zeros((2, 2, 784))]),
    )
)
def test_digit_grid_refuses_bad_images(images):
    raises_from_package(lambda: plotting.digit_grid(images, ncols=2), "images")


@FAST
@given(case=st.one_of(st.tuples(st.just("ncols"), BAD_COUNTS), st.tuples(st.just("padding"), st.sampled_from([-1, 1.5, "1", None, True]))))
def test_digit_grid_refuses_bad_layout(case):
    name, bad = case
    arguments = {"images": IMAGES, "ncols": 2, "padding": 1, name: bad}
    raises_from_package(lambda: plotting.digit_grid(**arguments), name)


def test_plots_refuse_bad_axes_titles_and_sizes():
    import matplotlib.pyplot as plt

    raises_from_package(lambda: plotting.draw_digits("ax", np.zeros((28, 28))), "ax")
    raises_from_package(lambda: plotting.draw_digits(None, np.zeros((28, 28))), "ax")
    figure, ax = plt.subplots()
    raises_from_package(lambda: plotting.draw_digits(ax, np.full((28, 28), 255.0)), "pixels")
    raises_from_package(lambda: plotting.draw_digits(ax, np.zeros(784)), "pixels")
    raises_from_package(lambda: plotting.show_digit_grid(IMAGES, ax="left"), "ax")
    raises_from_package(lambda: plotting.show_digit_grid(IMAGES, title=3), "title")
    raises_from_package(lambda: plotting.show_digit_grid(IMAGES, size=0), "size")
    raises_from_package(lambda: plotting.show_digit_grid(np.full((2, 784), 255), ax=ax), "images")
    plt.close(figure)


@FAST
@given(
    call=st.sampled_from(["square_grid", "prior_grid"]),
    case=st.one_of(st.tuples(st.just("n"), BAD_COUNTS), st.tuples(st.just("extent"), BAD_POSITIVE_NUMBER)),
)
def test_latent_grids_refuse_bad_arguments(call, case):
    from vae_helpers import latent

    name, bad = case
    assume(not (call == "prior_grid" and name == "extent"))
    arguments = {"n": 3, name: bad} if call == "prior_grid" else {"n": 3, "extent": 2.0, name: bad}
    raises_from_package(lambda: getattr(latent, call)(**arguments), name)


@FAST
@given(
    case=st.one_of(
        st.tuples(st.just("mu"), st.one_of(bad_arrays((3, 2)), st.sampled_from([np.zeros((3, 3)), np.zeros(3), np.full((3, 2), np.inf)]))),
        st.tuples(st.just("labels"), st.sampled_from([np.array([0, 1, np.nan]), np.array([0, 1, 10]), np.array([0, 1, 1.5]), np.zeros(2), np.array([-1, 0, 1]), "012"])),
        st.tuples(st.just("limit"), BAD_POSITIVE_NUMBER.filter(lambda value: value is not None)),
        st.tuples(st.just("title"), st.sampled_from([1, ["t"]])),
        st.tuples(st.just("ax"), st.sampled_from(["ax", 1])),
    )
)
def test_latent_scatter_refuses_bad_arguments(case):
    from vae_helpers import latent

    name, bad = case
    arguments = {"mu": np.zeros((3, 2)), "labels": np.array([0, 1, 2]), name: bad}
    raises_from_package(lambda: latent.plot_latent_scatter(**arguments), name)


# --- the article's true reconstruction loss and the image check --------------------------

@FAST
@given(epsilon=st.one_of(st.sampled_from([0, 0.5, 0.7, 1, -1e-7, np.nan, np.inf, "1e-7", None, True]), st.floats(min_value=0.5)))
def test_true_reconstruction_loss_refuses_an_epsilon_outside_0_one_half(epsilon):
    from vae_helpers.article import true_reconstruction_loss

    raises_from_package(lambda: true_reconstruction_loss(IMAGES, IMAGES, epsilon=epsilon), "epsilon")


@FAST
@given(bad=st.one_of(bad_arrays((3, 784)), st.sampled_from([np.full((3, 784), 2.0), np.full((3, 784), -0.1)])), which=st.sampled_from(["x", "probabilities"]))
def test_true_reconstruction_loss_refuses_bad_pixels(bad, which):
    from vae_helpers.article import true_reconstruction_loss

    arguments = {"x": IMAGES, "probabilities": IMAGES, which: bad}
    raises_from_package(lambda: true_reconstruction_loss(**arguments), which)


@FAST
@given(
    x=st.one_of(
        bad_arrays((2, 784)),
        st.sampled_from([np.zeros((2, 28, 28)), np.zeros(784), np.full((2, 784), 255.0), np.full((2, 784), np.inf), np.zeros((2, 10))]),
    )
)
def test_check_images_refuses_what_is_not_flattened_pixel_intensities(x):
    raises_from_package(lambda: _validation.check_images(x, "x"), "x")


@FAST
@given(dtype=st.sampled_from([np.float16, np.float32, np.float64, np.int64, np.uint8]))
def test_check_images_takes_any_real_dtype_and_returns_float32(dtype):
    pixels = np.random.default_rng(0).integers(0, 2, (3, 784)).astype(dtype)
    checked = _validation.check_images(pixels, "x")
    assert checked.dtype == np.float32
    np.testing.assert_array_equal(checked, pixels.astype(np.float32))


# --- valid extremes: finite, correct values ---------------------------------------------

decimal.getcontext().prec = 200


def _reference_kl_normal(mu1: float, var1: float, mu2: float, var2: float) -> float:
    """The closed form, exactly as written in the book, in 200-digit decimal arithmetic."""
    mu1, var1, mu2, var2 = map(Decimal, (mu1, var1, mu2, var2))
    return float((var2 / var1).ln() / 2 + (var1 + (mu1 - mu2) ** 2) / (2 * var2) - Decimal("0.5"))


def _reference_kl_to_standard_normal(mu: np.ndarray, log_var: np.ndarray) -> float:
    total = sum(
        (Decimal(float(lv)).exp() - 1 - Decimal(float(lv)) + Decimal(float(m)) ** 2) / 2 for m, lv in zip(mu, log_var)
    )
    return float(total)


# Variances spread over the whole float range, subnormals included, and close pairs.
VARIANCES = st.one_of(
    st.floats(-320, 300).map(lambda e: 10.0**e),
    st.sampled_from([1e-320, 5e-324, 1.0, 1.0 + 1e-12, 1e200, 1e300]),
)
MEANS = st.one_of(st.floats(-1e100, 1e100), st.sampled_from([0.0, 1e-300, -1e100]))


def test_kl_normal_at_the_issues_extremes():
    assert gaussian.kl_normal(0, 1e-320, 0, 1) == pytest.approx(367.913620445487, rel=1e-12)
    assert gaussian.kl_normal(0, 1e-200, 0, 1e200) == pytest.approx(_reference_kl_normal(0, 1e-200, 0, 1e200), rel=1e-12)
    assert gaussian.kl_to_standard_normal([0.0], [np.inf]) == np.inf
    assert gaussian.kl_to_standard_normal([0.0], [-np.inf]) == np.inf
    assert gaussian.kl_to_standard_normal([np.inf], [0.0]) == np.inf


@FAST
@given(mu1=MEANS, var1=VARIANCES, mu2=MEANS, var2=VARIANCES)
def test_kl_normal_matches_the_closed_form_in_exact_arithmetic(mu1, var1, mu2, var2):
    expected = _reference_kl_normal(mu1, var1, mu2, var2)
    value = float(gaussian.kl_normal(mu1, var1, mu2, var2))
    assert value >= 0
    if expected > 1e307:
        assert value > 1e306  # inf, or close to the largest float: the truth does not fit
    else:
        assert value == pytest.approx(expected, rel=1e-10, abs=1e-150)


@FAST
@given(
    mu=hnp.arrays(np.float64, 3, elements=st.floats(-1e100, 1e100)),
    log_var=hnp.arrays(np.float64, 3, elements=st.one_of(st.floats(-1e4, 700), st.floats(-1e-8, 1e-8))),
)
def test_kl_to_standard_normal_matches_the_closed_form_in_exact_arithmetic(mu, log_var):
    expected = _reference_kl_to_standard_normal(mu, log_var)
    value = float(gaussian.kl_to_standard_normal(mu, log_var))
    assert value >= 0
    if expected > 1e307:
        assert value > 1e306
    else:
        assert value == pytest.approx(expected, rel=1e-10, abs=1e-150)


@FAST
@given(mu=st.floats(-1e3, 1e3), log_var=st.floats(-1e4, 600))
def test_kl_monte_carlo_agrees_with_the_closed_form_at_extreme_variances(mu, log_var):
    estimate = gaussian.kl_monte_carlo([mu], [log_var], 400, seed=0)
    exact = _reference_kl_to_standard_normal(np.array([mu]), np.array([log_var]))
    assert np.isfinite(estimate.estimate) and np.isfinite(estimate.standard_error)
    # Rounding: sigma**2 = exp(log_var) is 1 for |log_var| < 1e-16 (an error of log_var / 2),
    # and (mu + epsilon)**2 - epsilon**2 loses a mu**2 below 1e-16 (an error of mu**2 / 2).
    assert abs(estimate.estimate - exact) <= 6 * estimate.standard_error + 1e-9 * abs(exact) + abs(log_var) + 1e-15


PROBABILITY_VECTORS = hnp.arrays(
    np.float64, st.integers(1, 6), elements=st.one_of(st.floats(0, 1), st.sampled_from([0.0, 1e-300, 5e-324]))
).filter(lambda w: w.sum() > 0).map(lambda w: w / w.sum())
BASES = st.one_of(st.sampled_from([2, np.e, 10]), st.floats(1.01, 1e6))


@FAST
@given(p=PROBABILITY_VECTORS, base=BASES)
def test_entropy_matches_scipy_and_is_never_negative(p, base):
    value = info.entropy(p, base=base)
    assert value >= 0
    assert value == pytest.approx(scipy.stats.entropy(p, base=base), rel=1e-9, abs=1e-12)
    # Any real dtype is taken as the numbers it holds.
    for dtype in (np.float32,):
        assert info.entropy(p.astype(dtype), base=base) == info.entropy(p.astype(dtype).astype(np.float64), base=base)


@FAST
@given(p=PROBABILITY_VECTORS.filter(lambda p: p.size >= 2), data=st.data())
def test_kl_divergence_and_cross_entropy_match_scipy(p, data):
    weights = data.draw(hnp.arrays(np.float64, p.size, elements=st.floats(1e-3, 1)))
    q = weights / weights.sum()
    kl = info.kl_divergence(p, q, base=np.e)
    assert kl >= 0
    assert kl == pytest.approx(scipy.stats.entropy(p, q), rel=1e-9, abs=1e-12)
    assert info.cross_entropy(p, q, base=np.e) == pytest.approx(-(scipy.special.xlogy(p, q)).sum(), rel=1e-9, abs=1e-12)


def test_entropy_of_a_nearly_certain_outcome_is_zero_not_negative():
    assert info.entropy([1 + 1e-9, 0]) == 0.0
    assert info.entropy(np.array([1, 0], dtype=np.float16)) == 0.0
    assert info.kl_divergence([0.5, 0.5], [0.5, 0.5]) == 0.0


@FAST
@given(mu=st.floats(-1e40, 1e40), sigma=st.floats(1e-40, 1e40), function=ESTIMATE)
def test_gradient_estimators_stay_finite_and_unbiased_at_extremes(mu, sigma, function):
    estimate = function(SQUARE, mu, sigma, 200, seed=1)
    assert np.isfinite(estimate.estimate) and np.isfinite(estimate.standard_error)
    assert abs(estimate.estimate - 2 * mu) <= 6 * estimate.standard_error + 1e-9 * abs(mu)


@FAST
@given(
    x=hnp.arrays(np.float64, (2, 5), elements=st.floats(0, 1)),
    p=hnp.arrays(np.float64, (2, 5), elements=st.one_of(st.floats(0, 1), st.sampled_from([0.0, 1.0]))),
    epsilon=st.floats(1e-6, 0.49),
)
def test_true_reconstruction_loss_is_finite_and_matches_the_clipped_cross_entropy(x, p, epsilon):
    from vae_helpers.article import true_reconstruction_loss

    clipped = np.clip(p, epsilon, 1 - epsilon)
    expected = -(scipy.special.xlogy(x, clipped) + scipy.special.xlogy(1 - x, 1 - clipped)).sum(axis=-1)
    value = true_reconstruction_loss(x, p, epsilon=epsilon)
    assert np.isfinite(value).all() and (value >= 0).all()
    np.testing.assert_allclose(value, expected, rtol=1e-8, atol=1e-12)


def test_true_reconstruction_loss_with_an_epsilon_below_rounding_stays_finite():
    from vae_helpers.article import true_reconstruction_loss

    # 1 - 1e-300 rounds to 1: the clip must still keep log(1 - p) finite.
    certain_and_wrong = true_reconstruction_loss(np.zeros((1, 3)), np.ones((1, 3)), epsilon=1e-300)
    assert certain_and_wrong[0] == pytest.approx(-3 * np.log(1e-300))


# --- Keras: a few examples each (a model call costs milliseconds, not microseconds) -------

@pytest.fixture(scope="module")
def models():
    from vae_helpers.model import build_decoder, build_encoder

    return build_encoder(seed=0), build_decoder(seed=0)


def test_negative_elbo_takes_float64_images_as_x_over_255_gives_them(models):
    from vae_helpers.model import negative_elbo

    pixels = np.random.default_rng(0).integers(0, 256, (8, 784))
    as_float64 = negative_elbo(*models, pixels / 255.0, n_samples=2, seed=0)
    as_float32 = negative_elbo(*models, (pixels / 255.0).astype(np.float32), n_samples=2, seed=0)
    assert np.isfinite(as_float64) and as_float64 == pytest.approx(as_float32, rel=1e-6)


@FEW
@given(x=st.one_of(bad_arrays((2, 784)), st.sampled_from([np.zeros((2, 28, 28)), np.full((2, 784), 255.0), np.full((2, 784), np.inf)])))
def test_encode_and_negative_elbo_refuse_bad_images(models, x):
    from vae_helpers.model import encode, negative_elbo

    raises_from_package(lambda: encode(models[0], x), "x")
    raises_from_package(lambda: negative_elbo(*models, x), "x")


@FEW
@given(z=st.one_of(bad_arrays((2,)), st.sampled_from([[1e39, 0.0], [np.inf, 0.0], np.zeros(3), np.zeros((2, 2, 2))])))
def test_decode_refuses_bad_latent_points(models, z):
    from vae_helpers.model import decode

    raises_from_package(lambda: decode(models[1], z), "z")


@pytest.mark.parametrize("z", [[1e39, 0.0], [3e38, -3e38], [1e30, 1e30], [1e6, 0.0]])
def test_decode_far_out_gives_pixels_or_an_error_never_nan(models, z):
    from vae_helpers.model import decode

    if abs(z[0]) > 3.5e38:
        raises_from_package(lambda: decode(models[1], z), "float32")
    try:
        pixels = decode(models[1], z)
    except ValueError:
        raises_from_package(lambda: decode(models[1], z), "z must")
    else:
        assert np.isfinite(pixels).all() and ((pixels >= 0) & (pixels <= 1)).all()


def test_the_two_halves_of_a_vae_are_checked_where_they_are_passed(models):
    from vae_helpers.diagram import model_sizes, plot_data_flow
    from vae_helpers.model import VAE, decode, encode, negative_elbo

    encoder, decoder = models
    x = np.zeros((2, 784))
    raises_from_package(lambda: VAE("x", decoder), "encoder")
    raises_from_package(lambda: VAE(encoder, None), "decoder")
    raises_from_package(lambda: VAE(decoder, encoder), "encoder")
    raises_from_package(lambda: VAE(encoder, decoder, beta=np.nan), "beta")
    raises_from_package(lambda: VAE(encoder, decoder, beta="1"), "beta")
    raises_from_package(lambda: model_sizes(decoder, encoder), "swapped")
    raises_from_package(lambda: plot_data_flow(decoder, encoder), "swapped")
    raises_from_package(lambda: encode(decoder, x), "encoder")
    raises_from_package(lambda: decode(encoder, [0.0, 0.0]), "decoder")
    raises_from_package(lambda: negative_elbo(encoder, decoder, x, n_samples=0), "n_samples")
    raises_from_package(lambda: negative_elbo(encoder, decoder, x, seed=-1), "seed")


def test_a_decoder_without_a_dense_layer_is_refused_by_name(models):
    import keras

    from vae_helpers.diagram import model_sizes

    z = keras.Input((2,))
    no_dense = keras.Model(z, keras.layers.Concatenate()([z] * 392))
    raises_from_package(lambda: model_sizes(models[0], no_dense), "decoder must have a Dense layer")


@pytest.mark.parametrize(
    "arguments, name",
    [
        ({"latent_dim": 0}, "latent_dim"),
        ({"latent_dim": 2.5}, "latent_dim"),
        ({"latent_dim": True}, "latent_dim"),
        ({"hidden": "128"}, "hidden"),
        ({"hidden": -1}, "hidden"),
        ({"seed": -1}, "seed"),
        ({"seed": 1.5}, "seed"),
    ],
)
def test_builders_refuse_bad_arguments(arguments, name):
    from vae_helpers.model import build_decoder, build_encoder

    raises_from_package(lambda: build_encoder(**arguments), name)
    raises_from_package(lambda: build_decoder(**arguments), name)
    if name == "seed":
        from vae_helpers.model import Sampling

        raises_from_package(lambda: Sampling(**arguments), name)


def test_latent_views_refuse_bad_arguments(models):
    from vae_helpers import latent

    encoder, decoder = models
    raises_from_package(lambda: latent.manifold(decoder, np.zeros((5, 2))), "points")
    raises_from_package(lambda: latent.manifold(decoder, np.full((4, 2), np.nan)), "points")
    raises_from_package(lambda: latent.manifold(encoder, np.zeros((4, 2))), "decoder")
    raises_from_package(lambda: latent.sample_prior(decoder, 0), "n")
    raises_from_package(lambda: latent.sample_prior(decoder, 3, seed=-1), "seed")
    raises_from_package(lambda: latent.plot_prior_samples(decoder, ncols=0), "ncols")
    raises_from_package(lambda: latent.plot_reconstructions(encoder, decoder, np.zeros((0, 784))), "x")
    raises_from_package(lambda: latent.plot_reconstructions(encoder, decoder, np.full((2, 784), 255.0)), "x")
    raises_from_package(lambda: latent.kl_per_dimension(encoder, np.zeros((0, 784))), "x")
    raises_from_package(lambda: latent.reconstruct(decoder, encoder, np.zeros((2, 784))), "encoder")


def test_the_article_port_refuses_bad_arguments_before_training(models):
    from vae_helpers import article

    x = np.zeros((4, 784))
    raises_from_package(lambda: article.build_article_vae("relu"), "output_activation")
    raises_from_package(lambda: article.build_article_vae(seed=None), "seed")
    raises_from_package(lambda: article.logits_decoder(models[0]), "decoder")
    for name, bad in [("epochs", 0), ("batch_size", 0), ("learning_rate", np.nan), ("learning_rate", -1e-3), ("verbose", 5), ("seed", -1)]:
        raises_from_package(lambda: article.train_article_vae(x, **{name: bad}), name)
    raises_from_package(lambda: article.train_article_vae(x + 255), "x_train")
    raises_from_package(lambda: article.train_article_vae(x, np.full((2, 784), np.nan)), "x_test")


# --- Sizes past memory, and the numpy decoder's inputs (issue 31) ------------------------------

from vae_helpers import latent
from vae_helpers.numpy_decoder import NumpyDecoder

HUGE = st.integers(min_value=10**9, max_value=10**30)


@FAST
@given(n=HUGE)
def test_kl_monte_carlo_refuses_a_sample_count_past_memory_naming_it(n):
    error = raises_from_package(lambda: gaussian.kl_monte_carlo([0.0, 0.0], [0.0, 0.0], n), f"n_samples={n}")
    assert "GB" in str(error) and "2 GB allowed" in str(error)


@FAST
@given(n_repeats=st.integers(2, 10**12), n_samples=st.integers(1, 10**12))
def test_estimator_variance_refuses_sizes_past_memory_naming_them(n_repeats, n_samples):
    assume(n_repeats * n_samples * 3 * 8 > _validation.MAX_BYTES)
    error = raises_from_package(lambda: reparameterization.estimator_variance("score_function", SQUARE, 0.0, 1.0, n_samples, n_repeats),
                                f"n_samples={n_samples}")
    assert "GB allowed" in str(error)


@FAST
@given(n=st.integers(min_value=20_000, max_value=10**15))
def test_square_grid_refuses_a_size_past_memory_naming_it(n):
    raises_from_package(lambda: latent.square_grid(n), f"n={n}")


def test_the_memory_bound_is_the_one_stated():
    # 2 GB / (4 copies x 8 bytes x 2 dimensions): the largest kl_monte_carlo draw for a 2-D q.
    largest = _validation.MAX_BYTES // (4 * 8 * 2)
    _validation.check_memory((largest, 2), "n_samples", copies=4)
    with pytest.raises(ValueError, match="n_samples would need"):
        _validation.check_memory((largest + 1, 2), "n_samples", copies=4)


def small_decoder(kernel_scale=1.0):
    rng = np.random.default_rng(0)
    return [(rng.normal(size=(2, 8)) * kernel_scale, np.zeros(8), "relu"), (rng.normal(size=(8, 784)), np.zeros(784), "linear")]


@FAST
@given(z=st.one_of(hnp.arrays(np.float64, (2,), elements=st.floats(allow_nan=True, allow_infinity=True)),
                   hnp.arrays(np.float64, (3, 2), elements=st.floats(allow_nan=True, allow_infinity=True))))
def test_numpy_decoder_decodes_to_pixels_in_0_1_or_refuses_z_by_name(z):
    decoder = NumpyDecoder(small_decoder())
    try:
        pixels = decoder.decode(z)
    except ValueError as error:
        assert str(error).startswith("z "), str(error)
        assert "/vae_helpers/" in __import__("traceback").extract_tb(error.__traceback__)[-1].filename
        return
    assert np.isfinite(pixels).all() and (pixels >= 0).all() and (pixels <= 1).all()


@pytest.mark.parametrize(("z", "message"), [
    ([np.nan, 0.0], "z must not contain NaN"),
    ([np.inf, 0.0], "z must be finite"),
    ([1e308, 0.0], "z is too large for the decoder: its layers overflow at z = \\[1e\\+308, 0.0\\]"),
    ([0.0, 0.0, 0.0], "z must have shape \\(n, 2\\)"),
])
def test_numpy_decoder_names_a_z_it_cannot_decode(z, message):
    with pytest.raises(ValueError, match=message):
        NumpyDecoder(small_decoder()).decode(z)


@pytest.mark.parametrize(("layers", "message"), [
    ("relu", "layers must be a list of \\(kernel, bias, activation\\) triples: got str"),
    (42, "layers must be a list of .* got int"),
    ([], "at least one"),
    ([("relu",)], "layers\\[0\\] must be a \\(kernel, bias, activation\\) triple"),
    (["abc"], "layers\\[0\\] must be a \\(kernel, bias, activation\\) triple: got str"),
    ([(np.full((2, 3), np.inf), np.zeros(3), "relu")], "layers\\[0\\] kernel must be finite"),
    ([(np.full((2, 3), np.nan), np.zeros(3), "relu")], "layers\\[0\\] kernel must not contain NaN"),
    ([(np.zeros((2, 3)), [0, 0, np.nan], "relu")], "layers\\[0\\] bias must not contain NaN"),
    ([(np.zeros((2, 3)), np.zeros(3), "softmax")], "layers\\[0\\] activation must be one of"),
    ([(np.zeros((2, 3)), np.zeros(3), ["relu"])], "layers\\[0\\] activation must be one of"),
    ([(np.zeros((2, 0)), np.zeros(0), "relu")], "layers\\[0\\] must have a kernel"),
    ([(np.zeros((2, 3)), np.zeros(3), "relu"), (np.zeros((4, 5)), np.zeros(5), "relu")], "layers\\[1\\] must have a kernel"),
])
def test_numpy_decoder_names_a_layer_in_the_wrong_form(layers, message):
    raises_from_package(lambda: NumpyDecoder(layers), "layers")
    with pytest.raises(ValueError, match=message):
        NumpyDecoder(layers)


@pytest.mark.parametrize(("model", "tolerance", "message"), [
    ("decoder", 1e-5, "decoder must be a Keras model .* got str"),
    (None, 1e-5, "decoder must be a Keras model .* got NoneType"),
    ("keras", -1, "tolerance must be a positive number \\(the largest difference allowed\\): got -1"),
    ("keras", float("nan"), "tolerance must be a positive number"),
    ("keras", "1e-5", "tolerance must be a positive number"),
])
def test_from_keras_names_a_non_model_and_a_bad_tolerance(model, tolerance, message):
    import keras

    if model == "keras":
        model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(784)])
    with pytest.raises(ValueError, match=message):
        NumpyDecoder.from_keras(model, tolerance=tolerance)
    with pytest.raises(ValueError, match=message.replace("decoder", "encoder")):
        NumpyDecoder.from_keras_encoder(model, tolerance=tolerance)


@pytest.mark.parametrize("value", [None, [0.5, None], np.array([None, 1.0], dtype=object)])
def test_none_is_refused_as_not_numeric_rather_than_read_as_nan(value):
    with pytest.raises(ValueError, match="z must be numeric"):
        _validation.as_float_array(value, "z")
