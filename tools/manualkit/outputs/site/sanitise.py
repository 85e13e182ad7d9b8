"""The one allow-list for HTML that reaches a published page from content.

Everything mkdocs renders from the manual's Markdown (page bodies, banners, the glossary, the
generated pages) passes through :func:`clean` in the site hook's ``on_page_content``; texts that
the theme puts into its own templates (page titles, nav labels, the site name, table-of-contents
entries) pass through :func:`text` first. The allow-list is written down once here: the tags,
attributes and URL schemes the manual needs, nothing else. Whatever the checker missed, a
script, an event attribute or a ``javascript:``/``data:`` address cannot reach the page; the
theme's own scripts are the only scripts in the site.

Ammonia (through ``nh3``) parses the fragment like a browser does, so tricks that fool a regular
expression (``<svg/onload=...>``, broken quotes, entities in URLs) do not fool it.
"""
from __future__ import annotations

import html
import re

import nh3

#: The tags Python-Markdown makes from the Markdown the manual uses (with abbr, admonition,
#: attr_list, md_in_html, tables and toc) and the toolkit's own markup (banners, badges).
TAGS = frozenset({
    "a", "abbr", "b", "blockquote", "br", "caption", "code", "col", "colgroup", "dd", "del", "div", "dl", "dt",
    "em", "figcaption", "figure", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "kbd", "li", "mark",
    "ol", "p", "pre", "s", "small", "span", "strong", "sub", "sup", "table", "tbody", "td", "tfoot", "th",
    "thead", "tr", "ul",
})
#: Attributes per tag ("*": on every tag). No event handlers, no style except table alignment.
ATTRIBUTES = {
    "*": {"class", "id", "lang", "title", "data-search-exclude"},  # the last: banners and badges stay out of search
    "a": {"href"},
    "img": {"src", "alt"},
    "div": {"role"},
    "th": {"style", "align"},
    "td": {"style", "align"},
    "ol": {"start"},
}
#: URL schemes allowed in href and src; relative addresses (pages, images, anchors) pass too.
URL_SCHEMES = frozenset({"http", "https", "mailto", "tel"})
STYLE_PROPERTIES = frozenset({"text-align"})

_TOKEN = re.compile(r"^[A-Za-z][A-Za-z0-9_-]{0,80}$")
_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_:.-]{0,120}$")
_LANG = re.compile(r"^[a-z]{2,3}(?:-[A-Za-z0-9]{1,8})?$")
_ROLES = frozenset({"note"})


def _attribute(tag: str, attr: str, value: str) -> str | None:
    """Values too: ids cannot shadow the theme's own elements (``__config``), classes are words."""
    if attr == "id":
        return value if _ID.match(value) and not value.startswith("__") else None
    if attr == "class":
        kept = [c for c in value.split() if _TOKEN.match(c) and not c.startswith("md-")]
        return " ".join(kept) or None
    if attr == "lang":
        return value if _LANG.match(value) else None
    if attr == "data-search-exclude":
        return "data-search-exclude"  # a marker: its value is never content
    if attr == "role":
        return value if value in _ROLES else None
    if attr == "align":
        return value if value in ("left", "right", "center") else None
    if attr == "start":
        return value if value.isdigit() and len(value) < 7 else None
    return value


_CLEANER = nh3.Cleaner(
    tags=set(TAGS), attributes={k: set(v) for k, v in ATTRIBUTES.items()}, attribute_filter=_attribute,
    url_schemes=set(URL_SCHEMES), filter_style_properties=set(STYLE_PROPERTIES), strip_comments=True,
    link_rel=None, clean_content_tags={"script", "style", "template", "noscript", "iframe", "object", "textarea"},
)


def clean(fragment: str) -> str:
    """An HTML fragment with everything outside the allow-list removed."""
    return _CLEANER.clean(fragment)


def text(value: str) -> str:
    """A text for the theme's templates (titles, nav labels, names): HTML-escaped, quotes too.

    It may arrive escaped already (Python-Markdown's toc titles) or not (a title from YAML);
    unescaping first makes the result the same either way, never double-escaped.
    """
    return html.escape(html.unescape(str(value)), quote=True)


__all__ = ["clean", "text", "TAGS", "ATTRIBUTES", "URL_SCHEMES"]
