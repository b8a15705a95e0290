"""Screenshots of every page of the app at 1400 px wide: ``python -m benchmarks.screenshots``.

Starts ``streamlit run app.py`` on 127.0.0.1 (tests/browser/live_server.py), opens each page in
Debian's Chromium, waits until its run is over and its figures are drawn, and saves the whole page
(the viewport grown to the page's height, so nothing is cut off) as a 256-colour PNG in
docs/screenshots/. Also the molecule editor (Predict, polymer drawn) and a downloaded report.
Prints a table: page, file, size, and the requests that left 127.0.0.1 (must be none).
"""

from __future__ import annotations

import argparse
from io import BytesIO
from pathlib import Path

from tests.browser.live_server import CHART, chromium, is_local, live_server

WIDTH_PX = 1400
MAX_HEIGHT_PX = 8000
BATCH_EXAMPLE = (b"polymer,solvent,temperature_c\npolystyrene,toluene,25\nPMMA,acetone,40\n"
                 b"*CC(*)C#N,DMF,60\npolystyrene,notasolvent,25\n")


def _idle(page, timeout_ms: int = 60_000) -> None:
    page.wait_for_function(
        "() => !document.querySelector('[data-testid=stStatusWidget]') &&"
        " !document.querySelector('[data-stale=true]')", timeout=timeout_ms)


def _save(page, path: Path) -> int:
    """Grow the viewport to the page's content height, then save it quantized to 256 colours."""
    from PIL import Image

    height = 0
    for _ in range(4):  # grow until the page stops growing (charts and tables render after the run)
        content = page.evaluate(
            "() => Math.max(...[...document.querySelectorAll('[data-testid=stMain], "
            "[data-testid=stMainBlockContainer], [data-testid=stAppViewContainer], body')].map(e => e.scrollHeight))")
        if content <= height:
            break
        height = content
        page.set_viewport_size({"width": WIDTH_PX, "height": int(min(max(height, 900) + 40, MAX_HEIGHT_PX))})
        page.wait_for_timeout(1500)
        _idle(page)
    image = Image.open(BytesIO(page.screenshot(full_page=True))).convert("RGB")
    page.set_viewport_size({"width": WIDTH_PX, "height": 1000})
    path.parent.mkdir(parents=True, exist_ok=True)
    image.quantize(colors=256, method=Image.Quantize.MEDIANCUT).save(path, optimize=True)
    return image.height


def _page(page, link: str | None, ready: str) -> None:
    if link:
        page.get_by_role("link", name=link).click()
    page.wait_for_selector(ready, timeout=90_000)
    _idle(page)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--output", type=Path, default=Path("docs/screenshots"), help="folder for the PNG files")
    args = parser.parse_args(argv)
    rows = []
    with live_server() as server, chromium({"width": WIDTH_PX, "height": 1000}) as (page, requests):
        page.goto(server.url)

        def shot(name: str, link: str | None, ready: str) -> None:
            _page(page, link, ready)
            path = args.output / f"{name}.png"
            height = _save(page, path)
            rows.append((name, str(path), f"{WIDTH_PX} × {height}", f"{path.stat().st_size / 1024:.0f} KB"))

        _page(page, None, CHART)
        page.frame_locator("[data-testid='stIFrame']").first.locator("canvas").first.wait_for(state="attached")
        shot("1_predict", None, CHART)
        shot("2_phase_diagram", "Phase diagram", CHART)
        shot("3_rank_solvents", "Rank solvents", "[data-testid='stDataFrame']")
        shot("4_separate_plastics", "Separate plastics", "[data-testid='stDataFrame']")
        page.get_by_text("Plan a separation sequence of all the plastics above").click()
        page.get_by_text("Separation sequence of").first.wait_for(timeout=180_000)
        shot("4b_separation_sequence", None, CHART)
        page.get_by_role("link", name="Batch").click()
        page.locator("[data-testid='stFileUploaderDropzoneInput']").set_input_files(
            files=[{"name": "pairs.csv", "mimeType": "text/csv", "buffer": BATCH_EXAMPLE}])
        shot("5_batch", None, "[data-testid='stDataFrame']")
        shot("6_about_the_model", "About the model", "[data-testid='stCode']")
        shot("9_solvent_blends", "Solvent blends", "[data-testid='stDataFrame']")
        shot("10_polymer_pairs", "Polymer pairs", "[data-testid='stDataFrame']")
        shot("11_antisolvent_dose", "Antisolvent dose", CHART)
        shot("12_calibrate", "Calibrate with your data", CHART)

        _page(page, "Predict χ", CHART)
        page.get_by_role("button", name="Compute with quantum chemistry").click()
        page.get_by_text("Quantum chemistry done").wait_for(timeout=180_000)
        shot("1b_predict_quantum_chemistry", None, CHART)

        _page(page, "Predict χ", CHART)
        page.get_by_role("radiogroup", name="Polymer given as").get_by_text("Draw").click()
        page.wait_for_function("() => !!window.JSApplet && !!document.querySelector('[id^=chiapp_jsme_] *')",
                               timeout=60_000)
        shot("7_predict_draw", None, CHART)

        with page.expect_download(timeout=60_000) as download:
            page.get_by_role("button", name="Download a report (HTML, opens offline)").click()
        report = args.output / "report_example.html"
        download.value.save_as(report)
        offline = page.context.browser.new_context(offline=True, viewport={"width": WIDTH_PX, "height": 1000})
        report_page = offline.new_page()
        report_page.goto(report.resolve().as_uri())
        report_page.wait_for_selector(".main-svg", timeout=30_000)
        report_page.wait_for_timeout(500)
        path = args.output / "8_report.png"
        from PIL import Image

        image = Image.open(BytesIO(report_page.screenshot(full_page=True))).convert("RGB")
        image.quantize(colors=256, method=Image.Quantize.MEDIANCUT).save(path, optimize=True)
        rows.append(("report (opened offline)", str(path), f"{image.width} × {image.height}",
                     f"{path.stat().st_size / 1024:.0f} KB"))
        offline.close()
        report.unlink()  # 5 MB of plotly.js: the screenshot is what the docs need
        outside = sorted({u for u in requests if not is_local(u)})
    rows.append(("requests that left 127.0.0.1", ", ".join(outside) or "none", "", ""))
    print("\n### Screenshots (python -m benchmarks.screenshots)\n")
    print("| page | file | size [px] | file size |")
    print("|---|---|---|---|")
    for row in rows:
        print("| " + " | ".join(row) + " |")


if __name__ == "__main__":
    main()
