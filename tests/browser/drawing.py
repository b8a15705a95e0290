"""Drive the JSME editor of the app like a user: draw a chain with the mouse, mark its ends with R."""

from __future__ import annotations

#: JSME's default bond on screen [px] over its length in the molfile [Å] (1.4 Å drawn as ~24 px).
_PX_PER_ANGSTROM = 24.2 / 1.4
#: JSME (newlook, rbutton) draws its atom column on the left; R is the 13th button, below X.
_R_BUTTON_OFFSET = (12, 313)
_EDITOR = "[id^=chiapp_jsme_]"
_APP_JS = "(() => { for (const e of document.querySelectorAll('*')) if (e._chiappJsme) return e._chiappJsme; })()"


def editor_smiles(page) -> str:
    return page.evaluate(f"() => {_APP_JS}.smiles()")


def draw_polyethylene_with_r_ends(page) -> str:
    """Clear the editor, draw a 4-carbon chain by clicks, turn both end carbons into R with the R
    button; return the editor's SMILES (JSME writes R as [R])."""
    page.locator("#jsme_clear_btn").first.click()
    box = page.locator(_EDITOR).first.bounding_box()
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    page.mouse.click(x, y)            # a click on the empty canvas draws a C-C bond from here
    page.wait_for_timeout(200)
    page.mouse.click(x, y)            # a click on an atom adds a bond to it: C3 on the first atom
    page.wait_for_timeout(200)
    page.mouse.click(x, y - 24)       # ... and C4 on C3, which JSME drew straight above
    page.wait_for_timeout(200)
    lines = page.evaluate(f"() => {_APP_JS}.molFile()").splitlines()
    n_atoms = int(lines[3].split()[0])
    atoms = [(float(line.split()[0]), float(line.split()[1])) for line in lines[4:4 + n_atoms]]
    bonds = [tuple(int(v) - 1 for v in line.split()[:2]) for line in lines[4 + n_atoms:] if line.startswith("  ")]
    degree = [sum(i in bond for bond in bonds) for i in range(n_atoms)]
    ends = [i for i in range(n_atoms) if degree[i] == 1]

    def on_screen(atom):  # the first atom stays where it was clicked
        return (x + (atom[0] - atoms[0][0]) * _PX_PER_ANGSTROM, y - (atom[1] - atoms[0][1]) * _PX_PER_ANGSTROM)

    page.mouse.click(box["x"] + _R_BUTTON_OFFSET[0], box["y"] + _R_BUTTON_OFFSET[1])
    page.wait_for_timeout(200)
    for end in ends:
        page.mouse.click(*on_screen(atoms[end]))
        page.wait_for_timeout(200)
    return editor_smiles(page)
