"""Figures as plain plotly functions: the pages, notebooks and reports draw the same ones.

Temperatures are shown in °C. Needs plotly (the ``app`` extra).
"""

from __future__ import annotations

import html
import itertools
import textwrap
from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from chiapp.explanation import VERDICT_COLORS
from chiapp.units import celsius

__all__ = ["PLOTLY_CONFIG", "blend_figure", "chi_curves_figure", "chi_figure", "chi_margins_figure", "figure_title",
           "hansen_figure", "model_version", "phase_figure", "plotly_config", "ranking_figure", "separation_figure"]

#: Plotly's own toolbar: its camera button saves a PNG (or an SVG, see plotly_config) in the browser, offline.
PLOTLY_CONFIG = {
    "displaylogo": False,
    "toImageButtonOptions": {"format": "png", "scale": 2},
    "modeBarButtonsToRemove": ["lasso2d", "select2d"],
}


_BAND = "rgba(31,111,139,0.18)"


_LINE = "#1f6f8b"


_CRITICAL = "#c0392b"


_PALETTE = ("#1f6f8b", "#e67e22", "#27ae60", "#8e44ad", "#c0392b", "#7f8c8d", "#d4ac0d", "#2c3e50")


_VERDICT_COLORS = VERDICT_COLORS  # one colour per verdict everywhere (chiapp.explanation)


def model_version(manifest: dict) -> str:
    """How a figure or a report names the model: the manifest's "version", else the first 12 hex
    digits of the weights' sha256 (the checksum the loader verifies)."""
    if manifest.get("version"):
        return f"model {manifest['version']}"
    digest = next(iter((manifest.get("files") or {}).values()), "")
    return f"model weights {digest[:12]}" if digest else "model (unversioned)"


#: Characters per title line: fits a figure ~600 px wide at plotly's 16 px title font.
_TITLE_CHARS = 70


def figure_title(subject: str, chain_length: float | None = None, version: str | None = None,
                 detail: str | None = None) -> str:
    """'polystyrene in toluene' + chain length + detail on the first line, the model version under it."""
    first = subject
    if chain_length is not None:
        first += f", N = {chain_length:,.0f}"
    if detail:
        first += f", {detail}"
    # plotly never wraps a title: break long ones so that a narrow figure or its PNG does not cut them
    first = "<br>".join(html.escape(line) for line in textwrap.wrap(first, _TITLE_CHARS)) or html.escape(first)
    return f"{first}<br><sup>chiapp {html.escape(version)}</sup>" if version else first


def _layout(figure: go.Figure, x_title: str, y_title: str, height: int = 420, title: str | None = None) -> go.Figure:
    """House layout: the title on top, the legend under the plot (never clipped: it wraps and the
    bottom margin grows to hold it)."""
    figure.update_layout(
        height=height + (60 if title else 0) + 60,
        margin={"l": 10, "r": 10, "t": 70 if title else 20, "b": 10, "autoexpand": True},
        xaxis_title=x_title, yaxis_title=y_title,
        title={"text": title, "x": 0.0, "xanchor": "left", "font": {"size": 16}} if title else None,
        legend={"orientation": "h", "yanchor": "top", "y": -0.16, "xanchor": "left", "x": 0.0},
        hovermode="x unified", template="plotly_white")
    figure.update_xaxes(automargin=True)
    figure.update_yaxes(automargin=True)
    return figure


def chi_figure(prediction, chi_critical: float | None = None, band_sigmas: float = 1.0,
               title: str | None = None) -> go.Figure:
    """χ(T) with its ensemble band (± band_sigmas σ) and the critical χ line; ``title`` from figure_title."""
    temperatures_c = celsius(prediction.temperatures_k)
    chi = np.asarray(prediction.chi)
    spread = band_sigmas * np.asarray(prediction.chi_std)
    figure = go.Figure()
    figure.add_trace(go.Scatter(x=temperatures_c, y=chi + spread, mode="lines", line={"width": 0},
                                hoverinfo="skip", showlegend=False))
    figure.add_trace(go.Scatter(x=temperatures_c, y=chi - spread, mode="lines", line={"width": 0},
                                fill="tonexty", fillcolor=_BAND, name=f"± {band_sigmas:g} σ",
                                hoverinfo="skip"))
    figure.add_trace(go.Scatter(x=temperatures_c, y=chi, mode="lines", line={"color": _LINE, "width": 3},
                                name="predicted χ", hovertemplate="χ = %{y:.2f}<extra></extra>"))
    evidence = getattr(prediction, "evidence", None)
    if evidence is not None and len(evidence.chis):
        figure.add_trace(go.Scatter(
            x=celsius(evidence.temperatures_k), y=evidence.chis, mode="markers", name="measured χ",
            marker={"color": "#1d2a33", "size": 7}, hovertemplate="measured χ = %{y:.3f}<extra></extra>"))
    if chi_critical is not None:
        figure.add_trace(go.Scatter(
            x=[temperatures_c[0], temperatures_c[-1]], y=[chi_critical, chi_critical], mode="lines",
            line={"color": _CRITICAL, "dash": "dash"}, name=f"critical χc = {chi_critical:.3f}",
            hovertemplate="χc = %{y:.3f}<extra></extra>"))
    return _layout(figure, "Temperature [°C]", "χ [-]", title=title)


def chi_curves_figure(curves: dict[str, Any], criticals: dict[str, float], highlight: str | None = None,
                      title: str | None = None, observed: pd.DataFrame | None = None) -> go.Figure:
    """χ(T) of one solvent with several polymers, each with its band and its own χc (dotted).

    ``observed`` (columns ``label``, ``temperature_c``, ``chi``; optional ``symbol``) are drawn as
    points on top: a user's own measurements of this pair, for instance."""
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
            hovertemplate=f"{html.escape(name)}: χ = %{{y:.2f}}<extra></extra>"))
        if name in criticals:
            figure.add_trace(go.Scatter(
                x=[temperatures_c[0], temperatures_c[-1]], y=[criticals[name]] * 2, mode="lines",
                line={"color": color, "dash": "dot", "width": 1.5}, name=f"χc {name}", legendgroup=name,
                showlegend=False, hovertemplate=f"χc {html.escape(name)} = %{{y:.3f}}<extra></extra>"))
    if observed is not None:
        for label, group in observed.groupby("label", sort=False):
            symbol = group["symbol"].iloc[0] if "symbol" in group else "circle"
            figure.add_trace(go.Scatter(
                x=group["temperature_c"], y=group["chi"], mode="markers", name=str(label),
                marker={"color": "#1d2a33", "size": 9, "symbol": symbol},
                hovertemplate=f"{html.escape(str(label))}: χ = %{{y:.3f}} at %{{x:.1f}} °C<extra></extra>"))
    return _layout(figure, "Temperature [°C]", "χ [-]", title=title)


#: Formats the camera button of plotly's toolbar can save in the browser.
IMAGE_FORMATS = ("png", "svg")


def plotly_config(file_name: str, image_format: str = "png") -> dict:
    """Plotly toolbar config whose camera button saves ``<file_name>.<image_format>`` in the browser
    (PNG at twice the screen resolution, or SVG, a vector figure for a report)."""
    if image_format not in IMAGE_FORMATS:
        raise ValueError(f"image_format must be one of {IMAGE_FORMATS}, got {image_format!r}")
    options = {"format": image_format, "filename": file_name, **({"scale": 2} if image_format == "png" else {})}
    return {**PLOTLY_CONFIG, "toImageButtonOptions": options}


def phase_figure(band, user_point: tuple[float, float] | None = None, title: str | None = None) -> go.Figure:
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
                    hovertemplate="φ = %{x:.2f}, T = %{y:.0f} °C<extra>" + f"{kind}, {label}</extra>"))
    critical = band.central
    if critical.critical_temperatures_k:
        figure.add_trace(go.Scatter(
            x=[critical.critical_phi] * len(critical.critical_temperatures_k),
            y=celsius(critical.critical_temperatures_k), mode="markers", name="critical point",
            marker={"symbol": "diamond", "size": 12, "color": _CRITICAL},
            hovertemplate="critical: φc = %{x:.3f}, Tc = %{y:.0f} °C<extra></extra>"))
    if user_point is not None:
        figure.add_trace(go.Scatter(
            x=[user_point[0]], y=[user_point[1]], mode="markers", name="your mixture",
            marker={"symbol": "star", "size": 16, "color": "#f1c40f", "line": {"color": "#1d2a33", "width": 1}}))
    if band.central.curves["phi_binodal_lean"].isna().all():
        figure.add_annotation(text="one phase at every φ and T shown (no binodal)", x=0.5, y=0.5,
                              xref="paper", yref="paper", showarrow=False, font={"size": 16, "color": _LINE})
    figure.update_xaxes(range=[0, 1])
    figure.update_yaxes(range=[float(celsius(critical.t_min_k)), float(celsius(critical.t_max_k))])
    figure = _layout(figure, "Polymer volume fraction φ [-]", "Temperature [°C]", height=480, title=title)
    figure.update_layout(hovermode="closest")
    return figure


def _segments(curves: pd.DataFrame) -> list[pd.DataFrame]:
    """Runs of consecutive two-phase temperatures (an island and a lower region are separate)."""
    edges = [0, *(np.flatnonzero(np.diff(curves.index.to_numpy()) > 1) + 1), len(curves)]
    return [curves.iloc[start:stop] for start, stop in itertools.pairwise(edges) if stop > start]


def ranking_figure(table: pd.DataFrame, n_best: int = 25, title: str | None = None) -> go.Figure:
    """The best solvents as horizontal bars of χ − χlim (χc, or the melting limit of a crystalline
    polymer) with the ± σ band, coloured by verdict. The axis shows at most ± 3 around zero, so one
    very uncertain pair cannot squash the others."""
    best = table.head(n_best).iloc[::-1]
    limit = best["chi_limit"] if "chi_limit" in best else best["chi_critical"]
    margin = best["chi"] - limit
    figure = go.Figure(go.Bar(
        x=margin, y=best["name"], orientation="h",
        marker_color=[_VERDICT_COLORS.get(v, _LINE) for v in best["verdict"]],
        error_x={"type": "data", "array": best["chi_std"], "color": "#555", "thickness": 1},
        customdata=np.stack([best["chi"], best["chi_critical"], best["verdict"]], axis=1),
        hovertemplate="%{y}: χ = %{customdata[0]:.2f}, χc = %{customdata[1]:.3f} (%{customdata[2]})<extra></extra>"))
    figure.add_vline(x=0, line={"color": _CRITICAL, "dash": "dash"})
    figure = _layout(figure, "χ − χlim [-] (left of the dashed line: dissolves)", "", height=max(360, 22 * len(best)),
                     title=title)
    figure.update_layout(hovermode="closest", showlegend=False)
    reach = np.nan_to_num((margin.abs() + best["chi_std"]).to_numpy(float), nan=0.5)
    span = float(min(3.0, max(0.5, reach.max(initial=0.5))))
    figure.update_xaxes(range=[-span, span])
    return figure


def chi_margins_figure(curves: dict[str, Any], highlight: str | None = None, title: str | None = None) -> go.Figure:
    """χ − χlim(T) of one solvent with several polymers on one axis, with one shared zero line.

    χlim is each pair's own limit (``chi_limit`` of a ChiPrediction: χc, or the melting limit of a
    crystalline polymer below its dissolution temperature), so several plastics share one
    reference instead of one dotted χc line each: a plastic dissolves where its curve lies below
    zero. Bands are ± σ, drawn as outlines (no fill), so they never hide each other."""
    figure = go.Figure()
    for i, (name, result) in enumerate(curves.items()):
        color = _PALETTE[i % len(_PALETTE)]
        temperatures_c = celsius(result.temperatures_k)
        limit = np.asarray(getattr(result, "chi_limit", None) if getattr(result, "chi_limit", None) is not None
                           else np.full(len(temperatures_c), result.chi_critical), dtype=float)
        margin = np.asarray(result.chi) - limit
        std = np.asarray(result.chi_std)
        wide = name == highlight
        label = f"{name} (target)" if wide else name
        for side, values in (("upper", margin + std), ("lower", margin - std)):
            figure.add_trace(go.Scatter(
                x=temperatures_c, y=values, mode="lines", line={"color": color, "width": 1, "dash": "dot"},
                hoverinfo="skip", showlegend=False, legendgroup=name, name=f"{name} {side}"))
        figure.add_trace(go.Scatter(
            x=temperatures_c, y=margin, mode="lines", name=html.escape(label), legendgroup=name,
            line={"color": color, "width": 4 if wide else 2},
            hovertemplate=f"{html.escape(name)}: χ − χlim = %{{y:.2f}}<extra></extra>"))
    figure.add_hline(y=0, line={"color": _CRITICAL, "dash": "dash", "width": 2})
    figure = _layout(figure, "Temperature [°C]", "χ − χlim [-] (below the dashed line: dissolves)", title=title)
    figure.update_layout(hovermode="x unified")
    return figure


def _wrapped(text: str, width: int, max_lines: int = 4) -> str:
    """Escaped text broken into plotly lines (<br>) of at most ``width`` characters, cut with '…'."""
    lines = textwrap.wrap(text, width) or [""]
    if len(lines) > max_lines:
        lines = [*lines[:max_lines - 1], lines[max_lines - 1][:max(width - 1, 1)] + "…"]
    return "<br>".join(html.escape(line) for line in lines)


def separation_figure(plan, title: str | None = None) -> go.Figure:
    """A separation plan (chiapp.separation.SeparationPlan) as a flow diagram: the mixture, then
    one box per step (solvent, temperature window; arrows carry the undissolved rest to the next
    step), under each step the plastic it dissolves and how it is recovered, and at the end the
    residue (the solid left) or the plastics that stay together."""
    steps = list(plan.steps.itertuples(index=False))
    n_columns = len(steps) + 2
    width = 24 if n_columns <= 5 else 17
    top, bottom = 0.72, 0.2
    figure = go.Figure()

    def box(x: float, y: float, text: str, color: str, font_color: str = "white") -> None:
        figure.add_annotation(x=x, y=y, text=text, showarrow=False, bgcolor=color, bordercolor="#1d2a33",
                              borderwidth=1, borderpad=6, align="center", font={"color": font_color, "size": 12})

    def arrow(x0: float, y0: float, x1: float, y1: float) -> None:
        figure.add_annotation(x=x1, y=y1, ax=x0, ay=y0, xref="x", yref="y", axref="x", ayref="y", text="",
                              showarrow=True, arrowhead=3, arrowsize=1.3, arrowwidth=1.6, arrowcolor="#555")

    box(0, top, "<b>mixture</b><br>" + _wrapped(", ".join(plan.polymers), width, 7), "#7f8c8d")
    for i, row in enumerate(steps, start=1):
        pressure = ", under pressure" if row.needs_pressure else ""
        box(i, top, f"<b>step {row.step}</b><br>" + _wrapped(
            f"{row.solvent}, {row.window_low_c:.0f}–{row.window_high_c:.0f} °C{pressure}", width), _LINE)
        box(i, bottom, "<b>" + _wrapped(f"{row.dissolves} dissolves", width, 2) + "</b><br>"
            + _wrapped(f"recover: {row.recovery}", width, 3), _VERDICT_COLORS["dissolves"])
        arrow(i - 0.62, top, i - 0.38, top)
        arrow(i, top - 0.17, i, bottom + 0.17)
        if i > 1:
            figure.add_annotation(x=i - 0.5, y=top + 0.16, text=_wrapped(
                f"undissolved: {steps[i - 2].undissolved}", width - 4, 4), showarrow=False,
                font={"size": 10, "color": "#555"})
    last = len(steps) + 1
    if plan.residue is not None:
        box(last, top, "<b>" + _wrapped(plan.residue, width, 2) + "</b><br>"
            + _wrapped("the undissolved solid left at the end", width), _VERDICT_COLORS["borderline"])
    else:
        box(last, top, "<b>not separated</b><br>" + _wrapped(", ".join(plan.unseparated), width), _CRITICAL)
    arrow(last - 0.62, top, last - 0.38, top)
    if steps:
        figure.add_annotation(x=last - 0.5, y=top + 0.16, text=_wrapped(f"undissolved: {steps[-1].undissolved}",
                                                                        width - 4, 4),
                              showarrow=False, font={"size": 10, "color": "#555"})
    figure.update_xaxes(visible=False, range=[-0.6, last + 0.6])
    figure.update_yaxes(visible=False, range=[0.05, 0.95])
    figure.update_layout(
        height=380, margin={"l": 10, "r": 10, "t": 70 if title else 20, "b": 10}, showlegend=False,
        title={"text": title, "x": 0.0, "xanchor": "left", "font": {"size": 16}} if title else None,
        template="plotly_white", hovermode=False)
    return figure


def blend_figure(prediction, chi_critical: float | None = None, title: str | None = None) -> go.Figure:
    """χ(T) of a polymer in a solvent blend (chiapp.blends.BlendPrediction) with its ± σ band, each
    pure solvent's own χ (dotted) and the blend's critical χ."""
    figure = chi_figure(prediction, chi_critical, title=title)
    temperatures_c = celsius(prediction.temperatures_k)
    for i, component in enumerate(prediction.components):
        figure.add_trace(go.Scatter(
            x=temperatures_c, y=component.chi, mode="lines",
            line={"color": _PALETTE[(i + 1) % len(_PALETTE)], "dash": "dot", "width": 2},
            name=html.escape(f"{component.name} alone"),
            hovertemplate=f"{html.escape(component.name)} alone: χ = %{{y:.2f}}<extra></extra>"))
    return figure


def hansen_figure(table: pd.DataFrame, verdicts: pd.Series | None = None, polymer_name: str = "polymer",
                  title: str | None = None) -> go.Figure:
    """3D Hansen space: the solvents of ``table`` (chiapp.hansen_table.HANSEN_COLUMNS) at their δD,
    δP, δH, coloured by ``verdicts`` (the model's verdict, indexed like ``table``), the polymer as
    a diamond and its interaction sphere Ra ≤ R0 (Ra² = 4ΔδD² + ΔδP² + ΔδH²: an ellipsoid of
    semi-axes R0/2, R0, R0 on these axes; Hansen, *Hansen Solubility Parameters*, 2nd ed., 2007)."""
    figure = go.Figure()
    solvents = table.dropna(subset=["solvent_delta_d_mpa05", "solvent_delta_p_mpa05", "solvent_delta_h_mpa05"])
    groups = (verdicts.reindex(solvents.index).fillna("no verdict") if verdicts is not None
              else pd.Series("solvent", index=solvents.index))
    for word in [*_VERDICT_COLORS, *sorted(set(groups) - set(_VERDICT_COLORS))]:
        part = solvents[groups == word]
        if part.empty:
            continue
        figure.add_trace(go.Scatter3d(
            x=part["solvent_delta_d_mpa05"], y=part["solvent_delta_p_mpa05"], z=part["solvent_delta_h_mpa05"],
            mode="markers", name=word, marker={"size": 3.5, "color": _VERDICT_COLORS.get(word, "#95a5a6")},
            text=[html.escape(str(n)) for n in part["name"]],
            customdata=part[["ra_mpa05", "red"]].to_numpy(float),
            hovertemplate="%{text}<br>δD %{x:.1f}, δP %{y:.1f}, δH %{z:.1f}<br>Ra %{customdata[0]:.1f}, "
                          "RED %{customdata[1]:.2f}<extra></extra>"))
    polymer = table[["polymer_delta_d_mpa05", "polymer_delta_p_mpa05", "polymer_delta_h_mpa05"]].dropna()
    if len(polymer):
        d, p, h = (float(v) for v in polymer.iloc[0])
        radius = float(table["interaction_radius_mpa05"].iloc[0])
        figure.add_trace(go.Scatter3d(
            x=[d], y=[p], z=[h], mode="markers", name=html.escape(polymer_name),
            marker={"size": 8, "symbol": "diamond", "color": "#1d2a33"},
            hovertemplate=f"{html.escape(polymer_name)}: δD %{{x:.1f}}, δP %{{y:.1f}}, δH %{{z:.1f}}<extra></extra>"))
        u, v = np.meshgrid(np.linspace(0, 2 * np.pi, 30), np.linspace(0, np.pi, 16))
        figure.add_trace(go.Surface(
            x=d + radius / 2 * np.cos(u) * np.sin(v), y=p + radius * np.sin(u) * np.sin(v),
            z=h + radius * np.cos(v), opacity=0.15, showscale=False, hoverinfo="skip",
            colorscale=[[0, _LINE], [1, _LINE]], name=f"interaction sphere R0 = {radius:g}", showlegend=True))
    figure.update_layout(
        height=620, margin={"l": 0, "r": 0, "t": 70 if title else 20, "b": 0},
        title={"text": title, "x": 0.0, "xanchor": "left", "font": {"size": 16}} if title else None,
        legend={"orientation": "h", "yanchor": "top", "y": 0.0, "xanchor": "left", "x": 0.0},
        scene={"xaxis_title": "δD [MPa½]", "yaxis_title": "δP [MPa½]", "zaxis_title": "δH [MPa½]",
               "aspectmode": "data",  # true proportions: the sphere Ra ≤ R0 shows as the ellipsoid it is
               "camera": {"eye": {"x": 1.9, "y": -1.3, "z": 0.6}}},
        template="plotly_white")
    return figure


def ternary_figure(dose, title: str | None = None) -> go.Figure:
    """The polymer / solvent / antisolvent diagram of an antisolvent dose (``chiapp.precipitation``):
    binodal (the tie lines' ends), a few tie lines, spinodal, critical point, the dilution path from
    the solution towards the antisolvent and the dose; volume fractions."""
    from chiapp.precipitation import MAX_DOSE_FRACTION

    d = dose.diagram
    figure = go.Figure()

    def trace(points, name, **style):
        points = np.asarray(points, dtype=float).reshape(-1, 3)
        figure.add_trace(go.Scatterternary(a=points[:, 0], b=points[:, 1], c=points[:, 2], name=html.escape(name),
                                           hovertemplate="polymer %{a:.3f}<br>solvent %{b:.3f}<br>antisolvent "
                                                         "%{c:.3f}<extra></extra>", **style))

    lines = d.tie_lines
    if len(lines.shares):
        binodal = np.concatenate([lines.rich, lines.lean[::-1]])
        trace(binodal, "binodal", mode="lines", line={"color": _PALETTE[0], "width": 2.5})
        for k in range(0, len(lines.shares), max(1, len(lines.shares) // 8)):
            trace([lines.rich[k], lines.lean[k]], "tie line", mode="lines", showlegend=k == 0,
                  line={"color": _PALETTE[0], "width": 1, "dash": "dot"})
    if len(d.spinodal):
        spinodal = d.spinodal[np.argsort(d.spinodal[:, 0])]
        trace(spinodal, "spinodal", mode="markers", marker={"color": _PALETTE[1], "size": 3})
    if d.critical_point is not None:
        trace(d.critical_point, "critical point", mode="markers", marker={"color": "#222", "size": 9,
                                                                            "symbol": "diamond"})
    start = dose.start_composition
    corner = np.array([0.0, 0.0, 1.0])
    path = [start + a * (corner - start) for a in np.linspace(0.0, MAX_DOSE_FRACTION, 40)]
    trace(path, "adding antisolvent", mode="lines", line={"color": _PALETTE[2], "width": 2, "dash": "dash"})
    if dose.fraction is not None:
        trace(start + dose.fraction * (corner - start), f"{dose.share:.0%} precipitated", mode="markers",
              marker={"color": _PALETTE[3], "size": 11, "symbol": "x"})
    figure.update_layout(
        height=560 + (60 if title else 0),
        title={"text": title, "x": 0.0, "xanchor": "left", "font": {"size": 16}} if title else None,
        ternary={"aaxis": {"title": {"text": "polymer"}}, "baxis": {"title": {"text": html.escape(d.solvent)}},
                 "caxis": {"title": {"text": html.escape(d.antisolvent)}}},
        legend={"orientation": "h", "yanchor": "top", "y": -0.05, "xanchor": "left", "x": 0.0},
        margin={"l": 40, "r": 40, "t": 90 if title else 40, "b": 40}, template="plotly_white")
    return figure
