"""Apply a municipality's changes to the base manual, section by section, in all languages.

The working structure (:class:`WModule`) is built fresh for every variant from the loaded
base manual, so nothing of one municipality can leak into another. Every section remembers
the file it comes from and the change that put it there.
"""
from __future__ import annotations

import difflib
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from manualkit.core import model as m
from manualkit.core.adaptation import Adaptation, Change
from manualkit.core.body import Section
from manualkit.core.doctree import Cut, Tree, tree_for
from manualkit.core.problems import Problem, make
from manualkit.core.schema import suggest


@dataclass
class WSection:
    id: str
    title: str
    core: bool
    text: str
    origin: str
    line: int
    change: str = ""
    deviation: bool = False  # replaces a core section in a fidelity-inconsistent change
    cut: Cut | None = field(default=None, compare=False, repr=False)  # where in its file (core/doctree.py)

    @property
    def tree(self) -> Tree:
        return tree_for(self.text, self.cut)


@dataclass
class WText:
    """One language of a module: preamble and sections."""

    lang: str
    preamble: str
    preamble_line: int
    origin: str
    sections: list[WSection]
    title: str
    summary: str
    fallback: bool = False  # the text is in another language than asked for
    stale: bool = False
    preamble_cut: Cut | None = field(default=None, compare=False, repr=False)

    @property
    def preamble_tree(self) -> Tree:
        return tree_for(self.preamble, self.preamble_cut)


@dataclass
class WModule:
    id: str
    part: str
    meta: dict[str, Any]
    texts: dict[str, WText]
    changes: list[str] = field(default_factory=list)
    generated: bool = False


def working_copy(manual: m.Manual, langs: tuple[str, ...]) -> tuple[dict[str, list[str]], dict[str, WModule]]:
    order = {p.id: [mid for mid in p.modules if mid in manual.modules] for p in manual.parts}
    mods: dict[str, WModule] = {}
    for mod in manual.modules.values():
        texts: dict[str, WText] = {}
        for lang in langs:
            f = mod.files.get(lang)
            fallback = f is None or f.body is None
            if fallback:
                f = mod.source
            stale = (not f.is_source) and bool(f.source_hash) and f.source_hash != mod.source.hash
            body = f.body
            texts[lang] = WText(
                lang=f.lang, preamble=body.preamble if body else "", preamble_line=f.body_line, origin=f.path,
                sections=[WSection(s.id, s.title, s.core, s.text, s.origin, s.line, cut=s.cut)
                          for s in (body.sections if body else ())],
                title=f.title, summary=f.summary or mod.source.summary, fallback=fallback, stale=stale,
                preamble_cut=body.preamble_cut if body else None)
        meta = {"type": mod.type, "component": mod.component, "core": mod.core, "status": mod.status,
                "duration_minutes": mod.duration_minutes, "handouts": mod.handouts, "audience": mod.audience}
        mods[mod.id] = WModule(mod.id, mod.part, meta, texts)
    return order, mods


def base_text(manual: m.Manual, ch: Change) -> str | None:
    """The base text a change depends on (source language), for drift detection."""
    mod = manual.modules.get(ch.module)
    if mod is None or ch.operation in ("append", "add-module"):
        return None
    if ch.operation == "remove-module":
        return mod.source.body_text
    if ch.operation == "set":
        return str(mod.source.meta.get(ch.field, ""))
    for s in mod.source.body.sections if mod.source.body else ():
        if s.id == ch.section:
            return s.text
    return None


class Applier:
    def __init__(self, manual: m.Manual, adaptation: Adaptation, order: dict[str, list[str]], mods: dict[str, WModule],
                 snapshots: dict[str, str]) -> None:
        self.manual = manual
        self.a = adaptation
        self.order = order
        self.mods = mods
        self.snapshots = snapshots
        self.problems: list[Problem] = []
        self.touched: dict[str, str] = {}  # target -> change id

    def at(self, ch: Change, key: str = "target") -> tuple[int, int]:
        return self.a.marks.at(("changes", ch.index, key))

    def err(self, code: str, ch: Change, key: str = "target", **fmt: Any) -> None:
        line, col = self.at(ch, key)
        self.problems.append(make(code, self.a.path, line, col, **fmt))

    def apply_all(self) -> None:
        for ch in self.a.changes:
            if ch.on_model:  # applied to the intervention model by core/intervention.py
                continue
            if not self._check_target(ch):
                continue
            self._check_overlap(ch)
            self._check_drift(ch)
            self.OPERATIONS[ch.operation](self, ch)
            mod = self.mods.get(ch.module)
            if mod is not None:
                mod.changes.append(ch.id)

    # -- checks ----------------------------------------------------------------------------
    def _check_target(self, ch: Change) -> bool:
        if ch.operation == "add-module":
            if ch.module in self.mods:
                self.err("E303", ch, id=ch.module, other="in the base manual")
                return False
            if ch.part not in self.order:
                self.err("E1001", ch, "part", change=ch.id, what="part", target=ch.part, suggest=suggest(ch.part, list(self.order)))
                return False
            if ch.anchor and ch.anchor not in self.order[ch.part]:
                self.err("E1001", ch, "anchor", change=ch.id, what=f"module in part {ch.part}", target=ch.anchor,
                         suggest=suggest(ch.anchor, self.order[ch.part]) or "the anchor must be a module of the same part")
                return False
            return True
        mod = self.mods.get(ch.module)
        if mod is None and ch.module in self.manual.unreadable_modules:
            return False  # its file cannot be read: that problem is reported on the file itself
        if mod is None:
            self.err("E1001", ch, change=ch.id, what="module", target=ch.module,
                     suggest=suggest(ch.module, list(self.mods)) or "check the module id in manual/manual.yml")
            return False
        if ch.section:
            ids = [s.id for s in next(iter(mod.texts.values())).sections]
            if ch.section not in ids:
                self.err("E1001", ch, change=ch.id, what="section", target=ch.target,
                         suggest=suggest(ch.section, ids) or f"sections of {ch.module}: {', '.join(ids)}")
                return False
            if ch.operation == "move-section" and ch.anchor and ch.anchor not in ids:
                self.err("E1001", ch, "anchor", change=ch.id, what="section", target=f"{ch.module}#{ch.anchor}",
                         suggest=suggest(ch.anchor, ids) or f"sections of {ch.module}: {', '.join(ids)}")
                return False
        core_hit = False
        if ch.operation in ("remove-section", "replace-section"):
            core_hit = any(s.core for s in next(iter(mod.texts.values())).sections if s.id == ch.section)
        elif ch.operation == "remove-module":
            core_hit = bool(mod.meta.get("core"))
        # a replacement that keeps the core may be coded fidelity-consistent when its record says why
        consistent_ok = ch.operation == "replace-section" and getattr(ch.frame, "fidelity", "") == "consistent"
        if core_hit and not ((ch.inconsistent or consistent_ok) and ch.justification and ch.approved_by):
            action = "removes" if ch.operation.startswith("remove") else "replaces"
            self.err("E1002", ch, change=ch.id, action=action, target=ch.target)
            return False
        return True

    def _check_overlap(self, ch: Change) -> None:
        keys = {ch.target, ch.module} if ch.operation in ("remove-module", "add-module") else {ch.target}
        for key in keys:
            other = self.touched.get(key)
            if other and other != ch.builds_on:
                self.err("E1004", ch, change=ch.id, target=key, other=other)
        for key in keys:
            self.touched[key] = ch.id
        if ch.operation not in ("remove-module", "add-module"):
            other = self.touched.get(f"module:{ch.module}")
            if other and other != ch.builds_on:
                self.err("E1004", ch, change=ch.id, target=ch.module, other=other)
        else:
            self.touched[f"module:{ch.module}"] = ch.id

    def _check_drift(self, ch: Change) -> None:
        text = base_text(self.manual, ch)
        if text is None:
            return
        if not ch.base_hash:
            self.err("W1010", ch, "id", change=ch.id, variant=self.a.id)
            return
        if m.body_hash(text) != ch.base_hash:
            old = self.snapshots.get(ch.id)
            diff = ""
            if old is not None:
                lines = difflib.unified_diff(old.splitlines(), text.splitlines(), "accepted base", "current base", lineterm="", n=1)
                diff = " (what changed: " + " / ".join(x for x in list(lines)[2:12] if x[:1] in "+-") + ")"
            self.err("W1003", ch, "base_hash" if ch.base_hash else "id", change=ch.id, target=ch.target, variant=self.a.id, diff=diff)

    # -- operations ------------------------------------------------------------------------
    def _overlay_sections(self, ch: Change, lang: str, text_lang: str) -> tuple[str, list[WSection]]:
        ov = ch.overlays.get(lang) or ch.overlays.get(text_lang) or next(iter(ch.overlays.values()), None)
        if ov is None:
            return "", []
        return ov.body.preamble, [WSection(s.id, s.title, s.core, s.text, ov.path, s.line, ch.id, cut=s.cut)
                                  for s in ov.body.sections]

    def _index(self, text: WText, sid: str) -> int:
        return next(i for i, s in enumerate(text.sections) if s.id == sid)

    def _dupes(self, ch: Change, text: WText, new: list[WSection]) -> list[WSection]:
        have = {s.id for s in text.sections}
        out = []
        for s in new:
            if s.id in have:
                self.problems.append(make("E402", s.origin, s.line, 1, id=s.id, first=f"in module {ch.module}"))
            else:
                out.append(s)
        return out

    def op_replace_section(self, ch: Change) -> None:
        for lang, text in self.mods[ch.module].texts.items():
            pre, new = self._overlay_sections(ch, lang, text.lang)
            i = self._index(text, ch.section)
            old = text.sections[i]
            if not new:  # overlay with plain text only: keep the heading, replace the content
                ov = ch.overlays.get(lang) or next(iter(ch.overlays.values()))
                heading = old.text.split("\n", 1)[0]
                new = [WSection(old.id, old.title, old.core, heading + "\n\n" + pre.strip() + "\n", ov.path, 1, ch.id)]
            if old.core and ch.inconsistent:
                new = [replace(s, deviation=True) for s in new]
            others = [s for j, s in enumerate(text.sections) if j != i]
            keep = {s.id for s in others}
            new = [s for s in new if s.id not in keep] if len(new) > 1 else new
            text.sections[i:i + 1] = new

    def op_insert_section(self, ch: Change) -> None:
        for lang, text in self.mods[ch.module].texts.items():
            _pre, new = self._overlay_sections(ch, lang, text.lang)
            if not new:
                self.err("E1007", ch, "overlay", change=ch.id, what="an overlay with at least one '## Heading {#id}' section",
                         example="## Lokale rutiner {#local-routines}")
                return
            new = self._dupes(ch, text, new)
            i = self._index(text, ch.section) + (1 if ch.where != "before" else 0)
            text.sections[i:i] = new

    def op_append(self, ch: Change) -> None:
        for lang, text in self.mods[ch.module].texts.items():
            pre, new = self._overlay_sections(ch, lang, text.lang)
            if pre.strip():
                if text.sections:
                    last = text.sections[-1]
                    text.sections[-1] = replace(last, text=last.text.rstrip("\n") + "\n\n" + pre.strip() + "\n", change=ch.id)
                else:
                    text.preamble = text.preamble.rstrip("\n") + "\n\n" + pre.strip() + "\n"
            text.sections.extend(self._dupes(ch, text, new))

    def op_remove_section(self, ch: Change) -> None:
        for text in self.mods[ch.module].texts.values():
            del text.sections[self._index(text, ch.section)]

    def op_move_section(self, ch: Change) -> None:
        for text in self.mods[ch.module].texts.values():
            sec = text.sections.pop(self._index(text, ch.section))
            sec = replace(sec, change=ch.id)
            if ch.where == "first":
                text.sections.insert(0, sec)
            elif ch.where == "last":
                text.sections.append(sec)
            else:
                i = self._index(text, ch.anchor) + (1 if ch.where == "after" else 0)
                text.sections.insert(i, sec)

    def op_add_module(self, ch: Change) -> None:
        texts: dict[str, WText] = {}
        title = ch.new_module.get("title")
        summary = ch.new_module.get("summary") or ""
        for lang in self.manual.languages:
            ov = ch.overlays.get(lang) or next(iter(ch.overlays.values()))
            pre, new = self._overlay_sections(ch, lang, lang)
            texts[lang] = WText(lang if lang in ch.overlays else ov.lang, pre, 1, ov.path, new,
                                m.text_in(title, lang, self.manual.default_language),
                                m.text_in(summary, lang, self.manual.default_language),
                                fallback=lang not in ch.overlays)
        meta = {"type": ch.new_module.get("type", "chapter"), "component": ch.new_module.get("component", "general"),
                "core": ch.new_module.get("core") is True, "status": ch.new_module.get("status", "draft"),
                "duration_minutes": None, "handouts": (), "audience": tuple(ch.new_module.get("audience") or ())}
        self.mods[ch.module] = WModule(ch.module, ch.part, meta, texts)
        order = self.order[ch.part]
        if ch.where == "first":
            order.insert(0, ch.module)
        elif ch.where in ("before", "after") and ch.anchor in order:
            order.insert(order.index(ch.anchor) + (1 if ch.where == "after" else 0), ch.module)
        else:
            order.append(ch.module)

    def op_remove_module(self, ch: Change) -> None:
        mod = self.mods.pop(ch.module)
        self.order[mod.part].remove(ch.module)

    def op_set(self, ch: Change) -> None:
        mod = self.mods[ch.module]
        if ch.field in ("title", "summary"):
            for lang, text in mod.texts.items():
                setattr(text, ch.field, m.text_in(ch.value, lang, self.manual.default_language))
        else:
            mod.meta[ch.field] = ch.value


# operation name in adaptation.yml -> the method that applies it (core/adaptation.py OPERATIONS lists the same names)
Applier.OPERATIONS = {
    "replace-section": Applier.op_replace_section, "insert-section": Applier.op_insert_section,
    "append": Applier.op_append, "remove-section": Applier.op_remove_section,
    "move-section": Applier.op_move_section, "add-module": Applier.op_add_module,
    "remove-module": Applier.op_remove_module, "set": Applier.op_set,
}


__all__ = ["Applier", "WModule", "WSection", "WText", "working_copy", "base_text", "Section"]
