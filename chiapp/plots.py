"""Figures as plain plotly functions: the pages, notebooks and reports draw the same ones.

Temperatures are shown in °C. Needs plotly (the ``app`` extra).
"""

from __future__ import annotations

import html
import itertools
from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from chiapp.units import celsius

__all__ = ["PLOTLY_CONFIG", "chi_curves_figure", "chi_figure", "phase_figure", "plotly_config", "ranking_figure"]

#: Plotly's own toolbar: its camera button saves a PNG in the browser, offline.
PLOTLY_CONFIG = {
    "displaylogo": False,
    "toImageButtonOptions": {"format": "png", "scale": 2},
    "modeBarButtonsToRemove": ["lasso2d", "select2d"],
}


_BAND = "rgba(31,111,139,0.18)"


_LINE = "#1f6f8b"


_CRITICAL = "#c0392b"


_PALETTE = ("#1f6f8b", "#e67e22", "#27ae60", "#8e44ad", "#c0392b", "#7f8c8d", "#d4ac0d", "#2c3e50")


_VERDICT_COLORS = {"good": "#27ae60", "borderline": "#e67e22", "poor": "#c0392b"}


def _layout(figure: go.Figure, x_title: str, y_title: str, height: int = 420) -> go.Figure:
    figure.update_layout(
        height=height, margin={"l": 10, "r": 10, "t": 30, "b": 10}, xaxis_title=x_title, yaxis_title=y_title,
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.0, "xanchor": "left", "x": 0.0},
        hovermode="x unified", template="plotly_white")
    return figure


def chi_figure(prediction, chi_critical: float | None = None, band_sigmas: float = 1.0) -> go.Figure:
    """χ(T) with its ensemble band (± band_sigmas σ) and the critical χ line."""
    temperatures_c = celsius(prediction.temperatures_k)
    chi = np.asarray(prediction.chi)
    spread = band_sigmas * np.asarray(prediction.chi_std)
    figure = go.Figure()
    figure.add_trace(go.Scatter(x=temperatures_c, y=chi + spread, mode="lines", line={"width": 0},
                                hoverinfo="skip", showlegend=False))
    figure.add_trace(go.Scatter(x=temperatures_c, y=chi - spread, mode="lines", line={"width": 0},
                                fill="tonexty", fillcolor=_BAND, name=f"± {band_sigmas:g} σ (ensemble)",
                                hoverinfo="skip"))
    figure.add_trace(go.Scatter(x=temperatures_c, y=chi, mode="lines", line={"color": _LINE, "width": 3},
                                name="predicted χ", hovertemplate="χ = %{y:.3f}<extra></extra>"))
    if chi_critical is not None:
        figure.add_trace(go.Scatter(
            x=[temperatures_c[0], temperatures_c[-1]], y=[chi_critical, chi_critical], mode="lines",
            line={"color": _CRITICAL, "dash": "dash"}, name=f"critical χc = {chi_critical:.3f}",
            hovertemplate="χc = %{y:.3f}<extra></extra>"))
    return _layout(figure, "Temperature [°C]", "χ [-]")


def chi_curves_figure(curves: dict[str, Any], criticals: dict[str, float], highlight: str | None = None) -> go.Figure:
    """χ(T) of one solvent with several polymers, each with its band and its own χc (dotted)."""
    figure = go.Figure()
    for i, (name, result) in enumerate(curves.items()):
        color = _PALETTE[i % len(_PALETTE)]
        temperatures_c = celsius(result.temperatures_k)
        chi, std = np.asarray(result.chi), np.asarray(result.chi_std)
        figure.add_trace(go.Scatter(
            x=np.concatenate([temperatures_c, temperatures_c[::-1]]),
            y=np.concatenate([chi + std, (chi - std)[::-1]]), fill="toself", line={"width": 0},
            fillcolor=color, opacity=0.15, hoverinfo="skip", showlegend=False, legendgroup=name))
        figure.add_trace(go.Scatter(
            x=temperatures_c, y=chi, mode="lines", name=name, legendgroup=name,
            line={"color": color, "width": 4 if name == highlight else 2},
            hovertemplate=f"{html.escape(name)}: χ = %{{y:.3f}}<extra></extra>"))
        if name in criticals:
            figure.add_trace(go.Scatter(
                x=[temperatures_c[0], temperatures_c[-1]], y=[criticals[name]] * 2, mode="lines",
                line={"color": color, "dash": "dot", "width": 1.5}, name=f"χc {name}", legendgroup=name,
                showlegend=False, hovertemplate=f"χc {html.escape(name)} = %{{y:.3f}}<extra></extra>"))
    return _layout(figure, "Temperature [°C]", "χ [-]")


def plotly_config(file_name: str) -> dict:
    """Plotly toolbar config whose camera button saves ``<file_name>.png`` in the browser."""
    return {**PLOTLY_CONFIG, "toImageButtonOptions": {"format": "png", "scale": 2, "filename": file_name}}


def phase_figure(band, user_point: tuple[float, float] | None = None) -> go.Figure:
    """Binodal (solid) and spinodal (dashed) in the (φ, T [°C]) plane for χ and χ ± σ, critical
    points as diamonds, the user's own mixture as a star."""
    figure = go.Figure()
    styles = ((band.lower, "χ − σ", "rgba(39,174,96,0.55)", 1.5),
              (band.upper, "χ + σ", "rgba(192,57,43,0.55)", 1.5),
              (band.central, "predicted χ", _LINE, 3.0))
    for diagram, label, color, width in styles:
        curves = diagram.curves
        two_phase = curves.dropna(subset=["phi_binodal_lean"])
        if two_phase.empty:
            continue
        for lean, rich, dash, kind in (("phi_binodal_lean", "phi_binodal_rich", "solid", "binodal"),
                                       ("phi_spinodal_low", "phi_spinodal_high", "dash", "spinodal")):
            if kind == "spinodal" and diagram is not band.central:
                continue
            for i, segment in enumerate(_segments(two_phase)):
                x = np.concatenate([segment[lean].to_numpy(), segment[rich].to_numpy()[::-1]])
                y = np.concatenate([segment["temperature_c"].to_numpy(),
                                    segment["temperature_c"].to_numpy()[::-1]])
                figure.add_trace(go.Scatter(
                    x=x, y=y, mode="lines", line={"color": color, "width": width, "dash": dash},
                    name=f"{kind}, {label}", legendgroup=f"{kind}{label}",
                    showlegend=i == 0,
                    hovertemplate="φ = %{x:.3g}, T = %{y:.1f} °C<extra>" + f"{kind}, {label}</extra>"))
    critical = band.central
    if critical.critical_temperatures_k:
        figure.add_trace(go.Scatter(
            x=[critical.critical_phi] * len(critical.critical_temperatures_k),
            y=celsius(critical.critical_temperatures_k), mode="markers", name="critical point",
            marker={"symbol": "diamond", "size": 12, "color": _CRITICAL},
            hovertemplate="critical: φc = %{x:.3g}, Tc = %{y:.1f} °C<extra></extra>"))
    if user_point is not None:
        figure.add_trace(go.Scatter(
            x=[user_point[0]], y=[user_point[1]], mode="markers", name="your mixture",
            marker={"symbol": "star", "size": 16, "color": "#f1c40f", "line": {"color": "#1d2a33", "width": 1}}))
    if band.central.curves["phi_binodal_lean"].isna().all():
        figure.add_annotation(text="one phase at every φ and T shown (no binodal)", x=0.5, y=0.5,
                              xref="paper", yref="paper", showarrow=False, font={"size": 16, "color": _LINE})
    figure.update_xaxes(range=[0, 1])
    figure.update_yaxes(range=[float(celsius(critical.t_min_k)), float(celsius(critical.t_max_k))])
    figure = _layout(figure, "Polymer volume fraction φ [-]", "Temperature [°C]", height=480)
    figure.update_layout(hovermode="closest")
    return figure


def _segments(curves: pd.DataFrame) -> list[pd.DataFrame]:
    """Runs of consecutive two-phase temperatures (an island and a lower region are separate)."""
    edges = [0, *(np.flatnonzero(np.diff(curves.index.to_numpy()) > 1) + 1), len(curves)]
    return [curves.iloc[start:stop] for start, stop in itertools.pairwise(edges) if stop > start]


def ranking_figure(table: pd.DataFrame, n_best: int = 25) -> go.Figure:
    """The best solvents as horizontal bars of χ − χc with the ± σ band, coloured by verdict."""
    best = table.head(n_best).iloc[::-1]
    margin = best["chi"] - best["chi_critical"]
    figure = go.Figure(go.Bar(
        x=margin, y=best["name"], orientation="h",
        marker_color=[_VERDICT_COLORS.get(v, _LINE) for v in best["verdict"]],
        error_x={"type": "data", "array": best["chi_std"], "color": "#555", "thickness": 1},
        customdata=np.stack([best["chi"], best["chi_critical"], best["verdict"]], axis=1),
        hovertemplate="%{y}: χ = %{customdata[0]:.3f}, χc = %{customdata[1]:.3f} (%{customdata[2]})<extra></extra>"))
    figure.add_vline(x=0, line={"color": _CRITICAL, "dash": "dash"})
    figure = _layout(figure, "χ − χc [-] (left of the dashed line: dissolves)", "", height=max(360, 22 * len(best)))
    figure.update_layout(hovermode="closest", showlegend=False)
    return figure
