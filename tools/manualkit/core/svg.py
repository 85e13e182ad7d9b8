"""The one allow-list for SVG: the elements and attributes of plain drawing, nothing else.

An SVG reaches a reader in two ways: a municipality's logo or a picture in the manual, and the
drawings the toolkit makes itself (outputs/figures.py, through matplotlib). Both are checked by
:func:`svg_problem` before they are published. What it accepts is written down once, here, as data
built the same way as the HTML allow-list in outputs/site/sanitise.py: :data:`ELEMENTS` (the tags),
:data:`ATTRIBUTES` (per tag, ``"*"`` on every tag) and the rules for the values that can point
somewhere (``href`` only to ``#fragments``, ``url()`` only to ``url(#fragment)``, style sheets
without ``@import``). Whatever is not on the list is refused, with the element or attribute named:
allow, never deny, so a trick nobody thought of is refused too.

Why a list of its own and not nh3's (Ammonia's) ``tags``/``attributes``: nh3 is an HTML sanitiser.
It parses by HTML rules while a browser reads an SVG file as XML (so the two can disagree about
what the file holds), it drops namespaced attributes such as ``xlink:href`` that drawings need, and
it *repairs* by removing what it does not allow. The toolkit never rewrites a municipality's file:
the editor must learn what to remove, and the file published is the file they gave. So SVG is
checked and refused here; HTML is cleaned there; both by an allow-list.

Pure: reads bytes, never writes.
"""
from __future__ import annotations

import re
from xml.etree import ElementTree

SVG_NS = "http://www.w3.org/2000/svg"
#: Namespaces a plain drawing may use, by the prefix the messages name them with.
NAMESPACES = {
    SVG_NS: "",
    "http://www.w3.org/1999/xlink": "xlink",
    "http://www.w3.org/XML/1998/namespace": "xml",
    "http://www.w3.org/1999/02/22-rdf-syntax-ns#": "rdf",
    "http://creativecommons.org/ns#": "cc",
    "http://purl.org/dc/elements/1.1/": "dc",
    "http://purl.org/dc/terms/": "dcterms",
}
#: Description of the file (author, licence: what matplotlib and Inkscape write), allowed only
#: inside <metadata>, where nothing is drawn or run. Any element name of these namespaces.
METADATA_PREFIXES = frozenset({"rdf", "cc", "dc", "dcterms"})
METADATA_ATTRIBUTES = frozenset({"rdf:about", "rdf:resource", "rdf:parseType", "xml:lang"})

_GEOMETRY = {"x", "y", "width", "height"}
_HREF = {"href", "xlink:href"}  # only to a #fragment of the same file
_TEXT = {"x", "y", "dx", "dy", "rotate", "textLength", "lengthAdjust"}

#: The elements of plain drawing, with the attributes each has besides those of every element.
ELEMENT_ATTRIBUTES: dict[str, frozenset[str]] = {name: frozenset(attrs) for name, attrs in {
    "svg": _GEOMETRY | {"viewBox", "preserveAspectRatio", "version", "baseProfile"},
    "g": set(), "defs": set(), "title": set(), "desc": set(), "metadata": set(),
    "symbol": _GEOMETRY | {"viewBox", "preserveAspectRatio", "refX", "refY"},
    "use": _GEOMETRY | _HREF,
    "path": {"d", "pathLength"},
    "rect": _GEOMETRY | {"rx", "ry", "pathLength"},
    "circle": {"cx", "cy", "r", "pathLength"},
    "ellipse": {"cx", "cy", "rx", "ry", "pathLength"},
    "line": {"x1", "y1", "x2", "y2", "pathLength"},
    "polyline": {"points", "pathLength"},
    "polygon": {"points", "pathLength"},
    "text": _TEXT,
    "tspan": _TEXT,
    "textPath": _HREF | {"startOffset", "method", "spacing", "side", "textLength", "lengthAdjust"},
    "linearGradient": _HREF | {"x1", "y1", "x2", "y2", "gradientUnits", "gradientTransform", "spreadMethod"},
    "radialGradient": _HREF | {"cx", "cy", "r", "fx", "fy", "fr", "gradientUnits", "gradientTransform", "spreadMethod"},
    "stop": {"offset"},
    "clipPath": {"clipPathUnits"},
    "mask": _GEOMETRY | {"maskUnits", "maskContentUnits"},
    "marker": {"viewBox", "preserveAspectRatio", "refX", "refY", "markerUnits", "markerWidth", "markerHeight",
               "orient"},
    "pattern": _GEOMETRY | _HREF | {"viewBox", "preserveAspectRatio", "patternUnits", "patternContentUnits",
                                    "patternTransform"},
    "style": {"type", "media", "title"},  # its text is checked like a style attribute
}.items()}
ELEMENTS = frozenset(ELEMENT_ATTRIBUTES)

#: Presentation attributes (SVG 1.1 and the CSS properties SVG 2 adds): how a shape looks.
PRESENTATION = frozenset({
    "alignment-baseline", "baseline-shift", "clip", "clip-path", "clip-rule", "color", "color-interpolation",
    "color-rendering", "direction", "display", "dominant-baseline", "enable-background", "fill", "fill-opacity",
    "fill-rule", "font", "font-family", "font-size", "font-size-adjust", "font-stretch", "font-style",
    "font-variant", "font-weight", "glyph-orientation-horizontal", "glyph-orientation-vertical",
    "image-rendering", "isolation", "kerning", "letter-spacing", "marker", "marker-end", "marker-mid",
    "marker-start", "mask", "mask-type", "mix-blend-mode", "opacity", "overflow", "paint-order", "pointer-events",
    "shape-rendering", "stop-color", "stop-opacity", "stroke", "stroke-dasharray", "stroke-dashoffset",
    "stroke-linecap", "stroke-linejoin", "stroke-miterlimit", "stroke-opacity", "stroke-width", "text-anchor",
    "text-decoration", "text-rendering", "transform-origin", "unicode-bidi", "vector-effect", "visibility",
    "word-spacing", "writing-mode",
})
#: Attributes of every element: names, language, accessible names, position, look.
ATTRIBUTES: dict[str, frozenset[str]] = {
    "*": frozenset({"id", "class", "style", "transform", "lang", "xml:lang", "xml:space", "role", "aria-label",
                    "aria-labelledby", "aria-describedby", "aria-hidden"}) | PRESENTATION,
    **ELEMENT_ATTRIBUTES,
}

_FRAGMENT = re.compile(r"^#[A-Za-z_][\w.:-]*$")
_URL = re.compile(r"url\(\s*(['\"]?)\s*([^)'\"]*)", re.I)
#: What a style sheet or style attribute may not hold besides url() to something outside: other
#: ways to load (@import, image-set()), script (expression(), javascript:, behaviours) and the CSS
#: escapes (``\75 rl(``) that would hide any of them from this check.
_CSS_LOADS = re.compile(r"@import|(?:-webkit-)?image-set\s*\(|\bimage\s*\(|expression\s*\(|javascript:"
                        r"|-moz-binding|\bbehavior\s*:|\\", re.I)


def _name(qualified: str) -> tuple[str | None, str]:
    """The prefix of a known namespace ('' for SVG or no namespace on attributes; None when the
    namespace is unknown) and the name as the messages write it."""
    if not qualified.startswith("{"):
        return "", qualified
    uri, local = qualified[1:].split("}", 1)
    prefix = NAMESPACES.get(uri)
    if prefix is None:
        return None, f"{local} (namespace '{uri[:80]}')"
    return prefix, f"{prefix}:{local}" if prefix else local


def _css_problem(css: str) -> str | None:
    """The piece of a style that could load or run something, None when it only draws."""
    for found in _URL.finditer(css):
        if not _FRAGMENT.match(found.group(2).strip()):
            return f"url({found.group(1)}{found.group(2).strip()[:60]}{found.group(1)})"
    bad = _CSS_LOADS.search(css)
    return bad.group(0) if bad else None


def _attribute_problem(tag: str, qualified: str, value: str) -> str | None:
    prefix, attr = _name(qualified)
    if prefix is None:
        return f"the attribute {attr} on <{tag}>, in a namespace plain SVG does not use"
    if attr.lower().startswith("on"):
        return f"the event attribute {attr}"
    allowed = METADATA_ATTRIBUTES if ":" in tag else ATTRIBUTES["*"] | ATTRIBUTES[tag]
    if attr not in allowed:
        return f"the attribute {attr} on <{tag}>, which is not on the list of plain drawing attributes"
    if attr in _HREF and not _FRAGMENT.match(value.strip()):
        return f"a reference to '{value[:60]}' outside the drawing"
    css = _css_problem(value) if attr == "style" or attr in PRESENTATION else None  # the values read as CSS
    if css:
        return f"the attribute {attr} on <{tag}> with {css}, which loads or runs something"
    return None


def _element_problem(qualified: str, in_metadata: bool) -> tuple[str, str | None]:
    """The element's name as messages write it, and why it is refused (None when allowed)."""
    if not qualified.startswith("{"):
        return qualified, f"the element <{qualified}> outside the SVG namespace"
    prefix, tag = _name(qualified)
    if prefix is None:
        return tag, f"the element <{tag}>, in a namespace plain SVG does not use"
    if prefix in METADATA_PREFIXES:
        return tag, None if in_metadata else f"the element <{tag}> outside <metadata>"
    if prefix or tag not in ELEMENTS:
        return tag, f"the element <{tag}>, which is not on the list of plain drawing elements"
    return tag, None


def _walk(text: str) -> str | None:
    parser = ElementTree.XMLPullParser(events=("start", "end", "pi"))
    parser.feed(text)
    parser.close()
    metadata_depth = 0  # inside how many <metadata> elements
    first = True
    for event, el in parser.read_events():
        if event == "pi":
            target = (el.text or "?").split(None, 1)[0]
            return f"the processing instruction <?{target}?>, which plain drawing does not use"
        if event == "end":
            metadata_depth -= el.tag == f"{{{SVG_NS}}}metadata"
            continue
        if first and el.tag != f"{{{SVG_NS}}}svg":
            if _name(el.tag)[1] == "svg":
                return 'an <svg> element without xmlns="http://www.w3.org/2000/svg"'
            return f"the element <{_name(el.tag)[1]}> where <svg> must come first"
        first = False
        tag, bad = _element_problem(el.tag, metadata_depth > 0)
        if bad:
            return bad
        metadata_depth += tag == "metadata"
        for name, value in el.attrib.items():
            bad = _attribute_problem(tag, name, value)
            if bad:
                return bad
        if tag == "style":
            css = _css_problem(el.text or "")
            if css:
                return f"a style sheet with {css}, which loads or runs something"
    return None


def svg_problem(data: bytes) -> str | None:
    """What in an SVG is not plain drawing (None when all of it is): the first element, attribute,
    reference or style that is not on the allow-list, named, as the end of "the SVG contains …"."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return "text that is not UTF-8"
    if "<!DOCTYPE" in text.upper() or "<!ENTITY" in text.upper():
        return "a DOCTYPE or ENTITY declaration"
    try:
        return _walk(text)
    except ElementTree.ParseError as exc:
        return f"text that cannot be read as XML ({exc})"


__all__ = ["svg_problem", "ELEMENTS", "ATTRIBUTES", "PRESENTATION", "NAMESPACES"]
