"""Headless Chromium for the checks: found on the machine, launched offline, fenced to 127.0.0.1.

Playwright drives Debian's ``chromium`` package; Playwright's own browser download does not work
on our machines. Every request a page makes goes through :class:`Fence`: requests to the local
server pass, anything else is refused and recorded, because a published page that loads from
another host leaks its readers' visits (and breaks offline). The host-resolver flag is a second
wall: even a request that escaped the route (a preconnect hint) cannot resolve a name.
"""
from __future__ import annotations

import os
import shutil
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, AsyncIterator
from urllib.parse import urlsplit

from manualkit.core.problems import ManualkitError

INSTALL_HINT = ("install Debian's Chromium (as root: apt-get update && apt-get install -y chromium), "
                "or set MANUALKIT_CHROMIUM to a Chromium or Chrome binary; Playwright's own browser "
                "download ('playwright install') does not work on these machines")

FLAGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--disable-extensions", "--disable-default-apps",
    "--no-default-browser-check", "--disable-domain-reliability", "--metrics-recording-only",
    # nothing but the local server can be reached, whatever the page tries
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
]
_CANDIDATES = ("/usr/bin/chromium", "/usr/lib/chromium/chromium", "chromium", "chromium-browser",
               "google-chrome", "google-chrome-stable")


class BrowserMissing(ManualkitError):
    """No browser to check with: the message says what is missing, the hint how to install it."""


def find_chromium() -> str | None:
    """The Chromium binary to use: $MANUALKIT_CHROMIUM, else Debian's, else one on PATH."""
    given = os.environ.get("MANUALKIT_CHROMIUM")
    if given:
        return given if Path(given).is_file() else None
    for name in _CANDIDATES:
        found = name if name.startswith("/") and Path(name).is_file() else shutil.which(name)
        if found:
            return found
    return None


def missing_reason() -> str | None:
    """Why the browser checks cannot run here (None when they can), for the CLI and test skips."""
    try:
        import playwright  # noqa: F401
    except ImportError:
        return "the Python package 'playwright' is not installed (pip install -e . installs the pinned version)"
    if os.environ.get("MANUALKIT_CHROMIUM") and find_chromium() is None:
        return f"MANUALKIT_CHROMIUM={os.environ['MANUALKIT_CHROMIUM']} is not a file"
    if find_chromium() is None:
        return "Chromium is not installed (no /usr/bin/chromium and none on PATH)"
    return None


def require_browser() -> str:
    reason = missing_reason()
    if reason:
        raise BrowserMissing(f"cannot check the sites in a browser: {reason}", hint=INSTALL_HINT)
    return find_chromium()  # type: ignore[return-value]


@dataclass
class Fence:
    """Lets a page reach only ``origin``; remembers what it refused and what was missing locally."""

    origin: str  # "http://127.0.0.1:PORT"
    refused: list[str] = field(default_factory=list)
    missing: list[tuple[str, int, str]] = field(default_factory=list)  # local (url, status, resource type)
    skip: tuple[str, ...] = ()  # local paths answered with nothing, silently (work the check does not need)

    def allowed(self, url: str) -> bool:
        if url.startswith(("data:", "blob:", "about:")):
            return True
        parts, own = urlsplit(url), urlsplit(self.origin)
        return parts.scheme == own.scheme and parts.netloc == own.netloc

    async def route(self, route: Any, request: Any) -> None:
        if self.allowed(request.url):
            if self.skip and urlsplit(request.url).path.endswith(self.skip):
                await route.abort("aborted")
            else:
                await route.continue_()
        else:
            self.refused.append(request.url)
            await route.abort("blockedbyclient")

    def response(self, response: Any) -> None:
        req = response.request
        if response.status >= 400 and self.allowed(response.url) and not req.is_navigation_request():
            self.missing.append((urlsplit(response.url).path, response.status, req.resource_type))

    async def attach(self, page: Any) -> None:
        await page.route("**/*", self.route)
        page.on("response", self.response)


@asynccontextmanager
async def launch() -> AsyncIterator[tuple[Any, str]]:
    """A fresh headless Chromium (Playwright gives it a new, empty profile); yields (browser, version)."""
    executable = require_browser()
    from playwright.async_api import Error as PlaywrightError
    from playwright.async_api import async_playwright

    async with async_playwright() as pw:
        try:
            browser = await pw.chromium.launch(executable_path=executable, headless=True, args=FLAGS,
                                               env={**os.environ, "CHROMIUM_FLAGS": ""})
        except PlaywrightError as exc:
            first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            raise BrowserMissing(f"Chromium ({executable}) did not start: {first}", hint=INSTALL_HINT) from None
        try:
            yield browser, browser.version
        finally:
            await browser.close()


async def new_context(browser: Any, *, phone: bool = False) -> Any:
    """A browser context like a reader's: desktop or phone size, no service workers (so every
    request passes the fence), reduced motion so opened menus are still when they are checked."""
    size = {"width": 390, "height": 844} if phone else {"width": 1280, "height": 900}
    return await browser.new_context(viewport=size, service_workers="block", reduced_motion="reduce",
                                     java_script_enabled=True, bypass_csp=False)


__all__ = ["find_chromium", "missing_reason", "require_browser", "launch", "new_context", "Fence",
           "BrowserMissing", "INSTALL_HINT", "FLAGS"]
