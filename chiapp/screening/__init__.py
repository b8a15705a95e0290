"""Large screens: every polymer × solvent × temperature of catalogues, streamed to Parquet, on one
process or a Dask cluster (:func:`screen`)."""

from chiapp.screening.screen import VERDICTS, ScreenResult, read_molecule_list, screen

__all__ = ["screen", "ScreenResult", "read_molecule_list", "VERDICTS"]
