"""The widgets' bundles and their contract with Python: fresh, and naming only synced traits.

Each bundle in ``vae_helpers/widgets/static/`` starts with the list of its sources and their
SHA-256 (``bundle.mjs``): a source edited without ``make widgets`` changes the digest. Where
esbuild is installed (``npm ci``), a rebuild into a temporary folder must give the same bytes.
Then every trait name the JavaScript reads, writes or listens to must be a synced trait of
the widget the bundle belongs to, and every synced trait's check is driven by hypothesis
(tests/test_widget_traits.py).
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import subprocess

import pytest

from conftest import REPO_ROOT
from vae_helpers.widgets import CoinPanel, DistributionPanel, ElboPanel, GaussianKLPanel
from vae_helpers.widgets._base import STATIC

WIDGETS = STATIC.parent
BANNER = re.compile(r"/\* Bundled by esbuild (\S+) from (.+?) \(sha256 ([0-9a-f]{64})\)")
BUNDLES = sorted(STATIC.glob("*.js")) + sorted(STATIC.glob("*.css"))


def _explorer_class():
    from vae_helpers.widgets.explorer import LatentExplorer

    return LatentExplorer


def _conditional_class():
    from vae_helpers.widgets.conditional import ConditionalExplorer

    return ConditionalExplorer


# The widget classes each bundle serves (the explorer's imports Keras: loaded when its test runs).
CLASSES = {"panels": lambda: [CoinPanel, DistributionPanel, GaussianKLPanel], "elbo": lambda: [ElboPanel],
           "explorer": lambda: [_explorer_class()], "conditional": lambda: [_conditional_class()]}


def test_there_is_one_bundle_and_one_style_per_widget_module():
    assert {path.name for path in BUNDLES} == {f"{name}{suffix}" for name in CLASSES for suffix in (".js", ".css")}


@pytest.mark.parametrize("bundle", BUNDLES, ids=lambda path: path.name)
def test_every_bundle_was_built_from_its_sources_as_they_are_now(bundle):
    match = BANNER.match(bundle.read_text(encoding="utf-8"))
    assert match, f"{bundle.name} has no banner: run make widgets"
    version, sources, digest = match.group(1), match.group(2).split(), match.group(3)
    assert version == json.loads((REPO_ROOT / "package.json").read_text())["devDependencies"]["esbuild"]
    hash_ = hashlib.sha256()
    for source in sources:
        hash_.update(source.encode() + b"\0" + (WIDGETS / source).read_bytes() + b"\0")
    assert hash_.hexdigest() == digest, f"{bundle.name} is stale: run make widgets"


def test_a_rebuild_gives_the_shipped_bundles_byte_for_byte(tmp_path):
    if not (REPO_ROOT / "node_modules" / "esbuild").is_dir() or shutil.which("node") is None:
        pytest.skip("esbuild is not installed here (make widgets installs it)")
    subprocess.run(["node", str(WIDGETS / "bundle.mjs"), "--outdir", str(tmp_path)], check=True, capture_output=True)
    for bundle in BUNDLES:
        assert (tmp_path / bundle.name).read_bytes() == bundle.read_bytes(), f"{bundle.name} is stale: run make widgets"


def test_a_stale_source_is_caught(tmp_path):
    """The check above can fail: the digest of a source changed by one byte is another."""
    text = (STATIC / "panels.js").read_text(encoding="utf-8")
    sources = BANNER.match(text).group(2).split()
    digests = set()
    for extra in (b"", b" "):
        hash_ = hashlib.sha256()
        for source in sources:
            hash_.update(source.encode() + b"\0" + (WIDGETS / source).read_bytes() + extra + b"\0")
        digests.add(hash_.hexdigest())
    assert len(digests) == 2


# -- the contract: every trait name in a bundle is a synced trait of its widget -------------------

# What names a trait in the JavaScript: model.get/set, change events, setTrait (send.js) and the
# data-trait of a control.
NAMED = [
    r'model\.get\("(\w+)"\)', r'model\.set\("(\w+)"', r'"change:(\w+)"', r'setTrait\(model, "(\w+)"',
    r'"data-trait": "(\w+)"', r'trait: "(\w+)"', r'model\.request\("(\w+)"',
]
# Where a trait's name is a variable: only in send.js's setTrait, which its callers give a literal (listeners
# are added in loops, but every "change:NAME" is a literal the patterns above read).
ANY_CALL = re.compile(r"model\.(?:get|set|request)\(([^,)]*)")


def _without_set_trait(text: str) -> str:
    if "function setTrait(" not in text:
        return text  # a bundle whose widget sets no trait from a slider
    start = text.index("function setTrait(")
    end = text.index("\n}\n", start)
    return text[:start] + text[end:]


def _names(text: str) -> set[str]:
    return {name for pattern in NAMED for name in re.findall(pattern, text)}


@pytest.mark.parametrize("module", list(CLASSES))
def test_every_trait_the_page_names_is_a_synced_trait_of_its_widget(module):
    text = _without_set_trait((STATIC / f"{module}.js").read_text(encoding="utf-8"))
    dynamic = [argument for argument in ANY_CALL.findall(text) if not re.fullmatch(r'"[\w:]+"', argument.strip())]
    assert dynamic == [], f"trait names the test cannot read in {module}.js: {dynamic}"
    synced = set().union(*(set(cls.class_traits(sync=True)) for cls in CLASSES[module]()))
    names = _names(text)
    assert names, "the patterns found no trait: they no longer match the JavaScript"
    assert names <= synced, f"{module}.js names traits its widget does not sync: {sorted(names - synced)}"


def test_the_contract_check_catches_a_name_that_is_not_a_trait():
    assert _names('model.get("bias"); model.on("change:baize", draw)') == {"bias", "baize"}
    assert "baize" not in CoinPanel.class_traits(sync=True)
