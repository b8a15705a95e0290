"""The model card as tables, read from the shipped manifest (never retyped)."""

from __future__ import annotations

import pandas as pd

from chiapp.errors import ModelArtifactError
from chiapp.posterior import CHEMISTRY_CLASSES, PosteriorParameters
from chiapp.units import celsius

__all__ = ["architecture_table", "benchmark_table", "posterior_tables",
           "citation", "domain_study_table", "domain_table", "manifest_table",
           "training_table"]

#: Manifest keys in a chemist's words (the About page and reports show these, never the keys).
_WORDS = {
    "activation": "activation function", "chi": "form of χ(T)", "hansen_z": "Hansen distance term in the χ head",
    "hidden": "hidden units per layer", "latent": "latent dimensions per molecule", "n_layers": "layers per tower",
    "n_members": "networks in the ensemble", "t_ref_k": "reference temperature [K]",
    "spread_threshold": "largest ensemble spread σ still in the domain",
    "cross_validated_coverage_2sigma": "held-out pairs within ± 2σ",
    "spread_scale": "σ = ensemble spread × this factor", "target_coverage_2sigma": "target share within ± 2σ",
    "fraction_in_domain": "held-out pairs in the domain", "mae_in_domain": "mean absolute error of χ, in the domain",
    "mae_out_of_domain": "mean absolute error of χ, outside the domain",
    "leave_polymer_out": "new polymers (folds leave whole polymers out)",
    "pair_splits": "new pairs of known molecules (random pair folds)",
    "polysol_leave_polymer_out_auc": "solvent / non-solvent labels on new polymers (PolySol)",
    "experimental": "experimental χ values", "cosmo": "COSMO-RS χ values", "hansen": "Hansen-parameter rows",
    "soluble": "solvent / non-solvent labels",
}
_PERCENT = {"cross_validated_coverage_2sigma", "target_coverage_2sigma", "fraction_in_domain"}


def _word(key: str) -> str:
    return _WORDS.get(key, key.replace("_", " "))


def _value(key: str, value) -> str:
    if key in _PERCENT and isinstance(value, float):
        return f"{value:.0%}"
    if key == "chi":
        return "χ = a + b/T"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:.2f}"
    return _plain(value)


def architecture_table(manifest: dict) -> pd.DataFrame:
    """The network's shape in words: towers, ensemble, form of χ(T)."""
    section = manifest.get("architecture") or {}
    return pd.DataFrame([{"item": _word(k), "value": _value(k, v)} for k, v in section.items()],
                        columns=["item", "value"])

def manifest_table(manifest: dict, key: str) -> pd.DataFrame | None:
    """A manifest section as a table: one row per entry; nested entries spread into columns."""
    section = manifest.get(key)
    if section is None:
        return None
    if not isinstance(section, dict):
        return pd.DataFrame({"item": [key], "value": [_plain(section)]})
    rows = [{"item": name, **value} if isinstance(value, dict) and all(not isinstance(v, (dict, list))
                                                                       for v in value.values())
            else {"item": name, "value": _plain(value)} for name, value in section.items()]
    return pd.DataFrame(rows)


def training_table(manifest: dict) -> pd.DataFrame:
    """Rows per training task and the checksum of every data file the weights were fitted on."""
    training = manifest.get("training", {})
    rows = [{"data": _word(task), "value": f"{count:,}"} for task, count in training.get("rows", {}).items()]
    rows += [{"data": name, "value": f"sha256 {digest[:16]}..."}
             for name, digest in training.get("data_sha256", {}).items()]
    return pd.DataFrame(rows, columns=["data", "value"])


def benchmark_table(manifest: dict) -> pd.DataFrame | None:
    """The cross-validation figures of the manifest ('metrics'), one row per kind of split; a
    figure that was not measured is an empty cell."""
    metrics = manifest.get("metrics")
    if not metrics:
        return None
    rows = []
    for name, value in metrics.items():
        row = {"held-out test": _word(name), "R² (mean over folds)": "", "R² (pooled)": "",
               "MAE of χ": "", "AUC": ""}
        if isinstance(value, dict):
            row.update({"R² (mean over folds)": _fmt(value.get("r2")), "R² (pooled)": _fmt(value.get("r2_pooled")),
                        "MAE of χ": _fmt(value.get("mae"))})
        elif name.endswith("auc"):
            row["AUC"] = f"{float(value):.3f}"
        rows.append(row)
    return pd.DataFrame(rows)


def _fmt(value) -> str:
    return "" if value is None else f"{float(value):.2f}"


def domain_study_table(manifest: dict) -> pd.DataFrame | None:
    """How the in-domain thresholds were chosen and the errors inside and outside, if recorded."""
    section = manifest.get("domain_study")
    if not section:
        return None
    return pd.DataFrame([{"item": _word(k), "value": _value(k, v)} for k, v in section.items()],
                        columns=["item", "value"])


def domain_table(manifest: dict) -> pd.DataFrame:
    """What 'in the model's domain' means for this model: thresholds and the temperature range."""
    domain = manifest.get("domain", {})
    rows = [{"item": "training polymers (distinct 2D repeat units)", "value": str(len(domain.get("polymers", ())))},
            {"item": "training solvents", "value": str(len(domain.get("solvents", ())))}]
    if "temperature_k" in domain:
        low, high = domain["temperature_k"]
        rows.append({"item": "training temperatures", "value": f"{celsius(low):.0f} to {celsius(high):.0f} °C"})
    rows += [{"item": _word(name), "value": _value(name, value)} for name, value in domain.items()
             if name not in ("polymers", "solvents", "temperature_k")]
    rows += [{"item": _word(name), "value": _value(name, value)}
             for name, value in (manifest.get("calibration") or {}).items()]
    return pd.DataFrame(rows)


def _plain(value) -> str:
    if isinstance(value, (list, tuple)):
        return ", ".join(_plain(v) for v in value)
    if isinstance(value, dict):
        return "; ".join(f"{k}: {_plain(v)}" for k, v in value.items())
    if isinstance(value, float):
        return f"{value:.4g}"
    return str(value)


def citation(manifest: dict) -> str:
    """How to cite: the model paper, and this tool's version (from the manifest when it says)."""
    lines = [("Method: Y. Aoki et al., \"Multitask machine learning to predict polymer-solvent miscibility "
             "using Flory-Huggins interaction parameters\", Macromolecules 2023, "
             "doi:10.1021/acs.macromol.2c02600.")]
    for key in ("citation", "cite"):
        if manifest.get(key):
            lines.append(_plain(manifest[key]))
    return "\n".join(lines)


#: A chemistry class earns a caveat on its answers when its held-out χ error is at least this many times
#: the posterior's overall one (the manifest's grouped validation, ``training.posterior``).
CAVEAT_ERROR_RATIO = 2.0


def chemistry_caveat(manifest: dict, chemistry_class: int) -> str:
    """A sentence for the answers of a chemistry class (``chiapp.posterior.CHEMISTRY_CLASSES``) whose
    held-out error is CAVEAT_ERROR_RATIO times the overall one or more; '' otherwise or without figures."""
    held = (manifest.get("posterior") or {}).get("held_out") or {}
    overall = (held.get("posterior") or {}).get("mae")
    name = CHEMISTRY_CLASSES[chemistry_class]
    row = next((c for c in held.get("by_chemistry_class") or () if c.get("class") == name), None)
    if row is None or not overall or row["mae"] < CAVEAT_ERROR_RATIO * overall:
        return ""
    factor = PosteriorParameters.from_manifest(manifest).class_sigma_factors[chemistry_class]
    where = ("The polymer donates hydrogen bonds and the solvent cannot" if chemistry_class == 2
             else f"Chemistry class '{name}'")
    return (f"{where}: on held-out polymers of this kind the model's χ erred by {row['mae']:.2f} on average "
            f"({overall:.2f} over all pairs), so σ is {'widened' if factor >= 1 else 'scaled'} ×{factor:.2f} here.")


_POSTERIOR_WORDS = {
    "prior_intercept": "Hansen prior: intercept α of α + β·χ_Hansen (no σ-profiles)",
    "prior_slope": "Hansen prior: slope β on Lindvig's Hansen χ",
    "prior_sigma": "Hansen prior: σ where δ is known",
    "prior_intercept_unknown": "prior: constant where δ is unknown",
    "prior_sigma_unknown": "prior: σ where δ is unknown",
    "spread_weight": "weight k on the ensemble's calibrated spread",
    "sigma_scale": "scale of the posterior σ (90 % of held-out errors within 2σ)",
    "measurement_sigma": "noise of a measured χ of the pair",
    "label_sigma": "width of a handbook label's probit",
    "prior_qc_intercept": "QC prior: intercept of α + β·χ_Hansen + γ·χ_COSMO-SAC",
    "prior_qc_slope_hansen": "QC prior: slope β on Lindvig's Hansen χ",
    "prior_qc_slope": "QC prior: slope γ on COSMO-SAC χ (clipped to [−3, 5])",
    "prior_qc_sigma": "QC prior: σ where δ and both σ-profiles are known",
    "solvation_weight": "crystalline limit: weight β of the solvation shift β·max(0, −χ_COSMO-SAC(300 K))",
    "laboratory_sigma": "τ, spread between laboratories: another laboratory's χ of a measured pair ± √(σ² + τ²)",
}


def posterior_tables(manifest: dict) -> tuple[pd.DataFrame, pd.DataFrame] | None:
    """(parameters, held-out scores) of the manifest's "posterior" entry, in words; None without one."""
    entry = manifest.get("posterior")
    if not isinstance(entry, dict) or not isinstance(entry.get("parameters"), dict):
        return None
    try:  # the values the engine uses, read by its own loader (a damaged manifest says so)
        values = vars(PosteriorParameters.from_manifest(manifest))
    except ModelArtifactError as err:
        return pd.DataFrame({"parameter": ["the manifest's posterior parameters"], "value": [str(err)]}), pd.DataFrame()
    factors = values.pop("class_sigma_factors")
    words = [_POSTERIOR_WORDS.get(k, k) for k in values] + [f"σ factor f_c, {name}" for name in CHEMISTRY_CLASSES]
    parameters = pd.DataFrame({"parameter": words, "value": [f"{float(v):.3g}" for v in [*values.values(), *factors]]})
    held = entry.get("held_out") or {}
    rows = [{"answer": name, "MAE": f"{held[name]['mae']:.3f}", "R²": f"{held[name]['r2']:.3f}",
             "MAE, most uncertain fifth": f"{held[name]['mae_most_uncertain_fifth']:.3f}"}
            for name in ("ensemble", "prior", "posterior", "constant") if isinstance(held.get(name), dict)]
    return parameters, pd.DataFrame(rows)
