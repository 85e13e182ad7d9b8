"""`manual a11y`: check the built sites (every page, both languages, open states) and every PDF.

Works on what `manual build` left in build/<variant>/: it never builds itself, so it checks
exactly what would be published. Exit 0 when no variant has a serious or critical finding and
every PDF passes, 1 otherwise (also when something could not be checked: no site, no browser).
"""
from __future__ import annotations

import time
from datetime import datetime, timezone
from pathlib import Path
from typing import TextIO

from manualkit.core.problems import ManualkitError
from manualkit.a11y.findings import VariantResult
from manualkit.a11y.report import print_result, write_results

BUILD = "build"


def _tool_version(dist: str) -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(dist)
    except PackageNotFoundError:
        return ""


def check_pdfs(result: VariantResult, build_dir: Path, root: Path) -> None:
    from manualkit.a11y.pdf import check_pdf, pdf_language

    pdf_dir = build_dir / "pdf"
    files = sorted(pdf_dir.rglob("*.pdf")) if pdf_dir.is_dir() else []
    if not files:
        result.errors.append(f"no PDFs in {_rel(pdf_dir, root)}: run 'manual build --variant {result.variant}' first")
        return
    result.tools["pikepdf"] = _tool_version("pikepdf")
    for path in files:
        lang = pdf_language(path, pdf_dir, result.languages)
        result.pdfs.append(check_pdf(path, lang, shown_as=path.relative_to(build_dir).as_posix()))


def check_variant(root: Path, variant: str, languages: list[str], *, pdfs: bool = True,
                  concurrency: int | None = None) -> VariantResult:
    """Check build/<variant>/site in the browser and build/<variant>/pdf with pikepdf."""
    from manualkit.a11y.site import check_site

    build_dir = root / BUILD / variant
    result = VariantResult(variant=variant, checked_at=datetime.now(timezone.utc).isoformat(timespec="seconds"),
                           languages=list(languages))
    site_dir = build_dir / "site"
    if not (site_dir / "index.html").is_file():
        result.errors.append(f"no built site in {_rel(site_dir, root)}: run 'manual build --variant {variant}' first")
    else:
        result.site = check_site(site_dir, result.tools, concurrency)
        for lang in languages:
            if not result.site.pages.get(lang):
                result.errors.append(f"the site has no pages in '{lang}' (no page with <html lang=\"{lang}\">)")
    if pdfs:
        check_pdfs(result, build_dir, root)
    return result


def _rel(path: Path, root: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return str(path)


def run_a11y(root: Path, variant: str | None, out: TextIO) -> int:
    """Check ``variant`` (every variant when None); print findings; write the JSON results."""
    from manualkit.core.project import load_project
    from manualkit.a11y.browser import require_browser

    root = Path(root)
    project = load_project(root, None if variant is None else ["base"] + ([variant] if variant != "base" else []))
    if project.manual is None:
        raise ManualkitError("the manual cannot be loaded, so its variants are unknown",
                             hint="run 'manual check' and fix the errors it lists")
    if variant is not None:
        project.require_variant(variant)
    require_browser()  # before any work: a clear message and the install hint, exit 1
    failed: list[str] = []
    for name in [variant] if variant else project.variants:
        started = time.perf_counter()
        resolution = project.resolutions.get(name)
        languages = list(resolution.manuals) if resolution is not None else list(project.manual.languages)
        result = check_variant(root, name, languages)
        print_result(result, out)
        if result.site is not None:
            written = write_results(root, root / BUILD / name, result)
            from manualkit.a11y.sources import stamp_record
            stamp_record(root, name)  # which sources were checked: `manual publish` refuses a stale result
            out.write(f"{name}: wrote {', '.join(_rel(p, root) for p in written)} "
                      f"({time.perf_counter() - started:.0f} s)\n")
        if not result.passed:
            failed.append(name)
    if failed:
        out.write(f"accessibility check failed for {', '.join(failed)}\n")
        return 1
    out.write("accessibility check passed: no serious or critical findings, every PDF passes\n")
    return 0


__all__ = ["run_a11y", "check_variant", "check_pdfs"]
