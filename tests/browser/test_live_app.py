"""One live server started as scripts/start.sh starts it (``chiapp app``), driven by Chromium: a pair
in, the χ plot and the 3D view out, the ranking page, a screenshot, not one browser request leaving
127.0.0.1, and not one socket of the server's processes beyond loopback (strace, or psutil polling).

Checked by hand that this fails when the server listens everywhere: with
``live_server(extra_args=("--address", "0.0.0.0"))`` the bind to 0.0.0.0 is reported.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest

pytest.importorskip("playwright.sync_api")
from tests.browser.live_server import CHROMIUM, chromium, is_local, live_server

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason=f"no Chromium at {CHROMIUM}"),
]
ARTIFACTS = Path(os.environ.get("CHIAPP_ARTIFACTS", tempfile.gettempdir())) / "chiapp-browser"
CHART = "[data-testid='stPlotlyChart'] .main-svg"


def choose(page, label: str, option: str) -> None:
    """Pick an option of a searchable select box by typing it, as a user does."""
    box = page.get_by_role("combobox", name=label)
    box.click()
    box.fill(option)
    page.get_by_role("option", name=option, exact=True).click()


def idle(page) -> None:
    """Wait until the script run is over: no status widget, no stale element."""
    page.wait_for_function("() => !document.querySelector('[data-testid=stStatusWidget]') &&"
                           " !document.querySelector('[data-stale=true]')", timeout=30_000)


def test_live_app_predicts_draws_ranks_and_stays_offline():
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with live_server() as server, chromium() as (page, requests):
        page.goto(server.url)
        page.wait_for_selector(CHART, timeout=60_000)

        choose(page, "Polymer", "poly(methyl methacrylate)")
        choose(page, "Solvent", "acetone")
        page.wait_for_function(
            "() => [...document.querySelectorAll('[data-testid=stImageCaption]')]"
            ".some(e => e.textContent.startsWith('acetone:'))", timeout=30_000)
        page.wait_for_selector(CHART, timeout=30_000)
        page.locator("[data-testid='stMetricValue']").first.wait_for()

        viewer = page.frame_locator("[data-testid='stIFrame']").first
        viewer.locator("canvas").first.wait_for(state="attached", timeout=30_000)
        assert viewer.locator("canvas").count() >= 1

        page.screenshot(path=str(ARTIFACTS / "predict.png"), full_page=True)

        # The offline molecule editor: it starts from the chosen repeat unit ('*' ends as R atoms),
        # and Apply hands the structure back unchanged.
        page.get_by_role("radiogroup", name="Polymer given as").get_by_text("Draw").click()
        page.locator("#jsme_apply_btn").first.wait_for(timeout=30_000)
        page.wait_for_function("() => !!window.JSApplet && !!document.querySelector('[id^=jsme_inner_] *')",
                               timeout=30_000)
        page.locator("#jsme_apply_btn").first.click()
        page.wait_for_function(
            "() => [...document.querySelectorAll('[data-testid=stImageCaption]')]"
            ".some(e => e.textContent.startsWith('poly(methyl methacrylate):'))", timeout=30_000)
        page.get_by_role("radiogroup", name="Polymer given as").get_by_text("Name").click()
        page.get_by_role("combobox", name="Polymer").wait_for(timeout=30_000)
        idle(page)

        page.get_by_role("link", name="Phase diagram").click()
        page.wait_for_selector(CHART, timeout=60_000)
        assert page.get_by_role("combobox", name="Solvent").input_value() == "acetone"

        page.get_by_role("link", name="Rank solvents").click()
        page.wait_for_selector("[data-testid='stDataFrame']", timeout=60_000)
        page.wait_for_selector(CHART, timeout=30_000)
        kept = page.get_by_role("combobox", name="Polymer").input_value()
        page.screenshot(path=str(ARTIFACTS / "rank.png"), full_page=True)

        errors = page.locator("[data-testid='stException']").count()
        outside = sorted({u for u in requests if not is_local(u)})
        sockets_outside = server.outside()
    assert sockets_outside == [], f"the server used addresses beyond loopback: {sockets_outside[:5]}"
    assert errors == 0
    assert "poly(methyl methacrylate)" in kept, "the polymer chosen on one page is kept on the next"
    assert requests, "the page made requests to its own server"
    assert outside == [], f"requests left the machine: {outside}"
