"""The Streamlit side of chiapp, the only part of the package that imports streamlit.

Pages read like recipes: shared input widgets (``widgets``) -> ``st.stop()`` with a message on
bad input (``session.user_errors``) -> one cached call into chiapp (``loaders``) -> draw with the
views here and the figures of ``chiapp.plots``. Arithmetic, figures, depiction and table shaping
live in plain modules that the API and the command line use too.
"""

from chiapp.calibration import DEFAULT_CHI_NOISE
from chiapp.model_card import (
                               architecture_table,
                               benchmark_table,
                               citation,
                               domain_study_table,
                               domain_table,
                               manifest_table,
                               posterior_tables,
                               training_table,
)
from chiapp.plots import (
                               PLOTLY_CONFIG,
                               blend_figure,
                               chi_curves_figure,
                               chi_figure,
                               chi_margins_figure,
                               hansen_figure,
                               phase_figure,
                               ranking_figure,
                               separation_figure,
                               ternary_figure,
)
from chiapp.tables import PAIR_COLUMNS, csv_bytes, curve_table, pairs_template
from chiapp.ui.loaders import (
                               antisolvent_dose,
                               blend_curve,
                               brainstorm_compatibilizers,
                               calibrate,
                               calibrated,
                               calibrated_comparison,
                               calibrated_curves,
                               chi_curve,
                               critical_chi,
                               display_name,
                               find_blends,
                               hansen_table,
                               mixture_state,
                               model,
                               model_manifest,
                               phase_band,
                               plan_separation,
                               polymer_compatibility,
                               polymer_library,
                               polymer_names,
                               predict_batch,
                               progress_reporter,
                               qc_chi,
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
from chiapp.ui.session import DEFAULTS, PERSIST, init_session, offline_guard, page_icon, plain, user_errors
from chiapp.ui.views import (
                               ALTERNATIVE_VIEW,
                               ANTISOLVENT_VIEW,
                               BLEND_VIEW,
                               HANSEN_VIEW,
                               QC_VIEW,
                               RANKING_HANSEN_VIEW,
                               RANKING_VIEW,
                               SELECTION_VIEW,
                               SEQUENCE_VIEW,
                               band_caption,
                               batch_columns_table,
                               batch_summary,
                               coefficient_metrics,
                               displayed_table,
                               domain_notice,
                               figure_title,
                               hansen_verdicts,
                               laboratory_note,
                               md,
                               pair_title,
                               plotly_config,
                               ranking_summary,
                               report_button,
                               selection_summary,
                               show_3d,
                               show_antisolvent_dose,
                               show_batch_results,
                               show_blend,
                               show_compatibility,
                               show_failures,
                               show_idea_table,
                               show_qc,
                               show_separation_plan,
                               show_structures,
                               show_table,
                               verdict_headline,
)
from chiapp.ui.widgets import (
                               chain_length_input,
                               chain_size_inputs,
                               drawn_to_smiles,
                               mixture_point_inputs,
                               molecule_input,
                               polymer_choice,
                               separation_options,
                               smiles_for_editor,
                               solvent_filters,
                               temperature_input,
                               temperature_range_input,
)
from chiapp.units import celsius, kelvin, temperature_grid_k

__all__ = [name for name in dir() if not name.startswith("_")]
