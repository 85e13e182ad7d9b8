"""Typst documents (book, session guide, handout) assembled from module fragments.

A document is the shared template (templates/common.typ), the template of its kind, and the
fragments of its modules in order. Its data (labels, module facts, contacts) goes to Typst as
JSON through ``sys.inputs``, so no text from the manual is ever read as Typst code. The line
range of every fragment is kept, so a Typst error can name the module it comes from.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from manualkit.core.problems import BuildError
from manualkit.core.resolved import ContactRow, ResolvedManual, ResolvedModule, string
from manualkit.outputs.pdf.markdown_prep import Fragments, plain
from manualkit.core.release import frozen_text, version_text

TEMPLATES = Path(__file__).resolve().parent / "templates"
DEFAULT_COLOUR = "#2b5f8a"
LABEL_KEYS = ("core_component", "core_section", "deviation_section", "duration", "minutes", "version", "date", "contents", "page",
              "draft_mark", "session_guide", "handout_for_parents", "handouts", "contacts", "adapted_section",
              "placeholder")
CALLOUT_KINDS = ("note", "tip", "example", "warning", "core")
_LABEL = re.compile(r"(?<![\\(])<([\w.:-]+)>")  # a label pandoc wrote (text has `\<`, links `(<`)
_LINK = re.compile(r"#link\(<([\w.:-]+)>\)\[")  # pandoc's internal link (our scoped cross-references)
_SAFE_ID = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


def _id(value: str) -> str:
    """An id or language code written into Typst code: only ids pass (the checker refuses the rest)."""
    if not _SAFE_ID.match(value):
        raise BuildError(f"the id '{value}' cannot be used in a PDF: ids are lower-case letters, digits and hyphens",
                         hint="run 'manual check': it names the file and line")
    return value


@dataclass(frozen=True)
class Segment:
    """Lines ``start``..``end`` (1-based, inclusive) of a document's source hold ``module``."""

    start: int
    end: int
    module: ResolvedModule


@dataclass(frozen=True)
class Document:
    kind: str  # book | session | handout
    name: str  # for messages: "the book (base, nb)"
    title: str
    source: str
    inputs: dict[str, str]
    segments: tuple[Segment, ...]
    template_end: int  # the last line that belongs to the templates

    def module_at(self, line: int) -> ResolvedModule | None:
        return next((s.module for s in self.segments if s.start <= line <= s.end), None)


@lru_cache(maxsize=None)
def template(name: str) -> str:
    return (TEMPLATES / f"{name}.typ").read_text(encoding="utf-8")


def _banners(rm: ResolvedManual, mod: ResolvedModule) -> tuple[list[str], list[str]]:
    """(for the reader of any PDF, extra ones for trainers) banners of a module."""
    s = rm.strings
    reader = []
    if mod.fallback:
        reader.append(string(s, "banners.fallback", language=string(s, f"language_names.{mod.text_lang}")))
    elif mod.stale:
        reader.append(string(s, "banners.stale"))
    extra = [string(s, "banners.adapted", variant=rm.variant_name)] if mod.adapted and not rm.is_base else []
    return reader, extra


def manual_meta(rm: ResolvedManual, *, contacts: list[ContactRow], date: str, logo: str | None) -> dict[str, Any]:
    """What every PDF of one variant and language knows: labels, modules, references, contacts."""
    s = rm.strings
    labels: dict[str, Any] = {key: string(s, f"labels.{key}") for key in LABEL_KEYS}
    labels["callouts"] = {kind: string(s, f"callouts.{kind}") for kind in CALLOUT_KINDS}
    see = string(s, "labels.see_manual")
    labels["see_manual"] = see if see != "labels.see_manual" else ""
    for key in ("cover_partners", "cover_editors"):  # optional lines at the foot of the book cover
        text = string(s, f"labels.{key}")
        labels[key] = text if text != f"labels.{key}" else ""
    modules: dict[str, Any] = {}
    refs: dict[str, str] = {}
    for mod in rm.modules():
        reader, extra = _banners(rm, mod)
        modules[mod.id] = {
            "type": mod.type, "type_label": string(s, f"types.{mod.type_key}"), "core": mod.core,
            "duration": mod.duration_minutes, "reader_banners": reader, "banners": reader + extra,
        }
        title = plain(mod.title)
        refs[mod.id] = title
        for sec in mod.sections:
            refs[f"{mod.id}--{sec.id}"] = f"{title} – {plain(sec.title)}"
    colour = rm.branding.get("primary_colour", "")
    return {
        "lang": rm.lang, "title": rm.title, "variant_name": rm.variant_name,
        "version": version_text(rm.release, s, rm.version), "date": date,
        "frozen": frozen_text(rm.release, s) if rm.frozen else None,
        "municipality": rm.variant_name, "draft": rm.draft, "logo": logo,
        "colour": colour if re.fullmatch(r"#[0-9a-fA-F]{6}", colour or "") else DEFAULT_COLOUR,
        "labels": labels, "modules": modules, "refs": refs,
        "parts": [p.title for p in rm.parts],
        "contacts": [{"label": c.label, "value": c.value, "placeholder": c.placeholder} for c in contacts],
    }


class _Source:
    """Collects a document's lines and remembers which module each fragment came from."""

    def __init__(self, kind: str) -> None:
        self.lines: list[str] = []
        self.segments: list[Segment] = []
        for name in ("common", kind):
            self.add(f"// ---- templates/{name}.typ ----\n" + template(name))
        self.template_end = len(self.lines)

    def add(self, text: str) -> None:
        self.lines.extend(text.rstrip("\n").split("\n"))

    def module(self, rm: ResolvedManual, mod: ResolvedModule, fragments: Fragments, wrap: str = "") -> None:
        other = mod.text_lang != rm.lang
        opened = [f'#other-language("{_id(mod.text_lang)}")['] if other else []
        if wrap:
            opened.append(f"#{wrap}[")
        self.add("\n".join(opened) or "//")
        start = len(self.lines) + 1
        self.add(fragments[mod.id])
        self.segments.append(Segment(start, len(self.lines), mod))
        self.add("]" * len(opened) or "//")

    def text(self) -> str:
        """The source, with links to labels that are not in this document made plain text."""
        source = "\n".join(self.lines) + "\n"
        labels = set(_LABEL.findall(source))
        return _LINK.sub(lambda m: m.group(0) if m.group(1) in labels else f'#xref-out("{m.group(1)}")[', source)


def _document(kind: str, name: str, title: str, src: _Source, meta: dict[str, Any], external: str) -> Document:
    data = {**meta, "kind": kind, "doc_title": title, "external": external if meta["labels"]["see_manual"] else "plain"}
    return Document(kind, name, title, src.text(), {"meta": json.dumps(data, ensure_ascii=False, sort_keys=True)},
                    tuple(src.segments), src.template_end)


def book(rm: ResolvedManual, fragments: Fragments, meta: dict[str, Any]) -> Document:
    src = _Source("book")
    parts = [(index, part) for index, part in enumerate(rm.parts) if part.modules]
    entries = []
    for index, part in parts:
        entries.append(f"(1, meta.parts.at({index}), <part:{_id(part.id)}>)")
        entries += [f'(2, meta.refs.at("{_id(mod.id)}"), <{mod.id}>)' for mod in part.modules]
    src.add("#show: book\n#cover()\n#contents(\n  " + ",\n  ".join(entries) + ",\n)\n#set heading(offset: 1)")
    for index, part in parts:
        src.add(f"#set page(header: part-header({index}))\n#part-break()\n"
                f"#heading(level: 1, meta.parts.at({index})) <part:{part.id}>")
        for mod in part.modules:
            # each module's header rule in a block of its own: Typst then does not carry every earlier
            # page rule along, which made the book's time per module grow with the size of the book
            src.add(f'#[\n#set page(header: module-header("{_id(mod.id)}"))')
            src.module(rm, mod, fragments)
            src.add("]")
    title = f"{rm.title} – {rm.variant_name}"
    return _document("book", f"the book ({rm.variant}, {rm.lang})", title, src, meta, "see")


def session_guide(rm: ResolvedManual, session: ResolvedModule, fragments: Fragments, meta: dict[str, Any],
                  templates: list[str] = ()) -> Document:
    src = _Source("session")
    src.add("#show: session-guide")
    src.module(rm, session, fragments)
    for hid in session_handouts(rm, session):
        src.module(rm, rm.module(hid), fragments, wrap="appended-handout")
    for tid in templates:  # the pack (manual pdf --session N --with-handout): the forms the guide links to
        src.module(rm, rm.module(tid), fragments)
    title = f"{plain(session.title)} – {rm.variant_name}"
    return _document("session", f"the session guide '{session.id}' ({rm.variant}, {rm.lang})", title, src, meta, "see")


def handout(rm: ResolvedManual, mod: ResolvedModule, fragments: Fragments, meta: dict[str, Any]) -> Document:
    src = _Source("handout")
    src.add("#show: handout")
    src.module(rm, mod, fragments)
    title = f"{plain(mod.title)} – {rm.variant_name}"
    # the header names the sheet for whom it is: "Ark for barn", "Ark til foreldrene", or, for a
    # form or card that only staff use (a supervision note, the quick card), "For fagpersoner"
    if mod.type_key == "handout_children":
        meta = {**meta, "sheet_label": string(rm.strings, "labels.handout_for_children")}
    elif "parents" not in mod.audience:
        meta = {**meta, "sheet_label": string(rm.strings, "labels.handout_for_staff")}
    return _document("handout", f"the handout '{mod.id}' ({rm.variant}, {rm.lang})", title, src, meta, "plain")


def session_handouts(rm: ResolvedManual, session: ResolvedModule) -> list[str]:
    return [hid for hid in session.handouts if rm.module(hid) is not None]


_TEMPLATE_REF_RE = re.compile(r"\]\(ref:(template-[a-z0-9][a-z0-9-]*)")


def session_templates(rm: ResolvedManual, session: ResolvedModule) -> list[str]:
    """The templates (``template-*`` modules) the session guide links to, in the order of their first link."""
    found = dict.fromkeys(_TEMPLATE_REF_RE.findall(session.markdown()))
    return [tid for tid in found if rm.module(tid) is not None and tid not in session.handouts]


__all__ = ["Document", "Segment", "manual_meta", "book", "session_guide", "handout", "session_handouts", "session_templates", "template"]
