"""Reports for researchers: the FRAME ledger (complete, on the ResolvedVariant), the cross-site matrix, and the variant diff.

The columns follow FRAME's own structure (Wiltsey Stirman, Baumann & Miller, 2019): *what* is
modified (``modified``: content, context, training and evaluation, implementation and scale-up),
then, each in its own column, the *context* modified (``context``: format, setting, personnel,
population) and the *nature* of a content modification (``nature``: tailoring, adding, removing,
shortening, lengthening, substituting, reordering, …). A column that does not apply to a change
is empty; nothing stands in for another category.
"""
from __future__ import annotations

from pathlib import Path
from typing import Mapping, TextIO

from manualkit.core import reports as report_table
from manualkit.core.frame import label
from manualkit.core.resolved import ResolvedVariant
from manualkit.outputs.reports.common import (L, csv_text, json_text, md_escape, md_table, release_data, release_line,
                                               release_lines, variant_name)

LEDGER_COLUMNS = ("change", "operation", "target", "when", "planned", "decided_by", "modified", "level", "context", "nature",
                  "fidelity", "goals", "reason", "reason_level", "approved_by", "date")
# the complete ledger (`manual report ledger`): every FRAME field as its code and its label
FULL_COLUMNS = ("variant", "release", "released", "change", "operation", "operation_label", "target", "target_title",
                "component", "core", "description", "when", "when_label", "planned", "planned_label", "decided_by",
                "decided_by_label", "modified", "modified_label", "level", "level_label", "context", "context_label",
                "nature", "nature_label", "fidelity", "fidelity_label", "goals", "goals_label", "reason", "reason_level",
                "reason_level_label", "justification", "justification_language", "field", "value", "review", "status",
                "approved_by", "date", "source")
FORMATS = report_table.get("ledger").formats  # the one table of reports (core/reports.py)


def ledger_rows(variant: ResolvedVariant, lang: str) -> list[dict[str, str]]:
    """Every change of the variant (fidelity-inconsistent first), codes and labels in ``lang``."""
    vocab = variant.frame_vocab
    rm = variant.manuals.get(lang) or next(iter(variant.manuals.values()))
    rel = release_data(variant)
    released = "" if rel["released"] is None else ("yes" if rel["released"] else "no")
    rows = []
    for ch in rm.changes:
        fr = ch.frame
        rows.append({
            "variant": variant.id, "release": rel["version"], "released": released, "change": ch.id, "operation": ch.operation,
            "operation_label": label(vocab, "operation", ch.operation, lang), "target": ch.target,
            "target_title": ch.target_title.replace("\\", ""), "component": ch.component, "core": "yes" if ch.core else "no",
            "description": ch.description,
            "when": fr.when, "when_label": label(vocab, "when", fr.when, lang),
            "planned": fr.planned, "planned_label": label(vocab, "planned", fr.planned, lang),
            "decided_by": ",".join(fr.decided_by), "decided_by_label": label(vocab, "decided_by", list(fr.decided_by), lang),
            "modified": fr.modified, "modified_label": label(vocab, "modified", fr.modified, lang),
            "level": fr.level, "level_label": label(vocab, "level", fr.level, lang),
            "context": ",".join(fr.context), "context_label": label(vocab, "context", list(fr.context), lang),
            "nature": fr.nature, "nature_label": label(vocab, "nature", fr.nature, lang) if fr.nature else "",
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
    for c in ("when", "planned", "decided_by", "modified", "level", "context", "nature", "fidelity", "goals", "reason_level"):
        out[c] = row[c + "_label"]
    out["fidelity_key"] = row["fidelity"]
    return out


def _render(rows: list[dict[str, str]], columns: tuple[str, ...], fmt: str, title: str) -> str:
    if fmt == "csv":
        return csv_text(columns, rows)
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


def report(variant: ResolvedVariant, lang: str, fmt: str) -> str:
    """`manual report ledger`: the complete FRAME ledger of one variant, every column."""
    rows = ledger_rows(variant, lang)
    if fmt == "csv":
        return csv_text(FULL_COLUMNS, rows)
    if fmt == "json":
        return json_text({"variant": variant.id, "language": lang, "release": release_data(variant),
                          "based_on": release_line(variant, lang), "changes": rows})
    title = f"{L(lang, 'ledger_title')}: {variant_name(variant, lang)}"
    if not rows:
        return f"# {title}\n\n{release_line(variant, lang)}\n\n{L(lang, 'no_changes')}\n"
    return _ledger_md(title, rows, lang, release_line(variant, lang) + "\n")


def _ledger_md(title: str, rows: list[dict[str, str]], lang: str, intro: str = "") -> str:
    out = [f"# {title}", ""] + ([intro] if intro else [])
    for r in rows:
        flag = " (!)" if r["fidelity"] == "inconsistent" else ""
        out += [f"## {md_escape(r['change'])}{flag}", "", md_escape(r["description"]), ""]
        cells = []
        for c in FULL_COLUMNS[4:]:
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
        return json_text({"language": lang, "releases": {v.id: release_data(v) for v in variants}, "changes": rows})
    intro = release_lines(variants, lang)
    return _ledger_md(L(lang, "ledger_title"), rows, lang, intro) if rows else \
        f"# {L(lang, 'ledger_title')}\n\n{intro}\n{L(lang, 'no_changes')}\n"


def render(variant: ResolvedVariant, out_dir: Path, log: TextIO, inputs: Mapping[str, Path]) -> None:
    for lang in variant.languages:
        for fmt in FORMATS:
            (out_dir / f"ledger.{lang}.{fmt}").write_text(report(variant, lang, fmt), encoding="utf-8")
