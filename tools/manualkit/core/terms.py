"""Deprecated terms: where a text uses a synonym that locales/glossary.yml marks as deprecated.

A glossary term may list ``deprecated: {nb: [programtroskap], en: [...]}``: words (or fixed
phrases) that the manual no longer uses for that term. Every use in a module body or in an
overlay gives a warning (W1201) at its line, naming the preferred term. Pure: data in, problems out.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from manualkit.core import model as m
from manualkit.core.problems import Problem, make

_CODE_RE = re.compile(r"`[^`\n]*`")
_FENCE_RE = re.compile(r"^(```|~~~).*?^\1[^\n]*$", re.MULTILINE | re.DOTALL)
_SKIP_RE = re.compile(r"\{\{.*?\}\}|\]\([^)\n]*\)|\{#[^}\n]*\}")  # variables, link targets, heading ids


@dataclass(frozen=True)
class Deprecated:
    pattern: re.Pattern[str]
    word: str
    preferred: str
    term_id: str
    needle: str = ""  # the first word, lower case: a text without it cannot match (a cheap test first)


def deprecated_by_lang(manual: m.Manual) -> dict[str, list[Deprecated]]:
    out: dict[str, list[Deprecated]] = {}
    for t in manual.glossary:
        for lang, words in t.deprecated.items():
            for w in words:
                body = r"\s+".join(re.escape(part) for part in w.split())
                pat = re.compile(rf"(?<![\w-]){body}(?![\w-])", re.IGNORECASE)
                needle = w.split()[0].lower() if w.split() else ""
                out.setdefault(lang, []).append(Deprecated(pat, w, t.term.get(lang, ""), t.id, needle))
    return out


def _mask(text: str) -> str:
    """Blank out code, variables, link targets and heading ids, keeping every offset."""
    for rx in (_FENCE_RE, _CODE_RE, _SKIP_RE):
        text = rx.sub(lambda mt: re.sub(r"[^\n]", " ", mt.group(0)), text)
    return text


def check_text(text: str, rel: str, first_line: int, terms: list[Deprecated]) -> list[Problem]:
    low = text.lower()
    terms = [d for d in terms if d.needle in low]
    if not terms:
        return []
    masked = _mask(text)
    out: list[Problem] = []
    for d in terms:
        for mt in d.pattern.finditer(masked):
            used = mt.group(0)
            preferred = d.preferred[:1].upper() + d.preferred[1:] if used[:1].isupper() else d.preferred
            start = masked.rfind("\n", 0, mt.start()) + 1
            line = first_line + masked.count("\n", 0, mt.start())
            out.append(make("W1201", rel, line, mt.start() - start + 1, used=" ".join(used.split()),
                            preferred=preferred, id=d.term_id))
    return out


def check_manual(manual: m.Manual) -> list[Problem]:
    """Deprecated terms in every module file of the base manual, in the file's own language."""
    terms = deprecated_by_lang(manual)
    out: list[Problem] = []
    for mod in manual.ordered_modules():
        for lang, f in mod.files.items():
            if f.body is not None and terms.get(lang):
                out += check_text(f.body_text, f.path, f.body_line, terms[lang])
    return out


def check_overlays(manual: m.Manual, adaptations: list) -> list[Problem]:
    """Deprecated terms in the overlay files of every adaptation."""
    terms = deprecated_by_lang(manual)
    out: list[Problem] = []
    for a in adaptations:
        for change in a.changes:
            for lang, o in change.overlays.items():
                if terms.get(lang):
                    out += check_text(o.text, o.path, o.body_line, terms[lang])
    return out
