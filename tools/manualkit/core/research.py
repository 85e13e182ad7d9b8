"""The generated "For researchers" page: links to the research reports of the variant.

Like the glossary and "About this version", its text is Markdown written here and every value in
it is escaped. The site output calls :func:`research_module` with the report files it copied
into the site (the reports are outputs of their own, built before the site).
"""
from __future__ import annotations

from dataclasses import replace

from manualkit.core import reports as report_table
from manualkit.core.resolved import ResolvedManual, ResolvedModule, ResolvedPart, ResolvedSection
from manualkit.core.variables import escape_value

RESEARCH_ID = "for-researchers"

TEXT = {
    "nb": {
        "title": "For forskere", "summary": "Beskrivelser av tiltaket laget fra tiltaksmodellen: TIDieR, sjekklister for programtro, "
                                            "planlagt dose, ressursbruk og FRAME-loggen.",
        "intro": "Filene under lages fra tiltaksmodellen og manualen hver gang manualen bygges, så de stemmer alltid med teksten. "
                 "Alle tall er planlagte verdier. Forklaring av hver fil står i docs/research.md i manualens repositorium.",
        "none": "Rapportene er ikke bygget ennå (manual build).",
    },
    "en": {
        "title": "For researchers", "summary": "Descriptions of the intervention generated from the intervention model: TIDieR, fidelity "
                                               "checklists, planned dose, resource use and the FRAME ledger.",
        "intro": "The files below are generated from the intervention model and the manual every time the manual is built, so they always "
                 "agree with the text. All figures are planned values. Each file is explained in docs/research.md in the manual's repository.",
        "none": "The reports have not been built yet (manual build).",
    },
}


def _t(lang: str, key: str) -> str:
    return TEXT.get("nb" if lang == "nn" else lang, TEXT["en"])[key]


def research_module(rm: ResolvedManual, files: dict[str, list[tuple[str, str]]], part: str) -> ResolvedModule:
    """``files``: report name -> [(link text, path relative to the page)]."""
    lang = rm.lang
    lines = [f"## {escape_value(_t(lang, 'title'))} {{#reports}}", "", escape_value(_t(lang, "intro")), ""]
    if not any(files.values()):
        lines.append(escape_value(_t(lang, "none")))
    for entry in report_table.reports():  # the one table of reports (core/reports.py)
        links = (files.get(entry.name) or []) if entry.linked else []
        if links:
            lines.append(f"- **{escape_value(entry.label(lang))}:** " + ", ".join(f"[{escape_value(text)}]({href})" for text, href in links))
    text = "\n".join(lines) + "\n"
    return ResolvedModule(
        id=RESEARCH_ID, part=part, type="appendix", component="general", core=False, status="approved",
        title=_t(lang, "title"), summary=_t(lang, "summary"), duration_minutes=None, handouts=(), audience=("researchers",),
        lang=lang, text_lang=lang, fallback=False, stale=False, origin="generated", preamble="",
        sections=(ResolvedSection("reports", _t(lang, "title"), False, text, "generated", ""),), generated=True)


def with_research(rm: ResolvedManual, files: dict[str, list[tuple[str, str]]]) -> ResolvedManual:
    """The manual with the "For researchers" page at the end of the evaluation part (else the last part)."""
    if not rm.parts:
        return rm
    index = next((i for i, p in enumerate(rm.parts) if p.id == "evaluation"), len(rm.parts) - 1)
    p = rm.parts[index]
    parts = list(rm.parts)
    parts[index] = ResolvedPart(p.id, p.title, p.modules + (research_module(rm, files, p.id),))
    return replace(rm, parts=tuple(parts))


__all__ = ["research_module", "with_research", "RESEARCH_ID"]


# -- the generated fidelity checklist in the text of the manual ---------------------------------

CHECKLIST_SECTION = "fidelity-checklist"
TABLE = {
    "nb": {"component": "Komponent", "indicator": "Indikator", "rater": "Vurderes av", "checks": "Del av manualen",
           "general": "Rammen for tiltaket",
           "raters": {"family-partner": "familiepartneren", "supervisor": "veilederen", "family": "familien"}},
    "en": {"component": "Component", "indicator": "Indicator", "rater": "Rated by", "checks": "Part of the manual",
           "general": "The frame of the intervention",
           "raters": {"family-partner": "the family partner", "supervisor": "the supervisor", "family": "the family"}},
}


def indicator_table(model, lang: str, titles: dict[str, str]) -> str:
    """The model's fidelity indicators as a Markdown table (``titles``: "module#section" -> title in ``lang``)."""
    t = TABLE.get("nb" if lang == "nn" else lang, TABLE["en"])
    comp = {c.id: c.title.get(lang, c.id) for c in model.components}
    rows = [f"| {t['component']} | {t['indicator']} | {t['rater']} | {t['checks']} |", "| --- | --- | --- | --- |"]
    for ind in sorted(model.indicators, key=lambda i: (i.component == "general", list(comp).index(i.component) if i.component in comp else 0)):
        where = titles.get(ind.checks) or ind.checks
        rows.append(f"| {escape_value(comp.get(ind.component, t['general']))} | {escape_value(ind.text.get(lang, ''))} | "
                    f"{escape_value(t['raters'].get(ind.rater, ind.rater))} | [{escape_value(where)}](ref:{ind.checks}) |")
    return "\n".join(rows) + "\n"


__all__ += ["indicator_table", "CHECKLIST_SECTION"]
