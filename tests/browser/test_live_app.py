"""One live server started as scripts/start.sh starts it (``chiapp app``), driven by Chromium: a pair
found by CAS number and by synonym, the χ plot and the 3D view, a polymer drawn with its two R ends
in the editor, an empty drawing refused, a report downloaded and opened offline, the ranking page,
screenshots; not one browser request leaving 127.0.0.1, and not one socket of the server's
processes beyond loopback (strace, or psutil polling).

Checked by hand that this fails when the server listens everywhere: with
``live_server(extra_args=("--address", "0.0.0.0"))`` the bind to 0.0.0.0 is reported.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest

pytest.importorskip("playwright.sync_api")
from tests.browser.drawing import draw_polyethylene_with_r_ends
from tests.browser.live_server import CHART, CHROMIUM, chromium, is_local, live_server

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason=f"no Chromium at {CHROMIUM}"),
]
ARTIFACTS = Path(os.environ.get("CHIAPP_ARTIFACTS", tempfile.gettempdir())) / "chiapp-browser"
PAGE_LINKS = ("Predict χ", "Phase diagram", "Rank solvents", "Separate plastics", "Antisolvent dose", "Solvent blends",
              "Polymer pairs", "Batch", "Calibrate with your data", "About the model")
#: What a page or a report must never show: Python reprs and markdown that was not rendered.
CODE = ("array(", "Evidence(", "ChiPrediction(", "CrystallineLimit(", "dtype=", "**", "`")


def search(page, label: str, text: str) -> None:
    """Type into a search box and press Enter, as a user does."""
    box = page.get_by_role("textbox", name=label)
    box.fill(text)
    box.press("Enter")


def caption_starts(page, name: str, timeout: int = 30_000) -> None:
    page.wait_for_function(
        "(name) => [...document.querySelectorAll('[data-testid=stImageCaption]')]"
        ".some(e => e.textContent.startsWith(name + ':'))", arg=name, timeout=timeout)


def idle(page) -> None:
    """Wait until the script run is over: no status widget, no stale element."""
    page.wait_for_function("() => !document.querySelector('[data-testid=stStatusWidget]') &&"
                           " !document.querySelector('[data-stale=true]')", timeout=30_000)


def test_live_app_predicts_draws_ranks_and_stays_offline():
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with live_server() as server, chromium() as (page, requests):
        page.goto(server.url)
        page.wait_for_selector(CHART, timeout=60_000)
        # app.py's chart that only loads Plotly early is on the page, takes no room, and shows nothing
        hidden = page.locator("[data-testid=stLayoutWrapper]:has(> .st-key-chart_module)")
        assert hidden.count() == 1 and hidden.bounding_box() is None
        assert page.locator("[data-testid=stPlotlyChart]").count() == 2  # it and the χ chart

        search(page, "Search polymers", "plexiglas")     # a trade name (synonym)
        search(page, "Search solvents", "67-64-1")       # acetone's CAS number
        caption_starts(page, "acetone")
        caption_starts(page, "poly(methyl methacrylate)")
        page.wait_for_selector(CHART, timeout=30_000)
        page.locator("[data-testid='stMetricValue']").first.wait_for()

        viewer = page.frame_locator("[data-testid='stIFrame']").first
        viewer.locator("canvas").first.wait_for(state="attached", timeout=30_000)
        assert viewer.locator("canvas").count() >= 1
        idle(page)
        page.screenshot(path=str(ARTIFACTS / "predict.png"), full_page=True)

        # A report of the pair, downloaded and opened offline.
        with page.expect_download(timeout=60_000) as download:
            page.get_by_role("button", name="Download a report (HTML, opens offline)").click()
        report = ARTIFACTS / "report.html"
        download.value.save_as(report)
        offline = page.context.browser.new_context(offline=True)  # no network at all, as on a plane
        report_page = offline.new_page()
        report_requests: list[str] = []
        report_page.on("request", lambda request: report_requests.append(request.url))
        report_page.goto(report.as_uri())
        report_page.wait_for_selector(".main-svg", timeout=30_000)
        report_text = report_page.inner_text("body")
        report_page.screenshot(path=str(ARTIFACTS / "report.png"), full_page=True)
        offline.close()

        # The offline molecule editor: it starts from the chosen repeat unit ('*' ends as R atoms),
        # and Apply hands the structure back unchanged.
        page.get_by_role("radiogroup", name="Polymer given as").get_by_text("Draw").click()
        page.locator("#jsme_apply_btn").first.wait_for(timeout=30_000)
        page.wait_for_function("() => !!window.JSApplet && !!document.querySelector('[id^=chiapp_jsme_] *')",
                               timeout=30_000)
        page.locator("#jsme_apply_btn").first.click()
        caption_starts(page, "poly(methyl methacrylate)")
        idle(page)
        # Apply on an empty editor says so (it used to keep the old molecule silently).
        page.locator("#jsme_clear_btn").first.click()
        page.locator("#jsme_apply_btn").first.click()
        page.get_by_text("The drawing is empty").wait_for(timeout=30_000)
        idle(page)
        # A repeat unit drawn with the mouse, its two ends marked with the R button.
        drawn = draw_polyethylene_with_r_ends(page)
        page.locator("#jsme_apply_btn").first.click()
        caption_starts(page, "polyethylene")
        idle(page)
        page.screenshot(path=str(ARTIFACTS / "drawn.png"), full_page=True)
        page.get_by_role("radiogroup", name="Polymer given as").get_by_text("Name").click()
        page.get_by_role("combobox", name="Polymer").wait_for(timeout=30_000)
        idle(page)

        page.get_by_role("link", name="Phase diagram").click()
        page.wait_for_selector(CHART, timeout=60_000)
        assert page.get_by_role("combobox", name="Solvent").input_value().startswith("acetone")

        page.get_by_role("link", name="Rank solvents").click()
        page.wait_for_selector("[data-testid='stDataFrame']", timeout=60_000)
        page.wait_for_selector(CHART, timeout=30_000)
        kept = page.get_by_role("combobox", name="Polymer").input_value()
        page.screenshot(path=str(ARTIFACTS / "rank.png"), full_page=True)

        # Every page, as a formulator reads it: no Python repr, no stray markdown (issue 29).
        seen = {}
        for name in PAGE_LINKS:
            page.get_by_role("link", name=name).click()
            page.wait_for_timeout(500)
            idle(page)
            page.wait_for_selector("h1", timeout=60_000)
            idle(page)
            seen[name] = page.inner_text("[data-testid='stMain']")
            page.screenshot(path=str(ARTIFACTS / f"page-{name.split()[0].lower()}.png"), full_page=True)
        errors = page.locator("[data-testid='stException']").count()
        outside = sorted({u for u in requests if not is_local(u)})
        sockets_outside = server.outside()
    assert sockets_outside == [], f"the server used addresses beyond loopback: {sockets_outside[:5]}"
    assert errors == 0
    assert drawn.count("[R]") == 2, drawn
    assert "polyethylene" in kept, "the polymer drawn on one page is kept on the next"
    for words in ("poly(methyl methacrylate)", "acetone", "Evidence used", "Model and citation", "10.1021"):
        assert words in report_text, words
    for name, text in {**seen, "the pair report": report_text}.items():
        assert len(text) > 100, name
        for code in CODE:
            assert code not in text, (name, code)
    assert report_requests and all(u.startswith(("file:", "data:", "blob:", "about:")) for u in report_requests), \
        report_requests
    assert requests, "the page made requests to its own server"
    assert outside == [], f"requests left the machine: {outside}"
