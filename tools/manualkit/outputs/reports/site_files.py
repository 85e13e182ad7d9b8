"""Which report files the site copies, and the "For researchers" page that links them.

The reports are outputs of their own (build/<variant>/reports/<name>/); the site output needs
them and copies their PDF, CSV and JSON files for each language to reports/<lang>/<name>/ in the
site. (Markdown reports are not copied: the site generator would turn them into pages.)
"""
from __future__ import annotations

import posixpath
from pathlib import Path
from typing import Mapping

from manualkit.core import reports as report_table
from manualkit.core.research import RESEARCH_ID, dose_section, with_research
from manualkit.core.resolved import ResolvedManual, ResolvedVariant

SUFFIXES = (".pdf", ".csv", ".json")


def report_files(report_dirs: Mapping[str, Path], lang: str) -> dict[str, list[tuple[str, Path]]]:
    """Report name -> [(path in the site, file in build/)] of ``lang``."""
    out: dict[str, list[tuple[str, Path]]] = {}
    for name in (r.name for r in report_table.reports() if r.linked):
        folder = report_dirs.get(name)
        if folder is None or not Path(folder).is_dir():
            continue
        for src in sorted(Path(folder).rglob("*")):
            rel = src.relative_to(folder).as_posix()
            if not src.is_file() or src.suffix not in SUFFIXES:
                continue
            if rel.startswith(f"{lang}/"):
                rel = rel[len(lang) + 1:]
            elif f".{lang}." in src.name and "/" not in rel:
                rel = src.name.replace(f".{lang}.", ".")
            else:
                continue
            out.setdefault(name, []).append((f"reports/{lang}/{name}/{rel}", src))
    return out


def with_research_page(rm: ResolvedManual, report_dirs: Mapping[str, Path] | None,
                       variant: ResolvedVariant | None = None) -> tuple[ResolvedManual, dict[str, Path]]:
    """The manual with its "For researchers" page, and the files to copy (site path -> file).
    With the ``variant`` (and its model), the page also shows the planned dose against base."""
    found = report_files(report_dirs or {}, rm.lang)
    if not found:
        return rm, {}
    dose = ""
    if variant is not None and variant.model is not None:
        def sessions(table: dict) -> tuple:
            return table.get(rm.lang) or next(iter(table.values()), ())
        dose = dose_section(rm, variant.model, variant.base_model, sessions(variant.sessions), sessions(variant.base_sessions))
    rm = with_research(rm, {})  # to learn the page's part
    part = next(p.id for p in rm.parts if any(mod.id == RESEARCH_ID for mod in p.modules))
    page = f"{part}/{RESEARCH_ID}.md"
    links = {name: [(posixpath.basename(site), posixpath.relpath(site, posixpath.dirname(page))) for site, _src in files]
             for name, files in found.items()}
    parts = tuple(type(p)(p.id, p.title, tuple(mod for mod in p.modules if mod.id != RESEARCH_ID)) for p in rm.parts)
    rm = with_research(type(rm)(**{**rm.__dict__, "parts": parts}), links, dose)
    return rm, {site: src for files in found.values() for site, src in files}


__all__ = ["report_files", "with_research_page"]
