"""``python -m chiapp ternary``: precipitate a dissolved polymer with an antisolvent.

    python -m chiapp ternary --polymer PS --solvent toluene --antisolvent methanol --temperature-c 25 \\
        --polymer-wt 10 --share 0.99 --output diagram.csv

prints the three χ's, the critical point, the cloud point and the dose that precipitates the share
(volume fraction of the final liquid, kg per kg and L per L of solution, with the interval over the
posterior draws), and writes the binodal's tie lines and the spinodal as CSV (``chiapp.precipitation``).
"""

from __future__ import annotations

import argparse

import pandas as pd

from chiapp.precipitation import MAX_DOSE_FRACTION, AntisolventDose, antisolvent_dose, dose_percent
from chiapp.tables import write_csv
from chiapp.units import check_temperatures_c

__all__ = ["add_parser", "diagram_frame", "run"]


def add_parser(subparsers) -> argparse.ArgumentParser:
    parser = subparsers.add_parser(
        "ternary", help="ternary diagram and antisolvent dose (polymer / solvent / antisolvent)",
        description="Ternary Flory-Huggins diagram of a polymer, its solvent and an antisolvent, and the "
                    "antisolvent dose that precipitates a share of the polymer.")
    parser.add_argument("--polymer", required=True, help="polymer name, grade or repeat-unit SMILES")
    parser.add_argument("--solvent", required=True, help="the solvent the polymer is dissolved in")
    parser.add_argument("--antisolvent", required=True, help="the liquid added to precipitate it")
    parser.add_argument("--temperature-c", type=float, default=25.0, metavar="T", help="[°C] (default 25)")
    parser.add_argument("--polymer-wt", type=float, default=10.0, help="polymer in the solution [wt-%%] (default 10)")
    parser.add_argument("--share", type=float, default=0.99, help="share of the polymer to precipitate (default 0.99)")
    parser.add_argument("--molecular-weight", type=float, help="Mn [g/mol] (default: the library's)")
    parser.add_argument("--draws", type=int, default=16, help="posterior draws for the interval (default 16)")
    parser.add_argument("--output", help="write tie lines and spinodal to this CSV file")
    return parser


def diagram_frame(dose: AntisolventDose) -> pd.DataFrame:
    """Tie lines (one row per phase pair) and spinodal points as one long table of volume fractions."""
    d = dose.diagram
    rows = [{"curve": "tie line", "line": k, "phase": phase, "phi_polymer": p[0], "phi_solvent": p[1],
             "phi_antisolvent": p[2]}
            for k, (rich, lean) in enumerate(zip(d.tie_lines.rich, d.tie_lines.lean))
            for phase, p in (("polymer-rich", rich), ("polymer-lean", lean))]
    rows += [{"curve": "spinodal", "line": -1, "phase": "", "phi_polymer": p[0], "phi_solvent": p[1],
              "phi_antisolvent": p[2]} for p in d.spinodal]
    return pd.DataFrame(rows)


def run(args: argparse.Namespace) -> int:
    temperature_k = float(check_temperatures_c(args.temperature_c)[0])
    dose = antisolvent_dose(args.polymer, args.solvent, args.antisolvent, temperature_k,
                            polymer_mass_fraction=args.polymer_wt / 100, share=args.share, draws=args.draws,
                            molecular_weight_g_per_mol=args.molecular_weight)
    d, s = dose.diagram, dose.diagram.system
    print(f"{d.polymer} in {d.solvent} ({args.polymer_wt:g} wt-%) with {d.antisolvent} at {args.temperature_c:g} °C; "
          f"N = {s.chain_length:.0f} solvent sites")
    print(f"chi polymer-solvent {s.chi_ps:.3f} ± {d.chi_ps_std:.3f}, polymer-antisolvent {s.chi_pa:.3f} ± "
          f"{d.chi_pa_std:.3f}, solvent-antisolvent {s.chi_sa:.3f} ({d.chi_sa_source}"
          + ("" if d.chi_sa_cosmo_sac is None else f", at equal volumes; COSMO-SAC {d.chi_sa_cosmo_sac:.3f}")
          + f"), all per {d.solvent} site")
    if d.critical_point is not None:
        c = d.critical_point
        print(f"critical point: polymer {c[0]:.4f}, solvent {c[1]:.4f}, antisolvent {c[2]:.4f} (volume fractions)")
    print(f"cloud point: {dose_percent(dose.cloud_point_fraction)} {d.antisolvent} in the final liquid")
    if dose.fraction is None:
        print(f"{d.antisolvent} does not precipitate {dose.share:.0%} of the polymer "
              f"up to {100 * MAX_DOSE_FRACTION:.0f} vol-%")
        if dose.note:
            print(f"why: {dose.note}")
    else:
        interval = f"{dose_percent(dose.fraction_low)} to {dose_percent(dose.fraction_high)}"
        print(f"to precipitate {dose.share:.0%}: {dose_percent(dose.fraction)} (16-84 % of draws: {interval}); "
              f"{dose.kg_per_kg_solution:.3f} kg per kg and {dose.litres_per_litre_solution:.3f} L per L of solution")
    print("note: one chain length (no molecular-weight distribution), liquid-liquid only (no crystallization)")
    if args.output:
        write_csv(diagram_frame(dose), args.output)
        print(f"wrote {args.output}")
    return 0
