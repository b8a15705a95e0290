"""Precipitating a dissolved polymer with an antisolvent: the ternary phase diagram and the dose.

The three χ's come from chiapp's one answer engine and the liquids' excess Gibbs energy:
polymer–solvent and polymer–antisolvent from :func:`chiapp.answer.answer_grid` (posterior χ and σ);
solvent–antisolvent, where the DECHEMA table has the pair (``assets/evidence/activity_nrtl.csv``),
as the composition-dependent g(u) of its measured activities (``chiapp.mixing.measured_interaction``;
Altena & Smolders 1982: one constant χ cannot hold methanol–toluene or acetone–water, liquids that
mix, below their critical χ), else as COSMO-SAC's constant χsa (``chiapp.mixing``). Where the measured
set splits the two liquids (THF and water at 25 °C, a boiling-point fit that mixes them in fact), the
diagram would have a three-phase region the tracer does not draw: COSMO-SAC's χsa then, and the
source says why. All are moved to
the site of the solvent's molar volume (χ per volume being what adds), and ``chiapp.ternary`` does
the thermodynamics. The dose is the antisolvent volume fraction α of the final liquid at which a given
share of the polymer sits in the polymer-rich phase (lever rule on the tie line through the
mixture), found by bisection; its interval traces the tie lines again and finds the dose (not the
cloud point) for draws of χps and χpa from their posterior (the solvent–antisolvent term has no σ).

COSMO-SAC on chiapp's MOPAC σ-profiles is least reliable where water meets an aprotic acceptor (acetone,
DMAc, NMP): against measured activities its ln γ∞ there has the wrong sign (``python -m
benchmarks.mixtures``), so doses of water into solutions in NMP or DMF (not in the table) are rough.

What it leaves out: the polymer's molecular-weight distribution (a real polymer precipitates over a
range of doses, its short chains last), crystallization of a semicrystalline polymer (a liquid–solid
line the Flory–Huggins liquid does not have), and the kinetics of mixing. Volumes add ideally.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from rdkit.Chem import Descriptors

from chiapp.answer import answer_grid
from chiapp.chemistry import parse_solvent
from chiapp.errors import InputError
from chiapp.features import polymer_features, solvent_features
from chiapp.flory_huggins import binodal
from chiapp.frozen import FrozenResult
from chiapp.mixing import MEASURED_SOURCE, measured_interaction, pair_interaction
from chiapp.model import ChiModel, load_model
from chiapp.ternary import (
    TernarySystem,
    TieLines,
    critical_point_ternary,
    precipitated_share,
    spinodal_points,
    tie_lines,
)
from chiapp.units import ZERO_CELSIUS_K, check_temperatures_k

__all__ = ["MAX_DOSE_FRACTION", "AntisolventDose", "TernaryDiagram", "antisolvent_dose", "dose_percent",
           "ternary_phase_diagram"]

#: The largest antisolvent volume fraction of the final liquid searched: beyond it the "solution" is
#: mostly antisolvent, no process doses that much.
MAX_DOSE_FRACTION = 0.95
_NONE = f"none up to {100 * MAX_DOSE_FRACTION:.0f} vol-%"


def dose_percent(fraction: float | None, none: str = _NONE) -> str:
    """An antisolvent volume fraction as every route prints it; ``none`` where there is no dose."""
    return none if fraction is None else f"{100 * fraction:.1f} vol-%"


@dataclass(frozen=True, eq=False)
class TernaryDiagram(FrozenResult):
    """A polymer / solvent / antisolvent diagram at one temperature: compositions are volume fractions
    (φp, φs, φa); χ's per site of the solvent; σ's from the posterior. The solvent–antisolvent
    interaction is the composition-dependent g(u) of the pair's measured activities where the DECHEMA
    table has the pair (``chiapp.mixing.measured_interaction``; ``system.chi_sa`` is then g(½)), else
    COSMO-SAC's constant χsa."""

    polymer: str
    solvent: str
    antisolvent: str
    temperature_k: float
    system: TernarySystem
    chi_ps_std: float
    chi_pa_std: float
    tie_lines: TieLines
    spinodal: np.ndarray
    critical_point: np.ndarray | None
    solvent_density_g_per_cm3: float
    antisolvent_density_g_per_cm3: float
    polymer_density_g_per_cm3: float
    chi_sa_source: str = "COSMO-SAC"        # what the solvent–antisolvent interaction was taken from
    chi_sa_cosmo_sac: float | None = None   # COSMO-SAC's χsa beside a measured g(u), for comparison


@dataclass(frozen=True, eq=False)
class AntisolventDose(FrozenResult):
    """How much antisolvent precipitates ``share`` of the polymer from a solution of
    ``polymer_mass_fraction`` in the solvent: α is the antisolvent's volume fraction of the final
    liquid (median and 16–84 % interval over the posterior draws); per kg of solution in kg and per
    litre of solution in litres. None where the antisolvent does not precipitate it (up to α = MAX_DOSE_FRACTION)."""

    diagram: TernaryDiagram
    polymer_mass_fraction: float
    start_composition: np.ndarray   # (φp, φs, 0) of the solution before the antisolvent
    share: float
    cloud_point_fraction: float | None
    fraction: float | None
    fraction_low: float | None
    fraction_high: float | None
    kg_per_kg_solution: float | None
    litres_per_litre_solution: float | None
    draws_precipitating: float

    @property
    def note(self) -> str:
        """Why there is no dose when the two liquids themselves do not mix (``TernarySystem.liquids_mix``):
        the antisolvent forms its own layer and the polymer stays dissolved. '' otherwise."""
        d = self.diagram
        if self.fraction is not None or d.system.liquids_mix:
            return ""
        return (f"{d.solvent} and {d.antisolvent} do not mix at {d.temperature_k - ZERO_CELSIUS_K:.0f} °C "
                f"({d.chi_sa_source}): {d.antisolvent} forms its own layer and the polymer stays in the {d.solvent}. "
                f"Choose an antisolvent that mixes with {d.solvent}.")


def _finite_or_none(value: float) -> float | None:
    return value if math.isfinite(value) else None


def _density(features) -> float:
    """A liquid's density [g/cm³] from its molar mass and the library's molar volume."""
    return Descriptors.MolWt(parse_solvent(features.key)) / features.molar_volume_cm3_per_mol


def _system(polymer_f, solvent_f, antisolvent_f, temperature_k: float, model: ChiModel):
    answer = answer_grid([polymer_f], [solvent_f, antisolvent_f], [temperature_k], model=model)
    if answer.errors[0, 0] or answer.errors[0, 1]:
        raise InputError(str(answer.errors[0, 0] or answer.errors[0, 1]))
    v_s, v_a = solvent_f.molar_volume_cm3_per_mol, antisolvent_f.molar_volume_cm3_per_mol
    g_sa = pair_interaction(solvent_f.key, antisolvent_f.key, v_s, v_a)
    if g_sa is None:
        raise InputError(f"no σ-profile for {solvent_f.label!r} or {antisolvent_f.label!r}: the solvent–antisolvent "
                         "interaction is unknown (chiapp computes it with MOPAC for a new liquid: `chiapp qc`)")
    chi_sa = v_s * (g_sa[0] + g_sa[1] / temperature_k)
    scale = v_s / v_a  # χpa per site of the solvent
    chi = answer.chi[0, :, 0]
    std = answer.chi_std[0, :, 0]
    return (float(answer.chain_length[0, 0]), v_a / v_s, float(chi[0]), float(chi[1]) * scale, chi_sa,
            float(std[0]), float(std[1]) * scale)


def ternary_phase_diagram(polymer, solvent, antisolvent, temperature_k: float, *,
                          molecular_weight_g_per_mol: float | None = None, model: ChiModel | None = None
                          ) -> TernaryDiagram:
    """The ternary diagram of a polymer, its solvent and an antisolvent at ``temperature_k`` [K]: binodal
    with tie lines, spinodal and critical point (``chiapp.ternary``), χ's from the answer engine.

    >>> d = ternary_phase_diagram("PS", "toluene", "methanol", 298.15)
    >>> len(d.tie_lines.shares) > 0, d.system.chi_pa > d.system.chi_ps
    (True, True)
    """
    model = model or load_model()
    (t,) = check_temperatures_k([temperature_k])
    polymer_f = polymer_features(polymer, molecular_weight_g_per_mol=molecular_weight_g_per_mol, model=model)
    solvent_f, antisolvent_f = (solvent_features(s, model=model) for s in (solvent, antisolvent))
    for role, f in (("solvent", solvent_f), ("antisolvent", antisolvent_f)):
        if f.blend is not None:
            raise InputError(f"the {role} must be one liquid here, not a blend")
    if solvent_f.key == antisolvent_f.key:
        raise InputError("the solvent and the antisolvent are the same liquid")
    n, m, chi_ps, chi_pa, chi_sa, std_ps, std_pa = _system(polymer_f, solvent_f, antisolvent_f, float(t), model)
    keys = (solvent_f.key, antisolvent_f.key)
    measured = None if None in keys else measured_interaction(
        str(keys[0]), str(keys[1]), solvent_f.molar_volume_cm3_per_mol, antisolvent_f.molar_volume_cm3_per_mol,
        float(t))
    system, source, cosmo_sac = TernarySystem(n, m, chi_ps, chi_pa, chi_sa), "COSMO-SAC", None
    if measured is not None:
        candidate = TernarySystem(n, m, chi_ps, chi_pa, *measured)
        if candidate.liquids_mix:
            system, source, cosmo_sac = candidate, MEASURED_SOURCE, chi_sa
        else:  # a split solvent–antisolvent edge makes a three-phase region the tracer does not draw
            source = f"COSMO-SAC; the {MEASURED_SOURCE} split these two liquids at this temperature"
    spinodal = spinodal_points(system)
    return TernaryDiagram(polymer_f.label, solvent_f.label, antisolvent_f.label, float(t), system, std_ps, std_pa,
                          tie_lines(system), spinodal, critical_point_ternary(system, spinodal),
                          _density(solvent_f), _density(antisolvent_f), polymer_f.density_g_per_cm3, source,
                          cosmo_sac)


#: α resolution [-] of the dose (0.001 vol-%) and of a posterior draw's dose (0.01 vol-%; shown to 0.1)
DOSE_TOLERANCE, DRAW_TOLERANCE = 1e-5, 1e-4


def _dose(system: TernarySystem, start: np.ndarray, share: float, lines: TieLines | None = None, *,
          cloud: bool = True, tolerance: float = DOSE_TOLERANCE) -> tuple[float | None, float | None]:
    """(cloud-point α, α at which ``share`` has precipitated) along the line from ``start`` to the
    antisolvent vertex, None where it does not happen up to α = MAX_DOSE_FRACTION (``lines``: the system's tie
    lines when already traced; ``cloud=False`` skips the cloud point, returned as None)."""
    lines = tie_lines(system) if lines is None else lines
    corner = np.array([0.0, 0.0, 1.0])

    def share_at(alpha: float) -> float:
        return precipitated_share(system, (1 - alpha) * start + alpha * corner, lines)

    def bisect(target: float) -> float | None:
        lo, hi = 0.0, MAX_DOSE_FRACTION
        if share_at(hi) < target:
            return None
        while hi - lo > tolerance:
            mid = 0.5 * (lo + hi)
            lo, hi = (mid, hi) if share_at(mid) < target else (lo, mid)
        return hi

    return bisect(1e-9) if cloud else None, bisect(share)


def antisolvent_dose(polymer, solvent, antisolvent, temperature_k: float, *, polymer_mass_fraction: float = 0.10,
                     share: float = 0.99, draws: int = 16, seed: int = 0,
                     molecular_weight_g_per_mol: float | None = None, model: ChiModel | None = None
                     ) -> AntisolventDose:
    """The antisolvent dose that precipitates ``share`` of the polymer from its solution (module
    docstring), with the cloud point and an interval over ``draws`` posterior draws of χps and χpa.

    >>> dose = antisolvent_dose("PS", "toluene", "methanol", 298.15)
    >>> 0 < dose.fraction < 0.95
    True
    """
    if not 0.0 < polymer_mass_fraction < 0.6:
        raise InputError(f"the polymer's mass fraction in the solution must be between 0 and 0.6 (0-60 wt-%), "
                         f"got {polymer_mass_fraction:g} ({100 * polymer_mass_fraction:g} wt-%)")
    if not 0.5 <= share < 1.0:
        raise InputError(f"the share to precipitate must be between 0.5 and 1 (e.g. 0.99), got {share}")
    if not 0 <= int(draws) <= 200:
        raise InputError("draws must be between 0 and 200")
    diagram = ternary_phase_diagram(polymer, solvent, antisolvent, temperature_k,
                                    molecular_weight_g_per_mol=molecular_weight_g_per_mol, model=model)
    w, rho_p, rho_s = polymer_mass_fraction, diagram.polymer_density_g_per_cm3, diagram.solvent_density_g_per_cm3
    volume_p, volume_s = w / rho_p, (1 - w) / rho_s                  # cm³ per g of solution
    phi0 = volume_p / (volume_p + volume_s)
    start = np.array([phi0, 1 - phi0, 0.0])
    edge = binodal(diagram.system.chi_ps, diagram.system.chain_length)  # the solution before any antisolvent
    if (edge is not None and edge[0] < phi0 < edge[1]) or precipitated_share(diagram.system, start, diagram.tie_lines):
        raise InputError(f"{diagram.polymer} does not dissolve in {diagram.solvent} at {polymer_mass_fraction:.0%} "
                         f"by mass and {diagram.temperature_k - ZERO_CELSIUS_K:.0f} °C by chiapp's χ "
                         f"({diagram.system.chi_ps:.2f} ± {diagram.chi_ps_std:.2f}): there is no solution to "
                         "precipitate from; choose a solvent that dissolves it (chiapp rank)")
    cloud, alpha = _dose(diagram.system, start, share, diagram.tie_lines)
    rng = np.random.default_rng(seed)
    drawn = []
    base = diagram.system
    for _ in range(int(draws)):
        system = TernarySystem(base.chain_length, base.antisolvent_size,
                               base.chi_ps + diagram.chi_ps_std * rng.standard_normal(),
                               base.chi_pa + diagram.chi_pa_std * rng.standard_normal(), base.chi_sa, base.sa_excess)
        drawn.append(_dose(system, start, share, cloud=False, tolerance=DRAW_TOLERANCE)[1])
    ordered = np.sort([np.inf if d is None else d for d in drawn])  # no precipitation: beyond every dose
    low, high = (_finite_or_none(float(ordered[int(q * (len(ordered) - 1))]) if len(ordered) else math.nan)
                 for q in (0.16, 0.84))
    found = np.isfinite(ordered)
    per_litre = None if alpha is None else alpha / (1 - alpha)
    per_kg = None if per_litre is None else per_litre * (volume_p + volume_s) * diagram.antisolvent_density_g_per_cm3
    return AntisolventDose(diagram, w, start, share, cloud, alpha, low, high, per_kg, per_litre,
                           float(found.mean()) if len(found) else math.nan)
