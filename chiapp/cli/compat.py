"""``python -m chiapp compat``: polymer-polymer compatibility (chi_AB two ways) and compatibilizer ideas.

    python -m chiapp compat --polymer-a PE --polymer-b PA6 --temperature-c 240
    python -m chiapp compat --polymer-a PS --polymer-b PPE --temperature-c 250 --chain-length-a 1000 \\
        --chain-length-b 300 --no-ideas

chi_AB is per 100 cm3/mol; chain lengths N are per the same volume (default: library Mn/density).
The ideas are (a) non-volatile small molecules compatible with both, (b) copolymer segments
(block or graft, reactive ones marked), (c) common solvents for solution blending.
"""

from __future__ import annotations

import argparse

from chiapp.cli.rank import print_table
from chiapp.compatibility import brainstorm_compatibilizers, polymer_compatibility
from chiapp.units import check_temperatures_c

__all__ = ["add_parser", "run"]

def add_parser(subparsers) -> argparse.ArgumentParser:
    parser = subparsers.add_parser(
        "compat", help="polymer-polymer compatibility and compatibilizer ideas",
        description="Estimate chi_AB of two polymers (model latent space and Hansen) and brainstorm compatibilizers.")
    parser.add_argument("--polymer-a", required=True, help="library name, abbreviation or repeat-unit SMILES")
    parser.add_argument("--polymer-b", required=True, help="library name, abbreviation or repeat-unit SMILES")
    parser.add_argument("--temperature-c", type=float, required=True, metavar="T", help="temperature [°C]")
    parser.add_argument("--chain-length-a", type=float, help="N of polymer A per 100 cm3/mol (default: library)")
    parser.add_argument("--chain-length-b", type=float, help="N of polymer B per 100 cm3/mol (default: library)")
    parser.add_argument("--no-ideas", action="store_true", help="skip the compatibilizer brainstorming")
    parser.add_argument("--top", type=int, default=8, help="rows of each idea list (default 8; 0: all)")
    return parser


def run(args: argparse.Namespace) -> int:
    temperature_k = float(check_temperatures_c(args.temperature_c)[0])
    r = polymer_compatibility(args.polymer_a, args.polymer_b, temperature_k,
                              chain_length_a=args.chain_length_a, chain_length_b=args.chain_length_b)
    name_a, name_b = r.polymer_a.name or r.polymer_a.smiles, r.polymer_b.name or r.polymer_b.smiles
    print(f"{name_a} / {name_b} at {args.temperature_c:g} °C, N_A = {r.chain_length_a:.0f}, "
          f"N_B = {r.chain_length_b:.0f} (per {r.reference_volume_cm3_per_mol:g} cm3/mol): "
          f"chi_c = {r.chi_critical:.4f}")
    print(f"verdict: {r.verdict} (decided by the {r.decided_by})")
    print_table(r.to_frame(), {"method": "method", "chi": "chi_AB", "chi_std": "sigma", "verdict": "verdict"}, 0)
    for note in r.notes:
        print(f"note: {note}")
    if args.no_ideas:
        return 0
    ideas = brainstorm_compatibilizers(r.polymer_a.smiles, r.polymer_b.smiles, temperature_k)
    print("\n(b) copolymer segments: one compatible with (or reacting with) each polymer")
    print_table(ideas.copolymers, {"segment_a": f"segment for {name_a}", "segment_b": f"segment for {name_b}",
                                   "chi_a": "chi_A", "chi_std_a": "sigma_A", "chi_b": "chi_B", "chi_std_b": "sigma_B",
                                   "kind": "kind", "mechanism_a": f"why with {name_a}",
                                   "mechanism_b": f"why with {name_b}"}, args.top)
    precedents = ideas.copolymers.head(args.top or len(ideas.copolymers))
    for side, name in (("a", name_a), ("b", name_b)):
        for segment, text in dict(zip(precedents[f"segment_{side}"], precedents[f"precedent_{side}"])).items():
            if text:
                print(f"precedent: {segment} with {name}: {text}")
    columns = {"name": "name", "chi_a": f"chi {name_a}", "chi_std_a": "sigma", "chi_b": f"chi {name_b}",
               "chi_std_b": "sigma", "score": "worst chi+sigma-chi_c", "boiling_point_c": "bp °C"}
    print("\n(a) non-volatile small molecules compatible with both (additives)")
    print_table(ideas.small_molecules, columns, args.top)
    print("\n(c) common solvents for solution blending")
    print_table(ideas.common_solvents, columns, args.top)
    for note in ideas.notes[1:]:
        print(f"note: {note}")
    return 0
