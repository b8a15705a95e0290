"""``python -m chiapp.ui.serve run app.py ...``: Streamlit's ``streamlit run``, with chiapp made ready meanwhile.

A browser needs a second or two to load Streamlit's front end before it asks for the first page;
this process spends that time importing chiapp, loading the model, the evidence tables and the
libraries, and answering the default question of the first page once (its caches), in a thread
beside Streamlit's own start-up. The first page then finds them ready instead of loading them while
the user waits. ``chiapp app`` starts the server this way.
"""

from __future__ import annotations

import sys
import threading
from typing import cast


def preload() -> None:
    """What the first page would otherwise load (``chiapp.ui.loaders.model`` and ``chi_curve`` of the
    default pair); errors are left for the page to show."""
    try:
        from chiapp import prediction, ui  # noqa: F401  (the page's imports)
        from chiapp.features import warm_up
        from chiapp.ui.session import DEFAULTS
        from chiapp.units import temperature_grid_k

        prediction.load_model()
        warm_up()
        low_c, high_c = cast(tuple[float, float], DEFAULTS["temperature_range_c"])
        prediction.predict_chi(str(DEFAULTS["polymer_name"]), str(DEFAULTS["solvent_smiles"]),
                               temperature_grid_k((low_c, high_c)))
    except Exception:  # noqa: BLE001 - a head start only: the page computes and reports the same itself
        return


def main() -> None:
    # not a daemon: a server stopped meanwhile waits for it instead of killing it inside RDKit's C++ code
    threading.Thread(target=preload, name="chiapp-preload").start()
    from streamlit.web.cli import main as streamlit

    sys.argv = ["streamlit", *sys.argv[1:]]
    streamlit()


if __name__ == "__main__":
    main()
