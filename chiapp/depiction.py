"""Pictures of molecules: 2D SVG with RDKit, 3D ball-and-stick pages with the vendored 3Dmol.js.

No request leaves the page: the 3D view loads 3Dmol.js from the app's own server.
"""

from __future__ import annotations

import html
import re

from rdkit import Chem
from rdkit.Chem import AllChem, rdDistGeom
from rdkit.Chem.Draw import rdMolDraw2D

from chiapp.chemistry import linear_oligomer, looks_like_polymer, parse_polymer, parse_solvent

__all__ = ["VIEWER_SCRIPT_URL", "embedded_molblock", "structure_3d_html", "structure_svg"]

#: The vendored 3Dmol.js (assets/static/3dmol), served by Streamlit's static file serving
#: from the entry script's ./static folder. Relative, so that it resolves under server.baseUrlPath too;
#: the 3D views are srcdoc iframes, which resolve URLs against the app page's address.
VIEWER_SCRIPT_URL = "app/static/3dmol/3Dmol-min.js"


def _mol_for(smiles: str) -> Chem.Mol:
    return parse_polymer(smiles) if looks_like_polymer(smiles) else parse_solvent(smiles)


def structure_svg(smiles: str, width: int = 320, height: int = 220) -> str:
    """2D depiction of a solvent or a repeat unit ('*' ends drawn) as an SVG string."""
    mol = Chem.Mol(_mol_for(smiles))
    AllChem.Compute2DCoords(mol)
    drawer = rdMolDraw2D.MolDraw2DSVG(width, height)
    options = drawer.drawOptions()
    options.clearBackground = False
    options.addStereoAnnotation = False
    options.padding = 0.08
    rdMolDraw2D.PrepareAndDrawMolecule(drawer, mol)
    drawer.FinishDrawing()
    return drawer.GetDrawingText()


#: Heavy atoms of a drawn oligomer: enough to show the chain's shape, small enough to embed fast.
_MAX_3D_HEAVY_ATOMS = 80
_EMBED_TIMEOUT_S = 1
_EMBED_ATTEMPTS = 3
_MMFF_STEPS = 200  # for a 60-atom molecule (hydrogens included); fewer for larger ones


def embedded_molblock(smiles: str) -> str | None:
    """A 3D conformer (MMFF-relaxed when parameters exist) as a MOL block, or None.

    Bounded work: at most ``_MAX_3D_HEAVY_ATOMS`` × 2 heavy atoms, ``_EMBED_ATTEMPTS`` ETKDG
    attempts of at most ``_EMBED_TIMEOUT_S`` each (then random starting coordinates, the same
    budget), and ``_MMFF_STEPS`` force-field steps scaled down for large molecules. Cages and long
    ring chains that do not embed within it get no 3D view rather than an unbounded wait.
    """
    mol = _mol_for(smiles)
    if looks_like_polymer(smiles):
        n_heavy = max(1, mol.GetNumHeavyAtoms() - 2)
        mol = linear_oligomer(mol, max(1, min(3, _MAX_3D_HEAVY_ATOMS // n_heavy)))
    if mol.GetNumHeavyAtoms() > _MAX_3D_HEAVY_ATOMS * 2:
        return None
    mol = Chem.AddHs(mol)
    params = rdDistGeom.ETKDGv3()
    params.randomSeed = 0xC41
    params.timeout = _EMBED_TIMEOUT_S
    params.maxIterations = _EMBED_ATTEMPTS
    if AllChem.EmbedMolecule(mol, params) != 0:
        params.useRandomCoords = True
        if AllChem.EmbedMolecule(mol, params) != 0:
            return None
    if AllChem.MMFFHasAllMoleculeParams(mol):
        AllChem.MMFFOptimizeMolecule(mol, maxIters=max(20, _MMFF_STEPS * 60 // mol.GetNumAtoms()))
    return Chem.MolToMolBlock(mol)


#: Antialiasing costs ~0.4 s per view on a software renderer (headless Chromium, no GPU) and nothing
#: on a GPU: switch it on only when WebGL runs on real hardware.
_SMOOTH_IF_GPU = (
    "var _chiappSmooth = (function () { try {"
    " var gl = document.createElement('canvas').getContext('webgl');"
    " var info = gl.getExtension('WEBGL_debug_renderer_info');"
    " var hardware = !/SwiftShader|llvmpipe|software/i.test(gl.getParameter(info.UNMASKED_RENDERER_WEBGL));"
    " gl.getExtension('WEBGL_lose_context').loseContext(); return hardware;"
    " } catch (e) { return false; } })();"
)


def structure_3d_html(smiles: str, title: str, height: int = 240) -> str | None:
    """A 3D ball-and-stick view of one molecule as an HTML page; None if no conformer embeds.

    A polymer is shown as a short linear oligomer (up to a trimer) capped with H. The page loads
    the vendored 3Dmol.js from the app's own server; py3Dmol writes the viewer script.
    """
    import py3Dmol  # imports IPython (~0.7 s): only when a 3D view is first drawn

    block = embedded_molblock(smiles)
    if block is None:
        return None
    view = py3Dmol.view(width="100%", height=f"{height}px", js="")
    view.addModel(block, "sdf")
    view.setStyle({"stick": {"radius": 0.14}, "sphere": {"scale": 0.22}})
    view.zoomTo()
    view.zoom(0.8)
    body = view.write_html()  # its CDN loader is bypassed: $3Dmolpromise is set in the head
    body = re.sub(r"_(\d{8,})", "_chiapp", body)  # stable ids: the same molecule, the same HTML
    body = body.replace('{backgroundColor:"white"}', '{backgroundColor:"white",antialias:_chiappSmooth}')
    return (
        "<!doctype html><html><head><meta charset='utf-8'>"
        f"<script src='{VIEWER_SCRIPT_URL}'></script>"
        "<script>var $3Dmolpromise = window.$3Dmol ? Promise.resolve()"
        " : Promise.reject(new Error('3Dmol.js did not load'));"
        f"{_SMOOTH_IF_GPU}</script></head>"
        "<body style='margin:0;font:13px sans-serif;color:#1d2a33'>"
        f"<div style='text-align:center'>{html.escape(title)}</div>{body}</body></html>"
    )
