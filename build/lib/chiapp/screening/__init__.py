"""Large screens: every polymer × solvent × temperature of catalogues, streamed to Parquet, on one
process or a Dask cluster (:func:`screen`)."""

from chiapp.screening.screen import VERDICTS, ScreenResult, critical_chis, read_molecule_list, screen, verdict_codes

__all__ = ["screen", "ScreenResult", "read_molecule_list", "verdict_codes", "critical_chis", "VERDICTS"]
