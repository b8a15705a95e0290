"""``python -m chiapp report``: one self-contained HTML report of a polymer-solvent pair.

    python -m chiapp report --polymer PS --solvent toluene --output report.html
    python -m chiapp report --polymer '*CC(*)C(=O)OC' --solvent acetone --temperature-c 20 120 \\
        --molecular-weight 50000 --mixture 0.1 25 --output pmma_acetone.html

The file holds the inputs, χ(T) and the verdict, σ and the domain notice, the phase diagram, the
tables, the model version and the citation; plotly.js is inside it, so it opens offline.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from chiapp.errors import InputError

__all__ = ["add_parser", "run"]


def add_parser(subparsers) -> argparse.ArgumentParser:
    parser = subparsers.add_parser(
        "report", help="write a self-contained HTML report of a pair",
        description="Write χ(T), the verdict, the phase diagram and the model card of one polymer-solvent "
                    "pair to one HTML file that opens offline.")
    parser.add_argument("--polymer", required=True, help="library name, abbreviation or repeat-unit SMILES")
    parser.add_argument("--solvent", required=True, help="library name, CAS number or SMILES")
    parser.add_argument("--temperature-c", type=float, nargs=2, default=(0.0, 150.0), metavar=("LOW", "HIGH"),
                        help="temperature range [°C] (default 0 150)")
    size = parser.add_mutually_exclusive_group()
    size.add_argument("--molecular-weight", type=float, help="Mn [g/mol] (default: the library's)")
    size.add_argument("--chain-length", type=float, help="chain length N (polymer / solvent molar volume)")
    parser.add_argument("--mixture", type=float, nargs=2, metavar=("PHI", "T_C"),
                        help="your mixture: polymer volume fraction and temperature [°C]")
    parser.add_argument("--output", required=True, help="the HTML file to write")
    return parser


def run(args) -> int:
    try:
        import plotly  # noqa: F401 - the figures and the inline plotly.js come from it
    except ImportError:
        raise InputError("chiapp report draws its figures with plotly: pip install 'chiapp[app]'") from None
    from chiapp.report import pair_report_for, report_html

    output = Path(args.output)
    if output.suffix.lower() not in (".html", ".htm"):
        raise InputError(f"--output must be an .html file, got {args.output!r}")
    if args.mixture is not None and not 0.0 < args.mixture[0] < 1.0:
        raise InputError(f"the mixture's polymer volume fraction must be between 0 and 1, got {args.mixture[0]:g}")
    report = pair_report_for(args.polymer, args.solvent, tuple(args.temperature_c), chain_length=args.chain_length,
                             molecular_weight_g_per_mol=args.molecular_weight,
                             user_point=tuple(args.mixture) if args.mixture else None)
    data = report_html(report)
    try:
        output.write_bytes(data)
    except OSError as err:
        raise InputError(f"cannot write {output}: {err.strerror}") from None
    print(f"wrote {output} ({len(data) / 1e6:.1f} MB): {report.title}; {report.verdict}")
    return 0
