"""Turn resolved Markdown into Markdown that mkdocs-material renders the way readers need.

The resolved text is renderer-neutral (``ref:`` links, ``::: kind`` callouts, ``.core``
headings, images relative to the file they came from) and read once into a tree
(core/doctree.py). Walking that tree, each of those becomes its site
form: relative ``.md`` links that mkdocs checks in strict mode, Material admonitions with a
label from locales/, a visible text badge under core headings (so the meaning never rests on
CSS alone), and images written next to the pages from the bytes the variant holds. Code blocks and inline code are left alone.
"""
from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Callable, Mapping

from manualkit.core.doctree import Block, Link, Tree
from manualkit.core.markdown_syntax import heading_attr_col, writing_lines
from manualkit.core.model_tables import FIGURE_SCHEME
from manualkit.core.problems import BuildError
from manualkit.core.resolved import Asset
from manualkit.core.variant_files import OUTSIDE, image_key

_SCHEME = re.compile(r"^[a-z]+:", re.I)


def plain(text: str) -> str:
    """Markdown-escaped text (titles with filled-in variables) as plain text for YAML and nav."""
    from manualkit.core.variables import plain_text

    return plain_text(text)


@dataclass
class PageLinks:
    """Where every module's page lives, so a ``ref:`` becomes a path relative to the page."""

    pages: dict[str, str]  # module id -> docs-relative path without language suffix, e.g. basics/welcome.md

    def href(self, from_page: str, target: str) -> str:
        mod, _, sec = target[4:].partition("#")
        mod = mod.strip("/")
        dest = self.pages.get(mod)
        if dest is None:
            raise BuildError(f"{from_page}: the cross-reference '{target}' names no module of this variant",
                             hint="run 'manual check': it names the file and line")
        rel = posixpath.relpath(dest, posixpath.dirname(from_page) or ".")
        return rel + (f"#{sec}" if sec else "")


@dataclass
class Media:
    """Images used by the pages: written under ``_media/`` with their path in the repository,
    from the bytes the variant holds (``variant.images``, read and checked by the load stage), and
    the pictures drawn from the variant's model (``figure:`` targets) written under ``_media/figures/``."""

    images: Mapping[str, Asset]
    files: dict[str, bytes] = field(default_factory=dict)  # docs-relative destination -> the image's bytes
    draw: Callable[[str], str] | None = None  # name -> SVG (outputs/figures.Drawer), checked there

    def figure(self, from_page: str, origin: str, name: str) -> str:
        if self.draw is None:
            raise BuildError(f"{origin}: the picture '{name}' is drawn from the model, and this site has no drawer",
                             hint="this is a bug in the toolkit")
        # a folder per language, not the name's ".nb.svg": mkdocs-static-i18n would take that
        # suffix for its own and move the file between the languages' builds
        stem, _, rest = name.partition(".")
        lang = rest.removesuffix(".svg")
        dest = f"_media/figures/{lang}/{stem}.svg"
        if dest not in self.files:
            self.files[dest] = self.draw(name).encode("utf-8")
        return posixpath.relpath(dest, posixpath.dirname(from_page) or ".")

    def href(self, from_page: str, origin: str, src: str) -> str:
        key = None if src.startswith("/") else image_key(origin, src)
        asset = self.images.get(key) if key is not None else None
        if key is None or key.startswith("../") or (asset is not None and asset.problem == OUTSIDE):
            raise BuildError(f"{origin}: the image '{src}' lies outside the repository",
                             hint="keep images inside the repository (manual check reports this)")
        why = "it cannot be read (it was not loaded)" if asset is None else asset.problem
        if why:  # only real images are ever copied into a site
            raise BuildError(f"{origin}: '{src}' cannot be published as an image: {why}",
                             hint="run 'manual check': it names the line (E815)")
        dest = f"_media/{asset.path}"
        self.files[dest] = asset.data
        return posixpath.relpath(dest, posixpath.dirname(from_page) or ".")


def site_target(found: Link, page: str, origin: str, links: PageLinks, media: Media) -> str | None:
    """A link's target on the site: ``ref:`` → a relative page link, an image → the copied file
    under ``_media/``, a picture of the model → its drawn SVG; None for a target kept as written."""
    target = found.target
    if found.image and target.startswith(FIGURE_SCHEME):
        return media.figure(page, origin, target[len(FIGURE_SCHEME):])
    if found.image and target and not _SCHEME.match(target):
        return media.href(page, origin, target)
    if target.startswith("ref:"):
        return links.href(page, target)
    return None


@dataclass
class SiteText:
    """The Markdown of one page's module text in its site form, made by walking the trees of its
    preamble and sections (core/doctree.py): ``::: kind`` callouts become Material admonitions
    with their label, ``.core`` headings and locally adapted sections get a visible text badge
    (so the meaning never rests on CSS alone), link and image targets are rewritten."""

    page: str
    links: PageLinks
    media: Media
    labels: dict[str, str]  # callout kind -> its label
    core_label: str
    adapted: dict[str, str]  # section id -> the Markdown of its badge (a link to the change record)
    lines: list[str] = field(default_factory=list)
    _inside: bool = False

    def add(self, tree: Tree, origin: str, *, deviation: bool = False) -> None:
        """One preamble or section (``deviation``: a local replacement of a core section, whose
        heading is not marked core)."""
        tree = tree.stripped()
        if not tree.blocks:
            return
        if self.lines:
            self.lines.append("")

        def target(found: Link) -> str | None:
            new = site_target(found, self.page, origin, self.links, self.media)
            return None if new is None else tree.with_target(found, new)

        for index, (block, text) in enumerate(tree.walk(target)):
            if block.kind == "callout" and not self._inside:
                self._open(block)
                continue
            if block.kind == "close" and self._inside:
                self._inside = False
                self.lines.append("")
                continue
            core = block.core
            if deviation and index == 0 and block.kind == "heading":
                text, core = _without_core(text), False
            for line in text.split("\n"):
                self.lines.append(("    " + line if line.strip() else "") if self._inside else line)
            if block.kind == "heading" and block.level >= 2 and not self._inside:
                self._badges(block.id, core)

    def _open(self, block: Block) -> None:
        kind = block.name
        label = self.labels.get(kind, kind).replace('"', "'")
        line = block.lines[0]
        indent = line[: len(line) - len(line.lstrip())]  # a callout inside a list item stays there
        classes = kind
        if kind == "lines":  # room to write: print.css rules as many lines as the PDF (n, 4 if not given)
            classes += f" lines-{writing_lines(line.strip())}"
        self.lines += ["", f'{indent}!!! {classes} "{label}"', ""]
        self._inside = True

    def _badges(self, hid: str | None, core: bool) -> None:
        badges = []
        if core:
            badges.append(f"**{self.core_label}**\n{{: .core-label data-search-exclude }}")
        if hid and hid in self.adapted:
            badges.append(f"{self.adapted[hid]}\n{{: .adapted-label data-search-exclude }}")
        for badge in badges:
            self.lines += ["", badge]
        if badges:
            self.lines.append("")

    def text(self) -> str:
        return "\n".join(self.lines)


def _without_core(heading: str) -> str:
    """A heading line with ``.core`` taken out of its attribute list."""
    col = heading_attr_col(heading)
    if col < 0:
        return heading
    close = heading.rstrip(" \t").rfind("}")
    tokens = [t for t in heading[col + 1:close].split() if t != ".core"]
    return heading[:col].rstrip() + (" {" + " ".join(tokens) + "}" if tokens else "")


@lru_cache(maxsize=16)
def _term_forms(glossary: tuple[tuple[str, str, str], ...]) -> dict[str, str]:
    """Each glossary term (and its capitalised form) → its definition as plain text."""
    forms: dict[str, str] = {}
    for term, definition, _other in glossary:
        term, definition = plain(term).strip(), " ".join(plain(definition).split())
        if not term or not definition or "]" in term:
            continue
        for form in (term, term[:1].upper() + term[1:]):
            forms.setdefault(form, definition)
    return forms


def _word_char(c: str) -> bool:
    return c.isalnum() or c == "_"


def occurs(form: str, text: str) -> bool:
    """``form`` appears in ``text`` as a whole word (str.find is much faster than a regex per term)."""
    start = text.find(form)
    while start != -1:
        end = start + len(form)
        if (start == 0 or not _word_char(text[start - 1])) and (end == len(text) or not _word_char(text[end])):
            return True
        start = text.find(form, start + 1)
    return False


def abbreviations(glossary: tuple[tuple[str, str, str], ...], text: str) -> str:
    """Abbreviation lines (``*[term]: definition``) so glossary terms in ``text`` are explained on hover.

    Only terms that occur in the page are listed, one block each: Python-Markdown re-tests a
    block after every abbreviation it takes out of it, so one long block costs O(n²).
    """
    forms = _term_forms(glossary)
    words = set(_WORDS.findall(text))
    return "\n\n".join(f"*[{form}]: {definition}" for form, definition in forms.items()
                        if _may_occur(form, words) and occurs(form, text))


_WORDS = re.compile(r"\w+")  # re's \w is str.isalnum() or "_": the same words as _word_char


@lru_cache(maxsize=4096)
def _first_word(form: str) -> str | None:
    """The word a form starts with, when it starts with one."""
    found = _WORDS.match(form)
    return found.group() if found else None


def _may_occur(form: str, words: set[str]) -> bool:
    """False only when ``form`` cannot occur as a whole word: a whole-word match of a form that
    starts with a word starts with that word standing alone in the text."""
    first = _first_word(form)
    return first is None or first in words


__all__ = ["plain", "PageLinks", "Media", "SiteText", "site_target", "abbreviations"]
