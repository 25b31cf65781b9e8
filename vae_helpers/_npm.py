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
import shutil
import subprocess
from pathlib import Path

__all__ = ["NpmError", "npm_pack", "check_integrity"]


class NpmError(RuntimeError):
    """npm is missing, the registry refused the package, or the tarball is not the pinned one."""


def npm_pack(spec: str, folder: Path, timeout: float = 600) -> Path:
    """Download the tarball of ``spec`` (``name@version``) into ``folder`` with ``npm pack``; return its path.

    Raises
    ------
    NpmError
        If npm is not installed, or ``npm pack`` fails or times out.
    """
    npm = shutil.which("npm")
    if npm is None:
        raise NpmError(f"npm (Node.js 18 or newer) is needed once, to fetch {spec} from the npm registry: install Node.js.")
    try:
        result = subprocess.run(
            [npm, "pack", spec, "--json", "--pack-destination", str(folder)],
            capture_output=True,
            text=True,
            cwd=folder,
            timeout=timeout,
        )
    except subprocess.TimeoutExpired as error:
        raise NpmError(f"npm pack {spec} did not finish in {timeout:.0f} s: is the npm registry reachable?") from error
    if result.returncode != 0:
        raise NpmError(f"npm pack {spec} failed:\n{result.stderr.strip()}")
    return Path(folder) / json.loads(result.stdout)[0]["filename"]


def check_integrity(tarball: Path, integrity: str) -> None:
    """Raise :class:`NpmError` unless ``tarball`` matches the registry's ``integrity`` (``sha512-<base64>``)."""
    algorithm, expected = integrity.split("-", 1)
    digest = base64.b64encode(hashlib.new(algorithm, Path(tarball).read_bytes()).digest()).decode()
    if digest != expected:
        raise NpmError(f"{Path(tarball).name} does not match its pinned integrity {integrity}: got {algorithm}-{digest}")
