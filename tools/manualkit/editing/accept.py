"""`manual adaptations accept`: record the base text a municipality's change was reviewed against."""
from __future__ import annotations

from pathlib import Path
from typing import TextIO

from manualkit.core import model as m
from manualkit.core.overlay import base_text
from manualkit.core.problems import ManualkitError, UsageError
from manualkit.core.project import load_project
from manualkit.core.resolved import BASE
from manualkit.editing.lines import set_change_hash


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
