"""The Streamlit side of chiapp, the only part of the package that imports streamlit.

Pages read like recipes: shared input widgets (``widgets``) -> ``st.stop()`` with a message on
bad input (``session.user_errors``) -> one cached call into chiapp (``loaders``) -> draw with the
views here and the figures of ``chiapp.plots``. Arithmetic, figures, depiction and table shaping
live in plain modules that the API and the command line use too.
"""

from chiapp.model_card import (
                               benchmark_table,
                               citation,
                               domain_study_table,
                               domain_table,
                               manifest_table,
                               training_table,
)
from chiapp.plots import PLOTLY_CONFIG, chi_curves_figure, chi_figure, phase_figure, plotly_config, ranking_figure
from chiapp.tables import PAIR_COLUMNS, csv_bytes, curve_table, pairs_template
from chiapp.ui.loaders import (
                               calibrate,
                               calibrated,
                               calibrated_comparison,
                               calibrated_curves,
                               chi_curve,
                               critical_chi,
                               display_name,
                               mixture_state,
                               model,
                               model_manifest,
                               phase_band,
                               polymer_library,
                               polymer_names,
                               predict_batch,
                               progress_reporter,
                               rank_solvents,
                               read_pairs_csv,
                               resolve,
                               resolve_pair,
                               select_solvents,
                               solvent_against_polymers,
                               solvent_library,
                               solvent_names,
                               warm_up,
)
from chiapp.ui.session import DEFAULTS, PERSIST, init_session, offline_guard, page_icon, user_errors
from chiapp.ui.views import (
                               ANTISOLVENT_VIEW,
                               RANKING_VIEW,
                               SELECTION_VIEW,
                               band_caption,
                               batch_columns_table,
                               batch_summary,
                               coefficient_metrics,
                               domain_notice,
                               ranking_summary,
                               selection_summary,
                               show_3d,
                               show_failures,
                               show_structures,
                               show_table,
)
from chiapp.ui.widgets import (
                               chain_length_input,
                               chain_size_inputs,
                               drawn_to_smiles,
                               mixture_point_inputs,
                               molecule_input,
                               polymer_choice,
                               smiles_for_editor,
                               solvent_filters,
                               temperature_input,
                               temperature_range_input,
)
from chiapp.units import celsius, kelvin, temperature_grid_k

__all__ = [name for name in dir() if not name.startswith("_")]
