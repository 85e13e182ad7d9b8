"""Resolved modules → one Markdown document for pandoc, and pandoc's Typst back into fragments.

Every module is wrapped in a fenced div that carries what the Lua filter needs and cannot
see in the text itself: the module id (to scope ids and cross-references), the folder each
section's text comes from (images are relative to it; an overlay's folder differs from the
base module's) and whether a section is core or adapted. The filter brackets each module's
output with ``// fp:begin <id>`` / ``// fp:end <id>``, so one pandoc run serves every PDF.
"""
from __future__ import annotations

import html
import posixpath
import re
from dataclasses import dataclass

from ..problems import BuildError
from ..resolve import ResolvedModule
from .pandoc import markdown_to_typst

_MARK = re.compile(r"^// fp:(begin|end) (\S+)$", re.MULTILINE)
_ESCAPED = re.compile(r"\\([\\`*_\[\]{}#|~<>!()+.\-])")
_ATTR_UNSAFE = re.compile(r'["\n\r{}]')


def plain(text: str) -> str:
    """Markdown-escaped text (a title with variables filled in) as the words a reader sees."""
    return " ".join(html.unescape(_ESCAPED.sub(r"\1", text)).split())


def _attr(value: str) -> str:
    return _ATTR_UNSAFE.sub("_", value)


def _folder(origin: str) -> str:
    return posixpath.dirname(origin) if "/" in origin else "."


def module_markdown(mod: ResolvedModule) -> str:
    """One module as a div: title heading, summary, preamble and sections, each with its origin."""
    out = [f'::::: {{.fp-module module="{_attr(mod.id)}"}}', "", f"# {mod.title} {{.fp-title}}", ""]
    if mod.summary.strip():
        out += [":::: fp-summary", mod.summary.strip(), "::::", ""]
    if mod.preamble.strip():
        out += [f'::::: {{.fp-section origin="{_attr(_folder(mod.origin))}"}}', "", mod.preamble.strip(), "", ":::::", ""]
    for sec in mod.sections:
        flags = (' core="1"' if sec.core else "") + (' adapted="1"' if sec.change else "")
        out += [f'::::: {{.fp-section origin="{_attr(_folder(sec.origin))}"{flags}}}', "", sec.text.strip(), "", ":::::", ""]
    out += [":::::", ""]
    return "\n".join(out)


@dataclass(frozen=True)
class Fragments:
    """Typst text per module id, as pandoc and the filter made it."""

    typst: dict[str, str]

    def __getitem__(self, mid: str) -> str:
        return self.typst[mid]


def split_fragments(typst: str) -> dict[str, str]:
    out: dict[str, str] = {}
    start: tuple[str, int] | None = None
    for found in _MARK.finditer(typst):
        kind, mid = found[1], found[2]
        if kind == "begin":
            start = (mid, found.end())
        elif start is not None and start[0] == mid:
            out[mid] = typst[start[1]:found.start()].strip("\n") + "\n"
            start = None
    return out


def convert(modules: list[ResolvedModule], what: str) -> Fragments:
    """All ``modules`` through one pandoc run. On failure, find the module that breaks it."""
    if not modules:
        return Fragments({})
    try:
        typst = markdown_to_typst("\n".join(module_markdown(mod) for mod in modules), what=what)
    except BuildError as whole:
        for mod in modules:
            try:
                markdown_to_typst(module_markdown(mod), what=f"module '{mod.id}'")
            except BuildError as exc:
                raise BuildError(f"{exc.message} (text from {mod.origin})", hint=exc.hint) from None
        raise whole
    fragments = split_fragments(typst)
    missing = [mod.id for mod in modules if mod.id not in fragments]
    if missing:
        raise BuildError(f"pandoc's output for {what} lost module(s) {', '.join(missing)}",
                         hint="a Lua filter in manualkit/printing/filters is broken; this is a bug in the toolkit")
    return Fragments(fragments)


__all__ = ["convert", "module_markdown", "split_fragments", "plain", "Fragments"]
