"""The contact entries of a variant: the municipality's services and how to reach them.

Built from the project's variables (manual defaults, overridden by the municipality), by one
convention instead of a hand-kept list: a variable whose last name part ends in ``phone``,
``email``, ``address``, ``web`` or ``hours`` is a way of reaching someone, and the variable with
the same name without that ending names who (``service.child_welfare_phone`` belongs to
``service.child_welfare``). A value that is still a placeholder is shown as missing, never guessed.
"""
from __future__ import annotations

from manualkit.core import variables as v
from manualkit.core.resolved import ContactRow, string

CONTACT_ENDINGS = ("phone", "email", "address", "web", "hours")


def _text(val: v.Value, lang: str, fallback_lang: str) -> str:
    return val.texts.get(lang) or val.texts.get(fallback_lang) or next(iter(val.texts.values()), "")


def _who(name: str) -> str | None:
    group, _, last = name.rpartition(".")
    for ending in CONTACT_ENDINGS:
        if last == ending:
            return None
        if last.endswith("_" + ending):
            stem = last[: -len(ending) - 1]
            return f"{group}.{stem}" if group else stem
    return ""


def is_contact(name: str) -> bool:
    """True for a variable that the contact box on handouts and session guides shows."""
    return _who(name) != ""


def contact_rows(values: dict[str, v.Value], lang: str, default_lang: str, strings: dict) -> list[ContactRow]:
    placeholder = string(strings, "labels.placeholder")
    rows: list[ContactRow] = []
    for name, val in values.items():
        who = _who(name) if not name.startswith("model.") else ""  # the intervention model's values are no contacts
        if who == "":
            continue  # not a contact variable
        label = None
        if who and who in values and values[who].fill is None:
            label = " ".join(_text(values[who], lang, default_lang).split())
            label = label[:1].upper() + label[1:]
        if val.fill is not None:
            fill = val.fill.get(lang) or val.fill.get(default_lang) or next(iter(val.fill.values()), "")
            rows.append(ContactRow(label, f"[{placeholder}: {fill}]", True))
        else:
            rows.append(ContactRow(label, _text(val, lang, default_lang), False))
    return rows


__all__ = ["ContactRow", "contact_rows", "is_contact", "CONTACT_ENDINGS"]
