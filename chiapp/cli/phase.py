"""``python -m chiapp phase``: the phase diagram of a polymer solution from chi(T) = a + b/T + c/T**2.

    python -m chiapp phase --chi-a 0.2 --chi-b-k 120 --chain-length 1000 --temperature-c 0 200 --output curves.csv
    python -m chiapp phase --polymer polystyrene --solvent cyclohexane --molecular-weight 100000

prints the critical temperature(s), the type and a one-line verdict, and writes the curves as CSV.
Chain length either directly (--chain-length) or from --molecular-weight (number average M_n),
--polymer-density and --solvent-molar-volume. With --polymer and --solvent, chi(T) is the model's
prediction and the molar volume and density come from the libraries unless given.
"""

from __future__ import annotations

import argparse

import numpy as np

from chiapp.errors import InputError
from chiapp.flory_huggins import (
    DEFAULT_POLYMER_DENSITY_G_PER_CM3,
    PhaseDiagram,
    chain_length_from_molecular_weight,
    phase_diagram,
)
from chiapp.tables import write_csv
from chiapp.units import ZERO_CELSIUS_K, check_temperatures_c

__all__ = ["add_parser", "chain_length_from_args", "report_phase_diagram", "run", "temperatures_k_from_args"]


def add_parser(subparsers) -> argparse.ArgumentParser:
    parser = subparsers.add_parser(
        "phase", help="phase diagram (binodal, spinodal, UCST/LCST) from chi(T) = a + b/T + c/T^2",
        description="Binary Flory-Huggins phase diagram of a polymer solution with chi(T) = a + b/T + c/T^2.")
    chi = parser.add_argument_group("chi(T) = a + b/T + c/T^2, T in K")
    chi.add_argument("--polymer", help="predict chi(T) with the model: polymer name or repeat-unit SMILES")
    chi.add_argument("--solvent", help="with --polymer: solvent name or SMILES")
    chi.add_argument("--calibration", help="calibration JSON from `chiapp calibrate`: its polymer, calibrated "
                     "(--polymer may then be left out)")
    chi.add_argument("--chi-a", type=float, help="a [-]")
    chi.add_argument("--chi-b-k", type=float, default=0.0, help="b [K] (default 0)")
    chi.add_argument("--chi-c-k2", type=float, default=0.0, help="c [K^2] (default 0)")
    chain = parser.add_argument_group("chain length N = (Mn / polymer density) / solvent molar volume")
    chain.add_argument("--chain-length", type=float, help="N [-], >= 1")
    chain.add_argument("--molecular-weight", type=float, help="number-average Mn [g/mol]")
    chain.add_argument("--polymer-density", type=float, default=None,
                       help=f"[g/cm3] (default {DEFAULT_POLYMER_DENSITY_G_PER_CM3})")
    chain.add_argument("--solvent-molar-volume", type=float, help="[cm3/mol]")
    parser.add_argument("--temperature-c", type=float, nargs=2, default=(0.0, 200.0), metavar=("T_MIN", "T_MAX"),
                        help="temperature range [degC] (default 0 200)")
    parser.add_argument("--n-temperatures", type=int, default=200, help="grid points (default 200)")
    parser.add_argument("--output", help="write the curves to this CSV file")
    return parser


def chain_length_from_args(args: argparse.Namespace) -> float:
    """N from --chain-length, or from --molecular-weight with --solvent-molar-volume (and --polymer-density)."""
    if args.chain_length is not None:
        if args.molecular_weight is not None:
            raise InputError("give either --chain-length or --molecular-weight, not both")
        return args.chain_length
    if args.molecular_weight is None or args.solvent_molar_volume is None:
        raise InputError("give --chain-length, or --molecular-weight with --solvent-molar-volume")
    return chain_length_from_molecular_weight(args.molecular_weight, args.polymer_density, args.solvent_molar_volume)


def temperatures_k_from_args(args: argparse.Namespace) -> np.ndarray:
    """The temperature grid [K] from --temperature-c T_MIN T_MAX and --n-temperatures."""
    t_min_c, t_max_c = args.temperature_c
    if not t_min_c < t_max_c:
        raise InputError(f"--temperature-c needs T_MIN < T_MAX, got {t_min_c:g} {t_max_c:g}")
    check_temperatures_c([t_min_c, t_max_c])
    if not 2 <= args.n_temperatures <= 100_000:
        raise InputError(f"--n-temperatures must be between 2 and 100000, got {args.n_temperatures}")
    return np.linspace(t_min_c, t_max_c, args.n_temperatures) + ZERO_CELSIUS_K


def report_phase_diagram(a: float, b_k: float, c_k2: float, args: argparse.Namespace) -> PhaseDiagram:
    """Compute, print and (with --output) save the phase diagram for chi(T) = a + b/T + c/T**2.

    The seam for other chi sources: a --polymer/--solvent option computes (a, b_k, c_k2) from the
    model and calls this with the same ``args``.
    """
    diagram = phase_diagram((a, b_k, c_k2), chain_length=chain_length_from_args(args),
                            temperatures_k=temperatures_k_from_args(args))
    critical = ", ".join(f"{t - ZERO_CELSIUS_K:.1f} °C ({t:.2f} K)" for t in diagram.critical_temperatures_k)
    print(f"chi(T) = {a:g} + {b_k:g}/T + {c_k2:g}/T^2, N = {diagram.chain_length:.4g}: "
          f"phi_c = {diagram.critical_phi:.4g}, chi_c = {diagram.critical_chi:.4g}")
    print(f"critical temperatures: {critical or 'none in range'}")
    print(f"type: {diagram.kind}")
    print(diagram.summary())
    if args.output:
        write_csv(diagram.curves, args.output)
        print(f"curves written to {args.output}")
    return diagram


def _predicted(args: argparse.Namespace) -> tuple[float, float, float]:
    """(a, b_k, c_k2) from the answer engine; the chain length, unless given, is the pair's (N of
    ``predict_chi``: M_n, given or the library's, over the solvent's molar volume)."""
    from chiapp.cli.predict import calibrated_polymer
    from chiapp.prediction import predict_chi

    if args.chi_a is not None:
        raise InputError("give either --polymer/--solvent or --chi-a, not both")
    if args.polymer_density is not None or args.solvent_molar_volume is not None:
        raise InputError("with --polymer and --solvent the libraries give the density and the molar volume; "
                         "give --chain-length or --molecular-weight")
    given = calibrated_polymer(args.calibration, args.polymer)
    prediction = predict_chi(given, args.solvent, temperatures_k_from_args(args), chain_length=args.chain_length,
                             molecular_weight_g_per_mol=args.molecular_weight)
    args.chain_length, args.molecular_weight = prediction.chain_length, None
    if not prediction.in_domain:
        print("OUT OF DOMAIN: " + "; ".join(prediction.domain_notes))
    print(f"predicted for {prediction.polymer_label} in {prediction.solvent_name or prediction.solvent}; "
          f"chi uncertainty up to ±{prediction.chi_std.max():.2f} (1 sigma)")
    return prediction.a, prediction.b_k, prediction.c_k2


def run(args: argparse.Namespace) -> int:
    if args.polymer or args.solvent or args.calibration:
        if not ((args.polymer or args.calibration) and args.solvent):
            raise InputError("--polymer and --solvent go together (or --calibration and --solvent)")
        report_phase_diagram(*_predicted(args), args)
        return 0
    if args.chi_a is None:
        raise InputError("give --chi-a (and --chi-b-k, --chi-c-k2) for chi(T) = a + b/T + c/T^2")
    report_phase_diagram(args.chi_a, args.chi_b_k, args.chi_c_k2, args)
    return 0
