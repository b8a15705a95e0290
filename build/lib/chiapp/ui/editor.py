"""The molecule editor: JSME (bundled by streamlit-jsme, served from the app, never from a CDN) with
its R button, and an Apply that always reaches Python, empty or not.

A polymer's two ``*`` ends are drawn as R groups: JSME's R button (its ``rbutton`` option puts it in
the left column, under X) turns the atom clicked into R, and JSME writes it ``[R]`` (``[R1]``... for
numbered groups) in its SMILES; ``drawn_to_smiles`` reads those as ``*``. So a user draws the repeat
unit with one extra atom at each end and clicks those two with R (tests/browser/drawing.py does
exactly this with the mouse). JSME cannot read ``*`` back, so a repeat unit is sent to it with R
atoms (``smiles_for_editor``). Found in Chromium with JSME 2024-04-29: the X button asks for an
element symbol and is no way to a '*'; the crossed-R button deletes R groups.
"""

from __future__ import annotations

import re

import streamlit as st

__all__ = ["draw_molecule", "drawn_to_smiles", "smiles_for_editor"]

#: What JSME writes for an R group, an R-group label or an any-atom mark: each is a '*' end for chiapp.
_STAR_LABELS = re.compile(r"\[(?:R\d*|\*|\*:\d+)\]")


def drawn_to_smiles(drawn: str) -> str:
    """The editor's SMILES with R-group or any-atom labels turned into the '*' ends chiapp reads.

    >>> drawn_to_smiles("[R]CC([R])c1ccccc1")
    '*CC(*)c1ccccc1'
    """
    return _STAR_LABELS.sub("*", (drawn or "").strip())


def smiles_for_editor(smiles: str) -> str:
    """A SMILES the JSME editor reads: its '*' ends written as R atoms (JSME cannot read '*')."""
    return re.sub(r"\[\*(?::\d+)?\]|\*", "[R]", smiles or "")


#: Our own small driver of the bundled JSME: it builds the editor in this component's element, and
#: its Apply sends a *trigger* (fires on every press, so an empty drawing reaches Python too).
_JS = """
export default function (component) {
  const { data, parentElement, setTriggerValue } = component;
  const molecule = (data && data.molecule) || '';
  const height = (data && data.height) || 380;
  function wire() {
    const app = parentElement._chiappJsme;
    const apply = parentElement.querySelector('#jsme_apply_btn');
    const clear = parentElement.querySelector('#jsme_clear_btn');
    if (apply) apply.onclick = () => {
      if (!app) return;
      setTriggerValue('applied', { smiles: app.smiles() || '' });
    };
    if (clear) clear.onclick = () => { if (app) app.reset(); };
  }
  function build() {
    const wrapper = parentElement.querySelector('#jsme_wrapper');
    if (!wrapper || !window.JSApplet) return false;
    wrapper.innerHTML = '';
    const inner = document.createElement('div');
    inner.id = 'chiapp_jsme_' + Math.random().toString(36).slice(2, 10);
    wrapper.appendChild(inner);
    const width = wrapper.offsetWidth || 560;
    parentElement._chiappJsme = new window.JSApplet.JSME(inner.id, width + 'px', height + 'px',
      { options: 'newlook,rbutton,nocanonize,star' });
    if (molecule) parentElement._chiappJsme.readGenericMolecularInput(molecule);
    parentElement._chiappMolecule = molecule;
    wire();
    return true;
  }
  if (parentElement._chiappJsme) {
    if (molecule !== parentElement._chiappMolecule) {
      parentElement._chiappMolecule = molecule;
      parentElement._chiappJsme.readGenericMolecularInput(molecule);
    }
    wire();
    return;
  }
  if (!build()) {
    const timer = setInterval(() => { if (build()) clearInterval(timer); }, 50);
    setTimeout(() => clearInterval(timer), 30000);
  }
  return () => { parentElement._chiappJsme = null; };
}
"""


@st.cache_resource(show_spinner=False)
def _component():
    from streamlit_jsme import _HTML  # the JSME bundle and its offline loader (streamlit-jsme 0.1.x)

    return st.components.v2.component("chiapp_jsme", html=_HTML, js=_JS, isolate_styles=False)


def draw_molecule(smiles: str, key: str, height: int = 380) -> str | None:
    """Show the editor starting from ``smiles``; the SMILES applied in this run ('' for an empty
    drawing), or None when Apply was not pressed."""
    result = _component()(data={"molecule": smiles_for_editor(smiles), "height": height}, key=key,
                          on_applied_change=lambda: None)
    applied = getattr(result, "applied", None) if result else None
    if not applied:
        return None
    return str(applied.get("smiles") or "") if isinstance(applied, dict) else str(applied)
