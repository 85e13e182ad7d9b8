"""The problems of the last preview build, shown on every page `manual serve` sends to the browser.

The terminal is not always in sight while an editor writes; the page is. When the last rebuild
failed, every page the preview serves starts with a notice that the page shows the last good
version, and the problems exactly as the terminal prints them (file:line, message, hint). Warnings
after a good build are a folded notice. Nothing is written into the built site: the notice is
added to each HTML response on its way out (a WSGI wrapper around the live-reload server's
application), so it is always the current state and never reaches `manual build`'s output.
"""
from __future__ import annotations

import html
from dataclasses import dataclass
from typing import Callable, Iterable

PANEL_ID = "manualkit-preview-problems"


@dataclass(frozen=True)
class Shown:
    """What the last rebuild said: the terminal text, and whether the preview is out of date."""

    text: str = ""
    failed: bool = False


_STYLE = ("position:relative;z-index:10;margin:0;padding:.6em 1em;font:14px/1.45 system-ui,sans-serif;"
          "border-bottom:3px solid {border};background:{background};color:#1a1a1a")
_PRE = "margin:.5em 0 0;white-space:pre-wrap;font:13px/1.4 ui-monospace,monospace;max-height:40vh;overflow:auto"


def panel(shown: Shown) -> str:
    """The notice for the top of each page ("" when the last build had nothing to say)."""
    if not shown.text.strip():
        return ""
    if shown.failed:
        head = ("<strong>Forhåndsvisningen er ikke oppdatert: manualen har feil.</strong> "
                "<span lang=\"en\">The preview was not rebuilt: fix the problems below. "
                "This page shows the last good version.</span>")
        style, is_open = _STYLE.format(border="#b00020", background="#fdecee"), " open"
    else:
        head = "<strong>Advarsler</strong> <span lang=\"en\">(warnings) from the last build</span>"
        style, is_open = _STYLE.format(border="#8a6d00", background="#fff9db"), ""
    role = "alert" if shown.failed else "status"
    return (f'<div id="{PANEL_ID}" role="{role}" lang="nb" style="{style}"><details{is_open}>'
            f'<summary style="cursor:pointer">{head}</summary>'
            f'<pre lang="en" style="{_PRE}">{html.escape(shown.text.strip())}</pre></details></div>')


def _insert(page: bytes, notice: bytes) -> bytes:
    """Right after ``<body ...>``, so it is the first thing on the page."""
    start = page.find(b"<body")
    end = page.find(b">", start) if start != -1 else -1
    if end == -1:
        return notice + page
    return page[: end + 1] + notice + page[end + 1:]


def with_problems(app: Callable, current: Callable[[], Shown]) -> Callable:
    """A WSGI application that serves ``app``'s pages with the current notice at the top."""
    def wrapped(environ, start_response) -> Iterable[bytes]:
        said: dict = {}

        def capture(status, headers, exc_info=None):
            said["status"], said["headers"] = status, list(headers)
            return lambda data: None

        body = app(environ, capture)
        status, headers = said.get("status", "500 Internal Server Error"), said.get("headers", [])
        kind = next((v for k, v in headers if k.lower() == "content-type"), "")
        notice = panel(current()) if kind.startswith("text/html") else ""
        if not notice:
            start_response(status, headers)
            return body
        try:
            page = b"".join(body)
        finally:
            if hasattr(body, "close"):
                body.close()
        page = _insert(page, notice.encode("utf-8"))
        headers = [(k, v) for k, v in headers if k.lower() != "content-length"] + [("Content-Length", str(len(page)))]
        start_response(status, headers)
        return [page]

    return wrapped


__all__ = ["Shown", "panel", "with_problems", "PANEL_ID"]
