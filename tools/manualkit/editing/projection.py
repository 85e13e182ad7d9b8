"""The words a reader sees in a piece of Markdown, with where each character was written.

A section's source text is cut into the blocks that become paragraphs in the DOCX (a heading, a
paragraph, a list item, a table cell, a code block); callout fences and table delimiter rows make
no paragraph. For each block, :func:`blocks` gives its plain text (markup removed, whitespace
collapsed as Word shows it) and, per character, either its offset in the source text or the name
of the variable whose value produced it. A reviewer's edit on the plain text can then be placed
in the source, or refused when it touches a variable's words or crosses markup. A generated block
(a table the toolkit makes from the model, ``{{ table.phases }}`` on a line of its own) becomes the
paragraphs of its value, every character the variable's.
"""
from __future__ import annotations

import html
import re
from dataclasses import dataclass
from typing import Callable, Union

from manualkit.core.doctree import Link, Tree, parse

Where = Union[int, str]  # an offset in the source text, or "var:NAME"

_PLAIN_VAR = re.compile(r"\{\{\s*([A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*)\s*\}\}")
_ENTITY = re.compile(r"&(?:#\d+|#x[0-9A-Fa-f]+|[A-Za-z]+);")
PUNCT = set("\\`*_{}[]()#+-.!|~<>\"'$%&,/:;=?@^")


@dataclass(frozen=True)
class Block:
    kind: str  # heading | para | item | cell | code
    start: int  # offset of the block's first line in the section text
    end: int  # offset just after its last line (the newline not included)
    content_end: int  # where text added at the end of the block goes
    plain: str
    where: tuple[Where, ...]
    generated: str = ""  # the block variable whose value made the block ("" for text written in the source)


class _Plain:
    def __init__(self) -> None:
        self.chars: list[str] = []
        self.where: list[Where] = []

    def add(self, ch: str, at: Where) -> None:
        if ch.isspace():
            if not self.chars or self.chars[-1] == " ":
                return
            ch = " "
        self.chars.append(ch)
        self.where.append(at)

    def done(self) -> tuple[str, tuple[Where, ...]]:
        while self.chars and self.chars[-1] == " ":
            self.chars.pop()
            self.where.pop()
        return "".join(self.chars), tuple(self.where)


def _inline(text: str, start: int, end: int, out: _Plain, var: Callable[[str], str],
            links: dict[int, Link]) -> None:
    i = start
    while i < end:
        c = text[i]
        if c == "\\" and i + 1 < end and text[i + 1] in PUNCT:
            out.add(text[i + 1], i + 1)
            i += 2
        elif c == "{" and text.startswith("{{", i):
            m = _PLAIN_VAR.match(text, i)
            if m is None:
                out.add(c, i)
                i += 1
                continue
            for ch in var(m.group(1)):
                out.add(ch, f"var:{m.group(1)}")
            i = m.end()
        elif i in links and links[i].end <= end:  # a link or image, as the tree found it
            found = links[i]
            if not found.image:  # an image shows no words (its alt text is not in the paragraph)
                _inline(text, found.text_start, found.text_end, out, var, links)
            i = found.end
        elif c == "*":
            i += 1
        elif c == "_" and not (i > start and text[i - 1].isalnum() and i + 1 < end and text[i + 1].isalnum()):
            i += 1
        elif c == "`":
            n = len(text[i:end]) - len(text[i:end].lstrip("`"))
            close = text.find("`" * n, i + n, end)
            if close < 0:
                out.add(c, i)
                i += 1
                continue
            for k in range(i + n, close):
                out.add(text[k], k)
            i = close + n
        elif c == "&" and _ENTITY.match(text, i):
            m = _ENTITY.match(text, i)
            for ch in html.unescape(m.group(0)):
                out.add(ch, i)
            i = m.end()
        else:
            out.add(c, i)
            i += 1


def blocks(text: str | Tree, var: Callable[[str], str], generated: Callable[[str], bool] = lambda _name: False) -> list[Block]:
    """The paragraphs of a section's source text, as the DOCX shows them, in order, walking the
    text's tree (core/doctree.py): what the outputs call a paragraph, list item, table cell or
    link, the import does too. ``generated`` tells the variables whose value is a Markdown block
    (filled in as it is, not as words). ``text``: the section's tree, or a text to read (the value
    of a block variable)."""
    tree = parse(text) if isinstance(text, str) else text
    text = tree.text
    links = {found.start: found for found in tree.links}
    out: list[Block] = []
    for b in tree.blocks:
        if b.kind in ("blank", "delim", "callout", "close"):
            continue
        if b.kind == "variable" and generated(b.name):  # its value's paragraphs, all of them the variable's
            for inner in blocks(var(b.name), var):
                out.append(Block(inner.kind, b.start, b.end, b.end, inner.plain, tuple(f"var:{b.name}" for _ in inner.where),
                                 b.name))
            continue
        if b.kind == "row":
            _cells(text, b.start, b.text, out, var, links)
            continue
        plain = _Plain()
        if b.kind == "code":
            offset = b.start
            for k, line in enumerate(b.lines):
                if 0 < k < len(b.lines) - 1:
                    for j, ch in enumerate(line):
                        plain.add(ch, offset + j)
                    plain.add(" ", offset + len(line))
                offset += len(line) + 1
            kind = "code"
        else:
            _inline(text, b.content_start, b.content_end, plain, var, links)
            kind = "para" if b.kind == "variable" else b.kind
        words, where = plain.done()
        out.append(Block(kind, b.start, b.end, b.content_end, words, where))
    return [b for b in out if b.plain]


def _cells(text: str, offset: int, line: str, out: list[Block], var: Callable[[str], str],
           links: dict[int, Link]) -> None:
    bounds = [i for i, ch in enumerate(line) if ch == "|" and (i == 0 or line[i - 1] != "\\")]
    for a, b in zip(bounds, bounds[1:]):
        plain = _Plain()
        _inline(text, offset + a + 1, offset + b, plain, var, links)
        words, where = plain.done()
        if words.startswith(" "):
            words, where = words[1:], where[1:]
        if words:
            out.append(Block("cell", offset + a + 1, offset + b, offset + b, words, where))


def normalise(text: str) -> str:
    """Whitespace as :func:`blocks` collapses it (for comparing a paragraph with a block)."""
    return " ".join(text.split())


__all__ = ["blocks", "Block", "normalise", "Where"]
