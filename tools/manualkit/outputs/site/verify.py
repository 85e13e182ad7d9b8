"""A last look at a finished page: does it hold anything active that the theme did not put there?

The sanitiser makes this impossible for content; this check is the net under it, run on every
page mkdocs writes (sanitise_hook.on_post_page) and by the tests on the built site. It parses
the page like a browser would (html.parser decodes entities in attributes) and reports event
attributes, ``javascript:``/``vbscript:``/``data:`` addresses, scripts from elsewhere and tags that
embed other documents.
"""
from __future__ import annotations

import re
from html.parser import HTMLParser

URL_ATTRS = frozenset({"href", "src", "action", "formaction", "xlink:href", "data", "poster", "background",
                       "srcset", "ping", "cite", "manifest", "codebase"})
EMBEDDING = frozenset({"iframe", "frame", "frameset", "object", "embed", "applet", "base", "portal"})
_BAD_SCHEME = re.compile(r"^(?:javascript|vbscript|data|livescript|mocha):", re.I)
_TAB_NEWLINE = re.compile(r"[\t\n\r]+")
_C0_AND_SPACE = "".join(chr(i) for i in range(0x21))


def _scheme_is_bad(value: str) -> bool:
    """As a browser reads an address: C0 controls and spaces at the ends dropped, tabs and
    newlines inside removed (``java&#9;script:`` is ``javascript:``)."""
    return bool(_BAD_SCHEME.match(_TAB_NEWLINE.sub("", value.strip(_C0_AND_SPACE))))


class _Scanner(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs) -> None:
        self._tag(tag, attrs)

    def handle_startendtag(self, tag: str, attrs) -> None:
        self._tag(tag, attrs)

    def _tag(self, tag: str, attrs) -> None:
        if tag in EMBEDDING:
            self.found.append(f"a <{tag}> element")
        for name, value in attrs:
            value = value or ""
            if name.startswith("on"):
                self.found.append(f"the event attribute {name} on <{tag}>")
            elif name in URL_ATTRS and _scheme_is_bad(value):
                self.found.append(f"the address {value[:40]!r} in {name} on <{tag}>")
            elif name == "http-equiv" and value.lower() == "refresh":
                self.found.append("a <meta http-equiv=refresh>")
        if tag == "script":
            src = dict(attrs).get("src") or ""
            if src and (re.match(r"^[A-Za-z][A-Za-z0-9+.-]*:", src) or src.startswith("//")):
                self.found.append(f"a script from {src[:60]!r}")


_SEEN: dict[str, tuple[str, ...]] = {}  # a line parsed from a clean start to a clean end → what it held
_SEEN_MAX = 200_000


def _clean(scanner: _Scanner) -> bool:
    """Nothing pending: the next line is read exactly as if it began a new document."""
    return not scanner.rawdata and scanner.cdata_elem is None


def unsafe_markup(page: str) -> list[str]:
    """What is active in ``page`` beyond the theme's own local scripts (empty when it is clean).

    The page is fed line by line. A line that starts and ends with nothing pending (no open tag,
    comment or script) is read the same wherever it stands, so what it held is remembered: the
    navigation, the header and the footer repeat on every page and are parsed once per build,
    which keeps the check linear in the site's size instead of pages × navigation.
    """
    scanner = _Scanner()
    seen, found = _SEEN, scanner.found
    clean = True  # nothing pending before this line (a remembered line leaves the state as it was)
    for line in page.splitlines(keepends=True):
        if clean:
            known = seen.get(line)
            if known is not None:
                if known:
                    found.extend(known)
                continue
        before = len(found)
        scanner.feed(line)
        was_clean, clean = clean, _clean(scanner)
        if was_clean and clean:
            if len(seen) > _SEEN_MAX:
                seen.clear()
            seen[line] = tuple(found[before:])
    scanner.close()
    return scanner.found


__all__ = ["unsafe_markup"]
