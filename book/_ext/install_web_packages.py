"""Install the JavaScript the built book serves itself, and the tools that build it (MathJax for Node, icons).

Usage: ``python book/_ext/install_web_packages.py`` (``make book`` and ``make test`` run it).

Each package listed in ``web_packages.json`` is fetched from the npm registry with
``npm pack`` (so npm and Node.js are needed, once), checked against the pinned sha512
integrity, and only the listed files are copied into ``book/_vendor/`` (git-ignored),
with the licences. A stamp holding the hash of ``web_packages.json`` makes a second run
return at once. Standard library only: it runs before the virtual environment exists.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import sys
import tarfile
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
# The npm fetch and integrity check are the package's (standard library only): one copy for the
# web packages and for full MNIST.
sys.path.insert(0, str(HERE.parents[1]))
from vae_helpers._npm import NpmError, check_integrity, npm_pack  # noqa: E402

PACKAGES = HERE / "web_packages.json"
VENDOR = HERE.parent / "_vendor"
STAMP = VENDOR / ".installed"
# Files the build uses and the site does not serve (site_assets.py keeps them out of it).
BUILD_ONLY = "_build_only"


def _stamp_text() -> str:
    return hashlib.sha256(PACKAGES.read_bytes()).hexdigest() + "\n"


def is_installed() -> bool:
    """Whether ``book/_vendor/`` holds exactly the packages ``web_packages.json`` pins."""
    return STAMP.is_file() and STAMP.read_text() == _stamp_text()


def _extract(tarball: Path, files: dict[str, str], destination: Path) -> None:
    with tarfile.open(tarball) as archive:
        members = {member.name.removeprefix("package/"): member for member in archive.getmembers() if member.isfile()}
        for source, target in files.items():
            matches = [name for name in members if name == source or (source.endswith("/") and name.startswith(source))]
            if not matches:
                sys.exit(f"{tarball.name} has no {source}")
            for name in matches:
                path = destination / (target + name[len(source) :] if source.endswith("/") else target)
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_bytes(archive.extractfile(members[name]).read())


def _licences(packages: list[dict]) -> str:
    lines = ["# Third-party files served by this book", ""]
    lines += ["Installed from the npm registry by book/_ext/install_web_packages.py.", ""]
    for package in packages:
        lines.append(f"- {package['name']} {package['version']}: {package['licence']}. Used: {package['why']}.")
        lines += [f"  - {target}" for target in package["files"].values()]
    return "\n".join(lines) + "\n"


def install() -> None:
    """Fetch, check and copy every pinned package into ``book/_vendor/``, unless already done."""
    if is_installed():
        return
    packages = json.loads(PACKAGES.read_text())["packages"]
    staging = Path(tempfile.mkdtemp(prefix="_vendor-staging-", dir=HERE.parent))
    try:
        with tempfile.TemporaryDirectory() as download:
            for package in packages:
                spec = f"{package['name']}@{package['version']}"
                print(f"npm pack {spec}")
                try:
                    tarball = npm_pack(spec, Path(download))
                    check_integrity(tarball, package["integrity"])
                except NpmError as error:
                    sys.exit(str(error))
                _extract(tarball, package["files"], staging)
        (staging / "vendor" / "LICENSES.md").write_text(_licences(packages))
        (staging / STAMP.name).write_text(_stamp_text())
        shutil.rmtree(VENDOR, ignore_errors=True)
        staging.rename(VENDOR)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    print(f"Installed {len(packages)} web packages into {VENDOR}")


if __name__ == "__main__":
    install()
