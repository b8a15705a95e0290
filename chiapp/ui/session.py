"""Session state: the defaults every input starts from, and the error boundary of a page.

Every input a user chooses lives under a key of DEFAULTS, so it survives page switches
(widgets are created with a key and no ``value=``: the key is the truth; see init_session).
"""

from __future__ import annotations

import re
from contextlib import contextmanager
from functools import lru_cache
from typing import Literal

import streamlit as st

from chiapp.errors import ChiAppError

_MARKDOWN_PUNCTUATION = re.compile(r"([!\"#$%&'()*+,\-./:;<=>?@\[\\\]^_`{|}~])")


def plain(text) -> str:
    """Text shown through Streamlit's markdown exactly as written: every ASCII punctuation
    character backslash-escaped (CommonMark renders an escaped one literally), so a typed
    ``[x](http://…)`` is no link, ``*CC(*)c1ccccc1`` keeps its stars and ``<b>`` is no tag."""
    return _MARKDOWN_PUNCTUATION.sub(r"\\\1", str(text))


#: The boiling-point slider's whole span [°C]; the whole span means "no boiling-point filter".
BOILING_POINT_SPAN_C = (-50.0, 350.0)


DEFAULTS: dict[str, object] = {
    "show_hansen_3d": False,
    "polymer_mode": "Name",
    "polymer_name": "polystyrene",
    "polymer_smiles": "*CC(*)c1ccccc1",
    "solvent_mode": "Name",
    "solvent_name": "toluene",
    "solvent_smiles": "Cc1ccccc1",
    "temperature_range_c": (0.0, 150.0),
    "show_3d": True,
    "figure_format": "PNG",
    "chain_length_mode": "Molecular weight",
    "molecular_weight_g_per_mol": 100_000.0,
    "chain_length": None,
    "phase_chain_length": 1000.0,
    "polymer_density_g_per_cm3": None,
    "user_phi": 0.10,
    "user_temperature_c": 25.0,
    "rank_temperature_c": 25.0,
    "filter_boiling_point_c": BOILING_POINT_SPAN_C,
    "filter_min_flash_point_c": None,
    "filter_exclude_classes": [],
    "filter_in_domain_only": False,
    "separate_target": "polystyrene",
    "separate_others": ["polyethylene", "polypropylene", "poly(ethylene terephthalate)"],
    "separate_temperature_range_c": (20.0, 140.0),
    "separate_plan": False,
    "allow_above_boiling": False,
    "target_override": "library data",
    "target_melting_point_c": None,
    "blend_polymer": "polystyrene",
    "blend_text": "ethanol:0.5+toluene:0.5",
    "blend_temperature_range_c": (0.0, 100.0),
    "blend_finder_temperature_c": 25.0,
    "blend_only_recommended": False,
    "blend_only_nonsolvents": False,
    "pair_polymer_a": "polystyrene",
    "pair_polymer_b": "poly(methyl methacrylate)",
    "pair_temperature_c": 150.0,
    "pair_chain_length_a": None,
    "pair_chain_length_b": None,
    "antisolvent_polymer": "polystyrene",
    "antisolvent_solvent": "toluene",
    "antisolvent_added": "methanol",
    "antisolvent_temperature_c": 25.0,
    "antisolvent_polymer_wt": 10.0,
    "antisolvent_share": 0.99,
}


PERSIST: Literal["session"] = "session"


@lru_cache(maxsize=1)
def page_icon():
    """The tab icon, drawn here: an emoji or Material icon would make the browser fetch it online."""
    from PIL import Image, ImageDraw

    icon = Image.new("RGBA", (64, 64), (0, 0, 0, 0))
    draw = ImageDraw.Draw(icon)
    draw.rounded_rectangle((2, 2, 62, 62), radius=14, fill=(31, 111, 139, 255))
    draw.line((16, 48, 48, 16), fill="white", width=7)
    draw.line((16, 16, 48, 48), fill="white", width=7)
    return icon


#: streamlit-jsme loads its editor from a CDN when its bundled copy is not ready the moment its
#: component starts (a race), unless a script whose src names ``jsme.nocache`` is in the page. This
#: puts such a marker in the page once, as a script of an unknown type, which browsers never fetch.
_OFFLINE_GUARD_JS = """
export default function () {
  if (document.querySelector('script[data-chiapp-offline]')) return;
  const marker = document.createElement('script');
  marker.type = 'text/x-chiapp-marker';
  marker.dataset.chiappOffline = 'true';
  marker.setAttribute('src', 'bundled/jsme.nocache.js');
  document.head.appendChild(marker);
}
"""


_offline_guard = st.components.v2.component("chiapp_offline_guard", js=_OFFLINE_GUARD_JS)


def offline_guard() -> None:
    """Mount the marker above on every page (the entry script calls it, before any editor)."""
    _offline_guard(key="chiapp_offline_guard")


def init_session() -> None:
    """Every run, before any page: defaults for new sessions, and each input written back to itself.

    Writing a value back through the Session State API makes it the value of the widget that the
    next page creates under the same key. Without it a widget of the same key on another page
    may start from its default (seen in Streamlit 1.67 on a page switch before any interaction),
    even with ``persist_state="session"``.
    """
    for key, value in DEFAULTS.items():
        st.session_state[key] = st.session_state.get(key, value)


@contextmanager
def user_errors(stop: bool = True):
    """Show a ChiAppError as ``st.error`` and stop the page (``stop=False``: go on with the rest of
    the page, the block left unfinished); anything else is a bug and propagates."""
    try:
        yield
    except ChiAppError as err:
        st.error(plain(err), icon=":material/error:")
        if stop:
            st.stop()
