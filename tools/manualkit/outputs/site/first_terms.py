"""Python-Markdown extension: a glossary term is marked once per page, where the reader first meets it.

The ``abbr`` extension marks every occurrence of every term (``*[term]: definition`` lines, see
markdown.abbreviations), headings included; a page full of dotted underlines is hard to read.
This tree processor runs right after it and keeps one ``<abbr>`` per term (per definition, so
"Familiepartner" and "familiepartner" count as one): the first in running text. Terms in headings,
links, code and the toolkit's notices and labels (banners, module facts, badges) are left as plain
text and do not count as the first occurrence. mkdocs.yml lists it after ``abbr``.
"""
from __future__ import annotations

import xml.etree.ElementTree as etree

from markdown import Extension
from markdown.treeprocessors import Treeprocessor

#: Elements whose text is never marked: headings, links, code.
SKIP_TAGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6", "a", "code", "pre", "kbd"})
#: The toolkit's own notices and labels around the text (pages.py, markdown.py).
SKIP_CLASSES = frozenset({"banner", "module-meta", "core-label", "adapted-label", "variant-line", "pdf-links",
                          "admonition-title"})


def _skipped(el: etree.Element) -> bool:
    return el.tag in SKIP_TAGS or bool(SKIP_CLASSES.intersection((el.get("class") or "").split()))


def _unwrap(parent: etree.Element, abbr: etree.Element) -> None:
    """Replace ``abbr`` by its text, joined to the text around it."""
    index = list(parent).index(abbr)
    words = (abbr.text or "") + (abbr.tail or "")
    if index == 0:
        parent.text = (parent.text or "") + words
    else:
        before = parent[index - 1]
        before.tail = (before.tail or "") + words
    parent.remove(abbr)


class FirstTermsTreeprocessor(Treeprocessor):
    def run(self, root: etree.Element) -> None:
        seen: set[str] = set()
        drop: list[tuple[etree.Element, etree.Element]] = []

        def walk(el: etree.Element, skipped: bool) -> None:
            for child in list(el):
                if child.tag == "abbr" and child.get("title") is not None:
                    title = child.get("title") or ""
                    if skipped or title in seen:
                        drop.append((el, child))
                    else:
                        seen.add(title)
                    continue
                walk(child, skipped or _skipped(child))

        walk(root, False)
        for parent, abbr in reversed(drop):  # from the end, so earlier positions stay valid
            _unwrap(parent, abbr)


class FirstTermsExtension(Extension):
    def extendMarkdown(self, md) -> None:  # noqa: N802 - Python-Markdown's name
        # abbr runs at 7, toc at 5: after the terms are marked, before headings become the toc
        md.treeprocessors.register(FirstTermsTreeprocessor(md), "manualkit_first_terms", 6)


def makeExtension(**kwargs) -> FirstTermsExtension:  # noqa: N802 - Python-Markdown's entry point
    return FirstTermsExtension(**kwargs)


__all__ = ["FirstTermsExtension", "FirstTermsTreeprocessor", "makeExtension"]
