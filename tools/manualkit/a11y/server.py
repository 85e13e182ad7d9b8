"""Serve a built site on 127.0.0.1 for the browser, under the path its ``site_url`` names.

A static host is what the published site runs on; file:// would hide problems (and break
search). The site is served under its ``site_url`` path because Material's 404 page links its
CSS absolutely from there. A missing file gets the site's 404.html with status 404, as most hosts do.
"""
from __future__ import annotations

import functools
import io
import http.server
import re
import threading
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator
from urllib.parse import unquote, urlsplit

_CANONICAL = re.compile(r"""<link[^>]*rel=["']?canonical["']?[^>]*href=["']([^"']+)["']""", re.I)
_CANONICAL_REV = re.compile(r"""<link[^>]*href=["']([^"']+)["'][^>]*rel=["']?canonical""", re.I)


def base_path(site_dir: Path) -> str:
    """The URL path the site expects to live under: the path of ``site_url`` ("/" when unset).

    mkdocs writes ``site_url`` into every page as the canonical link; the home page's is the root.
    """
    index = site_dir / "index.html"
    if not index.is_file():
        return "/"
    head = index.read_text(encoding="utf-8", errors="replace")[:20000]
    m = _CANONICAL.search(head) or _CANONICAL_REV.search(head)
    if not m:
        return "/"
    path = urlsplit(m.group(1)).path or "/"
    if path.endswith(".html"):  # use_directory_urls: false names the file: the site lives in its folder
        path = path.rsplit("/", 1)[0] + "/"
    return path if path.endswith("/") else path + "/"


class _Handler(http.server.SimpleHTTPRequestHandler):
    base = "/"

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - quiet: the report says what matters
        pass

    def _site_path(self) -> str | None:
        path = unquote(urlsplit(self.path).path)
        if not path.startswith(self.base):
            return None if path + "/" != self.base else ""
        return path[len(self.base):]

    def send_head(self):  # type: ignore[override]
        rel = self._site_path()
        if rel is None:
            return self._not_found()
        if rel == "" and not self.path.endswith("/"):
            self.send_response(301)
            self.send_header("Location", self.base)
            self.end_headers()
            return None
        target = Path(self.directory) / rel
        if target.is_dir() and not (target / "index.html").is_file():
            return self._not_found()
        if target.is_dir() and rel and not rel.endswith("/"):
            self.send_response(301)
            self.send_header("Location", self.base + rel + "/")
            self.end_headers()
            return None
        if not target.exists():
            return self._not_found()
        self.path = "/" + rel + (("?" + urlsplit(self.path).query) if urlsplit(self.path).query else "")
        return super().send_head()

    def _not_found(self):
        page = Path(self.directory) / "404.html"
        if not page.is_file():
            self.send_error(404)
            return None
        body = page.read_bytes()
        self.send_response(404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        return io.BytesIO(body)


class _Server(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address) -> None:  # type: ignore[no-untyped-def]
        import sys
        if isinstance(sys.exc_info()[1], (ConnectionError, TimeoutError)):
            return  # the browser closed a page while a file was still being sent: normal, not news
        super().handle_error(request, client_address)


@contextmanager
def serve_site(site_dir: Path, base: str = "/") -> Iterator[str]:
    """Serve ``site_dir`` on 127.0.0.1 (a free port) in a thread; yield the site's root URL."""
    handler = type("SiteHandler", (_Handler,), {"base": base})
    server = _Server(("127.0.0.1", 0), functools.partial(handler, directory=str(site_dir)))
    thread = threading.Thread(target=server.serve_forever, name="a11y-site-server", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}{base}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


__all__ = ["serve_site", "base_path"]
