"""Measured solvent–solvent activity data for chiapp: ``python -m training.activity``.

Writes ``assets/evidence/activity_nrtl.csv``: the NRTL parameters of binary liquids of chiapp's solvent
library, regressed from measured vapour–liquid equilibria in the DECHEMA Chemistry Data Series
(Gmehling, Onken et al., Vapor-Liquid Equilibrium Data Collection) as ChemSep's interaction-parameter
file lists them (nrtl.ipd, "DECHEMA NRTL data @ 1atm", A12 and A21 in cal/mol, α12; © 2008 Harry
Kooijman and Ross Taylor, Artistic License 2.0), read from the ``thermo`` package (pinned in the train
extra) where that file ships. Kept: pairs whose two CAS numbers are both in ``assets/solvents.csv``,
0 < α ≤ 1 (one row of the file has its columns shifted: α 9.2), the first dataset of a pair the file
lists more than once. Each row carries the canonical SMILES chiapp looks pairs up by and the DECHEMA
volume and page the file names.
"""

from __future__ import annotations

import argparse
import importlib.resources
import re
from pathlib import Path

import pandas as pd

from chiapp.chemistry import canonical_solvent

ASSETS = Path(__file__).resolve().parents[1] / "assets"
OUT = ASSETS / "evidence" / "activity_nrtl.csv"
_ROW = re.compile(r"^\s*(\d+-\d+-\d)\s+(\d+-\d+-\d)\s+(\S+)\s+(\S+)\s+(\S+)\s+(\S+)\s*(.*)$")


def _ipd_text() -> str:
    return (importlib.resources.files("thermo") / "Interaction Parameters" / "ChemSep" / "nrtl.ipd").read_text()


def build(out: Path = OUT) -> int:
    library = pd.read_csv(ASSETS / "solvents.csv", keep_default_na=False)
    smiles = {cas: s for cas, s in zip(library["cas"], library["smiles"]) if cas}
    rows, seen = [], set()
    for line in _ipd_text().splitlines():
        match = _ROW.match(line)
        if not match:
            continue
        cas_1, cas_2, a12, a21, alpha, names, reference = match.groups()
        if cas_1 not in smiles or cas_2 not in smiles or not 0.0 < float(alpha) <= 1.0:
            continue
        key_1, key_2 = canonical_solvent(smiles[cas_1]), canonical_solvent(smiles[cas_2])
        if key_1 == key_2 or frozenset((key_1, key_2)) in seen:
            continue
        seen.add(frozenset((key_1, key_2)))
        rows.append({"key_1": key_1, "key_2": key_2, "cas_1": cas_1, "cas_2": cas_2, "names": names,
                     "a12_cal_per_mol": float(a12), "a21_cal_per_mol": float(a21), "alpha12": float(alpha),
                     "dechema_reference": reference.strip()})
    out.parent.mkdir(parents=True, exist_ok=True)
    pd.DataFrame(rows).to_csv(out, index=False, float_format="%.6g")
    return len(rows)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m training.activity", description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args(argv)
    n = build(args.out)
    print(f"wrote {n} binary NRTL parameter sets to {args.out}")
    if args.out == OUT:
        from training.checksums import main as write_checksums
        write_checksums()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
