"""Measured properties of small molecules from the offline ``chemicals`` package (MIT).

One place for the tabulated values the solvent library and the solvent descriptors both use:
identification by InChIKey, Hansen parameters, molar volume, boiling and flash points. Only tables
of data are used; the package's group-contribution estimates are excluded.
"""

from __future__ import annotations

import math
from functools import cache, lru_cache
from pathlib import Path

import pandas as pd
from rdkit import Chem

from chiapp.units import REFERENCE_TEMPERATURE_K, ZERO_CELSIUS_K

__all__ = [
    "REFERENCE_TEMPERATURE_K",
    "boiling_point_c",
    "cas_of",
    "flash_point_c",
    "hansen_parameters_mpa05",
    "melting_point_c",
    "molar_volume_cm3_per_mol",
]



@lru_cache(maxsize=8192)
def cas_of(smiles: str) -> str | None:
    """CAS number of a molecule in the ``chemicals`` identifier database, by InChIKey, or None.

    >>> cas_of("Cc1ccccc1")
    '108-88-3'
    """
    from chemicals.identifiers import search_chemical

    mol = Chem.MolFromSmiles(smiles)
    if mol is None:
        return None
    try:
        return search_chemical(f"InChIKey={Chem.MolToInchiKey(mol)}").CASs
    except ValueError:  # not in the database
        return None


#: Element counts of the compounds with tabulated Hansen parameters, once load_databanks built them
_HANSEN_FORMULAS: frozenset[frozenset[tuple[str, int]]] | None = None


def _element_counts(formula: str) -> frozenset[tuple[str, int]]:
    """A molecular formula as its element counts, so that 'Cl3HSi' (``chemicals``) and 'HCl3Si' (RDKit)
    are the same formula."""
    from chemicals.elements import simple_formula_parser

    return frozenset(simple_formula_parser(formula).items())


def load_databanks() -> None:
    """Load every databank of the ``chemicals`` identifier search now (it loads the larger ones at the
    first molecule it does not hold, about 1 s, which would otherwise be a user's first question), and
    with them the formulas that :func:`may_have_hansen_parameters` screens by."""
    global _HANSEN_FORMULAS
    from chemicals import solubility
    from chemicals.identifiers import search_chemical

    try:
        search_chemical("InChIKey=AAAAAAAAAAAAAA-AAAAAAAAAA-N")  # no molecule has this key: a miss, so all load
    except ValueError:
        pass
    solubility.hansen_delta_d_methods("7732-18-5")  # loads the Hansen tables
    formulas = set()
    for table in solubility.solubility_sources.values():
        for cas in table.index:
            try:  # cache=False: the identifier search's own small cache is not thread-safe
                formulas.add(_element_counts(search_chemical(cas, cache=False).formula))
            except ValueError:  # a CAS the identifier database lacks: cas_of never returns it
                continue
    _HANSEN_FORMULAS = frozenset(formulas)


def may_have_hansen_parameters(formula: str) -> bool:
    """False when no Hansen table of ``chemicals.solubility`` lists a compound of this molecular formula
    (compared as element counts), so its InChIKey (about 0.5 ms) need not be looked up; True when it
    may, or before :func:`load_databanks` has run (the app runs it in the background)."""
    return _HANSEN_FORMULAS is None or _element_counts(formula) in _HANSEN_FORMULAS


def _chemicals():
    import chemicals
    return chemicals


def _first_method(methods_function, value_function, cas: str, excluded=("JOBACK",)):
    """First tabulated value (in the package's own priority order) and the name of its table."""
    for method in methods_function(cas):
        if method in excluded:  # estimates (group contribution) are not data
            continue
        value = value_function(cas, method=method)
        if value is not None and not (isinstance(value, float) and math.isnan(value)):
            return float(value), method
    return None, ""


def boiling_point_c(cas: str) -> tuple[float | None, str]:
    """Normal boiling point [°C] and its table in ``chemicals.phase_change`` (no estimates).

    >>> round(boiling_point_c("108-88-3")[0], 1)  # toluene, 110.6 °C (CRC Handbook)
    110.6
    """
    from chemicals.phase_change import Tb, Tb_methods
    value, method = _first_method(Tb_methods, Tb, cas)
    return (None, "") if value is None else (value - ZERO_CELSIUS_K, method)


def melting_point_c(cas: str) -> tuple[float | None, str]:
    """Melting point [°C] and its table in ``chemicals.phase_change`` (no estimates)."""
    from chemicals.phase_change import Tm, Tm_methods
    value, method = _first_method(Tm_methods, Tm, cas)
    return (None, "") if value is None else (value - ZERO_CELSIUS_K, method)


def flash_point_c(cas: str) -> tuple[float | None, str]:
    """Closed-cup flash point [°C] and its table in ``chemicals.safety``; None if not tabulated."""
    from chemicals.safety import T_flash, T_flash_methods
    value, method = _first_method(T_flash_methods, T_flash, cas)
    return (None, "") if value is None else (value - ZERO_CELSIUS_K, method)


def hansen_parameters_mpa05(cas: str) -> tuple[tuple[float, float, float] | None, str]:
    """Hansen (δD, δP, δH) [MPa^0.5], all three from one table of ``chemicals.solubility``."""
    from chemicals import solubility
    for method in solubility.hansen_delta_d_methods(cas):
        values = (solubility.hansen_delta_d(cas, method=method),
                  solubility.hansen_delta_p(cas, method=method),
                  solubility.hansen_delta_h(cas, method=method))
        if all(v is not None and not math.isnan(v) for v in values):
            return tuple(v / 1000.0 for v in values), method  # Pa^0.5 -> MPa^0.5
    return None, ""


def molar_volume_cm3_per_mol(cas: str, molecular_weight_g_per_mol: float,
                             temperature_k: float = REFERENCE_TEMPERATURE_K) -> tuple[float | None, str]:
    """Saturated-liquid molar volume [cm3/mol] at ``temperature_k`` and the table it came from.

    In order: the VDI PPDS density correlation (VDI Heat Atlas), the DIPPR 105 fits of Perry's
    Handbook (8th ed.), the constant density of the CRC Handbook's table of organic compounds
    (usually at 20 °C), and the liquid molar volume of CAS Common Chemistry. For a solid at 25 °C
    the correlations give the subcooled liquid.

    >>> round(molar_volume_cm3_per_mol("108-88-3", 92.138)[0], 1)  # toluene, 106.8 at 25 °C
    106.8
    """
    chemicals = _chemicals()
    from chemicals import volume
    from chemicals.dippr import EQ105

    vdi = volume.rho_data_VDI_PPDS_2
    if cas in vdi.index:
        row = vdi.loc[cas]
        if temperature_k < row.Tc:
            v = volume.volume_VDI_PPDS(temperature_k, row.Tc, row.rhoc, row.A, row.B, row.C, row.D, row.MW)
            return float(v * 1e6), "VDI_PPDS"
    perry = volume.rho_data_Perry_8E_105_l
    if cas in perry.index:
        row = perry.loc[cas]
        if temperature_k < row.Tmax:
            rho_mol_per_m3 = EQ105(temperature_k, row.C1, row.C2, row.C3, row.C4)
            return float(1e6 / rho_mol_per_m3), "PERRY_DIPPR_105"
    crc = _misc_table(chemicals, "Physical Constants of Organic Compounds.csv")
    if cas in crc.index and not pd.isna(crc.at[cas, "rho"]):
        return molecular_weight_g_per_mol / (float(crc.at[cas, "rho"]) / 1000.0), "CRC_ORG_DENSITY"
    common = _misc_table(chemicals, "common_chemistry_data.tsv")
    key = int(cas.replace("-", ""))
    if key in common.index and not pd.isna(common.at[key, "Vml"]):
        return float(common.at[key, "Vml"]) * 1e6, "COMMON_CHEMISTRY"
    return None, ""


@cache
def _misc_table(chemicals, file_name: str) -> pd.DataFrame:
    """A tab-separated table of ``chemicals``' Misc folder, read once, first row per index kept."""
    table = pd.read_csv(Path(chemicals.utils.source_path) / "Misc" / file_name, sep="\t", index_col=0)
    return table[~table.index.duplicated()]
