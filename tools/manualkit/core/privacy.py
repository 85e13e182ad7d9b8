"""Personal data in text: Norwegian identity numbers, phone numbers and e-mail addresses.

The manual is public; contact details belong in variables (manual.yml, adaptation.yml), never in
module text, titles, summaries, the glossary or the texts of adaptation.yml. :func:`find` looks
at a text in one pass:

* a *run* is digits in groups joined by one separator each: a space, a tab, a no-break space
  (U+00A0, U+202F, U+2007, U+2009) or a hyphen (``-``, U+2010, U+2011, U+2013). A run is judged
  as a whole, so ``12 34 56 78 90`` (five groups) is a list, not a phone number;
* a phone number is a run shaped like a Norwegian number (8 digits; 2+2+2+2, 3+2+3 or 4+4),
  optionally after +47 or 0047, whose first digit is 2 to 9 (no Norwegian number starts with 0 or
  1). Not: a run inside a word or an identifier (NCT04957394, s13063-021), after PMID, ISBN, ISSN,
  DOI or ORCID, a decimal or date (12.03.2024, 12/03), two years (2019 2020), a counting sequence
  (12 13 14 15), or one of the public national emergency and help numbers in :data:`PUBLIC_NUMBERS`;
* an identity number (fødselsnummer) is 11 digits (or 6+5) that pass both check digits;
* an e-mail address is ``local@domain``, the domain in any script (IDN: ``post@kommunå.no``).

Every pattern is bounded or unambiguous, so the scan is linear in the length of the text.
"""
from __future__ import annotations

import re

#: Public national numbers that may appear in the text (docs/security.md lists them with sources).
PUBLIC_NUMBERS = {
    "110": "brann (fire)",
    "112": "politi (police)",
    "113": "medisinsk nødtelefon (ambulance)",
    "116111": "Alarmtelefonen for barn og unge",
    "116117": "legevakt (out-of-hours medical service)",
    "116006": "Vold- og overgrepslinjen",
    "02800": "politiet, når det ikke haster (police, non-emergency)",
}

_SEPARATORS = " \t\u00a0\u202f\u2007\u2009\u2010\u2011\u2013-"
_SEP_CLASS = "[" + re.escape(_SEPARATORS) + "]"
_RUN = re.compile(r"(?:\+|(?<!\d)00)?\d+(?:" + _SEP_CLASS + r"\d+)*")
_GROUP = re.compile(r"\d+")
_LABELS = ("pmid", "pmid:", "pubmed", "isbn", "isbn:", "issn", "issn:", "doi", "doi:", "orcid", "orcid:", "nct")
_SHAPES = ((8,), (2, 2, 2, 2), (3, 2, 3), (4, 4))
_EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]{1,64}@(?:[^\W_][\w-]{0,62}\.){1,8}[^\W\d_]{2,63}(?![\w-])")


def fnr_is_valid(digits: str) -> bool:
    """True when 11 digits pass both mod-11 check digits of a Norwegian identity number."""
    d = [int(c) for c in digits]
    w1 = (3, 7, 6, 1, 8, 9, 4, 5, 2)
    w2 = (5, 4, 3, 2, 7, 6, 5, 4, 3, 2)
    k1 = 11 - sum(a * b for a, b in zip(w1, d)) % 11
    k1 = 0 if k1 == 11 else k1
    if k1 == 10 or k1 != d[9]:
        return False
    k2 = 11 - sum(a * b for a, b in zip(w2, d)) % 11
    k2 = 0 if k2 == 11 else k2
    return k2 != 10 and k2 == d[10]


def _label_before(text: str, start: int) -> bool:
    before = text[max(0, start - 14):start].lower().rstrip(" \t\u00a0:#")
    return before.endswith(_LABELS)


def _isolated(text: str, start: int, end: int) -> bool:
    """Not part of a word, an identifier, a decimal, a date or an address."""
    if start:
        c = text[start - 1]
        if c.isalnum() or c in "._/:#@=&?%+" or (c in "-\u2010\u2011\u2013" and start > 1 and text[start - 2].isalnum()):
            return False
    if end < len(text):
        c = text[end]
        if c.isalnum() or c in "/@_%" or (c in ".,:" and end + 1 < len(text) and text[end + 1].isdigit()):
            return False
    return True


def _phone(groups: list[str]) -> bool:
    shape = tuple(len(g) for g in groups)
    if shape not in _SHAPES or groups[0][0] in "01":
        return False
    numbers = [int(g) for g in groups]
    if len(numbers) > 1 and all(b == a + 1 for a, b in zip(numbers, numbers[1:])):
        return False  # 12 13 14 15: counting
    if shape == (4, 4) and all(1900 <= n <= 2099 for n in numbers):
        return False  # 2019 2020: years
    return "".join(groups) not in PUBLIC_NUMBERS


def find(text: str) -> list[tuple[str, int, str]]:
    """(rule code, offset in ``text``, the value) for every personal datum found."""
    out: list[tuple[str, int, str]] = []
    emails: list[tuple[int, int]] = []
    if "@" in text:
        for m in _EMAIL.finditer(text):
            out.append(("E806", m.start(), m.group(0)))
            emails.append((m.start(), m.end()))
    e = 0
    for m in _RUN.finditer(text):
        start, end = m.span()
        while e < len(emails) and emails[e][1] <= start:
            e += 1
        if e < len(emails) and emails[e][0] < end:
            continue  # digits inside an e-mail address: reported as the address
        if end - start < 5:
            continue
        raw = m.group(0)
        groups = _GROUP.findall(raw)
        digits = "".join(groups)
        if not _isolated(text, start, end) or _label_before(text, start):
            continue
        if len(digits) == 11 and tuple(len(g) for g in groups) in ((11,), (6, 5)) and fnr_is_valid(digits):
            out.append(("E805", start, raw))
            continue
        if raw.startswith(("+47", "0047")):  # the country code: +47 12 34 56 78, +4712345678, 0047 ...
            first = groups[0][2:] if raw.startswith("+") else groups[0][4:]
            groups = ([first] if first else []) + groups[1:]
        if groups and _phone(groups):
            out.append(("E807", start, raw.strip()))
    out.sort(key=lambda f: f[1])
    return out


__all__ = ["find", "fnr_is_valid", "PUBLIC_NUMBERS"]
