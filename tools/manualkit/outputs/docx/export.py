"""`manual docx`: modules of one variant and language → a DOCX for reviewers in Word.

pandoc (the binary of the pinned pypandoc-binary wheel, as for the PDFs) writes the DOCX from
the Markdown that :mod:`manualkit.outputs.docx.markdown` prepares, with our reference document
for the styles. The document title and language go into docProps/core.xml (dc:title,
dc:language) and the styles' w:lang; what the document was made from goes into its custom
properties (docProps/custom.xml), one property per section, so that `manual docx import` knows
exactly what the reviewer saw. The date is the variant's (SOURCE_DATE_EPOCH, the release or the
last commit; core/dates.py), so the same sources give the same file, and the images come from the
variant's bytes: pandoc is given a folder the export wrote, not the repository.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from manualkit.core.problems import BuildError, UsageError
from manualkit.core.resolved import ResolvedModule, ResolvedVariant
from manualkit.outputs.docx.markdown import Document
from manualkit.outputs.docx.reference import reference_docx
from manualkit.outputs.pdf.markdown_prep import plain
from manualkit.outputs.pdf.pandoc import READER, pandoc_binary
from manualkit.outputs.dates import variant_timestamp

# as for the PDFs, plus bracketed spans (the variable marks) and without smart punctuation: the
# reviewer sees the characters as they are written, so their edits map back to the sources
DOCX_READER = READER.replace("-bracketed_spans", "").replace("-native_spans", "") + "-smart"
FORMAT = "1"  # the version of the custom properties below; the import refuses others


@dataclass(frozen=True)
class Selection:
    """What one export holds: a name for files, a title, and the modules in order."""

    name: str
    title: str
    modules: tuple[ResolvedModule, ...]


def select(variant: ResolvedVariant, lang: str, *, module: str | None = None, part: str | None = None) -> Selection:
    """The modules of one module, one part, or the whole book (generated pages left out)."""
    rm = variant.manuals[lang]
    if module:
        mod = rm.module(module)
        if mod is None or mod.generated:
            from manualkit.core.schema import suggest
            ids = [m.id for m in rm.modules() if not m.generated]
            raise UsageError(f"variant {variant.id} has no module '{module}'", hint=suggest(module, ids) or "see manual/manual.yml")
        return Selection(mod.id, mod.title, (mod,))
    if part:
        found = next((p for p in rm.parts if p.id == part), None)
        if found is None:
            raise UsageError(f"there is no part '{part}'", hint="parts: " + ", ".join(p.id for p in rm.parts))
        return Selection(f"part-{found.id}", found.title, tuple(m for m in found.modules if not m.generated))
    return Selection("book", rm.title, tuple(m for m in rm.modules() if not m.generated))


def properties(variant: ResolvedVariant, lang: str, sel: Selection, doc: Document) -> dict[str, str]:
    rm = variant.manuals[lang]
    props = {"fp-format": FORMAT, "fp-manual": rm.manual_id, "fp-version": rm.version, "fp-variant": variant.id,
             "fp-lang": lang, "fp-languages": ",".join(variant.languages),
             "fp-modules": ",".join(m.id for m in sel.modules)}
    for rec in doc.records:
        props["fp-" + rec.bookmark[3:]] = rec.encode()  # fp_s2 -> fp-s2
    return props


def _write_images(variant: ResolvedVariant, folder: Path) -> Path:
    """The images the text shows, from the bytes the variant holds, where pandoc looks for them
    (paths from the repository root, as the Markdown names them): pandoc reads no repository file."""
    folder.mkdir(parents=True, exist_ok=True)
    for key, asset in variant.images.items():
        if asset.ok and asset.data:
            dest = folder / key
            dest.parent.mkdir(parents=True, exist_ok=True)
            dest.write_bytes(asset.data)
    return folder


def export(variant: ResolvedVariant, lang: str, sel: Selection, out: Path) -> Path:
    """Write the DOCX of ``sel`` in ``lang`` to ``out`` (a temporary file replaces it on success).

    The document title names the manual, the municipality's version and what was exported
    ("Familiepartner (Lillehammer kommune) – Sikkerhetsplan"), so a reviewer knows what they read."""
    doc = Document(variant, lang)
    rm = variant.manuals[lang]
    title = rm.title + ("" if variant.is_base else f" ({rm.variant_name})")
    title += f" – {sel.title}" if sel.name != "book" else ""
    markdown = doc.markdown(list(sel.modules))
    props = properties(variant, lang, sel, doc)
    out.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="docx-") as tmp:
        ref = Path(tmp) / "reference.docx"
        ref.write_bytes(reference_docx())
        target = Path(tmp) / "out.docx"
        media = _write_images(variant, Path(tmp) / "media")
        cmd = [pandoc_binary(), "--quiet", "-f", DOCX_READER, "-t", "docx", "--wrap=preserve",
               f"--reference-doc={ref}", f"--resource-path={media}", "-o", str(target),
               "-M", f"title={plain(title)}", "-M", f"lang={lang}"]
        for key, value in props.items():
            cmd += ["-M", f"{key}={value}"]
        env = {**os.environ, "SOURCE_DATE_EPOCH": str(variant_timestamp(variant))}
        try:
            done = subprocess.run(cmd, input=markdown.encode("utf-8"), capture_output=True, timeout=600, env=env)
        except (OSError, subprocess.SubprocessError) as exc:
            raise BuildError(f"pandoc could not run for {sel.name}: {exc}", hint=f"command: {' '.join(cmd[:6])} …") from None
        if done.returncode != 0:
            message = " ".join(done.stderr.decode("utf-8", "replace").split())[:400] or f"exit status {done.returncode}"
            raise BuildError(f"pandoc failed on {sel.name} ({lang}): {message}", hint=f"command: {' '.join(cmd[:6])} …")
        shutil.move(str(target), str(out))
    return out


__all__ = ["export", "select", "Selection", "DOCX_READER", "FORMAT"]
