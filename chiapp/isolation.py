"""Molecule work of a shared server, kept off its interpreter: worker processes with a time limit.

A Streamlit server runs every session's script in a thread of one Python process. RDKit holds the
interpreter lock while it works, so one session's slow molecule would hold up every other
session's answer. Here the first featurization of a new molecule and its 3D conformer run in
worker processes (plain subprocesses: a threaded server must not fork), each with a time limit:
a request that outlives it has its worker terminated and is refused with a message naming the
limit, and the server itself never starts that work. Library molecules and anything already
featurized skip the workers (the cached fast path).

The limits of ``chiapp.chemistry`` (``MAX_HEAVY_ATOMS``, ``MAX_RINGS``) keep every accepted
molecule's featurization under a second (``python -m benchmarks.molecules``); the time limit here
is the second line of defence, for whatever the benchmark did not try.
"""

from __future__ import annotations

import atexit
import json
import os
import queue
import subprocess
import sys
import threading
from collections.abc import Callable

from chiapp.errors import UnsupportedMoleculeError

__all__ = [
    "MOLECULE_TIME_LIMIT_S",
    "VIEW_TIME_LIMIT_S",
    "LimitExceeded",
    "check_featurizable",
    "run_limited",
    "shutdown",
    "start",
    "structure_3d_html",
]

#: Time limit of one molecule's first featurization in a worker [s].
MOLECULE_TIME_LIMIT_S = 10.0
#: Time limit of one 3D view (conformer embedding and force field) [s].
VIEW_TIME_LIMIT_S = 10.0
_N_WORKERS = 2


class LimitExceeded(TimeoutError):
    """A request outlived its time limit; its worker was terminated."""


class _Worker:
    """One ``python -m chiapp.isolation`` process: a JSON request per line in, a JSON reply out.

    Plain subprocesses rather than ``multiprocessing``: its spawn start method re-runs the parent's
    ``__main__``, which in a Streamlit server is the page script being run.
    """

    def __init__(self) -> None:
        # the worker imports this very chiapp, installed or not
        root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
        path = os.pathsep.join(p for p in (root, os.environ.get("PYTHONPATH", "")) if p)
        self.process = subprocess.Popen(
            [sys.executable, "-m", "chiapp.isolation"], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL, text=True, encoding="utf-8", bufsize=1,
            env=dict(os.environ, PYTHONPATH=path))
        self.replies: queue.Queue = queue.Queue()
        threading.Thread(target=self._read, daemon=True, name="chiapp-worker-reader").start()

    def _read(self) -> None:
        for line in self.process.stdout:  # type: ignore[union-attr]
            self.replies.put(line)
        self.replies.put(None)

    def call(self, name: str, args: list, timeout_s: float):
        try:
            self.process.stdin.write(json.dumps([name, args]) + "\n")  # type: ignore[union-attr]
            self.process.stdin.flush()  # type: ignore[union-attr]
        except OSError:  # the worker has ended (killed, out of memory)
            raise LimitExceeded("the worker ended") from None
        try:
            line = self.replies.get(timeout=timeout_s)
        except queue.Empty:
            raise LimitExceeded(f"took longer than {timeout_s:g} s") from None
        if line is None:
            raise LimitExceeded("the worker ended (out of memory?)")
        return json.loads(line)

    def kill(self) -> None:
        self.process.kill()
        self.process.wait()


_lock = threading.Lock()
_idle: queue.Queue = queue.Queue()
_all: list[_Worker] = []


def start() -> None:
    """Start the workers ahead of the first request (they take a second or two to import RDKit)."""
    with _lock:
        while len(_all) < _N_WORKERS:
            worker = _Worker()
            _all.append(worker)
            _idle.put(worker)


def shutdown() -> None:
    """End the workers (they are started again on the next request)."""
    with _lock:
        workers = list(_all)
        _all.clear()
        while not _idle.empty():
            _idle.get_nowait()
    for worker in workers:
        worker.kill()


atexit.register(shutdown)


def run_limited(name: str, args: list, timeout_s: float):
    """``_TASKS[name](*args)`` in a worker process, or LimitExceeded after ``timeout_s`` seconds
    (waiting for a free worker included). Arguments and result are JSON values."""
    start()
    try:
        worker = _idle.get(timeout=timeout_s)
    except queue.Empty:
        raise LimitExceeded(f"no worker free within {timeout_s:g} s") from None
    if worker.process.poll() is not None:  # ended while idle: replace it
        with _lock:
            if worker in _all:
                _all.remove(worker)
        return run_limited(name, args, timeout_s)
    try:
        result = worker.call(name, args, timeout_s)
    except LimitExceeded:
        # The worker is still inside RDKit: the only way to stop it is to end its process.
        worker.kill()
        with _lock:
            if worker in _all:
                _all.remove(worker)
        raise
    _idle.put(worker)
    return result


def _featurize(role: str, smiles: str) -> str | None:
    """In a worker: featurize one molecule as a prediction would; the error message, if any."""
    from chiapp import descriptors, domain
    from chiapp.errors import ChiAppError

    try:
        if role == "polymer":
            descriptors.polymer_descriptors(smiles)
            domain._polymer_fp(smiles)
        else:
            descriptors.solvent_descriptors(smiles)
            domain._solvent_fp(smiles)
    except ChiAppError as err:
        return str(err)
    return None


def check_featurizable(role: str, smiles: str, timeout_s: float = MOLECULE_TIME_LIMIT_S) -> None:
    """Refuse a molecule whose featurization outlives ``timeout_s`` in a worker process.

    Errors the featurization raises are left to the caller's own (in-process, fast) call, which
    raises them with their full type and fields.
    """
    try:
        run_limited("featurize", [role, smiles], timeout_s)
    except LimitExceeded as err:
        raise UnsupportedMoleculeError(
            f"featurization {err}, past the limit of {timeout_s:g} s per molecule "
            "(MOLECULE_TIME_LIMIT_S); simplify the molecule", smiles, role) from None


def _structure_3d_html(smiles: str, title: str, height: int) -> str | None:
    from chiapp import depiction
    from chiapp.errors import ChiAppError

    try:
        return depiction.structure_3d_html(smiles, title, height)
    except ChiAppError:
        return None


def structure_3d_html(smiles: str, title: str, height: int = 240,
                      timeout_s: float = VIEW_TIME_LIMIT_S) -> str | None:
    """``chiapp.depiction.structure_3d_html`` in a worker; None when it outlives ``timeout_s``."""
    try:
        return run_limited("structure_3d_html", [smiles, title, height], timeout_s)
    except LimitExceeded:
        return None


_TASKS: dict[str, Callable[..., object]] = {"featurize": _featurize, "structure_3d_html": _structure_3d_html}


def _serve() -> None:
    """The worker's loop: read ``[name, args]`` lines, write each result as one JSON line."""
    from chiapp import depiction, descriptors, domain  # noqa: F401  (load RDKit's tables once)

    for line in sys.stdin:
        name, args = json.loads(line)
        print(json.dumps(_TASKS[name](*args)), flush=True)


if __name__ == "__main__":
    _serve()
