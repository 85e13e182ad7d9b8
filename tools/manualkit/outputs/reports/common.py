"""What the research reports share: labels in both languages, and CSV, Markdown and JSON writers.

Reports read only the :class:`~manualkit.core.resolved.ResolvedVariant`. Every figure they show
is *planned*; the labels say so.
"""
from __future__ import annotations

import json
from typing import Any, Iterable

from manualkit.core import reports as report_table
from manualkit.core.dose import number
from manualkit.core.release import version_text
from manualkit.core.resolved import ResolvedVariant
from manualkit.outputs.csv_safe import csv_text  # the one CSV writer, re-exported for the reports

LABELS: dict[str, dict[str, str]] = {
    "nb": {
        "planned_note": "Alle tall er planlagte verdier fra tiltaksmodellen (manual/intervention.yml), ikke målt bruk. "
                        "Evalueringen sammenligner dem med faktisk bruk.",
        "measure": "Mål", "unit": "Enhet", "min": "Minst", "typical": "Vanlig",
        "max": "Mest", "base": "Basis (vanlig)", "difference": "Forskjell fra basis (vanlig)", "phases": "Faser",
        "phase": "Fase", "weeks": "Uker (minst–vanlig–mest)", "visits_per_week": "Hjemmebesøk per uke",
        "visit_minutes": "Minutter per besøk", "calls_per_week": "Samtaler per uke", "call_minutes": "Minutter per samtale",
        "meetings": "Samarbeidsmøter", "sessions": "Økter i foreldreveiledningen", "session": "Økt",
        "minutes": "Minutter", "steps": "Steg", "variant": "Versjon", "no_model": "Manualen har ingen tiltaksmodell (manual/intervention.yml).",
        "sessions_note": "Øktene holdes under hjemmebesøkene; minuttene deres er en del av besøkstiden.",
        "activity": "Aktivitet", "hours": "Timer per familie",
        "total": "I alt", "unit_costs": "Enhetskostnader (settes av kommunen)", "cost_per_family": "Planlagt kostnad per familie",
        "cost_per_caseload": "Planlagt kostnad for en full saksmengde", "placeholder": "fyll inn",
        "hourly_rate": "Timekostnad for en familiepartner (kr)", "travel_per_visit": "Reisekostnad per hjemmebesøk (kr)",
        "no_changes": "Ingen lokale tilpasninger.",
        "base_version": "Basisversjonen",
        "based_on_release": "Bygger på utgave {version} av basismanualen{date}.",
        "based_on_version": "Bygger på basismanualen, versjon {version}.",
        "pinned": "Kommunen har valgt denne utgaven (base_version).",
        "subgroups": "Undergrupper av familier",
        "subgroup_note": "Familiene i undergruppen får en annen planlagt dose i noen faser; alle andre følger modellen over. "
                         "Leveranserapporten sammenligner hver familie med planen for sin egen gruppe.",
        "who": "Hvem", "others": "Andre familier (vanlig)", "difference_others": "Forskjell fra andre familier (vanlig)",
    },
    "en": {
        "planned_note": "All figures are planned values from the intervention model (manual/intervention.yml), not measured use. "
                        "The evaluation compares them with actual use.",
        "measure": "Measure", "unit": "Unit", "min": "Minimum", "typical": "Typical",
        "max": "Maximum", "base": "Base (typical)", "difference": "Difference from base (typical)", "phases": "Phases",
        "phase": "Phase", "weeks": "Weeks (min–typical–max)", "visits_per_week": "Home visits per week",
        "visit_minutes": "Minutes per visit", "calls_per_week": "Calls per week", "call_minutes": "Minutes per call",
        "meetings": "Coordination meetings", "sessions": "Parental guidance sessions", "session": "Session",
        "minutes": "Minutes", "steps": "Steps", "variant": "Version", "no_model": "The manual has no intervention model (manual/intervention.yml).",
        "sessions_note": "The sessions are held during home visits; their minutes are part of the visits' time.",
        "activity": "Activity", "hours": "Hours per family",
        "total": "Total", "unit_costs": "Unit costs (set by the municipality)", "cost_per_family": "Planned cost per family",
        "cost_per_caseload": "Planned cost of a full caseload", "placeholder": "fill in",
        "hourly_rate": "Hourly cost of a family partner (NOK)", "travel_per_visit": "Travel cost per home visit (NOK)",
        "no_changes": "No local adaptations.",
        "base_version": "The base version",
        "based_on_release": "Based on release {version} of the base manual{date}.",
        "based_on_version": "Based on the base manual, version {version}.",
        "pinned": "The municipality pins this release (base_version).",
        "subgroups": "Subgroups of families",
        "subgroup_note": "The families of a subgroup get another planned dose in some phases; every other family follows the model above. "
                         "The delivery report compares each family with the plan of its own group.",
        "who": "Who", "others": "Other families (typical)", "difference_others": "Difference from other families (typical)",
    },
}


UNITS = {"nb": {"weeks": "uker", "visits": "besøk", "hours": "timer", "contacts": "kontakter", "meetings": "møter",
                "sessions": "økter", "minutes": "minutter", "visits/week": "besøk/uke", "calls/week": "samtaler/uke"}}


def words_lang(lang: str, words: dict) -> str:
    """The language a report's own words are shown in: ``lang`` when they exist in it, Bokmål for
    Nynorsk (a partial language: its readers read Bokmål, as the site's untranslated pages are),
    else English."""
    if lang in words:
        return lang
    return "nb" if lang == "nn" and "nb" in words else "en"


def unit(lang: str, key: str) -> str:
    return UNITS.get(words_lang(lang, UNITS), {}).get(key, key)


def L(lang: str, key: str) -> str:  # noqa: N802 - short on purpose, used in every table
    """A label in ``lang``; ``<report>_title`` is the report's title from the one table (core/reports.py)."""
    if key.endswith("_title") and key[:-len("_title")] in report_table.names():
        labels = report_table.get(key[:-len("_title")]).labels
        return labels.get(words_lang(lang, labels)) or labels["en"]
    return LABELS[words_lang(lang, LABELS)].get(key) or LABELS["en"][key]


def variant_name(variant: ResolvedVariant, lang: str) -> str:
    rm = variant.manuals.get(lang) or next(iter(variant.manuals.values()))
    return L(lang, "base_version") if variant.is_base else rm.variant_name


def release_line(variant: ResolvedVariant, lang: str) -> str:
    """Which release of the base manual the report describes: 'Based on release 0.2.0 of the base
    manual (2026-12-01).', or 'Based on version 0.2.1, unreleased (commit 1a2b3c4) of …'. A
    municipality read from the release it pins says so."""
    rm = variant.manuals.get(lang) or next(iter(variant.manuals.values()))
    rel = variant.release
    version = version_text(rel, rm.strings, rm.version)
    if rel is not None and rel.released:
        line = L(lang, "based_on_release").format(version=version, date=f" ({rel.date})" if rel.date else "")
    else:
        line = L(lang, "based_on_version").format(version=version)
    return line + (" " + L(lang, "pinned") if rel is not None and rel.pinned else "")


def release_data(variant: ResolvedVariant) -> dict[str, Any]:
    """The same facts for JSON: version, released, draft, date, commit, pinned ("" unless pinned)."""
    rel = variant.release
    if rel is None:
        rm = next(iter(variant.manuals.values()))
        return {"version": rm.version, "released": None, "draft": False, "date": "", "commit": "", "pinned": ""}
    return {"version": rel.version, "released": rel.released, "draft": rel.draft, "date": rel.date,
            "commit": rel.commit, "pinned": rel.pinned}


def release_lines(variants: list[ResolvedVariant], lang: str) -> str:
    """For a table across sites: one line per variant saying which release it describes."""
    return "".join(f"- {md_escape(variant_name(v, lang))}: {md_escape(release_line(v, lang))}\n" for v in variants)


def fig(x: float | str | None, lang: str = "en") -> str:
    """A figure for a table: "" when there is none; one decimal at most; comma in nb for Markdown.
    A model value that is a list of figures (research time points: "3 / 6") is shown as it is."""
    if x is None:
        return ""
    if isinstance(x, str):
        try:
            x = float(x)
        except ValueError:
            return md_escape(" / ".join(number(float(p), lang) if _is_number(p) else p for p in x.split(" / ")))
    return number(x, lang)


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True




def md_escape(text: Any) -> str:
    return " ".join(str(text).split()).replace("|", "\\|")


def md_table(header: list[str], rows: Iterable[Iterable[Any]]) -> str:
    out = ["| " + " | ".join(md_escape(h) for h in header) + " |", "|" + " --- |" * len(header)]
    out += ["| " + " | ".join(md_escape(c) for c in row) + " |" for row in rows]
    return "\n".join(out) + "\n"


def json_text(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


__all__ = ["LABELS", "L", "unit", "variant_name", "release_line", "release_lines", "release_data", "fig", "csv_text", "md_table", "md_escape", "json_text"]
