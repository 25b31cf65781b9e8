"""vae_helpers.data: the official split, the bundled split, and the Keras path without any download."""

import numpy as np
import pytest

from vae_helpers.data import MnistUnavailableError, default_source, keras_mnist_path, load_mnist, split_validation


@pytest.fixture(scope="module")
def bundled():
    return load_mnist("bundled")


def test_bundled_split_shapes_dtype_and_range(bundled):
    (x_train, y_train), (x_test, y_test) = bundled
    assert x_train.shape == (4000, 784) and x_test.shape == (1000, 784)
    assert y_train.shape == (4000,) and y_test.shape == (1000,)
    assert x_train.dtype == np.float32 and x_test.dtype == np.float32
    assert x_train.min() == 0.0 and x_train.max() == 1.0


def test_bundled_split_is_stratified_and_shuffled(bundled):
    (_, y_train), (_, y_test) = bundled
    assert np.bincount(y_train).tolist() == [400] * 10
    assert np.bincount(y_test).tolist() == [100] * 10
    assert len(set(y_train[:20].tolist())) > 3  # the source rows are sorted by label


def test_bundled_split_is_deterministic_and_disjoint(bundled):
    (x_train, _), (x_test, _) = bundled
    (x_again, _), _ = load_mnist("bundled")
    np.testing.assert_array_equal(x_train, x_again)
    (x_other_seed, _), _ = load_mnist("bundled", seed=1)
    assert not np.array_equal(x_train, x_other_seed)
    train_rows = {row.tobytes() for row in x_train}
    assert not any(row.tobytes() in train_rows for row in x_test)


def test_unflattened_images_are_28_by_28(bundled):
    (x_train, _), _ = load_mnist("bundled", flatten=False)
    assert x_train.shape == (4000, 28, 28)
    np.testing.assert_array_equal(x_train.reshape(4000, 784), bundled[0][0])


def test_unknown_source_is_a_value_error_listing_the_choices():
    with pytest.raises(ValueError, match=r"source must be one of \('mnist', 'bundled', 'keras'\): got 'MNIST'"):
        load_mnist("MNIST")


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ({"source": 3}, "source must be one of"),
        ({"flatten": "no"}, "flatten must be True or False: got 'no'"),
        ({"flatten": 0}, "flatten must be True or False: got 0"),
        ({"seed": -1}, r"seed must be an integer in \[0, 2\*\*32 - 1\]: got -1"),
        ({"seed": 1.5}, r"seed must be an integer in \[0, 2\*\*32 - 1\]: got 1.5"),
        ({"seed": 2**40}, r"seed must be an integer in \[0, 2\*\*32 - 1\]: got 1099511627776"),
    ],
)
def test_bad_arguments_are_refused_by_name(arguments, message):
    with pytest.raises(ValueError, match=message):
        load_mnist(**{"source": "bundled", **arguments})


def test_the_default_source_is_the_official_split_unless_the_environment_says_otherwise(monkeypatch):
    monkeypatch.delenv("VAE_BOOK_DATA", raising=False)
    assert default_source() == "mnist"
    monkeypatch.setenv("VAE_BOOK_DATA", "bundled")
    assert default_source() == "bundled"
    (x_train, _), _ = load_mnist()
    assert x_train.shape == (4000, 784)
    monkeypatch.setenv("VAE_BOOK_DATA", "full")
    with pytest.raises(ValueError, match=r"VAE_BOOK_DATA must be one of \('mnist', 'bundled', 'keras'\): got 'full'"):
        load_mnist()


@pytest.fixture(scope="module")
def official():
    return load_mnist("mnist")


def test_official_split_has_the_official_sizes_counts_and_range(official):
    (x_train, y_train), (x_test, y_test) = official
    assert x_train.shape == (60000, 784) and x_test.shape == (10000, 784)
    assert x_train.dtype == np.float32 and y_train.dtype == np.uint8
    assert x_train.min() == 0.0 and x_train.max() == 1.0
    # The label counts LeCun et al. published for the two sets.
    assert np.bincount(y_train).tolist() == [5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949]
    assert np.bincount(y_test).tolist() == [980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009]


def test_every_bundled_digit_is_an_official_training_image(official, bundled):
    (x_train, _), _ = official
    official_rows = {row.tobytes() for row in x_train}
    (bundled_train, _), (bundled_test, _) = bundled
    assert all(row.tobytes() in official_rows for row in np.concatenate([bundled_train, bundled_test]))


def test_official_files_missing_name_the_folder_and_the_fix(monkeypatch, tmp_path):
    monkeypatch.setenv("VAE_BOOK_MNIST_DIR", str(tmp_path))
    with pytest.raises(MnistUnavailableError, match=r"Full MNIST is not in .*train-images-idx3-ubyte is missing.*make data"):
        load_mnist("mnist")


def test_a_validation_split_is_carved_from_the_training_images_stratified(bundled):
    (x_train, y_train), _ = bundled
    (x_fit, y_fit), (x_validation, y_validation) = split_validation(x_train, y_train, 500, seed=0)
    assert len(x_fit) == 3500 and len(x_validation) == 500
    assert np.bincount(y_validation).tolist() == [50] * 10
    fit_rows = {row.tobytes() for row in x_fit}
    assert not any(row.tobytes() in fit_rows for row in x_validation)
    with pytest.raises(ValueError, match="n_validation must be smaller than the number of images"):
        split_validation(x_train, y_train, 4000)
    with pytest.raises(ValueError, match="y must hold one label per image"):
        split_validation(x_train, y_train[:10], 100)


@pytest.fixture
def keras_home(tmp_path, monkeypatch):
    monkeypatch.setenv("KERAS_HOME", str(tmp_path))
    return tmp_path


def test_keras_source_reads_the_keras_cache(keras_home):
    rng = np.random.default_rng(0)
    fake = {
        "x_train": rng.integers(0, 256, (6, 28, 28), dtype=np.uint8),
        "y_train": np.arange(6, dtype=np.uint8),
        "x_test": rng.integers(0, 256, (3, 28, 28), dtype=np.uint8),
        "y_test": np.arange(3, dtype=np.uint8),
    }
    keras_mnist_path().parent.mkdir(parents=True)
    np.savez(keras_mnist_path(), **fake)
    (x_train, y_train), (x_test, y_test) = load_mnist("keras")
    assert x_train.shape == (6, 784) and x_test.shape == (3, 784) and x_train.dtype == np.float32
    np.testing.assert_allclose(x_train[2], fake["x_train"][2].ravel() / 255, rtol=1e-6)
    np.testing.assert_array_equal(y_test, fake["y_test"])


def test_keras_source_offline_and_uncached_names_the_fix(keras_home, monkeypatch):
    import keras

    def offline(*args, **kwargs):
        raise Exception("URL fetch failure on https://storage.googleapis.com/.../mnist.npz")  # what Keras raises

    monkeypatch.setattr(keras.datasets.mnist, "load_data", offline)
    with pytest.raises(MnistUnavailableError) as error:
        load_mnist("keras")
    message = str(error.value)
    assert str(keras_home / "datasets" / "mnist.npz") in message
    assert "URL fetch failure" in message and 'load_mnist("bundled")' in message and 'load_mnist("mnist")' in message


def test_keras_download_is_bounded_in_time(keras_home, monkeypatch):
    import socket

    import keras

    seen = []

    def record_timeout(*args, **kwargs):
        seen.append(socket.getdefaulttimeout())
        raise Exception("URL fetch failure: timed out")

    before = socket.getdefaulttimeout()
    monkeypatch.setattr(keras.datasets.mnist, "load_data", record_timeout)
    with pytest.raises(MnistUnavailableError, match="timed out"):
        load_mnist("keras")
    assert seen == [60] and socket.getdefaulttimeout() == before


def write_cache(arrays):
    keras_mnist_path().parent.mkdir(parents=True, exist_ok=True)
    np.savez(keras_mnist_path(), **arrays)


def good_arrays():
    rng = np.random.default_rng(0)
    return {
        "x_train": rng.integers(0, 256, (60, 28, 28), dtype=np.uint8),
        "y_train": rng.integers(0, 10, 60).astype(np.uint8),
        "x_test": rng.integers(0, 256, (10, 28, 28), dtype=np.uint8),
        "y_test": rng.integers(0, 10, 10).astype(np.uint8),
    }


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"y_train": np.zeros(5, np.uint8)}, r"it has \(5,\) training labels for 60 images"),
        ({"x_train": np.zeros((60, 28, 28), np.float32)}, "training images are float32, expected uint8"),
        ({"y_test": np.full(10, 200, np.uint8)}, "test labels are not digits 0-9"),
        ({"x_test": np.zeros((10, 784), np.uint8)}, r"test images have shape \(10, 784\)"),
    ],
)
def test_a_cache_that_is_not_mnist_is_refused(keras_home, change, message):
    write_cache({**good_arrays(), **change})
    with pytest.raises(MnistUnavailableError, match=message + ".*Delete it"):
        load_mnist("keras")


@pytest.mark.parametrize("cut", [0, 100])
def test_an_empty_or_truncated_cache_file_names_the_file_and_the_fix(keras_home, cut):
    write_cache(good_arrays())
    keras_mnist_path().write_bytes(keras_mnist_path().read_bytes()[:cut])
    with pytest.raises(MnistUnavailableError, match=r"mnist.npz is not a readable MNIST archive.*Delete it"):
        load_mnist("keras")


def test_keras_source_with_a_corrupt_cache_file_says_to_delete_it(keras_home):
    keras_mnist_path().parent.mkdir(parents=True)
    keras_mnist_path().write_bytes(b"not an npz")
    with pytest.raises(MnistUnavailableError, match="not a readable MNIST archive.*Delete it"):
        load_mnist("keras")


def test_a_stratified_split_that_cannot_be_made_is_refused_naming_why():
    x = np.zeros((10, 784))
    with pytest.raises(ValueError, match="y must hold at least 2 images of each label.*label 9 has 1"):
        split_validation(x, np.array([0] * 5 + [1] * 4 + [9]), 3)
    with pytest.raises(ValueError, match="n_validation must leave each of the 2 labels in both parts, between 2 and 8: got 1"):
        split_validation(x, np.array([0] * 5 + [1] * 5), 1)
    with pytest.raises(ValueError, match=r"seed must be an integer in \[0, 2\*\*32 - 1\]"):
        split_validation(x, np.array([0] * 5 + [1] * 5), 4, seed=2**40)


from hypothesis import example, given, settings
from hypothesis import strategies as st


@given(labels=st.lists(st.integers(0, 4), min_size=2, max_size=40), n_validation=st.integers(-2, 45),
       seed=st.one_of(st.integers(-5, 2**33), st.none(), st.floats()))
@settings(max_examples=150, deadline=None)
@example(labels=[0, 0, 0, 0, 0, 0, 1, 1], n_validation=2, seed=0)  # sklearn's rounding gives validation two 0s
def test_split_validation_splits_stratified_or_refuses_with_a_value_error(labels, n_validation, seed):
    y = np.array(labels)
    x = np.arange(len(y) * 784, dtype=np.float64).reshape(len(y), 784)
    try:
        (x_fit, y_fit), (x_validation, y_validation) = split_validation(x, y, n_validation, seed=seed)
    except ValueError as error:
        assert str(error).split(" ")[0] in ("y", "n_validation", "seed"), str(error)
        return
    assert len(x_validation) == n_validation and len(x_fit) + n_validation == len(x)
    assert set(y_fit) == set(y_validation) == set(y)  # every label on both sides
    rows = [(x_part[:, 0] // 784).astype(int) for x_part in (x_fit, x_validation)]  # which image each row is
    assert sorted(np.concatenate(rows)) == list(range(len(y)))  # each image once
    assert all((y[row] == y_part).all() for row, y_part in zip(rows, (y_fit, y_validation)))  # with its own label
