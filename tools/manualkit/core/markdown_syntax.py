"""The shapes of the Markdown the manual is written in: headings, fences, callouts, tables, links.

The one place these patterns live. The document tree (core/doctree.py) reads a text with them
once; the checker (core/body.py) uses the same ones for its line-level checks. None has two
neighbouring repetitions that can take the same characters, so none backtracks more than
linearly on crafted lines.
"""
from __future__ import annotations

import re
from typing import Iterator

CALLOUT_KINDS = ("note", "tip", "example", "warning", "core", "lines")  # lines: room to write, on handouts
LINES_N_RE = re.compile(r"\bn\s*=\s*[\"']?([^\s\"'}]*)")
MAX_WRITING_LINES = 30
DEFAULT_WRITING_LINES = 4


def writing_lines(opening: str) -> int:
    """How many ruled lines a '::: {.lines n=N}' line asks for, as every output draws them: N kept
    from 1 to MAX_WRITING_LINES, DEFAULT_WRITING_LINES when N is not given or not a whole number
    (the checker reports that as E816)."""
    found = LINES_N_RE.search(opening)
    n = int(found.group(1)) if found and found.group(1).isdigit() else DEFAULT_WRITING_LINES
    return max(1, min(MAX_WRITING_LINES, n))

# The patterns below are shared with the renderers. None has two neighbouring repetitions that
# can take the same characters, so none backtracks more than linearly on crafted lines.
HEADING_RE = re.compile(r"^(#{1,6})[ \t]+(.*)$")  # the closing '#'s and spaces are cut in parse_heading
ATTR_RE = re.compile(r"\{([^{}]*)\}[ \t]*$")
FENCE_RE = re.compile(r"^[ ]{0,3}(`{3,}|~{3,})[ \t]*(.*)$")
# used by the renderers to rewrite link targets (the checker finds links with markdown-it); the
# bounded repetitions keep the work per '[' constant on a crafted line such as '[a[a[a…'
LINK_RE = re.compile(r"(!?)\[((?:[^\[\]]|\[[^\]]{0,100}\]){0,2000})\]\(\s*<?([^)\s>]*)>?(?:\s+[\"'][^)]{0,1000}[\"'])?\s*\)")
CALLOUT_OPEN_RE = re.compile(r"^:::+[ \t]*(?:\{[ \t]*)?\.?([A-Za-z][\w-]*)([^}]*)(?:\}[ \t]*)?$")
CALLOUT_CLOSE_RE = re.compile(r"^:::+[ \t]*$")
_DELIM_CELL = re.compile(r":?-{3,}:?")


def is_table_delimiter(line: str) -> bool:
    """A pipe table's '| --- | :---: |' row (split and compared per cell: linear)."""
    s = line.strip()
    if s.startswith("|"):
        s = s[1:]
    if s.endswith("|"):
        s = s[:-1]
    cells = s.split("|")
    return bool(s.strip()) and all(_DELIM_CELL.fullmatch(c.strip()) for c in cells)


def heading_attr_col(line: str) -> int:
    """0-based column of a heading's trailing attribute list '{...}', or -1."""
    s = line.rstrip(" \t")
    if not s.endswith("}"):
        return -1
    start = s.rfind("{")
    return start if start >= 0 and "}" not in s[start:-1] else -1


def fence_states(lines: list[str]) -> Iterator[tuple[str, bool]]:
    """Each line with whether it belongs to a fenced code block (the fence lines included).

    The one place that knows how fences open and close; the checker and both renderers use it,
    so they agree on what is code.
    """
    fence: str | None = None
    for line in lines:
        fm = FENCE_RE.match(line) if line.lstrip()[:3] in ("```", "~~~") else None
        if fence is not None:
            yield line, True
            if fm and fm.group(1)[0] == fence[0] and len(fm.group(1)) >= len(fence) and not fm.group(2).strip():
                fence = None
        elif fm:
            fence = fm.group(1)
            yield line, True
        else:
            yield line, False


def parse_heading(line: str) -> tuple[int, str, str | None, bool, list[str]] | None:
    m = HEADING_RE.match(line)
    if not m:
        return None
    level, title = len(m.group(1)), m.group(2).rstrip(" \t").rstrip("#").rstrip(" \t")
    hid, core, bad = None, False, []
    col = heading_attr_col(title)
    if col >= 0:
        attrs = title[col + 1: title.rstrip(" \t").rfind("}")]
        title = title[:col].rstrip()
        for token in attrs.split():
            if token.startswith("#") and hid is None:
                hid = token[1:]
            elif token == ".core":
                core = True
            else:
                bad.append(token)
    return level, title, hid, core, bad

