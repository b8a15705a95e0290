"""Helpers shared by several test files: the command line in-process, and AppTest page runs."""

from __future__ import annotations

import contextlib
import io
import re
from dataclasses import dataclass
from pathlib import Path

APP = str(Path(__file__).resolve().parents[1] / "app.py")
#: The key of the entry script's hidden chart (app.py: it only makes the browser load Plotly early).
CHART_MODULE_KEY = "chart_module_preload"


def plotly_charts(at) -> list:
    """The Plotly charts a page shows, without the entry script's hidden one."""
    return [chart for chart in at.get("plotly_chart") if not chart.proto.id.endswith(CHART_MODULE_KEY)]


@dataclass
class Done:
    returncode: int
    stdout: str
    stderr: str


def run_cli(*args) -> Done:
    """``chiapp.cli.main`` in this process, with its exit code and what it printed."""
    from chiapp.cli import main

    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = main([str(a) for a in args])
        except SystemExit as exit_:  # argparse's usage errors
            code = int(exit_.code or 0)
    return Done(code, out.getvalue(), err.getvalue())


def open_page(page: str | None = None, timeout_s: float = 300):
    """The app from its entry script, on ``page`` if given, after its first run."""
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(APP, default_timeout=timeout_s)
    at.run()
    if page is not None:
        at.switch_page(page)
        at.run()
    return at


def assert_clean(at) -> None:
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]


def shown(markdown: str) -> str:
    """What a reader sees of markdown that chiapp.ui.plain escaped: the text without the escapes."""
    return re.sub(r"\\(.)", r"\1", markdown)
