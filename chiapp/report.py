"""One self-contained HTML report a formulator can hand to a colleague.

The file holds the inputs, the answer and its verdict, the uncertainty and the domain notice, the
evidence used (when the result carries any), the model version and how to cite it, the figures and
the tables. The figures are plotly figures (``chiapp.plots``) drawn by plotly.js, which is written
into the file from the installed plotly package: the report loads nothing from the network and opens
offline in any browser. Every text that comes from a user (names, SMILES) is HTML-escaped.

The builders take the result objects the pages and the command line already have:
``pair_report`` (one pair: χ(T) and, optionally, its phase diagram), ``ranking_report`` and
``selection_report``.
"""

from __future__ import annotations

import datetime as _dt
import html
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from chiapp import plots
from chiapp.explanation import evidence_table, verdict_view
from chiapp.model_card import citation
from chiapp.units import ZERO_CELSIUS_K, celsius

__all__ = ["PLAN_POLYMER_MASS_FRACTION", "Report", "pair_report", "pair_report_for", "plan_amounts", "plan_report",
           "ranking_report", "render_report", "report_html", "selection_report", "ternary_report",
           "verdict_words"]


@dataclass(frozen=True)
class Report:
    """What a report says, before it is written as HTML. Text fields are plain text (escaped on
    rendering); ``figures`` are plotly figures; ``tables`` are (caption, table) pairs."""

    title: str
    inputs: tuple[tuple[str, str], ...]
    answer: str
    verdict: str | None = None
    verdict_color: str = "#5d6d7e"  # chiapp.explanation.VERDICT_COLORS of the verdict, grey for a general note
    uncertainty: str | None = None
    domain: tuple[str, ...] = ()
    evidence: pd.DataFrame | None = None
    figures: tuple = ()
    tables: tuple[tuple[str, pd.DataFrame], ...] = ()
    manifest: dict = field(default_factory=dict)


# ---------------------------------------------------------------------------------------------- words

def _name(molecule_name: str | None, smiles: str) -> str:
    return molecule_name or smiles


def verdict_words(prediction) -> tuple[str, str]:
    """(verdict, the rest of its view in words) at the middle temperature of a prediction
    (``chiapp.explanation.verdict_view``: the same words as the pages)."""
    view = verdict_view(prediction)
    return view.verdict, " ".join(p for p in (f"{view.headline} ({view.probability}).", f"{view.comparison}.",
                                               view.reason, view.evidence, view.caveat) if p)


def _domain_lines(prediction) -> tuple[str, ...]:
    def near(items) -> str:
        return ", ".join(f"{n} ({float(s):.2f})" for n, s in items) or "none"

    nearest = (f"Nearest training polymers (Tanimoto similarity): {near(prediction.nearest_polymers)}. "
               f"Nearest training solvents: {near(prediction.nearest_solvents)}.")
    if prediction.in_domain:
        head = ("Inside the model's domain: the ensemble members agree and the temperatures are within "
                "the training range.")
    else:
        notes = " ".join((n[:1].upper() + n[1:]) if n.endswith(".") else f"{n[:1].upper()}{n[1:]}."
                         for n in prediction.domain_notes)
        head = f"Outside the model's domain: treat χ as a rough guess. {notes}".strip()
    return head, nearest


# ---------------------------------------------------------------------------------------------- builders

def pair_report(prediction, chain_length: float, manifest: dict, band=None,
                user_point: tuple[float, float] | None = None, state: str | None = None) -> Report:
    """χ(T) of one pair, its verdict and, with ``band`` (flory_huggins.phase_diagram_with_band),
    the phase diagram and the user's mixture (φ, T [°C]) with its ``state``."""
    from chiapp.flory_huggins import critical_chi

    polymer = _name(prediction.polymer_name, prediction.polymer)
    solvent = _name(prediction.solvent_name, prediction.solvent)
    version = plots.model_version(manifest)
    chi_c = float(critical_chi(chain_length))
    view = verdict_view(prediction)
    low, high = celsius(prediction.temperatures_k[0]), celsius(prediction.temperatures_k[-1])
    def named(name: str, smiles: str) -> str:
        return name if name == smiles else f"{name} ({smiles})"

    inputs = [("Polymer", named(polymer, prediction.polymer)), ("Solvent", named(solvent, prediction.solvent)),
              ("Temperatures", f"{low:.0f} to {high:.0f} °C"), ("Chain length N", f"{chain_length:,.0f}")]
    if prediction.calibrated:
        inputs.append(("Calibration", "the polymer's position in the model fitted to your observations "
                                      "(chiapp calibrate); every answer below is the calibrated polymer's"))
    if prediction.blend is not None:
        inputs.append(("Blend", f"volume fractions {prediction.blend.text}; its χ mixes the components' and "
                                f"subtracts φ1φ2χ12 ({prediction.mixing_source})"))
    answer = (f"χ(T) = a + b/T with a = {prediction.a:.2f} and b = {prediction.b_k:.0f} K; "
              f"critical χc = {chi_c:.3f} for N = {chain_length:,.0f}.")
    if band is not None:
        answer += " " + band.central.summary()
    subject = f"{polymer} in {solvent}"
    draw = plots.blend_figure if prediction.blend is not None else plots.chi_figure  # a blend: each solvent too
    figures = [draw(prediction, chi_c, title=plots.figure_title(subject, chain_length, version))]
    tables = [("χ(T) with its ensemble spread σ", _curve_table(prediction))]
    if band is not None:
        inputs.append(("Your mixture", f"φ = {user_point[0]:.2f} at {user_point[1]:.0f} °C" if user_point else "—"))
        if state:
            answer += f" Your mixture is {state}."
        figures.append(plots.phase_figure(band, user_point, title=plots.figure_title(
            f"Phase diagram of {subject}", chain_length, version)))
        tables.append(("Binodal and spinodal [φ]", band.curves.round(4)))
    sigma = float(np.median(prediction.chi_std))
    uncertainty = (f"σ is the posterior's (ensemble, {prediction.prior} prior and measured evidence; median "
                   f"{sigma:.2f} over the range); the true χ lies within ± 2σ in about 90 % of held-out polymers' "
                   "cases.")
    held_out = laboratory_coverage(manifest)
    if held_out and prediction.laboratory_band:  # σ narrowed by measured χ: the consensus, not one more laboratory
        half_width = 2 * float(np.median(prediction.laboratory_std))
        uncertainty += (f" Measured χ narrow it to the uncertainty of the laboratories' consensus. Another "
                        f"laboratory's χ of this pair lies within ± {half_width:.2f} (2σ' with σ' = √(σ² + τ²), "
                        f"{held_out}; README, 'Other laboratories').")
    return Report(
        title=f"χ of {subject}", inputs=tuple(inputs), answer=answer,
        verdict=view.text, verdict_color=view.color, uncertainty=uncertainty,
        domain=_domain_lines(prediction), evidence=_evidence_of(prediction), figures=tuple(figures),
        tables=tuple(tables), manifest=manifest)


def laboratory_coverage(manifest: dict) -> str:
    """τ and how often another laboratory's band held on laboratories held out (``training.sources``), as
    a clause; '' when the manifest has no such study."""
    labs = manifest.get("posterior", {}).get("held_out", {}).get("held_out_sources")
    if not labs:
        return ""
    return (f"τ = {labs['source_sigma']:.3f} the spread between laboratories: ± 2σ' covered "
            f"{labs['coverage_with_floor']:.0%} of held-out laboratories' χ "
            f"({labs['coverage_with_floor_chosen_leave_polymer_out']:.0%} with τ chosen without the polymer), "
            f"± 2σ alone {labs['coverage_shrunk_sigma']:.0%}")


def _curve_table(prediction) -> pd.DataFrame:
    return pd.DataFrame({"T [°C]": np.round(celsius(prediction.temperatures_k), 1),
                         "χ": np.round(prediction.chi, 2), "σ": np.round(prediction.chi_std, 2)})


_RANKING_COLUMNS = {"name": "solvent", "verdict": "verdict", "chi": "χ", "chi_std": "σ", "chi_limit": "χ limit",
                    "dissolve_probability": "P(dissolves)", "dissolution_temperature_c": "dissolves above [°C]",
                    "in_domain": "in domain", "boiling_point_c": "bp [°C]",
                    "flash_point_c": "flash point [°C]", "chem21_class": "CHEM21", "smiles": "SMILES"}


def _shown(table: pd.DataFrame, columns: dict, digits: dict) -> pd.DataFrame:
    shown = table[[c for c in columns if c in table.columns]].copy()
    for column, n in digits.items():
        if column in shown:
            shown[column] = shown[column].astype(float).round(n)
    return shown.rename(columns=columns)


def ranking_report(result, temperature_c: float, manifest: dict, filters: dict | None = None) -> Report:
    """The solvent ranking of one polymer at one temperature [°C]."""
    polymer = _name(result.polymer.name, result.polymer.smiles)
    counts = result.table["verdict"].value_counts()
    version = plots.model_version(manifest)
    inputs = [("Polymer", f"{polymer} ({result.polymer.smiles})"), ("Temperature", f"{temperature_c:.0f} °C"),
              ("Molecular weight Mn", f"{result.molecular_weight_g_per_mol:,.0f} g/mol")]
    inputs += [(f"Filter: {k.replace('_', ' ')}", str(v)) for k, v in (filters or {}).items()
               if v not in (None, (), False)]
    best = result.table.head(3)["name"].tolist()
    answer = (f"{len(result.table)} solvents ranked: {counts.get('dissolves', 0)} dissolve it, "
              f"{counts.get('borderline', 0)} borderline, {counts.get('does not dissolve', 0)} do not"
              + (f"; {result.n_filtered_out} left out by the filters" if result.n_filtered_out else "")
              + (f". Best: {', '.join(best)}." if best else "."))
    figure = plots.ranking_figure(result.table, title=plots.figure_title(
        f"Solvents for {polymer} at {temperature_c:.0f} °C", None, version,
        detail=f"Mn {result.molecular_weight_g_per_mol:,.0f} g/mol"))
    table = _shown(result.table, _RANKING_COLUMNS, {"chi": 2, "chi_std": 2, "chi_limit": 3,
                                                   "dissolve_probability": 2, "dissolution_temperature_c": 0})
    return Report(
        title=f"Solvents for {polymer}", inputs=tuple(inputs), answer=answer,
        verdict="Dissolves: P(χ < χlim) ≥ 0.7 (χlim = χc, or the melting limit of a crystalline polymer); does "
                "not dissolve: P ≤ 0.3; borderline between. Sorted by that probability; for a crystalline polymer "
                "the solvents that do not dissolve it follow by their dissolution temperature, lowest first.",
        uncertainty="σ is the posterior σ of each pair's χ (ensemble, a prior from Hansen and, where σ-profiles "
                    "are known, COSMO-SAC χ, measured evidence).",
        domain=(f"{int(result.table['in_domain'].sum())} of {len(result.table)} pairs are inside the model's domain "
                "(see the 'in domain' column).",),
        figures=(figure,), tables=(("Ranking", table),), manifest=manifest)


_SELECTION_COLUMNS = {"name": "solvent", "window_low_c": "from [°C]", "window_high_c": "to [°C]",
                      "operating_temperature_c": "best at [°C]", "margin": "margin (χ units)", "margin_std": "± σ",
                      "confidence": "margin / σ", "nearest": "nearest to flipping",
                      "precipitation_temperature_c": "target precipitates below [°C]", "chem21_class": "CHEM21",
                      "boiling_point_c": "bp [°C]", "flash_point_c": "flash point [°C]", "in_domain": "in domain",
                      "windows": "all windows"}


def selection_report(result, range_c: tuple[float, float], manifest: dict, curves: dict | None = None,
                     criticals: dict | None = None, solvent: str | None = None) -> Report:
    """Selective dissolution of a target plastic out of a mixture; ``curves``/``criticals`` (from
    the page's chosen ``solvent``) add its χ(T) figure."""
    target = _name(result.target.name, result.target.smiles)
    others = [_name(m.name, m.smiles) for m in result.others]
    version = plots.model_version(manifest)
    inputs = (("Target plastic", f"{target} ({result.target.smiles})"),
              ("Other plastics", ", ".join(others) or "none"),
              ("Temperatures", f"{range_c[0]:.0f} to {range_c[1]:.0f} °C"))
    if result.table.empty:
        answer = (f"No solvent of the {result.n_screened} screened dissolves {target} while leaving "
                  f"{', '.join(others)} undissolved in this temperature range.")
    else:
        answer = (f"{len(result.table)} of {result.n_screened} solvents dissolve {target} and leave "
                  f"{', '.join(others)} undissolved somewhere in the range; best: {result.table['name'].iloc[0]}.")
    figures: tuple = ()
    if curves:
        figures = (plots.chi_curves_figure(curves, criticals or {}, highlight=target, title=plots.figure_title(
            f"Selective dissolution in {solvent}: {target} (target) and {len(others)} other plastic(s)", None,
            version, detail="N of each pair from the library Mn")),)
    tables = [("Selective solvents", _shown(result.table, _SELECTION_COLUMNS, {"margin": 2, "margin_std": 2}))]
    if not result.antisolvents.empty:
        tables.append(("Antisolvents to precipitate the target", _shown(
            result.antisolvents, _RANKING_COLUMNS, {"chi": 2, "chi_std": 2, "chi_limit": 3})))
    return Report(
        title=f"Separating {target} from {', '.join(others)}", inputs=inputs, answer=answer,
        verdict="A solvent is selective where the verdict says the target dissolves (P ≥ 0.7) and every other "
                "plastic does not (P ≤ 0.3), each against its own limit (χc, or a crystalline grade's melting limit).",
        uncertainty="The margin is the gap to its limit of the plastic nearest to flipping (χ units) and σ its "
                    "uncertainty (the answer's σ and, where the limit is χc and no M_n was given, the grade's "
                    "unknown chain length); their ratio is the confidence the table is sorted by.",
        figures=figures, tables=tuple(tables), manifest=manifest)


#: Polymer in the solution of a dissolution step when no other share is given [mass fraction]:
#: dilute enough to filter and pump (STRAP ran at 5-10 wt-%, Walker et al. 2020).
PLAN_POLYMER_MASS_FRACTION = 0.10


def plan_amounts(plan, polymer_mass_fraction: float = PLAN_POLYMER_MASS_FRACTION, feed: dict | None = None,
                 draws: int = 8) -> pd.DataFrame:
    """Per step of a separation plan: the solvent per kg of feed to hold the dissolved polymer at
    ``polymer_mass_fraction``, and for an antisolvent recovery the dose that precipitates 99 % of it
    at the window's lowest temperature (``chiapp.precipitation``), per kg of feed, of the first
    antisolvent the recovery names that does (the note says which were passed over). ``feed`` gives
    each polymer's mass share (default: equal shares)."""
    from chiapp.errors import ChiAppError
    from chiapp.features import solvent_features
    from chiapp.precipitation import antisolvent_dose, dose_percent
    from chiapp.separation import ANTISOLVENT_SEPARATOR
    from chiapp.units import kelvin

    shares = dict(feed or {p: 1.0 / len(plan.polymers) for p in plan.polymers})
    rows = []
    for step in plan.steps.itertuples(index=False):
        share = float(shares.get(step.dissolves, 0.0))
        solution = share / polymer_mass_fraction                     # kg of solution per kg of feed
        row = {"step": step.step, "solvent_kg_per_kg_feed": solution - share, "antisolvent": step.antisolvent,
               "antisolvent_kg_per_kg_feed": np.nan, "antisolvent_boiling_point_c": np.nan, "note": ""}
        passed = []
        for name in (step.antisolvents.split(ANTISOLVENT_SEPARATOR) if step.antisolvents else []):
            try:
                dose = antisolvent_dose(step.dissolves, step.solvent, name, float(kelvin(step.window_low_c)),
                                        polymer_mass_fraction=polymer_mass_fraction, draws=draws)
            except ChiAppError as error:
                passed.append(f"{name}: no dose ({error})")
                continue
            if dose.kg_per_kg_solution is None:
                passed.append(f"{name} does not precipitate 99 %: {dose_percent(None)}")
                continue
            row.update(antisolvent=name, antisolvent_kg_per_kg_feed=dose.kg_per_kg_solution * solution,
                       antisolvent_boiling_point_c=solvent_features(name).boiling_point_c)
            break
        row["note"] = "; ".join(passed)
        rows.append(row)
    return pd.DataFrame(rows, columns=["step", "solvent_kg_per_kg_feed", "antisolvent", "antisolvent_kg_per_kg_feed",
                                       "antisolvent_boiling_point_c", "note"])


_PLAN_COLUMNS = {"step": "step", "dissolves": "dissolves", "solvent": "solvent", "window_low_c": "from [°C]",
                 "window_high_c": "to [°C]", "operating_temperature_c": "run at [°C]", "nearest": "nearest to flipping",
                 "margin": "margin (χ)", "margin_std": "± σ", "confidence": "margin [σ]", "margin_k": "margin [K]",
                 "boiling_point_c": "solvent bp [°C]", "chem21_class": "CHEM21", "recovery": "recovery",
                 "solvent_kg_per_kg_feed": "solvent [kg/kg feed]", "antisolvent": "antisolvent",
                 "antisolvent_kg_per_kg_feed": "antisolvent [kg/kg feed]",
                 "antisolvent_boiling_point_c": "antisolvent bp [°C]", "note": "note"}


def plan_report(plan, manifest: dict, polymer_mass_fraction: float = PLAN_POLYMER_MASS_FRACTION,
                feed: dict | None = None) -> Report:
    """A separation plan as an engineer reads it: steps, temperatures, margins, amounts per kg of feed
    (:func:`plan_amounts`), boiling points for recovery, and the two series side by side."""
    low, high = plan.temperatures_k[0] - ZERO_CELSIUS_K, plan.temperatures_k[-1] - ZERO_CELSIUS_K
    amounts = plan_amounts(plan, polymer_mass_fraction, feed)
    steps = plan.steps.merge(amounts, on="step", how="left", suffixes=("_recovery", "")) if len(plan.steps) else \
        plan.steps
    shares = feed or {p: 1.0 / len(plan.polymers) for p in plan.polymers}
    inputs = (("Plastics (mass share of the feed)", ", ".join(f"{p} ({float(shares.get(p, 0)):.0%})"
                                                               for p in plan.polymers)),
              ("Temperatures", f"{low:.0f} to {high:.0f} °C"),
              ("Polymer in each solution", f"{polymer_mass_fraction:.0%} by mass"))
    series = {"one solvent": "one solvent at rising temperatures", "mixed": "solvents changed between steps"}
    answer = (f"{len(plan.steps)} dissolution steps ({series.get(plan.kind, 'no series')})"
              + (f"; {plan.residue} stays as the undissolved solid." if plan.residue else ".")
              + (f" Not separated: {', '.join(plan.unseparated)}." if plan.unseparated else ""))
    figures = (plots.separation_figure(plan, title=plots.figure_title(
        f"Separation sequence of {len(plan.polymers)} plastics", None, plots.model_version(manifest))),) \
        if len(plan.steps) else ()
    tables = [("Steps", _shown(steps, _PLAN_COLUMNS, {"margin": 2, "margin_std": 2, "confidence": 1,
                                                      "solvent_kg_per_kg_feed": 2, "antisolvent_kg_per_kg_feed": 3}))]
    if len(plan.series):
        tables.append(("The best one-solvent series and the best mixed series", _shown(
            plan.series, {"series": "series", **_PLAN_COLUMNS}, {"confidence": 1})))
    return Report(
        title=f"Separating {', '.join(plan.polymers)}", inputs=inputs, answer=answer, verdict=plan.describe(),
        uncertainty="Each step runs where every plastic in the vessel is on the right side of its limit; the margin "
                    "is that of the plastic nearest to flipping, in χ units, in σ and in kelvin (to the nearest "
                    "temperature where a verdict flips). Antisolvent doses are ternary Flory–Huggins estimates "
                    "for one chain length (no molecular-weight distribution).",
        figures=figures, tables=tuple(tables), manifest=manifest)


def ternary_report(dose, manifest: dict) -> Report:
    """An antisolvent dose (``chiapp.precipitation.AntisolventDose``): the diagram, the three χ's, the
    cloud point and the dose with its interval."""
    from chiapp.precipitation import MAX_DOSE_FRACTION, dose_percent

    d, system = dose.diagram, dose.diagram.system
    inputs = (("Polymer", d.polymer), ("Solvent", d.solvent), ("Antisolvent", d.antisolvent),
              ("Temperature", f"{d.temperature_k - ZERO_CELSIUS_K:.0f} °C"),
              ("Polymer in the solution", f"{dose.polymer_mass_fraction:.0%} by mass"),
              ("Share to precipitate", f"{dose.share:.0%}"))
    if dose.fraction is None:
        answer = (f"{d.antisolvent} does not precipitate {dose.share:.0%} of the polymer "
                  f"up to {100 * MAX_DOSE_FRACTION:.0f} vol-%." + (f" {dose.note}" if dose.note else ""))
    else:
        answer = (f"Add {d.antisolvent} to {dose_percent(dose.fraction)} of the final liquid "
                  f"({dose.kg_per_kg_solution:.3f} kg per kg of solution, {dose.litres_per_litre_solution:.3f} L per "
                  f"L) to precipitate {dose.share:.0%} of the polymer; the solution clouds at "
                  f"{dose_percent(dose.cloud_point_fraction)}.")
    chis = pd.DataFrame({"pair": [f"{d.polymer} / {d.solvent}", f"{d.polymer} / {d.antisolvent}",
                                  f"{d.solvent} / {d.antisolvent}"],
                         "χ per solvent site": np.round([system.chi_ps, system.chi_pa, system.chi_sa], 3),
                         "σ": [round(d.chi_ps_std, 3), round(d.chi_pa_std, 3), None],
                         "from": ["answer engine (posterior)", "answer engine (posterior)",
                                  "COSMO-SAC excess Gibbs energy" if d.chi_sa_cosmo_sac is None else
                                  f"{d.chi_sa_source}: g(u) at equal volumes, composition-dependent"]})
    if d.chi_sa_cosmo_sac is not None:
        chis.loc[len(chis)] = [f"{d.solvent} / {d.antisolvent}", round(d.chi_sa_cosmo_sac, 3), None,
                               "COSMO-SAC excess Gibbs energy: for comparison, not used"]
    figure = plots.ternary_figure(dose, title=plots.figure_title(
        f"{d.polymer} / {d.solvent} / {d.antisolvent}", system.chain_length, plots.model_version(manifest)))
    return Report(
        title=f"Precipitating {d.polymer} from {d.solvent} with {d.antisolvent}", inputs=inputs, answer=answer,
        uncertainty=(f"16-84 % of the posterior draws of the two polymer χ's: {dose_percent(dose.fraction_low)} "
                     f"to {dose_percent(dose.fraction_high)}. One chain length (N = {system.chain_length:.0f} "
                     "solvent sites, "
                     "no molecular-weight distribution: a real polymer precipitates over a range, its short chains "
                     "last); liquid-liquid demixing only (no crystallization)."),
        figures=(figure,), tables=(("The three χ's", chis),), manifest=manifest)


# ---------------------------------------------------------------------------------------------- HTML

_STYLE = """
body{font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1d2a33;max-width:1100px;
margin:2em auto;padding:0 1.2em}
h1{font-size:1.7em;margin-bottom:.2em}h2{font-size:1.25em;margin-top:1.6em;border-bottom:1px solid #dde3e8}
table{border-collapse:collapse;margin:.6em 0;font-size:13px}td,th{border:1px solid #dde3e8;padding:3px 8px;
text-align:left;vertical-align:top}th{background:#f3f6f8}.verdict{font-size:1.15em;font-weight:600;
padding:.5em .8em;background:#f6f8fa;border-left:6px solid}.meta{color:#5d6d7e;font-size:13px}
.cite{white-space:pre-wrap;overflow-wrap:anywhere;background:#f6f8fa;padding:.6em;font-size:13px}
.scroll{max-height:420px;overflow:auto}
"""


_EVIDENCE_COLUMNS = {"kind": "what", "source": "source", "temperature_c": "T [°C]", "measured_chi": "measured χ",
                     "handbook_label": "handbook label"}


def _table_html(table: pd.DataFrame) -> str:
    head = "".join(f"<th>{html.escape(str(c))}</th>" for c in table.columns)
    rows = []
    for values in table.itertuples(index=False):
        cells = "".join(f"<td>{_cell(v)}</td>" for v in values)
        rows.append(f"<tr>{cells}</tr>")
    return f"<div class='scroll'><table><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table></div>"


def _cell(value) -> str:
    """An empty cell for a missing value (never 'None' or 'nan')."""
    if value is None or (isinstance(value, float) and not np.isfinite(value)) or value is pd.NA:
        return ""
    if isinstance(value, (bool, np.bool_)):
        return "yes" if value else "no"
    if isinstance(value, (float, np.floating)):
        return f"{float(value):g}"
    return html.escape(str(value))


def _evidence_of(prediction) -> pd.DataFrame:
    """The pair's evidence table; for a blend, its solvents' too, each row named with the solvent and its
    share (their evidence moves the blend by that share: ``chiapp.answer._component_evidence``)."""
    frames = [evidence_table(prediction.evidence)]
    for c in prediction.components:
        own = evidence_table(c.evidence)
        frames.append(own.assign(kind=f"{c.name} ({c.fraction:.0%}): " + own["kind"]))
    return pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]


def render_report(report: Report) -> str:
    """The report as one HTML page: plotly.js inline (from the installed plotly), no external URL."""
    import plotly.io as pio
    from plotly.offline import get_plotlyjs

    from chiapp import __version__

    now = _dt.datetime.now(_dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    version = plots.model_version(report.manifest)
    parts = [f"<h1>{html.escape(report.title)}</h1>",
             f"<p class='meta'>chiapp {html.escape(__version__)}, {html.escape(version)}; made {now}.</p>",
             "<h2>Inputs</h2><table>" + "".join(
                 f"<tr><th>{html.escape(k)}</th><td>{html.escape(v)}</td></tr>" for k, v in report.inputs) + "</table>",
             f"<h2>Answer</h2><p>{html.escape(report.answer)}</p>"]
    if report.verdict:
        parts.append(f"<p class='verdict' style='border-left-color:{html.escape(report.verdict_color)}'>"
                     f"{html.escape(report.verdict)}</p>")
    if report.uncertainty or report.domain:
        parts.append("<h2>Uncertainty and domain</h2>")
        parts += [f"<p>{html.escape(line)}</p>" for line in (report.uncertainty, *report.domain) if line]
    if report.evidence is not None:
        parts.append("<h2>Evidence used</h2>")
        parts.append(_table_html(report.evidence.rename(columns=_EVIDENCE_COLUMNS)) if len(report.evidence)
                     else "<p>No measured value for this pair (for a blend: for any of its solvents with this "
                          "polymer) was used: the answer is the model's prediction with its physical prior.</p>")
    if report.figures:
        parts.append("<h2>Figures</h2>")
        for i, figure in enumerate(report.figures):
            config = plots.plotly_config(f"chiapp_figure_{i + 1}", "svg")
            parts.append(pio.to_html(figure, full_html=False, include_plotlyjs=False, config=config,
                                     div_id=f"figure-{i + 1}", default_width="100%"))
        parts.append("<p class='meta'>The camera button of each figure saves it as an SVG file.</p>")
    for caption, table in report.tables:
        parts.append(f"<h2>{html.escape(caption)}</h2>{_table_html(table)}")
    parts.append(f"<h2>Model and citation</h2><p>{html.escape(version)}; "
                 f"trained on {_training_words(report.manifest)}.</p>"
                 f"<div class='cite'>{html.escape(citation(report.manifest))}</div>")
    return ("<!doctype html><html lang='en'><head><meta charset='utf-8'>"
            f"<meta name='viewport' content='width=device-width'><title>{html.escape(report.title)}</title>"
            f"<style>{_STYLE}</style><script>{get_plotlyjs()}</script></head><body>"
            + "\n".join(parts) + "</body></html>")


def _training_words(manifest: dict) -> str:
    rows = (manifest.get("training") or {}).get("rows") or {}
    names = {"experimental": "experimental χ values", "cosmo": "COSMO-RS χ values",
             "soluble": "solvent / non-solvent labels", "hansen": "Hansen-parameter rows"}
    return ", ".join(f"{count:,} {names.get(task, task)}" for task, count in rows.items()) or "(not recorded)"


def report_html(report: Report) -> bytes:
    """``render_report`` as UTF-8 bytes, for a download button or a file."""
    return render_report(report).encode("utf-8")



def pair_report_for(polymer: str, solvent: str, range_c: tuple[float, float] = (0.0, 150.0), *,
                    chain_length: float | None = None, molecular_weight_g_per_mol: float | None = None,
                    user_point: tuple[float, float] | None = None) -> Report:
    """``pair_report`` from what a user types: names or SMILES, a temperature range [°C], and the
    chain length or M_n (else the library's, as everywhere: ``library.chain_length_for``); the
    phase diagram is included. The command ``chiapp report`` calls this."""
    from chiapp import flory_huggins
    from chiapp.prediction import load_model, predict_chi
    from chiapp.units import kelvin, temperature_grid_k

    prediction = predict_chi(polymer, solvent, temperature_grid_k(range_c), chain_length=chain_length,
                             molecular_weight_g_per_mol=molecular_weight_g_per_mol)
    n = prediction.chain_length
    band = flory_huggins.phase_diagram_with_band(
        prediction.coefficients, chi_sigma=float(np.median(prediction.chi_std)), chain_length=n,
        temperatures_k=np.asarray(temperature_grid_k(range_c, 121)))
    state = None
    if user_point is not None:
        state = flory_huggins.phase_state(prediction.coefficients, user_point[0], kelvin(user_point[1]), n)
    return pair_report(prediction, n, load_model().manifest, band, user_point, state)
