"""The accessibility statement page (tilgjengelighetserklæring), filled from the last `manual a11y` run.

Norwegian bodies must publish one per site: the standard, the status at the last check and its
date, the known exceptions, and where to give feedback or complain. The page is generated like
"About this version": Markdown with `## Title {#id}` sections, made per variant and language from
accessibility/<variant>.json (written by `manual a11y`, read by the load stage into the
ResolvedVariant) and the strings in statement.yml. The site output calls :func:`statement_module`
for each language; it needs no browser. A variant that was never checked gets a page that says so.
"""
from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import Any

from manualkit.core.resolved import ResolvedManual, ResolvedModule, ResolvedSection
from manualkit.core.variables import escape_line as _esc

STANDARD = "WCAG 2.1 AA"
RECORD_DIR = "accessibility"

STATEMENT_ID = "accessibility-statement"
_FALLBACK = ("nb", "en")


@lru_cache(maxsize=1)
def _all_strings() -> dict[str, dict[str, Any]]:
    import yaml

    return yaml.safe_load((Path(__file__).with_name("statement.yml")).read_text(encoding="utf-8"))


def strings(lang: str) -> dict[str, Any]:
    """The statement's strings in ``lang`` (nb, then en, when the language has none yet)."""
    table = _all_strings()
    for candidate in (lang, *_FALLBACK):
        if candidate in table:
            return table[candidate]
    raise KeyError(lang)


def statement_title(lang: str) -> str:
    return strings(lang)["title"]


def format_date(iso: str, lang: str) -> str:
    """2026-11-20T… → '20. november 2026' (nb) / '20 November 2026' (en)."""
    s = strings(lang)
    try:
        year, month, day = (int(x) for x in iso[:10].split("-"))
        return s["date"].format(day=day, month=s["months"][month - 1], year=year)
    except (ValueError, IndexError):
        return iso


def sections(record: dict[str, Any] | None, lang: str, *, manual: str, owner: str) -> list[tuple[str, str, str]]:
    """(id, title, Markdown starting with its '##' heading) of each section of the statement."""
    s = strings(lang)
    standard = (record or {}).get("standard") or STANDARD
    intro = [s["intro"].format(manual=_esc(manual), standard=standard)]
    if record is None:
        intro.append(s["not_checked"])
    else:
        date = format_date(str(record.get("checked_at", "")), lang)
        pages = sum(int(n) for n in (record.get("pages") or {}).values())
        pdfs = int((record.get("pdfs") or {}).get("checked", 0))
        key = "status_pass" if record.get("passed") else "status_fail"
        intro.append(s[key].format(date=date, standard=standard, pages=pages, pdfs=pdfs))
    out = [("requirements", s["intro_title"], "\n\n".join(intro))]

    axe = ((record or {}).get("tools") or {}).get("axe-core") or ""
    method = [s["method_site"].format(axe=axe).replace("  ", " "), s["method_pdf"], s["method_limits"]]
    out.append(("method", s["method_title"], "\n\n".join(method)))

    if record is not None:
        rows = []
        for ex in record.get("exceptions") or []:
            impact = s["impacts"].get(ex.get("impact"), ex.get("impact", ""))
            help_text = s["own_rules"].get(ex.get("rule"), ex.get("help", ""))
            rows.append("- " + s["exception"].format(help=_esc(help_text), rule=ex.get("rule", ""),
                                                      impact=impact, pages=ex.get("pages", 0)))
        for pdf in (record.get("pdfs") or {}).get("failing") or []:
            rows.append("- " + s["exception_pdf"].format(path=pdf.get("path", ""), problems=len(pdf.get("problems") or [])))
        for error in record.get("errors") or []:
            rows.append("- " + _esc(error))
        text = "\n".join(rows) if rows else s["no_exceptions"]
        if any(ex.get("rule") not in s["own_rules"] for ex in record.get("exceptions") or []) and s.get("rule_language"):
            text += "\n\n" + s["rule_language"]
        out.append(("exceptions", s["exceptions_title"], text))

    feedback = [s["feedback"].format(owner=_esc(owner)), s["complaint"]]
    out.append(("feedback", s["feedback_title"], "\n\n".join(feedback)))
    return [(sid, title, f"## {title} {{#{sid}}}\n\n{body.strip()}\n") for sid, title, body in out]


def _owner(rm: ResolvedManual) -> str:
    return strings(rm.lang)["owner_base"] if rm.is_base else rm.variant_name


def read_record(root: Path, variant: str) -> dict | None:
    """The last run's summary for ``variant``, or None when it was never checked (or the file is unreadable).

    Called by the load stage only (core/project.py); outputs get it in the ResolvedVariant."""
    path = Path(root) / RECORD_DIR / f"{variant}.json"
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) and data.get("variant") == variant else None


def statement_markdown(record: dict | None, rm: ResolvedManual) -> str:
    """The statement page's Markdown (no title: the page title is :func:`statement_title`)."""
    return "\n".join(text for _, _, text in sections(record, rm.lang, manual=rm.title, owner=_owner(rm)))


def statement_module(record: dict | None, rm: ResolvedManual) -> ResolvedModule:
    """The statement as a generated module of ``rm`` (an appendix in the last part), like the glossary."""
    origin = f"accessibility/{rm.variant}.json"
    secs = tuple(ResolvedSection(sid, title, False, text, origin, "")
                 for sid, title, text in sections(record, rm.lang, manual=rm.title, owner=_owner(rm)))
    s = strings(rm.lang)
    return ResolvedModule(
        id=STATEMENT_ID, part=rm.parts[-1].id if rm.parts else "", type="appendix", component="general", core=False,
        status="approved", title=s["title"], summary=s["summary"], duration_minutes=None, handouts=(), audience=(),
        lang=rm.lang, text_lang=rm.lang if rm.lang in _all_strings() else _FALLBACK[0], fallback=rm.lang not in _all_strings(),
        stale=False, origin=origin, preamble="", sections=secs, generated=True)


__all__ = ["statement_markdown", "statement_module", "statement_title", "sections", "format_date", "strings",
           "STATEMENT_ID", "read_record", "RECORD_DIR", "STANDARD"]
