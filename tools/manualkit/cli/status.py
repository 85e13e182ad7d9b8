"""`manual status`: review and translation state of every module, and LIX of handouts.

A view of the sources as loaded (core.model: which language file is the source, which
translation is stale), not an output of a resolved variant, so it lives with the command and
not in outputs/ (which reads only the ResolvedVariant)."""
from __future__ import annotations

from manualkit.core import model as m
from manualkit.core import readability


def translation_state(mod: m.Module, lang: str) -> str:
    f = mod.files.get(lang)
    if f is None:
        return "missing"
    if f.is_source:
        return "source"
    if not f.source_hash:
        return "unmarked"
    return "up to date" if f.source_hash == mod.source.hash else "stale"


def status_rows(manual: m.Manual) -> list[dict]:
    rows = []
    for mod in manual.ordered_modules():
        row = {"module": mod.id, "part": mod.part, "type": mod.type, "core": mod.core, "status": mod.status,
               "languages": {lang: translation_state(mod, lang) for lang in manual.languages}}
        if mod.type == "handout":
            row["lix"] = {lang: readability.lix(f.body_text) for lang, f in mod.files.items()}
        rows.append(row)
    return rows


def status_table(manual: m.Manual, rows: list[dict]) -> str:
    langs = list(manual.languages)
    head = ["module", "status"] + langs + ["LIX"]
    body = []
    for r in rows:
        lix = " ".join(f"{lg}:{v:.0f}" for lg, v in r.get("lix", {}).items())
        body.append([r["module"] + (" *" if r["core"] else ""), r["status"]] + [r["languages"][lg] for lg in langs] + [lix])
    widths = [max(len(str(x)) for x in col) for col in zip(head, *body)]
    fmt = "  ".join(f"{{:<{w}}}" for w in widths)
    lines = [fmt.format(*head), fmt.format(*["-" * w for w in widths])] + [fmt.format(*b) for b in body]
    counts = {}
    for r in rows:
        counts[r["status"]] = counts.get(r["status"], 0) + 1
    lines.append("")
    lines.append(f"{len(rows)} modules (* = core): " + ", ".join(f"{n} {s}" for s, n in sorted(counts.items())))
    for lg in langs:
        states: dict[str, int] = {}
        for r in rows:
            states[r["languages"][lg]] = states.get(r["languages"][lg], 0) + 1
        lines.append(f"{lg}: " + ", ".join(f"{n} {s}" for s, n in sorted(states.items())))
    return "\n".join(lines)
