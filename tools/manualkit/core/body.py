"""Reading a module body: split into sections and find what the checks need.

The body is scanned line by line (fenced code blocks are skipped for headings and links).
:func:`parse_body` returns a :class:`Body` with the preamble, the ``##`` sections and every
link, image and heading with its line in the file, plus the problems found on the way.
"""
from __future__ import annotations

import bisect
import re
import unicodedata
from dataclasses import dataclass
from typing import Iterator

from manualkit.core.problems import Problem, make
from manualkit.core.schema import ID_RE

CALLOUT_KINDS = ("note", "tip", "example", "warning", "core", "lines")  # lines: room to write, on handouts
LINES_N_RE = re.compile(r"\bn\s*=\s*[\"']?([^\s\"'}]*)")
MAX_WRITING_LINES = 30

HEADING_RE = re.compile(r"^(#{1,6})[ \t]+(.*?)[ \t]*#*[ \t]*$")
ATTR_RE = re.compile(r"[ \t]*\{([^{}]*)\}[ \t]*$")
FENCE_RE = re.compile(r"^[ ]{0,3}(`{3,}|~{3,})[ \t]*(.*)$")
LINK_RE = re.compile(r"(!?)\[((?:[^\[\]]|\[[^\]]*\])*)\]\(\s*<?([^)\s>]*)>?(?:\s+[\"'][^)]*[\"'])?\s*\)")
CODE_SPAN_RE = re.compile(r"(`+)(.+?)\1(\{=[a-z]+\})?")
HTML_RE = re.compile(r"<(/?[A-Za-z][A-Za-z0-9-]*)(?:\s[^<>]*)?/?>|<!--")
CALLOUT_OPEN_RE = re.compile(r"^:::+[ \t]*\{?[ \t]*\.?([A-Za-z][\w-]*)[^}]*\}?[ \t]*$")
CALLOUT_CLOSE_RE = re.compile(r"^:::+[ \t]*$")
TABLE_DELIM_RE = re.compile(r"^\s*\|?\s*:?-{3,}:?\s*(\|\s*:?-{3,}:?\s*)*\|?\s*$")
EMAIL_RE = re.compile(r"(?<![\w.+-])[\w.+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")
PHONE_RE = re.compile(
    r"(?<![\w+])(?:(?:\+|00)47[ \t-]?)?(?:\d{8}|\d{2}(?:[ \t]\d{2}){3}|\d{3}[ \t]\d{2}[ \t]\d{3})(?![\w])")
FNR_RE = re.compile(r"(?<!\d)(\d{6})[ \t]?(\d{5})(?!\d)")
_DIGITS = re.compile(r"\d{2}[ \t]?\d{2}[ \t]?\d{2}")
WEAK_LINK_TEXTS = {"her", "klikk her", "trykk her", "les mer", "lenke", "denne lenken", "click here",
                   "here", "read more", "more", "link", "this link", "mer"}


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


@dataclass(frozen=True)
class Link:
    image: bool
    text: str
    target: str
    line: int
    col: int


@dataclass(frozen=True)
class Body:
    preamble: str
    sections: tuple[Section, ...]
    headings: tuple[Heading, ...]
    links: tuple[Link, ...]
    callout_kinds: tuple[str, ...]


def slugify(title: str) -> str:
    """A proposal for a section id from a heading title (æ→ae, ø→o, å→a)."""
    text = title.lower().replace("æ", "ae").replace("ø", "o").replace("å", "a")
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    text = re.sub(r"\{\{.*?\}\}", "", text)
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-")[:40].strip("-") or "section"


def fnr_is_valid(digits: str) -> bool:
    """True when 11 digits pass both mod-11 check digits of a Norwegian identity number."""
    d = [int(c) for c in digits]
    w1 = (3, 7, 6, 1, 8, 9, 4, 5, 2)
    w2 = (5, 4, 3, 2, 7, 6, 5, 4, 3, 2)
    k1 = 11 - sum(a * b for a, b in zip(w1, d)) % 11
    k1 = 0 if k1 == 11 else k1
    if k1 == 10 or k1 != d[9]:
        return False
    k2 = 11 - sum(a * b for a, b in zip(w2, d)) % 11
    k2 = 0 if k2 == 11 else k2
    return k2 != 10 and k2 == d[10]


def _mask_code_spans(line: str) -> tuple[str, list[tuple[int, str]]]:
    """Replace inline code with spaces (columns kept); report raw inline attributes."""
    raws: list[tuple[int, str]] = []

    def repl(m: re.Match[str]) -> str:
        if m.group(3):
            raws.append((m.start(), m.group(3)[2:-1]))
        return " " * len(m.group(0))

    return CODE_SPAN_RE.sub(repl, line), raws


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
    level, title = len(m.group(1)), m.group(2)
    hid, core, bad = None, False, []
    am = ATTR_RE.search(title)
    if am:
        title = title[: am.start()].rstrip()
        for token in am.group(1).split():
            if token.startswith("#") and hid is None:
                hid = token[1:]
            elif token == ".core":
                core = True
            else:
                bad.append(token)
    return level, title, hid, core, bad


def parse_body(text: str, rel: str, first_line: int, *, check: bool = True) -> tuple[Body, list[Problem]]:
    """Parse a module or overlay body whose first line is line ``first_line`` of file ``rel``."""
    problems: list[Problem] = []
    lines = text.split("\n")
    headings: list[Heading] = []
    links: list[Link] = []
    kinds: list[str] = []
    preamble: list[str] = []
    sections: list[list] = []  # [id, title, core, line, [lines]]
    seen_ids: dict[str, int] = {}
    fence: str | None = None
    callout_line = 0
    prev_level = 1
    table_start: int | None = None
    table_ok = True

    def add(code: str, lineno: int, col: int = 1, **fmt: object) -> None:
        if check:
            problems.append(make(code, rel, lineno, col, **fmt))

    for i, raw in enumerate(lines):
        lineno = first_line + i
        target = sections[-1][4] if sections else preamble
        head = raw.lstrip()[:3]
        fm = FENCE_RE.match(raw) if head in ("```", "~~~") else None
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
            target.append(raw)
            continue

        # tables: the first row of a block of '|' lines must be followed by a delimiter row
        if raw.lstrip().startswith("|"):
            if table_start is None:
                table_start = lineno
                nxt = lines[i + 1] if i + 1 < len(lines) else ""
                table_ok = bool(TABLE_DELIM_RE.match(nxt))
                if not table_ok:
                    add("E902", lineno, 1)
        else:
            table_start = None

        h = parse_heading(raw) if head.startswith("#") else None
        if h:
            level, title, hid, core, bad = h
            if level == 1:
                add("E405", lineno, 1)
            elif level > prev_level + 1:
                add("E404", lineno, 1, prev=prev_level, level=level, fix=prev_level + 1)
            prev_level = max(level, 2)
            for token in bad:
                add("E408", lineno, len(raw) - len(raw.lstrip()) + 1, attr=token)
            if hid is not None and not ID_RE.match(hid):
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
        if "`" in raw:
            masked, raw_inline = _mask_code_spans(raw)
            for col, fmt in raw_inline:
                add("E803", lineno, col + 1, format=fmt)
        else:
            masked = raw

        stripped = masked.strip() if head == ":::" else ""
        if stripped and CALLOUT_CLOSE_RE.match(stripped) and callout_line:
            callout_line = 0
        elif stripped:
            cm = CALLOUT_OPEN_RE.match(stripped)
            if cm:
                kind = cm.group(1)
                if callout_line:
                    add("E810", lineno, 1)
                if kind not in CALLOUT_KINDS:
                    add("E808", lineno, 1, kind=kind, allowed=", ".join(CALLOUT_KINDS))
                elif kind == "lines":
                    nm = LINES_N_RE.search(stripped)
                    if nm and not (nm.group(1).isdigit() and 1 <= int(nm.group(1)) <= MAX_WRITING_LINES):
                        add("E811", lineno, 1, value=nm.group(1), most=MAX_WRITING_LINES)
                kinds.append(kind)
                callout_line = lineno

        if "<" in masked:
            for m in HTML_RE.finditer(masked):
                tag = m.group(0) if m.group(0) == "<!--" else f"<{m.group(1)}>"
                add("E801", lineno, m.start() + 1, tag=tag)
        if "](" in masked:
            for m in LINK_RE.finditer(masked):
                links.append(Link(bool(m.group(1)), m.group(2), m.group(3), lineno, m.start() + 1))

    if check:
        _check_private(text, first_line, add)
    if callout_line:
        add("E809", callout_line, 1, opened=callout_line)

    secs = tuple(Section(sid, title, core, line, "\n".join(body_lines), rel)
                 for sid, title, core, line, body_lines in sections)
    body = Body("\n".join(preamble), secs, tuple(headings), tuple(links), tuple(kinds))
    return body, problems


def _check_private(text: str, first_line: int, add) -> None:
    """Personal data anywhere in the text (code blocks included), by file line and column."""
    starts = [0] + [i + 1 for i, ch in enumerate(text) if ch == "\n"] if ("@" in text or _DIGITS.search(text)) else []
    if not starts:
        return

    def where(offset: int) -> tuple[int, int]:
        i = bisect.bisect_right(starts, offset) - 1
        return first_line + i, offset - starts[i] + 1

    for m in EMAIL_RE.finditer(text):
        add("E806", *where(m.start()), value=m.group(0))
    masked = EMAIL_RE.sub(lambda m: " " * len(m.group(0)), text)
    for m in FNR_RE.finditer(masked):
        if fnr_is_valid(m.group(1) + m.group(2)):
            add("E805", *where(m.start()))
            masked = masked[: m.start()] + " " * (m.end() - m.start()) + masked[m.end():]
    for m in PHONE_RE.finditer(masked):
        add("E807", *where(m.start()), value=m.group(0).strip())


def unsafe_text(value: object) -> str | None:
    """The first raw HTML tag or javascript: link in a metadata text (title, summary), if any."""
    texts = value.values() if isinstance(value, dict) else [value]
    for text in texts:
        if not isinstance(text, str):
            continue
        m = HTML_RE.search(text)
        if m:
            return m.group(0) if m.group(0) == "<!--" else f"<{m.group(1)}>"
        if "javascript:" in text.lower().replace(" ", ""):
            return "javascript:"
    return None


def join_sections(preamble: str, sections: tuple[Section, ...] | list[Section]) -> str:
    parts = [preamble.rstrip("\n")] if preamble.strip() else []
    parts += [s.text.rstrip("\n") for s in sections]
    return "\n\n".join(parts) + "\n"
