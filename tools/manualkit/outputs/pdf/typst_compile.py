"""Typst → PDF in process, with one reused compiler per batch, fixed time and clear errors.

Every PDF is PDF/A-2a and PDF/UA-1 (tagged, title and language set, fonts embedded). Only
Typst's built-in fonts are used (``ignore_system_fonts``), so every machine makes the same
bytes; the timestamp is fixed too (the variant's, see core/dates.py), so the same input gives
byte-identical PDFs.

Typst's root is not the repository but a private staging folder that holds only the images a
document shows, written from the bytes the variant carries (read and checked by content at the
load stage: PNG, JPEG, WebP, safe SVG). Typst refuses paths outside its root, so even if a bug
let content through as Typst code, ``read()`` of a repository or host file would fail.
"""
from __future__ import annotations

import dataclasses
import json
import os
import posixpath
import re
import tempfile
from pathlib import Path
from typing import Callable, TextIO

from manualkit.core.problems import BuildError
from manualkit.core.resolved import ResolvedModule, ResolvedVariant
from manualkit.core.variant_files import OUTSIDE
from manualkit.outputs.dates import FIXED_EPOCH, iso_date, variant_timestamp  # noqa: F401 (used here and re-exported)
from manualkit.outputs.pdf.documents import Document
from manualkit.outputs.pdf.markdown_prep import FIGURE_FOLDER

PDF_STANDARDS = ["a-2a", "ua-1"]
HANDOUT_TOP_PT = 95  # top margin 2.5 cm (71 pt) + the box inset (12 pt): a box starting above this opens its page
_WHERE = re.compile(r"__typst_py_bytes__\.typ:(\d+):(\d+)")
# what the Lua filter writes for an image (a '#' in text comes out as '\#')
_IMAGE = re.compile(r'(?<!\\)#(?:pdf\.artifact\()?image\("((?:[^"\\]|\\.)*)"')
_WORD = re.compile(r"[^\W\d_]{3,}")
_TYPST_WORDS = {"image", "alt", "xref", "callout", "section", "strong", "emph", "link", "tags", "core", "adapted",
                "true", "false", "table", "figure", "align", "center", "block", "columns", "auto", "header"}


_SUSPECTS_FALSE = re.compile(rb"(<</Type/Catalog(?:(?!endobj).){0,4000}?/MarkInfo<<[^<>]*?)/Suspects false", re.S)


def without_suspects_false(pdf: bytes) -> bytes:
    """Blank ``/Suspects false`` in the catalog's /MarkInfo, keeping every byte offset.

    Typst (its PDF writer, krilla) writes ``/MarkInfo <</Marked true /Suspects false>>``: valid
    PDF, and false is the default. Poppler 22-25 (pdfinfo, pdftotext, evince) then prints
    "Syntax Error: Suspects object is wrong type (boolean)" for every file: its Catalog::getMarkInfo
    tests ``isBool() && getBool()`` and reports anything else as a wrong type. Leaving the key out
    means the same, so the key is overwritten with spaces of the same length: the cross-reference
    offsets stay right, nothing else changes and the output stays byte-identical build to build.
    """
    found = _SUSPECTS_FALSE.search(pdf)
    if found is None:
        return pdf
    start = found.start() + len(found.group(1))
    return pdf[:start] + b" " * (found.end() - start) + pdf[found.end():]


def page_count(pdf: bytes) -> int:
    """Number of pages, read from the page tree of the PDF Typst wrote (one /Pages node)."""
    counts = [int(m[1]) for m in re.finditer(rb"/Type\s*/Pages\b[^>]*?/Count\s+(\d+)", pdf)]
    counts += [int(m[1]) for m in re.finditer(rb"/Count\s+(\d+)[^>]*?/Type\s*/Pages\b", pdf)]
    return max(counts, default=0)


class TypstRunner:
    """One Typst compiler for a batch of documents under one project root."""

    def __init__(self, variant: ResolvedVariant, timestamp: int | None = None,
                 draw: Callable[[str], str] | None = None) -> None:
        import typst

        self.root = Path(variant.root)  # only to name files in messages: nothing is read from it
        self.images = dict(variant.images)
        logo = variant.assets.get("logo")
        if logo is not None:
            self.images.setdefault(logo.path, logo)
        self.timestamp = variant_timestamp(variant) if timestamp is None else timestamp
        self._typst = typst
        self._staging = tempfile.TemporaryDirectory(prefix="manualkit-typst-")  # removed with the runner
        self.typst_root = Path(self._staging.name)
        self._staged: set[str] = set()
        self._refused: dict[str, str] = {}  # image path -> why it was not staged
        self._draw = draw  # the pictures drawn from the model (outputs/figures.Drawer): name -> SVG
        self._compiler = typst.Compiler(root=str(self.typst_root), font_paths=[], ignore_system_fonts=True)

    def _stage(self, doc: Document) -> list[str]:
        """Write the images ``doc`` shows (and only those, and only real images) into Typst's root,
        from the bytes the variant holds; returns their names."""
        wanted = [re.sub(r"\\(.)", r"\1", m) for m in _IMAGE.findall(doc.source)]
        logo = json.loads(doc.inputs.get("meta", "{}")).get("logo")
        if isinstance(logo, str):
            wanted.append(logo)
        for name in wanted:
            if name in self._staged or name in self._refused:
                continue
            if name.startswith(FIGURE_FOLDER):
                self._stage_figure(name)
                continue
            rel = posixpath.normpath(name.lstrip("/"))
            asset = self.images.get(rel)
            if asset is None or not asset.exists:
                continue  # Typst says "file not found", with the module and line (see _error)
            why = None if name.startswith("/") and asset.problem != OUTSIDE else "it lies outside the repository"
            why = why or asset.problem
            if why:
                self._refused[name] = why
                continue
            dest = self.typst_root / name.lstrip("/")
            dest.parent.mkdir(parents=True, exist_ok=True)
            dest.write_bytes(asset.data)
            self._staged.add(name)
        return wanted

    def _stage_figure(self, name: str) -> None:
        """A picture drawn from the model, written into Typst's root after the SVG check."""
        from manualkit.core.assets import svg_problem

        if self._draw is None:
            self._refused[name] = "this build draws no pictures"
            return
        data = self._draw(name[len(FIGURE_FOLDER):]).encode("utf-8")
        why = svg_problem(data)
        if why:
            self._refused[name] = f"the drawn SVG contains {why}"
            return
        dest = self.typst_root / name.lstrip("/")
        dest.parent.mkdir(parents=True, exist_ok=True)
        dest.write_bytes(data)
        self._staged.add(name)

    def _key(self, doc: Document, images: list[str]) -> str:
        """Everything Typst reads for ``doc``: source, data, date, standards, the staged images."""
        from manualkit.outputs import cache

        shown = {}
        for name in sorted(set(images)):
            path = self.typst_root / name.lstrip("/")
            shown[name] = cache.file_digest(path) if name in self._staged and path.is_file() else "not staged"
        # the templates are part of doc.source: a template edit re-typesets only the documents using it
        return cache.digest("typst", doc.source, doc.inputs, self.timestamp, PDF_STANDARDS, shown,
                            cache.tool_versions().get("typst"))

    def _cached(self, doc: Document, log: TextIO | None) -> tuple[str, bytes | None]:
        """Stage the images ``doc`` shows; its key and, when the same input made it before, the PDF."""
        from manualkit.outputs import cache

        images = self._stage(doc)
        store = cache.pieces()
        if store is None:
            return "", None
        key = self._key(doc, images)
        hit = store.get("typst", key, doc.name)
        if hit is None:
            return key, None
        notes, _, data = hit.partition(b"\0")  # the PDF and Typst's warnings, as the same input made them
        self._warn(doc, notes.decode("utf-8").split("\n") if notes else [], log)
        return key, data

    def _finish(self, doc: Document, data: object, notes: list[str], key: str, log: TextIO | None) -> bytes:
        from manualkit.outputs import cache

        if not isinstance(data, bytes):
            raise BuildError(f"Typst returned no PDF for {doc.name}", hint="this is a bug in the toolkit")
        self._warn(doc, notes, log)
        data = without_suspects_false(data)
        store = cache.pieces()
        if store is not None and key:
            store.put("typst", key, "\n".join(notes).replace("\0", " ").encode("utf-8") + b"\0" + data, doc.name)
        return data

    def pdf(self, doc: Document, log: TextIO | None = None) -> bytes:
        key, data = self._cached(doc, log)
        if data is not None:
            return data
        try:
            data, warnings = self._compiler.compile_with_warnings(
                input=doc.source.encode("utf-8"), format="pdf", sys_inputs=doc.inputs,
                pdf_standards=PDF_STANDARDS, timestamp=self.timestamp)
        except self._typst.TypstError as exc:
            raise self._error(doc, exc) from None
        return self._finish(doc, data, [" ".join(str(getattr(w, "message", w)).split()) for w in warnings], key, log)

    def pdfs_apart(self, docs: list[Document], log: TextIO | None = None, processes: int = 1) -> list[bytes]:
        """Big documents (the books), each typeset in a process of its own, ``processes`` at a time.

        Typst keeps what it has laid out until its process ends (about 4 MB per module of a
        book); a process per book gives that memory back as soon as the book is done, and lets
        the languages' books be typeset side by side. Same compiler settings, so the same bytes
        as :meth:`pdf`."""
        found: list[tuple[str, bytes | None]] = [self._cached(doc, log) for doc in docs]
        todo = [i for i, (_key, data) in enumerate(found) if data is None]
        results: dict[int, tuple] = {}
        if todo:
            import multiprocessing
            from concurrent.futures import ProcessPoolExecutor
            from concurrent.futures.process import BrokenProcessPool

            # spawn, not fork: the parent may hold threads (pandoc's pool) and their locks
            try:
                with ProcessPoolExecutor(max_workers=max(1, min(processes, len(todo))), max_tasks_per_child=1,
                                         mp_context=multiprocessing.get_context("spawn")) as pool:
                    jobs = {i: pool.submit(_compile_apart, str(self.typst_root), docs[i].source, dict(docs[i].inputs),
                                           self.timestamp) for i in todo}
                    results = {i: job.result() for i, job in jobs.items()}
            except BrokenProcessPool:  # the process was killed: most often the machine ran out of memory
                names = " and ".join(docs[i].name for i in todo)
                raise BuildError(f"Typst stopped without an answer while typesetting {names}: its process ended "
                                 "(most often because the machine ran out of memory)",
                                 hint="close other programs and build again, or build fewer variants at once: "
                                      "manual build --jobs 1") from None
        out: list[bytes] = []
        for i, doc in enumerate(docs):
            key, data = found[i]
            if data is None:
                status, value, notes = results[i]
                if status != "ok":
                    raise self._error(doc, _ChildError(**value))
                data = self._finish(doc, value, notes, key, log)
            out.append(data)
        return out

    def handout_pdf(self, doc: Document, log: TextIO | None = None) -> bytes:
        """A handout; laid out again with the contact box at the top of page 1 when it would
        otherwise stand alone on the last page (a page with nothing for the parents but contacts).
        The box is never placed inside the text, so it never parts a paragraph."""
        data = self.pdf(doc, log)
        if page_count(data) < 2 or not self._contacts_alone(doc):
            return data
        meta = json.loads(doc.inputs["meta"])
        meta["contacts_at_top"] = True
        moved = dataclasses.replace(doc, inputs={**doc.inputs, "meta": json.dumps(meta, ensure_ascii=False, sort_keys=True)})
        return self.pdf(moved, log)

    def _contacts_alone(self, doc: Document) -> bool:
        try:
            found = self._typst.query(doc.source.encode("utf-8"), "<fp-contacts>", field="value", root=str(self.root),
                                      font_paths=[], ignore_system_fonts=True, sys_inputs=doc.inputs)
        except self._typst.TypstError:
            return False  # the normal layout stands; the PDF itself compiled
        values = json.loads(found) if isinstance(found, (str, bytes)) else found
        pairs = [v for v in values if isinstance(v, list) and len(v) == 2 and all(isinstance(x, int) for x in v)]
        # the box is the last thing in the flow: at the top of a later page, nothing else is on that page
        return bool(pairs) and pairs[0][0] > 1 and pairs[0][1] < HANDOUT_TOP_PT

    @staticmethod
    def _warn(doc: Document, notes: list[str], log: TextIO | None) -> None:
        if log is not None:
            for note in notes:
                log.write(f"warning: Typst, {doc.name}: {note}\n")

    def _error(self, doc: Document, exc: Exception) -> BuildError:
        message = " ".join(str(getattr(exc, "message", "") or exc).split())
        # name files as they are in the repository, not in the private staging folder
        message = message.replace(str(self.typst_root), str(self.root))
        for name, why in self._refused.items():
            if name in message:
                message += f": '{name.lstrip('/')}' was not given to Typst because {why}"
        diagnostic = str(getattr(exc, "diagnostic", "") or "")
        hints = [str(h) for h in getattr(exc, "hints", []) or []]
        found = _WHERE.search(diagnostic)
        line = int(found[1]) if found else 0
        lines = doc.source.split("\n")
        code = lines[line - 1].strip() if 0 < line <= len(lines) else ""
        mod = doc.module_at(line) if line else None
        if mod is not None:
            where = self._source_line(mod, code)
            place = f"{where[0]}:{where[1]}" if where else mod.origin
            text = f"Typst could not typeset module '{mod.id}' ({place}) in {doc.name}: {message}"
            hint = "; ".join(hints + ([f"in the generated Typst: {code[:160]}"] if code else []))
            return BuildError(text, hint=hint or "check the Markdown of that module near the place named")
        if line and line <= doc.template_end:
            return BuildError(f"the {doc.kind} template failed for {doc.name}: {message} (generated line {line}: {code[:120]})",
                              hint="this is a bug in manualkit/outputs/pdf/templates, not in your text")
        first = diagnostic.strip().splitlines()[:1]
        return BuildError(f"Typst could not typeset {doc.name}: {message}", hint="; ".join(hints or first))

    def _source_line(self, mod: ResolvedModule, code: str) -> tuple[str, int] | None:
        """Best guess of the Markdown line behind a line of generated Typst (by shared words), from
        the text as written that the variant keeps with each section (no file is read)."""
        words = {w.lower() for w in _WORD.findall(code)} - _TYPST_WORDS
        if not words:
            return None
        pieces = [(mod.origin, mod.preamble_line, mod.preamble_source)] + [(s.origin, s.line, s.source) for s in mod.sections]
        best: tuple[int, str, int] | None = None
        for origin, first, source in pieces:
            if not origin.endswith(".md") or not first or not source:
                continue
            for number, text in enumerate(source.split("\n"), first):
                score = len(words & {w.lower() for w in _WORD.findall(text)})
                if score and (best is None or score > best[0]):
                    best = (score, origin, number)
        if best is None or best[0] * 2 < min(len(words), 6):
            return None
        return best[1], best[2]


class _ChildError(Exception):
    """A TypstError as it came back from the process that typeset the document."""

    def __init__(self, message: str, diagnostic: str, hints: list[str]) -> None:
        super().__init__(message)
        self.message, self.diagnostic, self.hints = message, diagnostic, hints


def _compile_apart(typst_root: str, source: str, inputs: dict, timestamp: int) -> tuple[str, object, list[str]]:
    """Typeset one document in this (fresh) process: ("ok", pdf, warnings) or ("error", details, [])."""
    import typst

    compiler = typst.Compiler(root=typst_root, font_paths=[], ignore_system_fonts=True)
    try:
        data, warnings = compiler.compile_with_warnings(input=source.encode("utf-8"), format="pdf", sys_inputs=inputs,
                                                        pdf_standards=PDF_STANDARDS, timestamp=timestamp)
    except typst.TypstError as exc:
        return "error", {"message": str(getattr(exc, "message", "") or exc),
                         "diagnostic": str(getattr(exc, "diagnostic", "") or ""),
                         "hints": [str(h) for h in getattr(exc, "hints", []) or []]}, []
    return "ok", data, [" ".join(str(getattr(w, "message", w)).split()) for w in warnings]


__all__ = ["TypstRunner", "variant_timestamp", "iso_date", "page_count", "PDF_STANDARDS"]
