"""Emphasis markers (``*``, ``**``, ``_``, ``__``) that open without closing, or close without opening.

The site shows such a marker as a literal star or underscore ("**Avtal med foreldrene." with
its closing ``**`` gone reads "**Avtal med foreldrene." on the page). The scan follows
CommonMark's delimiter-run rules (left- and right-flanking runs, intraword ``_`` is text, the
rule of three), per inline context: a paragraph (its lines joined), a list item, a heading, a
table cell. Code spans, escaped characters, link targets, autolinks, variables (``{{ }}``) and
attribute lists are masked first. Linear in the length of the text; pure.
"""
from __future__ import annotations

import re
import unicodedata
from bisect import bisect_right

from manualkit.core.markdown_scan import mask_code_spans

LOOK_BACK = 64  # openers a closer looks back over: keeps a hostile paragraph of markers linear

_BLOCK_START = re.compile(r"^[ \t]*(?:>[ \t]?)*(?:[-+*][ \t]+|\d{1,9}[.)][ \t]+|#{1,6}[ \t]+|:::)?")
_RULE = re.compile(r"^[ \t]{0,3}(?:(?:\*[ \t]*){3,}|(?:-[ \t]*){3,}|(?:_[ \t]*){3,})$")
_MASKS = (re.compile(r"\\[^\sA-Za-z0-9]"), re.compile(r"\]\([^)\n]{0,2000}\)"), re.compile(r"<[A-Za-z][\w+.-]*:[^>\s]*>"),
          re.compile(r"\{\{[^}\n]{0,500}\}\}"), re.compile(r"\{[#.][^{}]*\}"), re.compile(r"https?://\S+"))


def _punct(ch: str) -> bool:
    return unicodedata.category(ch)[0] in "PS"


def _mask(line: str) -> str:
    masked, _ends = mask_code_spans(line)
    for pattern in _MASKS:
        masked = pattern.sub(lambda m: " " * len(m.group(0)) if m.group(0).startswith("\\") else
                             m.group(0)[0] + "x" * (len(m.group(0)) - 1), masked)
    return masked


def _runs(text: str):
    """(offset, char, length, can_open, can_close) of every '*' or '_' run in one inline context."""
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if ch not in "*_":
            i += 1
            continue
        j = i
        while j < n and text[j] == ch:
            j += 1
        before = text[i - 1] if i > 0 else " "
        after = text[j] if j < n else " "
        left = not after.isspace() and (not _punct(after) or before.isspace() or _punct(before))
        right = not before.isspace() and (not _punct(before) or after.isspace() or _punct(after))
        if ch == "*":
            can_open, can_close = left, right
        else:
            can_open = left and (not right or _punct(before))
            can_close = right and (not left or _punct(after))
        if can_open or can_close:
            yield i, ch, j - i, can_open, can_close
        i = j


def unmatched(text: str) -> list[tuple[int, str]]:
    """(offset, marker) of every emphasis run left over in one inline context (masked text)."""
    runs = [[o, ch, n, op, cl, n] for o, ch, n, op, cl in _runs(text)]  # last: characters not yet matched
    stack: list[list] = []
    for run in runs:
        _o, ch, _n, can_open, can_close, _left = run
        if can_close:
            k = len(stack) - 1
            floor = max(-1, k - LOOK_BACK)
            while run[5] > 0 and k > floor:
                op = stack[k]
                if op[1] != ch or op[5] == 0:
                    k -= 1
                    continue
                both = (op[3] and op[4]) or (can_open and can_close)
                if both and (op[2] + run[2]) % 3 == 0 and not (op[2] % 3 == 0 and run[2] % 3 == 0):
                    k -= 1
                    continue
                used = 2 if op[5] >= 2 and run[5] >= 2 else 1
                op[5] -= used
                run[5] -= used
                del stack[k + 1:]  # openers between them can no longer be closed
                if op[5] == 0:
                    stack.pop(k)
                    k -= 1
        if can_open and run[5] > 0:
            stack.append(run)
    return [(r[0], r[1] * r[5]) for r in runs if r[5] > 0]


def contexts(lines: list[str]) -> list[list[tuple[int, int, str]]]:
    """The inline contexts of a block of Markdown lines (fenced code already blanked), each as
    (line index, column of the text, masked text) pieces in order."""
    out: list[list[tuple[int, int, str]]] = []
    current: list[tuple[int, int, str]] = []

    def close() -> None:
        nonlocal current
        if current:
            out.append(current)
        current = []

    for i, raw in enumerate(lines):
        if not raw.strip() or _RULE.match(raw):
            close()
            continue
        masked = _mask(raw)
        start = _BLOCK_START.match(masked)
        prefix = start.group(0) if start else ""
        if prefix.strip() or masked.lstrip().startswith("|"):
            close()  # a new list item, heading, quote, callout line or table row starts a context
        if masked.lstrip().startswith("|"):
            col = 0
            for cell in masked.split("|"):
                if cell.strip():
                    out.append([(i, col, cell)])
                col += len(cell) + 1
            continue
        if prefix.lstrip().startswith("#") or prefix.startswith(":::"):
            out.append([(i, len(prefix), masked[len(prefix):])])
            continue
        current.append((i, len(prefix), masked[len(prefix):]))
    close()
    return out


def unbalanced(lines: list[str]) -> list[tuple[int, int, str]]:
    """(line index, 0-based column, marker) of every emphasis marker that neither opens nor closes."""
    found = []
    for ctx in contexts(lines):
        joined, starts = "", []
        for _i, _col, piece in ctx:
            starts.append(len(joined))
            joined += piece + "\n"
        for offset, marker in unmatched(joined):
            k = bisect_right(starts, offset) - 1
            i, col, _piece = ctx[k]
            found.append((i, col + offset - starts[k], marker))
    return sorted(found)


def balanced(text: str) -> bool:
    """True when ``text`` (one block of Markdown) has no emphasis marker left over."""
    return not unbalanced(text.split("\n"))
