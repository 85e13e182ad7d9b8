"""`manual adaptations` and `manual diff`: the FRAME ledger, the cross-site matrix and the variant diff, in the terminal."""
from __future__ import annotations

import difflib

from manualkit.core.problems import UsageError
from manualkit.core.project import Project
from manualkit.core.resolved import BASE
from manualkit.outputs.reports.ledger import LEDGER_COLUMNS, _render, _short, ledger_rows


def ledger(project: Project, variant: str, lang: str, fmt: str) -> str:
    """`manual adaptations VARIANT`: the ledger with labels (the project must have resolved ``variant``)."""
    rv = project.resolved(variant)
    rows = [_short(r) for r in ledger_rows(rv, lang)]
    name = rv.manual(lang).variant_name if lang in rv.manuals else variant
    return _render(rows, LEDGER_COLUMNS, fmt, f"FRAME adaptation ledger: {name} ({len(rows)} changes)")


MATRIX_COLUMNS = ("municipality", "change", "operation", "target", "component", "modified", "context", "nature", "fidelity")


def matrix(project: Project, lang: str, fmt: str) -> str:
    rows = []
    for vid in project.variants:
        if vid == BASE or vid not in project.resolutions:
            continue
        for r in ledger_rows(project.resolutions[vid], lang):
            rows.append({"municipality": vid, "change": r["change"], "operation": r["operation"], "target": r["target"],
                         "component": r["component"], "modified": r["modified"], "context": r["context"],
                         "nature": r["nature"], "fidelity": r["fidelity"]})
    rows.sort(key=lambda r: (r["municipality"],))
    if fmt == "table":
        widths = {c: max([len(c)] + [len(str(r[c])) for r in rows]) for c in MATRIX_COLUMNS}
        line = "  ".join(f"{c:<{widths[c]}}" for c in MATRIX_COLUMNS)
        out = [line, "  ".join("-" * widths[c] for c in MATRIX_COLUMNS)]
        out += ["  ".join(f"{str(r[c]):<{widths[c]}}" for c in MATRIX_COLUMNS) for r in rows]
        out.append("")
        out.append(f"{len(rows)} changes in {len(project.adaptations)} municipalities; "
                   f"{sum(1 for r in rows if r['fidelity'] == 'inconsistent')} fidelity-inconsistent")
        return "\n".join(out) + "\n"
    return _render(rows, MATRIX_COLUMNS, fmt, "Adaptations across municipalities")


def diff_variants(project: Project, a: str, b: str, lang: str) -> str:
    left = project.resolutions[a].manuals.get(lang)
    right = project.resolutions[b].manuals.get(lang)
    if left is None or right is None:
        raise UsageError(f"both variants must have language '{lang}'")
    lmods = {mod.id: mod for mod in left.modules() if mod.id not in ("about-this-version",)}
    rmods = {mod.id: mod for mod in right.modules() if mod.id not in ("about-this-version",)}
    order = list(dict.fromkeys([mod.id for mod in right.modules()] + list(lmods)))
    out: list[str] = []
    for mid in order:
        if mid == "about-this-version":
            continue
        lt = _as_document(lmods[mid]) if mid in lmods else ""
        rt = _as_document(rmods[mid]) if mid in rmods else ""
        if lt == rt:
            continue
        part = (rmods.get(mid) or lmods.get(mid)).part
        name = f"{part}/{mid}.{lang}.md"
        out += difflib.unified_diff(lt.splitlines(), rt.splitlines(), f"{a}/{name}" if lt else "/dev/null",
                                    f"{b}/{name}" if rt else "/dev/null", lineterm="", n=2)
    if not out:
        return f"No differences between {a} and {b} ({lang}).\n"
    return "\n".join(out) + "\n"


def _as_document(mod) -> str:
    """A module as a person reads it in a diff: its title and facts, then the text."""
    facts = [f"# {mod.title}", f"type: {mod.type}, core: {'yes' if mod.core else 'no'}"]
    if mod.duration_minutes:
        facts.append(f"duration_minutes: {mod.duration_minutes}")
    return "\n".join(facts) + "\n\n" + mod.markdown()
