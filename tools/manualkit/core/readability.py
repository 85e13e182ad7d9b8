"""LIX, the Scandinavian readability index (Björnsson 1968), for handouts.

LIX = words / sentences + 100 × long words / words, where a long word has more than six
letters. Below 30 is very easy, 30–40 easy (plain language for parents), above 50 hard.
"""
from __future__ import annotations

import re

_WORD = re.compile(r"[A-Za-zÆØÅæøåÉéÜüÖöÄä]+(?:[-'][A-Za-zÆØÅæøåÉéÜüÖöÄä]+)*")
_SENT_END = re.compile(r"[.!?:]+(?=\s|$)|\n\s*\n|\n\s*[-*\d]+[.)]?\s")


def plain_text(markdown: str) -> str:
    text = re.sub(r"\{\{.*?\}\}", "X", markdown)
    text = re.sub(r"\{[#.][^}]*\}", "", text)
    text = re.sub(r"\]\([^)]*\)", "]", text)
    text = re.sub(r"^#+\s*(.*)$", r"\1.", text, flags=re.M)
    text = re.sub(r"^\s*[-*]\s+", "\n\n", text, flags=re.M)
    return re.sub(r"[*_`\[\]|>]", " ", text)


def sentences(markdown: str) -> list[str]:
    text = plain_text(markdown)
    parts = [p.strip() for p in _SENT_END.split(text)]
    return [p for p in parts if _WORD.search(p)]


def lix(markdown: str) -> float:
    sents = sentences(markdown)
    words = [w for s in sents for w in _WORD.findall(s)]
    if not words:
        return 0.0
    long_words = sum(1 for w in words if len(w.replace("-", "")) > 6)
    return round(len(words) / max(1, len(sents)) + 100 * long_words / len(words), 1)


def longest_sentences(markdown: str, n: int = 2) -> list[str]:
    sents = sorted(sentences(markdown), key=lambda s: len(_WORD.findall(s)), reverse=True)
    return [" ".join(s.split())[:90] for s in sents[:n]]
