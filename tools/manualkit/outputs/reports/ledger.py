"""Reports for researchers: the FRAME ledger, the cross-site matrix, and the variant diff."""
from __future__ import annotations

import csv
import difflib
import io
from pathlib import Path
from typing import TextIO

from manualkit.editing.lines import set_change_hash
from manualkit.core.overlay import base_text
from manualkit.core.problems import ManualkitError, UsageError
from manualkit.core.project import Project, load_project
from manualkit.core.frame import label, nature_key, nature_label
from manualkit.core.resolved import BASE
from manualkit.core import model as m

LEDGER_COLUMNS = ("change", "operation", "target", "when", "planned", "decided_by", "modified", "level", "nature",
                  "fidelity", "goals", "reason", "reason_level", "approved_by", "date")


def ledger_rows(project: Project, variant: str, lang: str) -> list[dict[str, str]]:
    a = project.adaptation(variant)
    vocab = project.frame_vocab
    rows = []
    changes = sorted(a.changes, key=lambda c: (not c.inconsistent, c.index))
    for ch in changes:
        fr = ch.frame
        rows.append({
            "change": ch.id, "operation": ch.operation, "target": ch.target,
            "when": label(vocab, "when", fr.when, lang),
            "planned": label(vocab, "planned", fr.planned, lang),
            "decided_by": label(vocab, "decided_by", list(fr.decided_by), lang),
            "modified": label(vocab, "modified", fr.modified, lang),
            "level": label(vocab, "level", fr.level, lang),
            "nature": nature_label(vocab, fr, lang),
            "fidelity": label(vocab, "fidelity", fr.fidelity, lang),
            "goals": label(vocab, "goals", list(fr.goals), lang),
            "reason": fr.reason(lang, project.manual.default_language),
            "reason_level": label(vocab, "reason_level", fr.reason_level, lang),
            "approved_by": ch.approved_by, "date": ch.date,
        })
    return rows


def _render(rows: list[dict[str, str]], columns: tuple[str, ...], fmt: str, title: str) -> str:
    if fmt == "csv":
        buf = io.StringIO()
        w = csv.DictWriter(buf, fieldnames=list(columns), lineterminator="\n", extrasaction="ignore")
        w.writeheader()
        w.writerows(rows)
        return buf.getvalue()
    if fmt == "md":
        out = [f"# {title}", "", "| " + " | ".join(columns) + " |", "|" + "---|" * len(columns)]
        out += ["| " + " | ".join(str(r[c]).replace("|", "\\|") for c in columns) + " |" for r in rows]
        return "\n".join(out) + "\n"
    # terminal: one block per change, readable in 80 columns
    out = [title, "=" * len(title)]
    for r in rows:
        flag = "  !! FIDELITY-INCONSISTENT" if r.get("fidelity_key") == "inconsistent" else ""
        out.append("")
        out.append(f"{r[columns[0]]}{flag}")
        for c in columns[1:]:
            out.append(f"  {c:<13} {r[c]}")
    if not rows:
        out.append("(no changes)")
    return "\n".join(out) + "\n"


def ledger(project: Project, variant: str, lang: str, fmt: str) -> str:
    rows = ledger_rows(project, variant, lang)
    a = project.adaptation(variant)
    for r, ch in zip(rows, sorted(a.changes, key=lambda c: (not c.inconsistent, c.index))):
        r["fidelity_key"] = ch.frame.fidelity
    name = m.text_in(a.name, lang)
    return _render(rows, LEDGER_COLUMNS, fmt, f"FRAME adaptation ledger: {name} ({len(rows)} changes)")


MATRIX_COLUMNS = ("municipality", "change", "operation", "target", "component", "nature", "fidelity")


def matrix(project: Project, lang: str, fmt: str) -> str:
    rows = []
    manual = project.manual
    for a in project.adaptations:
        for ch in a.changes:
            mod = manual.modules.get(ch.module)
            component = mod.component if mod else str(ch.new_module.get("component", "general"))
            fr = ch.frame
            rows.append({"municipality": a.id, "change": ch.id, "operation": ch.operation, "target": ch.target,
                         "component": component,
                         "nature": nature_key(fr), "fidelity": fr.fidelity})
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


def accept(root: Path, variant: str, change_id: str, out: TextIO) -> int:
    project = load_project(root, [BASE])
    if project.manual is None:
        raise ManualkitError("the manual cannot be read", hint="run: manual check")
    if variant == BASE:
        raise UsageError("the base manual has no adaptations to accept", hint="name a municipality")
    project.require_variant(variant)
    a = project.adaptation(variant)
    changes = a.changes if change_id == "all" else [c for c in a.changes if c.id == change_id]
    if not changes:
        raise UsageError(f"{a.path} has no change '{change_id}'", hint="changes: " + ", ".join(c.id for c in a.changes))
    for ch in changes:
        text = base_text(project.manual, ch)
        if text is None:
            out.write(f"{ch.id}: nothing to accept ({ch.operation} does not depend on base text)\n")
            continue
        new_hash = m.body_hash(text)
        id_line = a.marks.at(("changes", ch.index, "id"))[0]
        a2 = a  # marks stay valid: each edit replaces or inserts one line below the id line
        if set_change_hash(root / a.path, id_line, new_hash):
            out.write(f"{ch.id}: recorded base hash {new_hash}\n")
            a = _reload(root, variant) or a2
        snap = root / a.folder / "snapshots" / f"{ch.id}.md"
        snap.parent.mkdir(exist_ok=True)
        snap.write_text(text, encoding="utf-8")
    return 0


def _reload(root: Path, variant: str):
    project = load_project(root, [BASE])
    return project.adaptation(variant)
