"""Stage one variant as an mkdocs docs folder: suffix structure, assets, logo and PDFs.

Everything is computed first (a dict of destination → content or source file), then written:
a file is only rewritten when its content changed and files no longer wanted are removed, so
the live preview's watcher sees exactly what an edit changed. Each variant is staged from its
own resolved manuals into its own folder: nothing of one municipality can reach another.
"""
from __future__ import annotations

import os
import shutil
from dataclasses import dataclass, field, replace
from importlib import resources
from pathlib import Path, PurePosixPath

from manualkit.core.release import footer_text
from manualkit.core.resolved import ResolvedManual, ResolvedPart, ResolvedVariant, string
from manualkit.core.statement import statement_module
from manualkit.outputs.site.colours import variant_css
from manualkit.outputs.site.markdown import Media, PageLinks, plain
from manualkit.outputs.site.pages import Pdfs, home_page, module_page
from manualkit.outputs.site.sanitise import text
from manualkit.outputs.reports.site_files import with_research_page

ASSET_DIR = "assets/manualkit"
STATIC_ASSETS = ("manual.css", "print.css", "iframe-worker-shim.js", "language-anchor.js")


@dataclass
class Staged:
    """What was staged: the facts the generated mkdocs config and error messages need."""

    docs: Path
    variant: str
    languages: tuple[str, ...]
    default_language: str
    site_names: dict[str, str]
    language_names: dict[str, str]
    home_labels: dict[str, str]
    nav_parts: dict[str, list[tuple[str, list[str]]]]  # lang -> [(part title, [page paths])]
    logo: str | None = None
    origins: dict[str, str] = field(default_factory=dict)  # staged page -> file a person edits
    site_url: str = ""  # the variant's site_url ("" when not set)
    footers: dict[str, str] = field(default_factory=dict)  # lang -> footer line (release version and date)

    def nav(self, lang: str) -> list:
        """The navigation of one language: home, then one section per part, titles in that language."""
        out: list = [{self.home_labels[lang]: "index.md"}]
        for title, pages in self.nav_parts[lang]:
            out.append({title: list(pages)})
        return out


def site_name(rm: ResolvedManual) -> str:
    title = plain(rm.title)
    return text(title if rm.is_base else f"{title} · {plain(rm.variant_name)}")


def find_pdfs(pdf_dir: Path | None, rm: ResolvedManual) -> dict[str, Path]:
    """The PDFs the print renderer made for this variant and language: docs path → file."""
    found: dict[str, Path] = {}
    if pdf_dir is None:
        return found
    base = pdf_dir / rm.lang
    if (base / "manual.pdf").is_file():
        found[f"pdf/{rm.lang}/manual.pdf"] = base / "manual.pdf"
    for mod in rm.modules():
        folder = {"session": "sessions", "handout": "handouts"}.get(mod.type)
        if folder and (base / folder / f"{mod.id}.pdf").is_file():
            found[f"pdf/{rm.lang}/{folder}/{mod.id}.pdf"] = base / folder / f"{mod.id}.pdf"
    return found


def _pdf_set(found: dict[str, Path], lang: str) -> Pdfs:
    book = f"pdf/{lang}/manual.pdf"
    sessions = {Path(k).stem: k for k in found if k.startswith(f"pdf/{lang}/sessions/")}
    handouts = {Path(k).stem: k for k in found if k.startswith(f"pdf/{lang}/handouts/")}
    return Pdfs(book if book in found else None, sessions, handouts)


def with_statement(record: dict | None, rm: ResolvedManual) -> ResolvedManual:
    """Add the accessibility statement (tilgjengelighetserklæring) as the last page, like the glossary.

    Norwegian public sites must publish one; it is filled from the last `manual a11y` run, which
    the load stage read into the variant (a variant never checked gets a page that says so).
    """
    if not rm.parts:
        return rm
    last = rm.parts[-1]
    parts = rm.parts[:-1] + (ResolvedPart(last.id, last.title, last.modules + (statement_module(record, rm),)),)
    return replace(rm, parts=parts)


def plan(variant: ResolvedVariant, pdf_dir: Path | None, report_dirs: dict[str, Path] | None = None) -> tuple[dict[str, str | bytes | Path], Staged]:
    """Every file of the staged docs folder (text, bytes from the variant, or a built file to copy:
    the PDFs and reports, from the build folder), and the facts about it."""
    manuals = variant.manuals
    first = next(iter(manuals.values()))
    default = first.default_language if first.default_language in manuals else first.lang
    langs = tuple(sorted(manuals, key=lambda lg: (lg != default, first.languages.index(lg) if lg in first.languages else 99)))
    manuals = {lang: with_statement(variant.a11y_record, rm) for lang, rm in manuals.items()}
    files: dict[str, str | bytes | Path] = {}
    for lang, rm in manuals.items():  # the "For researchers" page and the report files it links
        manuals[lang], report_files = with_research_page(rm, report_dirs, variant)
        files.update(report_files)
    from manualkit.outputs.figures import Drawer

    media = Media(variant.images, draw=Drawer(variant))
    staged = Staged(docs=Path(), variant=first.variant, languages=langs, default_language=default,
                    site_names={}, language_names={}, home_labels={}, nav_parts={}, site_url=variant.site_url)
    for lang in langs:
        rm = manuals[lang]
        pages = {mod.id: f"{part.id}/{mod.id}.md" for part in rm.parts for mod in part.modules}
        links = PageLinks(pages)
        found = find_pdfs(pdf_dir, rm)
        files.update(found)
        pdfs = _pdf_set(found, lang)
        files[f"index.{lang}.md"] = home_page(rm, "index.md", links, pdfs)
        staged.origins[f"index.{lang}.md"] = f"the home page, from manual/manual.yml and locales/{lang}.yml"
        for part in rm.parts:
            for mod in part.modules:
                page = pages[mod.id]
                staged_path = f"{part.id}/{mod.id}.{lang}.md"
                files[staged_path] = module_page(rm, mod, page, links, media, pdfs)
                sources = list(dict.fromkeys([mod.origin] + [sec.origin for sec in mod.sections]))
                staged.origins[staged_path] = f"module '{mod.id}', from {' and '.join(sources)}"
        staged.site_names[lang] = site_name(rm)
        staged.footers[lang] = text(footer_text(rm.release, rm.strings, plain(rm.title), rm.version))  # the theme shows it as HTML
        # names and labels go into the theme's templates as they are: escaped text
        staged.language_names[lang] = text(str(string(rm.strings, "language_name")))
        staged.home_labels[lang] = text(plain(string(rm.strings, "labels.home")))
        staged.nav_parts[lang] = [(text(plain(part.title)), [pages[mod.id] for mod in part.modules])
                                  for part in rm.parts if part.modules]
    files.update(media.files)
    for name in STATIC_ASSETS:
        files[f"{ASSET_DIR}/{name}"] = resources.files("manualkit.outputs.site").joinpath("assets", name).read_text(encoding="utf-8")
    files[f"{ASSET_DIR}/variant.css"] = variant_css(first.branding)
    logo = variant.assets.get("logo")
    if logo is not None:
        from manualkit.core.problems import BuildError

        if logo.problem:  # only a real image is ever copied into a site (the load stage checked its bytes)
            raise BuildError(f"the logo '{logo.path}' cannot be published: {logo.problem}", hint="run 'manual check' (E815)")
        dest = f"{ASSET_DIR}/logo{PurePosixPath(logo.path).suffix.lower()}"
        files[dest] = logo.data
        staged.logo = dest
    return files, staged


def write_docs(docs: Path, files: dict[str, str | bytes | Path]) -> int:
    """Make ``docs`` hold exactly ``files``; rewrite only what changed. Returns how many files were written."""
    docs.mkdir(parents=True, exist_ok=True)
    written = 0
    for rel, content in files.items():
        dest = docs / rel
        if isinstance(content, Path):
            if dest.is_file():
                a, b = dest.stat(), content.stat()
                if a.st_size == b.st_size and int(a.st_mtime) == int(b.st_mtime):
                    continue
            dest.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(content, dest)
            written += 1
            continue
        data = content if isinstance(content, bytes) else content.encode("utf-8")
        if dest.is_file() and dest.read_bytes() == data:
            continue
        dest.parent.mkdir(parents=True, exist_ok=True)
        dest.write_bytes(data)
        written += 1
    wanted = {str(Path(rel)) for rel in files}
    for dirpath, dirnames, filenames in os.walk(docs, topdown=False):
        for name in filenames:
            path = Path(dirpath) / name
            if str(path.relative_to(docs)) not in wanted:
                path.unlink()
                written += 1
        if Path(dirpath) != docs and not os.listdir(dirpath):
            os.rmdir(dirpath)
    return written


def stage(variant: ResolvedVariant, docs: Path, pdf_dir: Path | None, report_dirs: dict[str, Path] | None = None) -> Staged:
    """Write the docs folder of one variant (all its languages) and say what is in it."""
    files, staged = plan(variant, pdf_dir, report_dirs)
    write_docs(docs, files)
    staged.docs = docs
    return staged


__all__ = ["Staged", "stage", "plan", "write_docs", "find_pdfs", "site_name", "ASSET_DIR"]
