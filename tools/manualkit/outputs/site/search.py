"""One search index per language: a reader on /en/ finds English pages, a reader at the root Norwegian ones.

mkdocs-static-i18n builds the languages one after the other and gives the search plugin all of
their entries, so mkdocs-material writes one index holding every language at
``search/search_index.json``, and every page, in every language, loads it (the theme finds the
index from the ``base`` in each page's ``__config``). A query on /en/ then returned Norwegian
pages. After the build, :func:`split_by_language` divides that index:

* ``search/search_index.json`` (and the ``.js`` copy the offline plugin made for file://) keep
  the default language's entries, with lunr's stemmer for that language only;
* ``<lang>/search/search_index.json`` and ``.js`` get each other language's entries, their
  locations relative to ``<lang>/``;
* each page under ``<lang>/`` gets ``<lang>/`` as its ``base``, so it loads its own language's
  index and resolves the results' addresses there. ``base`` is only read by the theme's script
  (search, and the sitemap next to the pages that build.py already writes); links in the page
  are not affected.
"""
from __future__ import annotations

import json
import posixpath
import re
from pathlib import Path

INDEX = "search/search_index.json"
OFFLINE_INDEX = "search/search_index.js"  # what the offline plugin loads from file://
#: lunr.js language codes where they differ from the manual's (Material maps nb and nn to lunr's 'no')
LUNR = {"nb": "no", "nn": "no"}
_CONFIG_BASE = re.compile(r'(<script id="__config" type="application/json">\{[^<]*?"base": ")([^"]*)(")')


def _language_of(location: str, others: tuple[str, ...]) -> str | None:
    first = location.split("/", 1)[0]
    return first if first in others and "/" in location else None


def _index_config(config: dict, lang: str) -> dict:
    code = LUNR.get(lang, lang)
    langs = config.get("lang") or []
    return {**config, "lang": [code]} if code in langs else dict(config)


def _write(site_dir: Path, folder: str, data: dict, offline: bool) -> None:
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    target = site_dir / folder / INDEX
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text, encoding="utf-8")
    if offline:
        (site_dir / folder / OFFLINE_INDEX).write_text(f"var __index = {text}", encoding="utf-8")


def _point_pages_at(site_dir: Path, lang: str) -> None:
    """Every page under ``<lang>/`` takes ``<lang>/`` as the base of its search."""
    for page in (site_dir / lang).rglob("*.html"):
        rel_dir = page.parent.relative_to(site_dir).as_posix()
        base = posixpath.relpath(lang, rel_dir)
        text = page.read_text(encoding="utf-8")
        fixed = _CONFIG_BASE.sub(lambda m: m.group(1) + base + m.group(3), text, count=1)
        if fixed != text:
            page.write_text(fixed, encoding="utf-8")


def split_by_language(site_dir: Path, languages: tuple[str, ...], default: str) -> None:
    """Divide the shared index into one per language (see the module text). No index: nothing to do."""
    shared = site_dir / INDEX
    if not shared.is_file():
        return
    data = json.loads(shared.read_text(encoding="utf-8"))
    others = tuple(lang for lang in languages if lang != default)
    offline = (site_dir / OFFLINE_INDEX).is_file()
    docs: dict[str, list[dict]] = {lang: [] for lang in languages}
    for doc in data.get("docs", []):
        lang = _language_of(doc.get("location", ""), others)
        if lang is None:
            docs[default].append(doc)
        else:
            docs[lang].append({**doc, "location": doc["location"][len(lang) + 1:]})
    config = data.get("config", {})
    _write(site_dir, "", {**data, "config": _index_config(config, default), "docs": docs[default]}, offline)
    for lang in others:
        _write(site_dir, lang, {**data, "config": _index_config(config, lang), "docs": docs[lang]}, offline)
        _point_pages_at(site_dir, lang)


__all__ = ["split_by_language"]
