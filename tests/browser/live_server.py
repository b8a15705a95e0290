"""A live server started exactly as ``scripts/start.sh`` starts it (``chiapp app``, whose shipped
config binds 127.0.0.1) and Debian's Chromium, for the browser test and the app benchmark.

The server's whole process tree runs under ``strace -f`` (connect, bind, sendto, sendmsg), or,
where strace is missing or cannot trace, its sockets are polled through psutil; ``Server.outside``
lists every address beyond loopback that it bound, listened on or reached. Every wait is bounded;
the server is always stopped.
"""

from __future__ import annotations

import ipaddress
import os
import re
import shutil
import signal
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
#: A drawn Plotly chart on the page (visible: the entry script's hidden chart, which only makes the
#: browser load the chart module early, never counts).
CHART = "[data-testid='stPlotlyChart'] .main-svg >> visible=true"
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


_TRACED = "connect,bind,sendto,sendmsg"
_ADDRESS = re.compile(r'inet_addr\("([^"]+)"\)|inet_pton\(AF_INET6, "([^"]+)"')


def is_loopback(address: str) -> bool:
    """True for 127.0.0.0/8, ::1 and their IPv4-mapped forms; False for 0.0.0.0 (every interface)."""
    ip = ipaddress.ip_address(address)
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_loopback


def outside_in_trace(text: str) -> list[str]:
    """Lines of an ``strace`` log whose AF_INET/AF_INET6 address is not loopback."""
    found = []
    for line in text.splitlines():
        for match in _ADDRESS.finditer(line):
            address = match.group(1) or match.group(2)
            if not is_loopback(address):
                found.append(line.strip())
    return found


def _strace_works() -> bool:
    if shutil.which("strace") is None:
        return False
    done = subprocess.run(["strace", "-f", "-qq", "-e", "trace=none", "true"], capture_output=True)
    return done.returncode == 0


class _SocketPoller:
    """Fallback without strace: the process tree's inet sockets every 50 ms (short-lived ones can
    slip between polls, which strace does not allow)."""

    def __init__(self, pid: int) -> None:
        import threading

        self.pid, self.found, self.stop = pid, set(), threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self) -> None:
        import psutil

        while not self.stop.is_set():
            try:
                root = psutil.Process(self.pid)
                for process in [root, *root.children(recursive=True)]:
                    for conn in process.net_connections(kind="inet"):
                        for addr in (conn.laddr, conn.raddr):
                            if addr and not is_loopback(addr.ip):
                                self.found.add(f"pid {process.pid}: {conn.laddr} -> {conn.raddr} {conn.status}")
            except psutil.Error:
                pass
            time.sleep(0.05)


@dataclass
class Server:
    url: str
    launched_at: float  # time.perf_counter() just before ``chiapp app`` was started [s]
    healthy_after_s: float  # from launch to the first healthy answer [s]
    trace_path: Path | None = None
    poller: _SocketPoller | None = None

    def outside(self) -> list[str]:
        """Every non-loopback address the server's processes bound, listened on or reached."""
        if self.trace_path is not None:
            return outside_in_trace(self.trace_path.read_text(errors="replace"))
        return sorted(self.poller.found) if self.poller else []


@contextmanager
def live_server(timeout_s: float = 60.0, extra_args: tuple[str, ...] = (), watch: bool = True) -> Iterator[Server]:
    """Start the app as scripts/start.sh does (``chiapp app --port P``, the shipped config, no
    address given); yield it once healthy; always stop it (its whole process group). ``watch``
    traces its sockets (strace, else psutil polling); timing benchmarks turn it off, since strace
    slows every system call of the server."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    # kept open for the server's lifetime and closed in the finally below
    log = tempfile.NamedTemporaryFile("w+", prefix="chiapp-streamlit-", suffix=".log", delete=False)  # noqa: SIM115
    command = [sys.executable, "-m", "chiapp", "app", "--port", str(port), *extra_args]
    trace_path = None
    if watch and _strace_works():
        trace_path = Path(tempfile.mkstemp(prefix="chiapp-strace-", suffix=".log")[1])
        command = ["strace", "-f", "-qq", "-e", "signal=none", "-e", f"trace={_TRACED}",
                   "-o", str(trace_path), *command]
    # start.sh runs the installed package; this checkout stands in for it on the import path
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, (str(REPO), os.environ.get("PYTHONPATH")))))
    started = time.perf_counter()
    process = subprocess.Popen(command, cwd=REPO, stdout=log, stderr=subprocess.STDOUT, env=env,
                               start_new_session=True)
    server = Server(url, started, 0.0, trace_path,
                    None if trace_path or not watch else _SocketPoller(process.pid))
    try:
        deadline = started + timeout_s
        while not _healthy(url):
            if process.poll() is not None or time.perf_counter() > deadline:
                log.seek(0)
                raise RuntimeError(f"chiapp app did not become healthy at {url}:\n{log.read()[-3000:]}")
            time.sleep(0.1)
        server.healthy_after_s = time.perf_counter() - started
        yield server
    finally:
        try:
            os.killpg(process.pid, signal.SIGTERM)  # the group this function started: server and workers
        except ProcessLookupError:
            pass
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)
        if server.poller is not None:
            server.poller.stop.set()
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
