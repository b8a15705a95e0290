"""Quantum-chemistry χ: MOPAC COSMO σ-profiles and the COSMO-SAC activity model (optional extra ``qc``).

    conformer (RDKit ETKDG + MMFF)      chiapp.quantum.conformer.embed_conformer
    -> MOPAC PM7/PM6 in a conductor     chiapp.quantum.mopac.run_cosmo          -> CosmoSurface
    -> σ-profile (NHB, OH, OT), cached  chiapp.quantum.sigma.*_sigma_profile    -> SigmaProfile (.table())
    -> COSMO-SAC 2010 ln γ              chiapp.quantum.cosmosac.activity_coefficients
    -> Flory–Huggins χ(T)               chiapp.quantum.chi.qc_chi               -> QcChi

Importable without MOPAC: the executable is looked for only when a σ-profile must be computed,
and its absence raises :class:`chiapp.errors.MopacNotFoundError` naming the Debian package ``mopac``.
"""

from chiapp.quantum.chi import QcChi, chi_from_solvent_activity, chi_infinite_dilution, qc_chi
from chiapp.quantum.cosmosac import COSMO_SAC_2010, ActivityCoefficients, activity_coefficients
from chiapp.quantum.sigma import SigmaProfile, polymer_sigma_profile, sigma_cache_dir, solvent_sigma_profile

__all__ = [
           "COSMO_SAC_2010",
           "ActivityCoefficients",
           "QcChi",
           "SigmaProfile",
           "activity_coefficients",
           "chi_from_solvent_activity",
           "chi_infinite_dilution",
           "polymer_sigma_profile",
           "qc_chi",
           "sigma_cache_dir",
           "solvent_sigma_profile",
]
