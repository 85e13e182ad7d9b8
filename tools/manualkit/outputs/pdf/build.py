"""`manual build` and `manual pdf`: the PDFs of one variant, in every language.

Per variant and language, in build/<variant>/pdf/<lang>/: manual.pdf (the book),
sessions/<id>.pdf (a trainer's guide per session, its handouts appended) and handouts/<id>.pdf.
All modules go through pandoc once per language; one Typst compiler serves the whole batch.
Everything is written into a temporary folder that replaces the old one only on success.
"""
from __future__ import annotations

import os
import sys
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Mapping, TextIO

from manualkit.core.problems import BuildError, UsageError
from manualkit.core.resolved import ResolvedManual, ResolvedModule, ResolvedVariant
from manualkit.outputs.figures import Drawer
from manualkit.outputs.pdf import documents
from manualkit.outputs.pdf.markdown_prep import Fragments, convert
from manualkit.outputs.pdf.typst_compile import TypstRunner, iso_date, page_count, variant_timestamp

MAX_HANDOUT_PAGES = 2
# Typst source of all books together above which each book is typeset in a process of its own
# (about 40 modules per language); smaller manuals save the process start. MANUALKIT_BOOKS_APART
# sets another size (0: always apart), for tests and measurements.
BOOKS_APART_FROM = 600_000


def books_apart_from() -> int:
    value = os.environ.get("MANUALKIT_BOOKS_APART", "").strip()
    return int(value) if value.isdigit() else BOOKS_APART_FROM


@dataclass
class _Language:
    """The resolved manual of one language with its converted fragments and document data."""

    rm: ResolvedManual
    fragments: Fragments
    meta: dict


def available_cores() -> int:
    """Cores this process may use (pandoc runs are spread over them); MANUALKIT_CORES is the share
    the build runner gives a process when it builds several variants side by side."""
    share = os.environ.get("MANUALKIT_CORES", "")
    if share.isdigit() and int(share) > 0:
        return int(share)
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


def prepare(variant: ResolvedVariant, lang: str, modules: list[ResolvedModule] | None, stamp: int,
            workers: int = 1) -> _Language:
    """Convert ``modules`` (all when None) of one language and gather what its PDFs show."""
    rm = variant.manuals[lang]
    wanted = rm.modules() if modules is None else modules
    fragments = convert(wanted, what=f"the {variant.id} manual ({lang})", workers=workers)
    logo = variant.assets.get("logo")
    logo_path = "/" + logo.path if logo is not None else None
    meta = documents.manual_meta(rm, contacts=list(variant.contacts.get(lang, ())), date=iso_date(stamp), logo=logo_path)
    return _Language(rm, fragments, meta)


def _handout_pages_warning(pdf: bytes, doc: documents.Document, mod: ResolvedModule, log: TextIO) -> None:
    pages = page_count(pdf)
    if pages > MAX_HANDOUT_PAGES:
        log.write(f"warning: {doc.name} runs over {MAX_HANDOUT_PAGES} pages ({pages} pages): shorten "
                  f"{mod.origin} so it fits on one A4 sheet, front and back\n")


def _write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)


def render(variant: ResolvedVariant, out_dir: Path, log: TextIO, inputs: Mapping[str, Path] | None = None) -> None:
    """All PDFs of ``variant`` into ``out_dir`` (the runner moves it to build/<variant>/pdf)."""
    from manualkit.outputs import cache

    store = cache.pieces()
    before = (len(store.made), len(store.reused)) if store is not None else (0, 0)
    stamp = variant_timestamp(variant)
    runner = TypstRunner(variant, stamp, draw=Drawer(variant))
    langs = list(variant.manuals)
    # pandoc is the slow step and runs as a subprocess: convert the languages side by side,
    # each in as many parts as there are cores left for it
    cores = available_cores()
    with ThreadPoolExecutor(max_workers=max(1, min(len(langs), cores))) as pool:
        jobs = list(pool.map(lambda lang: prepare(variant, lang, None, stamp, max(1, cores // len(langs))), langs))
    books = [documents.book(job.rm, job.fragments, job.meta) for job in jobs]
    if sum(len(b.source) for b in books) >= books_apart_from():  # big books: a process each (memory, cores)
        made = runner.pdfs_apart(books, log, processes=cores)
    else:
        made = [runner.pdf(book, log) for book in books]
    for lang, job, pdf in zip(langs, jobs, made):
        rm = job.rm
        out = out_dir / lang
        _write(out / "manual.pdf", pdf)
        for mod in rm.modules():
            if mod.type == "session":
                doc = documents.session_guide(rm, mod, job.fragments, job.meta)
                _write(out / "sessions" / f"{mod.id}.pdf", runner.pdf(doc, log))
            elif mod.type == "handout":
                doc = documents.handout(rm, mod, job.fragments, job.meta)
                pdf = runner.handout_pdf(doc, log)
                _handout_pages_warning(pdf, doc, mod, log)
                _write(out / "handouts" / f"{mod.id}.pdf", pdf)
    if store is not None:
        made, reused = store.made[before[0]:], store.reused[before[1]:]
        count = {kind: (sum(k == kind for k, _ in made), sum(k == kind for k, _ in made + reused)) for kind in ("typst", "pandoc")}
        log.write(f"    {variant.id} pdf: typeset {count['typst'][0]} of {count['typst'][1]} documents, converted "
                  f"{count['pandoc'][0]} of {count['pandoc'][1]} modules with pandoc (the rest from the cache)\n")


def _numbered(rm: ResolvedManual, kind: str) -> list[ResolvedModule]:
    """The modules a number picks: the sessions in order; for handouts, each session's handouts in the
    sessions' order, so that ``--handout 3`` is the handout of session 3 (Ark 3), as ``--session 3`` is session 3."""
    if kind != "handout":
        return [m for m in rm.modules() if m.type == kind]
    out: list[ResolvedModule] = []
    for session in (m for m in rm.modules() if m.type == "session"):
        for hid in documents.session_handouts(rm, session):
            mod = rm.module(hid)
            if mod is not None and mod.type == "handout" and mod not in out:
                out.append(mod)
    return out


def _module(rm: ResolvedManual, mid: str, kind: str) -> ResolvedModule:
    """The session or handout a trainer asked for: by id, or by its number (``--session 3``, ``--handout 3``)."""
    from manualkit.core.schema import suggest

    of_kind = [m for m in rm.modules() if m.type == kind]
    numbered = _numbered(rm, kind)
    others = [m for m in of_kind if m not in numbered]
    listing = (f"the {kind}s, by number or id:" + "".join(f"\n      {i:>2}  {m.id}  ({m.title})" for i, m in enumerate(numbered, 1))
               + (f"\n    and by id only:" + "".join(f"\n          {m.id}  ({m.title})" for m in others) if others else "")
               if of_kind else f"this variant has no {kind}s")
    if mid.strip().isdigit():
        n = int(mid)
        if 1 <= n <= len(numbered):
            return numbered[n - 1]
        what = ": the handouts of the sessions, in their order" if kind == "handout" else ""
        raise UsageError(f"there is no {kind} number {n} in variant {rm.variant} (it has {len(numbered)}{what})", hint=listing)
    mod = rm.module(mid)
    if mod is None or mod.type != kind:
        what = f"'{mid}' is a {mod.type}, not a {kind}" if mod else f"there is no {kind} '{mid}'"
        raise UsageError(f"{what} in variant {rm.variant}", hint=suggest(mid, [m.id for m in of_kind]) or listing)
    return mod


def build_one(variant: ResolvedVariant, lang: str, out_root: Path, *, book: bool = False,
              session: str | None = None, handout: str | None = None, with_handout: bool = False,
              log: TextIO | None = None) -> Path:
    """One PDF, quickly, for a trainer: only the modules it needs go through pandoc.

    ``with_handout`` (with ``session``): the session's pack, the guide with its handouts and, after
    them, every template (``template-*``) the guide links to, in sessions/<id>-pack.pdf."""
    log = log or sys.stderr
    rm = variant.manuals[lang]
    folder = out_root / variant.id / "pdf" / lang
    stamp = variant_timestamp(variant)
    if book:
        job = prepare(variant, lang, None, stamp, workers=available_cores())
        doc, target, mod = documents.book(job.rm, job.fragments, job.meta), folder / "manual.pdf", None
    elif session:
        mod = _module(rm, session, "session")
        templates = documents.session_templates(rm, mod) if with_handout else []
        job = prepare(variant, lang, [mod] + [rm.module(h) for h in documents.session_handouts(rm, mod) + templates], stamp)
        doc = documents.session_guide(rm, mod, job.fragments, job.meta, templates=templates)
        target = folder / "sessions" / (f"{mod.id}-pack.pdf" if with_handout else f"{mod.id}.pdf")
    elif handout:
        mod = _module(rm, handout, "handout")
        job = prepare(variant, lang, [mod], stamp)
        doc, target = documents.handout(rm, mod, job.fragments, job.meta), folder / "handouts" / f"{mod.id}.pdf"
    else:
        raise UsageError("say which PDF to make", hint="--book, --session ID or --handout ID")
    runner = TypstRunner(variant, stamp, draw=Drawer(variant))
    pdf = runner.handout_pdf(doc, log) if handout else runner.pdf(doc, log)
    if handout and mod is not None:
        _handout_pages_warning(pdf, doc, mod, log)
    from manualkit.outputs.staging import ensure_writable, write_atomically

    ensure_writable(target.parent)
    write_atomically(target, pdf)
    return target


__all__ = ["render", "build_one", "BuildError"]
