"""Turn resolved Markdown into Markdown that mkdocs-material renders the way readers need.

The resolved text is renderer-neutral (``ref:`` links, ``::: kind`` callouts, ``.core``
headings, images relative to the file they came from). Here each of those becomes its site
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

from manualkit.core.body import CALLOUT_CLOSE_RE, CALLOUT_OPEN_RE, fence_states, parse_heading, writing_lines
from manualkit.core.markdown_scan import code_spans
from manualkit.core.model_tables import FIGURE_SCHEME
from manualkit.core.problems import BuildError
from manualkit.core.resolved import Asset
from manualkit.core.variant_files import OUTSIDE, image_key

# bounded repetitions: constant work per '[' on a crafted line (see core/body.py LINK_RE)
LINK_TARGET_RE = re.compile(r"(!?)\[((?:[^\[\]]|\[[^\]]{0,100}\]){0,2000})\]\(\s*<?([^)\s>]*)>?((?:\s+[\"'][^)]{0,1000}[\"'])?\s*)\)")


def plain(text: str) -> str:
    """Markdown-escaped text (titles with filled-in variables) as plain text for YAML and nav."""
    from manualkit.core.variables import plain_text

    return plain_text(text)


def outside_code(text: str, fn: Callable[[str], str]) -> str:
    """Apply ``fn`` to the text outside fenced code blocks and inline code.

    ``fn`` sees whole runs of lines, so a link whose text wraps onto the next line is one match.
    """
    if "`" not in text and "~~~" not in text:
        return fn(text)
    segments: list[tuple[bool, list[str]]] = []  # (is code, lines)
    for line, code in fence_states(text.split("\n")):
        if not segments or segments[-1][0] != code:
            segments.append((code, []))
        segments[-1][1].append(line)
    out: list[str] = []
    for is_code, lines in segments:
        chunk = "\n".join(lines)
        if is_code:
            out.append(chunk)
            continue
        spans: list[str] = []
        hidden: list[str] = []
        for line in lines:  # code spans found in one linear pass per line (markdown_scan.code_spans)
            done_at = 0
            for start, end in code_spans(line):
                spans.append(line[start:end])
                hidden += [line[done_at:start], f"\x00{len(spans) - 1}\x00"]
                done_at = end
            hidden += [line[done_at:], "\n"]
        done = fn("".join(hidden)[:-1])
        out.append(re.sub("\x00(\\d+)\x00", lambda m: spans[int(m.group(1))], done))
    return "\n".join(out)


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


def rewrite_links(text: str, page: str, origin: str, links: PageLinks, media: Media) -> str:
    """``ref:`` targets → relative page links; image paths → the copied file under ``_media/``."""
    def one(m: re.Match[str]) -> str:
        bang, label, target, title = m.group(1), m.group(2), m.group(3), m.group(4) or ""
        if bang and target.startswith(FIGURE_SCHEME):
            target = media.figure(page, origin, target[len(FIGURE_SCHEME):])
        elif bang and target and not re.match(r"^[a-z]+:", target, re.I):
            target = media.href(page, origin, target)
        elif target.startswith("ref:"):
            target = links.href(page, target)
        else:
            return m.group(0)
        return f"{bang}[{label}]({target}{title})"

    return outside_code(text, lambda part: LINK_TARGET_RE.sub(one, part))


def callouts_to_admonitions(text: str, labels: dict[str, str]) -> str:
    """``::: kind`` … ``:::`` → ``!!! kind "Label"`` with the body indented by four spaces."""
    out: list[str] = []
    inside = False

    def keep(line: str) -> str:
        return ("    " + line if line.strip() else "") if inside else line

    for line, code in fence_states(text.split("\n")):
        if code:
            out.append(keep(line))
            continue
        stripped = line.strip()
        if inside and CALLOUT_CLOSE_RE.match(stripped):
            inside = False
            out.append("")
            continue
        cm = None if inside else CALLOUT_OPEN_RE.match(stripped)
        if cm:
            kind = cm.group(1)
            label = labels.get(kind, kind).replace('"', "'")
            indent = line[: len(line) - len(line.lstrip())]  # a callout inside a list item stays there
            classes = kind
            if kind == "lines":  # room to write: print.css rules as many lines as the PDF (n, 4 if not given)
                classes += f" lines-{writing_lines(stripped)}"
            out += ["", f'{indent}!!! {classes} "{label}"', ""]
            inside = True
            continue
        out.append(keep(line))
    return "\n".join(out)


def mark_headings(text: str, core_label: str, adapted: dict[str, str]) -> str:
    """Put a small visible text badge under every ``.core`` heading and every locally adapted section.

    ``adapted`` maps a section id to the Markdown of its badge (a link to the change record).
    """
    out: list[str] = []
    for line, code in fence_states(text.split("\n")):
        if code:
            out.append(line)
            continue
        out.append(line)
        h = parse_heading(line)
        if not h or h[0] < 2:
            continue
        _level, _title, hid, core, _bad = h
        badges = []
        if core:
            badges.append(f"**{core_label}**\n{{: .core-label data-search-exclude }}")
        if hid and hid in adapted:
            badges.append(f"{adapted[hid]}\n{{: .adapted-label data-search-exclude }}")
        for badge in badges:
            out += ["", badge]
        if badges:
            out.append("")
    return "\n".join(out)


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


__all__ = ["plain", "outside_code", "PageLinks", "Media", "rewrite_links", "callouts_to_admonitions",
           "mark_headings", "abbreviations"]
