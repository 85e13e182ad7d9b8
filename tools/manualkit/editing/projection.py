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

from manualkit.core.body import ATTR_RE, CALLOUT_CLOSE_RE, CALLOUT_OPEN_RE, HEADING_RE, LINK_RE, fence_states

Where = Union[int, str]  # an offset in the source text, or "var:NAME"

_PLAIN_VAR = re.compile(r"\{\{\s*([A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*)\s*\}\}")
_ITEM = re.compile(r"^(\s*)(?:[-*+]|\d+[.)])[ \t]+")
_ENTITY = re.compile(r"&(?:#\d+|#x[0-9A-Fa-f]+|[A-Za-z]+);")
_TABLE_DELIM = re.compile(r"^\s*\|?\s*:?-{3,}:?\s*(\|\s*:?-{3,}:?\s*)*\|?\s*$")
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


def _inline(text: str, start: int, end: int, out: _Plain, var: Callable[[str], str]) -> None:
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
        elif c == "!" and text.startswith("![", i):
            m = LINK_RE.match(text, i)
            if m is None or m.end() > end:
                out.add(c, i)
                i += 1
                continue
            i = m.end()  # an image shows no words (its alt text is not in the paragraph)
        elif c == "[":
            m = LINK_RE.match(text, i)
            if m is None or m.end() > end:
                out.add(c, i)
                i += 1
                continue
            _inline(text, m.start(2), m.end(2), out, var)
            i = m.end()
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


def blocks(text: str, var: Callable[[str], str], generated: Callable[[str], bool] = lambda _name: False) -> list[Block]:
    """The paragraphs of a section's source text, as the DOCX shows them, in order. ``generated``
    tells the variables whose value is a Markdown block (filled in as it is, not as words)."""
    out: list[Block] = []
    lines = text.split("\n")
    offsets = []
    pos = 0
    for line in lines:
        offsets.append(pos)
        pos += len(line) + 1
    current: list[int] = []  # line indexes of the open block
    kind = "para"

    def close() -> None:
        nonlocal current
        if not current:
            return
        first, last = current[0], current[-1]
        start, end = offsets[first], offsets[last] + len(lines[last])
        plain = _Plain()
        content_end = end
        if kind == "code":
            for k in current[1:-1] if len(current) > 1 else []:
                for j, ch in enumerate(lines[k]):
                    plain.add(ch, offsets[k] + j)
                plain.add(" ", offsets[k] + len(lines[k]))
        elif kind == "heading":
            line = lines[first]
            s, e = offsets[first], offsets[first] + len(line)
            head = HEADING_RE.match(line)
            attr = ATTR_RE.search(line)
            s += len(line) - len(line.lstrip("#")) if head else 0
            if attr:
                e = offsets[first] + attr.start()
                content_end = e
            _inline(text, s, e, plain, var)
        else:  # the block's lines as one run of text: a link or emphasis may wrap across lines
            s = offsets[first] + (_ITEM.match(lines[first]).end() if kind == "item" else 0)
            _inline(text, s, end, plain, var)
        words, where = plain.done()
        out.append(Block(kind, start, end, content_end, words, where))
        current = []

    code = False
    for idx, (line, in_code) in enumerate(fence_states(lines)):
        stripped = line.strip()
        if in_code:
            if not code:
                close()
                code, kind = True, "code"
            current.append(idx)
            continue
        if code:
            close()
            code = False
        if not stripped:
            close()
            continue
        if stripped.startswith(":::") and (CALLOUT_OPEN_RE.match(stripped) or CALLOUT_CLOSE_RE.match(stripped)):
            close()
            continue
        whole = _PLAIN_VAR.fullmatch(stripped) if stripped.startswith("{{") else None
        if whole and generated(whole.group(1)):  # its value's paragraphs, all of them the variable's
            close()
            name = whole.group(1)
            s, e = offsets[idx], offsets[idx] + len(line)
            for b in blocks(var(name), var):
                out.append(Block(b.kind, s, e, e, b.plain, tuple(f"var:{name}" for _ in b.where), name))
            continue
        if line.startswith("#") and HEADING_RE.match(line):
            close()
            kind = "heading"
            current = [idx]
            close()
            continue
        if stripped.startswith("|"):
            close()
            if not _TABLE_DELIM.match(line):
                _cells(text, offsets[idx], line, out, var)
            continue
        if _ITEM.match(line) and not (kind == "para" and current and _continues_paragraph(line)):
            close()
            kind = "item"
            current = [idx]
            continue
        if not current:
            kind = "para"
        current.append(idx)
    close()
    return [b for b in out if b.plain]


def _continues_paragraph(line: str) -> bool:
    """A numbered line inside a paragraph ("18. juni 2021") goes on with the paragraph: as in
    CommonMark, only a list that starts at 1 can interrupt one."""
    number = re.match(r"\s*(\d+)[.)]", line)
    return number is not None and number.group(1) != "1"


def _cells(text: str, offset: int, line: str, out: list[Block], var: Callable[[str], str]) -> None:
    bounds = [i for i, ch in enumerate(line) if ch == "|" and (i == 0 or line[i - 1] != "\\")]
    for a, b in zip(bounds, bounds[1:]):
        plain = _Plain()
        _inline(text, offset + a + 1, offset + b, plain, var)
        words, where = plain.done()
        if words.startswith(" "):
            words, where = words[1:], where[1:]
        if words:
            out.append(Block("cell", offset + a + 1, offset + b, offset + b, words, where))


def normalise(text: str) -> str:
    """Whitespace as :func:`blocks` collapses it (for comparing a paragraph with a block)."""
    return " ".join(text.split())


__all__ = ["blocks", "Block", "normalise", "Where"]
