"""Build one variant's site: stage → generated config → `mkdocs build --strict` in a subprocess.

mkdocs runs in its own process for every variant. mkdocs-static-i18n re-enters mkdocs' build
for each language and keeps state on its plugin objects (search entries, saved configs), and
Material keeps module-level caches; a fresh process per variant guarantees that nothing of one
municipality leaks into the next. The cost is one interpreter start (~0.5 s), measured in
benchmarks/site_build.py; the theme's compiled templates are shared through build/.cache
(template_cache.py). The preview, one variant again and again, runs mkdocs in its own process
instead (warm.py).

The site is written into a temporary folder that replaces the old one only on success.
"""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Mapping
from urllib.parse import urlsplit

from manualkit.outputs.staging import ensure_writable, staged_output
from manualkit.core.problems import BuildError
from manualkit.core.resolved import ResolvedVariant
from manualkit.outputs.site.config import shared_settings, write_config
from manualkit.outputs.site.search import split_by_language
from manualkit.outputs.site.stage import Staged, stage

TIMEOUT = 900  # seconds; the real manual builds in a few
_LOG_RE = re.compile(r"^(WARNING|ERROR|CRITICAL)\s*-\s*(.*)$")
_DOC_RE = re.compile(r"'([^']+\.[a-z]{2,3}\.md)'")


def mkdocs_env() -> dict[str, str]:
    from manualkit.outputs import cache

    env = dict(os.environ)
    store = cache.pieces()
    if store is not None:  # the theme's compiled templates, shared by every variant's mkdocs process
        env["MANUALKIT_TEMPLATE_CACHE"] = str(store.folder / "templates")
    env["NO_MKDOCS_2_WARNING"] = "1"  # Material's end-of-life notice on every build
    env.setdefault("PYTHONIOENCODING", "utf-8")
    return env


def mkdocs_command(config: Path, dirty: bool = False) -> list[str]:
    # a dirty build always warns that it is one, so --strict would refuse it: run_mkdocs applies
    # the same rule itself, to every other warning
    return [sys.executable, "-m", "mkdocs", "build", "--config-file", str(config)] + (["--dirty", "--no-strict"] if dirty else ["--strict"])


_DIRTY_NOTICE = "A 'dirty' build is being performed"


def explain(output: str, staged: Staged) -> list[str]:
    """The lines of mkdocs' output a person needs, with staged pages named by module and file."""
    lines: list[str] = []
    raw = output.splitlines()
    for line in raw:
        m = _LOG_RE.match(line.strip())
        if not m or "Aborted with" in line:
            continue
        text = m.group(2).strip()
        for page in _DOC_RE.findall(text):
            origin = staged.origins.get(page)
            if origin:
                text = text.replace(f"'{page}'", f"'{page}' ({origin})")
        lines.append(f"{m.group(1).lower()}: {text}")
    if not lines:  # a crash rather than a warning: show the end of the traceback
        tail = [ln for ln in raw if ln.strip()][-6:]
        lines = tail or ["mkdocs stopped without saying why"]
    return lines


def run_mkdocs(config: Path, staged: Staged, dirty: bool = False) -> None:
    """Run mkdocs on a generated config; a warning or an error becomes a BuildError. ``dirty``
    renders only pages whose staged file is newer than its HTML (the preview's quick rebuild)."""
    try:
        proc = subprocess.run(mkdocs_command(config, dirty), cwd=config.parent, env=mkdocs_env(), timeout=TIMEOUT,
                              capture_output=True, text=True, encoding="utf-8", errors="replace")
    except subprocess.TimeoutExpired:
        raise BuildError(f"the {staged.variant} site did not build: mkdocs ran for more than {TIMEOUT} s",
                         hint="run 'manual build --variant " + staged.variant + " --only site' again; report it if it repeats") from None
    judge(proc.stdout + "\n" + proc.stderr, proc.returncode != 0, staged, dirty)


def judge(said: str, failed: bool, staged: Staged, dirty: bool) -> None:
    """mkdocs' verdict as the toolkit's: a failure, or any warning (--strict; a dirty build's own
    notice aside), is a BuildError that names the module and the file."""
    warned = dirty and any(_LOG_RE.match(ln.strip()) and _DIRTY_NOTICE not in ln for ln in said.splitlines())
    if failed or warned:
        details = "\n    ".join(d for d in explain(said, staged) if _DIRTY_NOTICE not in d)
        raise BuildError(f"the {staged.variant} site did not build (mkdocs --strict):\n    {details}",
                         hint="fix the text of the module named above, then build again")


def check_site_config(variant: ResolvedVariant) -> None:
    """The shared site settings (mkdocs.yml, read by the load stage) are there and usable."""
    shared_settings(variant.site_settings)


def _readable(folder: Path) -> None:
    """tempfile.mkdtemp makes the folder private (0700); a published site must be readable by a web server."""
    mask = os.umask(0)
    os.umask(mask)
    folder.chmod(0o777 & ~mask)


EMPTY_SITEMAP = '<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"/>\n'


def _sitemaps_beside_pages(site_dir: Path) -> None:
    """Answer Material's sitemap requests instead of leaving them to 404.

    Material's script fetches ``sitemap.xml`` next to every ``<link rel=alternate>`` address to
    learn which pages the other language has. mkdocs-static-i18n already points those links at
    the same page in the other language, so the answer is not needed: an empty sitemap in each
    folder with pages keeps behaviour unchanged and the server log (and ``manual a11y``) clean.
    """
    for folder in {p.parent for p in site_dir.rglob("*.html")}:
        target = folder / "sitemap.xml"
        if not target.exists():
            target.write_text(EMPTY_SITEMAP, encoding="utf-8")


_HREFLANG = re.compile(r'href="/[^"]*"( hreflang="([a-z]{2,3})")')


def _fix_404_language_links(site_dir: Path, default_lang: str, base: str = "/") -> None:
    """The theme renders 404.html with the language links of the last page it built; point
    them at each language's home page instead (404.html uses paths from the site_url's path)."""
    page = site_dir / "404.html"
    if page.is_file():
        text = page.read_text(encoding="utf-8")
        fixed = _HREFLANG.sub(lambda m: f'href="{base}{"" if m.group(2) == default_lang else m.group(2) + "/"}"{m.group(1)}', text)
        if fixed != text:
            page.write_text(fixed, encoding="utf-8")


def finish_site(site_dir: Path, variant: ResolvedVariant) -> None:
    """What every built site gets after mkdocs: one search index per language, the sitemap only
    with a site_url, sitemaps beside pages, 404 language links, readable modes."""
    languages = tuple(sorted(variant.manuals, key=lambda lg: (lg != variant.default_language, lg)))
    split_by_language(site_dir, languages, variant.default_language)
    if not variant.site_url:  # mkdocs would list 'None/…' addresses: without site_url there is no sitemap to give
        for name in ("sitemap.xml", "sitemap.xml.gz"):
            (site_dir / name).unlink(missing_ok=True)
    _sitemaps_beside_pages(site_dir)
    base = urlsplit(variant.site_url).path or "/"
    _fix_404_language_links(site_dir, variant.default_language, base if base.endswith("/") else base + "/")
    _readable(site_dir)


def render(variant: ResolvedVariant, out_dir: Path, log=None, inputs: Mapping[str, Path] | None = None) -> None:
    """Build the site of one variant, all its languages, into ``out_dir``.

    PDFs are taken from the ``pdf`` output's folder (``inputs["pdf"]``) when the print output has
    made them, copied into the site and linked.
    """
    check_site_config(variant)
    out_dir = Path(out_dir)
    pdf_dir = (inputs or {}).get("pdf")
    # named after the temporary output folder, so a killed build's leftovers are cleaned with it
    work = Path(tempfile.mkdtemp(prefix=f"{out_dir.name}-stage-", dir=out_dir.parent))
    try:
        staged = stage(variant, work / "docs", pdf_dir, {k: v for k, v in (inputs or {}).items() if k != "pdf"})
        config = write_config(staged, variant.site_settings, work / "mkdocs.yml", out_dir)
        run_mkdocs(config, staged)
        finish_site(out_dir, variant)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def build_site(variant: ResolvedVariant, out_dir: Path, *, pdf_dir: Path | None = None) -> Path:
    """Build ``out_dir`` for one variant, replacing it only when the build succeeded (used by serve)."""
    out_dir = Path(out_dir)
    ensure_writable(out_dir.parent)
    with staged_output(out_dir) as site_dir:  # holds the build folder's lock
        render(variant, site_dir, None, {"pdf": pdf_dir} if pdf_dir is not None else {})
    return out_dir


__all__ = ["build_site", "finish_site", "run_mkdocs", "mkdocs_command", "mkdocs_env", "check_site_config", "explain", "render"]
