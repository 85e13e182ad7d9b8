"""`manual report delivery`: delivered against planned, from REDCap exports (aggregated only).

The figures come from :func:`manualkit.core.delivery.aggregate`; this module only lays them out
(Markdown, CSV, JSON, an SVG chart). No row, record id or free text reaches any output, and cells
counting fewer than five families read "<5". Each output says which release of the base manual
the plan comes from (the text each site delivers: see manualkit.cli.report_delivery).
"""
from __future__ import annotations

import io
from typing import Iterable

from manualkit.core.delivery import MIN_FAMILIES, SiteFigures, aggregate, check_branching, parse_dictionary, read_export
from manualkit.core.problems import Problem, UsageError
from manualkit.core.resolved import ResolvedVariant
from manualkit.outputs.reports.common import (csv_text, json_text, md_table, release_data, release_line, release_lines,
                                              variant_name, words_lang)
from manualkit.outputs.reports.fidelity import redcap

FORMATS = ("md", "csv", "json", "pdf", "svg", "redcap")
SUPPRESSED = f"<{MIN_FAMILIES}"
COLUMNS = ("site", "release", "table", "item", "families", "planned", "delivered", "yes", "partly", "no")

T = {
    "nb": {"title": "Gjennomført mot planlagt", "families": "Familier", "as_of": "Data til og med",
           "note": "Tallene er summer over familier fra REDCap-eksporten; ingen rader, familie-ID-er eller fritekst er med. "
                   f"Celler med færre enn {MIN_FAMILIES} familier vises som «{SUPPRESSED}».",
           "dose": "Dose for tiden i tiltaket", "measure": "Mål", "planned": "Planlagt (snitt per familie)",
           "delivered": "Gjennomført (snitt per familie)", "share": "Andel av planlagt",
           "home_visits": "Hjemmebesøk", "calls": "Telefon- eller videokontakter", "visit_minutes": "Minutter i hjemmebesøk",
           "sessions": "Økter i foreldreveiledningen", "weeks": "Uker i tiltaket (snitt)",
           "components": "Programtro per kjernekomponent", "component": "Komponent", "indicators": "Programtro per indikator",
           "indicator": "Indikator", "yes": "Ja", "partly": "Delvis", "no": "Nei",
           "steps": "Stegene i øktene: gjennomført og minutter", "session": "Økt", "step": "Steg",
           "planned_min": "Planlagt min", "used_min": "Brukt min (snitt)", "partners": "Spredning mellom familiepartnere",
           "partner": "Familiepartner", "visits_share": "Hjemmebesøk, andel av planlagt", "no_log": "Ingen besøkslogg lest; dosen for besøk og samtaler mangler.",
           "subgroup_line": "I undergruppen «{title}»: {n} familier, hver sammenlignet med gruppens egen plan",
           "session_of_group": "{title} – {group}",
           "general": "Rammen for tiltaket", "chart": "Hjemmebesøk og økter: gjennomført mot planlagt"},
    "en": {"title": "Delivered against planned", "families": "Families", "as_of": "Data up to",
           "note": "The figures are sums over families from the REDCap export; no row, family id or free text is included. "
                   f"Cells with fewer than {MIN_FAMILIES} families read \"{SUPPRESSED}\".",
           "dose": "Dose for the time in the intervention", "measure": "Measure", "planned": "Planned (mean per family)",
           "delivered": "Delivered (mean per family)", "share": "Share of planned",
           "home_visits": "Home visits", "calls": "Phone or video contacts", "visit_minutes": "Minutes of home visits",
           "sessions": "Parental guidance sessions", "weeks": "Weeks in the intervention (mean)",
           "components": "Fidelity per core component", "component": "Component", "indicators": "Fidelity per indicator",
           "indicator": "Indicator", "yes": "Yes", "partly": "Partly", "no": "No",
           "steps": "The sessions' steps: delivered and minutes", "session": "Session", "step": "Step",
           "planned_min": "Planned min", "used_min": "Used min (mean)", "partners": "Spread across family partners",
           "partner": "Family partner", "visits_share": "Home visits, share of planned", "no_log": "No visit log read; the dose of visits and calls is missing.",
           "subgroup_line": "In the subgroup ‘{title}’: {n} families, each compared with the group's own plan",
           "session_of_group": "{title} – {group}",
           "general": "The frame of the intervention", "chart": "Home visits and sessions: delivered against planned"},
}


def t(lang: str, key: str) -> str:
    return T[words_lang(lang, T)].get(key) or T["en"][key]


def visit_log_redcap() -> str:
    """The visit log as a REDCap data dictionary (REDCap's 18 columns), to set the instrument up."""
    from manualkit.core.delivery import VISIT_LOG_DICTIONARY
    from manualkit.outputs.reports.fidelity import REDCAP_COLUMNS, _row
    rows = []
    for f in VISIT_LOG_DICTIONARY.values():
        rows.append(_row(f.name, f.form, f.ftype, f.label, choices=" | ".join(f"{k}, {v}" for k, v in f.choices.items()),
                         note="FP01, FP02, ... (never a name)" if f.validation == "partner" else "",
                         validation="" if f.validation == "partner" else f.validation, vmin=f.vmin, vmax=f.vmax))
    return csv_text(REDCAP_COLUMNS, rows)


def dictionary(variant: ResolvedVariant, lang: str):
    return parse_dictionary(redcap(variant, lang))


def read(variant: ResolvedVariant, lang: str, files: Iterable[tuple[str, str]], site: str):
    """(name, text) of each export -> (exports, problems): every problem of every file at once."""
    d = dictionary(variant, lang)
    exports, problems = [], []
    for name, text in files:
        e, p = read_export(text, name, d, site)
        exports.append(e)
        problems += p
    return exports, problems + check_branching(exports, d)


def figures(variant: ResolvedVariant, lang: str, exports, site: str | None = None) -> SiteFigures:
    plans = variant.sessions.get(lang) or next(iter(variant.sessions.values()), ())
    return aggregate(site or variant.id, exports, variant.model, plans, dictionary(variant, lang))


def _pct(x) -> str:
    return SUPPRESSED if x is None else f"{round(x * 100)} %"


def _num(x, lang: str) -> str:
    if x is None:
        return SUPPRESSED
    s = f"{x:.1f}".rstrip("0").rstrip(".")
    return s.replace(".", ",") if lang in ("nb", "nn") else s


def _shares(shares, lang: str) -> list[str]:
    if shares is None:
        return [SUPPRESSED] * 3
    if not shares:
        return ["", "", ""]
    return [_pct(shares[a]) for a in ("yes", "partly", "no")]


def _comp_title(c: dict, lang: str) -> str:
    return c["title"].get(lang) or c["title"].get("en") or t(lang, "general") if c["title"] else t(lang, "general")


def sections(lang: str, sites: list[SiteFigures]) -> list[dict]:
    """Per site: a line about the data and its tables (caption, header, rows), for Markdown and PDF."""
    out = []
    for f in sites:
        line = f"{t(lang, 'families')}: {_count(f.families)}" + (f" · {t(lang, 'as_of')} {f.dose['as_of']}" if f.dose.get("as_of") else "")
        for g in f.dose.get("subgroups", []):
            line += " · " + t(lang, "subgroup_line").format(title=g["title"].get(lang) or next(iter(g["title"].values()), g["subgroup"]),
                                                            n=_count(g["families"]))
        tables = []
        rows = [[t(lang, "weeks"), "", _num(f.dose.get("weeks"), lang), ""]]
        for key in ("home_visits", "visit_minutes", "calls", "sessions"):
            if "planned_" + key in f.dose:
                rows.append([t(lang, key), _num(f.dose["planned_" + key], lang), _num(f.dose[key], lang), _pct(f.dose[key + "_ratio"])])
        tables.append({"title": t(lang, "dose"), "header": [t(lang, "measure"), t(lang, "planned"), t(lang, "delivered"), t(lang, "share")],
                       "rows": rows, "note": "" if f.dose.get("visit_log") else t(lang, "no_log")})
        tables.append({"title": t(lang, "components"), "header": [t(lang, "component"), t(lang, "families"), t(lang, "yes"), t(lang, "partly"), t(lang, "no")],
                       "rows": [[_comp_title(c, lang), _count(c["families"]), *_shares(c["shares"], lang)] for c in f.components], "note": ""})
        tables.append({"title": t(lang, "indicators"),
                       "header": [t(lang, "indicator"), t(lang, "component"), t(lang, "families"), t(lang, "yes"), t(lang, "partly"), t(lang, "no")],
                       "rows": [[i["indicator"], i["component"], _count(i["families"]), *_shares(i["shares"], lang)] for i in f.indicators], "note": ""})
        rows = []
        for s in f.sessions:
            rows.append([_session_title(s, lang), "", _num(s["planned_minutes"], lang), _num(s["minutes_used"], lang) if s["families"] else "",
                         _count(s["families"]), "", "", ""])
            for st in s["steps"]:
                rows.append(["", f"{st['step']}. {st['title']}", _num(st["planned_minutes"], lang),
                             _num(st["minutes_used"], lang) if st["families"] else "", _count(st["families"]), *_shares(st["shares"], lang)])
        if rows:
            tables.append({"title": t(lang, "steps"), "header": [t(lang, "session"), t(lang, "step"), t(lang, "planned_min"), t(lang, "used_min"),
                                                            t(lang, "families"), t(lang, "yes"), t(lang, "partly"), t(lang, "no")],
                           "rows": rows, "note": ""})
        if f.partners:
            tables.append({"title": t(lang, "partners"), "header": [t(lang, "partner"), t(lang, "families"), t(lang, "visits_share")],
                           "rows": [[p["partner"], _count(p["families"]), _pct(p["home_visits_ratio"])] for p in f.partners], "note": ""})
        out.append({"title": f.site, "line": line, "tables": tables})
    return out


def _session_title(s: dict, lang: str) -> str:
    """A session's title; the row of a subgroup that has the session its own way names the group."""
    if not s.get("subgroup"):
        return s["title"]
    group = s["subgroup_title"].get(lang) or next(iter(s["subgroup_title"].values()), s["subgroup"])
    return t(lang, "session_of_group").format(title=s["title"], group=group)


def title(variant: ResolvedVariant, lang: str) -> str:
    return f"{t(lang, 'title')}: {variant_name(variant, lang)}"


def released(variant: ResolvedVariant, lang: str, planned: list[ResolvedVariant]) -> str:
    """Which release the plan comes from: one sentence for one site, a line per site for several."""
    if len(planned) > 1:
        return release_lines(planned, lang).rstrip("\n")
    return release_line(planned[0] if planned else variant, lang)


def markdown(variant: ResolvedVariant, lang: str, sites: list[SiteFigures], planned: list[ResolvedVariant] = ()) -> str:
    out = [f"# {title(variant, lang)}", "", released(variant, lang, list(planned)), "", t(lang, "note"), ""]
    for sec in sections(lang, sites):
        out += [f"## {sec['title']}", "", sec["line"], ""]
        for tab in sec["tables"]:
            out += [f"### {tab['title']}", "", md_table(tab["header"], tab["rows"])]
            if tab["note"]:
                out += [tab["note"], ""]
    return "\n".join(out)


def pdf(variant: ResolvedVariant, lang: str, sites: list[SiteFigures], planned: list[ResolvedVariant] = ()) -> bytes:
    """The same tables as the Markdown, and the chart, in an A4 PDF (Typst; data passed as JSON)."""
    import json
    from pathlib import Path

    from manualkit.outputs.pdf.documents import Document
    from manualkit.outputs.pdf.typst_compile import TypstRunner

    planned = list(planned) or [variant]
    data = {"title": title(variant, lang), "note": t(lang, "note"), "lang": lang,
            "release": [release_line(v, lang) if len(planned) == 1 else f"{variant_name(v, lang)}: {release_line(v, lang)}"
                        for v in planned], "chart": chart(sites, lang),
            "chart_title": t(lang, "chart"),
            "alt": "; ".join(f"{f.site}: {t(lang, 'home_visits')} {_num(f.dose.get('planned_home_visits'), lang)} / "
                             f"{_num(f.dose.get('home_visits'), lang)}, {t(lang, 'sessions')} {_num(f.dose.get('planned_sessions'), lang)} / "
                             f"{_num(f.dose.get('sessions'), lang)}" for f in sites) + f" ({t(lang, 'planned').split(' (')[0]} / {t(lang, 'delivered').split(' (')[0]})",
            "sites": sections(lang, sites)}
    source = (Path(__file__).parent / "templates" / "delivery.typ").read_text(encoding="utf-8")
    doc = Document("delivery", f"the delivery report ({variant.id}, {lang})", data["title"], source,
                   {"data": json.dumps(data, ensure_ascii=False)}, (), source.count("\n") + 1)
    return TypstRunner(variant).pdf(doc)


def _count(n) -> str:
    return SUPPRESSED if n is None or n < MIN_FAMILIES else str(n)


def _csv_rows(sites: list[SiteFigures], versions: dict[str, str] | None = None) -> list[dict]:
    """One row per figure; ``release``: the base-manual version the site's plan comes from ("" when
    pooled across sites)."""
    rows = []
    for f in sites:
        release = (versions or {}).get(f.site, "")
        def cell(x):
            return SUPPRESSED if x is None else x
        for key in ("home_visits", "visit_minutes", "calls", "sessions"):
            if "planned_" + key in f.dose:
                rows.append({"site": f.site, "release": release, "table": "dose", "item": key, "families": _count(f.dose["families"]),
                             "planned": cell(f.dose["planned_" + key]), "delivered": cell(f.dose[key])})
        for g in f.dose.get("subgroups", []):
            rows.append({"site": f.site, "release": release, "table": "subgroup", "item": g["subgroup"], "families": _count(g["families"])})
        for c in f.components:
            rows.append({"site": f.site, "release": release, "table": "component", "item": c["component"], "families": _count(c["families"]),
                         **dict(zip(("yes", "partly", "no"), _raw_shares(c["shares"])))})
        for i in f.indicators:
            rows.append({"site": f.site, "release": release, "table": "indicator", "item": i["indicator"], "families": _count(i["families"]),
                         **dict(zip(("yes", "partly", "no"), _raw_shares(i["shares"])))})
        for s in f.sessions:
            item = s["module"] + (f"/{s['subgroup']}" if s.get("subgroup") else "")  # a subgroup's own plan: module/group
            rows.append({"site": f.site, "release": release, "table": "session_minutes", "item": item, "families": _count(s["families"]),
                         "planned": s["planned_minutes"], "delivered": cell(s["minutes_used"])})
            for st in s["steps"]:
                rows.append({"site": f.site, "release": release, "table": "step", "item": f"{item}#{st['step']}", "families": _count(st["families"]),
                             "planned": st["planned_minutes"], "delivered": cell(st["minutes_used"]),
                             **dict(zip(("yes", "partly", "no"), _raw_shares(st["shares"])))})
        for p in f.partners:
            rows.append({"site": f.site, "release": release, "table": "partner_home_visits_ratio", "item": p["partner"], "families": _count(p["families"]),
                         "delivered": cell(p["home_visits_ratio"])})
    return rows


def _raw_shares(shares) -> list:
    if shares is None:
        return [SUPPRESSED] * 3
    return [shares.get(a, "") for a in ("yes", "partly", "no")]


def chart(sites: list[SiteFigures], lang: str) -> str:
    """Home visits and sessions per site, delivered beside planned (matplotlib, SVG, deterministic)."""
    import matplotlib
    matplotlib.use("svg")
    from matplotlib import pyplot as plt
    from matplotlib import rcParams

    rcParams["svg.hashsalt"] = "manualkit-delivery"
    rcParams["svg.fonttype"] = "none"
    names = [f.site for f in sites]
    fig, axes = plt.subplots(1, 2, figsize=(8, 3.2))
    for ax, key in zip(axes, ("home_visits", "sessions")):
        planned = [f.dose.get("planned_" + key) or 0 for f in sites]
        got = [f.dose.get(key) or 0 for f in sites]
        xs = range(len(names))
        ax.bar([x - 0.2 for x in xs], planned, 0.4, label=t(lang, "planned").split(" (")[0], color="#9ab0c8")
        ax.bar([x + 0.2 for x in xs], got, 0.4, label=t(lang, "delivered").split(" (")[0], color="#1f4e79")
        ax.set_xticks(list(xs), names)
        ax.set_title(t(lang, key))
        ax.spines[["top", "right"]].set_visible(False)
    axes[0].legend(frameon=False)
    fig.suptitle(t(lang, "chart"))
    fig.tight_layout()
    buf = io.StringIO()
    fig.savefig(buf, format="svg", metadata={"Date": None, "Creator": "manualkit"})
    plt.close(fig)
    return buf.getvalue()


_KEEP_NONE = {"planned_minutes", "planned_step_minutes", "as_of", "title"}


def _suppressed(data, key: str = ""):
    """JSON: counts under five families and suppressed cells (None) read "<5"."""
    if isinstance(data, dict):
        return {k: _suppressed(v, k) for k, v in data.items()}
    if isinstance(data, list):
        return [_suppressed(v, key) for v in data]
    if data is None and key not in _KEEP_NONE:
        return SUPPRESSED
    if key in ("families", "answers") and isinstance(data, int) and data < MIN_FAMILIES:
        return SUPPRESSED
    return data


def render_text(variant: ResolvedVariant, lang: str, sites: list[SiteFigures], fmt: str,
                planned: list[ResolvedVariant] = ()) -> str | bytes:
    """``planned``: the variant each site's plan was read from (its release), in the order of ``sites``."""
    planned = list(planned) or [variant]
    if fmt == "md":
        return markdown(variant, lang, sites, planned)
    if fmt == "csv":
        return csv_text(COLUMNS, _csv_rows(sites, {v.id: release_data(v)["version"] for v in planned}))
    if fmt == "json":
        # the release facts stay outside the suppression of small counts (they count nobody)
        which = ({"release": release_data(planned[0]), "based_on": release_line(planned[0], lang)} if len(planned) == 1
                 else {"releases": {v.id: release_data(v) for v in planned}})
        return json_text({"language": lang, **which, "min_families": MIN_FAMILIES, "sites": [_suppressed(
            {"site": f.site, "families": f.families, "dose": f.dose, "components": f.components,
             "indicators": f.indicators, "sessions": f.sessions, "partners": f.partners}) for f in sites]})
    if fmt == "svg":
        return chart(sites, lang)
    if fmt == "pdf":
        return pdf(variant, lang, sites, planned)
    raise UsageError(f"the delivery report has no format '{fmt}'", hint="formats: " + ", ".join(FORMATS))


def report(variant: ResolvedVariant, lang: str, fmt: str) -> str:
    raise UsageError("the delivery report reads REDCap exports", hint="give them with --from EXPORT.csv (or try --demo DIR)")


__all__ = ["read", "figures", "render_text", "chart", "dictionary", "FORMATS", "Problem"]
