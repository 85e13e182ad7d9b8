"""Resolved modules → one Markdown document for pandoc's DOCX writer, and the record of what went in.

Every module heading and every ``##`` section heading gets a short, Word-safe bookmark name
(``fp_m1``, ``fp_s3``: Word accepts letters, digits and ``_``, at most 40 characters), and a
:class:`SectionRecord` says which module, section, file and line it stands for and the hash of
the text as written. The records go into the document's custom properties; the import reads
them back to trace every paragraph to its source. The text is the section's source filled in
with the variant's variables, each value wrapped in the character style "FP Variable" (a
placeholder in "FP Placeholder"), so a reviewer sees what is local and the import knows which
words a variable made. Callouts become blocks in a paragraph style per kind, with a title line
(a lines block: its question, then ruled empty lines to write on);
core sections and sections from a municipality's overlay get a mark line under their heading, and
a module shown in another language than the document's (no translation yet) a note under its
title that says so, in the document's language.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from manualkit.core import variables as v
from manualkit.core.body import (ATTR_RE, CALLOUT_CLOSE_RE, CALLOUT_KINDS, CALLOUT_OPEN_RE, HEADING_RE, LINK_RE, fence_states,
                                 writing_lines)
from manualkit.core.model import body_hash
from manualkit.core.resolved import ResolvedModule, ResolvedVariant, string
from manualkit.outputs.docx.reference import CALLOUT_STYLE, UNTITLED_CALLOUTS, WRITING_LINE_STYLE
from manualkit.outputs.pdf.markdown_prep import scoped_text

PREAMBLE = "_preamble"  # the section name of a module's text before its first '##' heading
_ANCHOR = re.compile(r"\]\(#([^)\s]+)\)")


@dataclass(frozen=True)
class SectionRecord:
    """One traced piece of text: a section (or a module's preamble) as the reviewer saw it."""

    bookmark: str  # the Word bookmark on its heading
    module: str
    section: str  # section id, or PREAMBLE
    origin: str  # the file the text is written in
    line: int  # line of the heading (of the preamble's first line) in that file
    hash: str  # body_hash of the text as written
    change: str  # the adaptation change that put it there, or ""

    def encode(self) -> str:
        return "|".join((self.module, self.section, self.origin, str(self.line), self.hash, self.change))

    @classmethod
    def decode(cls, bookmark: str, value: str) -> "SectionRecord | None":
        parts = value.split("|")
        if len(parts) != 6 or not parts[3].isdigit():
            return None
        return cls(bookmark, parts[0], parts[1], parts[2], int(parts[3]), parts[4], parts[5])


def variable_text(values: dict[str, v.Value], name: str, lang: str, placeholder_label: str) -> str:
    """The words a variable shows in ``lang`` (a placeholder as "[label: what to fill in]")."""
    val = values[name]
    if val.fill is not None:
        return f"[{placeholder_label}: {val.fill[lang]}]"
    return val.texts.get(lang, "")


def marked_context(variant: ResolvedVariant, lang: str) -> dict:
    """Variables as Markdown spans in their character style."""
    label = string(variant.manuals[lang].strings, "labels.placeholder")
    ctx: dict = {}
    for name, val in variant.values.items():
        if val.block:  # a generated table: as it is, not as a character span
            node = ctx
            for p in name.split(".")[:-1]:
                node = node.setdefault(p, {})
            text = val.texts.get(lang, "")
            if name.startswith("figure."):  # a picture drawn from the model: its text alternative, in a
                # style of its own that the import knows as the toolkit's (never mapped to a source)
                text = _FIGURE.sub(lambda m: "\n".join(_div("FP Figure", m.group(1))).strip("\n"), text)
            node[name.split(".")[-1]] = text
            continue
        words = v.escape_value(variable_text(variant.values, name, lang, label))
        style = "FP Placeholder" if val.fill is not None else "FP Variable"
        node = ctx
        parts = name.split(".")
        for p in parts[:-1]:
            node = node.setdefault(p, {})
            if not isinstance(node, dict):
                break
        else:
            node[parts[-1]] = f'[{words}]{{custom-style="{style}"}}'
    return ctx


_FIGURE = re.compile(r"!\[((?:[^\]\\]|\\.)*)\]\(figure:[^)\s]*\)")


def _div(style: str, text: str) -> list[str]:
    return [f'::: {{custom-style="{style}"}}', text, ":::", ""]


def _images_from_root(text: str) -> str:
    """scoped_text makes image paths start with '/' (the Typst root); pandoc reads them from --resource-path."""
    return LINK_RE.sub(lambda m: m.group(0).replace("](/", "](", 1) if m.group(1) else m.group(0), text)


def _body(text: str, strings: dict) -> list[str]:
    """Callout fences → styled blocks with a title line; everything else as it is. A lines block
    (room to write on a handout) has no title: its question is followed by as many ruled, empty
    paragraphs as the PDF draws lines, generated lines that the import does not map to the sources."""
    out: list[str] = []
    ruled = 0  # lines to rule when the open block closes
    for line, code in fence_states(text.split("\n")):
        stripped = line.strip()
        if not code and stripped.startswith(":::"):
            opened = CALLOUT_OPEN_RE.match(stripped)
            if opened and opened.group(1) in CALLOUT_KINDS:
                kind = opened.group(1)
                if kind not in UNTITLED_CALLOUTS:
                    out += [""] + _div("FP Callout title", v.escape_value(string(strings, f"callouts.{kind}")))
                out += ["", f'::: {{custom-style="{CALLOUT_STYLE[kind]}"}}']
                ruled = writing_lines(stripped) if kind == "lines" else 0
                continue
            if CALLOUT_CLOSE_RE.match(stripped):
                out += [":::", ""]
                if ruled:
                    out += _div(WRITING_LINE_STYLE, "\n\n".join(["&nbsp;"] * ruled))
                    ruled = 0
                continue
        out.append(line)
    return out


def fallback_note(mod: ResolvedModule, lang: str, strings: dict) -> str:
    """The words under the heading of a module that has no text in ``lang`` and is shown in its
    source language ("Denne delen finst ikkje på nynorsk enno. Teksten er på bokmål."), or ""."""
    if not mod.fallback or mod.text_lang == lang:
        return ""
    return string(strings, "banners.fallback_module", missing=string(strings, f"language_names.{lang}"),
                  language=string(strings, f"language_names.{mod.text_lang}"))


def _one_line_links(text: str) -> str:
    """A link whose text wraps across source lines, on one line (the links are rewritten line by line,
    and a wrapped ``ref:`` link would stay a dead link in Word). Word shows a line break in a
    paragraph as a space, so the words are the same."""
    if "](" not in text:
        return text
    return LINK_RE.sub(lambda m: re.sub(r"[ \t]*\n[ \t]*", " ", m.group(0)) if "\n" in m.group(0) else m.group(0), text)


class Document:
    """Markdown for the modules of one DOCX, with the records of its sections."""

    def __init__(self, variant: ResolvedVariant, lang: str) -> None:
        self.variant = variant
        self.lang = lang
        self.rm = variant.manuals[lang]
        self.ctx = marked_context(variant, lang)
        self.records: list[SectionRecord] = []
        self.anchors: dict[str, str] = {}  # "module--section" (as scoped_text writes links) -> bookmark

    def _render(self, text: str) -> str:
        return _one_line_links(v.render(text, self.ctx))

    def _record(self, mod: ResolvedModule, section: str, origin: str, line: int, source: str, change: str) -> str:
        mark = f"fp_s{len(self.records) + 1}"
        self.records.append(SectionRecord(mark, mod.id, section, origin, line, body_hash(source), change))
        return mark

    def module(self, mod: ResolvedModule) -> list[str]:
        strings = self.rm.strings
        index = sum(1 for r in self.records if r.section == PREAMBLE) + 1
        head = f"fp_m{index}"
        self.anchors[mod.id] = head
        out = [f"# {mod.title} {{#{head}}}", ""]
        note = fallback_note(mod, self.lang, strings)
        if note:
            out += _div("FP Language note", v.escape_value(note))
        if mod.summary.strip():
            out += _div("FP Summary", mod.summary.strip())
        # the preamble has no heading of its own: the module heading's bookmark stands for it
        self.records.append(SectionRecord(head, mod.id, PREAMBLE, mod.origin, mod.preamble_line,
                                          body_hash(mod.preamble_source), ""))
        if mod.preamble_source.strip():
            out += _body(scoped_text(self._render(mod.preamble_source.strip("\n")), mod.id, mod.origin), strings) + [""]
        for sec in mod.sections:
            mark = self._record(mod, sec.id, sec.origin, sec.line, sec.source, sec.change)
            self.anchors[f"{mod.id}--{sec.id}"] = mark
            text = scoped_text(self._render(sec.source.strip("\n")), mod.id, sec.origin)
            heading, _, rest = text.partition("\n")
            found = HEADING_RE.match(heading)
            attr = ATTR_RE.search(heading)
            title = heading[len(found.group(1)):attr.start()].strip() if found and attr else heading.lstrip("# ")
            out += [f"## {title} {{#{mark}}}", ""]
            if sec.core:
                out += _div("FP Core mark", v.escape_value(string(strings, "labels.core_section")))
            if sec.change:
                local = f"{string(strings, 'labels.adapted_section')} ({self.rm.variant_name})"
                out += _div("FP Local mark", v.escape_value(local))
            out += _body(rest, strings) + [""]
        return out

    def markdown(self, modules: list[ResolvedModule]) -> str:
        lines: list[str] = []
        for mod in modules:
            lines += self.module(mod)
        text = _images_from_root("\n".join(lines))
        # internal links point at the bookmarks; a link to a module outside this document goes to
        # the module's published page, or is its words alone when the variant has no address
        text = LINK_RE.sub(self._outside_link, text)
        return _ANCHOR.sub(lambda m: f"](#{self.anchors[m.group(1)]})" if m.group(1) in self.anchors else m.group(0), text)

    def _outside_link(self, m: re.Match[str]) -> str:
        target = m.group(3)
        if m.group(1) or not target.startswith("#") or target[1:] in self.anchors:
            return m.group(0)
        page = published_page(self.variant, self.lang, target[1:])
        if page is None:
            return m.group(2)  # the words as plain text: no link that goes nowhere
        url, title = page
        return f'[{m.group(2)}](<{url}> "{v.escape_value(title).replace(chr(34), chr(39))}")'


def published_page(variant: ResolvedVariant, lang: str, anchor: str) -> tuple[str, str] | None:
    """The published address and title of the page an internal anchor ("module" or
    "module--section", as scoped_text writes a ``ref:``) names, or None when the variant has no
    address (no site_url, no GitHub remote) or no such module. The pages are laid out as the site
    is built (outputs/site/stage.py): <site_url>[<lang>/ unless the default]<part>/<module>/."""
    rm = variant.manuals.get(lang)
    if not variant.site_url or rm is None:
        return None
    for part in rm.parts:
        for mod in part.modules:
            if anchor == mod.id or anchor.startswith(mod.id + "--"):
                section = anchor[len(mod.id) + 2:]
                sec = next((s for s in mod.sections if s.id == section), None)
                if section and sec is None:
                    continue
                default = rm.default_language if rm.default_language in variant.manuals else next(iter(variant.manuals))
                prefix = "" if lang == default else f"{lang}/"
                url = f"{variant.site_url.rstrip('/')}/{prefix}{part.id}/{mod.id}/" + (f"#{section}" if section else "")
                title = mod.title + (f" – {_section_title(sec)}" if sec is not None else "")
                return url, title
    return None


def _section_title(sec) -> str:
    heading = sec.text.split("\n", 1)[0]
    found = HEADING_RE.match(heading)
    attr = ATTR_RE.search(heading)
    return heading[len(found.group(1)):attr.start()].strip() if found and attr else heading.lstrip("# ").strip()


__all__ = ["Document", "SectionRecord", "PREAMBLE", "fallback_note", "variable_text", "marked_context", "published_page"]
