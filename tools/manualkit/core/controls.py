"""Control characters and terminal escape sequences (ESC [ ...) in text.

Content is printed in messages, written into CSVs and shown in terminals. A C0 or C1 control
character (other than tab and line breaks), DEL, or a bidirectional override can make a terminal
move the cursor, recolour or rewrite what was printed, or make a viewer show text in another order.
The checker reports them (E1302) and every message escapes them (:func:`visible`).
"""
from __future__ import annotations

import re

# C0 except tab, LF, CR; DEL; C1 (incl. the 8-bit CSI \x9b); bidi embeddings/overrides/isolates
CONTROL_RE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
# the same plus tab and line breaks: what a one-line message must never show raw
_IN_MESSAGE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def name(char: str) -> str:
    """A control character as people can read it: 'ESC', 'U+009B'."""
    return {"\x1b": "ESC", "\x00": "NUL", "\x07": "BEL", "\x08": "BS", "\x7f": "DEL", "\r": "CR"}.get(char, f"U+{ord(char):04X}")


_IN_VALUE = re.compile("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def visible(text: str, *, one_line: bool = False) -> str:
    """``text`` with every control character written as an escape (``\\x1b``), safe to print.

    ``one_line``: also tabs and line breaks (for a value shown in quotes)."""
    return (_IN_VALUE if one_line else _IN_MESSAGE).sub(lambda m: m[0].encode("unicode_escape").decode("ascii"), text)


def find(text: str) -> list[tuple[int, int, str]]:
    """(line, column, name) of every control character in ``text`` (1-based)."""
    out = []
    for m in CONTROL_RE.finditer(text):
        line = text.count("\n", 0, m.start()) + 1
        col = m.start() - (text.rfind("\n", 0, m.start()) + 1) + 1
        out.append((line, col, name(m[0])))
    return out


__all__ = ["CONTROL_RE", "visible", "find", "name"]
