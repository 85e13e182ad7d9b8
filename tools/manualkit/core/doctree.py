"""The one document tree: a module's Markdown read once into typed blocks and links.

:func:`parse` cuts a text into :class:`Block` s (heading, paragraph, list item, table row, code
block, callout fence, a block variable on its own line, blank lines) and finds every link and
image with the exact place of its text and target (:class:`Link`). Every line of the text is in
exactly one block, so the blocks put together give the text back byte for byte.

Everything after it walks this tree instead of reading the Markdown again: the sections load
cuts (core/body.py; each knows where in its file it was cut, :class:`Cut`, and the file is read
when a part is first walked, once for all of them), the filled-in text of a variant (:meth:`Tree.filled`, in core/resolve.py), the
site's admonitions, badges and link targets, the PDF's scoped links, the Word export's callouts
and links, and the Word import's paragraphs (editing/projection.py). What one of them calls a
link, a callout or code, all of them do.

One pass over the lines, linear in the length of the text. Fenced code and inline code hold no
links; a link's text may wrap over the lines of its paragraph but never leaves it.
"""
from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Callable, Iterator

from manualkit.core.markdown_syntax import (CALLOUT_CLOSE_RE, CALLOUT_OPEN_RE, HEADING_RE, LINK_RE, fence_states,
                                            heading_attr_col, is_table_delimiter, parse_heading)
from manualkit.core.markdown_scan import links as scan_links
from manualkit.core.markdown_scan import mask_code_spans

_ITEM = re.compile(r"^(\s*)(?:[-*+]|\d+[.)])[ \t]+")
_VAR_LINE = re.compile(r"\{\{\s*([A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*)\s*\}\}")
_NUMBER = re.compile(r"\s*(\d+)[.)]")

# kinds whose text is read as inline Markdown (links, emphasis, variables)
INLINE_KINDS = ("heading", "para", "item", "row")


@dataclass(frozen=True)
class Link:
    """A link or image: offsets in the tree's text of its start ('!' or '['), its text, its
    target and its end (just after ')')."""

    image: bool
    start: int
    text_start: int
    text_end: int
    target_start: int
    target_end: int
    end: int
    text: str
    target: str


@dataclass(frozen=True)
class Block:
    """One block: ``kind`` is heading, para, item, row, delim (a table's '|---|' row), code,
    callout (an opening ``:::`` fence), close (a closing one), variable (a line that is only
    ``{{ name }}``) or blank. ``first`` is the index of its first line in the tree's text,
    ``start``/``end`` its offsets (``end`` before the newline that ends its last line)."""

    kind: str
    first: int
    start: int
    end: int
    lines: tuple[str, ...]
    level: int = 0  # heading level
    title: str = ""  # heading title (attributes cut off)
    id: str | None = None  # heading id
    core: bool = False  # heading marked .core
    name: str = ""  # callout kind, or the variable of a variable line
    attrs: str = ""  # what follows the callout kind on its fence, as written

    @property
    def text(self) -> str:
        return "\n".join(self.lines)

    def moved(self, lines: int, offset: int) -> "Block":
        """The same block ``lines`` lines and ``offset`` characters further on."""
        if not lines and not offset:
            return self
        return Block(self.kind, self.first + lines, self.start + offset, self.end + offset, self.lines, self.level,
                     self.title, self.id, self.core, self.name, self.attrs)

    @property
    def line_count(self) -> int:
        return len(self.lines)

    @property
    def content_start(self) -> int:
        """Offset where the block's words start (after a heading's '#'s or a list marker)."""
        first = self.lines[0]
        if self.kind == "heading":
            return self.start + len(first) - len(first.lstrip("#"))
        if self.kind == "item":
            return self.start + _ITEM.match(first).end()
        return self.start

    @property
    def content_end(self) -> int:
        """Offset where the block's words end (before a heading's attribute list)."""
        if self.kind == "heading":
            col = heading_attr_col(self.lines[0])
            if col >= 0:
                return self.start + col
        return self.end


@dataclass(frozen=True)
class Tree:
    text: str
    blocks: tuple[Block, ...]
    links: tuple[Link, ...]

    def walk(self, link: Callable[[Link], str | None] | None = None) -> Iterator[tuple[Block, str]]:
        """Each block with its text, every link in it replaced by what ``link`` gives for it
        (None keeps the link as written)."""
        links = list(self.links) if link is not None else []
        k = 0
        for b in self.blocks:
            if not links or k >= len(links) or links[k].start >= b.end:
                yield b, b.text
                continue
            out: list[str] = []
            done = b.start
            while k < len(links) and links[k].start < b.end:
                new = link(links[k])
                if new is not None:
                    out += [self.text[done:links[k].start], new]
                    done = links[k].end
                k += 1
            out.append(self.text[done:b.end])
            yield b, "".join(out)

    def with_target(self, found: Link, target: str) -> str:
        """The link as written, with ``target`` in place of its target."""
        return self.text[found.start:found.target_start] + target + self.text[found.target_end:found.end]

    def stripped(self) -> "Tree":
        """The tree without its leading and trailing blank blocks (as ``text.strip()`` for a text
        that starts and ends with a block)."""
        kept = [i for i, b in enumerate(self.blocks) if b.kind != "blank"]
        return self.part(kept[0], kept[-1] + 1) if kept else Tree("", (), ())

    def appended(self, other: "Tree") -> "Tree":
        """This tree, a blank line, and ``other`` (as ``text.rstrip("\\n") + "\\n\\n" + other``
        for a text that ends with a block)."""
        mine = self.stripped_end()
        if not mine.blocks:
            return other
        gap = Block("blank", mine.blocks[-1].first + mine.blocks[-1].line_count, len(mine.text) + 1,
                    len(mine.text) + 1, ("",))
        base, line0 = len(mine.text) + 2, gap.first + 1
        blocks = mine.blocks + (gap,) + tuple(b.moved(line0, base) for b in other.blocks)
        links = mine.links + tuple(_moved(k, base) for k in other.links)
        return Tree(mine.text + "\n\n" + other.text, blocks, links)

    def stripped_end(self) -> "Tree":
        kept = [i for i, b in enumerate(self.blocks) if b.kind != "blank" or b.text.strip("\n")]
        return self.part(0, kept[-1] + 1) if kept else Tree("", (), ())

    def part(self, first: int, stop: int) -> "Tree":
        """The tree of blocks ``first`` up to (not including) ``stop``, as if its text were parsed
        alone (offsets and line numbers counted from its own start)."""
        chosen = self.blocks[first:stop]
        if not chosen:
            return Tree("", (), ())
        base, line0 = chosen[0].start, chosen[0].first
        end = chosen[-1].end
        if base == 0 and line0 == 0:  # the start of the text: every offset stays (no copy)
            return Tree(self.text[:end], chosen, tuple(k for k in self.links if k.start < end))
        blocks = tuple(b.moved(-line0, -base) for b in chosen)
        links = tuple(_moved(k, -base) for k in self.links if base <= k.start < end)
        return Tree(self.text[base:end], blocks, links)

    def sections(self) -> tuple["Tree", tuple["Tree", ...]]:
        """The text before the first '##' heading, and one tree per '##' section (its heading
        block first), as the manual is cut into sections."""
        starts = [i for i, b in enumerate(self.blocks) if b.kind == "heading" and b.level == 2]
        bounds = starts + [len(self.blocks)]
        preamble = self.part(0, starts[0] if starts else len(self.blocks))
        return preamble, tuple(self.part(a, b) for a, b in zip(bounds, bounds[1:]))

    def filled(self, render: Callable[[str], str]) -> "Tree":
        """The same tree with variables filled in by ``render`` (applied per block; a value never
        makes or ends a block, and a link target never holds a variable, so the structure stays
        the same and every offset moves with the text before it)."""
        if "{{" not in self.text:
            return self
        blocks: list[Block] = []
        links: list[Link] = []
        pos = 0
        line = 0
        k = 0  # the links are in the order of the text: one pointer, linear in blocks and links
        for b in self.blocks:
            text = b.text
            new = render(text) if "{{" in text else text
            new_lines = tuple(new.split("\n"))
            if b.kind == "variable" and new != text:  # its value is text the toolkit made (a table,
                value = parse(new)                     # a picture): read as the blocks it is
                blocks += [c.moved(line, pos) for c in value.blocks]
                links += [_moved(found, pos) for found in value.links]
            else:
                mine = []
                while k < len(self.links) and self.links[k].start < b.end:
                    mine.append(self.links[k])
                    k += 1
                links += _moved_links(mine, text, b.start, pos, render) if new != text else [_moved(x, pos - b.start) for x in mine]
                if new == text:
                    blocks.append(b.moved(line - b.first, pos - b.start))
                else:
                    title = render(b.title) if b.kind == "heading" and "{{" in b.title else b.title
                    blocks.append(replace(b, first=line, start=pos, end=pos + len(new), lines=new_lines, title=title))
            pos += len(new) + 1
            line += len(new_lines)
        return Tree("\n".join(b.text for b in blocks), tuple(blocks), tuple(links))


def _moved(k: Link, by: int) -> Link:
    return Link(k.image, k.start + by, k.text_start + by, k.text_end + by, k.target_start + by, k.target_end + by,
                k.end + by, k.text, k.target)


def _moved_links(found: list[Link], text: str, start: int, pos: int, render: Callable[[str], str]) -> list[Link]:
    """The links of a block whose text ``render`` fills in, at their new offsets. Each cut (a
    link's brackets and parentheses) lies between variables, never inside one, so the text up to
    a cut fills in to the filled text up to the new cut: each piece is filled in once."""
    cuts = sorted({c - start for k in found for c in (k.start, k.text_start, k.text_end, k.target_start, k.target_end, k.end)})
    moved: dict[int, int] = {}
    done, at = 0, pos
    for cut in cuts:
        at += len(render(text[done:cut])) if cut > done else 0
        moved[cut] = at
        done = cut
    return [Link(k.image, moved[k.start - start], moved[k.text_start - start], moved[k.text_end - start],
                 moved[k.target_start - start], moved[k.target_end - start], moved[k.end - start],
                 render(k.text) if "{{" in k.text else k.text, k.target) for k in found]


@dataclass(frozen=True)
class Cut:
    """Where a text was cut from: the whole body of its file and which part of it (-1: the text
    before the first '##' heading, else the index of the section). The whole body is read into
    its tree when a part's tree is first asked for, once for all its parts: a ``manual check``
    that needs no tree reads none."""

    whole: str
    index: int

    def tree(self) -> "Tree | None":
        """The part's tree, or None when the whole text has no such part (then the caller reads
        the part's own text)."""
        preamble, sections = _sections(self.whole)
        if self.index < 0:
            return preamble
        return sections[self.index] if self.index < len(sections) else None


@lru_cache(maxsize=4096)
def _sections(whole: str) -> tuple["Tree", tuple["Tree", ...]]:
    return parse(whole).sections()


def tree_for(text: str, cut: Cut | None) -> "Tree":
    """The tree of ``text``: its part of the tree of the file it was cut from, when it still is that
    part, else ``text`` read on its own (a text the toolkit made or changed)."""
    if cut is not None:
        found = cut.tree()
        if found is not None and found.text == text:
            return found
    return parse(text)


def parse(text: str) -> Tree:
    """The tree of ``text`` (memoised: the same text is read once per process)."""
    return _memo(text)


@lru_cache(maxsize=16384)
def _memo(text: str) -> Tree:
    return read(text)


def read(text: str) -> Tree:
    """Read ``text`` into its tree: the one parse of the toolkit's Markdown (tests count its calls)."""
    lines = text.split("\n")
    offsets: list[int] = []
    pos = 0
    for line in lines:
        offsets.append(pos)
        pos += len(line) + 1
    blocks: list[Block] = []
    current: list[int] = []
    kind = "para"
    extra: dict = {}

    def close() -> None:
        nonlocal current, extra
        if current:
            first, last = current[0], current[-1]
            blocks.append(Block(kind, first, offsets[first], offsets[last] + len(lines[last]),
                                tuple(lines[first: last + 1]), **extra))
        current, extra = [], {}

    def single(k: str, idx: int, **fields) -> None:
        nonlocal kind, current, extra
        close()
        kind, current, extra = k, [idx], fields
        close()

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
            if kind != "blank" or not current:
                close()
                kind = "blank"
            current.append(idx)
            continue
        if kind == "blank":
            close()
        if stripped.startswith(":::"):
            opened = CALLOUT_OPEN_RE.match(stripped)
            if opened:
                single("callout", idx, name=opened.group(1), attrs=opened.group(2))
                continue
            if CALLOUT_CLOSE_RE.match(stripped):
                single("close", idx)
                continue
        if stripped.startswith("{{") and not current:
            whole = _VAR_LINE.fullmatch(stripped)
            if whole:
                single("variable", idx, name=whole.group(1))
                continue
        if line.startswith("#") and HEADING_RE.match(line):
            level, title, hid, core, _bad = parse_heading(line)
            single("heading", idx, level=level, title=title, id=hid, core=core)
            continue
        if stripped.startswith("|"):
            single("delim" if is_table_delimiter(line) else "row", idx)
            continue
        if _ITEM.match(line) and not (kind == "para" and current and _continues_paragraph(line)):
            close()
            kind, current = "item", [idx]
            continue
        if not current:
            kind = "para"
        current.append(idx)
    close()
    starts = _link_starts(lines, offsets, blocks)
    found: list[Link] = []
    for b in blocks:
        if b.kind in INLINE_KINDS and "[" in b.text:
            found += _links(text, b, starts)
    return Tree(text, tuple(blocks), tuple(found))


def _link_starts(lines: list[str], offsets: list[int], blocks: list[Block]) -> list[int]:
    """Where each link and image starts, as markdown-it-py's CommonMark reading finds them (the
    checker's reading, core/markdown_scan.py: memoised per paragraph and kept between commands),
    in the order of the text."""
    shown = list(lines)
    for b in blocks:
        if b.kind == "code":  # what the checker's parser sees: fenced code blanked
            shown[b.first: b.first + b.line_count] = [""] * b.line_count
    found, _problems = scan_links(shown, 0)
    return sorted(offsets[k.line] + k.col - 1 for k in found if k.line < len(offsets))


def _continues_paragraph(line: str) -> bool:
    """A numbered line inside a paragraph ("18. juni 2021") goes on with the paragraph: as in
    CommonMark, only a list that starts at 1 can interrupt one."""
    number = _NUMBER.match(line)
    return number is not None and number.group(1) != "1"


def _links(text: str, block: Block, starts: list[int]) -> list[Link]:
    """The links of one block: what markdown-it calls a link, with the exact place of its text and
    target read at its start (inline code masked, columns kept). A link markdown-it reports at
    the place of an earlier one (the same words twice on a line) is the next one after it; one
    inside another (an image inside a link) stays part of the outer link."""
    source = block.text
    masked = "\n".join(mask_code_spans(line)[0] for line in block.lines) if "`" in source else source
    base = block.start
    out: list[Link] = []
    seen: set[int] = set()
    done = 0  # the end of the last link, in the block
    lo = bisect.bisect_left(starts, base)
    hi = bisect.bisect_left(starts, block.end)
    for at in starts[lo:hi]:
        at -= base
        if at in seen:
            m = LINK_RE.search(masked, done)
        elif at < done:
            continue
        else:
            m = LINK_RE.match(masked, at)
        seen.add(at)
        if m is None or m.start() < done:
            continue
        out.append(Link(bool(m.group(1)), base + m.start(), base + m.start(2), base + m.end(2),
                        base + m.start(3), base + m.end(3), base + m.end(),
                        text[base + m.start(2): base + m.end(2)], text[base + m.start(3): base + m.end(3)]))
        done = m.end()
    return out


__all__ = ["Tree", "Block", "Link", "Cut", "parse", "read", "tree_for", "INLINE_KINDS"]
