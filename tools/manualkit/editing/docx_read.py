"""Read a reviewed DOCX: every paragraph with the text before and after the reviewer's changes.

The WordprocessingML is read directly (zipfile + lxml) rather than through pandoc's DOCX reader,
because that reader replaces bookmark names with identifiers of its own, and the bookmarks are
what trace a paragraph to its module and section. What is read:

- ``w:ins`` / ``w:moveTo`` (inserted text), ``w:del`` / ``w:moveFrom`` (deleted text, in
  ``w:delText``), with their author and date;
- comments: ``w:commentRangeStart`` … ``w:commentRangeEnd`` in the text, ``w:comment`` in
  word/comments.xml (author, date, the comment's own text);
- tracked formatting (``w:rPrChange``, ``w:pPrChange``): the manual does not model it, so it is
  reported;
- ``w:bookmarkStart`` names (on or just before a paragraph) and the paragraph style.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree

from manualkit.editing.docx_open import Docx

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
CUSTOM = "http://schemas.openxmlformats.org/officeDocument/2006/custom-properties"
VT = "http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes"


def _w(tag: str) -> str:
    return f"{{{W}}}{tag}"


@dataclass(frozen=True)
class Edit:
    """One tracked change in a paragraph: old[start:end] becomes ``text``."""

    start: int
    end: int
    text: str
    author: str
    date: str


@dataclass
class Comment:
    id: str
    author: str = ""
    date: str = ""
    text: str = ""
    anchored: str = ""
    start: int = 0  # offset in the paragraph's old text where the anchored text begins
    para: "Para | None" = None


@dataclass
class Para:
    style: str
    bookmarks: list[str]
    in_table: bool
    atoms: list[tuple[str, str, str, str]] = field(default_factory=list)  # (char, state, author, date)
    formatting: list[str] = field(default_factory=list)  # text whose formatting was changed (tracked)
    style_changed: bool = False
    comments: list[Comment] = field(default_factory=list)
    generated: str = ""  # set by the import: why this line is not taken from a source file

    @property
    def old(self) -> str:
        return "".join(c for c, state, _a, _d in self.atoms if state != "ins")

    @property
    def new(self) -> str:
        return "".join(c for c, state, _a, _d in self.atoms if state != "del")

    def edits(self) -> list[Edit]:
        """The runs of inserted and deleted characters, in old-text offsets (a deletion followed by
        an insertion at the same place is one replacement)."""
        out: list[Edit] = []
        pos = 0
        i = 0
        while i < len(self.atoms):
            state = self.atoms[i][1]
            if state == "keep":
                pos += 1
                i += 1
                continue
            start, deleted, inserted = pos, 0, []
            author, date = self.atoms[i][2], self.atoms[i][3]
            while i < len(self.atoms) and self.atoms[i][1] != "keep":
                ch, st = self.atoms[i][0], self.atoms[i][1]
                if st == "del":
                    deleted += 1
                else:
                    inserted.append(ch)
                i += 1
            pos += deleted
            out.append(Edit(start, start + deleted, "".join(inserted), author, date))
        return out


@dataclass
class Review:
    properties: dict[str, str]
    paras: list[Para]
    comments: dict[str, Comment]


def _read_properties(z: Docx) -> dict[str, str]:
    if not z.has("docProps/custom.xml"):
        return {}
    root = z.xml("docProps/custom.xml")
    out = {}
    for prop in root.iter(f"{{{CUSTOM}}}property"):
        value = next((child.text or "" for child in prop), "")
        out[prop.get("name", "")] = value
    return out


def _comments(z: Docx) -> dict[str, Comment]:
    if not z.has("word/comments.xml"):
        return {}
    root = z.xml("word/comments.xml")
    out = {}
    for c in root.iter(_w("comment")):
        paras = [" ".join("".join(t.text or "" for t in p.iter(_w("t"))).split()) for p in c.iter(_w("p"))]
        cid = c.get(_w("id"), "")
        out[cid] = Comment(cid, c.get(_w("author"), ""), c.get(_w("date"), ""), " / ".join(p for p in paras if p))
    return out


class _Walker:
    def __init__(self, comments: dict[str, Comment]) -> None:
        self.comments = comments
        self.paras: list[Para] = []
        self.pending: list[str] = []  # bookmarks seen between paragraphs
        self.open: dict[str, list] = {}  # comment id -> [para, start, chars]
        self.pending_comments: list[str] = []  # comments opened between paragraphs

    def block(self, el: etree._Element, in_table: bool = False) -> None:
        for child in el:
            tag = etree.QName(child).localname if isinstance(child.tag, str) else ""
            if tag == "p":
                self.paragraph(child, in_table)
            elif tag == "tbl":
                for tc in child.iter(_w("tc")):
                    self.block(tc, True)
            elif tag in ("sdt", "sdtContent", "customXml"):
                self.block(child, in_table)
            elif tag == "bookmarkStart":
                self.pending.append(child.get(_w("name"), ""))
            elif tag == "commentRangeStart":  # a comment on whole paragraphs starts between them
                self.pending_comments.append(child.get(_w("id"), ""))
            elif tag == "commentRangeEnd" and self.paras:
                self.close_comment(child.get(_w("id"), ""), self.paras[-1])

    def close_comment(self, cid: str, para: Para) -> None:
        started = self.open.pop(cid, None)
        comment = self.comments.setdefault(cid, Comment(cid))
        if started is not None:
            first, start, atom = started
            chars = first.atoms[atom:] if first is para else first.atoms[atom:] + [(" ", "keep", "", "")] + para.atoms
            comment.anchored = " ".join("".join(a[0] for a in chars).split())
            comment.start = start
            comment.para = first
            first.comments.append(comment)

    def paragraph(self, p: etree._Element, in_table: bool) -> None:
        ppr = p.find(_w("pPr"))
        style = ""
        changed = False
        if ppr is not None:
            ps = ppr.find(_w("pStyle"))
            style = ps.get(_w("val"), "") if ps is not None else ""
            changed = ppr.find(_w("pPrChange")) is not None
        para = Para(style, self.pending, in_table, style_changed=changed)
        self.pending = []
        for cid in self.pending_comments:
            self.open[cid] = [para, 0, 0]
        self.pending_comments = []
        self.inline(p, para, "keep", "", "")
        self.paras.append(para)

    def inline(self, el: etree._Element, para: Para, state: str, author: str, date: str) -> None:
        for child in el:
            if not isinstance(child.tag, str):
                continue
            tag = etree.QName(child).localname
            if tag in ("ins", "moveTo"):
                self.inline(child, para, "ins", child.get(_w("author"), ""), child.get(_w("date"), ""))
            elif tag in ("del", "moveFrom"):
                self.inline(child, para, "del", child.get(_w("author"), ""), child.get(_w("date"), ""))
            elif tag == "r":
                self.run(child, para, state, author, date)
            elif tag in ("hyperlink", "smartTag", "customXml", "fldSimple", "sdt", "sdtContent"):
                self.inline(child, para, state, author, date)
            elif tag == "bookmarkStart":
                para.bookmarks.append(child.get(_w("name"), ""))
            elif tag == "commentRangeStart":
                cid = child.get(_w("id"), "")
                old_pos = sum(1 for a in para.atoms if a[1] != "ins")
                self.open[cid] = [para, old_pos, len(para.atoms)]
            elif tag == "commentRangeEnd":
                self.close_comment(child.get(_w("id"), ""), para)

    def run(self, r: etree._Element, para: Para, state: str, author: str, date: str) -> None:
        rpr = r.find(_w("rPr"))
        formatted = rpr is not None and rpr.find(_w("rPrChange")) is not None
        chars: list[str] = []
        for child in r:
            if not isinstance(child.tag, str):
                continue
            tag = etree.QName(child).localname
            if tag in ("t", "delText"):
                chars.append(child.text or "")
            elif tag in ("tab", "br", "cr"):
                chars.append(" ")
            elif tag == "noBreakHyphen":
                chars.append("-")
        text = "".join(chars)
        for ch in text:
            para.atoms.append((ch, state, author, date))
        if formatted and text.strip():
            para.formatting.append(" ".join(text.split()))


def read_review(path: Path) -> Review:
    """The paragraphs, comments and custom properties of a DOCX (a usage error when it is none)."""
    with Docx(path) as z:  # limits, safe XML, "not a DOCX" (editing/docx_open.py)
        props = _read_properties(z)
        comments = _comments(z)
        document = z.xml("word/document.xml")
    body = document.find(_w("body"))
    walker = _Walker(comments)
    if body is not None:
        walker.block(body)
    return Review(props, walker.paras, comments)


__all__ = ["read_review", "Review", "Para", "Edit", "Comment"]
