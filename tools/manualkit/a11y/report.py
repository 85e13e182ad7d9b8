"""What a person reads after `manual a11y`, and the JSON files the run leaves behind.

The same theme fault shows on every page, so identical findings (same rule, element and state)
are printed once with the first page and a count of the others; the JSON keeps every one.
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import TextIO

from manualkit.a11y.findings import IMPACTS, Finding, VariantResult, record

from manualkit.core.statement import RECORD_DIR, read_record  # <root>/accessibility/<variant>.json: the last run
_MORE_PAGES = 4


def grouped(findings: list[Finding]) -> list[list[Finding]]:
    groups: dict[tuple[str, str, str, str], list[Finding]] = {}
    for f in findings:
        groups.setdefault((f.rule, f.element, f.state, f.impact), []).append(f)
    return sorted(groups.values(), key=lambda g: (IMPACTS.index(g[0].impact) if g[0].impact in IMPACTS else 9,
                                                   g[0].rule, g[0].where))


def print_result(result: VariantResult, out: TextIO) -> None:
    v = result.variant
    site = result.site
    if site is not None:
        pages = ", ".join(f"{len(paths)} pages in {lang}" for lang, paths in site.pages.items())
        tools = ", ".join(f"{k} {val}" for k, val in result.tools.items() if val and k != "pikepdf")
        out.write(f"{v}: checked {pages} and {len(site.states)} open states ({tools})\n")
        for group in grouped(site.findings):
            f = group[0]
            out.write(f"  {f.impact} [{f.rule}] {f.where}: {f.element}\n")
            if f.html:
                out.write(f"        element: {f.html}\n")
            out.write(f"        rule: {f.help}\n")
            fix = [line.strip() for line in f.fix.splitlines() if line.strip()]
            for i, line in enumerate(fix):
                out.write(("        fix: " if i == 0 else "             ") + line + "\n")
            if len(group) > 1:
                others = [g.where for g in group[1:]]
                shown = ", ".join(others[:_MORE_PAGES]) + (", …" if len(others) > _MORE_PAGES else "")
                out.write(f"        also on {len(others)} more page{'s' if len(others) > 1 else ''}: {shown}\n")
        for note in site.notes:
            out.write(f"  note: {note}\n")
    if result.pdfs:
        bad = [p for p in result.pdfs if not p.ok]
        out.write(f"{v}: checked {len(result.pdfs)} PDFs, {len(bad)} refused\n")
        for p in bad:
            for problem in p.problems:
                out.write(f"  {p.path}: {problem}\n")
    for error in result.errors:
        out.write(f"  error: {error}\n")
    counts = result.counts()
    serious = f"{counts['critical']} critical and {counts['serious']} serious findings"
    rest = counts["moderate"] + counts["minor"]
    more = f" ({rest} moderate or minor listed above)" if rest else ""
    if result.passed:
        out.write(f"{v}: passed: {serious}{more}, every PDF passes\n")
    else:
        pdfs = sum(1 for p in result.pdfs if not p.ok)
        out.write(f"{v}: FAILED: {serious}, {pdfs} PDF{'s' if pdfs != 1 else ''} refused"
                  f"{', ' + str(len(result.errors)) + ' checks could not run' if result.errors else ''}{more}\n")


def write_results(root: Path, build_dir: Path, result: VariantResult) -> list[Path]:
    """build/<variant>/a11y.json (every finding) and accessibility/<variant>.json (the summary the
    statement page is made from; kept outside build/ so a clean build still has the last check)."""
    full = build_dir / "a11y.json"
    full.parent.mkdir(parents=True, exist_ok=True)
    full.write_text(json.dumps(result.to_json(), ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    stable = root / RECORD_DIR / f"{result.variant}.json"
    stable.parent.mkdir(parents=True, exist_ok=True)
    stable.write_text(json.dumps(record(result), ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return [full, stable]


__all__ = ["print_result", "write_results", "read_record", "grouped", "RECORD_DIR"]
