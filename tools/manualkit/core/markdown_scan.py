"""Finding what the checker must see in Markdown, in linear time.

Two kinds of scan, each linear in the length of the text:

* **Links of every form** (inline, reference-style with their definitions, autolinks, images)
  come from markdown-it-py's CommonMark parser, not from a regular expression. markdown-it-py
  itself is quadratic on some inputs (a long list without blank lines, a paragraph of ``[``),
  so it only ever sees small pieces: the text is cut at blank lines (fenced code removed first)
  into chunks of at most :data:`MAX_CHUNK_LINES` lines, chunks without ``[`` or ``<`` are not
  parsed at all, and an inline run longer than :data:`MAX_INLINE` characters is refused (E812)
  instead of parsed. Every problem is found at its file line.
* **Raw HTML, attribute lists and variables as link targets** are found on the source itself
  (code spans masked first), by what a browser or Python-Markdown would read, which is more than
  CommonMark calls HTML: ``<svg/onload=...>`` is not an HTML tag for CommonMark, but it is for
  a browser. The patterns are single passes without nested repetition.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from markdown.blockprocessors import ReferenceProcessor

MAX_CHUNK_LINES = 200
MAX_INLINE = 20_000
MAX_PER_LINE = 10  # findings reported per line: a line of 300 000 tags needs one message, not all

# '<' then what starts a tag, a comment, a declaration or a processing instruction for a browser
_TAG = re.compile(r"<(?:(/?[A-Za-z][A-Za-z0-9-]*)|(!--)|(![A-Za-z\[])|(\?))")
_AUTOLINK_AFTER_NAME = re.compile(r"[A-Za-z0-9+.-]*:|[\w.+-]*@")
_BRACE = re.compile(r"(?<![{\\$])\{(?![{%])")
# (no two neighbouring repetitions can share characters: every pattern here fails fast)
_ATTR_START = re.compile(r"[ \t]*(?::[ \t]*)?(?:[#.][\w-]|[A-Za-z_][\w:.-]*[ \t]*=)")
_VAR_TARGET = re.compile(r"\]\([ \t]*(?:<[ \t]*)?\{\{|^[ ]{0,3}\[[^\]\n]{0,999}\]:[ \t]*<?\{\{")


@dataclass(frozen=True)
class Link:
    image: bool
    text: str
    target: str
    line: int
    col: int


@dataclass(frozen=True)
class Found:
    """One thing the scan found: ``kind`` is html, attrs, var-target, too-long or reference."""

    kind: str
    line: int
    col: int
    text: str


@lru_cache(maxsize=1)
def _parser():
    """markdown-it, set up once, when the first text is parsed (a stored result needs none)."""
    from markdown_it import MarkdownIt

    md = MarkdownIt("commonmark", {"maxNesting": 40}).enable("table")
    md.validateLink = lambda url: True  # see every target, javascript: included: the checker judges them
    md.normalizeLink = lambda url: url  # as written (entities and backslashes already resolved)
    md.core.ruler.disable("inline")  # run per inline run below, so a huge one can be refused
    return md


def code_spans(line: str) -> list[tuple[int, int]]:
    """(start, end) of every code span in ``line``.

    A code span opens with a run of backticks and closes at the next run of the same length
    (CommonMark). Each run is looked at a bounded number of times: linear.
    """
    if "`" not in line:
        return []
    runs: list[tuple[int, int]] = []
    i, n = 0, len(line)
    while True:
        i = line.find("`", i)
        if i < 0:
            break
        j = i
        while j < n and line[j] == "`":
            j += 1
        runs.append((i, j - i))
        i = j
    by_len: dict[int, list[int]] = {}
    for index, (_pos, length) in enumerate(runs):
        by_len.setdefault(length, []).append(index)
    pointer: dict[int, int] = {length: 0 for length in by_len}
    spans: list[tuple[int, int]] = []
    k = 0
    while k < len(runs):
        start, length = runs[k]
        same = by_len[length]
        p = pointer[length]
        while p < len(same) and same[p] <= k:
            p += 1
        pointer[length] = p
        if p == len(same):
            k += 1
            continue
        close = same[p]
        spans.append((start, runs[close][0] + length))
        k = close + 1
    return spans


def mask_code_spans(line: str) -> tuple[str, list[int]]:
    """``line`` with inline code replaced by spaces (columns kept), and where each code span ends."""
    spans = code_spans(line)
    if not spans:
        return line, []
    pieces: list[str] = []
    done = 0
    for start, end in spans:
        pieces += [line[done:start], " " * (end - start)]
        done = end
    pieces.append(line[done:])
    return "".join(pieces), [end for _start, end in spans]


def source_findings(masked: str, line: int, *, skip_attr_at: int = -1) -> list[Found]:
    """Raw HTML, attribute lists and variables as link targets on one line (code already masked).

    ``skip_attr_at``: the column (0-based) of an attribute list the caller checks itself (a
    heading's trailing ``{#id .core}``).
    """
    out: list[Found] = []
    if "<" in masked:
        for m in _TAG.finditer(masked):
            if len(out) >= MAX_PER_LINE:
                break
            if m.start() and masked[m.start() - 1] == "\\":
                continue  # an escaped '<' is text
            if m.group(1):
                name = m.group(1)
                if not name.startswith("/") and _AUTOLINK_AFTER_NAME.match(masked, m.end()):
                    continue  # <https://...> or <name@host>: an autolink, judged as a link
                out.append(Found("html", line, m.start() + 1, f"<{name}>"))
            else:
                out.append(Found("html", line, m.start() + 1, m.group(0) if m.group(2) else m.group(0) + "..."))
    if "{" in masked:
        for m in _BRACE.finditer(masked):
            if len(out) >= 2 * MAX_PER_LINE:
                break
            if m.start() == skip_attr_at:
                continue
            if _ATTR_START.match(masked, m.end()):
                close = masked.find("}", m.end())
                shown = masked[m.start(): close + 1 if 0 <= close < m.start() + 80 else m.start() + 40]
                out.append(Found("attrs", line, m.start() + 1, shown.strip()))
        if "{{" in masked and _VAR_TARGET.search(masked):
            out.append(Found("var-target", line, (_VAR_TARGET.search(masked).start() + 1), ""))
    return out


def _chunks(lines: list[str]) -> list[tuple[int, list[str]]]:
    """Runs of non-blank lines (index of the first, the lines), none longer than MAX_CHUNK_LINES."""
    out: list[tuple[int, list[str]]] = []
    current: list[str] = []
    start = 0
    for i, line in enumerate(lines):
        if not line.strip() or len(current) >= MAX_CHUNK_LINES:
            if current:
                out.append((start, current))
            current = [] if not line.strip() else [line]
            start = i if line.strip() else i + 1
            continue
        if not current:
            start = i
        current.append(line)
    if current:
        out.append((start, current))
    return out


def _column(source_line: str, needles: list[str]) -> int:
    for needle in needles:
        if needle:
            pos = source_line.find(needle)
            if pos >= 0:
                return pos + 1
    return 1


def links(lines: list[str], first_line: int) -> tuple[list[Link], list[Found]]:
    """Every link and image in ``lines`` (fenced code already blanked), and reference definitions."""
    found_links: list[Link] = []
    found: list[Found] = []
    for start, chunk in _chunks(lines):
        if not any("[" in ln or "<" in ln for ln in chunk):
            continue
        indent = min(len(ln) - len(ln.lstrip(" ")) for ln in chunk)
        chunk_links, chunk_found = _parse_chunk("\n".join(ln[indent:] for ln in chunk))
        for image, label, target, row, col in chunk_links:
            found_links.append(Link(image, label, target, first_line + start + row, col + indent))
        for kind, row, col, text in chunk_found:
            found.append(Found(kind, first_line + start + row, col + indent, text))
    return found_links, found


# chunk text -> its parse: the same paragraph is seen again per variant and per section after an
# overlay. A command can seed it with the parses a previous one made (preload_chunks; the CLI keeps
# them in build/.cache/parse/) and read back what it used (chunk_memo).
_CHUNKS: dict[str, tuple[tuple, tuple]] = {}
_USED: set[str] = set()
_PARSED_HERE = [0]  # chunks parsed (not found in the memo) since the process started
MEMO_LIMIT = 16384  # a long-running preview starts the memo afresh beyond this


def _parse_chunk(text: str) -> tuple[tuple, tuple]:
    """Links (image, label, target, row, col) and findings of one chunk; rows and columns in it."""
    hit = _CHUNKS.get(text)
    if hit is None:
        if len(_CHUNKS) >= MEMO_LIMIT:
            _CHUNKS.clear()
            _USED.clear()
        hit = _CHUNKS[text] = _parse_chunk_now(text)
        _PARSED_HERE[0] += 1
    _USED.add(text)
    return hit


def chunk_memo() -> tuple[dict[str, tuple[tuple, tuple]], int]:
    """The parses of every chunk used in this process, and how many of them were parsed here."""
    return {t: _CHUNKS[t] for t in _USED if t in _CHUNKS}, _PARSED_HERE[0]


def _valid_parse(value: object) -> tuple[tuple, tuple] | None:
    """A stored parse (JSON lists) as the tuples _parse_chunk returns, or None when it is not one."""
    try:
        found_links, found = value  # type: ignore[misc]
        links_ = tuple((bool(i), str(lb), str(tg), int(r), int(c)) for i, lb, tg, r, c in found_links
                       if isinstance(i, bool) and isinstance(lb, str) and isinstance(tg, str)
                       and type(r) is int and type(c) is int)
        finds = tuple((str(k), int(r), int(c), str(t)) for k, r, c, t in found
                      if isinstance(k, str) and type(r) is int and type(c) is int and isinstance(t, str))
    except (TypeError, ValueError):
        return None
    if len(links_) != len(found_links) or len(finds) != len(found):
        return None
    return links_, finds


def preload_chunks(entries: object) -> None:
    """Seed the memo with parses kept by an earlier command (a mapping of chunk text to parse, as
    JSON gives it back); anything malformed is left out and parsed again."""
    if not isinstance(entries, dict):
        return
    for text, value in entries.items():
        if isinstance(text, str) and text not in _CHUNKS and len(_CHUNKS) < MEMO_LIMIT:
            parse = _valid_parse(value)
            if parse is not None:
                _CHUNKS[text] = parse


def _parse_chunk_now(text: str) -> tuple[tuple, tuple]:
    lines = text.split("\n")
    found_links: list[tuple] = []
    found: list[tuple] = []
    env: dict = {}
    md = _parser()
    for tok in md.parse(text, env):
        if tok.type != "inline" or not tok.map:
            continue
        row = tok.map[0]
        if len(tok.content) > MAX_INLINE:
            found.append(("too-long", row, 1, str(len(tok.content))))
            continue
        if "[" not in tok.content and "<" not in tok.content:
            continue
        children: list = []
        md.inline.parse(tok.content, md, env, children)
        found_links += _links_in(children, lines, row)
    seen_rows = set()
    for label, ref in (env.get("references") or {}).items():
        row = (ref.get("map") or [0])[0]
        seen_rows.add(row)
        found.append(("reference", row, 1, ref.get("href", "")))
        found_links.append((False, label, ref.get("href", ""), row, _column(lines[row] if row < len(lines) else "", ["["])))
    # CommonMark lets no reference definition interrupt a paragraph, but Python-Markdown (the
    # site's renderer) reads one on any line of it: such a line is a link there, so it is one here
    if "]:" in text:
        for m in _LATE_REFERENCE.finditer(text):
            row = text.count("\n", 0, m.start())
            if row not in seen_rows:
                target = m.group(2).lstrip("<").rstrip(">")
                found.append(("reference", row, 1, target))
                found_links.append((False, m.group(1), target, row, _column(lines[row], ["["])))
    return tuple(found_links), tuple(found)


# Python-Markdown's reference definition, its own pattern (ReferenceProcessor.RE): the address
# may stand on the next line, and a title may follow. Taken from the renderer, not copied, so the
# checker cannot drift from what the site makes a link.
_LATE_REFERENCE = ReferenceProcessor.RE


def _links_in(children: list, lines: list[str], row: int) -> list[tuple]:
    out: list[tuple] = []
    breaks = 0
    open_link: tuple[str, int, list[str], bool] | None = None  # (href, row, words, autolink)
    for child in children:
        if child.type in ("softbreak", "hardbreak"):
            breaks += 1
            continue
        here = row + breaks
        source = lines[here] if here < len(lines) else ""
        if child.type == "link_open":
            open_link = (str(child.attrs.get("href", "")), here, [], child.markup == "autolink")
        elif child.type == "link_close" and open_link is not None:
            href, at, words, auto = open_link
            label = "".join(words)
            col = _column(lines[at] if at < len(lines) else "", ["<" + href if auto else "[" + label, "["])
            out.append((False, label, href, at, col))
            open_link = None
        elif child.type == "image":
            src = str(child.attrs.get("src", ""))
            out.append((True, child.content, src, here, _column(source, ["![" + child.content, "!["])))
        elif open_link is not None and child.type in ("text", "code_inline"):
            open_link[2].append(child.content)
    return out


__all__ = ["Link", "Found", "links", "chunk_memo", "preload_chunks", "source_findings", "mask_code_spans", "code_spans",
           "MAX_INLINE", "MAX_CHUNK_LINES"]
