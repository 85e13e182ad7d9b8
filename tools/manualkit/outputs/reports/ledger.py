"""Reports for researchers: the FRAME ledger (complete, on the ResolvedVariant), the cross-site matrix, and the variant diff."""
from __future__ import annotations

import csv
import difflib
import io
from pathlib import Path
from typing import Mapping, TextIO

from manualkit.editing.lines import set_change_hash
from manualkit.core.overlay import base_text
from manualkit.core.problems import ManualkitError, UsageError
from manualkit.core.project import Project, load_project
from manualkit.core.frame import label, nature_key, nature_label
from manualkit.core.resolved import BASE, ResolvedVariant
from manualkit.outputs.reports.common import L, csv_text, json_text, md_escape, md_table, variant_name
from manualkit.core import model as m

LEDGER_COLUMNS = ("change", "operation", "target", "when", "planned", "decided_by", "modified", "level", "nature",
                  "fidelity", "goals", "reason", "reason_level", "approved_by", "date")
# the complete ledger (`manual report ledger`): every FRAME field as its code and its label
FULL_COLUMNS = ("variant", "change", "operation", "operation_label", "target", "target_title", "component", "core",
                "description", "when", "when_label", "planned", "planned_label", "decided_by", "decided_by_label",
                "modified", "modified_label", "level", "level_label", "nature", "nature_label", "fidelity",
                "fidelity_label", "goals", "goals_label", "reason", "reason_level", "reason_level_label",
                "justification", "justification_language", "field", "value", "review", "status", "approved_by",
                "date", "source")
FORMATS = ("md", "csv", "json")


def ledger_rows(variant: ResolvedVariant, lang: str) -> list[dict[str, str]]:
    """Every change of the variant (fidelity-inconsistent first), codes and labels in ``lang``."""
    vocab = variant.frame_vocab
    rm = variant.manuals.get(lang) or next(iter(variant.manuals.values()))
    rows = []
    for ch in rm.changes:
        fr = ch.frame
        rows.append({
            "variant": variant.id, "change": ch.id, "operation": ch.operation,
            "operation_label": label(vocab, "operation", ch.operation, lang), "target": ch.target,
            "target_title": ch.target_title.replace("\\", ""), "component": ch.component, "core": "yes" if ch.core else "no",
            "description": ch.description,
            "when": fr.when, "when_label": label(vocab, "when", fr.when, lang),
            "planned": fr.planned, "planned_label": label(vocab, "planned", fr.planned, lang),
            "decided_by": ",".join(fr.decided_by), "decided_by_label": label(vocab, "decided_by", list(fr.decided_by), lang),
            "modified": fr.modified, "modified_label": label(vocab, "modified", fr.modified, lang),
            "level": fr.level, "level_label": label(vocab, "level", fr.level, lang),
            "nature": nature_key(fr), "nature_label": nature_label(vocab, fr, lang),
            "fidelity": fr.fidelity, "fidelity_label": label(vocab, "fidelity", fr.fidelity, lang),
            "goals": ",".join(fr.goals), "goals_label": label(vocab, "goals", list(fr.goals), lang),
            "reason": fr.reason(lang, rm.default_language), "reason_level": fr.reason_level,
            "reason_level_label": label(vocab, "reason_level", fr.reason_level, lang),
            "justification": " ".join(ch.justification.split()), "justification_language": ch.justification_lang,
            "field": ch.field, "value": ch.value, "review": ch.review, "status": rm.variant_status,
            "approved_by": ch.approved_by, "date": ch.date, "source": f"{ch.source_path}:{ch.source_line}",
        })
    return rows


def _short(row: dict[str, str]) -> dict[str, str]:
    """The columns of `manual adaptations`: the labels people read."""
    out = {c: row[c] for c in ("change", "operation", "target", "approved_by", "date", "reason")}
    for c in ("when", "planned", "decided_by", "modified", "level", "nature", "fidelity", "goals", "reason_level"):
        out[c] = row[c + "_label"]
    out["fidelity_key"] = row["fidelity"]
    return out


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
    """`manual adaptations VARIANT`: the ledger with labels (the project must have resolved ``variant``)."""
    rv = project.resolved(variant)
    rows = [_short(r) for r in ledger_rows(rv, lang)]
    name = rv.manual(lang).variant_name if lang in rv.manuals else variant
    return _render(rows, LEDGER_COLUMNS, fmt, f"FRAME adaptation ledger: {name} ({len(rows)} changes)")


def report(variant: ResolvedVariant, lang: str, fmt: str) -> str:
    """`manual report ledger`: the complete FRAME ledger of one variant, every column."""
    rows = ledger_rows(variant, lang)
    if fmt == "csv":
        return csv_text(FULL_COLUMNS, rows)
    if fmt == "json":
        return json_text({"variant": variant.id, "language": lang, "changes": rows})
    title = f"{L(lang, 'ledger_title')}: {variant_name(variant, lang)}"
    if not rows:
        return f"# {title}\n\n{L(lang, 'no_changes')}\n"
    return _ledger_md(title, rows, lang)


def _ledger_md(title: str, rows: list[dict[str, str]], lang: str) -> str:
    out = [f"# {title}", ""]
    for r in rows:
        flag = " (!)" if r["fidelity"] == "inconsistent" else ""
        out += [f"## {md_escape(r['change'])}{flag}", "", md_escape(r["description"]), ""]
        cells = []
        for c in FULL_COLUMNS[2:]:
            if c.endswith("_label") or c == "description":
                continue
            value = r[c]
            if f"{c}_label" in r and r[f"{c}_label"] != value:
                value = f"{r[c + '_label']} ({value})" if value else ""
            cells.append([c, value])
        out.append(md_table(["field", "value"], cells))
    return "\n".join(out)


def cross_site(variants: list[ResolvedVariant], lang: str, fmt: str) -> str:
    """Every change of every municipality, every column (`manual report ledger --all`)."""
    rows = [r for v in variants for r in ledger_rows(v, lang)]
    if fmt == "csv":
        return csv_text(FULL_COLUMNS, rows)
    if fmt == "json":
        return json_text({"language": lang, "changes": rows})
    return _ledger_md(L(lang, "ledger_title"), rows, lang) if rows else f"# {L(lang, 'ledger_title')}\n\n{L(lang, 'no_changes')}\n"


def render(variant: ResolvedVariant, out_dir: Path, log: TextIO, inputs: Mapping[str, Path]) -> None:
    for lang in variant.languages:
        for fmt in FORMATS:
            (out_dir / f"ledger.{lang}.{fmt}").write_text(report(variant, lang, fmt), encoding="utf-8")


MATRIX_COLUMNS = ("municipality", "change", "operation", "target", "component", "nature", "fidelity")


def matrix(project: Project, lang: str, fmt: str) -> str:
    rows = []
    for vid in project.variants:
        if vid == BASE or vid not in project.resolutions:
            continue
        for r in ledger_rows(project.resolutions[vid], lang):
            rows.append({"municipality": vid, "change": r["change"], "operation": r["operation"], "target": r["target"],
                         "component": r["component"], "nature": r["nature"], "fidelity": r["fidelity"]})
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
