"""A reviewer in Word, for tests: tracked insertions, deletions and comments written into a DOCX.

The elements are the ones Word itself writes (WordprocessingML): ``w:ins`` and ``w:del`` with
``w:author``/``w:date`` around runs (``w:delText`` inside a deletion), and a comment as
``w:commentRangeStart``/``w:commentRangeEnd`` around the anchored text, a run with
``w:commentReference``, and the ``w:comment`` itself in word/comments.xml, with the content type
and the relationship that Word needs to find that part.
"""
from __future__ import annotations

import copy
import zipfile
from pathlib import Path

from lxml import etree

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
CT = "http://schemas.openxmlformats.org/package/2006/content-types"
COMMENTS_TYPE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/comments"
COMMENTS_CT = "application/vnd.openxmlformats-officedocument.wordprocessingml.comments+xml"
XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"


def w(tag: str) -> str:
    return f"{{{W}}}{tag}"


class Reviewer:
    """Open a DOCX, make tracked edits and comments, save it back (as Word would)."""

    def __init__(self, path: Path, author: str = "Kari Nordmann", date: str = "2026-12-01T10:00:00Z") -> None:
        self.path = Path(path)
        self.author = author
        self.date = date
        with zipfile.ZipFile(self.path) as z:
            self.parts = {name: z.read(name) for name in z.namelist()}
        self.doc = etree.fromstring(self.parts["word/document.xml"])
        self.comments = etree.fromstring(self.parts["word/comments.xml"]) if "word/comments.xml" in self.parts \
            else etree.Element(w("comments"), nsmap={"w": W})
        self.next_id = 900

    # -- finding text ----------------------------------------------------------------------
    def _run_with(self, text: str) -> tuple[etree._Element, int]:
        """The one run whose w:t holds ``text`` (tests name text that lies inside one run)."""
        hits = []
        for t in self.doc.iter(w("t")):
            if t.text and text in t.text:
                hits.append(t)
        if len(hits) != 1:
            raise AssertionError(f"{text!r} is in {len(hits)} runs of the document, expected 1")
        t = hits[0]
        return t.getparent(), t.text.index(text)

    def _split(self, run: etree._Element, start: int, end: int) -> etree._Element:
        """Split ``run`` so that characters start..end are a run of their own; return that run."""
        t = run.find(w("t"))
        full = t.text
        pieces = [(full[:start], False), (full[start:end], True), (full[end:], False)]
        middle = None
        anchor = run
        for text, is_middle in pieces:
            if not text:
                continue
            new = copy.deepcopy(run)
            nt = new.find(w("t"))
            nt.text = text
            nt.set(XML_SPACE, "preserve")
            anchor.addnext(new)
            anchor = new
            if is_middle:
                middle = new
        run.getparent().remove(run)
        return middle

    def _mark(self, tag: str) -> etree._Element:
        self.next_id += 1
        el = etree.Element(w(tag))
        el.set(w("id"), str(self.next_id))
        el.set(w("author"), self.author)
        el.set(w("date"), self.date)
        return el

    # -- the reviewer's actions ------------------------------------------------------------
    def delete(self, text: str, within: str | None = None) -> None:
        """A tracked deletion of ``text`` (the first ``text`` in the run of words ``within``, when given)."""
        run, at = self._run_with(within or text)
        at += (within or text).index(text)
        middle = self._split(run, at, at + len(text))
        t = middle.find(w("t"))
        t.tag = w("delText")
        wrapper = self._mark("del")
        middle.addprevious(wrapper)
        wrapper.append(middle)

    def delete_next_run(self, after: str) -> None:
        """A tracked deletion of the whole run that follows the run holding ``after`` (a lone space, say)."""
        run, _at = self._run_with(after)
        while run.getparent() is not None and etree.QName(run.getparent()).localname == "del":
            run = run.getparent()
        nxt = run.getnext()
        t = nxt.find(w("t"))
        t.tag = w("delText")
        wrapper = self._mark("del")
        nxt.addprevious(wrapper)
        wrapper.append(nxt)

    def insert(self, after: str, text: str) -> None:
        """A tracked insertion of ``text`` right after the words ``after``."""
        run, at = self._run_with(after)
        cut = at + len(after)
        full = run.find(w("t")).text
        if cut < len(full):
            self._split(run, 0, cut)
            run, at = self._run_with(after)
        new = copy.deepcopy(run)
        nt = new.find(w("t"))
        nt.text = text
        nt.set(XML_SPACE, "preserve")
        wrapper = self._mark("ins")
        wrapper.append(new)
        run.addnext(wrapper)

    def comment(self, anchored: str, text: str) -> None:
        """A comment anchored to ``anchored``."""
        run, at = self._run_with(anchored)
        middle = self._split(run, at, at + len(anchored))
        self.next_id += 1
        cid = str(self.next_id)
        start = etree.Element(w("commentRangeStart"))
        start.set(w("id"), cid)
        end = etree.Element(w("commentRangeEnd"))
        end.set(w("id"), cid)
        ref_run = etree.Element(w("r"))
        rpr = etree.SubElement(ref_run, w("rPr"))
        etree.SubElement(rpr, w("rStyle")).set(w("val"), "CommentReference")
        etree.SubElement(ref_run, w("commentReference")).set(w("id"), cid)
        middle.addprevious(start)
        middle.addnext(end)
        end.addnext(ref_run)
        c = etree.SubElement(self.comments, w("comment"))
        c.set(w("id"), cid)
        c.set(w("author"), self.author)
        c.set(w("date"), self.date)
        c.set(w("initials"), "".join(part[0] for part in self.author.split()))
        p = etree.SubElement(c, w("p"))
        r = etree.SubElement(p, w("r"))
        t = etree.SubElement(r, w("t"))
        t.text = text
        t.set(XML_SPACE, "preserve")

    def new_paragraph(self, after: str, text: str) -> None:
        """A tracked new paragraph after the paragraph that holds ``after`` (its mark and text inserted)."""
        run, _at = self._run_with(after)
        p = run
        while etree.QName(p).localname != "p":
            p = p.getparent()
        new = etree.Element(w("p"))
        ppr = p.find(w("pPr"))
        ppr = copy.deepcopy(ppr) if ppr is not None else etree.Element(w("pPr"))
        rpr = ppr.find(w("rPr"))
        if rpr is None:
            rpr = etree.SubElement(ppr, w("rPr"))
        rpr.append(self._mark("ins"))
        new.append(ppr)
        wrapper = self._mark("ins")
        r = etree.SubElement(wrapper, w("r"))
        t = etree.SubElement(r, w("t"))
        t.text = text
        t.set(XML_SPACE, "preserve")
        new.append(wrapper)
        p.addnext(new)

    def bold(self, text: str) -> None:
        """A formatting change the manual does not model: make ``text`` bold (tracked as w:rPrChange)."""
        run, at = self._run_with(text)
        middle = self._split(run, at, at + len(text))
        rpr = middle.find(w("rPr"))
        if rpr is None:
            rpr = etree.Element(w("rPr"))
            middle.insert(0, rpr)
        change = self._mark("rPrChange")
        change.append(etree.Element(w("rPr")))
        etree.SubElement(rpr, w("b"))
        rpr.append(change)

    def save(self) -> None:
        self.parts["word/document.xml"] = etree.tostring(self.doc, xml_declaration=True, encoding="UTF-8", standalone=True)
        self.parts["word/comments.xml"] = etree.tostring(self.comments, xml_declaration=True, encoding="UTF-8", standalone=True)
        self._ensure_comments_part()
        with zipfile.ZipFile(self.path, "w", zipfile.ZIP_DEFLATED) as z:
            for name, data in self.parts.items():
                z.writestr(name, data)

    def _ensure_comments_part(self) -> None:
        types = etree.fromstring(self.parts["[Content_Types].xml"])
        if not any(o.get("PartName") == "/word/comments.xml" for o in types.iter(f"{{{CT}}}Override")):
            o = etree.SubElement(types, f"{{{CT}}}Override")
            o.set("PartName", "/word/comments.xml")
            o.set("ContentType", COMMENTS_CT)
            self.parts["[Content_Types].xml"] = etree.tostring(types, xml_declaration=True, encoding="UTF-8", standalone=True)
        rels = etree.fromstring(self.parts["word/_rels/document.xml.rels"])
        if not any(r.get("Type") == COMMENTS_TYPE for r in rels):
            r = etree.SubElement(rels, f"{{{PKG_REL}}}Relationship")
            r.set("Id", "rIdComments")
            r.set("Type", COMMENTS_TYPE)
            r.set("Target", "comments.xml")
            self.parts["word/_rels/document.xml.rels"] = etree.tostring(rels, xml_declaration=True, encoding="UTF-8", standalone=True)


EDITABLE_STYLES = ("BodyText", "FirstParagraph", "Compact", "FPNote", "FPTip", "FPExample", "FPWarning", "FPCore")


def edit_every_paragraph(path: Path, out: Path) -> int:
    """A busy reviewer: in every body paragraph, a tracked insertion after the first run and, in every
    third one, the run's first word deleted. Returns the number of insertions."""
    with zipfile.ZipFile(path) as z:
        parts = {n: z.read(n) for n in z.namelist()}
    doc = etree.fromstring(parts["word/document.xml"])
    count = 0
    for p in doc.iter(w("p")):
        style = p.find(f"{w('pPr')}/{w('pStyle')}")
        if style is None or style.get(w("val")) not in EDITABLE_STYLES:
            continue
        runs = [r for r in p.findall(w("r")) if len(getattr(r.find(w("t")), "text", "") or "") > 5
                and r.find(f"{w('rPr')}/{w('rStyle')}") is None]
        if not runs:
            continue
        run = runs[0]
        ins = etree.Element(w("ins"))
        for key, value in (("id", str(5000 + count)), ("author", "Test"), ("date", "2026-12-01T00:00:00Z")):
            ins.set(w(key), value)
        new = copy.deepcopy(run)
        new.find(w("t")).text = f" ny{count}"
        ins.append(new)
        run.addnext(ins)
        count += 1
        t = run.find(w("t"))
        first = t.text.split(" ")[0]
        if count % 3 == 0 and len(first) > 2 and len(t.text) > len(first):
            t.text = t.text[len(first):]
            dele = etree.Element(w("del"))
            for key, value in (("id", str(9000 + count)), ("author", "Test"), ("date", "2026-12-01T00:00:00Z")):
                dele.set(w(key), value)
            gone = copy.deepcopy(run)
            gt = gone.find(w("t"))
            gt.tag = w("delText")
            gt.text = first
            dele.append(gone)
            run.addprevious(dele)
    parts["word/document.xml"] = etree.tostring(doc)
    with zipfile.ZipFile(out, "w") as z:
        for name, data in parts.items():
            z.writestr(name, data)
    return count
