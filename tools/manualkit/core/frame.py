"""FRAME records (Wiltsey Stirman, Baumann & Miller, 2019) as typed values, and their labels.

The adaptation loader checks a change's ``frame:`` mapping against the vocabularies in
locales/frame.yml and converts it once into a :class:`FrameRecord`. Every place that shows a
FRAME coding (the About page, the ledger, the cross-site matrix) asks this module for the label,
so they cannot disagree.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

Vocab = dict[str, dict[str, dict[str, str]]]


def _keys(value: Any) -> tuple[str, ...]:
    if isinstance(value, (list, tuple)):
        return tuple(str(v) for v in value if v is not None)
    return (str(value),) if value not in (None, "") else ()


@dataclass(frozen=True)
class FrameRecord:
    when: str = ""
    planned: str = ""
    decided_by: tuple[str, ...] = ()
    modified: str = ""
    level: str = ""
    context: tuple[str, ...] = ()
    nature: str = ""
    fidelity: str = ""
    goals: tuple[str, ...] = ()
    reason_text: dict[str, str] | str = ""  # one text, or one per language
    reason_level: str = ""

    @classmethod
    def from_mapping(cls, raw: dict[str, Any] | None) -> "FrameRecord":
        raw = raw if isinstance(raw, dict) else {}
        reasons = raw.get("reasons") if isinstance(raw.get("reasons"), dict) else {}
        text = reasons.get("text", "")
        return cls(
            when=str(raw.get("when") or ""), planned=str(raw.get("planned") or ""),
            decided_by=_keys(raw.get("decided_by")), modified=str(raw.get("modified") or ""),
            level=str(raw.get("level") or ""), context=_keys(raw.get("context")),
            nature=str(raw.get("nature") or ""), fidelity=str(raw.get("fidelity") or ""),
            goals=_keys(raw.get("goals")),
            reason_text={str(k): str(v) for k, v in text.items()} if isinstance(text, dict) else str(text or ""),
            reason_level=str(reasons.get("level") or ""))

    @property
    def inconsistent(self) -> bool:
        return self.fidelity == "inconsistent"

    def nature_kind(self) -> tuple[str, tuple[str, ...]]:
        """What kind of change this is, in one phrase for prose (the About page, TIDieR item 10):
        FRAME's *nature* of a content change, the *context* changed for a context change, else
        what was modified. The ledger does not use it: it keeps ``modified``, ``context`` and
        ``nature`` in their own columns, as FRAME does."""
        if self.nature:
            return "nature", (self.nature,)
        if self.context:
            return "context", self.context
        return "modified", _keys(self.modified)

    def reason(self, lang: str, default_lang: str) -> str:
        if isinstance(self.reason_text, dict):
            return self.reason_text.get(lang) or self.reason_text.get(default_lang) or next(iter(self.reason_text.values()), "")
        return self.reason_text


def label(vocab: Vocab, category: str, key: Any, lang: str) -> str:
    """The label of one vocabulary key (or a comma-separated list of keys) in ``lang``; an
    unknown key shows as itself (the checker has reported it)."""
    if isinstance(key, (list, tuple)):
        return ", ".join(label(vocab, category, k, lang) for k in key)
    entry = vocab.get(category, {}).get(key)
    if not isinstance(entry, dict):
        return str(key)
    # a language being added may have no labels yet: the vocabulary's first language stands in
    return str(entry.get(lang) or next(iter(entry.values()), key))


def nature_label(vocab: Vocab, record: FrameRecord, lang: str) -> str:
    category, keys = record.nature_kind()
    return label(vocab, category, list(keys), lang)


def nature_key(record: FrameRecord) -> str:
    return ",".join(record.nature_kind()[1])


__all__ = ["FrameRecord", "label", "nature_label", "nature_key", "Vocab"]
