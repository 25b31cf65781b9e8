"""The shipped pretrained VAE's files: where they are, their metadata, and replacing them safely.

Keras-free, so that the build's extensions and quick checks read the metadata without
importing TensorFlow. :func:`vae_helpers.model.load_pretrained` builds the model from them.

Beside the book's VAE (beta = 1) ship two more, trained the same way with beta = 0 (an
autoencoder) and beta = 10, each in a folder of its own (:func:`beta_folder`), for the
explorer's model switch. Each folder holds a weights file and ``metadata.json``, which names the weights file, its
sha256, the data and training settings that made it, and its held-out -ELBO. The weights
file's name carries the start of its checksum, so a new model is written beside the old
one and the metadata, replaced atomically, switches from one to the other: an
interruption at any moment leaves a matching pair. A writer holds the folder's lock
(``.write.lock``, an ``flock``) from before it writes until the old weights are gone, so two
writers into one folder cannot delete each other's weights: the second is refused at once.
A new weights file is checked (not empty, an HDF5 file, and whatever ``check`` the caller
gives) before the metadata points at it.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
import re
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

from vae_helpers._validation import is_real_number

__all__ = [
    "PRETRAINED_DIR",
    "CONDITIONAL_DIR",
    "PRETRAINED_METADATA",
    "PretrainedWeightsError",
    "SHIPPED_BETAS",
    "beta_folder",
    "file_sha256",
    "pretrained_metadata",
    "verified_weights_path",
    "writing_lock",
    "write_pretrained_files",
]

PRETRAINED_DIR = Path(__file__).with_name("weights")
#: Chapter 8's conditional VAE (``python -m vae_helpers.train --conditional``).
CONDITIONAL_DIR = PRETRAINED_DIR / "conditional"
PRETRAINED_METADATA = "metadata.json"
WEIGHTS_STEM = "vae_mnist_2d"
RETRAIN_COMMAND = "python -m vae_helpers.train"
#: The betas of the shipped models; 1 is the book's VAE.
SHIPPED_BETAS = (0.0, 1.0, 10.0)
_REQUIRED = {"weights_file": str, "sha256": str, "data": dict, "training": dict}
LOCK_NAME = ".write.lock"
#: The first bytes of every HDF5 file (Keras' ``.weights.h5``).
HDF5_SIGNATURE = b"\x89HDF\r\n\x1a\n"
# Folders whose lock this process holds: writing_lock() is re-entrant within a process.
_HELD: dict[Path, int] = {}


class PretrainedWeightsError(ValueError):
    """The pretrained weights or their metadata are missing, corrupt, or do not fit the model."""


def file_sha256(path: str | os.PathLike) -> str:
    """The sha256 of a file, as the metadata records it."""
    digest = hashlib.sha256()
    with open(path, "rb") as file:
        for block in iter(lambda: file.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def beta_folder(beta: float) -> Path:
    """The folder of the shipped model trained with ``beta`` (one of :data:`SHIPPED_BETAS`); 1 is the package's ``weights/``.

    Raises
    ------
    ValueError
        If no shipped model has that ``beta``.
    """
    if not is_real_number(beta) or float(beta) not in SHIPPED_BETAS:
        raise ValueError(f"beta must be one of the shipped models' {SHIPPED_BETAS}: got {beta!r}")
    return PRETRAINED_DIR if float(beta) == 1.0 else PRETRAINED_DIR / f"beta-{float(beta):g}"


def _folder(folder: str | os.PathLike | None) -> Path:
    if folder is None:
        return PRETRAINED_DIR
    if not isinstance(folder, (str, os.PathLike)) or not str(folder).strip():
        raise ValueError(f"folder must be a path to a folder of pretrained weights, or None for the shipped ones: got {folder!r}")
    return Path(folder)


def pretrained_metadata(folder: str | os.PathLike | None = None) -> dict:
    """The metadata of the shipped (or ``folder``'s) weights: data, training settings, held-out -ELBO, versions, sha256.

    Raises
    ------
    PretrainedWeightsError
        If the metadata file is missing, not valid JSON, or lacks a field the loader needs.
    ValueError
        If ``folder`` is not a path (an empty string is not the package's folder).
    """
    path = _folder(folder) / PRETRAINED_METADATA
    try:
        metadata = json.loads(path.read_text())
    except FileNotFoundError as error:
        raise PretrainedWeightsError(f"No pretrained metadata at {path}. Recreate the weights with `{RETRAIN_COMMAND}`.") from error
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        raise PretrainedWeightsError(f"{path} is not valid JSON ({error}); restore it from the repository.") from error
    if not isinstance(metadata, dict):
        raise PretrainedWeightsError(f"{path} must hold a JSON object: got a {type(metadata).__name__}; restore it from the repository.")
    for key, kind in _REQUIRED.items():
        if not isinstance(metadata.get(key), kind):
            raise PretrainedWeightsError(
                f"{path} lacks the field {key!r} (a {kind.__name__}): got {metadata.get(key)!r}; restore it from the repository."
            )
    if not re.fullmatch(r"[0-9a-f]{64}", metadata["sha256"]) or Path(metadata["weights_file"]).name != metadata["weights_file"]:
        raise PretrainedWeightsError(f"{path} holds a malformed sha256 or weights_file; restore it from the repository.")
    return metadata


def verified_weights_path(folder: str | os.PathLike | None = None) -> tuple[Path, dict]:
    """The weights file of ``folder`` (default: the shipped one) and its metadata, after checking its sha256.

    Raises
    ------
    PretrainedWeightsError
        If the weights file is missing or its checksum differs from the metadata's.
    """
    folder = _folder(folder)
    metadata = pretrained_metadata(folder)
    path = folder / metadata["weights_file"]
    if not path.is_file():
        raise PretrainedWeightsError(
            f"Pretrained weights not found at {path}. Restore them from the repository or recreate them with `{RETRAIN_COMMAND}`."
        )
    digest = file_sha256(path)
    if digest != metadata["sha256"]:
        raise PretrainedWeightsError(
            f"{path} does not match its metadata (sha256 {digest[:12]}..., expected {metadata['sha256'][:12]}...): "
            f"the file is corrupt or was replaced. Restore it, or retrain with `{RETRAIN_COMMAND}`, which rewrites both files together."
        )
    return path, metadata


@contextlib.contextmanager
def writing_lock(folder: str | os.PathLike) -> Iterator[Path]:
    """Hold ``folder``'s write lock (making the folder) for the ``with`` block; re-entrant in one process.

    ``python -m vae_helpers.train`` takes it before loading data, so that a second run into
    the same folder stops at once instead of after training.

    Raises
    ------
    PretrainedWeightsError
        If another process holds the lock (it is writing weights into ``folder``).
    ValueError
        If ``folder`` is not a path, or cannot be made (a file stands in its way).
    """
    folder = _folder(folder)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except (FileExistsError, NotADirectoryError) as error:
        raise ValueError(f"folder must be a folder or a path where one can be made: {folder} runs into a file ({error.strerror})") from error
    key = folder.resolve()
    if key in _HELD:
        yield folder
        return
    path = folder / LOCK_NAME
    descriptor = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
            # The holder before us may have removed the file after we opened it: then ours is a lock on nothing.
            if os.fstat(descriptor).st_ino != os.stat(path).st_ino:
                raise BlockingIOError
        except (BlockingIOError, FileNotFoundError) as error:
            raise PretrainedWeightsError(
                f"Another process is writing weights into {folder} (it holds {path}): wait for it to finish, "
                "or write into another folder. Nothing was written."
            ) from error
        _HELD[key] = descriptor
        try:
            yield folder
        finally:
            del _HELD[key]
            # Removed while still held, so no one else can hold it: the folder is left as clean as it was found.
            with contextlib.suppress(FileNotFoundError):
                os.remove(path)
    finally:
        os.close(descriptor)


def write_pretrained_files(
    save_weights: Callable[[Path], None],
    metadata: dict,
    folder: str | os.PathLike,
    check: Callable[[Path], None] | None = None,
) -> Path:
    """Write new weights and their metadata into ``folder`` so that the pair is replaced atomically.

    ``save_weights(path)`` writes the weights to ``path`` (a ``.weights.h5`` name). The file must
    be a non-empty HDF5 file and pass ``check(path)`` (which raises if the weights do not load
    back); it is then renamed after its checksum, ``metadata.json`` (``metadata`` plus
    ``weights_file`` and ``sha256``) replaces the old one in a single rename, and only then are
    older weights removed. All of it under the folder's lock (``writing_lock``). Returns the new weights path.

    Raises
    ------
    PretrainedWeightsError
        If another process is writing into ``folder``, or the new file is empty, not HDF5 or
        fails ``check``: the old pair is then left as it was.
    ValueError
        If ``metadata`` is not a JSON object of finite numbers, or ``save_weights`` is not callable.
    """
    if not callable(save_weights):
        raise ValueError(f"save_weights must be a function that writes the weights to a path: got {type(save_weights).__name__}")
    if not isinstance(metadata, dict):
        raise ValueError(f"metadata must be a dict: got {type(metadata).__name__}")
    try:
        # Checked before anything is written: NaN is not JSON, and a reader's json.loads would refuse it.
        json.dumps(metadata, allow_nan=False)
    except (TypeError, ValueError) as error:
        raise ValueError(f"metadata must be JSON of finite numbers, strings, lists and dicts: {error}") from error
    with writing_lock(folder) as folder:
        handle, staging = tempfile.mkstemp(prefix=".staging-", suffix=".weights.h5", dir=folder)
        os.close(handle)
        renamed = None  # the new weights under their final name, until the metadata points at them
        try:
            save_weights(Path(staging))
            _check_weights_file(Path(staging), check)
            os.chmod(staging, 0o644)  # mkstemp makes files private; the weights ship with the package
            digest = file_sha256(staging)
            weights = folder / f"{WEIGHTS_STEM}-{digest[:12]}.weights.h5"
            # The same weights again: the file in place already holds these bytes, and the old metadata may name it.
            if not (weights.is_file() and file_sha256(weights) == digest):
                os.replace(staging, weights)
                renamed = weights
            _replace_text(folder / PRETRAINED_METADATA, json.dumps({**metadata, "weights_file": weights.name, "sha256": digest}, indent=2) + "\n")
            renamed = None
        finally:
            if os.path.exists(staging):
                os.remove(staging)
            if renamed is not None:  # the metadata still names the old weights: the new file is an orphan
                renamed.unlink()
        for old in folder.glob(f"{WEIGHTS_STEM}*.weights.h5"):
            if old != weights:
                old.unlink()
        # Left by a writer killed mid-write (no finally ran); under the lock no one else is writing them.
        for partial in (*folder.glob(".staging-*.weights.h5"), *folder.glob(f".{PRETRAINED_METADATA}.*")):
            partial.unlink()
    return weights


def _check_weights_file(path: Path, check: Callable[[Path], None] | None) -> None:
    """Refuse a weights file that is empty, not HDF5, or fails ``check``, before it can replace the old one."""
    with open(path, "rb") as file:
        start = file.read(len(HDF5_SIGNATURE))
    if not start:
        raise PretrainedWeightsError(f"save_weights wrote nothing to {path.name}: the folder's weights were left as they were.")
    if start != HDF5_SIGNATURE:
        raise PretrainedWeightsError(f"save_weights wrote a file that is not HDF5 (it starts {start!r}): the folder's weights were left as they were.")
    if check is not None:
        try:
            check(path)
        except Exception as error:
            raise PretrainedWeightsError(f"the new weights do not load back ({type(error).__name__}: {error}): the folder's weights were left as they were.") from error


def _replace_text(path: Path, text: str) -> None:
    handle, partial = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(handle, "w") as file:
            file.write(text)
            file.flush()
            os.fsync(file.fileno())
        os.chmod(partial, 0o644)
        os.replace(partial, path)
    finally:
        if os.path.exists(partial):
            os.remove(partial)
