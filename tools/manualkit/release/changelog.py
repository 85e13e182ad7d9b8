"""CHANGELOG.md: what changed between two releases, computed from the two loaded manuals.

One section per release, newest first, headed ``## <version> – <date>`` (``(draft)`` after it for
a release made with --allow-draft): modules added, removed and changed (by section, in the
source language), the translation state per language, and per municipality the adaptations
added, changed or removed since the previous release. Nothing in it is written by hand, so it
can be regenerated; ``manual status`` reads it back to tell a municipality what it would get by
moving up (see manualkit.core.release.parse_changelog).
"""
from __future__ import annotations

from pathlib import Path

from manualkit.core import model as m
from manualkit.core.adaptation import Adaptation
from manualkit.core.project import Project

HEADER = ("# Changelog\n\nEvery release of the Family Partner manual, newest first. Written by "
          "`manual release`; do not edit by hand.\n")


def _sections(mod: m.Module) -> dict[str, str]:
    body = mod.source.body
    if body is None:
        return {}
    out = {"": body.preamble.strip()}
    out.update({s.id: s.text.strip() for s in body.sections})
    return out


def _title(mod: m.Module) -> str:
    return mod.source.title


def module_changes(old: m.Manual | None, new: m.Manual) -> tuple[list[str], list[str], list[str]]:
    """(added, removed, changed) lines for the base manual."""
    old_mods = old.modules if old else {}
    added = [f"- `{mid}` – {_title(mod)} ({mod.source.path})" for mid, mod in new.modules.items() if mid not in old_mods]
    removed = [f"- `{mid}` – {_title(mod)}" for mid, mod in old_mods.items() if mid not in new.modules]
    changed: list[str] = []
    for mid, mod in new.modules.items():
        if mid not in old_mods:
            continue
        before, after = _sections(old_mods[mid]), _sections(mod)
        what: list[str] = []
        if before.get("") != after.get(""):
            what.append("introduction changed")
        for label, ids in (("sections added", [s for s in after if s and s not in before]),
                           ("sections removed", [s for s in before if s and s not in after]),
                           ("sections changed", [s for s in after if s and s in before and before[s] != after[s]])):
            if ids:
                what.append(f"{label}: {', '.join(ids)}")
        meta = [k for k in ("type", "component", "core", "status", "duration_minutes", "handouts")
                if getattr(old_mods[mid], k) != getattr(mod, k)]
        if meta:
            what.append("metadata changed: " + ", ".join(
                f"{k} {getattr(old_mods[mid], k)} → {getattr(mod, k)}" for k in meta))
        if old_mods[mid].source.title != mod.source.title:
            what.append("title changed")
        if what:
            changed.append(f"- `{mid}` – {_title(mod)}: {'; '.join(what)}")
    return added, removed, changed


def translation_state(manual: m.Manual) -> list[str]:
    lines = []
    mods = manual.ordered_modules()
    for lang in manual.languages:
        sources = sum(1 for mod in mods if mod.source_lang == lang)
        if sources == len(mods):
            lines.append(f"- {lang}: the source language of all {len(mods)} modules")
            continue
        current = stale = missing = 0
        for mod in mods:
            if mod.source_lang == lang:
                continue
            f = mod.files.get(lang)
            if f is None:
                missing += 1
            elif f.source_hash and f.source_hash != mod.source.hash:
                stale += 1
            else:
                current += 1
        lines.append(f"- {lang}: {current} of {len(mods) - sources} translations up to date, {stale} out of date, {missing} missing")
    return lines


def _change_key(ch) -> tuple:
    return (ch.operation, ch.target, ch.field, repr(ch.value), ch.frame, tuple(sorted(ch.description.items())),
            tuple(sorted((lang, o.text) for lang, o in ch.overlays.items())))


def adaptation_changes(old: Adaptation | None, new: Adaptation, lang: str) -> list[str]:
    before = {ch.id: ch for ch in (old.changes if old else ())}
    lines = []
    for ch in new.changes:
        desc = m.text_in(ch.description, lang) or ch.target
        if ch.id not in before:
            lines.append(f"- added `{ch.id}` ({ch.operation} {ch.target}): {desc}")
        elif _change_key(before[ch.id]) != _change_key(ch):
            lines.append(f"- changed `{ch.id}` ({ch.operation} {ch.target}): {desc}")
    now = {ch.id for ch in new.changes}
    lines += [f"- removed `{cid}` ({ch.operation} {ch.target})" for cid, ch in before.items() if cid not in now]
    return lines


def entry(version: str, date: str, new: Project, old: Project | None, previous: str, *, draft: bool = False) -> str:
    """The CHANGELOG.md section of one release."""
    manual = new.manual
    assert manual is not None
    lang = manual.default_language
    out = [f"## {version} – {date}" + (" (draft)" if draft else ""), ""]
    count = len(manual.modules)
    if old is None or old.manual is None:
        out.append(f"First release: {count} modules in {len(manual.parts)} parts.")
    else:
        out.append(f"Changes since {previous}. The base manual has {count} modules.")
    if draft:
        drafts = sum(1 for mod in manual.modules.values() if mod.status != "approved")
        out.append(f"Draft release: {drafts} modules are not approved yet.")
    added, removed, changed = module_changes(old.manual if old else None, manual)
    if old is not None and old.manual is not None:
        for title, lines in (("Modules added", added), ("Modules removed", removed), ("Modules changed", changed)):
            out += ["", f"### {title}", ""] + (lines or ["- none"])
    out += ["", "### Translations", ""] + translation_state(manual)
    out += ["", "### Municipalities", ""]
    if not new.adaptations:
        out.append("- none")
    for a in new.adaptations:
        prev = old.adaptation(a.id) if old is not None else None
        name = m.text_in(a.name, lang)
        lines = adaptation_changes(prev, a, lang)
        head = f"- **{name}** (`{a.id}`), pinned to {a.base_version}, status {a.status}"
        if old is not None and prev is None:
            head += ": new since the previous release"
        out.append(head + ("" if lines else ": no adaptations added or changed"))
        out += ["  " + line for line in lines]
    if old is not None:
        gone = [a.id for a in old.adaptations if new.adaptation(a.id) is None]
        out += [f"- `{g}`: removed" for g in gone]
    return "\n".join(out) + "\n"


def prepend(path: Path, section: str) -> str:
    """CHANGELOG.md with ``section`` as the newest release (the file is made when missing)."""
    text = path.read_text(encoding="utf-8") if path.is_file() else HEADER
    marker = text.find("\n## ")
    if marker < 0:
        return text.rstrip("\n") + "\n\n" + section
    return text[:marker + 1] + section + "\n" + text[marker + 1:]


__all__ = ["entry", "prepend", "module_changes", "translation_state", "adaptation_changes", "HEADER"]
