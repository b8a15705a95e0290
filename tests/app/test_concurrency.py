"""One heavy input cannot stall other sessions: two AppTest sessions in two threads of one process.

Streamlit runs each session's script in its own thread of the server process, as AppTest does
here; both share the interpreter lock, the caches and the worker processes of chiapp.isolation.
"""

from __future__ import annotations

import threading
import time

from streamlit.testing.v1 import AppTest

from tests.app.test_pages import APP, TIMEOUT_S, assert_clean
from tests.helpers import plotly_charts

#: One of the heaviest accepted repeat units of benchmarks/molecules.py (eight 1,3-adamantanes:
#: the largest accepted cage chain, seconds of 3D conformer embedding).
HEAVY = "*" + "C12CC3CC(C1)CC(C3)(C2)" * 8 + "*"
ANSWER_WITHIN_S = 2.0


def _session() -> AppTest:
    at = AppTest.from_file(APP, default_timeout=TIMEOUT_S)
    at.run()
    assert_clean(at)
    return at


def test_other_session_answers_while_one_submits_the_heaviest_molecule():
    heavy, light = _session(), _session()
    heavy.toggle(key="show_3d").set_value(True)
    heavy.radio(key="polymer_mode").set_value("SMILES").run()
    light.radio(key="solvent_mode").set_value("SMILES").run()
    done = threading.Event()

    def submit_heavy() -> None:
        heavy.text_input(key="polymer_smiles").set_value(HEAVY).run()
        done.set()

    worker = threading.Thread(target=submit_heavy)
    worker.start()
    time.sleep(0.3)  # the heavy session is now inside its run
    answered = []
    for solvent in ("CCCCCCCC", "CCCCCCCCC", "CCCCCCCCCC"):  # new solvents: no cached answer
        start = time.perf_counter()
        light.text_input(key="solvent_smiles").set_value(solvent).run()
        answered.append(time.perf_counter() - start)
        assert_clean(light)
        assert len(plotly_charts(light)) == 1
    heavy_was_running = not done.is_set()
    worker.join(TIMEOUT_S)
    assert_clean(heavy)
    assert heavy_was_running, "the heavy session finished before the light one was timed"
    assert max(answered) < ANSWER_WITHIN_S, answered
