"""Reading a module body: split into sections and find what the checks need.

The body is scanned line by line (fenced code blocks are skipped for headings and links).
:func:`parse_body` returns a :class:`Body` with the preamble, the ``##`` sections and every
link, image and heading with its line in the file, plus the problems found on the way.
Links come from a real Markdown parser and raw HTML and attribute lists from a scan of the
source (see markdown_scan.py); every step is linear in the length of the text.
"""
from __future__ import annotations

import bisect
import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Iterator

from manualkit.core.doctree import Cut, Tree, tree_for
from manualkit.core.emphasis import unbalanced
from manualkit.core.markdown_scan import MAX_INLINE, Link, links as scan_links, mask_code_spans, source_findings
from manualkit.core.privacy import find as find_private
from manualkit.core.privacy import fnr_is_valid  # noqa: F401  (re-exported: tests make valid numbers with it)
from manualkit.core.problems import Problem, make
from manualkit.core.schema import ID_RE
from manualkit.core.markdown_syntax import (ATTR_RE, CALLOUT_CLOSE_RE, CALLOUT_KINDS, CALLOUT_OPEN_RE,  # noqa: F401
                                            DEFAULT_WRITING_LINES, FENCE_RE, HEADING_RE, LINES_N_RE, LINK_RE,
                                            MAX_WRITING_LINES, fence_states, heading_attr_col,
                                            is_table_delimiter, parse_heading, writing_lines)

MAX_PROBLEMS = 200  # per file: the rest is counted in one E814
WEAK_LINK_TEXTS = {"her", "klikk her", "trykk her", "les mer", "lenke", "denne lenken", "click here",
                   "here", "read more", "more", "link", "this link", "mer"}


_INVISIBLE = "".join(chr(i) for i in range(0x21))


def unsafe_scheme(target: str) -> bool:
    """True for javascript:, vbscript: and data: addresses, as a browser reads them (tabs and
    newlines inside ignored, case ignored)."""
    low = target.strip(_INVISIBLE).lower().replace("\t", "").replace("\n", "").replace("\r", "")
    return low.startswith(("javascript:", "vbscript:", "data:", "livescript:"))


@dataclass(frozen=True)
class Heading:
    level: int
    title: str
    id: str | None
    core: bool
    line: int


@dataclass(frozen=True)
class Section:
    """A ``##`` section: its heading and the text up to the next ``##``."""

    id: str
    title: str
    core: bool
    line: int  # line of the heading in the file
    text: str  # the heading line and the content, as written
    origin: str  # the file it comes from (base module or overlay)
    cut: Cut | None = field(default=None, compare=False, repr=False)  # where in its file (core/doctree.py)

    @property
    def tree(self) -> Tree:
        return tree_for(self.text, self.cut)


@dataclass(frozen=True)
class Body:
    preamble: str
    sections: tuple[Section, ...]
    headings: tuple[Heading, ...]
    links: tuple[Link, ...]
    callout_kinds: tuple[str, ...]
    preamble_cut: Cut | None = field(default=None, compare=False, repr=False)

    @property
    def preamble_tree(self) -> Tree:
        return tree_for(self.preamble, self.preamble_cut)


def slugify(title: str) -> str:
    """A proposal for a section id from a heading title (æ→ae, ø→o, å→a)."""
    text = title.lower().replace("æ", "ae").replace("ø", "o").replace("å", "a")
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    while "{{" in text and "}}" in text[text.index("{{"):]:  # drop variables (no regex: linear)
        start = text.index("{{")
        text = text[:start] + text[text.index("}}", start) + 2:]
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-")[:40].strip("-") or "section"


def _mask_code_spans(line: str) -> tuple[str, list[tuple[int, str]]]:
    """Replace inline code with spaces (columns kept); report raw inline attributes (`x`{=typst})."""
    masked, ends = mask_code_spans(line)
    raws: list[tuple[int, str]] = []
    for end in ends:
        if line.startswith("{=", end):
            close = line.find("}", end)
            raws.append((end, line[end + 2: close if close > 0 else len(line)].strip()))
    return masked, raws



def parse_body(text: str, rel: str, first_line: int, *, check: bool = True) -> tuple[Body, list[Problem]]:
    """Parse a module or overlay body whose first line is line ``first_line`` of file ``rel``.

    Memoised: every variant parses the same base sections again after its overlay, so the
    result (immutable, apart from the fresh list of problems) is kept per text and position.
    """
    body, problems = _parse_body(text, rel, first_line, check)
    return body, list(problems)


@lru_cache(maxsize=8192)
def _parse_body(text: str, rel: str, first_line: int, check: bool) -> tuple[Body, tuple[Problem, ...]]:
    problems: list[Problem] = []
    lines = text.split("\n")
    headings: list[Heading] = []
    kinds: list[str] = []
    preamble: list[str] = []
    sections: list[list] = []  # [id, title, core, line, [lines]]
    seen_ids: dict[str, int] = {}
    fence: str | None = None
    callout_line = 0
    prev_level = 1
    table_start: int | None = None
    table_ok = True
    scan_lines: list[str] = []  # the text as the link parser sees it: fenced code blanked

    hidden = [0]

    def add(code: str, lineno: int, col: int = 1, **fmt: object) -> None:
        if not check:
            return
        if len(problems) >= MAX_PROBLEMS:
            hidden[0] += 1
            return
        problems.append(make(code, rel, lineno, col, **fmt))

    for i, raw in enumerate(lines):
        lineno = first_line + i
        target = sections[-1][4] if sections else preamble
        head = raw.lstrip()[:3]
        fm = FENCE_RE.match(raw) if head in ("```", "~~~") else None
        if fence is not None or fm:
            scan_lines.append("")
        else:
            scan_lines.append(raw)
        if fence is not None:
            target.append(raw)
            if fm and fm.group(1)[0] == fence[0] and len(fm.group(1)) >= len(fence) and not fm.group(2).strip():
                fence = None
            continue
        if fm:
            fence = fm.group(1)
            info = fm.group(2).strip()
            if info.startswith("{=") or info.startswith("{ ="):
                add("E803", lineno, 1, format=info.strip("{}= ") or "format")
            if check and ("<" in info or "{" in info):  # the site's Markdown may read it as text, not as a fence
                _report_findings(source_findings(raw, lineno), lineno, add)
            target.append(raw)
            continue

        # tables: the first row of a block of '|' lines must be followed by a delimiter row
        if raw.lstrip().startswith("|"):
            if table_start is None:
                table_start = lineno
                nxt = lines[i + 1] if i + 1 < len(lines) else ""
                table_ok = is_table_delimiter(nxt)
                if not table_ok:
                    add("E902", lineno, 1)
        else:
            table_start = None

        if "`" in raw:
            masked, raw_inline = _mask_code_spans(raw)
            for col, fmt in raw_inline:
                add("E803", lineno, col + 1, format=fmt)
        else:
            masked = raw
        h = parse_heading(raw) if head.startswith("#") else None
        callout = CALLOUT_OPEN_RE.match(masked.strip()) if head == ":::" else None
        if check and ("<" in masked or "{" in masked):
            skip = heading_attr_col(masked) if h else (masked.find("{") if callout else -1)
            _report_findings(source_findings(masked, lineno, skip_attr_at=skip), lineno, add)
        if h:
            level, title, hid, core, bad = h
            if level == 1:
                add("E405", lineno, 1)
            elif level > prev_level + 1:
                add("E404", lineno, 1, prev=prev_level, level=level, fix=prev_level + 1)
            prev_level = max(level, 2)
            for token in bad:
                add("E408", lineno, len(raw) - len(raw.lstrip()) + 1, attr=token)
            if hid is not None and not ID_RE.fullmatch(hid):
                add("E407", lineno, raw.find("{") + 1, id=hid, proposal=slugify(hid))
            headings.append(Heading(level, title, hid, core, lineno))
            if level == 2:
                if hid is None:
                    add("E401", lineno, 1, title=title, proposal=slugify(title))
                    hid = f"(line {lineno})"
                elif hid in seen_ids:
                    add("E402", lineno, raw.find("{") + 1, id=hid, first=seen_ids[hid])
                seen_ids.setdefault(hid, lineno)
                sections.append([hid, title, core, lineno, [raw]])
                continue
            target.append(raw)
            continue

        target.append(raw)
        stripped = masked.strip() if head == ":::" else ""
        if stripped and CALLOUT_CLOSE_RE.match(stripped) and callout_line:
            callout_line = 0
        elif callout:
            kind = callout.group(1)
            if callout_line:
                add("E810", lineno, 1)
            if kind not in CALLOUT_KINDS:
                add("E808", lineno, 1, kind=kind, allowed=", ".join(CALLOUT_KINDS))
            elif kind == "lines":  # '::: {.lines n=5}': the one attribute a callout may have
                nm = LINES_N_RE.search(stripped)
                rest = LINES_N_RE.sub("", callout.group(2)).strip(" \t{}")
                if nm and not (nm.group(1).isdigit() and 1 <= int(nm.group(1)) <= MAX_WRITING_LINES):
                    add("E816", lineno, 1, value=nm.group(1), most=MAX_WRITING_LINES)
                elif rest:
                    add("E811", lineno, raw.find(":::") + 1, attrs=stripped)
            elif callout.group(2).strip():  # '::: {.note key=value}': only the kind is allowed
                add("E811", lineno, raw.find(":::") + 1, attrs=stripped)
            kinds.append(kind)
            callout_line = lineno

    links, found = scan_links(scan_lines, first_line)
    for f in found:
        if f.kind == "too-long":
            add("E812", f.line, f.col, length=f.text, limit=MAX_INLINE)
    if check:
        _check_private(text, first_line, add)
        if "*" in text or "_" in text:
            for i, col, marker in unbalanced(scan_lines):
                add("E1701", first_line + i, col + 1, marker=marker, char=marker[0])
    if callout_line:
        add("E809", callout_line, 1, opened=callout_line)
    if hidden[0]:
        problems.append(make("E814", rel, first_line, 1, count=hidden[0]))

    # each part knows where it was cut from: the whole text is read into its tree once, when a
    # later stage first walks a part of it (check=False: a chunk of a text already read, looked
    # at again for its ids and links only)
    cut = (lambda i: Cut(text, i)) if check else (lambda i: None)
    secs = tuple(Section(sid, title, core, line, "\n".join(body_lines), rel, cut(i))
                 for i, (sid, title, core, line, body_lines) in enumerate(sections))
    body = Body("\n".join(preamble), secs, tuple(headings), tuple(links), tuple(kinds), cut(-1))
    return body, tuple(problems)


def _report_findings(found_all, lineno: int, add) -> None:
    for found in found_all:
        if found.kind == "html":
            add("E801", lineno, found.col, tag=found.text)
        elif found.kind == "attrs":
            add("E811", lineno, found.col, attrs=found.text)
        else:
            add("E813", lineno, found.col)


def _check_private(text: str, first_line: int, add) -> None:
    """Personal data anywhere in the text (code blocks included), by file line and column."""
    found = find_private(text)
    if not found:
        return
    starts = [0] + [i + 1 for i, ch in enumerate(text) if ch == "\n"]
    for code, offset, value in found:
        i = bisect.bisect_right(starts, offset) - 1
        if code == "E805":
            add(code, first_line + i, offset - starts[i] + 1)
        else:
            add(code, first_line + i, offset - starts[i] + 1, value=value)


def field_findings(value: object) -> list[tuple[str | None, str, dict]]:
    """Raw HTML, attribute lists, unsafe links and personal data in a metadata text (title, summary, name).

    Returns (language key or None, rule code, message fields); a text that is one per language
    is looked at per language.
    """

    items = value.items() if isinstance(value, dict) else [(None, value)]
    out: list[tuple[str | None, str, dict]] = []
    for key, text in items:
        if not isinstance(text, str) or not text:
            continue
        for number, line in enumerate(text.split("\n")):
            masked, _ends = mask_code_spans(line)
            for found in source_findings(masked, number):
                if found.kind == "html":
                    out.append((key, "E801", {"tag": found.text}))
                elif found.kind == "attrs":
                    out.append((key, "E811", {"attrs": found.text}))
                else:
                    out.append((key, "E813", {}))
        for code, _offset, found_value in find_private(text):
            out.append((key, code, {} if code == "E805" else {"value": found_value}))
        if "[" in text or "<" in text:
            found_links, _found = scan_links(text.split("\n"), 1)
            if any(unsafe_scheme(link.target) for link in found_links):
                out.append((key, "E802", {}))
        elif unsafe_scheme(text):
            out.append((key, "E802", {}))
    return out

