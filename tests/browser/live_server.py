"""A live ``streamlit run app.py`` on 127.0.0.1 and Debian's Chromium, for the browser test and
the app benchmark. Every wait is bounded; the server is always stopped."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlparse

REPO = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic",
]
#: Schemes that never leave the machine.
LOCAL_SCHEMES = {"data", "blob", "about", "javascript", "chrome-error"}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def is_local(url: str) -> bool:
    """True when a request URL stays on this machine (127.0.0.1, or a data:/blob:/about: URL)."""
    parsed = urlparse(url)
    return parsed.scheme in LOCAL_SCHEMES or parsed.hostname in {"127.0.0.1", "localhost"}


def _healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/_stcore/health", timeout=1) as response:
            return response.status == 200
    except OSError:
        return False


@dataclass(frozen=True)
class Server:
    url: str
    launched_at: float  # time.perf_counter() just before ``streamlit run`` was started [s]
    healthy_after_s: float  # from launch to the first healthy answer [s]


@contextmanager
def live_server(timeout_s: float = 60.0) -> Iterator[Server]:
    """Start the app on a free port of 127.0.0.1; yield it once healthy; always stop it."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    # kept open for the server's lifetime and closed in the finally below
    log = tempfile.NamedTemporaryFile("w+", prefix="chiapp-streamlit-", suffix=".log", delete=False)  # noqa: SIM115
    env = dict(os.environ, STREAMLIT_BROWSER_GATHER_USAGE_STATS="false")
    started = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port),
         "--server.address", "127.0.0.1", "--server.headless", "true"],
        cwd=REPO, stdout=log, stderr=subprocess.STDOUT, env=env, start_new_session=True)
    try:
        deadline = started + timeout_s
        while not _healthy(url):
            if process.poll() is not None or time.perf_counter() > deadline:
                log.seek(0)
                raise RuntimeError(f"streamlit did not become healthy at {url}:\n{log.read()[-3000:]}")
            time.sleep(0.1)
        yield Server(url, started, time.perf_counter() - started)
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)
        log.close()


@contextmanager
def chromium(viewport: dict | None = None):
    """A headless Chromium page from Debian's binary; yields (page, list of every request URL)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport=viewport or {"width": 1400, "height": 1000})
            page.set_default_timeout(30_000)
            requests: list[str] = []
            page.on("request", lambda request: requests.append(request.url))
            yield page, requests
        finally:
            browser.close()
