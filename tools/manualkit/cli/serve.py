"""`manual serve`: a live preview of one variant that rebuilds on every change and reloads the browser.

It watches manual/, adaptations/, locales/ and mkdocs.yml. Each change runs the whole pipeline
(load → check → resolve → site build) in the background; the browser reloads when it is done.
When the navigation and the site settings are what they were (an edit of a module's text), only
the changed pages are rendered again (mkdocs' dirty build) and the search index keeps the other
pages' entries; a new, removed or renamed module, a changed locale name or a failed build makes
the next rebuild a full one, into a fresh folder that replaces the site only on success.
A broken edit prints the problems in the terminal and the preview keeps showing the last good
version, with the same problems at the top of every page (serve_overlay.py). The preview is
written to build/.serve/<variant>/site, never over `manual build`'s output. The web server is
mkdocs' own live-reload server, bound to 127.0.0.1 only.
"""
from __future__ import annotations

import io
import json
import logging
import shutil
import sys
import time
from pathlib import Path
from typing import TextIO

from manualkit.cli.format import print_problems
from manualkit.cli.ports import HOST, require_free
from manualkit.cli.serve_overlay import Shown, with_problems
from manualkit.core.problems import BuildRefused, ManualkitError, UsageError
from manualkit.core.project import load_project
from manualkit.core.resolved import BASE, variants_for

WATCHED = ("manual", "adaptations", "locales", "mkdocs.yml")

_WAITING_PAGE = """<!doctype html>
<html lang="nb"><head><meta charset="utf-8"><title>Forhåndsvisningen er ikke bygd ennå</title></head>
<body><main><h1>Forhåndsvisningen er ikke bygd ennå</h1>
<p>Manualen har feil. Terminalen der <code>manual serve</code> kjører, viser dem. Siden lastes inn
på nytt av seg selv når feilene er rettet.</p>
<p lang="en">The preview has not been built yet: the manual has problems, listed in the terminal that
runs <code>manual serve</code>. This page reloads by itself when they are fixed.</p></main></body></html>
"""


class Preview:
    """Builds the preview site; every build either succeeds or leaves the last good site in place."""

    def __init__(self, root: Path, variant: str, out: TextIO = sys.stdout) -> None:
        self.root = root
        self.variant = variant
        self.work = root / "build" / ".serve" / variant
        self.site = self.work / "site"
        self.docs = self.work / "docs"  # staged pages, kept between rebuilds (dirty builds compare times)
        self.out = out
        self.shown = Shown()  # what the pages show about the last rebuild (serve_overlay.py)
        self._said = io.StringIO()
        self.config_text = ""  # the generated config of the last full build
        self.full_next = True

    def rebuild(self) -> bool:
        """One build; problems go to the terminal and the pages. Never raises: the server must keep running."""
        self._said = io.StringIO()
        ok = self._rebuild()
        self.shown = Shown(self._said.getvalue(), failed=not ok)
        return ok

    def _rebuild(self) -> bool:
        started = time.perf_counter()
        try:
            project = load_project(self.root, variants_for(self.variant))
            if project.manual is not None and self.variant not in project.variants:
                self._say(f"not rebuilt: there is no variant '{self.variant}' any more (variants: {', '.join(project.variants)})")
                return False
            try:
                project.gate("the preview was not rebuilt")
            except BuildRefused:
                self._problems(project.problems)
                self._say("not rebuilt: fix the errors above; the preview shows the last good version")
                return False
            warnings = [p for p in project.problems if not p.is_error]
            if warnings:
                self._problems(warnings)
            how = self._build(project.resolutions[self.variant])
        except ManualkitError as exc:
            self.full_next = True
            self._say(f"not rebuilt: {exc.message}")
            if exc.hint:
                self._say(f"    hint: {exc.hint}")
            self._say("the preview shows the last good version")
            return False
        except Exception as exc:  # noqa: BLE001 - a bug must not stop the preview
            self.full_next = True
            self._say(f"not rebuilt: internal error ({type(exc).__name__}: {exc}); the preview shows the last good version")
            return False
        self._say(f"rebuilt {self.variant} ({how}) in {time.perf_counter() - started:.1f} s")
        return True

    def _build(self, variant) -> str:
        """Stage, then a dirty build when only page text changed, else a full one. Returns which."""
        from manualkit.outputs.site.build import check_site_config, finish_site
        from manualkit.outputs.site.warm import run_mkdocs_here as run_mkdocs  # no new interpreter per edit
        from manualkit.outputs.staging import staged_output
        from manualkit.outputs.site.config import write_config
        from manualkit.outputs.site.stage import plan, write_docs

        check_site_config(variant)
        files, staged = plan(variant, self.root / "build" / self.variant / "pdf")
        write_docs(self.docs, files)
        staged.docs = self.docs
        config_text = write_config(staged, variant.site_settings, self.work / "config.yml", self.site).read_text(encoding="utf-8")
        # every page's navigation shows every page title: a new title needs a full build too
        config_text += json.dumps([(lang, mod.id, mod.title) for lang, rm in variant.manuals.items() for mod in rm.modules()])
        if not self.full_next and config_text == self.config_text and (self.site / "index.html").is_file():
            self.full_next = True  # until this build has succeeded
            before = _page_times(self.site)
            run_mkdocs(self.work / "config.yml", staged, dirty=True)
            _merge_search_index(self.site, self.work / "search_index.json", before)
            finish_site(self.site, variant)
            self.full_next = False
            return "changed pages"
        self.full_next = True
        with staged_output(self.site) as fresh:
            write_config(staged, variant.site_settings, self.work / "fresh.yml", fresh)
            run_mkdocs(self.work / "fresh.yml", staged)
            index = fresh / "search" / "search_index.json"  # both languages, before it is split
            if index.is_file():
                shutil.copyfile(index, self.work / "search_index.json")
            finish_site(fresh, variant)
        self.config_text = config_text
        self.full_next = False
        return "full"

    def ensure_placeholder(self) -> None:
        if not (self.site / "index.html").is_file():
            self.site.mkdir(parents=True, exist_ok=True)
            (self.site / "index.html").write_text(_WAITING_PAGE, encoding="utf-8")

    def _problems(self, problems) -> None:
        text = io.StringIO()
        print_problems(problems, "text", text)
        self.out.write(text.getvalue())
        self._said.write(text.getvalue())

    def _say(self, text: str) -> None:
        self.out.write(text + "\n")
        self.out.flush()
        self._said.write(text + "\n")


def _page_times(site: Path) -> dict[str, int]:
    return {p.relative_to(site).as_posix(): p.stat().st_mtime_ns for p in site.rglob("*.html")}


def _merge_search_index(site: Path, full: Path, before: dict[str, int]) -> None:
    """A dirty build indexes only the pages it rendered: put them into the last full index."""
    new = site / "search" / "search_index.json"
    if not full.is_file() or not new.is_file():
        return
    fresh = json.loads(new.read_text(encoding="utf-8"))
    changed = {page for page, mtime in _page_times(site).items() if before.get(page) != mtime}
    index = json.loads(full.read_text(encoding="utf-8"))
    kept = [d for d in index.get("docs", []) if d.get("location", "").split("#")[0] not in changed]
    # one entry per address: mkdocs-static-i18n may hand the same page's entries over twice
    merged = {d.get("location", ""): d for d in kept + fresh.get("docs", [])}
    index["docs"] = list(merged.values())
    text = json.dumps(index, ensure_ascii=False, separators=(",", ":"))
    full.write_text(text, encoding="utf-8")
    new.write_text(text, encoding="utf-8")
    script = site / "search" / "search_index.js"
    if script.is_file():
        script.write_text("var __index = " + text, encoding="utf-8")


def start_url(port: int, lang: str | None, default_language: str) -> str:
    base = f"http://{HOST}:{port}/"
    return base if not lang or lang == default_language else f"{base}{lang}/index.html"


def _check_port(port: int) -> None:
    """Say so plainly when the port is taken, before anything starts."""
    require_free(port, "the preview", f"another preview may be running; try: manual serve --port {port + 1}")


def preview_server(preview: Preview, port: int):
    """mkdocs' live-reload server on the preview site, watching the sources, with the problems notice."""
    from mkdocs.livereload import LiveReloadServer

    server = LiveReloadServer(builder=preview.rebuild, host=HOST, port=port, root=str(preview.site))
    server.set_app(with_problems(server.serve_request, lambda: preview.shown))
    for name in WATCHED:
        if (preview.root / name).exists():
            server.watch(str(preview.root / name))
    return server


def serve(root: Path, variant: str | None, lang: str | None, port: int, *, out: TextIO = sys.stdout) -> int:
    """Serve the preview until Ctrl-C. Returns the exit code."""
    variant = variant or BASE
    project = load_project(root, variants_for(variant))
    if project.manual is not None:
        project.require_variant(variant)
        langs = project.adaptation(variant).languages if variant != BASE else project.manual.languages
        if lang and lang not in langs:
            raise UsageError(f"variant {variant} has no language '{lang}'", hint="languages: " + ", ".join(langs))
    default = project.manual.default_language if project.manual is not None else ""
    _check_port(port)
    preview = Preview(root, variant, out)
    preview.rebuild()
    preview.ensure_placeholder()
    logging.getLogger("mkdocs.livereload").setLevel(logging.WARNING)
    server = preview_server(preview, port)
    out.write(f"serving {preview.variant} on {start_url(port, lang, default)} "
              f"(watching {', '.join(n for n in WATCHED if (root / n).exists())}; Ctrl-C stops)\n")
    out.flush()
    try:
        server.serve()
    except KeyboardInterrupt:
        pass
    finally:
        server.shutdown()
    return 0


__all__ = ["serve", "Preview", "preview_server", "start_url"]
