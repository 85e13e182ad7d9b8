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
from manualkit.core.doctree import Block, Link, Tree
from manualkit.core.markdown_syntax import CALLOUT_KINDS, heading_attr_col, writing_lines
from manualkit.core.model import body_hash
from manualkit.core.resolved import ResolvedModule, ResolvedVariant, string
from manualkit.outputs.docx.reference import CALLOUT_STYLE, UNTITLED_CALLOUTS, WRITING_LINE_STYLE
from manualkit.outputs.pdf.markdown_prep import scoped_blocks

PREAMBLE = "_preamble"  # the section name of a module's text before its first '##' heading


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


def _callout_lines(block: Block, strings: dict) -> tuple[list[str], int]:
    """A callout's opening fence → a styled block with a title line, and how many ruled lines to
    draw when it closes. A lines block (room to write on a handout) has no title: its question is
    followed by as many ruled, empty paragraphs as the PDF draws lines, generated lines that the
    import does not map to the sources."""
    kind = block.name
    out: list[str] = []
    if kind not in UNTITLED_CALLOUTS:
        out += [""] + _div("FP Callout title", v.escape_value(string(strings, f"callouts.{kind}")))
    out += ["", f'::: {{custom-style="{CALLOUT_STYLE[kind]}"}}']
    return out, writing_lines(block.lines[0].strip()) if kind == "lines" else 0


def fallback_note(mod: ResolvedModule, lang: str, strings: dict) -> str:
    """The words under the heading of a module that has no text in ``lang`` and is shown in its
    source language ("Denne delen finst ikkje på nynorsk enno. Teksten er på bokmål."), or ""."""
    if not mod.fallback or mod.text_lang == lang:
        return ""
    return string(strings, "banners.fallback_module", missing=string(strings, f"language_names.{lang}"),
                  language=string(strings, f"language_names.{mod.text_lang}"))


def _one_line(text: str) -> str:
    """A link whose text wraps across source lines, on one line (a wrapped ``ref:`` link would be
    a dead link in Word). Word shows a line break in a paragraph as a space: the same words."""
    if "\n" not in text:
        return text
    pieces = text.split("\n")
    return " ".join([pieces[0].rstrip(" \t")] + [p.strip(" \t") for p in pieces[1:-1]] + [pieces[-1].lstrip(" \t")])


class Document:
    """Markdown for the modules of one DOCX, with the records of its sections."""

    def __init__(self, variant: ResolvedVariant, lang: str) -> None:
        self.variant = variant
        self.lang = lang
        self.rm = variant.manuals[lang]
        self.ctx = marked_context(variant, lang)
        self.records: list[SectionRecord] = []
        self.anchors: dict[str, str] = {}  # "module--section" (as scoped_blocks writes links) -> bookmark

    def _tree(self, source: Tree) -> Tree:
        """The source's tree (as load read it, core/doctree.py) with the marked variables filled in."""
        return source.stripped().filled(lambda t: v.render(t, self.ctx))

    def _walk(self, tree: Tree, mid: str, origin: str, strings: dict) -> list[str]:
        """The Word form of a text: scoped as for the PDF, callouts as styled blocks, and every
        link as Word needs it (see :meth:`_link`)."""
        out: list[str] = []
        ruled = 0  # lines to rule when the open block closes
        target = lambda found, new: self._link(tree, found, new)  # noqa: E731
        for block, text in scoped_blocks(tree, mid, origin, target):
            if block.kind == "callout" and block.name in CALLOUT_KINDS:
                lines, ruled = _callout_lines(block, strings)
                out += lines
                continue
            if block.kind == "close":
                out += [":::", ""]
                if ruled:
                    out += _div(WRITING_LINE_STYLE, "\n\n".join(["&nbsp;"] * ruled))
                    ruled = 0
                continue
            out += text.split("\n")
        return out

    def _link(self, tree: Tree, found: Link, target: str) -> str:
        """A link on one line; an image from the resource path (pandoc reads it from there); an
        internal link to its bookmark, or to the module's published page when the module is not
        in this document, or its words alone when the variant has no address."""
        words = _one_line(tree.text[found.text_start:found.text_end])
        rest = _one_line(tree.text[found.target_end:found.end])
        if found.image:
            return f"![{words}]({target[1:] if target.startswith('/') else target}{rest}"
        if target.startswith("#") and len(target) > 1:
            anchor = target[1:]
            if anchor in self.anchors:
                return f"[{words}](#{self.anchors[anchor]}{rest}"
            page = published_page(self.variant, self.lang, anchor)
            if page is None:
                return words  # the words as plain text: no link that goes nowhere
            url, title = page
            return f'[{words}](<{url}> "{v.escape_value(title).replace(chr(34), chr(39))}")'
        return f"[{words}]({target}{rest}"

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
            out += self._walk(self._tree(mod.preamble_source_tree), mod.id, mod.origin, strings) + [""]
        for sec in mod.sections:
            mark = self._record(mod, sec.id, sec.origin, sec.line, sec.source, sec.change)
            self.anchors[f"{mod.id}--{sec.id}"] = mark
            tree = self._tree(sec.source_tree)
            heading = tree.part(0, 1)
            rest = tree.part(1, len(tree.blocks))
            head = next(iter(scoped_blocks(heading, mod.id, sec.origin, lambda f, t: self._link(heading, f, t))),
                        (None, ""))[1]
            col = heading_attr_col(head)
            title = head[len(head) - len(head.lstrip("#")):col].strip() if col >= 0 else head.lstrip("# ")
            out += [f"## {title} {{#{mark}}}", ""]
            if sec.core:
                out += _div("FP Core mark", v.escape_value(string(strings, "labels.core_section")))
            if sec.change:
                local = f"{string(strings, 'labels.adapted_section')} ({self.rm.variant_name})"
                out += _div("FP Local mark", v.escape_value(local))
            out += self._walk(rest, mod.id, sec.origin, strings) + [""]
        return out

    def markdown(self, modules: list[ResolvedModule]) -> str:
        self._plan(modules)  # every bookmark first: a link may point at a later module
        lines: list[str] = []
        for mod in modules:
            lines += self.module(mod)
        return "\n".join(lines)

    def _plan(self, modules: list[ResolvedModule]) -> None:
        """The bookmark of every module and section, numbered as :meth:`module` records them."""
        count = 0
        for index, mod in enumerate(modules, start=1):
            self.anchors[mod.id] = f"fp_m{index}"
            count += 1  # the preamble's record
            for sec in mod.sections:
                count += 1
                self.anchors[f"{mod.id}--{sec.id}"] = f"fp_s{count}"


def published_page(variant: ResolvedVariant, lang: str, anchor: str) -> tuple[str, str] | None:
    """The published address and title of the page an internal anchor ("module" or
    "module--section", as scoped_blocks writes a ``ref:``) names, or None when the variant has no
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
    heading = sec.tree.blocks[0] if sec.tree.blocks else None
    return heading.title if heading is not None and heading.kind == "heading" else sec.title


__all__ = ["Document", "SectionRecord", "PREAMBLE", "fallback_note", "variable_text", "marked_context", "published_page"]
