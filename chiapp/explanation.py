"""What a formulator reads: one verdict view of an answer, and the evidence as a table.

Every page, the command line and the offline reports show a pair's answer through
:func:`verdict_view`: the headline (the verdict, the temperature, P(dissolves)), the colour that
means the same everywhere (:data:`VERDICT_COLORS`), χ against the limit that decided it (χc, or a
crystalline grade's melting limit, with the delta), one sentence saying why, and a caveat when the
pair is outside the model's domain. Plain text and numbers only: ``chiapp.ui`` and ``chiapp.report``
draw them.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import pandas as pd

from chiapp.units import celsius

__all__ = ["VERDICT_COLORS", "VERDICT_KINDS", "VerdictView", "component_evidence", "evidence_table", "verdict_view"]

#: One colour per verdict, on every page, chart and report.
VERDICT_COLORS = {"dissolves": "#27ae60", "borderline": "#e67e22", "does not dissolve": "#c0392b"}
#: The colour name of each verdict for text (Streamlit's markdown colours: green, orange, red).
VERDICT_KINDS = {"dissolves": "green", "borderline": "orange", "does not dissolve": "red"}
_PRIOR_WORDS = {"constant": "the typical χ of the training data", "Hansen": "the Hansen prior",
                "Hansen and COSMO-SAC": "the Hansen and COSMO-SAC prior"}


@dataclass(frozen=True)
class VerdictView:
    """How one answer reads at one temperature.

    ``headline`` ("Does not dissolve at 25 °C"), ``probability`` text, ``comparison`` (χ ± σ against
    the deciding limit, by name), ``delta`` = χ − χ_lim with its ``delta_label``, ``reason`` (one
    sentence: why), ``evidence`` (what measured data were used, or ''), ``caveat`` ('' inside the
    domain), ``kind`` (a colour name: green, orange, red) and ``color`` (its hex value) of the verdict.
    """

    verdict: str
    kind: str
    color: str
    temperature_c: float
    headline: str
    probability: str
    comparison: str
    delta: float
    delta_label: str
    reason: str
    evidence: str
    caveat: str

    @property
    def text(self) -> str:
        """Everything in one paragraph of plain text (a report, the command line)."""
        parts = [f"{self.headline} ({self.probability}).", f"{self.comparison}.", self.reason]
        return " ".join(p for p in (*parts, self.evidence, self.caveat) if p)


def _c(t_k: float | None) -> str:
    return "" if t_k is None else f"{celsius(t_k):.0f} °C"


def verdict_view(prediction, index: int | None = None) -> VerdictView:
    """The view of a ``chiapp.prediction.ChiPrediction`` at temperature ``index`` (default: the
    middle of its temperatures)."""
    i = len(prediction.temperatures_k) // 2 if index is None else int(index)
    t_k = float(prediction.temperatures_k[i])
    word = str(prediction.verdicts[i])
    chi, sigma = float(prediction.chi[i]), float(prediction.chi_std[i])
    limit, chi_c = float(prediction.chi_limit[i]), float(prediction.chi_critical)
    probability = float(prediction.dissolve_probability[i])
    crystalline = prediction.crystalline
    data = crystalline.data if crystalline is not None else None
    name = prediction.polymer_label
    solvent = prediction.solvent_name or prediction.solvent
    where = f"at {celsius(t_k):.0f} °C"
    if data is not None and limit < chi_c - 1e-12:  # the melting limit decided
        grade = data.grade or data.polymer
        comparison = (f"χ = {chi:.2f} ± {sigma:.2f} against the melting limit {limit:.2f} of crystalline {grade} "
                      f"(χc = {chi_c:.3f})")
        td = crystalline.dissolution_temperature_k
        above = (f"dissolves in {solvent} only above ~{_c(td)}" if td is not None
                 else f"does not dissolve in {solvent} at any temperature searched")
        reason = (f"Crystalline {grade} {above}: {where} its crystals would melt into the solvent only if χ were "
                  f"below {limit:.2f}.")
        delta_label = "vs melting limit"
    else:
        comparison = (f"χ = {chi:.2f} ± {sigma:.2f} against χc = {chi_c:.3f} "
                      f"(chain length N = {prediction.chain_length:,.0f})")
        delta_label = "vs χc"
        if word == "dissolves":
            reason = f"χ is below χc: {name} and {solvent} mix at every concentration {where}."
        elif word == "does not dissolve":
            reason = f"χ is above χc: {where} the mixture splits into a polymer-rich and a solvent-rich phase."
        else:
            reason = f"χ is within its uncertainty of χc {where}: a test in the lab decides."
        td = None if crystalline is None else crystalline.dissolution_temperature_k
        if data is not None and td is not None:
            reason += (f" Crystalline {data.grade or data.polymer} melts into it wherever it is liquid (Td ~{_c(td)}, "
                       "below its melting point)." if crystalline.dissolves_wherever_liquid  # type: ignore[union-attr]
                       else f" Crystalline {data.grade or data.polymer} melts into it above ~{_c(td)}.")
    evidence = _evidence_words(prediction.evidence, "this pair") + component_evidence(prediction)
    caveat = " ".join(c for c in ("" if prediction.in_domain else (
        f"Rough guess: outside what the model was trained on, the answer leans on "
        f"{_PRIOR_WORDS.get(prediction.prior, prediction.prior)} and its band is wide."),
        prediction.chemistry_caveat) if c)
    return VerdictView(
        verdict=word, kind=VERDICT_KINDS.get(word, "gray"), color=VERDICT_COLORS.get(word, "#7f8c8d"),
        temperature_c=float(celsius(t_k)), headline=f"{word.capitalize()} {where}",
        probability=f"P(dissolves) = {probability:.0%}", comparison=comparison, delta=chi - limit,
        delta_label=delta_label, reason=reason, evidence="; ".join(evidence) + ("." if evidence else ""),
        caveat=caveat)


def component_evidence(prediction) -> list[str]:
    """A blend's: where its χ12 comes from, and one sentence per solvent that has evidence with the polymer
    (it counts by its fraction)."""
    out = [f"Solvent–solvent χ12 of the blend: {prediction.mixing_source}"] if prediction.components else []
    for c in prediction.components:
        words = _evidence_words(c.evidence, "that pair")
        if words:
            out.append(f"{c.name} ({c.fraction:.0%} of the blend, its evidence counted by that share): "
                       + ", ".join(words))
    return out


def _evidence_words(evidence, pair: str) -> list[str]:
    words = []
    if evidence.label_text:
        words.append(f"Polymer Handbook: {evidence.label_text}")
    if len(evidence.chis):
        words.append(f"{len(evidence.chis)} measured χ of {pair} are used")
    words += [f"literature: {fact.sentence()}" for fact in evidence.dissolution_facts]
    return words


def evidence_table(evidence) -> pd.DataFrame:
    """The measured evidence of a pair (``chiapp.evidence.Evidence``) as a small table: what each
    point is (a measured χ, a θ temperature, a UCST...), source, temperature [°C], χ, handbook label
    in words. Empty when nothing was used."""
    kinds = evidence.kinds or ("measured χ",) * len(evidence.chis)
    sources = evidence.point_sources or (evidence.chi_source,) * len(evidence.chis)
    rows = [{"kind": kind, "source": source, "temperature_c": round(float(celsius(t)), 1), "measured_chi": float(c),
             "handbook_label": ""}
            for kind, source, t, c in zip(kinds, sources, evidence.temperatures_k, evidence.chis)]
    for label in evidence.labels:
        rows.append({"kind": "handbook label", "source": evidence.label_source, "temperature_c": 25.0,
                     "measured_chi": math.nan, "handbook_label": "solvent" if int(label) == 1 else "non-solvent"})
    for fact in evidence.dissolution_facts:
        rows.append({"kind": f"{fact.grades} dissolves (cited fact)", "source": fact.source,
                     "temperature_c": round(float(celsius(fact.temperature_k)), 1),
                     "measured_chi": math.nan, "handbook_label": "solvent"})
    return pd.DataFrame(rows, columns=["kind", "source", "temperature_c", "measured_chi", "handbook_label"])
