"""Check a built PDF for what PDF/UA-1 (and PDF/A-2a) ask and a screen reader needs.

Typst writes these PDFs and can already refuse some faults while compiling; this check reads the
finished file with pikepdf, so it also catches a renderer that forgot to ask for the standard.
It checks the machine-readable facts: tagged (MarkInfo /Marked, a structure tree), PDF/UA-1 and
PDF/A-2a identification in the XMP metadata, a title shown in the window, the document language,
alt text on every figure and formula, and every font embedded. It cannot judge whether an alt
text is a good one; `manual check` (E604) and reviewers do that.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any, Iterator

from manualkit.a11y.findings import PdfResult

_NEEDS_ALT = ("/Figure", "/Formula")


def check_pdf(path: Path, expected_lang: str | None = None, shown_as: str | None = None) -> PdfResult:
    """Every accessibility problem of one PDF, each as a sentence saying what to fix."""
    import pikepdf

    result = PdfResult(path=shown_as or str(path))
    try:
        pdf = pikepdf.open(path)
    except (pikepdf.PdfError, OSError) as exc:
        result.problems.append(f"cannot be read as a PDF ({exc})")
        return result
    with pdf:
        root = pdf.Root
        problems = result.problems
        mark = root.get("/MarkInfo")
        if mark is None or not bool(mark.get("/Marked", False)):
            problems.append("not tagged: /MarkInfo /Marked is not true, so screen readers get no structure")
        elif bool(mark.get("/Suspects", False)):
            problems.append("its tags are marked as suspect (/MarkInfo /Suspects true)")
        tree = root.get("/StructTreeRoot")
        if tree is None or tree.get("/K") is None:
            problems.append("has no structure tree (/StructTreeRoot), so headings, lists and figures are not tagged")
        meta = _xmp(pdf)
        if meta.get("pdfuaid:part") != "1":
            problems.append("is not identified as PDF/UA-1 in its XMP metadata (pdfuaid:part = 1): compile it with "
                            "Typst's pdf_standards [\"a-2a\", \"ua-1\"]")
        if meta.get("pdfaid:part") != "2" or str(meta.get("pdfaid:conformance", "")).upper() != "A":
            found = f"PDF/A-{meta.get('pdfaid:part')}{str(meta.get('pdfaid:conformance', '')).lower()}" \
                if meta.get("pdfaid:part") else "none"
            problems.append(f"is not identified as PDF/A-2a in its XMP metadata (found: {found})")
        result.title = _title(pdf, meta)
        if not result.title:
            problems.append("has no document title (dc:title in the XMP metadata)")
        prefs = root.get("/ViewerPreferences")
        if prefs is None or not bool(prefs.get("/DisplayDocTitle", False)):
            problems.append("does not show its title in the window title (/ViewerPreferences /DisplayDocTitle true)")
        result.lang = str(root.get("/Lang", "")).strip()
        if not result.lang:
            problems.append("has no document language (/Lang), so a screen reader guesses the pronunciation")
        elif expected_lang and not _same_lang(result.lang, expected_lang):
            problems.append(f"says its language is '{result.lang}' but it is the '{expected_lang}' edition")
        if tree is not None:
            problems += _missing_alt(pdf, tree)
        problems += [f"font {name} is not embedded, so the text may show wrongly or not at all on other machines"
                     for name in sorted(_unembedded_fonts(pdf))]
    return result


def _xmp(pdf: Any) -> dict[str, Any]:
    try:
        with pdf.open_metadata(set_pikepdf_as_editor=False, update_docinfo=False) as meta:
            keys = ("pdfuaid:part", "pdfaid:part", "pdfaid:conformance", "dc:title")
            return {k: meta.get(k) for k in keys if meta.get(k) is not None}
    except Exception:  # noqa: BLE001 - broken XMP is reported as missing identification
        return {}


def _title(pdf: Any, meta: dict[str, Any]) -> str:
    title = meta.get("dc:title")
    if isinstance(title, dict):  # language alternatives
        title = next(iter(title.values()), "")
    return str(title or "").strip()


def _same_lang(found: str, expected: str) -> bool:
    f, e = found.lower().replace("_", "-"), expected.lower()
    return f == e or f.startswith(e + "-")


def _struct_elems(node: Any, seen: set[tuple[int, int]]) -> Iterator[Any]:
    import pikepdf

    if isinstance(node, pikepdf.Array):
        for child in node:
            yield from _struct_elems(child, seen)
        return
    if not isinstance(node, pikepdf.Dictionary):
        return
    if node.is_indirect:
        if node.objgen in seen:
            return
        seen.add(node.objgen)
    if node.get("/S") is not None:
        yield node
    kids = node.get("/K")
    if kids is not None and node.get("/Type") not in ("/MCR", "/OBJR"):
        yield from _struct_elems(kids, seen)


def _role(elem: Any, role_map: Any) -> str:
    role, hops = str(elem.get("/S")), 0
    while role_map is not None and role in role_map and hops < 10:
        role, hops = str(role_map[role]), hops + 1
    return role


def _page_of(pdf: Any, elem: Any) -> str:
    page = elem.get("/Pg")
    kids = elem.get("/K")
    if page is None and kids is not None:
        for kid in (kids if hasattr(kids, "__iter__") and not hasattr(kids, "keys") else [kids]):
            if hasattr(kid, "get") and kid.get("/Pg") is not None:
                page = kid.get("/Pg")
                break
    if page is None:
        return ""
    for number, candidate in enumerate(pdf.pages, start=1):
        if candidate.obj.objgen == page.objgen:
            return f" on page {number}"
    return ""


def _missing_alt(pdf: Any, tree: Any) -> list[str]:
    role_map = tree.get("/RoleMap")
    out: list[str] = []
    counts = {name: 0 for name in _NEEDS_ALT}
    for elem in _struct_elems(tree.get("/K"), set()):
        role = _role(elem, role_map)
        if role not in _NEEDS_ALT:
            continue
        counts[role] += 1
        alt = str(elem.get("/Alt", "")).strip() or str(elem.get("/ActualText", "")).strip()
        if not alt:
            kind = role.lstrip("/").lower()
            out.append(f"{kind} {counts[role]}{_page_of(pdf, elem)} has no alt text: describe the image in the module "
                       "(![what the picture shows](file.png)); only decoration may go without")
    return out


def _unembedded_fonts(pdf: Any) -> set[str]:
    missing: set[str] = set()
    seen: set[tuple[int, int]] = set()

    def fonts_in(resources: Any) -> None:
        if resources is None:
            return
        for font in (resources.get("/Font") or {}).values():
            if font.is_indirect and font.objgen in seen:
                continue
            if font.is_indirect:
                seen.add(font.objgen)
            if font.get("/Subtype") == "/Type3":
                fonts_in(font.get("/Resources"))
                continue
            target = font.DescendantFonts[0] if font.get("/Subtype") == "/Type0" else font
            desc = target.get("/FontDescriptor")
            if desc is None or not any(k in desc for k in ("/FontFile", "/FontFile2", "/FontFile3")):
                missing.add(str(font.get("/BaseFont", "(unnamed)")).lstrip("/"))
        for xobj in (resources.get("/XObject") or {}).values():
            if xobj.is_indirect and xobj.objgen in seen:
                continue
            if xobj.is_indirect:
                seen.add(xobj.objgen)
            if xobj.get("/Subtype") == "/Form":
                fonts_in(xobj.get("/Resources"))

    for page in pdf.pages:
        fonts_in(page.obj.get("/Resources"))
    return missing


def pdf_language(path: Path, pdf_dir: Path, languages: list[str]) -> str | None:
    """The language edition a PDF belongs to, from its folder (build/<variant>/pdf/<lang>/…)."""
    try:
        first = path.relative_to(pdf_dir).parts[0]
    except (ValueError, IndexError):
        return None
    return first if first in languages else None


__all__ = ["check_pdf", "pdf_language"]
