"""The model card as tables, read from the shipped manifest (never retyped)."""

from __future__ import annotations

import pandas as pd

from chiapp.units import celsius

__all__ = ["benchmark_table", "citation", "domain_study_table", "domain_table", "manifest_table", "training_table"]

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
    rows = [{"data": f"{task} rows", "value": f"{count:,}"} for task, count in training.get("rows", {}).items()]
    rows += [{"data": name, "value": f"sha256 {digest[:16]}..."}
             for name, digest in training.get("data_sha256", {}).items()]
    return pd.DataFrame(rows, columns=["data", "value"])


def benchmark_table(manifest: dict) -> pd.DataFrame | None:
    """The cross-validation figures of the manifest ('metrics'), one row per kind of split."""
    table = manifest_table(manifest, "metrics")
    if table is None:
        return None
    names = {"item": "evaluation", "r2": "R² (mean over folds)", "mae": "MAE of χ (mean over folds)",
             "r2_pooled": "R² (pooled)", "value": "value"}
    table = table.rename(columns=names)
    table["evaluation"] = table["evaluation"].str.replace("_", " ")
    return table


def domain_study_table(manifest: dict) -> pd.DataFrame | None:
    """How the in-domain thresholds were chosen and the errors inside and outside, if recorded."""
    table = manifest_table(manifest, "domain_study")
    if table is not None:
        table["item"] = table["item"].str.replace("_", " ")
    return table


def domain_table(manifest: dict) -> pd.DataFrame:
    """What 'in the model's domain' means for this model: thresholds and the temperature range."""
    domain = manifest.get("domain", {})
    rows = [{"item": "training polymers", "value": str(len(domain.get("polymers", ())))},
            {"item": "training solvents", "value": str(len(domain.get("solvents", ())))}]
    if "temperature_k" in domain:
        low, high = domain["temperature_k"]
        rows.append({"item": "training temperatures", "value": f"{celsius(low):.0f} to {celsius(high):.0f} °C"})
    rows += [{"item": name.replace("_", " "), "value": _plain(value)} for name, value in domain.items()
             if name not in ("polymers", "solvents", "temperature_k")]
    rows += [{"item": f"calibration {name.replace('_', ' ')}", "value": _plain(value)}
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
