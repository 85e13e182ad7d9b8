"""Check every page of one built site in headless Chromium: axe on each page, then the open states.

Pages are found on disk (every .html outside assets/ and search/), so a page the navigation
forgets is still checked, in every language the site has (its ``<html lang>``). A few pages are
checked at a time: Chromium renders in its own processes, so two cores are kept busy.
"""
from __future__ import annotations

import asyncio
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from manualkit.a11y import axe
from manualkit.a11y.browser import Fence, launch, new_context
from manualkit.a11y.findings import EXTERNAL_REQUEST, MISSING_RESOURCE, PAGE_ERROR, Finding, SiteResult
from manualkit.a11y.server import base_path, serve_site
from manualkit.a11y.states import SEARCH, STATES

_SKIP_TOP = {"assets", "search"}
_SEARCH_INDEX = ("/search/search_index.json",)
_SHOWN = {"document", "stylesheet", "script", "image", "font", "media", "texttrack"}  # missing: readers notice
_LANG = re.compile(r"""<html[^>]*?\blang=["']?([A-Za-z-]+)""", re.I)


def html_lang(path: Path) -> str:
    m = _LANG.search(path.read_text(encoding="utf-8", errors="replace")[:4000])
    return m.group(1) if m else ""


def site_pages(site_dir: Path) -> list[tuple[str, str]]:
    """(URL path under the site root, language) of every page, home pages first."""
    pages = []
    for path in site_dir.rglob("*.html"):
        rel = path.relative_to(site_dir).as_posix()
        if rel.split("/")[0] in _SKIP_TOP:
            continue
        url = rel[: -len("index.html")] if rel == "index.html" or rel.endswith("/index.html") else rel
        pages.append((url, html_lang(path)))
    return sorted(pages, key=lambda p: (p[0].count("/"), p[0]))


def home_pages(pages: list[tuple[str, str]]) -> dict[str, str]:
    """The home page of each language: the shallowest directory page in it."""
    homes: dict[str, str] = {}
    for url, lang in pages:  # sorted shallow first
        if lang and lang not in homes and (url == "" or url.endswith("/")):
            homes[lang] = url
    return homes


def fence_findings(fence: Fence, page: str, lang: str, state: str = "") -> list[Finding]:
    out = [Finding(page, lang, state, EXTERNAL_REQUEST, "serious", url, "",
                   "Pages must not load anything from another host",
                   f"the page asked for {url}; ship the file with the site instead (it must work offline "
                   "and must not tell another host who reads it)")
           for url in dict.fromkeys(fence.refused)]
    for url, status, kind in dict.fromkeys(fence.missing):
        shown = kind in _SHOWN
        out.append(Finding(page, lang, state, MISSING_RESOURCE, "serious" if shown else "moderate", url, "",
                           "Every file a page uses must exist on the site",
                           f"the server answered {status} for this {kind} request"
                           + (": a missing stylesheet, script, font or image changes what readers see and hear"
                              if shown else " (a background request: readers see no difference, but it is a broken link)")))
    return out


@dataclass
class _Run:
    root_url: str
    contexts: dict[bool, Any]  # phone? -> browser context
    limit: asyncio.Semaphore
    axe_version: str = ""

    async def visit(self, url: str, lang: str, state: Any = None) -> tuple[list[Finding], str | None]:
        """Load one page (and open ``state`` in it); its findings, or a note why the state was not checked."""
        from playwright.async_api import Error as PlaywrightError

        async with self.limit:
            page = await self.contexts[bool(state and state.phone)].new_page()
            page.set_default_timeout(10000)  # a control that does not respond is a finding, not a hang
            parts = urlsplit(self.root_url)
            # building the search index costs a third of a page's time; only the search state needs it
            skip = () if state is not None and state.name == SEARCH else _SEARCH_INDEX
            fence = Fence(f"{parts.scheme}://{parts.netloc}", skip=skip)
            await fence.attach(page)
            name = state.name if state else ""
            try:
                response = await page.goto(self.root_url + url, wait_until="load", timeout=30000)
                if response is None or (response.status >= 400 and not url.endswith("404.html")):
                    status = response.status if response else "no answer"
                    return [Finding(url, lang, name, PAGE_ERROR, "serious", url, "", "Every page must load",
                                    f"the server answered {status}")], None
                if state is not None:
                    note = await state.opener(page)
                    if note:
                        return [], note
                raw = await axe.run_axe(page)
                self.axe_version = self.axe_version or axe.version(raw)
                return axe.findings(raw, url, lang, name) + fence_findings(fence, url, lang, name), None
            except PlaywrightError as exc:
                first = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
                return [Finding(url, lang, name, PAGE_ERROR, "serious", url, "",
                                "Every page must load and be checkable", f"the browser said: {first}")], None
            finally:
                await page.close()


async def _check(site_dir: Path, result: SiteResult, concurrency: int, tools: dict[str, str]) -> None:
    pages = site_pages(site_dir)
    for url, lang in pages:
        result.pages.setdefault(lang or "?", []).append(url)
    with serve_site(site_dir, result.base_path) as root_url:
        async with launch() as (browser, version):
            tools["chromium"] = version
            contexts = {False: await new_context(browser), True: await new_context(browser, phone=True)}
            run = _Run(root_url, contexts, asyncio.Semaphore(concurrency))
            page_results = await asyncio.gather(*(run.visit(url, lang) for url, lang in pages))
            closed: dict[str, set[tuple[str, str]]] = {}
            for (url, _lang), (found, _note) in zip(pages, page_results):
                result.findings += found
                closed[url] = {(f.rule, f.element) for f in found}
            homes = home_pages(pages)
            jobs = [(lang, url, st) for lang, url in homes.items() for st in STATES]
            state_results = await asyncio.gather(*(run.visit(url, lang, st) for lang, url, st in jobs))
            for (lang, url, st), (found, note) in zip(jobs, state_results):
                if note:
                    result.notes.append(f"{lang}: {st.name} not checked: {note}")
                    continue
                result.states.append(f"{lang}: {st.name}")
                # only what the open state adds: the closed page's findings are already listed
                result.findings += [f for f in found if (f.rule, f.element) not in closed.get(url, set())]
            tools["axe-core"] = run.axe_version
            for ctx in contexts.values():
                await ctx.close()


def check_site(site_dir: Path, tools: dict[str, str] | None = None, concurrency: int | None = None) -> SiteResult:
    """Serve ``site_dir`` on 127.0.0.1 and check every page and the open states; fills ``tools``."""
    site_dir = Path(site_dir)
    result = SiteResult(site_dir=str(site_dir), base_path=base_path(site_dir))
    workers = concurrency or max(2, min(4, os.cpu_count() or 2))
    asyncio.run(_check(site_dir, result, workers, tools if tools is not None else {}))
    return result


__all__ = ["check_site", "site_pages", "home_pages", "html_lang"]
