"""vae_helpers.data: the bundled split, and the Keras path without any download."""

import numpy as np
import pytest

from vae_helpers.data import MnistUnavailableError, keras_mnist_path, load_mnist


@pytest.fixture(scope="module")
def bundled():
    return load_mnist()


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
    (x_again, _), _ = load_mnist()
    np.testing.assert_array_equal(x_train, x_again)
    (x_other_seed, _), _ = load_mnist(seed=1)
    assert not np.array_equal(x_train, x_other_seed)
    train_rows = {row.tobytes() for row in x_train}
    assert not any(row.tobytes() in train_rows for row in x_test)


def test_unflattened_images_are_28_by_28(bundled):
    (x_train, _), _ = load_mnist(flatten=False)
    assert x_train.shape == (4000, 28, 28)
    np.testing.assert_array_equal(x_train.reshape(4000, 784), bundled[0][0])


def test_unknown_source_is_a_value_error_listing_the_choices():
    with pytest.raises(ValueError, match=r"source must be one of \('bundled', 'keras'\): got 'mnist'"):
        load_mnist("mnist")


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
    assert "URL fetch failure" in message and 'load_mnist("bundled")' in message


def test_keras_source_with_a_corrupt_cache_file_says_to_delete_it(keras_home):
    keras_mnist_path().parent.mkdir(parents=True)
    keras_mnist_path().write_bytes(b"not an npz")
    with pytest.raises(MnistUnavailableError, match="not a readable MNIST archive.*Delete it"):
        load_mnist("keras")
