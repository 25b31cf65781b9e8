"""The panels of chapters 1-3 in the built book, in a real browser: every slider moves its plot,
and every number shown is the one the Python panel gives for the same inputs.

PANEL_PAGES lists the pages and the panels each shows: a new page with a panel goes there.
Harness and fixtures: tests/browser.py.
"""

from __future__ import annotations

import pytest

from browser import browser, site, visit  # noqa: F401  (fixtures)

pytestmark = pytest.mark.slow

PANEL_PAGES = {
    "book/01_information_theory": ["coin", "distributions"],
    "notebooks/01_information_theory": ["coin", "distributions"],
    "book/02_kl_gaussians": ["gaussian_kl"],
    "notebooks/02_kl_gaussians": ["gaussian_kl"],
    "book/03_elbo": ["elbo"],
    "notebooks/03_elbo": ["elbo"],
}
PANEL_TIMEOUT = 20_000  # milliseconds for the widget manager to render a page's panels
CLOSED_FORM_TOLERANCE = 1e-9


def _panel_view(panel) -> dict:
    """What a panel shows: its inputs' values, its readouts, and a checksum of each canvas's pixels."""
    return panel.evaluate(
        """el => ({
          inputs: [...el.querySelectorAll("input[type=range]")].map(i =>
            [i.dataset.trait, i.dataset.index === undefined ? null : Number(i.dataset.index), Number(i.dataset.value)]),
          readouts: Object.fromEntries([...el.querySelectorAll("output[data-quantity]")].map(o =>
            [o.dataset.quantity, [Number(o.dataset.value), o.textContent]])),
          canvases: [...el.querySelectorAll("canvas")].map(c => {
            const data = c.getContext("2d").getImageData(0, 0, c.width, c.height).data;
            let sum = 0;
            for (let i = 0; i < data.length; i++) sum = (sum * 31 + data[i] * (i % 97 + 1)) % 2147483647;
            return sum;
          }),
        })"""
    )


def _python_panel(kind: str, inputs: list):
    """The Python panel for the inputs the page shows (the Gaussian panel: 1,000 draws of seed 0, as both pages)."""
    from vae_helpers.widgets import CoinPanel, DistributionPanel, ElboPanel, GaussianKLPanel

    values = {}
    for trait, index, value in inputs:
        if index is None:
            values[trait] = value
        else:
            values.setdefault(trait, {})[index] = value
    if kind == "coin":
        return CoinPanel(bias=values["bias"])
    if kind == "distributions":
        p, q = ([weights[i] for i in sorted(weights)] for weights in (values["p_weights"], values["q_weights"]))
        return DistributionPanel(p=p, q=q)
    if kind == "elbo":
        return ElboPanel(mu=values["mu"], sigma=values["sigma"])
    return GaussianKLPanel(mu=values["mu"], sigma=values["sigma"], n_samples=1000, seed=0)


def _assert_shows_what_python_gives(kind: str, view: dict) -> None:
    python = _python_panel(kind, view["inputs"])
    for quantity, (value, text) in view["readouts"].items():
        expected = getattr(python, quantity)
        assert value == pytest.approx(expected, abs=CLOSED_FORM_TOLERANCE), (kind, quantity)
        assert f"{expected + 0.0:.3f}" in text, (kind, quantity, text)
    if kind == "gaussian_kl":
        assert f"{python.kl_standard_error:.3f}" in view["readouts"]["kl_estimate"][1]
    python.close()


@pytest.mark.parametrize("page", list(PANEL_PAGES))
def test_every_panel_follows_each_of_its_sliders_and_shows_what_python_gives(visit, page):
    opened = visit(page)
    panels = opened.page.locator(".vae-panel")
    for kind in PANEL_PAGES[page]:
        opened.page.locator(f".vae-panel--{kind}[data-state=ready]").first.wait_for(timeout=PANEL_TIMEOUT)
    kinds = panels.evaluate_all("els => els.map(el => [...el.classList].find(c => c.startsWith('vae-panel--')).slice(11))")
    assert kinds == PANEL_PAGES[page], f"{page} shows panels {kinds}"

    for index, kind in enumerate(kinds):
        panel = panels.nth(index)
        panel.scroll_into_view_if_needed()
        view = _panel_view(panel)
        _assert_shows_what_python_gives(kind, view)
        sliders = panel.locator("input[type=range]")
        for number in range(sliders.count()):
            slider = sliders.nth(number)
            slider.focus()
            for _ in range(3):
                opened.page.keyboard.press("ArrowRight")
            moved = _panel_view(panel)
            assert moved["inputs"][number][2] != view["inputs"][number][2], f"{kind}: slider {number} did not move"
            assert moved["canvases"] != view["canvases"], f"{kind}: slider {number} moved and no canvas changed"
            _assert_shows_what_python_gives(kind, moved)
            view = moved
    assert not opened.problems, "\n".join(opened.problems)
