"""vae_helpers.classifier: the digit classifier chapter 6 reads decodes with, and the label mixes."""

import numpy as np
import pytest

from vae_helpers.classifier import N_LABELS, classify, label_proportions, total_variation, train_digit_classifier


def _block_digits(labels: np.ndarray, seed: int) -> np.ndarray:
    """Images in which digit k lights the k-th block of 78 pixels, with faint noise elsewhere: separable by hand."""
    rng = np.random.default_rng(seed)
    x = 0.1 * rng.random((len(labels), 784))
    for row, label in enumerate(labels):
        x[row, 78 * label: 78 * (label + 1)] = 0.9 + 0.1 * rng.random(78)
    return x


def test_the_classifier_learns_a_separable_set_and_reads_fresh_images():
    labels = np.tile(np.arange(N_LABELS), 60)
    classifier = train_digit_classifier(_block_digits(labels, seed=0), labels, hidden=16, epochs=20, seed=0)
    fresh = np.tile(np.arange(N_LABELS), 5)
    probabilities = classify(classifier, _block_digits(fresh, seed=1))
    assert probabilities.shape == (len(fresh), N_LABELS)
    assert np.allclose(probabilities.sum(axis=1), 1.0, atol=1e-5)
    assert (probabilities.argmax(axis=1) == fresh).all()


def test_the_classifier_is_reproducible_for_a_seed():
    labels = np.tile(np.arange(N_LABELS), 20)
    x = _block_digits(labels, seed=0)
    first, second = (classify(train_digit_classifier(x, labels, hidden=8, epochs=2, seed=3), x) for _ in range(2))
    assert np.array_equal(first, second)


def test_label_proportions_counts_by_hand():
    expected = np.zeros(N_LABELS)
    expected[[0, 1, 9]] = [0.5, 0.25, 0.25]
    assert np.array_equal(label_proportions(np.array([0, 9, 0, 1])), expected)


def test_total_variation_by_hand():
    uniform = np.full(N_LABELS, 0.1)
    only_zeros = np.eye(N_LABELS)[0]
    assert total_variation(uniform, only_zeros) == pytest.approx(0.9)  # 9 tenths of the draws must change label
    assert total_variation(only_zeros, uniform) == pytest.approx(0.9)
    assert total_variation(uniform, uniform) == 0.0
    assert total_variation(np.eye(N_LABELS)[3], np.eye(N_LABELS)[7]) == pytest.approx(1.0)


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: train_digit_classifier(np.zeros((4, 784)), np.array([0, 1, 2])), "y must be a 1-D array of 4 labels"),
        (lambda: train_digit_classifier(np.zeros((2, 784)), np.array([0, 10])), "y must hold the digits 0-9"),
        (lambda: train_digit_classifier(np.zeros((2, 784)), np.array([0, 1.5])), "y must hold the digits 0-9"),
        (lambda: train_digit_classifier(np.full((2, 784), 255.0), np.array([0, 1])), "divide by 255"),
        (lambda: train_digit_classifier(np.zeros((2, 28, 28)), np.array([0, 1])), "x must have shape"),
        (lambda: train_digit_classifier(np.zeros((2, 784)), np.array([0, 1]), epochs=0), "epochs must be a positive integer"),
        (lambda: train_digit_classifier(np.zeros((2, 784)), np.array([0, 1]), seed=None), "seed must be an integer >= 0"),
        (lambda: label_proportions(np.array([], dtype=int)), "labels must hold at least one label"),
        (lambda: label_proportions(np.array([[1, 2]])), "labels must be a 1-D array"),
        (lambda: total_variation(np.full(9, 1 / 9), np.full(10, 0.1)), "p must be 10 non-negative proportions"),
        (lambda: total_variation(np.full(10, 0.1), np.full(10, 0.2)), "q must be 10 non-negative proportions"),
    ],
)
def test_bad_input_is_refused_by_name(call, message):
    with pytest.raises(ValueError, match=message):
        call()


def test_plot_label_mix_draws_one_bar_per_digit_and_mix_at_its_share():
    import matplotlib

    matplotlib.use("Agg")
    from vae_helpers.classifier import plot_label_mix

    mixes = {"data": np.full(N_LABELS, 0.1), "only threes": np.eye(N_LABELS)[3]}
    figure = plot_label_mix(mixes)
    bars = figure.axes[0].patches
    assert len(bars) == 2 * N_LABELS
    heights = np.array([bar.get_height() for bar in bars]).reshape(2, N_LABELS)
    assert np.allclose(heights, 100 * np.stack(list(mixes.values())))


@pytest.mark.parametrize(
    ("mixes", "message"),
    [({}, "mixes must be a non-empty mapping"), ({"a": np.full(N_LABELS, 0.2)}, r"mixes\['a'\] must be 10 non-negative")],
)
def test_plot_label_mix_refuses_bad_mixes(mixes, message):
    from vae_helpers.classifier import plot_label_mix

    with pytest.raises(ValueError, match=message):
        plot_label_mix(mixes)
