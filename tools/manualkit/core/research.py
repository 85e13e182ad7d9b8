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
        "dose_heading": "Planlagt dose mot grunnversjonen",
        "dose_intro": "Planlagt per familie, fra tiltaksmodellen etter de lokale endringene: hjemmebesøk, kontakttimer (besøk, "
                      "samtaler og samarbeidsmøter) og økter i foreldreveiledningen, {variant} ved siden av grunnversjonen. "
                      "Stolpen er et vanlig forløp, streken går fra det korteste til det lengste. Tabellen under bildet gir tallene; "
                      "alle steder sammen: manual report dose --all.",
        "dose_intro_base": "Planlagt per familie, fra tiltaksmodellen: hjemmebesøk, kontakttimer (besøk, samtaler og samarbeidsmøter) "
                           "og økter i foreldreveiledningen. Stolpen er et vanlig forløp, streken går fra det korteste til det lengste. "
                           "Tabellen under bildet gir tallene; hver kommunes side viser kommunen mot grunnversjonen, og alle steder "
                           "sammen: manual report dose --all.",
        "alt": "Stolpediagram over planlagt dose per familie i et vanlig forløp. {items}. Strekene viser det korteste til det lengste forløpet. "
               "Tabellen under gir tallene.",
        "vs": "{measure}: {variant} {mine} mot grunnversjonen {base}", "only": "{measure}: {base}",
        "measure": "Mål", "base": "Grunnversjonen", "difference": "Forskjell (vanlig)",
        "range": "korteste / vanlig / lengste",
    },
    "en": {
        "title": "For researchers", "summary": "Descriptions of the intervention generated from the intervention model: TIDieR, fidelity "
                                               "checklists, planned dose, resource use and the FRAME ledger.",
        "intro": "The files below are generated from the intervention model and the manual every time the manual is built, so they always "
                 "agree with the text. All figures are planned values. Each file is explained in docs/research.md in the manual's repository.",
        "none": "The reports have not been built yet (manual build).",
        "dose_heading": "Planned dose against base",
        "dose_intro": "Planned per family, from the intervention model after the local changes: home visits, contact hours (visits, "
                      "calls and coordination meetings) and parental guidance sessions, {variant} beside the base manual. The bar "
                      "is a typical course, the whisker runs from the shortest to the longest. The table below the picture gives the "
                      "figures; all sites together: manual report dose --all.",
        "dose_intro_base": "Planned per family, from the intervention model: home visits, contact hours (visits, calls and "
                           "coordination meetings) and parental guidance sessions. The bar is a typical course, the whisker runs from "
                           "the shortest to the longest. The table below the picture gives the figures; each municipality's site "
                           "shows the municipality against base, and all sites together: manual report dose --all.",
        "alt": "Bar chart of the planned dose per family in a typical course. {items}. The whiskers show the shortest to the longest "
               "course. The table below gives the figures.",
        "vs": "{measure}: {variant} {mine} against base {base}", "only": "{measure}: {base}",
        "measure": "Measure", "base": "Base", "difference": "Difference (typical)",
        "range": "shortest / typical / longest",
    },
}


def _t(lang: str, key: str) -> str:
    return TEXT.get("nb" if lang == "nn" else lang, TEXT["en"])[key]


def research_module(rm: ResolvedManual, files: dict[str, list[tuple[str, str]]], part: str, dose: str = "") -> ResolvedModule:
    """``files``: report name -> [(link text, path relative to the page)]; ``dose``: the section
    with the planned dose against base (:func:`dose_section`), or "" for none."""
    lang = rm.lang
    lines = [f"## {escape_value(_t(lang, 'title'))} {{#reports}}", "", escape_value(_t(lang, "intro")), ""]
    if not any(files.values()):
        lines.append(escape_value(_t(lang, "none")))
    for entry in report_table.reports():  # the one table of reports (core/reports.py)
        links = (files.get(entry.name) or []) if entry.linked else []
        if links:
            lines.append(f"- **{escape_value(entry.label(lang))}:** " + ", ".join(f"[{escape_value(text)}]({href})" for text, href in links))
    text = "\n".join(lines) + "\n"
    sections = (ResolvedSection("reports", _t(lang, "title"), False, text, "generated", ""),)
    if dose:
        sections += (ResolvedSection("planned-dose", _t(lang, "dose_heading"), False, dose, "generated", ""),)
    return ResolvedModule(
        id=RESEARCH_ID, part=part, type="appendix", component="general", core=False, status="approved",
        title=_t(lang, "title"), summary=_t(lang, "summary"), duration_minutes=None, handouts=(), audience=("researchers",),
        lang=lang, text_lang=lang, fallback=False, stale=False, origin="generated", preamble="",
        sections=sections, generated=True)


def with_research(rm: ResolvedManual, files: dict[str, list[tuple[str, str]]], dose: str = "") -> ResolvedManual:
    """The manual with the "For researchers" page at the end of the evaluation part (else the last part)."""
    if not rm.parts:
        return rm
    index = next((i for i, p in enumerate(rm.parts) if p.id == "evaluation"), len(rm.parts) - 1)
    p = rm.parts[index]
    parts = list(rm.parts)
    parts[index] = ResolvedPart(p.id, p.title, p.modules + (research_module(rm, files, p.id, dose),))
    return replace(rm, parts=tuple(parts))


DOSE_BARS = ("home_visits", "contact_hours", "sessions")


def dose_against_base(model, base_model, sessions: tuple, base_sessions: tuple) -> list[tuple[str, tuple, tuple]]:
    """[(measure, base (min, typical, max), variant (min, typical, max))] of the planned dose per
    family: the figures of the research page's chart and of its table (outputs/figures.py)."""
    from manualkit.core.dose import WHICH, planned_dose

    mine = planned_dose(model, sessions)
    base = planned_dose(base_model or model, base_sessions or sessions)
    return [(key, tuple(base[key].get(w) for w in WHICH), tuple(mine[key].get(w) for w in WHICH)) for key in DOSE_BARS]


def dose_section(rm: ResolvedManual, model, base_model, sessions: tuple, base_sessions: tuple) -> str:
    """The "planned dose against base" section of the research page: the chart (drawn by the
    outputs from the same figures) with its text alternative, and its data table beside it."""
    import html
    import re

    from manualkit.core.dose import DOSE_MEASURES
    from manualkit.core.figures import number
    from manualkit.core.model_tables import figure_image

    lang = rm.lang
    nb = lang in ("nb", "nn")
    rows = dose_against_base(model, base_model, sessions, base_sessions)
    name_md = rm.variant_name  # Markdown-escaped text
    name = re.sub(r"\\(.)", r"\1", html.unescape(name_md))
    label = {key: DOSE_MEASURES[key][0 if nb else 1] for key, _b, _m in rows}

    def fig(x: float) -> str:
        return number(x, lang)

    def triple(t: tuple) -> str:
        return " / ".join(fig(x) for x in t)

    # the columns beside the base: the variant (not for the base itself), and each subgroup of
    # families of its model, with its own planned dose
    columns = [] if rm.is_base else [(name_md, name, rows)]
    for group in getattr(model, "subgroups", ()):
        title = group.title.get(lang, group.id)
        columns.append((f"{name_md}: {escape_value(title)}", f"{name}: {title}",
                        dose_against_base(model.for_subgroup(group.id), base_model, sessions, base_sessions)))
    if not columns:
        items = "; ".join(_t(lang, "only").format(measure=label[k], base=fig(b[1])) for k, b, _m in rows)
    else:
        items = "; ".join(_t(lang, "vs").format(measure=label[k], variant=plain, mine=fig(col[i][2][1]), base=fig(b[1]))
                          for i, (k, b, _m) in enumerate(rows) for _md, plain, col in columns)
    intro = _t(lang, "dose_intro_base") if rm.is_base else _t(lang, "dose_intro").format(variant=name)
    head = [_t(lang, "measure"), f"{_t(lang, 'base')} ({_t(lang, 'range')})"]
    for md, _plain, _col in columns:
        head += [f"{md} ({escape_value(_t(lang, 'range'))})", _t(lang, "difference")]
    table = ["| " + " | ".join(escape_value(h) if i < 2 else h for i, h in enumerate(head)) + " |", "|" + " --- |" * len(head)]
    for i, (key, b, _m) in enumerate(rows):
        cells = [escape_value(label[key]), triple(b)]
        for _md, _plain, col in columns:
            m = col[i][2]
            diff = m[1] - b[1]
            cells += [triple(m), ("+" if diff > 0 else "") + fig(diff)]
        table.append("| " + " | ".join(cells) + " |")
    return "\n".join([f"## {escape_value(_t(lang, 'dose_heading'))} {{#planned-dose}}", "", escape_value(intro), "",
                      figure_image("dose-sites", _t(lang, "alt").format(items=items), lang), "", *table]) + "\n"


__all__ = ["research_module", "with_research", "dose_section", "dose_against_base", "RESEARCH_ID", "DOSE_BARS"]


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
