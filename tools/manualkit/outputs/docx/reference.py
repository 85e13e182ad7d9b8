"""The reference document that gives the exported DOCX its Word styles.

Made from pandoc's own default reference.docx (so it always fits the pandoc that writes the
documents) with our styles added to word/styles.xml: a shaded, bordered block per callout kind,
the question of a '::: {.lines}' block and the ruled lines under it (room to write on a handout,
drawn as in the PDF: 0.9 cm apart, 0.6 pt grey), the marks for core and locally adapted sections, the note on a module whose text is in another language,
a title line for callouts, the summary, and character styles for text that comes from a variable
or a placeholder. The zip is written with
fixed dates and a fixed member order, so the same pandoc gives the same bytes.
"""
from __future__ import annotations

import io
import subprocess
import zipfile
from functools import lru_cache

from lxml import etree

from manualkit.core.problems import BuildError
from manualkit.outputs.pdf.pandoc import pandoc_binary
from manualkit.outputs.zips import check_members

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
FIXED_DATE = (2000, 1, 1, 0, 0, 0)

# style id, name, border colour, fill colour
# (the ids are what the import reads back; the names are what a reviewer sees in Word)
PARAGRAPH_STYLES = (
    ("FPNote", "FP Note", "4F81BD", "EAF1FB"),
    ("FPTip", "FP Tip", "2E7D32", "EAF5EA"),
    ("FPExample", "FP Example", "6D4C9F", "F1EDF7"),
    ("FPWarning", "FP Warning", "B45F06", "FDF1E4"),
    ("FPCore", "FP Core", "8E1B1B", "FBEAEA"),
)
MARK_STYLES = (  # generated lines: the import never maps them to the sources
    ("FPCoreMark", "FP Core mark", "8E1B1B"),
    ("FPLocalMark", "FP Local mark", "00567A"),
    ("FPCalloutTitle", "FP Callout title", "333333"),
    ("FPFigure", "FP Figure", "555555"),  # a picture drawn from the model, as its text alternative
    ("FPLanguageNote", "FP Language note", "B45F06"),  # a module shown in another language than the document's
)
CALLOUT_STYLE = {"note": "FP Note", "tip": "FP Tip", "example": "FP Example", "warning": "FP Warning", "core": "FP Core",
                 "lines": "FP Lines"}
UNTITLED_CALLOUTS = frozenset({"lines"})  # no title line: the ruled lines under the question show what it is
WRITING_LINE_STYLE = "FP Writing line"  # one empty ruled paragraph per line to write on (generated)
LINE_COLOUR = "767676"  # the PDF's and print.css's grey
GENERATED_STYLE_IDS = frozenset({"Title", "FPCoreMark", "FPLocalMark", "FPCalloutTitle", "FPSummary", "Subtitle",
                                 "FPWritingLine", "FPFigure", "FPLanguageNote"})


def _el(tag: str, **attrs: str) -> etree._Element:
    e = etree.Element(f"{{{W}}}{tag}")
    for k, v in attrs.items():
        e.set(f"{{{W}}}{k}", v)
    return e


def _sub(parent: etree._Element, tag: str, **attrs: str) -> etree._Element:
    e = _el(tag, **attrs)
    parent.append(e)
    return e


def _paragraph_style(sid: str, name: str, based: str = "BodyText") -> tuple[etree._Element, etree._Element, etree._Element]:
    st = _el("style", type="paragraph", customStyle="1", styleId=sid)
    _sub(st, "name", val=name)
    _sub(st, "basedOn", val=based)
    _sub(st, "qFormat")
    return st, _sub(st, "pPr"), _sub(st, "rPr")


def _styles(xml: bytes) -> bytes:
    root = etree.fromstring(xml)
    for sid, name, border, fill in PARAGRAPH_STYLES:
        st, ppr, _rpr = _paragraph_style(sid, name)
        bdr = _sub(ppr, "pBdr")
        _sub(bdr, "left", val="single", sz="24", space="8", color=border)
        _sub(ppr, "shd", val="clear", color="auto", fill=fill)
        _sub(ppr, "spacing", before="60", after="60")
        _sub(ppr, "ind", left="240", right="240")
        root.append(st)
    for sid, name, colour in MARK_STYLES:
        st, ppr, rpr = _paragraph_style(sid, name)
        _sub(ppr, "keepNext")
        _sub(ppr, "spacing", before="0", after="60")
        _sub(rpr, "b")
        _sub(rpr, "color", val=colour)
        _sub(rpr, "sz", val="20")
        root.append(st)
    # the question of a lines block: the text as it is, kept on the page of its lines
    st, ppr, _rpr = _paragraph_style("FPLines", "FP Lines")
    _sub(ppr, "keepNext")
    _sub(ppr, "spacing", before="180", after="0")
    root.append(st)
    # a line to write on: an empty paragraph 0.9 cm high (510 twips) ruled at its foot; paragraphs
    # with the same borders make one group in Word, so 'between' rules each line, 'bottom' the last
    st, ppr, _rpr = _paragraph_style("FPWritingLine", WRITING_LINE_STYLE)
    _sub(ppr, "keepNext")
    bdr = _sub(ppr, "pBdr")
    _sub(bdr, "bottom", val="single", sz="5", space="0", color=LINE_COLOUR)
    _sub(bdr, "between", val="single", sz="5", space="0", color=LINE_COLOUR)
    _sub(ppr, "spacing", before="0", after="0", line="510", lineRule="exact")
    root.append(st)
    st, ppr, rpr = _paragraph_style("FPSummary", "FP Summary")
    _sub(rpr, "i")
    _sub(rpr, "color", val="444444")
    root.append(st)
    for sid, name, fill in (("FPVariable", "FP Variable", "E8F0E0"), ("FPPlaceholder", "FP Placeholder", "FFF2CC")):
        st = _el("style", type="character", customStyle="1", styleId=sid)
        _sub(st, "name", val=name)
        rpr = _sub(st, "rPr")
        if sid == "FPPlaceholder":
            _sub(rpr, "b")
        _sub(rpr, "shd", val="clear", color="auto", fill=fill)
        root.append(st)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


@lru_cache(maxsize=1)
def reference_docx() -> bytes:
    """The bytes of our reference.docx (pandoc's default with the manual's styles added)."""
    cmd = [pandoc_binary(), "--print-default-data-file", "reference.docx"]
    try:
        done = subprocess.run(cmd, capture_output=True, timeout=120)
    except (OSError, subprocess.SubprocessError) as exc:
        raise BuildError(f"pandoc could not run: {exc}", hint=f"command: {' '.join(cmd)}") from None
    if done.returncode != 0:
        raise BuildError("pandoc did not give its default reference.docx", hint=done.stderr.decode("utf-8", "replace")[:300])
    src = zipfile.ZipFile(io.BytesIO(done.stdout))
    check_members(src.namelist(), "pandoc's reference.docx", hint=f"check the pandoc binary: {' '.join(cmd)}")
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for name in sorted(src.namelist()):
            data = src.read(name)
            if name == "word/styles.xml":
                data = _styles(data)
            info = zipfile.ZipInfo(name, FIXED_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            z.writestr(info, data)
    return out.getvalue()


__all__ = ["reference_docx", "CALLOUT_STYLE", "UNTITLED_CALLOUTS", "WRITING_LINE_STYLE", "GENERATED_STYLE_IDS"]
